//! Double faults reaching the user: `graph/double-fault` (coverage by recent
//! experiments, its window, bounded output, a fingerprint per entry), the
//! order-2 search's work bound, double faults first in the game-day plan,
//! and experiments simulated with the model at their own instant.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use chrono::TimeDelta;
use ops_core::graph::{DOUBLE_FAULT, DoubleFaultOptions, FailureAnalysis, MODEL_CONTRADICTED, PlanOptions, PlanReason};
use ops_core::inventory::FailureTarget;
use ops_core::{Check, Context, Finding, Format, Inventory};

const AT: &str = "2026-11-22T09:00:00Z";

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn run(check: &dyn Check, inv: &Inventory) -> Vec<Finding> {
    check.run(&Context::new(inv, AT.parse().unwrap())).unwrap()
}

/// `severity entry: message` of each finding of `graph/double-fault`.
fn double_faults(yaml: &str, options: DoubleFaultOptions) -> Vec<String> {
    let inv = load(yaml);
    run(&DOUBLE_FAULT.with_options(options), &inv)
        .iter()
        .map(|f| format!("{} {}: {}", f.severity, f.subject.id, f.message))
        .collect()
}

const ESTATE: &str = "
domains:
  - {id: zone-a, kind: zone}
  - {id: zone-b, kind: zone}
components:
  - {id: shop, entry: true, tier: 1, depends_on: [pg]}
  - {id: pg, kind: database, logical: true, requires: any, depends_on: [pg-primary, pg-standby]}
  - {id: pg-primary, kind: database, domains: [zone-a]}
  - {id: pg-standby, kind: database, domains: [zone-b]}
  - {id: search, entry: true, depends_on: [os]}
  - {id: os, requires: {at_least: 2}, depends_on: [os-1, os-2, os-3]}
  - {id: os-1, domains: [zone-a]}
  - {id: os-2, domains: [zone-b]}
  - {id: os-3, domains: [zone-b]}
";

const SHOP: &str = "medium shop: tier-1 entry 'shop' goes down when pg-primary and pg-standby fail together, \
                    though neither alone takes it down";

#[test]
fn a_recent_experiment_that_failed_both_covers_a_pair_and_an_old_or_one_sided_one_does_not() {
    let untried = double_faults(ESTATE, DoubleFaultOptions::DEFAULT);
    assert_eq!(
        untried,
        [
            SHOP,
            "low search: entry 'search' goes down when both components of any one of 3 pairs fail together, \
             though neither alone takes it down: os-1 + os-2, os-1 + os-3, os-2 + os-3",
        ]
    );
    // Both databases failed together 21 days ago: the shop's only pair is
    // covered. zone-b takes os-2 and os-3 down together: that pair is covered
    // and the other two are not. A one-sided drill on os-1 covers nothing.
    let recent = format!(
        "{ESTATE}experiments:
  - {{id: pg-both, at: 2026-11-01T22:00:00Z, failed: [pg-primary, pg-standby], went_down: [shop]}}
  - {{id: zone-b-drain, at: 2026-11-05T10:00:00Z, failed: [zone-b], stayed_up: [shop], went_down: [search]}}
  - {{id: os-1-kill, at: 2026-11-20T10:00:00Z, failed: [os-1], stayed_up: [search]}}
"
    );
    assert_eq!(
        double_faults(&recent, DoubleFaultOptions::DEFAULT),
        [
            "low search: entry 'search' goes down when both components of any one of 3 pairs fail together, \
          though neither alone takes it down: os-1 + os-2, os-1 + os-3 (1 other tried together by a recent experiment)"
        ]
    );
    // The same pair rehearsal in March, 266 days back: outside the 180-day
    // window, so the shop is reported again; and a 7-day window drops the
    // zone drill too.
    let old = recent.replace("2026-11-01T22:00:00Z", "2026-03-01T22:00:00Z");
    assert_eq!(double_faults(&old, DoubleFaultOptions::DEFAULT)[0], SHOP);
    assert_eq!(
        double_faults(&recent, DoubleFaultOptions::DEFAULT.with_window(TimeDelta::days(7))),
        untried
    );
    // An experiment after the evaluation instant does not count either.
    let future = recent.replace("2026-11-01T22:00:00Z", "2026-11-30T22:00:00Z");
    assert_eq!(double_faults(&future, DoubleFaultOptions::DEFAULT)[0], SHOP);
}

