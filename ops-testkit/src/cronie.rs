//! cronie, simulated: a crontab time specification read the way cronie's
//! parser reads it (a character at a time, accepting what it accepts), and
//! crond's main loop run minute by minute over real time, with its rules for
//! clocks that jump forward or back. Written from cronie 1.7's behaviour
//! (`src/entry.c`, `src/cron.c`), separately from ops-core's
//! `backup::schedule`, which the property tests and the `cron_schedule` fuzz
//! target compare against it.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike};
use chrono_tz::Tz;
use ops_core::Timestamp;

/// Why ops refuses a specification that cronie accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stricter {
    /// A number outside its field's range that no value selected (`0-99/60`).
    OutOfRange,
    /// A range whose first number is greater than its second (cronie
    /// selects nothing from it, or reads `a-0` as `a-7`), other than a
    /// day-of-week range ending at 0 without a step.
    Backwards,
    /// No date ever matches.
    NeverRuns,
    /// A step that can take cronie's C `int` past its largest value (the
    /// field's largest value plus the step): what cronie then does is undefined.
    HugeStep,
}

/// A specification this oracle does not give runs for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// cronie refuses it (its message, roughly).
    Cronie(String),
    /// cronie accepts it, but its runs are not a function of the text:
    /// `@reboot`, a random value (`~`), or a number past `i32`, which cronie
    /// reads wrapped around.
    Unpredictable,
    /// Not a time specification ops reads (`CRON_TZ=` naming no zone).
    NotOurs,
}

/// A parsed specification: the matching bits and the flags crond keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    minute: [bool; 60],
    hour: [bool; 24],
    dom: [bool; 32],
    month: [bool; 13],
    dow: [bool; 8],
    min_star: bool,
    hr_star: bool,
    dom_star: bool,
    dow_star: bool,
    /// The zone of a leading `CRON_TZ=Zone`.
    pub cron_tz: Option<Tz>,
    /// What makes ops refuse it although cronie accepts it.
    pub stricter: Vec<Stricter>,
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DOW_NAMES: [&str; 8] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn refuse<T>(why: &str) -> Result<T, Refused> {
    Err(Refused::Cronie(why.to_owned()))
}

/// A cursor over one blank-free token of the specification.
struct Token<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Token<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// cronie's get_number: the longest run of letters and digits, a number
    /// if it is all digits, else one of `names` in any case.
    fn number(&mut self, low: i64, names: &[&str]) -> Result<i64, Refused> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.pos += 1;
        }
        let word = &self.bytes[start..self.pos];
        if word.is_empty() {
            return refuse("a number was expected");
        }
        if word.iter().all(u8::is_ascii_digit) {
            let mut v: i64 = 0;
            for &d in word {
                v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
            }
            if v > i64::from(i32::MAX) {
                return Err(Refused::Unpredictable);
            }
            return Ok(v);
        }
        let word = String::from_utf8_lossy(word);
        match names.iter().position(|n| n.eq_ignore_ascii_case(&word)) {
            Some(i) => Ok(low + i as i64),
            None => refuse("not a number or name"),
        }
    }
}

