//! The dependency graph as an inline SVG: a [`GraphView`] drawn with a
//! layered layout, expanded groups as boxes laid out on their own and then
//! placed as one node of the picture, single points of failure in red, the
//! traced entry's failure paths highlighted.

use std::collections::HashMap;
use std::fmt::Write;

use maud::{Markup, html};

use super::layout::{Layout, Spacing, layered_layout_sized};
use super::view::{GraphView, NodeKind, ViewNode};
use crate::Inventory;

/// Approximate advance of one character of the SVG's monospace fonts.
const CHAR_WIDTH: f64 = 7.9;
const SMALL_CHAR_WIDTH: f64 = 6.7;
/// Height of a node's box.
const NODE_HEIGHT: f64 = 40.0;
/// Height of a group box's title band.
const GROUP_HEADER: f64 = 26.0;
/// Rows of the picture wrap at this width, so it fits a screen.
const MAX_ROW_WIDTH: f64 = 1180.0;
/// Rows inside a group box wrap at this width.
const MAX_GROUP_ROW_WIDTH: f64 = 900.0;

/// A coordinate as the drawing writes it: one decimal.
fn coord(v: f64) -> String {
    format!("{v:.1}")
}

fn node_width(v: &ViewNode) -> f64 {
    let label = v.label.chars().count() as f64 * CHAR_WIDTH;
    let detail = v
        .detail
        .as_ref()
        .map_or(0.0, |d| d.chars().count() as f64 * SMALL_CHAR_WIDTH);
    label.max(detail) + 22.0
}

fn spacing() -> Spacing {
    Spacing {
        node_height: NODE_HEIGHT,
        ..Spacing::default()
    }
}

/// A drawn edge: its points, whether it is on a failure path, how many
/// dependencies it bundles, its title, whether it closes a cycle.
struct DrawnEdge {
    points: Vec<(f64, f64)>,
    hot: bool,
    count: usize,
    title: String,
    reversed: bool,
}

/// The edges between two boxes of the picture: how many dependencies, one
/// on a failure path, and which view edges.
#[derive(Default)]
struct Bundle {
    count: usize,
    hot: bool,
    members: Vec<usize>,
}

/// Where everything of a view is drawn.
struct Drawing {
    /// Each view node's box: x, y, width, height.
    nodes: Vec<(f64, f64, f64, f64)>,
    /// Each expanded group's box, by group index.
    groups: HashMap<usize, (f64, f64, f64, f64)>,
    edges: Vec<DrawnEdge>,
    width: f64,
    height: f64,
}

