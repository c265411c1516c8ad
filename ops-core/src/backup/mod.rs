//! Backup policies, runs and restore drills: schedules, the state of each
//! policy at an instant, the built-in backup checks, the restic-compatible
//! retention engine, `restic snapshots --json` import and storage projection.

mod checks;
mod model;
mod projection;
mod restic;
mod retention;
mod schedule;
mod status;

pub(crate) use checks::all as checks;
pub use checks::{
    CopyPlacement, RestoreDrills, ScheduleExceedsRpo, StaleBackup, SuspiciousRun, Unmonitored, UnprotectedData,
};
pub use model::{
    BackupCopy, BackupPolicy, BackupRun, Deleter, DrillOutcome, RestoreDrill, Retention, RunStatus, StorageTier,
};
pub use projection::{ProjectedMonth, ProjectionInput, project_storage};
pub use restic::{ResticSnapshot, ResticSummary, backup_runs_json, parse_restic_snapshots};
pub use retention::{
    Bucket, Counters, Decision, GroupBy, GroupDecision, GroupKey, KeepCount, KeepReason, Kept, ResticDuration,
    ResticVersion, RetentionPolicy, RetentionSnapshot, SnapshotFilter, TagList, forget,
};
pub use schedule::{CronExpr, CronSchedule, Schedule};
pub use status::{BackupStatus, RECENT_RUNS, SuspiciousRun as SuspiciousBackupRun};
