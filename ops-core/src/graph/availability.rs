//! Availability of entry points, from the availability of the components
//! they depend on.
//!
//! Model: every component `c` fails on its own, independently of the others,
//! with probability `1 - availability(c)` (a component without `availability`
//! never fails on its own). Given which components failed, what is down is
//! the least fixed point of the redundancy rules, exactly as in
//! [`FailureAnalysis::simulate`]. The availability of an entry is the
//! probability that it is up.
//!
//! Two methods, chosen per entry:
//!
//! * **Exact** when the entry's dependency cone (the entry and everything it
//!   depends on, directly or not) holds at most
//!   [`AvailabilityOptions::exact_limit`] components that can fail: every
//!   one of the 2^k combinations of their failures is propagated and
//!   weighted by its probability. Only the part of the cone above those k
//!   components can go down, so propagation runs on that part alone. The
//!   combinations are split into a high and a low half: the high half's
//!   failures are propagated once and checkpointed, then each low
//!   combination is tried on top and rolled back; when the high half alone
//!   already takes the entry down, every completion does too (propagation is
//!   monotone) and the low half is skipped.
//! * **Monte Carlo** otherwise: [`AvailabilityOptions::samples`] samples
//!   drawn from a SplitMix64 generator seeded with
//!   [`AvailabilityOptions::seed`]. One propagation per sample serves every
//!   entry, on the part of the graph that lies below some Monte Carlo entry
//!   and above some component that can fail. The interval is the Wilson score
//!   interval at [`AvailabilityOptions::confidence`].
//!
//! Drawing failures costs time proportional to the failures drawn, not to the
//! number of components. Components that can fail are grouped in buckets by
//! failure probability `q`, bucket `b` holding `2^-(b+1) < q ≤ 2^-b`. Within a
//! bucket, the (sample, component) pairs form one long sequence of Bernoulli
//! trials with probability `2^-b`; geometric skipping jumps from one
//! candidate failure to the next (one uniform draw per candidate, across
//! sample boundaries), and each candidate is kept with probability
//! `q / 2^-b ≥ 1/2` (thinning). So each bucket costs at most twice the
//! failures it produces, plus one draw; samples in which nothing fails are
//! skipped outright, and only samples with failures cost a pass over the
//! (at most 63) buckets.
//!
//! Every choice depends only on the graph and the options, never on hashing
//! or on which entries were asked for, so the same seed gives the same
//! results.

use std::collections::BTreeMap;

use super::analysis::FailureAnalysis;
use super::compiled::Compiled;
use super::propagate::Propagator;
use super::scc::sccs;
use crate::check::BuiltinRule;
use crate::check::Context;
use crate::csr::Csr;
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::rng::SplitMix64;
use crate::rule::Rule;
use crate::{Component, Idx, Inventory};

/// How [`FailureAnalysis::availability`] computes its answers.
///
/// ```
/// use ops_core::graph::AvailabilityOptions;
/// let mut options = AvailabilityOptions::default();
/// options.samples = 20_000;
/// options.confidence = 0.99;
/// assert_eq!(options.exact_limit, 20);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AvailabilityOptions {
    /// Monte Carlo samples (0 counts as 1). Default 100 000.
    pub samples: u64,
    /// Seed of the pseudo-random generator. Default [`AvailabilityOptions::DEFAULT_SEED`].
    pub seed: u64,
    /// The most components that can fail (availability below 1) an entry's
    /// dependency cone may hold for its availability to be computed exactly,
    /// by enumerating all 2^k combinations; above it, Monte Carlo. Values
    /// above [`AvailabilityOptions::MAX_EXACT_LIMIT`] count as that. Default 20.
    pub exact_limit: usize,
    /// Confidence level of Monte Carlo intervals, between 0 and 1. A level
    /// of 0 or less (or NaN) gives an interval of zero width at the
    /// estimate, 1 or more the interval from 0 to 1. Default 0.95.
    pub confidence: f64,
}

impl AvailabilityOptions {
    /// The seed used unless another is given.
    pub const DEFAULT_SEED: u64 = 0x5EED_A7A1_1AB1_7E55;

    /// The largest `exact_limit` honoured: 2^30 combinations.
    pub const MAX_EXACT_LIMIT: usize = 30;
}

impl Default for AvailabilityOptions {
    fn default() -> Self {
        AvailabilityOptions::DEFAULT
    }
}

