//! Backup policies, runs and restore drills.

mod model;
mod projection;
mod restic;
mod retention;

pub use model::{
    BackupCopy, BackupPolicy, BackupRun, Deleter, DrillOutcome, RestoreDrill, Retention, RunStatus, Schedule,
    StorageTier,
};
pub use projection::{ProjectedMonth, ProjectionInput, project_storage};
pub use restic::{ResticSnapshot, ResticSummary, backup_runs_json, parse_restic_snapshots};
pub use retention::{
    Bucket, Counters, Decision, GroupBy, GroupDecision, GroupKey, KeepCount, KeepReason, Kept, ResticDuration,
    ResticVersion, RetentionPolicy, RetentionSnapshot, SnapshotFilter, TagList, forget,
};
