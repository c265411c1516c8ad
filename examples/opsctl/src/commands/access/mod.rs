//! `opsctl access`: access inventory commands.

pub(crate) mod review;

use anyhow::Result;
use clap::Subcommand;

/// The access subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum AccessCommand {
    /// The periodic access review: who can reach each system, at what
    /// level, through which grant, group or credential, with flags for what
    /// deserves a second look (departed, on leave, unused for 90 days, no MFA,
    /// shared credential).
    #[command(after_help = "Examples:\n  opsctl access review examples/inventories/startup\n  \
        opsctl access review inventory/ --system prod-db --format csv --output review.csv")]
    Review(review::ReviewArgs),
}

/// Runs an access subcommand.
pub(crate) fn run(command: AccessCommand) -> Result<u8> {
    match command {
        AccessCommand::Review(args) => review::run(&args),
    }
}
