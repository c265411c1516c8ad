//! The Open-PSA MEF export against ops' own analysis: parse the exported
//! XML, compute the fault tree's minimal cut sets of order one and two from
//! its gates, and compare them with ops' single points of failure, domain
//! SPOFs and double faults, on hand-written models, the example estate and
//! random graphs (acyclic, and with cycles).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::{BTreeSet, HashMap};

use ops_core::graph::{FailureAnalysis, open_psa_mef};
use ops_core::inventory::FailureTarget;
use ops_core::{Format, Inventory};
use proptest::prelude::*;

/// A basic event: what fails, by kind and ops id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Event {
    Component(String),
    Domain(String),
}

#[derive(Debug)]
enum Node {
    Event(String),
    Gate(String),
    Or(Vec<Node>),
    And(Vec<Node>),
    AtLeast(usize, Vec<Node>),
}

/// The parts of an MEF document the export writes.
#[derive(Debug, Default)]
struct FaultTree {
    gates: HashMap<String, Node>,
    /// Gate name -> its label.
    labels: HashMap<String, String>,
    events: HashMap<String, Event>,
    probabilities: HashMap<String, f64>,
}

fn parse(xml: &str) -> FaultTree {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "opsa-mef");
    let mut tree = FaultTree::default();
    for el in root.descendants().filter(|n| n.is_element()) {
        match el.tag_name().name() {
            "define-gate" => {
                let name = el.attribute("name").unwrap().to_owned();
                let mut formula = None;
                for child in el.children().filter(|n| n.is_element()) {
                    match child.tag_name().name() {
                        "label" => {
                            tree.labels.insert(name.clone(), child.text().unwrap_or("").to_owned());
                        }
                        _ => {
                            assert!(formula.is_none(), "{name}: one formula per gate");
                            formula = Some(formula_of(child));
                        }
                    }
                }
                let previous = tree.gates.insert(name.clone(), formula.expect("a formula"));
                assert!(previous.is_none(), "gate {name} defined twice");
            }
            "define-basic-event" => {
                let name = el.attribute("name").unwrap().to_owned();
                let attribute = el
                    .descendants()
                    .find(|n| n.tag_name().name() == "attribute")
                    .expect("ops attribute");
                let id = attribute.attribute("value").unwrap().to_owned();
                let event = match attribute.attribute("name").unwrap() {
                    "ops-component" => Event::Component(id),
                    "ops-domain" => Event::Domain(id),
                    other => panic!("unexpected attribute {other}"),
                };
                if let Some(f) = el.children().find(|n| n.tag_name().name() == "float") {
                    tree.probabilities
                        .insert(name.clone(), f.attribute("value").unwrap().parse().unwrap());
                }
                assert!(tree.events.insert(name, event).is_none());
            }
            _ => {}
        }
    }
    tree
}

fn formula_of(el: roxmltree::Node<'_, '_>) -> Node {
    let args = || {
        el.children()
            .filter(|n| n.is_element())
            .map(|arg| {
                // No nested formulas: SCRAM accepts only events as arguments.
                assert!(
                    matches!(arg.tag_name().name(), "basic-event" | "gate"),
                    "nested <{}> in <{}>",
                    arg.tag_name().name(),
                    el.tag_name().name()
                );
                formula_of(arg)
            })
            .collect::<Vec<_>>()
    };
    match el.tag_name().name() {
        "basic-event" => Node::Event(el.attribute("name").unwrap().to_owned()),
        "gate" => Node::Gate(el.attribute("name").unwrap().to_owned()),
        "or" => Node::Or(args()),
        "and" => Node::And(args()),
        "atleast" => Node::AtLeast(el.attribute("min").unwrap().parse().unwrap(), args()),
        other => panic!("unexpected element {other}"),
    }
}

impl FaultTree {
    /// Whether `node` is true with exactly the events `failed` true.
    fn eval(&self, node: &Node, failed: &[&str], depth: usize) -> bool {
        assert!(depth < 10_000, "the fault tree has a cycle");
        let count = |args: &[Node]| args.iter().filter(|a| self.eval(a, failed, depth + 1)).count();
        match node {
            Node::Event(e) => {
                assert!(self.events.contains_key(e), "undefined event {e}");
                failed.contains(&e.as_str())
            }
            Node::Gate(g) => self.eval(&self.gates[g], failed, depth + 1),
            Node::Or(args) => count(args) >= 1,
            Node::And(args) => count(args) == args.len(),
            Node::AtLeast(k, args) => count(args) >= *k,
        }
    }