/// Lays a view out: each expanded group's nodes first, on their own, then
/// the picture with each expanded group as one box. Edges between a group's
/// nodes are drawn inside it; edges leaving or entering a group are drawn
/// to its box, bundled per pair of boxes.
fn draw(view: &GraphView) -> Drawing {
    let mut inner_nodes: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut outer_of: Vec<usize> = vec![usize::MAX; view.nodes.len()];
    let mut outer_sizes: Vec<(f64, f64)> = Vec::new();
    // What each box of the picture is: a view node, or an expanded group.
    let mut outer_is: Vec<Result<usize, usize>> = Vec::new();
    for (i, v) in view.nodes.iter().enumerate() {
        match v.group {
            Some(g) => inner_nodes.entry(g).or_default().push(i),
            None => {
                outer_of[i] = outer_sizes.len();
                outer_sizes.push((node_width(v), NODE_HEIGHT));
                outer_is.push(Ok(i));
            }
        }
    }
    // Each expanded group's own layout.
    let mut groups: Vec<usize> = inner_nodes.keys().copied().collect();
    groups.sort_unstable();
    let mut inner: HashMap<usize, (Vec<usize>, Layout, Vec<usize>)> = HashMap::new();
    for g in groups {
        let members = inner_nodes.remove(&g).unwrap_or_default();
        let local: HashMap<usize, usize> = members.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let mut edges = Vec::new();
        let mut edge_ids = Vec::new();
        for (k, e) in view.edges.iter().enumerate() {
            if let (Some(&a), Some(&b)) = (local.get(&e.from), local.get(&e.to)) {
                edges.push((a, b));
                edge_ids.push(k);
            }
        }
        let sizes: Vec<(f64, f64)> = members
            .iter()
            .map(|&i| (node_width(&view.nodes[i]), NODE_HEIGHT))
            .collect();
        let layout = layered_layout_sized(&sizes, &edges, spacing(), Some(MAX_GROUP_ROW_WIDTH));
        let title = view.groups[g].name.chars().count() as f64 * CHAR_WIDTH + 24.0;
        let outer = outer_sizes.len();
        outer_sizes.push((layout.width.max(title), layout.height + GROUP_HEADER));
        outer_is.push(Err(g));
        for &i in &members {
            outer_of[i] = outer;
        }
        inner.insert(g, (members, layout, edge_ids));
    }
    // The picture: edges between boxes, bundled.
    let mut bundled: HashMap<(usize, usize), Bundle> = HashMap::new();
    for (k, e) in view.edges.iter().enumerate() {
        let (a, b) = (outer_of[e.from], outer_of[e.to]);
        if a == b {
            continue;
        }
        let bundle = bundled.entry((a, b)).or_default();
        bundle.count += e.count;
        bundle.hot |= e.on_path;
        bundle.members.push(k);
    }
    let mut outer_edges: Vec<((usize, usize), Bundle)> = bundled.into_iter().collect();
    outer_edges.sort_by_key(|(pair, _)| *pair);
    let pairs: Vec<(usize, usize)> = outer_edges.iter().map(|(p, _)| *p).collect();
    let layout = layered_layout_sized(&outer_sizes, &pairs, spacing(), Some(MAX_ROW_WIDTH));

    let mut nodes = vec![(0.0, 0.0, 0.0, 0.0); view.nodes.len()];
    let mut group_boxes = HashMap::new();
    let mut edges = Vec::new();
    let title = |k: usize| {
        let e = &view.edges[k];
        let (from, to) = (&view.nodes[e.from].label, &view.nodes[e.to].label);
        if e.count > 1 {
            format!("{from} depends on {to} ({} dependencies)", e.count)
        } else {
            format!("{from} depends on {to}")
        }
    };
    for (o, placed) in layout.nodes.iter().enumerate() {
        match outer_is[o] {
            Ok(i) => nodes[i] = (placed.x, placed.y, placed.width, placed.height),
            Err(g) => {
                group_boxes.insert(g, (placed.x, placed.y, placed.width, placed.height));
                if let Some((members, inner_layout, edge_ids)) = inner.get(&g) {
                    let (dx, dy) = (placed.x, placed.y + GROUP_HEADER);
                    for (k, &i) in members.iter().enumerate() {
                        let p = &inner_layout.nodes[k];
                        nodes[i] = (p.x + dx, p.y + dy, p.width, p.height);
                    }
                    for (r, &k) in inner_layout.edges.iter().zip(edge_ids) {
                        let points = r.points.iter().map(|&(x, y)| (x + dx, y + dy)).collect();
                        edges.push(DrawnEdge {
                            points,
                            hot: view.edges[k].on_path,
                            count: view.edges[k].count,
                            title: title(k),
                            reversed: r.reversed,
                        });
                    }
                }
            }
        }
    }
    for (r, (_, bundle)) in layout.edges.iter().zip(&outer_edges) {
        let members = &bundle.members;
        let text = if members.len() == 1 {
            title(members[0])
        } else {
            let parts: Vec<String> = members.iter().take(8).map(|&k| title(k)).collect();
            let more = members.len().saturating_sub(8);
            let mut t = parts.join("; ");
            if more > 0 {
                let _ = write!(t, "; and {more} more");
            }
            t
        };
        edges.push(DrawnEdge {
            points: r.points.clone(),
            hot: bundle.hot,
            count: bundle.count,
            title: text,
            reversed: r.reversed,
        });
    }
    Drawing {
        nodes,
        groups: group_boxes,
        edges,
        width: layout.width,
        height: layout.height,
    }
}

