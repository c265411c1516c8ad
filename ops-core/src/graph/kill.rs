//! The single-failure kill graph: which single failures take which
//! components down, for every component at once, without a propagation per
//! component.
//!
//! Let S(c) be the set of components whose failure alone takes c down
//! (c included). Killing is transitive (if y takes x down and x takes c down,
//! then y takes c down, by monotonicity of propagation), so S(c) is closed
//! under "is killed by", and it suffices to store for each component a few
//! *generators*: components whose closures together make up S(c).
//!
//! * `all` (threshold 1): S(c) = {c} ∪ S(d) for every dependency d. The
//!   generators are the dependencies themselves; nothing is stored.
//! * `any` / `at_least` (threshold t ≥ 2): S(c) = {c} ∪ {x : x is in S(d) for at
//!   least t dependencies d}. That set is closed too; its generators are found
//!   by exploring the kill graph below c's dependencies in bottom-up rank order,
//!   carrying for every node the set ("lanes") of c's dependencies whose
//!   closure contains it. A node reached by t lanes is a generator, and the
//!   search stops below it; the search stops altogether once fewer than t
//!   lanes are still alive. In a pure-`any` acyclic graph this finds the
//!   immediate dominator; elsewhere, the few shared components replicas
//!   converge on.
//! * A cycle (an SCC of the dependency graph) is evaluated exactly: failures
//!   inside it by propagation within it, failures below it by the same
//!   exploration over its external dependencies, propagating each reached
//!   node's lane set through the cycle.
//!
//! Then the single points of failure of an entry e are the kill-graph
//! closure of e, minus e: one reachability search per entry.

use std::collections::BinaryHeap;

use super::compiled::{Compiled, NEVER};
use super::scc::{Sccs, sccs};

/// Generators for every component, and the SCC structure they were built on.
#[derive(Debug)]
pub(crate) struct KillGraph {
    /// For components with threshold ≥ 2 or in a cycle: `(offset, len)` into `targets`.
    /// `(u32::MAX, 0)` means "the generators are the dependencies".
    rows: Vec<(u32, u32)>,
    targets: Vec<u32>,
}

const USE_DEPS: u32 = u32::MAX;

impl KillGraph {
    pub(crate) fn build(g: &Compiled) -> KillGraph {
        KillGraph::build_on(g, &sccs(&g.deps))
    }

    /// [`KillGraph::build`] with the SCCs of `g.deps` already computed.
    pub(crate) fn build_on(g: &Compiled, sccs: &Sccs) -> KillGraph {
        let mut builder = Builder::new(g, sccs);
        for s in 0..sccs.count() as u32 {
            if sccs.is_cyclic(s) {
                builder.cycle(s);
            } else {
                let c = sccs.members.row(s)[0];
                let t = g.threshold[c as usize];
                if t != NEVER && t >= 2 {
                    builder.threshold_node(c, t);
                }
            }
        }
        KillGraph {
            rows: builder.rows,
            targets: builder.targets,
        }
    }

    /// The generators of S(c) \ {c}.
    pub(crate) fn generators<'a>(&'a self, g: &'a Compiled, c: u32) -> &'a [u32] {
        let (offset, len) = self.rows[c as usize];
        if offset == USE_DEPS {
            g.deps.row(c)
        } else {
            &self.targets[offset as usize..(offset + len) as usize]
        }
    }
}

/// Reachability in the kill graph, with reusable scratch.
#[derive(Debug)]
pub(crate) struct Closure {
    seen: Vec<u32>,
    epoch: u32,
    stack: Vec<u32>,
}

impl Closure {
    pub(crate) fn new(n: usize) -> Self {
        Closure {
            seen: vec![0; n],
            epoch: 0,
            stack: Vec::new(),
        }
    }

    /// The number of nodes it was made for.
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }

    /// Every component whose failure alone takes `c` down, other than `c`, unsorted.
    pub(crate) fn killers(&mut self, g: &Compiled, k: &KillGraph, c: u32, out: &mut Vec<u32>) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.fill(0);
            self.epoch = 1;
        }
        self.seen[c as usize] = self.epoch;
        self.stack.clear();
        self.stack.push(c);
        while let Some(u) = self.stack.pop() {
            for &w in k.generators(g, u) {
                if self.seen[w as usize] != self.epoch {
                    self.seen[w as usize] = self.epoch;
                    out.push(w);
                    self.stack.push(w);
                }
            }
        }
    }
}

