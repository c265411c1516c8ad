use std::io;

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{Value, json};

use crate::{Finding, Report, Severity};

/// The report as a SARIF 2.1.0 log, for code-scanning UIs.
/// [`write_sarif`] writes the same log without building it in memory.
///
/// Each result points at the file, line and column where its subject is
/// defined; file paths are written as relative URIs, as given to the loader.
/// Checks that could not run become tool execution notifications.
pub fn to_sarif(report: &Report) -> Value {
    serde_json::to_value(Log(report)).unwrap_or(Value::Null)
}

/// Writes the SARIF log [`to_sarif`] returns, pretty-printed and ending
/// with a line break, to `out` as it goes: memory stays bounded by the
/// largest result. Wrap a file or standard output in a [`std::io::BufWriter`].
pub fn write_sarif<W: io::Write + ?Sized>(report: &Report, out: &mut W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Log(report))?;
    out.write_all(b"\n")
}

/// The log: the small parts as values, the results streamed.
struct Log<'a>(&'a Report);

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
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
        // Keys in sorted order, as a `Value` would write them.
        #[derive(serde::Serialize)]
        struct Run<'a> {
            invocations: Value,
            results: Results<'a>,
            tool: Value,
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            #[serde(rename = "$schema")]
            schema: &'static str,
            runs: [Run<'a>; 1],
            version: &'static str,
        }
        Doc {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            runs: [Run {
                invocations: json!([{
                    "executionSuccessful": report.failures.is_empty(),
                    "toolExecutionNotifications": notifications,
                }]),
                results: Results(report),
                tool: json!({"driver": {
                    "name": "ops",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }}),
            }],
            version: "2.1.0",
        }
        .serialize(s)
    }
}

/// The results, each made a `Value` just before it is written.
struct Results<'a>(&'a Report);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let index: std::collections::HashMap<&str, usize> =
            report.rules.iter().enumerate().map(|(i, r)| (r.id(), i)).collect();
        let mut seq = s.serialize_seq(Some(report.findings.len()))?;
        for f in &report.findings {
            seq.serialize_element(&result(f, index.get(f.check.as_str()).copied()))?;
        }
        seq.end()
    }
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
