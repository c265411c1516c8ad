//! `opsctl job status`: every scheduled job at an instant, judged by what
//! it delivered rather than what it reported.

use std::fmt::Write as _;

use anyhow::Result;
use clap::Subcommand;
use ops_core::job::{DeliveryTarget, JobStatus};
use ops_core::time::format_duration;
use ops_core::{Finding, Inventory, Report, Timestamp};
use serde_json::{Value, json};

use super::backup::{minute, schedule_json, schedule_text};
use crate::shared::{self, AnalysisFormat, FailOn, Inputs, parse_at};

/// The job subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum JobCommand {
    /// Every scheduled job at an instant: its schedule and deadline, last
    /// run, last delivery, next run, the streaks of missed deliveries, and
    /// the job findings.
    #[command(
        after_help = "Exit codes: 0 no job finding at or above --fail-on, 1 some, 2 input error.\n\n\
        Examples:\n  opsctl job status examples/inventories/startup --at 2026-11-22T09:00:00Z\n  \
        opsctl job status inventory/ --format json"
    )]
    Status(JobStatusArgs),
}

/// Arguments of `opsctl job status`.
#[derive(Debug, clap::Args)]
pub(crate) struct JobStatusArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
    /// Exit with 1 if any job finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub(crate) fail_on: FailOn,
}

/// Runs a job subcommand.
pub(crate) fn run(command: JobCommand) -> Result<u8> {
    match command {
        JobCommand::Status(args) => status(&args),
    }
}

/// Exit 1 if a job finding is at or above `--fail-on`.
fn status(args: &JobStatusArgs) -> Result<u8> {
    let inv = shared::load(&args.inputs)?;
    let now = shared::at_or_now(args.at);
    let report = shared::domain_report(&inv, "job", now);
    let statuses = JobStatus::all(&inv, now);
    match args.format {
        AnalysisFormat::Json => shared::emit_json(None, &to_json(&inv, &report, &statuses, now))?,
        AnalysisFormat::Text => shared::emit(None, &text(&inv, &report, &statuses, now))?,
    }
    Ok(u8::from(args.fail_on.is_reached_by(report.worst_counted())))
}

fn findings_of<'r>(report: &'r Report, job: &str) -> impl Iterator<Item = &'r Finding> {
    report.findings.iter().filter(move |f| f.subject.id == job)
}

fn target(inv: &Inventory, t: &DeliveryTarget) -> String {
    match t {
        DeliveryTarget::Component(c) => inv.component(*c).id.clone(),
        DeliveryTarget::Other(text) => text.clone(),
        _ => "unknown".to_owned(),
    }
}

/// The documented JSON document (docs/json-output.md): instants in RFC 3339
/// UTC, durations in whole seconds under `_seconds` keys.
fn to_json(inv: &Inventory, report: &Report, statuses: &[JobStatus<'_>], now: Timestamp) -> Value {
    let jobs: Vec<Value> = statuses
        .iter()
        .map(|s| {
            let j = s.job;
            let streaks: Vec<Value> = s
                .streaks
                .iter()
                .map(|m| {
                    json!({
                        "first": shared::instant(m.first),
                        "last": shared::instant(m.last),
                        "count": m.count,
                        "without_run": m.no_run,
                        "not_delivered": m.not_delivered,
                        "empty": m.empty,
                        "late": m.late,
                        "most_late_seconds": m.most_late.map(shared::seconds),
                    })
                })
                .collect();
            let findings: Vec<Value> = findings_of(report, &j.id)
                .map(|f| json!({"check": f.check, "severity": f.severity.as_str(), "message": f.message, "waived": f.waiver.is_some()}))
                .collect();
            json!({
                "job": j.id,
                "schedule": schedule_json(&j.schedule),
                "deadline_seconds": j.deadline.map(shared::seconds),
                "delivers_to": j.delivers_to.as_ref().map(|t| target(inv, t)),
                "last_run": s.last_run.map(|r| shared::instant(r.started_at)),
                "last_run_status": s.last_run.map(|r| r.status.as_str()),
                "last_delivery": s.last_delivery.and_then(|r| r.delivered_at).map(shared::instant),
                "next_run": s.next_run.map(shared::instant),
                "judged_from": s.judged_from.map(shared::instant),
                "judged": s.judged,
                "missed_streaks": streaks,
                "earlier_streaks": s.earlier_streaks,
                "earlier_misses": s.earlier_misses,
                "monitor": j.monitor,
                "findings": findings,
            })
        })
        .collect();
    json!({"evaluated_at": shared::instant(now), "jobs": jobs})
}

/// The report for people.
fn text(inv: &Inventory, report: &Report, statuses: &[JobStatus<'_>], now: Timestamp) -> String {
    let mut out = format!("Scheduled jobs as of {}\n", minute(now));
    for s in statuses {
        let j = s.job;
        let to = j
            .delivers_to
            .as_ref()
            .map(|t| format!(" (delivers to {})", target(inv, t)))
            .unwrap_or_default();
        let _ = writeln!(out, "\n{}{to}", j.id);
        let deadline = j.deadline.map_or("by the next run".to_owned(), |d| {
            format!("within {}", format_duration(d))
        });
        let next = s
            .next_run
            .map(|t| format!("; next run {}", minute(t)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  schedule   {}, delivery {deadline}{next}",
            schedule_text(&j.schedule)
        );
        let last = match s.last_run {
            Some(r) => format!("{} ({})", minute(r.started_at), r.status.as_str()),
            None => "none".to_owned(),
        };
        let _ = writeln!(out, "  last run   {last}");
        let delivered = s
            .last_delivery
            .and_then(|r| r.delivered_at)
            .map_or("never".to_owned(), minute);
        let _ = writeln!(out, "  delivered  {delivered}");
        let judged = match s.judged_from {
            Some(from) => format!(
                "{} scheduled since {}, {} missed",
                s.judged,
                minute(from),
                s.streaks.iter().map(|m| m.count).sum::<usize>() + s.earlier_misses
            ),
            None => "nothing yet (no run on record)".to_owned(),
        };
        let _ = writeln!(out, "  judged     {judged}");
        let _ = writeln!(out, "  monitor    {}", j.monitor.as_deref().unwrap_or("none"));
        for f in findings_of(report, &j.id) {
            let _ = writeln!(out, "  {}", shared::status_line(f));
        }
    }
    if statuses.is_empty() {
        out.push_str("\nNo jobs in the inventory.\n");
    }
    out
}
