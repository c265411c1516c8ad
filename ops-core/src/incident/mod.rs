//! Incidents, post-mortems, problems and changes.

mod model;

pub use model::{
    Action, Change, Detection, Incident, IncidentSeverity, Postmortem, PostmortemIssue, Problem, ProblemPlan,
    TimelineEvent,
};
