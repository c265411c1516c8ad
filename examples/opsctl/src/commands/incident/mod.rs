//! `opsctl incident`: metrics over an inventory's incidents, or a new incident file.

pub(crate) mod new;
pub(crate) mod report;

use anyhow::Result;
use clap::Subcommand;

/// The incident subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum IncidentCommand {
    /// Time to detect, acknowledge, mitigate and resolve: count, mean, median
    /// and p90, overall and by severity, component and month; and the share
    /// of incidents customers detected.
    #[command(
        after_help = "Time to detect runs from started_at to detected_at; the others from detected_at. \
        Median and p90 use the nearest-rank method (always an observed value).\n\n\
        Examples:\n  opsctl incident report examples/inventories/startup\n  \
        opsctl incident report inventory/ --since 2026-07-01"
    )]
    Report(report::IncidentReportArgs),
    /// Write a new incident file from a template into a directory, never
    /// overwriting an existing file.
    #[command(
        after_help = "The file is named DATE-SLUG.yaml after the detection date (UTC) and the title, \
        and the incident id is INC-DATE-SLUG unless --id is given. The file is written atomically and \
        never replaces an existing one.\n\n\
        Examples:\n  opsctl incident new inventory/incidents --title \"Checkout down\" --severity sev1 --commander maya\n  \
        opsctl incident new inventory/incidents --title \"Search slow\" --impacted search --at 2026-11-22T09:00:00Z"
    )]
    New(new::IncidentNewArgs),
}

/// Runs an incident subcommand.
pub(crate) fn run(command: IncidentCommand) -> Result<u8> {
    match command {
        IncidentCommand::Report(args) => report::run(&args),
        IncidentCommand::New(args) => new::run(&args),
    }
}
