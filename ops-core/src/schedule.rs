//! Schedules, shared by backup policies and scheduled jobs: five-field cron
//! expressions read as cronie (the cron of most Linux distributions) reads
//! them, in an IANA time zone, and fixed intervals; and what a scheduled run
//! reports ([`RunStatus`]).
//!
//! # The expression
//!
//! Exactly the syntax of `man 5 crontab` (cronie 1.7), checked against
//! cronie's parser (`src/entry.c`):
//!
//! - Five fields separated by spaces or tabs: minute (0-59), hour (0-23), day
//!   of month (1-31), month (1-12 or `jan`-`dec`), day of week (0-7, 0 and 7
//!   both Sunday, or `sun`-`sat`). Names are the first three letters, in any
//!   case, and may stand wherever a number may (`mon-fri`, `jan,jul`), but
//!   not as a step.
//! - A field is a comma-separated list of `*`, a number, a range `a-b`, or
//!   `*` or a range followed by a step `/n` (`*/15`, `0-30/10`). A step after a
//!   single number (`5/15`) is refused, as cronie refuses it: write `5-59/15`.
//!   A step of 0 is refused; one larger than the range selects its first
//!   value. No spaces inside a field.
//! - In the day-of-week field a range ending in Sunday as 0 runs to 7 instead
//!   (`fri-sun`, `5-0`), unless a step follows.
//! - `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and
//!   `@hourly` stand for `0 0 1 1 *`, `0 0 1 * *`, `0 0 * * 0`, `0 0 * * *`
//!   and `0 * * * *`, in every respect (cronie's flags for them are those of
//!   the expansions); lower case only, as in cronie.
//! - A field whose first character is `*` is a *star* field, whatever
//!   follows (`*`, `*/2`, `*,5`); `1,*` is not. When the day of month and the
//!   day of week are both non-star, a day matching either runs; when either
//!   is star, a day must match both: `0 3 */2 * mon` runs only on Mondays
//!   with an odd date.
//! - The expression may start with `CRON_TZ=Zone` (spaces around `=` allowed),
//!   the crontab variable that makes cronie read the fields in `Zone` while
//!   crond itself runs in the schedule's zone (the machine's).
//!
//! cronie accepts some expressions that ops refuses, each for a reason:
//! numbers outside a field's range even where a step skips them
//! (`0-99/60`: the table in `man 5 crontab`), ranges whose first number is
//! greater than the second (`22-2`: the man page says it must not be; cronie
//! silently selects nothing from it, or in other fields than the day of week
//! reads `5-0` as `5-7`), expressions that never run (`0 0 30 2 *`),
//! `@reboot` (not a time) and random values (`~`, picked when crond loads
//! the crontab). Every refusal says which.
//!
//! # Daylight saving time
//!
//! ops predicts the instants crond (cronie's `src/cron.c`) starts the job,
//! assuming it wakes at the start of every minute. crond counts minutes of
//! local wall-clock time; when the clock moves by other than one minute it
//! compares the new minute *C* with the last one it handled, *V*:
//!
//! - A **wildcard** job is one whose minute or hour field is a star field
//!   (`* 3 * * *`, `*/30 1 * * *`, `0 */2 * * *`, `@hourly`); the others
//!   (`30 1 * * *`, `0 0-23 * * *`, `@daily`) are **fixed-time** jobs.
//! - Clocks go forward (*C − V* from 2 to 180 minutes, every real DST change):
//!   the wall times skipped do not exist. A fixed-time job whose time was
//!   skipped runs once, at the change (`30 1 * * *` in Europe/London runs at
//!   01:00 UTC on the last Sunday of March); a wildcard job does not run for
//!   the skipped times (`*/30 1 * * *` does not run that night at all). If
//!   the jump is only 1 to 4 minutes, crond catches up every skipped minute,
//!   wildcard jobs too; if it is 3 hours or more (*C − V* over 180), no
//!   skipped minute runs.
//! - Clocks go back by *B* minutes: the repeated wall times run at their
//!   first occurrence; at the second, wildcard jobs run again and fixed-time
//!   jobs do not, unless *B* is more than 181 minutes (crond then resets its
//!   clock and runs everything again). When the clock goes back by exactly
//!   one minute crond does not wake for the repeated minute at all.
//! - A schedule with `CRON_TZ` is matched against the time in its zone at
//!   each real minute, so its times in that zone's gaps never run and its
//!   times in that zone's overlaps run twice; and while crond catches up
//!   after the *machine's* clock went back (up to 181 minutes), its
//!   fixed-time jobs do not run (cronie's man page warns of this).
//!
//! Several runs at the same instant (two skipped times at one change) are
//! one instant here. ops assumes crond notices every offset change at once;
//! cronie notices only a change of the DST flag, so a zone changing its
//! standard offset fools it until restarted. Offsets with seconds (local
//! mean time, before 1900 or so) are handled as if crond woke at the first
//! second of each of their minutes.

