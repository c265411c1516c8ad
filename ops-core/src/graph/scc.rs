//! Strongly connected components of the dependency graph (iterative Tarjan,
//! so a million-deep chain does not overflow the stack).

use crate::csr::Csr;

/// Components grouped into SCCs, numbered so that an SCC's dependencies
/// outside it always have smaller numbers ("bottom-up" order).
#[derive(Debug)]
pub(crate) struct Sccs {
    /// The SCC of each node.
    pub(crate) of: Vec<u32>,
    /// `members.row(s)`: the nodes of SCC `s`.
    pub(crate) members: Csr,
}

impl Sccs {
    pub(crate) fn count(&self) -> usize {
        self.members.start.len() - 1
    }

    /// Whether SCC `s` is a cycle (more than one node; self-loops are refused by validation).
    pub(crate) fn is_cyclic(&self, s: u32) -> bool {
        self.members.row(s).len() > 1
    }
}

/// Tarjan's algorithm over `edges` (node -> its dependencies). Linear time.
pub(crate) fn sccs(edges: &Csr) -> Sccs {
    let n = edges.start.len() - 1;
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut of = vec![0u32; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut starts: Vec<u32> = vec![0];
    // (node, position in its edge list)
    let mut call: Vec<(u32, u32)> = Vec::new();
    let mut next = 0u32;
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        call.push((root, edges.start[root as usize]));
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let end = edges.start[v as usize + 1];
            if *pos < end {
                let w = edges.targets[*pos as usize];
                *pos += 1;
                if index[w as usize] == UNSEEN {
                    index[w as usize] = next;
                    low[w as usize] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w as usize] = true;
                    call.push((w, edges.start[w as usize]));
                } else if on_stack[w as usize] {
                    low[v as usize] = low[v as usize].min(index[w as usize]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent as usize] = low[parent as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let id = (starts.len() - 1) as u32;
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    of[w as usize] = id;
                    order.push(w);
                    if w == v {
                        break;
                    }
                }
                starts.push(order.len() as u32);
            }
        }
    }
    Sccs {
        of,
        members: Csr {
            start: starts,
            targets: order,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_grouped_and_dependencies_come_first() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3
        let edges = Csr::from_pairs(4, [(0, 1), (1, 2), (2, 1), (2, 3)].into_iter());
        let s = sccs(&edges);
        assert_eq!(s.count(), 3);
        assert_eq!(s.of[1], s.of[2]);
        assert!(s.of[3] < s.of[1] && s.of[1] < s.of[0]);
        assert!(s.is_cyclic(s.of[1]) && !s.is_cyclic(s.of[0]));
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 1_000_000u32;
        let edges = Csr::from_pairs(n as usize, (0..n - 1).map(|i| (i, i + 1)));
        let s = sccs(&edges);
        assert_eq!(s.count(), n as usize);
        assert_eq!(s.of[(n - 1) as usize], 0);
    }
}
