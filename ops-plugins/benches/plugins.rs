//! The plugin host's costs, side by side:
//!
//! - `run_empty_check`: new store, instantiation, one call and drop of a
//!   plugin that returns nothing (with pre-instantiation), with the pooling
//!   allocator (the default), the pool with `keep_resident = 0` (every page
//!   a run touched unmapped after it, as before) and allocating on demand;
//! - `stateful_spof`: a SPOF-style check over a synthetic estate, as a plugin
//!   (`examples/plugins/bench/stateful-spof`: a host call per entry and per
//!   SPOF), as a plugin on the batched host queries
//!   (`examples/plugins/bench/stateful-spof-batched`: four calls), and each
//!   written natively step for step (`tests/native`);
//! - `backup_history`: a plugin reading every backup policy's runs and
//!   drills through the paged queries (`examples/plugins/bench/backup-history`),
//!   and its native twin, at 500 and 2,000 policies of 100 runs: time that
//!   grows 4x with 4x the history, not 16x;
//! - `load`: loading a plugin by compiling it, and from the on-disk cache.
//!
//! ```text
//! cargo bench -p ops-plugins --bench plugins
//! ```
//! The plugins are built from source first (the wasm32 target must be
//! installed). Results and the machine are in BENCHMARKS.md.

#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmarks stop on bad fixtures

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/native/mod.rs"]
mod native;

use std::sync::OnceLock;

use divan::Bencher;
use native::{NativeBackupHistory, NativeStatefulSpof, NativeStatefulSpofBatched, backup_estate, estate};
use ops_core::{Check, Context, Format, Inventory};
use ops_plugins::{HostConfig, PluginHost};

fn main() {
    divan::main();
}

const AT: &str = "2026-11-22T09:00:00Z";
const SIZES: &[usize] = &[10_000, 100_000];

fn host() -> &'static PluginHost {
    static HOST: OnceLock<PluginHost> = OnceLock::new();
    HOST.get_or_init(|| {
        let host = PluginHost::new().unwrap();
        assert!(host.pooling().is_some(), "the pool could not be reserved");
        host
    })
}

/// The pool as before `Pooling::keep_resident`: every page a run touched
/// is unmapped after it, and faulted in again by the next run.
fn host_unmapped() -> &'static PluginHost {
    static HOST: OnceLock<PluginHost> = OnceLock::new();
    HOST.get_or_init(|| {
        let mut config = HostConfig::default();
        if let Some(pool) = config.pooling.as_mut() {
            pool.keep_resident = 0;
        }
        let host = PluginHost::with_config(config).unwrap();
        assert!(host.pooling().is_some(), "the pool could not be reserved");
        host
    })
}

fn host_on_demand() -> &'static PluginHost {
    static HOST: OnceLock<PluginHost> = OnceLock::new();
    HOST.get_or_init(|| {
        let mut config = HostConfig::default();
        config.pooling = None;
        PluginHost::with_config(config).unwrap()
    })
}

#[divan::bench(sample_count = 200, sample_size = 20, args = ["pooling", "pooling_unmapped", "on_demand"])]
fn run_empty_check(bencher: Bencher, allocator: &str) {
    let host = match allocator {
        "pooling" => host(),
        "pooling_unmapped" => host_unmapped(),
        _ => host_on_demand(),
    };
    let check = host.load("bench-noop", &common::plugin("bench-noop")).unwrap();
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]").unwrap();
    let ctx = Context::new(&inv, AT.parse().unwrap());
    bencher.bench_local(|| check.run(&ctx).unwrap());
}

