//! Dominators of the failure flow graph (what keeps each component up):
//! the [`Dominators`] tree and the semi-NCA algorithm that computes it over
//! the compact adjacency arrays, iteratively, so a million-deep chain is no
//! problem. The failure analysis (single points of failure of a pure-`any`
//! cone) and [`FailureAnalysis::dominators`](crate::FailureAnalysis::dominators) use it.

use crate::csr::Csr;
use crate::{Component, Idx};

/// Not yet discovered by a depth-first search.
const UNSEEN: u32 = u32::MAX;
/// [`Dominators`]: immediately dominated by the virtual root.
pub(crate) const ROOT: u32 = u32::MAX - 1;
/// [`Dominators`]: not reachable from the virtual root.
pub(crate) const UNREACHABLE: u32 = u32::MAX;

/// The immediate dominators of every component in the failure flow graph.
///
/// The flow graph has an edge from `d` to `c` whenever `c` depends on `d`
/// (the way health flows: a component is kept up by its dependencies), and a
/// virtual root with an edge to every component without dependencies. A
/// component `x` *dominates* `c` when every path from the root to `c` passes
/// through `x`; the immediate dominator of `c` is the closest of its strict
/// dominators, and walking immediate dominators up from `c` lists them all.
///
/// Why it matters: when every component with dependencies has the rule
/// `any` and there are no cycles, the strict dominators of a component are
/// exactly its single points of failure ([`FailureAnalysis::spofs_of`](crate::FailureAnalysis::spofs_of)). In
/// any acyclic graph, whatever the rules, every strict dominator of a
/// component is one of its single points of failure (other single points
/// of failure come from `all` and `at_least` rules). In a cyclic graph a
/// cycle can keep itself up, so neither statement holds in general.
///
/// Built by [`FailureAnalysis::dominators`](crate::FailureAnalysis::dominators).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dominators {
    /// Per component: its immediate dominator, [`ROOT`] or [`UNREACHABLE`].
    idom: Vec<u32>,
}

impl Dominators {
    /// The dominators given each component's immediate dominator, as
    /// [`semi_nca`] computes them.
    pub(crate) fn from_idom(idom: Vec<u32>) -> Dominators {
        Dominators { idom }
    }

    /// The number of components covered (every component of the inventory).
    pub fn len(&self) -> usize {
        self.idom.len()
    }

    /// Whether the inventory has no components.
    pub fn is_empty(&self) -> bool {
        self.idom.is_empty()
    }

    /// The immediate dominator of `c`: `None` when it is the virtual root
    /// (nothing but the root dominates `c`) or when `c` is unreachable (see
    /// [`Dominators::is_reachable`]).
    ///
    /// # Panics
    ///
    /// If `c` is not a component of the analysed inventory.
    pub fn immediate_dominator(&self, c: Idx<Component>) -> Option<Idx<Component>> {
        match self.idom[c.index()] {
            ROOT | UNREACHABLE => None,
            d => Some(Idx::new(d as usize)),
        }
    }

    /// Whether `c` is reachable from the virtual root, that is whether some
    /// chain of dependencies from `c` ends at a component without
    /// dependencies. Only components in a cycle with no way out of it are
    /// unreachable (they never fail because of their dependencies).
    ///
    /// # Panics
    ///
    /// If `c` is not a component of the analysed inventory.
    pub fn is_reachable(&self, c: Idx<Component>) -> bool {
        self.idom[c.index()] != UNREACHABLE
    }

    /// The strict dominators of `c`, nearest first, up to (not including)
    /// the virtual root; empty when `c` is unreachable.
    ///
    /// Complexity: proportional to the number returned.
    ///
    /// # Panics
    ///
    /// If `c` is not a component of the analysed inventory.
    pub fn strict_dominators(&self, c: Idx<Component>) -> impl Iterator<Item = Idx<Component>> + '_ {
        std::iter::successors(self.immediate_dominator(c), move |&d| self.immediate_dominator(d))
    }

    /// Whether `a` dominates `b` (every component dominates itself; an
    /// unreachable component dominates only itself and is dominated only by
    /// itself).
    ///
    /// Complexity: proportional to the depth of `b` in the dominator tree.
    ///
    /// # Panics
    ///
    /// If `a` or `b` is not a component of the analysed inventory.
    pub fn dominates(&self, a: Idx<Component>, b: Idx<Component>) -> bool {
        a == b || self.strict_dominators(b).any(|d| d == a)
    }
}

