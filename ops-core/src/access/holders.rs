//! Who holds what, shared by the access rules, offboarding plans, access
//! reviews and the cross-domain rules: a credential's holders, a system's
//! administrators, the people who alone administer a component (the loader's
//! `person` failure domains), and how grants and group paths are named.

use std::collections::{BTreeMap, BTreeSet};

use super::{Credential, EffectiveAccess, Grant, Level, Person, PersonStatus, Principal, System};
use crate::{Component, Idx, Inventory, Timestamp};

/// A name for a grant in messages and subjects: its id, or `principal->system`.
pub(crate) fn grant_label(inv: &Inventory, grant: &Grant) -> String {
    match &grant.id {
        Some(id) => id.clone(),
        None => format!(
            "{}->{}",
            inv.principal_id(grant.principal),
            inv.systems()[grant.system.index()].id
        ),
    }
}

/// How many ids [`path_ids`] keeps at each end of a long chain.
const PATH_ENDS: usize = 4;

/// The ids along a chain of memberships; a chain longer than
/// `2 * PATH_ENDS + 1` keeps its ends, with one `... N more ...` in the middle.
pub(crate) fn path_ids(inv: &Inventory, path: &[Principal]) -> Vec<String> {
    let id = |p: &Principal| inv.principal_id(*p).to_owned();
    if path.len() <= 2 * PATH_ENDS + 1 {
        return path.iter().map(id).collect();
    }
    let mut out: Vec<String> = path[..PATH_ENDS].iter().map(id).collect();
    out.push(format!("... {} more ...", path.len() - 2 * PATH_ENDS));
    out.extend(path[path.len() - PATH_ENDS..].iter().map(id));
    out
}

/// "directly" or "through team-web, engineering".
pub(crate) fn describe_path(inv: &Inventory, path: &[Principal]) -> String {
    if path.len() <= 1 {
        "directly".to_owned()
    } else {
        format!("through {}", path_ids(inv, &path[1..]).join(", "))
    }
}

/// The people and service accounts who hold `credential`, groups expanded, without repeats.
pub(crate) fn credential_holders(access: &EffectiveAccess<'_>, credential: &Credential) -> Vec<Principal> {
    let mut out = BTreeSet::new();
    for &h in &credential.holders {
        match h {
            Principal::Group(g) => access.visit_members(g, |m| {
                out.insert(m);
                true
            }),
            leaf => {
                out.insert(leaf);
            }
        }
    }
    out.into_iter().collect()
}

/// The people who can administer `system`: an admin or owner grant
/// (directly or through groups) or an admin or owner credential for it.
/// With `now`, only grants in force then count and people who had left by
/// then do not; without, every grant counts and people recorded as departed
/// do not. Stops looking once `enough` are found, so asking "is there more
/// than one?" costs little even when a grant names a large group.
pub(crate) fn admins_of(
    access: &EffectiveAccess<'_>,
    system: Idx<System>,
    now: Option<Timestamp>,
    enough: usize,
) -> BTreeSet<Idx<Person>> {
    let inv = access.inventory();
    let counts = |p: Principal| match p {
        Principal::Person(i) => {
            let person = inv.person(i);
            let gone = match now {
                Some(t) => person.departed_by(t),
                None => person.status == PersonStatus::Departed,
            };
            (!gone).then_some(i)
        }
        _ => None,
    };
    let mut admins = BTreeSet::new();
    for a in access.grants_on(system) {
        if admins.len() >= enough {
            return admins;
        }
        let g = &inv.grants()[a.index()];
        if g.level < Level::Admin || now.is_some_and(|t| !g.active_at(t)) {
            continue;
        }
        match g.principal {
            Principal::Group(group) => access.visit_members(group, |m| {
                admins.extend(counts(m));
                admins.len() < enough
            }),
            p => admins.extend(counts(p)),
        }
    }
    for c in access.credentials_on(system) {
        let c = &inv.credentials()[c.index()];
        if admins.len() >= enough {
            break;
        }
        if c.level >= Some(Level::Admin) {
            admins.extend(credential_holders(access, c).into_iter().filter_map(counts));
        }
    }
    admins
}

/// For each person who alone administers a system that is a component,
/// those components (sorted, without repeats), by person: the step of
/// deriving `person` failure domains ([`Inventory::derive_person_domains`]),
/// at `at` (see [`admins_of`]).
pub(crate) fn sole_admins(inv: &Inventory, at: Option<Timestamp>) -> Vec<(Idx<Person>, Vec<Idx<Component>>)> {
    let access = EffectiveAccess::new(inv);
    let mut by_person: BTreeMap<Idx<Person>, BTreeSet<Idx<Component>>> = BTreeMap::new();
    for (i, system) in inv.systems().iter().enumerate() {
        // A person's own workstation has one admin by design: no bus factor.
        if system.components.is_empty() || system.is_workstation() {
            continue;
        }
        let admins = admins_of(&access, Idx::new(i), at, 2);
        if admins.len() == 1
            && let Some(&only) = admins.first()
        {
            by_person
                .entry(only)
                .or_default()
                .extend(system.components.iter().copied());
        }
    }
    by_person
        .into_iter()
        .map(|(p, cs)| (p, cs.into_iter().collect()))
        .collect()
}
