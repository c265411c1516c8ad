//! Terraform state and plans as an inventory source: the realistic state
//! of `tests/fixtures/terraform` (one region, three zones, a child module,
//! `count` and `for_each`, an ALB over an auto scaling group and two
//! instances, single-AZ, Multi-AZ and Aurora databases, ElastiCache with
//! failover, S3, two AWS Backup plans, IAM) with its exact findings, the
//! same through the import's output, and a plan checked before it is applied.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::path::{Path, PathBuf};

use ops_core::import::{Importer, Input, Section, Terraform, TerraformOptions};
use ops_core::{Error, Format, Inventory, LoadOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terraform")
        .join(name)
}

/// The fixture state (or plan), with the overlay saying who has left.
fn load(state: &str) -> Inventory {
    let mut options = LoadOptions::default();
    options.terraform = vec![fixture(state)];
    Inventory::load_with(&[fixture("overlay.yaml")], &options).unwrap_or_else(|e| panic!("{e}"))
}

/// The rules the issue pins, and what else a review of the estate reports.
const PINNED: &[&str] = &[
    "graph/spof",
    "graph/domain-spof",
    "graph/nominal-redundancy",
    "backup/no-offsite-copy",
    "backup/no-immutable-copy",
    "backup/unprotected-data",
    "access/departed-with-access",
    "access/single-admin",
    "access/unused-grant",
];

/// (rule, subject) of every finding of the pinned rules, sorted.
fn findings(inv: &Inventory) -> Vec<(String, String)> {
    let report = ops_core::Runner::with_builtin_checks().run(inv, "2026-11-22T00:00:00Z".parse().unwrap());
    let mut out: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| PINNED.contains(&&*f.check))
        .map(|f| (f.check.to_string(), f.subject.id.clone()))
        .collect();
    out.sort();
    out
}

fn f(rule: &str, subject: &str) -> (String, String) {
    (rule.to_owned(), subject.to_owned())
}

fn import(files: &[(&str, &str)]) -> ops_core::import::Imported {
    let inputs: Vec<Input<'_>> = files.iter().map(|(n, t)| Input::new(n, t)).collect();
    Terraform.read(&inputs, &TerraformOptions::default())
}

/// The import's output as JSON, and its component `id`.
fn component<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no component {id}"))
}

fn state_json() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("state.json")).unwrap();
    let imported = import(&[("state.json", &text)]);
    assert!(imported.problems().is_empty(), "{:?}", imported.problems());
    serde_json::from_str(&imported.to_inventory_json()).unwrap()
}

/// What the issue pins: the single-AZ database is a SPOF of the entry and
/// its zone a domain SPOF; the auto scaling group over three zones, the
/// Multi-AZ database, the Aurora cluster and the replication group are not;
/// the weekly plan (no copy, no lock) has no offsite or immutable copy, the
/// daily one (a copy to a locked vault in eu-central-1) has both; the
/// database no selection covers is unprotected; the departed admin and the
/// admin group of one.
#[test]
fn the_state_gives_exactly_the_pinned_findings() {
    let inv = load("state.json");
    assert_eq!(
        findings(&inv),
        [
            f("access/departed-with-access", "dana"),
            f("access/single-admin", "aws:123456789012"),
            f(
                "backup/no-immutable-copy",
                "aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets"
            ),
            f(
                "backup/no-immutable-copy",
                "module.data.aws_db_instance.orders/automated-backups"
            ),
            f(
                "backup/no-immutable-copy",
                "module.data.aws_rds_cluster.ledger/automated-backups"
            ),
            f(
                "backup/no-offsite-copy",
                "aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets"
            ),
            f(
                "backup/no-offsite-copy",
                "module.data.aws_db_instance.orders/automated-backups"
            ),
            f(
                "backup/no-offsite-copy",
                "module.data.aws_rds_cluster.ledger/automated-backups"
            ),
            f("backup/unprotected-data", "module.data.aws_db_instance.accounts"),
            f("graph/domain-spof", "aws:123456789012"),
            f("graph/domain-spof", "eu-west-1"),
            f("graph/domain-spof", "eu-west-1a"),
            // What the group's zones, the load balancer's target groups and
            // the API's instances all need is the single-AZ database; the
            // account they all share is provider-like, left to domain-spof.
            f("graph/nominal-redundancy", "aws_autoscaling_group.web"),
            f("graph/nominal-redundancy", "aws_lb.web"),
            f("graph/nominal-redundancy", "aws_lb_target_group.api"),
            f("graph/spof", "module.data.aws_db_instance.orders"),
        ]
    );
}

