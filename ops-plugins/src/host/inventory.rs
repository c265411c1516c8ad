//! `ops:plugin/inventory`: components, entry points, failure domains and the
//! instant under evaluation.

use wasmtime::format_err;

use super::{instant, to_u32};
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
}
