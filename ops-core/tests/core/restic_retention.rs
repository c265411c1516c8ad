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
//! [`ops_core::import::parse_restic_snapshots`], runs [`ops_core::backup::forget`] in
//! [`ResticVersion::V0_14`] mode with the same flags, and requires exactly
//! restic's groups, keep and remove lists (in restic's order), reasons and
//! counters. Every disagreement of a repository is reported at once.
//!
//! The current-release semantics, which Debian's restic cannot show, are
//! checked against restic's own unit-test expectations (`TestApplyPolicy`'s
//! golden files at v0.19.1), extracted into `tests/fixtures/restic/golden/`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeMap;
use std::path::Path;

use ops_core::Error;
use ops_core::backup::retention::{Bucket, GroupBy, SnapshotFilter, TagList};
use ops_core::backup::{KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, forget};
use ops_core::import::parse_restic_snapshots;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/restic");

/// restic forget's flags, parsed as restic 0.14 reads them.
fn policy_from_args(args: &[String]) -> (RetentionPolicy, GroupBy, SnapshotFilter) {
    let mut policy = RetentionPolicy::default();
    policy.version = ResticVersion::V0_14;
    let mut group_by = GroupBy::default();
    let mut filter = SnapshotFilter::default();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "-n" || args[i] == "-c" {
            i += 1; // --dry-run, --compact: nothing to compute
            continue;
        }
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
            "--host" => filter.hosts.push(value),
            "--tag" => filter.tags.push(TagList::parse(&value)),
            "--path" => filter.paths.push(value),
            "--group-by" | "-g" => group_by = GroupBy::parse(&value).unwrap(),
            "--keep-within" => policy.within = duration(&value),
            f if f.starts_with("--keep-within-") => {
                policy.set_within(bucket(&f["--keep-within-".len()..]), duration(&value))
            }
            f if f.starts_with("--keep-") => policy.set_count(bucket(&f["--keep-".len()..]), count(&value)),
            f => policy.set_count(bucket(f), count(&value)),
        }
    }
    (policy, group_by, filter)
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
        let (policy, group_by, filter) = policy_from_args(&args);
        let considered: Vec<RetentionSnapshot> = snapshots.iter().filter(|s| filter.matches(s)).cloned().collect();
        let snapshots = &considered;
        let expected_groups = case["groups"].as_array().unwrap();
        let ours = match forget(snapshots, &policy, group_by, now) {
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
    assert_eq!(check_repository("groups"), 17);
}

