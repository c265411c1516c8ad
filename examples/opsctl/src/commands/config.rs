//! `opsctl config`: the configuration `opsctl check` would run with.

use std::path::PathBuf;

use anyhow::Result;

use crate::shared::{self, FailOn, config::Config};

/// Arguments of `opsctl config`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConfigArgs {
    /// Read FILE instead of ./ops.toml.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// As `check --fail-on` would set it.
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOn>,
}

/// Prints the effective configuration as TOML; exit 2 if it does not load.
pub(crate) fn run(args: &ConfigArgs) -> Result<u8> {
    let config = Config::find(args.config.as_deref())?;
    let (fail_on, from) = match (args.fail_on, config.fail_on) {
        (Some(f), _) => (f, "--fail-on"),
        (None, Some(f)) => (f, "configured"),
        (None, None) => (FailOn::High, "default"),
    };
    shared::emit(None, &config.effective(fail_on, from))?;
    Ok(0)
}
