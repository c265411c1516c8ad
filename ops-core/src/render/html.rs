//! The report as one self-contained HTML page: summary, findings with their
//! explanations, the dependency graph, backups, access and incidents.

use std::collections::HashMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::graph_svg::view_svg;
use super::html_tables::{self, badge};
use super::view::{GraphView, GroupBy, NodeKind, ViewContext, ViewOptions, count};
use crate::markup::replace_forbidden;
use crate::{Component, FailureAnalysis, Finding, Idx, Inventory, Report, Rule, Severity};

/// The report as a single HTML document that needs nothing else: styles are
/// inline, the dependency graph is an inline SVG laid out here (see
/// [`layered_layout`](super::layered_layout)), there is no script, and a
/// Content-Security-Policy forbids the page from loading anything. The page
/// is built with [maud](https://docs.rs/maud) templates, which escape every
/// value spliced into them, so every string from the inventory, a check or a
/// plugin is text in the page, never markup; characters XML forbids (C0
/// controls other than tab, line feed and carriage return) become U+FFFD.
///
/// Sections: findings by severity (each with its rule's explanation and the
/// remediation), the dependency graph (single points of failure in red; the
/// failure paths of `entry`, or of the first entry point, highlighted), and,
/// where the inventory has them, backups ([`BackupStatus`](crate::BackupStatus)
/// at the report's instant), the access review ([`AccessReview`](crate::AccessReview))
/// and incident metrics ([`IncidentMetrics`](crate::IncidentMetrics)).
///
/// ```
/// use ops_core::{Format, Inventory, Runner, render};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// components:
///   - {id: shop, entry: true, depends_on: [db]}
///   - {id: db, kind: database}
/// ")?;
/// let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse()?);
/// let html = render::to_html(&inv, &report, None);
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("<g class=\"node spof on-path\" data-id=\"db\">"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_html(inventory: &Inventory, report: &Report, entry: Option<Idx<Component>>) -> String {
    let options = HtmlOptions {
        entry,
        ..HtmlOptions::default()
    };
    to_html_with(inventory, report, &options)
}

/// What the report's dependency graph section draws.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct HtmlOptions {
    /// Draw this entry point's picture only: its cone, its single points of
    /// failure and their failure paths.
    pub entry: Option<Idx<Component>>,
    /// With `entry`: how many dependency steps of its cone to draw.
    pub depth: Option<usize>,
    /// How components are grouped into boxes.
    pub group_by: GroupBy,
    /// Groups drawn expanded even with nothing that matters in them.
    pub expand: Vec<String>,
}

impl HtmlOptions {
    /// Focused on `entry`.
    pub fn entry(mut self, entry: Option<Idx<Component>>) -> Self {
        self.entry = entry;
        self
    }

    /// Its cone drawn `depth` steps deep.
    pub fn depth(mut self, depth: Option<usize>) -> Self {
        self.depth = depth;
        self
    }

    /// Grouped by `group_by`.
    pub fn group_by(mut self, group_by: GroupBy) -> Self {
        self.group_by = group_by;
        self
    }

    /// With the groups named in `expand` expanded.
    pub fn expand(mut self, expand: Vec<String>) -> Self {
        self.expand = expand;
        self
    }
}

/// Entry points that get a picture of their own when the estate is too
/// large for one: the first this many tier-1 entries (or entries, where
/// none has tier 1). The page counts the others and says that
/// `opsctl report --entry ID` draws one.
pub const MAX_ENTRY_PICTURES: usize = 100;

