//! Failure propagation: the least fixed point of "a component is down when
//! enough of its dependencies are down", computed with one counter per
//! component. Each step costs the number of dependents of what went down, so a
//! propagation costs time proportional to what it takes down (plus their
//! dependents), never the size of the graph.

use super::compiled::{Compiled, NEVER};

/// Marks a component that failed by itself rather than through its dependencies.
pub(crate) const DIRECT: u32 = u32::MAX;

/// How many components [`Propagator::run_until`] takes down between two
/// questions to its `stop`: often enough to stop within a millisecond or so
/// on any estate, rarely enough to cost nothing measurable.
const STOP_EVERY: usize = 4096;

/// The components of the queue whose dependents' slots are read ahead of
/// their turn: those up to this many places from the one propagated, that
/// one counted (see [`Propagator::propagate`]). Measured in BENCHMARKS.md
/// §21: reading 4 or 8 ahead takes about a sixth off a search that misses
/// the cache at every step, pinned to one core; on two threads, and for
/// 16, the gain was smaller than the noise.
const LOOKAHEAD: usize = 8;

/// Reusable propagation state. Counters are stamped with an epoch so that
/// starting over costs nothing. A failure tried on top of a state
/// ([`Propagator::checkpoint`]) is counted in a layer of its own, stamped
/// with a try number, so that taking it back ([`Propagator::rollback`])
/// costs nothing either: while a try runs, the base state's counts and
/// marks are never written (only the trigger of what the try takes down,
/// which means nothing once it is not down).
#[derive(Debug)]
pub(crate) struct Propagator<'g> {
    g: &'g Compiled,
    s: Scratch,
    /// `s.down[head..]` is still to propagate.
    head: usize,
    /// While checkpointed: the length of `s.down` at the checkpoint.
    checkpoint: Option<usize>,
}

/// In [`Slot::extra`]: the component went down in the try.
const DOWN_IN_TRY: u32 = 1 << 31;

/// What a propagation knows of one component, and its threshold. The
/// fields a step reads and writes sit side by side, aligned so that none
/// straddles two cache lines: visiting a dependent touches one line instead
/// of several (on estates of millions of components every visit is a cache
/// miss; BENCHMARKS.md §13 and §20).
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    /// How many of its dependencies must be down for it to go down
    /// ([`NEVER`]: never), copied from the graph.
    threshold: u32,
    /// The epoch in which `count` was last set.
    stamp: u32,
    /// Dependencies down, valid while `stamp` is the current epoch.
    count: u32,
    /// The epoch in which the component went down.
    down_at: u32,
    /// The dependency whose failure tipped it ([`DIRECT`] if it failed itself).
    trigger: u32,
    /// The try in which `extra` was last set.
    layer: u32,
    /// Dependencies down in the try, on top of `count`, valid while
    /// `layer` is the current try; [`DOWN_IN_TRY`] set if it went down in it.
    extra: u32,
}

/// A propagator's arrays, kept for the next propagation over the same graph
/// ([`Propagator::into_scratch`], [`Propagator::reusing`]). Starting over
/// costs nothing, thanks to the epochs, so a propagation that reuses them
/// costs what it takes down instead of the size of the graph.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The [`Compiled::id`] of the graph the slots were made for.
    graph: u64,
    epoch: u32,
    /// The current try (see [`Slot::layer`]).
    layer: u32,
    slots: Vec<Slot>,
    /// Down components in the order they went down.
    down: Vec<u32>,
    /// The work done since the last reset: one step per component
    /// propagated and one per dependent it visited.
    steps: usize,
}

impl Scratch {
    /// Fresh arrays for `g`.
    fn made_for(g: &Compiled) -> Self {
        Scratch {
            graph: g.id,
            epoch: 0,
            layer: 0,
            slots: (g.threshold.iter())
                .map(|&threshold| Slot {
                    threshold,
                    ..Slot::default()
                })
                .collect(),
            down: Vec::new(),
            steps: 0,
        }
    }

    /// Starts a new try, whose layer no slot holds yet.
    fn next_layer(&mut self) {
        self.layer = self.layer.wrapping_add(1);
        if self.layer == 0 {
            for slot in &mut self.slots {
                slot.layer = 0;
                slot.extra = 0;
            }
            self.layer = 1;
        }
    }
}

impl<'g> Propagator<'g> {
    pub(crate) fn new(g: &'g Compiled) -> Self {
        Propagator::reusing(g, Scratch::default())
    }

    /// A propagator with nothing down, in `scratch`'s arrays if they were
    /// made for `g` (by a propagator over it), in new ones otherwise.
    pub(crate) fn reusing(g: &'g Compiled, scratch: Scratch) -> Self {
        let s = if scratch.graph == g.id && scratch.slots.len() == g.len() {
            scratch
        } else {
            Scratch::made_for(g)
        };
        let mut p = Propagator {
            g,
            s,
            head: 0,
            checkpoint: None,
        };
        p.reset();
        p
    }

    /// Gives back the arrays, for [`Self::reusing`].
    pub(crate) fn into_scratch(self) -> Scratch {
        self.s
    }

