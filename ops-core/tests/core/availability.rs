//! Entry availability: exact answers against hand-computed ones, Monte Carlo
//! against the exact answers, determinism, and the `graph/below-slo`
//! check's findings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::{BTreeMap, BTreeSet};

use ops_core::graph::{AvailabilityMethod, AvailabilityOptions, EntryAvailability, FailureAnalysis};
use ops_core::{Check, Context, EntityKind, Format, Inventory, Runner, Severity};
use proptest::prelude::*;

fn inv(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap()
}

fn options(exact_limit: usize, samples: u64, seed: u64) -> AvailabilityOptions {
    let mut o = AvailabilityOptions::default();
    o.exact_limit = exact_limit;
    o.samples = samples;
    o.seed = seed;
    o
}

/// Every entry's availability, by id.
fn by_id(inv: &Inventory, options: &AvailabilityOptions) -> BTreeMap<String, EntryAvailability> {
    FailureAnalysis::new(inv)
        .availability(options)
        .into_iter()
        .map(|a| (inv.component(a.entry).id.clone(), a))
        .collect()
}

/// The exact availability of the single entry `shop`.
fn exact_shop(yaml: &str) -> f64 {
    let inv = inv(yaml);
    let all = by_id(&inv, &AvailabilityOptions::default());
    let shop = &all["shop"];
    assert_eq!(shop.method, AvailabilityMethod::Exact);
    assert_eq!((shop.low, shop.high), (shop.estimate, shop.estimate));
    shop.estimate
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn series_multiplies() {
    let got = exact_shop(
        "
components:
  - {id: shop, entry: true, depends_on: [a, b]}
  - {id: a, availability: 0.99}
  - {id: b, availability: 0.95}
",
    );
    assert!(close(got, 0.99 * 0.95), "{got}");
}

#[test]
fn the_entry_itself_can_fail() {
    let got = exact_shop(
        "
components:
  - {id: shop, entry: true, availability: 0.9, depends_on: [a]}
  - {id: a, availability: 0.99, depends_on: [b]}
  - {id: b}
",
    );
    assert!(close(got, 0.9 * 0.99), "{got}");
}

#[test]
fn parallel_any_fails_only_when_every_replica_fails() {
    let got = exact_shop(
        "
components:
  - {id: shop, entry: true, requires: any, depends_on: [a, b]}
  - {id: a, availability: 0.9}
  - {id: b, availability: 0.8}
",
    );
    assert!(close(got, 1.0 - 0.1 * 0.2), "{got}");
}

#[test]
fn two_of_three() {
    let p: f64 = 0.9;
    let got = exact_shop(
        "
components:
  - {id: shop, entry: true, requires: {at_least: 2}, depends_on: [a, b, c]}
  - {id: a, availability: 0.9}
  - {id: b, availability: 0.9}
  - {id: c, availability: 0.9}
",
    );
    assert!(close(got, 3.0 * p * p - 2.0 * p * p * p), "{got}");
}

#[test]
fn diamond_with_a_shared_database() {
    // Both web servers need the same database: redundancy above it does not
    // help against it, so the database multiplies, the pair combines in parallel.
    let inv = inv("
components:
  - {id: shop, entry: true, depends_on: [lb]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, availability: 0.99, depends_on: [db]}
  - {id: web-2, availability: 0.98, depends_on: [db]}
  - {id: db, availability: 0.999}
  - {id: admin, entry: true, depends_on: [db]}
  - {id: status, entry: true}
");
    let all = by_id(&inv, &AvailabilityOptions::default());
    assert!(
        close(all["shop"].estimate, 0.999 * (1.0 - 0.01 * 0.02)),
        "{:?}",
        all["shop"]
    );
    assert!(close(all["admin"].estimate, 0.999), "{:?}", all["admin"]);
    assert_eq!(all["status"].estimate, 1.0);
    assert!(all.values().all(|a| a.method == AvailabilityMethod::Exact));
    // In definition order, one per entry.
    let order: Vec<&str> = FailureAnalysis::new(&inv)
        .availability(&AvailabilityOptions::default())
        .iter()
        .map(|a| inv.component(a.entry).id.as_str())
        .collect();
    assert_eq!(order, ["shop", "admin", "status"]);
}

#[test]
fn nothing_with_an_availability_means_always_up() {
    let inv = inv("components: [{id: shop, entry: true, slo: 0.9999, depends_on: [db]}, {id: db}]");
    let all = by_id(&inv, &options(0, 1000, 1));
    let shop = &all["shop"];
    // Exact even with exact_limit 0: nothing can fail.
    assert_eq!(
        (shop.estimate, shop.low, shop.high, shop.method, shop.slo),
        (1.0, 1.0, 1.0, AvailabilityMethod::Exact, Some(0.9999))
    );
    assert!(!shop.below_slo());
}

/// An `any` cycle: a and b back each other up. With neither failed itself,
/// they hold each other up whatever x and y do (least fixed point); the
/// entry is down only when a fails, or b fails and x fails too.
const CYCLE: &str = "
components:
  - {id: shop, entry: true, depends_on: [a]}
  - {id: a, requires: any, availability: 0.99, depends_on: [b, x]}
  - {id: b, requires: any, availability: 0.9, depends_on: [a, y]}
  - {id: x, availability: 0.8}
  - {id: y, availability: 0.7}
";

#[test]
fn any_cycle_holds_itself_up() {
    let got = exact_shop(CYCLE);
    assert!(close(got, 0.99 * (1.0 - 0.1 * 0.2)), "{got}");
}

/// One estate with every shape above, each entry's exact availability known.
const ESTATE: &str = "
components:
  - {id: series, entry: true, depends_on: [s1, s2]}
  - {id: s1, availability: 0.97}
  - {id: s2, availability: 0.95}
  - {id: parallel, entry: true, requires: any, depends_on: [p1, p2]}
  - {id: p1, availability: 0.8}
  - {id: p2, availability: 0.7}
  - {id: quorum, entry: true, requires: {at_least: 2}, depends_on: [q1, q2, q3]}
  - {id: q1, availability: 0.9}
  - {id: q2, availability: 0.9}
  - {id: q3, availability: 0.9}
  - {id: diamond, entry: true, depends_on: [lb]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, availability: 0.9, depends_on: [db]}
  - {id: web-2, availability: 0.85, depends_on: [db]}
  - {id: db, availability: 0.999}
  - {id: cycle, entry: true, depends_on: [a]}
  - {id: a, requires: any, availability: 0.99, depends_on: [b, x]}
  - {id: b, requires: any, availability: 0.9, depends_on: [a, y]}
  - {id: x, availability: 0.8}
  - {id: y, availability: 0.7}
  - {id: rare, entry: true, depends_on: [r1, r2]}
  - {id: r1, availability: 0.9999}
  - {id: r2, availability: 0.99995}
";

#[test]
fn monte_carlo_intervals_contain_the_exact_answers() {
    let inv = inv(ESTATE);
    let exact = by_id(&inv, &AvailabilityOptions::default());
    let expected = [
        ("series", 0.97 * 0.95),
        ("parallel", 1.0 - 0.2 * 0.3),
        ("quorum", 0.972),
        ("diamond", 0.999 * (1.0 - 0.1 * 0.15)),
        ("cycle", 0.99 * (1.0 - 0.1 * 0.2)),
        ("rare", 0.9999 * 0.99995),
    ];
    for (id, value) in expected {
        assert_eq!(exact[id].method, AvailabilityMethod::Exact, "{id}");
        assert!(
            close(exact[id].estimate, value),
            "{id}: {} vs {value}",
            exact[id].estimate
        );
    }
    // exact_limit 0 forces Monte Carlo everywhere; a 99.9% interval per
    // entry, so that six entries all pass by a wide margin.
    let mut o = options(0, 200_000, 2026);
    o.confidence = 0.999;
    let sampled = by_id(&inv, &o);
    for (id, value) in expected {
        let a = &sampled[id];
        assert_eq!(a.method, AvailabilityMethod::MonteCarlo { samples: 200_000 }, "{id}");
        assert!(
            a.low <= value && value <= a.high,
            "{id}: {value} not in [{}, {}]",
            a.low,
            a.high
        );
        assert!(a.low <= a.estimate && a.estimate <= a.high, "{id}: {a:?}");
        assert!(a.high - a.low < 0.01, "{id}: interval too wide: {a:?}");
    }
}

#[test]
fn monte_carlo_95_percent_interval_on_a_graph_just_over_the_limit() {
    // The diamond has three components that can fail; a limit of 2 puts it
    // just over, so it is sampled.
    let inv = inv("
components:
  - {id: shop, entry: true, depends_on: [lb]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, availability: 0.95, depends_on: [db]}
  - {id: web-2, availability: 0.9, depends_on: [db]}
  - {id: db, availability: 0.99}
");
    let exact = 0.99 * (1.0 - 0.05 * 0.1);
    let shop = &by_id(&inv, &options(2, 100_000, 7))["shop"];
    assert_eq!(shop.method, AvailabilityMethod::MonteCarlo { samples: 100_000 });
    assert!(shop.low <= exact && exact <= shop.high, "{exact} not in {shop:?}");
    assert!(shop.high - shop.low < 0.002, "{shop:?}");
    let at_limit = &by_id(&inv, &options(3, 100_000, 7))["shop"];
    assert_eq!(at_limit.method, AvailabilityMethod::Exact);
    assert!(close(at_limit.estimate, exact));
}

#[test]
fn same_seed_same_results_other_seed_other_results() {
    let inv = inv(ESTATE);
    let o = options(0, 20_000, 99);
    let first = FailureAnalysis::new(&inv).availability(&o);
    let again = FailureAnalysis::new(&inv).availability(&o);
    assert_eq!(first, again);
    let other = FailureAnalysis::new(&inv).availability(&options(0, 20_000, 100));
    assert_ne!(first, other);
    assert!(first.iter().zip(&other).all(|(a, b)| a.entry == b.entry));
}

#[test]
fn a_sampled_entry_does_not_depend_on_how_the_others_are_computed() {
    // With limit 0 both entries are sampled; with limit 1 `one` is exact.
    // `three`'s samples are the same either way.
    let inv = inv("
components:
  - {id: three, entry: true, depends_on: [a, b, c]}
  - {id: one, entry: true, depends_on: [d]}
  - {id: a, availability: 0.9}
  - {id: b, availability: 0.99}
  - {id: c, availability: 0.999}
  - {id: d, availability: 0.5}
");
    let both_sampled = by_id(&inv, &options(0, 50_000, 5));
    let one_exact = by_id(&inv, &options(1, 50_000, 5));
    assert!(matches!(
        both_sampled["one"].method,
        AvailabilityMethod::MonteCarlo { .. }
    ));
    assert_eq!(one_exact["one"].method, AvailabilityMethod::Exact);
    assert_eq!(both_sampled["three"], one_exact["three"]);
}

#[test]
fn zero_samples_count_as_one() {
    let inv = inv("components: [{id: shop, entry: true, availability: 0.5}]");
    let shop = &by_id(&inv, &options(0, 0, 1))["shop"];
    assert_eq!(shop.method, AvailabilityMethod::MonteCarlo { samples: 1 });
    assert!(shop.estimate == 0.0 || shop.estimate == 1.0);
    assert!(shop.low < shop.high);
}

fn run_check(check: &dyn Check, inv: &Inventory) -> Vec<ops_core::Finding> {
    check
        .run(&Context::new(inv, "2026-11-22T00:00:00Z".parse().unwrap()))
        .unwrap()
}

#[test]
fn check_reports_an_exact_shortfall_as_high() {
    let inv = inv("
components:
  - {id: checkout, entry: true, slo: 0.999, depends_on: [api, db]}
  - {id: api, availability: 0.9995}
  - {id: db, availability: 0.999}
  - {id: search, entry: true, slo: 0.99, depends_on: [db]}
  - {id: blog, entry: true, depends_on: [db]}
  - {id: worker, slo: 0.9999, depends_on: [db]}
");
    let found = run_check(&ops_core::graph::BELOW_SLO, &inv);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.check, "graph/below-slo");
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        (f.subject.kind, f.subject.id.as_str()),
        (EntityKind::Component, "checkout")
    );
    assert_eq!(
        f.message,
        "entry 'checkout' is 99.85% available (computed exactly), below its SLO of 99.90%"
    );
    let at = f.location.as_ref().unwrap();
    assert_eq!((at.file.as_ref(), at.line, at.column), ("inv.yaml", 3, 10));
    let expected = 0.9995 * 0.999;
    assert!((f.evidence["estimate"].as_f64().unwrap() - expected).abs() < 1e-12);
    assert_eq!(f.evidence["low"], f.evidence["estimate"]);
    assert_eq!(f.evidence["high"], f.evidence["estimate"]);
    assert_eq!(f.evidence["slo"], 0.999);
    assert_eq!(f.evidence["method"], "exact");
    assert_eq!(f.evidence["samples"], serde_json::Value::Null);
    assert!(f.remediation.as_deref().unwrap().contains("redundant"));
}

#[test]
fn check_reports_a_sampled_shortfall_by_how_sure_it_is() {
    let base = "
components:
  - {id: shop, entry: true, SLO depends_on: [a, b, c]}
  - {id: a, availability: 0.99}
  - {id: b, availability: 0.995}
  - {id: c, availability: 0.998}
";
    let o = options(0, 100_000, 11);
    let without = inv(&base.replace("SLO ", ""));
    let shop = FailureAnalysis::new(&without).availability(&o)[0].clone();
    assert!(shop.low < shop.estimate && shop.estimate < shop.high);
    let check = ops_core::graph::BELOW_SLO.with_options(o);
    let with_slo = |slo: f64| inv(&base.replace("SLO", &format!("slo: {slo},")));
    let pct = |x: f64| format!("{:.2}%", x * 100.0);

    // Estimate below the SLO, interval reaching above it: medium.
    let slo = (shop.estimate + shop.high) / 2.0;
    let found = run_check(&check, &with_slo(slo));
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.evidence["method"], "monte_carlo");
    assert_eq!(f.evidence["samples"], 100_000);
    assert_eq!(f.evidence["confidence"], 0.95);
    assert_eq!(f.evidence["estimate"], shop.estimate);
    assert_eq!(f.evidence["low"], shop.low);
    assert_eq!(f.evidence["high"], shop.high);
    assert!(
        f.message.starts_with("entry 'shop' is estimated at ") && f.message.contains("available (95% CI "),
        "{}",
        f.message
    );

    // Even the upper bound below the SLO: high.
    let slo = 0.99;
    assert!(shop.high < slo);
    let found = run_check(&check, &with_slo(slo));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(
        found[0].message,
        format!(
            "entry 'shop' is estimated at {} available (95% CI {}–{}), below its SLO of 99.00%",
            pct(shop.estimate),
            pct(shop.low),
            pct(shop.high)
        )
    );

    // Estimate above the SLO (even if the interval reaches below): nothing.
    let slo = (shop.low + shop.estimate) / 2.0;
    assert!(run_check(&check, &with_slo(slo)).is_empty());
}

#[test]
fn check_is_silent_when_slos_are_met_or_absent() {
    let met = inv("
components:
  - {id: shop, entry: true, slo: 0.999, requires: any, depends_on: [a, b]}
  - {id: a, availability: 0.99}
  - {id: b, availability: 0.99}
");
    assert!(run_check(&ops_core::graph::BELOW_SLO, &met).is_empty());
    let no_slo = inv("components: [{id: shop, entry: true, availability: 0.5}]");
    assert!(run_check(&ops_core::graph::BELOW_SLO, &no_slo).is_empty());
    // An SLO equal to the exact availability is met.
    let equal = inv("components: [{id: shop, entry: true, availability: 0.999, slo: 0.999}]");
    assert!(run_check(&ops_core::graph::BELOW_SLO, &equal).is_empty());
}

#[test]
fn check_is_built_in_and_its_example_is_a_finding() {
    let runner = Runner::with_builtin_checks();
    let rule = runner.rules().find(|r| r.id() == "graph/below-slo").unwrap();
    assert_eq!(rule.default_severity(), Severity::High);
    for heading in ["## What it checks", "## Why it matters", "## Example", "## How to fix"] {
        assert!(rule.explanation().contains(heading), "missing {heading}");
    }
    let example = rule
        .explanation()
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let report = runner.run(&inv(example), "2026-11-22T00:00:00Z".parse().unwrap());
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "graph/below-slo")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subject.id, "checkout");
    assert_eq!(found[0].severity, Severity::High);
}

/// A random component: dependencies, rule (0 all, 1 any, 2 at_least k), k,
/// entry, availability (an index into [`AVAILABILITIES`], or none).
type Spec = (BTreeSet<usize>, u8, usize, bool, Option<usize>);

const AVAILABILITIES: [f64; 4] = [0.5, 0.8, 0.9, 0.99];

fn random_inventory(spec: &[Spec]) -> Inventory {
    let components: Vec<serde_json::Value> = spec
        .iter()
        .enumerate()
        .map(|(i, (deps, rule, k, entry, availability))| {
            let deps: Vec<usize> = deps.iter().copied().filter(|&d| d != i).collect();
            let mut c = serde_json::json!({
                "id": format!("c{i}"),
                "entry": entry,
                "depends_on": deps.iter().map(|d| format!("c{d}")).collect::<Vec<_>>(),
            });
            match (rule, deps.len()) {
                (_, 0) | (0, _) => {}
                (1, _) => c["requires"] = "any".into(),
                (_, len) => c["requires"] = serde_json::json!({"at_least": (*k).min(len)}),
            }
            if let Some(a) = availability {
                c["availability"] = AVAILABILITIES[*a].into();
            }
            c
        })
        .collect();
    let text = serde_json::json!({ "components": components }).to_string();
    Inventory::from_text("random.json", Format::Json, &text).unwrap()
}

use ops_testkit::availability as brute_availability;

fn spec() -> impl Strategy<Value = Vec<Spec>> {
    (2usize..10).prop_flat_map(|n| {
        proptest::collection::vec(
            (
                proptest::collection::btree_set(0..n, 0..4),
                0u8..3,
                1usize..4,
                proptest::bool::weighted(0.3),
                proptest::option::weighted(0.6, 0..AVAILABILITIES.len()),
            ),
            n,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Exact answers equal brute force on random graphs (cycles, mixed
    /// rules); with a small limit, the entries still computed exactly do too.
    #[test]
    fn exact_matches_brute_force(spec in spec()) {
        let inv = random_inventory(&spec);
        let brute = brute_availability(&inv);
        for limit in [30, 2] {
            let got = FailureAnalysis::new(&inv).availability(&options(limit, 200, 3));
            prop_assert_eq!(got.len(), brute.len());
            for a in &got {
                let expected = brute[&a.entry.index()];
                prop_assert!(a.low <= a.estimate && a.estimate <= a.high);
                if a.method == AvailabilityMethod::Exact {
                    prop_assert!((a.estimate - expected).abs() < 1e-12, "c{}: {} vs {}", a.entry.index(), a.estimate, expected);
                } else {
                    prop_assert!(limit == 2);
                }
            }
        }
    }
}
