//! The failure analysis against its definition: random graphs (with cycles,
//! mixed rules, nested domains), every answer compared with brute force
//! (fail it, iterate the rules to the fixed point, look).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeSet;

use ops_core::graph::FailureAnalysis;
use ops_core::inventory::FailureTarget;
use ops_core::{Format, Inventory};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Spec {
    /// Per component: dependencies (indices), rule, entry?, direct domain.
    components: Vec<(Vec<usize>, Rule, bool, Option<usize>)>,
    /// Per domain: parent.
    domains: Vec<Option<usize>>,
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    All,
    Any,
    AtLeast(usize),
}

fn spec() -> impl Strategy<Value = Spec> {
    spec_up_to(11)
}

/// Graphs of 2 to `max_n - 1` components, each with up to 3 dependencies.
fn spec_up_to(max_n: usize) -> impl Strategy<Value = Spec> {
    (2usize..max_n, 0usize..4).prop_flat_map(|(n, nd)| {
        let component = (
            proptest::collection::btree_set(0..n, 0..4),
            0u8..3,
            1usize..4,
            proptest::bool::weighted(0.3),
            proptest::option::weighted(0.5, 0..nd.max(1)),
        );
        let domains = proptest::collection::vec(proptest::option::weighted(0.4, 0..nd.max(1)), nd);
        (proptest::collection::vec(component, n), domains).prop_map(move |(cs, ds)| {
            let components = cs
                .into_iter()
                .enumerate()
                .map(|(i, (deps, rule, k, entry, domain))| {
                    let deps: Vec<usize> = deps.into_iter().filter(|&d| d != i).collect();
                    let rule = match (rule, deps.len()) {
                        (_, 0) | (0, _) => Rule::All,
                        (1, _) => Rule::Any,
                        (_, len) => Rule::AtLeast(k.min(len)),
                    };
                    (deps, rule, entry, if nd == 0 { None } else { domain })
                })
                .collect();
            // Parents only point to lower indices: nesting is acyclic, as validation requires.
            let domains = ds.into_iter().enumerate().map(|(i, p)| p.filter(|&p| p < i)).collect();
            Spec { components, domains }
        })
    })
}

fn to_inventory(s: &Spec) -> Inventory {
    let plain = Fidelity {
        logical: vec![false; s.components.len()],
        replicas: vec![None; s.components.len()],
    };
    Inventory::from_text("random.json", Format::Json, &fidelity_json(s, &plain, true)).unwrap()
}

use ops_testkit::{domain_members, down_set as brute_down};

/// 512 cases unless PROPTEST_CASES says otherwise.
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

