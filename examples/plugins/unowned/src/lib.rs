//! `unowned`: the plugin the README's "Writing a plugin" walkthrough builds.
//! A component nobody owns is one nobody fixes.

use ops_plugin_sdk::{EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity, inventory};

struct Unowned;

impl Plugin for Unowned {
    fn metadata() -> Metadata {
        Metadata::new("unowned", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "no-owner",
            Severity::Medium,
            "A component has no owner",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let mut found = Vec::new();
        for i in 0..inventory::component_count() {
            let Some(c) = inventory::component_at(i) else { continue };
            if c.owners.is_empty() {
                let message = format!("{} ({}) has no owner", c.id, c.kind);
                let evidence = Evidence::new()
                    .boolean("entry", c.entry)
                    .boolean("stateful", c.stateful);
                found.push(
                    Finding::new("no-owner", EntityKind::Component, &c.id, message)
                        .evidence(evidence)
                        .remediation("add an owners: list"),
                );
            }
        }
        Ok(found)
    }
}

ops_plugin_sdk::export_plugin!(Unowned);
