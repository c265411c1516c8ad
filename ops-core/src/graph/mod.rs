//! Dependency graphs: components, redundancy rules and failure domains.

mod model;

pub use model::{Component, ComponentKind, Domain, DomainKind, Requirement};
