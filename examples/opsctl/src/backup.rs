//! The backup commands: status, schedule.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use chrono::Offset;
use ops_core::{
    BackupStatus, Inventory, Runner, Schedule, Timestamp, builtin_checks, did_you_mean, format_duration, format_span,
};
use serde_json::json;

use crate::cli::{AnalysisFormat, BackupScheduleArgs, BackupStatusArgs};
use crate::write::emit;

fn minute(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn schedule_text(s: &Schedule) -> String {
    match s {
        Schedule::Cron(c) => format!("cron '{}' in {}", c.expression(), c.timezone().name()),
        Schedule::Every(d) => format!("every {}", format_duration(*d)),
        _ => "unknown".to_owned(),
    }
}

/// `opsctl backup status`.
pub(crate) fn status(args: &BackupStatusArgs) -> Result<u8> {
    let inv = Inventory::load(&args.paths)?;
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let mut runner = Runner::new();
    for check in builtin_checks() {
        if check.rules().iter().all(|r| r.id.starts_with("backup/")) {
            runner.add(check);
        }
    }
    let report = runner.run(&inv, now);
    let statuses = BackupStatus::all(&inv, now);
    let findings_of = |policy: &str| -> Vec<&ops_core::Finding> {
        let prefix = format!("{policy}@");
        report
            .findings
            .iter()
            .filter(|f| f.subject.id == policy || f.subject.id.starts_with(&prefix))
            .collect()
    };
    let text = match args.format {
        AnalysisFormat::Json => {
            let policies: Vec<_> = statuses
                .iter()
                .map(|s| {
                    let p = s.policy;
                    json!({
                        "policy": p.id,
                        "protects": inv.component(p.protects).id,
                        "schedule": p.schedule.as_ref().map(schedule_text),
                        "rpo": p.rpo.map(format_duration),
                        "rto": p.rto.map(format_duration),
                        "last_run": s.last_run.map(|r| r.started_at),
                        "last_good_run": s.last_good_run.map(|r| r.started_at),
                        "age": s.age(now).map(format_duration),
                        "next_run": s.next_run,
                        "suspicious_runs": s.suspicious.iter().map(|r| json!({"started_at": r.run.started_at, "reasons": r.reasons})).collect::<Vec<_>>(),
                        "last_drill": s.last_drill.map(|d| d.at),
                        "copies": p.copies.len(),
                        "offsite_copies": p.copies.iter().filter(|c| c.offsite).count(),
                        "immutable_copies": p.copies.iter().filter(|c| c.immutable).count(),
                        "monitor": p.monitor,
                        "findings": findings_of(&p.id).iter().map(|f| json!({"check": f.check, "severity": f.severity.as_str(), "message": f.message})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let unprotected: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.check == "backup/unprotected-data")
                .map(|f| f.subject.id.clone())
                .collect();
            serde_json::to_string_pretty(&json!({
                "evaluated_at": now,
                "policies": policies,
                "unprotected_components": unprotected,
            }))? + "\n"
        }
        AnalysisFormat::Text => {
            let mut out = format!("Backups as of {}\n", minute(now));
            for s in &statuses {
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
                for f in findings_of(&p.id) {
                    let _ = writeln!(
                        out,
                        "  {:<9}  {} [{}]",
                        f.severity.as_str().to_uppercase(),
                        f.message,
                        f.check
                    );
                }
            }
            for f in report.findings.iter().filter(|f| f.check == "backup/unprotected-data") {
                let _ = writeln!(out, "\nUNPROTECTED  {} [{}]", f.message, f.check);
            }
            out
        }
    };
    emit(None, &text)?;
    let over = match (args.fail_on.threshold(), report.worst()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
    Ok(u8::from(over))
}

/// `opsctl backup schedule`.
pub(crate) fn schedule(args: &BackupScheduleArgs) -> Result<u8> {
    let inv = Inventory::load(&args.paths)?;
    let Some(idx) = inv.backup_policy_by_id(&args.policy) else {
        let hint = did_you_mean(&args.policy, inv.backup_policies().iter().map(|p| p.id.as_str()))
            .map(|m| format!(" (did you mean '{m}'?)"))
            .unwrap_or_default();
        bail!("no backup policy '{}' in the inventory{hint}", args.policy);
    };
    let policy = &inv.backup_policies()[idx.index()];
    let Some(schedule) = &policy.schedule else {
        bail!("backup policy '{}' has no schedule", policy.id);
    };
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let last = inv
        .backup_runs()
        .iter()
        .filter(|r| r.policy == idx && r.started_at <= now)
        .map(|r| r.started_at)
        .max();
    let runs = schedule.next_runs(now, last, args.next);
    let mut out = format!("{}: {}\n", policy.id, schedule_text(schedule));
    let mut previous_offset = None;
    for t in runs {
        match schedule {
            Schedule::Cron(c) => {
                let local = t.with_timezone(&c.timezone());
                let offset = local.offset().fix();
                let change = match previous_offset {
                    Some(p) if p != offset => format!("  (clocks changed: {p} -> {offset})"),
                    _ => String::new(),
                };
                previous_offset = Some(offset);
                let _ = writeln!(
                    out,
                    "  {}  {}{change}",
                    minute(t),
                    local.format("%Y-%m-%d %H:%M %Z (%:z)")
                );
            }
            _ => {
                let _ = writeln!(out, "  {}", minute(t));
            }
        }
    }
    emit(None, &out)?;
    Ok(0)
}
