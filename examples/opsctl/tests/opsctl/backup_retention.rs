//! `opsctl backup retention` end to end: restic's own forget flags, pasted
//! as they are, on `restic snapshots --json` files produced by real restic
//! 0.14.0 (see ops-core/tests/fixtures/restic/), give what restic printed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use crate::common;
use std::collections::BTreeSet;

use common::{opsctl, root, stderr, stdout};

use serde_json::Value;

const FIXTURES: &str = "ops-core/tests/fixtures/restic";

fn short_ids(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap()[..8].to_owned())
        .collect()
}

/// Every case of a fixture repository, through the command line.
fn agrees_with_restic(repo: &str) -> usize {
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(root().join(FIXTURES).join(repo).join("cases.json")).unwrap())
            .unwrap();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let mut args: Vec<String> = ["backup", "retention", "--restic-version", "0.14", "--format", "json"]
            .map(String::from)
            .to_vec();
        args.push("--snapshots".into());
        args.push(format!("{FIXTURES}/{repo}/snapshots.json"));
        args.push("--at".into());
        args.push(case["now"].as_str().unwrap().into());
        args.extend(
            case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned()),
        );
        let out = opsctl(&args);
        let groups = case["groups"].as_array().unwrap();
        if groups.is_empty() {
            // restic 0.14 printed "no policy was specified" and removed nothing
            assert_eq!(out.status.code(), Some(2), "{repo}/{name}");
            assert!(stderr(&out).contains("no policy was specified, no snapshots will be removed"));
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{repo}/{name}: {}", stderr(&out));
        let ours: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let theirs = |field: &str| -> BTreeSet<String> {
            groups
                .iter()
                .flat_map(|g| {
                    g[field]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s.as_str().unwrap().to_owned())
                })
                .collect()
        };
        assert_eq!(short_ids(&ours["keep"]), theirs("keep"), "{repo}/{name}: keep");
        assert_eq!(short_ids(&ours["remove"]), theirs("remove"), "{repo}/{name}: remove");
    }
    cases.len()
}

#[test]
fn restic_flags_pasted_as_they_are_give_restics_answer() {
    assert_eq!(agrees_with_restic("year-boundaries"), 35);
    assert_eq!(agrees_with_restic("groups"), 17);
}

