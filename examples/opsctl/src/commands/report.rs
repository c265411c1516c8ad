//! `opsctl report --html`: one self-contained page for people.

use std::path::PathBuf;

use anyhow::Result;
use ops_core::{Runner, render};

use crate::shared::{self, Inputs, parse_at, write::atomic_write};

/// Arguments of `opsctl report`.
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

/// Every built-in check at `--at`, written as one self-contained page,
/// atomically; exit 0 once written.
pub(crate) fn run(args: &ReportArgs) -> Result<u8> {
    let now = shared::at_or_now(args.at);
    let inv = shared::load_at(&args.inputs, now)?;
    let selected = args
        .entry
        .as_deref()
        .map(|id| shared::entry_point(&inv, id))
        .transpose()?;
    let report = Runner::with_builtin_checks().run(&inv, now);
    atomic_write(&args.html, render::to_html(&inv, &report, selected).as_bytes())?;
    Ok(0)
}
