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
    /// Costs are learnt, and pairs tried, on up to [`MAX_SEARCH_THREADS`]
    /// threads (as many as the machine has cores, whatever the caller runs
    /// on), in rounds whose results are counted against `work` in the
    /// order one thread would meet them: the pairs found and the work spent
    /// are the same whatever the number of threads. No thread starts a
    /// propagation once the round's finished ones add up to the work left,
    /// so past the bound at most one propagation per thread is wasted.
    ///
    /// Complexity: O(n + Σ_r Σ_d |S(d)| + Σ_x p_x + q · p'), for the
    /// killers S(d) of each dependency d of each redundancy r, single
    /// outages of cost p_x for the components in a candidate pair, q
    /// candidate pairs and incremental propagations of cost p' (the cheaper
    /// member's outage and what the pair breaks together), the work counted
    /// against `work` (uncounted: each trial unit's propagation of its
    /// first member's outage, at most an eighth of the unit's expected
    /// trials but in the last unit of each first member); memory O(n) per thread (a
    /// propagator's 32 bytes per component, and the caller's thread's
    /// arrays), plus at most [`MAX_DOUBLE_FAULT_CANDIDATES`] pairs at a
    /// time (pairs are tried in batches), plus twice `limit` pairs per
    /// entry, plus what a round's pairs find before it is counted. When the
    /// work bound is reached, every record says it is incomplete.
    pub fn all_double_faults(&self, limit: usize, work: usize) -> (Vec<DoubleFaults>, usize) {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let batches = (FIRST_BATCH, MAX_DOUBLE_FAULT_CANDIDATES);
        let split = Split {
            threads: cores.min(MAX_SEARCH_THREADS),
            ..Split::ONE
        };
        self.all_double_faults_batched(limit, work, batches, split)
    }

    /// [`FailureAnalysis::all_double_faults`], trying pairs in batches of
    /// `first` pairs, then twice as many each time, up to `most`, split
    /// over threads as `split` says.
    fn all_double_faults_batched(
        &self,
        limit: usize,
        work: usize,
        batches: (usize, usize),
        split: Split,
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
        let mut trials = Trials::new(g, &report, limit, &mut out, split);
        let complete = self.search_all(g, batches, &mut trials, &mut p, &mut budget);
        drop(trials);
        self.give_back(p);
        for record in &mut out {
            finish(record, limit);
            record.complete = complete;
        }
        (out, work - budget.left)
    }

    /// The body of [`FailureAnalysis::all_double_faults`]: true when it
    /// finished within the budget.
    fn search_all<'g>(
        &self,
        g: &'g Compiled,
        (first, most): (usize, usize),
        trials: &mut Trials<'_, '_, 'g>,
        p: &mut Propagator<'g>,
        budget: &mut Budget,
    ) -> bool {
        let n = g.len();
        let k = self.kill_graph();
        let mut wounds = Wounds::new(n);
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

/// At most this many threads try pairs in [`FailureAnalysis::all_double_faults`].
pub const MAX_SEARCH_THREADS: usize = 8;

/// How [`Trials::run`] spreads its work over threads.
#[derive(Clone, Copy, Debug)]
struct Split {
    /// The threads, the caller's included.
    threads: usize,
    /// The single failures whose cost one round learns on each thread,
    /// before they are counted against the budget.
    learn_each: usize,
    /// The most pairs one trial unit tries on top of one outage of their
    /// first member.
    unit: usize,
    /// A unit ends once its trials are expected to take this many steps,
    /// or eight times its first member's outage if that is more (a unit
    /// propagates that outage again, uncounted), or at `unit` pairs. A
    /// pair's trial is expected to cost what its cheaper member costs
    /// alone: about what it costs at most.
    unit_steps: usize,
    /// The steps each thread is expected to take in one round, at most:
    /// a round's results are counted against the budget once it is done,
    /// so a round is also expected to take no more than the budget left,
    /// and past the bound little is wasted.
    round_steps: usize,
}

impl Split {
    /// One thread, and the rounds [`FailureAnalysis::all_double_faults`]
    /// uses whatever the threads.
    const ONE: Split = Split {
        threads: 1,
        learn_each: 256,
        unit: 1024,
        unit_steps: 1 << 20,
        round_steps: 1 << 23,
    };
}

/// A cost not learnt yet but asked for, in [`Trials::cost`].
const PENDING: u32 = NONE - 1;

/// The pair trials of [`FailureAnalysis::all_double_faults`] and where
/// they note what they find.
struct Trials<'a, 'r, 'g> {
    g: &'g Compiled,
    /// Each entry's record in `out`, or [`NONE`].
    slot: Vec<u32>,
    report: &'a SpofReport,
    limit: usize,
    out: &'r mut [DoubleFaults],
    /// What each failure alone costs to propagate, in steps, or [`NONE`]
    /// until it is first in a pair.
    cost: Vec<u32>,
    split: Split,
    /// The propagators of the other threads, made when first needed.
    helpers: Vec<Propagator<'g>>,
}

