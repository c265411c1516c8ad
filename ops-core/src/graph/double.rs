//! Double faults: the pairs of components that take an entry point down
//! together although neither does alone (minimal cut sets of order two),
//! searched within a stated amount of work.

use super::analysis::{DoubleFaults, FailureAnalysis, SpofReport};
use super::propagate::Propagator;
use std::cmp::Reverse;
use std::collections::HashSet;

use super::compiled::{Compiled, NEVER};
use super::kill::{Closure, KillGraph};
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
    /// alone has such a rule. So for each redundancy under the entry, which
    /// of its dependencies each candidate (a component the entry stands on,
    /// that can fail, not a SPOF) takes down alone is read off the kill
    /// graph, as in [`FailureAnalysis::all_double_faults`], and only pairs
    /// that together take down enough of them to break it are tried, in
    /// index order, each on top of its first member's outage.
    ///
    /// Complexity: O(c + Σ_r Σ_d |S(d)| + q log q + q · p') for a cone of c
    /// components, the killers S(d) of each dependency d of each redundancy
    /// r in it, and q candidate pairs, each tried by an incremental
    /// propagation of cost p' on top of the first one's outage; q is c² at
    /// worst (every candidate wounding one redundancy), hence the work
    /// bound. Memory O(n) for the kill graph's scratch, plus the q pairs:
    /// past [`MAX_DOUBLE_FAULT_CANDIDATES`] different pairs (the list holds
    /// at most twice as many, repeats included), the search stops,
    /// incomplete.
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
        // The cone: a pair that takes the entry down breaks a redundancy in it.
        let Some(cone) = cone_of(g, e, &mut budget) else {
            return (out, work);
        };
        let spofs = self.spofs_of(entry);
        if !budget.spend(spofs.len()) {
            return (out, work);
        }
        let spofs: HashSet<u32> = spofs.iter().map(|s| s.index() as u32).collect();
        // Every pair of candidates that could break a redundancy in the cone.
        let mut redundancies: Vec<u32> = (cone.into_iter())
            .filter(|&r| g.threshold[r as usize] != NEVER && g.threshold[r as usize] >= 2)
            .collect();
        redundancies.sort_unstable();
        let k = self.kill_graph();
        let mut wounds = Wounds::new(g.len());
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        // Repeats (a pair breaking several redundancies) are dropped whenever
        // the list doubles past the bound, so each sort is paid for by as
        // many new pairs.
        let mut dedup_at = MAX_DOUBLE_FAULT_CANDIDATES;
        for r in redundancies {
            if !wounds.deal(g, k, r, &mut budget) {
                return (out, work);
            }
            wounds.dealt.retain(|&(_, x)| x != e && !spofs.contains(&x));
            let (t, narrow) = (g.threshold[r as usize], g.deps.row(r).len() <= MASK_BITS);
            let paired = wounds.pair(t, narrow, &mut budget, |x, y, _| {
                pairs.push((x.min(y), x.max(y)));
                true
            });
            if !paired {
                return (out, work);
            }
            if pairs.len() > dedup_at {
                pairs.sort_unstable();
                pairs.dedup();
                if pairs.len() > MAX_DOUBLE_FAULT_CANDIDATES {
                    return (out, work - budget.left);
                }
                dedup_at = pairs.len() + MAX_DOUBLE_FAULT_CANDIDATES;
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        // Tried in index order, so that a search cut short has found a prefix.
        let mut p = self.propagator();
        let mut spent = false;
        'outer: for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            let x = run[0].0;
            p.reset();
            p.fail(x);
            p.run();
            p.checkpoint();
            if !budget.spend(p.steps()) {
                spent = true;
                break;
            }
            for &(_, y) in run {
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

/// At most this many candidate pairs are held by
/// [`FailureAnalysis::all_double_faults`] at a time, so that what it holds
/// stays under about 100 MB whatever the estate: past it, the pairs found
/// so far are tried and the search goes on with an empty list.
pub const MAX_DOUBLE_FAULT_CANDIDATES: usize = 4_000_000;

/// The pairs [`FailureAnalysis::all_double_faults`] tries in its first
/// batch; each batch after holds twice as many as the one before, up to
/// [`MAX_DOUBLE_FAULT_CANDIDATES`].
const FIRST_BATCH: usize = 1 << 17;

/// "Not set" in the arrays of [`FailureAnalysis::all_double_faults`].
const NONE: u32 = u32::MAX;

/// A redundancy with more dependencies than this has its wounds counted
/// rather than told apart by a bit per dependency.
const MASK_BITS: usize = u64::BITS as usize;

/// What one component's failure alone takes down among one redundancy's
/// dependencies, when it does not take the redundancy down.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Wound {
    /// One bit per dependency down (the first [`MASK_BITS`]), or 0 for a
    /// redundancy with more dependencies than that.
    mask: u64,
    /// The dependencies down.
    count: u32,
}

impl Wound {
    /// Whether this wound and `other`, dealt together, certainly (narrow
    /// redundancy) or possibly (wide one, whose dependencies down may be
    /// the same) take down the `threshold` dependencies that break it.
    fn completes(self, other: Wound, threshold: u32, narrow: bool) -> bool {
        if narrow {
            (self.mask | other.mask).count_ones() >= threshold
        } else {
            self.count + other.count >= threshold
        }
    }
}

/// The wounds every single failure deals one redundancy, read off the kill
/// graph: a failure takes a dependency down exactly when it is the
/// dependency or one of its killers (its single points of failure).
struct Wounds {
    /// Per component: the redundancy it was last counted for, or [`NONE`].
    stamp: Vec<u32>,
    /// Per component: its wound to that redundancy.
    wound: Vec<Wound>,
    /// The components counted for the redundancy, in the order first met.
    met: Vec<u32>,
    /// The killers of one dependency (scratch).
    killers: Vec<u32>,
    closure: Closure,
    /// (wound, component) for every component that can fail, other than
    /// the redundancy, which wounds it without taking it down: largest
    /// wounds first, equal wounds side by side.
    dealt: Vec<(Wound, u32)>,
}

impl Wounds {
    fn new(n: usize) -> Wounds {
        Wounds {
            stamp: vec![NONE; n],
            wound: vec![Wound { mask: 0, count: 0 }; n],
            met: Vec::new(),
            killers: Vec::new(),
            closure: Closure::new(n),
            dealt: Vec::new(),
        }
    }

    /// Lists in `dealt` the wounds single failures deal redundancy `r`,
    /// grouped by wound; false once the budget is gone. Costs the killers
    /// of each of `r`'s dependencies, not a propagation per failure.
    fn deal(&mut self, g: &Compiled, k: &KillGraph, r: u32, budget: &mut Budget) -> bool {
        let deps = g.deps.row(r);
        let narrow = deps.len() <= MASK_BITS;
        self.met.clear();
        for (i, &d) in deps.iter().enumerate() {
            self.killers.clear();
            self.closure.killers(g, k, d, &mut self.killers);
            self.killers.push(d);
            if !budget.spend(self.killers.len()) {
                return false;
            }
            let bit = if narrow { 1u64 << i } else { 0 };
            for &x in &self.killers {
                let x = x as usize;
                if self.stamp[x] != r {
                    self.stamp[x] = r;
                    self.wound[x] = Wound { mask: 0, count: 0 };
                    self.met.push(x as u32);
                }
                self.wound[x].mask |= bit;
                self.wound[x].count += 1;
            }
        }
        let t = g.threshold[r as usize];
        self.dealt.clear();
        self.dealt.extend(
            (self.met.iter())
                .map(|&x| (self.wound[x as usize], x))
                .filter(|&(w, x)| x != r && w.count < t && g.can_fail(x)),
        );
        self.dealt.sort_unstable_by_key(|&(w, x)| (Reverse(w.count), w.mask, x));
        true
    }

    /// Calls `each` with every pair of the failures in `dealt` whose wounds
    /// together break the redundancy (threshold `t`, `narrow` if its wounds
    /// are masks), certainly for a narrow one, possibly for a wide one, and
    /// the budget; false once the budget is gone or `each` says so.
    fn pair(
        &self,
        t: u32,
        narrow: bool,
        budget: &mut Budget,
        mut each: impl FnMut(u32, u32, &mut Budget) -> bool,
    ) -> bool {
        let groups: Vec<&[(Wound, u32)]> = self.dealt.chunk_by(|a, b| a.0 == b.0).collect();
        for (i, &a) in groups.iter().enumerate() {
            for &b in &groups[i..] {
                if a[0].0.count + b[0].0.count < t {
                    break; // and so would every later, smaller wound
                }
                if !budget.spend(1) {
                    return false;
                }
                if !a[0].0.completes(b[0].0, t, narrow) {
                    continue;
                }
                let same = std::ptr::eq(a, b);
                for (ia, &(_, x)) in a.iter().enumerate() {
                    let partners = if same { &b[ia + 1..] } else { b };
                    if !budget.spend(partners.len()) {
                        return false;
                    }
                    if partners.iter().any(|&(_, y)| !each(x, y, budget)) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

impl FailureAnalysis<'_> {
    /// The double faults of every entry point at once, one record per entry
    /// in definition order, each as [`FailureAnalysis::double_faults`]
    /// gives it (the same pairs, in index order, up to `limit` each), within
    /// `work` steps for all of them together; with the work spent.
    ///
    /// A pair can take anything down that neither member does alone only by
    /// breaking a redundancy (a rule that tolerates a loss) that neither
    /// breaks alone: the first component the pair takes down that neither
    /// does alone is one (see [`FailureAnalysis::double_faults`]). So for
    /// each redundancy, the search reads off the kill graph which of its
    /// dependencies each single failure takes down (a failure takes a
    /// dependency down exactly when it is one of its single points of
    /// failure), without propagating any failure; groups the failures by
    /// the dependencies they take down; and keeps the pairs of groups that
    /// together take down enough of them to break it. Members that both
    /// take down the same dependency (a host and its rack under one
    /// replica) are never paired for it. Only those pairs are tried, each
    /// once, by propagation, noting every entry the pair takes down that
    /// neither member does alone; on a graph of wide `any` rules almost
    /// nothing is tried. Each pair is tried on top of the outage of the
    /// member whose failure alone costs more, so a trial repeats the
    /// cheaper failure only.
    ///
    /// When the search stops at `work`, what it found is a subset of the
    /// pairs, not necessarily the first in index order.
    ///
    /// Complexity: O(n + Σ_r Σ_d |S(d)| + Σ_x p_x + q · p'), for the
    /// killers S(d) of each dependency d of each redundancy r, single
    /// outages of cost p_x for the components in a candidate pair, q
    /// candidate pairs and incremental propagations of cost p' (the cheaper
    /// member's outage and what the pair breaks together), the work counted
    /// against `work`; memory O(n) plus at most
    /// [`MAX_DOUBLE_FAULT_CANDIDATES`] pairs at a time (pairs are tried in
    /// batches), plus twice `limit` pairs per entry. When the work bound is reached, every record says it is
    /// incomplete.
    pub fn all_double_faults(&self, limit: usize, work: usize) -> (Vec<DoubleFaults>, usize) {
        self.all_double_faults_batched(limit, work, (FIRST_BATCH, MAX_DOUBLE_FAULT_CANDIDATES))
    }

    /// [`FailureAnalysis::all_double_faults`], trying pairs in batches of
    /// `first` pairs, then twice as many each time, up to `most`.
    fn all_double_faults_batched(
        &self,
        limit: usize,
        work: usize,
        batches: (usize, usize),
    ) -> (Vec<DoubleFaults>, usize) {
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
        let complete = self.search_all(g, &report, (limit, batches), &mut p, &mut budget, &mut out);
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
        (limit, (first, most)): (usize, (usize, usize)),
        p: &mut Propagator<'_>,
        budget: &mut Budget,
        out: &mut [DoubleFaults],
    ) -> bool {
        let n = g.len();
        let k = self.kill_graph();
        let mut wounds = Wounds::new(n);
        let mut trials = Trials::new(n, report, limit, out);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut cap = first.clamp(1, most.max(1));
        for r in 0..n as u32 {
            let t = g.threshold[r as usize];
            if t == NEVER || t < 2 {
                continue;
            }
            if !wounds.deal(g, k, r, budget) {
                return false;
            }
            let narrow = g.deps.row(r).len() <= MASK_BITS;
            let paired = wounds.pair(t, narrow, budget, |x, y, budget| {
                pairs.push((x, y));
                // Tried in batches, so that the list stays bounded; a pair
                // that breaks two redundancies in two batches is tried
                // twice, and listed once. The first batches are smaller, so
                // that where candidate pairs are millions the trials begin
                // before the bound is spent learning what each member of one
                // huge batch costs alone.
                if pairs.len() < cap {
                    return true;
                }
                cap = cap.saturating_mul(2).min(most.max(1));
                trials.run(&mut pairs, p, budget)
            });
            if !paired {
                return false;
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
    /// What each failure alone costs to propagate, in steps, or [`NONE`]
    /// until it is first in a pair.
    cost: Vec<u32>,
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
            cost: vec![NONE; n],
        }
    }

    /// Tries each pair of `pairs` once, on top of the outage of the member
    /// whose failure alone costs more (propagated once for all its pairs),
    /// noting every entry it takes down that neither member does alone;
    /// empties `pairs`. A trial then costs the cheaper failure and what the
    /// two break together, not the dearer failure again: on served estates,
    /// a twentieth of the work. What each failure alone costs is learnt by
    /// failing it alone, the first time it is in a pair. False once the
    /// budget is gone.
    fn run(&mut self, pairs: &mut Vec<(u32, u32)>, p: &mut Propagator<'_>, budget: &mut Budget) -> bool {
        for pair in pairs.iter_mut() {
            for c in [pair.0, pair.1] {
                if self.cost[c as usize] == NONE {
                    p.reset();
                    p.fail(c);
                    p.run();
                    self.cost[c as usize] = u32::try_from(p.steps()).unwrap_or(NONE - 1);
                    if !budget.spend(p.steps()) {
                        return false;
                    }
                }
            }
            let (x, y) = *pair;
            if (Reverse(self.cost[y as usize]), y) < (Reverse(self.cost[x as usize]), x) {
                *pair = (y, x);
            }
        }
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

/// Everything `c` depends on, directly or not, itself included; `None` if
/// the budget runs out first.
fn cone_of(g: &Compiled, c: u32, budget: &mut Budget) -> Option<HashSet<u32>> {
    let mut cone = HashSet::from([c]);
    let mut stack = vec![c];
    while let Some(u) = stack.pop() {
        let deps = g.deps.row(u);
        if !budget.spend(1 + deps.len()) {
            return None;
        }
        stack.extend(deps.iter().copied().filter(|&d| cone.insert(d)));
    }
    Some(cone)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests fail by panicking

    use super::*;
    use crate::synth::{Rules, estate_json, generate_served};
    use crate::{Format, Inventory};

    /// Pairs tried in small batches (some of them twice, as they break two
    /// redundancies), or in batches growing from one pair, are the pairs
    /// found holding them all at once.
    #[test]
    fn trying_pairs_in_small_batches_finds_the_same_pairs() {
        for (n, seed) in [(400, 1), (700, 7), (1000, 42)] {
            let json = estate_json(&generate_served(n, seed, Rules::Mixed));
            let inv = Inventory::from_text("served.json", Format::Json, &json).unwrap();
            let a = FailureAnalysis::new(&inv);
            let all_at_once = (MAX_DOUBLE_FAULT_CANDIDATES, MAX_DOUBLE_FAULT_CANDIDATES);
            let (all, _) = a.all_double_faults_batched(usize::MAX, usize::MAX, all_at_once);
            let found: usize = all.iter().map(|f| f.pairs.len()).sum();
            assert!(found > 0 && all.iter().all(|f| f.complete), "{n}: {found} pairs");
            for batches in [(1, 1), (2, 2), (5, 5), (1, 64), (0, 0)] {
                let (again, _) = a.all_double_faults_batched(usize::MAX, usize::MAX, batches);
                assert_eq!(again, all, "{n}: batches of {batches:?}");
            }
        }
    }

    /// Wounds to a narrow redundancy complete each other only if they take
    /// down enough different dependencies; to a wide one, if their counts
    /// could.
    #[test]
    fn wounds_complete_each_other_by_the_dependencies_they_take_down() {
        let w = |mask: u64| Wound {
            mask,
            count: mask.count_ones(),
        };
        assert!(w(0b01).completes(w(0b10), 2, true));
        assert!(!w(0b01).completes(w(0b01), 2, true));
        assert!(!w(0b011).completes(w(0b110), 4, true));
        assert!(w(0b011).completes(w(0b1100), 4, true));
        let c = |count: u32| Wound { mask: 0, count };
        assert!(c(1).completes(c(1), 2, false));
        assert!(!c(1).completes(c(1), 3, false));
    }
}