impl AvailabilityOptions {
    /// The defaults: 100 000 samples, the default seed, exact up to 20
    /// components that can fail, 95% confidence.
    pub const DEFAULT: AvailabilityOptions = AvailabilityOptions {
        samples: 100_000,
        seed: Self::DEFAULT_SEED,
        exact_limit: 20,
        confidence: 0.95,
    };
}

/// How an availability was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AvailabilityMethod {
    /// By enumerating every combination of failures: the value is exact (up
    /// to floating-point rounding).
    Exact,
    /// By Monte Carlo sampling.
    MonteCarlo {
        /// How many samples were drawn.
        samples: u64,
    },
}

/// The availability of one entry point.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryAvailability {
    /// The entry point.
    pub entry: Idx<Component>,
    /// The probability that it is up: exact, or the fraction of samples in which it was up.
    pub estimate: f64,
    /// Lower end of the confidence interval (the estimate itself when exact).
    pub low: f64,
    /// Upper end of the confidence interval (the estimate itself when exact).
    pub high: f64,
    /// How it was computed.
    pub method: AvailabilityMethod,
    /// The entry's target availability, if it has one.
    pub slo: Option<f64>,
}

impl EntryAvailability {
    /// Whether the estimate is below the entry's SLO (`false` without one).
    pub fn below_slo(&self) -> bool {
        self.slo.is_some_and(|slo| self.estimate < slo)
    }
}

impl<'a> FailureAnalysis<'a> {
    /// The availability of every entry point, in definition order, from the
    /// `availability` of the components they depend on; see
    /// [`AvailabilityOptions`] for when the answer is exact and when it is
    /// estimated by Monte Carlo.
    ///
    /// Components fail independently, each with probability
    /// `1 - availability` (never, without one), and failures propagate as in
    /// [`FailureAnalysis::simulate`]. Deterministic: the same inventory and
    /// options always give the same results, and a sampled entry's result
    /// does not depend on which other entries are sampled.
    ///
    /// Monte Carlo draws failures by geometric skipping: components are
    /// bucketed by failure probability (powers of two), and within a bucket
    /// the draw jumps straight to the next candidate failure, across samples,
    /// keeping each candidate with probability (its own rate over the
    /// bucket's) ≥ 1/2. Drawing thus costs time proportional to the failures
    /// drawn, and samples where nothing fails cost nothing. The interval is
    /// the Wilson score interval, with the normal quantile from Acklam's
    /// rational approximation (relative error below 1.15e-9).
    ///
    /// Complexity: linear in the graph times `min(exact_limit, 30)` to find
    /// each entry's components that can fail; then for an exact entry with k
    /// of them, 2^k propagations over the part of its cone above them
    /// (entries with the same k components share them); for Monte Carlo,
    /// per sample, work proportional to the failures drawn and to what they
    /// take down.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::{AvailabilityMethod, AvailabilityOptions, FailureAnalysis};
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, slo: 0.999, depends_on: [lb, db]}
    ///   - {id: lb, requires: any, depends_on: [web-1, web-2]}
    ///   - {id: web-1, availability: 0.99}
    ///   - {id: web-2, availability: 0.99}
    ///   - {id: db, availability: 0.9995}
    /// ")?;
    /// let shop = &FailureAnalysis::new(&inv).availability(&AvailabilityOptions::default())[0];
    /// assert_eq!(shop.method, AvailabilityMethod::Exact);
    /// assert!((shop.estimate - 0.9999 * 0.9995).abs() < 1e-12);
    /// assert!(!shop.below_slo());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn availability(&self, options: &AvailabilityOptions) -> Vec<EntryAvailability> {
        availability_of(self.inventory(), self.compiled(), &self.compiled().entries, options)
    }
}

/// Marks "not in the region" in index maps.
const NONE: u32 = u32::MAX;

