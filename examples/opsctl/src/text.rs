//! The text report: findings grouped by severity, coloured only when asked.

use std::fmt::Write;

use ops_core::{Report, Severity};

/// ANSI styles, or nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub(crate) color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;36",
            Severity::Info => "1;34",
        };
        self.paint(code, &s.as_str().to_ascii_uppercase())
    }

    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub(crate) fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

pub(crate) fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    for severity in Severity::ALL {
        let findings: Vec<_> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} ({})", style.severity(severity), findings.len());
        for f in findings {
            let _ = writeln!(
                out,
                "  {} {}",
                style.bold(&f.message),
                style.dim(&format!("[{}]", f.check))
            );
            if let Some(at) = &f.location {
                let _ = writeln!(out, "    at {at}");
            }
            if let Some(fix) = &f.remediation {
                let _ = writeln!(out, "    fix: {fix}");
            }
        }
        out.push('\n');
    }
    for e in &report.failures {
        let _ = writeln!(
            out,
            "{} check '{}' could not run: {}",
            style.error("error:"),
            e.check,
            e.message
        );
    }
    let counts = report.counts();
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| counts[s] > 0)
        .map(|s| format!("{} {s}", counts[s]))
        .collect();
    let total = report.findings.len();
    let at = report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    if total == 0 {
        let _ = writeln!(out, "No findings (evaluated at {at}).");
    } else {
        let s = if total == 1 { "" } else { "s" };
        let _ = writeln!(out, "{total} finding{s}: {} (evaluated at {at}).", parts.join(", "));
    }
    out
}
