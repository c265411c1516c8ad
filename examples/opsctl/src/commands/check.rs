//! `opsctl check`: every check, built-in and plugin, and the findings.

use std::io::{self, Write};
use std::path::PathBuf;

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow};
use clap::ValueEnum;
use ops_core::render::escape_controls as safe;
use ops_core::{BaselineState, Finding, Report, Severity, render};

use crate::shared::color::{self, paint};
use crate::shared::config::Config;
use crate::shared::{self, EXIT_ERROR, EXIT_FINDINGS, FailOn, Inputs, parse_at, plugins};

/// Arguments of `opsctl check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Exit with 1 if any finding that counts (not waived, not in the
    /// baseline) is at or above this severity [default: the configuration's
    /// fail_on, else high].
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOn>,
    /// Read the configuration (fail_on, rules, thresholds, plugins)
    /// from FILE instead of ./ops.toml. Flags win over it.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Compare with FILE, an earlier `check --format json` report: each
    /// finding is marked new or unchanged, the findings gone are listed, and
    /// only new findings count for --fail-on.
    #[arg(long, value_name = "FILE.json")]
    pub(crate) baseline: Option<PathBuf>,
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
    /// ($OPS_PLUGIN_CACHE, else $XDG_CACHE_HOME/ops/plugins, else ~/.cache/ops/plugins;
    /// at most $OPS_PLUGIN_CACHE_MAX_MB MiB, default 1024, least recently used out first).
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
    let config = Config::find(args.config.as_deref())?;
    let mut plugin_paths: Vec<PathBuf> = config.plugins.iter().map(|p| p.path.clone()).collect();
    let mut configs: Vec<Option<PathBuf>> = config.plugins.iter().map(|p| p.config.clone()).collect();
    plugin_paths.extend(args.plugins.iter().cloned());
    configs.extend(plugins::pair_configs(matches, &args.plugins, &args.plugin_configs)?);
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    // A plugin that does not load fails alone, reported with the other
    // checks' results; an unreadable configuration is a usage error.
    let loaded = plugins::load(&plugin_paths, configs, args.no_plugin_cache)?;
    let now = shared::at_or_now(args.at);
    let inventory = shared::load_at(&args.inputs, now)?;
    let mut runner = config.runner();
    // A plugin that did not load declares no rules: its rules cannot be checked.
    let all_loaded = loaded.iter().all(Result::is_ok);
    for plugin in plugins::checks(&plugin_paths, loaded) {
        runner.add(plugin);
    }
    if all_loaded {
        config.check_plugin_rules(&runner)?;
    }
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::High);
    // Checks (plugins included, on one engine) run on every core; the report
    // does not depend on which finishes first.
    let threads = std::thread::available_parallelism().unwrap_or(std::num::NonZeroUsize::MIN);
    let mut report = runner.run_parallel(&inventory, now, threads);
    if let Some(baseline) = &baseline {
        report.apply_baseline(baseline);
    }
    let output = args.output.as_deref();
    // Every format is written as it is produced, never built whole.
    match args.format {
        OutputFormat::Text => shared::emit_with(output, true, |w| text(&report, w))?,
        OutputFormat::Json => shared::emit_with(output, false, |w| render::write_json_parallel(&report, w, threads))?,
        OutputFormat::Sarif => shared::emit_with(output, false, |w| render::write_sarif(&report, w))?,
        OutputFormat::Markdown => shared::emit_with(output, false, |w| render::write_markdown(&report, w))?,
    }
    // A check that could not run means the report is incomplete: never "clean".
    let code = if !report.failures.is_empty() {
        EXIT_ERROR
    } else if fail_on.is_reached_by(report.worst_counted()) {
        EXIT_FINDINGS
    } else {
        0
    };
    // The process ends here and its memory goes back at once, as `spof`'s
    // does: freeing the findings and the inventory piece by piece would
    // only take time (half a million findings at 300k components).
    std::mem::forget(report);
    std::mem::forget(inventory);
    Ok(code)
}

/// The fingerprints of the findings of an earlier JSON report.
fn read_baseline(path: &Path) -> Result<HashSet<String>> {
    let text = shared::read_report(path).context("cannot read the baseline")?;
    render::baseline_fingerprints(&text).map_err(|e| anyhow!("baseline {}: {e}", path.display()))
}

