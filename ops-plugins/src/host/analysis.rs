//! `ops:plugin/analysis`: the host's failure analysis (single points of
//! failure, blast radius, simulated outages), so plugins need not redo it.

use std::collections::HashMap;

use ops_core::graph::Component;
use ops_core::inventory::FailureTarget;
use ops_core::{Idx, Inventory};
use wasmtime::format_err;

use super::{AnswerSize, to_u32};
use crate::bindings::ops::plugin::{analysis, types};
use crate::state::RunState;

/// Indices `simulate` takes in one list, or as many as the inventory has
/// components (domains) if that is more. Repeats count once; the list is
/// already bounded by the copy cap, this bounds the work and says so.
const MAX_SIMULATE: usize = 1 << 20;

impl analysis::Host for RunState {
    fn spofs(&mut self, component: u32) -> wasmtime::Result<Vec<u32>> {
        self.with("spofs", |inv, analysis| {
            let c = component_idx(inv, component).ok_or_else(|| no_component("spofs", component))?;
            Ok(analysis.spofs_of(c).into_iter().map(|x| to_u32(x.index())).collect())
        })
    }

    fn domain_spofs(&mut self, component: u32) -> wasmtime::Result<Vec<u32>> {
        const WHAT: &str = "domain-spofs";
        if self.domain_spofs.is_none() {
            // Every entry's at once: one propagation per domain, then cached
            // for the rest of the run; stopped at the CPU deadline.
            let all = self.with(WHAT, |_, analysis| {
                let all = analysis
                    .domain_spofs_until(&|| self.stop())
                    .ok_or_else(|| self.out_of_time(WHAT))?;
                Ok(all
                    .into_iter()
                    .map(|e| {
                        let domains = e.domains.iter().map(|d| to_u32(d.index())).collect();
                        (to_u32(e.entry.index()), domains)
                    })
                    .collect::<HashMap<u32, Vec<u32>>>())
            })?;
            self.domain_spofs = Some(all);
        }
        if let Some(cached) = self.domain_spofs.as_ref().and_then(|m| m.get(&component)) {
            return Ok(cached.clone());
        }
        let found = self.with(WHAT, |inv, analysis| {
            let c = component_idx(inv, component).ok_or_else(|| no_component(WHAT, component))?;
            // Not an entry point: one propagation per domain for this component.
            let mut found = Vec::new();
            for i in 0..inv.domains().len() {
                let Some(idx) = inv.domain_idx(i) else { continue };
                let outage = analysis
                    .simulate_until(&[FailureTarget::Domain(idx)], &|| self.stop())
                    .ok_or_else(|| self.out_of_time(WHAT))?;
                if outage.is_down(c) {
                    found.push(to_u32(i));
                }
            }
            Ok(found)
        })?;
        self.domain_spofs
            .get_or_insert_default()
            .insert(component, found.clone());
        Ok(found)
    }

    fn blast_radius(&mut self, component: u32) -> wasmtime::Result<Vec<u32>> {
        const WHAT: &str = "blast-radius";
        self.with(WHAT, |inv, analysis| {
            let c = component_idx(inv, component).ok_or_else(|| no_component(WHAT, component))?;
            let outage = analysis
                .simulate_until(&[FailureTarget::Component(c)], &|| self.stop())
                .ok_or_else(|| self.out_of_time(WHAT))?;
            let mut down: Vec<u32> = outage.down().into_iter().map(|x| to_u32(x.index())).collect();
            down.sort_unstable();
            Ok(down)
        })
    }

    fn simulate(&mut self, components: Vec<u32>, domains: Vec<u32>) -> wasmtime::Result<Vec<u32>> {
        const WHAT: &str = "simulate";
        self.with(WHAT, |inv, analysis| {
            // Each component and domain once: a domain given a million times
            // was expanded a million times (4.2 GB for one of 2,001 members).
            let components = distinct("component", components, inv.components().len())?;
            let domains = distinct("domain", domains, inv.domains().len())?;
            let mut targets = Vec::with_capacity(components.len() + domains.len());
            for c in components {
                targets.push(FailureTarget::Component(
                    component_idx(inv, c).ok_or_else(|| no_component(WHAT, c))?,
                ));
            }
            for d in domains {
                targets.push(FailureTarget::Domain(
                    inv.domain_idx(d as usize).ok_or_else(|| no_domain(WHAT, d))?,
                ));
            }
            if targets.is_empty() {
                return Ok(Vec::new());
            }
            let outage = analysis
                .simulate_until(&targets, &|| self.stop())
                .ok_or_else(|| self.out_of_time(WHAT))?;
            Ok(outage.down().into_iter().map(|x| to_u32(x.index())).collect())
        })
    }

    fn spofs_of_each(&mut self, components: Vec<u32>) -> wasmtime::Result<types::IndexLists> {
        const WHAT: &str = "spofs-of-each";
        let mut size = AnswerSize::new(WHAT, self.limiter.memory_cap());
        self.with(WHAT, |inv, analysis| {
            // Every index first: a bad one fails the call before any analysis.
            let mut asked = Vec::with_capacity(components.len());
            for &c in &components {
                asked.push(component_idx(inv, c).ok_or_else(|| no_component(WHAT, c))?);
            }
            size.add(4 * (asked.len() + 1))?;
            let mut offsets = Vec::with_capacity(asked.len() + 1);
            offsets.push(0);
            let mut items = Vec::new();
            for c in asked {
                // One component's SPOFs are one search: the deadline between them.
                self.check_deadline(WHAT)?;
                let spofs = analysis.spofs_of(c);
                size.add(4 * spofs.len())?;
                items.extend(spofs.into_iter().map(|x| to_u32(x.index())));
                offsets.push(to_u32(items.len()));
            }
            Ok(types::IndexLists { offsets, items })
        })
    }
}

/// The `what` indices of a `simulate` list, each once, in the order first
/// given: at most `max(count, MAX_SIMULATE)` of them, each below `count`.
fn distinct(what: &str, indices: Vec<u32>, count: usize) -> wasmtime::Result<Vec<u32>> {
    let cap = count.max(MAX_SIMULATE);
    if indices.len() > cap {
        return Err(format_err!(
            "simulate: {} {what} indices, more than the {cap} one call takes (give each {what} once)",
            indices.len()
        ));
    }
    let mut seen = vec![false; count];
    let mut once = Vec::new();
    for i in indices {
        let Some(slot) = seen.get_mut(i as usize) else {
            return Err(format_err!("simulate: no {what} at index {i}"));
        };
        if !*slot {
            *slot = true;
            once.push(i);
        }
    }
    Ok(once)
}

/// The error for a domain index with no domain.
fn no_domain(what: &str, index: u32) -> wasmtime::Error {
    format_err!("{what}: no domain at index {index}")
}

/// The error for a component index with no component.
fn no_component(what: &str, index: u32) -> wasmtime::Error {
    format_err!("{what}: no component at index {index}")
}

/// The index of the component at position `i`, if there is one.
fn component_idx(inv: &Inventory, i: u32) -> Option<Idx<Component>> {
    inv.component_idx(i as usize)
}