/// Every entry's SPOFs, all computed at once, against `brute` (the down set
/// of each single failure).
fn entry_spofs_match(a: &FailureAnalysis, brute: &[BTreeSet<usize>]) -> Result<(), TestCaseError> {
    let n = brute.len();
    for rec in a.spofs().entries() {
        let e = rec.entry.index();
        let expected: Vec<usize> = (0..n).filter(|&x| x != e && brute[x].contains(&e)).collect();
        let got: Vec<usize> = rec.spofs.iter().map(|c| c.index()).collect();
        prop_assert_eq!(&got, &expected, "SPOFs of c{}", e);
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn larger_graphs_single_failures_match_brute_force(s in spec_up_to(40)) {
        let inv = to_inventory(&s);
        let a = FailureAnalysis::new(&inv);
        let n = inv.components().len();
        let brute: Vec<BTreeSet<usize>> = (0..n).map(|x| brute_down(&inv, &BTreeSet::from([x]))).collect();
        entry_spofs_match(&a, &brute)?;
    }

    /// Acyclic graphs where every component with dependencies is `any`: the
    /// analysis answers from the dominator tree there, not the kill graph.
    #[test]
    fn pure_any_acyclic_single_failures_match_brute_force(s in spec_up_to(30)) {
        let mut s = s;
        for (i, (deps, rule, _, _)) in s.components.iter_mut().enumerate() {
            deps.retain(|&d| d > i);
            *rule = if deps.is_empty() { Rule::All } else { Rule::Any };
        }
        let inv = to_inventory(&s);
        let a = FailureAnalysis::new(&inv);
        let n = inv.components().len();
        let brute: Vec<BTreeSet<usize>> = (0..n).map(|x| brute_down(&inv, &BTreeSet::from([x]))).collect();
        entry_spofs_match(&a, &brute)?;
        for x in 0..n {
            let killers: Vec<usize> = (0..n).filter(|&y| y != x && brute[y].contains(&x)).collect();
            let comp = inv.component_by_id(&format!("c{x}")).unwrap();
            let got: Vec<usize> = a.spofs_of(comp).iter().map(|c| c.index()).collect();
            prop_assert_eq!(&got, &killers, "SPOFs of c{}", x);
        }
    }

    /// Pure-`any` graphs with cycles: whether the entries' cone is acyclic
    /// decides between the dominator tree and the kill graph.
    #[test]
    fn pure_any_single_failures_match_brute_force(s in spec_up_to(20)) {
        let mut s = s;
        for (deps, rule, _, _) in s.components.iter_mut() {
            *rule = if deps.is_empty() { Rule::All } else { Rule::Any };
        }
        let inv = to_inventory(&s);
        let a = FailureAnalysis::new(&inv);
        let n = inv.components().len();
        let brute: Vec<BTreeSet<usize>> = (0..n).map(|x| brute_down(&inv, &BTreeSet::from([x]))).collect();
        entry_spofs_match(&a, &brute)?;
    }

    #[test]
    fn single_failures_match_brute_force(s in spec()) {
        let inv = to_inventory(&s);
        let a = FailureAnalysis::new(&inv);
        let report = a.spofs();
        let n = inv.components().len();
        let brute: Vec<BTreeSet<usize>> = (0..n).map(|x| brute_down(&inv, &BTreeSet::from([x]))).collect();
        let entries: Vec<usize> = (0..n).filter(|&i| inv.components()[i].entry).collect();
        prop_assert_eq!(report.entries().len(), entries.len());
        for (rec, &e) in report.entries().iter().zip(&entries) {
            prop_assert_eq!(rec.entry.index(), e);
            let expected: Vec<usize> = (0..n).filter(|&x| x != e && brute[x].contains(&e)).collect();
            let got: Vec<usize> = rec.spofs.iter().map(|c| c.index()).collect();
            prop_assert_eq!(&got, &expected, "SPOFs of c{}", e);
            // one entry at a time agrees with all at once
            let one: Vec<usize> = a.spofs_of(rec.entry).iter().map(|c| c.index()).collect();
            prop_assert_eq!(&one, &expected);
        }
        for (x, brute_x) in brute.iter().enumerate() {
            let comp = inv.component_by_id(&format!("c{x}")).unwrap();
            // inverse map
            let got: Vec<usize> = report.entries_taken_down_by(comp).map(|c| c.index()).collect();
            let expected: Vec<usize> = entries.iter().copied().filter(|&e| e != x && brute_x.contains(&e)).collect();
            prop_assert_eq!(&got, &expected, "entries taken down by c{}", x);
            // SPOFs of any component, entry or not (inside the entries' cone or outside it)
            let killers: Vec<usize> = (0..n).filter(|&y| y != x && brute[y].contains(&x)).collect();
            let got: Vec<usize> = a.spofs_of(comp).iter().map(|c| c.index()).collect();
            prop_assert_eq!(&got, &killers, "SPOFs of c{}", x);
            // blast radius, and every explanation ends at x through violated rules
            let outage = a.blast_radius(comp);
            let got: BTreeSet<usize> = outage.down().iter().map(|c| c.index()).collect();
            prop_assert_eq!(&got, brute_x, "blast radius of c{}", x);
            for &c in &outage.down() {
                let chain = outage.explain(&inv, c).unwrap();
                prop_assert_eq!(chain.first().unwrap().component(), c);
                prop_assert_eq!(chain.last().unwrap().component(), comp);
            }
        }
    }

    #[test]
    fn domain_and_multiple_failures_match_brute_force(s in spec(), picks in proptest::collection::vec(0usize..64, 1..4)) {
        let inv = to_inventory(&s);
        let a = FailureAnalysis::new(&inv);
        let n = inv.components().len();
        // domain SPOFs
        for rec in a.domain_spofs() {
            let e = rec.entry.index();
            let expected: Vec<usize> = (0..inv.domains().len())
                .filter(|&d| brute_down(&inv, &domain_members(&inv, d)).contains(&e))
                .collect();
            let got: Vec<usize> = rec.domains.iter().map(|d| d.index()).collect();
            prop_assert_eq!(&got, &expected, "domain SPOFs of c{}", e);
        }
        // an arbitrary mix of failed components and domains
        let mut targets = Vec::new();
        let mut failed = BTreeSet::new();
        for p in picks {
            let nd = inv.domains().len();
            if nd > 0 && p % 3 == 0 {
                let d = p % nd;
                targets.push(inv.target_by_id(&format!("d{d}")).unwrap());
                failed.extend(domain_members(&inv, d));
            } else {
                let c = p % n;
                targets.push(FailureTarget::Component(inv.component_by_id(&format!("c{c}")).unwrap()));
                failed.insert(c);
            }
        }
        let got: BTreeSet<usize> = a.simulate(&targets).down().iter().map(|c| c.index()).collect();
        prop_assert_eq!(got, brute_down(&inv, &failed));
    }

    #[test]
    fn double_faults_match_brute_force(s in spec()) {
        let inv = to_inventory(&s);
        let a = FailureAnalysis::new(&inv);
        let n = inv.components().len();
        // Every entry at once, without a limit and with a limit of one pair.
        let (together, _) = a.all_double_faults(usize::MAX, usize::MAX);
        let (first_only, _) = a.all_double_faults(1, usize::MAX);
        for (e, c) in inv.components().iter().enumerate() {
            if !c.entry {
                continue;
            }
            let single: Vec<bool> = (0..n).map(|x| brute_down(&inv, &BTreeSet::from([x])).contains(&e)).collect();
            let mut expected = Vec::new();
            for x in 0..n {
                for y in x + 1..n {
                    if x == e || y == e || single[x] || single[y] {
                        continue;
                    }
                    if brute_down(&inv, &BTreeSet::from([x, y])).contains(&e) {
                        expected.push((x, y));
                    }
                }
            }
            let entry = inv.component_by_id(&c.id).unwrap();
            let all = a.double_faults(entry, usize::MAX);
            let got: Vec<(usize, usize)> = all.pairs.iter().map(|(x, y)| (x.index(), y.index())).collect();
            prop_assert_eq!(&got, &expected, "double faults of c{}", e);
            prop_assert!(!all.truncated);
            let at_once = together.iter().find(|f| f.entry == entry).unwrap();
            let got: Vec<(usize, usize)> = at_once.pairs.iter().map(|(x, y)| (x.index(), y.index())).collect();
            prop_assert_eq!(&got, &expected, "double faults of c{} searched with every entry", e);
            prop_assert!(at_once.complete && !at_once.truncated);
            let first = first_only.iter().find(|f| f.entry == entry).unwrap();
            prop_assert_eq!(first.pairs.len(), expected.len().min(1));
            prop_assert_eq!(first.pairs.first(), all.pairs.first());
            prop_assert!(first.truncated == (expected.len() > 1));
            if !expected.is_empty() {
                let one = a.double_faults(entry, 1);
                prop_assert_eq!(one.pairs.len(), 1);
                prop_assert!(one.truncated == (expected.len() > 1));
            }
        }
    }
}

/// How a random graph uses `logical` and `replicas` on top of [`Spec`]: per
/// component, logical (applied only to one with dependencies and no
/// replicas), and replicas as (count, min) with the spread's first domain.
#[derive(Clone, Debug)]
struct Fidelity {
    logical: Vec<bool>,
    replicas: Vec<Option<(u32, u32, usize)>>,
}

fn fidelity(n: usize) -> impl Strategy<Value = Fidelity> {
    let replicas = proptest::option::weighted(0.25, (1u32..4, 0u32..4, 0usize..4));
    (
        proptest::collection::vec(proptest::bool::weighted(0.3), n),
        proptest::collection::vec(replicas, n),
    )
        .prop_map(|(logical, replicas)| Fidelity {
            logical,
            replicas: replicas
                .into_iter()
                .map(|r| r.map(|(count, min, spread)| (count, min % count + 1, spread)))
                .collect(),
        })
}

/// The spec's components as JSON, with `fidelity` either written as
/// `logical`/`replicas` (`written`), or spelled out by hand: instances
/// `cK-rI` and a logical `cK` needing `min` of them.
fn fidelity_json(s: &Spec, f: &Fidelity, written: bool) -> String {
    let nd = s.domains.len();
    let mut components = Vec::new();
    for (i, (deps, rule, entry, domain)) in s.components.iter().enumerate() {
        let mut c = serde_json::json!({
            "id": format!("c{i}"),
            "entry": entry,
            "depends_on": deps.iter().map(|d| format!("c{d}")).collect::<Vec<_>>(),
        });
        match rule {
            Rule::All => {}
            Rule::Any => c["requires"] = "any".into(),
            Rule::AtLeast(k) => c["requires"] = serde_json::json!({"at_least": k}),
        }
        let domains: Vec<String> = domain.iter().map(|d| format!("d{d}")).collect();
        c["domains"] = serde_json::json!(domains);
        // Spread over two domains from the chosen one on, when there are any.
        let spread: Vec<String> = match f.replicas[i] {
            Some((_, _, first)) if nd > 0 => (0..2.min(nd)).map(|k| format!("d{}", (first + k) % nd)).collect(),
            _ => Vec::new(),
        };
        match f.replicas[i] {
            Some((count, min, _)) if written => {
                c["replicas"] = serde_json::json!({"count": count, "min": min, "spread": spread});
                components.push(c);
            }
            Some((count, min, _)) => {
                let instances: Vec<String> = (1..=count).map(|k| format!("c{i}-r{k}")).collect();
                for (k, id) in instances.iter().enumerate() {
                    let mut instance = c.clone();
                    instance["id"] = id.clone().into();
                    instance["entry"] = false.into();
                    let mut domains = domains.clone();
                    if let Some(zone) = spread.get(k % spread.len().max(1))
                        && !domains.contains(zone)
                    {
                        domains.push(zone.clone());
                    }
                    instance["domains"] = serde_json::json!(domains);
                    components.push(instance);
                }
                let mut parent = serde_json::json!({
                    "id": format!("c{i}"), "entry": entry, "logical": true, "depends_on": instances,
                });
                parent["requires"] = if min == 1 {
                    "any".into()
                } else {
                    serde_json::json!({"at_least": min})
                };
                components.push(parent);
            }
            None => {
                if f.logical[i] && !deps.is_empty() {
                    c["logical"] = true.into();
                }
                components.push(c);
            }
        }
    }
    let domains: Vec<serde_json::Value> = (s.domains.iter().enumerate())
        .map(|(i, parent)| match parent {
            Some(p) => serde_json::json!({"id": format!("d{i}"), "kind": "zone", "parent": format!("d{p}")}),
            None => serde_json::json!({"id": format!("d{i}"), "kind": "zone"}),
        })
        .collect();
    serde_json::json!({"components": components, "domains": domains}).to_string()
}

/// A component's id with an instance written by hand (`c3-r2`) named as
/// `replicas:` names it (`c3#2`).
fn instance_name(id: &str) -> String {
    match id.split_once("-r") {
        Some((c, k)) => format!("{c}#{k}"),
        None => id.to_owned(),
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// `logical` and `replicas` against their definitions: the single points
    /// of failure and double faults of every entry are brute force's, minus
    /// the logical components (they never fail alone), and `replicas:` gives
    /// the same answers, instance for instance, as its instances spelled out
    /// by hand.
    #[test]
    fn logical_and_replicas_match_brute_force((s, f) in spec_up_to(12).prop_flat_map(|s| {
        let n = s.components.len();
        (Just(s), fidelity(n))
    })) {
        let written = Inventory::from_text("written.json", Format::Json, &fidelity_json(&s, &f, true)).unwrap();
        let by_hand = Inventory::from_text("by-hand.json", Format::Json, &fidelity_json(&s, &f, false)).unwrap();
        let n = by_hand.components().len();
        prop_assert_eq!(written.components().len(), n);
        let name = |inv: &Inventory, i: usize| instance_name(&inv.components()[i].id);
        let (a, b) = (FailureAnalysis::new(&written), FailureAnalysis::new(&by_hand));
        let single: Vec<BTreeSet<usize>> = (0..n).map(|x| brute_down(&by_hand, &BTreeSet::from([x]))).collect();
        let can_fail = |x: usize| !by_hand.components()[x].logical;
        for (ra, rb) in a.spofs().entries().iter().zip(b.spofs().entries()) {
            let e = rb.entry.index();
            prop_assert_eq!(name(&written, ra.entry.index()), name(&by_hand, e));
            let expected: BTreeSet<String> = (0..n)
                .filter(|&x| x != e && can_fail(x) && single[x].contains(&e))
                .map(|x| name(&by_hand, x))
                .collect();
            let got_b: BTreeSet<String> = rb.spofs.iter().map(|c| name(&by_hand, c.index())).collect();
            let got_a: BTreeSet<String> = ra.spofs.iter().map(|c| name(&written, c.index())).collect();
            prop_assert_eq!(&got_b, &expected, "SPOFs of {} by hand", name(&by_hand, e));
            prop_assert_eq!(&got_a, &expected, "SPOFs of {} written", name(&by_hand, e));
            let mut pairs = BTreeSet::new();
            for x in (0..n).filter(|&x| x != e && can_fail(x) && !single[x].contains(&e)) {
                for y in (x + 1..n).filter(|&y| y != e && can_fail(y) && !single[y].contains(&e)) {
                    if brute_down(&by_hand, &BTreeSet::from([x, y])).contains(&e) {
                        let (p, q) = (name(&by_hand, x), name(&by_hand, y));
                        pairs.insert(if p < q { (p, q) } else { (q, p) });
                    }
                }
            }
            let got: BTreeSet<(String, String)> = (a.double_faults(ra.entry, usize::MAX).pairs.iter())
                .map(|(x, y)| {
                    let (p, q) = (name(&written, x.index()), name(&written, y.index()));
                    if p < q { (p, q) } else { (q, p) }
                })
                .collect();
            prop_assert_eq!(&got, &pairs, "double faults of {}", name(&by_hand, e));
        }
        for (ra, rb) in a.domain_spofs().iter().zip(b.domain_spofs()) {
            prop_assert_eq!(&ra.domains, &rb.domains);
        }
    }
}
