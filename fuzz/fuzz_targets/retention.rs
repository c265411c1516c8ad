//! The retention engine (`RetentionPolicy::apply`, `forget`) against a
//! reference written here from restic's `ApplyPolicy` as the engine
//! documents it, on snapshots that tie, share buckets, carry odd offsets or
//! leap seconds, sit in the future or at the ends of the calendar.
//!
//! The reference shares nothing with the engine but its input types: it
//! computes calendar fields, ISO weeks and `--keep-within` cut-offs with its
//! own integer arithmetic (exact over any range, so it never needs an
//! "out of range" answer), and decides each rule separately before merging
//! the reasons in restic's order. The engine must give exactly its keep and
//! remove lists, reasons (as restic prints them) and counters.
#![no_main]

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ops_core::Error;
use ops_core::backup::{KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, forget};
use ops_core::backup::retention::{Bucket, GroupBy, TagList};

// ---------------------------------------------------------------------------
// The reference: a proleptic Gregorian calendar on plain integers.
// ---------------------------------------------------------------------------

/// Days from 1970-01-01 to `y-m-d` (`m` in 1..=12, `d` may be any number:
/// day 0 is the last day of the previous month, as Go normalises).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Count from 0000-03-01 so that the leap day ends the year.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * m + 2) / 5; // days from 1 March to the first of month m (0 = March)
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + (d - 1)
}

/// `(year, month, day)` of a day number from [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A snapshot time as the reference sees it: seconds since the epoch in UTC,
/// nanoseconds (1e9 or more during a leap second, which sorts after second 59
/// and before the next minute), and the recorded offset in seconds.
#[derive(Clone, Copy, Debug)]
struct Time {
    secs: i64,
    nanos: i64,
    offset: i64,
}

impl Time {
    fn of(t: &DateTime<FixedOffset>) -> Time {
        Time {
            secs: t.timestamp(),
            nanos: i64::from(t.timestamp_subsec_nanos()),
            offset: i64::from(t.offset().local_minus_utc()),
        }
    }

    /// The instant, comparable: `(seconds, nanoseconds)`.
    fn instant(&self) -> (i128, i64) {
        (i128::from(self.secs), self.nanos)
    }

    /// Local `(year, month, day, hour, seconds into the hour)`.
    fn local(&self) -> (i64, i64, i64, i64, i64) {
        let local = self.secs + self.offset;
        let (y, m, d) = civil_from_days(local.div_euclid(86_400));
        let sod = local.rem_euclid(86_400);
        (y, m, d, sod / 3600, sod % 3600)
    }

    /// The bucket a snapshot falls in for a rule (`nr`: its place, newest first).
    fn key(&self, bucket: Bucket, nr: usize) -> (i64, i64, i64, i64) {
        let (y, m, d, h, _) = self.local();
        match bucket {
            Bucket::Last => (nr as i64, 0, 0, 0),
            Bucket::Hourly => (y, m, d, h),
            Bucket::Daily => (y, m, d, 0),
            Bucket::Weekly => {
                // ISO 8601: the week's Thursday decides its year; weeks start on Monday.
                let day = days_from_civil(y, m, d);
                let monday_based = (day + 3).rem_euclid(7); // 1970-01-01 was a Thursday
                let thursday = day - monday_based + 3;
                let (iso_year, _, _) = civil_from_days(thursday);
                let week = (thursday - days_from_civil(iso_year, 1, 1)) / 7 + 1;
                (iso_year, week, 0, 0)
            }
            Bucket::Monthly => (y, m, 0, 0),
            Bucket::Yearly => (y, 0, 0, 0),
        }
    }

