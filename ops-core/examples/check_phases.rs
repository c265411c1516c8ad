//! Times every built-in rule on an inventory, one at a time, after the
//! shared analyses (failure analysis, effective access, backup and job
//! status) are built: where `opsctl check`'s time and memory go.
//!
//! ```text
//! cargo run --release -p ops-core --example check_phases -- estate.json [INSTANT]
//! ```

use std::time::Instant;

/// The allocator opsctl uses, so the phases are timed as opsctl runs them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ops_core::{Context, Inventory, Runner, render};

/// Nanoseconds this thread has run on a CPU (Linux; 0 elsewhere).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The process's resident and peak resident memory in MiB (Linux; 0 elsewhere).
fn rss_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Times `f` and prints one line: wall, CPU, resident and peak memory after it.
fn phase<T>(name: &str, f: impl FnOnce() -> T, describe: impl FnOnce(&T) -> String) -> T {
    let (t, c) = (Instant::now(), cpu_ns());
    let out = f();
    let (rss, peak) = rss_mib();
    println!(
        "{name:<36} {:>7.3} s wall {:>7.3} s cpu {rss:>6} MiB rss {peak:>6} MiB peak  {}",
        t.elapsed().as_secs_f64(),
        (cpu_ns() - c) as f64 / 1e9,
        describe(&out)
    );
    out
}

/// A writer that keeps only the count of bytes written.
struct CountingSink(u64);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let now = match args.iter().position(|a| a.contains('T') && a.ends_with('Z')) {
        Some(i) => args.remove(i).parse()?,
        None => chrono::Utc::now(),
    };
    let inv = phase("load", || Inventory::load(&args), |_| String::new())?;
    let ctx = Context::new(&inv, now);
    phase(
        "shared: failure analysis",
        || ctx.failure_analysis().spofs().entries().len(),
        |n| format!("{n} entries"),
    );
    phase("shared: effective access", || ctx.effective_access(), |_| String::new());
    phase(
        "shared: backup status",
        || ctx.backup_status().len(),
        |n| format!("{n} policies"),
    );
    phase("shared: job status", || ctx.job_status().len(), |n| format!("{n} jobs"));
    let mut total = 0usize;
    for (_, check) in ops_core::builtin::rules() {
        let found = phase(
            check.name(),
            || check.run(&ctx),
            |r| match r {
                Ok(f) => format!("{} findings", f.len()),
                Err(e) => format!("error: {e}"),
            },
        );
        total += found.map(|f| f.len()).unwrap_or(0);
    }
    println!("{total} findings in all");
    drop(ctx);
    // What `opsctl check --format json` does after loading: every check on
    // two threads, the report (waivers, sorting), the JSON document.
    let runner = Runner::with_builtin_checks();
    let threads = std::num::NonZeroUsize::new(2).unwrap_or(std::num::NonZeroUsize::MIN);
    let report = phase(
        "runner (2 threads)",
        || runner.run_parallel(&inv, now, threads),
        |r| format!("{} findings", r.findings.len()),
    );
    let mut out = CountingSink(0);
    phase(
        "json (1 thread)",
        || render::write_json(&report, &mut out),
        |_| String::new(),
    )?;
    println!("{} bytes of JSON", out.0);
    let mut out = CountingSink(0);
    phase(
        "json (2 threads, as opsctl)",
        || render::write_json_parallel(&report, &mut out, threads),
        |_| String::new(),
    )?;
    println!("{} bytes of JSON", out.0);
    Ok(())
}
