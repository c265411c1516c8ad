//! `opsctl backup`: where each policy stands, when it runs, and what
//! restic's retention would keep.

pub(crate) mod retention;
pub(crate) mod schedule;
pub(crate) mod status;

use anyhow::Result;
use clap::Subcommand;
use ops_core::Timestamp;
use ops_core::backup::Schedule;
use ops_core::time::format_duration;
use serde_json::{Value, json};

use crate::shared;

/// The backup subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BackupCommand {
    /// Every backup policy at an instant: last good run and its age against
    /// the RPO, runs that claimed success without data, next run, drills,
    /// copies, monitor, and the backup findings.
    #[command(
        after_help = "Exit codes: 0 no backup finding at or above --fail-on, 1 some, 2 input error.\n\n\
        Examples:\n  opsctl backup status examples/inventories/startup --at 2026-11-22T09:00:00Z\n  \
        opsctl backup status inventory/ --format json"
    )]
    Status(status::BackupStatusArgs),
    /// The next runs of a policy's schedule, in UTC and in its time zone,
    /// with daylight-saving changes called out.
    #[command(after_help = "Example:\n  opsctl backup schedule examples/inventories/startup postgres-nightly --next 5")]
    Schedule(schedule::BackupScheduleArgs),
    /// What `restic forget` would keep and remove, and why: restic's flags and
    /// a `restic snapshots --json` file, or an inventory backup policy.
    #[command(after_help = retention::RETENTION_HELP)]
    Retention(Box<retention::RetentionArgs>),
}

/// Runs a backup subcommand.
pub(crate) fn run(command: BackupCommand) -> Result<u8> {
    match command {
        BackupCommand::Status(args) => status::run(&args),
        BackupCommand::Schedule(args) => schedule::run(&args),
        BackupCommand::Retention(args) => retention::run(&args),
    }
}

/// An instant to the minute, in UTC, for people.
pub(crate) fn minute(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A schedule for people: `cron '30 2 * * *' in Europe/London`, `every 6h`.
pub(crate) fn schedule_text(s: &Schedule) -> String {
    match s {
        Schedule::Cron(c) => format!("cron '{}' in {}", c.expression(), c.timezone().name()),
        Schedule::Every(d) => format!("every {}", format_duration(*d)),
        _ => "unknown".to_owned(),
    }
}

/// A schedule for programs: `{"kind": "cron", "expression", "timezone"}` or
/// `{"kind": "interval", "every_seconds"}` (`{"kind": "unknown"}` for kinds
/// this opsctl does not know).
pub(crate) fn schedule_json(s: &Schedule) -> Value {
    match s {
        Schedule::Cron(c) => json!({
            "kind": "cron",
            "expression": c.expression().to_string(),
            "timezone": c.timezone().name(),
        }),
        Schedule::Every(d) => json!({"kind": "interval", "every_seconds": shared::seconds(*d)}),
        _ => json!({"kind": "unknown"}),
    }
}
