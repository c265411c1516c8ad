//! Failover drills and chaos experiments against the model: which
//! redundancies an experiment exercised, which redundancies the critical
//! entries stand on, and where an experiment's observed outcome disagrees
//! with what the model predicts for the same failure.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::analysis::FailureAnalysis;
use super::outage::Outage;
use crate::listing;
pub use crate::model::experiment::Experiment;
use crate::{Component, Idx, Inventory, Requirement, Timestamp};

/// The most redundancies an explanation of one disagreement names.
pub const MAX_EXPLAINED_REDUNDANCIES: usize = 8;
/// The most shared dependencies and domains an explanation names.
pub const MAX_SHARED_NAMED: usize = 10;
/// The most survivors of one redundancy whose dependencies are compared.
pub const MAX_COMPARED_SURVIVORS: usize = 32;

/// Whether component `c` is a redundancy: a rule (`any`, `at_least`, or
/// `replicas:` with `min` below `count`) that survives the loss of at least
/// one of its dependencies.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::graph::is_redundancy;
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// components:
///   - {id: db, requires: any, depends_on: [db-1, db-2]}
///   - {id: db-1}
///   - {id: db-2}
/// ")?;
/// assert!(is_redundancy(inv.component(inv.component_by_id("db").expect("defined"))));
/// assert!(!is_redundancy(inv.component(inv.component_by_id("db-1").expect("defined"))));
/// # Ok::<(), ops_core::Error>(())
/// ```
pub fn is_redundancy(c: &Component) -> bool {
    let n = c.depends_on.len();
    let needed = match c.requires {
        Requirement::All => return false,
        Requirement::Any => 1,
        Requirement::AtLeast(k) => k as usize,
    };
    n >= 2 && needed < n
}

/// The most critical entry point (by tier) whose dependency cone holds a
/// component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CriticalEntry {
    /// The entry point.
    pub entry: Idx<Component>,
    /// Its tier, `None` counting as tier 2.
    pub tier: Option<u8>,
}

