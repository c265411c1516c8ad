//! `opsctl backup status`: every backup policy at an instant.

use std::fmt::Write as _;

use anyhow::Result;
use ops_core::backup::BackupStatus;
use ops_core::time::{format_duration, format_span};
use ops_core::{Finding, Inventory, Report, Timestamp};
use serde_json::{Value, json};

use super::{minute, schedule_json, schedule_text};
use crate::shared::{self, AnalysisFormat, FailOn, Inputs, parse_at};

/// Arguments of `opsctl backup status`.
#[derive(Debug, clap::Args)]
pub(crate) struct BackupStatusArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
    /// Exit with 1 if any backup finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub(crate) fail_on: FailOn,
}

/// Exit 1 if a backup finding is at or above `--fail-on`.
pub(crate) fn run(args: &BackupStatusArgs) -> Result<u8> {
    let inv = shared::load(&args.inputs)?;
    let now = shared::at_or_now(args.at);
    let report = shared::domain_report(&inv, "backup", now);
    let statuses = BackupStatus::all(&inv, now);
    match args.format {
        AnalysisFormat::Json => shared::emit_json(None, &to_json(&inv, &report, &statuses, now))?,
        AnalysisFormat::Text => shared::emit(None, &text(&inv, &report, &statuses, now))?,
    }
    Ok(u8::from(args.fail_on.is_reached_by(report.worst_counted())))
}

/// The findings about one policy or one of its runs (`policy@instant`).
fn findings_of<'r>(report: &'r Report, policy: &str) -> Vec<&'r Finding> {
    let prefix = format!("{policy}@");
    report
        .findings
        .iter()
        .filter(|f| f.subject.id == policy || f.subject.id.starts_with(&prefix))
        .collect()
}

/// The components that hold data no policy protects.
fn unprotected(report: &Report) -> impl Iterator<Item = &Finding> {
    report.findings.iter().filter(|f| f.check == "backup/unprotected-data")
}

/// The documented JSON document: instants in RFC 3339 UTC, durations in
/// whole seconds under `_seconds` keys.
fn to_json(inv: &Inventory, report: &Report, statuses: &[BackupStatus<'_>], now: Timestamp) -> Value {
    let policies: Vec<Value> = statuses
        .iter()
        .map(|s| {
            let p = s.policy;
            let suspicious: Vec<Value> = s
                .suspicious
                .iter()
                .map(|r| json!({"started_at": shared::instant(r.run.started_at), "reasons": r.reasons}))
                .collect();
            let findings: Vec<Value> = findings_of(report, &p.id)
                .iter()
                .map(|f| json!({"check": f.check, "severity": f.severity.as_str(), "message": f.message, "waived": f.waiver.is_some()}))
                .collect();
            json!({
                "policy": p.id,
                "protects": inv.component(p.protects).id,
                "schedule": p.schedule.as_ref().map(schedule_json),
                "rpo_seconds": p.rpo.map(shared::seconds),
                "rto_seconds": p.rto.map(shared::seconds),
                "last_run": s.last_run.map(|r| shared::instant(r.started_at)),
                "last_good_run": s.last_good_run.map(|r| shared::instant(r.started_at)),
                "age_seconds": s.age(now).map(shared::seconds),
                "next_run": s.next_run.map(shared::instant),
                "suspicious_runs": suspicious,
                "last_drill": s.last_drill.map(|d| shared::instant(d.at)),
                "last_drill_by": s.last_drill.and_then(|d| d.by).map(|b| &inv.person(b).id),
                "last_drill_duration_seconds": s.last_drill.and_then(|d| d.duration).map(shared::seconds),
                "copies": p.copies.len(),
                "offsite_copies": p.copies.iter().filter(|c| c.offsite).count(),
                "immutable_copies": p.copies.iter().filter(|c| c.immutable).count(),
                "monitor": p.monitor,
                "findings": findings,
            })
        })
        .collect();
    let unprotected: Vec<&str> = unprotected(report).map(|f| f.subject.id.as_str()).collect();
    json!({
        "evaluated_at": shared::instant(now),
        "policies": policies,
        "unprotected_components": unprotected,
    })
}

/// The report for people.
fn text(inv: &Inventory, report: &Report, statuses: &[BackupStatus<'_>], now: Timestamp) -> String {
    let mut out = format!("Backups as of {}\n", minute(now));
    for s in statuses {
        let p = s.policy;
        let _ = writeln!(out, "\n{} (protects {})", p.id, inv.component(p.protects).id);
        let next = s
            .next_run
            .map(|t| format!("; next run {}", minute(t)))
            .unwrap_or_default();
        let schedule = p.schedule.as_ref().map_or("no schedule".to_owned(), schedule_text);
        let _ = writeln!(out, "  schedule   {schedule}{next}");
        let good = match (s.last_good_run, s.age(now)) {
            (Some(r), Some(age)) => format!("{} ({} ago)", minute(r.started_at), format_span(age)),
            _ => "none".to_owned(),
        };
        let rpo = p
            .rpo
            .map(|r| format!(", RPO {}", format_duration(r)))
            .unwrap_or_default();
        let _ = writeln!(out, "  last good  {good}{rpo}");
        for sr in &s.suspicious {
            let _ = writeln!(
                out,
                "  suspect    {}: {}",
                minute(sr.run.started_at),
                sr.reasons.join("; ")
            );
        }
        let drill = match s.last_drill {
            Some(d) => {
                let took = d
                    .duration
                    .map(|t| format!(", took {}", format_duration(t)))
                    .unwrap_or_default();
                let by = d.by.map(|b| format!(" by {}", inv.person(b).id)).unwrap_or_default();
                format!("{}{by}{took}", d.at.format("%Y-%m-%d"))
            }
            None => "never".to_owned(),
        };
        let rto = p
            .rto
            .map(|r| format!(", RTO {}", format_duration(r)))
            .unwrap_or_default();
        let _ = writeln!(out, "  drill      {drill}{rto}");
        let _ = writeln!(
            out,
            "  copies     {} ({} offsite, {} immutable)",
            p.copies.len(),
            p.copies.iter().filter(|c| c.offsite).count(),
            p.copies.iter().filter(|c| c.immutable).count()
        );
        let _ = writeln!(out, "  monitor    {}", p.monitor.as_deref().unwrap_or("none"));
        for f in findings_of(report, &p.id) {
            let _ = writeln!(out, "  {}", shared::status_line(f));
        }
    }
    for f in unprotected(report) {
        let _ = writeln!(out, "\nUNPROTECTED  {} [{}]", f.message, f.check);
    }
    out
}
