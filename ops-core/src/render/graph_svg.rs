//! The dependency graph as an inline SVG: a layered layout, single points of
//! failure in red, the selected entry's failure paths highlighted.

use std::collections::BTreeSet;
use std::fmt::Write;

use maud::{Markup, html};

use super::layout::{Placed, Spacing, layered_layout};
use crate::{Component, FailureAnalysis, FailureTarget, Idx, Inventory, Requirement};

/// Graphs larger than this are not drawn: a picture of thousands of boxes
/// helps nobody, and `opsctl graph` exports them for dedicated tools.
pub(crate) const MAX_DRAWN_COMPONENTS: usize = 400;

/// Approximate advance of one character of the SVG's monospace fonts.
const CHAR_WIDTH: f64 = 7.9;
const SMALL_CHAR_WIDTH: f64 = 6.7;

/// What the drawing highlights.
#[derive(Debug, Default)]
pub(crate) struct Highlights {
    /// Components that are a single point of failure of some entry point.
    pub(crate) spofs: BTreeSet<usize>,
    /// Components on a failure path of the selected entry.
    pub(crate) on_path: BTreeSet<usize>,
    /// Dependency edges `(dependent, dependency)` on such a path.
    pub(crate) path_edges: BTreeSet<(usize, usize)>,
}

impl Highlights {
    /// SPOFs of every entry; failure paths of `selected`: for each of its
    /// single points of failure (components and domains), the outage the
    /// analysis simulates, followed from the entry through every dependency
    /// that is down in it, down to the failure.
    pub(crate) fn new(analysis: &FailureAnalysis<'_>, selected: Option<Idx<Component>>) -> Highlights {
        let inv = analysis.inventory();
        let mut h = Highlights::default();
        // Only a drawn graph is highlighted; a propagation per single point
        // of failure is quadratic on a large estate.
        if inv.components().len() > MAX_DRAWN_COMPONENTS {
            return h;
        }
        let spofs = analysis.spofs();
        for e in spofs.entries() {
            h.spofs.extend(e.spofs.iter().map(|c| c.index()));
        }
        let Some(entry) = selected else { return h };
        let mut failures: Vec<FailureTarget> = analysis
            .spofs_of(entry)
            .into_iter()
            .map(FailureTarget::Component)
            .collect();
        if let Some(d) = analysis.domain_spofs().into_iter().find(|d| d.entry == entry) {
            failures.extend(d.domains.into_iter().map(FailureTarget::Domain));
        }
        h.on_path.insert(entry.index());
        for failure in failures {
            let outage = analysis.simulate(&[failure]);
            if !outage.is_down(entry) {
                continue;
            }
            let mut seen = BTreeSet::from([entry.index()]);
            let mut stack = vec![entry];
            while let Some(c) = stack.pop() {
                for &d in &inv.component(c).depends_on {
                    if outage.is_down(d) {
                        h.path_edges.insert((c.index(), d.index()));
                        if seen.insert(d.index()) {
                            stack.push(d);
                        }
                    }
                }
            }
            h.on_path.extend(seen);
        }
        h
    }
}

/// A short description of a redundancy rule, for the node's second line.
fn rule_label(c: &Component) -> Option<String> {
    let n = c.depends_on.len();
    match c.requires {
        _ if n < 2 => None,
        Requirement::All => None,
        Requirement::Any => Some(format!("any of {n}")),
        Requirement::AtLeast(k) => Some(format!("at least {k} of {n}")),
    }
}

/// A coordinate as the drawing writes it: one decimal.
fn coord(v: f64) -> String {
    format!("{v:.1}")
}

