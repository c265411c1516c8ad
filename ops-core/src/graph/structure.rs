//! The shape of the dependency graph: articulation points and bridges of its
//! undirected view, strongly connected components, and the dominator tree of
//! the flow graph behind pure-`any` single points of failure.
//!
//! Everything here runs on the compact adjacency arrays [`FailureAnalysis`]
//! already holds (what each component depends on, and what depends on it),
//! with explicit stacks instead of recursion, so a million-deep chain is no
//! problem.
//!
//! **The undirected view** has one node per component and one edge between
//! two components when either depends on the other. Two components that
//! depend on each other give *one* undirected edge, not two parallel ones:
//! the view is a simple graph, and its bridges are the connections (in
//! either direction or both) whose removal disconnects it.

use super::analysis::FailureAnalysis;
use super::dominators::{Dominators, semi_nca};
use super::scc::sccs;
use crate::csr::Csr;
use crate::{Component, Idx};

/// Not yet discovered by a depth-first search.
const UNSEEN: u32 = u32::MAX;
impl FailureAnalysis<'_> {
    /// The articulation points of the undirected view of the dependency
    /// graph: components whose removal (with their dependencies in both
    /// directions) splits their connected part of the graph in two or more.
    /// Every path between the parts goes through them.
    ///
    /// Arguments: none; the analysis's inventory.
    ///
    /// Returns: the articulation points, sorted by index.
    ///
    /// Complexity: O(V + E), one iterative depth-first search (Hopcroft and
    /// Tarjan's low points) over the adjacency arrays, plus O(V) scratch.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, depends_on: [api]}
    ///   - {id: api, depends_on: [db, cache]}
    ///   - {id: db}
    ///   - {id: cache, depends_on: [db]}
    /// ")?;
    /// let points = FailureAnalysis::new(&inv).articulation_points();
    /// let ids: Vec<&str> = points.iter().map(|&c| inv.component(c).id.as_str()).collect();
    /// assert_eq!(ids, ["api"]); // shop hangs off api; db and cache form a triangle with it
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn articulation_points(&self) -> Vec<Idx<Component>> {
        let g = self.compiled();
        let marks = articulation_marks(&g.deps, &g.dependents);
        marks
            .iter()
            .enumerate()
            .filter(|&(_, &m)| m)
            .map(|(i, _)| Idx::new(i))
            .collect()
    }

    /// The bridges of the undirected view of the dependency graph:
    /// connections between two components whose removal splits their
    /// connected part of the graph in two. Two components that depend on
    /// each other are one connection, which is a bridge when removing both
    /// dependencies disconnects the graph.
    ///
    /// Arguments: none; the analysis's inventory.
    ///
    /// Returns: each bridge as `(a, b)` with `a < b` (whichever depends on
    /// the other), sorted.
    ///
    /// Complexity: O(V + E) for one iterative depth-first search over the
    /// adjacency arrays, plus O(B log B) to sort the B bridges.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, depends_on: [api]}
    ///   - {id: api, depends_on: [db, cache]}
    ///   - {id: db}
    ///   - {id: cache, depends_on: [db]}
    /// ")?;
    /// let bridges = FailureAnalysis::new(&inv).bridges();
    /// let ids: Vec<(&str, &str)> = bridges
    ///     .iter()
    ///     .map(|&(a, b)| (inv.component(a).id.as_str(), inv.component(b).id.as_str()))
    ///     .collect();
    /// assert_eq!(ids, [("shop", "api")]);
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn bridges(&self) -> Vec<(Idx<Component>, Idx<Component>)> {
        let g = self.compiled();
        bridge_pairs(&g.deps, &g.dependents)
            .into_iter()
            .map(|(a, b)| (Idx::new(a as usize), Idx::new(b as usize)))
            .collect()
    }

    /// The dependency cycles: strongly connected components of the
    /// dependency graph with more than one member (validation refuses a
    /// component depending on itself, so every other component is a
    /// strongly connected component of its own and is left out).
    ///
    /// Arguments: none; the analysis's inventory.
    ///
    /// Returns: one group per cycle, members sorted by index; groups in
    /// bottom-up order (a group's dependencies outside it are in earlier
    /// groups or in no group).
    ///
    /// Complexity: O(V + E), one iterative Tarjan search.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, depends_on: [a]}
    ///   - {id: a, requires: any, depends_on: [b, db]}
    ///   - {id: b, requires: any, depends_on: [a, db]}
    ///   - {id: db}
    /// ")?;
    /// let cycles = FailureAnalysis::new(&inv).strongly_connected_components();
    /// let ids: Vec<Vec<&str>> =
    ///     cycles.iter().map(|g| g.iter().map(|&c| inv.component(c).id.as_str()).collect()).collect();
    /// assert_eq!(ids, [["a", "b"]]);
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn strongly_connected_components(&self) -> Vec<Vec<Idx<Component>>> {
        let s = sccs(&self.compiled().deps);
        (0..s.count() as u32)
            .filter(|&i| s.is_cyclic(i))
            .map(|i| {
                let mut group: Vec<Idx<Component>> = s.members.row(i).iter().map(|&c| Idx::new(c as usize)).collect();
                group.sort_unstable();
                group
            })
            .collect()
    }

    /// The immediate dominator of every component in the failure flow graph
    /// (dependency edges reversed, plus a virtual root feeding every
    /// component without dependencies); see [`Dominators`].
    ///
    /// Arguments: none; the analysis's inventory.
    ///
    /// Returns: the dominator tree.
    ///
    /// Complexity: semi-NCA (Georgiadis; the variant LLVM uses): an
    /// iterative depth-first search, semidominators by path-compressed
    /// link-eval in O((V + E) log V), then each immediate dominator as the
    /// nearest common ancestor of its semidominator and its parent in the
    /// search tree, O(V · h) in the worst case for a dominator tree of height
    /// h and close to linear on real graphs. Memory: six arrays of V words.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, depends_on: [lb]}
    ///   - {id: lb, requires: any, depends_on: [web-1, web-2]}
    ///   - {id: web-1, depends_on: [db]}
    ///   - {id: web-2, depends_on: [db]}
    ///   - {id: db}
    /// ")?;
    /// let analysis = FailureAnalysis::new(&inv);
    /// let dom = analysis.dominators();
    /// let shop = inv.component_by_id("shop").unwrap();
    /// let up: Vec<&str> = dom.strict_dominators(shop).map(|c| inv.component(c).id.as_str()).collect();
    /// assert_eq!(up, ["lb", "db"]);
    /// // Here every component with several dependencies is `any`: the same as its SPOFs.
    /// let mut sorted = dom.strict_dominators(shop).collect::<Vec<_>>();
    /// sorted.sort();
    /// assert_eq!(sorted, analysis.spofs_of(shop));
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn dominators(&self) -> Dominators {
        let g = self.compiled();
        Dominators::from_idom(semi_nca(&g.deps, &g.dependents))
    }
}

