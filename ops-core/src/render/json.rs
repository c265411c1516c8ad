use serde_json::{Value, json};

use crate::Report;

/// Version of the JSON document [`to_json`] writes. Bumped on any change that
/// could break a reader; adding fields does not bump it.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The report as the documented JSON document (see `docs/json-output.md`).
///
/// ```
/// use ops_core::{Format, Inventory, Runner, render};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
/// let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T00:00:00Z".parse()?);
/// let doc = render::to_json(&report);
/// assert_eq!(doc["version"], 1);
/// assert_eq!(doc["summary"]["medium"], 1);
/// assert_eq!(doc["findings"][0]["subject"]["id"], "web");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_json(report: &Report) -> Value {
    let summary: serde_json::Map<String, Value> = report
        .counts()
        .iter()
        .rev()
        .map(|(s, n)| (s.as_str().to_owned(), json!(n)))
        .collect();
    json!({
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "ops", "version": env!("CARGO_PKG_VERSION")},
        "evaluated_at": report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        "summary": summary,
        "findings": report.findings,
        "errors": report.failures,
    })
}
