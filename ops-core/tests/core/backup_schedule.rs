//! Cron schedules as cronie runs them: exact runs across daylight-saving
//! changes, the parsing rules of `man 5 crontab` with the reasoning from
//! cronie's source, and a property test against `ops_testkit::cronie`, a
//! minute-by-minute simulation of crond.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use chrono::{Duration, TimeDelta};
use chrono_tz::Tz;
use ops_core::Timestamp;
use ops_core::backup::{CronExpr, CronSchedule, Schedule};
use ops_testkit::cronie;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

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
    assert_eq!(
        err("*/0 * * * *"),
        "minute field: step '0' in '*/0' must be a positive number"
    );
    assert_eq!(
        err("0 5-1 * * *"),
        "hour field: range 5-1 runs backwards: the first number must not be greater than the second (cronie selects nothing from it; it does not wrap around)"
    );
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
        "unknown shorthand '@often': expected @hourly, @daily, @weekly, @monthly or @yearly (lower case)"
    );
}

/// cronie's get_range: after a single number only `-`, `~` or a separator
/// may follow, so `5/15` is "bad minute" there. ops accepted it as 5-59/15.
#[test]
fn a_step_needs_a_star_or_a_range() {
    let err = |s: &str| s.parse::<CronExpr>().unwrap_err();
    assert_eq!(
        err("5/15 * * * *"),
        "minute field: '5/15' has a step after a single number, which cronie refuses: write 5-59/15 (or */15 for 0, 15, 30 and 45)"
    );
    assert_eq!(
        err("0 0 * * 1/2"),
        "day-of-week field: '1/2' has a step after a single number, which cronie refuses: write 1-7/2 (or */2 for 0, 2, 4 and 6)"
    );
    // A step larger than the range selects its first value (cronie warns, and runs it).
    assert_eq!(
        runs(&cron("*/90 3 * * *", "UTC"), "2026-11-01T00:00:00Z", 2),
        ["2026-11-01T03:00:00Z", "2026-11-02T03:00:00Z"]
    );
    assert_eq!(
        err("*/2147483589 * * * *"),
        "minute field: step 2147483589 in '*/2147483589' is too large (at most 2147483588); a step past the end selects just the first value"
    );
    assert!("*/2147483588 * * * *".parse::<CronExpr>().is_ok());
    assert_eq!(
        err("*/ * * * *"),
        "minute field: step '' in '*/' must be a positive number"
    );
    assert_eq!(
        err("*/2/3 * * * *"),
        "minute field: step '2/3' in '*/2/3' must be a positive number"
    );
}

/// cronie sets its DOM_STAR/DOW_STAR flags when the field's first character
/// is `*`, so `*/2` counts as star: a day must then match both fields. The
/// Mondays of November and December 2026 are the 2nd, 9th, 16th, 23rd,
/// 30th, 7th, 14th, 21st and 28th; the odd-dated ones are the 9th, 23rd,
/// 7th and 21st. ops used to treat only a bare `*` as star and ran
/// `0 3 */2 * mon` on every odd date and every Monday.
#[test]
fn a_field_starting_with_a_star_is_star() {
    assert_eq!(
        runs(&cron("0 3 */2 * mon", "UTC"), "2026-11-01T00:00:00Z", 4),
        [
            "2026-11-09T03:00:00Z",
            "2026-11-23T03:00:00Z",
            "2026-12-07T03:00:00Z",
            "2026-12-21T03:00:00Z"
        ]
    );
    // The same days written as a range: not star, so either field (the 1st,
    // a Sunday; the 2nd, a Monday; the 3rd; the 5th).
    assert_eq!(
        runs(&cron("0 3 1-31/2 * mon", "UTC"), "2026-11-01T00:00:00Z", 4),
        [
            "2026-11-01T03:00:00Z",
            "2026-11-02T03:00:00Z",
            "2026-11-03T03:00:00Z",
            "2026-11-05T03:00:00Z"
        ]
    );
    // A star list item after the first is not star: 1,* is every day, and
    // with Monday as the other field, either matches: every day.
    assert_eq!(
        runs(&cron("0 3 1,* * mon", "UTC"), "2026-11-03T00:00:00Z", 2),
        ["2026-11-03T03:00:00Z", "2026-11-04T03:00:00Z"]
    );
    // */2 in the day of week (Sunday, Tuesday, Thursday, Saturday) with the
    // 13th: both must match. 13 November 2026 is a Friday, 13 December a
    // Sunday, 13 January 2027 a Wednesday, 13 February and 13 March Saturdays.
    assert_eq!(
        runs(&cron("0 3 13 * */2", "UTC"), "2026-11-01T00:00:00Z", 3),
        ["2026-12-13T03:00:00Z", "2027-02-13T03:00:00Z", "2027-03-13T03:00:00Z"]
    );
}