    /// Forgets every failure.
    pub(crate) fn reset(&mut self) {
        self.s.epoch = self.s.epoch.wrapping_add(1);
        if self.s.epoch == 0 {
            for slot in &mut self.s.slots {
                *slot = Slot {
                    threshold: slot.threshold,
                    ..Slot::default()
                };
            }
            self.s.epoch = 1;
        }
        self.s.down.clear();
        self.s.steps = 0;
        self.head = 0;
        self.checkpoint = None;
    }

    pub(crate) fn is_down(&self, c: u32) -> bool {
        let slot = &self.s.slots[c as usize];
        slot.down_at == self.s.epoch
            || (self.checkpoint.is_some() && slot.layer == self.s.layer && slot.extra & DOWN_IN_TRY != 0)
    }

    /// The dependency whose failure tipped `c`, while `c` is down.
    pub(crate) fn trigger(&self, c: u32) -> u32 {
        self.s.slots[c as usize].trigger
    }

    /// How many of `c`'s dependencies are down.
    #[cfg(test)]
    pub(crate) fn count(&self, c: u32) -> u32 {
        let slot = &self.s.slots[c as usize];
        let base = if slot.stamp == self.s.epoch { slot.count } else { 0 };
        let tried = self.checkpoint.is_some() && slot.layer == self.s.layer;
        base + if tried { slot.extra & !DOWN_IN_TRY } else { 0 }
    }

    /// The work done since the last reset: one step per component
    /// propagated and one per dependent it visited, so that a caller can
    /// count a propagation against a budget without walking it again.
    pub(crate) fn steps(&self) -> usize {
        self.s.steps
    }

    /// Everything down, in the order it went down.
    pub(crate) fn down(&self) -> &[u32] {
        &self.s.down
    }

    /// Fails `c` directly (no effect if it is already down). Call [`Self::run`] to propagate.
    pub(crate) fn fail(&mut self, c: u32) {
        if self.checkpoint.is_some() {
            self.mark_down_in_try(c, DIRECT);
        } else {
            self.mark_down(c, DIRECT);
        }
    }

    fn mark_down(&mut self, c: u32, trigger: u32) {
        let slot = &mut self.s.slots[c as usize];
        if slot.down_at != self.s.epoch {
            slot.down_at = self.s.epoch;
            slot.trigger = trigger;
            self.s.down.push(c);
        }
    }

    fn mark_down_in_try(&mut self, c: u32, trigger: u32) {
        let slot = &mut self.s.slots[c as usize];
        if slot.layer != self.s.layer {
            slot.layer = self.s.layer;
            slot.extra = 0;
        }
        if slot.down_at != self.s.epoch && slot.extra & DOWN_IN_TRY == 0 {
            slot.extra |= DOWN_IN_TRY;
            slot.trigger = trigger;
            self.s.down.push(c);
        }
    }

    /// Propagates every pending failure to the fixed point.
    pub(crate) fn run(&mut self) {
        self.run_until(&|| false);
    }

    /// Like [`Self::run`], unless `stop` returns true first (it is asked
    /// every [`STOP_EVERY`] components): whether the fixed point was reached.
    /// A stopped propagation is incomplete: reset it before using it again.
    pub(crate) fn run_until(&mut self, stop: &dyn Fn() -> bool) -> bool {
        if self.checkpoint.is_some() {
            self.propagate::<true>(stop)
        } else {
            self.propagate::<false>(stop)
        }
    }

    /// [`Self::run_until`], counting in the try's layer if `IN_TRY`.
    fn propagate<const IN_TRY: bool>(&mut self, stop: &dyn Fn() -> bool) -> bool {
        let (epoch, layer) = (self.s.epoch, self.s.layer);
        // The first queue position whose dependents' slots were not read ahead.
        let mut ahead = self.head;
        while let Some(&u) = self.s.down.get(self.head) {
            if self.head % STOP_EVERY == STOP_EVERY - 1 && stop() {
                return false;
            }
            self.head += 1;
            let dependents = self.g.dependents.row(u);
            self.s.steps += 1 + dependents.len();
            // Read the slots of the dependents of what is next in the queue
            // before any is needed. On a large estate each slot is a cache
            // miss; these reads depend on nothing loaded before them, so the
            // processor has them all in flight at once, where the loop below
            // waits for each slot before it knows which way to branch. The
            // first time round, that includes the component propagated now:
            // its misses are then met together too (leaving it out measured
            // no faster, BENCHMARKS.md §21).
            let until = (self.head - 1 + LOOKAHEAD).min(self.s.down.len());
            let mut touched = 0u32;
            while ahead < until {
                for &p in self.g.dependents.row(self.s.down[ahead]) {
                    touched ^= self.s.slots[p as usize].stamp;
                }
                ahead += 1;
            }
            // Kept, so that the reads are not optimized away.
            std::hint::black_box(touched);
            for &p in dependents {
                let slot = &mut self.s.slots[p as usize];
                let base = if slot.stamp == epoch {
                    slot.count
                } else if IN_TRY {
                    0
                } else {
                    slot.stamp = epoch;
                    slot.count = 0;
                    0
                };
                let count = if IN_TRY {
                    if slot.layer != layer {
                        slot.layer = layer;
                        slot.extra = 0;
                    }
                    slot.extra += 1;
                    base + (slot.extra & !DOWN_IN_TRY)
                } else {
                    slot.count += 1;
                    slot.count
                };
                if slot.threshold == NEVER || count < slot.threshold || slot.down_at == epoch {
                    continue;
                }
                if IN_TRY {
                    if slot.extra & DOWN_IN_TRY == 0 {
                        slot.extra |= DOWN_IN_TRY;
                        slot.trigger = u;
                        self.s.down.push(p);
                    }
                } else {
                    slot.down_at = epoch;
                    slot.trigger = u;
                    self.s.down.push(p);
                }
            }
        }
        true
    }

