//! `opsctl man`: man pages generated from the clap definition, so they list
//! exactly the flags the binary accepts.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::Cli;
use crate::shared::{self, write};

/// Arguments of `opsctl man`.
#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// Write opsctl.1 and a page per subcommand (opsctl-check.1, ...) into DIR.
    #[arg(long, short, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
}

/// The page to standard output, or every page into `--output`.
pub(crate) fn run(args: &ManArgs) -> Result<u8> {
    let output = args.output.as_deref();
    let mut cmd = Cli::command();
    // Propagates the version and global settings into the subcommands.
    cmd.build();
    match output {
        None => shared::emit(None, &render(&cmd)?)?,
        Some(dir) => {
            let mut pages = Vec::new();
            collect(&cmd, &mut pages);
            for (name, page) in &pages {
                let path = dir.join(format!("{name}.1"));
                write::atomic_write(&path, render(page)?.as_bytes())?;
            }
            eprintln!("wrote {} man pages to {}", pages.len(), dir.display());
        }
    }
    Ok(0)
}

/// The command and every subcommand (depth first), each with the name of its
/// page: `build` named them `opsctl-import-backstage` and so on.
fn collect(cmd: &clap::Command, pages: &mut Vec<(String, clap::Command)>) {
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    // Subcommands do not carry the version; their pages should.
    pages.push((name.to_owned(), cmd.clone().version(env!("CARGO_PKG_VERSION"))));
    for sub in cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
    {
        collect(sub, pages);
    }
}

/// One command's page, in roff.
fn render(cmd: &clap::Command) -> Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut page)
        .context("cannot render the man page")?;
    String::from_utf8(page).context("the man page is not UTF-8")
}
