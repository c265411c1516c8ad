//! Graph structure (articulation points, bridges, strongly connected
//! components, dominators) against brute force on random graphs, and
//! dominators against the failure analysis's single points of failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeSet;

use ops_core::graph::FailureAnalysis;
use ops_core::{Format, Inventory};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Rule {
    All,
    Any,
    AtLeast(usize),
}

/// Per component: its dependencies and rule.
type Spec = Vec<(Vec<usize>, Rule)>;

/// Graphs of 1 to `max_n - 1` components with up to 3 dependencies each,
/// cycles and mutual dependencies included.
fn any_graph(max_n: usize) -> impl Strategy<Value = Spec> {
    (1usize..max_n).prop_flat_map(|n| {
        let component = (proptest::collection::btree_set(0..n, 0..4), 0u8..3, 1usize..4);
        proptest::collection::vec(component, n).prop_map(|cs| {
            cs.into_iter()
                .enumerate()
                .map(|(i, (deps, rule, k))| {
                    let deps: Vec<usize> = deps.into_iter().filter(|&d| d != i).collect();
                    let rule = match (rule, deps.len()) {
                        (_, 0) | (0, _) => Rule::All,
                        (1, _) => Rule::Any,
                        (_, len) => Rule::AtLeast(k.min(len)),
                    };
                    (deps, rule)
                })
                .collect()
        })
    })
}

/// Acyclic graphs (dependencies only to higher indices); with `pure_any`,
/// every component with dependencies has the rule `any`.
fn acyclic_graph(max_n: usize, pure_any: bool) -> impl Strategy<Value = Spec> {
    (1usize..max_n).prop_flat_map(move |n| {
        let component = (proptest::collection::btree_set(0..n, 0..4), 0u8..3, 1usize..4);
        proptest::collection::vec(component, n).prop_map(move |cs| {
            cs.into_iter()
                .enumerate()
                .map(|(i, (deps, rule, k))| {
                    let deps: Vec<usize> = deps.into_iter().filter(|&d| d > i).collect();
                    let rule = match (pure_any, rule, deps.len()) {
                        (_, _, 0) => Rule::All,
                        (true, _, _) | (false, 1, _) => Rule::Any,
                        (false, 0, _) => Rule::All,
                        (false, _, len) => Rule::AtLeast(k.min(len)),
                    };
                    (deps, rule)
                })
                .collect()
        })
    })
}

/// Long, narrow graphs: each component depends on one or two of the next
/// few, and with `cycles` sometimes on one of the previous few. Deep dominator trees,
/// many articulation points and bridges.
fn narrow_graph(max_n: usize, cycles: bool) -> impl Strategy<Value = Spec> {
    (2usize..max_n).prop_flat_map(move |n| {
        let component = (
            proptest::collection::btree_set(1usize..5, 1..3),
            proptest::option::weighted(0.1, 1usize..4),
        );
        proptest::collection::vec(component, n).prop_map(move |cs| {
            cs.into_iter()
                .enumerate()
                .map(|(i, (ahead, back))| {
                    let mut deps: Vec<usize> = ahead.into_iter().map(|o| i + o).filter(|&d| d < n).collect();
                    if let Some(b) = back.filter(|&b| cycles && b <= i) {
                        deps.push(i - b);
                    }
                    let rule = if deps.len() > 1 { Rule::Any } else { Rule::All };
                    (deps, rule)
                })
                .collect()
        })
    })
}

fn to_inventory(s: &Spec) -> Inventory {
    let components: Vec<serde_json::Value> = s
        .iter()
        .enumerate()
        .map(|(i, (deps, rule))| {
            let mut c = serde_json::json!({
                "id": format!("c{i}"),
                "entry": true,
                "depends_on": deps.iter().map(|d| format!("c{d}")).collect::<Vec<_>>(),
            });
            match rule {
                Rule::All => {}
                Rule::Any => c["requires"] = "any".into(),
                Rule::AtLeast(k) => c["requires"] = serde_json::json!({"at_least": k}),
            }
            c
        })
        .collect();
    let text = serde_json::json!({ "components": components }).to_string();
    Inventory::from_text("random.json", Format::Json, &text).unwrap()
}

/// The undirected view as an adjacency matrix (mutual dependencies: one edge).
fn undirected(s: &Spec) -> Vec<Vec<bool>> {
    let n = s.len();
    let mut adj = vec![vec![false; n]; n];
    for (i, (deps, _)) in s.iter().enumerate() {
        for &d in deps {
            adj[i][d] = true;
            adj[d][i] = true;
        }
    }
    adj
}