    /// Remembers the current state; [`Self::rollback`] returns to it, and
    /// failures until then are tried on top of it.
    /// Not to be called during a try: reset first.
    pub(crate) fn checkpoint(&mut self) {
        debug_assert!(self.head == self.s.down.len(), "propagate before checkpointing");
        debug_assert!(
            self.checkpoint.is_none(),
            "a checkpoint during a try would drop the try's failures"
        );
        self.checkpoint = Some(self.s.down.len());
        self.s.next_layer();
    }

    /// Undoes every failure since [`Self::checkpoint`], in constant time:
    /// the try's layer is dropped by starting another.
    pub(crate) fn rollback(&mut self) {
        let Some(mark) = self.checkpoint else {
            return;
        };
        self.s.down.truncate(mark);
        self.head = mark;
        self.s.next_layer();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{Rules, generate_json};
    use crate::{Format, Inventory};
    use proptest::prelude::*;

    /// What a propagation knows, in a form that compares whatever the
    /// order: what is down (by its list and by asking each component) and
    /// how many dependencies of each are down.
    fn state(p: &Propagator<'_>, n: usize) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let mut down = p.down().to_vec();
        down.sort_unstable();
        let asked = (0..n as u32).filter(|&c| p.is_down(c)).collect();
        let counts = (0..n as u32).map(|c| p.count(c)).collect();
        (down, asked, counts)
    }

    /// Arrays made for one graph are not reused for another of the same
    /// size: they hold the thresholds of the first.
    #[test]
    fn arrays_made_for_one_graph_are_not_taken_for_another() {
        let load = |seed| {
            let text = generate_json(200, seed, Rules::Mixed);
            Inventory::from_text("estate.json", Format::Json, &text).expect("a generated estate loads")
        };
        let (a, b) = (load(1), load(2));
        let (ga, gb) = (Compiled::new(&a), Compiled::new(&b));
        assert_eq!(ga.len(), gb.len());
        assert_ne!(ga.threshold, gb.threshold);
        let mut scratch = Propagator::new(&ga).into_scratch();
        for c in 0..gb.len() as u32 {
            let mut reused = Propagator::reusing(&gb, scratch);
            reused.fail(c);
            reused.run();
            let mut fresh = Propagator::new(&gb);
            fresh.fail(c);
            fresh.run();
            assert_eq!(reused.down(), fresh.down(), "failing {c}");
            scratch = Propagator::new(&ga).into_scratch();
        }
    }

    proptest! {
        /// Trying failures on top of a checkpoint and rolling each back
        /// leaves what a fresh propagation of the same failures finds:
        /// the same outage (each component listed once), the same counts,
        /// and the same work.
        #[test]
        fn a_rolled_back_try_equals_a_fresh_propagation(
            n in 10usize..60,
            seed in any::<u64>(),
            first in any::<prop::sample::Index>(),
            tries in prop::collection::vec(any::<prop::sample::Index>(), 1..6),
        ) {
            let text = generate_json(n, seed, Rules::Mixed);
            let inv = Inventory::from_text("estate.json", Format::Json, &text).expect("a generated estate loads");
            let g = Compiled::new(&inv);
            let n = g.len();
            let x = first.index(n) as u32;
            let mut p = Propagator::new(&g);
            p.fail(x);
            p.run();
            let alone = p.steps();
            p.checkpoint();
            let mut fresh = Propagator::new(&g);
            for y in tries.iter().map(|i| i.index(n) as u32) {
                let before = p.steps();
                p.fail(y);
                p.run();
                let tried = (state(&p, n), p.steps() - before);
                p.rollback();
                fresh.reset();
                fresh.fail(x);
                fresh.fail(y);
                fresh.run();
                // Failing y costs nothing when x already took it down.
                let extra = if p.is_down(y) { 0 } else { fresh.steps() - alone };
                prop_assert_eq!(tried.0, state(&fresh, n));
                prop_assert_eq!(tried.1, extra);
            }
            // Rolled back, the first failure's state is as it was.
            fresh.reset();
            fresh.fail(x);
            fresh.run();
            prop_assert_eq!(state(&p, n), state(&fresh, n));
        }
    }
}
