//! `ops:plugin/inventory`: components, entry points, failure domains and the
//! instant under evaluation.

use wasmtime::format_err;

use super::{AnswerSize, instant, to_u32};
use crate::bindings::ops::plugin::{inventory, types};
use crate::state::RunState;

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
        // The inventory's own list (inventory order), not a scan of every
        // component: a quarter of a batched SPOF check at 100k, before.
        self.with("entries", |inv, _| {
            Ok(inv.entries().iter().map(|e| to_u32(e.index())).collect())
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
        self.check_deadline("now")?;
        match &self.lent {
            Some(lent) => Ok(instant(lent.now())),
            None => Err(format_err!("now: the inventory is only available during run()")),
        }
    }

    fn component_brief_at(&mut self, index: u32) -> wasmtime::Result<Option<types::ComponentBrief>> {
        self.with("component-brief-at", |inv, _| {
            Ok(inv.components().get(index as usize).map(|c| types::ComponentBrief {
                id: c.id.clone(),
                kind: c.kind.as_str().to_owned(),
                entry: c.entry,
                tier: c.tier,
                stateful: c.stateful,
            }))
        })
    }

    fn component_briefs(&mut self, start: u32, count: u32) -> wasmtime::Result<Vec<types::ComponentBrief>> {
        const WHAT: &str = "component-briefs";
        let mut size = AnswerSize::new(WHAT, self.limiter.memory_cap());
        self.with(WHAT, |inv, _| {
            let all = inv.components();
            let from = (start as usize).min(all.len());
            let to = from.saturating_add(count as usize).min(all.len());
            let page = all.get(from..to).unwrap_or_default();
            let mut out = Vec::with_capacity(page.len());
            for c in page {
                let kind = c.kind.as_str();
                size.add(BRIEF_SIZE + c.id.len() + kind.len())?;
                out.push(types::ComponentBrief {
                    id: c.id.clone(),
                    kind: kind.to_owned(),
                    entry: c.entry,
                    tier: c.tier,
                    stateful: c.stateful,
                });
            }
            Ok(out)
        })
    }

    fn flags_of(&mut self, components: Vec<u32>) -> wasmtime::Result<Vec<types::ComponentFlags>> {
        const WHAT: &str = "flags-of";
        // One byte per index given: smaller than the list the plugin passed.
        self.with(WHAT, |inv, _| {
            let all = inv.components();
            components
                .iter()
                .map(|&i| {
                    let c = all.get(i as usize).ok_or_else(|| no_component(WHAT, i))?;
                    let mut flags = types::ComponentFlags::empty();
                    if c.entry {
                        flags |= types::ComponentFlags::ENTRY;
                    }
                    if c.stateful {
                        flags |= types::ComponentFlags::STATEFUL;
                    }
                    Ok(flags)
                })
                .collect()
        })
    }

    fn ids_of(&mut self, components: Vec<u32>) -> wasmtime::Result<Vec<String>> {
        const WHAT: &str = "ids-of";
        let mut size = AnswerSize::new(WHAT, self.limiter.memory_cap());
        self.with(WHAT, |inv, _| {
            let all = inv.components();
            // Every index first: a bad one fails the call before any copying.
            if let Some(&bad) = components.iter().find(|&&i| i as usize >= all.len()) {
                return Err(no_component(WHAT, bad));
            }
            let mut out = Vec::with_capacity(components.len());
            for &i in &components {
                let Some(c) = all.get(i as usize) else {
                    return Err(no_component(WHAT, i));
                };
                // An id given a million times is a million copies: counted.
                size.add(STRING_SIZE + c.id.len())?;
                out.push(c.id.clone());
            }
            Ok(out)
        })
    }
}

/// Bytes of a `component-brief` record in the plugin's memory, without its
/// strings (canonical ABI: two strings, two bools and an `option<u8>`,
/// aligned to 4).
const BRIEF_SIZE: usize = 20;

/// Bytes of a string's pointer and length in a list, without its text.
const STRING_SIZE: usize = 8;

/// The error for a component index with no component.
fn no_component(what: &str, index: u32) -> wasmtime::Error {
    format_err!("{what}: no component at index {index}")
}