/// One field: the bits (index = value), whether it needs ops's refusal.
fn field(
    text: &str,
    low: i64,
    high: i64,
    names: &[&str],
    bits: &mut [bool],
    stricter: &mut Vec<Stricter>,
) -> Result<(), Refused> {
    let mut t = Token {
        bytes: text.as_bytes(),
        pos: 0,
    };
    loop {
        // One range: `*`, `*/s`, `n`, `a-b`, `a-b/s`.
        let (mut from, mut to, mut step) = (low, high, 1);
        let mut numbers = Vec::new();
        if t.peek() == Some(b'*') {
            t.pos += 1;
        } else if t.peek() == Some(b'~') {
            return Err(Refused::Unpredictable);
        } else {
            from = t.number(low, names)?;
            numbers.push(from);
            to = from;
            match t.peek() {
                Some(b'-') => {
                    t.pos += 1;
                    to = t.number(low, names)?;
                    numbers.push(to);
                    if from > to && t.peek() != Some(b'/') {
                        if to == 0 {
                            to = 7;
                        }
                        if !(high == 7 && to == 7) {
                            stricter.push(Stricter::Backwards);
                        }
                    }
                }
                Some(b'~') => return Err(Refused::Unpredictable),
                Some(b',') | None => {}
                Some(_) => return refuse("unexpected character after a number"),
            }
        }
        if t.peek() == Some(b'/') {
            if numbers.len() == 1 {
                return refuse("a step after a single number");
            }
            t.pos += 1;
            step = t.number(0, &[])?;
            if step == 0 {
                return refuse("a step of 0");
            }
            if high + step > i64::from(i32::MAX) {
                stricter.push(Stricter::HugeStep);
            }
        }
        match t.peek() {
            Some(b',') | None => {}
            Some(_) => return refuse("unexpected character after a range"),
        }
        if from > to {
            stricter.push(Stricter::Backwards);
        }
        let mut v = from;
        while v <= to {
            if v < low || v > high {
                return refuse("a selected value is out of range");
            }
            bits[usize::try_from(v).unwrap_or(0)] = true;
            v += step;
        }
        if numbers.iter().any(|&n| n < low || n > high) {
            stricter.push(Stricter::OutOfRange);
        }
        if t.peek() == Some(b',') {
            t.pos += 1;
            continue;
        }
        return Ok(());
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Reads `text` as ops takes a schedule's `cron` (an optional
/// `CRON_TZ=Zone`, then a cronie time specification and nothing else).
pub fn parse(text: &str) -> Result<Entry, Refused> {
    let text = text.trim_matches(|c| is_blank(c) || c == '\n');
    if text.contains(['\n', '\r']) {
        return Err(Refused::NotOurs);
    }
    let mut cron_tz = None;
    let mut rest = text;
    if let Some(after) = text.strip_prefix("CRON_TZ") {
        let after = after.trim_start_matches(is_blank);
        let Some(after) = after.strip_prefix('=') else {
            return Err(Refused::NotOurs);
        };
        let after = after.trim_start_matches(is_blank);
        let end = after.find(is_blank).unwrap_or(after.len());
        let mut name = &after[..end];
        for q in ["\"", "'"] {
            if let Some(n) = name.strip_prefix(q).and_then(|n| n.strip_suffix(q)) {
                name = n;
                break;
            }
        }
        cron_tz = Some(name.parse::<Tz>().map_err(|_| Refused::NotOurs)?);
        rest = after[end..].trim_start_matches(is_blank);
    }
    let spec = match rest.strip_prefix('@') {
        None => rest,
        Some("reboot") => return Err(Refused::Unpredictable),
        Some("yearly" | "annually") => "0 0 1 1 *",
        Some("monthly") => "0 0 1 * *",
        Some("weekly") => "0 0 * * 0",
        Some("daily" | "midnight") => "0 0 * * *",
        Some("hourly") => "0 * * * *",
        Some(_) => return refuse("bad time specifier"),
    };
    let tokens: Vec<&str> = spec.split(is_blank).filter(|s| !s.is_empty()).collect();
    let [mi, hr, dm, mo, dw] = tokens[..] else {
        return refuse("not five fields");
    };
    let mut e = Entry {
        minute: [false; 60],
        hour: [false; 24],
        dom: [false; 32],
        month: [false; 13],
        dow: [false; 8],
        min_star: mi.starts_with('*'),
        hr_star: hr.starts_with('*'),
        dom_star: dm.starts_with('*'),
        dow_star: dw.starts_with('*'),
        cron_tz,
        stricter: Vec::new(),
    };
    let mut stricter = Vec::new();
    field(mi, 0, 59, &[], &mut e.minute, &mut stricter)?;
    field(hr, 0, 23, &[], &mut e.hour, &mut stricter)?;
    field(dm, 1, 31, &[], &mut e.dom, &mut stricter)?;
    field(mo, 1, 12, &MONTH_NAMES, &mut e.month, &mut stricter)?;
    field(dw, 0, 7, &DOW_NAMES, &mut e.dow, &mut stricter)?;
    if e.dow[0] || e.dow[7] {
        e.dow[0] = true;
        e.dow[7] = true;
    }
    // Never runs: no date in a whole Gregorian cycle matches.
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    if !first.iter_days().take(146_097).any(|d| e.day_matches(d)) {
        stricter.push(Stricter::NeverRuns);
    }
    e.stricter = stricter;
    Ok(e)
}

impl Entry {
    fn day_matches(&self, d: NaiveDate) -> bool {
        let dom = self.dom[d.day() as usize];
        let dow = self.dow[d.weekday().num_days_from_sunday() as usize];
        self.month[d.month() as usize]
            && if self.dom_star || self.dow_star {
                dom && dow
            } else {
                dom || dow
            }
    }

    fn matches(&self, t: NaiveDateTime) -> bool {
        self.minute[t.minute() as usize] && self.hour[t.hour() as usize] && self.day_matches(t.date())
    }

    /// crond's wildcard jobs: minute or hour field starting with `*`.
    pub fn is_wildcard(&self) -> bool {
        self.min_star || self.hr_star
    }
}

fn offset(tz: Tz, t: Timestamp) -> i64 {
    i64::from(tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc())
}

/// The instants in `(from, to]` at which crond, running in `system` and
/// waking at the start of every minute since a day before `from`, starts
/// `entry`. `None` when an offset of either zone has seconds or changes
/// within a minute then: crond's minutes are not UTC minutes there, and
/// this oracle steps through UTC minutes.
pub fn runs(entry: &Entry, system: Tz, from: Timestamp, to: Timestamp) -> Option<Vec<Timestamp>> {
    let start = from - TimeDelta::days(1);
    let start = start
        - TimeDelta::seconds(start.timestamp().rem_euclid(60))
        - TimeDelta::nanoseconds(i64::from(start.timestamp_subsec_nanos()));
    let zones: Vec<Tz> = std::iter::once(system).chain(entry.cron_tz).collect();
    let clock = |t: Timestamp| (t.timestamp() + offset(system, t)).div_euclid(60);
    let wall = |minute: i64| chrono::DateTime::from_timestamp(minute * 60, 0).map(|d| d.naive_utc());
    let mut virtual_time = clock(start);
    let mut time_running = virtual_time;
    let mut out = Vec::new();
    let mut t = start;
    while t < to {
        t += TimeDelta::minutes(1);
        for &z in &zones {
            let now = offset(z, t);
            if now % 60 != 0 || offset(z, t - TimeDelta::seconds(1)) != offset(z, t - TimeDelta::seconds(59)) {
                return None;
            }
        }
        let c = clock(t);
        if c == time_running {
            continue; // the minute did not change: crond sleeps on
        }
        time_running = c;
        // find_jobs(minute, wildcard jobs?, fixed-time jobs?, with the old offset?)
        let mut find = |minute: i64, wild: bool, fixed: bool, old_offset: bool| {
            if !(if entry.is_wildcard() { wild } else { fixed }) {
                return;
            }
            let local = match entry.cron_tz {
                // Jobs with their own zone are skipped in the steps of a
                // catch-up that use the offset from before the change.
                Some(_) if old_offset => return,
                Some(z) => t.with_timezone(&z).naive_local(),
                None => match wall(minute) {
                    Some(w) => w,
                    None => return,
                },
            };
            if entry.matches(local) && t > from && t <= to {
                out.push(t);
            }
        };
        let diff = c - virtual_time;
        if diff == 1 {
            virtual_time = c;
            find(c, true, true, false);
        } else if (2..=5).contains(&diff) {
            // woke a little late: every missed minute, every job
            for v in virtual_time + 1..=c {
                find(v, true, true, v < c);
            }
            virtual_time = c;
        } else if (6..=180).contains(&diff) {
            // clocks forward: wildcard jobs now, fixed-time jobs for every skipped minute
            find(c, true, false, false);
            for v in virtual_time + 1..=c {
                find(v, false, true, v < c);
            }
            virtual_time = c;
        } else if (-180..=0).contains(&diff) {
            // clocks back: wildcard jobs only, until the clock passes the virtual time
            find(c, true, false, false);
        } else {
            virtual_time = c;
            find(c, true, true, false);
        }
    }
    out.dedup();
    Some(out)
}
