//! Backup policies, runs and restore drills.

mod model;

pub use model::{
    BackupCopy, BackupPolicy, BackupRun, Deleter, DrillOutcome, RestoreDrill, Retention, RunStatus, Schedule,
    StorageTier,
};
