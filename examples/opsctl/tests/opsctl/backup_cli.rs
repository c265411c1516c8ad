//! opsctl backup status and backup schedule, end to end on the example inventory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use crate::common;

use common::{opsctl, stderr, stdout};
use serde_json::Value;

const AT: &str = "2026-11-22T09:00:00Z";
const EXAMPLE: &str = "examples/inventories/startup";

#[test]
fn status_shows_the_backup_that_ran_but_never_arrived() {
    let out = opsctl(&["backup", "status", EXAMPLE, "--at", AT]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let t = stdout(&out);
    assert!(
        t.contains("  last good  2026-11-19 02:30 UTC (3d6h ago), RPO 1d\n"),
        "{t}"
    );
    assert!(t.contains("  suspect    2026-11-21 02:30 UTC: empty artifact (0 bytes); no checksum\n"));
    assert!(t.contains("UNPROTECTED  object_store 'uploads' holds data but no backup policy protects it"));
    // Nothing at or above critical: exit 0 with --fail-on critical.
    let lenient = opsctl(&["backup", "status", EXAMPLE, "--at", AT, "--fail-on", "critical"]);
    assert_eq!(lenient.status.code(), Some(0));
}

#[test]
fn status_json() {
    let out = opsctl(&["backup", "status", EXAMPLE, "--at", AT, "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let p = &doc["policies"][0];
    assert_eq!(p["policy"], "postgres-nightly");
    assert_eq!(p["last_good_run"], "2026-11-19T02:30:00Z");
    assert_eq!(p["next_run"], "2026-11-23T02:30:00Z");
    assert_eq!(p["suspicious_runs"].as_array().unwrap().len(), 2);
    let rules: Vec<&str> = p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 10, "{rules:?}");
    assert_eq!(doc["unprotected_components"], serde_json::json!(["uploads"]));
}

#[test]
fn schedule_calls_out_the_clock_change() {
    let out = opsctl(&[
        "backup",
        "schedule",
        EXAMPLE,
        "postgres-nightly",
        "--next",
        "3",
        "--at",
        "2027-10-29T12:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "postgres-nightly: cron '30 2 * * *' in Europe/London\n\
         \x20 2027-10-30 01:30 UTC  2027-10-30 02:30 BST (+01:00)\n\
         \x20 2027-10-31 02:30 UTC  2027-10-31 02:30 GMT (+00:00)  (clocks changed: +01:00 -> +00:00)\n\
         \x20 2027-11-01 02:30 UTC  2027-11-01 02:30 GMT (+00:00)\n"
    );
    let unknown = opsctl(&["backup", "schedule", EXAMPLE, "postgres-nigthly"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown),
        "error: no backup policy 'postgres-nigthly' in the inventory (did you mean 'postgres-nightly'?)\n"
    );
}