#[test]
fn one_finding_per_entry_names_five_pairs_and_counts_them_all() {
    // 300 workers of which 299 are needed: every two of them take the entry down.
    let workers: Vec<String> = (1..=300).map(|i| format!("w-{i:03}")).collect();
    let yaml = format!(
        "components:\n  - {{id: batch, entry: true, tier: 2, requires: {{at_least: 299}}, depends_on: [{}]}}\n{}",
        workers.join(", "),
        workers.iter().map(|w| format!("  - {{id: {w}}}\n")).collect::<String>()
    );
    let inv = load(&yaml);
    let found = run(&DOUBLE_FAULT, &inv);
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(
        f.message,
        "tier-2 entry 'batch' goes down when both components of any one of 44850 pairs fail together, \
         though neither alone takes it down: w-001 + w-002, w-001 + w-003, w-001 + w-004, w-001 + w-005, \
         w-001 + w-006 and 44845 more"
    );
    assert_eq!(f.evidence["pair_count"], 44850);
    assert_eq!(f.evidence["untried"], 44850);
    assert_eq!(f.evidence["complete"], true);
    assert_eq!(f.evidence["pairs"].as_array().unwrap().len(), 5);
    assert_eq!(f.evidence["explained_pair"], "w-001 + w-002");
    assert!(serde_json::to_string(f).unwrap().len() < 2_000);
}

#[test]
fn the_fingerprint_is_the_entrys_whatever_its_pairs() {
    let inv = load(ESTATE);
    let before = run(&DOUBLE_FAULT, &inv);
    let more = ESTATE.replace(
        "  - {id: os-3, domains: [zone-b]}",
        "  - {id: os-3, domains: [zone-b]}\n  - {id: cdn, entry: true, tier: 1, requires: any, depends_on: [pg-primary, os-1]}",
    );
    let more = more.replace("depends_on: [pg]}", "depends_on: [pg, edge]}\n  - {id: edge, requires: any, depends_on: [edge-1, edge-2]}\n  - {id: edge-1}\n  - {id: edge-2}");
    let inv = load(&more);
    let after = run(&DOUBLE_FAULT, &inv);
    let shop_after = after.iter().find(|f| f.subject.id == "shop").unwrap();
    assert_eq!(shop_after.evidence["pair_count"], 2);
    assert_ne!(shop_after.message, before[0].message);
    assert_eq!(shop_after.fingerprint(), before[0].fingerprint());
    let fingerprints: std::collections::BTreeSet<String> = after.iter().map(Finding::fingerprint).collect();
    assert_eq!(
        fingerprints.len(),
        after.len(),
        "one finding, one fingerprint per entry"
    );
}

/// An entry needing 39 of 40 workers: every two of them take it down (780 pairs).
fn batch_of_forty() -> String {
    let workers: Vec<String> = (1..=40).map(|i| format!("w-{i:02}")).collect();
    format!(
        "components:\n  - {{id: batch, entry: true, requires: {{at_least: 39}}, depends_on: [{}]}}\n{}",
        workers.join(", "),
        workers.iter().map(|w| format!("  - {{id: {w}}}\n")).collect::<String>()
    )
}

#[test]
fn the_search_stops_at_its_work_bound_with_a_prefix_of_the_pairs() {
    let inv = load(&batch_of_forty());
    let a = FailureAnalysis::new(&inv);
    let batch = inv.component_by_id("batch").unwrap();
    let all = a.double_faults(batch, usize::MAX);
    assert_eq!((all.pairs.len(), all.complete, all.truncated), (780, true, false));
    let cut = a.double_faults_within(batch, usize::MAX, 2_000);
    assert!(!cut.complete && !cut.truncated);
    assert!(!cut.pairs.is_empty() && cut.pairs.len() < 780, "{}", cut.pairs.len());
    assert_eq!(cut.pairs[..], all.pairs[..cut.pairs.len()]);
    // Too little to even walk the entry's cone: nothing, and incomplete.
    let none = a.double_faults_within(batch, usize::MAX, 10);
    assert!(none.pairs.is_empty() && !none.complete);
}

/// A search that stops early says so: the entry's finding counts "at least",
/// and one info finding on the inventory says the search is incomplete, also
/// when it stopped before it had found any pair (no entry finding at all).
#[test]
fn a_search_stopped_at_its_work_bound_says_so_even_with_no_pair_found() {
    let yaml = batch_of_forty();
    let note = |work: usize| {
        format!(
            "info inventory: the double-fault search of the 41 components stopped at its bound of {work} steps \
             before it had tried every pair: entries not reported may still have double faults"
        )
    };
    let complete = double_faults(&yaml, DoubleFaultOptions::DEFAULT);
    assert_eq!(complete.len(), 1, "{complete:?}");
    assert!(complete[0].starts_with("low batch: entry 'batch' goes down when both components of any one of 780 pairs"));
    let inv = load(&yaml);
    let (_, spent) = FailureAnalysis::new(&inv).all_double_faults(usize::MAX, usize::MAX);
    let cut = double_faults(&yaml, DoubleFaultOptions::DEFAULT.with_work(spent / 2));
    assert_eq!(cut.len(), 2, "{cut:?}");
    assert!(
        cut[0].starts_with("low batch: entry 'batch' goes down when both components of any one of at least "),
        "{}",
        cut[0]
    );
    assert!(
        cut[0].ends_with(" (the search stopped at its work bound: there may be more)"),
        "{}",
        cut[0]
    );
    assert_eq!(cut[1], note(spent / 2));
    assert_eq!(
        double_faults(&yaml, DoubleFaultOptions::DEFAULT.with_work(40)),
        [note(40)]
    );
}

