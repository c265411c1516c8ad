//! The retention engine: which snapshots `restic forget` keeps, and why.
//!
//! [`RetentionPolicy::apply`] decides one group of snapshots; [`forget`]
//! groups snapshots the way `restic forget --group-by` does and applies a
//! policy to each group. Both follow restic's `ApplyPolicy`
//! (`internal/data/snapshot_policy.go` in restic 0.19.1,
//! `internal/restic/snapshot_policy.go` in 0.14.0):
//!
//! - snapshots are sorted newest first (a stable sort: equal times keep their
//!   input order);
//! - each snapshot falls into buckets computed from its *own recorded* local
//!   time and UTC offset: the hour, the day, the ISO year and week, the month,
//!   the year; `--keep-last` gives every snapshot a bucket of its own;
//! - a `--keep-<bucket> n` rule keeps a snapshot when it opens a bucket (its
//!   bucket differs from the previous snapshot's), and only then spends one of
//!   its `n`; empty hours, days, ... cost nothing;
//! - `--keep-within d` keeps every snapshot strictly after *newest − d*, where
//!   *newest* is the newest snapshot of the group that is not in the future
//!   (relative to `now`), and `d` is subtracted as restic does: years, months
//!   and days at once on the calendar, with Go's normalisation (31 March minus
//!   one month is 3 March, not 28 February), then hours as elapsed time,
//!   exactly however far that reaches (Go's times outlast chrono's range);
//!   the cut-off keeps the newest snapshot's fraction of a second, a leap
//!   second's included (restic, on Go's time, never sees one);
//! - `--keep-within-<bucket> d` keeps a snapshot that opens a bucket among the
//!   snapshots within `d`;
//! - `--keep-tag a,b` keeps snapshots that carry both `a` and `b`; the entry
//!   `""` matches untagged snapshots.
//!
//! The reasons are restic's words: `last snapshot`, `daily snapshot`,
//! `within 1y2m`, `daily within 7d`, `has tags [a, b]`, and in current
//! releases `oldest daily snapshot`.
//!
//! # Restic versions
//!
//! [`ResticVersion::Current`] follows restic 0.18 and later (read in the
//! 0.19.1 source); [`ResticVersion::V0_14`] reproduces 0.14.0, the version
//! Debian 12 ships, which the fixtures in `ops-core/tests/fixtures/restic/`
//! were produced with. The differences:
//!
//! | behaviour | 0.14 | current | restic change |
//! |---|---|---|---|
//! | a rule with counts left keeps the group's oldest snapshot even when it does not open a bucket, reason `oldest <rule>` | no | yes | 0.16.0, PR for issue #3624 (`182b9796e`, `8da5a6649`); `oldest` only when the bucket repeats, 0.18.0 (`b69c6408a`) |
//! | `--keep-* unlimited` | not accepted | keeps every bucket (`-1` internally) | 0.16.0 (`b77b0749f`, `50b43fbac`) |
//! | negative counts | accepted; such a rule keeps nothing | rejected: "negative values not allowed, use 'unlimited' instead" | 0.16.0 (`6aca7dac2`, `50b43fbac`) |
//! | negative `--keep-within*` durations | accepted; keep nothing (the cut-off is after the newest snapshot) | rejected | 0.16.0 (`84ede6ad7`) |
//! | a policy with nothing set (all counts 0, durations 0, no tags) | prints "no policy was specified" and removes nothing | refuses with an error | 0.17.0 (`5b7952e42`) |
//! | a policy that would remove every snapshot of a group (e.g. only `--keep-tag` and no snapshot has the tag) | removes them all | refuses: "refusing to delete last snapshot of snapshot group" | 0.17.0 (`c0e1f3683`, always on since 0.18.0 `098db935f`) |
//!
//! The documentation says the same in `doc/060_forget.rst` ("A value of
//! `unlimited` will be interpreted as "forever"", "the oldest snapshot is kept
//! additionally and marked as `oldest`", "restic refuses to act on an "empty"
//! policy").
//!
//! Both modes are tested against restic: 0.14 against 161 `restic forget`
//! runs of the real 0.14.0 binary and 0.14.0's `TestApplyPolicy` golden
//! files, current against 0.19.1's golden files (`ops-core/tests/core/restic_retention.rs`).
//!
//! # The machine's time zone
//!
//! restic reads a snapshot time with Go's `time.Parse`: a time whose UTC
//! offset is the one the zone of the machine running `forget` (Go's `Local`,
//! from `TZ`) has at that instant gets that zone; any other offset gets a
//! fixed zone, and a time written with `Z` (which is how Go writes every
//! zero offset, so restic never writes `+00:00`) gets UTC. `--keep-within*`
//! then subtracts years, months and days (`AddDate`) on the newest
//! snapshot's calendar *in its zone*: `Date` turns the new wall time back
//! into an instant with the zone's offset at that wall time, taking for a
//! time that falls in a DST gap or overlap the offset in force at the wall
//! time read as UTC, then at that instant (so 01:30 on the night New York
//! goes back is 01:30 EDT, and `AddDate(0, 0, 0)` of 01:30 EST is an hour
//! earlier). Hours are subtracted as elapsed time after that.
//!
//! [`RetentionPolicy::zone`] is that zone: `None` (the default) uses every
//! snapshot's recorded fixed offset, which is what restic does under
//! `TZ=UTC` (the fixtures were made so); `Some(zone)` follows the rule above
//! for a newest snapshot whose non-zero offset is `zone`'s. Buckets do not
//! change: a snapshot's recorded offset and the zone's agree on its wall
//! time. Checked with restic 0.14.0: snapshots at 2021-03-25 11:30 and 12:30
//! GMT and 2021-04-01 12:00 BST, `--keep-within 7d`: under `TZ=UTC` restic
//! keeps all three (cut-off 2021-03-25 12:00+01:00, 11:00 UTC); under
//! `TZ=Europe/London` it removes the 11:30 one (cut-off 12:00 GMT). The zone
//! database is chrono-tz's, whose rules end with its last listed transition
//! (2037 and later have no DST there, where Go's zone files go on with the
//! last rule).
//!
//! Another: restic multiplies `--keep-within*` hours into a Go `Duration` of
//! nanoseconds, which wraps around past 2,562,047 hours (292 years); the
//! engine subtracts any number of hours exactly.

use std::fmt;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::Error;

/// Which restic release's semantics to follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResticVersion {
    /// restic 0.14 (Debian 12's package): no `oldest` rule, no `unlimited`,
    /// negative values accepted, empty or remove-everything policies not refused.
    V0_14,
    /// restic 0.18 and later (checked against 0.19.1).
    #[default]
    Current,
}

