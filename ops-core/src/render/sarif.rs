use std::io;

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{Value, json};

use crate::{BaselineState, Finding, Report, Severity};

/// The rule id of [`problems_to_sarif`]'s results.
pub const SARIF_INVALID_RULE: &str = "inventory/invalid";

/// The problems of an inventory that does not load, as a SARIF 2.1.0 log
/// code scanning can show: one error-level result of rule
/// [`SARIF_INVALID_RULE`] per problem, at its file, line and column (up to
/// [`SARIF_MAX_RESULTS`], with a notification beyond).
///
/// ```
/// use ops_core::{Error, Format, Inventory, render};
/// let Err(Error::Invalid(problems)) = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, depends_on: [db]}]") else {
///     return Err("expected an invalid inventory".into());
/// };
/// let log = render::problems_to_sarif(&problems);
/// let result = &log["runs"][0]["results"][0];
/// assert_eq!(result["ruleId"], "inventory/invalid");
/// assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn problems_to_sarif(problems: &crate::Diagnostics) -> Value {
    let results: Vec<Value> = problems
        .iter()
        .take(SARIF_MAX_RESULTS)
        .map(|p| {
            let mut r = json!({
                "ruleId": SARIF_INVALID_RULE,
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": p.message},
            });
            if let Some(at) = &p.location {
                r["locations"] = json!([{"physicalLocation": {
                    "artifactLocation": artifact(&at.file),
                    "region": {"startLine": at.line.max(1), "startColumn": at.column.max(1)},
                }}]);
            }
            r
        })
        .collect();
    let mut notifications = Vec::new();
    if problems.len() > SARIF_MAX_RESULTS {
        notifications.push(json!({
            "level": "warning",
            "descriptor": {"id": "ops/results-truncated"},
            "message": {"text": format!("{} of {} problems left out: code scanning takes {SARIF_MAX_RESULTS} results per run",
                problems.len() - SARIF_MAX_RESULTS, problems.len())},
        }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {
                "description": {"text": "The directory ops ran in: the repository's root in CI."},
            }},
            "invocations": [{"executionSuccessful": problems.is_empty(), "toolExecutionNotifications": notifications}],
            "results": results,
            "tool": {"driver": {
                "name": "ops",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": [{
                    "id": SARIF_INVALID_RULE,
                    "name": SARIF_INVALID_RULE,
                    "shortDescription": {"text": "The inventory does not load"},
                    "fullDescription": {"text": "A problem that stops the inventory from loading: a syntax error, an unknown field, a dangling reference, an invalid value."},
                    "help": {
                        "text": "Fix the problem at the location shown; `opsctl validate` lists every problem.",
                        "markdown": "Fix the problem at the location shown; `opsctl validate` lists every problem. The format is described in docs/inventory-format.md.",
                    },
                    "defaultConfiguration": {"level": "error"},
                    "properties": {"tags": ["inventory"]},
                }],
            }},
        }],
    })
}

/// Most results one run holds: GitHub code scanning's hard limit per run.
pub const SARIF_MAX_RESULTS: usize = 25_000;

/// Most bytes the results of one run take, as written: code scanning
/// refuses files over 10 MB gzip-compressed, so results stop at 9 MB
/// uncompressed, leaving room for the rules, whatever the compression.
pub const SARIF_MAX_RESULT_BYTES: usize = 9_000_000;

/// The key findings' fingerprints are written under in `partialFingerprints`.
pub const SARIF_FINGERPRINT_KEY: &str = "ops/v1";

/// The report as a SARIF 2.1.0 log, for code-scanning UIs (GitHub code
/// scanning among them). [`write_sarif`] writes the same log without
/// building it in memory.
///
/// Each result points at the file, line and column (counted in Unicode code
/// points, `columnKind: unicodeCodePoints`) where its subject is defined;
/// relative file paths are URIs relative to `%SRCROOT%` (the repository's
/// root, when ops runs from there). Each result carries its fingerprint in
/// `partialFingerprints` under [`SARIF_FINGERPRINT_KEY`], a waived finding a
/// `suppressions` entry, and with a baseline its `baselineState`. Rules carry
/// their documentation (`help.markdown`), their domain as a tag, and for
/// access, backup and cross-check rules a `security-severity`, so code
/// scanning shows them as security alerts. At most [`SARIF_MAX_RESULTS`]
/// results and [`SARIF_MAX_RESULT_BYTES`] of them are written, most severe
/// first; a notification says how many were left out. Checks that could not
/// run become tool execution notifications.
pub fn to_sarif(report: &Report) -> Value {
    serde_json::to_value(Log(report)).unwrap_or(Value::Null)
}

