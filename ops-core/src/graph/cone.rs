//! The part of the dependency graph the entry points stand on.
//!
//! Whether an entry is up depends only on the components it depends on,
//! directly or not (its *cone*): a component's state is decided by its own
//! dependencies, and the cone is closed under "depends on". So the SPOFs
//! and domain SPOFs of every entry can be computed on the cone alone,
//! renumbered compactly, without compiling or searching the rest of the
//! graph. In large estates most components serve no entry point directly
//! or not (batch jobs, internal tools, unowned leftovers), and the cone is
//! a small part of the whole.

use std::sync::OnceLock;

use super::compiled::{Compiled, NEVER};
use super::dominators::{ROOT, semi_nca};
use super::kill::{Closure, KillGraph};
use super::scc::sccs;
use crate::Inventory;

/// Marks a component outside the cone.
const OUTSIDE: u32 = u32::MAX;
/// Marks a component on the path of the depth-first search from an entry.
const OPEN: u32 = u32::MAX - 1;
/// Marks a component in the cone whose dependencies have all been searched.
const CLOSED: u32 = 0;

/// The entry points' cone, compiled on its own with node numbers in
/// inventory order (so sorted node lists map to sorted inventory lists).
#[derive(Debug)]
pub(crate) struct Cone {
    /// The cone's graph; its entries are the inventory's, in definition order.
    pub(crate) g: Compiled,
    /// The inventory index of each node, increasing.
    global: Vec<u32>,
    /// The node of each inventory index ([`OUTSIDE`] outside the cone).
    node: Vec<u32>,
    /// No dependency cycle in the cone (found by the search that finds the cone).
    acyclic: bool,
    killers: OnceLock<Killers>,
}

/// How the cone answers "which single failures take this node down".
#[derive(Debug)]
enum Killers {
    /// Acyclic, and every node with dependencies is down only when all of
    /// them are (`any`, or a single dependency): the single points of failure
    /// of a node are its strict dominators in the flow graph (see
    /// [`super::Dominators`]), read off the immediate-dominator tree, which
    /// semi-NCA builds in near-linear time.
    Dominators(Vec<u32>),
    /// Anything else: the kill graph, one reachability search per question.
    Kill(KillGraph),
}

impl Cone {
    /// The cone below every entry point of `inv`. Linear in the cone's size,
    /// plus one sequential pass over an array of one number per component.
    pub(crate) fn of_entries(inv: &Inventory) -> Cone {
        let components = inv.components();
        let n = components.len();
        let mut node = vec![OUTSIDE; n];
        let mut acyclic = true;
        // Depth-first over dependencies from every entry, as (component, how
        // many of its dependencies were looked at): a dependency still open
        // is on the path, so the cone has a cycle.
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for &e in inv.entries() {
            if node[e.index()] != OUTSIDE {
                continue;
            }
            node[e.index()] = OPEN;
            stack.push((e.index() as u32, 0));
            while let Some(top) = stack.last_mut() {
                let (u, next) = *top;
                match components[u as usize].depends_on.get(next as usize) {
                    Some(d) => {
                        top.1 += 1;
                        match node[d.index()] {
                            OUTSIDE => {
                                node[d.index()] = OPEN;
                                stack.push((d.index() as u32, 0));
                            }
                            OPEN => acyclic = false,
                            _ => {}
                        }
                    }
                    None => {
                        node[u as usize] = CLOSED;
                        stack.pop();
                    }
                }
            }
        }
        let mut global = Vec::new();
        for (i, slot) in node.iter_mut().enumerate() {
            if *slot != OUTSIDE {
                *slot = global.len() as u32;
                global.push(i as u32);
            }
        }
        let g = Compiled::build(
            inv.domains(),
            global.len(),
            |i| &components[global[i] as usize],
            |c| node[c as usize],
        );
        Cone {
            g,
            global,
            node,
            acyclic,
            killers: OnceLock::new(),
        }
    }

    /// Whether every component is in the cone (every one serves an entry).
    /// Its nodes are then numbered as the inventory is, so its graph is the
    /// whole graph, compiled identically, and its kill graph the whole
    /// graph's.
    pub(crate) fn is_whole(&self) -> bool {
        self.global.len() == self.node.len()
    }

    /// The cone's kill graph, built on first use (as single points of
    /// failure need it); `None` where they are read off dominators instead.
    pub(crate) fn kill_graph(&self) -> Option<&KillGraph> {
        match self.prepared() {
            Killers::Kill(kill) => Some(kill),
            Killers::Dominators(_) => None,
        }
    }

    /// The inventory index of node `i`.
    pub(crate) fn global(&self, i: u32) -> u32 {
        self.global[i as usize]
    }

    /// The node of inventory index `c`, if `c` is in the cone.
    pub(crate) fn node(&self, c: u32) -> Option<u32> {
        self.node.get(c as usize).copied().filter(|&i| i != OUTSIDE)
    }

