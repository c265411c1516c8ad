//! A layered (Sugiyama-style) drawing of a directed graph: break cycles,
//! assign layers, insert dummy nodes on long edges, reduce crossings with
//! barycenter sweeps, then assign coordinates. Deterministic: the same graph
//! always gets the same drawing.

/// Spacing of a [`Layout`], in drawing units (pixels in the SVG).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    /// Height of every node box.
    pub node_height: f64,
    /// Vertical distance between the tops of consecutive layers.
    pub layer_gap: f64,
    /// Minimum horizontal gap between two boxes (or routing points) of a layer.
    pub node_gap: f64,
    /// Empty border around the drawing.
    pub margin: f64,
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing {
            node_height: 36.0,
            layer_gap: 84.0,
            node_gap: 24.0,
            margin: 12.0,
        }
    }
}

/// Where a node is drawn: its box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width, as given.
    pub width: f64,
    /// Height ([`Spacing::node_height`]).
    pub height: f64,
    /// The layer, 0 at the top.
    pub layer: usize,
}

impl Placed {
    /// The horizontal centre.
    pub fn center_x(&self) -> f64 {
        self.x + self.width / 2.0
    }
}

/// How an edge is drawn: a polyline from the bottom of its source's box to
/// the top of its target's box (or the other way round for an edge that was
/// reversed to break a cycle), bending at one point per layer it crosses.
#[derive(Clone, Debug, PartialEq)]
pub struct Routed {
    /// Index of the edge in the input.
    pub edge: usize,
    /// The points, from the edge's source to its target.
    pub points: Vec<(f64, f64)>,
    /// Whether the edge points upwards (it closes a cycle).
    pub reversed: bool,
}

/// A drawing of a graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// One box per node, in input order.
    pub nodes: Vec<Placed>,
    /// One route per edge, in input order.
    pub edges: Vec<Routed>,
    /// Width of the drawing, margins included.
    pub width: f64,
    /// Height of the drawing, margins included.
    pub height: f64,
}

/// Lays out a directed graph in layers, edges pointing downwards.
///
/// # Arguments
///
/// `widths[i]` is the width of node `i`'s box; `edges` are `(from, to)` pairs
/// of node indices (out-of-range indices and self-loops are ignored).
///
/// # Returns
///
/// A [`Layout`]: boxes that never overlap, and every edge routed through one
/// point per layer it spans, so each segment joins two consecutive layers.
///
/// # Complexity
///
/// Cycle breaking, layering and dummy insertion are linear; each of the
/// fixed number of crossing-reduction sweeps sorts every layer and counts
/// crossings between neighbouring layers in O(e²) for e edges between them;
/// coordinates take a fixed number of linear passes.
///
/// # Example
///
/// ```
/// use ops_core::render::{Spacing, layered_layout};
/// let layout = layered_layout(&[40.0, 40.0, 40.0], &[(0, 1), (1, 2), (0, 2)], Spacing::default());
/// let layers: Vec<usize> = layout.nodes.iter().map(|n| n.layer).collect();
/// assert_eq!(layers, [0, 1, 2]);
/// assert_eq!(layout.edges[2].points.len(), 3); // 0 -> 2 bends once, in layer 1
/// ```
pub fn layered_layout(widths: &[f64], edges: &[(usize, usize)], spacing: Spacing) -> Layout {
    let sizes: Vec<(f64, f64)> = widths.iter().map(|&w| (w, spacing.node_height)).collect();
    layered_layout_sized(&sizes, edges, spacing, None)
}

