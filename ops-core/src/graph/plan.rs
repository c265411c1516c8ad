//! A game-day plan: the failures most worth trying next, chosen from the
//! model. Double faults first (a pair that takes an entry down together and
//! that no experiment within the window failed together), then untested
//! redundancy (a member of each redundancy no experiment exercised within
//! the window), then the single failures with the largest blast radius that
//! the model says the entry points survive.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::TimeDelta;

use super::analysis::{DoubleFaults, FailureAnalysis};
use super::compiled::Compiled;
use super::drills::{Experiment, is_redundancy};
use super::outage::Outage;
use crate::inventory::FailureTarget;
use crate::listing;
use crate::rng::SplitMix64;
use crate::{Component, Idx, Inventory, Requirement, Timestamp};

/// What a plan is made for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Experiments within this window before the instant count as tests
    /// (as for `graph/untested-redundancy`).
    pub window: TimeDelta,
    /// Plan for this entry point only; otherwise for every tier-1 and
    /// tier-2 entry point (no tier counting as tier 2).
    pub entry: Option<Idx<Component>>,
    /// How many experiments to plan.
    pub count: usize,
    /// Draws which member of a redundancy to fail, and which candidates to
    /// simulate when there are more than `budget`.
    pub seed: u64,
    /// The most survivable candidates simulated.
    pub budget: usize,
}

impl PlanOptions {
    /// The defaults: a 180-day window, every critical entry, 5 experiments,
    /// seed 0, 2000 candidates.
    pub const DEFAULT: PlanOptions = PlanOptions {
        window: TimeDelta::days(180),
        entry: None,
        count: 5,
        seed: 0,
        budget: 2000,
    };
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions::DEFAULT
    }
}

/// Why an experiment is in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanReason {
    /// Its two failures take this entry point down together, neither alone
    /// (see `graph/double-fault`), and no experiment within the window
    /// failed both.
    DoubleFault {
        /// The entry point.
        entry: Idx<Component>,
        /// How many such pairs the entry has (those found within the
        /// search's work bound).
        pairs: usize,
    },
    /// It exercises a redundancy no experiment exercised within the window.
    UntestedRedundancy {
        /// The redundancy.
        redundancy: Idx<Component>,
        /// Its last experiment, older than the window, if any.
        last: Option<Idx<Experiment>>,
    },
    /// The model says the entry points survive it; it takes this many
    /// components down.
    Survivable {
        /// How many components the model takes down.
        down: usize,
    },
}

/// One planned experiment.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PlannedExperiment {
    /// What to fail, together: one target, or the two of a double fault.
    pub failed: Vec<FailureTarget>,
    /// Why.
    pub reason: PlanReason,
    /// The model's prediction.
    pub outage: Outage,
    /// The prediction explained, one sentence a line: the chain that takes
    /// an entry down, or the redundancies that hold.
    pub explanation: Vec<String>,
}

