//! Hostile test plugin: recurses without end in `run`. The host's stack cap
//! must stop it.

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct DeepRecursion;

#[inline(never)]
#[allow(unconditional_recursion)] // on purpose: that is the test
fn descend(depth: u64) -> u64 {
    // The addition after the call keeps it from becoming a loop.
    std::hint::black_box(descend(std::hint::black_box(depth + 1))) + 1
}

impl Plugin for DeepRecursion {
    fn metadata() -> Metadata {
        Metadata::new("hostile-deep-recursion", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported: the plugin overflows its stack first",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        Err(format!("unreachable: {}", descend(0)))
    }
}

ops_plugin_sdk::export_plugin!(DeepRecursion);
