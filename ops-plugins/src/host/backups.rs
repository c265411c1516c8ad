//! `ops:plugin/backups`: backup policies, their runs and restore drills.

use chrono::TimeDelta;
use ops_core::backup::{Deleter, DrillOutcome, RunStatus, Schedule, StorageTier};

use super::backup_index::BackupIndex;
use super::{instant, to_u32};
use crate::bindings::ops::plugin::{backups, types};
use crate::state::RunState;

impl backups::Host for RunState {
    fn policy_count(&mut self) -> wasmtime::Result<u32> {
        self.with("policy-count", |inv, _| Ok(to_u32(inv.backup_policies().len())))
    }

    fn policy_at(&mut self, index: u32) -> wasmtime::Result<Option<types::BackupPolicy>> {
        let backups = &self.backup_index;
        self.with("policy-at", |inv, _| {
            let Some(p) = inv.backup_policies().get(index as usize) else {
                return Ok(None);
            };
            let backups = backups.get_or_init(|| BackupIndex::new(inv));
            let runs = backups.runs(index).len();
            let drills = backups.drills(index).len();
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
        let backups = &self.backup_index;
        self.with("policies-protecting", |inv, _| {
            Ok(backups
                .get_or_init(|| BackupIndex::new(inv))
                .protecting(component)
                .to_vec())
        })
    }

    fn runs(&mut self, policy: u32, start: u32, count: u32) -> wasmtime::Result<Vec<types::BackupRun>> {
        let backups = &self.backup_index;
        self.with("runs", |inv, _| {
            let runs = backups.get_or_init(|| BackupIndex::new(inv)).runs(policy);
            Ok(page(runs, start, count)
                .iter()
                .filter_map(|&r| inv.backup_runs().get(r as usize))
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
        let backups = &self.backup_index;
        self.with("drills", |inv, _| {
            let drills = backups.get_or_init(|| BackupIndex::new(inv)).drills(policy);
            Ok(page(drills, start, count)
                .iter()
                .filter_map(|&d| inv.restore_drills().get(d as usize))
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

/// A duration in whole seconds; none when negative (validation refuses those).
fn seconds(d: TimeDelta) -> Option<u64> {
    u64::try_from(d.num_seconds()).ok()
}

/// A storage tier as the WIT names it.
fn tier(t: StorageTier) -> &'static str {
    match t {
        StorageTier::Hot => "hot",
        StorageTier::Warm => "warm",
        StorageTier::Cold => "cold",
        StorageTier::Archive => "archive",
    }
}

/// A backup run's status as the WIT names it.
fn run_status(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Success => "success",
        RunStatus::Failed => "failed",
        RunStatus::Partial => "partial",
        RunStatus::Running => "running",
    }
}

/// A restore drill's outcome as the WIT names it.
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
