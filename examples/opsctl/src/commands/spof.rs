//! `opsctl spof`: the single points of failure of every entry point.

use std::fmt::Write as _;

use anyhow::Result;
use ops_core::graph::FailureAnalysis;

use crate::shared::{self, AnalysisFormat, Inputs};

/// Arguments of `opsctl spof`.
#[derive(Debug, clap::Args)]
pub(crate) struct SpofArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Only this entry point.
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
    /// With text output, show for each single point of failure the chain of
    /// violated rules that takes the entry down.
    #[arg(long)]
    pub(crate) explain: bool,
    /// With `--explain`, only this single point of failure: its whole chain,
    /// however long (a finding's evidence shows only the ends).
    #[arg(long, value_name = "ID", requires = "explain")]
    pub(crate) spof: Option<String>,
    /// 1: single points of failure; 2: double faults, the pairs of
    /// components that take an entry down together, each explained.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub(crate) order: u8,
    /// With `--order 2`, the most pairs listed per entry (the output says
    /// when the limit is reached).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) limit: u32,
    /// Derive the person failure domains (who alone administers what) from
    /// the grants in force at this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = crate::shared::parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// Exit 1 if any (selected) entry has a single point of failure.
pub(crate) fn run(args: &SpofArgs) -> Result<u8> {
    let inv = shared::load_at(&args.inputs, shared::at_or_now(args.at))?;
    let only = args
        .entry
        .as_deref()
        .map(|id| shared::entry_point(&inv, id))
        .transpose()?;
    let only_spof = args.spof.as_deref().map(|id| shared::component(&inv, id)).transpose()?;
    let analysis = FailureAnalysis::new(&inv);
    if args.order == 2 {
        let any = super::spof_pairs::run(&inv, &analysis, only, args.limit as usize, args.format)?;
        return Ok(u8::from(any));
    }
    if args.format == AnalysisFormat::Json {
        let doc = ops_core::render::spofs_to_json(&inv, &analysis, only);
        let any = doc["entries"].as_array().is_some_and(|rows| {
            rows.iter().any(|r| {
                r["spofs"].as_array().is_some_and(|v| !v.is_empty())
                    || r["domain_spofs"].as_array().is_some_and(|v| !v.is_empty())
            })
        });
        shared::emit_json(None, &doc)?;
        std::mem::forget(analysis);
        std::mem::forget(inv);
        return Ok(u8::from(any));
    }
    let spofs = analysis.spofs();
    let domains = analysis.domain_spofs();
    let mut out = String::new();
    let mut any = false;
    for (rec, dom) in spofs.entries().iter().zip(&domains) {
        if only.is_some_and(|e| e != rec.entry) {
            continue;
        }
        let spof_ids = shared::sorted_ids(&inv, rec.spofs.iter().copied());
        let mut domain_ids: Vec<String> = dom.domains.iter().map(|&d| inv.domain(d).id.clone()).collect();
        domain_ids.sort();
        any |= !spof_ids.is_empty() || !domain_ids.is_empty();
        let entry = inv.component(rec.entry);
        {
            {
                let tier = entry.tier.map(|t| format!(" (tier {t})")).unwrap_or_default();
                if spof_ids.is_empty() && domain_ids.is_empty() {
                    let _ = writeln!(out, "{}{tier}: no single point of failure", entry.id);
                    continue;
                }
                let _ = writeln!(out, "{}{tier}:", entry.id);
                if !spof_ids.is_empty() {
                    let _ = writeln!(out, "  components: {}", spof_ids.join(", "));
                }
                if !domain_ids.is_empty() {
                    let _ = writeln!(out, "  domains:    {}", domain_ids.join(", "));
                }
                if args.explain {
                    let mut sorted = rec.spofs.clone();
                    sorted.sort_by(|a, b| inv.component(*a).id.cmp(&inv.component(*b).id));
                    for x in sorted.into_iter().filter(|&x| only_spof.is_none_or(|o| o == x)) {
                        let outage = analysis.blast_radius(x);
                        if let Some(chain) = outage.explain(&inv, rec.entry) {
                            let _ = writeln!(out, "  - {}:", inv.component(x).id);
                            for step in chain.iter().rev() {
                                let _ = writeln!(out, "      {}", step.describe(&inv));
                            }
                        }
                    }
                }
            }
        }
    }
    shared::emit(None, &out)?;
    // The process ends here: freeing a million components one by one would
    // only delay the exit the operating system reclaims them at anyway.
    std::mem::forget(analysis);
    std::mem::forget(inv);
    Ok(u8::from(any))
}
