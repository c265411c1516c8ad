//! Brute-force oracles: the definitions that ops-core's fast analyses are
//! checked against, in one place for the property tests and the fuzz
//! targets. Each is written for obviousness, not speed (fixpoints and full
//! enumeration), and is meant for inventories of a few dozen components.

pub mod cronie;

use std::collections::{BTreeMap, BTreeSet};

use ops_core::Inventory;

/// What is down once `failed` has failed: start from `failed`, then add
/// every component whose redundancy rule its dependencies no longer meet,
/// until nothing changes. Per component, whether it is down.
pub fn down_after(inv: &Inventory, failed: &BTreeSet<usize>) -> Vec<bool> {
    let cs = inv.components();
    let mut down: Vec<bool> = (0..cs.len()).map(|i| failed.contains(&i)).collect();
    loop {
        let mut changed = false;
        for (i, c) in cs.iter().enumerate() {
            if down[i] || c.depends_on.is_empty() {
                continue;
            }
            let up = c.depends_on.iter().filter(|d| !down[d.index()]).count();
            if up < c.requires.needed(c.depends_on.len()) {
                down[i] = true;
                changed = true;
            }
        }
        if !changed {
            return down;
        }
    }
}

/// [`down_after`] as the set of components that are down.
pub fn down_set(inv: &Inventory, failed: &BTreeSet<usize>) -> BTreeSet<usize> {
    let down = down_after(inv, failed);
    (0..down.len()).filter(|&i| down[i]).collect()
}

/// The components in domain `d` or in a domain nested in it, found by
/// walking up from each component's domains.
pub fn domain_members(inv: &Inventory, d: usize) -> BTreeSet<usize> {
    let within = |mut x: usize| {
        // Parents form a forest (validation refuses cycles); the walk is
        // bounded by the number of domains all the same.
        for _ in 0..=inv.domains().len() {
            if x == d {
                return true;
            }
            match inv.domains()[x].parent {
                Some(p) => x = p.index(),
                None => return false,
            }
        }
        false
    };
    inv.components()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.domains.iter().any(|dd| within(dd.index())))
        .map(|(i, _)| i)
        .collect()
}

/// Every entry point's availability, by weighing every combination of
/// failures of the components with an `availability` below 1 (2^k cases).
pub fn availability(inv: &Inventory) -> BTreeMap<usize, f64> {
    let cs = inv.components();
    let fallible: Vec<usize> = (0..cs.len())
        .filter(|&i| cs[i].availability.is_some_and(|a| a < 1.0))
        .collect();
    let mut up: BTreeMap<usize, f64> = (0..cs.len()).filter(|&i| cs[i].entry).map(|i| (i, 0.0)).collect();
    for mask in 0..1u64 << fallible.len() {
        let failed: BTreeSet<usize> = (0..fallible.len())
            .filter(|j| mask >> j & 1 == 1)
            .map(|j| fallible[j])
            .collect();
        let weight: f64 = fallible
            .iter()
            .map(|&c| {
                let a = cs[c].availability.unwrap_or(1.0);
                if failed.contains(&c) { 1.0 - a } else { a }
            })
            .product();
        let down = down_after(inv, &failed);
        for (&e, p) in up.iter_mut() {
            if !down[e] {
                *p += weight;
            }
        }
    }
    up
}
