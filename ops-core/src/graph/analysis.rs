//! The failure-analysis API: what fails when something fails.

use std::sync::{Mutex, OnceLock};

use super::compiled::Compiled;
use super::cone::{Cone, PathScratch};
use super::kill::{Closure, KillGraph};
use super::outage::Outage;
use super::propagate::{Propagator, Scratch};
use crate::csr::Csr;
use crate::inventory::FailureTarget;
use crate::{Component, Domain, Idx, Inventory};

/// Failure analysis over one inventory's dependency graph.
///
/// Semantics: a component with rule `all` is down when any dependency is
/// down, `any` when every dependency is down, `at_least: k` when fewer than
/// k dependencies are up; a component without dependencies goes down only
/// when it fails itself. The down set of a set of failures is the least
/// fixed point: a healthy cycle stays up, a failure propagates around a
/// cycle, and components in an `any` cycle can hold each other up after
/// their other dependencies fail.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::graph::FailureAnalysis;
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// components:
///   - {id: shop, entry: true, depends_on: [lb]}
///   - {id: lb, requires: any, depends_on: [web-1, web-2]}
///   - {id: web-1, depends_on: [db]}
///   - {id: web-2, depends_on: [db]}
///   - {id: db}
/// ")?;
/// let analysis = FailureAnalysis::new(&inv);
/// let spofs = analysis.spofs();
/// let ids: Vec<&str> = spofs.entries()[0].spofs.iter().map(|&c| inv.component(c).id.as_str()).collect();
/// assert_eq!(ids, ["lb", "db"]); // not web-1 or web-2: they back each other up
/// # Ok::<(), ops_core::Error>(())
/// ```
#[derive(Debug)]
pub struct FailureAnalysis<'a> {
    inv: &'a Inventory,
    /// The whole graph, compiled on first use, where the entries' cone is
    /// not the whole graph (where it is, the cone's graph is this one).
    g: OnceLock<Compiled>,
    /// The whole graph's kill graph, built on first use, where the cone's
    /// cannot serve (as for `g`).
    kill: OnceLock<KillGraph>,
    /// What the entry points stand on, compiled on its own on first use:
    /// the SPOFs of entries need nothing else.
    cone: OnceLock<Cone>,
    /// Arrays of one number per component, kept between questions so that
    /// one question does not cost the size of the graph to prepare: the
    /// whole graph's propagation state, and a kill-graph search's.
    propagation: Mutex<Scratch>,
    closure: Mutex<Option<Closure>>,
}

/// The single points of failure of one entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntrySpofs {
    /// The entry point.
    pub entry: Idx<Component>,
    /// Components other than the entry whose failure alone takes it down,
    /// sorted; never a logical one, which cannot fail alone.
    pub spofs: Vec<Idx<Component>>,
}

/// Single points of failure of every entry point, and the inverse map.
#[derive(Clone, Debug)]
pub struct SpofReport {
    entries: Vec<EntrySpofs>,
    /// `takes_down.row(x)`: the entries component x takes down alone.
    takes_down: Csr,
}

impl SpofReport {
    /// One record per entry point, in definition order.
    pub fn entries(&self) -> &[EntrySpofs] {
        &self.entries
    }

    /// The entry points that component `x` takes down by failing alone (not
    /// counting `x` itself), sorted.
    pub fn entries_taken_down_by(&self, x: Idx<Component>) -> impl Iterator<Item = Idx<Component>> + '_ {
        self.takes_down
            .row(x.index() as u32)
            .iter()
            .map(|&e| Idx::new(e as usize))
    }
}

/// The failure domains whose failure alone takes an entry point down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDomainSpofs {
    /// The entry point.
    pub entry: Idx<Component>,
    /// Domains whose failure takes it down, sorted.
    pub domains: Vec<Idx<Domain>>,
}

/// Pairs of components that take an entry down together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoubleFaults {
    /// The entry point.
    pub entry: Idx<Component>,
    /// Pairs `(x, y)`, `x < y`, neither a single point of failure of the
    /// entry nor logical, whose joint failure takes it down; in index order.
    pub pairs: Vec<(Idx<Component>, Idx<Component>)>,
    /// Whether the list stopped at the limit.
    pub truncated: bool,
    /// False when the search stopped at its work bound
    /// ([`super::DOUBLE_FAULT_WORK`]) before trying every pair it had to:
    /// there may be pairs other than those listed.
    pub complete: bool,
}

