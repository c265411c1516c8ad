//! Inputs the fuzz targets (`fuzz/`) found that crashed, hung or broke an
//! invariant, each pinned here so the normal test suite keeps them fixed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use ops_core::backup::{CronExpr, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, Schedule};
use ops_core::time::{parse_duration, parse_instant};
use ops_core::{Format, Inventory, Runner};

/// Runs `f` on another thread and fails if it has not finished in `secs`
/// seconds (a hang fails the test instead of stalling the suite).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(out) => out,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} did not finish in {secs} s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// duration_instant: chrono's `%Y` read `-013-01-01` as the year -13, an
/// instant that prints as `-0013-01-01T00:00:00+00:00`, which no longer parses.
#[test]
fn dates_with_a_sign_or_a_short_year_are_refused() {
    for text in ["-013-01-01", "+013-01-01", "0201-1-011", " 201-01-01x"] {
        assert_eq!(
            parse_instant(text).unwrap_err(),
            format!("invalid date '{}': expected YYYY-MM-DD", text.trim()),
        );
    }
    assert_eq!(
        parse_instant("0000-01-01").unwrap().to_rfc3339(),
        "0000-01-01T00:00:00+00:00"
    );
}

/// duration_instant: a valid RFC 3339 instant whose offset takes it past
/// 9999-12-31 (or before 0000-01-01) in UTC printed as `+10000-01-01T...`,
/// which is no RFC 3339 instant, so reports could not be read back.
#[test]
fn instants_that_leave_years_0000_to_9999_in_utc_are_refused() {
    for text in ["9999-12-31T23:59:59.999999999-23:59", "0000-01-01T00:00:00+00:01"] {
        assert_eq!(
            parse_instant(text).unwrap_err(),
            format!("invalid instant '{text}': in UTC it falls outside the years 0000 to 9999"),
        );
    }
    let last = parse_instant("9999-12-31T23:59:59.999999999Z").unwrap();
    assert_eq!(parse_instant(&last.to_rfc3339()), Ok(last));
}

/// cron_schedule (timeout): an interval schedule whose last run is more than
/// `i32::MAX` intervals back skipped only `i32::MAX` of them, then looped
/// over the rest one interval at a time (billions of iterations).
#[test]
fn an_interval_schedule_long_after_its_last_run_answers_at_once() {
    let at = parse_instant("2026-11-22T09:00:00Z").unwrap();
    let last = parse_instant("1900-01-01T00:00:00Z").unwrap();
    let every = Schedule::Every(TimeDelta::seconds(1));
    let runs = within(5, "next_runs", move || every.next_runs(at, Some(last), 3));
    let expected: Vec<_> = (1..=3).map(|s| at + TimeDelta::seconds(s)).collect();
    assert_eq!(runs, expected);
    // Not a whole number of intervals behind: the runs keep the last run's phase.
    let every = Schedule::Every(TimeDelta::seconds(7));
    let runs = every.next_runs(at, Some(last), 1);
    assert_eq!((runs[0] - last).num_seconds() % 7, 0);
    assert!(runs[0] > at && runs[0] - at <= TimeDelta::seconds(7));
}

/// cron_schedule: an interval longer than what is left of chrono's calendar
/// overflowed `DateTime + TimeDelta` (a panic) when computing the next run.
#[test]
fn an_interval_beyond_the_end_of_the_calendar_has_no_next_run() {
    let at = parse_instant("2026-11-22T09:00:00Z").unwrap();
    let every = Schedule::Every(parse_duration("100000000w").unwrap());
    assert!(every.next_runs(at, None, 2).is_empty());
    assert!(every.next_runs(at, Some(at - TimeDelta::hours(1)), 2).is_empty());
    // The same through an inventory and every built-in check.
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        r"
people: [{id: maya}]
components: [{id: db, kind: database, owners: [maya]}]
backup_policies:
  - {id: db-backup, protects: db, owner: maya, schedule: {every: 100000000w}, rpo: 100000000w}
backup_runs:
  - {policy: db-backup, started_at: 2026-11-21T02:30:00Z, status: success, size_bytes: 10}
",
    )
    .unwrap();
    let report = within(10, "the built-in checks", move || {
        Runner::with_builtin_checks().run(&inv, at)
    });
    assert!(report.failures.is_empty(), "{:?}", report.failures);
}