/// cronie's daylight-saving rule (`find_jobs` called for wildcard or
/// fixed-time jobs) classifies a job as wildcard when its minute *or* hour
/// field starts with `*`. London skips 01:00-01:59 on 2026-03-29 (01:00 UTC).
#[test]
fn a_star_minute_makes_a_wildcard_job_in_the_spring_gap() {
    // Wildcard: the skipped 01:00 and 01:30 do not run; the next are on the 30th
    // (01:00 BST = 00:00 UTC). ops used to run it at the change, 01:00 UTC.
    assert_eq!(
        runs(&cron("*/30 1 * * *", "Europe/London"), "2026-03-28T12:00:00Z", 2),
        ["2026-03-30T00:00:00Z", "2026-03-30T00:30:00Z"]
    );
    // The same times as a list: fixed-time, they run once, at the change.
    assert_eq!(
        runs(&cron("0,30 1 * * *", "Europe/London"), "2026-03-28T12:00:00Z", 2),
        ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"]
    );
    // A star hour field with a step is wildcard too: 01:00 does not run.
    assert_eq!(
        runs(&cron("0 */1 * * *", "Europe/London"), "2026-03-28T23:30:00Z", 3),
        ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"]
    );
}

/// `0-23` selects every hour but does not start with `*`: a fixed-time job.
/// It runs the skipped 01:00 at the change (01:00 UTC, which is also 02:00
/// BST: one instant), and the repeated 01:00 of 2026-10-25 only the first
/// time (00:00 UTC), where `0 * * * *` runs both (00:00 and 01:00 UTC).
#[test]
fn every_hour_written_as_a_range_is_fixed_time() {
    assert_eq!(
        runs(&cron("0 0-23 * * *", "Europe/London"), "2026-03-28T23:30:00Z", 3),
        ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"]
    );
    assert_eq!(
        runs(&cron("0 0-23 * * *", "Europe/London"), "2026-10-24T23:30:00Z", 3),
        ["2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"]
    );
    assert_eq!(
        runs(&cron("0 * * * *", "Europe/London"), "2026-10-24T23:30:00Z", 3),
        ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"]
    );
}

/// crond's catch-up is for jumps of up to 180 minutes (`timeDiff` 6-180);
/// a larger one resets its clock and runs nothing it skipped. Samoa skipped
/// 30 December 2011 (from -10:00 to +14:00 at 10:00 UTC): noon on the 30th
/// never ran, not even at the change. Noon on the 29th is 22:00 UTC, noon
/// on the 31st is 22:00 UTC on the 30th.
#[test]
fn a_skipped_day_does_not_run() {
    assert_eq!(
        runs(&cron("0 12 * * *", "Pacific/Apia"), "2011-12-29T12:00:00Z", 2),
        ["2011-12-29T22:00:00Z", "2011-12-30T22:00:00Z"]
    );
}

