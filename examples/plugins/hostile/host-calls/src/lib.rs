//! Hostile test plugin: host calls that make the host do much more work, or
//! copy much more, than the plugin itself. Its configuration picks the call:
//!
//! | config | call |
//! |---|---|
//! | `simulate-components <n>` | `simulate` with component 0 given `n` times |
//! | `simulate-domains <n>` | `simulate` with domain 0 given `n` times (each time expanded to all its members, before) |
//! | `simulate-aliased <n>` | `simulate` with one list of `n` zeros passed as both arguments: the host copies it twice |
//! | `domain-spofs <component id>` | `domain-spofs` of that component, once: one propagation per domain of the estate |
//! | `ids-of <n>` | `ids-of` with component 0 given `n` times: `n` copies of its id |
//! | `spofs-of-each <component id> <n>` | `spofs-of-each` with that component given `n` times: `n` searches and copies of its SPOFs |
//!
//! It reports what came back as one finding about the inventory.

use ops_plugin_sdk::{EntityKind, Finding, Metadata, Plugin, Rule, Severity, analysis, inventory};

struct HostCalls;

fn number(word: &str) -> Result<usize, String> {
    word.parse().map_err(|_| format!("'{word}' is not a number"))
}

fn answer(what: &str, got: usize) -> Result<Vec<Finding>, String> {
    Ok(vec![Finding::new(
        "answered",
        EntityKind::Inventory,
        "inventory",
        format!("{what}: {got}"),
    )])
}

impl Plugin for HostCalls {
    fn metadata() -> Metadata {
        Metadata::new("hostile-host-calls", env!("CARGO_PKG_VERSION"))
            .rule(Rule::new("answered", Severity::Info, "What a host call answered"))
            .config_schema(
                "simulate-components <n>, simulate-domains <n>, simulate-aliased <n>, domain-spofs <component id>, \
                 ids-of <n> or spofs-of-each <component id> <n>",
            )
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let words: Vec<&str> = config.split_whitespace().collect();
        match words.as_slice() {
            ["simulate-components", n] => answer("down", analysis::simulate(&vec![0; number(n)?], &[]).len()),
            ["simulate-domains", n] => answer("down", analysis::simulate(&[], &vec![0; number(n)?]).len()),
            ["simulate-aliased", n] => {
                let zeros = vec![0; number(n)?];
                answer("down", analysis::simulate(&zeros, &zeros).len())
            }
            ["domain-spofs", id] => {
                let index = inventory::component_index(id).ok_or_else(|| format!("no component {id}"))?;
                answer("domains", analysis::domain_spofs(index).len())
            }
            ["ids-of", n] => answer("ids", inventory::ids_of(&vec![0; number(n)?]).len()),
            ["spofs-of-each", id, n] => {
                let index = inventory::component_index(id).ok_or_else(|| format!("no component {id}"))?;
                answer("spofs", analysis::spofs_of_each(&vec![index; number(n)?]).items.len())
            }
            _ => Err(format!("unknown call '{config}'")),
        }
    }
}

ops_plugin_sdk::export_plugin!(HostCalls);