/// [`to_html`] with the graph section drawn as `options` say: one picture of
/// the estate when it fits (about 60 nodes, replicas and clusters folded),
/// otherwise one picture per tier-1 entry point, each in a `<details>`
/// element, the first open; each picture shows an entry's cone with groups
/// that hold nothing on its failure paths collapsed into one node each.
pub fn to_html_with(inventory: &Inventory, report: &Report, options: &HtmlOptions) -> String {
    let analysis = FailureAnalysis::new(inventory);
    let ctx = ViewContext::new(&analysis);
    let entry = options.entry;
    let selected = entry.or_else(|| ctx.spofs().entries().first().map(|e| e.entry));
    let at = report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let backups = html_tables::backups(inventory, report);
    let access = html_tables::access(inventory, report.evaluated_at);
    let incidents = html_tables::incidents(inventory);
    let drills = super::html_drills::drills(inventory, &analysis, report.evaluated_at);
    let sections = [
        (drills.is_some(), "drills", "Drills"),
        (backups.is_some(), "backups", "Backups"),
        (access.is_some(), "access", "Access review"),
        (incidents.is_some(), "incidents", "Incidents"),
    ];
    // The "\n" literals keep one element per line in the page's source, as a
    // person reading or diffing it expects; browsers ignore them.
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                // Nothing to fetch, nothing to run: the page is complete as it is.
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"; "\n"
                title { "ops report, " (at) } "\n"
                // PreEscaped is safe: STYLE is a constant of this file with no
                // `</style`; a <style> element's text is not entity-decoded, so
                // escaping it would break the CSS instead of protecting it.
                style { (PreEscaped(STYLE)) } "\n"
            }
            "\n"
            body {
                "\n"
                header {
                    h1 { "ops report" }
                    p.meta {
                        "Evaluated at " time datetime=(at) { (at) } " · "
                        (count(inventory.components().len(), "component", "components")) " · "
                        (count(inventory.domains().len(), "domain", "domains")) " · "
                        (count(inventory.people().len(), "person", "people")) " · "
                        (count(inventory.backup_policies().len(), "backup policy", "backup policies")) " · "
                        (count(inventory.incidents().len(), "incident", "incidents"))
                    }
                    "\n"
                    nav {
                        a href="#summary" { "Summary" } " " a href="#findings" { "Findings" } " "
                        a href="#graph" { "Dependency graph" }
                        @for (present, id, name) in sections {
                            @if present { " " a href={ "#" (id) } { (name) } }
                        }
                    }
                }
                "\n"
                main {
                    "\n"
                    (summary(report))
                    (findings(report))
                    (graph(inventory, &ctx, options, selected))
                    @for section in [drills, backups, access, incidents].into_iter().flatten() { (section) }
                }
                "\n"
                footer { "Written by ops. This page is self-contained: it loads nothing and runs no script." }
                "\n"
            }
            "\n"
        }
        "\n"
    };
    replace_forbidden(page.into_string())
}

