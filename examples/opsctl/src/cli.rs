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
  opsctl incident report examples/inventories/startup
  opsctl postmortem examples/inventories/startup INC-2026-014
  opsctl check --backstage catalog/ overlay/
  opsctl schema > inventory.schema.json
  opsctl import aws-credential-report report.csv --system aws-prod --output inventory/aws.json";

/// Operations knowledge as data: check an inventory of components, failure
/// domains, access, backups and incidents for what fails quietly.
#[derive(Debug, Parser)]
#[command(name = "opsctl", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where an inventory comes from: inventory files, and Backstage catalogs.
#[derive(Debug, clap::Args)]
pub(crate) struct Inputs {
    /// Inventory files or directories (read recursively). With --backstage,
    /// they may overlay the catalog's entities (docs/backstage.md).
    #[arg(value_name = "PATH", required_unless_present = "backstage")]
    pub(crate) paths: Vec<PathBuf>,
    /// Also read the Backstage catalog files (.yaml, .yml) under DIR as
    /// components, people and groups (repeatable).
    #[arg(long, value_name = "DIR")]
    pub(crate) backstage: Vec<PathBuf>,
}

/// [`Inputs`] for commands that take an id after the paths: clap cannot
/// leave out a list of positional arguments that a required one follows, so
/// here at least one PATH is needed even with --backstage (an overlay, or
/// any other inventory file).
#[derive(Debug, clap::Args)]
pub(crate) struct InputsBeforeId {
    /// Inventory files or directories (read recursively). With --backstage,
    /// they may overlay the catalog's entities (docs/backstage.md).
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Also read the Backstage catalog files (.yaml, .yml) under DIR as
    /// components, people and groups (repeatable).
    #[arg(long, value_name = "DIR")]
    pub(crate) backstage: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Load and validate an inventory; print every problem with its location.
    #[command(after_help = "Example:\n  opsctl validate examples/inventories/startup")]
    Validate {
        #[command(flatten)]
        inputs: Inputs,
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
    /// Incidents: metrics over an inventory, or a new incident file.
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Render an incident's post-mortem as a document ready to share.
    #[command(
        after_help = "Writes header, impact, the four standard questions, timeline, and the issues \
        with their actions (owner, due date, expected result). Missing parts are shown as missing.\n\n\
        Examples:\n  opsctl postmortem examples/inventories/startup INC-2026-014\n  \
        opsctl postmortem inventory/ INC-2026-019 --output INC-2026-019.md"
    )]
    Postmortem(PostmortemArgs),
    /// Print the JSON Schema of inventory files (for editor completion).
    #[command(after_help = "Example:\n  opsctl schema > inventory.schema.json\n  \
        # then, at the top of a YAML file:\n  \
        # yaml-language-server: $schema=./inventory.schema.json")]
    Schema,
    /// Turn another tool's export into an inventory file (JSON).
    #[command(subcommand, after_help = IMPORT_HELP)]
    Import(ImportCommand),
    /// Backup commands: where each policy stands, when it runs, and what
    /// restic's retention would keep.
    #[command(subcommand)]
    Backup(Box<BackupCommand>),
    /// WebAssembly check plugins.
    Plugin {
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Write a self-contained HTML report: findings with explanations, the
    /// dependency graph, backups, access review and incident metrics.
    #[command(
        after_help = "The page loads nothing and runs no script; send it by mail or attach it to a ticket.\n\n\
        Exit codes: 0 written, 2 usage or input error.\n\n\
        Examples:\n  opsctl report examples/inventories/startup --html report.html\n  \
        opsctl report inventory/ --html report.html --entry public-api --at 2026-11-22T09:00:00Z"
    )]
    Report(ReportArgs),
    /// Export the failure model for other tools.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Print a shell completion script for opsctl.
    #[command(
        after_help = "Examples:\n  opsctl completions bash > /etc/bash_completion.d/opsctl\n  \
        opsctl completions zsh > \"${fpath[1]}/_opsctl\"\n  \
        opsctl completions fish > ~/.config/fish/completions/opsctl.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page of opsctl (roff), or write one page per command into DIR.
    #[command(after_help = "Examples:\n  opsctl man | man -l -\n  opsctl man --output share/man/man1")]
    Man {
        /// Write opsctl.1 and a page per subcommand (opsctl-check.1, ...) into DIR.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Explain a check: what it finds, why it matters, how to fix it.
    /// Without a rule id, list every rule (with `--plugin`, the plugins' too).
    #[command(
        after_help = "Examples:\n  opsctl explain\n  opsctl explain inventory/departed-owner\n  \
                            opsctl explain --plugin zone_spof.wasm\n  \
                            opsctl explain --plugin zone_spof.wasm plugin:zone-spof/zone-loss"
    )]
    Explain {
        /// A rule id such as `inventory/departed-owner` or `plugin:zone-spof/zone-loss`.
        rule: Option<String>,
        /// Also list and explain the rules of this WebAssembly plugin (repeatable).
        #[arg(long = "plugin", value_name = "FILE.wasm")]
        plugins: Vec<PathBuf>,
        /// Compile plugins afresh instead of using the cache of compiled plugins.
        #[arg(long)]
        no_plugin_cache: bool,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Write the HTML page to FILE (atomically).
    #[arg(long, value_name = "FILE", required = true)]
    pub(crate) html: PathBuf,
    /// Highlight this entry point's failure paths (default: the first entry point).
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// The exporters.
#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// The failure model as an Open-PSA Model Exchange Format fault tree, for
    /// fault-tree tools: one top gate per entry point.
    #[command(
        after_help = "Basic events: fail-<component> (probability 1 - availability where given) and\n\
        lost-<domain>. Gates: down-<component>, an OR of its own failure, its domains and its rule\n\
        (all: OR, any: AND, at_least k of n: atleast n-k+1). Dependency cycles are unfolded per path.\n\n\
        Examples:\n  opsctl export mef examples/inventories/startup --entry storefront\n  \
        opsctl export mef inventory/ --output estate.xml"
    )]
    Mef(MefArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct MefArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Only this entry point's fault tree (default: every entry point).
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    /// Write the XML to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

const IMPORT_HELP: &str = "\
The output is an inventory file (for `backstage`: components, people and
groups; otherwise a `credentials`, `grants` or `backup_runs` section); put it
next to the rest of the inventory (which must define the people, systems and
other entities it refers to) and run `opsctl validate`.