/// Without the overlay Dana has not left: nobody departed holds access, and
/// two people administer the account.
#[test]
fn without_the_overlay_nobody_has_left() {
    let mut options = LoadOptions::default();
    options.terraform = vec![fixture("state.json")];
    let inv = Inventory::load_with::<PathBuf>(&[], &options).unwrap();
    let access: Vec<(String, String)> = findings(&inv)
        .into_iter()
        .filter(|(r, _)| r.starts_with("access/"))
        .collect();
    assert_eq!(access, []);
}

/// `terraform show -json PLANFILE` is read from its `planned_values`: the
/// plan makes the orders database Multi-AZ, and before it is applied the
/// check says it is then no SPOF, nor is its zone.
#[test]
fn a_plan_is_checked_before_it_is_applied() {
    let inv = load("plan.json");
    assert_eq!(
        findings(&inv),
        [
            f("access/departed-with-access", "dana"),
            f("access/single-admin", "aws:123456789012"),
            f(
                "backup/no-immutable-copy",
                "aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets"
            ),
            f(
                "backup/no-immutable-copy",
                "module.data.aws_db_instance.orders/automated-backups"
            ),
            f(
                "backup/no-immutable-copy",
                "module.data.aws_rds_cluster.ledger/automated-backups"
            ),
            f(
                "backup/no-offsite-copy",
                "aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets"
            ),
            f(
                "backup/no-offsite-copy",
                "module.data.aws_db_instance.orders/automated-backups"
            ),
            f(
                "backup/no-offsite-copy",
                "module.data.aws_rds_cluster.ledger/automated-backups"
            ),
            f("backup/unprotected-data", "module.data.aws_db_instance.accounts"),
            f("graph/domain-spof", "aws:123456789012"),
            f("graph/domain-spof", "eu-west-1"),
        ]
    );
}

/// The import's output is an inventory file that loads and gives the same
/// findings as loading the state directly. (Overlays merge into what is
/// loaded with `terraform`; an imported file is edited like any other.)
#[test]
fn the_import_output_validates_and_gives_the_same_findings() {
    let text = std::fs::read_to_string(fixture("state.json")).unwrap();
    let json = Terraform
        .import(&[Input::new("state.json", &text)], &TerraformOptions::default())
        .unwrap()
        .to_inventory_json();
    let mut options = LoadOptions::default();
    options.texts = vec![("terraform.json".to_owned(), Format::Json, json)];
    let imported = Inventory::load_with::<PathBuf>(&[], &options).unwrap_or_else(|e| panic!("{e}"));
    let mut options = LoadOptions::default();
    options.terraform = vec![fixture("state.json")];
    let direct = Inventory::load_with::<PathBuf>(&[], &options).unwrap();
    assert_eq!(findings(&imported), findings(&direct));
    assert_eq!(findings(&imported).len(), 14);
    assert_eq!(imported.components().len(), direct.components().len());
}