/// One pair tried that takes down an entry neither member does alone: the
/// records of those entries, what its trial cost, and what the trials of
/// its unit before it that found nothing cost. Those are counted together:
/// counted one by one or at once against the budget, they run it out
/// before this pair's records are kept either way.
struct Tried {
    pair: (u32, u32),
    before: usize,
    cost: usize,
    entries: Vec<u32>,
}

/// The trials of one unit: those that found something, and what the
/// trials after the last of them cost.
struct UnitTried {
    found: Vec<Tried>,
    rest: usize,
}

impl UnitTried {
    /// The steps all the unit's trials took.
    fn steps(&self) -> usize {
        self.found.iter().map(|t| t.before + t.cost).sum::<usize>() + self.rest
    }
}

impl<'a, 'r, 'g> Trials<'a, 'r, 'g> {
    fn new(g: &'g Compiled, report: &'a SpofReport, limit: usize, out: &'r mut [DoubleFaults], split: Split) -> Self {
        let n = g.len();
        let mut slot = vec![NONE; n];
        for (i, record) in out.iter().enumerate() {
            slot[record.entry.index()] = i as u32;
        }
        Trials {
            g,
            slot,
            report,
            limit,
            out,
            cost: vec![NONE; n],
            split: Split {
                threads: split.threads.max(1),
                learn_each: split.learn_each.max(1),
                unit: split.unit.max(1),
                unit_steps: split.unit_steps,
                round_steps: split.round_steps.max(1),
            },
            helpers: Vec::new(),
        }
    }

