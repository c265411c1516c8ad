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
    /// While checkpointed: the length of `s.down` at the checkpoint.
    checkpoint: Option<usize>,
}

/// A propagator's arrays, kept for the next propagation over the same graph
/// ([`Propagator::into_scratch`], [`Propagator::reusing`]). Starting over
/// costs nothing, thanks to the epochs, so a propagation that reuses them
/// costs what it takes down instead of the size of the graph.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    epoch: u32,
    stamp: Vec<u32>,
    count: Vec<u32>,
    down_at: Vec<u32>,
    /// For each down component, the dependency whose failure tipped it ([`DIRECT`] if it failed itself).
    trigger: Vec<u32>,
    /// Down components in the order they went down.
    down: Vec<u32>,
    /// While checkpointed: components whose counter was raised, to lower them on rollback.
    raised: Vec<u32>,
}

impl Scratch {
    /// Fresh arrays for `n` components.
    fn sized(n: usize) -> Self {
        Scratch {
            epoch: 0,
            stamp: vec![0; n],
            count: vec![0; n],
            down_at: vec![0; n],
            trigger: vec![0; n],
            down: Vec::new(),
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
        let s = if scratch.stamp.len() == g.len() {
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
            self.s.stamp.fill(0);
            self.s.down_at.fill(0);
            self.s.epoch = 1;
        }
        self.s.down.clear();
        self.head = 0;
        self.s.raised.clear();
        self.checkpoint = None;
    }

    pub(crate) fn is_down(&self, c: u32) -> bool {
        self.s.down_at[c as usize] == self.s.epoch
    }

    pub(crate) fn trigger(&self, c: u32) -> u32 {
        self.s.trigger[c as usize]
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
        if self.s.down_at[c as usize] != self.s.epoch {
            self.s.down_at[c as usize] = self.s.epoch;
            self.s.trigger[c as usize] = trigger;
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
        while let Some(&u) = self.s.down.get(self.head) {
            if self.head % STOP_EVERY == STOP_EVERY - 1 && stop() {
                return false;
            }
            self.head += 1;
            for &p in self.g.dependents.row(u) {
                let p_us = p as usize;
                if self.s.stamp[p_us] != self.s.epoch {
                    self.s.stamp[p_us] = self.s.epoch;
                    self.s.count[p_us] = 0;
                }
                self.s.count[p_us] += 1;
                if self.checkpoint.is_some() {
                    self.s.raised.push(p);
                }
                let t = self.g.threshold[p_us];
                if t != NEVER && self.s.count[p_us] >= t {
                    self.mark_down(p, u);
                }
            }
        }
        true
    }

    /// Remembers the current state; [`Self::rollback`] returns to it.
    pub(crate) fn checkpoint(&mut self) {
        debug_assert!(self.head == self.s.down.len(), "propagate before checkpointing");
        self.checkpoint = Some(self.s.down.len());
        self.s.raised.clear();
    }

    /// Undoes every failure since [`Self::checkpoint`].
    pub(crate) fn rollback(&mut self) {
        let Some(mark) = self.checkpoint else { return };
        for &c in &self.s.down[mark..] {
            self.s.down_at[c as usize] = 0;
        }
        self.s.down.truncate(mark);
        self.head = mark;
        for &p in &self.s.raised {
            self.s.count[p as usize] -= 1;
        }
        self.s.raised.clear();
    }
}
