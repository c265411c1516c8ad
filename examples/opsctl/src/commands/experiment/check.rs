//! `opsctl experiment check`: one experiment's observed outcome against the
//! model's prediction for the same failure.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use ops_core::graph::{Component, Experiment, ExperimentCheck, FailureAnalysis};
use ops_core::inventory::FailureTarget;
use ops_core::{Idx, Inventory};
use serde_json::{Value, json};

use crate::shared::{self, AnalysisFormat, InputsBeforeId};

/// Arguments of `opsctl experiment check`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExperimentCheckArgs {
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The experiment id.
    pub(crate) experiment: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

/// Exit 1 when the model disagrees with what was observed.
pub(crate) fn run(args: &ExperimentCheckArgs) -> Result<u8> {
    let mut inv = shared::load(&args.inputs)?;
    let Some(idx) = inv.experiment_by_id(&args.experiment) else {
        let known: Vec<&str> = inv.experiments().iter().map(|e| e.id.as_str()).collect();
        if known.is_empty() {
            bail!(
                "unknown experiment '{}': the inventory has no experiments",
                args.experiment
            );
        }
        bail!(
            "unknown experiment '{}'{}",
            args.experiment,
            shared::hint(&args.experiment, known)
        );
    };
    // The model as it was when the experiment ran: who alone administered what.
    let at = inv.experiment(idx).at;
    inv.derive_person_domains(Some(at));
    let analysis = FailureAnalysis::new(&inv);
    let check = analysis.check_experiment(idx);
    match args.format {
        AnalysisFormat::Json => shared::emit_json(None, &to_json(&inv, &check))?,
        AnalysisFormat::Text => shared::emit(None, &text(&inv, &check))?,
    }
    Ok(u8::from(!check.disagreements.is_empty()))
}

/// The id of a failed target.
pub(crate) fn target_id(inv: &Inventory, t: FailureTarget) -> &str {
    match t {
        FailureTarget::Component(c) => &inv.component(c).id,
        FailureTarget::Domain(d) => &inv.domain(d).id,
    }
}

/// Each listed entry point: (id, observed down, predicted down), in the
/// order listed, those observed down first.
fn observed(inv: &Inventory, e: &Experiment, check: &ExperimentCheck) -> Vec<(String, bool, bool)> {
    let row = |c: Idx<Component>, down: bool| (inv.component(c).id.clone(), down, check.outage.is_down(c));
    (e.went_down.iter().map(|&c| row(c, true)))
        .chain(e.stayed_up.iter().map(|&c| row(c, false)))
        .collect()
}

fn state(down: bool) -> &'static str {
    if down { "down" } else { "up" }
}

fn text(inv: &Inventory, check: &ExperimentCheck) -> String {
    let e = inv.experiment(check.experiment);
    let failed: Vec<&str> = e.failed.iter().map(|&t| target_id(inv, t)).collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "experiment '{}' at {} failed {}",
        e.id,
        shared::instant(e.at),
        failed.join(", ")
    );
    let entries = shared::sorted_ids(inv, check.outage.entries_down().iter().copied());
    let _ = writeln!(
        out,
        "the model: {} component{} down; entry points down: {}",
        check.outage.len(),
        if check.outage.len() == 1 { "" } else { "s" },
        if entries.is_empty() {
            "none".to_owned()
        } else {
            entries.join(", ")
        }
    );
    let rows = observed(inv, e, check);
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "no entry point observed: list them under stayed_up and went_down to compare"
        );
        return out;
    }
    let width = rows
        .iter()
        .map(|(id, _, _)| id.len())
        .max()
        .unwrap_or(0)
        .max("entry".len());
    let _ = writeln!(out, "  {:width$}  observed  model", "entry");
    for (id, seen, predicted) in &rows {
        let verdict = if seen == predicted { "" } else { "  disagrees" };
        let _ = writeln!(
            out,
            "  {id:width$}  {:8}  {:5}{verdict}",
            state(*seen),
            state(*predicted)
        );
    }
    if check.disagreements.is_empty() {
        let _ = writeln!(out, "the model agrees with every entry point observed");
        return out;
    }
    for d in &check.disagreements {
        let id = &inv.component(d.entry).id;
        let _ = if d.predicted_down {
            writeln!(out, "\n{id} stayed up, but the model takes it down:")
        } else {
            writeln!(out, "\n{id} went down, but the model keeps it up:")
        };
        for line in &d.explanation {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

fn to_json(inv: &Inventory, check: &ExperimentCheck) -> Value {
    let e = inv.experiment(check.experiment);
    let failed: Vec<&str> = e.failed.iter().map(|&t| target_id(inv, t)).collect();
    let entries: Vec<Value> = observed(inv, e, check)
        .into_iter()
        .map(|(id, seen, predicted)| {
            json!({"entry": id, "observed": state(seen), "predicted": state(predicted), "agrees": seen == predicted})
        })
        .collect();
    let disagreements: Vec<Value> = check
        .disagreements
        .iter()
        .map(|d| {
            json!({
                "entry": inv.component(d.entry).id,
                "observed": state(!d.predicted_down),
                "predicted": state(d.predicted_down),
                "explanation": d.explanation,
            })
        })
        .collect();
    json!({
        "experiment": e.id,
        "at": shared::instant(e.at),
        "failed": failed,
        "predicted_down": check.outage.len(),
        "predicted_entries_down": shared::sorted_ids(inv, check.outage.entries_down().iter().copied()),
        "entries": entries,
        "disagreements": disagreements,
    })
}