impl FailureAnalysis<'_> {
    /// A game-day plan at `now`: up to `options.count` failures, first the
    /// double faults of the entry points in scope (most critical entry
    /// first, by id among equals; one pair per entry, the first by ids that
    /// no experiment within the window failed together, and no pair twice),
    /// then one member of each untested redundancy the entry points in
    /// scope stand on (those of tier-1 entries first, then by id), then the
    /// failures (failure domains and components in scope) the model says
    /// every entry point in scope survives, the largest outage first.
    /// Deterministic for a seed.
    ///
    /// Complexity: one simulation per experiment ([`Self::last_experiments`]),
    /// per untested redundancy planned, and per candidate up to
    /// `options.budget`; the double-fault search of each entry in scope
    /// until the plan is full, within [`super::DOUBLE_FAULT_RULE_WORK`]
    /// steps for them all.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::{FailureAnalysis, PlanOptions, PlanReason};
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, tier: 1, depends_on: [db]}
    ///   - {id: db, requires: any, depends_on: [db-1, db-2]}
    ///   - {id: db-1}
    ///   - {id: db-2}
    /// ")?;
    /// let analysis = FailureAnalysis::new(&inv);
    /// let plan = analysis.game_day_plan("2026-11-22T09:00:00Z".parse()?, &PlanOptions::DEFAULT);
    /// // db-1 and db-2 together take shop down: the first drill to run
    /// assert!(matches!(plan[0].reason, PlanReason::DoubleFault { pairs: 1, .. }));
    /// assert_eq!(plan[0].outage.entries_down(), [inv.component_by_id("shop").expect("defined")]);
    /// assert!(matches!(plan[1].reason, PlanReason::UntestedRedundancy { .. }));
    /// assert!(plan[1].outage.entries_down().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn game_day_plan(&self, now: Timestamp, options: &PlanOptions) -> Vec<PlannedExperiment> {
        let inv = self.inventory();
        let g = self.compiled();
        let mut rng = SplitMix64::new(options.seed);
        // The entry points in scope, which components they stand on, and
        // which of those a tier-1 entry in scope stands on.
        let (scope, in_scope, tier1): (Vec<Idx<Component>>, Vec<bool>, Vec<bool>) = match options.entry {
            Some(e) => {
                let mask = cone(inv, e);
                let t1 = if inv.component(e).tier == Some(1) {
                    mask.clone()
                } else {
                    vec![false; mask.len()]
                };
                (vec![e], mask, t1)
            }
            None => {
                let critical = self.critical_entries();
                let entries: BTreeSet<Idx<Component>> = critical.iter().flatten().map(|m| m.entry).collect();
                let scope = inv.entries().iter().copied().filter(|e| entries.contains(e)).collect();
                (
                    scope,
                    critical.iter().map(Option::is_some).collect(),
                    critical.iter().map(|m| m.is_some_and(|m| m.tier == Some(1))).collect(),
                )
            }
        };
        let mut plan = Vec::new();
        let mut planned: HashSet<FailureTarget> = HashSet::new();
        // Double faults, most critical entry first: one untried pair each.
        let recent = self.recent_outages(now, options.window);
        let mut by_tier: Vec<(u8, &str, Idx<Component>)> = (scope.iter())
            .map(|&e| (inv.component(e).tier.unwrap_or(2), inv.component(e).id.as_str(), e))
            .collect();
        by_tier.sort();
        let mut tried: HashSet<(Idx<Component>, Idx<Component>)> = HashSet::new();
        let (all, _) = self.all_double_faults(super::MAX_COUNTED_PAIRS, super::DOUBLE_FAULT_RULE_WORK);
        let mut of_entry: HashMap<Idx<Component>, DoubleFaults> = all.into_iter().map(|f| (f.entry, f)).collect();
        for (_, _, e) in by_tier {
            if plan.len() >= options.count {
                break;
            }
            let Some(faults) = of_entry.remove(&e) else {
                continue;
            };
            let mut pairs: Vec<(&str, &str, Idx<Component>, Idx<Component>)> = (faults.pairs.iter())
                .filter(|&&(x, y)| !recent.iter().any(|o| o.is_down(x) && o.is_down(y)))
                .filter(|&&p| !tried.contains(&p))
                .map(|&(x, y)| {
                    let (a, b) = (inv.component(x).id.as_str(), inv.component(y).id.as_str());
                    if a <= b { (a, b, x, y) } else { (b, a, y, x) }
                })
                .collect();
            pairs.sort_unstable();
            let Some(&(_, _, x, y)) = pairs.first() else {
                continue;
            };
            tried.insert((x.min(y), x.max(y)));
            let failed = vec![FailureTarget::Component(x), FailureTarget::Component(y)];
            let outage = self.simulate(&failed);
            let explanation = match outage.explain(inv, e) {
                Some(steps) => steps.iter().rev().map(|s| s.describe(inv)).collect(),
                None => explain(inv, g, &outage, &scope),
            };
            plan.push(PlannedExperiment {
                failed,
                reason: PlanReason::DoubleFault {
                    entry: e,
                    pairs: faults.pairs.len(),
                },
                outage,
                explanation,
            });
        }
        let last = self.last_experiments(now);
        let mut untested: Vec<(bool, &str, usize)> = inv
            .components()
            .iter()
            .enumerate()
            .filter(|&(i, c)| in_scope[i] && is_redundancy(c))
            .filter(|&(i, _)| {
                last.get(&Idx::new(i))
                    .is_none_or(|&e| now - inv.experiment(e).at > options.window)
            })
            .map(|(i, c)| (!tier1[i], c.id.as_str(), i))
            .collect();
        untested.sort();
        for (_, _, r) in untested {
            if plan.len() >= options.count {
                return plan;
            }
            let members: Vec<Idx<Component>> = (inv.components()[r].depends_on.iter())
                .copied()
                .filter(|&m| g.can_fail(m.index() as u32))
                .collect();
            if members.is_empty() {
                continue;
            }
            let member = members[rng.below(members.len())];
            let target = FailureTarget::Component(member);
            if !planned.insert(target) {
                continue;
            }
            let outage = self.simulate(&[target]);
            let explanation = explain(inv, g, &outage, &scope);
            plan.push(PlannedExperiment {
                failed: vec![target],
                reason: PlanReason::UntestedRedundancy {
                    redundancy: Idx::new(r),
                    last: last.get(&Idx::new(r)).copied(),
                },
                outage,
                explanation,
            });
        }
        // Survivable failures, largest first: domains, then failable
        // components in scope; sampled by the seed past the budget.
        let recent: HashSet<FailureTarget> = inv
            .experiments()
            .iter()
            .filter(|e| e.at <= now && now - e.at <= options.window)
            .filter_map(|e| match e.failed.as_slice() {
                [one] => Some(*one),
                _ => None,
            })
            .collect();
        let scope_set: HashSet<Idx<Component>> = scope.iter().copied().collect();
        let mut candidates: Vec<FailureTarget> = (0..inv.domains().len())
            .map(|d| FailureTarget::Domain(Idx::new(d)))
            .chain(
                (0..inv.components().len())
                    .filter(|&c| in_scope[c] && g.can_fail(c as u32) && !scope_set.contains(&Idx::new(c)))
                    .map(|c| FailureTarget::Component(Idx::new(c))),
            )
            .filter(|t| !planned.contains(t) && !recent.contains(t))
            .collect();
        if candidates.len() > options.budget {
            // A partial Fisher-Yates shuffle: the first `budget` are a uniform sample.
            for i in 0..options.budget {
                let j = i + rng.below(candidates.len() - i);
                candidates.swap(i, j);
            }
            candidates.truncate(options.budget);
        }
        let mut survivable: Vec<(usize, String, FailureTarget, Outage)> = Vec::new();
        for t in candidates {
            let outage = self.simulate(&[t]);
            if outage.len() > 1 && scope.iter().all(|&e| !outage.is_down(e)) {
                survivable.push((outage.len(), target_id(inv, t).to_owned(), t, outage));
            }
        }
        survivable.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        for (down, _, t, outage) in survivable {
            if plan.len() >= options.count {
                break;
            }
            let explanation = explain(inv, g, &outage, &scope);
            plan.push(PlannedExperiment {
                failed: vec![t],
                reason: PlanReason::Survivable { down },
                outage,
                explanation,
            });
        }
        plan
    }
}

