//! Double faults: the pairs of components that take an entry point down
//! together although neither does alone (minimal cut sets of order two),
//! searched within a stated amount of work.

use super::analysis::{DoubleFaults, FailureAnalysis, SpofReport};
use super::propagate::Propagator;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::compiled::{Compiled, NEVER};
use crate::{Component, Idx};

/// The work [`FailureAnalysis::double_faults`] spends on one entry point at
/// most, in steps (a component visited or taken down, a dependent looked at,
/// a candidate pair considered): about a second in a release build. Past
/// it the search stops and says so ([`DoubleFaults::complete`]).
pub const DOUBLE_FAULT_WORK: usize = 20_000_000;

/// Counts the work of one search against its budget.
struct Budget {
    left: usize,
}

impl Budget {
    /// Spends `n` steps; false once the budget is gone.
    fn spend(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }
}

impl FailureAnalysis<'_> {
    /// Pairs of components, neither a single point of failure of `entry`,
    /// whose joint failure takes it down (minimal cut sets of order two), in
    /// index order, up to `limit` pairs, within [`DOUBLE_FAULT_WORK`] steps.
    ///
    /// A pair can only take the entry down together if both of its
    /// components, each alone, take down a dependency of one redundancy
    /// (a rule that tolerates a loss) under the entry that neither alone
    /// takes down: the first component the pair takes down that neither does
    /// alone has such a rule. So each candidate (a component the entry
    /// stands on, that can fail, not a SPOF) is propagated alone once, noting
    /// the redundancies it wounds, and only candidates that wound a common
    /// redundancy are tried together.
    ///
    /// Complexity: O(k · p + q · p') for k candidates with single outages of
    /// cost p (what goes down and its dependents) and q pairs that wound a
    /// common redundancy, each tried by an incremental propagation of cost
    /// p' on top of the first one's outage; q is k² at worst (every
    /// candidate wounding one redundancy), hence the work bound.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, depends_on: [db]}
    ///   - {id: db, requires: any, depends_on: [db-1, db-2]}
    ///   - {id: db-1}
    ///   - {id: db-2}
    /// ")?;
    /// let analysis = FailureAnalysis::new(&inv);
    /// let faults = analysis.double_faults(inv.component_by_id("shop").expect("defined"), 10);
    /// let ids: Vec<(&str, &str)> = faults.pairs.iter()
    ///     .map(|&(x, y)| (inv.component(x).id.as_str(), inv.component(y).id.as_str()))
    ///     .collect();
    /// assert_eq!(ids, [("db-1", "db-2")]);
    /// assert!(faults.complete && !faults.truncated);
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn double_faults(&self, entry: Idx<Component>, limit: usize) -> DoubleFaults {
        self.double_faults_within(entry, limit, DOUBLE_FAULT_WORK)
    }

    /// Like [`FailureAnalysis::double_faults`], within `work` steps instead
    /// of [`DOUBLE_FAULT_WORK`].
    pub fn double_faults_within(&self, entry: Idx<Component>, limit: usize, work: usize) -> DoubleFaults {
        self.double_faults_counted(entry, limit, work).0
    }

    /// [`FailureAnalysis::double_faults_within`], with the work it spent.
    pub(crate) fn double_faults_counted(
        &self,
        entry: Idx<Component>,
        limit: usize,
        work: usize,
    ) -> (DoubleFaults, usize) {
        let g = self.compiled();
        let e = entry.index() as u32;
        let mut budget = Budget { left: work };
        let mut out = DoubleFaults {
            entry,
            pairs: Vec::new(),
            truncated: false,
            complete: false,
        };
        // The cone, numbered locally so that every array below is its size,
        // not the graph's.
        let Some(cone) = cone_of(g, e, &mut budget) else {
            return (out, work);
        };
        let spofs = self.spofs_of(entry);
        if !budget.spend(spofs.len()) {
            return (out, work);
        }
        let spofs: HashSet<u32> = spofs.iter().map(|s| s.index() as u32).collect();
        let mut candidates: Vec<u32> = (cone.keys().copied())
            .filter(|&c| c != e && !spofs.contains(&c) && g.can_fail(c))
            .collect();
        candidates.sort_unstable();
        // The redundancies (cone-local) each candidate wounds, and the inverse.
        let mut p = self.propagator();
        let mut seen = vec![u32::MAX; cone.len()];
        let mut wounded_by: Vec<Vec<u32>> = vec![Vec::new(); cone.len()];
        let mut wounds: Vec<Vec<u32>> = Vec::with_capacity(candidates.len());
        for (i, &x) in candidates.iter().enumerate() {
            p.reset();
            p.fail(x);
            p.run();
            let mut mine = Vec::new();
            for &r in p.touched() {
                let t = g.threshold[r as usize];
                if t == NEVER || t < 2 || p.is_down(r) {
                    continue;
                }
                if let Some(&l) = cone.get(&r)
                    && seen[l as usize] != i as u32
                {
                    seen[l as usize] = i as u32;
                    mine.push(l);
                    wounded_by[l as usize].push(i as u32);
                }
            }
            if !budget.spend(p.steps()) {
                self.give_back(p);
                return (out, work);
            }
            wounds.push(mine);
        }
        // Each candidate with the later candidates that wound a redundancy it wounds.
        let mut seen = vec![u32::MAX; candidates.len()];
        let mut partners: Vec<u32> = Vec::new();
        let mut spent = false;
        'outer: for (i, &x) in candidates.iter().enumerate() {
            partners.clear();
            for &r in &wounds[i] {
                let row = &wounded_by[r as usize];
                if !budget.spend(row.len()) {
                    spent = true;
                    break 'outer;
                }
                for &j in row {
                    if j > i as u32 && seen[j as usize] != i as u32 {
                        seen[j as usize] = i as u32;
                        partners.push(j);
                    }
                }
            }
            if partners.is_empty() {
                continue;
            }
            partners.sort_unstable();
            p.reset();
            p.fail(x);
            p.run();
            p.checkpoint();
            for &j in &partners {
                let y = candidates[j as usize];
                if p.is_down(y) {
                    continue; // x alone takes y down: the pair is no worse than x
                }
                let before = p.steps();
                p.fail(y);
                p.run();
                let down = p.is_down(e);
                let cost = p.steps() - before;
                p.rollback();
                if !budget.spend(cost) {
                    spent = true;
                    break 'outer;
                }
                if down {
                    if out.pairs.len() == limit {
                        out.truncated = true;
                        break 'outer;
                    }
                    out.pairs.push((Idx::new(x as usize), Idx::new(y as usize)));
                }
            }
        }
        out.complete = !spent;
        self.give_back(p);
        (out, work - budget.left)
    }
}

