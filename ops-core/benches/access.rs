//! Effective access: resolving nested groups for an organisation of 100k
//! principals, 10k groups and 1M grants (and a tenth of that).
//!
//! ```text
//! cargo bench -p ops-core --bench access
//! ```

#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmarks stop on bad fixtures

use divan::Bencher;
use ops_core::access::EffectiveAccess;
use ops_core::builtin::checks;
use ops_core::synth::{OrgShape, generate_access_json};
use ops_core::{Format, Inventory, Runner};

fn main() {
    divan::main();
}

const SIZES: [(usize, usize, usize); 2] = [(10_000, 1_000, 100_000), (100_000, 10_000, 1_000_000)];

fn org(size: (usize, usize, usize)) -> Inventory {
    let (principals, groups, grants) = size;
    let shape = OrgShape {
        principals,
        groups,
        grants,
        systems: 2_000,
    };
    Inventory::from_text("org.json", Format::Json, &generate_access_json(shape, 42)).unwrap()
}

/// Building the resolved closure of every principal.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn resolve(bencher: Bencher, size: (usize, usize, usize)) {
    let inv = org(size);
    bencher.bench(|| EffectiveAccess::new(divan::black_box(&inv)).count());
}

/// Resolving, then walking every (person or service account, grant) pair.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn resolve_and_enumerate(bencher: Bencher, size: (usize, usize, usize)) {
    let inv = org(size);
    bencher.bench(|| {
        let access = EffectiveAccess::new(divan::black_box(&inv));
        access.all().filter(|e| e.is_direct()).count()
    });
}

/// Every built-in access check (and the access-backup cross-check) over the
/// organisation, resolution included.
#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn access_checks(bencher: Bencher, size: (usize, usize, usize)) {
    let inv = org(size);
    let now = "2026-11-22T09:00:00Z".parse().unwrap();
    let mut runner = Runner::new();
    for check in checks() {
        // crosscheck/delete-data-and-backups was access/ before the rename; it is measured here still.
        if check
            .rules()
            .iter()
            .all(|r| r.id().starts_with("access/") || r.id().starts_with("crosscheck/"))
        {
            runner.add(check);
        }
    }
    bencher.bench(|| runner.run(divan::black_box(&inv), now).findings.len());
}
