//! `backup-offsite`: every stateful component has a backup policy with an
//! offsite copy.
//!
//! Two rules:
//!
//! - `no-backup` (high): a component that holds data (a database, queue,
//!   object or file store, or `stateful: true`) that no backup policy
//!   protects;
//! - `no-offsite-copy` (high): one whose policies keep no copy offsite (or,
//!   with `offsite_encrypted = true`, no encrypted copy offsite), so a site
//!   loss takes the data and its backups together.
//!
//! Configuration (optional), one `key = value` per line, `#` starts a comment:
//!
//! ```text
//! exempt = scratch-db, ci-cache   # components this policy does not apply to
//! offsite_encrypted = true        # the offsite copy must also be encrypted
//! ```

use ops_plugin_sdk::{EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity, backups, inventory};

struct BackupOffsite;

/// The parsed configuration.
#[derive(Default)]
struct Config {
    exempt: Vec<String>,
    offsite_encrypted: bool,
}

impl Plugin for BackupOffsite {
    fn metadata() -> Metadata {
        Metadata::new("backup-offsite", env!("CARGO_PKG_VERSION"))
            .rule(
                Rule::new(
                    "no-backup",
                    Severity::High,
                    "A component holding data has no backup policy",
                )
                .explanation(
                    "## What it checks\nStateful components (databases, queues, object and file stores, or \
                     `stateful: true`) that no backup policy protects.\n\n## Why it matters\nData without a \
                     backup is lost with the first deleted volume or bad migration.\n\n## How to fix\nAdd a \
                     backup policy with `protects:` set to the component and at least one offsite copy.",
                ),
            )
            .rule(
                Rule::new(
                    "no-offsite-copy",
                    Severity::High,
                    "A component holding data has no offsite backup copy",
                )
                .explanation(
                    "## What it checks\nStateful components whose backup policies keep every copy on site \
                     (or, with `offsite_encrypted = true`, no encrypted copy offsite).\n\n## Why it matters\n\
                     A fire, a region outage or a compromised account takes the data and its backups \
                     together.\n\n## How to fix\nAdd a copy with `offsite: true` in another region or \
                     provider.",
                ),
            )
            .config_schema(
                "optional lines `key = value`; keys: exempt (comma-separated component ids), \
                 offsite_encrypted (true|false, default false)",
            )
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let config = parse_config(config)?;
        let mut found = Vec::new();
        for i in 0..inventory::component_count() {
            // The brief is enough to filter: no lists are copied for the
            // stateless majority.
            let Some(c) = inventory::component_brief_at(i) else {
                continue;
            };
            if !c.stateful || config.exempt.contains(&c.id) {
                continue;
            }
            let policies: Vec<_> = backups::policies_protecting(i)
                .into_iter()
                .filter_map(backups::policy_at)
                .collect();
            if policies.is_empty() {
                found.push(
                    Finding::new(
                        "no-backup",
                        EntityKind::Component,
                        &c.id,
                        format!("{} ({}) holds data but no backup policy protects it", c.id, c.kind),
                    )
                    .evidence(Evidence::new().string("kind", &c.kind))
                    .remediation(format!(
                        "add a backup policy that protects {} with an offsite copy",
                        c.id
                    )),
                );
                continue;
            }
            let offsite = policies.iter().any(|p| {
                p.copies
                    .iter()
                    .any(|copy| copy.offsite && (copy.encrypted || !config.offsite_encrypted))
            });
            if !offsite {
                let ids: Vec<&str> = policies.iter().map(|p| p.id.as_str()).collect();
                let locations: Vec<&str> = policies
                    .iter()
                    .flat_map(|p| &p.copies)
                    .map(|copy| copy.location.as_str())
                    .collect();
                let what = if config.offsite_encrypted {
                    "no encrypted copy offsite"
                } else {
                    "no copy offsite"
                };
                found.push(
                    Finding::new(
                        "no-offsite-copy",
                        EntityKind::Component,
                        &c.id,
                        format!("{} ({}) is backed up by {} with {what}", c.id, c.kind, ids.join(", ")),
                    )
                    .evidence(Evidence::new().strings("policies", &ids).strings("copies", &locations))
                    .remediation(format!(
                        "add an offsite copy (another region or provider) to {}",
                        ids.join(", ")
                    )),
                );
            }
        }
        Ok(found)
    }
}

fn parse_config(config: &str) -> Result<Config, String> {
    let mut parsed = Config::default();
    for (n, line) in config.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("config line {}: expected `key = value`", n + 1));
        };
        let value = value.trim();
        match key.trim() {
            "exempt" => parsed.exempt.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            "offsite_encrypted" => {
                parsed.offsite_encrypted = match value {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(format!(
                            "config line {}: offsite_encrypted must be true or false",
                            n + 1
                        ));
                    }
                }
            }
            other => {
                return Err(format!(
                    "config line {}: unknown key '{other}' (known: exempt, offsite_encrypted)",
                    n + 1
                ));
            }
        }
    }
    Ok(parsed)
}

ops_plugin_sdk::export_plugin!(BackupOffsite);