/// The redundancy AWS gives, as the import writes it.
#[test]
fn aws_redundancy_becomes_logical_components_over_their_parts() {
    let json = state_json();
    let brief = |id: &str| {
        let c = component(&json, id);
        (
            c["logical"].as_bool().unwrap_or(false),
            c["requires"].as_str().unwrap_or("all").to_owned(),
            c["depends_on"].clone(),
            c["domains"].clone(),
        )
    };
    let ids = |list: &[&str]| serde_json::json!(list);
    let none = serde_json::Value::Null;
    // The group over three zones: up while any zone's capacity is.
    assert_eq!(
        brief("aws_autoscaling_group.web"),
        (
            true,
            "any".to_owned(),
            ids(&[
                "aws_autoscaling_group.web/eu-west-1a",
                "aws_autoscaling_group.web/eu-west-1b",
                "aws_autoscaling_group.web/eu-west-1c"
            ]),
            none.clone()
        )
    );
    // Each zone's capacity needs the NAT gateway its zone's private subnet
    // routes through, and what the group's ops:depends_on tag names
    // (space-separated); Terraform's depends_on is not read.
    let deps = ids(&[
        "aws_nat_gateway.private.eu-west-1b",
        "module.data.aws_db_instance.orders",
        "module.data.aws_db_instance.accounts",
        "module.data.aws_rds_cluster.ledger",
        "module.data.aws_elasticache_replication_group.sessions",
    ]);
    assert_eq!(
        brief("aws_autoscaling_group.web/eu-west-1b"),
        (
            false,
            "all".to_owned(),
            deps.clone(),
            ids(&["eu-west-1b", "aws:123456789012"])
        )
    );
    // count instances, comma-separated ops:depends_on: the same needs.
    assert_eq!(
        brief("aws_instance.api.1"),
        (
            false,
            "all".to_owned(),
            deps.clone(),
            ids(&["eu-west-1b", "aws:123456789012"])
        )
    );
    // The gateway is a component in its zone (that of its public subnet).
    assert_eq!(
        brief("aws_nat_gateway.private.eu-west-1b"),
        (
            false,
            "all".to_owned(),
            serde_json::Value::Null,
            ids(&["eu-west-1b", "aws:123456789012"])
        )
    );
    // The load balancer: the entry, in the region, over its target groups.
    let lb = component(&json, "aws_lb.web");
    assert_eq!((lb["entry"].as_bool(), lb["tier"].as_i64()), (Some(true), Some(1)));
    assert_eq!(
        brief("aws_lb.web"),
        (
            true,
            "any".to_owned(),
            ids(&["aws_lb_target_group.api", "aws_lb_target_group.web"]),
            ids(&["eu-west-1", "aws:123456789012"])
        )
    );
    assert_eq!(
        brief("aws_lb_target_group.api").2,
        ids(&["aws_instance.api.0", "aws_instance.api.1"])
    );
    assert_eq!(brief("aws_lb_target_group.web").2, ids(&["aws_autoscaling_group.web"]));
    // Single-AZ: one database in its zone. Multi-AZ: a primary in its zone,
    // a standby somewhere else in the region.
    assert_eq!(
        brief("module.data.aws_db_instance.orders"),
        (
            false,
            "all".to_owned(),
            none.clone(),
            ids(&["eu-west-1a", "aws:123456789012"])
        )
    );
    assert_eq!(
        brief("module.data.aws_db_instance.accounts").2,
        ids(&[
            "module.data.aws_db_instance.accounts/primary",
            "module.data.aws_db_instance.accounts/standby"
        ])
    );
    assert_eq!(
        brief("module.data.aws_db_instance.accounts/primary").3,
        ids(&["eu-west-1b", "aws:123456789012"])
    );
    assert_eq!(
        brief("module.data.aws_db_instance.accounts/standby").3,
        ids(&["eu-west-1", "aws:123456789012"])
    );
    // Aurora over its instances; the replication group over its members, in
    // the zones of preferred_cache_cluster_azs in member order.
    assert_eq!(
        brief("module.data.aws_rds_cluster.ledger").2,
        ids(&[
            "module.data.aws_rds_cluster_instance.ledger.0",
            "module.data.aws_rds_cluster_instance.ledger.1"
        ])
    );
    assert_eq!(
        brief("module.data.aws_elasticache_replication_group.sessions/shop-sessions-002").3,
        ids(&["eu-west-1c", "aws:123456789012"])
    );
    // Zones inside the region; the account as a domain of its own.
    let domains: Vec<(String, String, String)> = json["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap().to_owned(),
                d["parent"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let d = |id: &str, kind: &str, parent: &str| (id.to_owned(), kind.to_owned(), parent.to_owned());
    assert_eq!(
        domains,
        [
            d("aws:123456789012", "provider", ""),
            d("eu-west-1", "region", ""),
            d("eu-west-1a", "zone", "eu-west-1"),
            d("eu-west-1b", "zone", "eu-west-1"),
            d("eu-west-1c", "zone", "eu-west-1"),
        ]
    );
}

/// Backup policies: one per (plan rule, resource), the AWS cron read with
/// AWS's weekday numbering (1 is Sunday), the rule's time zone, retention
/// from delete_after, the copy in another region offsite, the compliance
/// lock immutable; RDS automated backups as a policy of their own.
#[test]
fn backup_plans_become_policies() {
    let json = state_json();
    let policies = json["backup_policies"].as_array().unwrap();
    let ids: Vec<&str> = policies.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "aws_backup_plan.daily.nightly/module.data.aws_db_instance.orders",
            "aws_backup_plan.daily.nightly/module.data.aws_rds_cluster.ledger",
            "aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets",
            "module.data.aws_db_instance.orders/automated-backups",
            "module.data.aws_rds_cluster.ledger/automated-backups",
        ]
    );
    assert_eq!(
        policies[2]["schedule"],
        serde_json::json!({"cron": "0 4 * * 0", "timezone": "Etc/UTC"})
    );
    assert_eq!(
        policies[0]["schedule"],
        serde_json::json!({"cron": "0 3 * * *", "timezone": "Europe/Dublin"})
    );
    assert_eq!(policies[0]["retention"], serde_json::json!({"keep_within": "35d"}));
    assert_eq!(
        policies[0]["copies"],
        serde_json::json!([
            {"location": "backup vault shop-main (arn:aws:backup:eu-west-1:123456789012:backup-vault:shop-main)",
             "offsite": false, "immutable": false, "encrypted": true},
            {"location": "backup vault shop-dr (arn:aws:backup:eu-central-1:123456789012:backup-vault:shop-dr)",
             "offsite": true, "immutable": true, "encrypted": true},
        ])
    );
    assert_eq!(policies[3]["schedule"], serde_json::json!({"cron": "0 2 * * *"}));
    assert_eq!(policies[3]["retention"], serde_json::json!({"keep_within": "7d"}));
}

