//! The subjects of plugin findings: each must name an entity of the
//! inventory under check, so a plugin cannot report about nothing (an empty
//! id) or about what does not exist.

use std::cell::OnceCell;
use std::collections::HashSet;

use ops_core::access::Principal;
use ops_core::{EntityKind, Inventory};

use crate::host::instant;
use crate::quote::quote;

/// Checks subjects against one inventory. Entities found by id are looked
/// up in the inventory's indexes; those without one (grants, backup runs,
/// restore drills, changes) by the labels below, collected on first use.
pub(crate) struct Subjects<'i> {
    inv: &'i Inventory,
    grants: OnceCell<HashSet<String>>,
    runs: OnceCell<HashSet<String>>,
    drills: OnceCell<HashSet<String>>,
    changes: OnceCell<HashSet<String>>,
}

impl<'i> Subjects<'i> {
    /// Subjects of `inv`.
    pub(crate) fn new(inv: &'i Inventory) -> Self {
        Subjects {
            inv,
            grants: OnceCell::new(),
            runs: OnceCell::new(),
            drills: OnceCell::new(),
            changes: OnceCell::new(),
        }
    }

    /// Whether `kind` and `id` name an entity of the inventory, and if not,
    /// why. The ids are the inventory's; for the inventory as a whole,
    /// `inventory`; for entities without an id of their own, the labels the
    /// WIT documents: a grant's `<principal>-><system>`, a backup run's
    /// `<policy>@<started-at>`, a restore drill's `<policy>@<at>`, a change's
    /// `<component>@<at>` (instants as plugins see them, RFC 3339 in whole
    /// seconds), or the id it was given in the inventory, if any.
    pub(crate) fn check(&self, kind: EntityKind, id: &str) -> Result<(), String> {
        if id.is_empty() {
            return Err(format!("its subject, {} '', has an empty id", name(kind)));
        }
        let inv = self.inv;
        let known = match kind {
            EntityKind::Inventory => id == "inventory",
            EntityKind::Component => inv.component_by_id(id).is_some(),
            EntityKind::Domain => inv.domain_by_id(id).is_some(),
            EntityKind::Person => inv.person_by_id(id).is_some(),
            EntityKind::ServiceAccount => matches!(inv.principal_by_id(id), Some(Principal::ServiceAccount(_))),
            EntityKind::Group => matches!(inv.principal_by_id(id), Some(Principal::Group(_))),
            EntityKind::System => inv.system_by_id(id).is_some(),
            EntityKind::Credential => inv.credential_by_id(id).is_some(),
            EntityKind::BackupPolicy => inv.backup_policy_by_id(id).is_some(),
            EntityKind::Incident => inv.incident_by_id(id).is_some(),
            EntityKind::Problem => inv.problem_by_id(id).is_some(),
            EntityKind::Grant => self.grants.get_or_init(|| grants(inv)).contains(id),
            EntityKind::BackupRun => self.runs.get_or_init(|| runs(inv)).contains(id),
            EntityKind::RestoreDrill => self.drills.get_or_init(|| drills(inv)).contains(id),
            EntityKind::Change => self.changes.get_or_init(|| changes(inv)).contains(id),
            // A kind this host predates: it cannot say what exists.
            _ => false,
        };
        if known {
            Ok(())
        } else {
            Err(format!(
                "its subject, {} {}, is not in the inventory",
                name(kind),
                quote(id)
            ))
        }
    }
}

impl std::fmt::Debug for Subjects<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subjects").finish_non_exhaustive()
    }
}

/// Every grant's label, and its id where it has one.
fn grants(inv: &Inventory) -> HashSet<String> {
    let mut labels = HashSet::new();
    for g in inv.grants() {
        let system = &inv.systems()[g.system.index()].id;
        labels.insert(format!("{}->{system}", inv.principal_id(g.principal)));
        labels.extend(g.id.clone());
    }
    labels
}

/// Every backup run's label, and its id where it has one.
fn runs(inv: &Inventory) -> HashSet<String> {
    let mut labels = HashSet::new();
    for r in inv.backup_runs() {
        let policy = &inv.backup_policies()[r.policy.index()].id;
        labels.insert(format!("{policy}@{}", instant(r.started_at)));
        labels.extend(r.id.clone());
    }
    labels
}

/// Every restore drill's label.
fn drills(inv: &Inventory) -> HashSet<String> {
    inv.restore_drills()
        .iter()
        .map(|d| format!("{}@{}", inv.backup_policies()[d.policy.index()].id, instant(d.at)))
        .collect()
}

/// Every change's label, and its id where it has one.
fn changes(inv: &Inventory) -> HashSet<String> {
    let mut labels = HashSet::new();
    for c in inv.changes() {
        labels.insert(format!("{}@{}", inv.component(c.component).id, instant(c.at)));
        labels.extend(c.id.clone());
    }
    labels
}

/// A kind as the WIT names it.
fn name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Inventory => "inventory",
        EntityKind::Component => "component",
        EntityKind::Domain => "domain",
        EntityKind::Person => "person",
        EntityKind::ServiceAccount => "service-account",
        EntityKind::Group => "group",
        EntityKind::System => "system",
        EntityKind::Grant => "grant",
        EntityKind::Credential => "credential",
        EntityKind::BackupPolicy => "backup-policy",
        EntityKind::BackupRun => "backup-run",
        EntityKind::RestoreDrill => "restore-drill",
        EntityKind::Incident => "incident",
        EntityKind::Problem => "problem",
        EntityKind::Change => "change",
        _ => "entity",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn startup() -> Inventory {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/inventories/startup");
        Inventory::load(&[dir]).unwrap()
    }

    #[test]
    fn every_kind_is_checked_against_the_inventory() {
        let inv = startup();
        let subjects = Subjects::new(&inv);
        for (kind, id) in [
            (EntityKind::Inventory, "inventory"),
            (EntityKind::Component, "postgres-primary"),
            (EntityKind::Domain, "eu-west-1a"),
            (EntityKind::Person, "maya"),
            (EntityKind::ServiceAccount, "deploy-bot"),
            (EntityKind::Group, "team-web"),
            (EntityKind::System, "prod-db"),
            (EntityKind::Credential, "aws-root"),
            (EntityKind::BackupPolicy, "postgres-nightly"),
            (EntityKind::Incident, "INC-2026-014"),
            (EntityKind::Grant, "maya->prod-db"),
            (EntityKind::BackupRun, "postgres-nightly@2026-11-20T02:30:00Z"),
            (EntityKind::RestoreDrill, "postgres-nightly@2026-03-10T10:00:00Z"),
            (EntityKind::Change, "CHG-2026-112"),
            (EntityKind::Change, "postgres-primary@2026-11-02T16:20:00Z"),
        ] {
            assert_eq!(subjects.check(kind, id), Ok(()), "{kind:?} {id}");
        }
        for (kind, id) in [
            (EntityKind::Inventory, "startup"),
            (EntityKind::Component, "eu-west-1a"),
            (EntityKind::Person, "team-web"),
            (EntityKind::Group, "maya"),
            (EntityKind::Grant, "maya->github"),
            (EntityKind::BackupRun, "postgres-nightly@2026-11-20T02:31:00Z"),
        ] {
            assert!(subjects.check(kind, id).is_err(), "{kind:?} {id}");
        }
        assert_eq!(
            subjects.check(EntityKind::Domain, ""),
            Err("its subject, domain '', has an empty id".to_owned())
        );
    }
}