/// restic's own expectations: the snapshots, policies and golden files of
/// restic's `TestApplyPolicy`, extracted by `tests/fixtures/restic/golden/extract.py`
/// from the restic repository at a release tag. Returns the cases checked.
fn check_golden(file: &str, version: ResticVersion) -> usize {
    let path = Path::new(FIXTURES).join("golden").join(file);
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let snapshots: Vec<RetentionSnapshot> = golden["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let time = chrono::DateTime::parse_from_rfc3339(s["time"].as_str().unwrap()).unwrap();
            RetentionSnapshot::new(i.to_string(), time)
                .with_tags(strings(&s["tags"]))
                .with_host_paths("", strings(&s["paths"]))
        })
        .collect();
    let now = "2026-11-26T00:00:00Z".parse().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in golden["cases"].as_array().unwrap() {
        let index = case["index"].as_u64().unwrap();
        let mut policy = RetentionPolicy::default();
        policy.version = version;
        for (field, value) in case["policy"].as_object().unwrap() {
            let bucket = |name: &str| Bucket::ALL.into_iter().find(|b| b.name() == name).unwrap();
            match (field.as_str(), value) {
                ("tags", v) => {
                    policy.tags = v.as_array().unwrap().iter().map(|l| TagList(strings(l))).collect();
                }
                ("within", v) => policy.within = ResticDuration::parse(v.as_str().unwrap()).unwrap(),
                (f, v) if f.starts_with("within_") => {
                    policy.set_within(
                        bucket(&f["within_".len()..]),
                        ResticDuration::parse(v.as_str().unwrap()).unwrap(),
                    );
                }
                (f, v) => {
                    let n = v.as_i64().unwrap();
                    let count = match n {
                        -1 => KeepCount::Unlimited,
                        0 => KeepCount::Off,
                        n => KeepCount::Count(u32::try_from(n).unwrap()),
                    };
                    policy.set_count(bucket(f), count);
                }
            }
        }
        let expected = case["keep"].as_array().unwrap();
        if policy.is_empty() {
            // restic 0.14's ApplyPolicy kept everything as "policy is empty",
            // but its forget never called it; both versions refuse in forget.
            assert!(
                expected
                    .iter()
                    .all(|k| k["matches"] == serde_json::json!(["policy is empty"]))
                    || expected.is_empty()
            );
            assert!(matches!(
                forget(&snapshots, &policy, GroupBy::default(), now),
                Err(Error::EmptyRetentionPolicy)
            ));
            checked += 1;
            continue;
        }
        let decision = policy.apply(&snapshots, now).unwrap();
        type Row = (
            chrono::DateTime<chrono::FixedOffset>,
            Vec<String>,
            Vec<String>,
            Vec<String>,
            Vec<i64>,
        );
        let ours: Vec<Row> = decision
            .keep
            .iter()
            .map(|k| {
                let s = &snapshots[k.index];
                let time = s.time;
                let reasons = k.reasons.iter().map(ToString::to_string).collect();
                let counters = Bucket::ALL.iter().map(|&b| k.counters.get(b)).collect();
                (time, s.tags.clone(), s.paths.clone(), reasons, counters)
            })
            .collect();
        let theirs: Vec<Row> = expected
            .iter()
            .map(|k| {
                let counters = Bucket::ALL
                    .iter()
                    .map(|b| k["counters"].get(b.name()).and_then(Value::as_i64).unwrap_or(0))
                    .collect();
                (
                    chrono::DateTime::parse_from_rfc3339(k["time"].as_str().unwrap()).unwrap(),
                    strings(&k["tags"]),
                    strings(&k["paths"]),
                    strings(&k["matches"]),
                    counters,
                )
            })
            .collect();
        if ours != theirs {
            let first = ours
                .iter()
                .zip(&theirs)
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(theirs.len()));
            failures.push(format!(
                "case {index} {:?}: {} kept by restic, {} by us; first difference at {first}:\n  restic {:?}\n  ours   {:?}",
                case["policy"],
                theirs.len(),
                ours.len(),
                theirs.get(first),
                ours.get(first)
            ));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} disagreements with {file}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checked
}

/// Current-release semantics (the oldest snapshot, `unlimited`) against the
/// golden files of restic 0.19.1's own unit test.
#[test]
fn current_mode_agrees_with_restic_0_19_1_golden_files() {
    assert_eq!(check_golden("apply-policy-v0.19.1.json", ResticVersion::Current), 40);
}

/// And 0.14 mode against 0.14.0's golden files, besides the real binary above.
#[test]
fn v0_14_mode_agrees_with_restic_0_14_0_golden_files() {
    assert_eq!(check_golden("apply-policy-v0.14.0.json", ResticVersion::V0_14), 36);
}

/// `restic snapshots --json --group-by host,paths` (restic 0.14.0's real
/// output) reads as the same snapshots as the plain form.
#[test]
fn grouped_snapshots_json_reads_as_the_plain_form() {
    let read = |name: &str| {
        let text = std::fs::read_to_string(Path::new(FIXTURES).join("groups").join(name)).unwrap();
        let mut ids: Vec<String> = parse_restic_snapshots(name, &text)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        ids.sort();
        ids
    };
    let plain = read("snapshots.json");
    assert_eq!(plain.len(), 36);
    assert_eq!(read("snapshots-grouped.json"), plain);
}
