//! Terraform through opsctl: `check --terraform` on the fixture state (with
//! the overlay saying who has left) and on a plan, and `import terraform`
//! written atomically, then checked, giving the same findings as loading the
//! state directly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use serde_json::Value;

use crate::common;
use common::{opsctl, stderr, stdout, temp_dir};

const STATE: &str = "ops-core/tests/fixtures/terraform/state.json";
const PLAN: &str = "ops-core/tests/fixtures/terraform/plan.json";
const OVERLAY: &str = "ops-core/tests/fixtures/terraform/overlay.yaml";
const AT: &str = "2026-11-22T00:00:00Z";

/// The rules issue 23 pins.
const PINNED: &[&str] = &[
    "graph/spof",
    "graph/domain-spof",
    "backup/no-offsite-copy",
    "backup/no-immutable-copy",
    "backup/unprotected-data",
    "access/departed-with-access",
    "access/single-admin",
    "access/unused-grant",
];

/// `opsctl check ARGS --format json`: (rule, subject) of the pinned rules'
/// findings, sorted, and the whole findings list.
fn check(args: &[&str]) -> (Vec<String>, Value) {
    let mut all = vec!["check"];
    all.extend(args);
    all.extend(["--at", AT, "--format", "json"]);
    let out = opsctl(&all);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut pinned: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| PINNED.contains(&f["check"].as_str().unwrap()))
        .map(|f| {
            format!(
                "{} {}",
                f["check"].as_str().unwrap(),
                f["subject"]["id"].as_str().unwrap()
            )
        })
        .collect();
    pinned.sort();
    (pinned, report["findings"].clone())
}

const STATE_FINDINGS: [&str; 13] = [
    "access/departed-with-access dana",
    "access/single-admin aws:123456789012",
    "backup/no-immutable-copy aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets",
    "backup/no-immutable-copy module.data.aws_db_instance.orders/automated-backups",
    "backup/no-immutable-copy module.data.aws_rds_cluster.ledger/automated-backups",
    "backup/no-offsite-copy aws_backup_plan.weekly.sunday/module.data.aws_s3_bucket.assets",
    "backup/no-offsite-copy module.data.aws_db_instance.orders/automated-backups",
    "backup/no-offsite-copy module.data.aws_rds_cluster.ledger/automated-backups",
    "backup/unprotected-data module.data.aws_db_instance.accounts",
    "graph/domain-spof aws:123456789012",
    "graph/domain-spof eu-west-1",
    "graph/domain-spof eu-west-1a",
    "graph/spof module.data.aws_db_instance.orders",
];

#[test]
fn check_terraform_finds_what_a_review_of_the_account_would() {
    let (pinned, _) = check(&["--terraform", STATE, OVERLAY]);
    assert_eq!(pinned, STATE_FINDINGS);
}

/// The plan makes the orders database Multi-AZ: checked before it is
/// applied, neither it nor its zone is a single point of failure any more.
#[test]
fn check_terraform_reads_a_plan() {
    let (pinned, _) = check(&["--terraform", PLAN, OVERLAY]);
    let expected: Vec<&str> = STATE_FINDINGS
        .iter()
        .copied()
        .filter(|f| *f != "graph/domain-spof eu-west-1a" && *f != "graph/spof module.data.aws_db_instance.orders")
        .collect();
    assert_eq!(pinned, expected);
}

/// `import terraform` writes the inventory atomically and says what it
/// wrote; checking that file gives the findings of `--terraform`, all of
/// them, not only the pinned ones.
#[test]
fn import_terraform_output_checks_the_same() {
    let dir = temp_dir("terraform-import");
    let file = dir.join("terraform.json");
    let out = opsctl(&["import", "terraform", STATE, "--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "note: {STATE}:407:9: aws_cloudwatch_metric_alarm.api_5xx: resource type aws_cloudwatch_metric_alarm is not one ops reads; skipped\n\
             note: {STATE}:615:9: aws_iam_role_policy_attachment.backup: policy arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup is not one whose actions ops knows or finds in the given states; no grant\n\
             wrote 23 components, 5 domains, 5 people, 1 service account, 2 groups, 1 system, 6 grants, 1 credential and 5 backup policies to {}\n",
            file.display()
        )
    );
    let validate = opsctl(&["validate", file.to_str().unwrap()]);
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
    let (from_file, all_from_file) = check(&[file.to_str().unwrap()]);
    let (direct, all_direct) = check(&["--terraform", STATE]);
    assert_eq!(from_file, direct);
    let ids = |all: &Value| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["check"].as_str().unwrap().to_owned(),
                    f["subject"]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&all_from_file), ids(&all_direct));
}

/// A broken state stops the command with its place, exit code 2.
#[test]
fn a_broken_state_is_an_error_with_its_place() {
    let dir = temp_dir("terraform-broken");
    let file = dir.join("state.json");
    std::fs::write(&file, "{\"format_version\": \"2.0\"}\n").unwrap();
    let out = opsctl(&["check", "--terraform", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{}:1:20: format_version: expected 1.x (the JSON output format of Terraform 0.12 and later), found '2.0'",
            file.display()
        )),
        "{}",
        stderr(&out)
    );
}
