//! The access checks: exact findings on small inventories, and silence where
//! there is nothing to find (each positive case has a negative twin that
//! differs in the one fact the check is about).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::{Check, Context, Finding, Format, Inventory};

const AT: &str = "2026-11-22T09:00:00Z";

fn run_at(check: &dyn Check, yaml: &str, at: &str) -> Vec<Finding> {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap();
    let ctx = Context::new(&inv, at.parse().unwrap());
    let found = check.run(&ctx).unwrap();
    let declared: Vec<&str> = check.rules().iter().map(|r| r.id()).collect();
    assert!(found.iter().all(|f| declared.contains(&&*f.check)));
    found
}

fn run(check: &dyn Check, yaml: &str) -> Vec<Finding> {
    run_at(check, yaml, AT)
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

const TEAM: &str = "
people:
  - {id: dana, status: departed, departed_at: 2026-06-30T17:00:00+01:00}
  - {id: tom}
groups:
  - {id: web, members: [dana, tom]}
  - {id: eng, members: [web]}
systems:
  - {id: prod-db}
  - {id: github}
  - {id: grafana}
";

#[test]
fn departed_person_with_direct_and_nested_grants_is_reported_once_with_paths() {
    let yaml = format!(
        "{TEAM}grants:
  - {{principal: dana, system: prod-db, level: write}}
  - {{principal: web, system: github, level: admin}}
  - {{principal: eng, system: grafana, level: read}}
"
    );
    let found = run(&ops_core::access::DEPARTED_WITH_ACCESS, &yaml);
    assert_eq!(
        summary(&found),
        [s(
            "critical",
            "dana",
            "'dana' left on 2026-06-30 but still has access: write on prod-db (directly); admin on github \
             (through web); read on grafana (through web, eng)"
        )]
    );
    assert_eq!(
        found[0].evidence["grants"][2],
        serde_json::json!({"grant": "eng->grafana", "system": "grafana", "level": "read", "path": ["dana", "web", "eng"]})
    );
    assert_eq!(found[0].location.as_ref().unwrap().to_string(), "inv.yaml:3:10");
}

#[test]
fn departed_with_only_read_or_write_is_high() {
    let yaml = format!("{TEAM}grants: [{{principal: eng, system: grafana, level: read}}]\n");
    let found = run(&ops_core::access::DEPARTED_WITH_ACCESS, &yaml);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity.to_string(), "high");
}

#[test]
fn departed_without_grants_in_force_is_not_reported() {
    // Expired grants, grants to others, and evaluation before the departure.
    let yaml = format!(
        "{TEAM}grants:
  - {{principal: dana, system: prod-db, level: write, expires_at: 2026-07-01}}
  - {{principal: tom, system: github, level: admin}}
"
    );
    assert!(run(&ops_core::access::DEPARTED_WITH_ACCESS, &yaml).is_empty());
    let granted = format!("{TEAM}grants: [{{principal: dana, system: prod-db, level: write}}]\n");
    assert!(
        run_at(
            &ops_core::access::DEPARTED_WITH_ACCESS,
            &granted,
            "2026-06-30T15:59:59Z"
        )
        .is_empty()
    );
    assert_eq!(
        run_at(
            &ops_core::access::DEPARTED_WITH_ACCESS,
            &granted,
            "2026-06-30T16:00:00Z"
        )
        .len(),
        1
    );
}

#[test]
fn shared_credential_not_rotated_after_a_holder_left() {
    let yaml = format!(
        "{TEAM}credentials:
  - {{id: root, kind: shared, system: prod-db, level: owner, holders: [tom, web], rotated_at: 2025-01-15}}
  - {{id: wifi, kind: shared, holders: [dana, tom]}}
  - {{id: rotated, kind: shared, holders: [dana], rotated_at: 2026-07-01}}
  - {{id: personal, kind: personal, holders: [dana], created_at: 2024-01-01}}
"
    );
    let found = run(&ops_core::access::UNROTATED_SHARED_CREDENTIAL, &yaml);
    assert_eq!(
        summary(&found),
        [
            s(
                "critical",
                "root",
                "shared credential 'root' was last rotated 2025-01-15, before these holders left: 'dana' (2026-06-30)"
            ),
            s(
                "high",
                "wifi",
                "shared credential 'wifi' was never rotated, before these holders left: 'dana' (2026-06-30)"
            ),
        ]
    );
    assert_eq!(found[0].evidence["departed_holders"], serde_json::json!(["dana"]));
}

#[test]
fn shared_admin_credentials_only() {
    let yaml = format!(
        "{TEAM}credentials:
  - {{id: root, kind: shared, system: prod-db, level: owner, holders: [tom, web]}}
  - {{id: ro, kind: shared, system: prod-db, level: read, holders: [tom, dana]}}
  - {{id: mine, kind: personal, system: prod-db, level: admin, holders: [tom], mfa: true}}
"
    );
    assert_eq!(
        summary(&run(&ops_core::access::SHARED_ADMIN_CREDENTIAL, &yaml)),
        [s(
            "high",
            "root",
            "shared credential 'root' gives owner access on prod-db to 2 holders: dana, tom"
        )]
    );
}

