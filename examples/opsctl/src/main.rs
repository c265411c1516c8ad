//! `opsctl`: the command-line front end of ops.
//!
//! This file holds the top-level command line, the dispatch to one module
//! per command (`commands/`, each with its arguments next to its handler)
//! and the printing of errors; what commands share (inputs, `--at`, output,
//! colour, exit codes, atomic writes) is in `shared/`.

mod commands;
mod shared;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use ops_core::Error;

use commands::{
    access, backup, blast_radius, check, completions, config, diff, experiment, explain, export, graph, import,
    incident, job, man, offboard, plugin, postmortem, report, schema, simulate, spof, validate,
};
use shared::color::{self, ColorChoice};

/// mimalloc rather than the system allocator: loading a large inventory makes
/// and frees millions of small allocations, which glibc's malloc handles
/// markedly slower (BENCHMARKS.md §1).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
  opsctl check inventory/ --config ci/ops.toml --baseline main.json --format sarif
  opsctl diff main.json branch.json --format markdown
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
    /// When to colour error messages and check's text report (auto: on a
    /// terminal, unless NO_COLOR is set and not empty).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Load and validate an inventory; print every problem with its location.
    #[command(after_help = "Example:\n  opsctl validate examples/inventories/startup")]
    Validate(validate::ValidateArgs),
    /// Run every check and report the findings.
    #[command(after_help = AFTER_HELP)]
    Check(check::CheckArgs),
    /// Compare two `check --format json` reports: new, fixed and unchanged
    /// findings, and severity changes (findings matched by fingerprint).
    #[command(after_help = "Exit codes: 0 nothing new, 1 new findings, 2 input error.\n\n\
        Examples:\n  opsctl diff main.json branch.json\n  \
        opsctl diff main.json branch.json --format markdown > comment.md")]
    Diff(diff::DiffArgs),
    /// Print the configuration `opsctl check` runs with: the file's settings
    /// (--config FILE, else ./ops.toml) over the defaults.
    #[command(after_help = "Example:\n  opsctl config --config ci/ops.toml")]
    Config(config::ConfigArgs),
    /// Single points of failure: components and failure domains whose failure
    /// alone takes an entry point down.
    #[command(after_help = "Exit codes: 0 no single point of failure, 1 some, 2 input error.\n\n\
        Examples:\n  opsctl spof examples/inventories/startup\n  \
        opsctl spof inventory/ --entry checkout --explain\n  opsctl spof inventory/ --format json")]
    Spof(spof::SpofArgs),
    /// What fails when one component fails, and why.
    #[command(
        name = "blast-radius",
        after_help = "Example:\n  opsctl blast-radius examples/inventories/startup postgres-primary"
    )]
    BlastRadius(blast_radius::BlastArgs),
    /// Fail components or domains and show what goes down, and why.
    #[command(
        after_help = "Exit codes: 0 no entry point down, 1 some entry point down, 2 input error.\n\n\
        Examples:\n  opsctl simulate examples/inventories/startup --fail eu-west-1a\n  \
        opsctl simulate inventory/ --fail web-1,web-2 --format json"
    )]
    Simulate(simulate::SimulateArgs),
    /// Draw the dependency graph (Graphviz dot or Mermaid), single points of failure highlighted.
    #[command(
        after_help = "Examples:\n  opsctl graph examples/inventories/startup --format dot | dot -Tsvg > estate.svg\n  \
        opsctl graph inventory/ --format mermaid"
    )]
    Graph(graph::GraphArgs),
    /// Everything a person can reach, through which groups, and the checklist
    /// that removes it: grants, group memberships, credentials to rotate,
    /// things to hand over.
    #[command(after_help = "Examples:\n  opsctl offboard examples/inventories/startup dana\n  \
        opsctl offboard inventory/ dana --format json --at 2026-11-22T09:00:00Z\n  \
        opsctl offboard inventory/ dana --output offboarding-dana.md")]
    Offboard(offboard::OffboardArgs),
    /// Access inventory commands.
    Access {
        #[command(subcommand)]
        command: access::AccessCommand,
    },
    /// Incidents: metrics over an inventory, or a new incident file.
    #[command(subcommand)]
    Incident(incident::IncidentCommand),
    /// Render an incident's post-mortem as a document ready to share.
    #[command(
        after_help = "Writes header, impact, the four standard questions, timeline, and the issues \
        with their actions (owner, due date, expected result). Missing parts are shown as missing.\n\n\
        Examples:\n  opsctl postmortem examples/inventories/startup INC-2026-014\n  \
        opsctl postmortem inventory/ INC-2026-019 --output INC-2026-019.md"
    )]
    Postmortem(postmortem::PostmortemArgs),
    /// Print the JSON Schema of inventory files (for editor completion).
    #[command(after_help = "Example:\n  opsctl schema > inventory.schema.json\n  \
        # then, at the top of a YAML file:\n  \
        # yaml-language-server: $schema=./inventory.schema.json")]
    Schema,
    /// Turn another tool's export into an inventory file (JSON).
    #[command(subcommand, after_help = import::IMPORT_HELP)]
    Import(import::ImportCommand),
    /// Backup commands: where each policy stands, when it runs, and what
    /// restic's retention would keep.
    #[command(subcommand)]
    Backup(Box<backup::BackupCommand>),
    /// Scheduled job commands: whether each job's deliveries arrived, with
    /// data, by their deadline.
    #[command(subcommand)]
    Job(job::JobCommand),
    /// Failover drills and chaos experiments: a new record, one record
    /// checked against the model, a game-day plan.
    #[command(subcommand)]
    Experiment(experiment::ExperimentCommand),
    /// WebAssembly check plugins.
    Plugin {
        #[command(subcommand)]
        command: plugin::PluginCommand,
    },
    /// Write a self-contained HTML report: findings with explanations, the
    /// dependency graph, backups, access review and incident metrics.
    #[command(
        after_help = "The page loads nothing and runs no script; send it by mail or attach it to a ticket.\n\n\
        Exit codes: 0 written, 2 usage or input error.\n\n\
        Examples:\n  opsctl report examples/inventories/startup --html report.html\n  \
        opsctl report inventory/ --html report.html --entry public-api --at 2026-11-22T09:00:00Z"
    )]
    Report(report::ReportArgs),
    /// Export the failure model for other tools.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Print a shell completion script for opsctl.
    #[command(
        after_help = "Examples:\n  opsctl completions bash > /etc/bash_completion.d/opsctl\n  \
        opsctl completions zsh > \"${fpath[1]}/_opsctl\"\n  \
        opsctl completions fish > ~/.config/fish/completions/opsctl.fish"
    )]
    Completions(completions::CompletionsArgs),
    /// Print the man page of opsctl (roff), or write one page per command into DIR.
    #[command(after_help = "Examples:\n  opsctl man | man -l -\n  opsctl man --output share/man/man1")]
    Man(man::ManArgs),
    /// Explain a check: what it finds, why it matters, how to fix it.
    /// Without a rule id, list every rule (with `--plugin`, the plugins' too).
    #[command(
        after_help = "Examples:\n  opsctl explain\n  opsctl explain inventory/departed-owner\n  \
                            opsctl explain --plugin zone_spof.wasm\n  \
                            opsctl explain --plugin zone_spof.wasm plugin:zone-spof/zone-loss"
    )]
    Explain(explain::ExplainArgs),
}