/// At most this many (redundancy, wounding component) records and as many
/// candidate pairs are kept by [`FailureAnalysis::all_double_faults`] at a
/// time, so that what it holds stays under about 100 MB whatever the
/// estate: past it, wounds are found again by a second pass (and the search
/// stops, incomplete, if those that could add up are still more), and pairs
/// are tried in batches.
pub const MAX_DOUBLE_FAULT_CANDIDATES: usize = 4_000_000;

/// What [`FailureAnalysis::all_double_faults`] holds at a time, at most.
#[derive(Clone, Copy, Debug)]
struct Holding {
    /// Wounds kept from the first pass; past it, a second pass finds those
    /// that could add up with another.
    first_pass: usize,
    /// Wounds that could add up with another; past it, the search stops.
    wounds: usize,
    /// Pairs tried in one batch.
    pairs: usize,
}

impl Holding {
    /// [`MAX_DOUBLE_FAULT_CANDIDATES`] of each.
    const MAX: Holding = Holding {
        first_pass: MAX_DOUBLE_FAULT_CANDIDATES,
        wounds: MAX_DOUBLE_FAULT_CANDIDATES,
        pairs: MAX_DOUBLE_FAULT_CANDIDATES,
    };
}

/// "Not set" in the arrays of [`FailureAnalysis::all_double_faults`].
const NONE: u32 = u32::MAX;

/// The wounds one single failure deals: each redundancy it does not take
/// down, with how many of its dependencies go down.
struct Wounds {
    /// (redundancy, dependencies down) for the last failure dealt.
    touched: Vec<(u32, u32)>,
}

impl Wounds {
    fn new() -> Wounds {
        Wounds { touched: Vec::new() }
    }

    /// Fails `x` alone and lists its wounds; false once the budget is gone.
    /// The propagation counts each redundancy's dependencies down and lists
    /// what it touched, so the wounds are read off it without walking the
    /// outage's dependents a second time.
    fn deal(&mut self, g: &Compiled, x: u32, p: &mut Propagator<'_>, budget: &mut Budget) -> bool {
        p.reset();
        p.fail(x);
        p.run();
        self.touched.clear();
        for &r in p.touched() {
            let t = g.threshold[r as usize];
            if t == NEVER || t < 2 || p.is_down(r) {
                continue;
            }
            self.touched.push((r, p.count(r)));
        }
        budget.spend(p.steps())
    }
}

