//! `opsctl offboard`: everything a person can reach and the checklist that
//! removes it.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::ValueEnum;
use ops_core::access::{EffectiveAccess, OffboardingPlan};

use crate::shared::{self, InputsBeforeId, parse_at};

/// Arguments of `opsctl offboard`.
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

/// Formats of documents for people and programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocumentFormat {
    /// A Markdown checklist.
    Markdown,
    /// JSON.
    Json,
}

/// The checklist for one person; exit 0 once written.
pub(crate) fn run(args: &OffboardArgs) -> Result<u8> {
    let inv = shared::load(&args.inputs)?;
    let Some(person) = inv.person_by_id(&args.person) else {
        let hint = shared::hint(&args.person, inv.people().iter().map(|p| p.id.as_str()));
        bail!("no person '{}' in the inventory{hint}", args.person);
    };
    let now = shared::at_or_now(args.at);
    let plan = OffboardingPlan::new(&EffectiveAccess::new(&inv), person, now);
    match args.format {
        DocumentFormat::Markdown => shared::emit(args.output.as_deref(), &plan.to_markdown())?,
        // The plan's own serialisation: instants in RFC 3339 UTC, no durations.
        DocumentFormat::Json => shared::emit_json(args.output.as_deref(), &plan)?,
    }
    Ok(0)
}