Exit codes: 0 imported, 2 usage error or a problem in the input (every problem
is printed with its file, line and column name; nothing is written).

Examples:
  aws iam generate-credential-report
  aws iam get-credential-report --query Content --output text | base64 -d > report.csv
  opsctl import aws-credential-report report.csv --system aws-prod \\
      --map '<root_account>=maya' --map '<root_account>=tom' \\
      --map alice.smith@shop.example=alice --map legacy-admin= \\
      --output inventory/aws-prod-credentials.json
  opsctl import grants-csv access-review.csv --output inventory/grants.json";

/// Shells `opsctl completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    /// GNU Bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
}

/// The importers.
#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Backstage catalog files (catalog-info.yaml; every .yaml and .yml file
    /// under DIR) as components, people and groups.
    #[command(
        after_help = "Components and Resources become components (kind from spec.type, so databases are \
        stateful; dependencies from spec.dependsOn and spec.dependencyOf; owner from spec.owner), Users \
        people, Groups groups (members from spec.members, spec.children, spec.memberOf and spec.parent); \
        Systems and Domains become tags. ops.dev/* annotations add what Backstage has no words for: \
        entry, tier, requires, domains, kind, stateful, availability, slo, id. Kinds ops does not import \
        (API, Location, Template, ...) are skipped with a note on standard error.\n\n\
        To analyse a catalog without converting it, use --backstage DIR with any command that reads an \
        inventory. See docs/backstage.md.\n\n\
        Exit codes: 0 imported, 2 a problem in the catalog (every one printed with file:line:column).\n\n\
        Examples:\n  opsctl import backstage catalog/ --output inventory/backstage.json\n  \
        opsctl check --backstage catalog/ inventory/"
    )]
    Backstage(BackstageImportArgs),
    /// An AWS IAM credential report (CSV): console passwords, access keys and
    /// the root user as credentials on one system.
    #[command(name = "aws-credential-report", after_help = IMPORT_HELP)]
    AwsCredentialReport(AwsImportArgs),
    /// A CSV of grants with a header row: principal,system,level and optionally
    /// role,granted_at,last_used_at,expires_at,id.
    #[command(name = "grants-csv", after_help = IMPORT_HELP)]
    GrantsCsv(GrantsImportArgs),
    /// The output of `restic snapshots --json` as backup runs of a policy.
    #[command(
        name = "restic-snapshots",
        after_help = "Each snapshot becomes a successful run: started at the summary's backup_start (restic 0.17+)\n\
        or the snapshot time, finished at backup_end, size_bytes from total_bytes_processed, checksum\n\
        sha256:<tree>. The policy must be defined in the inventory you load the file with.\n\n\
        Example:\n  restic snapshots --json > snapshots.json\n  \
        opsctl import restic-snapshots snapshots.json --policy orders-db-nightly --output inventory/runs.json"
    )]
    ResticSnapshots(ResticImportArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BackstageImportArgs {
    /// Catalog files or directories (read recursively: .yaml and .yml files).
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<PathBuf>,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ResticImportArgs {
    /// The output of `restic snapshots --json`.
    pub(crate) file: PathBuf,
    /// Id of the inventory backup policy the snapshots belong to.
    #[arg(long, value_name = "ID")]
    pub(crate) policy: String,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AwsImportArgs {
    /// The report, as written by `aws iam get-credential-report` (decoded from base64).
    pub(crate) file: PathBuf,
    /// Id of the inventory system for this AWS account, e.g. aws-prod.
    #[arg(long, value_name = "ID")]
    pub(crate) system: String,
    /// Hold IAM user USER's credentials by PRINCIPAL instead of the principal of
    /// the same name; `USER=` for nobody on file. Repeatable; repeat a user for
    /// several holders (only the root user, `<root_account>`, may have several).
    #[arg(long = "map", value_name = "USER=PRINCIPAL", value_parser = parse_mapping)]
    pub(crate) map: Vec<(String, Option<String>)>,
    /// Kind of the root user's credentials.
    #[arg(long, value_enum, default_value_t = RootKind::Shared)]
    pub(crate) root_kind: RootKind,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GrantsImportArgs {
    /// The CSV file.
    pub(crate) file: PathBuf,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Kind of the root user's credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RootKind {
    /// Known to several people (the usual case).
    Shared,
    /// Held by one person.
    Personal,
}

/// `USER=PRINCIPAL`, split at the last `=`: IAM user names may contain `=`,
/// principal ids may not.
fn parse_mapping(s: &str) -> Result<(String, Option<String>), String> {
    let (user, principal) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected USER=PRINCIPAL (or USER= for nobody), found '{s}'"))?;
    if user.is_empty() {
        return Err(format!("expected USER=PRINCIPAL, found '{s}': the user is missing"));
    }
    let principal = (!principal.is_empty()).then(|| principal.to_owned());
    Ok((user.to_owned(), principal))
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
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
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
    #[command(flatten)]
    pub(crate) inputs: Inputs,
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

/// The backup commands.
#[derive(Debug, Subcommand)]
pub(crate) enum BackupCommand {
    /// Every backup policy at an instant: last good run and its age against
    /// the RPO, runs that claimed success without data, next run, drills,
    /// copies, monitor, and the backup findings.
    #[command(
        after_help = "Exit codes: 0 no backup finding at or above --fail-on, 1 some, 2 input error.\n\n\
        Examples:\n  opsctl backup status examples/inventories/startup --at 2026-11-22T09:00:00Z\n  \
        opsctl backup status inventory/ --format json"
    )]
    Status(BackupStatusArgs),
    /// The next runs of a policy's schedule, in UTC and in its time zone,
    /// with daylight-saving changes called out.
    #[command(after_help = "Example:\n  opsctl backup schedule examples/inventories/startup postgres-nightly --next 5")]
    Schedule(BackupScheduleArgs),
    /// What `restic forget` would keep and remove, and why: restic's flags and
    /// a `restic snapshots --json` file, or an inventory backup policy.
    #[command(after_help = RETENTION_HELP)]
    Retention(Box<RetentionArgs>),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BackupStatusArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
    /// Exit with 1 if any backup finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub(crate) fail_on: FailOn,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BackupScheduleArgs {
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The backup policy's id.
    pub(crate) policy: String,
    /// How many runs to show.
    #[arg(long, default_value_t = 10)]
    pub(crate) next: usize,
    /// Start from this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum IncidentCommand {
    /// Time to detect, acknowledge, mitigate and resolve: count, mean, median
    /// and p90, overall and by severity, component and month; and the share
    /// of incidents customers detected.
    #[command(
        after_help = "Time to detect runs from started_at to detected_at; the others from detected_at. \
        Median and p90 use the nearest-rank method (always an observed value).\n\n\
        Examples:\n  opsctl incident report examples/inventories/startup\n  \
        opsctl incident report inventory/ --since 2026-07-01"
    )]
    Report(IncidentReportArgs),
    /// Write a new incident file from a template into a directory, never
    /// overwriting an existing file.
    #[command(
        after_help = "The file is named DATE-SLUG.yaml after the detection date (UTC) and the title, \
        and the incident id is INC-DATE-SLUG unless --id is given. The file is written atomically and \
        never replaces an existing one.\n\n\
        Examples:\n  opsctl incident new inventory/incidents --title \"Checkout down\" --severity sev1 --commander maya\n  \
        opsctl incident new inventory/incidents --title \"Search slow\" --impacted search --at 2026-11-22T09:00:00Z"
    )]
    New(IncidentNewArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct IncidentReportArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Only incidents detected at or after this instant (RFC 3339, or a date: 2026-07-01).
    #[arg(long, value_name = "DATE", value_parser = parse_at)]
    pub(crate) since: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
}