    /// Go's `AddDate(-years, -months, -days)` in this time's own offset, then
    /// `hours` subtracted as elapsed time: exact, whatever the magnitudes.
    fn minus(&self, d: &ResticDuration) -> (i128, i64) {
        let (y, m, day, h, into_hour) = self.local();
        let month = i128::from(y) * 12 + i128::from(m - 1) - i128::from(d.years) * 12 - i128::from(d.months);
        let (year, month) = (month.div_euclid(12), month.rem_euclid(12) + 1);
        // days_from_civil on i64 is exact for any year an i32 count can reach
        // from a 4-digit year (|year| < 2^36), so the narrowing cannot lose.
        let year = i64::try_from(year).expect("year fits");
        let date = days_from_civil(year, month as i64, day - i64::from(d.days));
        let local = i128::from(date) * 86_400 + i128::from(h * 3600 + into_hour);
        (local - i128::from(self.offset) - i128::from(d.hours) * 3600, self.nanos)
    }
}

/// restic's `HasTags`: the list's tags in order; `""` matches (at once) an
/// untagged snapshot, any other tag must be present.
fn has_tags(list: &[String], tags: &[String]) -> bool {
    for tag in list {
        if tag.is_empty() && tags.is_empty() {
            return true;
        }
        if !tags.contains(tag) {
            return false;
        }
    }
    true
}

/// restic's `Duration.String`: each non-zero part with its unit.
fn duration_text(d: &ResticDuration) -> String {
    [(d.years, 'y'), (d.months, 'm'), (d.days, 'd'), (d.hours, 'h')]
        .iter()
        .filter(|(n, _)| *n != 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect()
}

/// What the reference decides: per snapshot, newest first, its input index,
/// its reasons in restic's words and the counters after it (`None`: removed).
type Expected = Vec<(usize, Option<(Vec<String>, [i64; 6])>)>;

fn reference(p: &RetentionPolicy, s: &[RetentionSnapshot], now: DateTime<Utc>) -> Expected {
    let current = p.version == ResticVersion::Current;
    let times: Vec<Time> = s.iter().map(|s| Time::of(&s.time)).collect();
    // Newest first; equal instants in input order (a stable sort).
    let mut order: Vec<usize> = (0..s.len()).collect();
    order.sort_by(|&a, &b| times[b].instant().cmp(&times[a].instant()));
    let n = order.len();

    // The newest instant before `now` and after Go's zero time, the first of
    // equal ones in sorted order (its offset drives the calendar arithmetic).
    let now = (i128::from(now.timestamp()), i64::from(now.timestamp_subsec_nanos()));
    let zero = Time {
        secs: days_from_civil(1, 1, 1) * 86_400,
        nanos: 0,
        offset: 0,
    };
    let newest = order
        .iter()
        .map(|&i| times[i])
        .filter(|t| t.instant() < now)
        .fold(zero, |best, t| if t.instant() > best.instant() { t } else { best });
    let zero_duration = |d: &ResticDuration| d.years == 0 && d.months == 0 && d.days == 0 && d.hours == 0;
    let within = |d: &ResticDuration, t: &Time| !zero_duration(d) && t.instant() > newest.minus(d);

    // Reasons per sorted position, rule by rule in restic's order.
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); n];
    for list in &p.tags {
        for (pos, &i) in order.iter().enumerate() {
            if has_tags(&list.0, &s[i].tags) {
                reasons[pos].push(format!("has tags [{}]", list.0.join(", ")));
            }
        }
    }
    for (pos, &i) in order.iter().enumerate() {
        if within(&p.within, &times[i]) {
            reasons[pos].push(format!("within {}", duration_text(&p.within)));
        }
    }
    let mut counters = vec![[0i64; 6]; n];
    for (b, bucket) in Bucket::ALL.into_iter().enumerate() {
        let start = p.count(bucket).as_restic_int();
        let unlimited = current && start == -1;
        let mut left = start;
        let mut previous = None;
        for (pos, &i) in order.iter().enumerate() {
            if left > 0 || unlimited {
                let key = times[i].key(bucket, pos);
                let opens = previous != Some(key);
                let oldest = current && pos == n - 1;
                if opens || oldest {
                    previous = Some(key);
                    left -= i64::from(!unlimited);
                    let prefix = if opens { "" } else { "oldest " };
                    reasons[pos].push(format!("{prefix}{} snapshot", bucket.name()));
                }
            }
            counters[pos][b] = left;
        }
    }
    for bucket in &Bucket::ALL[1..] {
        let d = p.within_of(*bucket);
        let mut previous = None;
        for (pos, &i) in order.iter().enumerate() {
            if within(&d, &times[i]) {
                let key = times[i].key(*bucket, pos);
                let opens = previous != Some(key);
                if opens || (current && pos == n - 1) {
                    previous = Some(key);
                    let prefix = if opens { "" } else { "oldest " };
                    reasons[pos].push(format!("{prefix}{} within {}", bucket.name(), duration_text(&d)));
                }
            }
        }
    }
    order
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let r = std::mem::take(&mut reasons[pos]);
            (i, if r.is_empty() { None } else { Some((r, counters[pos])) })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Inputs.
