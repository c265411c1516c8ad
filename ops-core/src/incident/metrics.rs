//! Incident metrics: time to detect, acknowledge, mitigate and resolve, per
//! incident and aggregated by component, severity and month.
//!
//! # Definitions
//!
//! | metric          | from          | to                |
//! |-----------------|---------------|-------------------|
//! | time to detect  | `started_at`  | `detected_at`     |
//! | time to acknowledge | `detected_at` | `acknowledged_at` |
//! | time to mitigate | `detected_at` | `mitigated_at`   |
//! | time to resolve | `detected_at` | `resolved_at`     |
//!
//! Mitigation and resolution are measured from detection, the one instant
//! every incident has, so that incidents whose start is unknown still count.
//! A metric whose instants are not both recorded is left out for that
//! incident: each aggregate says how many incidents it is computed over.
//!
//! Durations are taken on a timeline without leap seconds, as chrono
//! computes them: a leap second adds nothing to a duration that spans it, and
//! `23:59:60` is 0 seconds before the following midnight. At the minute
//! resolution of incident metrics that never matters; ordering does, and
//! a leap second sorts correctly (see `parse_instant`).
//!
//! # Percentiles
//!
//! Percentiles use the **nearest-rank** method: the p-th percentile of n
//! sorted values is the value at 1-based rank ⌈p·n/100⌉ (rank 1 when that is
//! 0). It is always one of the observed durations, never an interpolation.
//! The median is the 50th percentile by the same method, so for an even
//! count it is the lower of the two middle values. For example, of
//! 10, 20, 30, 40 minutes the median is 20 minutes and the p90 40 minutes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, TimeDelta};

use crate::{Detection, Incident, IncidentSeverity, Inventory, Timestamp, format_duration};

/// One of the four incident durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IncidentMetric {
    /// `started_at` to `detected_at`.
    TimeToDetect,
    /// `detected_at` to `acknowledged_at`.
    TimeToAcknowledge,
    /// `detected_at` to `mitigated_at`.
    TimeToMitigate,
    /// `detected_at` to `resolved_at`.
    TimeToResolve,
}

impl IncidentMetric {
    /// The four metrics, in the order an incident goes through them.
    pub const ALL: [IncidentMetric; 4] = [
        IncidentMetric::TimeToDetect,
        IncidentMetric::TimeToAcknowledge,
        IncidentMetric::TimeToMitigate,
        IncidentMetric::TimeToResolve,
    ];

    /// A short name: `detect`, `acknowledge`, `mitigate`, `resolve`.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentMetric::TimeToDetect => "detect",
            IncidentMetric::TimeToAcknowledge => "acknowledge",
            IncidentMetric::TimeToMitigate => "mitigate",
            IncidentMetric::TimeToResolve => "resolve",
        }
    }

    /// This metric for one incident, if both of its instants are recorded.
    pub fn of(self, incident: &Incident) -> Option<TimeDelta> {
        let (from, to) = match self {
            IncidentMetric::TimeToDetect => (incident.started_at, Some(incident.detected_at)),
            IncidentMetric::TimeToAcknowledge => (Some(incident.detected_at), incident.acknowledged_at),
            IncidentMetric::TimeToMitigate => (Some(incident.detected_at), incident.mitigated_at),
            IncidentMetric::TimeToResolve => (Some(incident.detected_at), incident.resolved_at),
        };
        Some(to? - from?)
    }
}

/// Count, mean, median and 90th percentile of a set of durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationStats {
    /// How many durations.
    pub count: usize,
    /// Arithmetic mean, truncated to the millisecond.
    pub mean: TimeDelta,
    /// Nearest-rank median (the lower middle value for an even count).
    pub median: TimeDelta,
    /// Nearest-rank 90th percentile.
    pub p90: TimeDelta,
}

