//! What real estates say about systems, copies and events (issue 19): a
//! system spanning several components, backup copies kept in a component,
//! access events naming the credential used, and the findings that must
//! not appear (a vault is not unprotected data, a workstation has one
//! admin by design).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::{Check, Context, Error, Finding, Format, Inventory};

const AT: &str = "2026-11-22T09:00:00Z";

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn run(check: &dyn Check, yaml: &str) -> Vec<Finding> {
    let inv = load(yaml);
    check.run(&Context::new(&inv, AT.parse().unwrap())).unwrap()
}

fn messages(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}", f.severity, f.message))
        .collect()
}

fn problems(yaml: &str) -> Vec<String> {
    match Inventory::from_text("inv.yaml", Format::Yaml, yaml) {
        Err(Error::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

/// One AWS account holds the database, the app servers and the backup
/// bucket; Maya administers the account, and the bucket's copy lists no one
/// in `deletable_by`: through the account, Maya can delete both.
const ACCOUNT: &str = "
people: [{id: maya}, {id: tom}]
components:
  - {id: shop, entry: true, depends_on: [orders-db, app]}
  - {id: orders-db, kind: database}
  - {id: app}
  - {id: backup-vault, kind: object_store}
systems:
  - {id: aws-prod, components: [orders-db, app, backup-vault]}
grants:
  - {principal: maya, system: aws-prod, level: admin}
  - {principal: tom, system: aws-prod, level: read}
backup_policies:
  - id: orders-nightly
    protects: orders-db
    copies: [{location: vault in aws-prod, component: backup-vault}]
";

#[test]
fn a_system_spanning_components_lets_its_admins_delete_data_and_the_copies_kept_there() {
    assert_eq!(
        messages(&run(&ops_core::crosscheck::DELETE_DATA_AND_BACKUPS, ACCOUNT)),
        [
            "high 'maya' can delete both 'orders-db' (admin on aws-prod, directly) and every copy of its backups (orders-nightly: vault in aws-prod)"
        ]
    );
    // The vault in a backup account only Tom administers: Maya cannot reach the copy.
    let other = ACCOUNT
        .replace(
            "  - {id: aws-prod, components: [orders-db, app, backup-vault]}\n",
            "  - {id: aws-prod, components: [orders-db, app]}\n  - {id: aws-backup, components: [backup-vault]}\n",
        )
        .replace(
            "  - {principal: tom, system: aws-prod, level: read}\n",
            "  - {principal: tom, system: aws-prod, level: read}\n  - {principal: tom, system: aws-backup, level: owner}\n",
        );
    assert!(other.contains("aws-backup, level: owner"), "{other}");
    assert_eq!(
        messages(&run(&ops_core::crosscheck::DELETE_DATA_AND_BACKUPS, &other)),
        Vec::<String>::new()
    );
}

#[test]
fn the_component_holding_copies_is_a_backup_target_not_unprotected_data() {
    assert_eq!(
        messages(&run(&ops_core::backup::UNPROTECTED_DATA, ACCOUNT)),
        Vec::<String>::new()
    );
    // Without `component:` on the copy, the vault is just an object store nobody backs up.
    let unnamed = ACCOUNT.replace(", component: backup-vault}", "}");
    assert_eq!(
        messages(&run(&ops_core::backup::UNPROTECTED_DATA, &unnamed)),
        ["high object_store 'backup-vault' holds data but no backup policy protects it"]
    );
}

#[test]
fn component_and_components_are_one_list_written_either_way() {
    let inv = load(
        "
components: [{id: a}, {id: b}]
systems:
  - {id: one, component: a}
  - {id: many, components: [a, b, a]}
  - {id: none}
",
    );
    let ids = |s: usize| -> Vec<&str> {
        inv.systems()[s]
            .components
            .iter()
            .map(|&c| inv.component(c).id.as_str())
            .collect()
    };
    assert_eq!((ids(0), ids(1), ids(2)), (vec!["a"], vec!["a", "b"], vec![]));
    assert_eq!(
        problems(
            "
components: [{id: a}, {id: b}]
systems:
  - {id: both, component: a, components: [b, c], kind: workstation}
access_events:
  - {principal: nobody, system: both, at: 2026-11-20, credential: no-such-key}
backup_policies:
  - {id: p, protects: a, copies: [{location: x, component: vault}]}
"
        ),
        [
            "inv.yaml:4:27: system 'both' has both component and components: list every component in components",
            "inv.yaml:4:46: unknown component 'c' (did you mean 'a'?)",
            "inv.yaml:6:17: unknown person, service account or group 'nobody'",
            "inv.yaml:6:67: unknown credential 'no-such-key'",
            "inv.yaml:8:60: unknown component 'vault'",
        ]
    );
}

#[test]
fn a_workstation_has_one_admin_by_design() {
    let yaml = "
people: [{id: maya}]
systems:
  - {id: maya-laptop, kind: workstation}
  - {id: billing}
grants:
  - {principal: maya, system: maya-laptop, level: admin}
  - {principal: maya, system: billing, level: admin}
";
    assert_eq!(
        messages(&run(&ops_core::access::SINGLE_ADMIN, yaml)),
        ["medium only 'maya' can administer system 'billing'"]
    );
    // Any other kind is judged like a system without one.
    let server = yaml.replace("kind: workstation", "kind: server");
    assert_eq!(run(&ops_core::access::SINGLE_ADMIN, &server).len(), 2);
}

const SHARED: &str = "
people:
  - {id: maya}
  - {id: dana, status: departed, departed_at: 2026-06-30}
service_accounts: [{id: deploy-bot, owner: maya}]
systems: [{id: aws-prod}]
credentials:
  - {id: aws-root, kind: shared, system: aws-prod, level: owner, holders: [maya, dana], rotated_at: 2026-01-15}
  - {id: dana-key, kind: personal, system: aws-prod, level: write, holders: [dana]}
";

#[test]
fn a_login_with_a_shared_credential_after_a_holder_left_is_counted() {
    let used = format!(
        "{SHARED}access_events:
  - {{principal: maya, system: aws-prod, at: 2026-05-02T10:00:00Z, credential: aws-root}}
  - {{principal: maya, system: aws-prod, at: 2026-08-14T02:13:00Z, credential: aws-root, action: ConsoleLogin}}
  - {{principal: maya, system: aws-prod, at: 2026-10-01T09:00:00Z, credential: aws-root}}
  - {{principal: maya, system: aws-prod, at: 2026-11-21T09:00:00Z}}
"
    );
    assert_eq!(
        messages(&run(&ops_core::access::UNROTATED_SHARED_CREDENTIAL, &used)),
        [
            "critical shared credential 'aws-root' was last rotated 2026-01-15, before these holders left: 'dana' (2026-06-30); used 2 times since, the last at 2026-10-01T09:00:00Z"
        ]
    );
    // Rotated after Dana left: no finding, whatever the events.
    let rotated = used.replace("rotated_at: 2026-01-15", "rotated_at: 2026-07-01");
    assert_eq!(
        messages(&run(&ops_core::access::UNROTATED_SHARED_CREDENTIAL, &rotated)),
        Vec::<String>::new()
    );
}

#[test]
fn access_with_a_leavers_personal_credential_is_access_after_leaving() {
    let yaml = format!(
        "{SHARED}access_events:
  - {{principal: deploy-bot, system: aws-prod, at: 2026-09-03T04:00:00Z, credential: dana-key, action: s3:DeleteObject}}
  - {{principal: maya, system: aws-prod, at: 2026-09-04T10:00:00Z, credential: aws-root}}
  - {{principal: dana, system: aws-prod, at: 2026-09-05T10:00:00Z, credential: aws-root}}
"
    );
    let found = run(&ops_core::access::ACCESS_WHILE_AWAY, &yaml);
    assert_eq!(
        messages(&found),
        [
            "critical 'dana' accessed aws-prod at 2026-09-03T04:00:00Z as 'deploy-bot' with their personal credential 'dana-key' (s3:DeleteObject) after leaving on 2026-06-30",
            "critical 'dana' accessed aws-prod at 2026-09-05T10:00:00Z with shared credential 'aws-root' after leaving on 2026-06-30",
        ]
    );
    assert_eq!(found[1].evidence["credential"], serde_json::json!("aws-root"));
}

#[test]
fn recorded_access_events_are_use_of_a_grant() {
    let yaml = "
people: [{id: tom}, {id: ana}]
groups: [{id: ops, members: [ana]}]
systems: [{id: billing}, {id: crm}]
grants:
  - {principal: tom, system: billing, level: admin, granted_at: 2025-01-01, last_used_at: 2026-01-10}
  - {principal: ops, system: crm, level: write, granted_at: 2025-01-01}
access_events:
  - {principal: tom, system: billing, at: 2026-11-02T08:00:00Z}
  - {principal: ana, system: crm, at: 2026-10-30T08:00:00Z}
  - {principal: tom, system: crm, at: 2026-11-20T08:00:00Z}
";
    assert_eq!(
        messages(&run(&ops_core::access::UNUSED_GRANT, yaml)),
        Vec::<String>::new()
    );
    // Events after the instant of evaluation, or on another system, are not use.
    let later = yaml
        .replace("at: 2026-11-02T08:00:00Z", "at: 2026-12-02T08:00:00Z")
        .replace("{principal: ana, system: crm,", "{principal: ana, system: billing,");
    assert_eq!(
        messages(&run(&ops_core::access::UNUSED_GRANT, &later)),
        [
            "medium admin access to billing for 'tom' was last used on 2026-01-10 (316 days ago)",
            "low write access to crm for 'ops' was never used since it was granted on 2025-01-01 (690 days ago)",
        ]
    );
}