/// The undirected view as one adjacency array: row `v` is `deps.row(v)`
/// followed by `dependents.row(v)`. A mutual dependency appears twice in
/// each row; the search below treats every occurrence of the parent as the
/// tree edge, which makes it one edge. One sequential pass: much cheaper
/// than the cache misses it saves the search (one row and one offset per
/// node instead of two of each).
fn undirected(deps: &Csr, dependents: &Csr) -> Csr {
    let n = deps.start.len() - 1;
    let mut start = Vec::with_capacity(n + 1);
    let mut targets = Vec::with_capacity(deps.targets.len() + dependents.targets.len());
    start.push(0u32);
    for v in 0..n as u32 {
        targets.extend_from_slice(deps.row(v));
        targets.extend_from_slice(dependents.row(v));
        start.push(targets.len() as u32);
    }
    Csr { start, targets }
}

/// A depth-first search frame: node, its parent in the search tree, and a
/// cursor into its row.
#[derive(Clone, Copy)]
struct Frame {
    v: u32,
    parent: u32,
    pos: u32,
    end: u32,
}

/// Iterative low-point depth-first search over the undirected view (the
/// union of `deps` and `dependents`, each neighbour pair counted once).
/// Calls `finish(p, w, p_is_root, disc[p], low[w])` as each tree edge
/// `p - w` is finished.
fn low_points(deps: &Csr, dependents: &Csr, mut finish: impl FnMut(u32, u32, bool, u32, u32)) {
    let g = undirected(deps, dependents);
    let n = g.start.len() - 1;
    // Per node: discovery number and low point, side by side (one cache line).
    let mut num = vec![[UNSEEN, 0u32]; n];
    let mut stack: Vec<Frame> = Vec::new();
    let mut next = 0u32;
    let open = |v: u32, parent: u32| Frame {
        v,
        parent,
        pos: g.start[v as usize],
        end: g.start[v as usize + 1],
    };
    for root in 0..n as u32 {
        if num[root as usize][0] != UNSEEN {
            continue;
        }
        num[root as usize] = [next, next];
        next += 1;
        stack.push(open(root, UNSEEN));
        while let Some(top) = stack.last_mut() {
            if top.pos == top.end {
                let (w, p) = (top.v, top.parent);
                stack.pop();
                if p != UNSEEN {
                    let low_w = num[w as usize][1];
                    let np = &mut num[p as usize];
                    np[1] = np[1].min(low_w);
                    finish(p, w, p == root, np[0], low_w);
                }
                continue;
            }
            let w = g.targets[top.pos as usize];
            top.pos += 1;
            let v = top.v;
            // Every occurrence of the parent is the tree edge itself: in the
            // undirected view a mutual dependency is a single edge.
            if w == top.parent {
                continue;
            }
            let dw = num[w as usize][0];
            if dw == UNSEEN {
                num[w as usize] = [next, next];
                next += 1;
                stack.push(open(w, v));
            } else {
                let lv = &mut num[v as usize][1];
                *lv = (*lv).min(dw);
            }
        }
    }
}

