//! The retention engine against real restic.
//!
//! The fixtures in `tests/fixtures/restic/` were produced by restic 0.14.0
//! from Debian 12 (`apt-get install restic`) with the committed script
//! `tests/fixtures/restic/generate.py`: it builds local repositories with
//! `restic init` and `restic backup --time ... --host ... --tag ...` (under
//! several `TZ=` zones, so snapshots carry mixed offsets), saves
//! `restic snapshots --json`, and records what `restic forget --dry-run --json`
//! keeps and removes, with reasons and counters, for each set of flags. CI
//! never runs restic: it only reads these files.
//!
//! Each test here loads one repository's snapshots with
//! [`ops_core::parse_restic_snapshots`], runs [`ops_core::forget`] in
//! [`ResticVersion::V0_14`] mode with the same flags, and requires exactly
//! restic's groups, keep and remove lists (in restic's order), reasons and
//! counters. Every disagreement of a repository is reported at once.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeMap;
use std::path::Path;

use ops_core::{
    Bucket, Error, GroupBy, KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, TagList,
    forget, parse_restic_snapshots,
};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/restic");

/// restic forget's flags, parsed as restic 0.14 reads them.
fn policy_from_args(args: &[String]) -> (RetentionPolicy, GroupBy) {
    let mut policy = RetentionPolicy::default();
    policy.version = ResticVersion::V0_14;
    let mut group_by = GroupBy::default();
    let mut i = 0;
    while i < args.len() {
        let (flag, value) = match args[i].split_once('=') {
            Some((f, v)) => (f.to_owned(), v.to_owned()),
            None => {
                i += 1;
                (args[i - 1].clone(), args[i].clone())
            }
        };
        i += 1;
        let count = |v: &str| KeepCount::parse(v, ResticVersion::V0_14).unwrap();
        let duration = |v: &str| ResticDuration::parse(v).unwrap();
        let bucket = |name: &str| match name {
            "last" | "-l" => Bucket::Last,
            "hourly" | "-H" => Bucket::Hourly,
            "daily" | "-d" => Bucket::Daily,
            "weekly" | "-w" => Bucket::Weekly,
            "monthly" | "-m" => Bucket::Monthly,
            "yearly" | "-y" => Bucket::Yearly,
            other => panic!("unknown flag {other}"),
        };
        match flag.as_str() {
            "--keep-tag" => policy.tags.push(TagList::parse(&value)),
            "--group-by" | "-g" => group_by = GroupBy::parse(&value).unwrap(),
            "--keep-within" => policy.within = duration(&value),
            f if f.starts_with("--keep-within-") => {
                policy.set_within(bucket(&f["--keep-within-".len()..]), duration(&value))
            }
            f if f.starts_with("--keep-") => policy.set_count(bucket(&f["--keep-".len()..]), count(&value)),
            f => policy.set_count(bucket(f), count(&value)),
        }
    }
    (policy, group_by)
}

fn short(id: &str) -> &str {
    &id[..8]
}

