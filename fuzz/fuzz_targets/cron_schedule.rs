//! Schedules: arbitrary text as a cron expression never panics; ops accepts
//! it exactly when cronie would (`ops_testkit::cronie`, a separate reading
//! of cronie's rules), refusing besides only what its docs list; the runs of
//! a valid one are consistent in both directions and are exactly the
//! minutes the simulated crond starts it at over the next two days, in a few
//! time zones with awkward daylight-saving rules (and `CRON_TZ` in any of
//! them); an `every` interval (any duration that parses) gives evenly spaced
//! runs after the given instant.
//!
//! Input: 8 bytes of instant, 8 of a previous run, 1 byte picking the zone,
//! 1 picking interval, cron at any instant or cron at an instant between
//! 1970 and 2040, then the text.
#![no_main]

use chrono::{DateTime, TimeDelta};
use libfuzzer_sys::fuzz_target;
use ops_core::Timestamp;
use ops_core::backup::{CronExpr, CronSchedule, Schedule};
use ops_core::time::parse_duration;
use ops_testkit::cronie;

/// UTC, a one-hour DST at 01:00 UTC, one at local 02:00, a half-hour DST,
/// a 45-minute offset, DST changes at midnight, no DST at all.
const ZONES: [&str; 7] = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Asia/Kolkata",
];

/// Instants from 0001-01-01 to 9999-12-31: what `parse_instant` can produce.
fn instant(raw: u64) -> Timestamp {
    const MIN: i64 = -62_135_596_800;
    const MAX: i64 = 253_402_300_799;
    let span = (MAX - MIN) as u64 + 1;
    let secs = MIN + (raw % span) as i64;
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Instants from 1970 to 2040, where the zones change offset most.
fn modern(raw: u64) -> Timestamp {
    const SPAN: u64 = 70 * 365 * 86_400;
    DateTime::from_timestamp((raw % SPAN) as i64, 0).unwrap_or_default()
}

/// ops's next and previous runs over two days after `at` are the simulated
/// crond's.
fn against_cronie(at: Timestamp, zone: &str, text: &str) {
    let ours = text.parse::<CronExpr>();
    let theirs = cronie::parse(text);
    let (expr, entry) = match (ours, theirs) {
        (Ok(expr), Ok(entry)) => {
            assert!(entry.stricter.is_empty(), "{text:?}: ops accepts {:?}", entry.stricter);
            (expr, entry)
        }
        (Ok(_), Err(why)) => panic!("{text:?}: ops accepts what cronie refuses: {why:?}"),
        (Err(e), Ok(entry)) => {
            assert!(!entry.stricter.is_empty(), "{text:?}: ops refuses what cronie accepts: {e}");
            return;
        }
        (Err(_), Err(_)) => return,
    };
    let Ok(tz) = zone.parse() else {
        panic!("{zone} is a zone")
    };
    let end = at + TimeDelta::days(2);
    let Some(expected) = cronie::runs(&entry, tz, at, end) else { return };
    let s = CronSchedule::new(expr, tz);
    // Every pair of consecutive runs where the spacing is unusual (a DST
    // change), and every seventh, both ways; and the first after the window.
    let usual = expected.windows(2).map(|w| w[1] - w[0]).min();
    let after = |i: usize| if i == 0 { at } else { expected[i - 1] };
    for i in (0..expected.len()).filter(|&i| i % 7 == 0 || Some(expected[i] - after(i)) != usual) {
        assert_eq!(s.next_after(after(i)), Some(expected[i]), "{text} in {zone} after {}", after(i));
        if i > 0 {
            assert_eq!(s.prev_before(expected[i]), Some(expected[i - 1]), "{text} in {zone} before {}", expected[i]);
        }
    }
    if let Some(&last) = expected.last() {
        assert!(s.next_after(last).is_none_or(|n| n > end), "{text} in {zone}: a run after {last} that crond does not start");
    } else {
        assert!(s.next_after(at).is_none_or(|n| n > end), "{text} in {zone}: a run after {at} that crond does not start");
    }
}

fn cron(at: Timestamp, zone: &str, text: &str) {
    let Ok(expr) = text.parse::<CronExpr>() else { return };
    // Displays as it was written (trimmed) and parses back to itself.
    assert_eq!(expr.to_string(), text.trim());
    assert_eq!(expr.to_string().parse::<CronExpr>().as_ref(), Ok(&expr));
    let Ok(tz) = zone.parse() else {
        panic!("{zone} is a zone")
    };
    let s = CronSchedule::new(expr, tz);
    if let Some(next) = s.next_after(at) {
        assert!(next > at, "{text} in {zone}: next_after({at}) = {next}");
        // Nothing runs between `at` and `next`, so the run before `next` is at or before `at`.
        if let Some(prev) = s.prev_before(next) {
            assert!(prev < next);
            assert!(
                prev <= at,
                "{text} in {zone}: prev_before(next_after({at}) = {next}) = {prev}"
            );
        }
        if let Some(after) = s.next_after(next) {
            assert!(after > next);
        }
    }
    if let Some(prev) = s.prev_before(at) {
        assert!(prev < at, "{text} in {zone}: prev_before({at}) = {prev}");
        if let Some(next) = s.next_after(prev) {
            assert!(next > prev);
            assert!(
                next >= at,
                "{text} in {zone}: next_after(prev_before({at}) = {prev}) = {next}"
            );
        }
    }
}

fn every(at: Timestamp, last: Timestamp, text: &str) {
    let Ok(step) = parse_duration(text) else { return };
    if step <= TimeDelta::zero() {
        return; // validation refuses these
    }
    for last_run in [None, Some(last)] {
        let runs = Schedule::Every(step).next_runs(at, last_run, 3);
        for w in runs.windows(2) {
            assert_eq!(w[1] - w[0], step, "every {text}: {runs:?}");
        }
        if let Some(&first) = runs.first() {
            assert!(first > at, "every {text} after {at}: {first}");
            assert!(
                first - at <= step || last_run.is_some_and(|l| l > at),
                "every {text} after {at}: {first}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<18>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let [
        a0,
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        a7,
        l0,
        l1,
        l2,
        l3,
        l4,
        l5,
        l6,
        l7,
        zone,
        mode,
    ] = *head;
    let at = instant(u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]));
    let raw = u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]);
    let zone = ZONES[usize::from(zone) % ZONES.len()];
    match mode % 4 {
        0 => {
            let last = instant(u64::from_le_bytes([l0, l1, l2, l3, l4, l5, l6, l7]));
            every(at, last, text);
        }
        1 => {
            cron(at, zone, text);
            against_cronie(at, zone, text);
        }
        _ => {
            cron(modern(raw), zone, text);
            against_cronie(modern(raw), zone, text);
        }
    }
});
