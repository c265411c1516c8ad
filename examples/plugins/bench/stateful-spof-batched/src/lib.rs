//! Benchmark plugin: the same check as `bench-stateful-spof` (stateful
//! components that are a single point of failure of some entry point), on
//! the batched host queries: four host calls in all, whatever the size of
//! the estate, instead of one per entry point and one per SPOF. Its native
//! twin is in ops-plugins/tests/common/stateful_spof.rs.

use ops_plugin_sdk::{ComponentFlags, EntityKind, Finding, Metadata, Plugin, Rule, Severity, analysis, inventory};

struct StatefulSpofBatched;

impl Plugin for StatefulSpofBatched {
    fn metadata() -> Metadata {
        Metadata::new("bench-stateful-spof-batched", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "stateful-spof",
            Severity::High,
            "A component holding data is a single point of failure",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        // Every entry's SPOFs in one call. Each entry's list has a SPOF
        // once, so how often a component appears in all of them is how
        // many entries it takes down.
        let mut spofs = analysis::spofs_of_each(&inventory::entries()).items;
        spofs.sort_unstable();
        let mut distinct: Vec<u32> = Vec::new();
        let mut takes_down: Vec<usize> = Vec::new();
        for s in spofs {
            match (distinct.last(), takes_down.last_mut()) {
                (Some(&last), Some(n)) if last == s => *n += 1,
                _ => {
                    distinct.push(s);
                    takes_down.push(1);
                }
            }
        }
        // The flags of every SPOF in one call, the ids of the stateful ones in another.
        let flags = inventory::flags_of(&distinct);
        let (stateful, counts): (Vec<u32>, Vec<usize>) = distinct
            .iter()
            .zip(&takes_down)
            .zip(flags)
            .filter(|(_, f)| (*f & ComponentFlags::STATEFUL).bits() != 0)
            .map(|((&s, &n), _)| (s, n))
            .unzip();
        let ids = inventory::ids_of(&stateful);
        Ok(ids
            .iter()
            .zip(counts)
            .map(|(id, n)| {
                let message = format!("{id} holds data and alone takes down {n} entry points");
                Finding::new("stateful-spof", EntityKind::Component, id, message)
            })
            .collect())
    }
}

ops_plugin_sdk::export_plugin!(StatefulSpofBatched);
