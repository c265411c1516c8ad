//! Backup policies, runs and restore drills.

use chrono::TimeDelta;

use crate::Error;
use crate::backup::retention::TagList;
use crate::backup::{KeepCount, ResticDuration, ResticVersion, RetentionPolicy};
use crate::schedule::{RunStatus, Schedule};
use crate::{Component, Idx, Location, Principal, Timestamp};

/// A backup policy.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BackupPolicy {
    /// Unique id.
    pub id: String,
    /// The component whose data it protects.
    pub protects: Idx<Component>,
    /// Who is responsible.
    pub owner: Option<Principal>,
    /// When backups run.
    pub schedule: Option<Schedule>,
    /// How long backups are kept.
    pub retention: Option<Retention>,
    /// Recovery point objective.
    pub rpo: Option<TimeDelta>,
    /// Recovery time objective.
    pub rto: Option<TimeDelta>,
    /// Where copies are kept.
    pub copies: Vec<BackupCopy>,
    /// The monitor watching it.
    pub monitor: Option<String>,
    /// How often a restore must be rehearsed.
    pub drill_interval: Option<TimeDelta>,
    /// Where defined.
    pub location: Location,
}

/// Retention rules, as restic's `forget` flags. Counts are `None` when not
/// set; an inventory gives [`KeepCount::Off`] for `0`,
/// [`KeepCount::Unlimited`] for `unlimited`, and never
/// [`KeepCount::Negative`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retention {
    /// `--keep-last`
    pub keep_last: Option<KeepCount>,
    /// `--keep-hourly`
    pub keep_hourly: Option<KeepCount>,
    /// `--keep-daily`
    pub keep_daily: Option<KeepCount>,
    /// `--keep-weekly`
    pub keep_weekly: Option<KeepCount>,
    /// `--keep-monthly`
    pub keep_monthly: Option<KeepCount>,
    /// `--keep-yearly`
    pub keep_yearly: Option<KeepCount>,
    /// `--keep-within`, as written (restic duration syntax).
    pub keep_within: Option<String>,
    /// `--keep-within-hourly`
    pub keep_within_hourly: Option<String>,
    /// `--keep-within-daily`
    pub keep_within_daily: Option<String>,
    /// `--keep-within-weekly`
    pub keep_within_weekly: Option<String>,
    /// `--keep-within-monthly`
    pub keep_within_monthly: Option<String>,
    /// `--keep-within-yearly`
    pub keep_within_yearly: Option<String>,
    /// `--keep-tag`
    pub keep_tags: Vec<String>,
}

/// Storage tiers, hottest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StorageTier {
    /// Immediately readable, most expensive.
    Hot,
    /// Readable, cheaper.
    Warm,
    /// Slow to read.
    Cold,
    /// Hours to read, cheapest.
    Archive,
}

/// Who may delete a backup copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Deleter {
    /// A principal.
    Principal(Principal),
    /// Anyone holding a credential.
    Credential(Idx<crate::Credential>),
}

/// A copy of the backups.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BackupCopy {
    /// Where.
    pub location_name: String,
    /// Storage tier.
    pub tier: Option<StorageTier>,
    /// Offsite.
    pub offsite: bool,
    /// Immutable or object-locked.
    pub immutable: bool,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// Who can delete it (besides the admins and owners of the systems
    /// that span [`BackupCopy::component`]).
    pub deletable_by: Vec<Deleter>,
    /// The component the copy is kept in (a vault, a bucket), if named: a
    /// backup target, not data of its own.
    pub component: Option<Idx<Component>>,
    /// Where defined.
    pub location: Location,
}

/// One run of a backup job.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BackupRun {
    /// Optional id.
    pub id: Option<String>,
    /// The policy.
    pub policy: Idx<BackupPolicy>,
    /// Started.
    pub started_at: Timestamp,
    /// Finished.
    pub finished_at: Option<Timestamp>,
    /// Status as reported.
    pub status: RunStatus,
    /// Artifact size in bytes.
    pub size_bytes: Option<u64>,
    /// Artifact checksum.
    pub checksum: Option<String>,
    /// Artifact location.
    pub artifact: Option<String>,
    /// Where recorded.
    pub location: Location,
}

/// Outcome of a restore drill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DrillOutcome {
    /// Data restored and verified.
    Success,
    /// Restore failed.
    Failed,
    /// Restored with gaps.
    Partial,
}

/// A restore drill.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RestoreDrill {
    /// The policy.
    pub policy: Idx<BackupPolicy>,
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: Option<Idx<crate::Person>>,
    /// How long the restore took.
    pub duration: Option<TimeDelta>,
    /// Outcome.
    pub outcome: DrillOutcome,
    /// Free text.
    pub notes: Option<String>,
    /// Where recorded.
    pub location: Location,
}

/// The inventory's retention as the retention engine's policy: defined here,
/// beside [`Retention`], so the engine does not depend on the model.
impl RetentionPolicy {
    /// A policy from an inventory [`Retention`], for the
    /// current restic release. Durations are parsed with
    /// [`ResticDuration::parse`] (the inventory validated their syntax).
    pub fn from_retention(r: &Retention) -> Result<RetentionPolicy, Error> {
        let count = |c: Option<KeepCount>| match c {
            None | Some(KeepCount::Count(0)) => KeepCount::Off,
            Some(c) => c,
        };
        let duration = |field: &str, d: &Option<String>| -> Result<ResticDuration, Error> {
            d.as_deref()
                .map_or(Ok(ResticDuration::default()), ResticDuration::parse)
                .map_err(|e| Error::InvalidRetention(format!("{field}: {e}")))
        };
        let policy = RetentionPolicy {
            last: count(r.keep_last),
            hourly: count(r.keep_hourly),
            daily: count(r.keep_daily),
            weekly: count(r.keep_weekly),
            monthly: count(r.keep_monthly),
            yearly: count(r.keep_yearly),
            within: duration("keep_within", &r.keep_within)?,
            within_hourly: duration("keep_within_hourly", &r.keep_within_hourly)?,
            within_daily: duration("keep_within_daily", &r.keep_within_daily)?,
            within_weekly: duration("keep_within_weekly", &r.keep_within_weekly)?,
            within_monthly: duration("keep_within_monthly", &r.keep_within_monthly)?,
            within_yearly: duration("keep_within_yearly", &r.keep_within_yearly)?,
            tags: r.keep_tags.iter().map(|t| TagList::parse(t)).collect(),
            version: ResticVersion::Current,
            zone: None,
        };
        policy.check()?;
        Ok(policy)
    }
}