/// A `--keep-<bucket>` count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum KeepCount {
    /// Keep at most this many buckets.
    Count(u32),
    /// Not set, or `0`: the rule keeps nothing.
    #[default]
    Off,
    /// `unlimited` (restic 0.16 and later): keep every bucket; restic holds it as `-1`.
    Unlimited,
    /// A negative count, which only restic 0.14 accepts: the rule keeps nothing
    /// but makes the policy non-empty.
    Negative(i64),
}

impl KeepCount {
    /// Parses a count as restic's `--keep-*` flags read it: a decimal integer,
    /// or `unlimited` in current releases. Negative numbers are accepted for
    /// [`ResticVersion::V0_14`] only, where such a rule keeps nothing.
    ///
    /// ```
    /// use ops_core::backup::{KeepCount, ResticVersion};
    /// assert_eq!(KeepCount::parse("7", ResticVersion::Current), Ok(KeepCount::Count(7)));
    /// assert_eq!(KeepCount::parse("unlimited", ResticVersion::Current), Ok(KeepCount::Unlimited));
    /// assert!(KeepCount::parse("-1", ResticVersion::Current).is_err());
    /// assert_eq!(KeepCount::parse("-1", ResticVersion::V0_14), Ok(KeepCount::Negative(-1)));
    /// ```
    pub fn parse(text: &str, version: ResticVersion) -> Result<KeepCount, String> {
        if text == "unlimited" && version == ResticVersion::Current {
            return Ok(KeepCount::Unlimited);
        }
        let n: i64 = text.parse().map_err(|_| {
            let also = if version == ResticVersion::Current {
                " or 'unlimited'"
            } else {
                ""
            };
            format!("invalid count '{text}': expected a whole number{also}")
        })?;
        if n < 0 {
            return match version {
                ResticVersion::Current => Err(format!(
                    "invalid count '{text}': negative values not allowed, use 'unlimited' instead"
                )),
                ResticVersion::V0_14 => Ok(KeepCount::Negative(n)),
            };
        }
        u32::try_from(n)
            .map(|n| if n == 0 { KeepCount::Off } else { KeepCount::Count(n) })
            .map_err(|_| format!("invalid count '{text}': at most {} (or 'unlimited')", u32::MAX))
    }

    /// The count as restic holds it: `-1` for unlimited, `0` when off.
    pub fn as_restic_int(self) -> i64 {
        match self {
            KeepCount::Count(n) => i64::from(n),
            KeepCount::Off => 0,
            KeepCount::Unlimited => -1,
            KeepCount::Negative(n) => n,
        }
    }
}

impl fmt::Display for KeepCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeepCount::Unlimited => f.write_str("unlimited"),
            other => write!(f, "{}", other.as_restic_int()),
        }
    }
}

/// A `--keep-within*` duration: years, months, days and hours, as restic's
/// `Duration` (`1y2m3d4h`; `m` is months).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResticDuration {
    /// Calendar years.
    pub years: i32,
    /// Calendar months.
    pub months: i32,
    /// Calendar days.
    pub days: i32,
    /// Hours of elapsed time.
    pub hours: i32,
}

impl ResticDuration {
    /// Parses restic's duration syntax: numbers each followed by `y`, `m`
    /// (months), `d` or `h`, in any order, such as `1y6m` or `2d12h`. As in
    /// restic, a unit given twice keeps its last value (`1d2d` is two days),
    /// the empty string is the zero duration, and numbers may be negative
    /// (which only restic 0.14 then accepts, see [`RetentionPolicy::check`]).
    ///
    /// ```
    /// use ops_core::backup::ResticDuration;
    /// let d = ResticDuration::parse("1y2m3d4h")?;
    /// assert_eq!((d.years, d.months, d.days, d.hours), (1, 2, 3, 4));
    /// assert_eq!(d.to_string(), "1y2m3d4h");
    /// assert!(ResticDuration::parse("2w").is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(text: &str) -> Result<ResticDuration, String> {
        let bad = |why: String| {
            format!(
                "invalid duration '{text}': {why}; expected numbers with y, m (months), d or h, such as 1y6m or 2d12h"
            )
        };
        let mut d = ResticDuration::default();
        let mut rest = text.trim();
        while !rest.is_empty() {
            let (negative, digits_from) = if rest.starts_with('-') { (true, 1) } else { (false, 0) };
            let digits = rest[digits_from..].bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad("no number found".to_owned()));
            }
            let number = &rest[digits_from..digits_from + digits];
            let n: i32 = number.parse().map_err(|_| bad(format!("{number} is too large")))?;
            let n = if negative { -n } else { n };
            rest = &rest[digits_from + digits..];
            let Some(unit) = rest.chars().next() else {
                return Err(bad(format!("no unit found after number {n}")));
            };
            match unit {
                'y' => d.years = n,
                'm' => d.months = n,
                'd' => d.days = n,
                'h' => d.hours = n,
                other => return Err(bad(format!("invalid unit '{other}' found after number {n}"))),
            }
            rest = &rest[unit.len_utf8()..];
        }
        Ok(d)
    }

    /// `true` when every part is zero: restic then ignores the rule.
    pub fn is_zero(&self) -> bool {
        *self == ResticDuration::default()
    }

    fn is_negative(&self) -> bool {
        self.years < 0 || self.months < 0 || self.days < 0 || self.hours < 0
    }

    /// `newest` minus this duration, as restic computes it: Go's
    /// `AddDate(-years, -months, -days)` in the newest snapshot's zone (`zone`
    /// when its offset is `zone`'s there, else its fixed offset), then
    /// `hours` subtracted as elapsed time. Returns the cut-off as an
    /// [`Instant`], exact for any duration: Go's times reach far past
    /// chrono's ±262,000 years, and a duration with parts of both signs
    /// (which restic 0.14 accepts) can be huge yet land anywhere. `None`
    /// cannot happen (see the comment inside); callers keep nothing then.
    fn cutoff(&self, newest: &DateTime<FixedOffset>, zone: Option<Tz>) -> Option<Instant> {
        let local = newest.naive_local();
        let months = i64::from(local.year()) * 12 + i64::from(local.month0())
            - i64::from(self.years) * 12
            - i64::from(self.months);
        let days = i64::from(local.day0()) - i64::from(self.days); // after the 1st of the month
        // The Gregorian calendar repeats every 400 years (146,097 days): count
        // whole cycles apart, and let chrono place the rest within 400 years
        // of 2000 (plus under 400 years of days), where it cannot fail.
        let year = months.div_euclid(12);
        let cycles = (year - 2000).div_euclid(400) + days.div_euclid(DAYS_PER_400_YEARS);
        let date = NaiveDate::from_ymd_opt(
            i32::try_from(2000 + (year - 2000).rem_euclid(400)).ok()?,
            u32::try_from(months.rem_euclid(12)).ok()? + 1,
            1,
        )?
        .checked_add_days(Days::new(u64::try_from(days.rem_euclid(DAYS_PER_400_YEARS)).ok()?))?;
        let local_secs = date.and_time(local.time()).and_utc().timestamp();
        let wall = i128::from(local_secs) + i128::from(cycles) * i128::from(DAYS_PER_400_YEARS) * 86_400;
        let recorded = newest.offset().local_minus_utc();
        let offset = match zone {
            // Go's Parse gives the machine's zone only to a non-`Z` time whose
            // offset is the zone's at that instant.
            Some(zone) if recorded != 0 && offset_at(zone, i128::from(newest.timestamp())) == recorded => {
                // Go's Date: the offset in force at the wall time read as UTC,
                // then at the instant that gives (the second look settles
                // wall times near a change).
                offset_at(zone, wall - i128::from(offset_at(zone, wall)))
            }
            _ => recorded,
        };
        let secs = wall - i128::from(offset) - i128::from(self.hours) * 3600;
        Some((secs, local.nanosecond()))
    }
}

