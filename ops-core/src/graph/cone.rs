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

use super::compiled::Compiled;
use super::kill::KillGraph;
use crate::Inventory;

/// Marks a component outside the cone.
const OUTSIDE: u32 = u32::MAX;

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
    kill: OnceLock<KillGraph>,
}

impl Cone {
    /// The cone below every entry point of `inv`. Linear in the cone's size,
    /// plus one sequential pass over an array of one number per component.
    pub(crate) fn of_entries(inv: &Inventory) -> Cone {
        let components = inv.components();
        let n = components.len();
        let mut node = vec![OUTSIDE; n];
        // Depth-first over dependencies from every entry; 0 marks "in the cone" for now.
        let mut stack: Vec<u32> = Vec::new();
        for &e in inv.entries() {
            if node[e.index()] != OUTSIDE {
                continue;
            }
            node[e.index()] = 0;
            stack.push(e.index() as u32);
            while let Some(u) = stack.pop() {
                for d in &components[u as usize].depends_on {
                    let d = d.index();
                    if node[d] == OUTSIDE {
                        node[d] = 0;
                        stack.push(d as u32);
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
            kill: OnceLock::new(),
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

    /// The kill graph of the cone, built on first use.
    pub(crate) fn kill_graph(&self) -> &KillGraph {
        self.kill.get_or_init(|| KillGraph::build(&self.g))
    }
}
