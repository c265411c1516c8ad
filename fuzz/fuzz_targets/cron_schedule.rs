//! Schedules: arbitrary text as a cron expression never panics, and the runs
//! of a valid one are consistent in both directions in a few time zones with
//! awkward daylight-saving rules; an `every` interval (any duration that
//! parses) gives evenly spaced runs after the given instant.
//!
//! Input: 8 bytes of instant, 8 of a previous run, 1 byte picking the zone,
//! 1 picking cron or interval, then the text.
#![no_main]

use chrono::{DateTime, TimeDelta};
use libfuzzer_sys::fuzz_target;
use ops_core::Timestamp;
use ops_core::backup::{CronExpr, CronSchedule, Schedule};
use ops_core::time::parse_duration;

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
    if mode % 4 == 0 {
        let last = instant(u64::from_le_bytes([l0, l1, l2, l3, l4, l5, l6, l7]));
        every(at, last, text);
    } else {
        cron(at, ZONES[usize::from(zone) % ZONES.len()], text);
    }
});
