//! The HTML report's tables: backups, the access review, incident metrics.
//! Each is `None` when the inventory has nothing for it.

use chrono::TimeDelta;
use maud::{Markup, html};

use crate::{
    AccessReview, BackupStatus, EffectiveAccess, IncidentMetric, IncidentMetrics, Inventory, MetricsGroup, Report,
    Schedule, Severity, Timestamp, format_duration, format_span,
};

/// A severity as a coloured label (here rather than in html.rs, which
/// imports this file, so that the two do not import each other).
pub(crate) fn badge(severity: Severity) -> Markup {
    let s = severity.as_str();
    html! { span class={ "badge sev-" (s) } { (s) } }
}

fn minute(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn schedule(s: &Schedule) -> String {
    match s {
        Schedule::Cron(c) => format!("cron {} ({})", c.expression(), c.timezone().name()),
        Schedule::Every(d) => format!("every {}", format_duration(*d)),
    }
}

/// Where every backup policy stands at the report's instant, with the
/// backup findings about it.
pub(crate) fn backups(inv: &Inventory, report: &Report) -> Option<Markup> {
    if inv.backup_policies().is_empty() {
        return None;
    }
    let now = report.evaluated_at;
    let row = |s: &BackupStatus<'_>| {
        let p = s.policy;
        let age = s.age(now);
        let stale = matches!((age, p.rpo), (Some(a), Some(r)) if a > r) || (age.is_none() && p.rpo.is_some());
        let age_text = match (age, p.rpo) {
            (Some(a), Some(r)) => format!("{} / {}", format_span(a), format_duration(r)),
            (Some(a), None) => format!("{} / no RPO", format_span(a)),
            (None, Some(r)) => format!("never / {}", format_duration(r)),
            (None, None) => "never".to_owned(),
        };
        let suspicious: Vec<String> = s
            .suspicious
            .iter()
            .map(|r| format!("{}: {}", minute(r.run.started_at), r.reasons.join("; ")))
            .collect();
        let drill = match s.last_drill {
            Some(d) => format!(
                "{} ({})",
                d.at.format("%Y-%m-%d"),
                format!("{:?}", d.outcome).to_lowercase()
            ),
            None => "never".to_owned(),
        };
        let prefix = format!("{}@", p.id);
        let findings = report
            .findings
            .iter()
            .filter(|f| f.check.starts_with("backup/") && (f.subject.id == p.id || f.subject.id.starts_with(&prefix)));
        html! {
            tr {
                td { code { (p.id) } }
                td { code { (inv.component(p.protects).id) } }
                td { @match &p.schedule { Some(x) => (schedule(x)), None => "none" } }
                td { @match s.last_good_run { Some(r) => (minute(r.started_at)), None => "none" } }
                td class=(if stale { "bad" } else { "ok" }) { (age_text) }
                td {
                    @if suspicious.is_empty() { "none" }
                    @for (i, x) in suspicious.iter().enumerate() { @if i > 0 { br; } (x) }
                }
                td { (drill) }
                td {
                    (p.copies.len()) " (" (p.copies.iter().filter(|c| c.offsite).count()) " offsite, "
                    (p.copies.iter().filter(|c| c.immutable).count()) " immutable)"
                }
                td { (p.monitor.as_deref().unwrap_or("none")) }
                td.findings {
                    @for (i, f) in findings.enumerate() {
                        @if i > 0 { br; }
                        (badge(f.severity)) " " code { (f.check) }
                    }
                }
            }
            "\n"
        }
    };
    Some(html! {
        section id="backups" {
            "\n" h2 { "Backups" } "\n"
            table.backups {
                "\n"
                thead {
                    tr {
                        th { "Policy" } th { "Protects" } th { "Schedule" } th { "Last good run" } th { "Age / RPO" }
                        th { "Runs without data" } th { "Last drill" } th { "Copies" } th { "Monitor" } th { "Findings" }
                    }
                }
                "\n"
                tbody { "\n" @for s in BackupStatus::all(inv, now) { (row(&s)) } }
                "\n"
            }
            "\n"
        }
        "\n"
    })
}

/// The access review at `now`, rows to question first.
pub(crate) fn access(inv: &Inventory, now: Timestamp) -> Option<Markup> {
    let review = AccessReview::new(&EffectiveAccess::new(inv), None, now);
    if review.rows.is_empty() {
        return None;
    }
    let flagged = review.rows.iter().filter(|r| !r.flags.is_empty()).count();
    let rows = review
        .rows
        .iter()
        .filter(|r| !r.flags.is_empty())
        .chain(review.rows.iter().filter(|r| r.flags.is_empty()));
    Some(html! {
        section id="access" {
            "\n" h2 { "Access review" } "\n"
            p { (review.rows.len()) " rows, " (flagged) " flagged for a second look (listed first)." } "\n"
            table.access {
                "\n"
                thead {
                    tr {
                        th { "System" } th { "Principal" } th { "Status" } th { "Level" } th { "Role" }
                        th { "Source" } th { "Via" } th { "Last used" } th { "Flags" }
                    }
                }
                "\n"
                tbody {
                    "\n"
                    @for r in rows {
                        tr class=[(!r.flags.is_empty()).then_some("flagged")] {
                            td { code { (r.system) } }
                            td { code { (r.principal) } " (" (r.principal_kind.replace('_', " ")) ")" }
                            td { (r.status.replace('_', " ")) }
                            td { (r.level) }
                            td { (r.role.as_deref().unwrap_or_default()) }
                            td { code { (r.source) } }
                            td { (r.via) }
                            td {
                                @match r.last_used_at {
                                    Some(t) => (t.format("%Y-%m-%d")),
                                    None => "never",
                                }
                            }
                            td { @for f in &r.flags { span.flag { (f) } } }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    })
}

fn stat(d: Option<TimeDelta>) -> String {
    d.map_or("–".to_owned(), format_duration)
}

/// Incident metrics: median and p90 of each duration, overall, by severity
/// and by component.
pub(crate) fn incidents(inv: &Inventory) -> Option<Markup> {
    if inv.incidents().is_empty() {
        return None;
    }
    let m = IncidentMetrics::new(inv, None);
    let groups = std::iter::once(&m.overall).chain(&m.by_severity).chain(&m.by_component);
    Some(html! {
        section id="incidents" {
            "\n" h2 { "Incidents" } "\n"
            p {
                "Time to detect runs from the start of impact; the others from detection. Median and p90 are \
                 nearest-rank."
            }
            "\n"
            table.incidents {
                "\n"
                thead {
                    tr {
                        th rowspan="2" { "Group" } th rowspan="2" { "Incidents" } th rowspan="2" { "Customer-detected" }
                        @for metric in IncidentMetric::ALL { th colspan="2" { "Time to " (metric.as_str()) } }
                    }
                    "\n"
                    tr { @for _ in IncidentMetric::ALL { th { "median" } th { "p90" } } }
                }
                "\n"
                tbody { "\n" @for g in groups { (row(g)) } }
                "\n"
            }
            "\n"
        }
        "\n"
    })
}

fn row(g: &MetricsGroup) -> Markup {
    let share = g
        .detection
        .customer_share()
        .map_or("–".to_owned(), |s| format!("{:.0}%", s * 100.0));
    html! {
        tr {
            td { code { (g.key) } }
            td.num { (g.incidents) }
            td.num { (share) }
            @for metric in IncidentMetric::ALL {
                @let s = g.stats(metric);
                td.num { (stat(s.map(|s| s.median))) }
                td.num { (stat(s.map(|s| s.p90))) }
            }
        }
        "\n"
    }
}
