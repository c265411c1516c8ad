//! Cron schedules in time zones: exact runs across daylight-saving changes,
//! parse errors, and a property test against a minute-by-minute scan of the
//! definition in the module docs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, LocalResult, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use ops_core::Timestamp;
use ops_core::backup::{CronExpr, CronSchedule, Schedule};
use proptest::prelude::*;

fn cron(expr: &str, tz: &str) -> Schedule {
    Schedule::Cron(CronSchedule::new(expr.parse().unwrap(), tz.parse().unwrap()))
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn runs(s: &Schedule, after: &str, n: usize) -> Vec<String> {
    s.next_runs(t(after), None, n)
        .iter()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .collect()
}

#[test]
fn fixed_time_in_the_spring_gap_runs_when_the_clocks_jump() {
    // London: 01:00 GMT becomes 02:00 BST on 2026-03-29.
    assert_eq!(
        runs(&cron("30 1 * * *", "Europe/London"), "2026-03-27T12:00:00Z", 3),
        ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]
    );
    // New York: 02:00 EST becomes 03:00 EDT on 2026-03-08.
    assert_eq!(
        runs(&cron("15 2 * * *", "America/New_York"), "2026-03-07T12:00:00Z", 3),
        ["2026-03-08T07:00:00Z", "2026-03-09T06:15:00Z", "2026-03-10T06:15:00Z"]
    );
}

#[test]
fn fixed_time_in_the_autumn_overlap_runs_once() {
    // London: 02:00 BST becomes 01:00 GMT on 2026-10-25; 01:30 happens twice.
    assert_eq!(
        runs(&cron("30 1 * * *", "Europe/London"), "2026-10-24T12:00:00Z", 3),
        ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z"]
    );
}

#[test]
fn hourly_jobs_follow_real_time() {
    // Twice at 01:00 local when the clocks go back, never in the spring gap.
    assert_eq!(
        runs(&cron("0 * * * *", "Europe/London"), "2026-10-24T23:30:00Z", 4),
        [
            "2026-10-25T00:00:00Z",
            "2026-10-25T01:00:00Z",
            "2026-10-25T02:00:00Z",
            "2026-10-25T03:00:00Z"
        ]
    );
    assert_eq!(
        runs(&cron("30 * * * *", "Europe/London"), "2026-03-28T23:45:00Z", 3),
        ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"]
    );
}

#[test]
fn previous_runs_mirror_next_runs() {
    let s = cron("30 1 * * *", "Europe/London");
    let Schedule::Cron(c) = &s else { unreachable!() };
    assert_eq!(
        c.prev_before(t("2026-03-29T12:00:00Z")),
        Some(t("2026-03-29T01:00:00Z"))
    );
    assert_eq!(
        c.prev_before(t("2026-03-29T01:00:00Z")),
        Some(t("2026-03-28T01:30:00Z"))
    );
    assert_eq!(
        c.prev_before(t("2026-10-25T12:00:00Z")),
        Some(t("2026-10-25T00:30:00Z"))
    );
}

#[test]
fn day_of_month_or_day_of_week_and_leap_days() {
    // Both restricted: either matches (the 13th, or any Friday).
    assert_eq!(
        runs(&cron("0 9 13 * fri", "UTC"), "2026-11-01T00:00:00Z", 4),
        [
            "2026-11-06T09:00:00Z",
            "2026-11-13T09:00:00Z",
            "2026-11-20T09:00:00Z",
            "2026-11-27T09:00:00Z"
        ]
    );
    assert_eq!(
        runs(&cron("0 0 29 2 *", "UTC"), "2026-01-01T00:00:00Z", 2),
        ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]
    );
    assert_eq!(
        runs(&cron("@weekly", "UTC"), "2026-11-26T00:00:00Z", 1),
        ["2026-11-29T00:00:00Z"]
    );
    assert_eq!(
        runs(&cron("0 0 * * 7", "UTC"), "2026-11-26T00:00:00Z", 1),
        ["2026-11-29T00:00:00Z"]
    );
}

