//! Benchmark plugin: the `stateful-spof` rule of zone-spof alone (stateful
//! components that are a single point of failure of some entry point), to
//! compare with the same check written natively (ops-plugins/benches).

use std::collections::BTreeMap;

use ops_plugin_sdk::{EntityKind, Finding, Metadata, Plugin, Rule, Severity, analysis, inventory};

struct StatefulSpof;

impl Plugin for StatefulSpof {
    fn metadata() -> Metadata {
        Metadata::new("bench-stateful-spof", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "stateful-spof",
            Severity::High,
            "A component holding data is a single point of failure",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let mut spof_entries: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for e in inventory::entries() {
            for s in analysis::spofs(e) {
                spof_entries.entry(s).or_default().push(e);
            }
        }
        let mut found = Vec::new();
        for (s, entries) in spof_entries {
            // The brief (id, kind, flags) is all this needs: no lists copied.
            let Some(c) = inventory::component_brief_at(s) else {
                continue;
            };
            if c.stateful {
                let message = format!(
                    "{} holds data and alone takes down {} entry points",
                    c.id,
                    entries.len()
                );
                found.push(Finding::new("stateful-spof", EntityKind::Component, &c.id, message));
            }
        }
        Ok(found)
    }
}

ops_plugin_sdk::export_plugin!(StatefulSpof);