#[test]
fn the_plan_puts_an_untried_double_fault_of_each_entry_first_most_critical_first() {
    let yaml = format!(
        "{ESTATE}experiments:
  - {{id: os-pair, at: 2026-11-05T10:00:00Z, failed: [os-1, os-2], went_down: [search]}}
"
    );
    let inv = load(&yaml);
    let a = FailureAnalysis::new(&inv);
    let plan = a.game_day_plan(AT.parse().unwrap(), &PlanOptions::DEFAULT);
    let id = |t: &FailureTarget| match *t {
        FailureTarget::Component(c) => inv.component(c).id.clone(),
        FailureTarget::Domain(d) => inv.domain(d).id.clone(),
    };
    let rows: Vec<(Vec<String>, String)> = plan
        .iter()
        .map(|p| {
            let why = match &p.reason {
                PlanReason::DoubleFault { entry, pairs } => format!("double {} {pairs}", inv.component(*entry).id),
                PlanReason::UntestedRedundancy { redundancy, .. } => {
                    format!("untested {}", inv.component(*redundancy).id)
                }
                PlanReason::Survivable { down } => format!("survivable {down}"),
            };
            (p.failed.iter().map(id).collect(), why)
        })
        .collect();
    // The shop (tier 1) first; search's first pair by ids (os-1 + os-2) was
    // tried, so its next one; then one member of each untested redundancy.
    assert_eq!(
        rows[..3],
        [
            (
                vec!["pg-primary".to_owned(), "pg-standby".to_owned()],
                "double shop 1".to_owned()
            ),
            (vec!["os-1".to_owned(), "os-3".to_owned()], "double search 3".to_owned()),
            (vec!["pg-standby".to_owned()], "untested pg".to_owned()),
        ]
    );
    assert_eq!(plan[0].outage.entries_down(), [inv.component_by_id("shop").unwrap()]);
    assert_eq!(
        plan[0].explanation,
        [
            "pg-standby failed",
            "pg is down: it requires any one of its dependencies, and 2 of 2 are down (pg-primary, pg-standby)",
            "shop is down: it requires all of its dependencies, and 1 of 1 is down (pg)",
        ]
    );
    // Deterministic for a seed.
    let again = a.game_day_plan(AT.parse().unwrap(), &PlanOptions::DEFAULT);
    assert_eq!(
        again.iter().map(|p| p.failed.clone()).collect::<Vec<_>>(),
        plan.iter().map(|p| p.failed.clone()).collect::<Vec<_>>()
    );
}

/// Ana and Ben administer the database until Ben's grant expires on
/// 2026-06-01; from then on Ana alone does, and the person domain `ana`
/// holds the database.
const PEOPLE: &str = "
domains:
  - {id: ana, kind: person}
components:
  - {id: shop, entry: true, tier: 1, depends_on: [db]}
  - {id: db, kind: database}
people: [{id: ana}, {id: ben}]
systems: [{id: db-admin, component: db}]
grants:
  - {principal: ana, system: db-admin, level: admin}
  - {principal: ben, system: db-admin, level: admin, expires_at: 2026-06-01}
";

#[test]
fn an_experiment_is_held_against_the_model_at_its_own_instant() {
    // In May, with Ben still an admin, Ana's week off took nothing down.
    let yaml = format!(
        "{PEOPLE}experiments:
  - {{id: ana-away-2026-05, at: 2026-05-04T08:00:00Z, failed: [ana], stayed_up: [shop]}}
"
    );
    let mut inv = load(&yaml);
    inv.derive_person_domains(Some(AT.parse().unwrap()));
    let ana = inv.target_by_id("ana").unwrap();
    // At the check's instant Ana alone holds the database: losing her
    // takes the shop down now...
    let a = FailureAnalysis::new(&inv);
    assert!(a.simulate(&[ana]).is_down(inv.component_by_id("shop").unwrap()));
    // ...but not in May, which is what the experiment is compared with.
    let check = a.check_experiment(inv.experiment_by_id("ana-away-2026-05").unwrap());
    assert!(check.disagreements.is_empty(), "{:?}", check.disagreements);
    assert_eq!(run(&MODEL_CONTRADICTED, &inv), []);
    // Had the same absence been in July, the model would predict the shop
    // down, and the record of it staying up contradicts it.
    let july = yaml.replace("2026-05-04", "2026-07-06");
    let mut inv = load(&july);
    inv.derive_person_domains(Some(AT.parse().unwrap()));
    let found: Vec<String> = run(&MODEL_CONTRADICTED, &inv)
        .iter()
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        found,
        ["experiment 'ana-away-2026-05' saw shop stay up, but the model says what it failed takes it down"]
    );
}