use std::fmt;

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::Timestamp;

/// How far ahead (or back) to look for the next (or previous) run: a whole
/// Gregorian cycle, within which every date recurs on every weekday (an
/// expression that runs only on 29 February when it is a Sunday runs every
/// 28 years or so, sometimes 40).
const SEARCH_DAYS: i64 = 146_097 + 7;

/// A parsed cron expression: five fields, a shorthand such as `@daily`, and
/// an optional leading `CRON_TZ=Zone`, with cronie's rules (see [the module
/// docs](self)).
///
/// ```
/// use ops_core::schedule::CronExpr;
/// let c: CronExpr = "30 2 * * mon-fri".parse()?;
/// assert_eq!(c.to_string(), "30 2 * * mon-fri");
/// assert!("61 * * * *".parse::<CronExpr>().is_err());
/// assert_eq!(
///     "5/15 * * * *".parse::<CronExpr>().unwrap_err(),
///     "minute field: '5/15' has a step after a single number, which cronie refuses: write 5-59/15 (or */15 for 0, 15, 30 and 45)"
/// );
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronExpr {
    source: String,
    cron_tz: Option<Tz>,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    minute_star: bool,
    hour_star: bool,
    days_star: bool,
    weekdays_star: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// One field of the expression: its name in messages, its range and names.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTE: Field = Field {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: Field = Field {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
};
const DAY: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &MONTHS,
};
const WEEKDAY: Field = Field {
    name: "day-of-week",
    min: 0,
    max: 7,
    names: &WEEKDAYS,
};

