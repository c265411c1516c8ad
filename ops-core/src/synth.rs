//! Synthetic estates for benchmarks and scale tests: seeded, so the same
//! arguments always give the same estate.
//!
//! The shape follows real infrastructure: six tiers from a few hundred entry
//! points down to shared infrastructure; each component depends on about five
//! components in lower tiers, chosen with heavy-tailed (Zipf) popularity so a
//! few shared services carry most of the fan-in; a few edges inside a tier
//! make cycles; components spread over three zones of one region.
//!
//! ```
//! use ops_core::synth::{Rules, generate_json};
//! use ops_core::{Format, Inventory};
//! use ops_core::graph::FailureAnalysis;
//! let text = generate_json(2_000, 7, Rules::Mixed);
//! let inv = Inventory::from_text("synthetic.json", Format::Json, &text)?;
//! assert_eq!(inv.components().len(), 2_000);
//! let spofs = FailureAnalysis::new(&inv).spofs();
//! assert!(!spofs.entries().is_empty());
//! # Ok::<(), ops_core::Error>(())
//! ```

use std::fmt::Write;

use crate::rng::SplitMix64;

/// Which redundancy rules the generated components use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rules {
    /// About 60% `all`, 25% `any`, 15% `at_least`, and a few cycles.
    Mixed,
    /// Every component `any`, no cycles: a pure dominator problem.
    AnyAcyclic,
    /// Every component `all`, no cycles: a pure reachability problem.
    AllAcyclic,
}

/// Tier sizes as shares of the estate, entry points first.
const TIERS: [f64; 6] = [0.0, 0.05, 0.35, 0.35, 0.17, 0.08];

/// The edges of a generated estate: per component, its dependencies, rule and zone.
#[derive(Clone, Debug)]
pub struct Estate {
    /// Per component: its dependencies.
    pub depends_on: Vec<Vec<u32>>,
    /// Per component: 0 = all, 1 = any, k ≥ 2 = at_least k.
    pub rule: Vec<u32>,
    /// Per component: whether it is an entry point.
    pub entry: Vec<bool>,
    /// Per component: its zone (0, 1 or 2).
    pub zone: Vec<u8>,
}

/// Generates an estate of `n` components (`n ≥ 10`).
pub fn generate(n: usize, seed: u64, rules: Rules) -> Estate {
    let n = n.max(10);
    let mut rng = SplitMix64::new(seed);
    let entries = (n / 3000).clamp(5, 500);
    // Tier boundaries: [start of tier i, start of tier i + 1).
    let mut bounds = vec![0usize, entries];
    let rest = (n - entries) as f64;
    let mut acc = entries as f64;
    for share in &TIERS[1..] {
        acc += share * rest;
        bounds.push((acc.round() as usize).min(n));
    }
    *bounds.last_mut().unwrap_or(&mut 0) = n;
    let tier_of = |i: usize| bounds.iter().rposition(|&b| b <= i).unwrap_or(0).min(TIERS.len() - 1);
    // Zipf(1) popularity inside each tier: cumulative weights 1/(rank+1).
    let cumulative: Vec<Vec<f64>> = (0..TIERS.len())
        .map(|t| {
            let size = bounds[t + 1] - bounds[t];
            let mut acc = 0.0;
            (0..size)
                .map(|r| {
                    acc += 1.0 / (r as f64 + 1.0);
                    acc
                })
                .collect()
        })
        .collect();
    let pick = |rng: &mut SplitMix64, t: usize| -> Option<u32> {
        let cum = &cumulative[t];
        let total = *cum.last()?;
        let x = rng.next_f64() * total;
        let r = cum.partition_point(|&c| c <= x).min(cum.len() - 1);
        Some((bounds[t] + r) as u32)
    };
    let mut estate = Estate {
        depends_on: Vec::with_capacity(n),
        rule: Vec::with_capacity(n),
        entry: Vec::with_capacity(n),
        zone: Vec::with_capacity(n),
    };
    for i in 0..n {
        let t = tier_of(i);
        let mut deps: Vec<u32> = Vec::new();
        if t + 1 < TIERS.len() {
            let want = 3 + rng.below(5); // 3..=7, about 5 on average
            for _ in 0..want * 2 {
                if deps.len() == want {
                    break;
                }
                // Mostly the next tier down, sometimes further.
                let below = if rng.next_f64() < 0.75 {
                    t + 1
                } else {
                    t + 1 + rng.below(TIERS.len() - t - 1)
                };
                if let Some(d) = pick(&mut rng, below.min(TIERS.len() - 1))
                    && !deps.contains(&d)
                {
                    deps.push(d);
                }
            }
        }
        let rule = match rules {
            Rules::AllAcyclic => 0,
            Rules::AnyAcyclic => u32::from(!deps.is_empty()),
            Rules::Mixed => {
                let r = rng.next_f64();
                if deps.len() < 2 || r < 0.6 {
                    0
                } else if r < 0.85 {
                    1
                } else {
                    (deps.len() as u32).div_ceil(2).max(2)
                }
            }
        };
        estate.depends_on.push(deps);
        estate.rule.push(rule);
        estate.entry.push(t == 0);
        estate.zone.push(rng.below(3) as u8);
    }
    if rules == Rules::Mixed {
        // A few edges within a tier, pointing to an earlier component: cycles
        // appear where that component reaches back. About one per thousand.
        for _ in 0..n / 1000 {
            let i = bounds[2] + rng.below(bounds[5] - bounds[2]);
            let t = tier_of(i);
            let j = bounds[t] + rng.below(i - bounds[t] + 1);
            if j != i && !estate.depends_on[i].contains(&(j as u32)) {
                estate.depends_on[i].push(j as u32);
            }
        }
    }
    estate
}

