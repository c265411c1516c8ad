//! The failure-analysis checks: exact findings on small inventories, and
//! silence where there is nothing to find.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::{Check, Context, Finding, Format, Inventory};

fn run(check: &dyn Check, yaml: &str) -> Vec<Finding> {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap();
    let ctx = Context::new(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
    check.run(&ctx).unwrap()
}

/// (severity, subject id, message) of each finding.
fn summary(findings: &[Finding]) -> Vec<(String, String, String)> {
    findings
        .iter()
        .map(|f| (f.severity.to_string(), f.subject.id.clone(), f.message.clone()))
        .collect()
}

fn s(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_owned(), b.to_owned(), c.to_owned())
}

const SHOP: &str = "
domains:
  - {id: zone-a, kind: zone}
  - {id: zone-b, kind: zone}
components:
  - {id: shop, entry: true, tier: 1, depends_on: [lb, dns]}
  - {id: admin, entry: true, tier: 3, depends_on: [db]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, depends_on: [db], domains: [zone-a]}
  - {id: web-2, depends_on: [db], domains: [zone-b]}
  - {id: db, domains: [zone-a]}
  - {id: dns}
";

/// A chain `c0 -> c1 -> ... -> c{n-1}`, `c0` the entry.
fn chain(n: usize) -> String {
    let mut y = String::from("components:\n  - {id: c0, entry: true, depends_on: [c1]}\n");
    for i in 1..n - 1 {
        y.push_str(&format!("  - {{id: c{i}, depends_on: [c{}]}}\n", i + 1));
    }
    y.push_str(&format!("  - {{id: c{}}}\n", n - 1));
    y
}

#[test]
fn a_deep_chain_explains_each_spof_by_the_ends_of_its_chain() {
    let found = run(&ops_core::graph::SPOF, &chain(2_000));
    assert_eq!(found.len(), 1_999);
    let last = found.iter().find(|f| f.subject.id == "c1999").unwrap();
    assert_eq!(last.evidence["explanation_steps"], 2_000);
    assert_eq!(
        last.evidence["explanation"],
        serde_json::json!([
            "c1999 failed",
            "c1998 is down: it requires c1999, which is down",
            "c1997 is down: it requires c1998, which is down",
            "c1996 is down: it requires c1997, which is down",
            "... 1993 more steps ...",
            "c2 is down: it requires c3, which is down",
            "c1 is down: it requires c2, which is down",
            "c0 is down: it requires c1, which is down",
        ])
    );
    // Short chains are whole: c7 is 7 links from the entry.
    let c7 = found.iter().find(|f| f.subject.id == "c7").unwrap();
    assert_eq!(c7.evidence["explanation"].as_array().unwrap().len(), 8);
    assert_eq!(c7.evidence["explanation_steps"], 8);
    let c8 = found.iter().find(|f| f.subject.id == "c8").unwrap();
    assert_eq!(c8.evidence["explanation"][4], "... 2 more steps ...");
    // Every finding's evidence is bounded, whatever the depth.
    let largest = found
        .iter()
        .map(|f| serde_json::to_string(f).unwrap().len())
        .max()
        .unwrap();
    assert!(largest < 1_200, "largest finding is {largest} bytes");
}

#[test]
fn spof_findings_name_every_entry_and_take_the_worst_tier() {
    let found = run(&ops_core::graph::SPOF, SHOP);
    assert_eq!(
        summary(&found),
        [
            s(
                "critical",
                "lb",
                "component 'lb' is a single point of failure: its failure alone takes down shop"
            ),
            s(
                "critical",
                "db",
                "component 'db' is a single point of failure: its failure alone takes down admin, shop"
            ),
            s(
                "critical",
                "dns",
                "component 'dns' is a single point of failure: its failure alone takes down shop"
            ),
        ]
    );
    let db = &found[1];
    assert_eq!(db.evidence["entries"], serde_json::json!(["admin", "shop"]));
    assert_eq!(
        db.evidence["explanation"],
        serde_json::json!([
            "db failed",
            // web-1 and web-2 both depend on db alone: db dominates lb.
            "lb is down: it requires any one of its 2 dependencies (web-1, web-2), and the failure of db takes all of them down",
            "shop is down: it requires all of its 2 dependencies, and lb is down",
        ])
    );
    assert_eq!(db.evidence["explanation_steps"], 3);
    assert_eq!(db.evidence["explained_entry"], "shop");
    assert_eq!(
        (db.location.as_ref().unwrap().line, db.location.as_ref().unwrap().column),
        (11, 10)
    );
}

