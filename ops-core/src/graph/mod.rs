//! Dependency graphs: components, redundancy rules and failure domains, and
//! the analysis of what fails when something fails.

mod analysis;
mod availability;
mod checks;
mod compiled;
mod cone;
mod dominators;
mod double;
mod double_checks;
mod drill_checks;
mod drills;
mod kill;
mod mef;
mod outage;
mod plan;
mod propagate;
mod scc;
mod structure;
mod targets;

pub use crate::model::components::{
    Component, ComponentKind, Domain, DomainKind, Instance, MAX_INSTANCES, MAX_REPLICAS, Replicas, Requirement,
};
pub use analysis::{DoubleFaults, EntryDomainSpofs, EntrySpofs, FailureAnalysis, SpofReport};
pub use availability::{AvailabilityMethod, AvailabilityOptions, BELOW_SLO, EntryAvailability};
pub(crate) use checks::RULES;
pub use checks::{DEPENDENCY_CYCLE, DOMAIN_SPOF, NO_REDUNDANCY, NOMINAL_REDUNDANCY, SPOF};
pub use dominators::Dominators;
pub use double::{DOUBLE_FAULT_WORK, MAX_DOUBLE_FAULT_CANDIDATES, MAX_SEARCH_THREADS};
pub use double_checks::{
    DOUBLE_FAULT, DOUBLE_FAULT_RULE_WORK, DoubleFaultOptions, MAX_COUNTED_PAIRS, MAX_LISTED_PAIRS,
};
pub use drill_checks::{FAILED_FAILOVER, MODEL_CONTRADICTED, UNTESTED_REDUNDANCY, UntestedRedundancyOptions};
pub use drills::{
    CriticalEntry, Disagreement, Experiment, ExperimentCheck, MAX_COMPARED_SURVIVORS, MAX_EXPLAINED_REDUNDANCIES,
    MAX_SHARED_NAMED, is_redundancy,
};
pub use mef::{MEF_GATE_LIMIT, open_psa_mef};
pub use outage::{Outage, Step};
pub use plan::{PlanOptions, PlanReason, PlannedExperiment};
pub use targets::{component_target, entry_target, failure_targets};
