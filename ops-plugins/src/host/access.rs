//! `ops:plugin/access`: people, service accounts, groups, systems, grants
//! and credentials.

use ops_core::access::Level;

use super::{instant, to_u32};
use crate::bindings::ops::plugin::{access, types};
use crate::state::RunState;

impl access::Host for RunState {
    fn person_count(&mut self) -> wasmtime::Result<u32> {
        self.with("person-count", |inv, _| Ok(to_u32(inv.people().len())))
    }

    fn person_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Person>> {
        self.with_now("person-at", |inv, now| {
            Ok(inv.people().get(index as usize).map(|p| types::Person {
                id: p.id.clone(),
                name: p.name.clone(),
                status: p.status.as_str().to_owned(),
                departed: p.departed_by(now),
                on_leave: p.on_leave_at(now).is_some(),
                mfa: p.mfa,
            }))
        })
    }

    fn person_index(&mut self, id: String) -> wasmtime::Result<Option<u32>> {
        self.with("person-index", |inv, _| {
            Ok(inv.person_by_id(&id).map(|p| to_u32(p.index())))
        })
    }

    fn service_account_count(&mut self) -> wasmtime::Result<u32> {
        self.with("service-account-count", |inv, _| {
            Ok(to_u32(inv.service_accounts().len()))
        })
    }

    fn service_account_at(&mut self, index: u32) -> wasmtime::Result<Option<types::ServiceAccount>> {
        self.with("service-account-at", |inv, _| {
            Ok(inv
                .service_accounts()
                .get(index as usize)
                .map(|a| types::ServiceAccount {
                    id: a.id.clone(),
                    owner: a.owner.map(|p| inv.person(p).id.clone()),
                    disabled: a.disabled,
                }))
        })
    }

    fn group_count(&mut self) -> wasmtime::Result<u32> {
        self.with("group-count", |inv, _| Ok(to_u32(inv.groups().len())))
    }

    fn group_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Group>> {
        self.with("group-at", |inv, _| {
            Ok(inv.groups().get(index as usize).map(|g| types::Group {
                id: g.id.clone(),
                members: g.members.iter().map(|&m| inv.principal_id(m).to_owned()).collect(),
            }))
        })
    }

    fn system_count(&mut self) -> wasmtime::Result<u32> {
        self.with("system-count", |inv, _| Ok(to_u32(inv.systems().len())))
    }

    fn system_at(&mut self, index: u32) -> wasmtime::Result<Option<types::System>> {
        self.with("system-at", |inv, _| {
            Ok(inv.systems().get(index as usize).map(|s| types::System {
                id: s.id.clone(),
                // The WIT's system has one component: the first it spans.
                component: s.components.first().map(|c| to_u32(c.index())),
            }))
        })
    }

    fn grant_count(&mut self) -> wasmtime::Result<u32> {
        self.with("grant-count", |inv, _| Ok(to_u32(inv.grants().len())))
    }

    fn grant_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Grant>> {
        self.with_now("grant-at", |inv, now| {
            Ok(inv.grants().get(index as usize).map(|g| types::Grant {
                principal: inv.principal_id(g.principal).to_owned(),
                system: to_u32(g.system.index()),
                role: g.role.clone(),
                level: level(g.level),
                last_used_at: g.last_used_at.map(instant),
                active: g.active_at(now),
            }))
        })
    }

    fn credential_count(&mut self) -> wasmtime::Result<u32> {
        self.with("credential-count", |inv, _| Ok(to_u32(inv.credentials().len())))
    }

    fn credential_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Credential>> {
        self.with("credential-at", |inv, _| {
            Ok(inv.credentials().get(index as usize).map(|c| types::Credential {
                id: c.id.clone(),
                shared: c.kind == ops_core::access::CredentialKind::Shared,
                system: c.system.map(|s| to_u32(s.index())),
                level: c.level.map(level),
                holders: c.holders.iter().map(|&h| inv.principal_id(h).to_owned()).collect(),
                mfa: c.mfa,
                rotated_at: c.rotated_at.map(instant),
            }))
        })
    }
}

/// An access level as the WIT's enum.
fn level(l: Level) -> types::AccessLevel {
    match l {
        Level::Read => types::AccessLevel::Read,
        Level::Write => types::AccessLevel::Write,
        Level::Admin => types::AccessLevel::Admin,
        Level::Owner => types::AccessLevel::Owner,
    }
}
