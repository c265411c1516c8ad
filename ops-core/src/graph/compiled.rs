//! The inventory's dependency graph in a compact, index-based form: CSR
//! adjacency in both directions, one failure threshold per component, and
//! each domain's members (nested domains included). Built once, in time
//! linear in components, dependencies and domain memberships.

use crate::csr::Csr;
use crate::inventory::FailureTarget;
use crate::{Component, Domain, Idx, Inventory, Requirement};

/// A threshold meaning "never fails because of its dependencies" (no dependencies).
pub(crate) const NEVER: u32 = u32::MAX;

/// The dependency graph of an inventory, ready for failure analysis.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// `deps.row(c)`: what c depends on.
    pub(crate) deps: Csr,
    /// `dependents.row(d)`: what depends on d.
    pub(crate) dependents: Csr,
    /// How many of c's dependencies must be down for c to go down ([`NEVER`] without dependencies).
    pub(crate) threshold: Vec<u32>,
    /// Entry points, in definition order.
    pub(crate) entries: Vec<u32>,
    /// `members.row(d)`: every component in domain d or in a domain nested in it, sorted.
    pub(crate) members: Csr,
    /// The logical components: those that never fail on their own.
    pub(crate) logical: Vec<bool>,
    /// This graph among every graph built in the process, so that arrays
    /// made for it are not taken for another's.
    pub(crate) id: u64,
}

/// The next [`Compiled::id`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// An id no graph has yet, for [`Compiled::id`].
pub(crate) fn new_id() -> u64 {
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Compiled {
    pub(crate) fn new(inv: &Inventory) -> Compiled {
        let components = inv.components();
        Compiled::build(inv.domains(), components.len(), |i| &components[i], |d| d)
    }

    /// The graph of `n` components, node `i` being `component(i)`, whose
    /// dependencies (inventory indices) are numbered by `node_of`. Every
    /// dependency of a node must be a node: the set is closed under
    /// dependencies. Entries in node order. One pass over the components.
    pub(crate) fn build<'c>(
        domains: &[Domain],
        n: usize,
        component: impl Fn(usize) -> &'c Component,
        node_of: impl Fn(u32) -> u32,
    ) -> Compiled {
        let mut deps = Csr {
            start: Vec::with_capacity(n + 1),
            targets: Vec::new(),
        };
        deps.start.push(0);
        let mut threshold = Vec::with_capacity(n);
        let mut entries = Vec::new();
        let mut logical = Vec::with_capacity(n);
        // (domain, node) for every direct membership.
        let mut memberships: Vec<(u32, u32)> = Vec::new();
        for i in 0..n {
            let c = component(i);
            deps.targets
                .extend(c.depends_on.iter().map(|d| node_of(d.index() as u32)));
            deps.start.push(deps.targets.len() as u32);
            threshold.push(self::threshold(c));
            logical.push(c.logical);
            if c.entry {
                entries.push(i as u32);
            }
            memberships.extend(c.domains.iter().map(|d| (d.index() as u32, i as u32)));
        }
        let dependents = deps.reversed(n);
        let members = expand_domains(domains, &memberships);
        Compiled {
            deps,
            dependents,
            threshold,
            entries,
            members,
            logical,
            id: new_id(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.threshold.len()
    }

    /// Whether node `c` can fail on its own (it is not logical).
    pub(crate) fn can_fail(&self, c: u32) -> bool {
        !self.logical[c as usize]
    }

    /// Appends the components a failure of `target` fails directly.
    pub(crate) fn direct_failures(&self, target: FailureTarget, out: &mut Vec<u32>) {
        match target {
            FailureTarget::Component(c) => out.push(c.index() as u32),
            FailureTarget::Domain(d) => out.extend_from_slice(self.members.row(d.index() as u32)),
        }
    }
}

fn threshold(c: &Component) -> u32 {
    let n = c.depends_on.len() as u32;
    if n == 0 {
        return NEVER;
    }
    match c.requires {
        Requirement::All => 1,
        Requirement::Any => n,
        // Down when fewer than k are up, that is when more than n - k are down.
        Requirement::AtLeast(k) => n - k.min(n) + 1,
    }
}

/// For every domain, its members and the members of every domain nested in
/// it, sorted and without repeats, from `(domain, node)` memberships. Linear in
/// the domains plus memberships times nesting depth (the size of the answer).
fn expand_domains(domains: &[Domain], memberships: &[(u32, u32)]) -> Csr {
    let direct = Csr::from_pairs(domains.len(), memberships.iter().copied());
    // Each domain's direct members count for it and for every ancestor.
    // Validation guarantees the parent chains are acyclic.
    let ancestors = |d: usize| {
        std::iter::successors(Some(Idx::<Domain>::new(d)), |&d| domains[d.index()].parent).map(|d| d.index() as u32)
    };
    let direct = &direct;
    // Only domains with members of their own walk up: a deep nesting of
    // empty domains costs its length, not its length times its depth.
    let pairs: Vec<(u32, u32)> = (0..domains.len())
        .filter(|&d| !direct.row(d as u32).is_empty())
        .flat_map(|d| ancestors(d).flat_map(move |a| direct.row(d as u32).iter().map(move |&m| (a, m))))
        .collect();
    let mut rows = Csr::from_pairs(domains.len(), pairs.iter().copied());
    for d in 0..domains.len() {
        let (s, e) = (rows.start[d] as usize, rows.start[d + 1] as usize);
        rows.targets[s..e].sort_unstable();
    }
    // Remove repeats (a component listed in a zone and in its region).
    let mut start = vec![0u32; domains.len() + 1];
    let mut targets = Vec::with_capacity(rows.targets.len());
    for d in 0..domains.len() {
        let mut last = None;
        for &m in rows.row(d as u32) {
            if last != Some(m) {
                targets.push(m);
                last = Some(m);
            }
        }
        start[d + 1] = targets.len() as u32;
    }
    Csr { start, targets }
}
