//! `opsctl`: the command-line front end of ops.

mod access;
mod analysis;
mod backup;
mod cli;
mod import;
mod incident;
mod man;
mod plugins;
mod report;
mod retention;
mod text;
mod write;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{CommandFactory, FromArgMatches};
use ops_core::{Error, Inventory, LoadOptions, Runner, render};

use cli::{AccessCommand, BackupCommand, CheckArgs, Cli, ColorChoice, Command, OutputFormat, PluginCommand};
use text::Style;

/// mimalloc rather than the system allocator: loading a large inventory makes
/// and frees millions of small allocations, which glibc's malloc handles
/// markedly slower (BENCHMARKS.md §1).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code for findings at or above the threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage and input errors (clap uses 2 for usage errors too).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    // Parsed through ArgMatches so `--plugin-config` can be paired with the
    // `--plugin` it follows.
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // An importer's input is not checked, it is imported.
    let not_done = if matches!(cli.command, Command::Import(_)) {
        "nothing was imported"
    } else {
        "nothing was checked"
    };
    let style = Style {
        color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match run(cli, &matches) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            match e.downcast_ref::<Error>() {
                Some(Error::Invalid(problems)) => {
                    for p in problems {
                        eprintln!("{} {p}", style.error("error:"));
                    }
                    let n = problems.len();
                    eprintln!("{n} problem{} found; {not_done}", if n == 1 { "" } else { "s" });
                }
                Some(Error::Import(problems)) => {
                    for p in problems {
                        eprintln!("{} {p}", style.error("error:"));
                    }
                    let n = problems.len();
                    eprintln!(
                        "{n} problem{} found; nothing was imported",
                        if n == 1 { "" } else { "s" }
                    );
                }
                _ => eprintln!("{} {e:#}", style.error("error:")),
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> Result<u8> {
    match cli.command {
        Command::Validate { inputs } => {
            let inv = load(&inputs)?;
            write::emit(
                None,
                &format!(
                    "valid: {} components, {} domains, {} people, {} grants, {} backup policies, {} incidents\n",
                    inv.components().len(),
                    inv.domains().len(),
                    inv.people().len(),
                    inv.grants().len(),
                    inv.backup_policies().len(),
                    inv.incidents().len(),
                ),
            )?;
            Ok(0)
        }
        Command::Check(args) => {
            let configs =
                plugins::pair_configs(matches.subcommand_matches("check"), &args.plugins, &args.plugin_configs)?;
            check(args, configs)
        }
        Command::Spof(args) => analysis::spof(&args),
        Command::BlastRadius(args) => analysis::blast_radius(&args),
        Command::Simulate(args) => analysis::simulate(&args),
        Command::Graph(args) => analysis::graph(&args),
        Command::Offboard(args) => access::offboard(&args),
        Command::Access {
            command: AccessCommand::Review(args),
        } => access::review(&args),
        Command::Incident(cli::IncidentCommand::Report(args)) => incident::report(&args),
        Command::Incident(cli::IncidentCommand::New(args)) => incident::new(&args),
        Command::Postmortem(args) => incident::postmortem(&args),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&ops_core::inventory_schema())?;
            write::emit(None, &(schema + "\n"))?;
            Ok(0)
        }
        Command::Import(command) => import::run(command),
        Command::Backup(command) => match *command {
            BackupCommand::Status(args) => backup::status(&args),
            BackupCommand::Schedule(args) => backup::schedule(&args),
            BackupCommand::Retention(args) => retention::run(&args),
        },
        Command::Plugin {
            command: PluginCommand::Inspect { file },
        } => plugins::inspect(&file),
        Command::Report(args) => report::report(&args),
        Command::Export(cli::ExportCommand::Mef(args)) => report::mef(&args),
        Command::Completions { shell } => {
            let shell = match shell {
                cli::Shell::Bash => clap_complete::Shell::Bash,
                cli::Shell::Zsh => clap_complete::Shell::Zsh,
                cli::Shell::Fish => clap_complete::Shell::Fish,
            };
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "opsctl", &mut script);
            write::emit(None, &String::from_utf8(script)?)?;
            Ok(0)
        }
        Command::Man { output } => man::run(output.as_deref()),
        Command::Explain {
            rule,
            plugins,
            no_plugin_cache,
        } => explain(rule.as_deref(), &plugins, no_plugin_cache),
    }
}

