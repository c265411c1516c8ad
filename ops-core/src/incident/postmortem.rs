//! The post-mortem of an incident as a Markdown document ready to share.

use std::fmt::Write as _;

use super::metrics::IncidentMetric;
use crate::{Incident, Inventory, Principal, Timestamp, format_duration};

/// Renders the post-mortem of `incident` as Markdown: a header (severity,
/// status, commander, detection, problem), the impact with its durations,
/// the four standard questions, the linked problem's root cause and plan for
/// the next occurrence (when it has either), the timeline, and the issues
/// with a table of actions (owner, due date, expected result, status) for each.
///
/// Missing parts are shown as such ("not written yet", "no owner") rather
/// than left out, so a reader sees what the post-mortem still lacks. All
/// instants are shown in UTC.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::incident::postmortem_markdown;
/// let inv = Inventory::from_text("i.yaml", Format::Yaml, "
/// incident:
///   id: INC-1
///   title: Checkout down
///   severity: sev1
///   detected_at: 2026-05-04T10:00:00Z
///   postmortem:
///     why: The disk filled up.
/// ")?;
/// let doc = postmortem_markdown(&inv, &inv.incidents()[0]);
/// assert!(doc.starts_with("# Post-mortem: INC-1 Checkout down\n"));
/// assert!(doc.contains("## Why did it happen?\n\nThe disk filled up.\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn postmortem_markdown(inv: &Inventory, incident: &Incident) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Post-mortem: {} {}\n", incident.id, one_line(&incident.title));
    let pm = incident.postmortem.as_ref();

    let _ = writeln!(out, "| | |\n|---|---|");
    row(&mut out, "Severity", incident.severity.as_str());
    row(&mut out, "Status", incident.phase().as_str());
    row(
        &mut out,
        "Commander",
        &incident
            .commander
            .map_or_else(|| "not recorded".to_owned(), |p| principal(inv, Principal::Person(p))),
    );
    row(
        &mut out,
        "Detected by",
        incident.detected_by.map_or("not recorded", |d| d.as_str()),
    );
    if let Some(p) = incident.problem {
        let p = &inv.problems()[p.index()];
        row(&mut out, "Problem", &format!("{} {}", p.id, p.title));
    }
    if let Some(cause) = &incident.cause {
        row(&mut out, "Cause", &format!("`{cause}`"));
    }
    if let Some(t) = incident.postmortem_done_at {
        row(&mut out, "Post-mortem done", &instant(t));
    }

    out.push_str("\n## Impact\n\n");
    if incident.impacted.is_empty() {
        out.push_str("Impacted components: not recorded.\n\n");
    } else {
        let ids: Vec<String> = incident
            .impacted
            .iter()
            .map(|&c| format!("`{}`", inv.component(c).id))
            .collect();
        let _ = writeln!(out, "Impacted components: {}.\n", ids.join(", "));
    }
    let _ = writeln!(out, "| Phase | When (UTC) | After |\n|---|---|---|");
    let phases = [
        ("Impact started", incident.started_at, None),
        (
            "Detected",
            Some(incident.detected_at),
            Some(IncidentMetric::TimeToDetect),
        ),
        (
            "Acknowledged",
            incident.acknowledged_at,
            Some(IncidentMetric::TimeToAcknowledge),
        ),
        ("Mitigated", incident.mitigated_at, Some(IncidentMetric::TimeToMitigate)),
        ("Resolved", incident.resolved_at, Some(IncidentMetric::TimeToResolve)),
    ];
    for (name, at, metric) in phases {
        let when = at.map_or_else(|| "not recorded".to_owned(), instant);
        let after = metric
            .and_then(|m| m.of(incident))
            .map(|d| {
                let from = if metric == Some(IncidentMetric::TimeToDetect) {
                    "impact start"
                } else {
                    "detection"
                };
                format!("{} after {from}", format_duration(d))
            })
            .unwrap_or_default();
        let _ = writeln!(out, "| {name} | {when} | {after} |");
    }

    let questions = [
        ("What happened?", pm.and_then(|p| p.what_happened.as_deref())),
        ("Why did it happen?", pm.and_then(|p| p.why.as_deref())),
        (
            "Why did monitoring not catch it earlier?",
            pm.and_then(|p| p.why_not_detected.as_deref()),
        ),
        (
            "Why did self-healing not resolve it?",
            pm.and_then(|p| p.why_not_self_healed.as_deref()),
        ),
    ];
    for (q, answer) in questions {
        let answer = answer.map(str::trim).filter(|a| !a.is_empty());
        let _ = writeln!(out, "\n## {q}\n\n{}", answer.unwrap_or("_Not written yet._"));
    }

    if let Some(p) = incident.problem.map(|p| &inv.problems()[p.index()])
        && (p.root_cause.is_some() || p.plan.is_some())
    {
        let _ = writeln!(out, "\n## Problem {}: {}\n", p.id, one_line(&p.title));
        if let Some(cause) = &p.root_cause {
            let _ = writeln!(out, "Root cause: {}\n", one_line(cause));
        }
        if let Some(plan) = &p.plan {
            out.push_str("Plan for the next occurrence:\n\n");
            for d in &plan.diagnostics {
                let _ = writeln!(out, "- Collect: {}", one_line(d));
            }
            if let Some(t) = plan.collect_for {
                let _ = writeln!(
                    out,
                    "- Spend up to {} collecting before restoring service.",
                    format_duration(t)
                );
            }
            let names = |ps: &[Principal]| ps.iter().map(|&p| principal(inv, p)).collect::<Vec<_>>().join(", ");
            if !plan.prepared.is_empty() {
                let _ = writeln!(out, "- Prepared: {}.", names(&plan.prepared));
            }
            if !plan.notify.is_empty() {
                let _ = writeln!(out, "- Tell: {}.", names(&plan.notify));
            }
        }
    }

    out.push_str("\n## Timeline\n\n");
    if incident.timeline.is_empty() {
        out.push_str("_No timeline recorded._\n");
    } else {
        out.push_str("| When (UTC) | Who | Kind | What |\n|---|---|---|---|\n");
        for e in &incident.timeline {
            let who = e.author.map(|a| principal(inv, a)).unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                instant(e.at),
                cell(&who),
                cell(e.kind.as_deref().unwrap_or("")),
                cell(&e.text)
            );
        }
    }

    out.push_str("\n## Issues and actions\n");
    let issues = pm.map(|p| p.issues.as_slice()).unwrap_or_default();
    if issues.is_empty() {
        out.push_str("\n_No issues identified yet._\n");
    }
    for (n, issue) in issues.iter().enumerate() {
        let _ = writeln!(out, "\n### {}. {}\n", n + 1, one_line(&issue.description));
        if issue.actions.is_empty() {
            out.push_str("_No action yet: every issue needs at least one._\n");
            continue;
        }
        out.push_str("| Action | Owner | Due | Expected result | Status |\n|---|---|---|---|---|\n");
        for a in &issue.actions {
            let owner = a
                .owner
                .map_or_else(|| "**no owner**".to_owned(), |o| cell(&principal(inv, o)));
            let due = a.due.map_or_else(|| "**no due date**".to_owned(), date);
            let status = a
                .done_at
                .map_or_else(|| "open".to_owned(), |t| format!("done {}", date(t)));
            let _ = writeln!(
                out,
                "| {} | {owner} | {due} | {} | {status} |",
                cell(&a.description),
                cell(a.expected_result.as_deref().unwrap_or("")),
            );
        }
    }
    out
}

fn row(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "| **{key}** | {} |", cell(value));
}

/// A person as `Name (id)` when the name is known; other principals by id.
fn principal(inv: &Inventory, p: Principal) -> String {
    let id = inv.principal_id(p);
    match p {
        Principal::Person(i) => match &inv.person(i).name {
            Some(name) => format!("{name} ({id})"),
            None => id.to_owned(),
        },
        Principal::Group(_) => format!("group {id}"),
        Principal::ServiceAccount(_) => id.to_owned(),
    }
}

fn instant(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn date(t: Timestamp) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text made safe for one Markdown table cell: on one line, pipes escaped.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}
