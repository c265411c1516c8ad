//! The backup checks: exact findings on small inventories, and silence when
//! the one fact a check is about is fixed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::{Check, Context, Finding, Format, Inventory};

const AT: &str = "2026-11-22T09:00:00Z";

fn run(check: &dyn Check, yaml: &str) -> Vec<Finding> {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap();
    check.run(&Context::new(&inv, AT.parse().unwrap())).unwrap()
}

/// The findings of each of `checks` in turn.
fn run_each(checks: &[&dyn Check], yaml: &str) -> Vec<Finding> {
    checks.iter().flat_map(|check| run(*check, yaml)).collect()
}

/// The rules on restore drills.
const RESTORE_DRILLS: &[&dyn Check] = &[
    &ops_core::backup::NO_RECENT_DRILL,
    &ops_core::backup::DRILL_SLOWER_THAN_RTO,
    &ops_core::backup::DRILL_ONLY_BY_OWNER,
];

/// The rules on where copies are kept.
const COPY_PLACEMENT: &[&dyn Check] = &[
    &ops_core::backup::NO_OFFSITE_COPY,
    &ops_core::backup::NO_IMMUTABLE_COPY,
    &ops_core::backup::UNENCRYPTED_OFFSITE_COPY,
];

/// (rule, severity, subject id, message) of each finding.
fn summary(findings: &[Finding]) -> Vec<(String, String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.check.to_string(),
                f.severity.to_string(),
                f.subject.id.clone(),
                f.message.clone(),
            )
        })
        .collect()
}

fn s(rule: &str, severity: &str, subject: &str, message: &str) -> (String, String, String, String) {
    (
        rule.to_owned(),
        severity.to_owned(),
        subject.to_owned(),
        message.to_owned(),
    )
}

/// A policy that passes every check; tests break one thing at a time.
const GOOD: &str = "
people: [{id: maya}, {id: tom}]
components: [{id: db, kind: database}]
backup_policies:
  - id: nightly
    protects: db
    owner: maya
    schedule: {cron: '0 */6 * * *', timezone: Europe/London}
    rpo: 12h
    rto: 4h
    drill_interval: 13w
    monitor: https://healthchecks.example/nightly
    copies:
      - {location: s3://primary, offsite: false}
      - {location: b2://vault, offsite: true, immutable: true, encrypted: true}
restore_drills:
  - {policy: nightly, at: 2026-06-01, by: maya, duration: 1h, outcome: success}
  - {policy: nightly, at: 2026-10-01, by: tom, duration: 3h, outcome: success}
backup_runs:
  - {policy: nightly, started_at: 2026-11-21T12:00:00Z, status: success, size_bytes: 1000, checksum: a}
  - {policy: nightly, started_at: 2026-11-21T18:00:00Z, status: success, size_bytes: 1010, checksum: b}
  - {policy: nightly, started_at: 2026-11-22T00:00:00Z, status: success, size_bytes: 990, checksum: c}
  - {policy: nightly, started_at: 2026-11-22T06:00:00Z, status: success, size_bytes: 1005, checksum: d}
";

fn all_checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(&ops_core::backup::UNPROTECTED_DATA),
        Box::new(&ops_core::backup::SCHEDULE_EXCEEDS_RPO),
        Box::new(&ops_core::backup::STALE),
        Box::new(&ops_core::backup::SUSPICIOUS_RUN),
        Box::new(&ops_core::backup::NO_RECENT_DRILL),
        Box::new(&ops_core::backup::DRILL_SLOWER_THAN_RTO),
        Box::new(&ops_core::backup::DRILL_ONLY_BY_OWNER),
        Box::new(&ops_core::backup::NO_OFFSITE_COPY),
        Box::new(&ops_core::backup::NO_IMMUTABLE_COPY),
        Box::new(&ops_core::backup::UNENCRYPTED_OFFSITE_COPY),
        Box::new(&ops_core::backup::UNMONITORED),
    ]
}

#[test]
fn a_healthy_policy_has_no_findings() {
    for check in all_checks() {
        assert_eq!(summary(&run(check.as_ref(), GOOD)), [], "{}", check.name());
    }
}