#[test]
fn text_shows_reasons_per_kept_snapshot() {
    let out = opsctl(&[
        "backup",
        "retention",
        "--snapshots",
        &format!("{FIXTURES}/year-boundaries/snapshots.json"),
        "--keep-weekly",
        "2",
        "--keep-tag",
        "manual",
        "--at",
        "2026-11-26T08:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("snapshots for host h, path [/tmp/ops-restic-gen/year-boundaries/data]:\nkeep 5 snapshots:\n"),
        "{text}"
    );
    assert!(
        text.contains("aaa6c6de  2027-01-08 23:30:00 +00:00  h     daily   weekly snapshot\n"),
        "{text}"
    );
    assert!(
        text.contains("7271b4a4  2016-01-01 00:10:00 +00:00  h     manual  has tags [manual]\n"),
        "{text}"
    );
    assert!(text.contains("remove 52 snapshots:\n"), "{text}");
    assert!(text.ends_with("5 kept, 52 removed\n"), "{text}");
}

#[test]
fn current_release_semantics_by_default() {
    let snapshots = format!("{FIXTURES}/groups/snapshots.json");
    // unlimited and the oldest snapshot
    let out = opsctl(&[
        "backup",
        "retention",
        "--snapshots",
        &snapshots,
        "-g",
        "",
        "--keep-monthly",
        "unlimited",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let kept = v["groups"][0]["keep"].as_array().unwrap();
    assert_eq!(kept.len(), 8, "January to July 2022, and the oldest");
    assert_eq!(kept[7]["reasons"][0], "oldest monthly snapshot");
    assert_eq!(kept[7]["counters"]["monthly"], -1);
    // refusals and rejections: exit 2 with restic's message
    let out = opsctl(&["backup", "retention", "--snapshots", &snapshots, "--keep-tag", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to delete last snapshot of snapshot group \"host h"),
        "{}",
        stderr(&out)
    );
    let out = opsctl(&["backup", "retention", "--snapshots", &snapshots, "--keep-daily", "-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--keep-daily: invalid count '-1': negative values not allowed, use 'unlimited' instead")
    );
    let out = opsctl(&["backup", "retention", "--snapshots", &snapshots, "--keep-within", "2w"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--keep-within: invalid duration '2w': invalid unit 'w' found after number 2"));
}

#[test]
fn the_policy_and_runs_of_an_inventory() {
    let out = opsctl(&[
        "backup",
        "retention",
        "examples/inventories/startup",
        "postgres-nightly",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["keep"].as_array().unwrap().len(),
        4,
        "keep_daily: 7 keeps the four runs"
    );
    // a flag replaces the policy's rule
    let out = opsctl(&[
        "backup",
        "retention",
        "examples/inventories/startup",
        "postgres-nightly",
        "--keep-daily",
        "1",
        "--keep-weekly",
        "0",
        "--keep-monthly",
        "0",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["keep"], serde_json::json!(["2026-11-21T02:30:00+00:00"]));
    assert_eq!(v["remove"].as_array().unwrap().len(), 3);
    let out = opsctl(&["backup", "retention", "examples/inventories/startup", "postgres-nighty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no backup policy 'postgres-nighty' in the inventory (did you mean 'postgres-nightly'?)")
    );
}

#[test]
fn unreadable_snapshots_say_where() {
    let dir = crate::common::temp_dir("retention");
    let file = dir.join("snapshots.json");
    std::fs::write(&file, "[\n  {\"id\": \"ab\", \"time\": \"yesterday\"}\n]\n").unwrap();
    let out = opsctl(&[
        "backup".as_ref(),
        "retention".as_ref(),
        "--snapshots".as_ref(),
        file.as_os_str(),
        "-l".as_ref(),
        "1".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{}:2:35: invalid time 'yesterday'", file.display())),
        "{}",
        stderr(&out)
    );
    let out = opsctl(&["backup", "retention", "-l", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no snapshots: give --snapshots FILE"));
}

#[test]
fn restic_snapshots_import_as_backup_runs_that_validate() {
    let dir = crate::common::temp_dir("restic-import");
    std::fs::write(
        dir.join("policy.yaml"),
        "components:\n  - {id: srv, kind: database}\nbackup_policies:\n  - {id: srv-nightly, protects: srv}\n",
    )
    .unwrap();
    let runs = dir.join("runs.json");
    let out = opsctl(&[
        "import".as_ref(),
        "restic-snapshots".as_ref(),
        format!("{FIXTURES}/groups/snapshots.json").as_ref(),
        "--policy".as_ref(),
        "srv-nightly".as_ref(),
        "--output".as_ref(),
        runs.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("wrote 36 backup runs to"));
    let out = opsctl(&["validate".as_ref(), dir.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // and the runs are the policy's snapshots for `backup retention`
    let out = opsctl(&[
        "backup".as_ref(),
        "retention".as_ref(),
        dir.as_os_str(),
        "srv-nightly".as_ref(),
        "--keep-last".as_ref(),
        "2".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["keep"].as_array().unwrap().len(), 2);
    assert_eq!(v["remove"].as_array().unwrap().len(), 34);
}

/// `--keep-within` in the machine's zone (`--tz`, else `TZ`), as restic
/// 0.14.0 computed it for these snapshots (see ops-core's retention docs):
/// under `TZ=Europe/London` a week before 2021-04-01 12:00 BST is
/// 2021-03-25 12:00 GMT, so the 11:30 UTC snapshot goes; with the fixed
/// offset (no zone, or `TZ=UTC`) the cut-off is 11:00 UTC and it stays.
#[test]
fn keep_within_follows_tz_across_a_dst_change() {
    let dir = common::temp_dir("tz");
    let snapshot = |id: char, time: &str| {
        let id = id.to_string().repeat(64);
        format!(
            r#"{{"time":"{time}","tree":"{id}","paths":["/srv"],"hostname":"h","username":"root","id":"{id}","short_id":"{}"}}"#,
            &id[..8]
        )
    };
    let file = dir.join("snapshots.json");
    let text = format!(
        "[{},{},{}]",
        snapshot('a', "2021-03-25T11:30:00Z"),
        snapshot('b', "2021-03-25T12:30:00Z"),
        snapshot('c', "2021-04-01T12:00:00+01:00")
    );
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let args = ["backup", "retention", "--snapshots", file, "--keep-within", "7d"];
    let removed = |extra: &[&str], tz: Option<&str>| -> Value {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_opsctl"));
        cmd.args(args)
            .args(["--format", "json"])
            .args(extra)
            .env("NO_COLOR", "1")
            .env_remove("TZ");
        if let Some(tz) = tz {
            cmd.env("TZ", tz);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        v["remove"].clone()
    };
    let a = serde_json::json!(["a".repeat(64)]);
    assert_eq!(removed(&["--tz", "Europe/London"], None), a);
    assert_eq!(removed(&[], Some("Europe/London")), a);
    assert_eq!(removed(&[], Some(":Europe/London")), a, "Go strips the colon");
    assert_eq!(removed(&[], None), serde_json::json!([]));
    assert_eq!(removed(&[], Some("UTC")), serde_json::json!([]));
    assert_eq!(
        removed(&["--tz", "UTC"], Some("Europe/London")),
        serde_json::json!([]),
        "--tz wins"
    );
    // a TZ that names no zone: Go's local zone is then UTC
    assert_eq!(removed(&[], Some("Mars/Olympus")), serde_json::json!([]));
    let out = opsctl(&[&args[..], &["--tz", "Europe/Lodnon"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "--tz: unknown time zone 'Europe/Lodnon': expected an IANA name such as Europe/London (did you mean 'Europe/London'?)"
        ),
        "{}",
        stderr(&out)
    );
}
