//! Writes a synthetic estate as a JSON (or YAML) inventory, for scale tests
//! and benchmarks.
//!
//! ```text
//! cargo run --release -p ops-core --example gen_estate -- 1000000 42 mixed > estate.json
//! cargo run --release -p ops-core --example gen_estate -- 300000 42 mixed served yaml > estate.yaml
//! ```
//!
//! Arguments: number of components, seed, `mixed`, `any` (acyclic, every
//! component `any`) or `all` (acyclic, every component `all`), optionally
//! `served` (every component serves an entry point, directly or not: see
//! `ops_core::synth::generate_served`) or `plain` (not), and optionally
//! `json` (the default) or `yaml` (block style, the same inventory: see
//! `ops_core::synth::estate_yaml`).

use std::io::Write;

use ops_core::synth::{Rules, estate_json, estate_yaml, generate, generate_served};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(Ok(10_000), |s| s.parse())?;
    let seed: u64 = args.get(1).map_or(Ok(42), |s| s.parse())?;
    let rules = match args.get(2).map_or("mixed", String::as_str) {
        "mixed" => Rules::Mixed,
        "any" => Rules::AnyAcyclic,
        "all" => Rules::AllAcyclic,
        other => return Err(format!("unknown rules '{other}': expected mixed, any or all").into()),
    };
    let estate = match args.get(3).map(String::as_str) {
        None | Some("plain") => generate(n, seed, rules),
        Some("served") => generate_served(n, seed, rules),
        Some(other) => return Err(format!("unknown shape '{other}': expected served, plain or nothing").into()),
    };
    let text = match args.get(4).map_or("json", String::as_str) {
        "json" => estate_json(&estate),
        "yaml" => estate_yaml(&estate),
        other => return Err(format!("unknown format '{other}': expected json or yaml").into()),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