/// The availability of each of `entries` (any components, in the order given).
fn availability_of(
    inv: &Inventory,
    g: &Compiled,
    entries: &[u32],
    options: &AvailabilityOptions,
) -> Vec<EntryAvailability> {
    let q: Vec<f64> = inv
        .components()
        .iter()
        .map(|c| failure_probability(c.availability))
        .collect();
    let limit = options.exact_limit.min(AvailabilityOptions::MAX_EXACT_LIMIT);
    let cones = ConeSets::new(g, &q, limit);
    let mut results: Vec<EntryAvailability> = entries
        .iter()
        .map(|&e| EntryAvailability {
            entry: Idx::new(e as usize),
            estimate: 1.0,
            low: 1.0,
            high: 1.0,
            method: AvailabilityMethod::Exact,
            slo: inv.components()[e as usize].slo,
        })
        .collect();
    let mut local = vec![NONE; g.len()];

    // Exact: entries grouped by their set of components that can fail.
    let mut groups: BTreeMap<&[u32], Vec<usize>> = BTreeMap::new();
    let mut sampled: Vec<usize> = Vec::new();
    for (i, &e) in entries.iter().enumerate() {
        match cones.get(e) {
            Some([]) => {} // nothing below it can fail: available 1, exactly
            Some(set) => groups.entry(set).or_default().push(i),
            None => sampled.push(i),
        }
    }
    for (set, members) in groups {
        let region = Region::new(g, &cones, members.iter().map(|&i| entries[i]), &mut local);
        let fallible: Vec<(u32, f64)> = set.iter().map(|&c| (local[c as usize], q[c as usize])).collect();
        let targets: Vec<u32> = members.iter().map(|&i| local[entries[i] as usize]).collect();
        let down = enumerate(&region.g, &fallible, &targets);
        for (&i, p_down) in members.iter().zip(down) {
            let estimate = (1.0 - p_down).clamp(0.0, 1.0);
            let r = &mut results[i];
            (r.estimate, r.low, r.high) = (estimate, estimate, estimate);
        }
        region.release(&mut local);
    }

    // Monte Carlo: every other entry, all from the same samples.
    if !sampled.is_empty() {
        let samples = options.samples.max(1);
        let region = Region::new(g, &cones, sampled.iter().map(|&i| entries[i]), &mut local);
        let mut target_of = vec![NONE; region.nodes.len()];
        for (k, &i) in sampled.iter().enumerate() {
            target_of[local[entries[i] as usize] as usize] = k as u32;
        }
        let mut down = vec![0u64; sampled.len()];
        let mut sampler = Sampler::new(&q, options.seed);
        let mut p = Propagator::new(&region.g);
        let mut failures = Vec::new();
        while sampler.next_sample(samples, &mut failures).is_some() {
            p.reset();
            let mut any = false;
            for &c in &failures {
                let l = local[c as usize];
                if l != NONE {
                    p.fail(l);
                    any = true;
                }
            }
            failures.clear();
            if !any {
                continue;
            }
            p.run();
            for &c in p.down() {
                let k = target_of[c as usize];
                if k != NONE {
                    down[k as usize] += 1;
                }
            }
        }
        let z = z_for(options.confidence);
        for (&i, &d) in sampled.iter().zip(&down) {
            // The interval for the (small) proportion down, flipped: more accurate near 1.
            let (down_low, down_high) = wilson(d, samples, z);
            let r = &mut results[i];
            r.estimate = (samples - d) as f64 / samples as f64;
            r.low = 1.0 - down_high;
            r.high = 1.0 - down_low;
            r.method = AvailabilityMethod::MonteCarlo { samples };
        }
        region.release(&mut local);
    }
    results
}

/// The probability that a component with this availability fails on its own.
fn failure_probability(availability: Option<f64>) -> f64 {
    match availability {
        Some(a) if a < 1.0 => (1.0 - a).min(1.0),
        _ => 0.0, // absent, 1, or NaN: never fails
    }
}

/// For every component, the components that can fail in its dependency cone
/// (itself included), sorted, as long as there are at most `limit` of them.
/// Computed bottom-up over strongly connected components, every set capped,
/// so the cost is linear in the graph times `limit`.
#[derive(Debug)]
struct ConeSets {
    /// The strongly connected component of each component.
    of: Vec<u32>,
    /// Per strongly connected component: its set, or `None` when over the limit.
    span: Vec<Option<(usize, usize)>>,
    /// The sets' elements; components whose set equals a dependency's share its span.
    arena: Vec<u32>,
}

