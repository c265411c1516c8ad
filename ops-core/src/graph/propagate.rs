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

/// Reusable propagation state. Counters are stamped with an epoch so that
/// starting over costs nothing; an undo log allows trying one more failure
/// on top of a state and taking it back.
#[derive(Debug)]
pub(crate) struct Propagator<'g> {
    g: &'g Compiled,
    s: Scratch,
    /// `s.down[head..]` is still to propagate.
    head: usize,
    /// While checkpointed: the lengths of `s.down` and `s.touched` at the checkpoint.
    checkpoint: Option<(usize, usize)>,
}

/// What a propagation knows of one component. The four fields a step reads
/// and writes sit side by side, so that visiting a dependent touches one
/// cache line instead of four (on estates of millions of components every
/// visit is a cache miss; BENCHMARKS.md §13).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The epoch in which `count` was last set.
    stamp: u32,
    /// Dependencies down, valid while `stamp` is the current epoch.
    count: u32,
    /// The epoch in which the component went down.
    down_at: u32,
    /// The dependency whose failure tipped it ([`DIRECT`] if it failed itself).
    trigger: u32,
}

/// A propagator's arrays, kept for the next propagation over the same graph
/// ([`Propagator::into_scratch`], [`Propagator::reusing`]). Starting over
/// costs nothing, thanks to the epochs, so a propagation that reuses them
/// costs what it takes down instead of the size of the graph.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    epoch: u32,
    slots: Vec<Slot>,
    /// Down components in the order they went down.
    down: Vec<u32>,
    /// Components with a dependency down, in the order their first one went down.
    touched: Vec<u32>,
    /// The work done since the last reset: one step per component
    /// propagated and one per dependent it visited.
    steps: usize,
    /// While checkpointed: components whose counter was raised, to lower them on rollback.
    raised: Vec<u32>,
}

impl Scratch {
    /// Fresh arrays for `n` components.
    fn sized(n: usize) -> Self {
        Scratch {
            epoch: 0,
            slots: vec![Slot::default(); n],
            down: Vec::new(),
            touched: Vec::new(),
            steps: 0,
            raised: Vec::new(),
        }
    }
}

impl<'g> Propagator<'g> {
    pub(crate) fn new(g: &'g Compiled) -> Self {
        Propagator::reusing(g, Scratch::default())
    }

    /// A propagator with nothing down, in `scratch`'s arrays if they were
    /// made for a graph of `g`'s size (by a propagator over `g`), in new
    /// ones otherwise.
    pub(crate) fn reusing(g: &'g Compiled, scratch: Scratch) -> Self {
        let s = if scratch.slots.len() == g.len() {
            scratch
        } else {
            Scratch::sized(g.len())
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
            self.s.slots.fill(Slot::default());
            self.s.epoch = 1;
        }
        self.s.down.clear();
        self.s.touched.clear();
        self.s.steps = 0;
        self.head = 0;
        self.s.raised.clear();
        self.checkpoint = None;
    }

    pub(crate) fn is_down(&self, c: u32) -> bool {
        self.s.slots[c as usize].down_at == self.s.epoch
    }

    pub(crate) fn trigger(&self, c: u32) -> u32 {
        self.s.slots[c as usize].trigger
    }

    /// How many of `c`'s dependencies are down.
    #[cfg(test)]
    pub(crate) fn count(&self, c: u32) -> u32 {
        let slot = &self.s.slots[c as usize];
        if slot.stamp == self.s.epoch { slot.count } else { 0 }
    }

    /// Every component with a dependency down (whether it went down or
    /// not), each once, in the order its first dependency went down.
    #[cfg(test)]
    pub(crate) fn touched(&self) -> &[u32] {
        &self.s.touched
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
        self.mark_down(c, DIRECT);
    }

    fn mark_down(&mut self, c: u32, trigger: u32) {
        let slot = &mut self.s.slots[c as usize];
        if slot.down_at != self.s.epoch {
            slot.down_at = self.s.epoch;
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
        let epoch = self.s.epoch;
        let logging = self.checkpoint.is_some();
        while let Some(&u) = self.s.down.get(self.head) {
            if self.head % STOP_EVERY == STOP_EVERY - 1 && stop() {
                return false;
            }
            self.head += 1;
            let dependents = self.g.dependents.row(u);
            self.s.steps += 1 + dependents.len();
            for &p in dependents {
                let slot = &mut self.s.slots[p as usize];
                if slot.stamp != epoch {
                    slot.stamp = epoch;
                    slot.count = 0;
                    self.s.touched.push(p);
                }
                slot.count += 1;
                let t = self.g.threshold[p as usize];
                let tipped = t != NEVER && slot.count >= t;
                if logging {
                    self.s.raised.push(p);
                }
                if tipped {
                    self.mark_down(p, u);
                }
            }
        }
        true
    }

    /// Remembers the current state; [`Self::rollback`] returns to it.
    pub(crate) fn checkpoint(&mut self) {
        debug_assert!(self.head == self.s.down.len(), "propagate before checkpointing");
        self.checkpoint = Some((self.s.down.len(), self.s.touched.len()));
        self.s.raised.clear();
    }

    /// Undoes every failure since [`Self::checkpoint`].
    pub(crate) fn rollback(&mut self) {
        let Some((mark, touched_mark)) = self.checkpoint else {
            return;
        };
        for &c in &self.s.down[mark..] {
            self.s.slots[c as usize].down_at = 0;
        }
        self.s.down.truncate(mark);
        self.head = mark;
        for &p in &self.s.raised {
            self.s.slots[p as usize].count -= 1;
        }
        self.s.raised.clear();
        // Untouched again: the next raise starts their count afresh and lists them.
        for &p in &self.s.touched[touched_mark..] {
            self.s.slots[p as usize].stamp = 0;
        }
        self.s.touched.truncate(touched_mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{Rules, generate_json};
    use crate::{Format, Inventory};
    use proptest::prelude::*;

    /// What a propagation knows, in a form that compares whatever the order.
    fn state(p: &Propagator<'_>, n: usize) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let mut down = p.down().to_vec();
        down.sort_unstable();
        let mut touched = p.touched().to_vec();
        touched.sort_unstable();
        let counts = (0..n as u32).map(|c| p.count(c)).collect();
        (down, touched, counts)
    }

    proptest! {
        /// Trying failures on top of a checkpoint and rolling each back
        /// leaves what a fresh propagation of the same failures finds:
        /// the same outage, the same components touched (each listed once),
        /// the same counts, and the same work.
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
                let unique: std::collections::HashSet<u32> = p.touched().iter().copied().collect();
                prop_assert_eq!(unique.len(), p.touched().len());
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
