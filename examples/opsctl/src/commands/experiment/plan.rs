//! `opsctl experiment plan`: the failures most worth trying at the next
//! game day, each with the model's prediction and its explanation.

use std::fmt::Write as _;

use anyhow::Result;
use clap::ValueEnum;
use ops_core::graph::{FailureAnalysis, PlanOptions, PlanReason, PlannedExperiment};
use ops_core::{Inventory, Timestamp};
use serde_json::{Value, json};

use super::check::target_id;
use crate::shared::config::Config;
use crate::shared::{self, Inputs, parse_at};

/// Arguments of `opsctl experiment plan`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExperimentPlanArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Plan for this entry point only (default: every tier-1 and tier-2 entry).
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    /// How many experiments to plan.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) count: u32,
    /// Seed of the draws (which member of a redundancy to fail, which
    /// candidates to simulate past the budget).
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Plan as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    pub(crate) format: PlanFormat,
    /// The configuration file (default: ops.toml here, if any): the window of
    /// graph/untested-redundancy.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<std::path::PathBuf>,
}

/// Formats of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PlanFormat {
    /// A document for the game day.
    Markdown,
    /// For programs.
    Json,
}

/// Writes the plan; exit 0.
pub(crate) fn run(args: &ExperimentPlanArgs) -> Result<u8> {
    let now = shared::at_or_now(args.at);
    let config = Config::find(args.config.as_deref())?;
    let inv = shared::load_at(&args.inputs, now)?;
    let mut options = PlanOptions::DEFAULT;
    options.window = config.threshold("graph/untested-redundancy", "window", options.window);
    options.count = args.count as usize;
    options.seed = args.seed;
    if let Some(id) = &args.entry {
        options.entry = Some(shared::entry_point(&inv, id)?);
    }
    let plan = FailureAnalysis::new(&inv).game_day_plan(now, &options);
    match args.format {
        PlanFormat::Json => shared::emit_json(None, &to_json(&inv, &plan, now, &options))?,
        PlanFormat::Markdown => shared::emit(None, &markdown(&inv, &plan, now, &options))?,
    }
    Ok(0)
}

/// Why, in a sentence.
fn reason(inv: &Inventory, p: &PlannedExperiment, window_days: i64) -> String {
    match &p.reason {
        PlanReason::DoubleFault { entry, pairs } => {
            let others = match pairs {
                1 => String::new(),
                2 => " (it has 1 other such pair)".to_owned(),
                n => format!(" (it has {} other such pairs)", n - 1),
            };
            format!(
                "together they take '{}' down though neither alone does, and no experiment in {window_days} days failed both{others}",
                inv.component(*entry).id
            )
        }
        PlanReason::UntestedRedundancy { redundancy, last } => {
            let r = &inv.component(*redundancy).id;
            match last {
                Some(e) => {
                    let e = inv.experiment(*e);
                    format!(
                        "'{r}' was last exercised by '{}' at {}, more than {window_days} days ago",
                        e.id,
                        e.at.format("%Y-%m-%d")
                    )
                }
                None => format!("no experiment has ever exercised '{r}'"),
            }
        }
        PlanReason::Survivable { down } => {
            format!("the model says every entry point survives it although it takes {down} components down")
        }
    }
}

fn kind(p: &PlannedExperiment) -> &'static str {
    match p.reason {
        PlanReason::DoubleFault { .. } => "double-fault",
        PlanReason::UntestedRedundancy { .. } => "untested-redundancy",
        PlanReason::Survivable { .. } => "survivable",
    }
}

fn markdown(inv: &Inventory, plan: &[PlannedExperiment], now: Timestamp, options: &PlanOptions) -> String {
    let days = options.window.num_days();
    let mut out = String::new();
    let scope = match options.entry {
        Some(e) => format!("entry point {}", inv.component(e).id),
        None => "the tier-1 and tier-2 entry points".to_owned(),
    };
    let _ = writeln!(out, "# Game-day plan\n");
    let _ = writeln!(
        out,
        "For {scope}, as of {}; seed {}. Double faults first (pairs that take an entry down together, \
         not failed together by an experiment in {days} days), then untested redundancy (no experiment \
         in {days} days), then the largest failures the model says are survivable.\n",
        shared::instant(now),
        options.seed
    );
    if plan.is_empty() {
        let _ = writeln!(
            out,
            "Nothing to plan: every double fault was tried, every redundancy was exercised and no single failure is survivable."
        );
        return out;
    }
    for (i, p) in plan.iter().enumerate() {
        let ids: Vec<&str> = p.failed.iter().map(|&t| target_id(inv, t)).collect();
        let entries = shared::sorted_ids(inv, p.outage.entries_down().iter().copied());
        let what = ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(" and ");
        let together = if ids.len() > 1 { " together" } else { "" };
        let _ = writeln!(out, "## {}. Fail {what}{together}\n", i + 1);
        let _ = writeln!(out, "- Why: {}", reason(inv, p, days));
        let _ = writeln!(
            out,
            "- The model predicts: {} component{} down; entry points down: {}",
            p.outage.len(),
            if p.outage.len() == 1 { "" } else { "s" },
            if entries.is_empty() {
                "none".to_owned()
            } else {
                entries.join(", ")
            }
        );
        let _ = writeln!(out, "- Because:");
        for line in &p.explanation {
            let _ = writeln!(out, "  - {}", line);
        }
        let _ = writeln!(
            out,
            "- Record it: `opsctl experiment new DIR --failed {}`\n",
            ids.join(",")
        );
    }
    out
}

fn to_json(inv: &Inventory, plan: &[PlannedExperiment], now: Timestamp, options: &PlanOptions) -> Value {
    let days = options.window.num_days();
    let experiments: Vec<Value> = plan
        .iter()
        .map(|p| {
            let redundancy = match &p.reason {
                PlanReason::UntestedRedundancy { redundancy, .. } => json!(inv.component(*redundancy).id),
                _ => Value::Null,
            };
            let entry = match &p.reason {
                PlanReason::DoubleFault { entry, .. } => json!(inv.component(*entry).id),
                _ => Value::Null,
            };
            json!({
                "failed": p.failed.iter().map(|&t| target_id(inv, t)).collect::<Vec<_>>(),
                "reason": kind(p),
                "redundancy": redundancy,
                "entry": entry,
                "why": reason(inv, p, days),
                "predicted_down": p.outage.len(),
                "predicted_entries_down": shared::sorted_ids(inv, p.outage.entries_down().iter().copied()),
                "explanation": p.explanation,
            })
        })
        .collect();
    json!({
        "at": shared::instant(now),
        "seed": options.seed,
        "window_days": days,
        "entry": options.entry.map(|e| inv.component(e).id.clone()),
        "experiments": experiments,
    })
}
