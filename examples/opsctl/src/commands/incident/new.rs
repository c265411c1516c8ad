//! `opsctl incident new`: a new incident file from a template.

use std::path::PathBuf;

use anyhow::{Result, bail};
use ops_core::Timestamp;

use crate::shared::{self, parse_at, write};

/// Arguments of `opsctl incident new`.
#[derive(Debug, clap::Args)]
pub(crate) struct IncidentNewArgs {
    /// The directory to write the incident file into (it must exist).
    pub(crate) dir: PathBuf,
    /// One-line title; also gives the file name.
    #[arg(long)]
    pub(crate) title: String,
    /// Severity, sev1 (worst) to sev5.
    #[arg(long, default_value = "sev3", value_parser = parse_severity)]
    pub(crate) severity: ops_core::incident::IncidentSeverity,
    /// The incident commander (a person id of the inventory).
    #[arg(long, value_name = "PERSON")]
    pub(crate) commander: Option<String>,
    /// Impacted components, comma-separated.
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',')]
    pub(crate) impacted: Vec<String>,
    /// When it was detected (RFC 3339); default now.
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// The incident id; default INC-DATE-SLUG.
    #[arg(long)]
    pub(crate) id: Option<String>,
}

/// The value parser of `--severity`.
fn parse_severity(s: &str) -> Result<ops_core::incident::IncidentSeverity, String> {
    s.parse()
}

/// Writes the file and prints its path; never overwrites.
pub(crate) fn run(args: &IncidentNewArgs) -> Result<u8> {
    if !args.dir.is_dir() {
        bail!("{} is not a directory", args.dir.display());
    }
    let at = shared::at_or_now(args.at);
    // Whole seconds: the file is for people.
    let at = chrono::DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
    let date = at.format("%Y-%m-%d").to_string();
    let slug = slug(&args.title);
    let id = args.id.clone().unwrap_or_else(|| format!("INC-{date}-{slug}"));
    let path: PathBuf = args.dir.join(format!("{date}-{slug}.yaml"));
    let text = template(&id, args, at);
    write::create_new(&path, text.as_bytes())?;
    shared::emit(None, &format!("{}\n", path.display()))?;
    Ok(0)
}

/// A file-name-safe slug of a title: lowercase ASCII letters and digits,
/// words joined by `-`, at most 50 characters cut at a word boundary;
/// `incident` when nothing is left.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        let extra = usize::from(!out.is_empty()) + word.len();
        if out.len() + extra > 50 {
            if out.is_empty() {
                out = word.chars().take(50).collect();
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    if out.is_empty() { "incident".to_owned() } else { out }
}

/// A YAML scalar for any text: a JSON string is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The incident file: what is known filled in, the rest as comments.
fn template(id: &str, args: &IncidentNewArgs, at: Timestamp) -> String {
    let at = at.format("%Y-%m-%dT%H:%M:%SZ");
    let commander = match &args.commander {
        Some(c) => format!("  commander: {}\n", quoted(c)),
        None => "  # commander: PERSON            # the incident commander\n".to_owned(),
    };
    let impacted: Vec<String> = args.impacted.iter().map(|c| quoted(c)).collect();
    let author = match &args.commander {
        Some(c) => format!("      author: {}\n", quoted(c)),
        None => String::new(),
    };
    format!(
        "\
# Opened with `opsctl incident new` at {at}. Fill in what you know as it
# happens; `opsctl validate` checks this file and `opsctl postmortem PATH {id}`
# renders the post-mortem. Format: docs/inventory-format.md#incidents
incident:
  id: {id_yaml}
  title: {title}
  severity: {severity}
{commander}  impacted: [{impacted}]            # component ids
  # detected_by: monitor            # monitor | customer | staff
  # cause: disk-full                # a short cause category, to find recurrences
  # problem: PRB-...                # the problem behind it, once known
  # started_at: {at}   # when the impact started, if before detection
  detected_at: {at}
  # acknowledged_at: {at}
  # mitigated_at: {at}
  # resolved_at: {at}
  # postmortem_done_at: {at}
  timeline:
    - at: {at}
{author}      kind: observation
      text: Incident opened.
  # postmortem:
  #   what_happened: ...
  #   why: ...
  #   why_not_detected: ...         # why monitoring did not catch it
  #   why_not_self_healed: ...      # why self-healing did not resolve it
  #   issues:
  #     - description: ...
  #       actions:
  #         - {{description: ..., owner: PERSON, expected_result: ..., due: YYYY-MM-DD}}
",
        id_yaml = quoted(id),
        title = quoted(&args.title),
        severity = args.severity,
        impacted = impacted.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Checkout down (DB disk full!)"), "checkout-down-db-disk-full");
        assert_eq!(slug("  Ünïcode only ÄÖ "), "n-code-only");
        assert_eq!(slug("!!!"), "incident");
        let long = slug(&"word ".repeat(30));
        assert!(long.len() <= 50 && long.ends_with("word"), "{long}");
        assert_eq!(slug(&"x".repeat(80)).len(), 50);
    }
}
