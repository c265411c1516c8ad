//! The `Check` trait and what a check sees ([`Context`]); the runner that
//! turns checks into a [`Report`]; and [`BuiltinRule`], the adapter every
//! built-in rule is defined with.

mod builtin_rule;
mod runner;

use std::fmt;
use std::sync::OnceLock;

use std::collections::HashMap;

use crate::graph::{Component, Experiment};
use crate::job::JobStatus;
use crate::rule::Rule;
use crate::{BackupStatus, EffectiveAccess, FailureAnalysis, Finding, Idx, Inventory, Timestamp};

pub use builtin_rule::BuiltinRule;
pub use runner::{CheckFailure, Report, Runner};

/// What a check gets to look at.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    inventory: &'a Inventory,
    now: Timestamp,
    /// Built on first use and shared by every check of one run.
    analysis: std::sync::Arc<OnceLock<FailureAnalysis<'a>>>,
    /// Likewise.
    access: std::sync::Arc<OnceLock<EffectiveAccess<'a>>>,
    /// Likewise: every backup policy's status at `now`.
    backups: std::sync::Arc<OnceLock<Vec<BackupStatus<'a>>>>,
    /// Likewise: every scheduled job's status at `now`.
    jobs: std::sync::Arc<OnceLock<Vec<JobStatus<'a>>>>,
    /// Likewise: each redundancy's last experiment at `now`.
    last_experiments: std::sync::Arc<OnceLock<HashMap<Idx<Component>, Idx<Experiment>>>>,
}

impl<'a> Context<'a> {
    /// A context for evaluating `inventory` at the instant `now`.
    pub fn new(inventory: &'a Inventory, now: Timestamp) -> Self {
        Context {
            inventory,
            now,
            analysis: std::sync::Arc::default(),
            access: std::sync::Arc::default(),
            backups: std::sync::Arc::default(),
            jobs: std::sync::Arc::default(),
            last_experiments: std::sync::Arc::default(),
        }
    }
    /// The inventory under check.
    pub fn inventory(&self) -> &'a Inventory {
        self.inventory
    }
    /// The instant to evaluate at. Checks never read the wall clock.
    pub fn now(&self) -> Timestamp {
        self.now
    }
    /// The failure analysis of the inventory, built on first use and shared
    /// by every check that runs with this context (and its clones).
    pub fn failure_analysis(&self) -> &FailureAnalysis<'a> {
        self.analysis.get_or_init(|| {
            let analysis = FailureAnalysis::new(self.inventory);
            // Built first, before checks on other threads ask for the whole
            // graph: where every component serves an entry, the cone is the
            // whole graph, and it is then compiled once, not twice.
            analysis.entry_cone();
            analysis
        })
    }
    /// Whether the failure analysis has been built.
    #[cfg(test)]
    pub(crate) fn failure_analysis_built(&self) -> bool {
        self.analysis.get().is_some()
    }
    /// The inventory's effective access (nested groups resolved), built on
    /// first use and shared like [`Context::failure_analysis`].
    pub fn effective_access(&self) -> &EffectiveAccess<'a> {
        self.access.get_or_init(|| EffectiveAccess::new(self.inventory))
    }
    /// The status of every backup policy at [`Context::now`], in definition
    /// order ([`BackupStatus::all`]), built on first use and shared like
    /// [`Context::failure_analysis`].
    pub fn backup_status(&self) -> &[BackupStatus<'a>] {
        self.backups.get_or_init(|| BackupStatus::all(self.inventory, self.now))
    }
    /// The status of every scheduled job at [`Context::now`], in definition
    /// order ([`JobStatus::all`]), built on first use and shared like
    /// [`Context::failure_analysis`].
    pub fn job_status(&self) -> &[JobStatus<'a>] {
        self.jobs.get_or_init(|| JobStatus::all(self.inventory, self.now))
    }
    /// For every redundancy an experiment at or before [`Context::now`]
    /// exercised, the last such experiment
    /// ([`FailureAnalysis::last_experiments`]), computed on first use and
    /// shared like [`Context::failure_analysis`]: the drill rules all read it.
    pub fn last_experiments(&self) -> &HashMap<Idx<Component>, Idx<Experiment>> {
        self.last_experiments
            .get_or_init(|| self.failure_analysis().last_experiments(self.now))
    }
}

/// Why a check could not run. Findings are not errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The check failed (a plugin trapped, a built-in hit a bug).
    #[error("{0}")]
    Failed(String),
    /// The check ran out of a resource it was given (CPU, memory, stack).
    #[error("resource limit: {0}")]
    ResourceLimit(String),
    /// The check returned something malformed.
    #[error("invalid output: {0}")]
    InvalidOutput(String),
}

/// A check: one or more rules evaluated together over an inventory.
///
/// Built-in checks and WebAssembly plugin checks both implement this trait;
/// the runner cannot tell them apart.
///
/// ```
/// use ops_core::{Check, CheckError, Context, EntityKind, Finding, Rule, Severity, Subject};
///
/// #[derive(Debug)]
/// struct NoDescription { rules: Vec<Rule> }
///
/// impl Check for NoDescription {
///     fn name(&self) -> &str { "example" }
///     fn rules(&self) -> &[Rule] { &self.rules }
///     fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
///         Ok(ctx.inventory().components().iter()
///             .filter(|c| c.description.is_none())
///             .map(|c| Finding::new("example/no-description", Severity::Low,
///                 Subject::new(EntityKind::Component, &c.id), "no description").at(&c.location))
///             .collect())
///     }
/// }
/// ```
pub trait Check: Send + Sync + fmt::Debug {
    /// The check's name, used in error reports (`inventory`, `plugin:zones`).
    fn name(&self) -> &str;
    /// The rules it may report. Findings for any other rule id are refused.
    fn rules(&self) -> &[Rule];
    /// Evaluates the check.
    ///
    /// # Errors
    /// [`CheckError`] when the check cannot produce a result at all.
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError>;
    /// Whether the check is one of the long ones on a large estate (a
    /// search over the whole graph, say): [`Runner::run_parallel`] starts
    /// those first, so that none is left running alone at the end while
    /// the other threads idle. A hint for scheduling only: it changes no
    /// result. False unless a check says otherwise.
    fn heavy(&self) -> bool {
        false
    }
    /// Whether the check asks for [`Context::failure_analysis`] (or what is
    /// built on it): [`Runner::run_parallel`] starts the checks that do not
    /// first, so that while one thread builds the analysis the others have
    /// work instead of waiting for it. A hint for scheduling only: it
    /// changes no result. False unless a check says otherwise.
    fn uses_failure_analysis(&self) -> bool {
        false
    }
}

/// A reference to a check is a check: the registry's `static` rules are
/// added to a [`Runner`] without copying them.
impl<C: Check + ?Sized> Check for &C {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn rules(&self) -> &[Rule] {
        (**self).rules()
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        (**self).run(ctx)
    }
    fn heavy(&self) -> bool {
        (**self).heavy()
    }
    fn uses_failure_analysis(&self) -> bool {
        (**self).uses_failure_analysis()
    }
}