impl ConeSets {
    fn new(g: &Compiled, q: &[f64], limit: usize) -> ConeSets {
        let s = sccs(&g.deps);
        let mut span: Vec<Option<(usize, usize)>> = Vec::with_capacity(s.count());
        let mut arena: Vec<u32> = Vec::new();
        let mut scratch: Vec<u32> = Vec::new();
        let compact = |scratch: &mut Vec<u32>| {
            scratch.sort_unstable();
            scratch.dedup();
            scratch.len() <= limit
        };
        for id in 0..s.count() as u32 {
            scratch.clear();
            let mut within = true;
            // The largest dependency set: when the union is no larger, it is that set.
            let mut largest: (usize, usize) = (0, 0);
            'members: for &m in s.members.row(id) {
                if q[m as usize] > 0.0 {
                    scratch.push(m);
                }
                for &d in g.deps.row(m) {
                    let t = s.of[d as usize];
                    if t == id {
                        continue;
                    }
                    let Some((start, len)) = span[t as usize] else {
                        within = false;
                        break 'members;
                    };
                    if len > largest.1 {
                        largest = (start, len);
                    }
                    scratch.extend_from_slice(&arena[start..start + len]);
                    if scratch.len() > 2 * limit + 64 && !compact(&mut scratch) {
                        within = false;
                        break 'members;
                    }
                }
            }
            if within && !compact(&mut scratch) {
                within = false;
            }
            span.push(if !within {
                None
            } else if scratch.len() == largest.1 {
                Some(largest)
            } else {
                let start = arena.len();
                arena.extend_from_slice(&scratch);
                Some((start, scratch.len()))
            });
        }
        ConeSets { of: s.of, span, arena }
    }

    /// The components that can fail in `c`'s cone, sorted; `None` when more than the limit.
    fn get(&self, c: u32) -> Option<&[u32]> {
        let (start, len) = self.span[self.of[c as usize] as usize]?;
        Some(&self.arena[start..start + len])
    }

    /// Whether `c` can go down at all: something in its cone can fail.
    fn can_fail(&self, c: u32) -> bool {
        self.get(c).is_none_or(|set| !set.is_empty())
    }
}

/// The part of the graph that matters for some components: everything in
/// their cones that can go down (every other component stays up whatever
/// fails), as a graph of its own with local indices.
#[derive(Debug)]
struct Region {
    /// The global index of each local node.
    nodes: Vec<u32>,
    g: Compiled,
}

impl Region {
    /// The region below `roots`; fills `local` (global to local index) for its nodes.
    fn new(g: &Compiled, cones: &ConeSets, roots: impl Iterator<Item = u32>, local: &mut [u32]) -> Region {
        let mut nodes: Vec<u32> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        for r in roots {
            if local[r as usize] == NONE && cones.can_fail(r) {
                local[r as usize] = nodes.len() as u32;
                nodes.push(r);
                stack.push(r);
            }
            while let Some(u) = stack.pop() {
                for &d in g.deps.row(u) {
                    if local[d as usize] == NONE && cones.can_fail(d) {
                        local[d as usize] = nodes.len() as u32;
                        nodes.push(d);
                        stack.push(d);
                    }
                }
            }
        }
        // Dependencies outside the region never go down, so they never count
        // toward a threshold: leaving them out keeps every threshold valid.
        let pairs: Vec<(u32, u32)> = nodes
            .iter()
            .enumerate()
            .flat_map(|(i, &u)| {
                let local = &*local;
                g.deps.row(u).iter().filter_map(move |&d| {
                    let l = local[d as usize];
                    (l != NONE).then_some((i as u32, l))
                })
            })
            .collect();
        let deps = Csr::from_pairs(nodes.len(), pairs.iter().copied());
        let dependents = deps.reversed(nodes.len());
        let threshold = nodes.iter().map(|&u| g.threshold[u as usize]).collect();
        let logical = nodes.iter().map(|&u| g.logical[u as usize]).collect();
        let sub = Compiled {
            deps,
            dependents,
            threshold,
            entries: Vec::new(),
            members: Csr {
                start: vec![0],
                targets: Vec::new(),
            },
            logical,
            id: super::compiled::new_id(),
        };
        Region { nodes, g: sub }
    }

    /// Clears the region's nodes from `local`.
    fn release(&self, local: &mut [u32]) {
        for &u in &self.nodes {
            local[u as usize] = NONE;
        }
    }
}