/// IAM: users verbatim (so the overlay can say Dana left), groups and
/// roles prefixed, levels from the managed policy names and from custom
/// and inline policies' actions; the access key as a credential. Terraform
/// records no use, so grants say `usage: unknown` and none is called
/// unused, even when granted years ago.
#[test]
fn iam_becomes_people_groups_grants_and_credentials() {
    let json = state_json();
    let grants: Vec<(String, String, String)> = json["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert!(g.get("granted_at").is_none() && g.get("last_used_at").is_none(), "{g}");
            assert_eq!(g["usage"], "unknown");
            let s = |k: &str| g[k].as_str().unwrap().to_owned();
            (s("principal"), s("role"), s("level"))
        })
        .collect();
    let g = |p: &str, r: &str, l: &str| (p.to_owned(), r.to_owned(), l.to_owned());
    assert_eq!(
        grants,
        [
            g("group:platform-admins", "AdministratorAccess", "admin"),
            g("group:developers", "PowerUserAccess", "write"),
            g("bob", "shop-logs-read", "read"),
            g("carol", "ReadOnlyAccess", "read"),
            g("dana", "AdministratorAccess", "admin"),
            g("deployer", "shop-deploy", "write"),
        ]
    );
    assert_eq!(
        json["groups"],
        serde_json::json!([
            {"id": "group:developers", "members": ["bob", "carol"]},
            {"id": "group:platform-admins", "members": ["alice"]},
        ])
    );
    assert_eq!(
        json["service_accounts"][0]["description"],
        "assumed by backup.amazonaws.com"
    );
    assert_eq!(
        json["credentials"][0]["id"],
        "aws:123456789012:deployer:AKIAQ3EGXDGJVRX2N7PA"
    );
    assert_eq!(json["credentials"][0]["created_at"], "2025-02-11T09:14:03Z");
    // Nothing records their use: even granted years ago, none is unused;
    // the same grants with recorded usage would be.
    let text = std::fs::read_to_string(fixture("state.json")).unwrap();
    let json = import(&[("state.json", &text)]).to_inventory_json();
    let dated = json.replace(
        r#""usage": "unknown""#,
        r#""usage": "unknown", "granted_at": "2020-01-01T00:00:00Z""#,
    );
    assert_eq!(dated.matches("granted_at").count(), 6);
    let unused = |text: &str| {
        let inv = Inventory::from_text("terraform.json", Format::Json, text).unwrap();
        let ctx = ops_core::Context::new(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
        ops_core::Check::run(&ops_core::access::UNUSED_GRANT, &ctx)
            .unwrap()
            .len()
    };
    assert_eq!(unused(&dated), 0);
    assert_eq!(unused(&dated.replace(r#""usage": "unknown", "#, "")), 6);
}

/// What ops does not read is a note naming address and type; data sources
/// and configuration are nothing at all.
#[test]
fn unknown_resource_types_are_notes() {
    let text = std::fs::read_to_string(fixture("state.json")).unwrap();
    let imported = import(&[("state.json", &text)]);
    let notes: Vec<String> = imported.notes().iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "state.json:407:9: aws_cloudwatch_metric_alarm.api_5xx: resource type aws_cloudwatch_metric_alarm is not one ops reads; skipped",
            "state.json:615:9: aws_iam_role_policy_attachment.backup: policy arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup is not one whose actions ops knows or finds in the given states; no grant",
        ]
    );
}

const HEAD: &str =
    r#"{"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": ["#;

fn instance(address: &str, zone: &str, tags: &str) -> String {
    format!(
        r#"{{"address": {}, "mode": "managed", "type": "aws_instance", "name": "web", "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
  "values": {{"id": "i-0{}", "availability_zone": "{zone}", "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0", "tags": {{{tags}}}}}, "sensitive_values": {{}}}}"#,
        serde_json::to_string(address).unwrap(),
        address.len()
    )
}