    /// Every node whose failure alone takes node `c` down, other than `c`,
    /// appended to `out` unsorted. `closure` is scratch for the kill-graph
    /// search (sized for the cone).
    pub(crate) fn killers(&self, c: u32, closure: &mut Closure, out: &mut Vec<u32>) {
        match self.prepared() {
            Killers::Dominators(idom) => {
                let mut x = idom[c as usize];
                // Every node is reachable from the root in an acyclic graph:
                // the chain ends at ROOT.
                while x != ROOT && (x as usize) < idom.len() {
                    out.push(x);
                    x = idom[x as usize];
                }
            }
            Killers::Kill(kill) => closure.killers(&self.g, kill, c, out),
        }
    }

    /// How the cone answers single-failure questions, prepared on first use.
    fn prepared(&self) -> &Killers {
        self.killers.get_or_init(|| self.prepare())
    }

    fn prepare(&self) -> Killers {
        let g = &self.g;
        let pure_any = (0..g.len() as u32).all(|c| {
            let t = g.threshold[c as usize];
            t == NEVER || t as usize == g.deps.row(c).len()
        });
        if pure_any && self.acyclic {
            Killers::Dominators(semi_nca(&g.deps, &g.dependents))
        } else {
            Killers::Kill(KillGraph::build_on(g, &sccs(&g.deps)))
        }
    }
}

/// A bounded account of how one single failure takes an entry down: a
/// shortest chain of "takes down" links in the kill graph (or the dominator
/// tree), of which only the ends are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KillPath {
    /// How many links the whole chain has.
    pub(crate) links: usize,
    /// Links `(down, because)` from the failure upwards, at most `keep`.
    pub(crate) near_failure: Vec<(u32, u32)>,
    /// Links `(down, because)` that end at the entry, ordered upwards (the
    /// last is the entry's), at most `keep`; empty when the whole chain is
    /// in `near_failure`.
    pub(crate) near_entry: Vec<(u32, u32)>,
}

/// Scratch for [`Cone::kill_paths`], reused across entries (stamped, so
/// one search costs what it reaches, not the cone's size).
#[derive(Debug, Default)]
pub(crate) struct PathScratch {
    stamp: Vec<u32>,
    epoch: u32,
    parent: Vec<u32>,
    depth: Vec<u32>,
    /// The node at depth `keep` on the chain from the entry (or the node
    /// itself while shallower).
    anchor: Vec<u32>,
    queue: Vec<u32>,
}

impl Cone {
    /// For each node of `targets` that takes node `e` down alone, a
    /// [`KillPath`] from it to `e` with at most `keep` links at each end
    /// (`None` for a target that does not). One breadth-first search from
    /// `e` over what takes it down: linear in the size of `e`'s answer,
    /// plus `O(keep)` per target.
    pub(crate) fn kill_paths(
        &self,
        e: u32,
        targets: &[u32],
        keep: usize,
        s: &mut PathScratch,
    ) -> Vec<Option<KillPath>> {
        let n = self.g.len();
        if s.stamp.len() != n {
            *s = PathScratch {
                stamp: vec![0; n],
                parent: vec![0; n],
                depth: vec![0; n],
                anchor: vec![0; n],
                ..PathScratch::default()
            };
        }
        s.epoch = s.epoch.wrapping_add(1);
        if s.epoch == 0 {
            s.stamp.fill(0);
            s.epoch = 1;
        }
        let killers = self.prepared();
        let keep_depth = keep as u32;
        s.queue.clear();
        s.queue.push(e);
        s.stamp[e as usize] = s.epoch;
        s.depth[e as usize] = 0;
        s.anchor[e as usize] = e;
        let mut next = 0;
        while next < s.queue.len() {
            let u = s.queue[next];
            next += 1;
            let idom_slot;
            let generators: &[u32] = match killers {
                Killers::Dominators(idom) => {
                    let x = idom[u as usize];
                    if x == ROOT || x as usize >= idom.len() {
                        &[]
                    } else {
                        idom_slot = [x];
                        &idom_slot
                    }
                }
                Killers::Kill(kill) => kill.generators(&self.g, u),
            };
            for &w in generators {
                if s.stamp[w as usize] == s.epoch {
                    continue;
                }
                s.stamp[w as usize] = s.epoch;
                s.parent[w as usize] = u;
                let d = s.depth[u as usize] + 1;
                s.depth[w as usize] = d;
                s.anchor[w as usize] = if d <= keep_depth { w } else { s.anchor[u as usize] };
                s.queue.push(w);
            }
        }
        targets
            .iter()
            .map(|&x| {
                if x == e || s.stamp[x as usize] != s.epoch {
                    return None;
                }
                let links = s.depth[x as usize] as usize;
                let mut near_failure = Vec::new();
                let mut at = x;
                while at != e && near_failure.len() < keep.max(1) * 2 {
                    let up = s.parent[at as usize];
                    near_failure.push((up, at));
                    at = up;
                }
                if links <= keep.max(1) * 2 {
                    return Some(KillPath {
                        links,
                        near_failure,
                        near_entry: Vec::new(),
                    });
                }
                near_failure.truncate(keep);
                let mut near_entry = Vec::new();
                let mut at = s.anchor[x as usize];
                while at != e {
                    let up = s.parent[at as usize];
                    near_entry.push((up, at));
                    at = up;
                }
                Some(KillPath {
                    links,
                    near_failure,
                    near_entry,
                })
            })
            .collect()
    }
}
