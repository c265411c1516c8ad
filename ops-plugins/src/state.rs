//! What a store holds during one call, and the host side of the imports.

use std::collections::HashMap;

use ops_core::{Component, FailureAnalysis, FailureTarget, Idx, Inventory};
use wasmtime::{ResourceLimiter, format_err};

use crate::Limits;
use crate::bindings::ops::plugin::{analysis, inventory, log, types};
use crate::lend::Lent;

/// The data of one store: the lent inventory (none while `metadata()` runs),
/// the resource limiter and what the plugin logged.
#[derive(Debug)]
pub(crate) struct RunState {
    pub(crate) lent: Option<Lent>,
    pub(crate) limiter: Limiter,
    pub(crate) log: Vec<(log::Level, String)>,
    pub(crate) log_dropped: usize,
    max_log_messages: usize,
    max_log_len: usize,
    /// Domain SPOFs by component: every entry's, computed on first use, and
    /// other components' as they are asked for.
    domain_spofs: Option<HashMap<u32, Vec<u32>>>,
}

impl RunState {
    pub(crate) fn new(limits: &Limits, lent: Option<Lent>) -> Self {
        RunState {
            lent,
            limiter: Limiter {
                memory_cap: limits.memory,
                memory_used: 0,
                memory_refused: None,
                table_cap: limits.table_elements,
                table_used: 0,
            },
            log: Vec::new(),
            log_dropped: 0,
            max_log_messages: limits.max_log_messages,
            max_log_len: limits.max_string_len,
            domain_spofs: None,
        }
    }

    /// The last message logged at `error` level: the SDK's panic hook sends
    /// the panic message there.
    pub(crate) fn last_error(&self) -> Option<&str> {
        self.log
            .iter()
            .rev()
            .find(|(level, _)| *level == log::Level::Error)
            .map(|(_, m)| m.as_str())
    }

    /// Runs `f` on the lent inventory, or traps if there is none.
    fn with<R>(
        &self,
        what: &str,
        f: impl FnOnce(&Inventory, &FailureAnalysis<'_>) -> wasmtime::Result<R>,
    ) -> wasmtime::Result<R> {
        let Some(lent) = &self.lent else {
            return Err(format_err!("{what}: the inventory is only available during run()"));
        };
        lent.with(f)
            .map_err(|_| format_err!("{what}: called after the run ended"))?
    }
}

/// Caps the memory and table elements of all instances of a store together,
/// and remembers a refused growth so the error can say so.
#[derive(Debug)]
pub(crate) struct Limiter {
    memory_cap: usize,
    memory_used: usize,
    /// The total a refused `memory.grow` asked for.
    pub(crate) memory_refused: Option<usize>,
    table_cap: usize,
    table_used: usize,
}

impl Limiter {
    pub(crate) fn memory_cap(&self) -> usize {
        self.memory_cap
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.memory_used.saturating_add(desired.saturating_sub(current));
        if total > self.memory_cap {
            // Trapping (rather than letting `memory.grow` return -1) gives a
            // clear error instead of an allocator's abort far from the cause.
            self.memory_refused = Some(total);
            return Err(format_err!(
                "memory limit of {} bytes exceeded (growing to {total} bytes)",
                self.memory_cap
            ));
        }
        self.memory_used = total;
        Ok(true)
    }

    fn table_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.table_used.saturating_add(desired.saturating_sub(current));
        if total > self.table_cap {
            return Err(format_err!("table limit of {} elements exceeded", self.table_cap));
        }
        self.table_used = total;
        Ok(true)
    }

    fn instances(&self) -> usize {
        64
    }

    fn tables(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        16
    }
}

/// The index of the component at position `i`. `Idx` cannot be made from a
/// number outside ops-core, so this goes through the id (one hash lookup).
fn component_idx(inv: &Inventory, i: u32) -> Option<Idx<Component>> {
    let c = inv.components().get(i as usize)?;
    inv.component_by_id(&c.id)
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl types::Host for RunState {}

impl inventory::Host for RunState {
    fn component_count(&mut self) -> wasmtime::Result<u32> {
        self.with("component-count", |inv, _| Ok(to_u32(inv.components().len())))
    }

    fn component_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Component>> {
        self.with("component-at", |inv, _| {
            let Some(c) = inv.components().get(index as usize) else {
                return Ok(None);
            };
            Ok(Some(types::Component {
                id: c.id.clone(),
                kind: c.kind.as_str().to_owned(),
                entry: c.entry,
                tier: c.tier,
                stateful: c.stateful,
                needed: to_u32(c.requires.needed(c.depends_on.len())),
                depends_on: c.depends_on.iter().map(|d| to_u32(d.index())).collect(),
                domains: c.domains.iter().map(|d| to_u32(d.index())).collect(),
                owners: c.owners.iter().map(|&p| inv.principal_id(p).to_owned()).collect(),
                tags: c.tags.clone(),
            }))
        })
    }

    fn component_index(&mut self, id: String) -> wasmtime::Result<Option<u32>> {
        self.with("component-index", |inv, _| {
            Ok(inv.component_by_id(&id).map(|c| to_u32(c.index())))
        })
    }

    fn entries(&mut self) -> wasmtime::Result<Vec<u32>> {
        self.with("entries", |inv, _| {
            Ok(inv
                .components()
                .iter()
                .enumerate()
                .filter(|(_, c)| c.entry)
                .map(|(i, _)| to_u32(i))
                .collect())
        })
    }

    fn domain_count(&mut self) -> wasmtime::Result<u32> {
        self.with("domain-count", |inv, _| Ok(to_u32(inv.domains().len())))
    }

    fn domain_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Domain>> {
        self.with("domain-at", |inv, _| {
            Ok(inv.domains().get(index as usize).map(|d| types::Domain {
                id: d.id.clone(),
                kind: d.kind.as_str().to_owned(),
                parent: d.parent.map(|p| to_u32(p.index())),
            }))
        })
    }

    fn now(&mut self) -> wasmtime::Result<String> {
        match &self.lent {
            Some(lent) => Ok(lent.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            None => Err(format_err!("now: the inventory is only available during run()")),
        }
    }
}

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
            for (i, d) in inv.domains().iter().enumerate() {
                let Some(FailureTarget::Domain(idx)) = inv.target_by_id(&d.id) else {
                    continue;
                };
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
}

fn no_component(what: &str, index: u32) -> wasmtime::Error {
    format_err!("{what}: no component at index {index}")
}

impl log::Host for RunState {
    fn log(&mut self, level: log::Level, mut message: String) -> wasmtime::Result<()> {
        if self.log.len() >= self.max_log_messages {
            self.log_dropped += 1;
            return Ok(());
        }
        if message.len() > self.max_log_len {
            let mut cut = self.max_log_len;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        self.log.push((level, message));
        Ok(())
    }
}
