//! `opsctl incident report`: time to detect, acknowledge, mitigate and
//! resolve. The metrics come from ops-core; this module prints them.

use anyhow::Result;
use clap::ValueEnum;
use ops_core::incident::{DurationStats, IncidentMetric, IncidentMetrics, MetricsGroup};
use serde_json::{Map, Value, json};

use crate::shared::{self, Inputs, parse_at};

/// Arguments of `opsctl incident report`.
#[derive(Debug, clap::Args)]
pub(crate) struct IncidentReportArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Only incidents detected at or after this instant (RFC 3339, or a date: 2026-07-01).
    #[arg(long, value_name = "DATE", value_parser = parse_at)]
    pub(crate) since: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
}

/// Formats of `opsctl incident report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// A table for the terminal, one row per group and metric.
    Text,
    /// A Markdown table, one row per group.
    Markdown,
    /// The groups as data, durations in seconds (docs/json-output.md).
    Json,
}

/// The report; exit 0 once written.
pub(crate) fn run(args: &IncidentReportArgs) -> Result<u8> {
    let inventory = shared::load(&args.inputs)?;
    let metrics = IncidentMetrics::new(&inventory, args.since);
    match args.format {
        ReportFormat::Text => shared::emit(None, &metrics.to_text())?,
        ReportFormat::Markdown => shared::emit(None, &metrics.to_markdown())?,
        ReportFormat::Json => shared::emit_json(None, &to_json(&metrics))?,
    }
    Ok(0)
}

/// The metrics as the documented JSON document.
fn to_json(m: &IncidentMetrics) -> Value {
    let groups = |gs: &[MetricsGroup]| gs.iter().map(group).collect::<Vec<_>>();
    json!({
        "since": m.since.map(shared::instant),
        "overall": group(&m.overall),
        "by_severity": groups(&m.by_severity),
        "by_component": groups(&m.by_component),
        "by_month": groups(&m.by_month),
    })
}

/// One group: its key, counts, the customer share and a statistics object
/// (or null) per metric, under `time_to_<metric>`.
fn group(g: &MetricsGroup) -> Value {
    let d = &g.detection;
    let mut doc = Map::new();
    doc.insert("key".to_owned(), json!(g.key));
    doc.insert("incidents".to_owned(), json!(g.incidents));
    doc.insert(
        "detected_by".to_owned(),
        json!({"monitor": d.monitor, "customer": d.customer, "staff": d.staff, "unknown": d.unknown}),
    );
    doc.insert("customer_share".to_owned(), json!(d.customer_share()));
    for metric in IncidentMetric::ALL {
        let stats = g.stats(metric).map(stats);
        doc.insert(format!("time_to_{}", metric.as_str()), json!(stats));
    }
    Value::Object(doc)
}

fn stats(s: &DurationStats) -> Value {
    json!({
        "count": s.count,
        "mean_seconds": shared::seconds(s.mean),
        "median_seconds": shared::seconds(s.median),
        "p90_seconds": shared::seconds(s.p90),
    })
}