/// Like [`generate`], then every component nothing depends on, other than
/// the entry points, becomes a dependency of a component defined before it
/// (chosen uniformly, seeded), so that every component serves an entry
/// point, directly or not. In [`generate`]'s estates most components serve
/// none (heavy-tailed fan-in concentrates on a few), which spares the
/// analysis of entry points most of the graph; this is the estate where it
/// cannot. Acyclic rules stay acyclic (new edges point to later components).
///
/// ```
/// use ops_core::synth::{Rules, generate_served};
/// let estate = generate_served(1_000, 7, Rules::AnyAcyclic);
/// let mut depended_on = vec![false; 1_000];
/// for deps in &estate.depends_on {
///     for &d in deps {
///         depended_on[d as usize] = true;
///     }
/// }
/// assert!((0..1_000).all(|i| estate.entry[i] || depended_on[i]));
/// ```
pub fn generate_served(n: usize, seed: u64, rules: Rules) -> Estate {
    let mut estate = generate(n, seed, rules);
    let mut rng = SplitMix64::new(seed ^ 0x5e7e_d0a1);
    let mut depended_on = vec![false; estate.depends_on.len()];
    for deps in &estate.depends_on {
        for &d in deps {
            depended_on[d as usize] = true;
        }
    }
    for (j, &served) in depended_on.iter().enumerate().skip(1) {
        if served || estate.entry[j] {
            continue;
        }
        let i = rng.below(j);
        estate.depends_on[i].push(j as u32);
        if rules == Rules::AnyAcyclic {
            estate.rule[i] = 1; // a former leaf too: every component with dependencies is `any`
        }
    }
    estate
}

/// The estate of [`generate`] as an inventory in JSON: components `c0`,
/// `c1`, ..., and domains `region`, `zone-a`, `zone-b`, `zone-c`.
pub fn generate_json(n: usize, seed: u64, rules: Rules) -> String {
    estate_json(&generate(n, seed, rules))
}

/// An estate as an inventory in JSON (see [`generate_json`]).
pub fn estate_json(estate: &Estate) -> String {
    let mut out = String::with_capacity(estate.depends_on.len() * 80);
    out.push_str("{\"domains\": [{\"id\": \"region\", \"kind\": \"region\"}");
    for z in ["a", "b", "c"] {
        let _ = write!(
            out,
            ",\n{{\"id\": \"zone-{z}\", \"kind\": \"zone\", \"parent\": \"region\"}}"
        );
    }
    out.push_str("],\n\"components\": [\n");
    for (i, deps) in estate.depends_on.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        let _ = write!(out, "{{\"id\": \"c{i}\"");
        if estate.entry[i] {
            out.push_str(", \"entry\": true");
        }
        match estate.rule[i] {
            0 => {}
            1 => out.push_str(", \"requires\": \"any\""),
            k => {
                let _ = write!(out, ", \"requires\": {{\"at_least\": {k}}}");
            }
        }
        if !deps.is_empty() {
            out.push_str(", \"depends_on\": [");
            for (j, d) in deps.iter().enumerate() {
                if j > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "\"c{d}\"");
            }
            out.push(']');
        }
        let zone = ["a", "b", "c"][estate.zone[i] as usize];
        let _ = write!(out, ", \"domains\": [\"zone-{zone}\"]}}");
    }
    out.push_str("\n]}\n");
    out
}

