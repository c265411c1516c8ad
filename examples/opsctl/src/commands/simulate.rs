//! `opsctl simulate`: fail components and domains together and show what
//! goes down, and why. The outage's text and JSON are shared with
//! `blast-radius`, which simulates one component's failure.

use std::fmt::Write as _;

use anyhow::Result;
use ops_core::Inventory;
use ops_core::graph::{FailureAnalysis, Outage};

use crate::shared::{self, AnalysisFormat, Inputs};

/// Arguments of `opsctl simulate`.
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
    /// Derive the person failure domains (who alone administers what) from
    /// the grants in force at this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = crate::shared::parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// Exit 1 if an entry point goes down.
pub(crate) fn run(args: &SimulateArgs) -> Result<u8> {
    let inv = shared::load_at(&args.inputs, shared::at_or_now(args.at))?;
    let targets = ops_core::graph::failure_targets(&inv, &args.fail)?;
    let outage = FailureAnalysis::new(&inv).simulate(&targets);
    emit(&inv, &outage, &args.fail, args.format)?;
    Ok(u8::from(!outage.entries_down().is_empty()))
}

/// Writes an outage caused by failing `failed`, as text or JSON.
pub(crate) fn emit(inv: &Inventory, outage: &Outage, failed: &[String], format: AnalysisFormat) -> Result<()> {
    match format {
        AnalysisFormat::Json => shared::emit_json(None, &ops_core::render::outage_to_json(inv, outage, failed)),
        AnalysisFormat::Text => shared::emit(None, &text(inv, outage)),
    }
}

fn text(inv: &Inventory, outage: &Outage) -> String {
    let mut out = String::new();
    let entries = shared::sorted_ids(inv, outage.entries_down().iter().copied());
    let _ = writeln!(
        out,
        "{} component{} down; entry points down: {}",
        outage.len(),
        if outage.len() == 1 { "" } else { "s" },
        if entries.is_empty() {
            "none".to_owned()
        } else {
            entries.join(", ")
        }
    );
    let mut down = outage.down();
    down.sort_by(|a, b| {
        let (ca, cb) = (inv.component(*a), inv.component(*b));
        cb.entry.cmp(&ca.entry).then_with(|| ca.id.cmp(&cb.id))
    });
    for c in down {
        // The first step only: walking each whole chain would be quadratic.
        let (near, _, _) = outage.explain_cut(inv, c, 1).unwrap_or_default();
        let why = near.first().map(|s| s.describe(inv)).unwrap_or_default();
        let marker = if inv.component(c).entry { "entry " } else { "" };
        let _ = writeln!(out, "  {marker}{}: {why}", inv.component(c).id);
    }
    out
}
