//! What real estates say: logical components (clusters that never fail on
//! their own), replicas, and person failure domains at an instant. Exact
//! findings and errors, each with the case that must stay silent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::graph::{AvailabilityOptions, FailureAnalysis, open_psa_mef};
use ops_core::inventory::FailureTarget;
use ops_core::{Check, Context, Error, Format, Inventory};

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap_or_else(|e| panic!("{e}"))
}

/// (rule, subject, message) of each finding of `check`, in its order.
fn findings(check: &dyn Check, yaml: &str) -> Vec<(String, String)> {
    let inv = load(yaml);
    let ctx = Context::new(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
    let found = check.run(&ctx).unwrap();
    found.into_iter().map(|f| (f.subject.id, f.message)).collect()
}

fn f(subject: &str, message: &str) -> (String, String) {
    (subject.to_owned(), message.to_owned())
}

fn spof_ids(inv: &Inventory) -> Vec<Vec<String>> {
    let analysis = FailureAnalysis::new(inv);
    let report = analysis.spofs();
    report
        .entries()
        .iter()
        .map(|e| e.spofs.iter().map(|&c| inv.component(c).id.clone()).collect())
        .collect()
}

fn problems(yaml: &str) -> Vec<String> {
    match Inventory::from_text("inv.yaml", Format::Yaml, yaml) {
        Ok(_) => panic!("expected problems, but the inventory loaded"),
        Err(Error::Invalid(d)) => d.iter().map(|d| d.to_string()).collect(),
        Err(other) => panic!("expected Error::Invalid, got {other:?}"),
    }
}

const CLUSTER: &str = "
components:
  - {id: shop, entry: true, tier: 1, depends_on: [pg]}
  - {id: pg, kind: database, logical: true, requires: any, depends_on: [pg-primary, pg-standby]}
  - {id: pg-primary, kind: database}
  - {id: pg-standby, kind: database}
";

// ------------------------------------------------------------- logical

#[test]
fn a_logical_cluster_is_never_a_single_point_of_failure() {
    let inv = load(CLUSTER);
    assert_eq!(spof_ids(&inv), [Vec::<String>::new()]);
    assert_eq!(findings(&ops_core::graph::SPOF, CLUSTER), []);
    // Written as an ordinary component, the grouping itself can fail alone.
    let plain = CLUSTER.replace("logical: true, ", "");
    assert_eq!(spof_ids(&load(&plain)), [["pg"]]);
}

#[test]
fn a_logical_component_carries_the_failure_of_what_it_needs() {
    let yaml = "
components:
  - {id: shop, entry: true, depends_on: [checkout]}
  - {id: checkout, logical: true, depends_on: [api, db]}
  - {id: api}
  - {id: db}
";
    let inv = load(yaml);
    assert_eq!(spof_ids(&inv), [["api", "db"]]);
    let analysis = FailureAnalysis::new(&inv);
    let db = inv.component_by_id("db").unwrap();
    let down: Vec<&str> = (analysis.blast_radius(db).down().iter())
        .map(|&c| inv.component(c).id.as_str())
        .collect();
    assert_eq!(down, ["shop", "checkout", "db"]);
    // No redundancy anywhere: the logical grouping is looked through.
    assert_eq!(
        findings(&ops_core::graph::NO_REDUNDANCY, yaml),
        [f(
            "shop",
            "entry 'shop' has no redundancy: each of the 2 components it depends on is a single point of failure"
        )]
    );
}

#[test]
fn double_faults_and_fault_trees_have_no_logical_basic_events() {
    let inv = load(CLUSTER);
    let analysis = FailureAnalysis::new(&inv);
    let shop = inv.component_by_id("shop").unwrap();
    let pairs: Vec<(&str, &str)> = (analysis.double_faults(shop, 10).pairs.iter())
        .map(|&(x, y)| (inv.component(x).id.as_str(), inv.component(y).id.as_str()))
        .collect();
    assert_eq!(pairs, [("pg-primary", "pg-standby")]);
    let xml = open_psa_mef(&inv, Some(shop)).unwrap();
    assert!(xml.contains("<define-basic-event name=\"fail-pg-primary\">"), "{xml}");
    assert!(
        !xml.contains("fail-pg\""),
        "a logical component has no failure of its own:\n{xml}"
    );
    assert!(xml.contains("<define-gate name=\"down-pg\">"), "{xml}");
}

#[test]
fn a_logical_component_adds_no_unavailability() {
    let with = "
components:
  - {id: shop, entry: true, depends_on: [pair]}
  - {id: pair, logical: true, requires: any, depends_on: [a, b]}
  - {id: a, availability: 0.9}
  - {id: b, availability: 0.9}
";
    let inv = load(with);
    let a = FailureAnalysis::new(&inv).availability(&AvailabilityOptions::default());
    assert!((a[0].estimate - 0.99).abs() < 1e-12, "{}", a[0].estimate);
}

#[test]
fn logical_components_are_refused_where_the_word_cannot_hold() {
    let got = problems(
        "
components:
  - {id: a, logical: true}
  - {id: b, logical: true, availability: 0.99, depends_on: [c]}
  - {id: c, logical: true, replicas: 2, depends_on: [d]}
  - {id: d}
",
    );
    assert_eq!(
        got,
        [
            "inv.yaml:3:22: component 'a' is logical: it fails only through its dependencies, but it has none",
            "inv.yaml:4:42: component 'b' is logical: it never fails on its own, so it has no availability of its \
             own (give its dependencies theirs)",
            "inv.yaml:5:38: component 'c' is both logical and replicated: its instances would never fail (write \
             `replicas:` alone: a replicated component is already logical)",
        ]
    );
}

#[test]
fn nominal_redundancy_names_what_can_fail_below_a_logical_component() {
    // Both replicas need the logical `net`, whose two links share one router.
    let yaml = "
components:
  - {id: api, requires: any, depends_on: [api-1, api-2]}
  - {id: api-1, depends_on: [net]}
  - {id: api-2, depends_on: [net]}
  - {id: net, logical: true, requires: any, depends_on: [link-1, link-2]}
  - {id: link-1, depends_on: [router]}
  - {id: link-2, depends_on: [router]}
  - {id: router}
";
    assert_eq!(
        findings(&ops_core::graph::NOMINAL_REDUNDANCY, yaml),
        [
            f(
                "api",
                "component 'api' requires any of 2 dependencies, but a single failure of 'router' takes enough of them down"
            ),
            f(
                "net",
                "component 'net' requires any of 2 dependencies, but a single failure of 'router' takes enough of them down"
            ),
        ]
    );
    // With a router each, nothing is shared.
    let fixed = yaml
        .replace(
            "{id: link-2, depends_on: [router]}",
            "{id: link-2, depends_on: [router-2]}",
        )
        .replace("  - {id: router}\n", "  - {id: router}\n  - {id: router-2}\n");
    assert_eq!(findings(&ops_core::graph::NOMINAL_REDUNDANCY, &fixed), []);
}

// ------------------------------------------------------------- replicas

const REPLICATED: &str = "
domains:
  - {id: zone-a, kind: zone}
  - {id: zone-b, kind: zone}
  - {id: zone-c, kind: zone}
components:
  - {id: shop, entry: true, tier: 1, depends_on: [web]}
  - id: web
    depends_on: [cache]
    replicas: {count: 3, min: 2, spread: [zone-a, zone-b, zone-c]}
  - {id: cache, requires: any, depends_on: [redis]}
  - {id: redis, replicas: 2}
";

#[test]
fn replicas_are_instances_each_with_the_written_dependencies_and_a_domain_in_turn() {
    let inv = load(REPLICATED);
    let ids: Vec<&str> = inv.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "shop", "web", "cache", "redis", "web#1", "web#2", "web#3", "redis#1", "redis#2"
        ]
    );
    let web2 = inv.component(inv.component_by_id("web#2").unwrap());
    assert_eq!(inv.component(web2.depends_on[0]).id, "cache");
    assert_eq!(inv.domain(web2.domains[0]).id, "zone-b");
    let web = inv.component(inv.component_by_id("web").unwrap());
    assert!(web.logical);
    assert_eq!(web.requires, ops_core::graph::Requirement::AtLeast(2));
    assert_eq!(web.replicas.as_ref().map(|r| r.instances().count()), Some(3));
    // Two of three web instances are needed, and redis has two: nothing alone.
    assert_eq!(spof_ids(&inv), [["cache"]]);
    let analysis = FailureAnalysis::new(&inv);
    let fail = |ids: &[&str]| {
        let targets: Vec<FailureTarget> = ids.iter().map(|id| inv.target_by_id(id).unwrap()).collect();
        analysis.simulate(&targets).entries_down().len()
    };
    assert_eq!(fail(&["web#1"]), 0);
    assert_eq!(fail(&["zone-c"]), 0);
    assert_eq!(fail(&["web#1", "web#3"]), 1);
    assert_eq!(fail(&["redis#1", "redis#2"]), 1);
}

