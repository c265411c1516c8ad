//! `opsctl blast-radius`: what fails when one component fails, and why.

use anyhow::Result;
use ops_core::graph::FailureAnalysis;

use crate::shared::{self, AnalysisFormat, InputsBeforeId};

/// Arguments of `opsctl blast-radius`.
#[derive(Debug, clap::Args)]
pub(crate) struct BlastArgs {
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The component that fails.
    #[arg(last = false)]
    pub(crate) component: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
    /// Derive the person failure domains (who alone administers what) from
    /// the grants in force at this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = crate::shared::parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// Always exits 0 once computed: a blast radius is an answer, not a finding.
pub(crate) fn run(args: &BlastArgs) -> Result<u8> {
    let inv = shared::load_at(&args.inputs, shared::at_or_now(args.at))?;
    let x = shared::component(&inv, &args.component)?;
    let outage = FailureAnalysis::new(&inv).blast_radius(x);
    super::simulate::emit(&inv, &outage, std::slice::from_ref(&args.component), args.format)?;
    Ok(0)
}