    /// Tries each pair of `pairs` once, on top of the outage of the member
    /// whose failure alone costs more (propagated once for all its pairs in
    /// a unit), noting every entry it takes down that neither member does
    /// alone; empties `pairs`. A trial then costs the cheaper failure and
    /// what the two break together, not the dearer failure again: on served
    /// estates, a twentieth of the work. What each failure alone costs is
    /// learnt by failing it alone, the first time it is in a pair. False
    /// once the budget is gone.
    ///
    /// Costs are learnt, and pairs tried, in rounds spread over the
    /// threads; each round's results are counted against the budget in the
    /// order a single thread would meet them, so that the pairs found and
    /// the work spent do not depend on the threads.
    fn run(&mut self, pairs: &mut Vec<(u32, u32)>, p: &mut Propagator<'g>, budget: &mut Budget) -> bool {
        let mut learn = Vec::new();
        for &(x, y) in pairs.iter() {
            for c in [x, y] {
                if self.cost[c as usize] == NONE {
                    self.cost[c as usize] = PENDING;
                    learn.push(c);
                }
            }
        }
        let split = self.split;
        if self.helpers.len() + 1 < split.threads {
            let g = self.g;
            self.helpers.resize_with(split.threads - 1, || Propagator::new(g));
        }
        for round in learn.chunks(split.learn_each * split.threads) {
            let costs = on_threads(p, &mut self.helpers, round, budget.left, |p, &c| {
                p.reset();
                p.fail(c);
                p.run();
                ((), p.steps())
            });
            let learnt = costs.len();
            for (&c, ((), steps)) in round.iter().zip(costs) {
                self.cost[c as usize] = u32::try_from(steps).unwrap_or(PENDING).min(PENDING - 1);
                if !budget.spend(steps) {
                    return false;
                }
            }
            if learnt < round.len() {
                return false; // stopped past the budget (see on_threads)
            }
        }
        for pair in pairs.iter_mut() {
            let (x, y) = *pair;
            if (Reverse(self.cost[y as usize]), y) < (Reverse(self.cost[x as usize]), x) {
                *pair = (y, x);
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let units = units(pairs, &self.cost, split);
        let (slot, report) = (&self.slot, self.report);
        let mut next = 0;
        while next < units.len() {
            let most = budget.left.min(split.round_steps.saturating_mul(split.threads));
            let (mut end, mut expected) = (next, 0);
            while end < units.len() && (end == next || expected < most) {
                expected += units[end].1;
                end += 1;
            }
            let round: Vec<&[(u32, u32)]> = units[next..end].iter().map(|&(unit, _)| unit).collect();
            next = end;
            let tried = on_threads(p, &mut self.helpers, &round, budget.left, |p, unit| {
                let tried = try_unit(p, unit, slot, report);
                let steps = tried.steps();
                (tried, steps)
            });
            let done = tried.len();
            for (unit, _) in tried {
                for t in unit.found {
                    if !budget.spend(t.before) {
                        return false;
                    }
                    let (x, y) = t.pair;
                    for &s in &t.entries {
                        keep(&mut self.out[s as usize], (x.min(y), x.max(y)), self.limit);
                    }
                    if !budget.spend(t.cost) {
                        return false;
                    }
                }
                if !budget.spend(unit.rest) {
                    return false;
                }
            }
            if done < round.len() {
                return false; // stopped past the budget (see on_threads)
            }
        }
        pairs.clear();
        true
    }
}

/// `pairs` (sorted) cut into trial units as `split` says, each with the
/// steps its trials are expected to take: pieces of the runs of pairs with
/// the same first member.
fn units<'p>(pairs: &'p [(u32, u32)], cost: &[u32], split: Split) -> Vec<(&'p [(u32, u32)], usize)> {
    let mut units = Vec::new();
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        let base = cost[run[0].0 as usize] as usize;
        let repeated = base.saturating_mul(8);
        let enough = split.unit_steps.max(repeated);
        let mut rest = run;
        while !rest.is_empty() {
            let (mut len, mut expected) = (0, 0);
            // Past `unit` pairs only while the trials are still cheap next
            // to the outage the unit propagates again.
            while len < rest.len() && (len == 0 || (expected < enough && (len < split.unit || expected < repeated))) {
                expected += cost[rest[len].1 as usize] as usize;
                len += 1;
            }
            let (unit, after) = rest.split_at(len);
            units.push((unit, base + expected));
            rest = after;
        }
    }
    units
}

/// Tries every pair of `unit` (pairs with the same first member) on top of
/// that member's outage, in order: the pairs that take down an entry that
/// neither member does alone, with the records (in `slot`) of those
/// entries and what the trials cost.
/// A pair whose first member alone takes down the second is not tried.
fn try_unit(p: &mut Propagator<'_>, unit: &[(u32, u32)], slot: &[u32], report: &SpofReport) -> UnitTried {
    let mut tried = UnitTried {
        found: Vec::new(),
        rest: 0,
    };
    let Some(&(x, _)) = unit.first() else {
        return tried;
    };
    p.reset();
    p.fail(x);
    p.run();
    p.checkpoint();
    for &(_, y) in unit {
        if p.is_down(y) {
            continue; // x alone takes y down: the pair is no worse than x
        }
        let (before, steps) = (p.down().len(), p.steps());
        p.fail(y);
        p.run();
        let mut entries = Vec::new();
        for &u in &p.down()[before..] {
            let s = slot[u as usize];
            if s == NONE || u == y {
                continue;
            }
            let e = Idx::new(u as usize);
            if report.entries_taken_down_by(Idx::new(y as usize)).any(|d| d == e) {
                continue; // y alone takes the entry down
            }
            entries.push(s);
        }
        let cost = p.steps() - steps;
        if entries.is_empty() {
            tried.rest += cost;
        } else {
            tried.found.push(Tried {
                pair: (x, y),
                before: std::mem::take(&mut tried.rest),
                cost,
                entries,
            });
        }
        p.rollback();
    }
    tried
}

