//! Failure targets as they stood at another instant than the one the
//! inventory's `person` failure domains were derived for.

use std::collections::BTreeSet;

use super::{FailureTarget, Inventory};
use crate::graph::{Component, DomainKind};
use crate::{Idx, Timestamp};

impl Inventory {
    /// What failing `targets` failed at instant `at`, when that differs from
    /// what it fails in the inventory as loaded: a `person` domain whose
    /// members the grants in force at `at` make different from those derived
    /// at load ([`Inventory::derive_person_domains`]) is replaced by its
    /// members at `at` (its written members, the components that person
    /// alone administered then) and the domains nested in it; every other
    /// target stays. `None` when nothing differs, the usual case.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::inventory::FailureTarget;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components: [{id: db, entry: true}]
    /// domains: [{id: ana, kind: person}]
    /// people: [{id: ana}, {id: ben}]
    /// systems: [{id: db-admin, component: db}]
    /// grants:
    ///   - {principal: ana, system: db-admin, level: admin}
    ///   - {principal: ben, system: db-admin, level: admin, expires_at: 2026-06-01}
    /// ")?;
    /// let ana = inv.target_by_id("ana").expect("defined");
    /// let db = inv.target_by_id("db").expect("defined");
    /// // Loaded with every grant counting, db has two admins; by July only ana.
    /// let july = inv.failure_targets_at(&[ana], "2026-07-01T00:00:00Z".parse()?);
    /// assert_eq!(july, Some(vec![db]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// Complexity: when a target is a `person` domain, one derivation of
    /// who alone administers what (as at load) and a pass over the
    /// components per such target; nothing otherwise.
    pub fn failure_targets_at(&self, targets: &[FailureTarget], at: Timestamp) -> Option<Vec<FailureTarget>> {
        let is_person =
            |t: &FailureTarget| matches!(t, FailureTarget::Domain(d) if self.domain(*d).kind == DomainKind::Person);
        if !targets.iter().any(is_person) {
            return None;
        }
        let sole = crate::access::sole_admins(self, Some(at));
        let mut out = Vec::with_capacity(targets.len());
        let mut changed = false;
        for &t in targets {
            let FailureTarget::Domain(d) = t else {
                out.push(t);
                continue;
            };
            if !is_person(&t) {
                out.push(t);
                continue;
            }
            let id = &self.domain(d).id;
            let derived: BTreeSet<Idx<Component>> = (self.derived.memberships.iter())
                .filter(|&&(_, x)| x == d)
                .map(|&(c, _)| c)
                .collect();
            let now: BTreeSet<Idx<Component>> = (0..self.components.len())
                .map(Idx::new)
                .filter(|&c| self.component(c).domains.contains(&d))
                .collect();
            let mut then: BTreeSet<Idx<Component>> = now.difference(&derived).copied().collect();
            if let Some((_, cs)) = sole.iter().find(|(p, _)| {
                let p = &self.people[p.index()].id;
                id == p || id.strip_prefix("person:") == Some(p.as_str())
            }) {
                then.extend(cs.iter().copied());
            }
            if then == now {
                out.push(t);
                continue;
            }
            changed = true;
            out.extend(then.into_iter().map(FailureTarget::Component));
            out.extend(
                (0..self.domains.len())
                    .map(Idx::new)
                    .filter(|&x| self.domain(x).parent == Some(d))
                    .map(FailureTarget::Domain),
            );
        }
        changed.then_some(out)
    }
}
