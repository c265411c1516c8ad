//! Failure propagation: the least fixed point of "a component is down when
//! enough of its dependencies are down", computed with one counter per
//! component. Each step costs the number of dependents of what went down, so a
//! propagation costs time proportional to what it takes down (plus their
//! dependents), never the size of the graph.

use super::compiled::{Compiled, NEVER};

/// Marks a component that failed by itself rather than through its dependencies.
pub(crate) const DIRECT: u32 = u32::MAX;

/// Reusable propagation state. Counters are stamped with an epoch so that
/// starting over costs nothing; an undo log allows trying one more failure
/// on top of a state and taking it back.
#[derive(Debug)]
pub(crate) struct Propagator<'g> {
    g: &'g Compiled,
    epoch: u32,
    stamp: Vec<u32>,
    count: Vec<u32>,
    down_at: Vec<u32>,
    /// For each down component, the dependency whose failure tipped it ([`DIRECT`] if it failed itself).
    trigger: Vec<u32>,
    /// Down components in the order they went down; `down[head..]` still to propagate.
    down: Vec<u32>,
    head: usize,
    /// While checkpointed: components whose counter was raised, to lower them on rollback.
    raised: Vec<u32>,
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
    trigger: Vec<u32>,
    down: Vec<u32>,
    raised: Vec<u32>,
}

impl<'g> Propagator<'g> {
    pub(crate) fn new(g: &'g Compiled) -> Self {
        Propagator::reusing(g, Scratch::default())
    }

    /// A propagator with nothing down, in `scratch`'s arrays if they were
    /// made for a graph of `g`'s size (by a propagator over `g`), in new
    /// ones otherwise.
    pub(crate) fn reusing(g: &'g Compiled, scratch: Scratch) -> Self {
        let n = g.len();
        if scratch.stamp.len() != n {
            return Propagator {
                g,
                epoch: 1,
                stamp: vec![0; n],
                count: vec![0; n],
                down_at: vec![0; n],
                trigger: vec![0; n],
                down: Vec::new(),
                head: 0,
                raised: Vec::new(),
                checkpoint: None,
            };
        }
        let mut p = Propagator {
            g,
            epoch: scratch.epoch,
            stamp: scratch.stamp,
            count: scratch.count,
            down_at: scratch.down_at,
            trigger: scratch.trigger,
            down: scratch.down,
            head: 0,
            raised: scratch.raised,
            checkpoint: None,
        };
        p.reset();
        p
    }

    /// Gives back the arrays, for [`Self::reusing`].
    pub(crate) fn into_scratch(self) -> Scratch {
        Scratch {
            epoch: self.epoch,
            stamp: self.stamp,
            count: self.count,
            down_at: self.down_at,
            trigger: self.trigger,
            down: self.down,
            raised: self.raised,
        }
    }

    /// Forgets every failure.
    pub(crate) fn reset(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.down_at.fill(0);
            self.epoch = 1;
        }
        self.down.clear();
        self.head = 0;
        self.raised.clear();
        self.checkpoint = None;
    }

    pub(crate) fn is_down(&self, c: u32) -> bool {
        self.down_at[c as usize] == self.epoch
    }

    pub(crate) fn trigger(&self, c: u32) -> u32 {
        self.trigger[c as usize]
    }

    /// Everything down, in the order it went down.
    pub(crate) fn down(&self) -> &[u32] {
        &self.down
    }

    /// Fails `c` directly (no effect if it is already down). Call [`Self::run`] to propagate.
    pub(crate) fn fail(&mut self, c: u32) {
        self.mark_down(c, DIRECT);
    }

    fn mark_down(&mut self, c: u32, trigger: u32) {
        if self.down_at[c as usize] != self.epoch {
            self.down_at[c as usize] = self.epoch;
            self.trigger[c as usize] = trigger;
            self.down.push(c);
        }
    }

    /// Propagates every pending failure to the fixed point.
    pub(crate) fn run(&mut self) {
        while let Some(&u) = self.down.get(self.head) {
            self.head += 1;
            for &p in self.g.dependents.row(u) {
                let p_us = p as usize;
                if self.stamp[p_us] != self.epoch {
                    self.stamp[p_us] = self.epoch;
                    self.count[p_us] = 0;
                }
                self.count[p_us] += 1;
                if self.checkpoint.is_some() {
                    self.raised.push(p);
                }
                let t = self.g.threshold[p_us];
                if t != NEVER && self.count[p_us] >= t {
                    self.mark_down(p, u);
                }
            }
        }
    }

    /// Remembers the current state; [`Self::rollback`] returns to it.
    pub(crate) fn checkpoint(&mut self) {
        debug_assert!(self.head == self.down.len(), "propagate before checkpointing");
        self.checkpoint = Some(self.down.len());
        self.raised.clear();
    }

    /// Undoes every failure since [`Self::checkpoint`].
    pub(crate) fn rollback(&mut self) {
        let Some(mark) = self.checkpoint else { return };
        for &c in &self.down[mark..] {
            self.down_at[c as usize] = 0;
        }
        self.down.truncate(mark);
        self.head = mark;
        for &p in &self.raised {
            self.count[p as usize] -= 1;
        }
        self.raised.clear();
    }
}
