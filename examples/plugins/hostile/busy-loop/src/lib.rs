//! Hostile test plugin: spins forever in `run`. The host's CPU budget must
//! stop it.

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct BusyLoop;

impl Plugin for BusyLoop {
    fn metadata() -> Metadata {
        Metadata::new("hostile-busy-loop", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported: the plugin never returns",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let mut n: u64 = 0;
        loop {
            // black_box keeps the optimiser from proving the loop useless.
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

ops_plugin_sdk::export_plugin!(BusyLoop);
