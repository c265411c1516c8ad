//! `opsctl report --html`: one self-contained page for people.

use std::path::PathBuf;

use anyhow::Result;
use ops_core::{Runner, render};

use crate::shared::picture::{self, PictureArgs};
use crate::shared::{self, Inputs, parse_at, write::atomic_write};

/// Arguments of `opsctl report`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Write the HTML page to FILE (atomically).
    #[arg(long, value_name = "FILE", required = true)]
    pub(crate) html: PathBuf,
    /// Draw only this entry point: what it depends on, its single points
    /// of failure and their failure paths. Without it: the whole estate when
    /// it fits one picture, else one picture per tier-1 entry point.
    #[arg(long, value_name = "ID")]
    pub(crate) entry: Option<String>,
    #[command(flatten)]
    pub(crate) picture: PictureArgs,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
}

/// Every built-in check at `--at`, written as one self-contained page,
/// atomically; exit 0 once written.
pub(crate) fn run(args: &ReportArgs) -> Result<u8> {
    let now = shared::at_or_now(args.at);
    let inv = shared::load_at(&args.inputs, now)?;
    let selected = picture::entry(&inv, args.entry.as_deref())?;
    let report = Runner::with_builtin_checks().run(&inv, now);
    let options = render::HtmlOptions::default()
        .entry(selected)
        .depth(args.picture.depth)
        .group_by(args.picture.group_by.group_by())
        .expand(args.picture.groups.clone());
    atomic_write(&args.html, render::to_html_with(&inv, &report, &options).as_bytes())?;
    Ok(0)
}