/// Writes the SARIF log [`to_sarif`] returns, pretty-printed and ending
/// with a line break, to `out` as it goes: memory stays bounded by the
/// largest result. The writer gets the text in large pieces (it is buffered
/// here), and is not flushed.
pub fn write_sarif<W: io::Write + ?Sized>(report: &Report, out: &mut W) -> io::Result<()> {
    super::write_pretty(&Log(report), out)
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
                let domain = domain(r.id());
                let mut properties = json!({"severity": r.default_severity(), "tags": [domain]});
                if let Some(score) = security_severity(r.id(), r.default_severity()) {
                    properties["security-severity"] = json!(score);
                    properties["tags"] = json!([domain, "security"]);
                }
                json!({
                    "id": r.id(),
                    "name": r.id(),
                    "shortDescription": {"text": r.summary()},
                    "fullDescription": {"text": r.summary()},
                    "help": {"text": r.explanation(), "markdown": r.explanation()},
                    "defaultConfiguration": {"level": level(r.default_severity())},
                    "properties": properties,
                })
            })
            .collect();
        let mut notifications: Vec<Value> = report
            .failures
            .iter()
            .map(|e| {
                json!({
                    "level": "error",
                    "message": {"text": format!("check '{}' could not run: {}", e.check, e.message)},
                })
            })
            .collect();
        let index: std::collections::HashMap<&str, usize> =
            report.rules.iter().enumerate().map(|(i, r)| (r.id(), i)).collect();
        let kept = kept(report, &index);
        if kept < report.findings.len() {
            let left = report.findings.len() - kept;
            notifications.push(json!({
                "level": "warning",
                "descriptor": {"id": "ops/results-truncated"},
                "message": {"text": format!(
                    "{left} of {} results left out (the least severe) to stay within code scanning's limits \
                     ({SARIF_MAX_RESULTS} results per run, {SARIF_MAX_RESULT_BYTES} bytes of results); \
                     the JSON output has every finding",
                    report.findings.len()
                )},
            }));
        }
        // Keys in sorted order, as a `Value` would write them.
        #[derive(serde::Serialize)]
        struct Run<'a> {
            #[serde(rename = "columnKind")]
            column_kind: &'static str,
            invocations: Value,
            #[serde(rename = "originalUriBaseIds")]
            original_uri_base_ids: Value,
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
                column_kind: "unicodeCodePoints",
                original_uri_base_ids: json!({"%SRCROOT%": {
                    "description": {"text": "The directory ops ran in: the repository's root in CI."},
                }}),
                invocations: json!([{
                    "executionSuccessful": report.failures.is_empty(),
                    "toolExecutionNotifications": notifications,
                }]),
                results: Results { report, index, kept },
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

/// The first `kept` results, each made a `Value` just before it is written.
struct Results<'a> {
    report: &'a Report,
    index: std::collections::HashMap<&'a str, usize>,
    kept: usize,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.kept))?;
        for f in &self.report.findings[..self.kept] {
            seq.serialize_element(&result(f, self.index.get(&*f.check).copied()))?;
        }
        seq.end()
    }
}

/// How many of the findings (most severe first) fit in code scanning's
/// limits: each result is sized as written, pretty-printed at its depth.
fn kept(report: &Report, index: &std::collections::HashMap<&str, usize>) -> usize {
    kept_within(report, index, SARIF_MAX_RESULTS, SARIF_MAX_RESULT_BYTES)
}

/// How many of the findings fit in `max_results` results of `max_bytes` in all.
fn kept_within(
    report: &Report,
    index: &std::collections::HashMap<&str, usize>,
    max_results: usize,
    max_bytes: usize,
) -> usize {
    let mut bytes = 0usize;
    for (i, f) in report.findings.iter().enumerate() {
        if i == max_results {
            return i;
        }
        let text = serde_json::to_string_pretty(&result(f, index.get(&*f.check).copied())).unwrap_or_default();
        // Written inside the log, each line is indented 8 more spaces.
        bytes += text.len() + 8 * (text.matches('\n').count() + 1) + 2;
        if bytes > max_bytes {
            return i;
        }
    }
    report.findings.len()
}

/// The domain a rule belongs to, for its tag: a built-in rule's owning
/// module (`backup`), or `plugin` for a plugin's.
fn domain(id: &str) -> &str {
    if id.starts_with("plugin:") {
        return "plugin";
    }
    id.split_once('/').map_or(id, |(owner, _)| owner)
}