/// `zone`'s UTC offset in seconds at `secs` since the epoch (clamped to
/// chrono's range, beyond which the outermost rules hold anyway).
fn offset_at(zone: Tz, secs: i128) -> i32 {
    let min = DateTime::<Utc>::MIN_UTC.timestamp();
    let max = DateTime::<Utc>::MAX_UTC.timestamp();
    let clamped = i64::try_from(secs.clamp(i128::from(min), i128::from(max))).unwrap_or(0);
    let utc = DateTime::from_timestamp(clamped, 0).unwrap_or_default().naive_utc();
    zone.offset_from_utc_datetime(&utc).fix().local_minus_utc()
}

/// Days in 400 Gregorian years, after which the calendar repeats.
const DAYS_PER_400_YEARS: i64 = 146_097;

/// An instant as seconds since the Unix epoch and nanoseconds, at any
/// distance from it. Ordered as chrono orders instants: a leap second
/// (nanoseconds from 1e9) falls after second 59 and before the next minute.
type Instant = (i128, u32);

fn instant(t: &DateTime<FixedOffset>) -> Instant {
    (i128::from(t.timestamp()), t.timestamp_subsec_nanos())
}

impl fmt::Display for ResticDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, unit) in [
            (self.years, 'y'),
            (self.months, 'm'),
            (self.days, 'd'),
            (self.hours, 'h'),
        ] {
            if n != 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

/// A `--keep-tag` value: tags that must all be present (`a,b`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TagList(pub Vec<String>);

impl TagList {
    /// Splits `a,b` into tags, trimming spaces around each, as restic does.
    /// `""` is a list of one empty tag, which matches untagged snapshots.
    pub fn parse(text: &str) -> TagList {
        TagList(text.split(',').map(|t| t.trim().to_owned()).collect())
    }

    /// Whether a snapshot with `tags` matches: it has every tag of the list,
    /// or it has no tags and the list holds `""` (restic's `HasTags`).
    pub fn matches(&self, tags: &[String]) -> bool {
        for tag in &self.0 {
            if tag.is_empty() && tags.is_empty() {
                return true;
            }
            if !tags.contains(tag) {
                return false;
            }
        }
        true
    }
}

impl fmt::Display for TagList {
    /// restic's `[a, b]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.0.join(", "))
    }
}

/// The time buckets of the `--keep-<bucket>` rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    /// `--keep-last`: every snapshot is its own bucket.
    Last,
    /// A local hour.
    Hourly,
    /// A local day.
    Daily,
    /// An ISO 8601 week (Monday to Sunday, numbered within its ISO year).
    Weekly,
    /// A month.
    Monthly,
    /// A year.
    Yearly,
}

impl Bucket {
    /// All buckets, in the order restic evaluates them.
    pub const ALL: [Bucket; 6] = [
        Bucket::Last,
        Bucket::Hourly,
        Bucket::Daily,
        Bucket::Weekly,
        Bucket::Monthly,
        Bucket::Yearly,
    ];

    /// `last`, `hourly`, ... as in the flag names.
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Last => "last",
            Bucket::Hourly => "hourly",
            Bucket::Daily => "daily",
            Bucket::Weekly => "weekly",
            Bucket::Monthly => "monthly",
            Bucket::Yearly => "yearly",
        }
    }

    /// The bucket of a snapshot taken at local time `t`, `nr`-th newest.
    fn key(self, t: &DateTime<FixedOffset>, nr: usize) -> i64 {
        let (y, mo, d, h) = (
            i64::from(t.year()),
            i64::from(t.month()),
            i64::from(t.day()),
            i64::from(t.hour()),
        );
        match self {
            Bucket::Last => i64::try_from(nr).unwrap_or(i64::MAX),
            Bucket::Hourly => ((y * 100 + mo) * 100 + d) * 100 + h,
            Bucket::Daily => (y * 100 + mo) * 100 + d,
            Bucket::Weekly => {
                let w = t.iso_week();
                i64::from(w.year()) * 100 + i64::from(w.week())
            }
            Bucket::Monthly => y * 100 + mo,
            Bucket::Yearly => y,
        }
    }
}

/// Why a snapshot is kept. `Display` prints restic's words.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeepReason {
    /// It carries every tag of a `--keep-tag` list: `has tags [a, b]`.
    Tags(TagList),
    /// Within `--keep-within` of the newest snapshot: `within 1y2m`.
    Within(ResticDuration),
    /// It opens a bucket of a `--keep-<bucket>` rule: `daily snapshot`; or it
    /// is the group's oldest and the rule had counts left: `oldest daily snapshot`.
    Bucket {
        /// The rule.
        bucket: Bucket,
        /// Kept as the oldest snapshot rather than for opening a bucket.
        oldest: bool,
    },
    /// It opens a bucket among the snapshots within a duration:
    /// `daily within 7d` (`oldest daily within 7d`).
    WithinBucket {
        /// The rule (never [`Bucket::Last`]).
        bucket: Bucket,
        /// The duration.
        within: ResticDuration,
        /// Kept as the oldest snapshot rather than for opening a bucket.
        oldest: bool,
    },
}

impl fmt::Display for KeepReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let oldest = |o: bool| if o { "oldest " } else { "" };
        match self {
            KeepReason::Tags(tags) => write!(f, "has tags {tags}"),
            KeepReason::Within(d) => write!(f, "within {d}"),
            KeepReason::Bucket { bucket, oldest: o } => write!(f, "{}{} snapshot", oldest(*o), bucket.name()),
            KeepReason::WithinBucket {
                bucket,
                within,
                oldest: o,
            } => {
                write!(f, "{}{} within {within}", oldest(*o), bucket.name())
            }
        }
    }
}