/// The id of a failure target.
fn target_id(inv: &Inventory, t: FailureTarget) -> &str {
    match t {
        FailureTarget::Component(c) => &inv.component(c).id,
        FailureTarget::Domain(d) => &inv.domain(d).id,
    }
}

/// Every component `entry` stands on (itself included), as a mask.
fn cone(inv: &Inventory, entry: Idx<Component>) -> Vec<bool> {
    let mut seen = vec![false; inv.components().len()];
    seen[entry.index()] = true;
    let mut stack = vec![entry];
    while let Some(c) = stack.pop() {
        for &d in &inv.component(c).depends_on {
            if !seen[d.index()] {
                seen[d.index()] = true;
                stack.push(d);
            }
        }
    }
    seen
}

/// The prediction in sentences: the chain to the first entry in scope the
/// outage takes down, or else the redundancies that lose dependencies and
/// hold.
fn explain(inv: &Inventory, g: &Compiled, outage: &Outage, scope: &[Idx<Component>]) -> Vec<String> {
    if let Some(&e) = scope.iter().find(|&&e| outage.is_down(e)) {
        let steps = outage.explain(inv, e).unwrap_or_default();
        return steps.iter().rev().map(|s| s.describe(inv)).collect();
    }
    // The redundancies that lost a dependency and stayed up: dependents of
    // what went down, so the work is that of the outage.
    let mut held: BTreeSet<Idx<Component>> = BTreeSet::new();
    for d in outage.down() {
        for &r in g.dependents.row(d.index() as u32) {
            let r = Idx::new(r as usize);
            if is_redundancy(inv.component(r)) && !outage.is_down(r) {
                held.insert(r);
            }
        }
    }
    let mut out = Vec::new();
    for r in held {
        let c = inv.component(r);
        let (lost, kept): (Vec<Idx<Component>>, Vec<Idx<Component>>) =
            c.depends_on.iter().partition(|&&d| outage.is_down(d));
        let rule = match c.requires {
            Requirement::AtLeast(k) => format!("at least {k} of its {} dependencies", c.depends_on.len()),
            _ => format!("any one of its {} dependencies", c.depends_on.len()),
        };
        let names = |cs: &[Idx<Component>]| listing::join(cs.iter().map(|&x| inv.component(x).id.as_str()), ", ");
        out.push(format!(
            "{} holds: it requires {rule}, and the model keeps {} up while {} {} down",
            c.id,
            names(&kept),
            names(&lost),
            if lost.len() == 1 { "is" } else { "are" }
        ));
    }
    if out.is_empty() {
        out.push("no entry point in scope stands on what goes down".to_owned());
    }
    out
}
