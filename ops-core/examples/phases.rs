//! Times the phases of a failure analysis on an inventory, for profiling.
//!
//! ```text
//! cargo run --release -p ops-core --example phases -- estate.json
//! ```

use std::time::Instant;

/// The allocator opsctl uses, so the phases are timed as opsctl runs them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Nanoseconds this thread has run on a CPU (Linux; 0 elsewhere): wall time
/// lies on a loaded machine, CPU time much less.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Prints one phase: wall and CPU seconds.
fn report(name: &str, wall: Instant, cpu: u64, extra: &str) {
    println!(
        "{name:<9} {:>7.3} s wall {:>7.3} s cpu{extra}",
        wall.elapsed().as_secs_f64(),
        (cpu_ns() - cpu) as f64 / 1e9
    );
}

use ops_core::Inventory;
use ops_core::graph::FailureAnalysis;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let (t, c) = (Instant::now(), cpu_ns());
    let inv = Inventory::load(&paths)?;
    report("load:", t, c, "");
    let (t, c) = (Instant::now(), cpu_ns());
    let analysis = FailureAnalysis::new(&inv);
    report("compile:", t, c, "");
    let (t, c) = (Instant::now(), cpu_ns());
    let spofs = analysis.spofs();
    let total: usize = spofs.entries().iter().map(|e| e.spofs.len()).sum();
    let extra = format!(" ({} entries, {total} spofs)", spofs.entries().len());
    report("spofs:", t, c, &extra);
    let (t, c) = (Instant::now(), cpu_ns());
    let domains = analysis.domain_spofs();
    report("domains:", t, c, &format!(" ({} entries)", domains.len()));
    Ok(())
}