/// Enumerates every combination of failures of `fallible` (local index,
/// failure probability) and returns, for each of `targets`, the probability
/// that it is down.
fn enumerate(g: &Compiled, fallible: &[(u32, f64)], targets: &[u32]) -> Vec<f64> {
    let k = fallible.len();
    let lo_bits = k / 2;
    let (lo, hi) = fallible.split_at(lo_bits);
    let w_lo = weights(lo);
    let w_hi = weights(hi);
    let mut down = vec![Sum::default(); targets.len()];
    let mut down_already = vec![false; targets.len()];
    let mut p = Propagator::new(g);
    for (h, &wh) in w_hi.iter().enumerate() {
        if wh == 0.0 {
            continue;
        }
        p.reset();
        for (j, &(c, _)) in hi.iter().enumerate() {
            if h >> j & 1 == 1 {
                p.fail(c);
            }
        }
        p.run();
        let mut all_down = true;
        for (t, &e) in targets.iter().enumerate() {
            down_already[t] = p.is_down(e);
            if down_already[t] {
                // Down whatever the low half does: the low weights sum to 1.
                down[t].add(wh);
            } else {
                all_down = false;
            }
        }
        if all_down {
            continue;
        }
        p.checkpoint();
        for (l, &wl) in w_lo.iter().enumerate().skip(1) {
            for (j, &(c, _)) in lo.iter().enumerate() {
                if l >> j & 1 == 1 {
                    p.fail(c);
                }
            }
            p.run();
            for (t, &e) in targets.iter().enumerate() {
                if !down_already[t] && p.is_down(e) {
                    down[t].add(wh * wl);
                }
            }
            p.rollback();
        }
    }
    down.into_iter().map(Sum::value).collect()
}

/// The probability of each combination of failures: bit `j` of the index set
/// means `fallible[j]` failed.
fn weights(fallible: &[(u32, f64)]) -> Vec<f64> {
    let mut w = Vec::with_capacity(1 << fallible.len());
    w.push(1.0);
    for &(_, q) in fallible {
        let n = w.len();
        for i in 0..n {
            w.push(w[i] * q);
            w[i] *= 1.0 - q;
        }
    }
    w
}

/// Compensated (Neumaier) summation: 2^k small terms add up without drift.
#[derive(Clone, Copy, Debug, Default)]
struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(self) -> f64 {
        self.sum + self.compensation
    }
}

/// Draws independent failures for many samples, in time proportional to the
/// failures drawn (see the module documentation).
#[derive(Debug)]
struct Sampler {
    buckets: Vec<Bucket>,
    rng: SplitMix64,
}

/// Components whose failure probability lies in `(2^-(b+1), 2^-b]`.
#[derive(Debug)]
struct Bucket {
    members: Vec<u32>,
    /// Per member: its failure probability over the bucket's, the chance a candidate is kept.
    keep: Vec<f64>,
    /// `ln(1 - 2^-b)`: minus infinity for the bucket of probabilities above 1/2.
    log_miss: f64,
    /// Position `sample * members.len() + member` of the next candidate failure.
    next: u128,
}

impl Sampler {
    /// Buckets at most 2^-62 apart are lumped into the last one.
    const LAST_BUCKET: usize = 62;

    fn new(q: &[f64], seed: u64) -> Sampler {
        let mut by_bucket: Vec<Vec<u32>> = vec![Vec::new(); Self::LAST_BUCKET + 1];
        for (c, &qc) in q.iter().enumerate() {
            if qc > 0.0 {
                let mut b = 0;
                let mut top = 1.0;
                while b < Self::LAST_BUCKET && qc <= top * 0.5 {
                    top *= 0.5;
                    b += 1;
                }
                by_bucket[b].push(c as u32);
            }
        }
        let mut rng = SplitMix64::new(seed);
        let buckets = by_bucket
            .into_iter()
            .enumerate()
            .filter(|(_, members)| !members.is_empty())
            .map(|(b, members)| {
                let top = 0.5f64.powi(b as i32);
                let log_miss = (-top).ln_1p();
                let keep = members.iter().map(|&c| (q[c as usize] / top).min(1.0)).collect();
                let next = skip(&mut rng, log_miss);
                Bucket {
                    members,
                    keep,
                    log_miss,
                    next,
                }
            })
            .collect();
        Sampler { buckets, rng }
    }

