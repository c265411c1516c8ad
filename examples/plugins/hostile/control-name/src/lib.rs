//! Hostile test plugin: declares a 2 MiB name made of control characters.
//! The host must refuse it at load with an error that quotes the name cut
//! short, not whole (escaped, it would be 12 MiB of the user's terminal).

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct ControlName;

impl Plugin for ControlName {
    fn metadata() -> Metadata {
        let name = "\u{1}".repeat(2 << 20);
        Metadata::new(&name, env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported: the plugin is refused at load",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        Err("unreachable: refused at load".into())
    }
}

ops_plugin_sdk::export_plugin!(ControlName);