    /// The events below `gate`.
    fn events_below(&self, gate: &str) -> BTreeSet<String> {
        fn walk(t: &FaultTree, n: &Node, out: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
            match n {
                Node::Event(e) => {
                    out.insert(e.clone());
                }
                Node::Gate(g) => {
                    if seen.insert(g.clone()) {
                        walk(t, &t.gates[g], out, seen);
                    }
                }
                Node::Or(a) | Node::And(a) | Node::AtLeast(_, a) => a.iter().for_each(|x| walk(t, x, out, seen)),
            }
        }
        let mut out = BTreeSet::new();
        walk(self, &Node::Gate(gate.to_owned()), &mut out, &mut BTreeSet::new());
        out
    }

    /// Minimal cut sets of order one and two of `gate`, as ops events.
    fn cut_sets(&self, gate: &str) -> (BTreeSet<Event>, BTreeSet<(Event, Event)>) {
        let top = Node::Gate(gate.to_owned());
        let events: Vec<String> = self.events_below(gate).into_iter().collect();
        let single: BTreeSet<&str> = events
            .iter()
            .map(String::as_str)
            .filter(|e| self.eval(&top, &[e], 0))
            .collect();
        let mut pairs = BTreeSet::new();
        for (i, a) in events.iter().enumerate() {
            for b in &events[i + 1..] {
                if !single.contains(a.as_str()) && !single.contains(b.as_str()) && self.eval(&top, &[a, b], 0) {
                    let (x, y) = (self.events[a].clone(), self.events[b].clone());
                    pairs.insert(if x < y { (x, y) } else { (y, x) });
                }
            }
        }
        (single.into_iter().map(|e| self.events[e].clone()).collect(), pairs)
    }
}

/// Asserts that the export's cut sets are ops' SPOFs, domain SPOFs and double
/// faults for every entry point, and that pairs involving domains match a
/// simulation. Returns how many (single, double) cut sets were compared.
fn assert_round_trip(inv: &Inventory) -> (usize, usize) {
    let xml = open_psa_mef(inv, None).unwrap();
    let tree = parse(&xml);
    let analysis = FailureAnalysis::new(inv);
    let domain_spofs = analysis.domain_spofs();
    let mut compared = (0, 0);
    for (rec, doms) in analysis.spofs().entries().iter().zip(&domain_spofs) {
        let entry = &inv.component(rec.entry).id;
        let top = tree
            .labels
            .iter()
            .find(|(name, label)| *label == &format!("{entry} is down") && !name.contains("_v"))
            .map(|(name, _)| name.clone())
            .expect("a top gate per entry");
        let (single, pairs) = tree.cut_sets(&top);

        let mut expected: BTreeSet<Event> = rec
            .spofs
            .iter()
            .map(|&c| Event::Component(inv.component(c).id.clone()))
            .collect();
        expected.insert(Event::Component(entry.clone()));
        expected.extend(doms.domains.iter().map(|&d| Event::Domain(inv.domain(d).id.clone())));
        assert_eq!(single, expected, "single points of failure of {entry}\n{xml}");

        let doubles = analysis.double_faults(rec.entry, usize::MAX);
        assert!(!doubles.truncated);
        let expected: BTreeSet<(Event, Event)> = doubles
            .pairs
            .iter()
            .map(|&(x, y)| {
                let (x, y) = (
                    Event::Component(inv.component(x).id.clone()),
                    Event::Component(inv.component(y).id.clone()),
                );
                if x < y { (x, y) } else { (y, x) }
            })
            .collect();
        let component_pairs: BTreeSet<(Event, Event)> = pairs
            .iter()
            .filter(|(a, b)| matches!((a, b), (Event::Component(_), Event::Component(_))))
            .cloned()
            .collect();
        assert_eq!(component_pairs, expected, "double faults of {entry}\n{xml}");

        // Pairs with a domain: ops has no list of them, so simulate.
        let target = |e: &Event| match e {
            Event::Component(id) | Event::Domain(id) => inv.target_by_id(id).unwrap(),
        };
        let takes_down = |ts: &[FailureTarget]| analysis.simulate(ts).is_down(rec.entry);
        let in_tree: Vec<Event> = tree.events_below(&top).iter().map(|e| tree.events[e].clone()).collect();
        for (i, a) in in_tree.iter().enumerate() {
            for b in &in_tree[i + 1..] {
                if matches!((a, b), (Event::Component(_), Event::Component(_))) {
                    continue;
                }
                let (ta, tb) = (target(a), target(b));
                let minimal = takes_down(&[ta, tb]) && !takes_down(&[ta]) && !takes_down(&[tb]);
                let pair = if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                assert_eq!(pairs.contains(&pair), minimal, "{entry}: {pair:?}\n{xml}");
            }
        }
        compared.0 += single.len();
        compared.1 += pairs.len();
    }
    compared
}