/// The SVG element of `view`.
pub(crate) fn view_svg(inv: &Inventory, view: &GraphView) -> Markup {
    let drawing = draw(view);
    let (width, height) = (
        format!("{:.0}", drawing.width.ceil()),
        format!("{:.0}", drawing.height.ceil()),
    );
    // Edges first, so boxes cover their ends; highlighted ones last, on top.
    let mut order: Vec<usize> = (0..drawing.edges.len()).collect();
    order.sort_by_key(|&k| (drawing.edges[k].hot, k));
    let edge = |k: usize| {
        let DrawnEdge {
            points,
            hot,
            count,
            title: text,
            reversed,
        } = &drawing.edges[k];
        let &(x0, y0) = points.first()?;
        let mut d = format!("M{x0:.1},{y0:.1}");
        for w in points.windows(2) {
            let ((ax, ay), (bx, by)) = (w[0], w[1]);
            let mid = (ay + by) / 2.0;
            let _ = write!(d, " C{ax:.1},{mid:.1} {bx:.1},{mid:.1} {bx:.1},{by:.1}");
        }
        let class = match (hot, reversed) {
            (true, _) => "edge on-path",
            (false, true) => "edge cycle",
            (false, false) => "edge",
        };
        let marker = if *hot { "arrow-hot" } else { "arrow" };
        // A bundle's count sits in the gap below its source's row.
        let label = (*count > 1 && points.len() >= 2).then(|| {
            let ((ax, ay), (bx, by)) = (points[0], points[1]);
            ((ax + bx) / 2.0 + 4.0, (ay + by) / 2.0 + 4.0)
        });
        Some(html! {
            path class=(class) d=(d) marker-end={ "url(#" (marker) ")" } { title { (text) } }
            @if let Some((lx, ly)) = label {
                text.count x=(coord(lx)) y=(coord(ly)) { "×" (count) }
            }
            "\n"
        })
    };
    let node = |i: usize| {
        let v = &view.nodes[i];
        let (x, y, w, h) = drawing.nodes[i];
        let cx = coord(x + w / 2.0);
        let tip = node_tip(inv, v);
        html! {
            g.node.spof[v.spof].on-path[v.on_path].entry[v.entry].logical[v.logical]
                .selected[v.selected].cluster[v.kind == NodeKind::Cluster].group[v.kind == NodeKind::Group]
                .more[v.kind == NodeKind::More] data-id=(v.key) {
                title { (tip) }
                // maud writes no `/>`: empty SVG elements get an end tag,
                // which HTML parsers read exactly like `<rect .../>`.
                rect x=(coord(x)) y=(coord(y)) width=(coord(w)) height=(coord(h)) rx="6" {}
                "\n"
                @match &v.detail {
                    Some(detail) => {
                        text x=(cx) y=(coord(y + 17.0)) { (v.label) }
                        text.rule x=(cx) y=(coord(y + 32.0)) { (detail) }
                    }
                    None => { text x=(cx) y=(coord(y + 25.0)) { (v.label) } }
                }
                "\n"
            }
            "\n"
        }
    };
    let mut group_ids: Vec<usize> = drawing.groups.keys().copied().collect();
    group_ids.sort_unstable();
    let components = view.nodes.iter().map(|v| v.components).sum::<usize>();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="dependency-graph" role="img" aria-labelledby="graph-title"
            width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } {
            "\n"
            title id="graph-title" {
                "Dependency graph: " (components) " components, "
                @if view.nodes.len() != components { "drawn as " (view.nodes.len()) " nodes, " }
                (view.edges.iter().map(|e| e.count).sum::<usize>()) " dependencies"
                @if let Some(e) = view.traced { "; failure paths of " (inv.component(e).id) }
            }
            "\n"
            defs {
                marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse"
                    markerWidth="8" markerHeight="8" orient="auto-start-reverse" {
                    path d="M0,0 L10,5 L0,10 z" class="arrow" {}
                }
                marker id="arrow-hot" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse"
                    markerWidth="11" markerHeight="11" orient="auto-start-reverse" {
                    path d="M0,0 L10,5 L0,10 z" class="arrow-hot" {}
                }
            }
            "\n"
            @if !group_ids.is_empty() {
                g.groups {
                    "\n"
                    @for g in group_ids {
                        @let (x, y, w, h) = drawing.groups[&g];
                        @let group = &view.groups[g];
                        g.group-box data-group=(group.name) {
                            title { (view.group_by.as_str()) " " (group.name) ": " (group.components) " components" }
                            rect x=(coord(x)) y=(coord(y)) width=(coord(w)) height=(coord(h)) rx="8" {}
                            text x=(coord(x + 10.0)) y=(coord(y + 18.0)) { (group.name) }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            g.edges { "\n" @for k in order { @if let Some(e) = edge(k) { (e) } } }
            "\n"
            g.nodes { "\n" @for i in 0..view.nodes.len() { (node(i)) } }
            "\n"
        }
        "\n"
    }
}

/// A node's tooltip: what it is, and why it is drawn as it is.
fn node_tip(inv: &Inventory, v: &ViewNode) -> String {
    let mut tip = v.label.clone();
    match (v.kind, v.component) {
        (NodeKind::Component | NodeKind::Cluster, Some(c)) => {
            let c = inv.component(c);
            if let Some(name) = &c.name {
                let _ = write!(tip, " — {name}");
            }
            let _ = write!(tip, " ({})", c.kind.as_str());
            if v.kind == NodeKind::Cluster {
                let _ = write!(tip, "; {} components folded into one node", v.components);
            }
            if v.spof {
                tip.push_str("; single point of failure");
            }
            if c.logical {
                tip.push_str("; logical: fails only through its dependencies");
            }
            if !c.domains.is_empty() {
                let ds: Vec<&str> = c.domains.iter().map(|&d| inv.domain(d).id.as_str()).collect();
                let _ = write!(tip, "; in {}", ds.join(", "));
            }
        }
        _ => {
            let _ = write!(tip, ": {} components collapsed", v.components);
            if v.spof {
                tip.push_str(", among them a single point of failure");
            }
        }
    }
    tip
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::view::{ViewContext, ViewOptions};
    use crate::{FailureAnalysis, Format};

    #[test]
    fn failure_paths_of_the_traced_entry() {
        let inv = Inventory::from_text(
            "inv.yaml",
            Format::Yaml,
            "
domains: [{id: zone, kind: zone}]
components:
  - {id: shop, entry: true, depends_on: [lb]}
  - {id: admin, entry: true, depends_on: [db]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, depends_on: [db]}
  - {id: web-2, depends_on: [db], domains: [zone]}
  - {id: db, domains: [zone]}
",
        )
        .unwrap();
        let analysis = FailureAnalysis::new(&inv);
        let ctx = ViewContext::new(&analysis);
        let options = ViewOptions {
            highlight: inv.component_by_id("shop"),
            ..ViewOptions::default()
        };
        let view = ctx.view(&options);
        let ids = |f: fn(&ViewNode) -> bool| -> Vec<&str> {
            view.nodes.iter().filter(|v| f(v)).map(|v| v.label.as_str()).collect()
        };
        assert_eq!(ids(|v| v.spof), ["lb", "db"]);
        assert_eq!(ids(|v| v.on_path), ["shop", "lb", "web-1", "web-2", "db"]);
        let label = |i: usize| view.nodes[i].label.as_str();
        let hot: Vec<(&str, &str)> = view
            .edges
            .iter()
            .filter(|e| e.on_path)
            .map(|e| (label(e.from), label(e.to)))
            .collect();
        assert_eq!(
            hot,
            [
                ("shop", "lb"),
                ("lb", "web-1"),
                ("lb", "web-2"),
                ("web-1", "db"),
                ("web-2", "db")
            ]
        );
        assert_eq!(view.edges.len(), 6);

        let svg = view_svg(&inv, &view).into_string();
        assert_eq!(svg.matches("class=\"edge on-path\"").count(), 5);
        assert_eq!(svg.matches(" data-id=").count(), 6);
        assert!(svg.contains("<g class=\"node spof on-path\" data-id=\"db\">"), "{svg}");
        assert!(
            svg.contains("<g class=\"node on-path entry selected\" data-id=\"shop\">"),
            "{svg}"
        );
        assert!(svg.contains(">any of 2</text>"));
    }

    #[test]
    fn ids_are_escaped() {
        let inv = Inventory::from_text(
            "inv.json",
            Format::Json,
            r#"{"components": [{"id": "shop", "name": "<script>alert('x')</script> \"q\"", "entry": true}]}"#,
        )
        .unwrap();
        let analysis = FailureAnalysis::new(&inv);
        let view = ViewContext::new(&analysis).view(&ViewOptions::default());
        let svg = view_svg(&inv, &view).into_string();
        assert!(!svg.contains("<script>"));
        assert!(
            // maud leaves ' as is: it is text here, and maud quotes attributes with ".
            svg.contains("&lt;script&gt;alert('x')&lt;/script&gt; &quot;q&quot;"),
            "{svg}"
        );
    }
}
