//! What a store holds during one call, and the host side of the imports.

use std::collections::HashMap;

use chrono::TimeDelta;
use ops_core::access::Level;
use ops_core::backup::{Deleter, DrillOutcome, RunStatus, Schedule, StorageTier};
use ops_core::graph::{Component, FailureAnalysis};
use ops_core::inventory::FailureTarget;
use ops_core::{Idx, Inventory, Timestamp};
use wasmtime::{ResourceLimiter, format_err};

use crate::PluginLimits;
use crate::bindings::ops::plugin::{access, analysis, backups, incidents, inventory, log, types};
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
    /// With a pool, memories cannot grow past its slots, so the cap is the
    /// smaller of the two (and errors report that).
    pub(crate) fn new(limits: &PluginLimits, pooling: Option<&crate::Pooling>, lent: Option<Lent>) -> Self {
        let memory_cap = pooling.map_or(limits.memory, |p| limits.memory.min(p.max_memory));
        RunState {
            lent,
            limiter: Limiter {
                memory_cap,
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

    /// Runs `f` on the lent inventory and the instant under evaluation, or
    /// traps if there is none.
    fn with_now<R>(
        &self,
        what: &str,
        f: impl FnOnce(&Inventory, Timestamp) -> wasmtime::Result<R>,
    ) -> wasmtime::Result<R> {
        let Some(lent) = &self.lent else {
            return Err(format_err!("{what}: the inventory is only available during run()"));
        };
        let now = lent.now();
        lent.with(|inv, _| f(inv, now))
            .map_err(|_| format_err!("{what}: called after the run ended"))?
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
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.memory_used.saturating_add(desired.saturating_sub(current));
        // `maximum`: the memory's own or the pool slot's; past it growth
        // would fail anyway, so fail it here with the clear error.
        if total > self.memory_cap || maximum.is_some_and(|max| desired > max) {
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

/// The index of the component at position `i`, if there is one.
fn component_idx(inv: &Inventory, i: u32) -> Option<Idx<Component>> {
    inv.component_idx(i as usize)
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// An instant as plugins see it: RFC 3339, UTC, whole seconds.
fn instant(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A duration in whole seconds; none when negative (validation refuses those).
fn seconds(d: TimeDelta) -> Option<u64> {
    u64::try_from(d.num_seconds()).ok()
}

fn level(l: Level) -> types::AccessLevel {
    match l {
        Level::Read => types::AccessLevel::Read,
        Level::Write => types::AccessLevel::Write,
        Level::Admin => types::AccessLevel::Admin,
        Level::Owner => types::AccessLevel::Owner,
    }
}

fn tier(t: StorageTier) -> &'static str {
    match t {
        StorageTier::Hot => "hot",
        StorageTier::Warm => "warm",
        StorageTier::Cold => "cold",
        StorageTier::Archive => "archive",
    }
}

fn run_status(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Success => "success",
        RunStatus::Failed => "failed",
        RunStatus::Partial => "partial",
        RunStatus::Running => "running",
    }
}

fn drill_outcome(o: DrillOutcome) -> &'static str {
    match o {
        DrillOutcome::Success => "success",
        DrillOutcome::Failed => "failed",
        DrillOutcome::Partial => "partial",
    }
}

/// A schedule as written; none for a kind of schedule this host predates.
fn schedule(s: &Schedule) -> Option<String> {
    match s {
        Schedule::Cron(c) => Some(format!("{} {}", c.expression(), c.timezone())),
        Schedule::Every(d) => Some(format!("every {}", ops_core::time::format_duration(*d))),
        _ => None,
    }
}

/// Items `start..start + count` of `items`, clamped to its end.
fn page<T>(items: &[T], start: u32, count: u32) -> &[T] {
    let start = (start as usize).min(items.len());
    let end = start.saturating_add(count as usize).min(items.len());
    &items[start..end]
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

impl backups::Host for RunState {
    fn policy_count(&mut self) -> wasmtime::Result<u32> {
        self.with("policy-count", |inv, _| Ok(to_u32(inv.backup_policies().len())))
    }

    fn policy_at(&mut self, index: u32) -> wasmtime::Result<Option<types::BackupPolicy>> {
        self.with("policy-at", |inv, _| {
            let Some(p) = inv.backup_policies().get(index as usize) else {
                return Ok(None);
            };
            let runs = inv
                .backup_runs()
                .iter()
                .filter(|r| r.policy.index() == index as usize)
                .count();
            let drills = inv
                .restore_drills()
                .iter()
                .filter(|d| d.policy.index() == index as usize)
                .count();
            Ok(Some(types::BackupPolicy {
                id: p.id.clone(),
                protects: to_u32(p.protects.index()),
                owner: p.owner.map(|o| inv.principal_id(o).to_owned()),
                schedule: p.schedule.as_ref().and_then(schedule),
                rpo_seconds: p.rpo.and_then(seconds),
                rto_seconds: p.rto.and_then(seconds),
                drill_interval_seconds: p.drill_interval.and_then(seconds),
                copies: p
                    .copies
                    .iter()
                    .map(|c| types::BackupCopy {
                        location: c.location_name.clone(),
                        tier: c.tier.map(|t| tier(t).to_owned()),
                        offsite: c.offsite,
                        immutable: c.immutable,
                        encrypted: c.encrypted,
                        deletable_by: c
                            .deletable_by
                            .iter()
                            .map(|d| match *d {
                                Deleter::Principal(p) => inv.principal_id(p).to_owned(),
                                Deleter::Credential(c) => inv.credentials()[c.index()].id.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
                monitor: p.monitor.clone(),
                run_count: to_u32(runs),
                drill_count: to_u32(drills),
            }))
        })
    }

    fn policy_index(&mut self, id: String) -> wasmtime::Result<Option<u32>> {
        self.with("policy-index", |inv, _| {
            Ok(inv.backup_policy_by_id(&id).map(|p| to_u32(p.index())))
        })
    }

    fn policies_protecting(&mut self, component: u32) -> wasmtime::Result<Vec<u32>> {
        self.with("policies-protecting", |inv, _| {
            Ok(inv
                .backup_policies()
                .iter()
                .enumerate()
                .filter(|(_, p)| p.protects.index() == component as usize)
                .map(|(i, _)| to_u32(i))
                .collect())
        })
    }

    fn runs(&mut self, policy: u32, start: u32, count: u32) -> wasmtime::Result<Vec<types::BackupRun>> {
        self.with("runs", |inv, _| {
            let mut runs: Vec<&ops_core::backup::BackupRun> = inv
                .backup_runs()
                .iter()
                .filter(|r| r.policy.index() == policy as usize)
                .collect();
            runs.sort_by_key(|r| r.started_at);
            Ok(page(&runs, start, count)
                .iter()
                .map(|r| types::BackupRun {
                    started_at: instant(r.started_at),
                    finished_at: r.finished_at.map(instant),
                    status: run_status(r.status).to_owned(),
                    size_bytes: r.size_bytes,
                    has_checksum: r.checksum.is_some(),
                })
                .collect())
        })
    }

    fn drills(&mut self, policy: u32, start: u32, count: u32) -> wasmtime::Result<Vec<types::RestoreDrill>> {
        self.with("drills", |inv, _| {
            let mut drills: Vec<&ops_core::backup::RestoreDrill> = inv
                .restore_drills()
                .iter()
                .filter(|d| d.policy.index() == policy as usize)
                .collect();
            drills.sort_by_key(|d| d.at);
            Ok(page(&drills, start, count)
                .iter()
                .map(|d| types::RestoreDrill {
                    at: instant(d.at),
                    by: d.by.map(|p| inv.person(p).id.clone()),
                    duration_seconds: d.duration.and_then(seconds),
                    outcome: drill_outcome(d.outcome).to_owned(),
                })
                .collect())
        })
    }
}

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
                component: s.component.map(|c| to_u32(c.index())),
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

impl incidents::Host for RunState {
    fn incident_count(&mut self) -> wasmtime::Result<u32> {
        self.with("incident-count", |inv, _| Ok(to_u32(inv.incidents().len())))
    }

    fn incident_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Incident>> {
        self.with("incident-at", |inv, _| {
            Ok(inv.incidents().get(index as usize).map(|i| types::Incident {
                id: i.id.clone(),
                title: i.title.clone(),
                severity: i.severity.as_str().to_owned(),
                commander: i.commander.map(|p| inv.person(p).id.clone()),
                impacted: i.impacted.iter().map(|c| to_u32(c.index())).collect(),
                detected_by: i.detected_by.map(|d| d.as_str().to_owned()),
                detected_at: instant(i.detected_at),
                resolved_at: i.resolved_at.map(instant),
                postmortem_done_at: i.postmortem_done_at.map(instant),
                cause: i.cause.clone(),
                actions: i
                    .postmortem
                    .iter()
                    .flat_map(|p| &p.issues)
                    .flat_map(|issue| &issue.actions)
                    .map(|a| types::IncidentAction {
                        description: a.description.clone(),
                        owner: a.owner.map(|o| inv.principal_id(o).to_owned()),
                        due: a.due.map(instant),
                        done_at: a.done_at.map(instant),
                    })
                    .collect(),
            }))
        })
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

fn no_domain(what: &str, index: u32) -> wasmtime::Error {
    format_err!("{what}: no domain at index {index}")
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