impl DurationStats {
    /// The statistics of `values`, or `None` when there are none.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use ops_core::incident::DurationStats;
    /// let v: Vec<TimeDelta> = [40, 10, 30, 20].map(TimeDelta::minutes).to_vec();
    /// let s = DurationStats::of(&v).ok_or("no values")?;
    /// assert_eq!((s.count, s.mean, s.median, s.p90),
    ///            (4, TimeDelta::minutes(25), TimeDelta::minutes(20), TimeDelta::minutes(40)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(values: &[TimeDelta]) -> Option<DurationStats> {
        let mut sorted = values.to_vec();
        sorted.sort();
        let total: i128 = sorted.iter().map(|d| i128::from(d.num_milliseconds())).sum();
        let count = sorted.len();
        let mean_ms = i64::try_from(total / i128::try_from(count.max(1)).ok()?).ok()?;
        Some(DurationStats {
            count,
            mean: TimeDelta::try_milliseconds(mean_ms)?,
            median: nearest_rank(&sorted, 50)?,
            p90: nearest_rank(&sorted, 90)?,
        })
    }
}

/// The `p`-th percentile (0 to 100) of `sorted` by the nearest-rank method:
/// the value at 1-based rank ⌈p·n/100⌉, or the first value when that is 0.
/// `None` when `sorted` is empty.
///
/// Complexity: O(1); the caller sorts.
///
/// ```
/// use ops_core::incident::nearest_rank;
/// let v = [15, 20, 35, 40, 50];
/// assert_eq!(nearest_rank(&v, 30), Some(20)); // rank ⌈1.5⌉ = 2
/// assert_eq!(nearest_rank(&v, 100), Some(50));
/// assert_eq!(nearest_rank::<i32>(&[], 50), None);
/// ```
pub fn nearest_rank<T: Copy>(sorted: &[T], p: u32) -> Option<T> {
    let n = sorted.len();
    let p = usize::try_from(p.min(100)).ok()?;
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// How incidents were first noticed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DetectionCounts {
    /// By a monitor.
    pub monitor: usize,
    /// By a customer.
    pub customer: usize,
    /// By staff, by chance.
    pub staff: usize,
    /// Not recorded (`detected_by` missing).
    pub unknown: usize,
}

impl DetectionCounts {
    fn add(&mut self, d: Option<Detection>) {
        match d {
            Some(Detection::Monitor) => self.monitor += 1,
            Some(Detection::Customer) => self.customer += 1,
            Some(Detection::Staff) => self.staff += 1,
            None => self.unknown += 1,
        }
    }

    /// Incidents whose detection source is recorded.
    pub fn known(&self) -> usize {
        self.monitor + self.customer + self.staff
    }

    /// The share (0 to 1) of incidents detected by customers, among those
    /// whose detection source is recorded; `None` when none is.
    pub fn customer_share(&self) -> Option<f64> {
        let known = self.known();
        // Counts of incidents are far below 2^52: the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        (known > 0).then(|| self.customer as f64 / known as f64)
    }
}

/// Aggregates over one group of incidents (all, one component, one severity
/// or one month).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsGroup {
    /// What the group is: `all`, a component id, `sev1`, `2026-09`.
    pub key: String,
    /// How many incidents.
    pub incidents: usize,
    /// How they were detected.
    pub detection: DetectionCounts,
    /// Statistics per metric, in [`IncidentMetric::ALL`] order; `None` when no
    /// incident of the group has the metric.
    pub stats: [Option<DurationStats>; 4],
}

impl MetricsGroup {
    fn new(key: String, incidents: &[&Incident]) -> MetricsGroup {
        let mut detection = DetectionCounts::default();
        for i in incidents {
            detection.add(i.detected_by);
        }
        let stats = IncidentMetric::ALL.map(|m| {
            let values: Vec<TimeDelta> = incidents.iter().filter_map(|i| m.of(i)).collect();
            DurationStats::of(&values)
        });
        MetricsGroup {
            key,
            incidents: incidents.len(),
            detection,
            stats,
        }
    }

    /// The statistics of one metric.
    pub fn stats(&self, metric: IncidentMetric) -> Option<&DurationStats> {
        let i = IncidentMetric::ALL.iter().position(|&m| m == metric)?;
        self.stats.get(i)?.as_ref()
    }
}

