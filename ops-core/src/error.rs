//! The error type of ops-core.

use crate::Diagnostics;

/// Everything that can stop ops-core from doing what was asked.
///
/// Findings are not errors: a check that finds problems succeeds and returns
/// them. An `Error` means the work could not be done at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The inventory could not be loaded: every problem found, with locations.
    #[error("the inventory has {n} problem{s}:\n{0}", n = .0.len(), s = if .0.len() == 1 { "" } else { "s" })]
    Invalid(Diagnostics),
    /// An importer could not read its input: every problem found, each with
    /// its file, CSV line and column name where it has them.
    #[error("{}", crate::import::describe(.0))]
    Import(Vec<crate::import::ImportProblem>),
}