impl Field {
    /// A number or name, within the range.
    fn value(&self, s: &str, term: &str) -> Result<u32, String> {
        let name = self.name;
        if s.is_empty() {
            return Err(format!("{name} field: a number is missing in '{term}'"));
        }
        if let Some(i) = self.names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + self.min);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            let hint = match self.names {
                [a, b, c, ..] => format!(" or a name ({a}, {b}, {c}...)"),
                _ => String::new(),
            };
            return Err(format!("{name} field: '{s}' is not a number{hint}"));
        }
        match s.parse::<u32>() {
            Ok(v) if (self.min..=self.max).contains(&v) => Ok(v),
            _ => Err(format!("{name} field: {s} is out of range {}-{}", self.min, self.max)),
        }
    }

    /// The allowed values as a bit set.
    fn parse(&self, text: &str) -> Result<u64, String> {
        let name = self.name;
        let mut bits = 0u64;
        for term in text.split(',') {
            if term.is_empty() {
                return Err(format!("{name} field: an empty item in the list '{text}'"));
            }
            if term.contains('~') {
                return Err(format!(
                    "{name} field: '{term}' is a random value, which crond picks when it loads the crontab; ops cannot know it: write the value crond picked"
                ));
            }
            let (range, step) = match term.split_once('/') {
                Some((range, step)) => {
                    if step.is_empty() || !step.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(format!(
                            "{name} field: step '{step}' in '{term}' must be a positive number"
                        ));
                    }
                    match step.parse::<u32>() {
                        Ok(0) => {
                            return Err(format!("{name} field: step '0' in '{term}' must be a positive number"));
                        }
                        // cronie adds the step to the range's end in a C `int`:
                        // past its largest value what it does is undefined.
                        Ok(n) if n <= i32::MAX as u32 - self.max => (range, Some(n)),
                        _ => {
                            return Err(format!(
                                "{name} field: step {step} in '{term}' is too large (at most {}); a step past the end selects just the first value",
                                i32::MAX as u32 - self.max
                            ));
                        }
                    }
                }
                None => (term, None),
            };
            let (lo, hi) = if range == "*" {
                (self.min, self.max)
            } else if let Some((a, b)) = range.split_once('-') {
                let (a, b) = (self.value(a, term)?, self.value(b, term)?);
                if a <= b {
                    (a, b)
                } else if self.max == 7 && b == 0 && step.is_none() {
                    // cronie: a day-of-week range ending at Sunday (0) ends at 7, Sunday too.
                    (a, 7)
                } else {
                    return Err(format!(
                        "{name} field: range {a}-{b} runs backwards: the first number must not be greater than the second (cronie selects nothing from it; it does not wrap around)"
                    ));
                }
            } else {
                let v = self.value(range, term)?;
                if let Some(step) = step {
                    return Err(format!(
                        "{name} field: '{term}' has a step after a single number, which cronie refuses: write {v}-{}/{step} (or */{step} for {})",
                        self.max,
                        every(self.min, self.max, step)
                    ));
                }
                (v, v)
            };
            let mut v = lo;
            while v <= hi {
                bits |= 1 << v;
                let Some(next) = v.checked_add(step.unwrap_or(1)) else {
                    break;
                };
                v = next;
            }
        }
        Ok(bits)
    }
}

/// `min, min+step, ...` up to `max` for a message, at most four of them.
fn every(min: u32, max: u32, step: u32) -> String {
    let values: Vec<String> = (min..=max)
        .step_by(step as usize)
        .take(5)
        .map(|v| v.to_string())
        .collect();
    match values.len() {
        1 => values.join(""),
        5 => format!("{}...", values[..4].join(", ")),
        n => format!("{} and {}", values[..n - 1].join(", "), values[n - 1]),
    }
}

