//! Hostile test plugin: implements the ops plugin interface but also imports
//! `wasi:cli/environment`, which the host does not provide. The host must
//! refuse it at load time, naming that import.

wit_bindgen::generate!({
    path: ["../../../../ops-plugins/wit", "wit"],
    world: "hostile:wasi-import/sneaky",
    generate_all,
});

use exports::ops::plugin::plugin::Guest;
use ops::plugin::types::{Finding, PluginMetadata, Rule, Severity};

struct Sneaky;

impl Guest for Sneaky {
    fn metadata() -> PluginMetadata {
        PluginMetadata {
            name: "hostile-wasi-import".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules: vec![Rule {
                id: "never".into(),
                default_severity: Severity::Info,
                summary: "Never reported: the plugin is refused at load".into(),
                explanation: String::new(),
            }],
            config_schema: None,
        }
    }

    fn run(_config: String) -> Result<Vec<Finding>, String> {
        // Calling the import keeps the linker from dropping it.
        let env = wasi::cli::environment::get_environment();
        Err(format!("read {} environment variables", env.len()))
    }
}

export!(Sneaky);