/// Inventory files and Backstage catalogs named on the command line.
pub(crate) struct Sources<'a> {
    paths: &'a [std::path::PathBuf],
    backstage: &'a [std::path::PathBuf],
}

impl<'a> From<&'a cli::Inputs> for Sources<'a> {
    fn from(i: &'a cli::Inputs) -> Self {
        Sources {
            paths: &i.paths,
            backstage: &i.backstage,
        }
    }
}

impl<'a> From<&'a cli::InputsBeforeId> for Sources<'a> {
    fn from(i: &'a cli::InputsBeforeId) -> Self {
        Sources {
            paths: &i.paths,
            backstage: &i.backstage,
        }
    }
}

/// Loads the inventory named on the command line; notes of what was skipped
/// (Backstage kinds ops does not import) go to standard error.
pub(crate) fn load<'a>(inputs: impl Into<Sources<'a>>) -> Result<Inventory> {
    let inputs: Sources<'_> = inputs.into();
    let mut options = LoadOptions::default();
    options.backstage = inputs.backstage.to_vec();
    let inventory = Inventory::load_with(inputs.paths, &options)?;
    for note in inventory.notes() {
        eprintln!("note: {note}");
    }
    Ok(inventory)
}

fn check(args: CheckArgs, configs: Vec<Option<std::path::PathBuf>>) -> Result<u8> {
    // Plugins first: a plugin that does not load is a usage error, found
    // before the inventory is read.
    let plugins = plugins::load(&args.plugins, configs, args.no_plugin_cache)?;
    let inventory = crate::load(&args.inputs)?;
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let mut runner = Runner::with_builtin_checks();
    for plugin in plugins {
        runner.add(Box::new(plugin));
    }
    // Checks (plugins included, on one engine) run on every core; the report
    // does not depend on which finishes first.
    let threads = std::thread::available_parallelism().unwrap_or(std::num::NonZeroUsize::MIN);
    let report = runner.run_parallel(&inventory, now, threads);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let rendered = match args.format {
        OutputFormat::Text => text::render(&report, Style { color }),
        OutputFormat::Json => serde_json::to_string_pretty(&render::to_json(&report))? + "\n",
        OutputFormat::Sarif => serde_json::to_string_pretty(&render::to_sarif(&report))? + "\n",
        OutputFormat::Markdown => render::to_markdown(&report),
    };
    write::emit(args.output.as_deref(), &rendered)?;
    let failed_checks = !report.failures.is_empty();
    let over = match (args.fail_on.threshold(), report.worst()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
    // A check that could not run means the report is incomplete: never "clean".
    Ok(if failed_checks {
        EXIT_ERROR
    } else if over {
        EXIT_FINDINGS
    } else {
        0
    })
}

fn explain(rule: Option<&str>, plugins: &[std::path::PathBuf], no_plugin_cache: bool) -> Result<u8> {
    let mut runner = Runner::with_builtin_checks();
    let configs = vec![None; plugins.len()];
    for plugin in plugins::load(plugins, configs, no_plugin_cache)? {
        runner.add(Box::new(plugin));
    }
    let Some(id) = rule else {
        let width = runner.rules().map(|r| r.id.len()).max().unwrap_or(0).max(36);
        let list: String = runner
            .rules()
            .map(|r| format!("{:<width$} {:<8} {}\n", r.id, r.default_severity, r.summary))
            .collect();
        write::emit(None, &list)?;
        return Ok(0);
    };
    match runner.rules().find(|r| r.id == id) {
        Some(r) => {
            let mut doc = format!(
                "# {}\n\n{} (default severity: {})\n",
                r.id, r.summary, r.default_severity
            );
            if !r.explanation.is_empty() {
                doc += &format!("\n{}\n", r.explanation);
            }
            write::emit(None, &doc)?;
            Ok(0)
        }
        None if id.starts_with("plugin:") && plugins.is_empty() => {
            bail!("unknown rule '{id}': plugin rules are listed with `opsctl explain --plugin FILE.wasm`")
        }
        None => bail!("unknown rule '{id}'; `opsctl explain` lists every rule"),
    }
}
