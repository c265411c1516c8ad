//! Incidents, post-mortems, problems and changes.

use chrono::TimeDelta;

use crate::{Component, Idx, Location, Person, Principal, Timestamp};

/// Incident severity; `Sev1` is the worst, and compares lowest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IncidentSeverity {
    /// Critical.
    Sev1,
    /// Major.
    Sev2,
    /// Moderate.
    Sev3,
    /// Minor.
    Sev4,
    /// Cosmetic.
    Sev5,
}

/// Who noticed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detection {
    /// An automated monitor.
    Monitor,
    /// A customer.
    Customer,
    /// Staff, by chance.
    Staff,
}

/// An incident.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Incident {
    /// Unique id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: IncidentSeverity,
    /// Incident commander.
    pub commander: Option<Idx<Person>>,
    /// Impacted components.
    pub impacted: Vec<Idx<Component>>,
    /// Who noticed first.
    pub detected_by: Option<Detection>,
    /// When the impact started.
    pub started_at: Option<Timestamp>,
    /// Detected.
    pub detected_at: Timestamp,
    /// Acknowledged.
    pub acknowledged_at: Option<Timestamp>,
    /// Mitigated.
    pub mitigated_at: Option<Timestamp>,
    /// Resolved.
    pub resolved_at: Option<Timestamp>,
    /// Post-mortem completed.
    pub postmortem_done_at: Option<Timestamp>,
    /// Linked problem.
    pub problem: Option<Idx<Problem>>,
    /// Timeline, sorted by instant (stable for equal instants).
    pub timeline: Vec<TimelineEvent>,
    /// Post-mortem.
    pub postmortem: Option<Postmortem>,
    /// Where defined.
    pub location: Location,
}

/// One timeline event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TimelineEvent {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub author: Option<Principal>,
    /// Kind of event.
    pub kind: Option<String>,
    /// What happened.
    pub text: String,
}

/// A post-mortem.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Postmortem {
    /// What happened.
    pub what_happened: Option<String>,
    /// Why.
    pub why: Option<String>,
    /// Why monitoring did not catch it.
    pub why_not_detected: Option<String>,
    /// Why self-healing did not resolve it.
    pub why_not_self_healed: Option<String>,
    /// Issues identified.
    pub issues: Vec<PostmortemIssue>,
}

/// An issue identified in a post-mortem.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PostmortemIssue {
    /// What went wrong.
    pub description: String,
    /// What will be done.
    pub actions: Vec<Action>,
    /// Where written.
    pub location: Location,
}

/// A post-mortem action.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Action {
    /// What to do.
    pub description: String,
    /// Its one owner.
    pub owner: Option<Principal>,
    /// What done looks like.
    pub expected_result: Option<String>,
    /// Due.
    pub due: Option<Timestamp>,
    /// Done.
    pub done_at: Option<Timestamp>,
    /// Where written.
    pub location: Location,
}

/// A problem: the unknown root cause behind one or more incidents.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Problem {
    /// Unique id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Linked incidents (from both sides of the link), sorted.
    pub incidents: Vec<Idx<Incident>>,
    /// Root cause, once known.
    pub root_cause: Option<String>,
    /// What to do next time.
    pub plan: Option<ProblemPlan>,
    /// Where defined.
    pub location: Location,
}

/// The plan for a problem's next occurrence.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ProblemPlan {
    /// Diagnostics to collect.
    pub diagnostics: Vec<String>,
    /// How long to collect before restoring service.
    pub collect_for: Option<TimeDelta>,
    /// Who is prepared.
    pub prepared: Vec<Principal>,
    /// Who is told.
    pub notify: Vec<Principal>,
}

/// A change or deploy.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Change {
    /// Optional id.
    pub id: Option<String>,
    /// When.
    pub at: Timestamp,
    /// What was changed.
    pub component: Idx<Component>,
    /// Who.
    pub author: Option<Principal>,
    /// What.
    pub description: Option<String>,
    /// Where recorded.
    pub location: Location,
}
