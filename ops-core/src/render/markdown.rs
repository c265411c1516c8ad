use std::fmt::Write;

use crate::{Report, Severity};

/// The report as a Markdown document: a summary table, then each finding
/// grouped by severity with its location and remediation.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    let at = report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let _ = writeln!(out, "# ops report\n\nEvaluated at {at}.\n");
    let _ = writeln!(out, "| Severity | Findings |\n|---|---|");
    for (severity, n) in report.counts().iter().rev() {
        let _ = writeln!(out, "| {severity} | {n} |");
    }
    if report.findings.is_empty() {
        out.push_str("\nNo findings.\n");
    }
    for severity in Severity::ALL {
        let findings: Vec<_> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if findings.is_empty() {
            continue;
        }
        let mut title = severity.as_str().to_owned();
        title[..1].make_ascii_uppercase();
        let _ = writeln!(out, "\n## {title} ({})\n", findings.len());
        for f in findings {
            let _ = write!(out, "- **{}** `{}`", escape(&f.message), f.check);
            if let Some(at) = &f.location {
                let _ = write!(out, " ({})", escape(&at.to_string()));
            }
            out.push('\n');
            if let Some(r) = &f.remediation {
                let _ = writeln!(out, "  - Fix: {}", escape(r));
            }
        }
    }
    if !report.failures.is_empty() {
        let _ = writeln!(out, "\n## Checks that could not run\n");
        for e in &report.failures {
            let _ = writeln!(out, "- `{}`: {}", e.check, escape(&e.message));
        }
    }
    out
}

/// Escapes the characters Markdown would otherwise interpret inline.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}