/// A step larger than the field's range overflowed `u32` while expanding
/// the field into its bit set (a panic in debug builds). Steps now need a
/// range or `*` (as in cronie) and stop where cronie's `int` would overflow.
#[test]
fn a_huge_cron_step_is_a_single_value() {
    let c: CronExpr = "59-59/2147483588 23-23/2147483624 31-31/2147483616 12-12/2147483635 7-7/2147483640"
        .parse()
        .unwrap();
    assert_eq!(
        c.to_string(),
        "59-59/2147483588 23-23/2147483624 31-31/2147483616 12-12/2147483635 7-7/2147483640"
    );
    assert!("0-0/4294967296 * * * *".parse::<CronExpr>().is_err());
    assert!("0-0/2147483589 * * * *".parse::<CronExpr>().is_err());
}

/// Ids of the snapshots `--keep-within-daily` (restic 0.14) keeps, with their reasons.
fn kept_within_daily(within: &str, snapshots: &[(&str, &str)], now: &str) -> Vec<(String, Vec<String>)> {
    let snapshots: Vec<RetentionSnapshot> = snapshots
        .iter()
        .map(|(id, t)| RetentionSnapshot::new(*id, DateTime::parse_from_rfc3339(t).unwrap()))
        .collect();
    let mut policy = RetentionPolicy::default();
    policy.version = ResticVersion::V0_14;
    policy.within_daily = ResticDuration::parse(within).unwrap();
    let now: DateTime<Utc> = now.parse().unwrap();
    let decision = policy.apply(&snapshots, now).unwrap();
    decision
        .keep
        .iter()
        .map(|k| {
            (
                snapshots[k.index].id.clone(),
                k.reasons.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}

/// retention: restic 0.14 accepts `--keep-within*` parts of both signs. A
/// cut-off whose calendar step left chrono's range (about ±262,000 years)
/// was taken to lie after every snapshot whenever any part was negative, so
/// nothing was kept; restic (Go's time has no such limit) puts this one 332
/// million years back and keeps everything.
#[test]
fn a_keep_within_cutoff_past_chronos_range_is_exact() {
    let within = "370282260y-451274337m26d2105118h";
    assert_eq!(
        kept_within_daily(
            within,
            &[("s0", "2025-10-22T00:00:00+00:00"), ("s1", "2025-10-21T00:00:00+00:00")],
            "2025-10-23T00:00:00Z"
        ),
        [
            ("s0".to_owned(), vec![format!("daily within {within}")]),
            ("s1".to_owned(), vec![format!("daily within {within}")]),
        ]
    );
    // The other way: far in the future, nothing is within.
    assert!(
        kept_within_daily(
            "-370282260y451274337m",
            &[("s0", "2025-10-22T00:00:00Z")],
            "2025-10-23T00:00:00Z"
        )
        .is_empty()
    );
}

/// retention: huge parts that cancel out land in range. A million years
/// back is exactly 365,242,500 days (the calendar repeats every 400 years),
/// so this cut-off is one hour before the newest snapshot; the engine gave
/// up on the intermediate date and kept nothing.
#[test]
fn a_keep_within_cutoff_whose_parts_cancel_is_exact() {
    assert_eq!(
        kept_within_daily(
            "1000000y-365242500d1h",
            &[
                ("newest", "2026-11-20T12:00:00+01:00"),
                ("same-day", "2026-11-20T11:30:00+01:00"),
                ("day-before", "2026-11-19T11:30:00+01:00"),
                ("hour-before", "2026-11-20T10:59:59+01:00"),
            ],
            "2026-11-26T00:00:00Z"
        ),
        [(
            "newest".to_owned(),
            vec!["daily within 1000000y-365242500d1h".to_owned()]
        )]
    );
    assert_eq!(
        kept_within_daily(
            "1000000y-365242500d13h",
            &[
                ("newest", "2026-11-20T12:00:00+01:00"),
                ("day-before", "2026-11-19T23:30:00+01:00")
            ],
            "2026-11-26T00:00:00Z"
        ),
        [
            (
                "newest".to_owned(),
                vec!["daily within 1000000y-365242500d13h".to_owned()]
            ),
            (
                "day-before".to_owned(),
                vec!["daily within 1000000y-365242500d13h".to_owned()]
            ),
        ]
    );
}

/// Next and previous runs at the ends of chrono's calendar: no overflow
/// when looking a few days beyond them.
#[test]
fn cron_runs_at_the_ends_of_the_calendar() {
    let s = ops_core::backup::CronSchedule::new("0 0 * * *".parse().unwrap(), chrono_tz::UTC);
    assert_eq!(s.next_after(chrono::DateTime::<chrono::Utc>::MAX_UTC), None);
    assert_eq!(s.prev_before(chrono::DateTime::<chrono::Utc>::MIN_UTC), None);
    assert!(s.next_after(chrono::DateTime::<chrono::Utc>::MIN_UTC).is_some());
    assert!(s.prev_before(chrono::DateTime::<chrono::Utc>::MAX_UTC).is_some());
}