#[test]
fn replicas_all_needed_are_each_a_single_point_of_failure() {
    let inv = load(
        "
components:
  - {id: shop, entry: true, depends_on: [web]}
  - {id: web, replicas: {count: 2, min: 2}}
",
    );
    assert_eq!(spof_ids(&inv), [["web#1", "web#2"]]);
}

#[test]
fn nominal_redundancy_reports_replicas_all_in_one_zone() {
    let crowded = "
domains: [{id: zone-a, kind: zone}, {id: zone-b, kind: zone}]
components:
  - {id: shop, entry: true, depends_on: [web]}
  - {id: web, domains: [zone-a], replicas: 3}
";
    assert_eq!(
        findings(&ops_core::graph::NOMINAL_REDUNDANCY, crowded),
        [f(
            "web",
            "component 'web' requires any of 3 replicas, but 3 of them are in zone 'zone-a': losing it defeats the redundancy"
        )]
    );
    let spread = crowded.replace(
        "domains: [zone-a], replicas: 3",
        "replicas: {count: 3, spread: [zone-a, zone-b]}",
    );
    assert_eq!(findings(&ops_core::graph::NOMINAL_REDUNDANCY, &spread), []);
}

#[test]
fn bad_replicas_are_refused_all_at_once_where_written() {
    let got = problems(
        "
domains: [{id: zone-a, kind: zone}]
components:
  - {id: a, replicas: 0}
  - {id: b, replicas: 10001}
  - {id: c, replicas: {count: 2, min: 3}}
  - {id: d, replicas: {count: 2, spread: [zone-a, zone-b, zone-a]}}
  - {id: e, replicas: {count: 2, size: 3}}
  - {id: f, replicas: three}
",
    );
    assert_eq!(
        got,
        [
            "inv.yaml:4:23: replicas of component 'a' must be 1 to 10000; found 0",
            "inv.yaml:5:23: replicas of component 'b' must be 1 to 10000; found 10001",
            "inv.yaml:6:39: min of component 'c''s replicas must be 1 to its count, 2; found 3",
            "inv.yaml:7:51: unknown domain 'zone-b' (did you mean 'zone-a'?)",
            "inv.yaml:7:59: 'zone-a' is listed twice in spread (first at inv.yaml:7:43)",
            "inv.yaml:8:34: replicas: unknown field `size`, expected one of `count`, `min`, `spread`",
            "inv.yaml:9:23: replicas: expected a count of replicas, or {count, min, spread}, found the string 'three'",
        ]
    );
}

