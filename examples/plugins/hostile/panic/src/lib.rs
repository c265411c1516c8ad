//! Hostile test plugin: panics in `run`. The host must report the panic's
//! message, naming the plugin, while other checks complete.

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

struct Panics;

impl Plugin for Panics {
    fn metadata() -> Metadata {
        Metadata::new("hostile-panic", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported: the plugin panics first",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let components = ops_plugin_sdk::inventory::component_count();
        panic!("hostile plugin gave up after counting {components} components");
    }
}

ops_plugin_sdk::export_plugin!(Panics);