/// An estate as an inventory in block-style YAML, the way people and
/// YAML emitters write one: the same inventory as [`estate_json`], one key
/// per line and one dependency per line, for comparing the two loaders on
/// the same estate.
///
/// ```
/// use ops_core::synth::{Rules, estate_json, estate_yaml, generate};
/// use ops_core::{Format, Inventory};
/// let estate = generate(500, 3, Rules::Mixed);
/// let yaml = Inventory::from_text("estate.yaml", Format::Yaml, &estate_yaml(&estate))?;
/// let json = Inventory::from_text("estate.json", Format::Json, &estate_json(&estate))?;
/// assert_eq!(yaml.components().len(), 500);
/// for (y, j) in yaml.components().iter().zip(json.components()) {
///     assert_eq!(
///         (&y.id, &y.depends_on, &y.requires, y.entry, &y.domains),
///         (&j.id, &j.depends_on, &j.requires, j.entry, &j.domains)
///     );
/// }
/// let ids = |inv: &Inventory| inv.domains().iter().map(|d| d.id.clone()).collect::<Vec<_>>();
/// assert_eq!(ids(&yaml), ids(&json));
/// # Ok::<(), ops_core::Error>(())
/// ```
pub fn estate_yaml(estate: &Estate) -> String {
    let mut out = String::with_capacity(estate.depends_on.len() * 100);
    out.push_str("domains:\n  - id: region\n    kind: region\n");
    for z in ["a", "b", "c"] {
        let _ = write!(out, "  - id: zone-{z}\n    kind: zone\n    parent: region\n");
    }
    out.push_str("components:\n");
    for (i, deps) in estate.depends_on.iter().enumerate() {
        let _ = writeln!(out, "  - id: c{i}");
        if estate.entry[i] {
            out.push_str("    entry: true\n");
        }
        match estate.rule[i] {
            0 => {}
            1 => out.push_str("    requires: any\n"),
            k => {
                let _ = write!(out, "    requires:\n      at_least: {k}\n");
            }
        }
        if !deps.is_empty() {
            out.push_str("    depends_on:\n");
            for d in deps {
                let _ = writeln!(out, "      - c{d}");
            }
        }
        let zone = ["a", "b", "c"][estate.zone[i] as usize];
        let _ = write!(out, "    domains:\n      - zone-{zone}\n");
    }
    out
}

/// The shape of a generated organisation, for access benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrgShape {
    /// People and service accounts together (a tenth are service accounts).
    pub principals: usize,
    /// Groups: teams inside departments inside divisions inside a few
    /// organisation-wide groups (four levels of nesting).
    pub groups: usize,
    /// Grants: a quarter to groups, the rest to people and service accounts.
    pub grants: usize,
    /// Systems the grants are on.
    pub systems: usize,
}