// ---------------------------------------------------------------------------

fn count(u: &mut Unstructured<'_>, version: ResticVersion) -> Result<KeepCount> {
    Ok(match u.int_in_range(0..=9u8)? {
        0..=3 => KeepCount::Off,
        4..=7 => KeepCount::Count(u.int_in_range(1..=6)?),
        8 => KeepCount::Count(u.arbitrary()?),
        _ if version == ResticVersion::Current => KeepCount::Unlimited,
        _ => KeepCount::Negative(-i64::from(u.int_in_range(1..=3u8)?)),
    })
}

fn duration(u: &mut Unstructured<'_>, version: ResticVersion) -> Result<ResticDuration> {
    let mut d = ResticDuration::default();
    match u.int_in_range(0..=5u8)? {
        0..=2 => {}
        3 | 4 => {
            d.years = u.int_in_range(0..=1)?;
            d.months = u.int_in_range(0..=14)?;
            d.days = u.int_in_range(0..=40)?;
            d.hours = u.int_in_range(0..=50)?;
        }
        // any size, and in 0.14 any sign
        _ => {
            for part in [&mut d.years, &mut d.months, &mut d.days, &mut d.hours] {
                *part = match u.int_in_range(0..=3u8)? {
                    0 => 0,
                    1 => u.int_in_range(-3..=30)?,
                    _ => u.arbitrary()?,
                };
                if version == ResticVersion::Current {
                    *part = part.checked_abs().unwrap_or(i32::MAX);
                }
            }
        }
    }
    Ok(d)
}

const TAGS: [&str; 3] = ["a", "b", "c"];

/// A time near the previous one (so buckets repeat and instants tie), or
/// anywhere from year 0 to 9999; offsets of any size chrono allows.
fn snapshot_time(u: &mut Unstructured<'_>, previous: Option<i64>) -> Result<DateTime<FixedOffset>> {
    const STEPS: [i64; 8] = [0, 1, 59, 1800, 3600, 86_400, 7 * 86_400, 31 * 86_400];
    let min = NaiveDate::from_ymd_opt(0, 1, 2)
        .expect("date")
        .and_time(Default::default())
        .and_utc()
        .timestamp();
    let max = NaiveDate::from_ymd_opt(9999, 12, 30)
        .expect("date")
        .and_time(Default::default())
        .and_utc()
        .timestamp();
    let base = 1_795_651_200; // 2026-11-26T00:00:00Z
    let secs = match (u.int_in_range(0..=7u8)?, previous) {
        (0..=4, Some(prev)) => {
            let step = STEPS[u.choose_index(STEPS.len())?] * i64::from(u.int_in_range(-3..=3i8)?);
            prev + step
        }
        (5, _) => u.int_in_range(min..=max)?,
        (6, _) => {
            [min, max, -62_135_596_800 /* 0001-01-01 */][u.choose_index(3)?]
                + i64::from(u.int_in_range(-100_000..=100_000i32)?)
        }
        _ => base + i64::from(u.int_in_range(-(400 * 86_400)..=(40 * 86_400))?),
    }
    .clamp(min, max);
    let offset = match u.int_in_range(0..=3u8)? {
        0 => 0,
        1 | 2 => i32::from(u.int_in_range(-48..=56i8)?) * 900,
        _ => u.int_in_range(-86_399..=86_399)?,
    };
    let offset = FixedOffset::east_opt(offset).expect("offset in range");
    let nanos: u32 = match u.int_in_range(0..=5u8)? {
        0 => u.int_in_range(0..=999_999_999)?,
        1 if secs.rem_euclid(60) == 59 => 1_000_000_000 + u.int_in_range(0..=999_999_999)?, // leap second
        _ => 0,
    };
    let utc = DateTime::<Utc>::from_timestamp(secs, nanos).expect("in range");
    Ok(offset.from_utc_datetime(&utc.naive_utc()))
}