/// The leading `CRON_TZ=Zone` of `text`, if any, and the rest.
fn split_cron_tz(text: &str) -> Result<(Option<Tz>, &str), String> {
    let Some(rest) = text.strip_prefix("CRON_TZ") else {
        return Ok((None, text));
    };
    let Some(rest) = rest.trim_start_matches([' ', '\t']).strip_prefix('=') else {
        return Err(format!("'{text}': CRON_TZ must be followed by = and a time zone"));
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let (name, rest) = match rest.find([' ', '\t']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let unquoted = ["\"", "'"]
        .iter()
        .find_map(|q| name.strip_prefix(q).and_then(|n| n.strip_suffix(q)))
        .unwrap_or(name);
    match unquoted.parse::<Tz>() {
        Ok(zone) if !unquoted.is_empty() => Ok((Some(zone), rest.trim_start_matches([' ', '\t']))),
        _ => {
            let hint = crate::suggest::did_you_mean(unquoted, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
                .map(|m| format!(" (did you mean '{m}'?)"))
                .unwrap_or_default();
            Err(format!(
                "CRON_TZ: unknown time zone '{unquoted}': expected an IANA name such as Europe/London{hint}"
            ))
        }
    }
}

impl std::str::FromStr for CronExpr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        // Blanks and line ends around it, as around a crontab line.
        let source = text.trim_matches([' ', '\t', '\n']);
        if source.contains('\n') {
            return Err(format!(
                "cron expression '{source}' spans several lines; it must be one"
            ));
        }
        let (cron_tz, rest) = split_cron_tz(source)?;
        let expanded = match rest.strip_prefix('@') {
            None => rest,
            Some("hourly") => "0 * * * *",
            Some("daily" | "midnight") => "0 0 * * *",
            Some("weekly") => "0 0 * * 0",
            Some("monthly") => "0 0 1 * *",
            Some("yearly" | "annually") => "0 0 1 1 *",
            Some("reboot") => {
                return Err(
                    "@reboot runs when crond starts, not at a time: ops cannot predict it; give the schedule the backups follow"
                        .to_owned(),
                );
            }
            Some(_) => {
                return Err(format!(
                    "unknown shorthand '{rest}': expected @hourly, @daily, @weekly, @monthly or @yearly (lower case)"
                ));
            }
        };
        let fields: Vec<&str> = expanded.split([' ', '\t']).filter(|f| !f.is_empty()).collect();
        let [minute, hour, day, month, weekday] = fields[..] else {
            return Err(format!(
                "cron expression '{source}' has {} fields; expected 5 (minute hour day-of-month month day-of-week)",
                fields.len()
            ));
        };
        let minutes = MINUTE.parse(minute)?;
        let hours = HOUR.parse(hour)?;
        let days = DAY.parse(day)?;
        let months = MONTH.parse(month)?;
        let weekdays = WEEKDAY.parse(weekday)?;
        let star = |f: &str| f.starts_with('*');
        let expr = CronExpr {
            source: source.to_owned(),
            cron_tz,
            minutes,
            hours: hours as u32,
            days: days as u32,
            months: months as u16,
            // 7 is Sunday too.
            weekdays: ((weekdays | (weekdays >> 7)) & 0x7f) as u8,
            minute_star: star(minute),
            hour_star: star(hour),
            days_star: star(day),
            weekdays_star: star(weekday),
        };
        if expr.days_star || expr.weekdays_star {
            // A day must match both: some chosen day must exist in some chosen
            // month (every date falls on every weekday in some year).
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
                    "cron expression '{source}' never runs: no chosen month has the chosen days"
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

/// A change of a zone's UTC offset, as crond sees it.
#[derive(Clone, Copy, Debug)]
struct Change {
    /// The first instant of the new offset.
    at: Timestamp,
    /// The local minute crond wakes to at `at` minus the last one it handled
    /// (2 and more: forward; 0 and less: back).
    minutes: i64,
}

/// `tz`'s UTC offset in seconds at `t`.
fn offset(tz: Tz, t: Timestamp) -> i64 {
    i64::from(tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc())
}

/// The change of offset between `lo` and `hi` (which have different
/// offsets), to the second.
fn change_between(tz: Tz, lo: Timestamp, hi: Timestamp) -> Change {
    let before = offset(tz, lo);
    let (mut lo, mut hi) = (lo, hi);
    // Invariant: lo has the old offset, hi does not.
    while hi - lo > TimeDelta::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if offset(tz, mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let minute = |t: Timestamp, off: i64| (t.timestamp() + off).div_euclid(60);
    let last = minute(hi - TimeDelta::seconds(1), offset(tz, hi - TimeDelta::seconds(1)));
    Change {
        at: hi,
        minutes: minute(hi, offset(tz, hi)) - last,
    }
}

/// The instants of `local` in `tz`: the earliest and the latest existing
/// local minutes around it when it falls in a gap.
fn around_gap(tz: Tz, local: NaiveDateTime) -> Option<(Timestamp, Timestamp)> {
    const LIMIT: i64 = 26 * 60;
    let before =
        (1..=LIMIT).find_map(
            |k| match tz.from_local_datetime(&local.checked_sub_signed(Duration::minutes(k))?) {
                LocalResult::Single(t) | LocalResult::Ambiguous(_, t) => Some(t.with_timezone(&Utc)),
                LocalResult::None => None,
            },
        )?;
    let after =
        (1..=LIMIT).find_map(
            |k| match tz.from_local_datetime(&local.checked_add_signed(Duration::minutes(k))?) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
                LocalResult::None => None,
            },
        )?;
    Some((before, after))
}

/// Does crond wake at `t`, the second occurrence of a local minute repeated
/// by `change`, and then run a job that is (or is not) `wildcard`?
fn runs_at_repeat(change: Change, t: Timestamp, wildcard: bool) -> bool {
    if change.minutes < -180 {
        true // crond resets its clock and runs everything
    } else if change.at == t && change.minutes == 0 {
        false // the minute did not change: crond does not wake
    } else {
        wildcard
    }
}

impl CronExpr {
    /// The zone of a leading `CRON_TZ=Zone`, if any: crond reads the fields
    /// in it.
    pub fn cron_tz(&self) -> Option<Tz> {
        self.cron_tz
    }

    /// Whether crond treats this as a wildcard job across daylight-saving
    /// changes: its minute or hour field starts with `*` (see [the module
    /// docs](self#daylight-saving-time)).
    pub fn is_wildcard(&self) -> bool {
        self.minute_star || self.hour_star
    }

    fn runs_on(&self, date: NaiveDate) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let day = self.days & (1 << date.day()) != 0;
        let weekday = self.weekdays & (1 << date.weekday().num_days_from_sunday()) != 0;
        if self.days_star || self.weekdays_star {
            day && weekday
        } else {
            day || weekday
        }
    }

    /// The instants this expression runs at for the local `date` (in
    /// `cron_tz`, else `tz`), crond running in `tz`, in order, following the
    /// daylight-saving rules of the module docs.
    fn runs_on_date(&self, tz: Tz, date: NaiveDate, out: &mut Vec<Timestamp>) {
        out.clear();
        if !self.runs_on(date) {
            return;
        }
        let wildcard = self.is_wildcard();
        // The last gap and the last change back met, reused by the other
        // minutes in them.
        let mut gap: Option<(Timestamp, Timestamp, Change)> = None;
        let mut back: Option<Change> = None;
        for h in (0..24).filter(|h| self.hours & (1 << h) != 0) {
            // Most hours have one offset throughout, in both zones: no
            // look-up per minute then. (An hour with two changes of offset
            // that cancel out does not occur in the zone database.)
            let steady = |zone: Tz| {
                let at = |m| date.and_hms_opt(h, m, 0).map(|l| zone.from_local_datetime(&l));
                match (at(0), at(59)) {
                    (Some(LocalResult::Single(a)), Some(LocalResult::Single(b))) if a.offset() == b.offset() => Some((
                        a.with_timezone(&Utc),
                        b.with_timezone(&Utc),
                        i64::from(a.offset().fix().local_minus_utc()),
                    )),
                    _ => None,
                }
            };
            let steady = match self.cron_tz {
                None => steady(tz).map(|(_, _, off)| (off, off)),
                Some(zone) => steady(zone).and_then(|(first, last, off)| {
                    // crond's zone too, over those instants: no repeated minute there.
                    let single = |t: Timestamp| {
                        matches!(
                            tz.from_local_datetime(&t.with_timezone(&tz).naive_local()),
                            LocalResult::Single(_)
                        )
                    };
                    let machine = offset(tz, first);
                    (machine == offset(tz, last) && single(first) && single(last)).then_some((off, machine))
                }),
            };
            for m in (0..60).filter(|m| self.minutes & (1u64 << m) != 0) {
                let Some(local) = date.and_hms_opt(h, m, 0) else {
                    continue;
                };
                if let Some((off, machine)) = steady {
                    let Some(t) = local.and_utc().checked_sub_signed(TimeDelta::seconds(off)) else {
                        continue;
                    };
                    // The minute of crond's that begins at or after t.
                    let seconds = (t.timestamp() + machine).rem_euclid(60);
                    if let Some(wake) = t.checked_add_signed(TimeDelta::seconds((60 - seconds) % 60)) {
                        out.push(wake);
                    }
                    continue;
                }
                if let Some(zone) = self.cron_tz {
                    let (first, second) = match zone.from_local_datetime(&local) {
                        LocalResult::Single(t) => (t.with_timezone(&Utc), None),
                        LocalResult::Ambiguous(a, b) => (a.with_timezone(&Utc), Some(b.with_timezone(&Utc))),
                        LocalResult::None => continue,
                    };
                    for t in std::iter::once(first).chain(second) {
                        if let Some(t) = self.cron_tz_run(tz, t) {
                            out.push(t);
                        }
                    }
                    continue;
                }
                match tz.from_local_datetime(&local) {
                    LocalResult::Single(t) => out.push(t.with_timezone(&Utc)),
                    LocalResult::Ambiguous(first, second) => {
                        let (first, second) = (first.with_timezone(&Utc), second.with_timezone(&Utc));
                        out.push(first);
                        let change = back
                            .filter(|c| first < c.at && c.at <= second)
                            .unwrap_or_else(|| change_between(tz, first, second));
                        back = Some(change);
                        if runs_at_repeat(change, second, wildcard) {
                            out.push(second);
                        }
                    }
                    LocalResult::None => {
                        let known = gap.filter(|&(lo, hi, _)| {
                            let l = |t: Timestamp| t.with_timezone(&tz).naive_local();
                            l(lo) < local && local < l(hi)
                        });
                        let Some((lo, hi, change)) = known
                            .or_else(|| around_gap(tz, local).map(|(lo, hi)| (lo, hi, change_between(tz, lo, hi))))
                        else {
                            continue;
                        };
                        gap = Some((lo, hi, change));
                        let minute = local.and_utc().timestamp().div_euclid(60);
                        let now = (change.at.timestamp() + offset(tz, change.at)).div_euclid(60);
                        if minute == now || change.minutes <= 5 || (change.minutes <= 180 && !wildcard) {
                            out.push(change.at);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// When a `CRON_TZ` job whose time in its zone begins at `t` runs, crond
    /// running in `tz`: at the first minute crond wakes to (`t` itself unless
    /// an offset has seconds), unless that is a repeated minute of `tz` that
    /// only wildcard jobs run at.
    fn cron_tz_run(&self, tz: Tz, t: Timestamp) -> Option<Timestamp> {
        let seconds = (t.timestamp() + offset(tz, t)).rem_euclid(60);
        let wake = if seconds == 0 && t.timestamp_subsec_nanos() == 0 {
            t
        } else {
            t.checked_add_signed(TimeDelta::seconds(60 - seconds))?
        };
        let local = wake.with_timezone(&tz).naive_local();
        match tz.from_local_datetime(&local) {
            LocalResult::Ambiguous(first, second) if second.with_timezone(&Utc) == wake => {
                let change = change_between(tz, first.with_timezone(&Utc), wake);
                runs_at_repeat(change, wake, self.is_wildcard()).then_some(wake)
            }
            _ => Some(wake),
        }
    }

    /// The zone whose calendar `runs_on_date` takes dates in.
    fn date_zone(&self, tz: Tz) -> Tz {
        self.cron_tz.unwrap_or(tz)
    }
}

/// A cron expression read in an IANA time zone.
///
/// ```
/// use ops_core::schedule::CronSchedule;
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

    /// The first run strictly after `after`: `None` only past the end of
    /// chrono's calendar (every expression that parses runs within any 400
    /// years).
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let zone = self.expression.date_zone(self.timezone);
        // Runs for one local date happen at or after its first minute, and
        // a date's runs may come after the next date's (clocks going back):
        // start two days back, and once a date has a run after `after`, look
        // on while a later date can still have an earlier one.
        let day = after.with_timezone(&zone).date_naive();
        let start = day.checked_sub_signed(Duration::days(2)).unwrap_or(day);
        let mut runs = Vec::new();
        let mut best: Option<Timestamp> = None;
        let mut extra = 0;
        for d in 0..SEARCH_DAYS {
            let Some(date) = start.checked_add_signed(Duration::days(d)) else {
                break;
            };
            if let Some(b) = best {
                let first = date
                    .and_hms_opt(0, 0, 0)
                    .and_then(|l| zone.from_local_datetime(&l).earliest());
                extra += 1;
                if first.is_some_and(|f| f.with_timezone(&Utc) > b) || extra > 3 {
                    break;
                }
            }
            self.expression.runs_on_date(self.timezone, date, &mut runs);
            if let Some(&t) = runs.iter().find(|&&t| t > after) {
                best = Some(best.map_or(t, |b| b.min(t)));
            }
        }
        best
    }

    /// The last run strictly before `before`: `None` only before the start
    /// of chrono's calendar.
    pub fn prev_before(&self, before: Timestamp) -> Option<Timestamp> {
        let zone = self.expression.date_zone(self.timezone);
        let day = before.with_timezone(&zone).date_naive();
        let start = day.checked_add_signed(Duration::days(2)).unwrap_or(day);
        let mut runs = Vec::new();
        let mut best: Option<Timestamp> = None;
        let mut extra = 0;
        for d in 0..SEARCH_DAYS {
            let Some(date) = start.checked_sub_signed(Duration::days(d)) else {
                break;
            };
            if let Some(b) = best {
                // A date's runs end before its next day's 03:01 (a skipped
                // time runs at most 3 hours late).
                let last = date
                    .checked_add_signed(Duration::days(1))
                    .and_then(|d| d.and_hms_opt(3, 1, 0))
                    .and_then(|l| zone.from_local_datetime(&l).latest());
                extra += 1;
                if last.is_some_and(|l| l.with_timezone(&Utc) < b) || extra > 3 {
                    break;
                }
            }
            self.expression.runs_on_date(self.timezone, date, &mut runs);
            if let Some(&t) = runs.iter().rev().find(|&&t| t < before) {
                best = Some(best.map_or(t, |b| b.max(t)));
            }
        }
        best
    }

    /// Every run from `from` to `until`, both included, in order, computed
    /// a local date at a time: O(days + runs) time, O(runs of a day)
    /// memory, however long the span (a schedule of every minute over a
    /// year is 525,600 runs and a year of dates, not 525,600 searches).
    ///
    /// ```
    /// use ops_core::schedule::CronSchedule;
    /// let s = CronSchedule::new("0 */6 * * *".parse()?, chrono_tz::UTC);
    /// let runs: Vec<String> = s
    ///     .runs_between("2026-11-20T05:00:00Z".parse()?, "2026-11-21T00:00:00Z".parse()?)
    ///     .map(|t| t.format("%d %H:%M").to_string())
    ///     .collect();
    /// assert_eq!(runs, ["20 06:00", "20 12:00", "20 18:00", "21 00:00"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn runs_between(&self, from: Timestamp, until: Timestamp) -> CronRuns<'_> {
        let zone = self.expression.date_zone(self.timezone);
        // A date's runs start at its first minute and may end up to three
        // hours into the next (a skipped time runs when the clocks jump):
        // start a day early.
        let first = from.with_timezone(&zone).date_naive();
        let date = first.pred_opt().unwrap_or(first);
        let last_date = until.with_timezone(&zone).date_naive();
        CronRuns {
            schedule: self,
            zone,
            date,
            last_date,
            from,
            until,
            pending: Vec::new(),
            last: None,
            day: Vec::new(),
        }
    }
}

/// The runs of a cron schedule in a span of time, in order: see
/// [`CronSchedule::runs_between`].
#[derive(Debug)]
pub struct CronRuns<'s> {
    schedule: &'s CronSchedule,
    zone: Tz,
    /// The next local date whose runs are not computed yet.
    date: NaiveDate,
    /// The last local date to compute.
    last_date: NaiveDate,
    from: Timestamp,
    until: Timestamp,
    /// Runs computed but not yet yielded, latest first.
    pending: Vec<Timestamp>,
    /// The last run yielded: a date's runs may repeat another's (one instant
    /// for two skipped times).
    last: Option<Timestamp>,
    day: Vec<Timestamp>,
}

impl Iterator for CronRuns<'_> {
    type Item = Timestamp;

    fn next(&mut self) -> Option<Timestamp> {
        loop {
            // Every run of a later date is at or after that date's first
            // minute: what is pending before it is final.
            // (A midnight that a clock change skips: the first hour that exists.)
            let done = self.date > self.last_date;
            let horizon = (0..4)
                .filter_map(|h| self.date.and_hms_opt(h, 0, 0))
                .find_map(|l| self.zone.from_local_datetime(&l).earliest())
                .map(|t| t.with_timezone(&Utc));
            if let Some(&t) = self.pending.last()
                && (done || horizon.is_some_and(|h| t < h))
            {
                self.pending.pop();
                if self.last.is_some_and(|l| t <= l) {
                    continue;
                }
                self.last = Some(t);
                return Some(t);
            }
            if done {
                return None;
            }
            self.schedule
                .expression
                .runs_on_date(self.schedule.timezone, self.date, &mut self.day);
            let (from, until) = (self.from, self.until);
            self.pending
                .extend(self.day.iter().filter(|&&t| from <= t && t <= until));
            self.pending.sort_unstable_by(|a, b| b.cmp(a));
            match self.date.checked_add_signed(Duration::days(1)) {
                Some(next) => self.date = next,
                None => self.last_date = self.date.pred_opt().unwrap_or(self.date),
            }
        }
    }
}

/// The runs of each of `owners` schedule owners (backup policies, jobs)
/// that started at or before `now`, oldest first: what the status of a
/// backup policy and of a job both start from. `owner` gives a run's
/// owner's index (below `owners`), `started` its start. Linear in runs
/// (plus sorting).
pub(crate) fn runs_by_owner<R>(
    owners: usize,
    runs: &[R],
    owner: impl Fn(&R) -> usize,
    started: impl Fn(&R) -> Timestamp,
    now: Timestamp,
) -> Vec<Vec<&R>> {
    let mut out: Vec<Vec<&R>> = vec![Vec::new(); owners];
    for r in runs.iter().filter(|r| started(r) <= now) {
        if let Some(list) = out.get_mut(owner(r)) {
            list.push(r);
        }
    }
    for list in &mut out {
        list.sort_by_key(|r| started(r));
    }
    out
}

/// Outcome of a scheduled run (a backup run, a job run), as the job reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Reported success.
    Success,
    /// Failed.
    Failed,
    /// Partly succeeded.
    Partial,
    /// Still running.
    Running,
}

impl RunStatus {
    /// The name used in inventory files (`success`, `failed`, `partial`, `running`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Success => "success",
            RunStatus::Failed => "failed",
            RunStatus::Partial => "partial",
            RunStatus::Running => "running",
        }
    }
}

/// When something runs: a backup policy, a scheduled job.
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
    /// use ops_core::schedule::Schedule;
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
    /// use ops_core::schedule::{CronSchedule, Schedule};
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
                let end = from.checked_add_signed(Duration::days(366))?;
                let tz = c.timezone;
                let zone = c.expression.date_zone(tz);
                let mut best = (TimeDelta::zero(), first);
                let mut prev = first;
                let mut runs = Vec::new();
                let mut date = first.with_timezone(&zone).date_naive();
                let last_date = end.with_timezone(&zone).date_naive();
                let last_date = last_date.checked_add_signed(Duration::days(1)).unwrap_or(last_date);
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
                    match date.checked_add_signed(Duration::days(1)) {
                        Some(next) if prev <= end => date = next,
                        _ => break,
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