/// Like [`layered_layout`], with a width and a height per node (a node may
/// be a box drawn around a drawing of its own), and, with `max_row_width`,
/// layers wider than that wrapped into several rows, so that a graph with
/// many nodes side by side grows downwards instead of off the screen (the
/// routing points of edges to a later row of the same layer pass through
/// the earlier rows, a few pixels each). A layer's height is that of its
/// tallest node; boxes are aligned at the top.
///
/// ```
/// use ops_core::render::{Spacing, layered_layout_sized};
/// // Ten leaves under one root, at most about four per row.
/// let sizes = vec![(60.0, 36.0); 11];
/// let edges: Vec<(usize, usize)> = (1..11).map(|i| (0, i)).collect();
/// let wrapped = layered_layout_sized(&sizes, &edges, Spacing::default(), Some(340.0));
/// assert_eq!(wrapped.nodes.iter().map(|n| n.layer).max(), Some(3)); // rows of 4, 4 and 2
/// assert!(wrapped.width < 400.0);
/// let unwrapped = layered_layout_sized(&sizes, &edges, Spacing::default(), None);
/// assert!(unwrapped.width > 800.0);
/// ```
pub fn layered_layout_sized(
    sizes: &[(f64, f64)],
    edges: &[(usize, usize)],
    spacing: Spacing,
    max_row_width: Option<f64>,
) -> Layout {
    let widths: Vec<f64> = sizes.iter().map(|s| s.0).collect();
    let heights: Vec<f64> = sizes.iter().map(|s| s.1).collect();
    let n = widths.len();
    let valid: Vec<(usize, usize, usize)> = edges
        .iter()
        .enumerate()
        .filter(|(_, (a, b))| *a < n && *b < n && a != b)
        .map(|(i, &(a, b))| (i, a, b))
        .collect();
    let reversed = back_edges(n, &valid);
    // Edges as they point in the acyclic graph.
    let dag: Vec<(usize, usize, usize, bool)> = valid
        .iter()
        .zip(&reversed)
        .map(|(&(i, a, b), &r)| if r { (i, b, a, true) } else { (i, a, b, false) })
        .collect();
    let mut layer = layers(n, &dag);
    if let Some(max) = max_row_width {
        layer = wrap_rows(&layer, &widths, spacing.node_gap, max);
    }
    let mut graph = Layered::new(&widths, &heights, &layer, &dag);
    graph.reduce_crossings();
    graph.assign_x(spacing, max_row_width);
    graph.finish(spacing, edges.len())
}

/// Splits every layer whose boxes, side by side, are wider than `max` into
/// rows that are not (a box wider than `max` gets a row of its own), in
/// node order. Edges still point downwards: a layer's rows all come before
/// the next layer's, and no edge joins two nodes of one layer.
fn wrap_rows(layer: &[usize], widths: &[f64], gap: f64, max: f64) -> Vec<usize> {
    let depth = layer.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (v, &l) in layer.iter().enumerate() {
        members[l].push(v);
    }
    let mut out = vec![0usize; layer.len()];
    let mut row = 0usize;
    for nodes in members {
        let mut used = 0.0;
        for v in nodes {
            let w = widths[v] + gap;
            if used > 0.0 && used + w > max {
                row += 1;
                used = 0.0;
            }
            out[v] = row;
            used += w;
        }
        row += 1;
    }
    out
}

/// Marks the edges that close a cycle: those leading back to a node on the
/// stack of a depth-first search started from each node in index order.
fn back_edges(n: usize, edges: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &(_, a, _)) in edges.iter().enumerate() {
        out_edges[a].push(k);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; n];
    let mut back = vec![false; edges.len()];
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        let mut stack = vec![(root, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (v, pos) = *top;
            if let Some(&k) = out_edges[v].get(pos) {
                top.1 += 1;
                let w = edges[k].2;
                match state[w] {
                    State::New => {
                        state[w] = State::Open;
                        stack.push((w, 0));
                    }
                    State::Open => back[k] = true,
                    State::Done => {}
                }
            } else {
                state[v] = State::Done;
                stack.pop();
            }
        }
    }
    back
}