/// Immediate dominators in the flow graph (edge `d -> c` when `c` depends on
/// `d`, virtual root -> every node without dependencies), by semi-NCA. Per
/// node: its immediate dominator, [`ROOT`] or [`UNREACHABLE`].
pub(crate) fn semi_nca(deps: &Csr, dependents: &Csr) -> Vec<u32> {
    let n = deps.start.len() - 1;
    // Depth-first search from the virtual root (number 0): preorder numbers,
    // vertex of each number, search-tree parent of each number.
    let mut pre = vec![UNSEEN; n];
    let mut vertex: Vec<u32> = Vec::with_capacity(n + 1);
    let mut parent: Vec<u32> = Vec::with_capacity(n + 1);
    vertex.push(ROOT);
    parent.push(0);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for leaf in 0..n as u32 {
        if deps.start[leaf as usize] != deps.start[leaf as usize + 1] || pre[leaf as usize] != UNSEEN {
            continue;
        }
        pre[leaf as usize] = vertex.len() as u32;
        vertex.push(leaf);
        parent.push(0);
        stack.push((leaf, dependents.start[leaf as usize]));
        while let Some(top) = stack.last_mut() {
            let (v, pos) = *top;
            if pos == dependents.start[v as usize + 1] {
                stack.pop();
                continue;
            }
            top.1 += 1;
            let w = dependents.targets[pos as usize];
            if pre[w as usize] == UNSEEN {
                pre[w as usize] = vertex.len() as u32;
                vertex.push(w);
                parent.push(pre[v as usize]);
                stack.push((w, dependents.start[w as usize]));
            }
        }
    }
    let count = vertex.len();
    // Everything below works on preorder numbers.
    let mut semi: Vec<u32> = (0..count as u32).collect();
    let mut label: Vec<u32> = (0..count as u32).collect();
    // Path-compressed search-tree links; numbers above the one being
    // processed are linked to their parents.
    let mut ancestor = parent.clone();
    let mut path: Vec<u32> = Vec::new();
    for i in (1..count).rev() {
        let w = vertex[i];
        let preds = deps.row(w);
        let mut s = parent[i];
        if preds.is_empty() {
            s = 0; // fed by the virtual root
        }
        let last_linked = i as u32 + 1;
        for &v in preds {
            let j = pre[v as usize];
            if j == UNSEEN {
                continue; // an unreachable dependency contributes no path
            }
            let u = eval(j, last_linked, &mut ancestor, &mut label, &semi, &mut path);
            s = s.min(semi[u as usize]);
        }
        semi[i] = s;
    }
    // idom(i) = nearest common ancestor of semi(i) and parent(i) in the
    // dominator tree built so far (numbers below i are final).
    let mut idom = parent;
    for i in 1..count {
        let s = semi[i];
        let mut d = idom[i];
        while d > s {
            d = idom[d as usize];
        }
        idom[i] = d;
    }
    let mut out = vec![UNREACHABLE; n];
    for i in 1..count {
        let d = idom[i];
        out[vertex[i] as usize] = if d == 0 { ROOT } else { vertex[d as usize] };
    }
    out
}

/// The number with the smallest semidominator on the compressed path from
/// `v` up to (not including) the root of its linked tree, compressing the
/// path on the way (iteratively).
fn eval(v: u32, last_linked: u32, ancestor: &mut [u32], label: &mut [u32], semi: &[u32], path: &mut Vec<u32>) -> u32 {
    if ancestor[v as usize] < last_linked {
        return label[v as usize];
    }
    path.clear();
    let mut x = v;
    loop {
        path.push(x);
        x = ancestor[x as usize];
        if ancestor[x as usize] < last_linked {
            break;
        }
    }
    // `x` is the topmost linked number: its ancestor is the tree's root.
    let mut p = x;
    let mut p_label = label[x as usize];
    while let Some(y) = path.pop() {
        ancestor[y as usize] = ancestor[p as usize];
        let y_label = label[y as usize];
        if semi[p_label as usize] < semi[y_label as usize] {
            label[y as usize] = p_label;
        } else {
            p_label = y_label;
        }
        p = y;
    }
    label[v as usize]
}
