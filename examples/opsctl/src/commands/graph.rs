//! `opsctl graph`: the dependency graph as Graphviz dot or Mermaid, single
//! points of failure highlighted.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::Result;
use clap::ValueEnum;
use ops_core::graph::{Component, FailureAnalysis};

use crate::shared::{self, Inputs};

/// Arguments of `opsctl graph`.
#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Diagram language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub(crate) format: GraphFormat,
    /// Derive the person failure domains (who alone administers what) from
    /// the grants in force at this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = crate::shared::parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// Diagram languages of `opsctl graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    /// Graphviz.
    Dot,
    /// Mermaid (renders in GitHub and GitLab Markdown).
    Mermaid,
}

/// `opsctl graph`: components as nodes, dependencies as edges; entry points
/// bold, single points of failure red, logical components dashed.
pub(crate) fn run(args: &GraphArgs) -> Result<u8> {
    let inv = shared::load_at(&args.inputs, shared::at_or_now(args.at))?;
    let spofs = FailureAnalysis::new(&inv).spofs();
    let spof: BTreeSet<usize> = spofs
        .entries()
        .iter()
        .flat_map(|e| e.spofs.iter().map(|c| c.index()))
        .collect();
    let mut out = String::new();
    let label = |c: &Component| -> String {
        let rule = match c.requires {
            ops_core::graph::Requirement::All => String::new(),
            ops_core::graph::Requirement::Any => "\\n(any)".to_owned(),
            ops_core::graph::Requirement::AtLeast(k) => format!("\\n(at least {k})"),
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
                if c.logical {
                    // Fails only through what it needs: drawn as a grouping, not a thing.
                    attrs.push("style=\"rounded,dashed\"".to_owned());
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
            out.push_str("  classDef logical stroke-dasharray:5 4\n");
            for (i, c) in inv.components().iter().enumerate() {
                if spof.contains(&i) {
                    let _ = writeln!(out, "  class n{i} spof");
                } else if c.entry {
                    let _ = writeln!(out, "  class n{i} entry");
                } else if c.logical {
                    let _ = writeln!(out, "  class n{i} logical");
                }
            }
        }
    }
    shared::emit(None, &out)?;
    Ok(0)
}

/// A string for inside a dot double-quoted id or label (keeps `\n` line breaks).
fn escape_dot(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace("\\\\n", "\\n")
}