#[test]
fn inventory_checks_speak_for_replicas_once() {
    let yaml = "
components:
  - {id: shop, entry: true, depends_on: [web], owners: [ana]}
  - {id: web, replicas: 3}
  - {id: batch, replicas: 2}
people: [{id: ana}]
";
    let unowned: Vec<String> = findings(&ops_core::inventory::UNOWNED_COMPONENT, yaml)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(unowned, ["web", "batch"]);
    let unreachable: Vec<String> = findings(&ops_core::inventory::UNREACHABLE_COMPONENT, yaml)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(unreachable, ["batch"]);
}

// ------------------------------------------------------------- backups through clusters

#[test]
fn a_backup_of_one_member_protects_the_cluster_and_its_other_members() {
    let protected = format!("{CLUSTER}backup_policies: [{{id: pg-nightly, protects: pg-primary}}]\n");
    assert_eq!(findings(&ops_core::backup::UNPROTECTED_DATA, &protected), []);
    assert_eq!(
        findings(&ops_core::backup::UNPROTECTED_DATA, CLUSTER),
        [f(
            "pg",
            "database 'pg' holds data but no backup policy protects it, nor any of pg-primary, pg-standby"
        )]
    );
    // An `all` grouping is not a cluster: its members hold different data.
    let grouping = "
components:
  - {id: shop, entry: true, depends_on: [data]}
  - {id: data, logical: true, depends_on: [orders, users]}
  - {id: orders, kind: database}
  - {id: users, kind: database}
backup_policies: [{id: orders-nightly, protects: orders}]
";
    assert_eq!(
        findings(&ops_core::backup::UNPROTECTED_DATA, grouping),
        [f(
            "users",
            "database 'users' holds data but no backup policy protects it"
        )]
    );
}

#[test]
fn a_replicated_database_is_reported_once_and_protected_by_its_policy() {
    let yaml = "
components:
  - {id: shop, entry: true, depends_on: [db]}
  - {id: db, kind: database, replicas: 3}
";
    assert_eq!(
        findings(&ops_core::backup::UNPROTECTED_DATA, yaml),
        [f(
            "db",
            "database 'db' holds data but no backup policy protects it or any of its 3 replicas"
        )]
    );
    let protected = format!("{yaml}backup_policies: [{{id: db-nightly, protects: db}}]\n");
    assert_eq!(findings(&ops_core::backup::UNPROTECTED_DATA, &protected), []);
}

// ------------------------------------------------------------- person domains at an instant

