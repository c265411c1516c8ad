//! Times the phases of a failure analysis on an inventory, for profiling.
//!
//! ```text
//! cargo run --release -p ops-core --example phases -- estate.json
//! ```

use std::time::Instant;

use ops_core::{FailureAnalysis, Inventory};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let t = Instant::now();
    let inv = Inventory::load(&paths)?;
    println!("load:     {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let analysis = FailureAnalysis::new(&inv);
    println!("compile:  {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let spofs = analysis.spofs();
    let total: usize = spofs.entries().iter().map(|e| e.spofs.len()).sum();
    println!(
        "spofs:    {:>8.3} s ({} entries, {total} spofs)",
        t.elapsed().as_secs_f64(),
        spofs.entries().len()
    );
    let t = Instant::now();
    let domains = analysis.domain_spofs();
    println!(
        "domains:  {:>8.3} s ({} entries)",
        t.elapsed().as_secs_f64(),
        domains.len()
    );
    Ok(())
}