struct Builder<'a> {
    g: &'a Compiled,
    sccs: &'a Sccs,
    rows: Vec<(u32, u32)>,
    targets: Vec<u32>,
    search: Search,
    found: Vec<u32>,
}

impl<'a> Builder<'a> {
    fn new(g: &'a Compiled, sccs: &'a Sccs) -> Self {
        let n = g.len();
        Builder {
            g,
            sccs,
            rows: vec![(USE_DEPS, 0); n],
            targets: Vec::new(),
            search: Search::new(n),
            found: Vec::new(),
        }
    }

    fn set_row(&mut self, c: u32, generators: &[u32]) {
        self.rows[c as usize] = (self.targets.len() as u32, generators.len() as u32);
        self.targets.extend_from_slice(generators);
    }

    /// Generators of an acyclic component with threshold t ≥ 2.
    fn threshold_node(&mut self, c: u32, t: u32) {
        let g = self.g;
        let lanes = g.deps.row(c);
        // Scratch reused across the (possibly millions of) calls.
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        let kill = KillView {
            g,
            rows: &self.rows,
            targets: &self.targets,
        };
        self.search.run(&kill, self.sccs, lanes, t, |node, mask| {
            if popcount(mask) >= t {
                found.push(node);
                true
            } else {
                false
            }
        });
        self.set_row(c, &found);
        self.found = found;
    }

    /// Generators for the threshold ≥ 2 members of a cyclic SCC.
    fn cycle(&mut self, s: u32) {
        let g = self.g;
        let members: Vec<u32> = self.sccs.members.row(s).to_vec();
        let mut local = Local::new(g, self.sccs, s, &members);
        let gated: Vec<usize> = (0..members.len())
            .filter(|&i| {
                let t = g.threshold[members[i] as usize];
                t != NEVER && t >= 2
            })
            .collect();
        if gated.is_empty() {
            return; // every member is `all` (or has no dependencies): dependencies suffice
        }
        let mut generators: Vec<Vec<u32>> = vec![Vec::new(); members.len()];
        // Failures inside the cycle.
        for (xi, &x) in members.iter().enumerate() {
            let down = local.propagate(&[xi], &[]);
            for &i in &gated {
                if i != xi && down[i] {
                    generators[i].push(x);
                }
            }
        }
        // Failures below the cycle, through its external dependencies.
        let lanes = local.external.clone();
        if !lanes.is_empty() {
            let kill = KillView {
                g: self.g,
                rows: &self.rows,
                targets: &self.targets,
            };
            self.search.run(&kill, self.sccs, &lanes, 1, |node, mask| {
                let down = local.propagate(&[], mask);
                let mut all_down = true;
                for &i in &gated {
                    if down[i] {
                        generators[i].push(node);
                    } else {
                        all_down = false;
                    }
                }
                all_down
            });
        }
        for i in gated {
            generators[i].sort_unstable();
            generators[i].dedup();
            let row = std::mem::take(&mut generators[i]);
            self.set_row(members[i], &row);
        }
    }
}

/// Read access to the kill graph built so far (everything below the SCC being processed).
struct KillView<'a> {
    g: &'a Compiled,
    rows: &'a [(u32, u32)],
    targets: &'a [u32],
}

impl KillView<'_> {
    fn generators(&self, c: u32) -> &[u32] {
        let (offset, len) = self.rows[c as usize];
        if offset == USE_DEPS {
            self.g.deps.row(c)
        } else {
            &self.targets[offset as usize..(offset + len) as usize]
        }
    }
}

fn popcount(mask: &[u64]) -> u32 {
    mask.iter().map(|w| w.count_ones()).sum()
}

/// Propagation confined to one cyclic SCC, with some of its external
/// dependencies given as down.
struct Local<'a> {
    g: &'a Compiled,
    members: &'a [u32],
    /// Position of each member, by node (only valid for members).
    position: std::collections::HashMap<u32, usize>,
    /// The SCC's external dependencies: lane i is `external[i]`.
    external: Vec<u32>,
    /// For each member, the lanes among its dependencies.
    member_lanes: Vec<Vec<usize>>,
    count: Vec<u32>,
    down: Vec<bool>,
    queue: Vec<usize>,
}

