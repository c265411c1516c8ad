//! Backup schedules: five-field cron expressions read in an IANA time zone,
//! with explicit daylight-saving rules, and fixed intervals.
//!
//! # Daylight saving time
//!
//! Wall-clock schedules meet two kinds of day a year that are not 24 hours
//! long. ops follows the rules of cronie (the cron of most Linux
//! distributions), so that what it predicts is what the job does:
//!
//! - **Fixed-time jobs** (the hour field is not `*`): a time that falls in
//!   the gap when clocks go forward runs once, at the moment of the change
//!   (`30 1 * * *` in Europe/London runs at 02:00 BST on the last Sunday of
//!   March); a time that occurs twice when clocks go back runs once, at its
//!   first occurrence.
//! - **Hourly and more frequent jobs** (the hour field is `*`): they follow
//!   real time. Times in the gap do not exist and do not run; times that
//!   occur twice run twice.

use std::fmt;

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::Timestamp;

/// How far ahead (or back) to look for the next (or previous) run: long
/// enough for `0 0 29 2 *` (every leap day), with room to spare.
const SEARCH_DAYS: i64 = 9 * 366;

/// A parsed five-field cron expression: minute, hour, day of month, month,
/// day of week, with lists (`1,15`), ranges (`1-5`), steps (`*/15`, `0-30/10`),
/// month and weekday names (`jan`, `mon-fri`) and the `@hourly`, `@daily`
/// (`@midnight`), `@weekly`, `@monthly` and `@yearly` (`@annually`) shorthands.
/// Day 7 of the week is Sunday, like 0. When both the day of month and the
/// day of week are restricted, a day matching either runs (as in every cron).
///
/// ```
/// use ops_core::backup::CronExpr;
/// let c: CronExpr = "30 2 * * mon-fri".parse()?;
/// assert_eq!(c.to_string(), "30 2 * * mon-fri");
/// assert!("61 * * * *".parse::<CronExpr>().is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronExpr {
    source: String,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    days_any: bool,
    weekdays_any: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// One field's allowed values as a bit set, and whether it was `*`.
fn field(text: &str, name: &str, min: u32, max: u32, names: &[&str]) -> Result<(u64, bool), String> {
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + min);
        }
        let v: u32 = s
            .parse()
            .map_err(|_| format!("{name} field: '{s}' is not a number{}", name_hint(names)))?;
        if v < min || v > max {
            return Err(format!("{name} field: {v} is out of range {min}-{max}"));
        }
        Ok(v)
    };
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .ok()
                    .filter(|&s| s > 0)
                    .ok_or_else(|| format!("{name} field: step '{s}' must be a positive number"))?;
                (r, step)
            }
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a)?, value(b)?);
            if a > b {
                return Err(format!("{name} field: range {a}-{b} runs backwards"));
            }
            (a, b)
        } else {
            let a = value(range)?;
            // `5/15` means from 5 to the end in steps of 15.
            (a, if part.contains('/') { max } else { a })
        };
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            // A step past the end of the range (`59/4294967295`) is one value, not an overflow.
            let Some(next) = v.checked_add(step) else { break };
            v = next;
        }
    }
    Ok((bits, text == "*"))
}

fn name_hint(names: &[&str]) -> String {
    match names.first() {
        Some(_) => format!(" or a name ({}...)", names[..3].join(", ")),
        None => String::new(),
    }
}

impl std::str::FromStr for CronExpr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let expanded = match text.trim() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other if other.starts_with('@') => {
                return Err(format!(
                    "unknown shorthand '{other}': expected @hourly, @daily, @weekly, @monthly or @yearly"
                ));
            }
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, day, month, weekday] = fields[..] else {
            return Err(format!(
                "cron expression '{text}' has {} fields; expected 5 (minute hour day-of-month month day-of-week)",
                fields.len()
            ));
        };
        let (minutes, _) = field(minute, "minute", 0, 59, &[])?;
        let (hours, _) = field(hour, "hour", 0, 23, &[])?;
        let (days, days_any) = field(day, "day-of-month", 1, 31, &[])?;
        let (months, _) = field(month, "month", 1, 12, &MONTHS)?;
        let (weekdays, weekdays_any) = field(weekday, "day-of-week", 0, 7, &WEEKDAYS)?;
        // 7 is Sunday too.
        let weekdays = ((weekdays | (weekdays >> 7)) & 0x7f) as u8;
        let expr = CronExpr {
            source: text.trim().to_owned(),
            minutes,
            hours: hours as u32,
            days: days as u32,
            months: months as u16,
            weekdays,
            days_any,
            weekdays_any,
        };
        if weekdays_any || days_any {
            // Only the days of month constrain the date: some must exist in some chosen month.
            let longest = |m: u32| match m {
                2 => 29,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let possible = (1..=12)
                .filter(|&m| expr.months & (1 << m) != 0)
                .any(|m| (1..=longest(m)).any(|d| expr.days & (1 << d) != 0));
            if !possible {
                return Err(format!(
                    "cron expression '{text}' never runs: no chosen month has the chosen days"
                ));
            }
        }
        Ok(expr)
    }
}