/// The two largest wounds one redundancy receives from single failures, and
/// who dealt the largest.
#[derive(Clone, Copy, Default)]
struct TopTwo {
    first: u32,
    first_by: u32,
    second: u32,
}

impl TopTwo {
    fn add(&mut self, by: u32, w: u32) {
        if w > self.first {
            self.second = self.first;
            (self.first, self.first_by) = (w, by);
        } else if w > self.second {
            self.second = w;
        }
    }

    /// The largest wound dealt by someone other than `by`.
    fn other_than(&self, by: u32) -> u32 {
        if self.first_by == by { self.second } else { self.first }
    }
}

impl FailureAnalysis<'_> {
    /// The double faults of every entry point at once, one record per entry
    /// in definition order, each as [`FailureAnalysis::double_faults`]
    /// gives it (the same pairs, in index order, up to `limit` each), within
    /// `work` steps for all of them together; with the work spent.
    ///
    /// Where the per-entry search propagates every candidate once per entry
    /// whose cone holds it, this propagates every component that can fail
    /// once for the whole graph, learning for every redundancy the two
    /// largest wounds single failures deal it and keeping the wounds that
    /// could add up with another to break it (when there are more wounds
    /// than [`MAX_DOUBLE_FAULT_CANDIDATES`], a second time to find those
    /// that could), then
    /// tries each candidate pair once, noting every entry the pair takes
    /// down that neither member does alone. A pair can take anything down
    /// only if, at the first redundancy it breaks that neither member
    /// breaks alone, the dependencies each member takes down alone number at
    /// least the redundancy's threshold together (see
    /// [`FailureAnalysis::double_faults`]), which is what selects the
    /// candidates: on a graph of wide `any` rules almost nothing is tried.
    /// Each pair is tried on top of the outage of the member whose failure
    /// alone costs more, so a trial repeats the cheaper single failure only.
    ///
    /// When the search stops at `work`, what it found is a subset of the
    /// pairs, not necessarily the first in index order.
    ///
    /// Complexity: O(n + Σ p_x + q · p') for single outages of cost p_x, q
    /// candidate pairs and incremental propagations of cost p' (the cheaper
    /// member's outage and what the pair breaks together), the work
    /// counted against `work`; memory O(n) plus at most
    /// [`MAX_DOUBLE_FAULT_CANDIDATES`] wounds and as many pairs at a time
    /// (pairs are tried in batches), plus twice `limit` pairs per entry.
    /// When the work bound is reached, or the wounds that could add up are
    /// more than the bound, every record says it is incomplete.
    pub fn all_double_faults(&self, limit: usize, work: usize) -> (Vec<DoubleFaults>, usize) {
        self.all_double_faults_holding(limit, work, Holding::MAX)
    }

    /// [`FailureAnalysis::all_double_faults`], holding what `held` says.
    fn all_double_faults_holding(&self, limit: usize, work: usize, held: Holding) -> (Vec<DoubleFaults>, usize) {
        let g = self.compiled();
        let report = self.spofs();
        let mut out: Vec<DoubleFaults> = (report.entries().iter())
            .map(|r| DoubleFaults {
                entry: r.entry,
                pairs: Vec::new(),
                truncated: false,
                complete: false,
            })
            .collect();
        let mut budget = Budget { left: work };
        let mut p = self.propagator();
        let complete = self.search_all(g, &report, (limit, held), &mut p, &mut budget, &mut out);
        self.give_back(p);
        for record in &mut out {
            finish(record, limit);
            record.complete = complete;
        }
        (out, work - budget.left)
    }

    /// The body of [`FailureAnalysis::all_double_faults`]: true when it
    /// finished within the budget.
    fn search_all(
        &self,
        g: &Compiled,
        report: &SpofReport,
        (limit, held): (usize, Holding),
        p: &mut Propagator<'_>,
        budget: &mut Budget,
        out: &mut [DoubleFaults],
    ) -> bool {
        let n = g.len();
        // The wounds x's failure alone deals: for each redundancy it does not
        // take down, how many of its dependencies go down; kept as
        // (redundancy, wound, component) while they fit, to be filtered once
        // the two largest wounds of every redundancy are known.
        let mut w = Wounds::new();
        let mut top = vec![TopTwo::default(); n];
        // What each failure alone costs to propagate, in steps.
        let mut alone = vec![0u32; n];
        let mut candidates: Vec<(u32, Reverse<u32>, u32)> = Vec::new();
        let mut kept = true;
        for x in (0..n as u32).filter(|&x| g.can_fail(x)) {
            if !w.deal(g, x, p, budget) {
                return false;
            }
            alone[x as usize] = u32::try_from(p.steps()).unwrap_or(u32::MAX);
            for &(r, wound) in &w.touched {
                top[r as usize].add(x, wound);
            }
            if kept && candidates.len() + w.touched.len() <= held.first_pass {
                candidates.extend(w.touched.iter().map(|&(r, wound)| (r, Reverse(wound), x)));
            } else if kept {
                kept = false;
                candidates = Vec::new();
            }
        }
        // Keep the wounds another could complete: from the list if it held
        // them all, else by failing every component alone a second time.
        let completes = |r: u32, wound: u32, x: u32| wound + top[r as usize].other_than(x) >= g.threshold[r as usize];
        if kept {
            candidates.retain(|&(r, Reverse(wound), x)| completes(r, wound, x));
        } else {
            for x in (0..n as u32).filter(|&x| g.can_fail(x)) {
                if !w.deal(g, x, p, budget) {
                    return false;
                }
                for &(r, wound) in &w.touched {
                    if completes(r, wound, x) {
                        if candidates.len() >= held.wounds {
                            return false;
                        }
                        candidates.push((r, Reverse(wound), x));
                    }
                }
            }
        }
        drop(top);
        // Within each redundancy, largest wounds first: the partners of a
        // member are a prefix of those after it.
        candidates.sort_unstable();
        // Each pair as (base, other): the base is the member whose failure
        // alone costs more, propagated once for all its pairs, and the other
        // is propagated on top of it. A pair's trial then costs the cheaper
        // failure and what the two break together, not the dearer failure
        // again: on served estates, a twentieth of the work.
        let ordered = |x: u32, y: u32| {
            let dearer = |a: u32, b: u32| (Reverse(alone[a as usize]), a) < (Reverse(alone[b as usize]), b);
            if dearer(x, y) { (x, y) } else { (y, x) }
        };
        let mut trials = Trials::new(n, report, limit, out);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for group in candidates.chunk_by(|a, b| a.0 == b.0) {
            let t = g.threshold[group[0].0 as usize];
            for (i, &(_, Reverse(wi), x)) in group.iter().enumerate() {
                for &(_, Reverse(wj), y) in &group[i + 1..] {
                    if wi + wj < t {
                        break;
                    }
                    if !budget.spend(1) {
                        return false;
                    }
                    pairs.push(ordered(x, y));
                    // Tried in batches, so that the list stays bounded; a
                    // pair that wounds two redundancies in two batches is
                    // tried twice, and listed once.
                    if pairs.len() >= held.pairs && !trials.run(&mut pairs, p, budget) {
                        return false;
                    }
                }
            }
        }
        trials.run(&mut pairs, p, budget)
    }
}