impl FailureAnalysis<'_> {
    /// For every component, the most critical tier-1 or tier-2 entry point
    /// (an entry without a tier counts as tier 2) that depends on it,
    /// directly or not; `None` for components no such entry stands on.
    /// Among entries of one tier, the first by id wins.
    ///
    /// Complexity: O(V + E): each component is labelled once, entries
    /// visited most critical first, and a search stops at what an earlier
    /// entry already labelled (its cone is labelled whole).
    pub fn critical_entries(&self) -> Vec<Option<CriticalEntry>> {
        let inv = self.inventory();
        let mut entries: Vec<(u8, &str, Idx<Component>)> = inv
            .entries()
            .iter()
            .filter_map(|&e| {
                let c = inv.component(e);
                match c.tier {
                    Some(t @ (1 | 2)) => Some((t, c.id.as_str(), e)),
                    None => Some((2, c.id.as_str(), e)),
                    Some(_) => None,
                }
            })
            .collect();
        entries.sort();
        let mut label: Vec<Option<CriticalEntry>> = vec![None; inv.components().len()];
        let mut stack = Vec::new();
        for (_, _, e) in entries {
            if label[e.index()].is_some() {
                continue;
            }
            let mark = CriticalEntry {
                entry: e,
                tier: inv.component(e).tier,
            };
            label[e.index()] = Some(mark);
            stack.push(e);
            while let Some(c) = stack.pop() {
                for &d in &inv.component(c).depends_on {
                    if label[d.index()].is_none() {
                        label[d.index()] = Some(mark);
                        stack.push(d);
                    }
                }
            }
        }
        label
    }

    /// The redundancies (see [`is_redundancy`]) that failing what
    /// `experiment` failed exercises in the model: those with at least one
    /// dependency down, whether it was failed itself, is an instance that
    /// was failed, sits in a failed domain, or went down through what it
    /// stands on. Sorted, with the simulated outage.
    ///
    /// Complexity: that of [`FailureAnalysis::simulate`], plus the down
    /// components' dependents.
    pub fn exercised(&self, experiment: &Experiment) -> (Vec<Idx<Component>>, Outage) {
        let inv = self.inventory();
        let g = self.compiled();
        let outage = self.experiment_outage(experiment);
        let mut out: BTreeSet<Idx<Component>> = BTreeSet::new();
        for d in outage.down() {
            for &r in g.dependents.row(d.index() as u32) {
                let r = Idx::new(r as usize);
                if is_redundancy(inv.component(r)) {
                    out.insert(r);
                }
            }
        }
        (out.into_iter().collect(), outage)
    }

    /// What the model says `experiment`'s failure took down, at the
    /// experiment's instant: a `person` domain it failed holds what the
    /// grants then in force put in it ([`Inventory::failure_targets_at`]),
    /// not what they do at the instant the inventory was loaded for.
    pub(crate) fn experiment_outage(&self, experiment: &Experiment) -> Outage {
        match self.inventory().failure_targets_at(&experiment.failed, experiment.at) {
            Some(then) => self.simulate(&then),
            None => self.simulate(&experiment.failed),
        }
    }

    /// The model's outage of every experiment at or before `now` and at most
    /// `window` before it, in definition order.
    ///
    /// Complexity: one simulation per such experiment.
    pub fn recent_outages(&self, now: Timestamp, window: chrono::TimeDelta) -> Vec<Outage> {
        (self.inventory().experiments().iter())
            .filter(|e| e.at <= now && now - e.at <= window)
            .map(|e| self.experiment_outage(e))
            .collect()
    }

    /// For every redundancy some experiment at or before `now` exercised,
    /// the last such experiment (the latest `at`; of two at one instant, the
    /// one defined later).
    ///
    /// Complexity: one [`FailureAnalysis::exercised`] per experiment.
    pub fn last_experiments(&self, now: Timestamp) -> HashMap<Idx<Component>, Idx<Experiment>> {
        let inv = self.inventory();
        let mut order: Vec<usize> = (0..inv.experiments().len())
            .filter(|&i| inv.experiments()[i].at <= now)
            .collect();
        order.sort_by_key(|&i| (inv.experiments()[i].at, i));
        let mut last = HashMap::new();
        for i in order {
            let (exercised, _) = self.exercised(&inv.experiments()[i]);
            for r in exercised {
                last.insert(r, Idx::new(i));
            }
        }
        last
    }

    /// The model's prediction for `experiment`'s failure against what was
    /// observed: every listed entry point the model disagrees on, with an
    /// explanation. Entry points the experiment does not list are not
    /// compared.
    ///
    /// The model is the one at the experiment's instant: a failed `person`
    /// domain holds what the grants in force then put in it.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, depends_on: [db]}
    ///   - {id: db, requires: any, depends_on: [db-1, db-2]}
    ///   - {id: db-1}
    ///   - {id: db-2}
    /// experiments:
    ///   - {id: failover, at: 2026-11-02T10:00:00Z, failed: [db-1], went_down: [shop]}
    /// ")?;
    /// let analysis = FailureAnalysis::new(&inv);
    /// let check = analysis.check_experiment(inv.experiment_by_id("failover").expect("defined"));
    /// assert_eq!(check.disagreements.len(), 1);
    /// assert!(!check.disagreements[0].predicted_down);
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn check_experiment(&self, idx: Idx<Experiment>) -> ExperimentCheck {
        let inv = self.inventory();
        let e = inv.experiment(idx);
        let outage = self.experiment_outage(e);
        let mut disagreements = Vec::new();
        for &entry in &e.went_down {
            if !outage.is_down(entry) {
                disagreements.push(Disagreement {
                    entry,
                    predicted_down: false,
                    explanation: self.why_not_down(&outage, entry),
                });
            }
        }
        for &entry in &e.stayed_up {
            if outage.is_down(entry) {
                let mut explanation: Vec<String> = vec!["the model's chain of failure:".to_owned()];
                let steps = outage.explain(inv, entry).unwrap_or_default();
                explanation.extend(steps.iter().rev().map(|s| s.describe(inv)));
                explanation.push(format!(
                    "'{}' stayed up, so one of these links does not hold: a rule stricter than the real one \
                     (`all` where `any` holds) or a dependency it does not really need",
                    inv.component(entry).id
                ));
                disagreements.push(Disagreement {
                    entry,
                    predicted_down: true,
                    explanation,
                });
            }
        }
        ExperimentCheck {
            experiment: idx,
            outage,
            disagreements,
        }
    }

    /// Why the model keeps `entry` up under `outage`: the redundancies in its
    /// cone that lost dependencies and held, with what their survivors share.
    fn why_not_down(&self, outage: &Outage, entry: Idx<Component>) -> Vec<String> {
        let inv = self.inventory();
        let entry_id = &inv.component(entry).id;
        // The entry's cone, nearest first: the redundancies that held.
        let mut seen: HashSet<Idx<Component>> = HashSet::from([entry]);
        let mut queue = std::collections::VecDeque::from([entry]);
        // (the redundancy, its members down, its members up)
        type Held = (Idx<Component>, Vec<Idx<Component>>, Vec<Idx<Component>>);
        let mut held: Vec<Held> = Vec::new();
        while let Some(c) = queue.pop_front() {
            let comp = inv.component(c);
            if is_redundancy(comp) && held.len() < MAX_EXPLAINED_REDUNDANCIES {
                let (lost, survivors): (Vec<Idx<Component>>, Vec<Idx<Component>>) =
                    comp.depends_on.iter().partition(|&&d| outage.is_down(d));
                if !lost.is_empty() {
                    held.push((c, lost, survivors));
                }
            }
            for &d in &comp.depends_on {
                if seen.insert(d) {
                    queue.push_back(d);
                }
            }
        }
        if held.is_empty() {
            return vec![format!(
                "nothing '{entry_id}' depends on in the inventory loses a dependency to this failure: \
                 '{entry_id}' depends on something that failed here which the inventory does not list"
            )];
        }
        let mut out = Vec::new();
        for (r, lost, survivors) in held {
            let c = inv.component(r);
            let rule = match c.requires {
                Requirement::AtLeast(k) => format!("at least {k} of its {} dependencies", c.depends_on.len()),
                _ => format!("any one of its {} dependencies", c.depends_on.len()),
            };
            let names = |cs: &[Idx<Component>]| listing::join(cs.iter().map(|&x| inv.component(x).id.as_str()), ", ");
            out.push(format!(
                "{} requires {rule}; the failure took down {} and the model keeps {} up",
                c.id,
                names(&lost),
                names(&survivors)
            ));
            let shared = shared_by(inv, &survivors);
            if shared.is_empty() {
                out.push(format!(
                    "the survivors share no dependency or failure domain in the inventory: \
                     '{entry_id}' went down, so they must share something the inventory does not list, \
                     or '{}' needs more of them than its rule says",
                    c.id
                ));
            } else {
                let more = shared.len().saturating_sub(MAX_SHARED_NAMED);
                let mut named = listing::join(&shared[..shared.len() - more], ", ");
                if more > 0 {
                    named.push_str(&format!(" and {more} more"));
                }
                let (who, verb) = match survivors.as_slice() {
                    [one] => (format!("'{}'", inv.component(*one).id), "stands"),
                    _ => ("the survivors".to_owned(), "all stand"),
                };
                out.push(format!(
                    "{who} {verb} on {named}: if the failure took one of these down too, the inventory is missing \
                     that dependency of theirs; otherwise '{entry_id}' needs something that failed which the \
                     inventory does not list"
                ));
            }
        }
        out
    }
}

