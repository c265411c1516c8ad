//! Effective access: nested groups resolved into each principal's grants,
//! each with the chain of memberships that gives it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::csr::Csr;
use crate::{Credential, Grant, Group, Idx, Inventory, Level, Principal, System, Timestamp};

/// Marks "reached directly from the principal itself" in a closure row.
const DIRECT: u32 = u32::MAX;

/// Every principal's access, direct and through (nested) groups.
///
/// Built once per inventory; queries then cost what they return. Only the
/// groups that lead to a grant are kept for each person and service account
/// (a group that holds a grant, or is nested in one that does), and people
/// with the same direct memberships share one list, so a deep or wide
/// nesting of groups costs its size once, not once per member. A membership
/// can reach a group along several chains; each answer carries one shortest
/// chain, and [`EffectiveAccess::membership_paths`] lists them all.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::access::EffectiveAccess;
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// people: [{id: ana}]
/// groups:
///   - {id: web, members: [ana]}
///   - {id: engineering, members: [web]}
/// systems: [{id: github}]
/// grants: [{principal: engineering, system: github, level: write}]
/// ")?;
/// let access = EffectiveAccess::new(&inv);
/// let ana = inv.principal_by_id("ana").expect("defined above");
/// let grants: Vec<_> = access.grants_of(ana).collect();
/// assert_eq!(grants.len(), 1);
/// let path: Vec<&str> = access.path(&grants[0]).iter().map(|&p| inv.principal_id(p)).collect();
/// assert_eq!(path, ["ana", "web", "engineering"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct EffectiveAccess<'a> {
    inv: &'a Inventory,
    /// Principal slots: people, then service accounts, then groups.
    people: u32,
    accounts: u32,
    /// `member_of.row(slot)`: the groups (by group index) the slot is a direct member of.
    member_of: Csr,
    /// `grants_of.row(slot)`: grant indices given directly to the slot.
    grants_of: Csr,
    /// `grants_on.row(system)`: grant indices on the system.
    grants_on: Csr,
    /// `credentials_on.row(system)`: credential indices that open the system.
    credentials_on: Csr,
    /// Per group: it holds a grant or is nested (transitively) in a group that does.
    leads_to_grant: Vec<bool>,
    /// Per person and service account: its range of `closure`, possibly
    /// shared with others that have the same direct memberships.
    rows: Vec<(u32, u32)>,
    /// The groups leading to grants that each row's members are in,
    /// transitively, in breadth-first order, each with the position (within
    /// the same row) of the group it was reached through, or [`DIRECT`].
    closure: Vec<(u32, u32)>,
}

/// One grant a principal holds, directly or through groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectiveGrant {
    /// Who holds it.
    pub principal: Principal,
    /// The grant.
    pub grant: Idx<Grant>,
    /// Position of the group in the principal's closure row, or [`DIRECT`].
    through: u32,
}

impl EffectiveGrant {
    /// Whether the grant names the principal itself rather than a group it is in.
    pub fn is_direct(&self) -> bool {
        self.through == DIRECT
    }
}

