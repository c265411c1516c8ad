//! Storage projection: how many snapshots a retention policy holds, and what
//! they cost, month by month.
//!
//! The model is deliberately simple. Backups run every `interval` from
//! `start`, in UTC. A snapshot taken `t` after `start` holds
//! `snapshot_bytes × (1 + monthly_growth)^(t / month)` bytes, a month being
//! the mean Gregorian month (30.436875 days). At the end of each calendar
//! month after `start`, the retention engine decides which snapshots taken so
//! far are kept. Stored bytes are either the sum of the kept snapshots (full
//! copies: dumps, tarballs) or, with `change_fraction`, the newest kept
//! snapshot in full plus that fraction of each other kept one (an incremental
//! or deduplicating store such as restic). Each copy of the backups pays its
//! tier's price per GiB-month for the stored bytes.

use chrono::{DateTime, Months, TimeDelta, Utc};

use super::retention::{RetentionPolicy, RetentionSnapshot};
use crate::{Error, StorageTier};

/// Bytes in a GiB.
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// The mean Gregorian month, in seconds.
const MONTH_SECONDS: f64 = 30.436_875 * 86_400.0;
/// At most this many snapshots are simulated (an interval of a minute over a year is about 525,000).
const MAX_SNAPSHOTS: usize = 1_000_000;

/// What to project.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ProjectionInput {
    /// When the schedule starts (the first backup).
    pub start: DateTime<Utc>,
    /// Time between backups.
    pub interval: TimeDelta,
    /// Size of a snapshot taken at `start`, in bytes.
    pub snapshot_bytes: u64,
    /// Growth of the data per month: `0.05` is 5 % a month (compounded).
    pub monthly_growth: f64,
    /// `None`: every kept snapshot is stored in full. `Some(f)`: the newest
    /// kept snapshot in full, every other kept one at `f` of its size.
    pub change_fraction: Option<f64>,
    /// One entry per copy of the backups: its tier and price per GiB-month.
    pub copies: Vec<(StorageTier, f64)>,
    /// How many months to project (12 in the usual question).
    pub months: u32,
}

impl ProjectionInput {
    /// A projection over 12 months of full copies with no growth and no copies priced yet.
    pub fn new(start: DateTime<Utc>, interval: TimeDelta, snapshot_bytes: u64) -> ProjectionInput {
        ProjectionInput {
            start,
            interval,
            snapshot_bytes,
            monthly_growth: 0.0,
            change_fraction: None,
            copies: Vec::new(),
            months: 12,
        }
    }
}

/// One month of a projection.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ProjectedMonth {
    /// 1 for the first month after `start`.
    pub month: u32,
    /// The end of the month (exclusive): snapshots before it are counted.
    pub end: DateTime<Utc>,
    /// Snapshots taken so far.
    pub taken: usize,
    /// Snapshots the policy keeps at the end of the month.
    pub kept: usize,
    /// Bytes stored per copy.
    pub stored_bytes: f64,
    /// Cost of the month per copy, in the order of [`ProjectionInput::copies`].
    pub cost_by_copy: Vec<f64>,
    /// Cost of the month, all copies.
    pub cost: f64,
}

