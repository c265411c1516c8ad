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
//! export (an AWS IAM credential report, a CSV of grants, a Backstage catalog)
//! into inventory files; a Backstage catalog can also be loaded directly, with
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
//! ## Where things are
//!
//! The root holds the core nouns: loading ([`Inventory`], [`LoadOptions`],
//! [`LoadLimits`], [`Format`]), checking ([`Check`], [`Context`], [`Runner`],
//! [`Report`], [`Rule`], [`BuiltinRule`]), findings ([`Finding`], [`Severity`],
//! [`Subject`], [`EntityKind`]) and errors ([`Error`], [`Diagnostic`]). The rest
//! is in the module of its domain:
//!
//! | module | what |
//! |---|---|
//! | [`graph`] | components, failure domains and redundancy; [`graph::FailureAnalysis`] (single points of failure, blast radius, simulated outages, dominators, availability); the `graph/` rules |
//! | [`access`] | people, groups, systems, grants, credentials; [`access::EffectiveAccess`], offboarding plans, access reviews; the `access/` rules |
//! | [`backup`] | policies, runs, drills, schedules (cron as cronie runs it), [`backup::BackupStatus`]; restic-exact retention ([`backup::forget`], [`backup::retention`]); storage projection; the `backup/` rules |
//! | [`job`] | scheduled jobs that must deliver something by a deadline, [`job::JobStatus`]; the `job/` rules |
//! | [`schedule`] | cron schedules as cronie runs them and intervals, shared by backup policies and jobs |
//! | [`incident`] | incidents, post-mortems, problems, changes, metrics; the `incident/` rules |
//! | [`inventory`] | the loader's options, the JSON Schema, the `inventory/` rules |
//! | [`crosscheck`] | rules that span two domains |
//! | [`builtin`] | the registry of every built-in rule |
//! | [`import`] | readers of other tools' exports, one shape ([`import::Importer`]): AWS credential reports, CSV grants, Backstage catalogs, restic snapshots |
//! | [`render`] | JSON, SARIF, Markdown and HTML reports |
//! | [`time`] | instants, durations and their text forms |

pub mod access;
pub mod backup;
pub mod builtin;
mod check;
pub mod crosscheck;
mod csr;
mod diagnostic;
mod error;
mod evidence;
mod finding;
pub mod graph;
mod ids;
pub mod import;
pub mod incident;
pub mod inventory;
pub mod job;
pub mod listing;
mod location;
mod markup;
mod model;
pub mod render;
mod rng;
mod rule;
pub mod schedule;
mod source;
pub mod suggest;
#[doc(hidden)]
pub mod synth;
pub mod time;

// The core nouns; everything else is reached through its module
// (`ops_core::graph::FailureAnalysis`, `ops_core::backup::forget`).
pub use check::{BuiltinRule, Check, CheckError, CheckFailure, Context, Report, Runner};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use error::Error;
pub use evidence::Evidence;
pub use finding::{AppliedWaiver, BaselineState, EntityKind, FINGERPRINT_VERSION, Finding, Severity, Subject};
pub use ids::Idx;
pub use inventory::{Inventory, LoadOptions};
pub use location::Location;
pub use rule::Rule;
pub use source::{Format, LoadLimits};
pub use time::Timestamp;

// Crate-internal shorthands for items whose public home is a module.
pub(crate) use access::{
    AccessReview, Credential, CredentialKind, EffectiveAccess, Grant, Group, Level, Person, Principal, System,
};
pub(crate) use backup::{
    BackupCopy, BackupPolicy, BackupStatus, CronExpr, CronSchedule, Deleter, Schedule, StorageTier,
};
pub(crate) use graph::{Component, Domain, DomainKind, FailureAnalysis, Requirement};
pub(crate) use incident::{
    Action, Change, Detection, Incident, IncidentMetric, IncidentMetrics, IncidentSeverity, MetricsGroup,
    PostmortemIssue,
};
pub(crate) use inventory::FailureTarget;
pub(crate) use time::{format_duration, format_span, parse_instant};

/// The README's Rust snippets compile as doctests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// Hash maps keyed by ids: foldhash is several times faster than SipHash on
/// short keys and still seeded per process, so crafted ids cannot force collisions.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