/// Per node: whether it is an articulation point of the undirected view.
fn articulation_marks(deps: &Csr, dependents: &Csr) -> Vec<bool> {
    let n = deps.start.len() - 1;
    let mut mark = vec![false; n];
    let mut root_children = 0u32;
    let mut current_root = UNSEEN;
    low_points(deps, dependents, |p, _w, p_is_root, disc_p, low_w| {
        if p_is_root {
            if current_root != p {
                current_root = p;
                root_children = 0;
            }
            root_children += 1;
            if root_children >= 2 {
                mark[p as usize] = true;
            }
        } else if low_w >= disc_p {
            mark[p as usize] = true;
        }
    });
    mark
}

/// The bridges of the undirected view as `(a, b)`, `a < b`, sorted.
fn bridge_pairs(deps: &Csr, dependents: &Csr) -> Vec<(u32, u32)> {
    let mut keys: Vec<u64> = Vec::new();
    low_points(deps, dependents, |p, w, _, disc_p, low_w| {
        if low_w > disc_p {
            let (a, b) = if p < w { (p, w) } else { (w, p) };
            keys.push(u64::from(a) << 32 | u64::from(b));
        }
    });
    keys.sort_unstable();
    keys.into_iter().map(|k| ((k >> 32) as u32, k as u32)).collect()
}

#[cfg(test)]
mod tests {
    use super::super::dominators::{ROOT, UNREACHABLE};
    use super::*;

    fn graph(n: usize, edges: &[(u32, u32)]) -> (Csr, Csr) {
        let deps = Csr::from_pairs(n, edges.iter().copied());
        let dependents = deps.reversed(n);
        (deps, dependents)
    }

    fn points(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let (d, r) = graph(n, edges);
        articulation_marks(&d, &r)
            .iter()
            .enumerate()
            .filter(|&(_, &m)| m)
            .map(|(i, _)| i as u32)
            .collect()
    }

    fn bridges(n: usize, edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let (d, r) = graph(n, edges);
        bridge_pairs(&d, &r)
    }

    fn idoms(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let (d, r) = graph(n, edges);
        semi_nca(&d, &r)
    }

