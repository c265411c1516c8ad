//! `opsctl graph`: the dependency graph as Graphviz dot or Mermaid, single
//! points of failure highlighted.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::Result;
use clap::ValueEnum;
use ops_core::graph::{Component, FailureAnalysis};

use ops_core::render::view::{GraphView, NodeKind, ViewContext, ViewOptions};

use crate::shared::picture::{self, PictureArgs};
use crate::shared::{self, Inputs};

/// Arguments of `opsctl graph`.
#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Diagram language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub(crate) format: GraphFormat,
    /// Draw only this entry point: what it depends on, its single points of
    /// failure and their failure paths, grouped and folded like the report's
    /// pictures (without it and the options below: every component).
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    #[command(flatten)]
    pub(crate) picture: PictureArgs,
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
    if args.entry.is_some() || args.picture.given() {
        let analysis = FailureAnalysis::new(&inv);
        let ctx = ViewContext::new(&analysis);
        let mut options = ViewOptions::default();
        options.entry = picture::entry(&inv, args.entry.as_deref())?;
        options.depth = args.picture.depth;
        options.group_by = args.picture.group_by.group_by();
        options.expand = args.picture.groups.clone();
        let view = ctx.view(&options);
        let out = match args.format {
            GraphFormat::Dot => view_dot(&view),
            GraphFormat::Mermaid => view_mermaid(&view),
        };
        shared::emit(None, &out)?;
        return Ok(0);
    }
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

/// A view node's label: its lines joined by `\n`.
fn view_label(v: &ops_core::render::view::ViewNode) -> String {
    match &v.detail {
        Some(d) => format!("{}\\n{d}", v.label),
        None => v.label.clone(),
    }
}

/// A view as Graphviz dot: expanded groups as `cluster` subgraphs, collapsed
/// ones and folded clusters as one node with their count, bundled edges
/// labelled with theirs.
fn view_dot(view: &GraphView) -> String {
    let mut out =
        String::from("digraph estate {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    let node = |out: &mut String, i: usize, indent: &str| {
        let v = &view.nodes[i];
        let mut attrs = vec![format!("label=\"{}\"", escape_dot(&view_label(v)))];
        if v.entry {
            attrs.push("penwidth=2".to_owned());
        }
        match v.kind {
            NodeKind::Group | NodeKind::More => {
                attrs.push("style=\"rounded,dashed,filled\", fillcolor=\"#f6f8fa\"".to_owned())
            }
            _ if v.logical => attrs.push("style=\"rounded,dashed\"".to_owned()),
            _ => {}
        }
        if v.spof {
            attrs.push("color=red, fontcolor=red, style=\"rounded,bold\"".to_owned());
        } else if v.on_path {
            attrs.push("color=darkorange".to_owned());
        }
        let _ = writeln!(out, "{indent}\"{}\" [{}];", escape_dot(&v.key), attrs.join(", "));
    };
    for (g, group) in view.groups.iter().enumerate().filter(|(_, g)| g.expanded) {
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{g}\" {{\n    label=\"{}\";\n    style=rounded;\n    color=gray;",
            escape_dot(&group.name)
        );
        for i in (0..view.nodes.len()).filter(|&i| view.nodes[i].group == Some(g)) {
            node(&mut out, i, "    ");
        }
        out.push_str("  }\n");
    }
    for i in (0..view.nodes.len()).filter(|&i| view.nodes[i].group.is_none()) {
        node(&mut out, i, "  ");
    }
    for e in &view.edges {
        let mut attrs = Vec::new();
        if e.count > 1 {
            attrs.push(format!("label=\"×{}\"", e.count));
        }
        if e.on_path {
            attrs.push("color=darkorange, penwidth=2".to_owned());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\"{attrs};",
            escape_dot(&view.nodes[e.from].key),
            escape_dot(&view.nodes[e.to].key)
        );
    }
    out.push_str("}\n");
    out
}

/// A view as a Mermaid flowchart: expanded groups as subgraphs.
fn view_mermaid(view: &GraphView) -> String {
    let mut out = String::from("flowchart TD\n");
    let text = |i: usize| view_label(&view.nodes[i]).replace("\\n", "<br>").replace('"', "#quot;");
    for (g, group) in view.groups.iter().enumerate().filter(|(_, g)| g.expanded) {
        let _ = writeln!(out, "  subgraph g{g}[\"{}\"]", group.name.replace('"', "#quot;"));
        for i in (0..view.nodes.len()).filter(|&i| view.nodes[i].group == Some(g)) {
            let _ = writeln!(out, "    n{i}[\"{}\"]", text(i));
        }
        out.push_str("  end\n");
    }
    for i in (0..view.nodes.len()).filter(|&i| view.nodes[i].group.is_none()) {
        let _ = writeln!(out, "  n{i}[\"{}\"]", text(i));
    }
    for e in &view.edges {
        if e.count > 1 {
            let _ = writeln!(out, "  n{} -->|×{}| n{}", e.from, e.count, e.to);
        } else {
            let _ = writeln!(out, "  n{} --> n{}", e.from, e.to);
        }
    }
    out.push_str("  classDef spof stroke:#d00,stroke-width:3px,color:#d00\n");
    out.push_str("  classDef path stroke:#d97706,stroke-width:2px\n");
    out.push_str("  classDef entry stroke-width:3px\n");
    out.push_str("  classDef collapsed fill:#f6f8fa,stroke-dasharray:3 3\n");
    out.push_str("  classDef logical stroke-dasharray:5 4\n");
    for (i, v) in view.nodes.iter().enumerate() {
        let class = if v.spof {
            "spof"
        } else if matches!(v.kind, NodeKind::Group | NodeKind::More) {
            "collapsed"
        } else if v.on_path {
            "path"
        } else if v.entry {
            "entry"
        } else if v.logical {
            "logical"
        } else {
            continue;
        };
        let _ = writeln!(out, "  class n{i} {class}");
    }
    out
}
