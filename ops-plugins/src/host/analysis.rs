//! `ops:plugin/analysis`: the host's failure analysis (single points of
//! failure, blast radius, simulated outages), so plugins need not redo it.

use std::collections::HashMap;

use ops_core::graph::Component;
use ops_core::inventory::FailureTarget;
use ops_core::{Idx, Inventory};
use wasmtime::format_err;

use super::to_u32;
use crate::bindings::ops::plugin::analysis;
use crate::state::RunState;

impl analysis::Host for RunState {
    fn spofs(&mut self, component: u32) -> wasmtime::Result<Vec<u32>> {
        self.with("spofs", |inv, analysis| {
            let c = component_idx(inv, component).ok_or_else(|| no_component("spofs", component))?;
            Ok(analysis.spofs_of(c).into_iter().map(|x| to_u32(x.index())).collect())
        })
    }

    fn domain_spofs(&mut self, component: u32) -> wasmtime::Result<Vec<u32>> {
        if self.domain_spofs.is_none() {
            // Every entry's at once: one propagation per domain, then cached
            // for the rest of the run.
            let all = self.with("domain-spofs", |_, analysis| {
                Ok(analysis
                    .domain_spofs()
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
        let found = self.with("domain-spofs", |inv, analysis| {
            let c = component_idx(inv, component).ok_or_else(|| no_component("domain-spofs", component))?;
            // Not an entry point: one propagation per domain for this component.
            let mut found = Vec::new();
            for i in 0..inv.domains().len() {
                let Some(idx) = inv.domain_idx(i) else { continue };
                if analysis.simulate(&[FailureTarget::Domain(idx)]).is_down(c) {
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
        self.with("blast-radius", |inv, analysis| {
            let c = component_idx(inv, component).ok_or_else(|| no_component("blast-radius", component))?;
            let mut down: Vec<u32> = analysis
                .blast_radius(c)
                .down()
                .into_iter()
                .map(|x| to_u32(x.index()))
                .collect();
            down.sort_unstable();
            Ok(down)
        })
    }

    fn simulate(&mut self, components: Vec<u32>, domains: Vec<u32>) -> wasmtime::Result<Vec<u32>> {
        self.with("simulate", |inv, analysis| {
            let mut targets = Vec::with_capacity(components.len() + domains.len());
            for c in components {
                targets.push(FailureTarget::Component(
                    component_idx(inv, c).ok_or_else(|| no_component("simulate", c))?,
                ));
            }
            for d in domains {
                targets.push(FailureTarget::Domain(
                    inv.domain_idx(d as usize).ok_or_else(|| no_domain("simulate", d))?,
                ));
            }
            if targets.is_empty() {
                return Ok(Vec::new());
            }
            Ok(analysis
                .simulate(&targets)
                .down()
                .into_iter()
                .map(|x| to_u32(x.index()))
                .collect())
        })
    }
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
