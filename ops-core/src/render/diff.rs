//! Reading reports back: the fingerprints of a JSON report (a baseline),
//! and the difference between two JSON reports, for `opsctl diff`.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::controls::escape_controls;
use super::markdown;
use crate::Error;

/// The findings of a JSON report (as [`write_json`](super::write_json)
/// writes it), by fingerprint, in the report's order.
fn findings(text: &str) -> Result<Vec<(String, Value)>, Error> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        Error::InvalidReport(format!(
            "line {}, column {}: not a JSON report: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let Some(list) = doc.get("findings").and_then(Value::as_array) else {
        return Err(Error::InvalidReport(
            "no \"findings\" list: expected the output of `opsctl check --format json`".to_owned(),
        ));
    };
    list.iter()
        .enumerate()
        .map(|(i, f)| match f.get("fingerprint").and_then(Value::as_str) {
            Some(fp) => Ok((fp.to_owned(), f.clone())),
            None => Err(Error::InvalidReport(format!(
                "finding {} has no \"fingerprint\": the report was written by an older ops; run the check again",
                i + 1
            ))),
        })
        .collect()
}

/// The fingerprints of the findings of a JSON report, for
/// [`Report::apply_baseline`](crate::Report::apply_baseline).
///
/// ```
/// let text = r#"{"findings": [{"check": "graph/spof", "fingerprint": "ab12"}]}"#;
/// let fps = ops_core::render::baseline_fingerprints(text)?;
/// assert!(fps.contains("ab12"));
/// assert!(ops_core::render::baseline_fingerprints("{}").is_err());
/// # Ok::<(), ops_core::Error>(())
/// ```
pub fn baseline_fingerprints(text: &str) -> Result<HashSet<String>, Error> {
    Ok(findings(text)?.into_iter().map(|(fp, _)| fp).collect())
}

/// The difference between two JSON reports, findings matched by fingerprint.
#[derive(Clone, Debug, Serialize)]
pub struct ReportDiff {
    /// Findings of the new report that the old one did not have.
    pub new: Vec<Value>,
    /// Findings of the old report that the new one no longer has.
    pub fixed: Vec<Value>,
    /// Findings in both (as the new report has them).
    pub unchanged: Vec<Value>,
    /// Findings in both whose severity changed.
    pub severity_changes: Vec<SeverityChange>,
}

/// A finding in both reports at different severities.
#[derive(Clone, Debug, Serialize)]
pub struct SeverityChange {
    /// Its fingerprint.
    pub fingerprint: String,
    /// Its rule.
    pub check: String,
    /// Its message (the new report's).
    pub message: String,
    /// Its severity in the old report.
    pub old: String,
    /// Its severity in the new report.
    pub new: String,
}

impl ReportDiff {
    /// Compares the JSON reports `old` and `new` (texts as `opsctl check
    /// --format json` writes them).
    ///
    /// ```
    /// use ops_core::render::ReportDiff;
    /// let old = r#"{"findings": [{"check": "a", "severity": "low", "fingerprint": "1"},
    ///                             {"check": "b", "severity": "low", "fingerprint": "2"}]}"#;
    /// let new = r#"{"findings": [{"check": "b", "severity": "high", "fingerprint": "2"},
    ///                             {"check": "c", "severity": "low", "fingerprint": "3"}]}"#;
    /// let d = ReportDiff::between(old, new)?;
    /// assert_eq!((d.new.len(), d.fixed.len(), d.unchanged.len()), (1, 1, 1));
    /// assert_eq!(d.severity_changes[0].new, "high");
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn between(old: &str, new: &str) -> Result<ReportDiff, Error> {
        let old = findings(old)?;
        let new = findings(new)?;
        let old_by: BTreeMap<&str, &Value> = old.iter().map(|(fp, f)| (fp.as_str(), f)).collect();
        let new_fps: HashSet<&str> = new.iter().map(|(fp, _)| fp.as_str()).collect();
        let mut diff = ReportDiff {
            new: Vec::new(),
            fixed: Vec::new(),
            unchanged: Vec::new(),
            severity_changes: Vec::new(),
        };
        for (fp, f) in &new {
            match old_by.get(fp.as_str()) {
                None => diff.new.push(f.clone()),
                Some(o) => {
                    let (was, is) = (str_of(o, "severity"), str_of(f, "severity"));
                    if was != is {
                        diff.severity_changes.push(SeverityChange {
                            fingerprint: fp.clone(),
                            check: str_of(f, "check"),
                            message: str_of(f, "message"),
                            old: was,
                            new: is,
                        });
                    }
                    diff.unchanged.push(f.clone());
                }
            }
        }
        diff.fixed = old
            .iter()
            .filter(|(fp, _)| !new_fps.contains(fp.as_str()))
            .map(|(_, f)| f.clone())
            .collect();
        Ok(diff)
    }

    /// Writes the difference as Markdown ready to paste into a pull
    /// request: a summary line, then tables of new and fixed findings and
    /// of severity changes. Text from the reports is escaped.
    pub fn write_markdown<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        writeln!(
            out,
            "### ops: {} new, {} fixed, {} unchanged\n",
            self.new.len(),
            self.fixed.len(),
            self.unchanged.len()
        )?;
        table(out, "New findings", &self.new)?;
        table(out, "Fixed findings", &self.fixed)?;
        if !self.severity_changes.is_empty() {
            writeln!(
                out,
                "#### Severity changes\n\n| Rule | Finding | Was | Now |\n|---|---|---|---|"
            )?;
            for c in &self.severity_changes {
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    code(&c.check),
                    markdown::escape(&c.message),
                    markdown::escape(&c.old),
                    markdown::escape(&c.new)
                )?;
            }
            writeln!(out)?;
        }
        if self.new.is_empty() && self.fixed.is_empty() && self.severity_changes.is_empty() {
            writeln!(out, "No change in findings.")?;
        }
        Ok(())
    }
}

fn str_of(f: &Value, key: &str) -> String {
    f.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn table<W: Write + ?Sized>(out: &mut W, title: &str, findings: &[Value]) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "#### {title} ({})\n\n| Severity | Rule | Finding | Where |\n|---|---|---|---|",
        findings.len()
    )?;
    for f in findings {
        let at = f
            .get("location")
            .filter(|l| !l.is_null())
            .map(|l| {
                format!(
                    "{}:{}",
                    str_of(l, "file"),
                    l.get("line").and_then(Value::as_u64).unwrap_or(0)
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            markdown::escape(&str_of(f, "severity")),
            code(&str_of(f, "check")),
            markdown::escape(&str_of(f, "message")),
            markdown::escape(&at)
        )?;
    }
    writeln!(out)
}

/// Text for inside a code span in a table.
fn code(text: &str) -> String {
    escape_controls(text).replace('`', "'").replace('|', "\\|")
}