impl<'a> Local<'a> {
    fn new(g: &'a Compiled, sccs: &Sccs, s: u32, members: &'a [u32]) -> Self {
        let position: std::collections::HashMap<u32, usize> =
            members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
        let mut external: Vec<u32> = Vec::new();
        let mut lane_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        let mut member_lanes = vec![Vec::new(); members.len()];
        for (i, &m) in members.iter().enumerate() {
            for &d in g.deps.row(m) {
                if sccs.of[d as usize] != s {
                    let lane = *lane_of.entry(d).or_insert_with(|| {
                        external.push(d);
                        external.len() - 1
                    });
                    member_lanes[i].push(lane);
                }
            }
        }
        Local {
            g,
            members,
            position,
            external,
            member_lanes,
            count: vec![0; members.len()],
            down: vec![false; members.len()],
            queue: Vec::new(),
        }
    }

    /// Which members are down when the members at `failed` fail and the
    /// external dependencies in `lanes` (a bit set) are down.
    fn propagate(&mut self, failed: &[usize], lanes: &[u64]) -> &[bool] {
        self.count.fill(0);
        self.down.fill(false);
        self.queue.clear();
        for (i, ls) in self.member_lanes.iter().enumerate() {
            self.count[i] = ls
                .iter()
                .filter(|&&l| lanes.get(l / 64).is_some_and(|w| w >> (l % 64) & 1 == 1))
                .count() as u32;
        }
        for i in 0..self.members.len() {
            let t = self.g.threshold[self.members[i] as usize];
            if failed.contains(&i) || (t != NEVER && self.count[i] >= t) {
                self.down[i] = true;
                self.queue.push(i);
            }
        }
        while let Some(i) = self.queue.pop() {
            for &p in self.g.dependents.row(self.members[i]) {
                let Some(&j) = self.position.get(&p) else { continue };
                self.count[j] += 1;
                let t = self.g.threshold[p as usize];
                if !self.down[j] && t != NEVER && self.count[j] >= t {
                    self.down[j] = true;
                    self.queue.push(j);
                }
            }
        }
        &self.down
    }
}

/// A bottom-up search of the kill graph from a set of lanes, with reusable scratch.
struct Search {
    /// Per node: `epoch` when it has a slot this search.
    stamp: Vec<u32>,
    slot: Vec<u32>,
    epoch: u32,
    /// Lane masks, `words` per slot.
    masks: Vec<u64>,
    /// Nodes by slot.
    nodes: Vec<u32>,
    /// Whether the slot's node has been processed.
    done: Vec<bool>,
    heap: BinaryHeap<(u32, u32)>,
    /// Per lane: queued, unprocessed nodes carrying it.
    alive: Vec<u32>,
    batch: Vec<u32>,
    /// Scratch lane set.
    bit: Vec<u64>,
}

impl Search {
    fn new(n: usize) -> Self {
        Search {
            stamp: vec![0; n],
            slot: vec![0; n],
            epoch: 0,
            masks: Vec::new(),
            nodes: Vec::new(),
            done: Vec::new(),
            heap: BinaryHeap::new(),
            alive: Vec::new(),
            batch: Vec::new(),
            bit: Vec::new(),
        }
    }