    /// Moves to the next sample below `samples` with a candidate failure,
    /// appends its failures to `out` (none if thinning dropped every
    /// candidate) and returns its number; `None` when no sample is left.
    fn next_sample(&mut self, samples: u64, out: &mut Vec<u32>) -> Option<u64> {
        let Sampler { buckets, rng } = self;
        let s = buckets.iter().map(|b| b.next / b.members.len() as u128).min()?;
        if s >= u128::from(samples) {
            return None;
        }
        for b in buckets.iter_mut() {
            let m = b.members.len() as u128;
            while b.next / m == s {
                let i = (b.next % m) as usize;
                if rng.next_f64() < b.keep[i] {
                    out.push(b.members[i]);
                }
                b.next = b.next.saturating_add(1).saturating_add(skip(rng, b.log_miss));
            }
        }
        u64::try_from(s).ok()
    }
}

/// How many trials pass before the next candidate, for trials that are
/// candidates with probability `p` where `log_miss = ln(1 - p)`: geometric.
fn skip(rng: &mut SplitMix64, log_miss: f64) -> u128 {
    if log_miss == f64::NEG_INFINITY {
        return 0; // p = 1: every trial
    }
    let u = 1.0 - rng.next_f64(); // in (0, 1]
    // Non-negative; `as` saturates a huge quotient.
    (u.ln() / log_miss) as u128
}

/// The two-sided normal quantile for `confidence`: infinity at 1 or more, 0 at 0 or less.
fn z_for(confidence: f64) -> f64 {
    if confidence.is_nan() || confidence <= 0.0 {
        0.0
    } else if confidence >= 1.0 {
        f64::INFINITY
    } else {
        -normal_quantile((1.0 - confidence) / 2.0)
    }
}

/// The standard normal quantile (inverse CDF) at `p` in (0, 1), by Peter
/// Acklam's rational approximation: relative error below 1.15e-9 over the
/// whole range, far below what a sampled interval needs.
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (-p).ln_1p()).sqrt())
    }
}

/// The Wilson score interval for a proportion of `x` in `n` (`n > 0`) at normal quantile `z`.
fn wilson(x: u64, n: u64, z: f64) -> (f64, f64) {
    let nf = n as f64;
    let p = x as f64 / nf;
    if z.is_infinite() {
        return (0.0, 1.0);
    }
    let z2 = z * z;
    let denominator = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    ((center - half).clamp(0.0, 1.0), (center + half).clamp(0.0, 1.0))
}

/// `graph/below-slo`: an entry point whose availability, computed from its
/// dependencies' availabilities, is below its SLO. Its options are the
/// [`AvailabilityOptions`] the availabilities are computed with.
pub static BELOW_SLO: BuiltinRule<AvailabilityOptions> = BuiltinRule::new(
    Rule::from_static(
        "graph/below-slo",
        Severity::High,
        "An entry whose availability, computed from its dependencies' `availability`, is below its `slo` (medium when only the Monte Carlo estimate is, not its whole confidence interval)",
        r"
## What it checks
Entry points with an `slo`. Their availability is computed from the `availability` of
every component they depend on, directly or not (a component without one counts as
always up), following the redundancy rules (`all`, `any`, `at_least`) and assuming
components fail independently. When at most 20 components that can fail lie under an
entry, the answer is exact (every combination of failures is weighed); otherwise it is
estimated from 100 000 seeded Monte Carlo samples, with a 95% confidence interval.
Reported at high severity when the entry is certainly below its SLO (the exact answer,
or the whole interval, is below it), at medium when only the estimate is.

## Why it matters
An SLO the architecture cannot meet on paper will not be met in production: every
dependency in series multiplies its unavailability into the entry's, and the error
budget is spent before the first incident.

## Example
```yaml
components:
  - {id: checkout, entry: true, slo: 0.999, depends_on: [api, db]}
  - {id: api, availability: 0.9995}
  - {id: db, availability: 0.999}
```
Checkout needs both: 0.9995 × 0.999 ≈ 99.85%, below its SLO of 99.9%.

## How to fix
Make the weakest dependencies redundant (`requires: any` over replicas in different
zones), raise their availability, remove dependencies the entry does not need, or
agree on an SLO the design can meet.
",
    ),
    AvailabilityOptions::DEFAULT,
    below_slo,
)
.using_failure_analysis();

fn below_slo(rule: &Rule, ctx: &Context<'_>, options: &AvailabilityOptions) -> Vec<Finding> {
    let inv = ctx.inventory();
    let with_slo: Vec<u32> = inv
        .components()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.entry && c.slo.is_some())
        .map(|(i, _)| i as u32)
        .collect();
    if with_slo.is_empty() {
        return Vec::new();
    }
    let analysis = ctx.failure_analysis();
    let estimates = availability_of(inv, analysis.compiled(), &with_slo, options);
    estimates
        .iter()
        .filter_map(|a| below_slo_finding(rule, options, inv, a))
        .collect()
}