/// `for_each` keys become id segments; characters outside the id alphabet
/// become `-`, and two addresses that then give one id are a problem,
/// located, as is every other problem, all at once.
#[test]
fn ids_follow_one_rule_and_every_problem_is_located() {
    let good = format!(
        "{HEAD}\n{},\n{}\n]}}}}}}",
        instance(
            r#"aws_instance.web["eu-west-1a"]"#,
            "eu-west-1a",
            r#""ops:entry": "true""#
        ),
        instance(
            r#"module.edge["b"].aws_instance.web[0]"#,
            "eu-west-1b",
            r#""ops:depends_on": "aws_instance.web[\"eu-west-1a\"] data.aws_ami.x""#
        ),
    );
    let imported = import(&[("good.json", &good)]);
    assert!(imported.problems().is_empty(), "{:?}", imported.problems());
    let json: serde_json::Value = serde_json::from_str(&imported.to_inventory_json()).unwrap();
    assert_eq!(
        component(&json, "module.edge.b.aws_instance.web.0")["depends_on"],
        serde_json::json!(["aws_instance.web.eu-west-1a"])
    );
    let notes: Vec<String> = imported.notes().iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            r#"good.json:5:149: module.edge["b"].aws_instance.web[0]: tag ops:depends_on: 'data.aws_ami.x' is not a resource of the given states; ignored"#
        ]
    );

    let bad = format!(
        "{HEAD}\n{},\n{},\n{},\n{{\"mode\": \"managed\", \"type\": \"aws_instance\"}}\n]}}}}}}",
        instance(r#"aws_instance.web["a b"]"#, "eu-west-1a", r#""ops:tier": "0""#),
        instance(r#"aws_instance.web["a-b"]"#, "eu-west-1a", r#""ops:entry": "yes""#),
        instance(r#"aws_instance.x["🙂"]"#, "eu-west-1a", ""),
    );
    let problems: Vec<String> = [import(&[
        ("bad.json", &bad),
        ("old.json", r#"{"format_version": "0.1"}"#),
        ("text.json", "terraform state"),
    ])]
    .iter()
    .flat_map(|i| i.problems().iter().map(ToString::to_string))
    .collect();
    assert_eq!(
        problems,
        [
            r#"bad.json:3:143: aws_instance.web["a b"]: tag ops:tier: expected 1, 2, 3 or 4, found '0'"#.to_owned(),
            r#"bad.json:4:1: resource 'aws_instance.web["a-b"]' has the inventory id 'aws_instance.web.a-b', as does 'aws_instance.web["a b"]' at bad.json:2:1: rename one of them (in several states, give them different module paths)"#.to_owned(),
            "bad.json:8:1: a resource needs a string 'address' and 'type', as `terraform show -json` writes them".to_owned(),
            "old.json:1:20: format_version: expected 1.x (the JSON output format of Terraform 0.12 and later), found '0.1'".to_owned(),
            "text.json:1:1: invalid JSON: expected a value, found 't'".to_owned(),
        ]
    );
}

/// Several states (several stacks) load together; the same address in two
/// of them is a problem naming both.
#[test]
fn several_states_load_together() {
    let state = std::fs::read_to_string(fixture("state.json")).unwrap();
    let edge = format!(
        "{HEAD}\n{}\n]}}}}}}",
        instance("module.edge.aws_instance.bastion", "eu-west-1c", "")
    );
    let both = import(&[("state.json", &state), ("edge.json", &edge)]);
    assert!(both.problems().is_empty());
    assert_eq!(
        both.count(Section::Components),
        import(&[("state.json", &state)]).count(Section::Components) + 1
    );
    let twice = import(&[("a.json", &edge), ("b.json", &edge)]);
    let problems: Vec<String> = twice.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "b.json:2:1: resource 'module.edge.aws_instance.bastion' has the inventory id 'module.edge.aws_instance.bastion', as does 'module.edge.aws_instance.bastion' at a.json:2:1: rename one of them (in several states, give them different module paths)"
        ]
    );
}

/// A state that is no state is an error of the whole load, not a panic.
#[test]
fn loading_a_broken_state_reports_it() {
    let dir = std::env::temp_dir().join(format!("ops-terraform-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    std::fs::write(
        &path,
        r#"{"format_version": "1.0", "values": {"root_module": {"resources": [{"address": 1}]}}}"#,
    )
    .unwrap();
    let mut options = LoadOptions::default();
    options.terraform = vec![path.clone()];
    let err = Inventory::load_with::<PathBuf>(&[], &options).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    let Error::Invalid(list) = err else { panic!("{err}") };
    let messages: Vec<String> = list
        .iter()
        .map(|d| d.to_string().replace(&format!("{}", path.display()), "state.json"))
        .collect();
    assert_eq!(
        messages,
        ["state.json:1:68: a resource needs a string 'address' and 'type', as `terraform show -json` writes them"]
    );
}

/// What Terraform 1.11.4 itself wrote (`fixtures/terraform/real`, built-in
/// `terraform_data` resources only): the envelope, `count` and `for_each`
/// addresses, a child module and a plan's `planned_values` are read as
/// Terraform writes them, and every resource ops does not model is a note
/// naming its address, never a problem.
#[test]
fn what_terraform_itself_writes_is_read() {
    let notes = |name: &str| -> Vec<String> {
        let imported = Terraform
            .import_paths(&[fixture(name)], &TerraformOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.to_inventory_json(), "{}\n");
        imported
            .notes()
            .iter()
            .map(|n| {
                let text = n.to_string();
                text[text.find(": ").unwrap() + 2..].to_owned()
            })
            .collect()
    };
    let skipped = |address: &str| format!("{address}: resource type terraform_data is not one ops reads; skipped");
    let state = [
        r#"terraform_data.subnet["eu-west-1a"]"#,
        r#"terraform_data.subnet["eu-west-1b"]"#,
        "terraform_data.web[0]",
        "terraform_data.web[1]",
        "module.data.terraform_data.db",
    ];
    assert_eq!(notes("real/state.json"), state.map(skipped));
    let plan: Vec<String> = std::iter::once("terraform_data.extra")
        .chain(state)
        .map(skipped)
        .collect();
    assert_eq!(notes("real/plan.json"), plan);
}

/// One NAT gateway for the private subnets of all three zones (every
/// subnet's route table sending the default route to the gateway in
/// eu-west-1a): the auto scaling group over three zones and both API
/// instances all reach the internet through it, so it is a single point of
/// failure of the load balancer; one gateway per zone (the fixture) is not.
#[test]
fn one_nat_gateway_for_three_zones_is_a_single_point_of_failure() {
    let state = std::fs::read_to_string(fixture("state.json")).unwrap();
    let single = state
        .replace(
            "\"nat_gateway_id\": \"nat-0b8f2da4c6e35a712\"",
            "\"nat_gateway_id\": \"nat-0a7e1c93b5d24f601\"",
        )
        .replace(
            "\"nat_gateway_id\": \"nat-0c903eb5d7f46b823\"",
            "\"nat_gateway_id\": \"nat-0a7e1c93b5d24f601\"",
        );
    assert_ne!(single, state);
    let spofs = |text: &str| -> Vec<String> {
        let json = import(&[("state.json", text)]).to_inventory_json();
        let inv = Inventory::from_text("state.json", Format::Json, &json).unwrap_or_else(|e| panic!("{e}"));
        let analysis = ops_core::graph::FailureAnalysis::new(&inv);
        let mut ids: Vec<String> = analysis
            .spofs()
            .entries()
            .iter()
            .flat_map(|e| e.spofs.iter().map(|&c| inv.component(c).id.clone()))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(spofs(&state), ["module.data.aws_db_instance.orders"]);
    assert_eq!(
        spofs(&single),
        [
            "aws_nat_gateway.private.eu-west-1a",
            "module.data.aws_db_instance.orders"
        ]
    );
}
