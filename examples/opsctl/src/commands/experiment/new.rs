//! `opsctl experiment new`: a new experiment record from a template.

use std::path::PathBuf;

use anyhow::{Result, bail};
use ops_core::Timestamp;

use crate::commands::incident::new::slug;
use crate::shared::{self, parse_at, write};

/// Arguments of `opsctl experiment new`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExperimentNewArgs {
    /// The directory to write the experiment file into (it must exist).
    pub(crate) dir: PathBuf,
    /// What was failed: component, instance (ID#N) or domain ids, comma-separated.
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',', required = true)]
    pub(crate) failed: Vec<String>,
    /// When the failure was injected (RFC 3339); default now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<Timestamp>,
    /// Who ran it (a person, group or service account id).
    #[arg(long, value_name = "PRINCIPAL")]
    pub(crate) by: Option<String>,
    /// Entry points observed to stay up, comma-separated.
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',')]
    pub(crate) stayed_up: Vec<String>,
    /// Entry points observed to go down, comma-separated.
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',')]
    pub(crate) went_down: Vec<String>,
    /// The experiment id; default EXP-DATE-FAILED (the file is DATE-FAILED.yaml, or DATE-ID.yaml with --id).
    #[arg(long)]
    pub(crate) id: Option<String>,
}

/// Writes the file and prints its path; never overwrites.
pub(crate) fn run(args: &ExperimentNewArgs) -> Result<u8> {
    if !args.dir.is_dir() {
        bail!("{} is not a directory", args.dir.display());
    }
    let failed: Vec<&str> = args.failed.iter().map(|f| f.trim()).filter(|f| !f.is_empty()).collect();
    if failed.is_empty() {
        bail!("--failed names nothing: give the component, instance (ID#N) or domain ids that were failed");
    }
    let at = shared::at_or_now(args.at);
    // Whole seconds: the file is for people.
    let at = chrono::DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
    let date = at.format("%Y-%m-%d").to_string();
    let (id, name) = match &args.id {
        Some(id) => (id.clone(), slug(id)),
        None => {
            let name = slug(&failed.join(" "));
            (format!("EXP-{date}-{name}"), name)
        }
    };
    let path: PathBuf = args.dir.join(format!("{date}-{name}.yaml"));
    write::create_new(&path, template(&id, args, &failed, at).as_bytes())?;
    shared::emit(None, &format!("{}\n", path.display()))?;
    Ok(0)
}

/// A YAML scalar for any text: a JSON string is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn list(ids: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = ids.iter().map(|s| quoted(s.as_ref().trim())).collect();
    format!("[{}]", quoted.join(", "))
}

/// The experiment file: what is known filled in, the rest as comments.
fn template(id: &str, args: &ExperimentNewArgs, failed: &[&str], at: Timestamp) -> String {
    let at = at.format("%Y-%m-%dT%H:%M:%SZ");
    let by = match &args.by {
        Some(b) => format!("    by: {}\n", quoted(b)),
        None => "    # by: PERSON                  # who ran it\n".to_owned(),
    };
    format!(
        "\
# Recorded with `opsctl experiment new`. List every entry point you watched
# under stayed_up or went_down; `opsctl experiment check PATH {id}` compares
# the outcome with the model. Format: docs/inventory-format.md#experiments
experiments:
  - id: {id_yaml}
    at: {at}
{by}    failed: {failed}
    # duration: 30m                 # how long the failure lasted
    stayed_up: {stayed_up}            # entry points that stayed up
    went_down: {went_down}            # entry points that went down
    # notes: ...
    # link: https://...             # the ticket, the chaos tool's run
",
        id_yaml = quoted(id),
        failed = list(failed),
        stayed_up = list(&args.stayed_up),
        went_down = list(&args.went_down),
    )
}
