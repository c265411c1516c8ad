//! Hostile test plugin: spins forever in `metadata()`, which the host calls
//! while loading it. The CPU budget must stop it, and the run must report
//! it as this plugin's failure while every other check still runs.

use ops_plugin_sdk::{Finding, Metadata, Plugin};

struct MetadataSpin;

impl Plugin for MetadataSpin {
    fn metadata() -> Metadata {
        let mut n: u64 = 0;
        loop {
            // black_box keeps the optimiser from proving the loop useless.
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        Err("unreachable: metadata() never returns".into())
    }
}

ops_plugin_sdk::export_plugin!(MetadataSpin);
