//! Incidents, post-mortems, problems and changes: the model, metrics, the
//! post-mortem document and the built-in incident checks.

mod checks;
mod metrics;
mod model;
mod postmortem;

pub(crate) use checks::all as checks;
pub use checks::{
    ChangeBeforeIncident, CustomerDetected, IssueWithoutAction, MissingPostmortem, PostmortemActions, Recurrence,
    SpofIncident,
};
pub use metrics::{DetectionCounts, DurationStats, IncidentMetric, IncidentMetrics, MetricsGroup, nearest_rank};
pub use model::{
    Action, Change, Detection, Incident, IncidentPhase, IncidentSeverity, Postmortem, PostmortemIssue, Problem,
    ProblemPlan, TimelineEvent,
};
pub use postmortem::postmortem_markdown;