#[test]
fn spof_severity_follows_the_entry_tier() {
    let found = run(
        &ops_core::graph::SPOF,
        "components: [{id: e, entry: true, tier: 4, depends_on: [x]}, {id: x}]",
    );
    assert_eq!(found[0].severity.to_string(), "low");
    let found = run(
        &ops_core::graph::SPOF,
        "components: [{id: e, entry: true, depends_on: [x]}, {id: x}]",
    );
    assert_eq!(found[0].severity.to_string(), "high", "no tier counts as tier 2");
}

#[test]
fn no_spof_when_everything_is_redundant() {
    let found = run(
        &ops_core::graph::SPOF,
        "components:
  - {id: e, entry: true, requires: any, depends_on: [a, b]}
  - {id: a}
  - {id: b}",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn domain_spof_includes_the_zone_holding_the_shared_database() {
    let found = run(&ops_core::graph::DOMAIN_SPOF, SHOP);
    assert_eq!(
        summary(&found),
        [s(
            "critical",
            "zone-a",
            "zone 'zone-a' is a single point of failure: losing it takes down admin, shop"
        )]
    );
}

#[test]
fn region_and_provider_domain_spofs_are_one_level_lower() {
    let found = run(
        &ops_core::graph::DOMAIN_SPOF,
        "domains: [{id: aws, kind: provider}, {id: eu, kind: region, parent: aws}]
components: [{id: e, entry: true, tier: 1, domains: [eu]}]",
    );
    assert_eq!(
        summary(&found),
        [
            s(
                "high",
                "aws",
                "provider 'aws' is a single point of failure: losing it takes down e"
            ),
            s(
                "high",
                "eu",
                "region 'eu' is a single point of failure: losing it takes down e"
            ),
        ]
    );
}

#[test]
fn no_domain_spof_when_replicas_are_spread() {
    let found = run(
        &ops_core::graph::DOMAIN_SPOF,
        "domains: [{id: za, kind: zone}, {id: zb, kind: zone}]
components:
  - {id: e, entry: true, requires: any, depends_on: [a, b]}
  - {id: a, domains: [za]}
  - {id: b, domains: [zb]}",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn nominal_redundancy_shared_dependency_and_crowded_zone() {
    let found = run(
        &ops_core::graph::NOMINAL_REDUNDANCY,
        "domains: [{id: eu, kind: region}, {id: zone-a, kind: zone, parent: eu}]
components:
  - {id: api-lb, requires: any, depends_on: [api-1, api-2, api-3]}
  - {id: api-1, depends_on: [db], domains: [zone-a]}
  - {id: api-2, depends_on: [db], domains: [zone-a]}
  - {id: api-3, depends_on: [db], domains: [zone-a]}
  - {id: db}
  - {id: quorum, requires: {at_least: 2}, depends_on: [n1, n2, n3]}
  - {id: n1, domains: [zone-a]}
  - {id: n2, domains: [zone-a]}
  - {id: n3}",
    );
    assert_eq!(
        summary(&found),
        [
            s(
                "medium",
                "api-lb",
                "component 'api-lb' requires any of 3 dependencies, but a single failure of 'db' takes enough of them down"
            ),
            s(
                "medium",
                "api-lb",
                "component 'api-lb' requires any of 3 dependencies, but 3 of them are in zone 'zone-a': losing it defeats the redundancy"
            ),
            s(
                "medium",
                "quorum",
                "component 'quorum' requires at least 2 of 3 dependencies, but 2 of them are in zone 'zone-a': losing it defeats the redundancy"
            ),
        ]
    );
    assert_eq!(found[0].evidence["shared"], serde_json::json!(["db"]));
}

#[test]
fn a_replica_counts_once_in_a_domain_it_reaches_twice() {
    // a is in rack-1 and rack-2, both in zone-a: zone-a holds one replica
    // of two, which the rule survives losing.
    let found = run(
        &ops_core::graph::NOMINAL_REDUNDANCY,
        "domains:
  - {id: zone-a, kind: zone}
  - {id: zone-b, kind: zone}
  - {id: rack-1, kind: rack, parent: zone-a}
  - {id: rack-2, kind: rack, parent: zone-a}
components:
  - {id: lb, requires: any, depends_on: [a, b]}
  - {id: a, domains: [rack-1, rack-2]}
  - {id: b, domains: [zone-b]}",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn real_redundancy_is_not_nominal() {
    let found = run(
        &ops_core::graph::NOMINAL_REDUNDANCY,
        "domains: [{id: za, kind: zone}, {id: zb, kind: zone}, {id: zc, kind: zone}]
components:
  - {id: lb, requires: any, depends_on: [a, b]}
  - {id: a, depends_on: [db-a], domains: [za]}
  - {id: b, depends_on: [db-b], domains: [zb]}
  - {id: db-a}
  - {id: db-b}
  - {id: quorum, requires: {at_least: 2}, depends_on: [n1, n2, n3]}
  - {id: n1, domains: [za]}
  - {id: n2, domains: [zb]}
  - {id: n3, domains: [zc]}
  - {id: all-of, depends_on: [n1, n2]}",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn no_redundancy_only_when_every_dependency_is_a_spof() {
    let found = run(
        &ops_core::graph::NO_REDUNDANCY,
        "components:
  - {id: admin, entry: true, tier: 2, depends_on: [app]}
  - {id: app, depends_on: [db]}
  - {id: db}
  - {id: shop, entry: true, depends_on: [lb]}
  - {id: lb, requires: any, depends_on: [w1, w2]}
  - {id: w1}
  - {id: w2}
  - {id: lonely, entry: true}",
    );
    assert_eq!(
        summary(&found),
        [s(
            "high",
            "admin",
            "entry 'admin' has no redundancy: each of the 2 components it depends on is a single point of failure"
        )]
    );
}

/// A chain of `n` components, each depending on the next, the first an
/// entry and the last in zone-a.
fn chain_in_a_zone(n: usize) -> Inventory {
    let mut yaml = String::from("domains:\n  - {id: zone-a, kind: zone}\ncomponents:\n");
    for i in 0..n {
        let entry = if i == 0 { ", entry: true" } else { "" };
        let below = if i + 1 < n {
            format!(", depends_on: [c{}]", i + 1)
        } else {
            ", domains: [zone-a]".to_owned()
        };
        yaml.push_str(&format!("  - {{id: c{i}{entry}{below}}}\n"));
    }
    Inventory::from_text("chain.yaml", Format::Yaml, &yaml).unwrap()
}

#[test]
fn a_long_simulation_stops_part_way_when_asked_to() {
    use ops_core::graph::FailureAnalysis;
    use ops_core::inventory::FailureTarget;
    use std::cell::Cell;

    let inv = chain_in_a_zone(20_000);
    let analysis = FailureAnalysis::new(&inv);
    let last = FailureTarget::Component(inv.component_by_id("c19999").unwrap());
    // Never stopped: the whole chain goes down, asked every 4,096 components.
    let asked = Cell::new(0);
    let never = || {
        asked.set(asked.get() + 1);
        false
    };
    assert_eq!(analysis.simulate_until(&[last], &never).unwrap().len(), 20_000);
    assert_eq!(asked.get(), 4);
    // Stopped at the second question: no outage, and no more work done.
    asked.set(0);
    let second = || {
        asked.set(asked.get() + 1);
        asked.get() == 2
    };
    assert!(analysis.simulate_until(&[last], &second).is_none());
    assert_eq!(asked.get(), 2);
    // The next question starts afresh.
    assert_eq!(analysis.simulate(&[last]).len(), 20_000);
    assert!(analysis.blast_radius(inv.component_by_id("c5").unwrap()).len() == 6);

    assert!(analysis.domain_spofs_until(&|| true).is_none());
    let all = analysis.domain_spofs();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].domains.len(), 1);
    assert_eq!(analysis.domain_spofs_until(&|| false).unwrap(), all);
}