fn main() -> ExitCode {
    // Parsed through ArgMatches so `--plugin-config` can be paired with the
    // `--plugin` it follows.
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.color.apply();
    // An importer's input is not checked, it is imported.
    let not_done = if matches!(cli.command, Command::Import(_)) {
        "nothing was imported"
    } else {
        "nothing was checked"
    };
    match run(cli.command, &matches) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            print_error(&e, not_done);
            ExitCode::from(shared::EXIT_ERROR)
        }
    }
}

/// Prints an error to standard error, every problem of an inventory or an
/// import on its own line. Errors quote what they were given (ids, file
/// contents, plugin output): control and bidirectional characters in it are
/// escaped, so it cannot rewrite the terminal.
fn print_error(e: &anyhow::Error, not_done: &str) {
    use ops_core::render::escape_controls as safe;
    let mut err = anstream::stderr().lock();
    let prefix = color::paint(color::ERROR, "error:");
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    // Nothing more can be done if standard error is closed.
    let _ = match e.downcast_ref::<Error>() {
        Some(Error::Invalid(problems)) => {
            for p in problems {
                let _ = writeln!(err, "{prefix} {}", safe(&p.to_string()));
            }
            let n = problems.len();
            writeln!(err, "{n} problem{} found; {not_done}", plural(n))
        }
        Some(Error::Import(problems)) => {
            for p in problems {
                let _ = writeln!(err, "{prefix} {}", safe(&p.to_string()));
            }
            let n = problems.len();
            writeln!(err, "{n} problem{} found; nothing was imported", plural(n))
        }
        _ => writeln!(err, "{prefix} {}", safe(&format!("{e:#}"))),
    };
}

/// Runs one command; its exit code, or the error that stopped it.
fn run(command: Command, matches: &clap::ArgMatches) -> Result<u8> {
    match command {
        Command::Validate(args) => validate::run(&args),
        Command::Check(args) => check::run(args, matches.subcommand_matches("check")),
        Command::Diff(args) => diff::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Spof(args) => spof::run(&args),
        Command::BlastRadius(args) => blast_radius::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Offboard(args) => offboard::run(&args),
        Command::Access { command } => access::run(command),
        Command::Incident(command) => incident::run(command),
        Command::Postmortem(args) => postmortem::run(&args),
        Command::Schema => schema::run(),
        Command::Import(command) => import::run(command),
        Command::Backup(command) => backup::run(*command),
        Command::Job(command) => job::run(command),
        Command::Experiment(command) => experiment::run(command),
        Command::Plugin { command } => plugin::run(command),
        Command::Report(args) => report::run(&args),
        Command::Export(command) => export::run(command),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
        Command::Explain(args) => explain::run(&args),
    }
}