/// A snapshot as the retention engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetentionSnapshot {
    /// Snapshot id.
    pub id: String,
    /// When it was taken, with the UTC offset it was recorded in: buckets
    /// are computed from this local time.
    pub time: DateTime<FixedOffset>,
    /// Host name (a `--group-by` key).
    pub hostname: String,
    /// Backed-up paths (a `--group-by` key).
    pub paths: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
}

impl RetentionSnapshot {
    /// A snapshot with no host, paths or tags.
    pub fn new(id: impl Into<String>, time: DateTime<FixedOffset>) -> RetentionSnapshot {
        RetentionSnapshot {
            id: id.into(),
            time,
            hostname: String::new(),
            paths: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// The same snapshot with these tags.
    pub fn with_tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> RetentionSnapshot {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The same snapshot with this host and paths.
    pub fn with_host_paths<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        hostname: impl Into<String>,
        paths: I,
    ) -> RetentionSnapshot {
        self.hostname = hostname.into();
        self.paths = paths.into_iter().map(Into::into).collect();
        self
    }
}

/// A retention policy: restic's `forget` flags, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetentionPolicy {
    /// `--keep-last`
    pub last: KeepCount,
    /// `--keep-hourly`
    pub hourly: KeepCount,
    /// `--keep-daily`
    pub daily: KeepCount,
    /// `--keep-weekly`
    pub weekly: KeepCount,
    /// `--keep-monthly`
    pub monthly: KeepCount,
    /// `--keep-yearly`
    pub yearly: KeepCount,
    /// `--keep-within`
    pub within: ResticDuration,
    /// `--keep-within-hourly`
    pub within_hourly: ResticDuration,
    /// `--keep-within-daily`
    pub within_daily: ResticDuration,
    /// `--keep-within-weekly`
    pub within_weekly: ResticDuration,
    /// `--keep-within-monthly`
    pub within_monthly: ResticDuration,
    /// `--keep-within-yearly`
    pub within_yearly: ResticDuration,
    /// `--keep-tag`, one list per flag.
    pub tags: Vec<TagList>,
    /// Whose semantics to follow.
    pub version: ResticVersion,
    /// The time zone of the machine running `restic forget` (its `TZ`):
    /// `--keep-within*` arithmetic happens in it when the newest snapshot's
    /// offset is the zone's (see [the module docs](self#the-machines-time-zone)).
    /// `None`: always in the recorded offset, as restic under `TZ=UTC`.
    pub zone: Option<Tz>,
}

/// The counts a kept snapshot left, as restic's JSON `counters` (`-1`: unlimited).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counters {
    /// Left per bucket, in [`Bucket::ALL`] order.
    pub left: [i64; 6],
}

impl Counters {
    /// What is left of one rule.
    pub fn get(&self, bucket: Bucket) -> i64 {
        self.left[bucket as usize]
    }
}

/// A kept snapshot and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kept {
    /// Index of the snapshot in the input.
    pub index: usize,
    /// Every rule that keeps it, in restic's order.
    pub reasons: Vec<KeepReason>,
    /// The counts left after it.
    pub counters: Counters,
}

/// What a policy does to one group of snapshots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision {
    /// Kept snapshots, newest first.
    pub keep: Vec<Kept>,
    /// Indexes (into the input) of the snapshots to remove, newest first.
    pub remove: Vec<usize>,
}

impl RetentionPolicy {
    /// The count of a `--keep-<bucket>` rule.
    pub fn count(&self, bucket: Bucket) -> KeepCount {
        match bucket {
            Bucket::Last => self.last,
            Bucket::Hourly => self.hourly,
            Bucket::Daily => self.daily,
            Bucket::Weekly => self.weekly,
            Bucket::Monthly => self.monthly,
            Bucket::Yearly => self.yearly,
        }
    }

    /// Sets the count of a `--keep-<bucket>` rule.
    pub fn set_count(&mut self, bucket: Bucket, count: KeepCount) {
        let slot = match bucket {
            Bucket::Last => &mut self.last,
            Bucket::Hourly => &mut self.hourly,
            Bucket::Daily => &mut self.daily,
            Bucket::Weekly => &mut self.weekly,
            Bucket::Monthly => &mut self.monthly,
            Bucket::Yearly => &mut self.yearly,
        };
        *slot = count;
    }

    /// The duration of a `--keep-within-<bucket>` rule (`--keep-within` for [`Bucket::Last`]).
    pub fn within_of(&self, bucket: Bucket) -> ResticDuration {
        match bucket {
            Bucket::Last => self.within,
            Bucket::Hourly => self.within_hourly,
            Bucket::Daily => self.within_daily,
            Bucket::Weekly => self.within_weekly,
            Bucket::Monthly => self.within_monthly,
            Bucket::Yearly => self.within_yearly,
        }
    }

    /// Sets a `--keep-within-<bucket>` duration (`--keep-within` for [`Bucket::Last`]).
    pub fn set_within(&mut self, bucket: Bucket, within: ResticDuration) {
        let slot = match bucket {
            Bucket::Last => &mut self.within,
            Bucket::Hourly => &mut self.within_hourly,
            Bucket::Daily => &mut self.within_daily,
            Bucket::Weekly => &mut self.within_weekly,
            Bucket::Monthly => &mut self.within_monthly,
            Bucket::Yearly => &mut self.within_yearly,
        };
        *slot = within;
    }

