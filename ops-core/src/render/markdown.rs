use std::io::{self, Write};

use super::controls::escape_controls;
use crate::{Report, Severity};

/// The report as a Markdown document: a summary table, then each finding
/// grouped by severity with its location and remediation.
/// [`write_markdown`] writes the same document as it goes.
pub fn to_markdown(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every piece written is a str.
    let _ = write_markdown(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the document [`to_markdown`] returns to `out`, one finding at a
/// time. Text from the inventory or a plugin is escaped: Markdown's inline
/// syntax, and control and bidirectional characters (as `\u{..}`).
pub fn write_markdown<W: Write + ?Sized>(report: &Report, out: &mut W) -> io::Result<()> {
    let at = report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    writeln!(out, "# ops report\n\nEvaluated at {at}.\n")?;
    writeln!(out, "| Severity | Findings |\n|---|---|")?;
    let counts = report.counts();
    for (severity, n) in counts.iter().rev() {
        writeln!(out, "| {severity} | {n} |")?;
    }
    if report.findings.is_empty() {
        out.write_all(b"\nNo findings.\n")?;
    }
    for severity in Severity::ALL {
        let n = counts.get(&severity).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        let mut title = severity.as_str().to_owned();
        title[..1].make_ascii_uppercase();
        writeln!(out, "\n## {title} ({n})\n")?;
        for f in report.findings.iter().filter(|f| f.severity == severity) {
            write!(out, "- **{}** `{}`", escape(&f.message), code(&f.check))?;
            if let Some(at) = &f.location {
                write!(out, " ({})", escape(&at.to_string()))?;
            }
            match f.baseline_state {
                Some(crate::BaselineState::New) => write!(out, " *new*")?,
                Some(crate::BaselineState::Unchanged) => write!(out, " *unchanged*")?,
                None => {}
            }
            out.write_all(b"\n")?;
            if let Some(w) = &f.waiver {
                let until = w.expires.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                writeln!(
                    out,
                    "  - Waived until {until} by {}: {}",
                    escape(&w.owner),
                    escape(&w.reason)
                )?;
            }
            if let Some(r) = &f.remediation {
                writeln!(out, "  - Fix: {}", escape(r))?;
            }
        }
    }
    if !report.failures.is_empty() {
        writeln!(out, "\n## Checks that could not run\n")?;
        for e in &report.failures {
            writeln!(out, "- `{}`: {}", code(&e.check), escape(&e.message))?;
        }
    }
    Ok(())
}

/// Escapes the characters Markdown would otherwise interpret inline (pipes
/// too, so the text stands in a table cell), and control and bidirectional
/// characters.
pub(super) fn escape(text: &str) -> String {
    let text = escape_controls(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text for inside a code span: control characters escaped, and backticks
/// (which would end the span) replaced.
fn code(text: &str) -> String {
    escape_controls(text).replace('`', "'")
}