const ONE_ADMIN_LATER: &str = "
components: [{id: db, entry: true}]
people: [{id: ana}, {id: ben}]
systems: [{id: db-admin, component: db}]
grants:
  - {principal: ana, system: db-admin, level: admin}
  - {principal: ben, system: db-admin, level: admin, expires_at: 2026-06-01}
";

#[test]
fn person_domains_follow_the_grants_in_force_at_the_instant() {
    let mut inv = load(ONE_ADMIN_LATER);
    let domain_spofs = |inv: &Inventory| -> Vec<String> {
        let analysis = FailureAnalysis::new(inv);
        (analysis.domain_spofs().iter())
            .flat_map(|e| e.domains.iter().map(|&d| inv.domain(d).id.clone()))
            .collect()
    };
    assert_eq!(domain_spofs(&inv), Vec::<String>::new());
    inv.derive_person_domains(Some("2026-07-01T00:00:00Z".parse().unwrap()));
    assert_eq!(domain_spofs(&inv), ["ana"]);
    // Deriving again for an earlier instant takes the derived domain away.
    inv.derive_person_domains(Some("2026-05-01T00:00:00Z".parse().unwrap()));
    assert_eq!(domain_spofs(&inv), Vec::<String>::new());
    assert_eq!(inv.domains().len(), 0);
    let mut options = ops_core::LoadOptions::default();
    options.at = Some("2026-07-01T00:00:00Z".parse().unwrap());
    let dir = std::env::temp_dir().join(format!("ops-person-at-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("inv.yaml"), ONE_ADMIN_LATER).unwrap();
    let loaded = Inventory::load_with(std::slice::from_ref(&dir), &options).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(domain_spofs(&loaded), ["ana"]);
}

#[test]
fn replicas_read_alike_in_yaml_json_and_toml() {
    let json = r#"{"domains": [{"id": "zone-a", "kind": "zone"}, {"id": "zone-b", "kind": "zone"}],
        "components": [{"id": "web", "replicas": {"count": 3, "min": 2, "spread": ["zone-a", "zone-b"]}},
                       {"id": "db", "replicas": 2}]}"#;
    let toml = r#"
[[domains]]
id = "zone-a"
kind = "zone"
[[domains]]
id = "zone-b"
kind = "zone"
[[components]]
id = "web"
replicas = { count = 3, min = 2, spread = ["zone-a", "zone-b"] }
[[components]]
id = "db"
replicas = 2
"#;
    let shape = |inv: Inventory| -> Vec<(String, Vec<String>)> {
        (inv.components().iter())
            .map(|c| {
                (
                    c.id.clone(),
                    c.domains.iter().map(|&d| inv.domain(d).id.clone()).collect(),
                )
            })
            .collect()
    };
    let from_json = shape(Inventory::from_text("inv.json", Format::Json, json).unwrap());
    let from_toml = shape(Inventory::from_text("inv.toml", Format::Toml, toml).unwrap());
    let s = |id: &str, d: &[&str]| (id.to_owned(), d.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>());
    let expected = [
        s("web", &[]),
        s("db", &[]),
        s("web#1", &["zone-a"]),
        s("web#2", &["zone-b"]),
        s("web#3", &["zone-a"]),
        s("db#1", &[]),
        s("db#2", &[]),
    ];
    assert_eq!(from_json, expected);
    assert_eq!(from_toml, expected);
}

#[test]
fn the_report_draws_a_logical_component_dashed() {
    let inv = load(CLUSTER);
    let report = ops_core::Runner::with_builtin_checks().run(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
    let html = ops_core::render::to_html(&inv, &report, None);
    // The cluster and its two members are one node, dashed, marked ×2.
    assert!(
        html.contains("<g class=\"node logical cluster\" data-id=\"pg\">"),
        "{html}"
    );
    assert!(html.contains("svg .node.logical rect{stroke-dasharray:5 4}"));
    assert!(html.contains(">×2 · any of 2</text>"), "{html}");
    assert!(!html.contains("data-id=\"pg-primary\""), "{html}");
}

#[test]
fn backup_vaults_and_delivery_targets_are_not_unreachable() {
    let yaml = "
components:
  - {id: shop, entry: true, depends_on: [db]}
  - {id: db, kind: database}
  - {id: vault, kind: object_store}
  - {id: warehouse, kind: external}
  - {id: old-cron}
backup_policies:
  - {id: db-nightly, protects: db, copies: [{location: s3://vault, component: vault}]}
jobs:
  - {id: export, schedule: {every: 1d}, delivers_to: warehouse}
";
    let unreachable: Vec<String> = findings(&ops_core::inventory::UNREACHABLE_COMPONENT, yaml)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(unreachable, ["old-cron"]);
}