#[test]
fn admin_without_mfa_on_credentials_and_people() {
    let yaml = "
people:
  - {id: ana, mfa: false}
  - {id: ben, mfa: true}
  - {id: cy}
  - {id: old, mfa: false, status: departed, departed_at: 2026-01-01}
groups: [{id: ops, members: [ana, ben, cy, old]}]
systems: [{id: aws}, {id: db}]
grants:
  - {principal: ops, system: aws, level: admin}
  - {principal: ana, system: db, level: owner}
  - {principal: ana, system: db, level: read}
credentials:
  - {id: key, kind: personal, system: aws, level: admin, holders: [ben]}
  - {id: token, kind: personal, system: aws, level: admin, holders: [ben], mfa: true}
  - {id: ro, kind: personal, system: aws, level: read, holders: [ben]}
";
    assert_eq!(
        summary(&run(&ops_core::access::ADMIN_WITHOUT_MFA, yaml)),
        [
            s("high", "key", "credential 'key' gives admin access on aws without MFA"),
            s("high", "ana", "'ana' has no MFA but holds admin on aws, owner on db"),
        ]
    );
}

#[test]
fn unused_grants_past_the_threshold() {
    let yaml = format!(
        "{TEAM}grants:
  - {{principal: tom, system: prod-db, level: admin, last_used_at: 2026-08-01}}
  - {{principal: tom, system: github, level: write, granted_at: 2026-01-01}}
  - {{principal: tom, system: grafana, level: read, last_used_at: 2026-11-01}}
  - {{principal: web, system: grafana, level: read}}
  - {{principal: eng, system: grafana, level: read, last_used_at: 2026-01-01, expires_at: 2026-10-01}}
  - {{id: fresh, principal: eng, system: github, level: read, last_used_at: 2026-08-25}}
"
    );
    assert_eq!(
        summary(&run(&ops_core::access::UNUSED_GRANT, &yaml)),
        [
            s(
                "medium",
                "tom->prod-db",
                "admin access to prod-db for 'tom' was last used on 2026-08-01 (113 days ago)"
            ),
            s(
                "low",
                "tom->github",
                "write access to github for 'tom' was never used since it was granted on 2026-01-01 (325 days ago)"
            ),
        ]
    );
    // A shorter threshold catches the 89-day-old use too.
    let short = run(
        &ops_core::access::UNUSED_GRANT
            .with_options(ops_core::access::UnusedGrantOptions::default().with_threshold(chrono::TimeDelta::days(30))),
        &yaml,
    );
    assert_eq!(
        short.iter().map(|f| f.subject.id.as_str()).collect::<Vec<_>>(),
        ["tom->prod-db", "tom->github", "fresh"]
    );
}

#[test]
fn access_while_on_leave_or_after_leaving() {
    let yaml = "
people:
  - {id: dana, status: departed, departed_at: 2026-06-30T17:00:00+01:00}
  - {id: priya, status: on_leave, leave: [{from: 2026-11-02, until: 2026-12-14}]}
  - {id: tom, leave: [{from: 2026-08-01, until: 2026-08-15}]}
service_accounts: [{id: bot}]
systems: [{id: db}]
access_events:
  - {principal: dana, system: db, at: 2026-06-30T15:59:59Z}
  - {principal: dana, system: db, at: 2026-08-02T21:14:09+01:00, action: UPDATE orders}
  - {principal: priya, system: db, at: 2026-11-15T23:12:44Z, source: 45.83.64.12}
  - {principal: priya, system: db, at: 2026-11-01T23:59:59Z}
  - {principal: tom, system: db, at: 2026-08-15T00:00:00Z}
  - {principal: tom, system: db, at: 2026-08-14T23:00:00Z}
  - {principal: bot, system: db, at: 2026-08-14T23:00:00Z}
  - {principal: priya, system: db, at: 2026-11-30T00:00:00Z}
";
    let found = run(&ops_core::access::ACCESS_WHILE_AWAY, yaml);
    assert_eq!(
        summary(&found),
        [
            s(
                "critical",
                "dana",
                "'dana' accessed db at 2026-08-02T20:14:09Z (UPDATE orders) after leaving on 2026-06-30"
            ),
            s(
                "high",
                "priya",
                "'priya' accessed db at 2026-11-15T23:12:44Z while on leave from 2026-11-02 until 2026-12-14"
            ),
            s(
                "high",
                "tom",
                "'tom' accessed db at 2026-08-14T23:00:00Z while on leave from 2026-08-01 until 2026-08-15"
            ),
        ]
    );
    assert_eq!(found[1].evidence["source"], "45.83.64.12");
    assert_eq!(found[1].location.as_ref().unwrap().to_string(), "inv.yaml:11:5");
}

#[test]
fn leap_second_access_event_is_judged_at_the_right_instant() {
    let yaml = "
people: [{id: dana, status: departed, departed_at: 2016-12-31T23:59:59Z}]
systems: [{id: db}]
access_events: [{principal: dana, system: db, at: 2016-12-31T23:59:60Z}]
";
    let found = run(&ops_core::access::ACCESS_WHILE_AWAY, yaml);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("after leaving on 2016-12-31"),
        "{}",
        found[0].message
    );
}

