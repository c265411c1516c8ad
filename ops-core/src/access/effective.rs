//! Effective access: nested groups resolved into each principal's grants,
//! each with the chain of memberships that gives it.

use crate::csr::Csr;
use crate::{Credential, Grant, Group, Idx, Inventory, Level, Principal, System, Timestamp};

/// Marks "reached directly from the principal itself" in a closure row.
const DIRECT: u32 = u32::MAX;

/// Every principal's access, direct and through (nested) groups.
///
/// Built once per inventory in time linear in the sum, over principals, of
/// the groups each belongs to transitively (plus grants and memberships);
/// queries then cost what they return. A membership can reach a group along
/// several chains; each answer carries one shortest chain, and
/// [`EffectiveAccess::membership_paths`] lists them all.
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
    /// `closure_start[slot]..closure_start[slot + 1]` indexes `closure`.
    closure_start: Vec<u32>,
    /// Each slot's groups, transitively, in breadth-first order, each with
    /// the position (within the same row) of the group it was reached
    /// through, or [`DIRECT`].
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
    /// Complexity: O(P + G + M + A + Σ closure), where M is the number of
    /// memberships, A of grants, and Σ closure the number of (principal,
    /// group) pairs such that the principal is in the group transitively.
    pub fn new(inventory: &'a Inventory) -> Self {
        let people = inventory.people().len() as u32;
        let accounts = inventory.service_accounts().len() as u32;
        let slots = (people + accounts) as usize + inventory.groups().len();
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
        let mut closure_start = Vec::with_capacity(slots + 1);
        let mut closure: Vec<(u32, u32)> = Vec::with_capacity(member_of.targets.len());
        // stamp[g] == s + 1 when group g is already in slot s's row.
        let mut stamp = vec![0u32; inventory.groups().len()];
        closure_start.push(0);
        for s in 0..slots as u32 {
            let row_start = closure.len();
            for &g in member_of.row(s) {
                if stamp[g as usize] != s + 1 {
                    stamp[g as usize] = s + 1;
                    closure.push((g, DIRECT));
                }
            }
            // Breadth first: the row is its own queue.
            let mut next = row_start;
            while next < closure.len() {
                let (g, _) = closure[next];
                for &parent in member_of.row(group_base + g) {
                    if stamp[parent as usize] != s + 1 {
                        stamp[parent as usize] = s + 1;
                        closure.push((parent, (next - row_start) as u32));
                    }
                }
                next += 1;
            }
            closure_start.push(closure.len() as u32);
        }
        EffectiveAccess {
            inv: inventory,
            people,
            accounts,
            member_of,
            grants_of,
            grants_on,
            credentials_on,
            closure_start,
            closure,
        }
    }

    /// The inventory this was built from.
    pub fn inventory(&self) -> &'a Inventory {
        self.inv
    }

    fn slot(&self, p: Principal) -> u32 {
        slot_of(self.people, self.accounts, p)
    }

    fn row(&self, p: Principal) -> &[(u32, u32)] {
        let s = self.slot(p) as usize;
        &self.closure[self.closure_start[s] as usize..self.closure_start[s + 1] as usize]
    }

    /// The groups `principal` is in, directly or through nested groups,
    /// nearest first.
    pub fn groups_of(&self, principal: Principal) -> impl Iterator<Item = Idx<Group>> + '_ {
        self.row(principal).iter().map(|&(g, _)| Idx::new(g as usize))
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
        let inherited = self.row(principal).iter().enumerate().flat_map(move |(pos, &(g, _))| {
            let group = self.people + self.accounts + g;
            self.grants_of.row(group).iter().map(move |&a| EffectiveGrant {
                principal,
                grant: Idx::new(a as usize),
                through: pos as u32,
            })
        });
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
    pub fn membership_paths(&self, principal: Principal, group: Idx<Group>, limit: usize) -> Vec<Vec<Principal>> {
        let target = group.index() as u32;
        // Only groups that can reach the target are worth descending into:
        // those in the principal's closure whose own closure holds it.
        let mut out = Vec::new();
        let mut chain = vec![principal];
        self.walk_up(self.slot(principal), target, &mut chain, &mut out, limit);
        out
    }

    fn walk_up(&self, slot: u32, target: u32, chain: &mut Vec<Principal>, out: &mut Vec<Vec<Principal>>, limit: usize) {
        let base = self.people + self.accounts;
        for &g in self.member_of.row(slot) {
            if out.len() >= limit {
                return;
            }
            let gp = Principal::Group(Idx::new(g as usize));
            if g == target {
                let mut found = chain.clone();
                found.push(gp);
                out.push(found);
                continue;
            }
            let reaches = self.row(gp).iter().any(|&(a, _)| a == target);
            if reaches {
                chain.push(gp);
                self.walk_up(base + g, target, chain, out, limit);
                chain.pop();
            }
        }
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
                Principal::Group(g) => {
                    for (member, _) in self.members_of(g) {
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
                    }
                }
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
                let row =
                    &self.closure[self.closure_start[s as usize] as usize..self.closure_start[s as usize + 1] as usize];
                self.grants_of.row(s).len()
                    + row
                        .iter()
                        .map(|&(g, _)| self.grants_of.row(leaves + g).len())
                        .sum::<usize>()
            })
            .sum()
    }
}

fn slot_of(people: u32, accounts: u32, p: Principal) -> u32 {
    match p {
        Principal::Person(i) => i.index() as u32,
        Principal::ServiceAccount(i) => people + i.index() as u32,
        Principal::Group(i) => people + accounts + i.index() as u32,
    }
}
