//! Failure analysis on synthetic, infrastructure-shaped estates (see
//! `ops_core::synth`): compiling the whole graph, all entries' single points
//! of failure (kill graph included), domain SPOFs, one blast radius; the
//! SPOF benches also on "served" estates, where every component serves an
//! entry point, so the entries' cone is the whole graph (the worst case).
//!
//! ```text
//! cargo bench -p ops-core --bench failure_analysis
//! ```
//! Results and the machine they were taken on are in BENCHMARKS.md.

#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmarks stop on bad fixtures

use divan::Bencher;
use ops_core::graph::FailureAnalysis;
use ops_core::synth::{Rules, estate_json, generate, generate_served};
use ops_core::{Format, Inventory};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[10_000, 100_000, 1_000_000];

fn estate(n: usize, rules: Rules) -> Inventory {
    let text = estate_json(&generate(n, 42, rules));
    Inventory::from_text("estate.json", Format::Json, &text).expect("synthetic estates are valid")
}

fn served_estate(n: usize, rules: Rules) -> Inventory {
    let text = estate_json(&generate_served(n, 42, rules));
    Inventory::from_text("estate.json", Format::Json, &text).expect("synthetic estates are valid")
}

/// Compiling the whole graph (adjacency both ways, domain membership), which
/// an empty simulation needs; entry SPOFs do not.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn compile_whole_graph(bencher: Bencher, n: usize) {
    let inv = estate(n, Rules::Mixed);
    bencher.bench(|| FailureAnalysis::new(divan::black_box(&inv)).simulate(&[]));
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn all_entry_spofs_mixed(bencher: Bencher, n: usize) {
    let inv = estate(n, Rules::Mixed);
    bencher
        .with_inputs(|| FailureAnalysis::new(&inv))
        .bench_local_values(|analysis| analysis.spofs());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn all_entry_spofs_any_acyclic(bencher: Bencher, n: usize) {
    let inv = estate(n, Rules::AnyAcyclic);
    bencher
        .with_inputs(|| FailureAnalysis::new(&inv))
        .bench_local_values(|analysis| analysis.spofs());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn all_entry_spofs_mixed_served(bencher: Bencher, n: usize) {
    let inv = served_estate(n, Rules::Mixed);
    bencher
        .with_inputs(|| FailureAnalysis::new(&inv))
        .bench_local_values(|analysis| analysis.spofs());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn all_entry_spofs_any_acyclic_served(bencher: Bencher, n: usize) {
    let inv = served_estate(n, Rules::AnyAcyclic);
    bencher
        .with_inputs(|| FailureAnalysis::new(&inv))
        .bench_local_values(|analysis| analysis.spofs());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn domain_spofs(bencher: Bencher, n: usize) {
    let inv = estate(n, Rules::Mixed);
    let analysis = FailureAnalysis::new(&inv);
    bencher.bench(|| analysis.domain_spofs());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn domain_spofs_served(bencher: Bencher, n: usize) {
    let inv = served_estate(n, Rules::Mixed);
    let analysis = FailureAnalysis::new(&inv);
    bencher.bench(|| analysis.domain_spofs());
}

/// The blast radius of the most depended-upon component: time grows with
/// what it takes down, not with the estate.
#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn blast_radius_of_a_shared_component(bencher: Bencher, n: usize) {
    let inv = estate(n, Rules::Mixed);
    let analysis = FailureAnalysis::new(&inv);
    let mut fan_in = vec![0usize; inv.components().len()];
    for c in inv.components() {
        for d in &c.depends_on {
            fan_in[d.index()] += 1;
        }
    }
    let hub = (0..fan_in.len())
        .max_by_key(|&i| fan_in[i])
        .and_then(|i| inv.component_by_id(&inv.components()[i].id))
        .expect("estates are not empty");
    bencher.bench(|| analysis.blast_radius(hub));
}

/// The blast radius of an entry point, which takes down nothing else: after
/// the first question the scratch space is reused, so the time should not
/// grow with the estate.
#[divan::bench(args = SIZES, sample_count = 10, sample_size = 10)]
fn blast_radius_of_an_entry(bencher: Bencher, n: usize) {
    let inv = estate(n, Rules::Mixed);
    let analysis = FailureAnalysis::new(&inv);
    let entry = inv.entries()[0];
    analysis.blast_radius(entry);
    bencher.bench(|| analysis.blast_radius(entry));
}