fn inventory(yaml: &str) -> Inventory {
    Inventory::from_text("model.yaml", Format::Yaml, yaml).unwrap()
}

#[test]
fn redundancy_rules_and_nested_domains() {
    let inv = inventory(
        "
domains:
  - {id: region, kind: region}
  - {id: zone-a, kind: zone, parent: region}
  - {id: zone-b, kind: zone, parent: region}
components:
  - {id: shop, entry: true, depends_on: [lb, db]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, domains: [zone-a], availability: 0.999}
  - {id: web-2, domains: [zone-b], availability: 0.999}
  - {id: db, requires: {at_least: 2}, depends_on: [db-1, db-2, db-3]}
  - {id: db-1, domains: [zone-a]}
  - {id: db-2, domains: [zone-b]}
  - {id: db-3}
",
    );
    let xml = open_psa_mef(&inv, inv.component_by_id("shop")).unwrap();
    let tree = parse(&xml);
    let e = |id: &str| Event::Component(id.to_owned());
    let (single, pairs) = tree.cut_sets("down-shop");
    assert_eq!(
        single,
        BTreeSet::from([e("shop"), e("lb"), e("db"), Event::Domain("region".into())])
    );
    let d = |id: &str| Event::Domain(id.to_owned());
    assert_eq!(
        pairs,
        BTreeSet::from([
            (e("db-1"), e("db-2")),
            (e("db-1"), e("db-3")),
            (e("db-2"), e("db-3")),
            (e("web-1"), e("web-2")),
            (e("db-1"), d("zone-b")),
            (e("db-2"), d("zone-a")),
            (e("db-3"), d("zone-a")),
            (e("db-3"), d("zone-b")),
            (e("web-1"), d("zone-b")),
            (e("web-2"), d("zone-a")),
            (d("zone-a"), d("zone-b")),
        ])
    );
    assert_eq!(tree.probabilities["fail-web-1"], 0.001);
    assert!(xml.contains("<atleast min=\"2\">"), "{xml}");
    assert_eq!(assert_round_trip(&inv), (4, 11));
}

#[test]
fn a_failure_runs_around_a_cycle() {
    // shop needs a or b; a needs b and x, b needs a and y: losing x takes a
    // down, which takes b down. Cutting one back edge for the whole graph
    // would lose that; the per-path unfolding keeps it.
    let inv = inventory(
        "
components:
  - {id: shop, entry: true, requires: any, depends_on: [a, b]}
  - {id: a, depends_on: [b, x]}
  - {id: b, depends_on: [a, y]}
  - {id: x}
  - {id: y}
",
    );
    let tree = parse(&open_psa_mef(&inv, None).unwrap());
    let e = |id: &str| Event::Component(id.to_owned());
    let (single, pairs) = tree.cut_sets("down-shop");
    assert_eq!(single, BTreeSet::from([e("shop"), e("a"), e("b"), e("x"), e("y")]));
    assert_eq!(pairs, BTreeSet::new());
    assert_eq!(assert_round_trip(&inv), (5, 0));
}

#[test]
fn an_any_cycle_holds_itself_up() {
    // a and b back each other up: losing x and y leaves both up (ops' least
    // fixed point), so {x, y} is not a cut set; {b, x} is.
    let inv = inventory(
        "
components:
  - {id: shop, entry: true, depends_on: [a]}
  - {id: a, requires: any, depends_on: [b, x]}
  - {id: b, requires: any, depends_on: [a, y]}
  - {id: x}
  - {id: y}
",
    );
    let tree = parse(&open_psa_mef(&inv, None).unwrap());
    let e = |id: &str| Event::Component(id.to_owned());
    let (single, pairs) = tree.cut_sets("down-shop");
    assert_eq!(single, BTreeSet::from([e("shop"), e("a")]));
    assert_eq!(pairs, BTreeSet::from([(e("b"), e("x"))]));
    assert_eq!(assert_round_trip(&inv), (2, 1));
}

#[test]
fn the_example_estate() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/inventories/startup");
    let inv = Inventory::load(&[dir]).unwrap();
    // storefront 10 + public-api 9 + ci 1 single; two pairs each for the first two.
    assert_eq!(assert_round_trip(&inv), (20, 4));
    let tree = parse(&open_psa_mef(&inv, inv.component_by_id("public-api")).unwrap());
    let (c, d) = (
        |id: &str| Event::Component(id.into()),
        |id: &str| Event::Domain(id.into()),
    );
    let (single, pairs) = tree.cut_sets("down-public-api");
    assert_eq!(
        single,
        BTreeSet::from([
            c("public-api"),
            c("api-lb"),
            c("dns"),
            c("postgres-primary"),
            c("redis"),
            d("aws"),
            d("eu-west-1"),
            d("eu-west-1a"),
            d("maya"),
        ])
    );
    assert_eq!(
        pairs,
        BTreeSet::from([(c("api-1"), c("api-2")), (c("api-1"), d("eu-west-1b"))])
    );
    assert_eq!(tree.probabilities["fail-postgres-primary"], 0.0005);
    assert_eq!(tree.probabilities["fail-dns"], 0.00001);
}

