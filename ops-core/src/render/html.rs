//! The report as one self-contained HTML page: summary, findings with their
//! explanations, the dependency graph, backups, access and incidents.

use std::collections::HashMap;
use std::fmt::Write;

use super::graph_svg::{Highlights, MAX_DRAWN_COMPONENTS, dependency_svg};
use super::html_tables;
use crate::markup::escape;
use crate::{Component, FailureAnalysis, Finding, Idx, Inventory, Report, Rule, Severity};

/// The report as a single HTML document that needs nothing else: styles are
/// inline, the dependency graph is an inline SVG laid out here (see
/// [`layered_layout`](super::layered_layout)), there is no script, and a
/// Content-Security-Policy forbids the page from loading anything. Every
/// string from the inventory is escaped.
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
    let analysis = FailureAnalysis::new(inventory);
    let selected = entry.or_else(|| analysis.spofs().entries().first().map(|e| e.entry));
    let at = report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing to fetch, nothing to run: the page is complete as it is.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    let _ = writeln!(out, "<title>ops report, {}</title>", escape(&at));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        out,
        "<header><h1>ops report</h1><p class=\"meta\">Evaluated at <time datetime=\"{at}\">{at}</time> · \
         {} · {} · {} · {} · {}</p>",
        count(inventory.components().len(), "component", "components"),
        count(inventory.domains().len(), "domain", "domains"),
        count(inventory.people().len(), "person", "people"),
        count(inventory.backup_policies().len(), "backup policy", "backup policies"),
        count(inventory.incidents().len(), "incident", "incidents"),
        at = escape(&at),
    );
    let backups = html_tables::backups(inventory, report);
    let access = html_tables::access(inventory, report.evaluated_at);
    let incidents = html_tables::incidents(inventory);
    out.push_str("<nav><a href=\"#summary\">Summary</a> <a href=\"#findings\">Findings</a> <a href=\"#graph\">Dependency graph</a>");
    for (present, id, name) in [
        (backups.is_some(), "backups", "Backups"),
        (access.is_some(), "access", "Access review"),
        (incidents.is_some(), "incidents", "Incidents"),
    ] {
        if present {
            let _ = write!(out, " <a href=\"#{id}\">{name}</a>");
        }
    }
    out.push_str("</nav></header>\n<main>\n");
    summary(&mut out, report);
    findings(&mut out, report);
    graph(&mut out, inventory, &analysis, selected);
    for section in [backups, access, incidents].into_iter().flatten() {
        out.push_str(&section);
    }
    out.push_str("</main>\n<footer>Written by ops. This page is self-contained: it loads nothing and runs no script.</footer>\n</body>\n</html>\n");
    out
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(out: &mut String, report: &Report) {
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>Severity</th><th>Findings</th></tr></thead>\n<tbody>\n");
    for (severity, n) in report.counts().iter().rev() {
        let _ = writeln!(
            out,
            "<tr><td><span class=\"badge sev-{s}\">{s}</span></td><td class=\"num\">{n}</td></tr>",
            s = severity.as_str()
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr><th>Total</th><td class=\"num\">{}</td></tr></tfoot>\n</table>",
        report.findings.len()
    );
    if !report.failures.is_empty() {
        out.push_str("<div class=\"failures\"><h3>Checks that could not run</h3><ul>\n");
        for f in &report.failures {
            let _ = writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(&f.check),
                escape(&f.message)
            );
        }
        out.push_str("</ul><p>The report is incomplete without them.</p></div>\n");
    }
    out.push_str("</section>\n");
}

fn findings(out: &mut String, report: &Report) {
    let rules: HashMap<&str, &Rule> = report.rules.iter().map(|r| (r.id(), r)).collect();
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if report.findings.is_empty() {
        out.push_str("<p>No findings.</p>\n");
    }
    for severity in Severity::ALL {
        let of: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3 class=\"sev-heading\"><span class=\"badge sev-{s}\">{s}</span> {n} finding{plural}</h3>",
            s = severity.as_str(),
            n = of.len(),
            plural = if of.len() == 1 { "" } else { "s" }
        );
        for f in of {
            finding(out, f, rules.get(f.check.as_str()).copied());
        }
    }
    out.push_str("</section>\n");
}

fn finding(out: &mut String, f: &Finding, rule: Option<&Rule>) {
    let _ = writeln!(
        out,
        "<article class=\"finding sev-{s}\">\n<p class=\"message\"><span class=\"badge sev-{s}\">{s}</span> {}</p>",
        escape(&f.message),
        s = f.severity.as_str()
    );
    let _ = write!(
        out,
        "<p class=\"where\"><code>{}</code> · {} <code>{}</code>",
        escape(&f.check),
        escape(&kind_name(f.subject.kind)),
        escape(&f.subject.id)
    );
    if let Some(at) = &f.location {
        let _ = write!(out, " · <span class=\"location\">{}</span>", escape(&at.to_string()));
    }
    out.push_str("</p>\n");
    if let Some(r) = &f.remediation {
        let _ = writeln!(out, "<p class=\"remediation\"><strong>Fix:</strong> {}</p>", inline(r));
    }
    if let Some(rule) = rule {
        let _ = writeln!(
            out,
            "<details class=\"explanation\"><summary>About <code>{}</code>: {}</summary>\n{}</details>",
            escape(rule.id()),
            escape(rule.summary()),
            markdown(rule.explanation())
        );
    }
    out.push_str("</article>\n");
}

