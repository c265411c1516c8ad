//! Backup policies, runs and restore drills: schedules, the state of each
//! policy at an instant, the built-in backup checks, the restic-compatible
//! retention engine and storage projection. Reading `restic snapshots --json`
//! is an importer: [`crate::import::ResticSnapshot`].

mod checks;
mod policy_retention;
mod projection;
pub mod retention;
mod status;

/// The schedules backup policies share with scheduled jobs, at their old
/// path: [`crate::schedule`].
pub use crate::schedule;

pub use crate::model::backup::{
    BackupCopy, BackupPolicy, BackupRun, Deleter, DrillOutcome, RestoreDrill, Retention, StorageTier,
};
pub(crate) use checks::RULES;
pub use checks::{
    DRILL_ONLY_BY_OWNER, DRILL_SLOWER_THAN_RTO, NO_IMMUTABLE_COPY, NO_OFFSITE_COPY, NO_RECENT_DRILL,
    NoRecentDrillOptions, SCHEDULE_EXCEEDS_RPO, STALE, SUSPICIOUS_RUN, UNENCRYPTED_OFFSITE_COPY, UNMONITORED,
    UNOWNED_POLICY, UNPROTECTED_DATA,
};
pub use policy_retention::policy_retention;
pub use projection::{ProjectedMonth, ProjectionInput, project_storage};
// The retention engine's entry points; its result and bucket types are in
// `backup::retention`.
pub use crate::schedule::{CronExpr, CronSchedule, RunStatus, Schedule};
pub use retention::{KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, forget};
pub use status::{BackupStatus, RECENT_RUNS, SuspiciousRun};