/// The SVG element, or `None` when the graph is too large to draw usefully.
pub(crate) fn dependency_svg(
    inv: &Inventory,
    highlights: &Highlights,
    selected: Option<Idx<Component>>,
) -> Option<Markup> {
    let components = inv.components();
    if components.len() > MAX_DRAWN_COMPONENTS {
        return None;
    }
    let widths: Vec<f64> = components
        .iter()
        .map(|c| {
            let id = c.id.chars().count() as f64 * CHAR_WIDTH;
            let rule = rule_label(c).map_or(0.0, |r| r.chars().count() as f64 * SMALL_CHAR_WIDTH);
            id.max(rule) + 22.0
        })
        .collect();
    let mut edges = Vec::new();
    for (i, c) in components.iter().enumerate() {
        edges.extend(c.depends_on.iter().map(|d| (i, d.index())));
    }
    let spacing = Spacing {
        node_height: 40.0,
        ..Spacing::default()
    };
    let layout = layered_layout(&widths, &edges, spacing);
    let (width, height) = (
        format!("{:.0}", layout.width.ceil()),
        format!("{:.0}", layout.height.ceil()),
    );
    // Edges first, so boxes cover their ends; highlighted ones last, on top.
    let mut routes: Vec<(bool, usize)> = layout
        .edges
        .iter()
        .map(|r| (highlights.path_edges.contains(&edges[r.edge]), r.edge))
        .collect();
    routes.sort();
    let edge = |hot: bool, k: usize| {
        let route = &layout.edges[k];
        let &(x0, y0) = route.points.first()?;
        let mut d = format!("M{x0:.1},{y0:.1}");
        for w in route.points.windows(2) {
            let ((ax, ay), (bx, by)) = (w[0], w[1]);
            let mid = (ay + by) / 2.0;
            let _ = write!(d, " C{ax:.1},{mid:.1} {bx:.1},{mid:.1} {bx:.1},{by:.1}");
        }
        let (from, to) = edges[k];
        let class = match (hot, route.reversed) {
            (true, _) => "edge on-path",
            (false, true) => "edge cycle",
            (false, false) => "edge",
        };
        let marker = if hot { "arrow-hot" } else { "arrow" };
        Some(html! {
            path class=(class) d=(d) marker-end={ "url(#" (marker) ")" } {
                title { (components[from].id) " depends on " (components[to].id) }
            }
            "\n"
        })
    };
    let node = |i: usize, c: &Component, p: &Placed| {
        let spof = highlights.spofs.contains(&i);
        let mut tip = c.id.clone();
        if let Some(name) = &c.name {
            let _ = write!(tip, " — {name}");
        }
        let _ = write!(tip, " ({})", c.kind.as_str());
        if spof {
            tip.push_str("; single point of failure");
        }
        if c.logical {
            tip.push_str("; logical: fails only through its dependencies");
        }
        if !c.domains.is_empty() {
            let ds: Vec<&str> = c.domains.iter().map(|&d| inv.domain(d).id.as_str()).collect();
            let _ = write!(tip, "; in {}", ds.join(", "));
        }
        let cx = coord(p.center_x());
        html! {
            g.node.spof[spof].on-path[highlights.on_path.contains(&i)].entry[c.entry].logical[c.logical]
                .selected[selected.is_some_and(|e| e.index() == i)] data-id=(c.id) {
                title { (tip) }
                // maud writes no `/>`: empty SVG elements get an end tag,
                // which HTML parsers read exactly like `<rect .../>`.
                rect x=(coord(p.x)) y=(coord(p.y)) width=(coord(p.width)) height=(coord(p.height)) rx="6" {}
                "\n"
                @match rule_label(c) {
                    Some(rule) => {
                        text x=(cx) y=(coord(p.y + 17.0)) { (c.id) }
                        text.rule x=(cx) y=(coord(p.y + 32.0)) { (rule) }
                    }
                    None => { text x=(cx) y=(coord(p.y + 25.0)) { (c.id) } }
                }
                "\n"
            }
            "\n"
        }
    };
    Some(html! {
        svg xmlns="http://www.w3.org/2000/svg" class="dependency-graph" role="img" aria-labelledby="graph-title"
            width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } {
            "\n"
            title id="graph-title" {
                "Dependency graph: " (components.len()) " components, " (edges.len()) " dependencies"
                @if let Some(e) = selected { "; failure paths of " (inv.component(e).id) }
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
            g.edges { "\n" @for (hot, k) in routes { @if let Some(e) = edge(hot, k) { (e) } } }
            "\n"
            g.nodes {
                "\n"
                @for (i, (c, p)) in components.iter().zip(&layout.nodes).enumerate() { (node(i, c, p)) }
            }
            "\n"
        }
        "\n"
    })
}

/// Maps each dependency edge to its position, for tests.
#[cfg(test)]
fn edge_index(inv: &Inventory) -> std::collections::HashMap<(usize, usize), usize> {
    let mut map = std::collections::HashMap::new();
    for (i, c) in inv.components().iter().enumerate() {
        for d in &c.depends_on {
            let k = map.len();
            map.insert((i, d.index()), k);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    #[test]
    fn failure_paths_of_the_selected_entry() {
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
        let shop = inv.component_by_id("shop");
        let h = Highlights::new(&analysis, shop);
        let id = |i: &usize| inv.components()[*i].id.as_str();
        assert_eq!(h.spofs.iter().map(id).collect::<Vec<_>>(), ["lb", "db"]);
        assert_eq!(
            h.on_path.iter().map(id).collect::<Vec<_>>(),
            ["shop", "lb", "web-1", "web-2", "db"]
        );
        let edges: Vec<(&str, &str)> = h.path_edges.iter().map(|(a, b)| (id(a), id(b))).collect();
        assert_eq!(
            edges,
            [
                ("shop", "lb"),
                ("lb", "web-1"),
                ("lb", "web-2"),
                ("web-1", "db"),
                ("web-2", "db")
            ]
        );
        assert_eq!(edge_index(&inv).len(), 6);

        let svg = dependency_svg(&inv, &h, shop).unwrap().into_string();
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
    fn ids_are_escaped_and_huge_graphs_are_not_drawn() {
        let inv = Inventory::from_text(
            "inv.json",
            Format::Json,
            r#"{"components": [{"id": "shop", "name": "<script>alert('x')</script> \"q\"", "entry": true}]}"#,
        )
        .unwrap();
        let analysis = FailureAnalysis::new(&inv);
        let svg = dependency_svg(&inv, &Highlights::new(&analysis, None), None)
            .unwrap()
            .into_string();
        assert!(!svg.contains("<script>"));
        assert!(
            // maud leaves ' as is: it is text here, and maud quotes attributes with ".
            svg.contains("&lt;script&gt;alert('x')&lt;/script&gt; &quot;q&quot;"),
            "{svg}"
        );

        let many: Vec<String> = (0..=MAX_DRAWN_COMPONENTS)
            .map(|i| format!("{{\"id\": \"c{i}\"}}"))
            .collect();
        let big = Inventory::from_text(
            "big.json",
            Format::Json,
            &format!("{{\"components\": [{}]}}", many.join(",")),
        )
        .unwrap();
        let analysis = FailureAnalysis::new(&big);
        assert!(dependency_svg(&big, &Highlights::new(&analysis, None), None).is_none());
    }
}
