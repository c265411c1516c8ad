//! Pictures at scale (ops_core::synth's systems estate, replicas included):
//! one tier-1 entry's focused view (scope, folding, grouping, failure
//! paths), and the report's whole graph section (one picture per tier-1
//! entry, each laid out and written as SVG), with no findings so that only
//! the pictures and tables are measured.
//!
//! ```text
//! cargo bench -p ops-core --bench pictures
//! ```
//! Results and the machine they were taken on are in BENCHMARKS.md.

#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmarks stop on bad fixtures

use divan::Bencher;
use ops_core::graph::FailureAnalysis;
use ops_core::render::view::{ViewContext, ViewOptions};
use ops_core::synth::systems_yaml;
use ops_core::{Format, Inventory, Runner, render};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[1_000, 10_000, 100_000];

fn estate(n: usize) -> Inventory {
    Inventory::from_text("estate.yaml", Format::Yaml, &systems_yaml(n, 42)).expect("synthetic estates are valid")
}

/// The analysis every picture shares (SPOFs and domain SPOFs of every entry).
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn view_context(bencher: Bencher, n: usize) {
    let inv = estate(n);
    bencher
        .with_inputs(|| FailureAnalysis::new(&inv))
        .bench_local_refs(|analysis| ViewContext::new(analysis).spofs().entries().len());
}

/// One focused view, the analysis done.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn focused_view(bencher: Bencher, n: usize) {
    let inv = estate(n);
    let analysis = FailureAnalysis::new(&inv);
    let ctx = ViewContext::new(&analysis);
    let entry = inv.components().iter().find(|c| c.entry && c.tier == Some(1)).unwrap();
    let mut options = ViewOptions::default();
    options.entry = inv.component_by_id(&entry.id);
    bencher.bench_local(|| ctx.view(&options).nodes.len());
}

/// The whole page with every picture: analysis, views, layouts, SVG.
#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn report_page(bencher: Bencher, n: usize) {
    let inv = estate(n);
    let report = Runner::new().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
    bencher.bench_local(|| render::to_html(&inv, &report, None).len());
}
