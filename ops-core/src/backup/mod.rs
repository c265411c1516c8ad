//! Backup policies, runs and restore drills.

mod model;
mod schedule;

pub use model::{
    BackupCopy, BackupPolicy, BackupRun, Deleter, DrillOutcome, RestoreDrill, Retention, RunStatus, StorageTier,
};
pub use schedule::{CronExpr, CronSchedule, Schedule};