/// Projects storage month by month.
///
/// Backups run every `interval` from `start`, in UTC. A snapshot taken `t`
/// after `start` holds `snapshot_bytes × (1 + monthly_growth)^(t / month)`
/// bytes, a month being the mean Gregorian month (30.436875 days). At the end
/// of each calendar month after `start`, the retention engine decides which
/// snapshots taken so far are kept. Stored bytes are the sum of the kept
/// snapshots (full copies: dumps, tarballs) or, with `change_fraction`, the
/// newest kept snapshot in full plus that fraction of each other kept one (an
/// incremental or deduplicating store such as restic). Each copy pays its
/// tier's price per GiB-month for the stored bytes.
///
/// # Arguments
///
/// A retention policy and a [`ProjectionInput`].
///
/// # Returns
///
/// One [`ProjectedMonth`] per month, or [`Error::InvalidProjection`] for an
/// interval that is not positive or would take more than a million snapshots,
/// a growth of -100 % or less, a change fraction outside 0..=1, or a negative
/// or non-finite price; the policy's own errors as [`RetentionPolicy::apply`].
///
/// # Complexity
///
/// O(months × n log n) for n snapshots taken.
///
/// # Example
///
/// ```
/// use chrono::TimeDelta;
/// use ops_core::backup::{KeepCount, ProjectionInput, RetentionPolicy, StorageTier, project_storage};
/// let mut policy = RetentionPolicy::default();
/// policy.daily = KeepCount::Count(7);
/// let mut input = ProjectionInput::new("2026-01-01T02:00:00Z".parse()?, TimeDelta::days(1), 10 << 30);
/// input.copies.push((StorageTier::Warm, 0.01)); // per GiB-month
/// let months = project_storage(&policy, &input)?;
/// assert_eq!(months[0].kept, 7);
/// assert_eq!(months[0].stored_bytes, 70.0 * 1024.0 * 1024.0 * 1024.0);
/// assert!((months[0].cost - 0.70).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn project_storage(policy: &RetentionPolicy, input: &ProjectionInput) -> Result<Vec<ProjectedMonth>, Error> {
    let bad = |m: String| Err(Error::InvalidProjection(m));
    if input.interval <= TimeDelta::zero() {
        return bad(format!(
            "the interval must be positive; found {}s",
            input.interval.num_seconds()
        ));
    }
    if !input.monthly_growth.is_finite() || input.monthly_growth <= -1.0 {
        return bad(format!(
            "the monthly growth must be above -1 (-100 %); found {}",
            input.monthly_growth
        ));
    }
    if let Some(f) = input.change_fraction
        && !(0.0..=1.0).contains(&f)
    {
        return bad(format!("the change fraction must be from 0 to 1; found {f}"));
    }
    if let Some((tier, price)) = input.copies.iter().find(|(_, p)| !p.is_finite() || *p < 0.0) {
        return bad(format!(
            "the price of the {tier:?} copy must be 0 or more; found {price}"
        ));
    }
    let end_of = |m: u32| input.start.checked_add_months(Months::new(m));
    let Some(last_end) = end_of(input.months) else {
        return bad(format!("{} months from {} is out of range", input.months, input.start));
    };
    let span = (last_end - input.start).num_milliseconds();
    let step = input.interval.num_milliseconds().max(1);
    if usize::try_from(span / step).map_or(true, |n| n >= MAX_SNAPSHOTS) {
        return bad(format!(
            "an interval of {} over {} months takes more than {MAX_SNAPSHOTS} snapshots",
            crate::format_duration(input.interval),
            input.months
        ));
    }

    let mut times = Vec::new();
    let mut t = input.start;
    while t < last_end {
        times.push(t);
        t += input.interval;
    }
    let size = |t: DateTime<Utc>| {
        let months = (t - input.start).num_milliseconds() as f64 / 1000.0 / MONTH_SECONDS;
        input.snapshot_bytes as f64 * (1.0 + input.monthly_growth).powf(months)
    };
    let snapshots: Vec<RetentionSnapshot> = times
        .iter()
        .enumerate()
        .map(|(i, t)| RetentionSnapshot::new(i.to_string(), t.fixed_offset()))
        .collect();

    let mut out = Vec::with_capacity(input.months as usize);
    for month in 1..=input.months {
        let Some(end) = end_of(month) else { break };
        let taken = times.partition_point(|t| *t < end);
        let decision = policy.apply(&snapshots[..taken], end)?;
        // `keep` is newest first.
        let stored_bytes: f64 = decision
            .keep
            .iter()
            .enumerate()
            .map(|(n, k)| {
                let full = size(times[k.index]);
                match input.change_fraction {
                    Some(f) if n > 0 => full * f,
                    _ => full,
                }
            })
            .sum();
        let cost_by_copy: Vec<f64> = input
            .copies
            .iter()
            .map(|(_, price)| stored_bytes / GIB * price)
            .collect();
        out.push(ProjectedMonth {
            month,
            end,
            taken,
            kept: decision.keep.len(),
            stored_bytes,
            cost: cost_by_copy.iter().sum(),
            cost_by_copy,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::{KeepCount, ResticVersion};

    fn input(interval: TimeDelta) -> ProjectionInput {
        let mut i = ProjectionInput::new("2026-01-01T02:00:00Z".parse().unwrap(), interval, 10 << 30);
        i.copies = vec![(StorageTier::Hot, 0.02), (StorageTier::Archive, 0.001)];
        i
    }

    fn gib(b: f64) -> f64 {
        b / GIB
    }

    #[test]
    fn daily_keeps_a_week_at_ten_gib() {
        let p = RetentionPolicy {
            daily: KeepCount::Count(7),
            ..RetentionPolicy::default()
        };
        let months = project_storage(&p, &input(TimeDelta::days(1))).unwrap();
        assert_eq!(months.len(), 12);
        // January: 31 nightly backups, 7 kept, 70 GiB at 0.02 + 0.001 per GiB-month
        assert_eq!((months[0].taken, months[0].kept), (31, 7));
        assert_eq!(gib(months[0].stored_bytes), 70.0);
        assert!((months[0].cost_by_copy[0] - 1.40).abs() < 1e-9);
        assert!((months[0].cost_by_copy[1] - 0.07).abs() < 1e-9);
        assert!((months[0].cost - 1.47).abs() < 1e-9);
        // February has 28 days: 59 taken by 1 March
        assert_eq!(months[1].taken, 59);
        assert_eq!(months[11].end, "2027-01-01T02:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(months[11].taken, 365);
    }

    #[test]
    fn monthly_counts_grow_and_current_restic_keeps_the_oldest() {
        let mut p = RetentionPolicy {
            monthly: KeepCount::Count(12),
            ..RetentionPolicy::default()
        };
        let months = project_storage(&p, &input(TimeDelta::days(1))).unwrap();
        // end of January: 31 Jan, and 1 Jan as the oldest; end of March: 31 Mar,
        // 28 Feb, 31 Jan and 1 Jan
        assert_eq!(months[0].kept, 2);
        assert_eq!(months[2].kept, 4);
        // 12 months: 12 month-ends, the 12th count is spent on January, no oldest
        assert_eq!(months[11].kept, 12);
        p.version = ResticVersion::V0_14;
        let months = project_storage(&p, &input(TimeDelta::days(1))).unwrap();
        assert_eq!((months[0].kept, months[2].kept), (1, 3));
    }

    #[test]
    fn growth_compounds_per_mean_month() {
        let p = RetentionPolicy {
            last: KeepCount::Count(1),
            ..RetentionPolicy::default()
        };
        let mut i = input(TimeDelta::hours(6));
        i.monthly_growth = 0.10;
        i.start = "2026-01-01T00:00:00Z".parse().unwrap();
        let months = project_storage(&p, &i).unwrap();
        // the last snapshot of January is at 31 Jan 18:00, 30.75 days in
        let expected = 10.0 * 1.1f64.powf(30.75 * 86_400.0 / MONTH_SECONDS);
        assert!((gib(months[0].stored_bytes) - expected).abs() < 1e-9);
        assert!((expected - 11.0108).abs() < 1e-3, "{expected}");
    }

    #[test]
    fn incremental_storage_counts_the_newest_in_full() {
        let p = RetentionPolicy {
            daily: KeepCount::Count(7),
            ..RetentionPolicy::default()
        };
        let mut i = input(TimeDelta::days(1));
        i.change_fraction = Some(0.1);
        let months = project_storage(&p, &i).unwrap();
        assert!((gib(months[0].stored_bytes) - 16.0).abs() < 1e-9, "10 + 6 × 1 GiB");
    }

    #[test]
    fn bad_inputs_are_refused() {
        let p = RetentionPolicy::default();
        let mut i = input(TimeDelta::zero());
        assert!(
            project_storage(&p, &i)
                .unwrap_err()
                .to_string()
                .contains("the interval must be positive")
        );
        i.interval = TimeDelta::seconds(1);
        assert!(
            project_storage(&p, &i)
                .unwrap_err()
                .to_string()
                .contains("more than 1000000 snapshots")
        );
        i.interval = TimeDelta::days(1);
        i.monthly_growth = -1.0;
        assert!(project_storage(&p, &i).is_err());
        i.monthly_growth = 0.0;
        i.change_fraction = Some(1.5);
        assert!(project_storage(&p, &i).is_err());
        i.change_fraction = None;
        i.copies = vec![(StorageTier::Cold, f64::NAN)];
        assert!(
            project_storage(&p, &i)
                .unwrap_err()
                .to_string()
                .contains("price of the Cold copy")
        );
    }
}