#[test]
fn stateful_components_without_a_policy() {
    let yaml = "components:\n  - {id: db, kind: database}\n  - {id: files, stateful: true}\n  - {id: web}\n  - {id: q, kind: queue, stateful: false}\n";
    assert_eq!(
        summary(&run(&ops_core::backup::UNPROTECTED_DATA, yaml)),
        [
            s(
                "backup/unprotected-data",
                "high",
                "db",
                "database 'db' holds data but no backup policy protects it"
            ),
            s(
                "backup/unprotected-data",
                "high",
                "files",
                "service 'files' holds data but no backup policy protects it"
            ),
        ]
    );
}

#[test]
fn schedule_gaps_longer_than_the_rpo() {
    let nightly = GOOD
        .replace("'0 */6 * * *'", "'30 2 * * *'")
        .replace("rpo: 12h", "rpo: 24h");
    assert_eq!(
        summary(&run(&ops_core::backup::SCHEDULE_EXCEEDS_RPO, &nightly)),
        [s(
            "backup/schedule-exceeds-rpo",
            "medium",
            "nightly",
            "backup policy 'nightly' can go 25h between runs (after the run at 2027-10-30 01:30 UTC), longer than its RPO of 24h"
        )]
    );
    // The same schedule in UTC keeps a 24-hour RPO.
    let utc = nightly.replace("timezone: Europe/London", "timezone: UTC");
    assert_eq!(summary(&run(&ops_core::backup::SCHEDULE_EXCEEDS_RPO, &utc)), []);
    let interval = GOOD.replace("{cron: '0 */6 * * *', timezone: Europe/London}", "{every: 36h}");
    assert_eq!(
        summary(&run(&ops_core::backup::SCHEDULE_EXCEEDS_RPO, &interval)),
        [s(
            "backup/schedule-exceeds-rpo",
            "medium",
            "nightly",
            "backup policy 'nightly' can go 36h between runs, longer than its RPO of 12h"
        )]
    );
}

#[test]
fn stale_when_the_good_runs_stop() {
    let stopped = GOOD
        .replace(
            "2026-11-22T00:00:00Z, status: success, size_bytes: 990",
            "2026-11-22T00:00:00Z, status: failed, size_bytes: 990",
        )
        .replace(
            "2026-11-22T06:00:00Z, status: success, size_bytes: 1005",
            "2026-11-22T06:00:00Z, status: success, size_bytes: 0",
        );
    assert_eq!(
        summary(&run(&ops_core::backup::STALE, &stopped)),
        [s(
            "backup/stale",
            "high",
            "nightly",
            "backup policy 'nightly': the newest good backup is from 2026-11-21 18:00 UTC, 15h ago, over its RPO of 12h; \
             1 run since reported success without data"
        )]
    );
    let never = "components: [{id: db}]\nbackup_policies: [{id: p, protects: db, rpo: 1d}]\n";
    assert_eq!(
        summary(&run(&ops_core::backup::STALE, never)),
        [s(
            "backup/stale",
            "critical",
            "p",
            "backup policy 'p' has no successful backup with data on record"
        )]
    );
    // Runs after the evaluation instant do not count.
    let future = GOOD.replace("2026-11-21T12:00:00Z", "2026-11-23T12:00:00Z");
    assert_eq!(summary(&run(&ops_core::backup::STALE, &future)), []);
}

