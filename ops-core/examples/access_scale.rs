//! Times loading and resolving a generated organisation's access, and prints
//! its size: principals, groups, grants, memberships and effective grants.
//!
//! ```text
//! cargo run --release -p ops-core --example access_scale -- 100000 10000 1000000
//! ```

use std::time::Instant;

use ops_core::access::EffectiveAccess;
use ops_core::synth::{OrgShape, generate_access_json};
use ops_core::{Format, Inventory};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    let shape = OrgShape {
        principals: args.first().copied().unwrap_or(100_000),
        groups: args.get(1).copied().unwrap_or(10_000),
        grants: args.get(2).copied().unwrap_or(1_000_000),
        systems: 2_000,
    };
    let text = generate_access_json(shape, 42);
    let t = Instant::now();
    let inv = Inventory::from_text("org.json", Format::Json, &text)?;
    let load = t.elapsed();
    let memberships: usize = inv.groups().iter().map(|g| g.members.len()).sum();
    let t = Instant::now();
    let access = EffectiveAccess::new(&inv);
    let resolve = t.elapsed();
    let t = Instant::now();
    let effective = access.all().count();
    let enumerate = t.elapsed();
    println!(
        "{{\"principals\": {}, \"groups\": {}, \"grants\": {}, \"memberships\": {memberships}, \"effective_grants\": {effective}, \
         \"json_mb\": {:.1}, \"load_s\": {:.3}, \"resolve_s\": {:.3}, \"enumerate_s\": {:.3}}}",
        inv.people().len() + inv.service_accounts().len(),
        inv.groups().len(),
        inv.grants().len(),
        text.len() as f64 / 1e6,
        load.as_secs_f64(),
        resolve.as_secs_f64(),
        enumerate.as_secs_f64()
    );
    Ok(())
}