/// The finding for entry availability `a`, if it is below its SLO.
fn below_slo_finding(
    rule: &Rule,
    options: &AvailabilityOptions,
    inv: &Inventory,
    a: &EntryAvailability,
) -> Option<Finding> {
    let slo = a.slo?;
    if a.estimate >= slo {
        return None;
    }
    let c = inv.component(a.entry);
    let certain = a.high < slo;
    let severity = if certain { Severity::High } else { Severity::Medium };
    // Enough decimals that the numbers below the SLO do not print as the SLO.
    let mut decimals = decimals_to_tell_apart(a.estimate, slo);
    if certain {
        decimals = decimals.max(decimals_to_tell_apart(a.high, slo));
    }
    let pct = |x: f64| format!("{:.*}%", decimals, x * 100.0);
    let (how, samples, confidence) = match a.method {
        AvailabilityMethod::Exact => (
            format!("is {} available (computed exactly)", pct(a.estimate)),
            serde_json::Value::Null,
            serde_json::Value::Null,
        ),
        AvailabilityMethod::MonteCarlo { samples } => (
            format!(
                "is estimated at {} available ({} CI {}–{})",
                pct(a.estimate),
                confidence_label(options.confidence),
                pct(a.low),
                pct(a.high)
            ),
            samples.into(),
            options.confidence.into(),
        ),
    };
    let method = match a.method {
        AvailabilityMethod::Exact => "exact",
        AvailabilityMethod::MonteCarlo { .. } => "monte_carlo",
    };
    Some(
        Finding::new(
            rule.shared_id(),
            severity,
            Subject::new(EntityKind::Component, &c.id),
            format!("entry '{}' {how}, below its SLO of {}", c.id, pct(slo)),
        )
        .with_evidence("estimate", a.estimate)
        .with_evidence("low", a.low)
        .with_evidence("high", a.high)
        .with_evidence("slo", slo)
        .with_evidence("method", method)
        .with_evidence("samples", samples)
        .with_evidence("confidence", confidence)
        .with_remediation(
            "make the weakest dependencies redundant or more available (its single points of failure first), \
             or agree on an SLO the design can meet",
        )
        .at(&c.location),
    )
}

/// The fewest decimals (2 to 6) at which `a` and `b` print differently as percentages.
fn decimals_to_tell_apart(a: f64, b: f64) -> usize {
    (2..=6)
        .find(|&d| format!("{:.*}", d, a * 100.0) != format!("{:.*}", d, b * 100.0))
        .unwrap_or(6)
}