/// Names: the first three letters in any case, wherever a number may stand
/// in the month and day-of-week fields, not as steps and not in other fields.
/// A day-of-week range ending at Sunday as 0 runs to 7 (cronie's rule), so
/// `fri-sun` is Friday, Saturday and Sunday.
#[test]
fn names_ranges_and_sunday() {
    let parses = |s: &str| s.parse::<CronExpr>().is_ok();
    assert!(parses("0 0 * JAN-Mar,jul * "));
    assert!(parses("0 0 * * MON-fri"));
    assert!(parses("0\t0  * * * "), "tabs and runs of spaces separate fields");
    assert!(!parses("0 0 * * monday"));
    assert!(!parses("0 0 jan * *"));
    assert!(!parses("0 0 * */feb *"));
    assert!(!parses("0 0 * * 8"));
    assert_eq!(
        runs(&cron("0 0 * * fri-sun", "UTC"), "2026-11-26T00:00:00Z", 4),
        [
            "2026-11-27T00:00:00Z",
            "2026-11-28T00:00:00Z",
            "2026-11-29T00:00:00Z",
            "2026-12-04T00:00:00Z"
        ]
    );
    assert_eq!(
        runs(&cron("0 0 * * 5-0", "UTC"), "2026-11-26T00:00:00Z", 3),
        runs(&cron("0 0 * * 5-7", "UTC"), "2026-11-26T00:00:00Z", 3)
    );
    // Only there, and only without a step: cronie reads minute 5-0 as 5-7,
    // which the man page's "first number must be less than or equal" forbids.
    let err = |s: &str| s.parse::<CronExpr>().unwrap_err();
    assert!(err("5-0 * * * *").starts_with("minute field: range 5-0 runs backwards"));
    assert!(err("0 0 * * fri-sun/1").starts_with("day-of-week field: range 5-0 runs backwards"));
    // Numbers out of range are refused even where a step skips them (cronie
    // checks only the values it selects).
    assert_eq!(err("0-99/60 * * * *"), "minute field: 99 is out of range 0-59");
    assert_eq!(err("0 0 , * *"), "day-of-month field: an empty item in the list ','");
    assert_eq!(err("0 0 1, * *"), "day-of-month field: an empty item in the list '1,'");
}

/// The shorthands are their expansions in every respect, lower case only.
/// `@reboot` and random values (`~`) have no predictable times.
#[test]
fn shorthands_reboot_and_random_values() {
    let err = |s: &str| s.parse::<CronExpr>().unwrap_err();
    for (short, long) in [
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
    ] {
        for zone in ["Europe/London", "America/New_York"] {
            for at in ["2026-03-07T00:00:00Z", "2026-10-24T00:00:00Z"] {
                assert_eq!(
                    runs(&cron(short, zone), at, 30),
                    runs(&cron(long, zone), at, 30),
                    "{short}"
                );
            }
        }
    }
    assert_eq!(
        err("@reboot"),
        "@reboot runs when crond starts, not at a time: ops cannot predict it; give the schedule the backups follow"
    );
    assert!(err("@Daily").starts_with("unknown shorthand '@Daily'"));
    assert!(err("@daily 5").starts_with("unknown shorthand '@daily 5'"));
    assert_eq!(
        err("0 1~4 * * *"),
        "hour field: '1~4' is a random value, which crond picks when it loads the crontab; ops cannot know it: write the value crond picked"
    );
}

/// `CRON_TZ=Zone` before the fields: crond (here in UTC) matches the fields
/// against the time in Zone at each real minute, so its DST fix-ups do not
/// apply: a London 01:30 that does not exist (2026-03-29) never runs, and
/// one that happens twice (2026-10-25, 00:30 and 01:30 UTC) runs twice,
/// although the job is fixed-time.
#[test]
fn cron_tz_reads_the_fields_in_its_zone_in_real_time() {
    let s = cron("CRON_TZ=Europe/London 30 1 * * *", "UTC");
    assert_eq!(
        runs(&s, "2026-03-28T12:00:00Z", 2),
        ["2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"]
    );
    assert_eq!(
        runs(&s, "2026-10-24T12:00:00Z", 3),
        ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z"]
    );
    let c: CronExpr = "CRON_TZ = 'Asia/Tokyo'  5 0 * * *".parse().unwrap();
    assert_eq!(c.cron_tz(), Some(chrono_tz::Asia::Tokyo));
    assert_eq!(c.to_string(), "CRON_TZ = 'Asia/Tokyo'  5 0 * * *");
    assert_eq!(
        "CRON_TZ=Europe/Lodnon 0 0 * * *".parse::<CronExpr>().unwrap_err(),
        "CRON_TZ: unknown time zone 'Europe/Lodnon': expected an IANA name such as Europe/London (did you mean 'Europe/London'?)"
    );
    assert!("CRON_TZ=UTC @daily".parse::<CronExpr>().is_ok());
}

