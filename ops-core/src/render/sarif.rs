use serde_json::{Value, json};

use crate::{Finding, Report, Severity};

/// The report as a SARIF 2.1.0 log, for code-scanning UIs.
///
/// Each result points at the file, line and column where its subject is
/// defined; file paths are written as relative URIs, as given to the loader.
/// Checks that could not run become tool execution notifications.
pub fn to_sarif(report: &Report) -> Value {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.summary()},
                "help": {"text": r.explanation(), "markdown": r.explanation()},
                "defaultConfiguration": {"level": level(r.default_severity())},
                "properties": {"severity": r.default_severity()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, report.rules.iter().position(|r| r.id() == f.check)))
        .collect();
    let notifications: Vec<Value> = report
        .failures
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("check '{}' could not run: {}", e.check, e.message)},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ops",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.failures.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut r = json!({
        "ruleId": f.check,
        "level": level(f.severity),
        "message": {"text": f.message},
        "properties": {
            "severity": f.severity,
            "subject": f.subject,
            "evidence": f.evidence,
        },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(fix) = &f.remediation {
        r["properties"]["remediation"] = json!(fix);
    }
    if let Some(at) = &f.location {
        r["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&at.file)},
                "region": {"startLine": at.line.max(1), "startColumn": at.column.max(1)},
            },
            "logicalLocations": [{"name": f.subject.id, "kind": "object"}],
        }]);
    }
    r
}

/// A file path as a relative URI reference: forward slashes, and
/// percent-encoding for anything outside the unreserved set.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("inv/db.yaml"), "inv/db.yaml");
        assert_eq!(uri("my inv\\a#1.yaml"), "my%20inv/a%231.yaml");
    }
}
