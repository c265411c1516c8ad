//! `opsctl completions`: a shell completion script, generated from the
//! command line's definition.

use anyhow::Result;
use clap::{CommandFactory, ValueEnum};

use crate::Cli;
use crate::shared;

/// Arguments of `opsctl completions`.
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

/// Shells `opsctl completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    /// GNU Bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
}

/// Writes the script to standard output.
pub(crate) fn run(args: &CompletionsArgs) -> Result<u8> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "opsctl", &mut script);
    shared::emit(None, &String::from_utf8(script)?)?;
    Ok(0)
}
