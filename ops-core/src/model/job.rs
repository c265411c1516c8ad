//! Scheduled jobs that must deliver something (a file to a partner, an
//! export, a report), and the records of their runs.

use chrono::TimeDelta;

use crate::schedule::{RunStatus, Schedule};
use crate::{Component, Idx, Location, Principal, Timestamp};

/// A scheduled job whose runs must each deliver something by a deadline.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Job {
    /// Unique id.
    pub id: String,
    /// Who is responsible.
    pub owner: Option<Principal>,
    /// When it runs: every scheduled instant expects a delivery.
    pub schedule: Schedule,
    /// Where the delivery goes.
    pub delivers_to: Option<DeliveryTarget>,
    /// How long after each scheduled instant the delivery must exist; when
    /// not set, until the next scheduled instant.
    pub deadline: Option<TimeDelta>,
    /// The monitor that alerts when a delivery does not arrive.
    pub monitor: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Where defined.
    pub location: Location,
}

/// Where a job delivers to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryTarget {
    /// A component of the inventory (a bucket, a partner's SFTP server
    /// modelled as an `external` component).
    Component(Idx<Component>),
    /// Anything else, as written (`sftp://partner.example/inbound`).
    Other(String),
}

/// One run of a scheduled job.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct JobRun {
    /// Optional id (the scheduler's run id).
    pub id: Option<String>,
    /// The job.
    pub job: Idx<Job>,
    /// Started.
    pub started_at: Timestamp,
    /// Finished.
    pub finished_at: Option<Timestamp>,
    /// Status as the job reported it: not what decides whether it delivered.
    pub status: RunStatus,
    /// Size of what it delivered, in bytes.
    pub size_bytes: Option<u64>,
    /// When the delivery arrived (was seen at its destination).
    pub delivered_at: Option<Timestamp>,
    /// Checksum of what it delivered.
    pub checksum: Option<String>,
    /// Where recorded.
    pub location: Location,
}

impl JobRun {
    /// When this run's delivery existed, if it delivered anything by `now`:
    /// `delivered_at` at or before `now`, and not an empty (0-byte) delivery.
    /// The reported status does not count.
    pub fn delivered_by(&self, now: Timestamp) -> Option<Timestamp> {
        self.delivered_at.filter(|&t| t <= now && self.size_bytes != Some(0))
    }
}