#[test]
fn runs_that_claim_success_without_data() {
    let yaml = format!(
        "{GOOD}  - {{policy: nightly, started_at: 2026-11-22T07:00:00Z, status: success, size_bytes: 400, checksum: e}}
  - {{id: run-8, policy: nightly, started_at: 2026-11-22T07:30:00Z, status: success, location: s3://primary/x}}
  - {{policy: nightly, started_at: 2026-11-22T08:00:00Z, status: success}}
  - {{policy: nightly, started_at: 2026-11-22T08:30:00Z, status: failed}}
"
    );
    assert_eq!(
        summary(&run(&ops_core::backup::SUSPICIOUS_RUN, &yaml)),
        [
            s(
                "backup/suspicious-run",
                "high",
                "nightly@2026-11-22T07:00Z",
                "backup run of 'nightly' at 2026-11-22 07:00 UTC reported success but: artifact of 400 bytes is under \
                 half the median (1005 bytes) of the 4 runs before it"
            ),
            s(
                "backup/suspicious-run",
                "low",
                "run-8",
                "backup run of 'nightly' at 2026-11-22 07:30 UTC reported success but: no checksum"
            ),
            s(
                "backup/suspicious-run",
                "high",
                "nightly@2026-11-22T08:00Z",
                "backup run of 'nightly' at 2026-11-22 08:00 UTC reported success but: no artifact recorded (no size, \
                 no location); no checksum"
            ),
        ]
    );
}

#[test]
fn drills_overdue_slow_or_only_by_the_owner() {
    let yaml = GOOD
        .replace(
            "at: 2026-10-01, by: tom, duration: 3h, outcome: success",
            "at: 2026-10-01, by: maya, duration: 5h, outcome: failed",
        )
        .replace(
            "at: 2026-06-01, by: maya, duration: 1h",
            "at: 2026-06-01, by: maya, duration: 4h30m",
        );
    assert_eq!(
        summary(&run_each(RESTORE_DRILLS, &yaml)),
        [
            s(
                "backup/no-recent-drill",
                "high",
                "nightly",
                "backup policy 'nightly': the last successful restore drill was on 2026-06-01, 174 days ago; drills \
                 are due every 91 days (the drill on 2026-10-01 did not succeed)"
            ),
            s(
                "backup/drill-slower-than-rto",
                "high",
                "nightly",
                "backup policy 'nightly': the restore drill on 2026-06-01 took 4h30m, longer than its RTO of 4h"
            ),
            s(
                "backup/drill-only-by-owner",
                "medium",
                "nightly",
                "every restore drill of backup policy 'nightly' (2) was done by its owner"
            ),
        ]
    );
    let none = GOOD
        .replace("restore_drills:\n", "restore_drills: []\n")
        .replace(
            "  - {policy: nightly, at: 2026-06-01, by: maya, duration: 1h, outcome: success}\n",
            "",
        )
        .replace(
            "  - {policy: nightly, at: 2026-10-01, by: tom, duration: 3h, outcome: success}\n",
            "",
        );
    assert_eq!(
        summary(&run_each(RESTORE_DRILLS, &none)),
        [s(
            "backup/no-recent-drill",
            "high",
            "nightly",
            "backup policy 'nightly' has no successful restore drill on record"
        )]
    );
    let lenient = ops_core::backup::NO_RECENT_DRILL.with_options(
        ops_core::backup::NoRecentDrillOptions::default().with_default_interval(chrono::TimeDelta::days(400)),
    );
    let no_interval = GOOD.replace("    drill_interval: 13w\n", "");
    assert_eq!(summary(&run(&lenient, &no_interval)), []);
}

#[test]
fn copies_offsite_and_immutable() {
    let yaml = GOOD.replace("offsite: true, immutable: true, encrypted: true", "offsite: false");
    assert_eq!(
        summary(&run_each(COPY_PLACEMENT, &yaml)),
        [
            s(
                "backup/no-offsite-copy",
                "high",
                "nightly",
                "backup policy 'nightly' keeps no copy offsite (2 copies)"
            ),
            s(
                "backup/no-immutable-copy",
                "medium",
                "nightly",
                "backup policy 'nightly' has no immutable copy (2 copies)"
            ),
        ]
    );
}

#[test]
fn offsite_copies_not_marked_encrypted() {
    // Left out and explicitly false are both "not known to be encrypted";
    // an onsite copy without encryption is not this rule's concern.
    for copy in [
        "offsite: true, immutable: true",
        "offsite: true, immutable: true, encrypted: false",
    ] {
        let yaml = GOOD.replace("offsite: true, immutable: true, encrypted: true", copy);
        assert_eq!(
            summary(&run_each(COPY_PLACEMENT, &yaml)),
            [s(
                "backup/unencrypted-offsite-copy",
                "high",
                "nightly",
                "backup policy 'nightly' keeps an offsite copy at b2://vault that is not marked encrypted"
            )],
            "{copy}"
        );
    }
    let findings = run_each(COPY_PLACEMENT, &GOOD.replace("encrypted: true", "encrypted: false"));
    assert_eq!(
        findings[0].location.as_ref().unwrap().line,
        15,
        "points at the copy (b2://vault)"
    );
    assert_eq!(summary(&run_each(COPY_PLACEMENT, GOOD)), []);
}

#[test]
fn unmonitored_policies() {
    let yaml = GOOD.replace("    monitor: https://healthchecks.example/nightly\n", "");
    assert_eq!(
        summary(&run(&ops_core::backup::UNMONITORED, &yaml)),
        [s(
            "backup/unmonitored",
            "high",
            "nightly",
            "no monitor watches backup policy 'nightly'"
        )]
    );
}