impl fmt::Display for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl CronExpr {
    fn runs_on(&self, date: NaiveDate) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let day = self.days & (1 << date.day()) != 0;
        let weekday = self.weekdays & (1 << date.weekday().num_days_from_sunday()) != 0;
        match (self.days_any, self.weekdays_any) {
            (false, false) => day || weekday,
            _ => day && weekday,
        }
    }

    /// The instants this expression runs at on local `date` in `tz`, in
    /// order, following the daylight-saving rules of the module docs.
    fn runs_on_date(&self, tz: Tz, date: NaiveDate, out: &mut Vec<Timestamp>) {
        out.clear();
        if !self.runs_on(date) {
            return;
        }
        let real_time = self.hours == (1 << 24) - 1;
        for h in (0..24).filter(|h| self.hours & (1 << h) != 0) {
            for m in (0..60).filter(|m| self.minutes & (1u64 << m) != 0) {
                let Some(local) = date.and_hms_opt(h, m, 0) else {
                    continue;
                };
                match tz.from_local_datetime(&local) {
                    LocalResult::Single(t) => out.push(t.with_timezone(&Utc)),
                    LocalResult::Ambiguous(first, second) => {
                        out.push(first.with_timezone(&Utc));
                        if real_time {
                            out.push(second.with_timezone(&Utc));
                        }
                    }
                    LocalResult::None if !real_time => {
                        if let Some(t) = end_of_gap(tz, local) {
                            out.push(t);
                        }
                    }
                    LocalResult::None => {}
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The first instant after the daylight-saving gap that `local` falls in:
/// the moment the clocks jump.
fn end_of_gap(tz: Tz, local: NaiveDateTime) -> Option<Timestamp> {
    // Gaps are at most a few hours long; find the first local minute after it.
    (1..=24 * 60).find_map(|k| match tz.from_local_datetime(&(local + Duration::minutes(k))) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => None,
    })
}

/// A cron expression read in an IANA time zone.
///
/// ```
/// use ops_core::backup::CronSchedule;
/// let s = CronSchedule::new("30 1 * * *".parse()?, "Europe/London".parse()?);
/// // 01:30 does not exist on 2026-03-29 in London: the job runs when the clocks jump.
/// let next = s.next_after("2026-03-28T02:00:00Z".parse()?).expect("runs daily");
/// assert_eq!(next.to_rfc3339(), "2026-03-29T01:00:00+00:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSchedule {
    expression: CronExpr,
    timezone: Tz,
}

impl CronSchedule {
    /// `expression` read in `timezone`.
    pub fn new(expression: CronExpr, timezone: Tz) -> Self {
        CronSchedule { expression, timezone }
    }

    /// The expression.
    pub fn expression(&self) -> &CronExpr {
        &self.expression
    }

    /// The time zone.
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// The first run strictly after `after`, if any within nine years.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let start = after.with_timezone(&self.timezone).date_naive() - Duration::days(1);
        let mut runs = Vec::new();
        for d in 0..SEARCH_DAYS {
            let date = start + Duration::days(d);
            self.expression.runs_on_date(self.timezone, date, &mut runs);
            if let Some(&t) = runs.iter().find(|&&t| t > after) {
                return Some(t);
            }
        }
        None
    }

    /// The last run strictly before `before`, if any within nine years.
    pub fn prev_before(&self, before: Timestamp) -> Option<Timestamp> {
        let start = before.with_timezone(&self.timezone).date_naive() + Duration::days(1);
        let mut runs = Vec::new();
        for d in 0..SEARCH_DAYS {
            let date = start - Duration::days(d);
            self.expression.runs_on_date(self.timezone, date, &mut runs);
            if let Some(&t) = runs.iter().rev().find(|&&t| t < before) {
                return Some(t);
            }
        }
        None
    }
}

/// When backups run.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Schedule {
    /// A cron expression in a time zone.
    Cron(CronSchedule),
    /// A fixed interval, counted from the previous run.
    Every(TimeDelta),
}