/// Formats of `opsctl incident report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// A table for the terminal, one row per group and metric.
    Text,
    /// A Markdown table, one row per group.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub(crate) struct IncidentNewArgs {
    /// The directory to write the incident file into (it must exist).
    pub(crate) dir: PathBuf,
    /// One-line title; also gives the file name.
    #[arg(long)]
    pub(crate) title: String,
    /// Severity, sev1 (worst) to sev5.
    #[arg(long, default_value = "sev3", value_parser = parse_severity)]
    pub(crate) severity: ops_core::IncidentSeverity,
    /// The incident commander (a person id of the inventory).
    #[arg(long, value_name = "PERSON")]
    pub(crate) commander: Option<String>,
    /// Impacted components, comma-separated.
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',')]
    pub(crate) impacted: Vec<String>,
    /// When it was detected (RFC 3339); default now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// The incident id; default INC-DATE-SLUG.
    #[arg(long)]
    pub(crate) id: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PostmortemArgs {
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The incident id.
    pub(crate) incident: String,
    /// Document format.
    #[arg(long, value_enum, default_value_t = PostmortemFormat::Markdown)]
    pub(crate) format: PostmortemFormat,
    /// Write the document to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Post-mortem document formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PostmortemFormat {
    /// Markdown (renders on GitHub, GitLab and most wikis).
    Markdown,
}

