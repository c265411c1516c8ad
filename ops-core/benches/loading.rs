//! Loading and validating inventories: the same synthetic estates as JSON
//! and as block-style YAML, bytes per second and time per size.
//!
//! ```text
//! cargo bench -p ops-core --bench loading
//! ```

#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmarks stop on bad fixtures

use divan::Bencher;
use divan::counter::BytesCount;
use ops_core::synth::{Rules, estate_json, estate_yaml, generate_served};
use ops_core::{Format, Inventory};

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [10_000, 100_000, 300_000];

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn load_json(bencher: Bencher, n: usize) {
    let text = estate_json(&generate_served(n, 42, Rules::Mixed));
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        Inventory::from_text("estate.json", Format::Json, divan::black_box(&text)).map(|i| i.components().len())
    });
}

/// The estate of [`load_json`] in block-style YAML (about 1.2 times the
/// bytes): goal 2 of issue 26 wants it within 3 times of JSON's time.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn load_yaml(bencher: Bencher, n: usize) {
    let text = estate_yaml(&generate_served(n, 42, Rules::Mixed));
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        Inventory::from_text("estate.yaml", Format::Yaml, divan::black_box(&text)).map(|i| i.components().len())
    });
}