/// Longest-path layering of an acyclic graph: every node one below its
/// lowest predecessor; then each source with successors moves down to just
/// above its highest successor, so a source that needs only something deep
/// does not draw one long edge across the picture.
fn layers(n: usize, dag: &[(usize, usize, usize, bool)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, a, b, _) in dag {
        indegree[b] += 1;
        out[a].push(b);
    }
    let sources: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = sources.iter().rev().copied().collect();
    while let Some(v) = ready.pop() {
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    for v in sources {
        if let Some(highest) = out[v].iter().map(|&w| layer[w]).min() {
            layer[v] = highest.saturating_sub(1);
        }
    }
    layer
}

/// The proper layered graph: real nodes and dummies, every edge between
/// consecutive layers.
struct Layered {
    /// Width of every vertex (dummies have width 0).
    width: Vec<f64>,
    /// Height of every vertex (dummies have height 0).
    height: Vec<f64>,
    layer: Vec<usize>,
    /// Vertices of each layer, in order.
    order: Vec<Vec<usize>>,
    /// Upper and lower neighbours of each vertex.
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Per input edge (by position in `dag`): its chain of vertices, top to bottom.
    chains: Vec<(usize, Vec<usize>, bool)>,
    x: Vec<f64>,
    real: usize,
}

impl Layered {
    fn new(widths: &[f64], heights: &[f64], layer: &[usize], dag: &[(usize, usize, usize, bool)]) -> Layered {
        let mut width = widths.to_vec();
        let mut height = heights.to_vec();
        let mut layer = layer.to_vec();
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); widths.len()];
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); widths.len()];
        let mut chains = Vec::with_capacity(dag.len());
        for &(i, a, b, reversed) in dag {
            let mut chain = vec![a];
            for l in layer[a] + 1..layer[b] {
                let d = width.len();
                width.push(0.0);
                height.push(0.0);
                layer.push(l);
                up.push(Vec::new());
                down.push(Vec::new());
                chain.push(d);
            }
            chain.push(b);
            for pair in chain.windows(2) {
                down[pair[0]].push(pair[1]);
                up[pair[1]].push(pair[0]);
            }
            chains.push((i, chain, reversed));
        }
        let depth = layer.iter().max().map_or(0, |m| m + 1);
        let mut order: Vec<Vec<usize>> = vec![Vec::new(); depth];
        // Initial order: a depth-first walk from the top, so connected
        // vertices start near each other.
        let mut seen = vec![false; width.len()];
        let mut roots: Vec<usize> = (0..width.len()).filter(|&v| up[v].is_empty()).collect();
        roots.extend(0..width.len());
        for root in roots {
            let mut stack = vec![root];
            while let Some(v) = stack.pop() {
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                order[layer[v]].push(v);
                stack.extend(down[v].iter().rev().filter(|&&w| !seen[w]));
            }
        }
        let x = vec![0.0; width.len()];
        Layered {
            real: widths.len(),
            width,
            height,
            layer,
            order,
            up,
            down,
            chains,
            x,
        }
    }

    fn positions(&self) -> Vec<usize> {
        let mut pos = vec![0usize; self.width.len()];
        for row in &self.order {
            for (i, &v) in row.iter().enumerate() {
                pos[v] = i;
            }
        }
        pos
    }

    /// Edge crossings between layers `l` and `l + 1`.
    fn crossings_below(&self, l: usize, pos: &[usize]) -> usize {
        let mut segments: Vec<(usize, usize)> = Vec::new();
        for &v in &self.order[l] {
            segments.extend(self.down[v].iter().map(|&w| (pos[v], pos[w])));
        }
        let mut count = 0;
        for (i, a) in segments.iter().enumerate() {
            for b in &segments[i + 1..] {
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    count += 1;
                }
            }
        }
        count
    }

    fn crossings(&self) -> usize {
        let pos = self.positions();
        (0..self.order.len().saturating_sub(1))
            .map(|l| self.crossings_below(l, &pos))
            .sum()
    }

    /// Barycenter sweeps, down then up, keeping the best order seen.
    fn reduce_crossings(&mut self) {
        const SWEEPS: usize = 12;
        let mut best = self.order.clone();
        let mut best_count = self.crossings();
        for sweep in 0..SWEEPS {
            if best_count == 0 {
                break;
            }
            let downwards = sweep % 2 == 0;
            let layers: Vec<usize> = if downwards {
                (1..self.order.len()).collect()
            } else {
                (0..self.order.len().saturating_sub(1)).rev().collect()
            };
            for l in layers {
                let pos = self.positions();
                let mut keyed: Vec<(f64, usize, usize)> = self.order[l]
                    .iter()
                    .map(|&v| {
                        let neighbours = if downwards { &self.up[v] } else { &self.down[v] };
                        let key = if neighbours.is_empty() {
                            pos[v] as f64
                        } else {
                            neighbours.iter().map(|&w| pos[w] as f64).sum::<f64>() / neighbours.len() as f64
                        };
                        (key, pos[v], v)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                self.order[l] = keyed.into_iter().map(|(_, _, v)| v).collect();
            }
            let count = self.crossings();
            if count < best_count {
                best_count = count;
                best = self.order.clone();
            }
        }
        self.order = best;
    }

    /// Horizontal centres: pack each layer, then alternately pull every layer
    /// towards the mean of its neighbours above or below, keeping order and
    /// gaps (a least-squares fit solved exactly by pooling adjacent violators).
    fn assign_x(&mut self, spacing: Spacing, bound: Option<f64>) {
        // Routing points (dummies) of long edges may run close together;
        // boxes keep the full gap from each other.
        let gap = |s: &Self, a: usize, b: usize| {
            let (ra, rb) = (a < s.real, b < s.real);
            let between = match (ra, rb) {
                (true, true) => spacing.node_gap,
                (false, false) => spacing.node_gap / 4.0,
                _ => spacing.node_gap / 2.0,
            };
            (s.width[a] + s.width[b]) / 2.0 + between
        };
        for row in &self.order {
            let mut at = 0.0;
            for (i, &v) in row.iter().enumerate() {
                if i > 0 {
                    at += gap(self, row[i - 1], v);
                }
                self.x[v] = at;
            }
        }
        const PASSES: usize = 8;
        for pass in 0..PASSES {
            let downwards = pass % 2 == 0;
            let layers: Vec<usize> = if downwards {
                (1..self.order.len()).collect()
            } else {
                (0..self.order.len().saturating_sub(1)).rev().collect()
            };
            for l in layers {
                let row = self.order[l].clone();
                let desired: Vec<f64> = row
                    .iter()
                    .map(|&v| {
                        let neighbours = if downwards { &self.up[v] } else { &self.down[v] };
                        if neighbours.is_empty() {
                            self.x[v]
                        } else {
                            neighbours.iter().map(|&w| self.x[w]).sum::<f64>() / neighbours.len() as f64
                        }
                    })
                    .collect();
                let gaps: Vec<f64> = row.windows(2).map(|p| gap(self, p[0], p[1])).collect();
                for (v, x) in row.iter().zip(fit_in_order(&desired, &gaps)) {
                    self.x[*v] = x;
                }
                if let Some(width) = bound {
                    self.keep_within(l, width, &gap);
                }
            }
        }
        if let Some(width) = bound {
            for l in 0..self.order.len() {
                self.keep_within(l, width, &gap);
            }
        }
    }

    /// Shifts layer `l` into `[0, width]`; a layer spread wider than that is
    /// packed with the least gaps first, and starts at 0 if still wider:
    /// pulling rows towards their neighbours must not make the drawing
    /// wider than its widest packed row.
    fn keep_within(&mut self, l: usize, width: f64, gap: &dyn Fn(&Self, usize, usize) -> f64) {
        let row = self.order[l].clone();
        let (Some(&first), Some(&last)) = (row.first(), row.last()) else {
            return;
        };
        let extent = |s: &Self| (s.x[first] - s.width[first] / 2.0, s.x[last] + s.width[last] / 2.0);
        if extent(self).1 - extent(self).0 > width {
            let mut at = self.x[first];
            for pair in row.windows(2) {
                at += gap(self, pair[0], pair[1]);
                self.x[pair[1]] = at;
            }
        }
        let (left, right) = extent(self);
        let row = &self.order[l];
        let shift = if right - left > width || left < 0.0 {
            -left
        } else if right > width {
            width - right
        } else {
            0.0
        };
        if shift != 0.0 {
            for &v in row {
                self.x[v] += shift;
            }
        }
    }

    fn finish(self, spacing: Spacing, edge_count: usize) -> Layout {
        let left = (0..self.width.len())
            .map(|v| self.x[v] - self.width[v] / 2.0)
            .fold(f64::INFINITY, f64::min);
        let shift = if left.is_finite() { spacing.margin - left } else { 0.0 };
        // Each layer as tall as its tallest box; a layer of routing points
        // only is half a box high. The gap between layers stays the same.
        let depth = self.order.len();
        let mut row_height = vec![0.0f64; depth];
        for v in 0..self.real {
            row_height[self.layer[v]] = row_height[self.layer[v]].max(self.height[v]);
        }
        for h in &mut row_height {
            if *h == 0.0 {
                *h = spacing.node_height / 2.0;
            }
        }
        let gap = (spacing.layer_gap - spacing.node_height).max(0.0);
        let mut tops = Vec::with_capacity(depth);
        let mut at = spacing.margin;
        for h in &row_height {
            tops.push(at);
            at += h + gap;
        }
        let top = |l: usize| tops[l];
        let nodes: Vec<Placed> = (0..self.real)
            .map(|v| Placed {
                x: self.x[v] + shift - self.width[v] / 2.0,
                y: top(self.layer[v]),
                width: self.width[v],
                height: self.height[v],
                layer: self.layer[v],
            })
            .collect();
        let right = (0..self.width.len())
            .map(|v| self.x[v] + shift + self.width[v] / 2.0)
            .fold(0.0, f64::max);
        let mut edges: Vec<Routed> = (0..edge_count)
            .map(|edge| Routed {
                edge,
                points: Vec::new(),
                reversed: false,
            })
            .collect();
        for (i, chain, reversed) in &self.chains {
            let mut points: Vec<(f64, f64)> = Vec::with_capacity(chain.len());
            for (k, &v) in chain.iter().enumerate() {
                let x = self.x[v] + shift;
                let y = top(self.layer[v]);
                if k == 0 {
                    points.push((x, y + self.height[v]));
                } else if k == chain.len() - 1 {
                    points.push((x, y));
                } else {
                    points.push((x, y + row_height[self.layer[v]] / 2.0));
                }
            }
            if *reversed {
                points.reverse();
            }
            edges[*i] = Routed {
                edge: *i,
                points,
                reversed: *reversed,
            };
        }
        Layout {
            nodes,
            edges,
            width: right + spacing.margin,
            height: if depth == 0 {
                2.0 * spacing.margin
            } else {
                top(depth - 1) + row_height[depth - 1] + spacing.margin
            },
        }
    }
}

/// The positions closest (least squares) to `desired` that keep their order
/// with at least `gaps[i]` between positions `i` and `i + 1`.
fn fit_in_order(desired: &[f64], gaps: &[f64]) -> Vec<f64> {
    // Shift out the gaps: y_i = x_i - offset_i must be non-decreasing, which
    // is isotonic regression, solved by pooling adjacent violators.
    let mut offset = vec![0.0; desired.len()];
    for i in 1..desired.len() {
        offset[i] = offset[i - 1] + gaps[i - 1];
    }
    // Blocks of (sum, count).
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(desired.len());
    for (d, o) in desired.iter().zip(&offset) {
        blocks.push((d - o, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s1 + s2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(desired.len());
    for (s, c) in blocks {
        let mean = s / c as f64;
        out.extend(std::iter::repeat_n(mean, c));
    }
    out.iter_mut().zip(&offset).for_each(|(x, o)| *x += o);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_well_formed(layout: &Layout, edges: &[(usize, usize)], spacing: Spacing) {
        for (i, a) in layout.nodes.iter().enumerate() {
            assert!(a.x >= spacing.margin - 1e-9 && a.x + a.width <= layout.width + 1e-9);
            assert!(a.y + a.height <= layout.height + 1e-9);
            for b in &layout.nodes[i + 1..] {
                let apart_x =
                    a.x + a.width + spacing.node_gap <= b.x + 1e-9 || b.x + b.width + spacing.node_gap <= a.x + 1e-9;
                let apart_y = a.y + a.height <= b.y || b.y + b.height <= a.y;
                assert!(apart_x || apart_y, "{a:?} overlaps {b:?}");
            }
        }
        for (k, route) in layout.edges.iter().enumerate() {
            let (from, to) = edges[k];
            let (a, b) = (&layout.nodes[from], &layout.nodes[to]);
            assert_eq!(route.points.len(), a.layer.abs_diff(b.layer) + 1, "edge {k}");
            assert_eq!(route.reversed, a.layer > b.layer);
            let last = route.points[route.points.len() - 1];
            assert!(
                (route.points[0].0 - a.center_x()).abs() < 1e-9,
                "edge {k} starts at its source"
            );
            assert!((last.0 - b.center_x()).abs() < 1e-9, "edge {k} ends at its target");
            // Consecutive points are one layer apart.
            for w in route.points.windows(2) {
                let dy = (w[1].1 - w[0].1).abs();
                assert!(dy > 0.0 && dy <= spacing.layer_gap + 1e-9, "edge {k}: {w:?}");
            }
        }
    }

    #[test]
    fn layers_follow_the_longest_path_and_long_edges_bend_once_per_layer() {
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3), (4, 3)];
        let spacing = Spacing::default();
        let layout = layered_layout(&[50.0, 60.0, 70.0, 40.0, 30.0], &edges, spacing);
        let layers: Vec<usize> = layout.nodes.iter().map(|n| n.layer).collect();
        // 4 needs only 3: it sits just above it rather than at the top.
        assert_eq!(layers, [0, 1, 2, 3, 2]);
        assert_eq!(layout.edges[3].points.len(), 4);
        assert_eq!(layout.edges[4].points.len(), 2);
        assert_well_formed(&layout, &edges, spacing);
        assert_eq!(layout.height, 12.0 + 3.0 * 84.0 + 36.0 + 12.0);
    }

    #[test]
    fn barycenter_sweeps_untangle_a_crossed_pair() {
        let edges = [(0, 3), (1, 2), (0, 4), (1, 5)];
        let layout = layered_layout(&[30.0; 6], &edges, Spacing::default());
        let mut g = Layered::new(
            &[30.0; 6],
            &[36.0; 6],
            &[0, 0, 1, 1, 1, 1],
            &edges
                .iter()
                .enumerate()
                .map(|(i, &(a, b))| (i, a, b, false))
                .collect::<Vec<_>>(),
        );
        // Start from the worst order: every edge of 0 crosses every edge of 1.
        g.order[1] = vec![2, 5, 3, 4];
        assert_eq!(g.crossings(), 4);
        g.reduce_crossings();
        assert_eq!(g.crossings(), 0);
        assert_eq!(g.order[1], [3, 4, 2, 5]);
        // Left to right in the drawing: 3 and 4 under 0, 2 and 5 under 1.
        let x = |v: usize| layout.nodes[v].x;
        assert!(x(0) < x(1));
        assert!(x(3).max(x(4)) < x(2).min(x(5)));
    }

    #[test]
    fn cycles_are_broken_and_drawn_with_upward_edges() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3)];
        let spacing = Spacing::default();
        let layout = layered_layout(&[40.0; 4], &edges, spacing);
        let layers: Vec<usize> = layout.nodes.iter().map(|n| n.layer).collect();
        assert_eq!(layers, [0, 1, 2, 3]);
        assert!(layout.edges[2].reversed);
        assert_well_formed(&layout, &edges, spacing);
    }

    #[test]
    fn deterministic_and_robust_to_bad_edges() {
        let edges = [(0, 1), (0, 2), (1, 3), (2, 3), (3, 3), (9, 0), (4, 1)];
        let widths = [80.0, 40.0, 120.0, 60.0, 30.0];
        let a = layered_layout(&widths, &edges, Spacing::default());
        let b = layered_layout(&widths, &edges, Spacing::default());
        assert_eq!(a, b);
        assert!(a.edges[4].points.is_empty() && a.edges[5].points.is_empty());
        assert_eq!(a.nodes.len(), 5);
        let empty = layered_layout(&[], &[], Spacing::default());
        assert_eq!((empty.width, empty.height), (12.0, 24.0));
    }

    #[test]
    fn least_squares_fit_keeps_order_and_gaps() {
        assert_eq!(fit_in_order(&[0.0, 0.0], &[10.0]), [-5.0, 5.0]);
        assert_eq!(fit_in_order(&[0.0, 50.0, 0.0], &[10.0, 10.0]), [0.0, 20.0, 30.0]);
        assert_eq!(fit_in_order(&[0.0, 100.0], &[10.0]), [0.0, 100.0]);
    }
}
