//! The JSON shape of every reporting command, asserted whole: each test
//! pins one section of docs/json-output.md (the `check` document is pinned
//! by cli.rs and the SARIF test, `spof` by cli.rs, `plugin inspect` by
//! plugin_cli.rs, which builds the plugins).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use crate::common;

use common::{opsctl, stderr, stdout, temp_dir};
use serde_json::{Value, json};

const AT: &str = "2026-11-22T09:00:00Z";
const EXAMPLE: &str = "examples/inventories/startup";

/// Runs opsctl, checks the exit code and parses standard output as JSON.
fn json_of(args: &[&str], code: i32) -> Value {
    let out = opsctl(args);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&out)))
}

#[test]
fn validate_counts_or_problems() {
    assert_eq!(
        json_of(&["validate", EXAMPLE, "--format", "json"], 0),
        json!({
            "valid": true,
            "counts": {"components": 14, "domains": 6, "people": 4, "grants": 9, "backup_policies": 1, "incidents": 2},
            "problems": [],
        })
    );
    let dir = temp_dir("validate");
    std::fs::write(dir.join("a.yaml"), "components:\n  - id: web\n    dependson: [db]\n").unwrap();
    let missing = dir.join("missing.yaml");
    let d = dir.to_str().unwrap();
    let out = opsctl(&["validate", d, missing.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        json!({
            "valid": false,
            "counts": null,
            "problems": [
                {"location": null, "message": format!("{d}/missing.yaml: no such file or directory")},
                {"location": {"file": format!("{d}/a.yaml"), "line": 3, "column": 5},
                 "message": "unknown field 'dependson' (did you mean 'depends_on'?)"},
            ],
        })
    );
    // People still read the problems on standard error.
    assert!(
        stderr(&out).ends_with("2 problems found; nothing was checked\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn blast_radius_and_simulate_outages() {
    assert_eq!(
        json_of(&["blast-radius", EXAMPLE, "uploads", "--format", "json"], 0),
        json!({
            "failed": ["uploads"],
            "entries_down": ["storefront"],
            "down": [
                {"component": "storefront", "entry": true, "why": [
                    "storefront is down: it requires all of its dependencies, and 1 of 3 is down (uploads)",
                    "uploads failed",
                ]},
                {"component": "uploads", "entry": false, "why": ["uploads failed"]},
                {"component": "reports", "entry": false, "why": [
                    "reports is down: it requires all of its dependencies, and 1 of 2 is down (uploads)",
                    "uploads failed",
                ]},
            ],
        })
    );
    assert_eq!(
        json_of(&["simulate", EXAMPLE, "--fail", "web-1,web-2", "--format", "json"], 1),
        json!({
            "failed": ["web-1", "web-2"],
            "entries_down": ["storefront"],
            "down": [
                {"component": "storefront", "entry": true, "why": [
                    "storefront is down: it requires all of its dependencies, and 1 of 3 is down (web-lb)",
                    "web-lb is down: it requires any one of its dependencies, and 2 of 2 are down (web-1, web-2)",
                    "web-2 failed",
                ]},
                {"component": "web-lb", "entry": false, "why": [
                    "web-lb is down: it requires any one of its dependencies, and 2 of 2 are down (web-1, web-2)",
                    "web-2 failed",
                ]},
                {"component": "web-1", "entry": false, "why": ["web-1 failed"]},
                {"component": "web-2", "entry": false, "why": ["web-2 failed"]},
            ],
        })
    );
}

#[test]
fn offboard_plan() {
    assert_eq!(
        json_of(&["offboard", EXAMPLE, "dana", "--at", AT, "--format", "json"], 0),
        json!({
          "person": "dana",
          "name": "Dana Whitfield",
          "status": "departed",
          "departed_at": "2026-06-30T16:00:00Z",
          "evaluated_at": "2026-11-22T09:00:00Z",
          "grants": [
            {
              "grant": "dana->prod-db",
              "system": "prod-db",
              "level": "write",
              "role": "app_rw",
              "granted_to": "dana",
              "paths": [
                [
                  "dana"
                ]
              ],
              "last_used_at": "2026-08-02T00:00:00Z"
            },
            {
              "grant": "team-web->github",
              "system": "github",
              "level": "write",
              "role": "write",
              "granted_to": "team-web",
              "paths": [
                [
                  "dana",
                  "team-web"
                ]
              ],
              "last_used_at": null
            },
            {
              "grant": "engineering->grafana",
              "system": "grafana",
              "level": "read",
              "role": "Viewer",
              "granted_to": "engineering",
              "paths": [
                [
                  "dana",
                  "team-web",
                  "engineering"
                ]
              ],
              "last_used_at": null
            }
          ],
          "memberships": [
            {
              "group": "team-web",
              "gives": [
                "team-web->github",
                "engineering->grafana"
              ]
            }
          ],
          "credentials": [
            {
              "credential": "aws-root",
              "action": "rotate",
              "system": "aws-prod",
              "level": "owner",
              "rotated_at": "2025-01-15T00:00:00Z",
              "rotated_since_departure": false
            }
          ],
          "ownership": [
            {
              "kind": "component",
              "id": "reports"
            },
            {
              "kind": "service_account",
              "id": "reports-bot"
            }
          ]
        })
    );
}

#[test]
fn access_review_rows() {
    let row = |principal: &str, status: &str, flags: &[&str]| {
        json!({
            "system": "github", "principal": principal, "principal_kind": "person", "status": status,
            "level": "write", "role": "write", "source": "grant:team-web->github", "via": "through team-web",
            "last_used_at": null, "expires_at": null, "flags": flags,
        })
    };
    assert_eq!(
        json_of(
            &[
                "access", "review", EXAMPLE, "--system", "github", "--at", AT, "--format", "json"
            ],
            0
        ),
        json!({
            "evaluated_at": AT,
            "rows": [
                row("dana", "departed", &["departed"]),
                row("priya", "on_leave", &["on-leave"]),
                row("tom", "active", &[]),
            ],
        })
    );
    let all = json_of(&["access", "review", EXAMPLE, "--at", AT, "--format", "json"], 0);
    let mut systems: Vec<&str> = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["system"].as_str().unwrap())
        .collect();
    systems.dedup();
    assert_eq!(systems, ["aws-prod", "github", "grafana", "prod-db"]);
}

#[test]
fn incident_report_durations_in_seconds() {
    let dir = temp_dir("incidents");
    std::fs::write(
        dir.join("incidents.yaml"),
        "incidents:\n\
         \x20 - {id: A, title: a, severity: sev2, detected_by: customer, started_at: 2026-05-04T09:00:00Z,\n\
         \x20    detected_at: 2026-05-04T10:00:00Z, resolved_at: 2026-05-04T12:30:00Z}\n\
         \x20 - {id: B, title: b, severity: sev3, started_at: 2026-06-01T09:00:00Z, detected_at: 2026-06-01T09:10:00Z}\n",
    )
    .unwrap();
    let stats = |count: usize, mean: i64, median: i64, p90: i64| json!({"count": count, "mean_seconds": mean, "median_seconds": median, "p90_seconds": p90});
    // A: detected after 1 h, resolved 2 h 30 min after detection, by a customer.
    let a = |key: &str| {
        json!({
            "key": key, "incidents": 1,
            "detected_by": {"monitor": 0, "customer": 1, "staff": 0, "unknown": 0},
            "customer_share": 1.0,
            "time_to_detect": stats(1, 3600, 3600, 3600),
            "time_to_acknowledge": null,
            "time_to_mitigate": null,
            "time_to_resolve": stats(1, 9000, 9000, 9000),
        })
    };
    // B: detected after 10 min, by an unrecorded source; nothing else recorded.
    let b = |key: &str| {
        json!({
            "key": key, "incidents": 1,
            "detected_by": {"monitor": 0, "customer": 0, "staff": 0, "unknown": 1},
            "customer_share": null,
            "time_to_detect": stats(1, 600, 600, 600),
            "time_to_acknowledge": null,
            "time_to_mitigate": null,
            "time_to_resolve": null,
        })
    };
    let d = dir.to_str().unwrap();
    assert_eq!(
        json_of(&["incident", "report", d, "--format", "json"], 0),
        json!({
            "since": null,
            "overall": {
                "key": "all", "incidents": 2,
                "detected_by": {"monitor": 0, "customer": 1, "staff": 0, "unknown": 1},
                "customer_share": 1.0,
                // Nearest rank: the median of two values is the lower one.
                "time_to_detect": stats(2, 2100, 600, 3600),
                "time_to_acknowledge": null,
                "time_to_mitigate": null,
                "time_to_resolve": stats(1, 9000, 9000, 9000),
            },
            "by_severity": [a("sev2"), b("sev3")],
            "by_component": [],
            "by_month": [a("2026-05"), b("2026-06")],
        })
    );
    assert_eq!(
        json_of(
            &["incident", "report", d, "--since", "2026-06-01", "--format", "json"],
            0
        ),
        json!({
            "since": "2026-06-01T00:00:00Z",
            "overall": b("all"),
            "by_severity": [b("sev3")],
            "by_component": [],
            "by_month": [b("2026-06")],
        })
    );
}

#[test]
fn backup_status_numbers_and_instants() {
    let mut doc = json_of(&["backup", "status", EXAMPLE, "--at", AT, "--format", "json"], 1);
    let findings = doc["policies"][0].as_object_mut().unwrap().remove("findings").unwrap();
    assert_eq!(
        doc,
        json!({
            "evaluated_at": "2026-11-22T09:00:00Z",
            "policies": [
                {
                    "age_seconds": 282600,
                    "copies": 1,
                    "immutable_copies": 0,
                    "last_drill": "2026-03-10T10:00:00Z",
                    "last_drill_by": "maya",
                    "last_drill_duration_seconds": 19200,
                    "last_good_run": "2026-11-19T02:30:00Z",
                    "last_run": "2026-11-21T02:30:00Z",
                    "monitor": null,
                    "next_run": "2026-11-23T02:30:00Z",
                    "offsite_copies": 0,
                    "policy": "postgres-nightly",
                    "protects": "postgres-primary",
                    "rpo_seconds": 86400,
                    "rto_seconds": 14400,
                    "schedule": {
                        "expression": "30 2 * * *",
                        "kind": "cron",
                        "timezone": "Europe/London"
                    },
                    "suspicious_runs": [
                        {
                            "reasons": [
                                "empty artifact (0 bytes)",
                                "no checksum"
                            ],
                            "started_at": "2026-11-20T02:30:00Z"
                        },
                        {
                            "reasons": [
                                "empty artifact (0 bytes)",
                                "no checksum"
                            ],
                            "started_at": "2026-11-21T02:30:00Z"
                        }
                    ]
                }
            ],
            "unprotected_components": [
                "uploads"
            ]
        })
    );
    let found: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f.as_object().unwrap().len(), 4, "check, severity, message, waived: {f}");
            assert_eq!(f["waived"], false);
            (f["check"].as_str().unwrap(), f["severity"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("backup/drill-slower-than-rto", "high"),
            ("backup/no-offsite-copy", "high"),
            ("backup/no-recent-drill", "high"),
            ("backup/stale", "high"),
            ("backup/suspicious-run", "high"),
            ("backup/suspicious-run", "high"),
            ("backup/unmonitored", "high"),
            ("backup/drill-only-by-owner", "medium"),
            ("backup/no-immutable-copy", "medium"),
            ("backup/schedule-exceeds-rpo", "medium")
        ]
    );
    assert_eq!(
        findings[0]["message"],
        "backup policy 'postgres-nightly': the restore drill on 2026-03-10 took 5h20m, longer than its RTO of 4h"
    );
}

#[test]
fn backup_schedule_runs_with_local_time() {
    assert_eq!(
        json_of(
            &[
                "backup",
                "schedule",
                EXAMPLE,
                "postgres-nightly",
                "--next",
                "3",
                "--at",
                "2027-10-29T12:00:00Z",
                "--format",
                "json",
            ],
            0
        ),
        json!({
            "policy": "postgres-nightly",
            "schedule": {"kind": "cron", "expression": "30 2 * * *", "timezone": "Europe/London"},
            "from": "2027-10-29T12:00:00Z",
            "runs": [
                {"at": "2027-10-30T01:30:00Z", "local": "2027-10-30T02:30:00+01:00",
                 "timezone_abbreviation": "BST", "utc_offset_seconds": 3600, "clocks_changed": false},
                {"at": "2027-10-31T02:30:00Z", "local": "2027-10-31T02:30:00+00:00",
                 "timezone_abbreviation": "GMT", "utc_offset_seconds": 0, "clocks_changed": true},
                {"at": "2027-11-01T02:30:00Z", "local": "2027-11-01T02:30:00+00:00",
                 "timezone_abbreviation": "GMT", "utc_offset_seconds": 0, "clocks_changed": false},
            ],
        })
    );
    // An interval schedule has no local time.
    let dir = temp_dir("interval");
    std::fs::write(
        dir.join("inv.yaml"),
        "components: [{id: db, kind: database}]\n\
         backup_policies: [{id: db-hourly, protects: db, schedule: {every: 90m}}]\n",
    )
    .unwrap();
    let none =
        json!({"local": null, "timezone_abbreviation": null, "utc_offset_seconds": null, "clocks_changed": false});
    let run = |at: &str| {
        let mut r = none.clone();
        r["at"] = json!(at);
        r
    };
    assert_eq!(
        json_of(
            &[
                "backup",
                "schedule",
                dir.to_str().unwrap(),
                "db-hourly",
                "--next",
                "2",
                "--at",
                AT,
                "--format",
                "json"
            ],
            0
        ),
        json!({
            "policy": "db-hourly",
            "schedule": {"kind": "interval", "every_seconds": 5400},
            "from": AT,
            "runs": [run("2026-11-22T10:30:00Z"), run("2026-11-22T12:00:00Z")],
        })
    );
}

#[test]
fn backup_retention_decision() {
    let dir = temp_dir("retention");
    let file = dir.join("snapshots.json");
    let snapshot = |id: char, time: &str| json!({"id": id.to_string().repeat(64), "time": time, "hostname": "h", "paths": ["/srv"], "tags": ["nightly"]});
    let snapshots = json!([
        snapshot('a', "2026-11-20T02:00:00+01:00"),
        snapshot('b', "2026-11-21T02:00:00+01:00"),
        snapshot('c', "2026-11-22T02:00:00+01:00"),
    ]);
    std::fs::write(&file, snapshots.to_string()).unwrap();
    let (a, b, c) = ("a".repeat(64), "b".repeat(64), "c".repeat(64));
    let entry = |id: &str, time: &str| json!({"id": id, "short_id": &id[..8], "time": time, "hostname": "h", "tags": ["nightly"]});
    let kept = |id: &str, time: &str, last: i64| {
        let mut e = entry(id, time);
        e["reasons"] = json!(["last snapshot"]);
        e["counters"] = if last == 0 { json!({}) } else { json!({"last": last}) };
        e
    };
    assert_eq!(
        json_of(
            &[
                "backup",
                "retention",
                "--snapshots",
                file.to_str().unwrap(),
                "--keep-last",
                "2",
                "--at",
                AT,
                "--format",
                "json"
            ],
            0
        ),
        json!({
            "keep": [c, b],
            "remove": [a],
            "groups": [{
                "host": "h", "paths": ["/srv"], "tags": [],
                "keep": [kept(&c, "2026-11-22T02:00:00+01:00", 1), kept(&b, "2026-11-21T02:00:00+01:00", 0)],
                "remove": [entry(&a, "2026-11-20T02:00:00+01:00")],
            }],
        })
    );
}

#[test]
fn explain_rules_as_data() {
    let doc = json_of(&["explain", "inventory/departed-owner", "--format", "json"], 0);
    let text = stdout(&opsctl(&["explain", "inventory/departed-owner"]));
    let (_, body) = text.split_once(")\n\n").unwrap();
    assert_eq!(
        doc,
        json!({
            "id": "inventory/departed-owner",
            "default_severity": "high",
            "summary": doc["summary"],
            "explanation": body.trim_end(),
        })
    );
    assert!(text.starts_with(&format!(
        "# inventory/departed-owner\n\n{} (default severity: high)\n",
        doc["summary"].as_str().unwrap()
    )));
    let list = json_of(&["explain", "--format", "json"], 0);
    let ids: Vec<&str> = list["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let text_ids: Vec<String> = stdout(&opsctl(&["explain"]))
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect();
    assert_eq!(ids, text_ids);
    assert_eq!(list.as_object().unwrap().len(), 1);
    let departed = list["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "inventory/departed-owner");
    assert_eq!(departed, Some(&doc));
}
