//! Dependency graphs: components, redundancy rules and failure domains, and
//! the analysis of what fails when something fails.

mod analysis;
mod availability;
mod checks;
mod compiled;
mod cone;
mod dominators;
mod kill;
mod mef;
mod outage;
mod propagate;
mod scc;
mod structure;

pub use crate::model::components::{
    Component, ComponentKind, Domain, DomainKind, Instance, MAX_INSTANCES, MAX_REPLICAS, Replicas, Requirement,
};
pub use analysis::{DoubleFaults, EntryDomainSpofs, EntrySpofs, FailureAnalysis, SpofReport};
pub use availability::{AvailabilityMethod, AvailabilityOptions, BELOW_SLO, EntryAvailability};
pub(crate) use checks::RULES;
pub use checks::{DEPENDENCY_CYCLE, DOMAIN_SPOF, NO_REDUNDANCY, NOMINAL_REDUNDANCY, SPOF};
pub use dominators::Dominators;
pub use mef::{MEF_GATE_LIMIT, open_psa_mef};
pub use outage::{Outage, Step};