fn summary(report: &Report) -> Markup {
    html! {
        section id="summary" {
            "\n" h2 { "Summary" } "\n"
            table.summary {
                "\n" thead { tr { th { "Severity" } th { "Findings" } } } "\n"
                tbody {
                    "\n"
                    @for (&severity, n) in report.counts().iter().rev() {
                        tr { td { (badge(severity)) } td.num { (n) } } "\n"
                    }
                }
                "\n" tfoot { tr { th { "Total" } td.num { (report.findings.len()) } } } "\n"
            }
            "\n"
            @if !report.failures.is_empty() {
                div.failures {
                    h3 { "Checks that could not run" }
                    ul {
                        "\n"
                        @for f in &report.failures {
                            li { code { (f.check) } ": " (f.message) } "\n"
                        }
                    }
                    p { "The report is incomplete without them." }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn findings(report: &Report) -> Markup {
    let rules: HashMap<&str, (usize, &Rule)> = report.rules.iter().enumerate().map(|(i, r)| (r.id(), (i, r))).collect();
    // Each rule's explanation once, with its first finding (in the order
    // of the page); later findings link to it, so the page grows by a
    // line per finding, not by an explanation.
    let mut explained = std::collections::HashSet::new();
    html! {
        section id="findings" {
            "\n" h2 { "Findings" } "\n"
            @if report.findings.is_empty() { p { "No findings." } "\n" }
            @for severity in Severity::ALL {
                @let of: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == severity).collect();
                @if !of.is_empty() {
                    h3.sev-heading {
                        (badge(severity)) " " (of.len()) " finding" @if of.len() != 1 { "s" }
                    }
                    "\n"
                    @for f in of {
                        @let rule = rules.get(&*f.check).copied();
                        (finding(f, rule, rule.is_some_and(|(i, _)| explained.insert(i))))
                    }
                }
            }
        }
        "\n"
    }
}

/// One finding; with `explain`, its rule's explanation (anchored by the
/// rule's position in the report: rule ids from plugins may hold anything),
/// else a link to it.
fn finding(f: &Finding, rule: Option<(usize, &Rule)>, explain: bool) -> Markup {
    html! {
        article class={ "finding sev-" (f.severity.as_str()) } {
            "\n"
            p.message { (badge(f.severity)) " " (f.message) } "\n"
            p.where {
                code { (f.check) } " · " (kind_name(f.subject.kind)) " " code { (f.subject.id) }
                @if let Some(at) = &f.location { " · " span.location { (at) } }
            }
            "\n"
            @if let Some(w) = &f.waiver {
                p.waiver {
                    strong { "Waived" } " until " (w.expires.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                    " by " code { (w.owner) } " (" (w.location) "): " (w.reason)
                } "\n"
            }
            @if let Some(r) = &f.remediation {
                p.remediation { strong { "Fix:" } " " (inline(r)) } "\n"
            }
            @if let Some((position, rule)) = rule {
                @if explain {
                    details.explanation id={ "rule-" (position) } {
                        summary { "About " code { (rule.id()) } ": " (rule.summary()) } "\n"
                        (markdown(rule.explanation()))
                    }
                } @else {
                    p.about { "About " a href={ "#rule-" (position) } { code { (rule.id()) } } ": " (rule.summary()) }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The snake_case name the JSON output uses (`backup_policy`).
fn kind_name(kind: crate::EntityKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

/// The pictures of the graph section: one of the whole estate when it
/// fits, else one per tier-1 entry point.
fn pictures(ctx: &ViewContext<'_>, options: &HtmlOptions, selected: Option<Idx<Component>>) -> (Vec<GraphView>, usize) {
    let inv = ctx.inventory();
    let view_options = |entry: Option<Idx<Component>>| ViewOptions {
        entry,
        highlight: selected,
        depth: options.depth,
        group_by: options.group_by,
        expand: options.expand.clone(),
        ..ViewOptions::default()
    };
    if let Some(entry) = options.entry {
        return (vec![ctx.view(&view_options(Some(entry)))], 0);
    }
    let whole = ctx.view(&view_options(None));
    let complete = whole
        .nodes
        .iter()
        .all(|v| matches!(v.kind, NodeKind::Component | NodeKind::Cluster));
    if complete || inv.components().is_empty() {
        return (vec![whole], 0);
    }
    let entries: Vec<Idx<Component>> = ctx.spofs().entries().iter().map(|e| e.entry).collect();
    let tier1: Vec<Idx<Component>> = entries
        .iter()
        .copied()
        .filter(|&e| inv.component(e).tier == Some(1))
        .collect();
    let mut chosen = if tier1.is_empty() { entries } else { tier1 };
    let more = chosen.len().saturating_sub(MAX_ENTRY_PICTURES);
    chosen.truncate(MAX_ENTRY_PICTURES);
    (
        chosen.into_iter().map(|e| ctx.view(&view_options(Some(e)))).collect(),
        more,
    )
}

fn picture(inv: &Inventory, view: &GraphView) -> Markup {
    let collapsed = view
        .nodes
        .iter()
        .filter(|v| matches!(v.kind, NodeKind::Group | NodeKind::More))
        .count();
    html! {
        @if collapsed > 0 || view.untraced_failures > 0 {
            p.legend {
                @if collapsed > 0 {
                    (view.scope) " components, grouped by " (view.group_by.as_str())
                    "; dashed double boxes stand for several components (groups with nothing on a failure path, \
                     or the rest of a group). " code { "--group NAME" } " expands a group, "
                    code { "--entry ID" } " focuses on one entry point."
                }
                @if view.untraced_failures > 0 {
                    " The failure paths of " (view.untraced_failures) " more single points of failure are not traced."
                }
            }
            "\n"
        }
        div.graph { "\n" (view_svg(inv, view)) } "\n"
    }
}

fn graph(inv: &Inventory, ctx: &ViewContext<'_>, options: &HtmlOptions, selected: Option<Idx<Component>>) -> Markup {
    let spofs = ctx.spofs();
    let domains = ctx.domain_spofs();
    let rows = spofs.entries().iter().zip(domains).map(|(rec, dom)| {
        let mut ids: Vec<&str> = rec.spofs.iter().map(|&c| inv.component(c).id.as_str()).collect();
        ids.sort_unstable();
        let mut ds: Vec<&str> = dom.domains.iter().map(|&d| inv.domain(d).id.as_str()).collect();
        ds.sort_unstable();
        (rec.entry, ids, ds)
    });
    // Each list is cut, so the table stays linear in the estate.
    let list = |ids: &[&str]| {
        let more = ids.len().saturating_sub(crate::listing::EVIDENCE_ITEMS);
        html! {
            @if ids.is_empty() { "none" }
            @for (i, id) in ids.iter().take(crate::listing::EVIDENCE_ITEMS).enumerate() { @if i > 0 { ", " } code { (id) } }
            @if more > 0 { " and " (more) " more" }
        }
    };
    let (views, more) = pictures(ctx, options, selected);
    let per_entry = views.len() > 1 || views.first().is_some_and(|v| v.entry.is_some());
    let spof_count = |e: Idx<Component>| {
        spofs
            .entries()
            .iter()
            .find(|r| r.entry == e)
            .map_or(0, |r| r.spofs.len())
    };
    html! {
        section id="graph" {
            "\n" h2 { "Dependency graph" } "\n"
            p {
                "Arrows point from a component to what it depends on; bold boxes are entry points, dashed arrows \
                 close a cycle, dashed boxes are logical (they fail only through what they depend on), ×N counts \
                 replicas folded into one node or dependencies bundled into one arrow. "
                span.key.spof { "Red" } ": a single point of failure."
                @if let Some(e) = selected.filter(|_| !per_entry) {
                    " " span.key.path { "Orange" } ": how each single point of failure of "
                    strong { (inv.component(e).id) } " takes it down (components and domains)."
                }
                @if per_entry {
                    " " span.key.path { "Orange" } ": how each single point of failure of the entry point takes it down."
                }
            }
            "\n"
            @if per_entry && views.len() > 1 {
                p { (inv.components().len()) " components are too many for one picture: one per "
                    @if views.iter().any(|v| v.entry.is_some_and(|e| inv.component(e).tier == Some(1))) { "tier-1 " }
                    "entry point." }
                "\n"
            }
            @for (k, view) in views.iter().enumerate() {
                @match view.entry.filter(|_| views.len() > 1) {
                    Some(e) => {
                        details.picture open[k == 0] {
                            summary {
                                code { (inv.component(e).id) } " — "
                                (count(spof_count(e), "single point of failure", "single points of failure"))
                            }
                            "\n" (picture(inv, view))
                        }
                        "\n"
                    }
                    None => { (picture(inv, view)) }
                }
            }
            @if more > 0 {
                p { (more) " more entry points have no picture here; " code { "opsctl report --entry ID" } " draws one." }
                "\n"
            }
            table.spofs {
                "\n"
                thead { tr { th { "Entry point" } th { "Single points of failure" } th { "Domains" } } } "\n"
                tbody {
                    "\n"
                    @for (entry, ids, ds) in rows {
                        tr class=[(Some(entry) == selected).then_some("selected")] {
                            td { code { (inv.component(entry).id) } } td { (list(&ids)) } td { (list(&ds)) }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

/// Inline Markdown: `code` spans; everything else is text.
fn inline(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// A block of the small Markdown of rule explanations.
#[derive(Debug, PartialEq)]
enum Block<'a> {
    Heading(&'a str),
    Paragraph(String),
    List(Vec<&'a str>),
    Code(String),
}

/// The blocks of the small Markdown of rule explanations: `##` headings,
/// fenced code blocks, paragraphs and `- ` lists. Anything else is text.
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<Vec<&str>> = None;
    let mut code: Option<Vec<&str>> = None;
    let flush = |blocks: &mut Vec<Block<'_>>, paragraph: &mut Vec<&str>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in text.lines() {
        if let Some(block) = &mut code {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(block.join("\n")));
                code = None;
            } else {
                block.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if let Some(item) = trimmed.strip_prefix("- ") {
            flush(&mut blocks, &mut paragraph);
            list.get_or_insert_with(Vec::new).push(item);
            continue;
        }
        if let Some(items) = list.take() {
            blocks.push(Block::List(items));
        }
        if trimmed.starts_with("```") {
            flush(&mut blocks, &mut paragraph);
            code = Some(Vec::new());
        } else if let Some(h) = trimmed.strip_prefix('#') {
            flush(&mut blocks, &mut paragraph);
            blocks.push(Block::Heading(h.trim_start_matches('#').trim()));
        } else if trimmed.is_empty() {
            flush(&mut blocks, &mut paragraph);
        } else {
            paragraph.push(trimmed);
        }
    }
    if let Some(block) = code {
        blocks.push(Block::Code(block.join("\n")));
    }
    flush(&mut blocks, &mut paragraph);
    if let Some(items) = list {
        blocks.push(Block::List(items));
    }
    blocks
}

/// The small Markdown of rule explanations as HTML: `##` headings, fenced
/// code blocks, paragraphs, `- ` lists and `code` spans. The text of every
/// block is spliced into the template, so it is escaped like any other.
fn markdown(text: &str) -> Markup {
    html! {
        @for block in blocks(text) {
            @match block {
                Block::Heading(h) => { h4 { (inline(h)) } "\n" }
                Block::Paragraph(p) => { p { (inline(&p)) } "\n" }
                Block::List(items) => {
                    ul { "\n" @for item in items { li { (inline(item)) } "\n" } } "\n"
                }
                Block::Code(code) => { pre { code { (code) } } "\n" }
            }
        }
    }
}

const STYLE: &str = "
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--critical:#8b0000;--high:#cf222e;--medium:#bc4c00;--low:#9a6700;--info:#59636e;--path:#e36209}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 32px 12px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{margin:0 0 4px;font-size:26px}
.meta{margin:0;color:var(--muted)}
nav{margin-top:8px}nav a{margin-right:16px;color:#0969da;text-decoration:none}nav a:hover{text-decoration:underline}
main{padding:8px 32px 32px;max-width:1400px}
section{margin-top:28px}
h2{font-size:21px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:17px;margin:20px 0 8px}
h4{font-size:14px;margin:12px 0 4px}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;background:var(--soft);padding:1px 4px;border-radius:4px}
pre{background:var(--soft);padding:8px 12px;border-radius:6px;overflow:auto}pre code{padding:0}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;min-width:64px;text-align:center;padding:0 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.sev-critical.badge{background:var(--critical)}.sev-high.badge{background:var(--high)}.sev-medium.badge{background:var(--medium)}
.sev-low.badge{background:var(--low)}.sev-info.badge{background:var(--info)}
.finding{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:6px;padding:8px 14px;margin:8px 0}
.finding.sev-critical{border-left-color:var(--critical)}.finding.sev-high{border-left-color:var(--high)}
.finding.sev-medium{border-left-color:var(--medium)}.finding.sev-low{border-left-color:var(--low)}
.finding p{margin:4px 0}.message{font-weight:600}.where{color:var(--muted);font-size:13px}
.explanation summary{cursor:pointer;color:var(--muted);font-size:13px}
.explanation{font-size:14px}
.failures{border:1px solid var(--high);border-radius:6px;padding:4px 14px}
.graph{overflow:auto;border:1px solid var(--line);border-radius:6px;padding:8px;background:#fff}
svg.dependency-graph{display:block}
svg .node rect{fill:#fff;stroke:#6e7781;stroke-width:1.2}
svg .node text{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;text-anchor:middle;fill:var(--fg)}
svg .node text.rule{font-size:11px;fill:var(--muted)}
svg .node.entry rect{stroke-width:2.5;stroke:#24292f}
svg .node.on-path rect{fill:#fff1e5;stroke:var(--path);stroke-width:2}
svg .node.spof rect{fill:#ffebe9;stroke:var(--high);stroke-width:2.5}
svg .node.spof text{fill:#a40e26;font-weight:600}
svg .node.selected rect{stroke-width:3.5}
svg .node.logical rect{stroke-dasharray:5 4}
svg .node.group rect,svg .node.more rect{fill:var(--soft);stroke-dasharray:2 3;stroke-width:2}
svg .node.cluster rect{stroke-width:2}
svg .group-box rect{fill:none;stroke:#afb8c1;stroke-width:1.2}
svg .group-box text{font:12px ui-sans-serif,system-ui,sans-serif;fill:var(--muted)}
svg text.count{font:11px ui-sans-serif,system-ui,sans-serif;fill:var(--muted)}
details.picture{margin:8px 0}details.picture>summary{cursor:pointer;padding:4px 0}
svg .edge{fill:none;stroke:#8c959f;stroke-width:1.3}
svg .edge.cycle{stroke-dasharray:5 4}
svg .edge.on-path{stroke:var(--path);stroke-width:3}
svg .arrow{fill:#8c959f}svg .arrow-hot{fill:var(--path)}
.key{font-weight:600}.key.spof{color:var(--high)}.key.path{color:var(--path)}
tr.selected td{background:#fff8f2}
tr.flagged td{background:#fff8e6}
td.findings,td code{white-space:nowrap}
.flag{display:inline-block;margin:0 4px 2px 0;padding:0 6px;border-radius:8px;background:#fff1c2;border:1px solid #d4a72c;font-size:12px}
.bad{color:var(--high);font-weight:600}.ok{color:#1a7f37}
footer{padding:16px 32px;color:var(--muted);font-size:13px;border-top:1px solid var(--line)}
@media print{nav{display:none}.graph{overflow:visible;border:0}details{display:block}}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckFailure;
    use crate::{EntityKind, Format, Runner, Subject};

    #[test]
    fn explanations_render_headings_code_and_lists() {
        let html = markdown("## What it checks\nA `db` and <b>.\n\n```yaml\na: <1>\n```\n- one\n- two\nafter");
        assert_eq!(
            html.into_string(),
            "<h4>What it checks</h4>\n<p>A <code>db</code> and &lt;b&gt;.</p>\n<pre><code>a: &lt;1&gt;</code></pre>\n\
             <ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>after</p>\n"
        );
    }

    #[test]
    fn explanation_blocks_end_where_the_old_renderer_ended_them() {
        use Block::*;
        // A blank line ends a list; a list item ends a paragraph; an
        // unclosed fence runs to the end; `#` headings of any depth.
        assert_eq!(
            blocks("- a\n\n- b\ntext\nmore\n- c\n# One\n### Three\n```\nx\n  y"),
            [
                List(vec!["a"]),
                List(vec!["b"]),
                Paragraph("text more".to_owned()),
                List(vec!["c"]),
                Heading("One"),
                Heading("Three"),
                Code("x\n  y".to_owned()),
            ]
        );
    }

    /// Markup, quotes of both kinds, an entity and an end tag that would
    /// close the explanation early, with a control character for good measure.
    const HOSTILE: &str = "<script>alert('x')</script>\"&amp;</details>\u{1}";

    /// The page for two components whose ids (refused by loading, set here
    /// directly), names and file are `payload`, with a grant's role, a
    /// backup monitor, a finding, a rule and a failed check whose every
    /// string holds it too.
    fn page_with(payload: &str) -> String {
        let file = format!("{payload}.json");
        let estate = serde_json::json!({
            "domains": [{"id": "zone", "kind": "zone"}],
            "components": [
                {"id": "shop", "entry": true, "depends_on": ["db"]},
                {"id": "db", "domains": ["zone"], "owners": ["ana"]},
            ],
            "people": [{"id": "ana"}],
            "systems": [{"id": "github"}],
            "grants": [{"principal": "ana", "system": "github", "level": "write", "role": payload}],
            "backup_policies": [{"id": "nightly", "protects": "db", "rpo": "24h", "monitor": payload}],
            "incidents": [{
                "id": "INC-1", "title": payload, "severity": "sev2", "impacted": ["shop"],
                "started_at": "2026-11-01T09:00:00Z", "detected_at": "2026-11-01T09:30:00Z",
            }],
        });
        let mut inv = Inventory::from_text(&file, Format::Json, &estate.to_string()).unwrap();
        for c in inv.components_mut() {
            c.id = format!("{}{payload}", c.id);
            c.name = Some(payload.to_owned());
        }
        let mut report = Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
        let rule_id = format!("custom/{payload}");
        report.rules.push(Rule::new(
            &rule_id,
            Severity::High,
            payload,
            &format!("## {payload}\n{payload} `{payload}`\n\n```\n{payload}\n```\n- {payload}\n"),
        ));
        report.findings.push(
            Finding::new(
                rule_id.clone(),
                Severity::High,
                Subject::new(EntityKind::Component, payload),
                payload,
            )
            .with_remediation(format!("run `{payload}`, then {payload}"))
            .with_evidence("why", format!("evidence {payload}")),
        );
        report.failures.push(CheckFailure {
            check: payload.to_owned(),
            message: payload.to_owned(),
        });
        to_html(&inv, &report, Some(Idx::new(0)))
    }

    /// The page's tags in order, each with the names of its attributes (not
    /// their values): the structure that text, however hostile, must not change.
    fn tags(html: &str) -> Vec<String> {
        html.split('<')
            .skip(1)
            .map(|t| {
                let tag = t.split_once('>').map_or(t, |(tag, _)| tag);
                // Values are quoted and, escaped, hold no quote: drop them.
                let unquoted: String = tag.split('"').step_by(2).collect();
                unquoted
                    .split_whitespace()
                    .map(|w| w.trim_end_matches('='))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Text and attribute values as a browser reads them.
    fn decode(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    /// How many text nodes and attribute values hold `payload`, as a
    /// browser decodes them.
    fn places(html: &str, payload: &str) -> (usize, usize) {
        let (mut texts, mut values) = (0, 0);
        for piece in html.split('<').skip(1) {
            let (tag, text) = piece.split_once('>').unwrap_or((piece, ""));
            texts += usize::from(decode(text).contains(payload));
            values += tag
                .split('"')
                .skip(1)
                .step_by(2)
                .filter(|v| decode(v).contains(payload))
                .count();
        }
        (texts, values)
    }

    #[test]
    fn hostile_text_lands_as_text_in_elements_attributes_and_svg() {
        let benign_payload = "x".repeat(HOSTILE.chars().count());
        let hostile = page_with(HOSTILE);
        let benign = page_with(&benign_payload);
        let (hostile_tags, benign_tags) = (tags(&hostile), tags(&benign));
        if let Some(at) =
            (0..hostile_tags.len().max(benign_tags.len())).find(|&i| hostile_tags.get(i) != benign_tags.get(i))
        {
            let around = |t: &[String]| t[at.saturating_sub(6)..(at + 6).min(t.len())].join("> <");
            panic!(
                "hostile text changed the page's structure at tag {at}:
  hostile: <{}>
  benign:  <{}>",
                around(&hostile_tags),
                around(&benign_tags)
            );
        }
        assert!(!hostile.contains("<script") && !hostile.contains('\u{1}'));

        // Wherever harmless text shows, the hostile text shows too, as text:
        // messages, the failed check, the rule's summary and explanation, the
        // remediation, subjects, file names, the SVG's labels, tooltips and
        // edge titles, and the components' data-id attributes.
        let seen = HOSTILE.replace('\u{1}', "\u{FFFD}");
        let (texts, values) = places(&hostile, &seen);
        assert_eq!((texts, values), places(&benign, &benign_payload));
        assert!(
            texts >= 40 && values == 2,
            "{texts} text nodes, {values} attribute values"
        );

        let esc = escaped(&seen);
        for context in [
            format!("<p class=\"message\"><span class=\"badge sev-high\">high</span> {esc}</p>"),
            format!("<li><code>{esc}</code>: {esc}</li>"),
            format!("<summary>About <code>custom/{esc}</code>: {esc}</summary>"),
            format!("<strong>Fix:</strong> run <code>{esc}</code>, then {esc}</p>"),
            format!(
                "<h4>{esc}</h4>\n<p>{esc} <code>{esc}</code></p>\n<pre><code>{esc}</code></pre>\n<ul>\n<li>{esc}</li>"
            ),
            format!("<span class=\"location\">{esc}.json:"),
            format!("<tr><td><code>nightly</code></td><td><code>db{esc}</code></td>"),
            format!("<td>{esc}</td><td class=\"findings\">"),
            format!("<td>write</td><td>{esc}</td><td><code>grant:ana-&gt;github</code></td>"),
            format!("<tr><td><code>shop{esc}</code></td><td class=\"num\">1</td>"),
            format!("<g class=\"node spof on-path\" data-id=\"db{esc}\"><title>db{esc} — {esc} (service)"),
            format!("\">db{esc}</text>"),
            format!("<title>shop{esc} depends on db{esc}</title>"),
            format!(
                "<title id=\"graph-title\">Dependency graph: 2 components, 1 dependencies; failure paths of shop{esc}</title>"
            ),
            format!("<tr class=\"selected\"><td><code>shop{esc}</code></td><td><code>db{esc}</code></td>"),
        ] {
            assert!(hostile.contains(&context), "{context}");
        }

        // Evidence is for machines: the page does not show it.
        assert!(!decode(&hostile).contains("evidence <script>"));
    }

    /// What maud writes for `text`: `&`, `<`, `>` and `"` escaped, `'` as is
    /// (safe in text and in the double-quoted attributes maud writes).
    fn escaped(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
}

/// About 0.6 s in a debug build: layout, analysis and rendering stay cheap
/// up to the drawing limit.
#[cfg(test)]
mod size_tests {
    use crate::synth::{Rules, generate_json};
    use crate::{Format, Inventory, Runner};

    #[test]
    fn an_estate_without_backups_access_or_incidents_has_no_such_sections() {
        let inv = Inventory::from_text("e.yaml", Format::Yaml, "components: [{id: batch}]").unwrap();
        let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
        let html = super::to_html(&inv, &report, None);
        for absent in [
            "id=\"backups\"",
            "id=\"access\"",
            "id=\"incidents\"",
            "failure paths",
            "edge on-path",
            " selected",
        ] {
            assert!(!html.contains(absent), "{absent}");
        }
        assert_eq!(html.matches("<section id=").count(), 3);
        assert!(html.contains("1 component · 0 domains · 0 people · 0 backup policies · 0 incidents"));
        assert!(html.contains("<g class=\"node\" data-id=\"batch\">"));
    }

    #[test]
    fn a_large_estate_gets_a_bounded_picture_per_entry() {
        let json = generate_json(600, 7, Rules::Mixed);
        let inv = Inventory::from_text("estate.json", Format::Json, &json).unwrap();
        let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
        let html = super::to_html(&inv, &report, None);
        let entries = inv.components().iter().filter(|c| c.entry).count();
        let pictures = html.matches("<svg").count();
        assert_eq!(pictures, entries.min(super::MAX_ENTRY_PICTURES), "{entries} entries");
        assert_eq!(html.matches("<details class=\"picture\"").count(), pictures);
        assert_eq!(html.matches("<details class=\"picture\" open>").count(), 1);
        for svg in html.split("<svg").skip(1) {
            let svg = &svg[..svg.find("</svg>").unwrap()];
            let nodes = svg.matches(" data-id=").count();
            assert!(nodes <= crate::render::view::DEFAULT_MAX_NODES, "{nodes} nodes");
            assert!(svg.contains(" selected"));
        }
    }
}