#[test]
fn orphaned_service_accounts() {
    let yaml = "
people:
  - {id: dana, status: departed, departed_at: 2026-06-30T17:00:00+01:00}
  - {id: tom}
  - {id: lee, status: departed, departed_at: 2027-01-31}
service_accounts:
  - {id: etl, owner: dana}
  - {id: deployer}
  - {id: ok, owner: tom}
  - {id: leaving, owner: lee}
  - {id: off, disabled: true}
groups: [{id: admins, members: [deployer]}]
systems: [{id: prod-db}]
grants: [{principal: admins, system: prod-db, level: owner}]
";
    assert_eq!(
        summary(&run(&ops_core::access::ORPHANED_SERVICE_ACCOUNT, yaml)),
        [
            s(
                "medium",
                "etl",
                "service account 'etl' is owned by 'dana', who left on 2026-06-30"
            ),
            s("high", "deployer", "service account 'deployer' has no owner"),
        ]
    );
}

#[test]
fn single_admin_counts_people_through_groups_and_credentials() {
    let yaml = "
people:
  - {id: maya}
  - {id: tom}
  - {id: dana, status: departed, departed_at: 2026-06-30}
service_accounts: [{id: bot, owner: maya}]
groups: [{id: ops, members: [maya]}]
components: [{id: pg, kind: database}]
systems:
  - {id: prod-db, component: pg}
  - {id: aws}
  - {id: github}
  - {id: nobody}
grants:
  - {principal: ops, system: prod-db, level: owner}
  - {principal: dana, system: prod-db, level: admin}
  - {principal: bot, system: prod-db, level: admin}
  - {principal: tom, system: prod-db, level: write}
  - {principal: maya, system: aws, level: admin}
  - {principal: tom, system: github, level: admin}
  - {principal: maya, system: github, level: admin}
credentials:
  - {id: root, kind: shared, system: aws, level: owner, holders: [tom]}
";
    let found = run(&ops_core::access::SINGLE_ADMIN, yaml);
    assert_eq!(
        summary(&found),
        [s("medium", "prod-db", "only 'maya' can administer system 'prod-db'")]
    );
    assert_eq!(found[0].evidence["component"], "pg");
}

#[test]
fn delete_data_and_backups_needs_every_copy() {
    let base = "
people: [{id: maya}, {id: tom}]
groups: [{id: ops, members: [maya, tom]}]
components: [{id: pg, kind: database}]
systems: [{id: prod-db, component: pg}, {id: aws}]
grants:
  - {principal: maya, system: prod-db, level: owner}
  - {principal: tom, system: prod-db, level: write}
credentials:
  - {id: root, kind: shared, system: aws, level: owner, holders: [maya, tom]}
";
    let both = format!(
        "{base}backup_policies:
  - id: nightly
    protects: pg
    copies:
      - {{location: s3://a, deletable_by: [root]}}
      - {{location: s3://b, deletable_by: [ops]}}
"
    );
    assert_eq!(
        summary(&run(&ops_core::crosscheck::DELETE_DATA_AND_BACKUPS, &both)),
        [s(
            "high",
            "maya",
            "'maya' can delete both 'pg' (owner on prod-db, directly) and every copy of its backups \
             (nightly: s3://a; nightly: s3://b)"
        )]
    );
    // A copy out of her reach, or an immutable one, breaks the chain.
    let out_of_reach = both.replace("deletable_by: [ops]", "deletable_by: [tom]");
    assert!(run(&ops_core::crosscheck::DELETE_DATA_AND_BACKUPS, &out_of_reach).is_empty());
    let locked = both.replace(
        "{location: s3://b, deletable_by: [ops]}",
        "{location: s3://b, immutable: true, deletable_by: [ops]}",
    );
    assert!(run(&ops_core::crosscheck::DELETE_DATA_AND_BACKUPS, &locked).is_empty());
    // Without backups it is a backup problem, not this one.
    assert!(run(&ops_core::crosscheck::DELETE_DATA_AND_BACKUPS, base).is_empty());
}

#[test]
fn every_access_rule_is_documented_and_in_the_builtin_runner() {
    let runner = ops_core::Runner::with_builtin_checks();
    let ids: Vec<&str> = runner.rules().map(|r| r.id()).collect();
    for id in [
        "access/departed-with-access",
        "access/unrotated-shared-credential",
        "access/shared-admin-credential",
        "access/admin-without-mfa",
        "access/unused-grant",
        "access/access-while-away",
        "access/orphaned-service-account",
        "access/single-admin",
        "crosscheck/delete-data-and-backups",
    ] {
        let rule = runner
            .rules()
            .find(|r| r.id() == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"));
        for heading in ["## What it checks", "## Why it matters", "## Example", "## How to fix"] {
            assert!(rule.explanation().contains(heading), "{id}: {heading}");
        }
    }
}
