//! The HTML report's tables: backups, the access review, incident metrics.
//! Each is `None` when the inventory has nothing for it.

use std::fmt::Write;

use chrono::TimeDelta;

use crate::markup::escape;
use crate::{
    AccessReview, BackupStatus, EffectiveAccess, IncidentMetric, IncidentMetrics, Inventory, MetricsGroup, Report,
    Schedule, Timestamp, format_duration, format_span,
};

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
pub(crate) fn backups(inv: &Inventory, report: &Report) -> Option<String> {
    if inv.backup_policies().is_empty() {
        return None;
    }
    let now = report.evaluated_at;
    let mut out = String::from(
        "<section id=\"backups\">\n<h2>Backups</h2>\n<table class=\"backups\">\n<thead><tr><th>Policy</th>\
         <th>Protects</th><th>Schedule</th><th>Last good run</th><th>Age / RPO</th><th>Runs without data</th>\
         <th>Last drill</th><th>Copies</th><th>Monitor</th><th>Findings</th></tr></thead>\n<tbody>\n",
    );
    for s in BackupStatus::all(inv, now) {
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
        let findings: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.check.starts_with("backup/") && (f.subject.id == p.id || f.subject.id.starts_with(&prefix)))
            .map(|f| {
                format!(
                    "<span class=\"badge sev-{s}\">{s}</span> <code>{}</code>",
                    escape(&f.check),
                    s = f.severity.as_str()
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>\
             <td>{}</td><td>{}</td><td>{} ({} offsite, {} immutable)</td><td>{}</td><td class=\"findings\">{}</td></tr>",
            escape(&p.id),
            escape(&inv.component(p.protects).id),
            p.schedule.as_ref().map_or("none".to_owned(), |x| escape(&schedule(x))),
            s.last_good_run.map_or("none".to_owned(), |r| minute(r.started_at)),
            if stale { "bad" } else { "ok" },
            escape(&age_text),
            if suspicious.is_empty() {
                "none".to_owned()
            } else {
                suspicious.iter().map(|x| escape(x)).collect::<Vec<_>>().join("<br>")
            },
            escape(&drill),
            p.copies.len(),
            p.copies.iter().filter(|c| c.offsite).count(),
            p.copies.iter().filter(|c| c.immutable).count(),
            p.monitor.as_deref().map_or("none".to_owned(), escape),
            findings.join("<br>"),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    Some(out)
}

/// The access review at `now`, rows to question first.
pub(crate) fn access(inv: &Inventory, now: Timestamp) -> Option<String> {
    let review = AccessReview::new(&EffectiveAccess::new(inv), None, now);
    if review.rows.is_empty() {
        return None;
    }
    let flagged = review.rows.iter().filter(|r| !r.flags.is_empty()).count();
    let mut out = format!(
        "<section id=\"access\">\n<h2>Access review</h2>\n<p>{} rows, {flagged} flagged for a second look (listed first).</p>\n\
         <table class=\"access\">\n<thead><tr><th>System</th><th>Principal</th><th>Status</th><th>Level</th>\
         <th>Role</th><th>Source</th><th>Via</th><th>Last used</th><th>Flags</th></tr></thead>\n<tbody>\n",
        review.rows.len()
    );
    let rows = review
        .rows
        .iter()
        .filter(|r| !r.flags.is_empty())
        .chain(review.rows.iter().filter(|r| r.flags.is_empty()));
    for r in rows {
        let flags: String = r
            .flags
            .iter()
            .map(|f| format!("<span class=\"flag\">{}</span>", escape(f)))
            .collect();
        let _ = writeln!(
            out,
            "<tr{}><td><code>{}</code></td><td><code>{}</code> ({})</td><td>{}</td><td>{}</td><td>{}</td>\
             <td><code>{}</code></td><td>{}</td><td>{}</td><td>{flags}</td></tr>",
            if r.flags.is_empty() { "" } else { " class=\"flagged\"" },
            escape(&r.system),
            escape(&r.principal),
            r.principal_kind.replace('_', " "),
            r.status.replace('_', " "),
            r.level,
            r.role.as_deref().map_or(String::new(), escape),
            escape(&r.source),
            escape(&r.via),
            r.last_used_at
                .map_or("never".to_owned(), |t| t.format("%Y-%m-%d").to_string()),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    Some(out)
}

fn stat(d: Option<TimeDelta>) -> String {
    d.map_or("–".to_owned(), format_duration)
}

/// Incident metrics: median and p90 of each duration, overall, by severity
/// and by component.
pub(crate) fn incidents(inv: &Inventory) -> Option<String> {
    if inv.incidents().is_empty() {
        return None;
    }
    let m = IncidentMetrics::new(inv, None);
    let mut out = String::from(
        "<section id=\"incidents\">\n<h2>Incidents</h2>\n<p>Time to detect runs from the start of impact; the \
         others from detection. Median and p90 are nearest-rank.</p>\n<table class=\"incidents\">\n<thead><tr>\
         <th rowspan=\"2\">Group</th><th rowspan=\"2\">Incidents</th><th rowspan=\"2\">Customer-detected</th>",
    );
    for metric in IncidentMetric::ALL {
        let _ = write!(out, "<th colspan=\"2\">Time to {}</th>", metric.as_str());
    }
    out.push_str("</tr>\n<tr>");
    for _ in IncidentMetric::ALL {
        out.push_str("<th>median</th><th>p90</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let groups = std::iter::once(&m.overall).chain(&m.by_severity).chain(&m.by_component);
    for g in groups {
        row(&mut out, g);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    Some(out)
}

fn row(out: &mut String, g: &MetricsGroup) {
    let share = g
        .detection
        .customer_share()
        .map_or("–".to_owned(), |s| format!("{:.0}%", s * 100.0));
    let _ = write!(
        out,
        "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{share}</td>",
        escape(&g.key),
        g.incidents
    );
    for metric in IncidentMetric::ALL {
        let s = g.stats(metric);
        let _ = write!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            stat(s.map(|s| s.median)),
            stat(s.map(|s| s.p90))
        );
    }
    out.push_str("</tr>\n");
}
