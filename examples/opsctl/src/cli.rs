//! Command-line definition.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0  no finding at or above --fail-on (or, for validate, the inventory is valid)
  1  findings at or above --fail-on
  2  usage error, or the inventory could not be loaded

Examples:
  opsctl validate examples/inventories/startup
  opsctl check examples/inventories/startup
  opsctl check inventory/ --format sarif --output ops.sarif
  opsctl check inventory/ --fail-on medium --at 2026-11-22T09:00:00Z
  opsctl explain inventory/departed-owner
  opsctl schema > inventory.schema.json";

/// Operations knowledge as data: check an inventory of components, failure
/// domains, access, backups and incidents for what fails quietly.
#[derive(Debug, Parser)]
#[command(name = "opsctl", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Load and validate an inventory; print every problem with its location.
    #[command(after_help = "Example:\n  opsctl validate examples/inventories/startup")]
    Validate {
        /// Inventory files or directories (read recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run every check and report the findings.
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
    /// Print the JSON Schema of inventory files (for editor completion).
    #[command(after_help = "Example:\n  opsctl schema > inventory.schema.json\n  \
        # then, at the top of a YAML file:\n  \
        # yaml-language-server: $schema=./inventory.schema.json")]
    Schema,
    /// Explain a check: what it finds, why it matters, how to fix it.
    /// Without a rule id, list every rule.
    #[command(after_help = "Examples:\n  opsctl explain\n  opsctl explain inventory/departed-owner")]
    Explain {
        /// A rule id such as `inventory/departed-owner`.
        rule: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Inventory files or directories (read recursively).
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Exit with 1 if any finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub(crate) fail_on: FailOn,
    /// Evaluate as of this instant (RFC 3339, e.g. 2026-11-22T09:00:00Z) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Write the report to FILE (atomically: all of it or nothing) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

fn parse_at(s: &str) -> Result<ops_core::Timestamp, String> {
    ops_core::parse_instant(s)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Grouped by severity, for people.
    Text,
    /// The documented JSON document (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code-scanning UIs.
    Sarif,
    /// Markdown, for pull requests and wikis.
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Option<ops_core::Severity> {
        use ops_core::Severity;
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}