#[test]
fn inventory_text_is_escaped() {
    let inv = inventory(
        r#"
components:
  - {id: "shop", name: "<script>alert('x') & \"y\"</script>", entry: true, depends_on: ["db:main/eu@1.x_y"]}
  - {id: "db:main/eu@1.x_y"}
"#,
    );
    let xml = open_psa_mef(&inv, None).unwrap();
    assert!(!xml.contains("<script>"), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let label = doc
        .descendants()
        .find(|n| n.tag_name().name() == "label" && n.text().is_some_and(|t| t.contains("script")))
        .unwrap();
    assert_eq!(
        label.text(),
        Some("shop (<script>alert('x') & \"y\"</script>) fails on its own")
    );
    let tree = parse(&xml);
    assert!(tree.gates.contains_key("down-db_cmain_seu_a1_dx__y"), "{xml}");
    assert_round_trip(&inv);
}

/// Random graphs: `cycles` allows dependencies on any component (cycles),
/// otherwise only on later ones (acyclic).
fn random_inventory(cycles: bool) -> impl Strategy<Value = Inventory> {
    (2usize..9, 0usize..4).prop_flat_map(move |(n, nd)| {
        let component = (
            proptest::collection::btree_set(0..n, 0..4),
            0u8..3,
            1usize..4,
            proptest::bool::weighted(0.3),
            proptest::option::weighted(0.5, 0..nd.max(1)),
        );
        let domains = proptest::collection::vec(proptest::option::weighted(0.5, 0..nd.max(1)), nd);
        (proptest::collection::vec(component, n), domains).prop_map(move |(cs, ds)| {
            let components: Vec<serde_json::Value> = cs
                .into_iter()
                .enumerate()
                .map(|(i, (deps, rule, k, entry, domain))| {
                    let deps: Vec<String> = deps
                        .into_iter()
                        .filter(|&d| if cycles { d != i } else { d > i })
                        .map(|d| format!("c{d}"))
                        .collect();
                    let mut c = serde_json::json!({"id": format!("c{i}"), "entry": entry || i == 0});
                    match (rule, deps.len()) {
                        (_, 0) | (0, _) => {}
                        (1, _) => c["requires"] = "any".into(),
                        (_, len) => c["requires"] = serde_json::json!({"at_least": k.min(len)}),
                    }
                    c["depends_on"] = deps.into();
                    if let (Some(d), true) = (domain, nd > 0) {
                        c["domains"] = serde_json::json!([format!("d{d}")]);
                    }
                    c
                })
                .collect();
            let domains: Vec<serde_json::Value> = ds
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    let mut d = serde_json::json!({"id": format!("d{i}"), "kind": "zone"});
                    if let Some(p) = p.filter(|&p| p < i) {
                        d["parent"] = format!("d{p}").into();
                    }
                    d
                })
                .collect();
            let text = serde_json::json!({"components": components, "domains": domains}).to_string();
            Inventory::from_text("random.json", Format::Json, &text).unwrap()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn acyclic_graphs_round_trip(inv in random_inventory(false)) {
        assert_round_trip(&inv);
    }

    #[test]
    fn graphs_with_cycles_round_trip(inv in random_inventory(true)) {
        assert_round_trip(&inv);
    }
}

#[test]
fn unfolding_a_large_cycle_stops_at_the_gate_limit() {
    // 16 components that all depend on each other: unfolding per path needs
    // a gate per component and set of others above it, far past the limit.
    let ids: Vec<String> = (0..16).map(|i| format!("c{i}")).collect();
    let components: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            let deps: Vec<&String> = ids.iter().filter(|d| *d != id).collect();
            serde_json::json!({"id": id, "entry": id == "c0", "requires": "any", "depends_on": deps})
        })
        .collect();
    let text = serde_json::json!({ "components": components }).to_string();
    let inv = Inventory::from_text("clique.json", Format::Json, &text).unwrap();
    let err = open_psa_mef(&inv, None).unwrap_err();
    assert!(matches!(
        err,
        ops_core::Error::FaultTreeTooLarge {
            limit: ops_core::graph::MEF_GATE_LIMIT
        }
    ));
    assert_eq!(
        err.to_string(),
        "the fault tree would need more than 100000 gates: dependency cycles are unfolded per path, \
         and these cycles are too large"
    );
}