/// `shop` stands on a pool of two sides: one needs `hub`, which 1000 other
/// components also need, the other needs all of 50 light workers, defined
/// before `hub`. Each of the 50 pairs (worker, hub) is tried on top of
/// hub's outage, propagated once, not by propagating hub's 1000 dependents
/// again on top of each worker's.
#[test]
fn each_pair_is_tried_on_top_of_the_dearer_failure_so_a_wide_one_is_propagated_once() {
    let workers: Vec<String> = (1..=50).map(|i| format!("w-{i:02}")).collect();
    let mut yaml = format!(
        "components:
  - {{id: shop, entry: true, depends_on: [pool]}}
  - {{id: pool, requires: any, depends_on: [hub-side, worker-side]}}
  - {{id: worker-side, depends_on: [{}]}}
{}  - {{id: hub-side, depends_on: [hub]}}
  - {{id: hub}}
",
        workers.join(", "),
        workers.iter().map(|w| format!("  - {{id: {w}}}\n")).collect::<String>()
    );
    for i in 0..1000 {
        yaml.push_str(&format!("  - {{id: user-{i}, depends_on: [hub]}}\n"));
    }
    let inv = load(&yaml);
    let a = FailureAnalysis::new(&inv);
    let (all, spent) = a.all_double_faults(usize::MAX, usize::MAX);
    let names: Vec<(&str, &str)> = (all[0].pairs.iter())
        .map(|&(x, y)| (inv.component(x).id.as_str(), inv.component(y).id.as_str()))
        .collect();
    let sides = ["worker-side"].into_iter().chain(workers.iter().map(String::as_str));
    let expected: Vec<(&str, &str)> = sides.flat_map(|w| [(w, "hub-side"), (w, "hub")]).collect();
    assert_eq!(names, expected);
    // What each member's failure alone costs, learnt once (hub's about
    // 2,000 steps), then 102 cheap trials on top of hub's outage: about
    // 3,000 steps. Hub's failure on top of each worker's would cost over
    // 100,000.
    assert!(spent < 6_000, "{spent} steps");
}

#[test]
fn the_search_of_every_entry_at_once_stops_at_its_work_bound_with_a_subset_of_the_pairs() {
    let inv = load(&batch_of_forty());
    let a = FailureAnalysis::new(&inv);
    let (all, spent) = a.all_double_faults(usize::MAX, usize::MAX);
    assert_eq!(
        (all.len(), all[0].pairs.len(), all[0].complete, all[0].truncated),
        (1, 780, true, false)
    );
    // Half the work: failing each worker alone, then about half the pairs.
    let (cut, cut_spent) = a.all_double_faults(usize::MAX, spent / 2);
    assert_eq!(cut_spent, spent / 2);
    assert!(!cut[0].complete && !cut[0].truncated);
    assert!(
        !cut[0].pairs.is_empty() && cut[0].pairs.len() < 780,
        "{}",
        cut[0].pairs.len()
    );
    assert!(cut[0].pairs.is_sorted(), "{:?}", cut[0].pairs);
    assert!(cut[0].pairs.iter().all(|p| all[0].pairs.contains(p)));
    // Too little to read the batch's wounds: nothing, and incomplete.
    let (none, _) = a.all_double_faults(usize::MAX, 40);
    assert!(none[0].pairs.is_empty() && !none[0].complete);
}

#[test]
fn on_wide_any_rules_every_entry_is_searched_in_work_linear_in_the_graph() {
    // Entries in every tier, every component serving one: the search per
    // entry would walk the whole graph for each of them.
    for n in [5_000, 20_000] {
        let estate = ops_core::synth::generate_served(n, 42, ops_core::synth::Rules::AnyAcyclic);
        let edges: usize = estate.depends_on.iter().map(Vec::len).sum();
        let inv = Inventory::from_text("served.json", Format::Json, &ops_core::synth::estate_json(&estate)).unwrap();
        let a = FailureAnalysis::new(&inv);
        let (all, spent) = a.all_double_faults(usize::MAX, usize::MAX);
        let pairs: usize = all.iter().map(|f| f.pairs.len()).sum();
        println!(
            "{n} components, {edges} edges, {} entries: {spent} steps, {pairs} pairs",
            all.len()
        );
        assert!(all.len() >= 5 && all.iter().all(|f| f.complete));
        // The killers of each redundancy's dependencies (on wide `any`
        // rules, about one per edge) and a few pairs: about the graph's
        // size, whatever the number of entries.
        assert!(spent <= n + edges, "{spent} steps");
    }
}
