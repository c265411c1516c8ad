//! The entities an inventory is made of, shared by every domain: components
//! and failure domains; people, groups, systems, grants and credentials;
//! backup policies, runs and drills; scheduled jobs and their runs;
//! failover drills and chaos experiments;
//! incidents, problems and changes. Each
//! domain module re-exports its own (`ops_core::access::Person`); the
//! analyses and rules over them live in the domains.

pub(crate) mod access;
pub(crate) mod backup;
pub(crate) mod components;
pub(crate) mod experiment;
pub(crate) mod incident;
pub(crate) mod job;
pub(crate) mod people;
