//! `opsctl spof --order 2`: the double faults of every entry point, pairs
//! of components (neither a single point of failure) that take it down
//! together, each with its chain of violated rules.

use std::fmt::Write as _;

use anyhow::Result;
use ops_core::graph::{Component, DOUBLE_FAULT_RULE_WORK, DoubleFaults, FailureAnalysis};
use ops_core::inventory::FailureTarget;
use ops_core::{Idx, Inventory};
use serde_json::{Value, json};

use crate::shared::{self, AnalysisFormat};

/// The pairs of every entry (or of `only`), at most `limit` per entry,
/// written as text or JSON; whether any entry has a pair.
pub(crate) fn run(
    inv: &Inventory,
    analysis: &FailureAnalysis<'_>,
    only: Option<Idx<Component>>,
    limit: usize,
    format: AnalysisFormat,
) -> Result<bool> {
    let mut out = String::new();
    let mut rows: Vec<Value> = Vec::new();
    let mut any = false;
    // Every entry: one search for all of them (each pair tried once); one
    // entry: its own search, within its own work bound.
    let mut together: std::collections::HashMap<Idx<Component>, DoubleFaults> = match only {
        Some(_) => Default::default(),
        None => (analysis.all_double_faults(limit, DOUBLE_FAULT_RULE_WORK).0.into_iter())
            .map(|f| (f.entry, f))
            .collect(),
    };
    for &e in inv.entries() {
        if only.is_some_and(|o| o != e) {
            continue;
        }
        let faults = match together.remove(&e) {
            Some(faults) => faults,
            None => analysis.double_faults(e, limit),
        };
        any |= !faults.pairs.is_empty();
        let entry = inv.component(e);
        let mut pairs: Vec<(String, String, Vec<String>)> = faults
            .pairs
            .iter()
            .map(|&(x, y)| {
                let (a, b) = (inv.component(x).id.clone(), inv.component(y).id.clone());
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                let chain = analysis
                    .explain(&[FailureTarget::Component(x), FailureTarget::Component(y)], e)
                    .unwrap_or_default();
                (a, b, chain.iter().rev().map(|s| s.describe(inv)).collect())
            })
            .collect();
        pairs.sort();
        match format {
            AnalysisFormat::Json => rows.push(json!({
                "entry": entry.id,
                "tier": entry.tier,
                "pairs": pairs.iter().map(|(a, b, why)| json!({"pair": [a, b], "explanation": why})).collect::<Vec<_>>(),
                "truncated": faults.truncated,
                "complete": faults.complete,
            })),
            AnalysisFormat::Text => {
                let tier = entry.tier.map(|t| format!(" (tier {t})")).unwrap_or_default();
                if pairs.is_empty() {
                    let _ = match faults.complete {
                        true => writeln!(out, "{}{tier}: no double fault", entry.id),
                        false => writeln!(out, "{}{tier}: no double fault found within the work bound", entry.id),
                    };
                    continue;
                }
                let n = pairs.len();
                let _ = writeln!(out, "{}{tier}: {n} pair{}", entry.id, if n == 1 { "" } else { "s" });
                for (a, b, why) in &pairs {
                    let _ = writeln!(out, "  - {a} + {b}:");
                    for line in why {
                        let _ = writeln!(out, "      {line}");
                    }
                }
                if faults.truncated {
                    let _ = writeln!(out, "  (stopped at the limit of {limit} pairs: there are more; see --limit)");
                } else if !faults.complete {
                    let _ = writeln!(out, "  (the search stopped at its work bound: there may be more)");
                }
            }
        }
    }
    match format {
        AnalysisFormat::Json => shared::emit_json(None, &json!({"order": 2, "limit": limit, "entries": rows}))?,
        AnalysisFormat::Text => shared::emit(None, &out)?,
    }
    Ok(any)
}
