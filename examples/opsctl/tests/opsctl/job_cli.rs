//! opsctl job status, end to end on the job rules' fixtures: the
//! settlement file that "succeeded" without arriving, and the stock feed
//! that was late once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use crate::common;

use common::{opsctl, stderr, stdout};
use serde_json::{Value, json};

const AT: &str = "2026-11-22T09:00:00Z";
const MISSED: &str = "ops-core/tests/fixtures/rules/job/missed-delivery/positive.yaml";
const FIXED: &str = "ops-core/tests/fixtures/rules/job/missed-delivery/negative.yaml";

#[test]
fn status_shows_deliveries_not_exit_codes() {
    let out = opsctl(&["job", "status", MISSED, "--at", AT]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Scheduled jobs as of 2026-11-22 09:00 UTC

settlement-file (delivers to sftp://sftp.partner.example/inbound)
  schedule   cron '0 4 * * *' in Europe/Amsterdam, delivery within 2h; next run 2026-11-23 03:00 UTC
  last run   2026-11-22 06:40 UTC (success)
  delivered  2026-11-22 06:52 UTC
  judged     5 scheduled since 2026-11-18 03:00 UTC, 3 missed
  monitor    settlement-file-arrival
  HIGH       job 'settlement-file': 3 scheduled deliveries in a row were missed, from 2026-11-20 03:00 UTC to 2026-11-22 03:00 UTC (1 ran without delivering, 1 empty, 1 late by up to 1h52m30s) [job/missed-delivery]

stock-feed (delivers to warehouse-api)
  schedule   cron '15 * * * *' in UTC, delivery within 20m; next run 2026-11-22 09:15 UTC
  last run   2026-11-22 08:15 UTC (success)
  delivered  2026-11-22 08:16 UTC
  judged     4 scheduled since 2026-11-22 05:15 UTC, 1 missed
  monitor    stock-feed-freshness
  MEDIUM     job 'stock-feed': the delivery scheduled at 2026-11-22 07:15 UTC (due by 2026-11-22 07:35 UTC) was missed: the delivery arrived 6m late [job/missed-delivery]
"
    );
    // Every delivery arrived in the fixed estate: nothing at or above high.
    let fixed = opsctl(&["job", "status", FIXED, "--at", AT]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
}

#[test]
fn status_json() {
    let out = opsctl(&["job", "status", MISSED, "--at", AT, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        json!({
            "evaluated_at": "2026-11-22T09:00:00Z",
            "jobs": [
                {
                    "job": "settlement-file",
                    "schedule": {"kind": "cron", "expression": "0 4 * * *", "timezone": "Europe/Amsterdam"},
                    "deadline_seconds": 7200,
                    "delivers_to": "sftp://sftp.partner.example/inbound",
                    "last_run": "2026-11-22T06:40:00Z",
                    "last_run_status": "success",
                    "last_delivery": "2026-11-22T06:52:30Z",
                    "next_run": "2026-11-23T03:00:00Z",
                    "judged_from": "2026-11-18T03:00:00Z",
                    "judged": 5,
                    "missed_streaks": [{
                        "first": "2026-11-20T03:00:00Z", "last": "2026-11-22T03:00:00Z", "count": 3,
                        "without_run": 0, "not_delivered": 1, "empty": 1, "late": 1, "most_late_seconds": 6750
                    }],
                    "earlier_streaks": 0,
                    "earlier_misses": 0,
                    "monitor": "settlement-file-arrival",
                    "findings": [{
                        "check": "job/missed-delivery",
                        "severity": "high",
                        "waived": false,
                        "message": "job 'settlement-file': 3 scheduled deliveries in a row were missed, from 2026-11-20 03:00 UTC to 2026-11-22 03:00 UTC (1 ran without delivering, 1 empty, 1 late by up to 1h52m30s)"
                    }]
                },
                {
                    "job": "stock-feed",
                    "schedule": {"kind": "cron", "expression": "15 * * * *", "timezone": "UTC"},
                    "deadline_seconds": 1200,
                    "delivers_to": "warehouse-api",
                    "last_run": "2026-11-22T08:15:00Z",
                    "last_run_status": "success",
                    "last_delivery": "2026-11-22T08:16:05Z",
                    "next_run": "2026-11-22T09:15:00Z",
                    "judged_from": "2026-11-22T05:15:00Z",
                    "judged": 4,
                    "missed_streaks": [{
                        "first": "2026-11-22T07:15:00Z", "last": "2026-11-22T07:15:00Z", "count": 1,
                        "without_run": 0, "not_delivered": 0, "empty": 0, "late": 1, "most_late_seconds": 360
                    }],
                    "earlier_streaks": 0,
                    "earlier_misses": 0,
                    "monitor": "stock-feed-freshness",
                    "findings": [{
                        "check": "job/missed-delivery",
                        "severity": "medium",
                        "waived": false,
                        "message": "job 'stock-feed': the delivery scheduled at 2026-11-22 07:15 UTC (due by 2026-11-22 07:35 UTC) was missed: the delivery arrived 6m late"
                    }]
                }
            ]
        })
    );
}

#[test]
fn a_job_that_never_delivered_is_critical_and_an_unknown_job_field_is_an_input_error() {
    let out = opsctl(&[
        "job",
        "status",
        "ops-core/tests/fixtures/rules/job/stale/positive.yaml",
        "--at",
        AT,
        "--fail-on",
        "critical",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let t = stdout(&out);
    assert!(t.contains("gl-export (delivers to sftp://erp.example/in/gl)\n  schedule   every 1d, delivery within 4h; next run 2026-11-23 01:00 UTC\n  last run   2026-11-22 01:00 UTC (failed)\n  delivered  never\n"), "{t}");
    assert!(t.contains("  CRITICAL   job 'gl-export' has no delivery on record (last run started at 2026-11-22 01:00 UTC) [job/stale]\n"), "{t}");
    let dir = common::temp_dir("job-bad");
    let file = dir.join("jobs.yaml");
    std::fs::write(&file, "jobs:\n  - {id: export, schedule: {every: 1d}, deadlin: 2h}\n").unwrap();
    let bad = opsctl(&[std::ffi::OsStr::new("job"), "status".as_ref(), file.as_os_str()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("jobs.yaml:2:41: unknown field 'deadlin' (did you mean 'deadline'?)"),
        "{}",
        stderr(&bad)
    );
}

/// A waived finding is shown but does not fail `job status` or `backup
/// status`, as it does not fail `check`.
#[test]
fn status_commands_do_not_fail_on_waived_findings() {
    let dir = common::temp_dir("job-waived");
    let inv = dir.join("inv.yaml");
    let text = "
people: [{id: ana}]
components: [{id: db, kind: database}]
backup_policies:
  - {id: db-nightly, protects: db, owner: ana, schedule: {cron: '0 2 * * *'}, monitor: m}
jobs:
  - {id: export, owner: ana, schedule: {cron: '0 2 * * *'}, deadline: 1h}
job_runs:
  - {job: export, started_at: 2026-11-21T02:00:00Z, status: success, size_bytes: 10, delivered_at: 2026-11-21T02:05:00Z}
";
    std::fs::write(&inv, text).unwrap();
    let path = inv.to_str().unwrap();
    let job = opsctl(&["job", "status", path, "--at", AT, "--fail-on", "medium"]);
    assert_eq!(
        job.status.code(),
        Some(1),
        "unmonitored (medium) and a missed night: {}",
        stdout(&job)
    );
    let backup = opsctl(&["backup", "status", path, "--at", AT, "--fail-on", "high"]);
    assert_eq!(backup.status.code(), Some(1), "{}", stdout(&backup));
    let waive = |rule: &str, subject: &str| {
        format!("  - {{rule: {rule}, subject: {subject}, reason: known, owner: ana, expires: 2027-01-01}}\n")
    };
    let mut waived = format!("{text}waivers:\n");
    for (rule, subject) in [
        ("job/unmonitored", "export"),
        ("job/missed-delivery", "export"),
        ("job/stale", "export"),
        ("backup/stale", "db-nightly"),
        ("backup/no-recent-drill", "db-nightly"),
        ("backup/no-offsite-copy", "db-nightly"),
    ] {
        waived.push_str(&waive(rule, subject));
    }
    std::fs::write(&inv, waived).unwrap();
    let job = opsctl(&["job", "status", path, "--at", AT, "--fail-on", "medium"]);
    assert_eq!(job.status.code(), Some(0), "{}{}", stdout(&job), stderr(&job));
    assert!(
        stdout(&job).contains(
            "  MEDIUM     no monitor watches the deliveries of job 'export' [job/unmonitored] \
             (waived until 2027-01-01T00:00:00Z by ana)\n"
        ),
        "{}",
        stdout(&job)
    );
    let backup = opsctl(&["backup", "status", path, "--at", AT, "--fail-on", "high"]);
    assert_eq!(backup.status.code(), Some(0), "{}{}", stdout(&backup), stderr(&backup));
}
