//! Writes a synthetic estate as a JSON inventory, for scale tests and benchmarks.
//!
//! ```text
//! cargo run --release -p ops-core --example gen_estate -- 1000000 42 mixed > estate.json
//! ```
//!
//! Arguments: number of components, seed, `mixed`, `any` (acyclic, every
//! component `any`) or `all` (acyclic, every component `all`), and
//! optionally `served`: every component serves an entry point, directly or
//! not (see `ops_core::synth::generate_served`).

use std::io::Write;

use ops_core::synth::{Rules, estate_json, generate, generate_served};

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
        None => generate(n, seed, rules),
        Some("served") => generate_served(n, seed, rules),
        Some(other) => return Err(format!("unknown shape '{other}': expected served or nothing").into()),
    };
    std::io::stdout().lock().write_all(estate_json(&estate).as_bytes())?;
    Ok(())
}
