//! Dependency graphs: components, redundancy rules and failure domains, and
//! the analysis of what fails when something fails.

mod analysis;
mod availability;
mod checks;
mod compiled;
mod cone;
mod kill;
mod mef;
mod model;
mod outage;
mod propagate;
mod scc;
mod structure;

pub use analysis::{DoubleFaults, EntryDomainSpofs, EntrySpofs, FailureAnalysis, SpofReport};
pub use availability::{AvailabilityBelowSlo, AvailabilityMethod, AvailabilityOptions, EntryAvailability};
pub(crate) use checks::all as checks;
pub use checks::{DomainSinglePointOfFailure, NoRedundancy, NominalRedundancy, SinglePointOfFailure};
pub(crate) use compiled::Csr;
pub use mef::{MEF_GATE_LIMIT, open_psa_mef};
pub use model::{Component, ComponentKind, Domain, DomainKind, Requirement};
pub use outage::{Outage, Step};
pub use structure::Dominators;
