//! Loading and validating inventories: JSON of synthetic estates, bytes per
//! second and time per size.
//!
//! ```text
//! cargo bench -p ops-core --bench loading
//! ```

#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmarks stop on bad fixtures

use divan::Bencher;
use divan::counter::BytesCount;
use ops_core::synth::{Rules, generate_json};
use ops_core::{Format, Inventory};

fn main() {
    divan::main();
}

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn load_json(bencher: Bencher, n: usize) {
    let text = generate_json(n, 42, Rules::Mixed);
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        Inventory::from_text("estate.json", Format::Json, divan::black_box(&text)).map(|i| i.components().len())
    });
}
