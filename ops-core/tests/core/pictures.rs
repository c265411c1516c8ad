//! Pictures at scale: what a [`GraphView`] shows of small and large estates,
//! focused or not, grouped or not, and that it stays within its budget.

use std::collections::BTreeSet;

use ops_core::graph::FailureAnalysis;
use ops_core::render::view::{DEFAULT_MAX_NODES, GraphView, GroupBy, NodeKind, ViewContext, ViewOptions};
use ops_core::synth::systems_yaml;
use ops_core::{Format, Inventory};

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("estate.yaml", Format::Yaml, yaml).unwrap()
}

fn view(inv: &Inventory, f: impl FnOnce(&mut ViewOptions)) -> GraphView {
    let analysis = FailureAnalysis::new(inv);
    let ctx = ViewContext::new(&analysis);
    let mut options = ViewOptions::default();
    f(&mut options);
    ctx.view(&options)
}

/// Each node as `label [detail]` with its flags.
fn nodes(view: &GraphView) -> Vec<String> {
    view.nodes
        .iter()
        .map(|v| {
            let mut s = v.label.clone();
            if let Some(d) = &v.detail {
                s.push_str(&format!(" [{d}]"));
            }
            for (flag, on) in [("spof", v.spof), ("path", v.on_path), ("selected", v.selected)] {
                if on {
                    s.push_str(&format!(" {flag}"));
                }
            }
            if let Some(g) = v.group {
                s.push_str(&format!(" in {}", view.groups[g].name));
            }
            s
        })
        .collect()
}

fn edges(view: &GraphView) -> Vec<String> {
    view.edges
        .iter()
        .map(|e| {
            let mut s = format!("{} -> {}", view.nodes[e.from].label, view.nodes[e.to].label);
            if e.count > 1 {
                s.push_str(&format!(" ×{}", e.count));
            }
            s
        })
        .collect()
}

const SHOP: &str = "
domains: [{id: a, kind: zone}, {id: b, kind: zone}]
components:
  - {id: shop, entry: true, depends_on: [api, dns]}
  - {id: api, replicas: {count: 3, spread: [a, b]}, depends_on: [db, dns]}
  - {id: db, kind: database, domains: [a]}
  - {id: dns, kind: dns}
  - {id: workers, logical: true, requires: any, depends_on: [worker-1, worker-2]}
  - {id: worker-1, depends_on: [db]}
  - {id: worker-2, depends_on: [db]}
  - {id: admin, entry: true, depends_on: [workers]}
";

#[test]
fn replicas_and_logical_clusters_are_one_node_each() {
    let inv = load(SHOP);
    let v = view(&inv, |o| o.highlight = inv.component_by_id("shop"));
    assert_eq!(
        nodes(&v),
        [
            "shop path selected",
            "api [×3 · any of 3] path",
            "db spof path",
            "dns spof path",
            "workers [×2 · any of 2]",
            "admin",
        ]
    );
    // The instances' dependencies are bundled onto the folded node.
    assert_eq!(
        edges(&v),
        [
            "shop -> api",
            "shop -> dns",
            "api -> db ×3",
            "api -> dns ×3",
            "workers -> db ×2",
            "admin -> workers",
        ]
    );
    assert!(v.nodes.iter().all(|n| n.group.is_none()) && v.groups.is_empty());
    assert_eq!(v.scope, inv.components().len());

    // Unfolded, every component is a node of its own.
    let all = view(&inv, |o| o.fold_clusters = false);
    assert_eq!(all.nodes.len(), inv.components().len());
    assert!(all.nodes.iter().all(|n| n.kind == NodeKind::Component));
}

#[test]
fn a_focused_view_is_the_entry_cone_and_depth_keeps_spofs() {
    let inv = load(SHOP);
    let admin = view(&inv, |o| o.entry = inv.component_by_id("admin"));
    assert_eq!(
        nodes(&admin),
        ["db spof path", "workers [×2 · any of 2] path", "admin path selected"]
    );
    assert_eq!(admin.scope, 5);
    // One step deep: the cluster, and db because it is a single point of
    // failure of admin, though two steps away.
    let shallow = view(&inv, |o| {
        o.entry = inv.component_by_id("admin");
        o.depth = Some(1);
    });
    let labels: Vec<&str> = shallow.nodes.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["db", "workers", "admin"]);
    let shop = view(&inv, |o| {
        o.entry = inv.component_by_id("shop");
        o.depth = Some(0);
    });
    // Zero steps deep: the entry, and its failure paths down to db and dns.
    let labels: Vec<&str> = shop.nodes.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["shop", "api", "db", "dns"]);
    assert_eq!(
        edges(&shop),
        ["shop -> api", "shop -> dns", "api -> db ×3", "api -> dns ×3"]
    );
}

const GROUPED: &str = "
components:
  - {id: shop, entry: true, depends_on: [cart, search]}
  - {id: cart, depends_on: [cart-db]}
  - {id: cart-db, kind: database}
  - {id: search, logical: true, requires: any, depends_on: [search-1, search-2]}
  - {id: search-1, depends_on: [index]}
  - {id: search-2, depends_on: [index-2]}
  - {id: index}
  - {id: index-2}
systems:
  - {id: carts, components: [cart, cart-db]}
  - {id: searching, components: [search, search-1, search-2, index, index-2]}
";