/// How one single failure takes an entry point down, kept short: a shortest
/// chain of links "`down` is down because `because` is", of which the links
/// nearest the failure and nearest the entry are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FailurePath {
    /// How many links the whole chain has.
    pub(crate) links: usize,
    /// `(down, because)` links from the failure upwards.
    pub(crate) near_failure: Vec<(Idx<Component>, Idx<Component>)>,
    /// `(down, because)` links ending at the entry, upwards; empty when
    /// `near_failure` is the whole chain.
    pub(crate) near_entry: Vec<(Idx<Component>, Idx<Component>)>,
}

impl<'a> FailureAnalysis<'a> {
    /// Prepares the analysis. Costs nothing up front: each question compiles
    /// what it needs on first use (compact adjacency in both directions and
    /// expanded domain membership, linear in the size of the inventory; the
    /// SPOFs of entry points only compile the part of the graph the entries
    /// depend on) and keeps it for the next question.
    pub fn new(inv: &'a Inventory) -> Self {
        FailureAnalysis {
            inv,
            g: OnceLock::new(),
            kill: OnceLock::new(),
            cone: OnceLock::new(),
            propagation: Mutex::new(Scratch::default()),
            closure: Mutex::new(None),
        }
    }

    /// The inventory analysed.
    pub fn inventory(&self) -> &'a Inventory {
        self.inv
    }

    /// The compiled dependency graph (adjacency arrays in both directions).
    pub(crate) fn compiled(&self) -> &Compiled {
        // Where the entries' cone is built and every component serves an
        // entry, the cone is the whole graph, compiled identically: it is
        // used, not compiled again (BENCHMARKS.md section 18.2). The cone is
        // not built for this: a question that needs none (a simulation) on
        // an estate where some component serves no entry would compile both.
        if let Some(cone) = self.cone.get()
            && cone.is_whole()
        {
            return &cone.g;
        }
        self.g.get_or_init(|| Compiled::new(self.inv))
    }

    /// The part of the graph the entry points depend on, compiled on its own.
    pub(crate) fn entry_cone(&self) -> &Cone {
        self.cone.get_or_init(|| Cone::of_entries(self.inv))
    }

    /// Fails `targets` (components, and every member of failed domains and
    /// their nested domains) and propagates to the fixed point.
    ///
    /// Complexity: proportional to what goes down and those components'
    /// dependents. The first question (and one asked while another runs on
    /// another thread) also prepares O(V) scratch space, which later ones
    /// reuse.
    pub fn simulate(&self, targets: &[FailureTarget]) -> Outage {
        // Never stopped, so there is always an outage.
        self.simulate_until(targets, &|| false)
            .unwrap_or_else(|| Outage::none(targets.to_vec()))
    }

    /// Like [`FailureAnalysis::simulate`], but gives up, returning `None`, as
    /// soon as `stop` returns true. It is asked as the propagation goes
    /// (every few thousand components taken down), so a caller on a time
    /// budget (a plugin host at its deadline) can cancel a question about a
    /// large estate part way.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// use ops_core::inventory::FailureTarget;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: shop, entry: true}]")?;
    /// let analysis = FailureAnalysis::new(&inv);
    /// let shop = FailureTarget::Component(inv.component_by_id("shop").expect("defined"));
    /// assert_eq!(analysis.simulate_until(&[shop], &|| false).map(|o| o.len()), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn simulate_until(&self, targets: &[FailureTarget], stop: &dyn Fn() -> bool) -> Option<Outage> {
        let g = self.compiled();
        let mut p = Propagator::reusing(g, take_scratch(&self.propagation).unwrap_or_default());
        let mut direct = Vec::new();
        for &t in targets {
            g.direct_failures(t, &mut direct);
        }
        for c in direct {
            p.fail(c);
        }
        let outage = p
            .run_until(stop)
            .then(|| Outage::capture(self.inv, &p, targets.to_vec()));
        put_scratch(&self.propagation, p.into_scratch());
        outage
    }

    /// Why failing `failed` takes component `c` down: the chain of violated
    /// rules from `c` back to a failed component, or `None` if `c` stays up.
    /// Use it for the reason behind a single point of failure (`failed` = the
    /// SPOF) or a double fault (`failed` = the pair).
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// use ops_core::graph::FailureAnalysis;
    /// use ops_core::inventory::FailureTarget;
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: shop, entry: true, requires: any, depends_on: [a, b]}
    ///   - {id: a}
    ///   - {id: b}
    /// ")?;
    /// let analysis = FailureAnalysis::new(&inv);
    /// let pair = analysis.double_faults(inv.component_by_id("shop").expect("defined"), 10).pairs[0];
    /// let why = analysis
    ///     .explain(&[FailureTarget::Component(pair.0), FailureTarget::Component(pair.1)], inv.component_by_id("shop").expect("defined"))
    ///     .expect("the pair takes shop down");
    /// assert_eq!(why[0].describe(&inv), "shop is down: it requires any one of its dependencies, and 2 of 2 are down (a, b)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, failed: &[FailureTarget], c: Idx<Component>) -> Option<Vec<super::Step>> {
        self.simulate(failed).explain(self.inv, c)
    }

    /// What fails when component `x` fails alone.
    pub fn blast_radius(&self, x: Idx<Component>) -> Outage {
        self.simulate(&[FailureTarget::Component(x)])
    }

    /// The kill graph of the whole graph (every component's generators).
    pub(crate) fn kill_graph(&self) -> &KillGraph {
        // The cone's, where the cone is the whole graph and single points of
        // failure need a kill graph too: the one they build. The cone is
        // built for this, as it costs a fraction of a kill graph, and every
        // question that needs a kill graph asks about single failures.
        let cone = self.entry_cone();
        if cone.is_whole()
            && let Some(kill) = cone.kill_graph()
        {
            return kill;
        }
        self.kill.get_or_init(|| KillGraph::build(self.compiled()))
    }

    /// The single points of failure of every entry point at once, with the
    /// inverse map (for each component, the entries it takes down).
    ///
    /// Complexity: only the part of the graph the entry points depend on is
    /// compiled and searched. Where that part is acyclic and every component
    /// in it is `any` (or has one dependency), the answer is the dominator
    /// tree (semi-NCA, near-linear) read off per entry. Otherwise building
    /// its kill graph (once per analysis) costs, for each component with an
    /// `any` or `at_least` rule, a search below its dependencies that stops
    /// where they converge; then one reachability search per entry,
    /// proportional to the size of its answer. No propagation per component.
    pub fn spofs(&self) -> SpofReport {
        let cone = self.entry_cone();
        let mut closure = Closure::new(cone.g.len());
        let mut entries = Vec::with_capacity(cone.g.entries.len());
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut killers = Vec::new();
        for &e in &cone.g.entries {
            killers.clear();
            cone.killers(e, &mut closure, &mut killers);
            // A logical component cannot fail alone: it is on the way, not a cause.
            killers.retain(|&x| cone.g.can_fail(x));
            // Nodes are numbered in inventory order: sorted nodes are sorted components.
            killers.sort_unstable();
            let entry = cone.global(e);
            pairs.extend(killers.iter().map(|&x| (cone.global(x), entry)));
            entries.push(EntrySpofs {
                entry: Idx::new(entry as usize),
                spofs: killers.iter().map(|&x| Idx::new(cone.global(x) as usize)).collect(),
            });
        }
        let takes_down = Csr::from_pairs(self.inv.components().len(), pairs.iter().copied());
        SpofReport { entries, takes_down }
    }

    /// For each of `spofs` (single points of failure of entry point
    /// `entry`), a bounded account of how its failure takes the entry down:
    /// the links nearest each end of a shortest chain, `keep` at each end,
    /// and the chain's length. `None` for a component that is not one of
    /// the entry's single points of failure.
    ///
    /// Complexity: one search over the entry's single points of failure,
    /// plus `O(keep)` per component asked about; `scratch` carries the search's
    /// arrays from one entry to the next.
    pub(crate) fn failure_paths(
        &self,
        entry: Idx<Component>,
        spofs: &[Idx<Component>],
        keep: usize,
        scratch: &mut PathScratch,
    ) -> Vec<Option<FailurePath>> {
        let cone = self.entry_cone();
        let Some(e) = cone.node(entry.index() as u32) else {
            return vec![None; spofs.len()];
        };
        let targets: Vec<u32> = spofs.iter().map(|x| cone.node(x.index() as u32).unwrap_or(e)).collect();
        let global = |(down, because): (u32, u32)| {
            (
                Idx::new(cone.global(down) as usize),
                Idx::new(cone.global(because) as usize),
            )
        };
        cone.kill_paths(e, &targets, keep, scratch)
            .into_iter()
            .map(|p| {
                p.map(|p| FailurePath {
                    links: p.links,
                    near_failure: p.near_failure.into_iter().map(global).collect(),
                    near_entry: p.near_entry.into_iter().map(global).collect(),
                })
            })
            .collect()
    }

    /// The single points of failure of one component (usually an entry point):
    /// every other component whose failure alone takes it down, sorted.
    pub fn spofs_of(&self, entry: Idx<Component>) -> Vec<Idx<Component>> {
        let mut killers = Vec::new();
        let cone = self.entry_cone();
        // A search's scratch is sized for the graph searched: the cone's,
        // or the whole graph's for a component outside it.
        let scratch = take_scratch(&self.closure).flatten();
        let sized = |n: usize| scratch.filter(|c| c.len() == n).unwrap_or_else(|| Closure::new(n));
        if let Some(e) = cone.node(entry.index() as u32) {
            let mut closure = sized(cone.g.len());
            cone.killers(e, &mut closure, &mut killers);
            put_scratch(&self.closure, Some(closure));
            killers.retain(|&x| cone.g.can_fail(x));
            killers.sort_unstable();
            return killers.into_iter().map(|x| Idx::new(cone.global(x) as usize)).collect();
        }
        let g = self.compiled();
        let mut closure = sized(g.len());
        closure.killers(g, self.kill_graph(), entry.index() as u32, &mut killers);
        put_scratch(&self.closure, Some(closure));
        killers.retain(|&x| g.can_fail(x));
        killers.sort_unstable();
        killers.into_iter().map(|x| Idx::new(x as usize)).collect()
    }

    /// For every entry point, the domains whose failure alone takes it down
    /// (including a domain the entry itself lives in).
    ///
    /// Complexity: one propagation per domain, within the part of the graph
    /// the entry points depend on.
    pub fn domain_spofs(&self) -> Vec<EntryDomainSpofs> {
        // Never stopped, so there is always an answer.
        self.domain_spofs_until(&|| false).unwrap_or_default()
    }

    /// Like [`FailureAnalysis::domain_spofs`], but gives up, returning
    /// `None`, as soon as `stop` returns true: it is asked between domains
    /// and as each propagation goes, for callers on a time budget.
    pub fn domain_spofs_until(&self, stop: &dyn Fn() -> bool) -> Option<Vec<EntryDomainSpofs>> {
        let cone = self.entry_cone();
        let g = &cone.g;
        let mut per_entry: Vec<Vec<Idx<Domain>>> = vec![Vec::new(); g.entries.len()];
        let mut is_entry = vec![false; g.len()];
        for &e in &g.entries {
            is_entry[e as usize] = true;
        }
        // Entry nodes are increasing (inventory order): binary search finds an entry's position.
        let mut p = Propagator::new(g);
        for d in 0..self.inv.domains().len() {
            if stop() {
                return None;
            }
            let members = g.members.row(d as u32);
            // A domain every entry lives in (one region, one provider) takes
            // them all down directly: nothing to propagate.
            if members.iter().filter(|&&m| is_entry[m as usize]).count() == g.entries.len() {
                for domains in &mut per_entry {
                    domains.push(Idx::new(d));
                }
                continue;
            }
            p.reset();
            for &m in members {
                p.fail(m);
            }
            if !p.run_until(stop) {
                return None;
            }
            for &c in p.down() {
                if let Ok(i) = g.entries.binary_search(&c) {
                    per_entry[i].push(Idx::new(d));
                }
            }
        }
        let all = g
            .entries
            .iter()
            .zip(per_entry)
            .map(|(&e, domains)| EntryDomainSpofs {
                entry: Idx::new(cone.global(e) as usize),
                domains,
            })
            .collect();
        Some(all)
    }

    /// A propagator over the whole graph, in the kept scratch arrays when
    /// they are free; give it back with [`Self::give_back`].
    pub(super) fn propagator(&self) -> Propagator<'_> {
        Propagator::reusing(self.compiled(), take_scratch(&self.propagation).unwrap_or_default())
    }

    /// Keeps a propagator's arrays for the next question.
    pub(super) fn give_back(&self, p: Propagator<'_>) {
        put_scratch(&self.propagation, p.into_scratch());
    }
}

