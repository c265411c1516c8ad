//! `opsctl postmortem`: an incident's post-mortem as a document to share.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::ValueEnum;
use ops_core::incident::postmortem_markdown;

use crate::shared::{self, InputsBeforeId};

/// Arguments of `opsctl postmortem`.
#[derive(Debug, clap::Args)]
pub(crate) struct PostmortemArgs {
    #[command(flatten)]
    pub(crate) inputs: InputsBeforeId,
    /// The incident id.
    pub(crate) incident: String,
    /// Document format.
    #[arg(long, value_enum, default_value_t = PostmortemFormat::Markdown)]
    pub(crate) format: PostmortemFormat,
    /// Write the document to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Post-mortem document formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PostmortemFormat {
    /// Markdown (renders on GitHub, GitLab and most wikis).
    Markdown,
}

/// Renders the document; exit 0 once written.
pub(crate) fn run(args: &PostmortemArgs) -> Result<u8> {
    let inventory = shared::load(&args.inputs)?;
    let Some(idx) = inventory.incident_by_id(&args.incident) else {
        let mut known: Vec<&str> = inventory.incidents().iter().map(|i| i.id.as_str()).collect();
        known.sort_unstable();
        if known.is_empty() {
            bail!("unknown incident '{}': the inventory has no incidents", args.incident);
        }
        bail!("unknown incident '{}'; known: {}", args.incident, known.join(", "));
    };
    let incident = &inventory.incidents()[idx.index()];
    let doc = match args.format {
        PostmortemFormat::Markdown => postmortem_markdown(&inventory, incident),
    };
    shared::emit(args.output.as_deref(), &doc)?;
    Ok(0)
}