#[test]
fn longest_gap_sees_the_25_hour_night() {
    let nightly = cron("30 2 * * *", "Europe/London");
    let (gap, start) = nightly.longest_gap(t("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(gap, TimeDelta::hours(25));
    assert_eq!(start, t("2026-10-24T01:30:00Z"));
    let utc = cron("30 2 * * *", "UTC");
    assert_eq!(
        utc.longest_gap(t("2026-01-01T00:00:00Z")).unwrap().0,
        TimeDelta::hours(24)
    );
    let weekdays = cron("0 3 * * mon-fri", "UTC");
    assert_eq!(
        weekdays.longest_gap(t("2026-01-01T00:00:00Z")).unwrap().0,
        TimeDelta::hours(72)
    );
    let every = Schedule::Every(TimeDelta::hours(6));
    assert_eq!(
        every.longest_gap(t("2026-01-01T00:00:00Z")).unwrap().0,
        TimeDelta::hours(6)
    );
}

#[test]
fn parse_errors_say_what_is_wrong() {
    let err = |s: &str| s.parse::<CronExpr>().unwrap_err();
    assert_eq!(err("61 * * * *"), "minute field: 61 is out of range 0-59");
    assert_eq!(err("0 24 * * *"), "hour field: 24 is out of range 0-23");
    assert_eq!(
        err("0 0 * foo *"),
        "month field: 'foo' is not a number or a name (jan, feb, mar...)"
    );
    assert_eq!(err("*/0 * * * *"), "minute field: step '0' must be a positive number");
    assert_eq!(err("0 5-1 * * *"), "hour field: range 5-1 runs backwards");
    assert_eq!(
        err("0 0 * *"),
        "cron expression '0 0 * *' has 4 fields; expected 5 (minute hour day-of-month month day-of-week)"
    );
    assert_eq!(
        err("0 0 30 2 *"),
        "cron expression '0 0 30 2 *' never runs: no chosen month has the chosen days"
    );
    assert_eq!(
        err("@often"),
        "unknown shorthand '@often': expected @hourly, @daily, @weekly, @monthly or @yearly"
    );
}

#[test]
fn schedules_in_inventories_are_validated_with_locations() {
    let load = |schedule: &str| {
        let text =
            format!("components: [{{id: db}}]\nbackup_policies:\n  - {{id: p, protects: db, schedule: {schedule}}}\n");
        match ops_core::Inventory::from_text("inv.yaml", ops_core::Format::Yaml, &text) {
            Ok(_) => Vec::new(),
            Err(ops_core::Error::Invalid(d)) => d.iter().map(|p| p.to_string()).collect(),
            Err(e) => vec![e.to_string()],
        }
    };
    assert_eq!(
        load("{cron: '0 25 * * *', timezone: Europe/Lodnon}"),
        [
            "inv.yaml:3:44: hour field: 25 is out of range 0-23",
            "inv.yaml:3:68: unknown time zone 'Europe/Lodnon': expected an IANA name such as Europe/London (did you mean 'Europe/London'?)",
        ]
    );
    assert!(load("{cron: '@daily', timezone: America/New_York}").is_empty());
}

/// The definition, minute by minute: does the schedule run at `t`?
fn runs_at(
    t: Timestamp,
    tz: Tz,
    minutes: &BTreeSet<u32>,
    hours: Option<&BTreeSet<u32>>,
    weekdays: &BTreeSet<u32>,
) -> bool {
    let matches = |l: chrono::NaiveDateTime| {
        minutes.contains(&l.minute())
            && hours.is_none_or(|h| h.contains(&l.hour()))
            && weekdays.contains(&l.weekday().num_days_from_sunday())
    };
    let local = t.with_timezone(&tz).naive_local();
    let here = matches(local)
        && match (hours, tz.from_local_datetime(&local)) {
            (Some(_), LocalResult::Ambiguous(first, _)) => first.with_timezone(&Utc) == t,
            _ => true,
        };
    if here || hours.is_none() {
        return here;
    }
    // A fixed-time job also runs at the jump for the local times it skipped.
    let before = (t - Duration::minutes(1)).with_timezone(&tz).naive_local();
    let jump = local - before - Duration::minutes(1);
    jump > TimeDelta::zero() && (1..=jump.num_minutes()).any(|k| matches(local - Duration::minutes(k)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn next_after_matches_a_minute_by_minute_scan(
        zone in prop::sample::select(vec!["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]),
        minutes in prop::collection::btree_set(0u32..60, 1..4),
        hours in prop::option::of(prop::collection::btree_set(0u32..24, 1..4)),
        weekdays in prop::collection::btree_set(0u32..7, 1..8),
        start in prop::sample::select(vec![
            "2026-03-28T00:00:00Z", "2026-10-24T00:00:00Z", "2026-03-07T00:00:00Z",
            "2026-10-31T00:00:00Z", "2026-04-04T00:00:00Z", "2026-10-03T00:00:00Z",
        ]),
    ) {
        let list = |s: &BTreeSet<u32>| s.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let expr = format!(
            "{} {} * * {}",
            list(&minutes),
            hours.as_ref().map_or("*".to_owned(), list),
            list(&weekdays)
        );
        let tz: Tz = zone.parse().unwrap();
        let schedule = CronSchedule::new(expr.parse().unwrap(), tz);
        let start = t(start);
        let end = start + Duration::days(3);
        let mut expected = Vec::new();
        let mut m = start + Duration::minutes(1);
        while m <= end {
            if runs_at(m, tz, &minutes, hours.as_ref(), &weekdays) {
                expected.push(m);
            }
            m += Duration::minutes(1);
        }
        let mut got = Vec::new();
        let mut at = start;
        while let Some(next) = schedule.next_after(at) {
            if next > end {
                break;
            }
            got.push(next);
            at = next;
        }
        prop_assert_eq!(&got, &expected, "{} in {}", expr, zone);
        // And backwards.
        let mut back = Vec::new();
        let mut at = end + Duration::seconds(1);
        while let Some(prev) = schedule.prev_before(at) {
            if prev <= start {
                break;
            }
            back.push(prev);
            at = prev;
        }
        back.reverse();
        prop_assert_eq!(back, expected);
    }
}