    /// `true` when nothing is set: no count, no duration, no tag (restic's `Empty`).
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && Bucket::ALL
                .iter()
                .all(|&b| self.count(b).as_restic_int() == 0 && self.within_of(b).is_zero())
    }

    /// Checks the values restic's version accepts: current releases refuse
    /// negative counts and durations (and `unlimited` is theirs alone).
    pub fn check(&self) -> Result<(), Error> {
        for b in Bucket::ALL {
            let flag = if b == Bucket::Last {
                "--keep-last".to_owned()
            } else {
                format!("--keep-{}", b.name())
            };
            match (self.version, self.count(b)) {
                (ResticVersion::Current, KeepCount::Negative(n)) => {
                    return Err(Error::InvalidRetention(format!(
                        "{flag} {n}: negative values not allowed, use 'unlimited' instead"
                    )));
                }
                (ResticVersion::V0_14, KeepCount::Unlimited) => {
                    return Err(Error::InvalidRetention(format!(
                        "{flag} unlimited: restic 0.14 has no 'unlimited'; give a count"
                    )));
                }
                _ => {}
            }
            let within = self.within_of(b);
            if self.version == ResticVersion::Current && within.is_negative() {
                let flag = if b == Bucket::Last {
                    "--keep-within".to_owned()
                } else {
                    format!("--keep-within-{}", b.name())
                };
                return Err(Error::InvalidRetention(format!(
                    "{flag} {within}: durations containing negative values are not allowed"
                )));
            }
        }
        Ok(())
    }

    /// Decides one group of snapshots, as restic's `ApplyPolicy`.
    ///
    /// # Arguments
    ///
    /// `snapshots` in any order; `now` only decides which snapshots are in the
    /// future (they do not count as the newest for `--keep-within*`).
    ///
    /// # Returns
    ///
    /// Kept (with reasons and counters) and removed snapshots, newest first,
    /// as indexes into `snapshots`. This does not refuse empty or
    /// remove-everything policies: [`forget`] does, as restic's command does.
    /// It fails only when [`check`](Self::check) does.
    ///
    /// # Complexity
    ///
    /// O(n log n) for the sort, then O(n) (times the number of rules and tags).
    ///
    /// # Example
    ///
    /// ```
    /// use ops_core::backup::{KeepCount, RetentionPolicy, RetentionSnapshot};
    /// let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s);
    /// let snapshots = vec![
    ///     RetentionSnapshot::new("a", at("2026-11-20T23:30:00-05:00")?), // 21 Nov in UTC, 20 Nov locally
    ///     RetentionSnapshot::new("b", at("2026-11-20T08:00:00-05:00")?),
    ///     RetentionSnapshot::new("c", at("2026-11-19T08:00:00+00:00")?),
    /// ];
    /// let mut policy = RetentionPolicy::default();
    /// policy.daily = KeepCount::Count(5);
    /// let decision = policy.apply(&snapshots, "2026-11-26T00:00:00Z".parse()?)?;
    /// let kept: Vec<&str> = decision.keep.iter().map(|k| snapshots[k.index].id.as_str()).collect();
    /// assert_eq!(kept, ["a", "c"]);
    /// assert_eq!(decision.keep[0].reasons[0].to_string(), "daily snapshot");
    /// // b falls on a's local day (20 November at -05:00), so it is removed
    /// assert_eq!(decision.remove, [1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&self, snapshots: &[RetentionSnapshot], now: DateTime<Utc>) -> Result<Decision, Error> {
        self.check()?;
        let mut order: Vec<usize> = (0..snapshots.len()).collect();
        // Stable: equal instants keep their input order, as restic's sort.Stable.
        order.sort_by(|&a, &b| snapshots[b].time.cmp(&snapshots[a].time));
        let mut decision = Decision::default();
        let current = self.version == ResticVersion::Current;

        // The newest snapshot not in the future (Go's zero time when there is
        // none); of equal instants the first in sorted order, whose offset the
        // calendar arithmetic then uses.
        let mut newest = go_zero_time();
        for &i in &order {
            let t = snapshots[i].time;
            if t > newest && t < now {
                newest = t;
            }
        }
        let after_cutoff = |d: &ResticDuration, t: &DateTime<FixedOffset>| match d.cutoff(&newest, self.zone) {
            Some(cut) => instant(t) > cut,
            None => false,
        };

        let mut left: [i64; 6] = Bucket::ALL.map(|b| self.count(b).as_restic_int());
        let mut last_key: [Option<i64>; 6] = [None; 6];
        let mut last_within_key: [Option<i64>; 6] = [None; 6];
        for (nr, &index) in order.iter().enumerate() {
            let snapshot = &snapshots[index];
            let t = &snapshot.time;
            let is_oldest = nr + 1 == order.len();
            let mut reasons = Vec::new();
            for list in &self.tags {
                if list.matches(&snapshot.tags) {
                    reasons.push(KeepReason::Tags(list.clone()));
                }
            }
            if !self.within.is_zero() && after_cutoff(&self.within, t) {
                reasons.push(KeepReason::Within(self.within));
            }
            for (i, bucket) in Bucket::ALL.into_iter().enumerate() {
                if !(left[i] > 0 || (current && left[i] == -1)) {
                    continue;
                }
                let key = bucket.key(t, nr);
                let repeats = last_key[i] == Some(key);
                if !repeats || (current && is_oldest) {
                    last_key[i] = Some(key);
                    if left[i] > 0 {
                        left[i] -= 1;
                    }
                    reasons.push(KeepReason::Bucket {
                        bucket,
                        oldest: repeats,
                    });
                }
            }
            for (i, bucket) in Bucket::ALL.into_iter().enumerate().skip(1) {
                let within = self.within_of(bucket);
                if within.is_zero() || !after_cutoff(&within, t) {
                    continue;
                }
                let key = bucket.key(t, nr);
                let repeats = last_within_key[i] == Some(key);
                if !repeats || (current && is_oldest) {
                    last_within_key[i] = Some(key);
                    reasons.push(KeepReason::WithinBucket {
                        bucket,
                        within,
                        oldest: repeats,
                    });
                }
            }
            if reasons.is_empty() {
                decision.remove.push(index);
            } else {
                decision.keep.push(Kept {
                    index,
                    reasons,
                    counters: Counters { left },
                });
            }
        }
        Ok(decision)
    }
}

/// Go's zero `time.Time`, 0001-01-01T00:00:00Z: restic's "newest" when every
/// snapshot is in the future.
fn go_zero_time() -> DateTime<FixedOffset> {
    NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().fixed_offset())
        .unwrap_or(DateTime::<Utc>::MIN_UTC.fixed_offset())
}

/// Which snapshots `restic forget` considers at all: `--host`, `--tag` and
/// `--path`. Snapshots it does not match are neither kept nor removed: keep
/// only the matching ones before calling [`forget`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotFilter {
    /// `--host`: the snapshot's host is one of these (any host when empty).
    pub hosts: Vec<String>,
    /// `--tag`: the snapshot matches one of these lists, as `--keep-tag` does
    /// (any snapshot when empty).
    pub tags: Vec<TagList>,
    /// `--path`: the snapshot has every one of these paths.
    pub paths: Vec<String>,
}

impl SnapshotFilter {
    /// Whether restic would consider the snapshot (its `HasHostname`,
    /// `HasTagList` and `HasPaths`).
    pub fn matches(&self, s: &RetentionSnapshot) -> bool {
        (self.hosts.is_empty() || self.hosts.contains(&s.hostname))
            && (self.tags.is_empty() || self.tags.iter().any(|l| l.matches(&s.tags)))
            && self.paths.iter().all(|p| s.paths.contains(p))
    }

    /// `true` when no filter is set.
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.tags.is_empty() && self.paths.is_empty()
    }
}

/// How `restic forget --group-by` groups snapshots (default `host,paths`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupBy {
    /// By host name.
    pub host: bool,
    /// By the set of paths.
    pub paths: bool,
    /// By the set of tags.
    pub tags: bool,
}

impl Default for GroupBy {
    fn default() -> GroupBy {
        GroupBy {
            host: true,
            paths: true,
            tags: false,
        }
    }
}