/// Incident metrics over an inventory, optionally from an instant on.
///
/// ```
/// use chrono::TimeDelta;
/// use ops_core::{Format, Inventory};
/// use ops_core::incident::{IncidentMetrics, IncidentMetric};
/// let inv = Inventory::from_text("i.yaml", Format::Yaml, "
/// incidents:
///   - {id: A, title: a, severity: sev2, detected_by: customer,
///      started_at: 2026-05-04T09:00:00Z, detected_at: 2026-05-04T10:00:00Z}
///   - {id: B, title: b, severity: sev3, detected_by: monitor,
///      started_at: 2026-06-01T09:00:00Z, detected_at: 2026-06-01T09:10:00Z}
/// ")?;
/// let m = IncidentMetrics::new(&inv, None);
/// let detect = m.overall.stats(IncidentMetric::TimeToDetect).ok_or("no data")?;
/// assert_eq!(detect.mean, TimeDelta::minutes(35));
/// assert_eq!(m.overall.detection.customer_share(), Some(0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentMetrics {
    /// Only incidents detected at or after this instant were counted.
    pub since: Option<Timestamp>,
    /// All counted incidents together (key `all`).
    pub overall: MetricsGroup,
    /// One group per severity that occurs, worst first.
    pub by_severity: Vec<MetricsGroup>,
    /// One group per impacted component, by id; an incident impacting
    /// several components counts in each of them.
    pub by_component: Vec<MetricsGroup>,
    /// One group per month of detection (UTC, `YYYY-MM`), in order.
    pub by_month: Vec<MetricsGroup>,
}