#[test]
fn groups_without_spofs_collapse_into_one_node_with_bundled_edges() {
    let inv = load(GROUPED);
    let v = view(&inv, |o| {
        o.entry = inv.component_by_id("shop");
        o.group_by = GroupBy::System;
    });
    assert_eq!(
        nodes(&v),
        [
            "shop path selected",
            "cart spof path in carts",
            "cart-db spof path in carts",
            "searching [5 components]"
        ]
    );
    assert_eq!(edges(&v), ["shop -> cart", "shop -> searching", "cart -> cart-db"]);
    let groups: Vec<(&str, bool, usize)> = v
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.expanded, g.components))
        .collect();
    assert_eq!(groups, [("carts", true, 2), ("searching", false, 5)]);

    // Asked for, a group is expanded; the edges inside it are its own.
    let open = view(&inv, |o| {
        o.entry = inv.component_by_id("shop");
        o.group_by = GroupBy::System;
        o.expand = vec!["searching".to_owned()];
    });
    assert_eq!(
        nodes(&open),
        [
            "shop path selected",
            "cart spof path in carts",
            "cart-db spof path in carts",
            "search [×2 · any of 2] in searching",
            "index in searching",
            "index-2 in searching"
        ]
    );
    assert_eq!(
        edges(&open),
        [
            "shop -> cart",
            "shop -> search",
            "cart -> cart-db",
            "search -> index",
            "search -> index-2"
        ]
    );
    // One step deep: what shop needs directly, and the failure path to
    // cart-db; nothing of the search cluster below it.
    let shallow = view(&inv, |o| {
        o.entry = inv.component_by_id("shop");
        o.depth = Some(1);
        o.group_by = GroupBy::None;
    });
    assert_eq!(shallow.scope, 4);
    assert_eq!(
        nodes(&shallow),
        [
            "shop path selected",
            "cart spof path",
            "cart-db spof path",
            "search [any of 2]"
        ]
    );
    // Not grouped: no groups at all.
    let flat = view(&inv, |o| o.group_by = GroupBy::None);
    assert!(flat.groups.is_empty() && flat.nodes.iter().all(|n| n.group.is_none()));
}

#[test]
fn namespaces_and_zones_group_too() {
    let inv = load(
        "
domains: [{id: za, kind: zone}, {id: zb, kind: zone}]
components:
  - {id: shop/web, entry: true, depends_on: [shop/api, node/n1]}
  - {id: shop/api, depends_on: [node/n1], domains: [za]}
  - {id: node/n1, domains: [za]}
  - {id: node/n2, domains: [zb]}
",
    );
    let by_ns = view(&inv, |o| o.group_by = GroupBy::Namespace);
    let names: Vec<&str> = by_ns.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["node", "shop"]);
    let by_zone = view(&inv, |o| o.group_by = GroupBy::Zone);
    let names: BTreeSet<&str> = by_zone.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, BTreeSet::from(["za", "zb"]));
    // Zone zb holds nothing that matters: one node.
    assert!(
        nodes(&by_zone).contains(&"zb [1 component]".to_owned()),
        "{:?}",
        nodes(&by_zone)
    );
}

/// At every size: at most the budget of nodes, every single point of
/// failure of the focused entry visible as a red node of its own (or inside
/// the red cluster it is folded into), the entry selected.
#[test]
fn focused_views_of_large_estates_stay_within_budget_and_show_every_spof() {
    for n in [50, 600, 5_000] {
        let inv = load(&systems_yaml(n, 7));
        let analysis = FailureAnalysis::new(&inv);
        let ctx = ViewContext::new(&analysis);
        let spofs = analysis.spofs();
        let tier1: Vec<_> = spofs
            .entries()
            .iter()
            .filter(|e| inv.component(e.entry).tier == Some(1))
            .collect();
        assert!(!tier1.is_empty());
        for e in tier1.iter().take(6) {
            let mut o = ViewOptions::default();
            o.entry = Some(e.entry);
            let v = ctx.view(&o);
            assert!(v.nodes.len() <= DEFAULT_MAX_NODES, "{n}: {} nodes", v.nodes.len());
            let selected: Vec<&str> = v
                .nodes
                .iter()
                .filter(|x| x.selected)
                .map(|x| x.label.as_str())
                .collect();
            assert_eq!(selected, [inv.component(e.entry).id.as_str()]);
            for &s in &e.spofs {
                let id = &inv.component(s).id;
                let shown = v.nodes.iter().any(|x| {
                    x.spof
                        && (x.component == Some(s)
                            || x.component
                                .is_some_and(|c| inv.component(s).instance.as_ref().is_some_and(|i| i.of == c)))
                });
                assert!(
                    shown,
                    "{n}: SPOF {id} of {} not shown: {:?}",
                    inv.component(e.entry).id,
                    nodes(&v)
                );
            }
            // Every edge joins two nodes of the view, once.
            let pairs: BTreeSet<(usize, usize)> = v.edges.iter().map(|x| (x.from, x.to)).collect();
            assert_eq!(pairs.len(), v.edges.len());
            assert!(
                v.edges
                    .iter()
                    .all(|x| x.from < v.nodes.len() && x.to < v.nodes.len() && x.from != x.to)
            );
        }
    }
}

#[test]
fn the_whole_of_a_large_estate_is_folded_into_the_budget() {
    let inv = load(&systems_yaml(5_000, 7));
    let v = view(&inv, |o| o.group_by = GroupBy::System);
    assert!(v.nodes.len() <= DEFAULT_MAX_NODES, "{}", v.nodes.len());
    // Nothing is lost: the nodes stand for every component.
    assert_eq!(
        v.nodes.iter().map(|n| n.components).sum::<usize>(),
        inv.components().len()
    );
    assert!(
        v.nodes
            .iter()
            .any(|n| n.kind == NodeKind::Group || n.kind == NodeKind::More)
    );
}