impl GroupBy {
    /// Parses restic's `--group-by` value: `host`, `paths`, `tags` (or
    /// `hosts`, `path`, `tag`) separated by commas; `""` disables grouping.
    pub fn parse(text: &str) -> Result<GroupBy, String> {
        let mut g = GroupBy {
            host: false,
            paths: false,
            tags: false,
        };
        for option in text.split(',') {
            match option {
                "host" | "hosts" => g.host = true,
                "path" | "paths" => g.paths = true,
                "tag" | "tags" => g.tags = true,
                "" => {}
                other => {
                    return Err(format!(
                        "unknown grouping option '{other}': expected host, paths and/or tags separated by commas"
                    ));
                }
            }
        }
        Ok(g)
    }
}

/// The key of a snapshot group: what the snapshots share (empty when not grouped by it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct GroupKey {
    /// Host name, or empty.
    pub hostname: String,
    /// Paths, sorted, or empty.
    pub paths: Vec<String>,
    /// Tags, sorted, or empty.
    pub tags: Vec<String>,
}

impl fmt::Display for GroupKey {
    /// restic's group description: `host h, path [/a /b], tags [x y]`
    /// (empty when not grouped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.hostname.is_empty() {
            parts.push(format!("host {}", self.hostname));
        }
        if !self.paths.is_empty() {
            parts.push(format!("path [{}]", self.paths.join(" ")));
        }
        if !self.tags.is_empty() {
            parts.push(format!("tags [{}]", self.tags.join(" ")));
        }
        f.write_str(&parts.join(", "))
    }
}

/// What a policy does to one group.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupDecision {
    /// The group.
    pub key: GroupKey,
    /// Kept and removed snapshots; indexes into the slice given to [`forget`].
    pub decision: Decision,
}

