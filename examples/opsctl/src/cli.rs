//! Command-line definition.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0  no finding at or above --fail-on (or, for validate, the inventory is valid)
  1  findings at or above --fail-on
  2  usage error, the inventory or a plugin could not be loaded, or a check could not run

Examples:
  opsctl validate examples/inventories/startup
  opsctl check examples/inventories/startup
  opsctl check inventory/ --format sarif --output ops.sarif
  opsctl check inventory/ --fail-on medium --at 2026-11-22T09:00:00Z
  opsctl check inventory/ --plugin zone_spof.wasm --plugin-config zone-spof.toml
  opsctl explain inventory/departed-owner
  opsctl offboard examples/inventories/startup dana
  opsctl access review examples/inventories/startup --format csv
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
    /// Single points of failure: components and failure domains whose failure
    /// alone takes an entry point down.
    #[command(after_help = "Exit codes: 0 no single point of failure, 1 some, 2 input error.\n\n\
        Examples:\n  opsctl spof examples/inventories/startup\n  \
        opsctl spof inventory/ --entry checkout --explain\n  opsctl spof inventory/ --format json")]
    Spof(SpofArgs),
    /// What fails when one component fails, and why.
    #[command(
        name = "blast-radius",
        after_help = "Example:\n  opsctl blast-radius examples/inventories/startup postgres-primary"
    )]
    BlastRadius(BlastArgs),
    /// Fail components or domains and show what goes down, and why.
    #[command(
        after_help = "Exit codes: 0 no entry point down, 1 some entry point down, 2 input error.\n\n\
        Examples:\n  opsctl simulate examples/inventories/startup --fail eu-west-1a\n  \
        opsctl simulate inventory/ --fail web-1,web-2 --format json"
    )]
    Simulate(SimulateArgs),
    /// Draw the dependency graph (Graphviz dot or Mermaid), single points of failure highlighted.
    #[command(
        after_help = "Examples:\n  opsctl graph examples/inventories/startup --format dot | dot -Tsvg > estate.svg\n  \
        opsctl graph inventory/ --format mermaid"
    )]
    Graph(GraphArgs),
    /// Everything a person can reach, through which groups, and the checklist
    /// that removes it: grants, group memberships, credentials to rotate,
    /// things to hand over.
    #[command(after_help = "Examples:\n  opsctl offboard examples/inventories/startup dana\n  \
        opsctl offboard inventory/ dana --format json --at 2026-11-22T09:00:00Z\n  \
        opsctl offboard inventory/ dana --output offboarding-dana.md")]
    Offboard(OffboardArgs),
    /// Access inventory commands.
    Access {
        #[command(subcommand)]
        command: AccessCommand,
    },
    /// Print the JSON Schema of inventory files (for editor completion).
    #[command(after_help = "Example:\n  opsctl schema > inventory.schema.json\n  \
        # then, at the top of a YAML file:\n  \
        # yaml-language-server: $schema=./inventory.schema.json")]
    Schema,
    /// WebAssembly check plugins.
    Plugin {
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Explain a check: what it finds, why it matters, how to fix it.
    /// Without a rule id, list every rule.
    #[command(after_help = "Examples:\n  opsctl explain\n  opsctl explain inventory/departed-owner")]
    Explain {
        /// A rule id such as `inventory/departed-owner`.
        rule: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AccessCommand {
    /// The periodic access review: who can reach each system, at what
    /// level, through which grant, group or credential, with flags for what
    /// deserves a second look (departed, on leave, unused for 90 days, no MFA,
    /// shared credential).
    #[command(after_help = "Examples:\n  opsctl access review examples/inventories/startup\n  \
        opsctl access review inventory/ --system prod-db --format csv --output review.csv")]
    Review(ReviewArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum PluginCommand {
    /// Show a plugin's metadata and rules, what it imports, and whether it is
    /// sandbox-clean (imports nothing but the ops interfaces).
    #[command(after_help = "Exit codes: 0 the plugin loads, 2 it does not.\n\n\
        Example:\n  opsctl plugin inspect examples/plugins/target/wasm32-unknown-unknown/release/zone_spof.wasm")]
    Inspect {
        /// The plugin's WebAssembly component.
        file: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct OffboardArgs {
    /// Inventory files or directories.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// The person's id.
    pub(crate) person: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DocumentFormat::Markdown)]
    pub(crate) format: DocumentFormat,
    /// Evaluate grants as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReviewArgs {
    /// Inventory files or directories.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Only this system.
    #[arg(long, value_name = "ID")]
    pub(crate) system: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Markdown)]
    pub(crate) format: ReviewFormat,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Formats of documents for people and programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocumentFormat {
    /// A Markdown checklist.
    Markdown,
    /// JSON.
    Json,
}

/// Formats of the access review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReviewFormat {
    /// One table per system, a checkbox per row.
    Markdown,
    /// One row per principal, system and grant or credential, for spreadsheets.
    Csv,
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
    /// Also run the WebAssembly check plugin in FILE (repeatable). Plugins run
    /// sandboxed: no files, network, clock or environment; 1 s of CPU time and
    /// 64 MiB of memory each.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub(crate) plugins: Vec<PathBuf>,
    /// Configuration for the `--plugin` given just before it: the file's text
    /// is passed to the plugin as is (repeatable, at most one per plugin).
    #[arg(long = "plugin-config", value_name = "FILE")]
    pub(crate) plugin_configs: Vec<PathBuf>,
    /// Compile plugins afresh instead of using the cache of compiled plugins
    /// ($OPS_PLUGIN_CACHE, else $XDG_CACHE_HOME/ops/plugins, else ~/.cache/ops/plugins).
    #[arg(long)]
    pub(crate) no_plugin_cache: bool,
}

/// Output formats of the analysis commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AnalysisFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SpofArgs {
    /// Inventory files or directories.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Only this entry point.
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
    /// With text output, show for each single point of failure the chain of
    /// violated rules that takes the entry down.
    #[arg(long)]
    pub(crate) explain: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BlastArgs {
    /// Inventory files or directories.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// The component that fails.
    #[arg(last = false)]
    pub(crate) component: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    /// Inventory files or directories.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Components or domains to fail, comma-separated (repeatable).
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',', required = true)]
    pub(crate) fail: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    /// Inventory files or directories.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Diagram language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub(crate) format: GraphFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    /// Graphviz.
    Dot,
    /// Mermaid (renders in GitHub and GitLab Markdown).
    Mermaid,
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
