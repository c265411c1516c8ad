//! `opsctl access review`: who can reach each system, and how.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::ValueEnum;
use ops_core::access::{AccessReview, EffectiveAccess};

use crate::shared::{self, Inputs, parse_at};

/// Arguments of `opsctl access review`.
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

/// Formats of the access review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReviewFormat {
    /// One table per system, a checkbox per row.
    Markdown,
    /// One row per principal, system and grant or credential, for spreadsheets.
    Csv,
    /// The rows as data (docs/json-output.md).
    Json,
}

/// The review; exit 0 once written.
pub(crate) fn run(args: &ReviewArgs) -> Result<u8> {
    let inv = shared::load(&args.inputs)?;
    let system = match &args.system {
        None => None,
        Some(id) => match inv.system_by_id(id) {
            Some(s) => Some(s),
            None => {
                let hint = shared::hint(id, inv.systems().iter().map(|s| s.id.as_str()));
                bail!("no system '{id}' in the inventory{hint}");
            }
        },
    };
    let now = shared::at_or_now(args.at);
    let review = AccessReview::new(&EffectiveAccess::new(&inv), system, now);
    let output = args.output.as_deref();
    match args.format {
        ReviewFormat::Markdown => shared::emit(output, &review.to_markdown())?,
        ReviewFormat::Csv => shared::emit(output, &review.to_csv())?,
        ReviewFormat::Json => shared::emit_json(output, &review)?,
    }
    Ok(0)
}