impl<'a> EffectiveAccess<'a> {
    /// Resolves `inventory`'s groups.
    ///
    /// Complexity: O(P + G + M + A + Σ rows), where M is the number of
    /// memberships, A of grants, and Σ rows, over the distinct sets of
    /// direct memberships of people and service accounts, the number of
    /// groups leading to a grant that such a set is in transitively.
    pub fn new(inventory: &'a Inventory) -> Self {
        let people = inventory.people().len() as u32;
        let accounts = inventory.service_accounts().len() as u32;
        let groups = inventory.groups().len();
        let slots = (people + accounts) as usize + groups;
        let slot = |p: Principal| slot_of(people, accounts, p);
        let memberships = inventory
            .groups()
            .iter()
            .enumerate()
            .flat_map(|(g, group)| group.members.iter().map(move |&m| (slot(m), g as u32)));
        let member_of = Csr::from_pairs(slots, memberships);
        let grants_of = Csr::from_pairs(
            slots,
            inventory
                .grants()
                .iter()
                .enumerate()
                .map(|(i, g)| (slot(g.principal), i as u32)),
        );
        let grants_on = Csr::from_pairs(
            inventory.systems().len(),
            inventory
                .grants()
                .iter()
                .enumerate()
                .map(|(i, g)| (g.system.index() as u32, i as u32)),
        );
        let credentials_on = Csr::from_pairs(
            inventory.systems().len(),
            inventory
                .credentials()
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((c.system?.index() as u32, i as u32))),
        );
        let group_base = people + accounts;
        let leads_to_grant = leads_to_grant(&member_of, &grants_of, group_base, groups);
        let mut access = EffectiveAccess {
            inv: inventory,
            people,
            accounts,
            member_of,
            grants_of,
            grants_on,
            credentials_on,
            leads_to_grant,
            rows: Vec::with_capacity(group_base as usize),
            closure: Vec::new(),
        };
        let mut shared: HashMap<Vec<u32>, (u32, u32)> = HashMap::new();
        let mut stamp = vec![0u32; groups];
        let mut scratch = Vec::new();
        for s in 0..group_base {
            let direct: Vec<u32> = access
                .member_of
                .row(s)
                .iter()
                .copied()
                .filter(|&g| access.leads_to_grant[g as usize])
                .collect();
            let range = match shared.get(&direct) {
                Some(&range) => range,
                None => {
                    let from = access.closure.len() as u32;
                    let mark = s + 1;
                    let first = |g: u32| std::mem::replace(&mut stamp[g as usize], mark) != mark;
                    access.up_from(&direct, first, &mut scratch);
                    access.closure.append(&mut scratch);
                    let range = (from, access.closure.len() as u32);
                    shared.insert(direct, range);
                    range
                }
            };
            access.rows.push(range);
        }
        access
    }

    /// Breadth first up from the groups `direct`, through groups leading to
    /// a grant only, into `out` as (group, position reached through);
    /// `first(g)` is true the first time it is asked about `g`.
    fn up_from(&self, direct: &[u32], mut first: impl FnMut(u32) -> bool, out: &mut Vec<(u32, u32)>) {
        let group_base = self.people + self.accounts;
        out.clear();
        for &g in direct {
            if first(g) {
                out.push((g, DIRECT));
            }
        }
        // The row is its own queue.
        let mut next = 0;
        while next < out.len() {
            let (g, _) = out[next];
            for &parent in self.member_of.row(group_base + g) {
                if self.leads_to_grant[parent as usize] && first(parent) {
                    out.push((parent, next as u32));
                }
            }
            next += 1;
        }
    }

    /// The inventory this was built from.
    pub fn inventory(&self) -> &'a Inventory {
        self.inv
    }

    fn slot(&self, p: Principal) -> u32 {
        slot_of(self.people, self.accounts, p)
    }

    /// The groups leading to a grant that `p` is in, transitively, breadth
    /// first: shared for people and service accounts, worked out for a group.
    fn row(&self, p: Principal) -> Cow<'_, [(u32, u32)]> {
        match p {
            Principal::Group(_) => {
                let direct: Vec<u32> = self
                    .member_of
                    .row(self.slot(p))
                    .iter()
                    .copied()
                    .filter(|&x| self.leads_to_grant[x as usize])
                    .collect();
                let mut seen = HashSet::new();
                let mut out = Vec::new();
                self.up_from(&direct, |g| seen.insert(g), &mut out);
                Cow::Owned(out)
            }
            leaf => {
                let (from, to) = self.rows[self.slot(leaf) as usize];
                Cow::Borrowed(&self.closure[from as usize..to as usize])
            }
        }
    }

    /// The groups `principal` is in, directly or through nested groups,
    /// nearest first. Costs what it returns.
    pub fn groups_of(&self, principal: Principal) -> impl Iterator<Item = Idx<Group>> + '_ {
        let group_base = self.people + self.accounts;
        let mut seen = HashSet::new();
        let mut order: Vec<u32> = Vec::new();
        for &g in self.member_of.row(self.slot(principal)) {
            if seen.insert(g) {
                order.push(g);
            }
        }
        let mut next = 0;
        while next < order.len() {
            let g = order[next];
            for &parent in self.member_of.row(group_base + g) {
                if seen.insert(parent) {
                    order.push(parent);
                }
            }
            next += 1;
        }
        order.into_iter().map(|g| Idx::new(g as usize))
    }

    /// Every grant `principal` holds: its own, then those of its groups,
    /// nearest group first. Expired grants are included; see [`Grant::active_at`].
    pub fn grants_of(&self, principal: Principal) -> impl Iterator<Item = EffectiveGrant> + '_ {
        let own = self
            .grants_of
            .row(self.slot(principal))
            .iter()
            .map(move |&a| EffectiveGrant {
                principal,
                grant: Idx::new(a as usize),
                through: DIRECT,
            });
        let row = self.row(principal);
        let inherited: Vec<EffectiveGrant> = row
            .iter()
            .enumerate()
            .flat_map(|(pos, &(g, _))| {
                let group = self.people + self.accounts + g;
                self.grants_of.row(group).iter().map(move |&a| EffectiveGrant {
                    principal,
                    grant: Idx::new(a as usize),
                    through: pos as u32,
                })
            })
            .collect();
        own.chain(inherited)
    }

    /// One shortest chain that gives `grant`: the principal, then each group
    /// in turn, ending with the grant's own principal.
    pub fn path(&self, grant: &EffectiveGrant) -> Vec<Principal> {
        let row = self.row(grant.principal);
        let mut groups = Vec::new();
        let mut at = grant.through;
        while at != DIRECT {
            let (g, via) = row[at as usize];
            groups.push(Principal::Group(Idx::new(g as usize)));
            at = via;
        }
        groups.push(grant.principal);
        groups.reverse();
        groups
    }

    /// Every chain of direct memberships from `principal` up to `group`
    /// (each starting with `principal` and ending with `group`), at most
    /// `limit` of them, in depth-first order. Membership cycles are refused
    /// at load time, so every chain is finite.
    ///
    /// Complexity: the groups `principal` is in, plus the chains returned.
    pub fn membership_paths(&self, principal: Principal, group: Idx<Group>, limit: usize) -> Vec<Vec<Principal>> {
        let target = group.index() as u32;
        let base = self.people + self.accounts;
        // The groups that reach the target going up: breadth first down from
        // it, through groups `principal` is in (no other can be on a chain).
        let above: HashSet<u32> = self.groups_of(principal).map(|g| g.index() as u32).collect();
        let mut reaches = HashSet::from([target]);
        let mut queue = vec![target];
        while let Some(g) = queue.pop() {
            for &m in &self.inv.groups()[g as usize].members {
                if let Principal::Group(sub) = m {
                    let sub = sub.index() as u32;
                    if above.contains(&sub) && reaches.insert(sub) {
                        queue.push(sub);
                    }
                }
            }
        }
        // Depth first up from the principal, with an explicit stack of
        // (slot, next membership to try); `chain` is the path so far.
        let mut out = Vec::new();
        let mut chain = vec![principal];
        let mut stack: Vec<(u32, usize)> = vec![(self.slot(principal), 0)];
        while let Some(top) = stack.last_mut() {
            if out.len() >= limit {
                break;
            }
            let (slot, next) = *top;
            let Some(&g) = self.member_of.row(slot).get(next) else {
                stack.pop();
                chain.pop();
                continue;
            };
            top.1 += 1;
            if !reaches.contains(&g) {
                continue;
            }
            chain.push(Principal::Group(Idx::new(g as usize)));
            if g == target {
                out.push(chain.clone());
                chain.pop();
            } else {
                stack.push((base + g, 0));
            }
        }
        out
    }

    /// The people and service accounts in `group`, directly or through
    /// nested groups, each with one shortest chain from them up to `group`.
    pub fn members_of(&self, group: Idx<Group>) -> Vec<(Principal, Vec<Principal>)> {
        let groups = self.inv.groups();
        // Breadth first down the membership lists, remembering the parent.
        let mut seen = vec![false; groups.len()];
        let mut queue: Vec<(Idx<Group>, usize)> = vec![(group, usize::MAX)];
        seen[group.index()] = true;
        let mut leaves: Vec<(Principal, usize)> = Vec::new();
        let mut done_leaf = std::collections::HashSet::new();
        let mut i = 0;
        while i < queue.len() {
            let (g, _) = queue[i];
            for &m in &groups[g.index()].members {
                match m {
                    Principal::Group(sub) => {
                        if !std::mem::replace(&mut seen[sub.index()], true) {
                            queue.push((sub, i));
                        }
                    }
                    leaf => {
                        if done_leaf.insert(leaf) {
                            leaves.push((leaf, i));
                        }
                    }
                }
            }
            i += 1;
        }
        leaves
            .into_iter()
            .map(|(leaf, mut at)| {
                let mut chain = vec![leaf];
                while at != usize::MAX {
                    chain.push(Principal::Group(queue[at].0));
                    at = queue[at].1;
                }
                (leaf, chain)
            })
            .collect()
    }

    /// Calls `visit` with each person and service account in `group`
    /// (directly or through nested groups), each once, breadth first, until
    /// `visit` returns `false`. Costs what it visits.
    pub fn visit_members(&self, group: Idx<Group>, mut visit: impl FnMut(Principal) -> bool) {
        let groups = self.inv.groups();
        let mut seen_groups = std::collections::HashSet::from([group]);
        let mut seen = std::collections::HashSet::new();
        let mut queue = std::collections::VecDeque::from([group]);
        while let Some(g) = queue.pop_front() {
            for &m in &groups[g.index()].members {
                match m {
                    Principal::Group(sub) => {
                        if seen_groups.insert(sub) {
                            queue.push_back(sub);
                        }
                    }
                    leaf => {
                        if seen.insert(leaf) && !visit(leaf) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The grants on `system`, in definition order.
    pub fn grants_on(&self, system: Idx<System>) -> impl Iterator<Item = Idx<Grant>> + '_ {
        self.grants_on
            .row(system.index() as u32)
            .iter()
            .map(|&a| Idx::new(a as usize))
    }

    /// The credentials that open `system`, in definition order.
    pub fn credentials_on(&self, system: Idx<System>) -> impl Iterator<Item = Idx<Credential>> + '_ {
        self.credentials_on
            .row(system.index() as u32)
            .iter()
            .map(|&c| Idx::new(c as usize))
    }

    /// Everyone who holds a grant on `system`: people and service accounts,
    /// through groups where the grant names a group. A principal with
    /// several grants there appears once per grant.
    pub fn holders_of(&self, system: Idx<System>) -> Vec<EffectiveGrant> {
        let mut out = Vec::new();
        for &a in self.grants_on.row(system.index() as u32) {
            let grant = Idx::<Grant>::new(a as usize);
            match self.inv.grants()[a as usize].principal {
                Principal::Group(g) => self.visit_members(g, |member| {
                    let through = self
                        .row(member)
                        .iter()
                        .position(|&(x, _)| x as usize == g.index())
                        .map_or(DIRECT, |p| p as u32);
                    out.push(EffectiveGrant {
                        principal: member,
                        grant,
                        through,
                    });
                    true
                }),
                direct => out.push(EffectiveGrant {
                    principal: direct,
                    grant,
                    through: DIRECT,
                }),
            }
        }
        out
    }

    /// The highest level `principal` holds on `system` through grants
    /// active at `at`, if any.
    pub fn level(&self, principal: Principal, system: Idx<System>, at: Timestamp) -> Option<Level> {
        let grants = self.inv.grants();
        self.grants_of(principal)
            .map(|e| &grants[e.grant.index()])
            .filter(|g| g.system == system && g.active_at(at))
            .map(|g| g.level)
            .max()
    }

    /// Every grant of every person and service account (people first, in
    /// definition order): the fully expanded access table, one item at a time.
    pub fn all(&self) -> impl Iterator<Item = EffectiveGrant> + '_ {
        let people = (0..self.people as usize).map(|i| Principal::Person(Idx::new(i)));
        let accounts = (0..self.accounts as usize).map(|i| Principal::ServiceAccount(Idx::new(i)));
        people.chain(accounts).flat_map(|p| self.grants_of(p))
    }

    /// How many (principal, grant) pairs there are over every person and
    /// service account: the size of the fully expanded access table.
    pub fn count(&self) -> usize {
        let leaves = self.people + self.accounts;
        (0..leaves)
            .map(|s| {
                let (from, to) = self.rows[s as usize];
                let row = &self.closure[from as usize..to as usize];
                self.grants_of.row(s).len()
                    + row
                        .iter()
                        .map(|&(g, _)| self.grants_of.row(leaves + g).len())
                        .sum::<usize>()
            })
            .sum()
    }
}

/// For every group, whether it holds a grant or is nested, transitively, in
/// a group that does: one pass over the groups in an order where every group
/// comes after the groups it is a member of (memberships are acyclic; a
/// cycle, refused at load time, would only be cut short, not loop).
fn leads_to_grant(member_of: &Csr, grants_of: &Csr, group_base: u32, groups: usize) -> Vec<bool> {
    const UNSEEN: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNSEEN; groups];
    let mut leads = vec![false; groups];
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for root in 0..groups as u32 {
        if state[root as usize] != UNSEEN {
            continue;
        }
        state[root as usize] = OPEN;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (g, next) = *top;
            match member_of.row(group_base + g).get(next) {
                Some(&parent) => {
                    top.1 += 1;
                    if state[parent as usize] == UNSEEN {
                        state[parent as usize] = OPEN;
                        stack.push((parent, 0));
                    }
                }
                None => {
                    stack.pop();
                    state[g as usize] = DONE;
                    leads[g as usize] = !grants_of.row(group_base + g).is_empty()
                        || member_of.row(group_base + g).iter().any(|&p| leads[p as usize]);
                }
            }
        }
    }
    leads
}

fn slot_of(people: u32, accounts: u32, p: Principal) -> u32 {
    match p {
        Principal::Person(i) => i.index() as u32,
        Principal::ServiceAccount(i) => people + i.index() as u32,
        Principal::Group(i) => people + accounts + i.index() as u32,
    }
}