/// While crond catches up after the machine's clock went back (London,
/// 01:00-01:59 GMT on 2026-10-25 is crond's second pass), it runs only
/// wildcard jobs, `CRON_TZ` ones included: a fixed-time `CRON_TZ=UTC` job at
/// 01:30 UTC does not run that day; a wildcard one does.
#[test]
fn cron_tz_fixed_jobs_miss_the_machines_repeated_hour() {
    assert_eq!(
        runs(
            &cron("CRON_TZ=UTC 30 1 * * *", "Europe/London"),
            "2026-10-24T12:00:00Z",
            2
        ),
        ["2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z"]
    );
    assert_eq!(
        runs(
            &cron("CRON_TZ=UTC */30 1 * * *", "Europe/London"),
            "2026-10-24T12:00:00Z",
            4
        ),
        [
            "2026-10-25T01:00:00Z",
            "2026-10-25T01:30:00Z",
            "2026-10-26T01:00:00Z",
            "2026-10-26T01:30:00Z"
        ]
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

/// A field as people write them, and now and then as they mistype them:
/// `*`, steps, numbers (a few out of range), ranges (a few backwards),
/// names, lists. Numbers up to `hot` are likelier: the hours of the night
/// when clocks change.
fn field(max: u32, hot: u32, names: &'static [&'static str]) -> impl Strategy<Value = String> {
    let in_range = prop_oneof![3 => 0..=hot, 2 => 0..=max];
    let number = prop_oneof![
        6 => in_range.clone().prop_map(|n| n.to_string()),
        1 => (0..=max + 2).prop_map(|n| n.to_string()),
        1 => prop::sample::select(names.to_vec()).prop_map(|n| if n.is_empty() { "0".to_owned() } else { n.to_owned() }),
    ];
    let sorted = (in_range.clone(), in_range).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b)));
    let item = prop_oneof![
        4 => number.clone(),
        3 => sorted.clone(),
        2 => (sorted, 1..=max).prop_map(|(r, s)| format!("{r}/{s}")),
        1 => (number.clone(), number.clone(), 0..=max + 3).prop_map(|(a, b, s)| format!("{a}-{b}/{s}")),
        1 => (number.clone(), number.clone()).prop_map(|(a, b)| format!("{a}-{b}")),
        3 => (1..=max + 3).prop_map(|s| format!("*/{s}")),
        1 => Just("*".to_owned()),
        1 => (number, 0..20u32).prop_map(|(a, s)| format!("{a}/{s}")),
    ];
    prop_oneof![
        3 => Just("*".to_owned()),
        5 => prop::collection::vec(item, 1..4).prop_map(|v| v.join(",")),
    ]
}

