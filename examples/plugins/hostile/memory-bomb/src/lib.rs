//! Hostile test plugin: allocates without end in `run`. The host's memory
//! cap must stop it with a clear error.

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct MemoryBomb;

impl Plugin for MemoryBomb {
    fn metadata() -> Metadata {
        Metadata::new("hostile-memory-bomb", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported: the plugin runs out of memory first",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            // Touch every page so nothing is optimised away.
            hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
        }
    }
}

ops_plugin_sdk::export_plugin!(MemoryBomb);