/// `each` of `items`, on the calling thread with `p` and on one more thread
/// per helper propagator (as many as there are items at most), the items
/// taken in turn from a shared counter: the results, each with the steps
/// it took, in the order of the items, as far as they go. Once the results
/// made add up to more than `left` steps, no item is started: the items
/// started are a prefix, and those the results leave out come after every
/// item started, whose steps already add up to more than `left`. A helper
/// thread the system refuses to start leaves its share to the others.
fn on_threads<'g, T: Sync, R: Send>(
    p: &mut Propagator<'g>,
    helpers: &mut [Propagator<'g>],
    items: &[T],
    left: usize,
    each: impl Fn(&mut Propagator<'g>, &T) -> (R, usize) + Sync,
) -> Vec<(R, usize)> {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let (next, spent) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let work = |p: &mut Propagator<'g>| {
        let mut done = Vec::new();
        while spent.load(Relaxed) <= left {
            let i = next.fetch_add(1, Relaxed);
            let Some(item) = items.get(i) else {
                break;
            };
            let (r, steps) = each(p, item);
            spent.fetch_add(steps, Relaxed);
            done.push((i, (r, steps)));
        }
        done
    };
    let spare = helpers.len().min(items.len().saturating_sub(1));
    if spare == 0 {
        return work(p).into_iter().map(|(_, r)| r).collect();
    }
    let work = &work;
    let mut results: Vec<Option<(R, usize)>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let spawned: Vec<_> = (helpers[..spare].iter_mut())
            .filter_map(|helper| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || work(helper))
                    .ok()
            })
            .collect();
        let mine = work(p);
        let theirs = spawned.into_iter().flat_map(|thread| match thread.join() {
            Ok(done) => done,
            // The work only panics on a bug; the caller's thread panics with it.
            Err(panic) => std::panic::resume_unwind(panic),
        });
        for (i, r) in mine.into_iter().chain(theirs) {
            results[i] = Some(r);
        }
    });
    results.into_iter().map_while(|r| r).collect()
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
            let (all, _) = a.all_double_faults_batched(usize::MAX, usize::MAX, all_at_once, Split::ONE);
            let found: usize = all.iter().map(|f| f.pairs.len()).sum();
            assert!(found > 0 && all.iter().all(|f| f.complete), "{n}: {found} pairs");
            for batches in [(1, 1), (2, 2), (5, 5), (1, 64), (0, 0)] {
                let (again, _) = a.all_double_faults_batched(usize::MAX, usize::MAX, batches, Split::ONE);
                assert_eq!(again, all, "{n}: batches of {batches:?}");
            }
        }
    }

    /// What a unit's trials say they took is what the propagator counted
    /// for them: the work `on_threads` stops on.
    #[test]
    fn a_unit_counts_the_steps_its_trials_took() {
        let json = estate_json(&generate_served(400, 1, Rules::Mixed));
        let inv = Inventory::from_text("served.json", Format::Json, &json).unwrap();
        let a = FailureAnalysis::new(&inv);
        let (g, report) = (a.compiled(), a.spofs());
        let mut slot = vec![NONE; g.len()];
        for (i, r) in report.entries().iter().enumerate() {
            slot[r.entry.index()] = i as u32;
        }
        let mut p = Propagator::new(g);
        let mut found = 0;
        for x in (0..g.len() as u32).step_by(7) {
            let unit: Vec<(u32, u32)> = (0..g.len() as u32).filter(|&y| y != x).map(|y| (x, y)).collect();
            let mut alone = Propagator::new(g);
            alone.fail(x);
            alone.run();
            let tried = try_unit(&mut p, &unit, &slot, &report);
            assert_eq!(tried.steps(), p.steps() - alone.steps(), "first member {x}");
            found += tried.found.len();
        }
        assert!(found > 0, "some pairs take an entry down");
    }

    /// On any number of threads the search finds the same pairs and spends
    /// the same work as on one, whether it finishes or stops at its bound
    /// (anywhere: while learning what failures cost or while trying pairs).
    #[test]
    fn the_search_on_several_threads_finds_what_it_finds_on_one() {
        for (n, seed) in [(700, 7), (1000, 42)] {
            let json = estate_json(&generate_served(n, seed, Rules::Mixed));
            let inv = Inventory::from_text("served.json", Format::Json, &json).unwrap();
            let a = FailureAnalysis::new(&inv);
            let batches = (FIRST_BATCH, MAX_DOUBLE_FAULT_CANDIDATES);
            let (whole, needed) = a.all_double_faults_batched(usize::MAX, usize::MAX, batches, Split::ONE);
            assert!(whole.iter().any(|f| !f.pairs.is_empty()), "{n}: no pairs");
            let mut cut_short = 0;
            for work in [
                needed,
                needed - 1,
                needed / 2,
                needed / 3,
                needed / 10,
                needed / 100,
                1000,
            ] {
                let one = a.all_double_faults_batched(3, work, batches, Split::ONE);
                cut_short += usize::from(one.0.iter().any(|f| !f.complete));
                // The rounds of the search itself, and rounds of a few
                // failures and pairs, so that every round has several.
                let tiny = Split {
                    threads: 1,
                    learn_each: 2,
                    unit: 3,
                    unit_steps: 1,
                    round_steps: 1,
                };
                for split in [Split::ONE, tiny] {
                    for threads in [1, 2, 3, 5] {
                        let many = a.all_double_faults_batched(3, work, batches, Split { threads, ..split });
                        assert_eq!(many, one, "{n} components, {work} steps, {threads} threads, {split:?}");
                    }
                }
            }
            assert_eq!(
                cut_short, 6,
                "{n}: every bound under what the search needs cuts it short"
            );
        }
    }

    /// `on_threads` gives every item's result, in order, as far as counting
    /// them one by one against the steps left could need: when it stops
    /// early, what it gives already runs past them.
    #[test]
    fn work_on_threads_stops_only_past_the_steps_left() {
        let json = estate_json(&generate_served(50, 3, Rules::Mixed));
        let inv = Inventory::from_text("served.json", Format::Json, &json).unwrap();
        let a = FailureAnalysis::new(&inv);
        let g = a.compiled();
        let costs: Vec<usize> = (0..40).map(|i| (i * 7919 + 13) % 50).collect();
        let total: usize = costs.iter().sum();
        for threads in 1..=4 {
            let mut p = Propagator::new(g);
            let mut helpers: Vec<Propagator<'_>> = (1..threads).map(|_| Propagator::new(g)).collect();
            for left in [0, 1, 49, 50, 300, total - 1, total, usize::MAX] {
                let done = on_threads(&mut p, &mut helpers, &costs, left, |_, &c| (c * 2, c));
                let expected: Vec<(usize, usize)> = costs.iter().take(done.len()).map(|&c| (c * 2, c)).collect();
                assert_eq!(done, expected, "{threads} threads, {left} left");
                let given: usize = done.iter().map(|&(_, c)| c).sum();
                assert!(
                    done.len() == costs.len() || given > left,
                    "{threads} threads, {left} left"
                );
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
