//! Incidents, post-mortems, problems and changes.

use std::fmt;
use std::str::FromStr;

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

impl IncidentSeverity {
    /// Every severity, worst first.
    pub const ALL: [IncidentSeverity; 5] = [
        IncidentSeverity::Sev1,
        IncidentSeverity::Sev2,
        IncidentSeverity::Sev3,
        IncidentSeverity::Sev4,
        IncidentSeverity::Sev5,
    ];

    /// The name as written in inventories: `sev1` to `sev5`.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentSeverity::Sev1 => "sev1",
            IncidentSeverity::Sev2 => "sev2",
            IncidentSeverity::Sev3 => "sev3",
            IncidentSeverity::Sev4 => "sev4",
            IncidentSeverity::Sev5 => "sev5",
        }
    }
}

impl fmt::Display for IncidentSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IncidentSeverity {
    type Err = String;
    /// ```
    /// use ops_core::incident::IncidentSeverity;
    /// assert_eq!("SEV2".parse::<IncidentSeverity>(), Ok(IncidentSeverity::Sev2));
    /// assert!("p1".parse::<IncidentSeverity>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IncidentSeverity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown incident severity '{s}': expected sev1, sev2, sev3, sev4 or sev5"))
    }
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

impl Detection {
    /// The name as written in inventories: `monitor`, `customer` or `staff`.
    pub fn as_str(self) -> &'static str {
        match self {
            Detection::Monitor => "monitor",
            Detection::Customer => "customer",
            Detection::Staff => "staff",
        }
    }
}

impl fmt::Display for Detection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The phases an incident goes through, in order. Each is reached at the
/// instant of the matching `*_at` field of [`Incident`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IncidentPhase {
    /// Detected (every incident is at least here).
    Detected,
    /// A responder acknowledged it.
    Acknowledged,
    /// The impact was mitigated.
    Mitigated,
    /// Resolved.
    Resolved,
    /// The post-mortem is done.
    PostmortemDone,
}

impl IncidentPhase {
    /// A lowercase name: `detected`, `acknowledged`, `mitigated`, `resolved`, `post-mortem done`.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentPhase::Detected => "detected",
            IncidentPhase::Acknowledged => "acknowledged",
            IncidentPhase::Mitigated => "mitigated",
            IncidentPhase::Resolved => "resolved",
            IncidentPhase::PostmortemDone => "post-mortem done",
        }
    }
}

impl fmt::Display for IncidentPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// A short cause category such as `disk-full`, as written (trimmed); the
    /// recurrence check compares it case-insensitively.
    pub cause: Option<String>,
    /// Timeline, sorted by instant (stable for equal instants).
    pub timeline: Vec<TimelineEvent>,
    /// Post-mortem.
    pub postmortem: Option<Postmortem>,
    /// Where defined.
    pub location: Location,
}

impl Incident {
    /// The phases reached by the instant `at`, with when each was reached, in
    /// order. Phases whose instant is not recorded are left out.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::incident::IncidentPhase;
    /// let inv = Inventory::from_text("i.yaml", Format::Yaml, "
    /// incident: {id: INC-1, title: Down, severity: sev2, detected_at: 2026-05-04T10:00:00Z,
    ///            resolved_at: 2026-05-04T11:00:00Z}
    /// ")?;
    /// let phases = inv.incidents()[0].phases_at("2026-05-04T10:30:00Z".parse()?);
    /// assert_eq!(phases.last().map(|p| p.0), Some(IncidentPhase::Detected));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn phases_at(&self, at: Timestamp) -> Vec<(IncidentPhase, Timestamp)> {
        [
            (IncidentPhase::Detected, Some(self.detected_at)),
            (IncidentPhase::Acknowledged, self.acknowledged_at),
            (IncidentPhase::Mitigated, self.mitigated_at),
            (IncidentPhase::Resolved, self.resolved_at),
            (IncidentPhase::PostmortemDone, self.postmortem_done_at),
        ]
        .into_iter()
        .filter_map(|(phase, t)| t.filter(|&t| t <= at).map(|t| (phase, t)))
        .collect()
    }

    /// The latest phase reached at all (whatever the instant).
    pub fn phase(&self) -> IncidentPhase {
        if self.postmortem_done_at.is_some() {
            IncidentPhase::PostmortemDone
        } else if self.resolved_at.is_some() {
            IncidentPhase::Resolved
        } else if self.mitigated_at.is_some() {
            IncidentPhase::Mitigated
        } else if self.acknowledged_at.is_some() {
            IncidentPhase::Acknowledged
        } else {
            IncidentPhase::Detected
        }
    }
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