#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod stateful_spof {
    use super::*;

    /// Each sample gets a fresh context, so both sides pay for the failure
    /// analysis (the kill graph is built on first use).
    #[divan::bench(args = SIZES)]
    fn plugin(bencher: Bencher, n: usize) {
        let check = host()
            .load("bench-stateful-spof", &common::plugin("bench-stateful-spof"))
            .unwrap();
        let inv = estate(n);
        bencher
            .with_inputs(|| Context::new(&inv, AT.parse().unwrap()))
            .bench_local_refs(|ctx| check.run(ctx).unwrap().len());
    }

    #[divan::bench(args = SIZES)]
    fn native(bencher: Bencher, n: usize) {
        let check = NativeStatefulSpof::new();
        let inv = estate(n);
        bencher
            .with_inputs(|| Context::new(&inv, AT.parse().unwrap()))
            .bench_local_refs(|ctx| check.run(ctx).unwrap().len());
    }

    /// The batched plugin, failure analysis built inside the run.
    #[divan::bench(args = SIZES)]
    fn plugin_batched(bencher: Bencher, n: usize) {
        let check = host()
            .load(
                "bench-stateful-spof-batched",
                &common::plugin("bench-stateful-spof-batched"),
            )
            .unwrap();
        let inv = estate(n);
        bencher
            .with_inputs(|| Context::new(&inv, AT.parse().unwrap()))
            .bench_local_refs(|ctx| check.run(ctx).unwrap().len());
    }

    /// Its native twin, failure analysis built inside the run.
    #[divan::bench(args = SIZES)]
    fn native_batched(bencher: Bencher, n: usize) {
        let check = NativeStatefulSpofBatched::new();
        let inv = estate(n);
        bencher
            .with_inputs(|| Context::new(&inv, AT.parse().unwrap()))
            .bench_local_refs(|ctx| check.run(ctx).unwrap().len());
    }

    /// The same plugin and estate, counting only what the plugin adds: the
    /// failure analysis is built once, before the timed runs (a context
    /// caches it), so many samples are cheap.
    #[divan::bench(args = SIZES, sample_count = 40)]
    fn plugin_analysis_prebuilt(bencher: Bencher, n: usize) {
        let check = host()
            .load("bench-stateful-spof", &common::plugin("bench-stateful-spof"))
            .unwrap();
        let inv = estate(n);
        let ctx = Context::new(&inv, AT.parse().unwrap());
        let _ = ctx.failure_analysis().spofs();
        bencher.bench_local(|| check.run(&ctx).unwrap().len());
    }

    #[divan::bench(args = SIZES, sample_count = 40)]
    fn native_analysis_prebuilt(bencher: Bencher, n: usize) {
        let check = NativeStatefulSpof::new();
        let inv = estate(n);
        let ctx = Context::new(&inv, AT.parse().unwrap());
        let _ = ctx.failure_analysis().spofs();
        bencher.bench_local(|| check.run(&ctx).unwrap().len());
    }

    /// The batched plugin: `spofs-of-each` of every entry, then the flags of
    /// the SPOFs and the ids of the stateful ones, four host calls in all.
    #[divan::bench(args = SIZES, sample_count = 40)]
    fn plugin_batched_analysis_prebuilt(bencher: Bencher, n: usize) {
        let check = host()
            .load(
                "bench-stateful-spof-batched",
                &common::plugin("bench-stateful-spof-batched"),
            )
            .unwrap();
        let inv = estate(n);
        let ctx = Context::new(&inv, AT.parse().unwrap());
        let _ = ctx.failure_analysis().spofs();
        bencher.bench_local(|| check.run(&ctx).unwrap().len());
    }

    /// The batched plugin's steps, natively.
    #[divan::bench(args = SIZES, sample_count = 40)]
    fn native_batched_analysis_prebuilt(bencher: Bencher, n: usize) {
        let check = NativeStatefulSpofBatched::new();
        let inv = estate(n);
        let ctx = Context::new(&inv, AT.parse().unwrap());
        let _ = ctx.failure_analysis().spofs();
        bencher.bench_local(|| check.run(&ctx).unwrap().len());
    }
}

/// Backup policies in the `backup_history` estates, each with 100 runs.
const POLICIES: &[usize] = &[500, 2_000];

#[divan::bench_group(sample_count = 10, sample_size = 1)]
mod backup_history {
    use super::*;

    /// Without the default CPU budget of a second, so that a slow host
    /// is measured rather than stopped.
    #[divan::bench(args = POLICIES)]
    fn plugin(bencher: Bencher, policies: usize) {
        let mut check = host()
            .load("bench-backup-history", &common::plugin("bench-backup-history"))
            .unwrap();
        let mut limits = ops_plugins::PluginLimits::default();
        limits.cpu_time = std::time::Duration::from_secs(600);
        check.set_limits(limits);
        let inv = backup_estate(policies, 100);
        let ctx = Context::new(&inv, AT.parse().unwrap());
        bencher.bench_local(|| check.run(&ctx).unwrap().len());
    }

    #[divan::bench(args = POLICIES)]
    fn native(bencher: Bencher, policies: usize) {
        let check = NativeBackupHistory::new();
        let inv = backup_estate(policies, 100);
        let ctx = Context::new(&inv, AT.parse().unwrap());
        bencher.bench_local(|| check.run(&ctx).unwrap().len());
    }
}

#[divan::bench_group(sample_count = 20, sample_size = 1)]
mod load {
    use super::*;

    #[divan::bench]
    fn compile(bencher: Bencher) {
        let wasm = common::plugin("zone-spof");
        bencher.bench_local(|| host().load("zone-spof", &wasm).unwrap());
    }

    #[divan::bench]
    fn from_cache(bencher: Bencher) {
        let wasm = common::plugin("zone-spof");
        let dir = std::env::temp_dir().join(format!("ops-plugins-bench-cache-{}", std::process::id()));
        let mut config = HostConfig::default();
        config.cache_dir = Some(dir.clone());
        let host = PluginHost::with_config(config).unwrap();
        assert!(!host.load("zone-spof", &wasm).unwrap().loaded_from_cache());
        bencher.bench_local(|| {
            let check = host.load("zone-spof", &wasm).unwrap();
            assert!(check.loaded_from_cache());
            check
        });
        let _ = std::fs::remove_dir_all(dir);
    }
}
