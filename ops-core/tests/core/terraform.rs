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
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform").join(name)
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
        .filter(|f| PINNED.contains(&f.check.as_str()))
        .map(|f| (f.check.clone(), f.subject.id.clone()))
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

#[test]
fn print() {
    let text = std::fs::read_to_string(fixture("state.json")).unwrap();
    let imported = import(&[("state.json", &text)]);
    println!("{}", imported.to_inventory_json());
    for n in imported.notes() { println!("NOTE {n}"); }
    for n in imported.problems() { println!("PROBLEM {n}"); }
    let inv = load("state.json");
    for f in findings(&inv) { println!("{f:?}"); }
    panic!();
}
