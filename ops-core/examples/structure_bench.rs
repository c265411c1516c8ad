//! Times the graph-structure algorithms on an inventory, for the peer
//! comparison in `benches/compare_peers.py`.
//!
//! ```text
//! cargo run --release -p ops-core --example structure_bench -- estate.json [--repeats 3]
//! ```
//!
//! Prints one JSON object per line: `load` and `build` (the failure analysis's
//! adjacency arrays, excluded from the algorithm times), then `spofs` (all
//! entry points at once, on a fresh analysis each run, so the kill graph is
//! built inside the timing), `dominators`, `articulation_points`, `bridges`
//! and `scc`. Each has `seconds` (median), `runs`, a `count` and a `hash`
//! (CRC-32 of a canonical encoding, as little-endian `u32`s) to compare with
//! other libraries:
//!
//! * `articulation_points`: the sorted node indices; count = how many.
//! * `bridges`: the sorted pairs `(a, b)`, `a < b`, flattened; count = how many.
//! * `scc`: per node, the smallest index in its strongly connected component;
//!   count = number of components (singletons included), `cyclic` = those
//!   with more than one member.
//! * `dominators`: per node, its immediate dominator in the flow graph
//!   (dependency edges reversed, a virtual root numbered `n` feeding every
//!   node without dependencies), `n` for the root and `0xFFFFFFFF` when
//!   unreachable; count = nodes whose immediate dominator is a component.
//! * `spofs`: per entry point in index order, the entry, the number of its
//!   single points of failure, then those sorted; count = total. The
//!   `dominators` line also carries `entry_chains_hash`, the same encoding
//!   built from the strict dominators of each entry: on a pure-`any`
//!   acyclic estate it must equal the `spofs` hash.

use std::time::Instant;

use ops_core::Inventory;
use ops_core::graph::FailureAnalysis;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut paths = Vec::new();
    let mut repeats = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--repeats" {
            repeats = args.next().ok_or("--repeats needs a number")?.parse()?;
        } else {
            paths.push(a);
        }
    }
    if paths.is_empty() {
        return Err("usage: structure_bench ESTATE.json... [--repeats N]".into());
    }
    let repeats = repeats.max(1);

    let t = Instant::now();
    let inv = Inventory::load(&paths)?;
    let load = t.elapsed().as_secs_f64();
    let n = inv.components().len();
    let edges: usize = inv.components().iter().map(|c| c.depends_on.len()).sum();
    line("load", &[load], n, edges, None, "");

    let builds = time(repeats, || FailureAnalysis::new(&inv), |_| {});
    line("build", &builds.0, n, edges, None, "");

    // All-entry SPOFs: a fresh analysis per run, so the kill graph is built each time.
    let mut runs = Vec::with_capacity(repeats);
    let mut report = None;
    for _ in 0..repeats {
        let analysis = FailureAnalysis::new(&inv);
        let t = Instant::now();
        let r = analysis.spofs();
        runs.push(t.elapsed().as_secs_f64());
        report = Some(r);
    }
    let report = report.ok_or("no run")?;
    let mut words = Vec::new();
    let mut total = 0usize;
    for e in report.entries() {
        words.push(e.entry.index() as u32);
        words.push(e.spofs.len() as u32);
        words.extend(e.spofs.iter().map(|c| c.index() as u32));
        total += e.spofs.len();
    }
    line("spofs", &runs, n, edges, Some((total, crc32(&words))), "");

    let analysis = FailureAnalysis::new(&inv);
    let root = n as u32;
    let (runs, dom) = time(repeats, || analysis.dominators(), |_| {});
    let idom: Vec<u32> = inv
        .components()
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let c = component(&inv, i);
            match dom.immediate_dominator(c) {
                Some(d) => d.index() as u32,
                None if dom.is_reachable(c) => root,
                None => u32::MAX,
            }
        })
        .collect();
    let count = idom.iter().filter(|&&d| d < root).count();
    let mut chains = Vec::new();
    for (i, c) in inv.components().iter().enumerate() {
        if !c.entry {
            continue;
        }
        let mut up: Vec<u32> = dom
            .strict_dominators(component(&inv, i))
            .map(|d| d.index() as u32)
            .collect();
        up.sort_unstable();
        chains.push(i as u32);
        chains.push(up.len() as u32);
        chains.extend(up);
    }
    let extra = format!(", \"entry_chains_hash\": \"{:08x}\"", crc32(&chains));
    line("dominators", &runs, n, edges, Some((count, crc32(&idom))), &extra);

    let (runs, points) = time(repeats, || analysis.articulation_points(), |_| {});
    let words: Vec<u32> = points.iter().map(|c| c.index() as u32).collect();
    line(
        "articulation_points",
        &runs,
        n,
        edges,
        Some((points.len(), crc32(&words))),
        "",
    );

    let (runs, bridges) = time(repeats, || analysis.bridges(), |_| {});
    let words: Vec<u32> = bridges
        .iter()
        .flat_map(|&(a, b)| [a.index() as u32, b.index() as u32])
        .collect();
    line("bridges", &runs, n, edges, Some((bridges.len(), crc32(&words))), "");

    let (runs, groups) = time(repeats, || analysis.strongly_connected_components(), |_| {});
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut in_groups = 0usize;
    for g in &groups {
        let min = g.iter().map(|c| c.index() as u32).min().unwrap_or(0);
        for c in g {
            label[c.index()] = min;
        }
        in_groups += g.len();
    }
    let all = n - in_groups + groups.len();
    let extra = format!(", \"cyclic\": {}", groups.len());
    line("scc", &runs, n, edges, Some((all, crc32(&label))), &extra);
    Ok(())
}

fn component(inv: &Inventory, i: usize) -> ops_core::Idx<ops_core::graph::Component> {
    // Components are indexed in definition order; look the index up by id
    // (the public way to make an Idx) only once per component.
    inv.component_by_id(&inv.components()[i].id)
        .unwrap_or_else(|| unreachable!("every component has an index"))
}

/// Runs `f` `repeats` times; returns the times and the last result.
fn time<T>(repeats: usize, mut f: impl FnMut() -> T, mut consume: impl FnMut(&T)) -> (Vec<f64>, T) {
    let mut runs = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let t = Instant::now();
        let out = f();
        runs.push(t.elapsed().as_secs_f64());
        consume(&out);
        last = Some(out);
    }
    match last {
        Some(out) => (runs, out),
        None => unreachable!("repeats is at least one"),
    }
}

fn median(runs: &[f64]) -> f64 {
    let mut v = runs.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn line(problem: &str, runs: &[f64], n: usize, edges: usize, result: Option<(usize, u32)>, extra: &str) {
    let runs_text: Vec<String> = runs.iter().map(|r| format!("{r:.6}")).collect();
    let result = result.map_or(String::new(), |(count, hash)| {
        format!(", \"count\": {count}, \"hash\": \"{hash:08x}\"")
    });
    println!(
        "{{\"impl\": \"ops-core\", \"problem\": \"{problem}\", \"nodes\": {n}, \"edges\": {edges}, \
         \"seconds\": {:.6}, \"runs\": [{}]{result}{extra}}}",
        median(runs),
        runs_text.join(", ")
    );
}

/// CRC-32 (IEEE, as zlib) of `words` as little-endian bytes.
fn crc32(words: &[u32]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for w in words {
        for b in w.to_le_bytes() {
            crc = table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
        }
    }
    !crc
}
