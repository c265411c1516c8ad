//! `opsctl backup schedule`: a policy's next runs, in UTC and local time.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use chrono::Offset;
use ops_core::backup::Schedule;
use serde_json::{Value, json};

use super::{minute, schedule_json, schedule_text};
use crate::shared::{self, AnalysisFormat, InputsBeforeId, parse_at};

/// Arguments of `opsctl backup schedule`.
#[derive(Debug, clap::Args)]
pub(crate) struct BackupScheduleArgs {
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The backup policy's id.
    pub(crate) policy: String,
    /// How many runs to show.
    #[arg(long, default_value_t = 10)]
    pub(crate) next: usize,
    /// Start from this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

/// The next runs; exit 0 once written.
pub(crate) fn run(args: &BackupScheduleArgs) -> Result<u8> {
    let inv = shared::load(&args.inputs)?;
    let Some(idx) = inv.backup_policy_by_id(&args.policy) else {
        let hint = shared::hint(&args.policy, inv.backup_policies().iter().map(|p| p.id.as_str()));
        bail!("no backup policy '{}' in the inventory{hint}", args.policy);
    };
    let policy = &inv.backup_policies()[idx.index()];
    let Some(schedule) = &policy.schedule else {
        bail!("backup policy '{}' has no schedule", policy.id);
    };
    let now = shared::at_or_now(args.at);
    let last = inv
        .backup_runs()
        .iter()
        .filter(|r| r.policy == idx && r.started_at <= now)
        .map(|r| r.started_at)
        .max();
    let runs = schedule.next_runs(now, last, args.next);
    let mut out = format!("{}: {}\n", policy.id, schedule_text(schedule));
    let mut rows = Vec::new();
    let mut previous_offset = None;
    for t in runs {
        match schedule {
            Schedule::Cron(c) => {
                // In the zone the expression is read in: CRON_TZ's, else the machine's.
                let local = t.with_timezone(&c.expression().cron_tz().unwrap_or(c.timezone()));
                let offset = local.offset().fix();
                let changed = previous_offset.is_some_and(|p| p != offset);
                let change = match previous_offset {
                    Some(p) if changed => format!("  (clocks changed: {p} -> {offset})"),
                    _ => String::new(),
                };
                previous_offset = Some(offset);
                let _ = writeln!(
                    out,
                    "  {}  {}{change}",
                    minute(t),
                    local.format("%Y-%m-%d %H:%M %Z (%:z)")
                );
                rows.push(json!({
                    "at": shared::instant(t),
                    "local": local.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
                    "timezone_abbreviation": local.format("%Z").to_string(),
                    "utc_offset_seconds": offset.local_minus_utc(),
                    "clocks_changed": changed,
                }));
            }
            _ => {
                let _ = writeln!(out, "  {}", minute(t));
                rows.push(json!({
                    "at": shared::instant(t),
                    "local": null,
                    "timezone_abbreviation": null,
                    "utc_offset_seconds": null,
                    "clocks_changed": false,
                }));
            }
        }
    }
    match args.format {
        AnalysisFormat::Text => shared::emit(None, &out)?,
        AnalysisFormat::Json => {
            let doc: Value = json!({
                "policy": policy.id,
                "schedule": schedule_json(schedule),
                "from": shared::instant(now),
                "runs": rows,
            });
            shared::emit_json(None, &doc)?;
        }
    }
    Ok(0)
}
