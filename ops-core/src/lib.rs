//! # ops-core
//!
//! The unglamorous half of running software, as data and checks.
//!
//! An [`Inventory`] describes an estate: components and their dependencies,
//! failure domains, people and their access, backup policies, incidents. It
//! is loaded from YAML, TOML or JSON files and validated in one pass that
//! reports every problem with its file, line and column. [`Check`]s look at
//! an inventory at a given instant and produce [`Finding`]s; a [`Runner`]
//! runs many checks and collects a [`Report`], which [`render`] writes as
//! JSON, SARIF or Markdown. The [`import`] module turns what other tools
//! export (a Backstage catalog, an AWS IAM credential report, a CSV of
//! grants, `restic snapshots --json`) into inventory files, every importer in
//! one shape; a Backstage catalog can also be loaded directly, with
//! [`LoadOptions::backstage`].
//!
//! ```
//! use ops_core::{Format, Inventory, Runner, Severity};
//!
//! let inventory = Inventory::from_text("estate.yaml", Format::Yaml, r"
//! people:
//!   - {id: dana, status: departed, departed_at: 2026-06-30}
//! components:
//!   - {id: shop, entry: true, depends_on: [db], owners: [dana]}
//!   - {id: db, kind: database, owners: [dana]}
//! ")?;
//! let report = Runner::with_builtin_checks().run(&inventory, "2026-11-22T09:00:00Z".parse()?);
//! assert_eq!(report.worst(), Some(Severity::High));
//! assert!(report.findings.iter().any(|f| f.check == "inventory/departed-owner"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Inventory errors are values too:
//!
//! ```
//! use ops_core::{Error, Format, Inventory};
//! let err = Inventory::from_text("estate.yaml", Format::Yaml, "components:\n  - {id: web, depends_on: [dbb]}\n  - {id: db}\n")
//!     .unwrap_err();
//! let Error::Invalid(problems) = err else { unreachable!() };
//! assert_eq!(problems.iter().next().unwrap().to_string(),
//!            "estate.yaml:2:28: unknown component 'dbb' (did you mean 'db'?)");
//! ```
//!
//! Backup retention is computed as restic computes it: [`forget`] and
//! [`RetentionPolicy::apply`] decide which snapshots `restic forget` keeps,
//! with restic's reasons, for the current release or 0.14
//! ([`ResticVersion`]) on snapshots that [`parse_restic_snapshots`] reads from
//! `restic snapshots --json`; [`project_storage`] projects what a policy
//! holds and costs month by month.

pub mod access;
pub mod backup;
pub mod builtin;
mod check;
pub mod crosscheck;
mod csr;
mod diagnostic;
mod error;
mod finding;
pub mod graph;
mod ids;
pub mod import;
pub mod incident;
pub mod inventory;
mod location;
mod markup;
mod model;
pub mod render;
mod rng;
mod rule;
mod source;
mod suggest;
pub mod synth;
mod time;

pub use access::{
    AccessEvent, AccessReview, Credential, CredentialKind, EffectiveAccess, EffectiveGrant, Grant, Group, Level,
    OffboardingPlan, Period, Person, PersonStatus, PlanCredential, PlanGrant, PlanMembership, PlanOwnership, Principal,
    ReviewRow, ServiceAccount, System,
};
pub use backup::{
    BackupCopy, BackupPolicy, BackupRun, BackupStatus, CronExpr, CronSchedule, Deleter, DrillOutcome, RECENT_RUNS,
    RestoreDrill, Retention, RunStatus, Schedule, StorageTier, SuspiciousBackupRun,
};
pub use backup::{
    Bucket, Counters, Decision, GroupBy, GroupDecision, GroupKey, KeepCount, KeepReason, Kept, ResticDuration,
    ResticVersion, RetentionPolicy, RetentionSnapshot, SnapshotFilter, TagList, forget,
};
pub use backup::{ProjectedMonth, ProjectionInput, project_storage};
pub use check::{BuiltinRule, Check, CheckError, CheckFailure, Context, FindFn, Report, Runner};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use error::Error;
pub use finding::{EntityKind, Finding, Severity, Subject};
pub use graph::{AvailabilityMethod, AvailabilityOptions, EntryAvailability};
pub use graph::{
    Component, ComponentKind, Domain, DomainKind, Dominators, DoubleFaults, EntryDomainSpofs, EntrySpofs,
    FailureAnalysis, Outage, Requirement, SpofReport, Step,
};
pub use graph::{MEF_GATE_LIMIT, open_psa_mef};
pub use ids::Idx;
pub use import::{ResticSnapshot, ResticSummary, parse_restic_snapshots};
pub use incident::{
    Action, Change, Detection, Incident, IncidentSeverity, Postmortem, PostmortemIssue, Problem, ProblemPlan,
    TimelineEvent,
};
pub use incident::{
    DetectionCounts, DurationStats, IncidentMetric, IncidentMetrics, IncidentPhase, MetricsGroup, nearest_rank,
    postmortem_markdown,
};
pub use inventory::{FailureTarget, Inventory, LoadOptions, inventory_schema};
pub use location::Location;
pub use rule::Rule;
pub use source::{Format, Limits};
pub use suggest::did_you_mean;
pub use time::{Timestamp, format_duration, format_span, parse_duration, parse_instant};

/// The README's Rust snippets compile as doctests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// So do those of docs/importers.md.
#[cfg(doctest)]
#[doc = include_str!("../../docs/importers.md")]
struct ImportersDoctests;

/// Hash maps keyed by ids: foldhash is several times faster than SipHash on
/// short keys and still seeded per process, so crafted ids cannot force collisions.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Every built-in check, ready to add to a [`Runner`]: [`builtin::checks`].
pub fn builtin_checks() -> Vec<Box<dyn Check>> {
    builtin::checks()
}