impl Schedule {
    /// The next `n` runs after `after`. An interval schedule counts from
    /// `last_run` (the start of the previous run) when given, else from `after`.
    ///
    /// ```
    /// use ops_core::backup::Schedule;
    /// let every = Schedule::Every(chrono::TimeDelta::hours(6));
    /// let runs = every.next_runs("2026-11-22T09:00:00Z".parse()?, Some("2026-11-22T08:00:00Z".parse()?), 2);
    /// assert_eq!(runs[0].to_rfc3339(), "2026-11-22T14:00:00+00:00");
    /// assert_eq!(runs[1].to_rfc3339(), "2026-11-22T20:00:00+00:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_runs(&self, after: Timestamp, last_run: Option<Timestamp>, n: usize) -> Vec<Timestamp> {
        let mut out = Vec::with_capacity(n);
        match self {
            Schedule::Cron(c) => {
                let mut t = after;
                while out.len() < n {
                    let Some(next) = c.next_after(t) else { break };
                    out.push(next);
                    t = next;
                }
            }
            Schedule::Every(step) if *step > TimeDelta::zero() => {
                let mut t = last_run.unwrap_or(after);
                if t <= after {
                    // Skip every whole interval up to `after` at once, however
                    // long ago the last run was: exact nanoseconds, no clamping.
                    let nanos =
                        |d: TimeDelta| i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
                    let skip = (nanos(after - t) / nanos(*step)) * nanos(*step);
                    let skip = i64::try_from(skip.div_euclid(1_000_000_000))
                        .ok()
                        .zip(u32::try_from(skip.rem_euclid(1_000_000_000)).ok())
                        .and_then(|(secs, nanos)| TimeDelta::new(secs, nanos));
                    match skip.and_then(|skip| t.checked_add_signed(skip)) {
                        Some(skipped) => t = skipped,
                        None => return out,
                    }
                }
                while out.len() < n {
                    if t > after {
                        out.push(t);
                    }
                    // A step beyond the end of the calendar has no next run.
                    let Some(next) = t.checked_add_signed(*step) else { break };
                    t = next;
                }
            }
            Schedule::Every(_) => {}
        }
        out
    }

    /// The longest time between two consecutive runs in the year after
    /// `from`, and the run that starts it: what a recovery point objective
    /// must allow. Daylight-saving changes make some nights 23 or 25 hours
    /// long, and this is where they show.
    ///
    /// ```
    /// use ops_core::backup::{CronSchedule, Schedule};
    /// let nightly = Schedule::Cron(CronSchedule::new("30 2 * * *".parse()?, "Europe/London".parse()?));
    /// let (gap, _) = nightly.longest_gap("2026-01-01T00:00:00Z".parse()?).expect("runs");
    /// assert_eq!(gap, chrono::TimeDelta::hours(25)); // the night the clocks go back
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn longest_gap(&self, from: Timestamp) -> Option<(TimeDelta, Timestamp)> {
        match self {
            Schedule::Every(step) => Some((*step, from)),
            Schedule::Cron(c) => {
                let first = c.next_after(from)?;
                let end = from + Duration::days(366);
                let tz = c.timezone;
                let mut best = (TimeDelta::zero(), first);
                let mut prev = first;
                let mut runs = Vec::new();
                let mut date = first.with_timezone(&tz).date_naive();
                let last_date = end.with_timezone(&tz).date_naive() + Duration::days(1);
                while date <= last_date {
                    c.expression.runs_on_date(tz, date, &mut runs);
                    for &t in &runs {
                        if t <= prev {
                            continue;
                        }
                        if t - prev > best.0 {
                            best = (t - prev, prev);
                        }
                        prev = t;
                    }
                    date += Duration::days(1);
                    if prev > end {
                        break;
                    }
                }
                if best.0 == TimeDelta::zero() {
                    // At most one run a year: the gap is to the next one.
                    let next = c.next_after(first)?;
                    best = (next - first, first);
                }
                Some(best)
            }
        }
    }
}
