//! Benchmark plugin: does nothing, so a run measures the host's fixed cost
//! (new store, instantiation, one call, drop).

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct Noop;

impl Plugin for Noop {
    fn metadata() -> Metadata {
        Metadata::new("bench-noop", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        Ok(Vec::new())
    }
}

ops_plugin_sdk::export_plugin!(Noop);