/// Zones with awkward changes (London and New York by an hour at 01:00
/// UTC and 02:00 local, Lord Howe by half an hour, Santiago at midnight),
/// each with the day before its 2026 changes; Kolkata and UTC have none.
const ZONE_STARTS: [(&str, &str); 10] = [
    ("Europe/London", "2026-03-28T00:00:00Z"),
    ("Europe/London", "2026-10-24T00:00:00Z"),
    ("America/New_York", "2026-03-07T00:00:00Z"),
    ("America/New_York", "2026-10-31T00:00:00Z"),
    ("Australia/Lord_Howe", "2026-04-04T00:00:00Z"),
    ("Australia/Lord_Howe", "2026-10-03T00:00:00Z"),
    ("America/Santiago", "2026-04-04T00:00:00Z"),
    ("America/Santiago", "2026-09-05T00:00:00Z"),
    ("Asia/Kolkata", "2026-06-10T00:00:00Z"),
    ("UTC", "2026-06-10T00:00:00Z"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// ops and the simulation of cronie (`ops_testkit::cronie`) accept the
    /// same expressions (ops refusing, besides, only what its docs list),
    /// and ops predicts, both ways and as a span (`runs_between`), exactly
    /// the minutes at which the simulated crond starts the job over three
    /// days around DST changes.
    #[test]
    fn runs_are_cronies(
        minute in field(59, 59, &[""]),
        hour in prop_oneof![1 => Just("*".to_owned()), 3 => field(23, 3, &[""])],
        day in prop_oneof![4 => Just("*".to_owned()), 1 => field(31, 31, &[""])],
        month in prop_oneof![4 => Just("*".to_owned()), 1 => field(12, 12, &["jan", "Mar", "OCT", "dec"])],
        weekday in prop_oneof![3 => Just("*".to_owned()), 2 => field(7, 7, &["sun", "Mon", "fri", "SAT"])],
        (zone, start) in prop::sample::select(ZONE_STARTS.to_vec()),
        cron_tz in prop::option::weighted(0.25, prop::sample::select(ZONE_STARTS.map(|(z, _)| z).to_vec())),
    ) {
        let prefix = cron_tz.map(|z| format!("CRON_TZ={z} ")).unwrap_or_default();
        let text = format!("{prefix}{minute} {hour} {day} {month} {weekday}");
        let ours = text.parse::<CronExpr>();
        let theirs = cronie::parse(&text);
        let entry = match (ours, theirs) {
            (Ok(expr), Ok(entry)) => {
                prop_assert!(entry.stricter.is_empty(), "{text}: ops accepts what it documents refusing: {:?}", entry.stricter);
                (expr, entry)
            }
            (Ok(_), Err(why)) => return Err(TestCaseError::fail(format!("{text}: ops accepts, cronie: {why:?}"))),
            (Err(e), Ok(entry)) => {
                prop_assert!(!entry.stricter.is_empty(), "{text}: cronie accepts, ops refuses: {e}");
                return Ok(());
            }
            (Err(_), Err(_)) => return Ok(()),
        };
        let (expr, entry) = entry;
        let tz: Tz = zone.parse().unwrap();
        let schedule = CronSchedule::new(expr, tz);
        let start = t(start);
        let end = start + Duration::days(3);
        let Some(expected) = cronie::runs(&entry, tz, start, end) else { return Ok(()) };
        // The span iterator jobs are judged with, a date at a time: every
        // run, in order, however many.
        let between: Vec<Timestamp> = schedule.runs_between(start + TimeDelta::nanoseconds(1), end).collect();
        prop_assert_eq!(&between, &expected, "{} with crond in {}, runs_between", text, zone);
        if expected.len() <= 300 {
            let mut got = Vec::new();
            let mut at = start;
            while let Some(next) = schedule.next_after(at) {
                if next > end {
                    break;
                }
                got.push(next);
                at = next;
            }
            prop_assert_eq!(&got, &expected, "{} with crond in {}", text, zone);
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
            prop_assert_eq!(back, expected, "{} with crond in {}, backwards", text, zone);
            return Ok(());
        }
        // Hundreds of runs: every pair whose spacing is not the usual one (where
        // the clocks changed), and every seventh, both ways.
        let usual = expected.windows(2).map(|w| w[1] - w[0]).min().unwrap();
        let after = |i: usize| if i == 0 { start } else { expected[i - 1] };
        for i in (0..expected.len()).filter(|&i| i % 7 == 0 || i == 0 || expected[i] - after(i) != usual) {
            prop_assert_eq!(schedule.next_after(after(i)), Some(expected[i]), "{} with crond in {}", text, zone);
            if i > 0 {
                prop_assert_eq!(schedule.prev_before(expected[i]), Some(expected[i - 1]), "{} with crond in {}, backwards", text, zone);
            }
        }
    }
}