/// Connected components of the undirected view without `removed_node` and
/// without the edge `removed_edge`.
fn parts(adj: &[Vec<bool>], removed_node: Option<usize>, removed_edge: Option<(usize, usize)>) -> usize {
    let n = adj.len();
    let mut seen = vec![false; n];
    let mut count = 0;
    for start in 0..n {
        if seen[start] || Some(start) == removed_node {
            continue;
        }
        count += 1;
        seen[start] = true;
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            for v in 0..n {
                let cut = removed_edge.is_some_and(|(a, b)| (a, b) == (u, v) || (a, b) == (v, u));
                if adj[u][v] && !seen[v] && Some(v) != removed_node && !cut {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
    }
    count
}

/// Components reachable from the virtual root of the flow graph (edges
/// `d -> c` when `c` depends on `d`, root -> components without
/// dependencies), never passing through `removed`.
fn flow_reachable(s: &Spec, removed: Option<usize>) -> Vec<bool> {
    let n = s.len();
    let mut reach = vec![false; n];
    loop {
        let mut changed = false;
        for (c, (deps, _)) in s.iter().enumerate() {
            if reach[c] || Some(c) == removed {
                continue;
            }
            if deps.is_empty() || deps.iter().any(|&d| reach[d]) {
                reach[c] = true;
                changed = true;
            }
        }
        if !changed {
            return reach;
        }
    }
}

fn ids(v: impl IntoIterator<Item = ops_core::Idx<ops_core::graph::Component>>) -> Vec<usize> {
    v.into_iter().map(|c| c.index()).collect()
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn articulation_points_and_bridges_match_brute_force(s in any_graph(24)) {
        check_points_and_bridges(&s)?;
    }

    #[test]
    fn strongly_connected_components_match_brute_force(s in any_graph(24)) {
        let inv = to_inventory(&s);
        let n = s.len();
        // reach[u][v]: u depends on v, directly or not (or u == v).
        let mut reach = vec![vec![false; n]; n];
        for (u, row) in reach.iter_mut().enumerate() {
            row[u] = true;
            let mut stack = vec![u];
            while let Some(x) = stack.pop() {
                for &d in &s[x].0 {
                    if !row[d] {
                        row[d] = true;
                        stack.push(d);
                    }
                }
            }
        }
        let mut expected: BTreeSet<Vec<usize>> = BTreeSet::new();
        for (u, row) in reach.iter().enumerate() {
            let group: Vec<usize> = (0..n).filter(|&v| row[v] && reach[v][u]).collect();
            if group.len() > 1 {
                expected.insert(group);
            }
        }
        let groups: Vec<Vec<usize>> =
            FailureAnalysis::new(&inv).strongly_connected_components().into_iter().map(ids).collect();
        // Bottom-up: a group's outside dependencies come from earlier groups only.
        for (i, g) in groups.iter().enumerate() {
            for later in &groups[i + 1..] {
                prop_assert!(!reach[g[0]][later[0]], "{:?} depends on the later group {:?}", g, later);
            }
        }
        let got: BTreeSet<Vec<usize>> = groups.into_iter().collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn dominators_match_brute_force(s in any_graph(24)) {
        check_dominators(&s)?;
    }

    #[test]
    fn deep_dominator_trees_match_brute_force(s in narrow_graph(80, true)) {
        check_dominators(&s)?;
    }

    #[test]
    fn narrow_graphs_articulation_points_and_bridges_match_brute_force(s in narrow_graph(60, true)) {
        check_points_and_bridges(&s)?;
    }

    #[test]
    fn pure_any_acyclic_dominators_are_the_spofs(s in acyclic_graph(40, true)) {
        let inv = to_inventory(&s);
        let analysis = FailureAnalysis::new(&inv);
        let dom = analysis.dominators();
        let report = analysis.spofs();
        for rec in report.entries() {
            let mut chain = ids(dom.strict_dominators(rec.entry));
            chain.sort_unstable();
            prop_assert_eq!(&chain, &ids(analysis.spofs_of(rec.entry)), "c{}", rec.entry.index());
            prop_assert_eq!(&chain, &ids(rec.spofs.iter().copied()));
        }
    }

    #[test]
    fn deep_pure_any_dominators_are_the_spofs(s in narrow_graph(80, false)) {
        let inv = to_inventory(&s);
        let analysis = FailureAnalysis::new(&inv);
        let dom = analysis.dominators();
        for c in 0..s.len() {
            let c = inv.component_by_id(&format!("c{c}")).unwrap();
            let mut chain = ids(dom.strict_dominators(c));
            chain.sort_unstable();
            prop_assert_eq!(&chain, &ids(analysis.spofs_of(c)), "c{}", c.index());
        }
    }

    #[test]
    fn acyclic_dominators_are_always_spofs(s in acyclic_graph(40, false)) {
        let inv = to_inventory(&s);
        let analysis = FailureAnalysis::new(&inv);
        let dom = analysis.dominators();
        for c in 0..s.len() {
            let c = inv.component_by_id(&format!("c{c}")).unwrap();
            let spofs: BTreeSet<usize> = ids(analysis.spofs_of(c)).into_iter().collect();
            for d in dom.strict_dominators(c) {
                prop_assert!(spofs.contains(&d.index()), "c{} dominates c{}", d.index(), c.index());
            }
        }
    }
}

fn check_dominators(s: &Spec) -> Result<(), TestCaseError> {
    let inv = to_inventory(s);
    let dom = FailureAnalysis::new(&inv).dominators();
    prop_assert_eq!(dom.len(), s.len());
    let reach = flow_reachable(s, None);
    let without: Vec<Vec<bool>> = (0..s.len()).map(|x| flow_reachable(s, Some(x))).collect();
    for (v, &reachable) in reach.iter().enumerate() {
        let c = inv.component_by_id(&format!("c{v}")).unwrap();
        prop_assert_eq!(dom.is_reachable(c), reachable, "c{} reachable", v);
        // x strictly dominates v iff removing x cuts v off the root.
        let expected: BTreeSet<usize> = (0..s.len())
            .filter(|&x| x != v && reachable && !without[x][v])
            .collect();
        let chain = ids(dom.strict_dominators(c));
        let got: BTreeSet<usize> = chain.iter().copied().collect();
        prop_assert_eq!(got.len(), chain.len(), "the idom chain of c{} repeats", v);
        prop_assert_eq!(&got, &expected, "strict dominators of c{}", v);
        // The chain is ordered: each dominates the one before it.
        for w in chain.windows(2) {
            prop_assert!(without[w[1]].get(w[0]).is_some_and(|r| !r));
        }
        for x in 0..s.len() {
            let xc = inv.component_by_id(&format!("c{x}")).unwrap();
            prop_assert_eq!(dom.dominates(xc, c), x == v || expected.contains(&x));
        }
    }
    Ok(())
}

fn check_points_and_bridges(s: &Spec) -> Result<(), TestCaseError> {
    let inv = to_inventory(s);
    let analysis = FailureAnalysis::new(&inv);
    let adj = undirected(s);
    let base = parts(&adj, None, None);
    let expected: Vec<usize> = (0..s.len()).filter(|&v| parts(&adj, Some(v), None) > base).collect();
    prop_assert_eq!(ids(analysis.articulation_points()), expected);
    let mut expected = Vec::new();
    for a in 0..s.len() {
        for b in a + 1..s.len() {
            if adj[a][b] && parts(&adj, None, Some((a, b))) > base {
                expected.push((a, b));
            }
        }
    }
    let got: Vec<(usize, usize)> = analysis
        .bridges()
        .into_iter()
        .map(|(a, b)| (a.index(), b.index()))
        .collect();
    prop_assert_eq!(got, expected);
    Ok(())
}

#[test]
fn mutual_dependencies_are_one_undirected_edge() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "
components:
  - {id: a, entry: true, requires: any, depends_on: [b, c]}
  - {id: b, requires: any, depends_on: [a, d]}
  - {id: c}
  - {id: d}
",
    )
    .unwrap();
    let analysis = FailureAnalysis::new(&inv);
    let name = |c: ops_core::Idx<ops_core::graph::Component>| inv.component(c).id.as_str();
    // a <-> b is one edge and a bridge, as are a - c and b - d.
    let bridges: Vec<(&str, &str)> = analysis
        .bridges()
        .into_iter()
        .map(|(x, y)| (name(x), name(y)))
        .collect();
    assert_eq!(bridges, [("a", "b"), ("a", "c"), ("b", "d")]);
    let points: Vec<&str> = analysis.articulation_points().into_iter().map(name).collect();
    assert_eq!(points, ["a", "b"]);
    let cycles: Vec<Vec<&str>> = analysis
        .strongly_connected_components()
        .into_iter()
        .map(|g| g.into_iter().map(name).collect())
        .collect();
    assert_eq!(cycles, [["a", "b"]]);
}

#[test]
fn a_synthetic_any_estate_agrees_with_spofs() {
    let text = ops_core::synth::generate_json(3_000, 11, ops_core::synth::Rules::AnyAcyclic);
    let inv = Inventory::from_text("synthetic.json", Format::Json, &text).unwrap();
    let analysis = FailureAnalysis::new(&inv);
    let dom = analysis.dominators();
    let report = analysis.spofs();
    for rec in report.entries() {
        let mut chain: Vec<_> = dom.strict_dominators(rec.entry).collect();
        chain.sort_unstable();
        assert_eq!(chain, rec.spofs);
    }
    // And a sample of the other components.
    for c in (0..inv.components().len()).step_by(7) {
        let c = inv.component_by_id(&format!("c{c}")).unwrap();
        let mut chain: Vec<_> = dom.strict_dominators(c).collect();
        chain.sort_unstable();
        assert_eq!(chain, analysis.spofs_of(c));
    }
}
