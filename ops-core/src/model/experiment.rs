//! Failover drills and chaos experiments: what was failed on purpose, when,
//! and which entry points stayed up or went down.

use chrono::TimeDelta;

use crate::inventory::FailureTarget;
use crate::{Component, Idx, Location, Principal, Timestamp};

/// One failover drill or chaos experiment, as it was run and observed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Experiment {
    /// Unique id.
    pub id: String,
    /// When the failure was injected.
    pub at: Timestamp,
    /// Who ran it.
    pub by: Option<Principal>,
    /// What was failed: components (instances of a replicated component
    /// are components too) and failure domains, in the order written.
    pub failed: Vec<FailureTarget>,
    /// How long the failure lasted.
    pub duration: Option<TimeDelta>,
    /// Entry points observed to stay up, in the order written.
    pub stayed_up: Vec<Idx<Component>>,
    /// Entry points observed to go down, in the order written.
    pub went_down: Vec<Idx<Component>>,
    /// Free text.
    pub notes: Option<String>,
    /// A link to the record elsewhere (a ticket, a Gremlin or FIS run).
    pub link: Option<String>,
    /// Where defined.
    pub location: Location,
}