/// The pair trials of [`FailureAnalysis::all_double_faults`] and where
/// they note what they find.
struct Trials<'a, 'r> {
    /// Each entry's record in `out`, or [`NONE`].
    slot: Vec<u32>,
    report: &'a SpofReport,
    limit: usize,
    out: &'r mut [DoubleFaults],
}

impl<'a, 'r> Trials<'a, 'r> {
    fn new(n: usize, report: &'a SpofReport, limit: usize, out: &'r mut [DoubleFaults]) -> Self {
        let mut slot = vec![NONE; n];
        for (i, record) in out.iter().enumerate() {
            slot[record.entry.index()] = i as u32;
        }
        Trials {
            slot,
            report,
            limit,
            out,
        }
    }

    /// Tries each (base, other) pair of `pairs` once, on top of its base's
    /// outage, noting every entry it takes down that neither member does
    /// alone; empties `pairs`. False once the budget is gone.
    fn run(&mut self, pairs: &mut Vec<(u32, u32)>, p: &mut Propagator<'_>, budget: &mut Budget) -> bool {
        pairs.sort_unstable();
        pairs.dedup();
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            let x = run[0].0;
            p.reset();
            p.fail(x);
            p.run();
            p.checkpoint();
            for &(_, y) in run {
                if p.is_down(y) {
                    continue; // x alone takes y down: the pair is no worse than x
                }
                let (before, steps) = (p.down().len(), p.steps());
                p.fail(y);
                p.run();
                let cost = p.steps() - steps;
                for &u in &p.down()[before..] {
                    let s = self.slot[u as usize];
                    if s == NONE || u == y {
                        continue;
                    }
                    let e = Idx::new(u as usize);
                    if self.report.entries_taken_down_by(Idx::new(y as usize)).any(|d| d == e) {
                        continue; // y alone takes the entry down
                    }
                    keep(&mut self.out[s as usize], (x.min(y), x.max(y)), self.limit);
                }
                p.rollback();
                if !budget.spend(cost) {
                    return false;
                }
            }
        }
        pairs.clear();
        true
    }
}

