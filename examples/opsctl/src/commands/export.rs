//! `opsctl export`: the failure model for other tools.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Subcommand;
use ops_core::graph::open_psa_mef;

use crate::shared::{self, Inputs};

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

/// Arguments of `opsctl export mef`.
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
    /// Derive the person failure domains (who alone administers what) from
    /// the grants in force at this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = crate::shared::parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// Runs an exporter.
pub(crate) fn run(command: ExportCommand) -> Result<u8> {
    match command {
        ExportCommand::Mef(args) => mef(&args),
    }
}

/// `opsctl export mef PATH... [--entry ID] [--output FILE]`.
fn mef(args: &MefArgs) -> Result<u8> {
    let inv = shared::load_at(&args.inputs, shared::at_or_now(args.at))?;
    let selected = args
        .entry
        .as_deref()
        .map(|id| shared::entry_point(&inv, id))
        .transpose()?;
    if selected.is_none() && !inv.components().iter().any(|c| c.entry) {
        bail!("the inventory has no entry point (entry: true) to build a fault tree for");
    }
    shared::emit(args.output.as_deref(), &open_psa_mef(&inv, selected)?)?;
    Ok(0)
}