/// Generates an organisation's access inventory as JSON: people (each in one
/// to four teams), service accounts (half of them in a team), nested
/// groups, systems and grants (levels: 60% read, 30% write, 8% admin, 2%
/// owner). Seeded: the same arguments give the same text.
///
/// ```
/// use ops_core::synth::{OrgShape, generate_access_json};
/// use ops_core::{Format, Inventory};
/// use ops_core::access::EffectiveAccess;
/// let shape = OrgShape { principals: 1_000, groups: 100, grants: 5_000, systems: 50 };
/// let inv = Inventory::from_text("org.json", Format::Json, &generate_access_json(shape, 7))?;
/// assert_eq!(inv.grants().len(), 5_000);
/// assert!(EffectiveAccess::new(&inv).count() > 5_000);
/// # Ok::<(), ops_core::Error>(())
/// ```
pub fn generate_access_json(shape: OrgShape, seed: u64) -> String {
    let mut rng = SplitMix64::new(seed);
    let accounts = shape.principals / 10;
    let people = shape.principals - accounts;
    let groups = shape.groups.max(1);
    let systems = shape.systems.max(1);
    // Levels by share of groups: teams, departments, divisions, org-wide.
    let level_end = [groups * 60 / 100, groups * 90 / 100, groups * 99 / 100, groups];
    let level_of = |g: usize| level_end.iter().position(|&end| g < end).unwrap_or(3);
    let range_of = |level: usize| {
        let start = if level == 0 { 0 } else { level_end[level - 1] };
        start..level_end[level]
    };
    let mut members: Vec<Vec<String>> = vec![Vec::new(); groups];
    let teams = range_of(0);
    let pick = |rng: &mut SplitMix64, r: std::ops::Range<usize>| {
        if r.is_empty() {
            None
        } else {
            Some(r.start + rng.below(r.len()))
        }
    };
    for p in 0..people {
        let n = 1 + rng.below(4);
        for _ in 0..n {
            if let Some(t) = pick(&mut rng, teams.clone()) {
                members[t].push(format!("p{p}"));
            }
        }
    }
    for s in 0..accounts {
        if rng.below(2) == 0
            && let Some(t) = pick(&mut rng, teams.clone())
        {
            members[t].push(format!("s{s}"));
        }
    }
    for g in 0..groups {
        let level = level_of(g);
        if level == 3 {
            continue;
        }
        for _ in 0..1 + rng.below(2) {
            let parents = (level + 1..4).map(range_of).find(|r| !r.is_empty());
            if let Some(parent) = parents.and_then(|r| pick(&mut rng, r)) {
                members[parent].push(format!("g{g}"));
            }
        }
    }
    for m in &mut members {
        m.sort();
        m.dedup();
    }
    let mut out = String::with_capacity(shape.grants * 64 + shape.principals * 24);
    out.push_str("{\"people\": [");
    for p in 0..people {
        let _ = write!(out, "{}{{\"id\": \"p{p}\"}}", if p == 0 { "" } else { ", " });
    }
    out.push_str("],\n\"service_accounts\": [");
    for s in 0..accounts {
        let owner = rng.below(people.max(1));
        let _ = write!(
            out,
            "{}{{\"id\": \"s{s}\", \"owner\": \"p{owner}\"}}",
            if s == 0 { "" } else { ", " }
        );
    }
    out.push_str("],\n\"groups\": [");
    for (g, m) in members.iter().enumerate() {
        let list: Vec<String> = m.iter().map(|x| format!("\"{x}\"")).collect();
        let _ = write!(
            out,
            "{}{{\"id\": \"g{g}\", \"members\": [{}]}}",
            if g == 0 { "" } else { ",\n" },
            list.join(", ")
        );
    }
    out.push_str("],\n\"systems\": [");
    for s in 0..systems {
        let _ = write!(out, "{}{{\"id\": \"sys{s}\"}}", if s == 0 { "" } else { ", " });
    }
    out.push_str("],\n\"grants\": [\n");
    for i in 0..shape.grants {
        let principal = if rng.below(4) == 0 {
            format!("g{}", rng.below(groups))
        } else if rng.below(10) == 0 && accounts > 0 {
            format!("s{}", rng.below(accounts))
        } else {
            format!("p{}", rng.below(people.max(1)))
        };
        let level = match rng.below(100) {
            0..60 => "read",
            60..90 => "write",
            90..98 => "admin",
            _ => "owner",
        };
        let _ = write!(
            out,
            "{}{{\"principal\": \"{principal}\", \"system\": \"sys{}\", \"level\": \"{level}\"}}",
            if i == 0 { "" } else { ",\n" },
            rng.below(systems)
        );
    }
    out.push_str("\n]}\n");
    out
}