/// Takes what `slot` keeps (leaving its default), or `None` if another
/// thread holds it or one panicked holding it: then the caller makes new.
fn take_scratch<T: Default>(slot: &Mutex<T>) -> Option<T> {
    slot.try_lock().ok().map(|mut kept| std::mem::take(&mut *kept))
}

/// Keeps `scratch` in `slot` for the next question (dropped if the slot is busy).
fn put_scratch<T>(slot: &Mutex<T>, scratch: T) {
    if let Ok(mut kept) = slot.try_lock() {
        *kept = scratch;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    fn inventory(yaml: &str) -> Inventory {
        Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap()
    }

    const SERVED: &str = "components:
  - {id: web, entry: true, requires: {at_least: 2}, depends_on: [a, b, c]}
  - {id: a, depends_on: [db]}
  - {id: b, depends_on: [db]}
  - {id: c}
  - {id: db}
";

    #[test]
    fn a_cone_that_is_the_whole_graph_is_compiled_once() {
        let inv = inventory(SERVED);
        let analysis = FailureAnalysis::new(&inv);
        let db = inv.component_by_id("db").unwrap();
        assert_eq!(analysis.spofs().entries()[0].spofs, [db]);
        assert!(std::ptr::eq(analysis.compiled(), &analysis.entry_cone().g));
        let cone_kill = analysis.entry_cone().kill_graph().unwrap();
        assert!(std::ptr::eq(analysis.kill_graph(), cone_kill));
        assert!(analysis.g.get().is_none() && analysis.kill.get().is_none());
    }

    #[test]
    fn a_simulation_builds_no_cone() {
        let inv = inventory(SERVED);
        let analysis = FailureAnalysis::new(&inv);
        assert_eq!(analysis.compiled().len(), 5);
        assert!(analysis.cone.get().is_none());
        // Built afterwards, the whole cone serves the kill graph all the same.
        let cone_kill = analysis.entry_cone().kill_graph().unwrap();
        assert!(std::ptr::eq(analysis.kill_graph(), cone_kill));
    }

    #[test]
    fn a_whole_cone_read_off_dominators_leaves_the_kill_graph_to_the_whole_graph() {
        let inv = inventory(
            "components:
  - {id: web, entry: true, requires: any, depends_on: [a, b]}
  - {id: a, depends_on: [db]}
  - {id: b, depends_on: [db]}
  - {id: db}
",
        );
        let analysis = FailureAnalysis::new(&inv);
        assert!(analysis.entry_cone().is_whole());
        assert!(
            analysis.entry_cone().kill_graph().is_none(),
            "pure any, acyclic: dominators"
        );
        analysis.kill_graph();
        assert!(analysis.kill.get().is_some());
        let db = inv.component_by_id("db").unwrap();
        assert_eq!(analysis.spofs_of(inv.component_by_id("web").unwrap()), [db]);
    }

    #[test]
    fn a_component_outside_the_cone_makes_the_whole_graph_its_own() {
        let inv = inventory(&format!("{SERVED}  - {{id: batch, depends_on: [db]}}\n"));
        let analysis = FailureAnalysis::new(&inv);
        assert!(!analysis.entry_cone().is_whole());
        assert_eq!(analysis.compiled().len(), 6);
        assert_eq!(analysis.entry_cone().g.len(), 5);
        assert!(analysis.g.get().is_some());
        analysis.kill_graph();
        assert!(analysis.kill.get().is_some());
    }
}
