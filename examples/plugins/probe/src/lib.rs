//! Test plugin: reports what the host's queries return for the component
//! named by its configuration, so the host's tests can compare them with
//! ops-core's own answers.

use ops_plugin_sdk::{EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity, analysis, inventory};

struct Probe;

fn ids(indices: &[u32]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| inventory::component_at(i).map(|c| c.id).unwrap_or_default())
        .collect()
}

fn domain_ids(indices: &[u32]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| inventory::domain_at(i).map(|d| d.id).unwrap_or_default())
        .collect()
}

impl Plugin for Probe {
    fn metadata() -> Metadata {
        Metadata::new("probe", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "answers",
            Severity::Info,
            "What the host answered",
        ))
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let id = config.trim();
        let i = inventory::component_index(id).ok_or_else(|| format!("no component '{id}'"))?;
        let c = inventory::component_at(i).ok_or("component-at failed")?;
        let count = inventory::component_count();
        let evidence = Evidence::new()
            .number("index", i64::from(i))
            .number("component_count", i64::from(count))
            .boolean("past_end_is_none", inventory::component_at(count).is_none())
            .number("needed", i64::from(c.needed))
            .strings("depends_on", ids(&c.depends_on))
            .strings("domains", domain_ids(&c.domains))
            .strings("owners", &c.owners)
            .strings("entries", ids(&inventory::entries()))
            .strings("spofs", ids(&analysis::spofs(i)))
            .strings("domain_spofs", domain_ids(&analysis::domain_spofs(i)))
            .strings("blast_radius", ids(&analysis::blast_radius(i)))
            .string("now", &inventory::now());
        Ok(vec![
            Finding::new(
                "answers",
                EntityKind::Component,
                &c.id,
                format!("{} ({})", c.id, c.kind),
            )
            .evidence(evidence),
        ])
    }
}

ops_plugin_sdk::export_plugin!(Probe);
