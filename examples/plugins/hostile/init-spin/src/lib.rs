//! Hostile test plugin: its core module's initialiser never returns. The
//! component linker (wasm-component-ld) makes a core export named
//! `_initialize` run when the component is instantiated, before any export
//! is called: the host meets the loop before `metadata()`, while loading.

use ops_plugin_sdk::{Finding, Metadata, Plugin, Rule, Severity};

/// Called by the component at instantiation.
#[unsafe(no_mangle)]
pub extern "C" fn _initialize() {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

struct InitSpin;

impl Plugin for InitSpin {
    fn metadata() -> Metadata {
        Metadata::new("hostile-init-spin", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "never",
            Severity::Info,
            "Never reported: the plugin never finishes starting",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        Err("unreachable: the initialiser never returns".into())
    }
}

ops_plugin_sdk::export_plugin!(InitSpin);
