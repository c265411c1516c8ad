//! `opsctl diff OLD.json NEW.json`: what changed between two check reports.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, anyhow};
use ops_core::render::{ReportDiff, escape_controls as safe};
use serde_json::Value;

use crate::shared;

/// Arguments of `opsctl diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The earlier report (`opsctl check --format json`).
    #[arg(value_name = "OLD.json")]
    pub(crate) old: PathBuf,
    /// The later report.
    #[arg(value_name = "NEW.json")]
    pub(crate) new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub(crate) format: DiffFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Formats of `opsctl diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// For people.
    Text,
    /// `new`, `fixed` and `unchanged` lists of findings, and `severity_changes`.
    Json,
    /// Tables ready to paste into a pull request.
    Markdown,
}

/// Exit 1 when the new report has findings the old one did not, else 0.
pub(crate) fn run(args: &DiffArgs) -> Result<u8> {
    let old = shared::read_report(&args.old)?;
    let new = shared::read_report(&args.new)?;
    let diff = ReportDiff::between(&old, &new)
        .map_err(|e| anyhow!("{} or {}: {e}", args.old.display(), args.new.display()))?;
    let output = args.output.as_deref();
    match args.format {
        DiffFormat::Text => shared::emit_with(output, true, |w| text(&diff, w))?,
        DiffFormat::Json => shared::emit_with(output, false, |w| {
            serde_json::to_writer_pretty(&mut *w, &diff)?;
            w.write_all(b"\n")
        })?,
        DiffFormat::Markdown => shared::emit_with(output, false, |w| diff.write_markdown(w))?,
    }
    Ok(if diff.new.is_empty() { 0 } else { shared::EXIT_FINDINGS })
}

fn text(diff: &ReportDiff, out: &mut dyn Write) -> io::Result<()> {
    let line = |out: &mut dyn Write, mark: &str, f: &Value| {
        let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        writeln!(
            out,
            "  {mark} {:<8} {} [{}]",
            s("severity"),
            safe(&s("message")),
            safe(&s("check"))
        )
    };
    for (title, mark, list) in [("New", "+", &diff.new), ("Fixed", "-", &diff.fixed)] {
        if !list.is_empty() {
            writeln!(out, "{title} ({})", list.len())?;
            for f in list {
                line(out, mark, f)?;
            }
            writeln!(out)?;
        }
    }
    if !diff.severity_changes.is_empty() {
        writeln!(out, "Severity changed ({})", diff.severity_changes.len())?;
        for c in &diff.severity_changes {
            writeln!(
                out,
                "  ~ {} -> {} {} [{}]",
                c.old,
                c.new,
                safe(&c.message),
                safe(&c.check)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} new, {} fixed, {} unchanged.",
        diff.new.len(),
        diff.fixed.len(),
        diff.unchanged.len()
    )
}