/// The text report: findings grouped by severity, most severe first, with
/// styles that [`shared::emit_with`] keeps or strips, written a finding at a
/// time. Text from the inventory or a plugin has its control and
/// bidirectional characters escaped, so it cannot rewrite the terminal.
fn text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut counts = report.counts();
    for f in report.findings.iter().filter(|f| f.waiver.is_some()) {
        if let Some(n) = counts.get_mut(&f.severity) {
            *n -= 1;
        }
    }
    for severity in Severity::ALL {
        let n = counts.get(&severity).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        let heading = paint(color::severity(severity), &severity.as_str().to_ascii_uppercase());
        writeln!(out, "{heading} ({n})")?;
        for f in (report.findings.iter()).filter(|f| f.severity == severity && f.waiver.is_none()) {
            finding(f, out)?;
        }
        writeln!(out)?;
    }
    let waived = report.findings.iter().filter(|f| f.waiver.is_some()).count();
    if waived > 0 {
        writeln!(out, "{} ({waived})", paint(color::DIM, "WAIVED"))?;
        for f in report.findings.iter().filter(|f| f.waiver.is_some()) {
            finding(f, out)?;
        }
        writeln!(out)?;
    }
    if !report.absent.is_empty() {
        let n = report.absent.len();
        writeln!(
            out,
            "Gone since the baseline: {n} finding{}.",
            if n == 1 { "" } else { "s" }
        )?;
    }
    for e in &report.failures {
        writeln!(
            out,
            "{} check '{}' could not run: {}",
            paint(color::ERROR, "error:"),
            safe(&e.check),
            safe(&e.message)
        )?;
    }
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| counts[s] > 0)
        .map(|s| format!("{} {s}", counts[s]))
        .collect();
    let total = report.findings.len() - waived;
    let at = shared::instant(report.evaluated_at);
    let and_waived = if waived > 0 {
        format!(", and {waived} waived")
    } else {
        String::new()
    };
    if total == 0 {
        writeln!(out, "No findings{and_waived} (evaluated at {at}).")
    } else {
        let s = if total == 1 { "" } else { "s" };
        writeln!(
            out,
            "{total} finding{s}: {}{and_waived} (evaluated at {at}).",
            parts.join(", ")
        )
    }
}

/// One finding of the text report, with its waiver and baseline state.
fn finding(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let state = match f.baseline_state {
        Some(BaselineState::New) => " (new)",
        Some(BaselineState::Unchanged) => " (unchanged)",
        None => "",
    };
    writeln!(
        out,
        "  {} {}{state}",
        paint(color::BOLD, &safe(&f.message)),
        paint(color::DIM, &format!("[{}]", safe(&f.check)))
    )?;
    if let Some(at) = &f.location {
        writeln!(out, "    at {}", safe(&at.to_string()))?;
    }
    if let Some(w) = &f.waiver {
        let expires = shared::instant(w.expires);
        writeln!(
            out,
            "    waived until {expires} by {} ({}): {}",
            safe(&w.owner),
            safe(&w.location.to_string()),
            safe(&w.reason)
        )?;
    } else if let Some(fix) = &f.remediation {
        writeln!(out, "    fix: {}", safe(fix))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ops_core::{CheckFailure, EntityKind, Finding, Format, Inventory, Location, Runner, Severity, Subject};

    #[test]
    fn text_escapes_control_and_bidi_characters_from_findings() {
        let hostile = "db ok\x1b[2K\rall clear\x07 \x1b]8;;https://evil.example\x1b\\x \u{202E}gnp.exe";
        let inv = Inventory::from_text("inv.yaml", Format::Yaml, "{}").unwrap();
        let mut report = Runner::new().run(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
        report.findings.push(
            Finding::new(
                "plugin:evil/x\x1b[31m",
                Severity::High,
                Subject::new(EntityKind::Component, "db"),
                hostile,
            )
            .with_remediation(hostile)
            .at(&Location::new("inv\x1b[2K.yaml", 3, 5)),
        );
        report.failures.push(CheckFailure {
            check: "plugin:evil\r".into(),
            message: hostile.into(),
        });
        let mut out = Vec::new();
        super::text(&report, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        // Styles are opsctl's own (and stripped for files); strip them here
        // so that only what came from the finding remains.
        let plain = anstream::adapter::strip_str(&out).to_string();
        let raw: Vec<char> = plain
            .chars()
            .filter(|&c| c != '\n' && ops_core::render::is_unsafe(c))
            .collect();
        assert!(raw.is_empty(), "{raw:?} in {plain}");
        assert!(plain.contains("db ok\\u{1b}[2K\\rall clear\\u{7}"), "{plain}");
        assert!(plain.contains("[plugin:evil/x\\u{1b}[31m]"), "{plain}");
        assert!(plain.contains("at inv\\u{1b}[2K.yaml:3:5"), "{plain}");
        assert!(plain.contains("check 'plugin:evil\\r' could not run"), "{plain}");
    }
}