/// `0.95` as `95%`, `0.999` as `99.9%`.
fn confidence_label(confidence: f64) -> String {
    let s = format!("{:.4}", confidence * 100.0);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_reference_values() {
        // Reference values from Python's statistics.NormalDist().inv_cdf.
        for (p, z) in [
            (0.975, 1.959_963_984_540_053_6),
            (0.995, 2.575_829_303_548_9),
            (0.95, 1.644_853_626_951_471_5),
            (0.501, 0.002_506_630_899_571_766_6),
            (1e-10, -6.361_340_902_404_056),
            (0.024_25, -1.972_961_051_311_884_5),
            (0.02, -2.053_748_910_631_822_5),
            (0.3, -0.524_400_512_708_040_7),
            (0.999_999_9, 5.199_337_582_290_662),
        ] {
            let got = normal_quantile(p);
            assert!((got - z).abs() <= 1.2e-9 * z.abs(), "p = {p}: {got} vs {z}");
        }
        assert!((z_for(0.95) - 1.959_963_984_540_053_6).abs() < 1e-8);
        assert_eq!(z_for(0.0), 0.0);
        assert_eq!(z_for(f64::NAN), 0.0);
        assert_eq!(z_for(1.0), f64::INFINITY);
    }

    #[test]
    fn wilson_interval_known_values() {
        // No successes in 10 at z = 1.96: [0, z²/(n + z²)].
        let (lo, hi) = wilson(0, 10, 1.96);
        assert_eq!(lo, 0.0);
        assert!((hi - 1.96f64.powi(2) / (10.0 + 1.96f64.powi(2))).abs() < 1e-12);
        // Symmetric around one half.
        let (lo, hi) = wilson(50, 100, 1.96);
        assert!((lo + hi - 1.0).abs() < 1e-12);
        assert!((hi - 0.596_170_171).abs() < 1e-6, "{hi}");
        assert_eq!(wilson(3, 10, 0.0), (0.3, 0.3));
        assert_eq!(wilson(3, 10, f64::INFINITY), (0.0, 1.0));
    }

    #[test]
    fn sampler_draws_each_component_at_its_rate_and_skips_quiet_samples() {
        let q = [0.6, 0.3, 0.05, 0.001, 0.0, 1e-30, 1.0, 0.3];
        let n = 200_000u64;
        let mut sampler = Sampler::new(&q, 42);
        let mut counts = [0u64; 8];
        let mut out = Vec::new();
        let mut visited = 0u64;
        let mut last = None;
        while let Some(s) = sampler.next_sample(n, &mut out) {
            assert!(last.is_none_or(|l| s > l), "samples in increasing order");
            last = Some(s);
            visited += 1;
            let mut seen = out.clone();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), out.len(), "a component fails at most once per sample");
            for &c in &out {
                counts[c as usize] += 1;
            }
            out.clear();
        }
        assert_eq!(visited, n, "component 6 fails in every sample");
        for (c, &qc) in q.iter().enumerate() {
            let mean = n as f64 * qc;
            let sd = (n as f64 * qc * (1.0 - qc)).sqrt();
            assert!(
                (counts[c] as f64 - mean).abs() <= 5.0 * sd + 1e-9,
                "component {c}: {} failures, expected {mean}",
                counts[c]
            );
        }

        // Without the always-failing component, quiet samples are skipped:
        // only samples with a candidate (at rate 2^-b, b = 9, 8, 10) are visited.
        let q = [0.001, 0.002, 0.0005];
        let mut sampler = Sampler::new(&q, 7);
        let (mut visited, mut failing) = (0u64, 0u64);
        while sampler.next_sample(n, &mut out).is_some() {
            visited += 1;
            failing += u64::from(!out.is_empty());
            out.clear();
        }
        let near = |got: u64, p: f64| {
            let mean = n as f64 * p;
            assert!((got as f64 - mean).abs() < 5.0 * mean.sqrt(), "{got} vs {mean}");
        };
        near(failing, 1.0 - 0.999 * 0.998 * 0.9995);
        near(
            visited,
            1.0 - (1.0 - 0.5f64.powi(9)) * (1.0 - 0.5f64.powi(8)) * (1.0 - 0.5f64.powi(10)),
        );
    }

    #[test]
    fn cone_sets_are_capped_and_shared() {
        // 0 -> 1 -> 2 -> 3, 0 -> 4; 1 and 3 and 4 can fail.
        let inv = crate::Inventory::from_text(
            "inv.yaml",
            crate::Format::Yaml,
            "components:
  - {id: c0, entry: true, depends_on: [c1, c4]}
  - {id: c1, availability: 0.9, depends_on: [c2]}
  - {id: c2, depends_on: [c3]}
  - {id: c3, availability: 0.9}
  - {id: c4, availability: 0.9}
  - {id: c5}
",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let g = Compiled::new(&inv);
        let q: Vec<f64> = inv
            .components()
            .iter()
            .map(|c| failure_probability(c.availability))
            .collect();
        let cones = ConeSets::new(&g, &q, 2);
        assert_eq!(cones.get(0), None);
        assert_eq!(cones.get(1), Some(&[1, 3][..]));
        assert_eq!(cones.get(2), Some(&[3][..]));
        assert_eq!(cones.get(3), Some(&[3][..]));
        assert_eq!(cones.get(5), Some(&[][..]));
        assert!(cones.can_fail(0) && cones.can_fail(2) && !cones.can_fail(5));
        // c2 shares c3's set rather than storing a copy.
        assert_eq!(cones.arena.len(), 1 + 2 + 1);
    }

    #[test]
    fn percentages_get_the_decimals_they_need() {
        assert_eq!(decimals_to_tell_apart(0.998, 0.999), 2);
        assert_eq!(decimals_to_tell_apart(0.998_99, 0.999), 3);
        assert_eq!(decimals_to_tell_apart(0.999, 0.999), 6);
        assert_eq!(confidence_label(0.95), "95%");
        assert_eq!(confidence_label(0.999), "99.9%");
    }
}