fn parse_severity(s: &str) -> Result<ops_core::IncidentSeverity, String> {
    s.parse()
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
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
    #[command(flatten)]
    pub(crate) inputs: Inputs,
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
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The component that fails.
    #[arg(last = false)]
    pub(crate) component: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Components or domains to fail, comma-separated (repeatable).
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',', required = true)]
    pub(crate) fail: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
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

const RETENTION_HELP: &str = "\
Snapshots come from --snapshots (the output of `restic snapshots --json`) or,
without it, from the policy's backup_runs in the inventory (read in UTC). The
policy is the inventory policy's retention, if PATH... POLICY are given, with
any --keep-* flag given here replacing that rule; without an inventory the
flags alone are the policy. Values use restic's syntax: counts are numbers or
`unlimited`, durations are like 1y6m3d12h (m is months), --keep-tag a,b keeps
snapshots with both tags. --host, --tag and --path choose the snapshots
considered; they are grouped by host and paths, as restic does (--group-by).
--restic-version 0.14 reproduces restic 0.14 (Debian 12). --keep-within*
cut-offs use each newest snapshot's recorded offset, as `TZ=UTC restic forget`.

Exit codes: 0 computed (whatever it removes), 2 usage error, unreadable input,
or a policy restic refuses (empty, or removing every snapshot of a group).

