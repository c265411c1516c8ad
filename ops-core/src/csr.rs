//! Compressed sparse rows: the compact adjacency arrays every graph
//! algorithm here runs on (the dependency graph, group memberships), built in
//! linear time by counting sort.

/// Compressed sparse rows: the neighbours of node `i` are `targets[start[i]..start[i + 1]]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Csr {
    pub(crate) start: Vec<u32>,
    pub(crate) targets: Vec<u32>,
}

impl Csr {
    pub(crate) fn row(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.targets[self.start[i] as usize..self.start[i + 1] as usize]
    }

    /// Builds rows from `(row, target)` pairs by counting sort: linear time,
    /// targets in each row in the order the pairs were given.
    pub(crate) fn from_pairs(rows: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut start = vec![0u32; rows + 1];
        for (r, _) in pairs.clone() {
            start[r as usize + 1] += 1;
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut targets = vec![0u32; start[rows] as usize];
        for (r, t) in pairs {
            let slot = &mut fill[r as usize];
            targets[*slot as usize] = t;
            *slot += 1;
        }
        Csr { start, targets }
    }

    /// The same edges, reversed.
    pub(crate) fn reversed(&self, rows: usize) -> Csr {
        let n = self.start.len() - 1;
        Csr::from_pairs(
            rows,
            (0..n as u32).flat_map(move |i| self.row(i).iter().map(move |&t| (t, i))),
        )
    }
}
