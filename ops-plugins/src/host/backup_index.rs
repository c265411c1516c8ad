//! The backup history grouped by policy, for the `backups` queries.
//!
//! A plugin pages through each policy's runs a few at a time. Answering a
//! page by filtering every run of the inventory and sorting the policy's
//! would make reading a whole history quadratic: 2,000 policies with 100
//! runs each, read 50 at a time, would scan all 200,000 runs for each of
//! some 6,000 pages (the last one empty). The
//! index is built on a call's first backup query, in one pass over the runs
//! and drills plus a sort of each policy's, and every later question is a
//! slice of it.

use ops_core::Inventory;

/// Each policy's runs and drills, oldest first, and the policies that
/// protect each component, as indices into the inventory's lists.
#[derive(Debug)]
pub(crate) struct BackupIndex {
    runs: Groups,
    drills: Groups,
    protecting: Groups,
}

impl BackupIndex {
    /// The index of `inv`'s backup history.
    pub(crate) fn new(inv: &Inventory) -> Self {
        let policies = inv.backup_policies().len();
        let all_runs = inv.backup_runs();
        let mut runs = Groups::new(policies, all_runs.iter().map(|r| r.policy.index()));
        runs.sort_each_by_key(|i| all_runs[i].started_at);
        let all_drills = inv.restore_drills();
        let mut drills = Groups::new(policies, all_drills.iter().map(|d| d.policy.index()));
        drills.sort_each_by_key(|i| all_drills[i].at);
        let protecting = Groups::new(
            inv.components().len(),
            inv.backup_policies().iter().map(|p| p.protects.index()),
        );
        BackupIndex {
            runs,
            drills,
            protecting,
        }
    }

    /// The indices of `policy`'s runs, oldest first (runs that started at
    /// the same instant in the order they are defined); none for a policy
    /// that does not exist.
    pub(crate) fn runs(&self, policy: u32) -> &[u32] {
        self.runs.get(policy)
    }

    /// The indices of `policy`'s restore drills, oldest first (the same
    /// instant in definition order).
    pub(crate) fn drills(&self, policy: u32) -> &[u32] {
        self.drills.get(policy)
    }

    /// The indices of the policies protecting `component`, ascending.
    pub(crate) fn protecting(&self, component: u32) -> &[u32] {
        self.protecting.get(component)
    }
}

/// Items grouped by a key: group `g` is `items[start[g]..start[g + 1]]`.
#[derive(Debug)]
struct Groups {
    start: Vec<usize>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups item `i` (its position in `keys`) under `keys[i]`, keeping
    /// each group in ascending order of `i`, by counting sort. Keys at or
    /// past `groups` are left out: validation resolves every reference, so
    /// none are.
    fn new(groups: usize, keys: impl Iterator<Item = usize> + Clone) -> Self {
        let mut start = vec![0usize; groups + 1];
        for k in keys.clone().filter(|&k| k < groups) {
            start[k + 1] += 1;
        }
        for g in 0..groups {
            start[g + 1] += start[g];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[groups]];
        for (i, k) in keys.enumerate().filter(|&(_, k)| k < groups) {
            items[fill[k]] = super::to_u32(i);
            fill[k] += 1;
        }
        Groups { start, items }
    }

    /// Sorts each group by `key` of its items, stably.
    fn sort_each_by_key<K: Ord>(&mut self, key: impl Fn(usize) -> K) {
        for bounds in self.start.windows(2) {
            self.items[bounds[0]..bounds[1]].sort_by_key(|&i| key(i as usize));
        }
    }

    /// Group `g`; empty past the last group.
    fn get(&self, g: u32) -> &[u32] {
        let g = g as usize;
        let end = g.checked_add(1).and_then(|next| self.start.get(next));
        match (self.start.get(g), end) {
            (Some(&from), Some(&to)) => &self.items[from..to],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Groups;

    #[test]
    fn groups_keep_definition_order_and_leave_out_what_is_out_of_range() {
        let keys = [2usize, 0, 2, 7, 0, 2];
        let mut groups = Groups::new(3, keys.iter().copied());
        assert_eq!(groups.get(0), [1, 4]);
        assert_eq!(groups.get(1), [] as [u32; 0]);
        assert_eq!(groups.get(2), [0, 2, 5]);
        assert_eq!(groups.get(3), [] as [u32; 0]);
        assert_eq!(groups.get(u32::MAX), [] as [u32; 0]);
        // Stable: items 0 and 5 have the same key, and keep their order.
        let at = [5, 0, 3, 0, 9, 5];
        groups.sort_each_by_key(|i| at[i]);
        assert_eq!(groups.get(2), [2, 0, 5]);
        assert_eq!(groups.get(0), [1, 4]);
    }
}