/// Plain but extreme estate shapes, for the tests that no shape crashes ops
/// or blows up its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extreme {
    /// `c0 -> c1 -> ... -> c{n-1}`, `c0` the only entry: every component is
    /// a single point of failure, at every depth.
    Chain,
    /// `c0 -> c1 -> ... -> c{n-1} -> c0`, `c0` the entry.
    Cycle,
    /// Groups `g0` in `g1` in ... in `g{n-1}`, the person `alice` in `g0`,
    /// and one admin grant on `prod` (the entry `db`) to `g{n-1}`.
    NestedGroups,
    /// Zones `d0` containing `d1` containing ... `d{n-1}`, the entry `web`
    /// in the innermost.
    NestedDomains,
}

/// An [`Extreme`] estate of size `n` (`n ≥ 2`) as an inventory in JSON.
///
/// ```
/// use ops_core::synth::{Extreme, extreme_json};
/// use ops_core::{Format, Inventory};
/// for shape in [Extreme::Chain, Extreme::Cycle, Extreme::NestedGroups, Extreme::NestedDomains] {
///     let inv = Inventory::from_text("x.json", Format::Json, &extreme_json(shape, 50))?;
///     assert!(!inv.components().is_empty());
/// }
/// # Ok::<(), ops_core::Error>(())
/// ```
pub fn extreme_json(shape: Extreme, n: usize) -> String {
    let n = n.max(2);
    let mut out = String::with_capacity(n * 48);
    match shape {
        Extreme::Chain | Extreme::Cycle => {
            out.push_str("{\"components\": [\n");
            for i in 0..n {
                let entry = if i == 0 { ", \"entry\": true" } else { "" };
                let next = if i + 1 < n {
                    format!(", \"depends_on\": [\"c{}\"]", i + 1)
                } else if shape == Extreme::Cycle {
                    ", \"depends_on\": [\"c0\"]".to_owned()
                } else {
                    String::new()
                };
                let sep = if i + 1 < n { ",\n" } else { "\n" };
                let _ = write!(out, "{{\"id\": \"c{i}\"{entry}{next}}}{sep}");
            }
            out.push_str("]}\n");
        }
        Extreme::NestedGroups => {
            out.push_str("{\"components\": [{\"id\": \"db\", \"entry\": true}],\n");
            out.push_str(
                "\"people\": [{\"id\": \"alice\"}],\n\"systems\": [{\"id\": \"prod\", \"component\": \"db\"}],\n",
            );
            let _ = write!(
                out,
                "\"grants\": [{{\"principal\": \"g{}\", \"system\": \"prod\", \"level\": \"admin\"}}],\n\"groups\": [\n",
                n - 1
            );
            for i in 0..n {
                let member = if i == 0 {
                    "alice".to_owned()
                } else {
                    format!("g{}", i - 1)
                };
                let sep = if i + 1 < n { ",\n" } else { "\n" };
                let _ = write!(out, "{{\"id\": \"g{i}\", \"members\": [\"{member}\"]}}{sep}");
            }
            out.push_str("]}\n");
        }
        Extreme::NestedDomains => {
            let _ = write!(
                out,
                "{{\"components\": [{{\"id\": \"web\", \"entry\": true, \"domains\": [\"d{}\"]}}],\n\"domains\": [\n",
                n - 1
            );
            for i in 0..n {
                let parent = if i == 0 {
                    String::new()
                } else {
                    format!(", \"parent\": \"d{}\"", i - 1)
                };
                let sep = if i + 1 < n { ",\n" } else { "\n" };
                let _ = write!(out, "{{\"id\": \"d{i}\", \"kind\": \"zone\"{parent}}}{sep}");
            }
            out.push_str("]}\n");
        }
    }
    out
}

