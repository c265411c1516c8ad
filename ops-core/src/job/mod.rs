//! Scheduled jobs that must deliver something by a deadline (the nightly
//! file to a partner, an export, a report): their runs judged by what
//! arrived and when, not by the status they reported; the `job/` rules.
//! Schedules are those of backup policies ([`crate::schedule`]).

mod checks;
mod status;

pub use crate::model::job::{DeliveryTarget, Job, JobRun};
pub(crate) use checks::RULES;
pub use checks::{MISSED_DELIVERY, STALE, UNMONITORED};
pub use status::{EARLY_START, JobStatus, MAX_LOOKBACK, MAX_STREAKS, Miss, MissStreak};
