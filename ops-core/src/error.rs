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
    /// its place (file, and line and column where known).
    #[error("{}", crate::import::problem::describe(.0))]
    Import(Vec<crate::import::ImportProblem>),
    /// A retention policy value that the chosen restic version does not
    /// accept: which flag, what was found, what is expected.
    #[error("invalid retention policy: {0}")]
    InvalidRetention(String),
    /// A retention policy with nothing set: no count, duration or tag.
    #[error("no policy was specified, no snapshots will be removed")]
    EmptyRetentionPolicy,
    /// The policy would remove every snapshot of a group (restic 0.17 and later refuse).
    #[error("refusing to delete last snapshot of snapshot group \"{group}\"")]
    RetentionRemovesAll {
        /// The group, as restic describes it (`host h, path [/srv]`).
        group: String,
    },
    /// A storage projection input out of range: which value, what was found.
    #[error("invalid storage projection: {0}")]
    InvalidProjection(String),
    /// `restic snapshots --json` output that cannot be read by
    /// [`parse_restic_snapshots`](crate::import::parse_restic_snapshots)
    /// (the restic importer reports it as an [`ImportProblem`](crate::import::ImportProblem)).
    #[error("{file}:{line}:{column}: {message}")]
    ResticJson {
        /// The file name given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// An id that names no entity of the kind asked for (a component to
    /// fail, an entry point, a person), or one that cannot be used so (a
    /// logical component, which fails only through its members): the message
    /// names the id and what was expected.
    #[error("{0}")]
    Lookup(String),
    /// A report read back (a baseline, one side of a diff) that is not a
    /// JSON report with fingerprints.
    #[error("{0}")]
    InvalidReport(String),
    /// Writing a fault tree would need more gates than the limit: unfolding
    /// large dependency cycles grows quickly (see [`open_psa_mef`](crate::graph::open_psa_mef)).
    #[error(
        "the fault tree would need more than {limit} gates: dependency cycles are unfolded per path, and these cycles are too large"
    )]
    FaultTreeTooLarge {
        /// The limit, [`MEF_GATE_LIMIT`](crate::graph::MEF_GATE_LIMIT).
        limit: usize,
    },
}
