//! `opsctl check`: every check, built-in and plugin, and the findings.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;
use ops_core::{Report, Runner, Severity, render};

use crate::shared::color::{self, paint};
use crate::shared::{self, EXIT_ERROR, EXIT_FINDINGS, FailOn, Inputs, parse_at, plugins};

/// Arguments of `opsctl check`.
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
    /// Also run the WebAssembly check plugin in FILE (repeatable). Plugins run
    /// sandboxed: no files, network, clock or environment; 1 s of CPU time and
    /// 64 MiB of memory each. A plugin that fails, or does not load, fails
    /// alone: every other check still reports, and the exit code is 2.
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

/// Formats of `opsctl check`.
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

/// Runs the checks; exit 1 for findings at or above `--fail-on`, 2 when a
/// check could not run. `matches` are the check subcommand's, to pair each
/// `--plugin-config` with the `--plugin` before it.
pub(crate) fn run(args: CheckArgs, matches: Option<&clap::ArgMatches>) -> Result<u8> {
    let configs = plugins::pair_configs(matches, &args.plugins, &args.plugin_configs)?;
    // A plugin that does not load fails alone, reported with the other
    // checks' results; an unreadable configuration is a usage error.
    let loaded = plugins::load(&args.plugins, configs, args.no_plugin_cache)?;
    let inventory = shared::load(&args.inputs)?;
    let now = shared::at_or_now(args.at);
    let mut runner = Runner::with_builtin_checks();
    for plugin in plugins::checks(&args.plugins, loaded) {
        runner.add(plugin);
    }
    // Checks (plugins included, on one engine) run on every core; the report
    // does not depend on which finishes first.
    let threads = std::thread::available_parallelism().unwrap_or(std::num::NonZeroUsize::MIN);
    let report = runner.run_parallel(&inventory, now, threads);
    let output = args.output.as_deref();
    match args.format {
        OutputFormat::Text => shared::emit_styled(output, &text(&report))?,
        OutputFormat::Json => shared::emit_json(output, &render::to_json(&report))?,
        OutputFormat::Sarif => shared::emit_json(output, &render::to_sarif(&report))?,
        OutputFormat::Markdown => shared::emit(output, &render::to_markdown(&report))?,
    }
    // A check that could not run means the report is incomplete: never "clean".
    Ok(if !report.failures.is_empty() {
        EXIT_ERROR
    } else if args.fail_on.is_reached_by(report.worst()) {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// The text report: findings grouped by severity, most severe first, with
/// styles that [`shared::emit_styled`] keeps or strips.
fn text(report: &Report) -> String {
    let mut out = String::new();
    for severity in Severity::ALL {
        let findings: Vec<_> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if findings.is_empty() {
            continue;
        }
        let heading = paint(color::severity(severity), &severity.as_str().to_ascii_uppercase());
        let _ = writeln!(out, "{heading} ({})", findings.len());
        for f in findings {
            let _ = writeln!(
                out,
                "  {} {}",
                paint(color::BOLD, &f.message),
                paint(color::DIM, &format!("[{}]", f.check))
            );
            if let Some(at) = &f.location {
                let _ = writeln!(out, "    at {at}");
            }
            if let Some(fix) = &f.remediation {
                let _ = writeln!(out, "    fix: {fix}");
            }
        }
        out.push('\n');
    }
    for e in &report.failures {
        let _ = writeln!(
            out,
            "{} check '{}' could not run: {}",
            paint(color::ERROR, "error:"),
            e.check,
            e.message
        );
    }
    let counts = report.counts();
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| counts[s] > 0)
        .map(|s| format!("{} {s}", counts[s]))
        .collect();
    let total = report.findings.len();
    let at = shared::instant(report.evaluated_at);
    if total == 0 {
        let _ = writeln!(out, "No findings (evaluated at {at}).");
    } else {
        let s = if total == 1 { "" } else { "s" };
        let _ = writeln!(out, "{total} finding{s}: {} (evaluated at {at}).", parts.join(", "));
    }
    out
}