Examples:
  restic snapshots --json > snapshots.json
  opsctl backup retention --snapshots snapshots.json --keep-daily 7 --keep-weekly 5 --keep-monthly 12
  opsctl backup retention --snapshots snapshots.json --keep-within 1y2m --keep-tag monthly --format json
  opsctl backup retention inventory/ orders-db-nightly --snapshots snapshots.json";

#[derive(Debug, clap::Args)]
pub(crate) struct RetentionArgs {
    /// Inventory files or directories, then the id of a backup policy (optional).
    #[arg(value_name = "PATH... POLICY")]
    pub(crate) inventory: Vec<PathBuf>,
    /// The output of `restic snapshots --json`.
    #[arg(long, value_name = "FILE")]
    pub(crate) snapshots: Option<PathBuf>,
    /// Keep the last n snapshots.
    #[arg(long, short = 'l', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_last: Option<String>,
    /// Keep the last n hourly snapshots.
    #[arg(long, short = 'H', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_hourly: Option<String>,
    /// Keep the last n daily snapshots.
    #[arg(long, short = 'd', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_daily: Option<String>,
    /// Keep the last n weekly (ISO week) snapshots.
    #[arg(long, short = 'w', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_weekly: Option<String>,
    /// Keep the last n monthly snapshots.
    #[arg(long, short = 'm', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_monthly: Option<String>,
    /// Keep the last n yearly snapshots.
    #[arg(long, short = 'y', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_yearly: Option<String>,
    /// Keep snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within: Option<String>,
    /// Keep hourly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_hourly: Option<String>,
    /// Keep daily snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_daily: Option<String>,
    /// Keep weekly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_weekly: Option<String>,
    /// Keep monthly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_monthly: Option<String>,
    /// Keep yearly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_yearly: Option<String>,
    /// Keep snapshots with this taglist, `tag[,tag...]` (repeatable).
    #[arg(long, value_name = "taglist")]
    pub(crate) keep_tag: Vec<String>,
    /// Only consider snapshots of this host (repeatable; restic 0.14's `--hostname` too).
    #[arg(long, value_name = "host", alias = "hostname")]
    pub(crate) host: Vec<String>,
    /// Only consider snapshots with this taglist, `tag[,tag...]` (repeatable: any of them).
    #[arg(long, value_name = "taglist")]
    pub(crate) tag: Vec<String>,
    /// Only consider snapshots that include this path (repeatable: all of them).
    #[arg(long, value_name = "path")]
    pub(crate) path: Vec<String>,
    /// Accepted for restic compatibility: this command never removes anything.
    #[arg(long, short = 'n')]
    pub(crate) dry_run: bool,
    /// Accepted for restic compatibility (no effect).
    #[arg(long, short = 'c')]
    pub(crate) compact: bool,
    /// Group snapshots by host, paths and/or tags, separated by commas ('' for no grouping).
    #[arg(long, short = 'g', value_name = "group", default_value = "host,paths")]
    pub(crate) group_by: String,
    /// Whose semantics: `current` (restic 0.18 and later) or `0.14`.
    #[arg(long, value_enum, default_value_t = ResticVersionArg::Current)]
    pub(crate) restic_version: ResticVersionArg,
    /// The instant of the run: snapshots after it are in the future (default: now).
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RetentionFormat::Text)]
    pub(crate) format: RetentionFormat,
}

/// restic release semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ResticVersionArg {
    /// restic 0.18 and later.
    Current,
    /// restic 0.14 (Debian 12).
    #[value(name = "0.14")]
    V0_14,
}

/// Output of `backup retention`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RetentionFormat {
    /// Tables of kept snapshots with reasons and of removed snapshots.
    Text,
    /// `{"keep": [ids], "remove": [ids], "groups": [...]}`.
    Json,
}