/// The snake_case name the JSON output uses (`backup_policy`).
fn kind_name(kind: crate::EntityKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

fn graph(out: &mut String, inv: &Inventory, analysis: &FailureAnalysis<'_>, selected: Option<Idx<Component>>) {
    out.push_str("<section id=\"graph\">\n<h2>Dependency graph</h2>\n");
    let highlights = Highlights::new(analysis, selected);
    out.push_str(
        "<p>Arrows point from a component to what it depends on; bold boxes are entry points, dashed arrows \
         close a cycle. <span class=\"key spof\">Red</span>: a single point of failure of some entry point.",
    );
    if let Some(e) = selected {
        let _ = write!(
            out,
            " <span class=\"key path\">Orange</span>: how each single point of failure of <strong>{}</strong> \
             takes it down (components and domains).",
            escape(&inv.component(e).id)
        );
    }
    out.push_str("</p>\n");
    match dependency_svg(inv, &highlights, selected) {
        Some(svg) => {
            out.push_str("<div class=\"graph\">\n");
            out.push_str(&svg);
            out.push_str("</div>\n");
        }
        None => {
            let _ = writeln!(
                out,
                "<p>{} components are too many to draw here (the limit is {MAX_DRAWN_COMPONENTS}); \
                 <code>opsctl graph</code> exports the graph for Graphviz or Mermaid.</p>",
                inv.components().len()
            );
        }
    }
    out.push_str(
        "<table class=\"spofs\">\n<thead><tr><th>Entry point</th><th>Single points of failure</th><th>Domains</th></tr></thead>\n<tbody>\n",
    );
    let domains = analysis.domain_spofs();
    for (rec, dom) in analysis.spofs().entries().iter().zip(&domains) {
        let mut ids: Vec<&str> = rec.spofs.iter().map(|&c| inv.component(c).id.as_str()).collect();
        ids.sort_unstable();
        let mut ds: Vec<&str> = dom.domains.iter().map(|&d| inv.domain(d).id.as_str()).collect();
        ds.sort_unstable();
        let list = |v: &[&str]| {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.iter()
                    .map(|s| format!("<code>{}</code>", escape(s)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(
            out,
            "<tr{}><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            if Some(rec.entry) == selected {
                " class=\"selected\""
            } else {
                ""
            },
            escape(&inv.component(rec.entry).id),
            list(&ids),
            list(&ds)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Inline Markdown: `code` spans; everything else is text.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

/// The small Markdown of rule explanations: `##` headings, fenced code
/// blocks, paragraphs, `- ` lists and `code` spans. Anything else is text.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list = false;
    let mut code: Option<Vec<&str>> = None;
    let flush = |out: &mut String, paragraph: &mut Vec<&str>| {
        if !paragraph.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", inline(&paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in text.lines() {
        if let Some(block) = &mut code {
            if line.trim_start().starts_with("```") {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(&block.join("\n")));
                code = None;
            } else {
                block.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        let is_item = trimmed.starts_with("- ");
        if list && !is_item {
            out.push_str("</ul>\n");
            list = false;
        }
        if trimmed.starts_with("```") {
            flush(&mut out, &mut paragraph);
            code = Some(Vec::new());
        } else if let Some(h) = trimmed.strip_prefix('#') {
            flush(&mut out, &mut paragraph);
            let _ = writeln!(out, "<h4>{}</h4>", inline(h.trim_start_matches('#').trim()));
        } else if trimmed.is_empty() {
            flush(&mut out, &mut paragraph);
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush(&mut out, &mut paragraph);
            if !list {
                out.push_str("<ul>\n");
                list = true;
            }
            let _ = writeln!(out, "<li>{}</li>", inline(item));
        } else {
            paragraph.push(trimmed);
        }
    }
    if let Some(block) = code {
        let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(&block.join("\n")));
    }
    flush(&mut out, &mut paragraph);
    if list {
        out.push_str("</ul>\n");
    }
    out
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

    #[test]
    fn explanations_render_headings_code_and_lists() {
        let html = markdown("## What it checks\nA `db` and <b>.\n\n```yaml\na: <1>\n```\n- one\n- two\nafter");
        assert_eq!(
            html,
            "<h4>What it checks</h4>\n<p>A <code>db</code> and &lt;b&gt;.</p>\n<pre><code>a: &lt;1&gt;</code></pre>\n\
             <ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>after</p>\n"
        );
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
    fn the_largest_drawn_graph_is_drawn() {
        let json = generate_json(super::MAX_DRAWN_COMPONENTS, 7, Rules::Mixed);
        let inv = Inventory::from_text("estate.json", Format::Json, &json).unwrap();
        let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
        let html = super::to_html(&inv, &report, None);
        assert_eq!(html.matches("<svg").count(), 1);
        assert_eq!(html.matches(" data-id=").count(), super::MAX_DRAWN_COMPONENTS);
    }
}
