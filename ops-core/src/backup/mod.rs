//! Backup policies, runs and restore drills: schedules, the state of each
//! policy at an instant, and the built-in backup checks.

mod checks;
mod model;
mod schedule;
mod status;

pub(crate) use checks::all as checks;
pub use checks::{
    CopyPlacement, RestoreDrills, ScheduleExceedsRpo, StaleBackup, SuspiciousRun, Unmonitored, UnprotectedData,
};
pub use model::{
    BackupCopy, BackupPolicy, BackupRun, Deleter, DrillOutcome, RestoreDrill, Retention, RunStatus, StorageTier,
};
pub use schedule::{CronExpr, CronSchedule, Schedule};
pub use status::{BackupStatus, RECENT_RUNS, SuspiciousRun as SuspiciousBackupRun};