    /// Explores the kill graph below `lanes` (lane i starts at `lanes[i]`),
    /// highest rank first, so a node's lane set is complete when it is
    /// visited. `visit(node, lanes)` returns `true` to stop below that node.
    /// The search ends when fewer than `needed` lanes are still alive.
    fn run(
        &mut self,
        kill: &KillView<'_>,
        sccs: &Sccs,
        lanes: &[u32],
        needed: u32,
        mut visit: impl FnMut(u32, &[u64]) -> bool,
    ) {
        let words = lanes.len().div_ceil(64).max(1);
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.masks.clear();
        self.nodes.clear();
        self.done.clear();
        self.heap.clear();
        self.alive.clear();
        self.alive.resize(lanes.len(), 0);
        let mut live_lanes = 0u32;
        // Scratch reused across calls: a search runs once per gated component.
        let mut bit = std::mem::take(&mut self.bit);
        bit.clear();
        bit.resize(words, 0);
        for (lane, &start) in lanes.iter().enumerate() {
            bit[lane / 64] = 1 << (lane % 64);
            self.merge(sccs, start, &bit, words, &mut live_lanes);
            bit[lane / 64] = 0;
        }
        let mut mask = bit;
        while let Some(&(rank, _)) = self.heap.peek() {
            if live_lanes < needed {
                break;
            }
            // Everything queued at this rank: one SCC of the dependency graph.
            self.batch.clear();
            while let Some(&(r, node)) = self.heap.peek() {
                if r != rank {
                    break;
                }
                self.heap.pop();
                self.batch.push(node);
            }
            if self.batch.len() > 1 || sccs.is_cyclic(rank) {
                self.close_within_scc(kill, sccs, rank, words, &mut live_lanes);
            }
            for bi in 0..self.batch.len() {
                let node = self.batch[bi];
                let slot = self.slot[node as usize] as usize;
                if self.done[slot] {
                    continue;
                }
                self.done[slot] = true;
                mask.copy_from_slice(&self.masks[slot * words..(slot + 1) * words]);
                for_each_bit(&mask, |lane| {
                    self.alive[lane] -= 1;
                    if self.alive[lane] == 0 {
                        live_lanes -= 1;
                    }
                });
                if visit(node, &mask) {
                    continue;
                }
                for &w in kill.generators(node) {
                    if sccs.of[w as usize] != rank {
                        self.merge(sccs, w, &mask, words, &mut live_lanes);
                    }
                }
            }
        }
        self.bit = mask;
    }

    /// Within a cyclic SCC, lane sets flow along kill edges inside it until
    /// stable, so each member's set is complete before any is visited.
    fn close_within_scc(&mut self, kill: &KillView<'_>, sccs: &Sccs, rank: u32, words: usize, live: &mut u32) {
        let mut work = self.batch.clone();
        while let Some(u) = work.pop() {
            let slot = self.slot[u as usize] as usize;
            let from: Vec<u64> = self.masks[slot * words..(slot + 1) * words].to_vec();
            for &w in kill.generators(u) {
                if sccs.of[w as usize] != rank {
                    continue;
                }
                let is_new = self.stamp[w as usize] != self.epoch;
                let grew = self.merge_inner(w, &from, words, live, rank);
                if is_new {
                    self.batch.push(w);
                }
                if grew {
                    work.push(w);
                }
            }
        }
    }

    /// ORs `mask` into `node`'s lane set, queueing the node the first time.
    fn merge(&mut self, sccs: &Sccs, node: u32, mask: &[u64], words: usize, live: &mut u32) {
        let rank = sccs.of[node as usize];
        let is_new = self.stamp[node as usize] != self.epoch;
        self.merge_inner(node, mask, words, live, rank);
        if is_new {
            self.heap.push((rank, node));
        }
    }

    /// Returns whether the lane set grew.
    fn merge_inner(&mut self, node: u32, mask: &[u64], words: usize, live: &mut u32, _rank: u32) -> bool {
        if self.stamp[node as usize] != self.epoch {
            self.stamp[node as usize] = self.epoch;
            self.slot[node as usize] = self.nodes.len() as u32;
            self.nodes.push(node);
            self.done.push(false);
            self.masks.extend(std::iter::repeat_n(0, words));
        }
        let slot = self.slot[node as usize] as usize;
        if self.done[slot] {
            return false;
        }
        let mut grew = false;
        for (wi, &bits) in mask.iter().enumerate() {
            let old = self.masks[slot * words + wi];
            let added = bits & !old;
            if added != 0 {
                grew = true;
                self.masks[slot * words + wi] = old | added;
                let mut a = added;
                while a != 0 {
                    let lane = wi * 64 + a.trailing_zeros() as usize;
                    a &= a - 1;
                    if self.alive[lane] == 0 {
                        *live += 1;
                    }
                    self.alive[lane] += 1;
                }
            }
        }
        grew
    }
}

fn for_each_bit(mask: &[u64], mut f: impl FnMut(usize)) {
    for (wi, &w) in mask.iter().enumerate() {
        let mut bits = w;
        while bits != 0 {
            f(wi * 64 + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
}