/// `restic forget --dry-run`: groups the snapshots, applies the policy to
/// each group and refuses what the version refuses.
///
/// # Arguments
///
/// `snapshots` in any order, `group_by` as `--group-by`, `now` as in
/// [`RetentionPolicy::apply`].
///
/// # Returns
///
/// One [`GroupDecision`] per group, sorted by key. Errors:
/// [`Error::EmptyRetentionPolicy`] for a policy with nothing set (restic 0.14
/// printed that nothing would be removed; later releases fail), and, for
/// [`ResticVersion::Current`], [`Error::RetentionRemovesAll`] when a group
/// would lose every snapshot.
///
/// # Complexity
///
/// O(n log n).
///
/// # Example
///
/// ```
/// use ops_core::backup::{KeepCount, RetentionPolicy, RetentionSnapshot, forget};
/// use ops_core::backup::retention::{GroupBy, TagList};
/// let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s);
/// let snapshots = vec![
///     RetentionSnapshot::new("a", at("2026-11-20T10:00:00Z")?).with_host_paths("db1", ["/srv"]),
///     RetentionSnapshot::new("b", at("2026-11-21T10:00:00Z")?).with_host_paths("db2", ["/srv"]),
/// ];
/// let mut policy = RetentionPolicy::default();
/// policy.tags.push(TagList::parse("monthly"));
/// let err = forget(&snapshots, &policy, GroupBy::default(), "2026-11-26T00:00:00Z".parse()?).unwrap_err();
/// assert_eq!(err.to_string(), r#"refusing to delete last snapshot of snapshot group "host db1, path [/srv]""#);
/// policy.last = KeepCount::Count(1);
/// let groups = forget(&snapshots, &policy, GroupBy::default(), "2026-11-26T00:00:00Z".parse()?)?;
/// assert_eq!(groups.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn forget(
    snapshots: &[RetentionSnapshot],
    policy: &RetentionPolicy,
    group_by: GroupBy,
    now: DateTime<Utc>,
) -> Result<Vec<GroupDecision>, Error> {
    policy.check()?;
    if policy.is_empty() {
        return Err(Error::EmptyRetentionPolicy);
    }
    let mut groups: Vec<(GroupKey, Vec<usize>)> = Vec::new();
    let mut keys: Vec<(GroupKey, usize)> = snapshots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let sorted = |v: &[String]| {
                let mut v = v.to_vec();
                v.sort();
                v
            };
            let key = GroupKey {
                hostname: if group_by.host {
                    s.hostname.clone()
                } else {
                    String::new()
                },
                paths: if group_by.paths { sorted(&s.paths) } else { Vec::new() },
                tags: if group_by.tags { sorted(&s.tags) } else { Vec::new() },
            };
            (key, i)
        })
        .collect();
    // Stable: a group keeps its snapshots in input order.
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, i) in keys {
        match groups.last_mut() {
            Some((k, members)) if *k == key => members.push(i),
            _ => groups.push((key, vec![i])),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (key, members) in groups {
        let group: Vec<RetentionSnapshot> = members.iter().map(|&i| snapshots[i].clone()).collect();
        let mut decision = policy.apply(&group, now)?;
        if decision.keep.is_empty() && policy.version == ResticVersion::Current {
            return Err(Error::RetentionRemovesAll { group: key.to_string() });
        }
        for kept in &mut decision.keep {
            kept.index = members[kept.index];
        }
        for removed in &mut decision.remove {
            *removed = members[*removed];
        }
        out.push(GroupDecision { key, decision });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2026-11-26T00:00:00Z".parse().unwrap()
    }

    fn snaps(times: &[&str]) -> Vec<RetentionSnapshot> {
        times
            .iter()
            .enumerate()
            .map(|(i, t)| RetentionSnapshot::new(format!("s{i}"), at(t)))
            .collect()
    }

    fn policy(version: ResticVersion) -> RetentionPolicy {
        RetentionPolicy {
            version,
            ..RetentionPolicy::default()
        }
    }

    /// (kept ids with their reasons, removed ids)
    fn run(p: &RetentionPolicy, s: &[RetentionSnapshot]) -> (Vec<(String, Vec<String>)>, Vec<String>) {
        let d = p.apply(s, now()).unwrap();
        (
            d.keep
                .iter()
                .map(|k| {
                    (
                        s[k.index].id.clone(),
                        k.reasons.iter().map(ToString::to_string).collect(),
                    )
                })
                .collect(),
            d.remove.iter().map(|&i| s[i].id.clone()).collect(),
        )
    }

    fn kept(p: &RetentionPolicy, s: &[RetentionSnapshot]) -> Vec<String> {
        run(p, s).0.into_iter().map(|(id, _)| id).collect()
    }

    const THREE_ON_ONE_DAY: [&str; 3] = ["2026-11-20T08:00:00Z", "2026-11-20T12:00:00Z", "2026-11-20T16:00:00Z"];

    /// restic 0.16.0+ `ApplyPolicy`: `if val != b.Last || nr == len(list)-1` keeps
    /// the oldest while the rule has counts left, and since 0.18.0 (b69c6408a)
    /// names it `oldest ...` only when its bucket repeats
    /// (internal/data/snapshot_policy.go, 0.19.1; doc/060_forget.rst "marked as oldest").
    #[test]
    fn current_keeps_the_oldest_while_a_rule_has_counts_left() {
        let s = snaps(&THREE_ON_ONE_DAY);
        let mut p = policy(ResticVersion::Current);
        p.daily = KeepCount::Count(5);
        let (keep, remove) = run(&p, &s);
        assert_eq!(
            keep,
            [
                ("s2".into(), vec!["daily snapshot".to_owned()]),
                ("s0".into(), vec!["oldest daily snapshot".to_owned()])
            ]
        );
        assert_eq!(remove, ["s1"]);
        let d = p.apply(&s, now()).unwrap();
        assert_eq!(
            d.keep[1].counters.get(Bucket::Daily),
            3,
            "the oldest spends a count too"
        );

        // no counts left: the oldest is not kept
        p.daily = KeepCount::Count(1);
        assert_eq!(kept(&p, &s), ["s2"]);

        // within-bucket rules too
        let mut p = policy(ResticVersion::Current);
        p.within_daily = ResticDuration::parse("1d").unwrap();
        assert_eq!(run(&p, &s).0[1].1, ["oldest daily within 1d"]);

        // restic 0.14: buckets only
        let mut p = policy(ResticVersion::V0_14);
        p.daily = KeepCount::Count(5);
        assert_eq!(kept(&p, &s), ["s2"]);
    }

    #[test]
    fn an_oldest_snapshot_that_opens_a_bucket_is_not_called_oldest() {
        let s = snaps(&["2026-11-20T08:00:00Z", "2026-11-19T08:00:00Z"]);
        let mut p = policy(ResticVersion::Current);
        p.daily = KeepCount::Count(5);
        assert_eq!(run(&p, &s).0[1].1, ["daily snapshot"]);
    }

    /// 0.16.0 (b77b0749f, 50b43fbac): `unlimited` is -1, "keep all"; the
    /// counter stays -1.
    #[test]
    fn unlimited_keeps_every_bucket() {
        let s = snaps(&[
            "2026-11-20T08:00:00Z",
            "2026-11-20T09:00:00Z",
            "2026-11-21T08:00:00Z",
            "2026-11-23T08:00:00Z",
        ]);
        let mut p = policy(ResticVersion::Current);
        p.daily = KeepCount::parse("unlimited", ResticVersion::Current).unwrap();
        let d = p.apply(&s, now()).unwrap();
        let ids: Vec<&str> = d.keep.iter().map(|k| s[k.index].id.as_str()).collect();
        assert_eq!(ids, ["s3", "s2", "s1", "s0"]);
        assert_eq!(d.keep[3].reasons[0].to_string(), "oldest daily snapshot");
        assert!(d.keep.iter().all(|k| k.counters.get(Bucket::Daily) == -1));
        assert!(KeepCount::parse("unlimited", ResticVersion::V0_14).is_err());
        let mut p = policy(ResticVersion::V0_14);
        p.daily = KeepCount::Unlimited;
        assert!(matches!(p.apply(&s, now()), Err(Error::InvalidRetention(_))));
    }

    /// 0.16.0 cmd_forget.go `ForgetPolicyCount.Set`: "negative values not
    /// allowed, use 'unlimited' instead"; `verifyForgetOptions` rejects
    /// negative durations (84ede6ad7). 0.14 took `IntVarP` and restic.Duration
    /// as they came.
    #[test]
    fn negative_values_are_refused_except_by_0_14() {
        assert_eq!(
            KeepCount::parse("-1", ResticVersion::Current).unwrap_err(),
            "invalid count '-1': negative values not allowed, use 'unlimited' instead"
        );
        let s = snaps(&THREE_ON_ONE_DAY);
        let mut p = policy(ResticVersion::Current);
        p.last = KeepCount::Negative(-2);
        assert_eq!(
            p.apply(&s, now()).unwrap_err().to_string(),
            "invalid retention policy: --keep-last -2: negative values not allowed, use 'unlimited' instead"
        );
        let mut p = policy(ResticVersion::Current);
        p.within = ResticDuration::parse("-2d").unwrap();
        assert_eq!(
            p.apply(&s, now()).unwrap_err().to_string(),
            "invalid retention policy: --keep-within -2d: durations containing negative values are not allowed"
        );
        // 0.14: a negative rule keeps nothing, and so forget removes everything
        p.version = ResticVersion::V0_14;
        let groups = forget(&s, &p, GroupBy::default(), now()).unwrap();
        assert!(groups[0].decision.keep.is_empty());
        assert_eq!(groups[0].decision.remove.len(), 3);
    }

    /// 0.17.0 (5b7952e42): "no policy was specified, no snapshots will be
    /// removed" is an error; 0.14 printed it and removed nothing.
    #[test]
    fn an_empty_policy_removes_nothing() {
        let s = snaps(&THREE_ON_ONE_DAY);
        for version in [ResticVersion::Current, ResticVersion::V0_14] {
            let mut p = policy(version);
            p.within = ResticDuration::parse("0d").unwrap();
            assert!(matches!(
                forget(&s, &p, GroupBy::default(), now()),
                Err(Error::EmptyRetentionPolicy)
            ));
        }
    }

    /// 0.17.0 (c0e1f3683), unconditional since 0.18.0 (098db935f):
    /// "refusing to delete last snapshot of snapshot group".
    #[test]
    fn current_refuses_to_remove_a_whole_group() {
        let s: Vec<_> = snaps(&THREE_ON_ONE_DAY)
            .into_iter()
            .map(|s| s.with_host_paths("db1", ["/srv", "/etc"]))
            .collect();
        let mut p = policy(ResticVersion::Current);
        p.tags.push(TagList::parse("monthly"));
        assert_eq!(
            forget(&s, &p, GroupBy::default(), now()).unwrap_err().to_string(),
            r#"refusing to delete last snapshot of snapshot group "host db1, path [/etc /srv]""#
        );
        p.version = ResticVersion::V0_14;
        assert_eq!(
            forget(&s, &p, GroupBy::default(), now()).unwrap()[0]
                .decision
                .remove
                .len(),
            3
        );
    }

    #[test]
    fn buckets_use_each_snapshots_own_offset() {
        // the same UTC day, three local days
        let s = snaps(&[
            "2026-11-20T23:30:00-05:00",
            "2026-11-21T12:00:00+00:00",
            "2026-11-21T01:00:00+14:00",
        ]);
        let mut p = policy(ResticVersion::V0_14);
        p.daily = KeepCount::Count(10);
        assert_eq!(kept(&p, &s), ["s1", "s0", "s2"]);
        p.daily = KeepCount::Off;
        p.hourly = KeepCount::Count(10);
        assert_eq!(kept(&p, &s).len(), 3);
    }

    #[test]
    fn iso_weeks_span_the_new_year() {
        // 2020-12-31 (Thursday) and 2021-01-03 (Sunday) are both in 2020-W53;
        // 2021-01-04 opens 2021-W01.
        let s = snaps(&["2020-12-31T10:00:00Z", "2021-01-03T10:00:00Z", "2021-01-04T10:00:00Z"]);
        let mut p = policy(ResticVersion::V0_14);
        p.weekly = KeepCount::Count(10);
        assert_eq!(kept(&p, &s), ["s2", "s1"]);
        p.weekly = KeepCount::Off;
        p.yearly = KeepCount::Count(10);
        assert_eq!(kept(&p, &s), ["s2", "s0"]);
    }

    /// Go's `AddDate` normalises: 31 March minus one month is "31 February",
    /// that is 3 March (2026 is not a leap year); the cut-off is exclusive.
    #[test]
    fn keep_within_subtracts_calendar_months_the_go_way() {
        let s = snaps(&[
            "2026-03-31T12:00:00+02:00",
            "2026-03-03T12:00:00+02:00",
            "2026-03-03T12:00:01+02:00",
            "2026-02-28T12:00:00+02:00",
        ]);
        let mut p = policy(ResticVersion::V0_14);
        p.within = ResticDuration::parse("1m").unwrap();
        assert_eq!(kept(&p, &s), ["s0", "s2"]);
        assert_eq!(run(&p, &s).0[0].1, ["within 1m"]);
        // years, months and days at once, then hours as elapsed time
        let d = ResticDuration::parse("1y1m1d1h").unwrap();
        assert_eq!(
            d.cutoff(&at("2024-03-31T00:30:00+01:00"), None).unwrap(),
            instant(&at("2023-03-01T23:30:00+01:00"))
        );
    }

    #[test]
    fn future_snapshots_do_not_count_as_the_newest() {
        let s = snaps(&["2027-01-01T00:00:00Z", "2026-11-20T00:00:00Z", "2026-11-18T00:00:00Z"]);
        let mut p = policy(ResticVersion::V0_14);
        p.within = ResticDuration::parse("1d").unwrap();
        assert_eq!(kept(&p, &s), ["s0", "s1"]);
        // nothing in the past: Go's zero time, so everything is within
        let s = snaps(&["2027-01-01T00:00:00Z", "2026-12-01T00:00:00Z"]);
        assert_eq!(kept(&p, &s), ["s0", "s1"]);
    }

    #[test]
    fn tag_lists() {
        let s = vec![
            RetentionSnapshot::new("ab", at("2026-11-20T08:00:00Z")).with_tags(["a", "b"]),
            RetentionSnapshot::new("a", at("2026-11-19T08:00:00Z")).with_tags(["a"]),
            RetentionSnapshot::new("none", at("2026-11-18T08:00:00Z")),
        ];
        let mut p = policy(ResticVersion::V0_14);
        p.tags = vec![TagList::parse("a, b"), TagList::parse("")];
        assert_eq!(
            run(&p, &s).0,
            [
                ("ab".into(), vec!["has tags [a, b]".to_owned()]),
                ("none".into(), vec!["has tags []".to_owned()])
            ]
        );
    }

    #[test]
    fn durations_parse_as_restic() {
        let d = ResticDuration::parse("1d2d5h").unwrap();
        assert_eq!((d.days, d.hours), (2, 5));
        assert_eq!(d.to_string(), "2d5h");
        assert!(ResticDuration::parse("").unwrap().is_zero());
        assert_eq!(ResticDuration::parse("-1y").unwrap().years, -1);
        assert_eq!(
            ResticDuration::parse("2w").unwrap_err(),
            "invalid duration '2w': invalid unit 'w' found after number 2; expected numbers with y, m (months), d or h, such as 1y6m or 2d12h"
        );
        assert!(
            ResticDuration::parse("12")
                .unwrap_err()
                .contains("no unit found after number 12")
        );
        assert!(ResticDuration::parse("d").unwrap_err().contains("no number found"));
        assert!(ResticDuration::parse("99999999999d").unwrap_err().contains("too large"));
    }

    #[test]
    fn counts_parse_as_restic() {
        assert_eq!(KeepCount::parse("0", ResticVersion::Current), Ok(KeepCount::Off));
        assert!(
            KeepCount::parse("1.5", ResticVersion::Current)
                .unwrap_err()
                .contains("expected a whole number")
        );
        assert!(KeepCount::parse("99999999999", ResticVersion::Current).is_err());
    }

    /// restic's `HasHostname` (any of the hosts), `HasTagList` (any list) and
    /// `HasPaths` (all paths).
    #[test]
    fn filters_choose_the_snapshots_considered() {
        let s = RetentionSnapshot::new("1", at("2026-11-20T08:00:00Z"))
            .with_host_paths("a", ["/x", "/y"])
            .with_tags(["t"]);
        let mut f = SnapshotFilter::default();
        assert!(f.is_empty() && f.matches(&s));
        f.hosts = vec!["b".into(), "a".into()];
        f.paths = vec!["/y".into(), "/x".into()];
        f.tags = vec![TagList::parse("u"), TagList::parse("t")];
        assert!(f.matches(&s));
        f.paths.push("/z".into());
        assert!(!f.matches(&s));
        f.paths.clear();
        f.tags = vec![TagList::parse("")];
        assert!(!f.matches(&s), "'' matches untagged snapshots only");
    }

    #[test]
    fn groups_by_host_paths_and_tags() {
        let s = vec![
            RetentionSnapshot::new("1", at("2026-11-20T08:00:00Z"))
                .with_host_paths("a", ["/x"])
                .with_tags(["t"]),
            RetentionSnapshot::new("2", at("2026-11-19T08:00:00Z")).with_host_paths("b", ["/x"]),
            RetentionSnapshot::new("3", at("2026-11-18T08:00:00Z")).with_host_paths("a", ["/x"]),
        ];
        let mut p = policy(ResticVersion::Current);
        p.last = KeepCount::Count(1);
        let groups = forget(&s, &p, GroupBy::default(), now()).unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].key.to_string(), "host a, path [/x]");
        let groups = forget(&s, &p, GroupBy::parse("tags").unwrap(), now()).unwrap();
        assert_eq!(
            groups.iter().map(|g| g.key.to_string()).collect::<Vec<_>>(),
            ["", "tags [t]"]
        );
        assert!(GroupBy::parse("hots").is_err());
    }
}
