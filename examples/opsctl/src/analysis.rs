//! The failure-analysis commands: spof, blast-radius, simulate, graph.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{Result, bail};
use ops_core::{Component, FailureAnalysis, FailureTarget, Idx, Inventory, Outage};
use serde_json::json;

use crate::cli::{AnalysisFormat, BlastArgs, GraphArgs, GraphFormat, SimulateArgs, SpofArgs};
use crate::write::emit;

fn component(inv: &Inventory, id: &str) -> Result<Idx<Component>> {
    match inv.target_by_id(id) {
        Some(FailureTarget::Component(c)) => Ok(c),
        Some(FailureTarget::Domain(_)) => bail!("'{id}' is a domain, not a component"),
        None => bail!("no component '{id}' in the inventory"),
    }
}

fn ids(inv: &Inventory, cs: impl IntoIterator<Item = Idx<Component>>) -> Vec<String> {
    let mut v: Vec<String> = cs.into_iter().map(|c| inv.component(c).id.clone()).collect();
    v.sort();
    v
}

/// `opsctl spof`: exit 1 if any (selected) entry has a single point of failure.
pub(crate) fn spof(args: &SpofArgs) -> Result<u8> {
    let inv = crate::load(&args.inputs)?;
    let only = args.entry.as_deref().map(|id| component(&inv, id)).transpose()?;
    if let Some(e) = only
        && !inv.component(e).entry
    {
        bail!("'{}' is not an entry point (entry: true)", inv.component(e).id);
    }
    let analysis = FailureAnalysis::new(&inv);
    let spofs = analysis.spofs();
    let domains = analysis.domain_spofs();
    let mut out = String::new();
    let mut rows = Vec::new();
    let mut any = false;
    for (rec, dom) in spofs.entries().iter().zip(&domains) {
        if only.is_some_and(|e| e != rec.entry) {
            continue;
        }
        let spof_ids = ids(&inv, rec.spofs.iter().copied());
        let mut domain_ids: Vec<String> = dom.domains.iter().map(|&d| inv.domain(d).id.clone()).collect();
        domain_ids.sort();
        any |= !spof_ids.is_empty() || !domain_ids.is_empty();
        let entry = inv.component(rec.entry);
        match args.format {
            AnalysisFormat::Json => rows.push(json!({
                "entry": entry.id,
                "tier": entry.tier,
                "spofs": spof_ids,
                "domain_spofs": domain_ids,
            })),
            AnalysisFormat::Text => {
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
                    for x in sorted {
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
    match args.format {
        AnalysisFormat::Json => emit(None, &(serde_json::to_string_pretty(&json!({"entries": rows}))? + "\n"))?,
        AnalysisFormat::Text => emit(None, &out)?,
    }
    // The process ends here: freeing a million components one by one would
    // only delay the exit the operating system reclaims them at anyway.
    std::mem::forget(analysis);
    std::mem::forget(inv);
    Ok(u8::from(any))
}

fn outage_json(inv: &Inventory, outage: &Outage) -> serde_json::Value {
    let down: Vec<serde_json::Value> = outage
        .down()
        .into_iter()
        .map(|c| {
            let chain = outage.explain(inv, c).unwrap_or_default();
            json!({
                "component": inv.component(c).id,
                "entry": inv.component(c).entry,
                "why": chain.iter().map(|s| s.describe(inv)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "entries_down": ids(inv, outage.entries_down().iter().copied()),
        "down": down,
    })
}

fn outage_text(inv: &Inventory, outage: &Outage, out: &mut String) {
    let entries = ids(inv, outage.entries_down().iter().copied());
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
        let chain = outage.explain(inv, c).unwrap_or_default();
        let why = chain.first().map(|s| s.describe(inv)).unwrap_or_default();
        let marker = if inv.component(c).entry { "entry " } else { "" };
        let _ = writeln!(out, "  {marker}{}: {why}", inv.component(c).id);
    }
}

/// `opsctl blast-radius`.
pub(crate) fn blast_radius(args: &BlastArgs) -> Result<u8> {
    let inv = crate::load(&args.inputs)?;
    let x = component(&inv, &args.component)?;
    let outage = FailureAnalysis::new(&inv).blast_radius(x);
    match args.format {
        AnalysisFormat::Json => {
            let mut doc = outage_json(&inv, &outage);
            doc["failed"] = json!([args.component]);
            emit(None, &(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        AnalysisFormat::Text => {
            let mut out = String::new();
            outage_text(&inv, &outage, &mut out);
            emit(None, &out)?;
        }
    }
    Ok(0)
}

/// `opsctl simulate`: exit 1 if an entry point goes down.
pub(crate) fn simulate(args: &SimulateArgs) -> Result<u8> {
    let inv = crate::load(&args.inputs)?;
    let mut targets = Vec::new();
    for id in &args.fail {
        let id = id.trim();
        match inv.target_by_id(id) {
            Some(t) => targets.push(t),
            None => bail!("no component or domain '{id}' in the inventory"),
        }
    }
    let outage = FailureAnalysis::new(&inv).simulate(&targets);
    match args.format {
        AnalysisFormat::Json => {
            let mut doc = outage_json(&inv, &outage);
            doc["failed"] = json!(args.fail);
            emit(None, &(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        AnalysisFormat::Text => {
            let mut out = String::new();
            outage_text(&inv, &outage, &mut out);
            emit(None, &out)?;
        }
    }
    Ok(u8::from(!outage.entries_down().is_empty()))
}

/// `opsctl graph`: components as nodes, dependencies as edges; entry points
/// bold, single points of failure red, domains as clusters (dot).
pub(crate) fn graph(args: &GraphArgs) -> Result<u8> {
    let inv = crate::load(&args.inputs)?;
    let spofs = FailureAnalysis::new(&inv).spofs();
    let spof: BTreeSet<usize> = spofs
        .entries()
        .iter()
        .flat_map(|e| e.spofs.iter().map(|c| c.index()))
        .collect();
    let mut out = String::new();
    let label = |c: &Component| -> String {
        let rule = match c.requires {
            ops_core::Requirement::All => String::new(),
            ops_core::Requirement::Any => "\\n(any)".to_owned(),
            ops_core::Requirement::AtLeast(k) => format!("\\n(at least {k})"),
        };
        format!("{}{rule}", c.id)
    };
    match args.format {
        GraphFormat::Dot => {
            out.push_str(
                "digraph estate {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n",
            );
            for (i, c) in inv.components().iter().enumerate() {
                let mut attrs = vec![format!("label=\"{}\"", escape_dot(&label(c)))];
                if c.entry {
                    attrs.push("penwidth=2".to_owned());
                }
                if spof.contains(&i) {
                    attrs.push("color=red, fontcolor=red, style=\"rounded,bold\"".to_owned());
                }
                let _ = writeln!(out, "  \"{}\" [{}];", escape_dot(&c.id), attrs.join(", "));
            }
            for c in inv.components() {
                for &d in &c.depends_on {
                    let _ = writeln!(
                        out,
                        "  \"{}\" -> \"{}\";",
                        escape_dot(&c.id),
                        escape_dot(&inv.component(d).id)
                    );
                }
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart TD\n");
            for (i, c) in inv.components().iter().enumerate() {
                let text = label(c).replace("\\n", "<br>").replace('"', "#quot;");
                let _ = writeln!(out, "  n{i}[\"{text}\"]");
            }
            for (i, c) in inv.components().iter().enumerate() {
                for &d in &c.depends_on {
                    let _ = writeln!(out, "  n{i} --> n{}", d.index());
                }
            }
            out.push_str("  classDef spof stroke:#d00,stroke-width:3px,color:#d00\n");
            out.push_str("  classDef entry stroke-width:3px\n");
            for (i, c) in inv.components().iter().enumerate() {
                if spof.contains(&i) {
                    let _ = writeln!(out, "  class n{i} spof");
                } else if c.entry {
                    let _ = writeln!(out, "  class n{i} entry");
                }
            }
        }
    }
    emit(None, &out)?;
    Ok(0)
}

fn escape_dot(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace("\\\\n", "\\n")
}