/// code scanning's `security-severity` (0.1 to 10; 9 and up critical, 7
/// high, 4 medium, below that low) for access, backup and cross-check rules,
/// from the rule's default severity; none for other rules and for `info`.
fn security_severity(id: &str, severity: Severity) -> Option<&'static str> {
    if !matches!(domain(id), "access" | "backup" | "crosscheck") {
        return None;
    }
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
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
        "partialFingerprints": {SARIF_FINGERPRINT_KEY: f.fingerprint()},
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
    if let Some(w) = &f.waiver {
        let expires = w.expires.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (owner {}, until {expires}, waiver at {})", w.reason, w.owner, w.location),
        }]);
    }
    match f.baseline_state {
        Some(BaselineState::New) => r["baselineState"] = json!("new"),
        Some(BaselineState::Unchanged) => r["baselineState"] = json!("unchanged"),
        None => {}
    }
    if let Some(at) = &f.location {
        r["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": artifact(&at.file),
                "region": {"startLine": at.line.max(1), "startColumn": at.column.max(1)},
            },
            "logicalLocations": [{"name": f.subject.id, "kind": "object"}],
        }]);
    }
    r
}

/// Where a file is: a relative path relative to `%SRCROOT%`, an absolute
/// one as a `file:` URI.
fn artifact(path: &str) -> Value {
    let unix = path.replace('\\', "/");
    let absolute = unix.starts_with('/') || unix.as_bytes().get(1) == Some(&b':');
    if absolute {
        let slash = if unix.starts_with('/') { "" } else { "/" };
        json!({"uri": format!("file://{slash}{}", uri(&unix))})
    } else {
        json!({"uri": uri(unix.trim_start_matches("./")), "uriBaseId": "%SRCROOT%"})
    }
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
    use super::{SARIF_MAX_RESULT_BYTES, SARIF_MAX_RESULTS, to_sarif, uri};
    use crate::{EntityKind, Finding, Format, Inventory, Report, Runner, Severity, Subject};

    fn report(findings: usize, message_bytes: usize) -> Report {
        let inv = Inventory::from_text("inv.yaml", Format::Yaml, "{}").unwrap();
        let mut report = Runner::new().run(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
        let message = "x".repeat(message_bytes);
        report.findings = (0..findings)
            .map(|i| {
                Finding::new(
                    "test/rule",
                    Severity::Low,
                    Subject::new(EntityKind::Component, format!("c{i}")),
                    &message,
                )
            })
            .collect();
        report
    }

    fn notifications(log: &serde_json::Value) -> Vec<String> {
        log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["message"]["text"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn results_stop_at_code_scannings_limit_per_run_with_a_notification() {
        // Small results: the count limit is reached before the size budget.
        let big = report(SARIF_MAX_RESULTS + 2, 1);
        let index = std::collections::HashMap::new();
        assert_eq!(
            super::kept_within(&big, &index, SARIF_MAX_RESULTS, usize::MAX),
            SARIF_MAX_RESULTS
        );
        assert_eq!(
            super::kept_within(&big, &index, 30_000, usize::MAX),
            SARIF_MAX_RESULTS + 2
        );
        // As written, the size budget (about 400 bytes a result) binds first.
        let log = to_sarif(&big);
        let kept = log["runs"][0]["results"].as_array().unwrap().len();
        assert!((15_000..SARIF_MAX_RESULTS).contains(&kept), "{kept}");
        assert_eq!(
            notifications(&log),
            [format!(
                "{} of 25002 results left out (the least severe) to stay within code scanning's limits \
                 (25000 results per run, 9000000 bytes of results); the JSON output has every finding",
                25_002 - kept
            )]
        );
        let small = to_sarif(&report(100, 1));
        assert_eq!(small["runs"][0]["results"].as_array().unwrap().len(), 100);
        assert!(notifications(&small).is_empty());
    }

    #[test]
    fn results_stop_at_the_size_budget() {
        // 40 results of 500 kB each: 20 MB, so about 18 fit.
        let mut out = Vec::new();
        super::write_sarif(&report(40, 500_000), &mut out).unwrap();
        assert!(out.len() < SARIF_MAX_RESULT_BYTES + 100_000, "{}", out.len());
        let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let kept = log["runs"][0]["results"].as_array().unwrap().len();
        assert_eq!(kept, 17);
        assert!(notifications(&log)[0].starts_with("23 of 40 results left out"));
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("inv/db.yaml"), "inv/db.yaml");
        assert_eq!(uri("my inv\\a#1.yaml"), "my%20inv/a%231.yaml");
    }
}
