//! One module per command: its clap arguments next to its handler, `run`.
//! Commands with subcommands (`access`, `backup`, `job`, `incident`, `export`,
//! `import`, `plugin`) hold their subcommand enum and dispatch to one module
//! per subcommand.

pub(crate) mod access;
pub(crate) mod backup;
pub(crate) mod blast_radius;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod config;
pub(crate) mod diff;
pub(crate) mod experiment;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod graph;
pub(crate) mod import;
pub(crate) mod incident;
pub(crate) mod job;
pub(crate) mod man;
pub(crate) mod offboard;
pub(crate) mod plugin;
pub(crate) mod postmortem;
pub(crate) mod report;
pub(crate) mod schema;
pub(crate) mod simulate;
pub(crate) mod spof;
pub(crate) mod spof_pairs;
pub(crate) mod validate;