struct Case {
    policy: RetentionPolicy,
    snapshots: Vec<RetentionSnapshot>,
    now: DateTime<Utc>,
}

fn case(u: &mut Unstructured<'_>) -> Result<Case> {
    let version = if u.arbitrary()? {
        ResticVersion::Current
    } else {
        ResticVersion::V0_14
    };
    let mut policy = RetentionPolicy::default();
    policy.version = version;
    for b in Bucket::ALL {
        policy.set_count(b, count(u, version)?);
        policy.set_within(b, duration(u, version)?);
    }
    for _ in 0..u.int_in_range(0..=2u8)? {
        let list = ["a", "b", "a,b", "", "c, a", "a,"][u.choose_index(6)?];
        policy.tags.push(TagList::parse(list));
    }
    let n = u.int_in_range(1..=24usize)?;
    let mut snapshots: Vec<RetentionSnapshot> = Vec::with_capacity(n);
    for i in 0..n {
        let previous = snapshots.last().map(|s| s.time.timestamp());
        let time = snapshot_time(u, previous)?;
        let tags: BTreeSet<&str> = TAGS
            .iter()
            .copied()
            .filter(|_| u.ratio(1, 3).unwrap_or(false))
            .collect();
        snapshots.push(RetentionSnapshot::new(format!("s{i}"), time).with_tags(tags));
    }
    // `now`: after, among or before the snapshots.
    let pivot = snapshots[u.choose_index(n)?].time.timestamp();
    let now = DateTime::<Utc>::from_timestamp(pivot + i64::from(u.int_in_range(-90_000..=90_000i32)?), 0)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    Ok(Case { policy, snapshots, now })
}

fuzz_target!(|data: &[u8]| {
    let Ok(Case { policy, snapshots, now }) = case(&mut Unstructured::new(data)) else {
        return;
    };
    let decision = policy
        .apply(&snapshots, now)
        .expect("a policy restic's version accepts");

    let expected = reference(&policy, &snapshots, now);
    let keep: Vec<(usize, Vec<String>, [i64; 6])> = expected
        .iter()
        .filter_map(|(i, k)| k.as_ref().map(|(r, c)| (*i, r.clone(), *c)))
        .collect();
    let remove: Vec<usize> = expected.iter().filter(|(_, k)| k.is_none()).map(|(i, _)| *i).collect();
    let got: Vec<(usize, Vec<String>, [i64; 6])> = decision
        .keep
        .iter()
        .map(|k| {
            (
                k.index,
                k.reasons.iter().map(ToString::to_string).collect(),
                k.counters.left,
            )
        })
        .collect();
    assert_eq!(got, keep, "kept, for {policy:?} at {now} on {snapshots:#?}");
    assert_eq!(
        decision.remove, remove,
        "removed, for {policy:?} at {now} on {snapshots:#?}"
    );

    // forget, one group: refuses an empty policy, and (current releases) one
    // that removes everything; otherwise it is `apply`.
    match forget(&snapshots, &policy, GroupBy::parse("").expect("no grouping"), now) {
        Err(Error::EmptyRetentionPolicy) => assert!(policy.is_empty()),
        Err(Error::RetentionRemovesAll { group }) => {
            assert_eq!(policy.version, ResticVersion::Current);
            assert!(decision.keep.is_empty());
            assert_eq!(group, "");
        }
        Err(e) => panic!("forget failed: {e}"),
        Ok(groups) => {
            assert!(!policy.is_empty());
            assert!(policy.version == ResticVersion::V0_14 || !decision.keep.is_empty());
            assert_eq!(groups.len(), 1);
            assert_eq!(groups[0].decision, decision);
        }
    }
});