/// What `survivors` all share: dependencies (direct or not) and failure
/// domains (with their parents), as `'id'` phrases, sorted. Compares at
/// most [`MAX_COMPARED_SURVIVORS`] survivors.
fn shared_by(inv: &Inventory, survivors: &[Idx<Component>]) -> Vec<String> {
    let survivors = &survivors[..survivors.len().min(MAX_COMPARED_SURVIVORS)];
    let Some((&first, rest)) = survivors.split_first() else {
        return Vec::new();
    };
    let cone = |c: Idx<Component>| {
        let mut seen: HashSet<Idx<Component>> = HashSet::new();
        let mut stack = vec![c];
        while let Some(x) = stack.pop() {
            for &d in &inv.component(x).depends_on {
                if seen.insert(d) {
                    stack.push(d);
                }
            }
        }
        seen
    };
    let domains = |c: Idx<Component>| {
        let mut out = HashSet::new();
        for &d in &inv.component(c).domains {
            let mut cur = Some(d);
            while let Some(x) = cur {
                if !out.insert(x) {
                    break;
                }
                cur = inv.domain(x).parent;
            }
        }
        out
    };
    let mut deps = cone(first);
    let mut doms = domains(first);
    for &s in rest {
        let other = cone(s);
        deps.retain(|d| other.contains(d));
        let other = domains(s);
        doms.retain(|d| other.contains(d));
    }
    let mut out: Vec<String> = deps
        .into_iter()
        .map(|d| format!("dependency '{}'", inv.component(d).id))
        .chain(doms.into_iter().map(|d| {
            let d = inv.domain(d);
            format!("{} '{}'", d.kind.as_str(), d.id)
        }))
        .collect();
    out.sort();
    out
}

/// One experiment's observed outcome against the model's prediction.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ExperimentCheck {
    /// The experiment.
    pub experiment: Idx<Experiment>,
    /// What the model says its failure takes down.
    pub outage: Outage,
    /// The listed entry points the model disagrees on: those observed down
    /// first (in the order listed), then those observed up.
    pub disagreements: Vec<Disagreement>,
}

/// An entry point whose observed state differs from the model's prediction.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Disagreement {
    /// The entry point.
    pub entry: Idx<Component>,
    /// What the model predicts: down (it was observed up) or up (it was
    /// observed down).
    pub predicted_down: bool,
    /// Why, as far as the graph can tell, one sentence a line.
    pub explanation: Vec<String>,
}