impl IncidentMetrics {
    /// Computes the metrics over the incidents of `inv` detected at or after
    /// `since` (all of them when `None`).
    ///
    /// Complexity: O(n log n) in the number of incidents times impacted components.
    pub fn new(inv: &Inventory, since: Option<Timestamp>) -> IncidentMetrics {
        let incidents: Vec<&Incident> = inv
            .incidents()
            .iter()
            .filter(|i| since.is_none_or(|s| i.detected_at >= s))
            .collect();
        let mut severity: BTreeMap<IncidentSeverity, Vec<&Incident>> = BTreeMap::new();
        let mut component: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
        let mut month: BTreeMap<(i32, u32), Vec<&Incident>> = BTreeMap::new();
        for &i in &incidents {
            severity.entry(i.severity).or_default().push(i);
            let mut seen: Vec<&str> = i.impacted.iter().map(|&c| inv.component(c).id.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            for c in seen {
                component.entry(c).or_default().push(i);
            }
            month
                .entry((i.detected_at.year(), i.detected_at.month()))
                .or_default()
                .push(i);
        }
        IncidentMetrics {
            since,
            overall: MetricsGroup::new("all".to_owned(), &incidents),
            by_severity: severity
                .into_iter()
                .map(|(s, v)| MetricsGroup::new(s.as_str().to_owned(), &v))
                .collect(),
            by_component: component
                .into_iter()
                .map(|(c, v)| MetricsGroup::new(c.to_owned(), &v))
                .collect(),
            by_month: month
                .into_iter()
                .map(|((y, m), v)| MetricsGroup::new(format!("{y:04}-{m:02}"), &v))
                .collect(),
        }
    }

    /// A plain-text report: a summary line, then one table with a row per
    /// group and metric (count, mean, median, p90).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let o = &self.overall;
        let since = self
            .since
            .map(|s| format!(" detected since {}", s.format("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_default();
        let _ = writeln!(out, "{} incident{}{since}", o.incidents, plural(o.incidents));
        let d = &o.detection;
        let _ = writeln!(
            out,
            "detected by: monitor {}, customer {}, staff {}, not recorded {}",
            d.monitor, d.customer, d.staff, d.unknown
        );
        let _ = writeln!(out, "detected by customers: {}", share(d));
        if o.incidents == 0 {
            return out;
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "{:<32} {:>9} {:>9}  {:<12} {:>3} {:>9} {:>9} {:>9}",
            "GROUP", "INCIDENTS", "CUSTOMER", "TIME TO", "N", "MEAN", "MEDIAN", "P90"
        );
        let sections: [(&str, &[MetricsGroup]); 4] = [
            ("", std::slice::from_ref(&self.overall)),
            ("severity ", &self.by_severity),
            ("component ", &self.by_component),
            ("month ", &self.by_month),
        ];
        for (prefix, groups) in sections {
            for g in groups {
                for (k, m) in IncidentMetric::ALL.into_iter().enumerate() {
                    let (name, n, cust) = if k == 0 {
                        (
                            format!("{prefix}{}", g.key),
                            g.incidents.to_string(),
                            g.detection.customer.to_string(),
                        )
                    } else {
                        Default::default()
                    };
                    let (count, mean, median, p90) = match g.stats(m) {
                        Some(s) => (s.count.to_string(), short(s.mean), short(s.median), short(s.p90)),
                        None => ("0".to_owned(), "-".to_owned(), "-".to_owned(), "-".to_owned()),
                    };
                    let _ = writeln!(
                        out,
                        "{name:<32} {n:>9} {cust:>9}  {:<12} {count:>3} {mean:>9} {median:>9} {p90:>9}",
                        m.as_str()
                    );
                }
            }
        }
        out
    }
}

impl IncidentMetrics {
    /// A Markdown report: the summary, then one table row per group with
    /// each metric as `mean / median / p90 (n)`.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::incident::IncidentMetrics;
    /// let inv = Inventory::from_text("i.yaml", Format::Yaml, "
    /// incident: {id: A, title: a, severity: sev2, detected_by: monitor,
    ///            detected_at: 2026-05-04T10:00:00Z, resolved_at: 2026-05-04T11:30:00Z}
    /// ")?;
    /// let md = IncidentMetrics::new(&inv, None).to_markdown();
    /// assert!(md.contains("\n| all | 1 | 0 | - | - | - | 1h30m / 1h30m / 1h30m (1) |\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Incident metrics\n\n");
        let o = &self.overall;
        let since = self
            .since
            .map(|s| format!(" detected since {}", s.format("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_default();
        let d = &o.detection;
        let _ = writeln!(
            out,
            "{} incident{}{since}. Detected by: monitor {}, customer {}, staff {}, not recorded {}. \
             Detected by customers: {}.",
            o.incidents,
            plural(o.incidents),
            d.monitor,
            d.customer,
            d.staff,
            d.unknown,
            share(d)
        );
        if o.incidents == 0 {
            return out;
        }
        out.push_str(
            "\nEach time is mean / median / p90 (nearest rank), then how many incidents record it. \
             Time to detect runs from the start of impact, the others from detection.\n\n\
             | Group | Incidents | Customer | Time to detect | Time to acknowledge | Time to mitigate | Time to resolve |\n\
             |---|---|---|---|---|---|---|\n",
        );
        let sections: [(&str, &[MetricsGroup]); 4] = [
            ("", std::slice::from_ref(&self.overall)),
            ("severity ", &self.by_severity),
            ("component ", &self.by_component),
            ("month ", &self.by_month),
        ];
        for (prefix, groups) in sections {
            for g in groups {
                let cells: Vec<String> = IncidentMetric::ALL
                    .iter()
                    .map(|&m| match g.stats(m) {
                        Some(s) => format!(
                            "{} / {} / {} ({})",
                            short(s.mean),
                            short(s.median),
                            short(s.p90),
                            s.count
                        ),
                        None => "-".to_owned(),
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "| {prefix}{} | {} | {} | {} |",
                    g.key,
                    g.incidents,
                    g.detection.customer,
                    cells.join(" | ")
                );
            }
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `50% (1 of 2 with a recorded source)`, or `n/a (...)`.
fn share(d: &DetectionCounts) -> String {
    let known = d.known();
    match d.customer_share() {
        Some(s) => format!("{:.0}% ({} of {known} with a recorded source)", s * 100.0, d.customer),
        None => "n/a (no incident records who detected it)".to_owned(),
    }
}

/// A duration rounded to the second, as `1h30m`; sub-second durations as `0s`.
fn short(d: TimeDelta) -> String {
    let secs = (d.num_milliseconds() + 500).div_euclid(1000);
    TimeDelta::try_seconds(secs).map_or_else(|| "-".to_owned(), format_duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_matches_hand_computed_values() {
        let v: Vec<i32> = (1..=10).collect();
        assert_eq!(nearest_rank(&v, 50), Some(5));
        assert_eq!(nearest_rank(&v, 90), Some(9));
        assert_eq!(nearest_rank(&v, 91), Some(10));
        assert_eq!(nearest_rank(&v, 0), Some(1));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[1, 2, 3], 50), Some(2));
    }

    #[test]
    fn short_rounds_to_seconds() {
        assert_eq!(short(TimeDelta::milliseconds(90_499)), "1m30s");
        assert_eq!(short(TimeDelta::milliseconds(90_500)), "1m31s");
        assert_eq!(short(TimeDelta::zero()), "0s");
    }
}
