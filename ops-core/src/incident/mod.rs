//! Incidents, post-mortems, problems and changes: the model, metrics, the
//! post-mortem document and the built-in incident checks.

mod checks;
mod metrics;
mod postmortem;

pub use crate::model::incident::{
    Action, Change, Detection, Incident, IncidentPhase, IncidentSeverity, Postmortem, PostmortemIssue, Problem,
    ProblemPlan, TimelineEvent,
};
pub(crate) use checks::RULES;
pub use checks::{
    ACTION_OVERDUE, ACTION_UNDATED, ACTION_UNOWNED, CHANGE_BEFORE_INCIDENT, CUSTOMER_DETECTED,
    ChangeBeforeIncidentOptions, CustomerDetectedOptions, ISSUE_WITHOUT_ACTION, MISSING_POSTMORTEM,
    MissingPostmortemOptions, RECURRENCE, RecurrenceOptions, SPOF_INCIDENT, SpofIncidentOptions,
};
pub use metrics::{DetectionCounts, DurationStats, IncidentMetric, IncidentMetrics, MetricsGroup, nearest_rank};
pub use postmortem::postmortem_markdown;
