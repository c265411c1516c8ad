//! `opsctl simulate`: fail components and domains together and show what
//! goes down, and why. The outage's text and JSON are shared with
//! `blast-radius`, which simulates one component's failure.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use ops_core::graph::{Component, FailureAnalysis, Outage};
use ops_core::inventory::FailureTarget;
use ops_core::{Idx, Inventory};
use serde_json::{Value, json};

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

/// Why a logical component cannot be failed: it fails only through what
/// it stands for, which the message names.
fn logical_refusal(inv: &Inventory, c: Idx<Component>) -> String {
    let component = inv.component(c);
    let deps: Vec<&str> = (component.depends_on.iter())
        .map(|&d| inv.component(d).id.as_str())
        .collect();
    let (what, fail) = match &component.replicas {
        Some(r) => (format!("replicated ({} instances)", r.count), "its instances"),
        None => ("logical".to_owned(), "its dependencies"),
    };
    format!(
        "component '{}' is {what}: it never fails on its own, only through {fail}; fail some of those instead: {}",
        component.id,
        ops_core::listing::join(&deps, ", ")
    )
}

/// Exit 1 if an entry point goes down.
pub(crate) fn run(args: &SimulateArgs) -> Result<u8> {
    let inv = shared::load_at(&args.inputs, shared::at_or_now(args.at))?;
    let mut targets = Vec::new();
    for id in &args.fail {
        let id = id.trim();
        match inv.target_by_id(id) {
            Some(FailureTarget::Component(c)) if inv.component(c).logical => bail!(logical_refusal(&inv, c)),
            Some(t) => targets.push(t),
            None => bail!("no component or domain '{id}' in the inventory"),
        }
    }
    let outage = FailureAnalysis::new(&inv).simulate(&targets);
    emit(&inv, &outage, &args.fail, args.format)?;
    Ok(u8::from(!outage.entries_down().is_empty()))
}

/// Writes an outage caused by failing `failed`, as text or JSON.
pub(crate) fn emit(inv: &Inventory, outage: &Outage, failed: &[String], format: AnalysisFormat) -> Result<()> {
    match format {
        AnalysisFormat::Json => {
            let mut doc = to_json(inv, outage);
            doc["failed"] = json!(failed);
            shared::emit_json(None, &doc)
        }
        AnalysisFormat::Text => shared::emit(None, &text(inv, outage)),
    }
}

/// How many steps of a component's chain `down[].why` shows from its end.
const WHY_STEPS: usize = 4;

fn to_json(inv: &Inventory, outage: &Outage) -> Value {
    let down: Vec<Value> = outage
        .down()
        .into_iter()
        .map(|c| {
            // Cut in the middle when long: each component's chain is a
            // suffix of others', so whole chains would be quadratic output.
            let (near, left_out, far) = outage.explain_cut(inv, c, WHY_STEPS).unwrap_or_default();
            let mut why: Vec<String> = near.iter().map(|s| s.describe(inv)).collect();
            if left_out > 0 {
                why.push(format!(
                    "... {left_out} more step{} ...",
                    if left_out == 1 { "" } else { "s" }
                ));
            }
            why.extend(far.iter().map(|s| s.describe(inv)));
            json!({
                "component": inv.component(c).id,
                "entry": inv.component(c).entry,
                "why": why,
            })
        })
        .collect();
    json!({
        "entries_down": shared::sorted_ids(inv, outage.entries_down().iter().copied()),
        "down": down,
    })
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
