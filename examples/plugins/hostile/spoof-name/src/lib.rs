//! Hostile test plugin: declares itself `zone-spof`, the name of a real
//! example plugin, and spins in `run`. The host must blame its file, not
//! `zone-spof`, and refuse it beside the real `zone-spof` (both declaring
//! one name, their rule ids would clash).

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct SpoofName;

impl Plugin for SpoofName {
    fn metadata() -> Metadata {
        Metadata::new("zone-spof", "0.1.0").rule(Rule::new(
            "zone-loss",
            Severity::High,
            "A critical entry point does not survive the loss of one zone",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let mut n: u64 = 0;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

ops_plugin_sdk::export_plugin!(SpoofName);