/// Adds `pair` to `record`, which keeps the first `limit` of the pairs it
/// is given in index order whatever order they come in: it lets its list
/// grow past twice the limit, then sorts it and keeps the first `limit`,
/// so each pair costs O(log limit) amortised. [`finish`] puts it in order.
fn keep(record: &mut DoubleFaults, (x, y): (u32, u32), limit: usize) {
    record.pairs.push((Idx::new(x as usize), Idx::new(y as usize)));
    if record.pairs.len() > limit.saturating_mul(2) {
        finish(record, limit);
    }
}

/// Sorts `record`'s pairs, drops repeats and keeps the first `limit`,
/// noting when it dropped any.
fn finish(record: &mut DoubleFaults, limit: usize) {
    record.pairs.sort_unstable();
    record.pairs.dedup();
    if record.pairs.len() > limit {
        record.pairs.truncate(limit);
        record.truncated = true;
    }
}

/// Everything `c` depends on, directly or not, itself included, each with
/// a number of its own from 0; `None` if the budget runs out first.
fn cone_of(g: &Compiled, c: u32, budget: &mut Budget) -> Option<HashMap<u32, u32>> {
    let mut local = HashMap::from([(c, 0)]);
    let mut stack = vec![c];
    while let Some(u) = stack.pop() {
        let deps = g.deps.row(u);
        if !budget.spend(1 + deps.len()) {
            return None;
        }
        for &d in deps {
            let next = local.len() as u32;
            if let std::collections::hash_map::Entry::Vacant(v) = local.entry(d) {
                v.insert(next);
                stack.push(d);
            }
        }
    }
    Some(local)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests fail by panicking

    use super::*;
    use crate::synth::{Rules, estate_json, generate_served};
    use crate::{Format, Inventory};

    /// A second pass instead of the first pass's wounds, and pairs tried in
    /// small batches (some of them twice, as they wound two redundancies)
    /// find the same pairs as holding everything at once, with more work.
    #[test]
    fn holding_little_at_a_time_finds_the_same_pairs_with_more_work() {
        for (n, seed) in [(400, 1), (700, 7), (1000, 42)] {
            let json = estate_json(&generate_served(n, seed, Rules::Mixed));
            let inv = Inventory::from_text("served.json", Format::Json, &json).unwrap();
            let a = FailureAnalysis::new(&inv);
            let (all, spent) = a.all_double_faults_holding(usize::MAX, usize::MAX, Holding::MAX);
            let found: usize = all.iter().map(|f| f.pairs.len()).sum();
            assert!(found > 0 && all.iter().all(|f| f.complete), "{n}: {found} pairs");
            let replayed = Holding {
                first_pass: 0,
                ..Holding::MAX
            };
            let (again, again_spent) = a.all_double_faults_holding(usize::MAX, usize::MAX, replayed);
            assert_eq!(again, all, "{n}: second pass");
            assert!(again_spent > spent, "{n}: {again_spent} steps, {spent} with one pass");
            for pairs in [1, 2, 5] {
                let batched = Holding { pairs, ..Holding::MAX };
                let (again, _) = a.all_double_faults_holding(usize::MAX, usize::MAX, batched);
                assert_eq!(again, all, "{n}: batches of {pairs}");
            }
            // Too few wounds held to search: incomplete, with nothing found.
            let starved = Holding {
                first_pass: 0,
                wounds: 1,
                ..Holding::MAX
            };
            let (none, _) = a.all_double_faults_holding(usize::MAX, usize::MAX, starved);
            assert!(none.iter().all(|f| f.pairs.is_empty() && !f.complete));
        }
    }
}