/// Runs every case of one fixture repository; returns the number of cases.
fn check_repository(name: &str) -> usize {
    let dir = Path::new(FIXTURES).join(name);
    let text = std::fs::read_to_string(dir.join("snapshots.json")).unwrap();
    let snapshots: Vec<RetentionSnapshot> = parse_restic_snapshots("snapshots.json", &text)
        .unwrap()
        .iter()
        .map(|s| s.to_retention_snapshot())
        .collect();
    let mut shorts: Vec<&str> = snapshots.iter().map(|s| short(&s.id)).collect();
    shorts.sort();
    shorts.dedup();
    assert_eq!(shorts.len(), snapshots.len(), "short ids are unique in {name}");

    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let case_name = case["name"].as_str().unwrap();
        let args: Vec<String> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            case["exit_code"], 0,
            "{name}/{case_name}: restic 0.14 failed: {}",
            case["stderr"]
        );
        let now = case["now"].as_str().unwrap().parse().unwrap();
        let (policy, group_by) = policy_from_args(&args);
        let expected_groups = case["groups"].as_array().unwrap();
        let ours = match forget(&snapshots, &policy, group_by, now) {
            Ok(groups) => groups,
            Err(Error::EmptyRetentionPolicy) if expected_groups.is_empty() => continue,
            Err(e) => {
                failures.push(format!("{name}/{case_name} {args:?}: {e}"));
                continue;
            }
        };
        let mut expected: BTreeMap<(String, Vec<String>, Vec<String>), &Value> = BTreeMap::new();
        for g in expected_groups {
            let strings = |v: &Value| -> Vec<String> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect()
            };
            expected.insert(
                (
                    g["host"].as_str().unwrap().to_owned(),
                    strings(&g["paths"]),
                    strings(&g["tags"]),
                ),
                g,
            );
        }
        if expected.len() != ours.len() {
            failures.push(format!(
                "{name}/{case_name}: restic made {} groups, we made {}",
                expected.len(),
                ours.len()
            ));
            continue;
        }
        for group in &ours {
            let key = (
                group.key.hostname.clone(),
                group.key.paths.clone(),
                group.key.tags.clone(),
            );
            let Some(g) = expected.get(&key) else {
                failures.push(format!("{name}/{case_name}: restic has no group {key:?}"));
                continue;
            };
            let ids = |v: &Value| -> Vec<String> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect()
            };
            let keep: Vec<String> = group
                .decision
                .keep
                .iter()
                .map(|k| short(&snapshots[k.index].id).to_owned())
                .collect();
            let remove: Vec<String> = group
                .decision
                .remove
                .iter()
                .map(|&i| short(&snapshots[i].id).to_owned())
                .collect();
            if keep != ids(&g["keep"]) {
                failures.push(format!(
                    "{name}/{case_name} {key:?}: keep\n  restic {:?}\n  ours   {keep:?}",
                    ids(&g["keep"])
                ));
            }
            if remove != ids(&g["remove"]) {
                failures.push(format!(
                    "{name}/{case_name} {key:?}: remove\n  restic {:?}\n  ours   {remove:?}",
                    ids(&g["remove"])
                ));
            }
            for (k, kept) in group.decision.keep.iter().enumerate() {
                let (Some(reasons), Some(counters)) = (g["reasons"].get(k), g["counters"].get(k)) else {
                    break;
                };
                let ours: Vec<String> = kept.reasons.iter().map(ToString::to_string).collect();
                if ours != ids(reasons) {
                    failures.push(format!(
                        "{name}/{case_name} {}: reasons\n  restic {:?}\n  ours   {ours:?}",
                        short(&snapshots[kept.index].id),
                        ids(reasons)
                    ));
                }
                for b in Bucket::ALL {
                    let theirs = counters.get(b.name()).and_then(Value::as_i64).unwrap_or(0);
                    if theirs != kept.counters.get(b) {
                        failures.push(format!(
                            "{name}/{case_name} {}: counter {}: restic {theirs}, ours {}",
                            short(&snapshots[kept.index].id),
                            b.name(),
                            kept.counters.get(b)
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements with restic 0.14:\n{}",
        failures.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn hourly_snapshots_across_dst_changes_agree_with_restic() {
    assert_eq!(check_repository("hourly-dst"), 35);
}

#[test]
fn years_of_daily_snapshots_in_four_zones_agree_with_restic() {
    assert_eq!(check_repository("daily-years"), 35);
}

#[test]
fn irregular_snapshots_several_per_bucket_agree_with_restic() {
    assert_eq!(check_repository("irregular"), 35);
}

#[test]
fn iso_week_53_and_year_boundaries_agree_with_restic() {
    assert_eq!(check_repository("year-boundaries"), 35);
}

#[test]
fn snapshots_all_in_the_future_agree_with_restic() {
    assert_eq!(check_repository("future-only"), 4);
}

#[test]
fn group_by_options_agree_with_restic() {
    assert_eq!(check_repository("groups"), 8);
}