/// An estate of product systems on a shared platform, about `n` components
/// (replica instances included) in YAML, for pictures at scale: each system
/// has a web entry point (tier 1 for every fourth system, tier 2 otherwise),
/// an API with three replicas over zones `a`, `b` and `c`, services with two
/// replicas, a cache, and a database (a single one in a zone, or, in every
/// third system, a cluster of two in two zones); everything needs `dns`, the APIs `auth` (three replicas)
/// and `kafka` (three replicas, two needed); `vault`, in zone `a`, backs
/// `auth`. Every system lists its components (`systems[].components`).
///
/// ```
/// use ops_core::synth::systems_yaml;
/// use ops_core::{Format, Inventory};
/// let inv = Inventory::from_text("estate.yaml", Format::Yaml, &systems_yaml(600, 1))?;
/// assert!((560..=640).contains(&inv.components().len()));
/// # Ok::<(), ops_core::Error>(())
/// ```
pub fn systems_yaml(n: usize, seed: u64) -> String {
    const SERVICES: usize = 10;
    // Components per system: web, api (+3 instances), cache, database
    // (1, or a cluster and its 2 members), services (+2 instances each).
    let per_system = 1 + 4 + 1 + 2 + 3 * SERVICES;
    let systems = (n.saturating_sub(12) / per_system).max(1);
    let mut rng = SplitMix64::new(seed);
    let zones = ["a", "b", "c"];
    let mut out = String::with_capacity(n * 120);
    out.push_str("domains:\n  - {id: eu, kind: region}\n");
    for z in zones {
        let _ = writeln!(out, "  - {{id: {z}, kind: zone, parent: eu}}");
    }
    out.push_str(
        "components:\n\
         \x20 - {id: dns, kind: dns}\n\
         \x20 - {id: vault, kind: service, domains: [a], depends_on: [dns]}\n\
         \x20 - {id: auth, replicas: {count: 3, spread: [a, b, c]}, depends_on: [vault, dns]}\n\
         \x20 - {id: kafka, kind: queue, replicas: {count: 3, min: 2, spread: [a, b, c]}, depends_on: [dns]}\n",
    );
    let mut system_lists = Vec::with_capacity(systems);
    for s in 0..systems {
        let p = format!("s{s}");
        let zone = zones[s % 3];
        let tier = if s % 4 == 0 { 1 } else { 2 };
        let mut ids = vec![
            format!("{p}-web"),
            format!("{p}-api"),
            format!("{p}-cache"),
            format!("{p}-db"),
        ];
        let mut api_deps = vec![
            format!("{p}-db"),
            format!("{p}-cache"),
            "auth".to_owned(),
            "kafka".to_owned(),
        ];
        // Chains of up to five systems, each calling the one before.
        if s % 5 != 0 {
            api_deps.push(format!("s{}-api", s - 1));
        }
        let _ = writeln!(
            out,
            "  - {{id: {p}-web, entry: true, tier: {tier}, depends_on: [{p}-api, dns]}}"
        );
        for k in 0..SERVICES {
            let svc = format!("{p}-svc{k}");
            let needs_db = rng.next_u64().is_multiple_of(2);
            let deps = if needs_db {
                format!("{p}-db, dns")
            } else {
                "dns".to_owned()
            };
            let _ = writeln!(
                out,
                "  - {{id: {svc}, replicas: {{count: 2, spread: [{}, {}]}}, depends_on: [{deps}]}}",
                zones[k % 3],
                zones[(k + 1) % 3]
            );
            if rng.next_u64().is_multiple_of(3) {
                api_deps.push(svc.clone());
            }
            ids.push(svc);
        }
        let _ = writeln!(
            out,
            "  - {{id: {p}-api, replicas: {{count: 3, spread: [a, b, c]}}, depends_on: [{}]}}",
            api_deps.join(", ")
        );
        let _ = writeln!(
            out,
            "  - {{id: {p}-cache, kind: cache, domains: [{zone}], depends_on: [dns]}}"
        );
        if s % 3 == 2 {
            let _ = writeln!(
                out,
                "  - {{id: {p}-db, kind: database, logical: true, requires: any, depends_on: [{p}-db-1, {p}-db-2]}}\n\
                 \x20 - {{id: {p}-db-1, kind: database, domains: [{}]}}\n\
                 \x20 - {{id: {p}-db-2, kind: database, domains: [{}]}}",
                zones[s % 3],
                zones[(s + 1) % 3]
            );
            ids.push(format!("{p}-db-1"));
            ids.push(format!("{p}-db-2"));
        } else {
            let _ = writeln!(out, "  - {{id: {p}-db, kind: database, domains: [{zone}]}}");
        }
        system_lists.push((p, ids));
    }
    out.push_str("systems:\n  - {id: platform, components: [dns, vault, auth, kafka]}\n");
    for (p, ids) in system_lists {
        let _ = writeln!(out, "  - {{id: {p}, components: [{}]}}", ids.join(", "));
    }
    out
}