    #[test]
    fn a_path_has_inner_articulation_points_and_only_bridges() {
        let e = [(0, 1), (1, 2), (2, 3)];
        assert_eq!(points(4, &e), [1, 2]);
        assert_eq!(bridges(4, &e), [(0, 1), (1, 2), (2, 3)]);
    }

    #[test]
    fn a_triangle_has_neither() {
        let e = [(0, 1), (1, 2), (0, 2)];
        assert!(points(3, &e).is_empty());
        assert!(bridges(3, &e).is_empty());
    }

    #[test]
    fn a_star_centre_with_several_children_is_an_articulation_point() {
        // The centre is the search root (node 0): the root rule applies.
        let e = [(0, 1), (0, 2), (0, 3)];
        assert_eq!(points(4, &e), [0]);
        assert_eq!(points(2, &[(0, 1)]), Vec::<u32>::new());
        // Edges given from the leaves' side: the centre is reached through a dependent.
        assert_eq!(points(4, &[(1, 0), (2, 0), (3, 0)]), [0]);
    }

    #[test]
    fn a_mutual_dependency_is_one_undirected_edge() {
        // 0 <-> 1 and nothing else: one edge, a bridge.
        assert_eq!(bridges(2, &[(0, 1), (1, 0)]), [(0, 1)]);
        // 0 <-> 1 - 2: both are bridges, 1 is an articulation point.
        let e = [(0, 1), (1, 0), (1, 2)];
        assert_eq!(bridges(3, &e), [(0, 1), (1, 2)]);
        assert_eq!(points(3, &e), [1]);
        // A triangle with one doubled side: still no bridge.
        assert!(bridges(3, &[(0, 1), (1, 0), (1, 2), (2, 0)]).is_empty());
    }

    #[test]
    fn separate_parts_are_handled_independently() {
        // 0 - 1 - 2 and 3 - 4 - 5 - 3, and an isolated 6.
        let e = [(0, 1), (1, 2), (3, 4), (4, 5), (5, 3)];
        assert_eq!(points(7, &e), [1]);
        assert_eq!(bridges(7, &e), [(0, 1), (1, 2)]);
    }

    #[test]
    fn a_million_node_chain_does_not_overflow_the_stack() {
        let n = 1_000_000u32;
        let e: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let (d, r) = graph(n as usize, &e);
        let marks = articulation_marks(&d, &r);
        assert_eq!(marks.iter().filter(|&&m| m).count(), n as usize - 2);
        assert!(!marks[0] && !marks[n as usize - 1]);
        assert_eq!(bridge_pairs(&d, &r).len(), n as usize - 1);
        // Flow graph: root -> n-1 -> n-2 -> ... -> 0; each is dominated by the next.
        let idom = semi_nca(&d, &r);
        assert_eq!(idom[n as usize - 1], ROOT);
        assert!((0..n - 1).all(|i| idom[i as usize] == i + 1));
    }

    #[test]
    fn dominators_of_a_diamond() {
        // 0 depends on 1 and 2, both depend on 3: flow 3 -> 1, 2 -> 0.
        let idom = idoms(4, &[(0, 1), (0, 2), (1, 3), (2, 3)]);
        assert_eq!(idom, [3, 3, 3, ROOT]);
        // Two leaves: 0 depends on 1 and 2, neither dominates it.
        assert_eq!(idoms(3, &[(0, 1), (0, 2)]), [ROOT, ROOT, ROOT]);
    }

    #[test]
    fn a_closed_cycle_is_unreachable() {
        // 0 <-> 1, 2 depends on 0 and on the leaf 3.
        let idom = idoms(4, &[(0, 1), (1, 0), (2, 0), (2, 3)]);
        assert_eq!(idom, [UNREACHABLE, UNREACHABLE, 3, ROOT]);
    }

    #[test]
    fn dominators_through_a_cycle() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3 (leaf), 0 -> 4 (leaf).
        // Flow: root -> 3, 4; 3 -> 2 -> 1 -> 2 (cycle), 1 -> 0, 4 -> 0.
        let idom = idoms(5, &[(0, 1), (1, 2), (2, 1), (2, 3), (0, 4)]);
        assert_eq!(idom, [ROOT, 2, 3, ROOT, ROOT]);
    }
}
