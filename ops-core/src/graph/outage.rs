//! What a set of failures takes down, and why.

use std::collections::HashMap;

use super::propagate::{DIRECT, Propagator};
use crate::inventory::FailureTarget;
use crate::listing;
use crate::{Component, Idx, Inventory, Requirement};

/// The result of failing some components or domains: everything that goes
/// down, each with the reason it went down.
#[derive(Clone, Debug)]
pub struct Outage {
    failed: Vec<FailureTarget>,
    /// Down components in the order they went down, with the dependency that tipped each.
    order: Vec<(u32, u32)>,
    position: HashMap<u32, usize>,
    /// Per position in `order`: how many steps its chain of triggers has
    /// down to a direct failure (0 for a failed component).
    depth: Vec<u32>,
    /// Per position in `order`: the position of the component at depth
    /// [`ANCHOR_DEPTH`] on its chain (itself while shallower).
    anchor: Vec<u32>,
    entries: Vec<Idx<Component>>,
}

/// The depth at which [`Outage::explain_cut`] resumes a long chain.
const ANCHOR_DEPTH: u32 = 3;

/// One link of an explanation: why one component is down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The component was failed directly (itself, or through a failed domain).
    Failed {
        /// The component.
        component: Idx<Component>,
    },
    /// The component's redundancy rule was violated.
    RuleViolated {
        /// The component.
        component: Idx<Component>,
        /// Its rule.
        requires: Requirement,
        /// How many dependencies it has.
        dependencies: usize,
        /// Which of them are down.
        down: Vec<Idx<Component>>,
        /// The one whose failure tipped it over; the next step explains it.
        because_of: Idx<Component>,
    },
}

impl Step {
    /// The component this step is about.
    pub fn component(&self) -> Idx<Component> {
        match self {
            Step::Failed { component } | Step::RuleViolated { component, .. } => *component,
        }
    }

    /// The step as a sentence, with ids from `inv`.
    pub fn describe(&self, inv: &Inventory) -> String {
        let id = |c: Idx<Component>| inv.component(c).id.as_str();
        match self {
            Step::Failed { component } => format!("{} failed", id(*component)),
            Step::RuleViolated {
                component,
                requires,
                dependencies,
                down,
                ..
            } => {
                let names: Vec<&str> = down.iter().map(|&d| id(d)).collect();
                let rule = match requires {
                    Requirement::All => "all of its dependencies".to_owned(),
                    Requirement::Any => "any one of its dependencies".to_owned(),
                    Requirement::AtLeast(k) => format!("at least {k} of its {dependencies} dependencies"),
                };
                let verb = if down.len() == 1 { "is" } else { "are" };
                format!(
                    "{} is down: it requires {rule}, and {} of {dependencies} {verb} down ({})",
                    id(*component),
                    down.len(),
                    listing::join(&names, ", ")
                )
            }
        }
    }
}

impl Outage {
    pub(crate) fn capture(inv: &Inventory, p: &Propagator<'_>, failed: Vec<FailureTarget>) -> Outage {
        let order: Vec<(u32, u32)> = p.down().iter().map(|&c| (c, p.trigger(c))).collect();
        let position: HashMap<u32, usize> = order.iter().enumerate().map(|(i, &(c, _))| (c, i)).collect();
        // A trigger went down before what it tipped over: one pass in order.
        let mut depth = Vec::with_capacity(order.len());
        let mut anchor = Vec::with_capacity(order.len());
        for (i, &(_, trigger)) in order.iter().enumerate() {
            let (d, a) = match position.get(&trigger) {
                Some(&t) if trigger != DIRECT => {
                    let d = depth[t] + 1;
                    (d, if d <= ANCHOR_DEPTH { i as u32 } else { anchor[t] })
                }
                _ => (0, i as u32),
            };
            depth.push(d);
            anchor.push(a);
        }
        let mut entries: Vec<Idx<Component>> = order
            .iter()
            .filter(|&&(c, _)| inv.components()[c as usize].entry)
            .map(|&(c, _)| Idx::new(c as usize))
            .collect();
        entries.sort();
        Outage {
            failed,
            order,
            position,
            depth,
            anchor,
            entries,
        }
    }

    /// Nothing down: what a simulation that was never run would show.
    pub(crate) fn none(failed: Vec<FailureTarget>) -> Outage {
        Outage {
            failed,
            order: Vec::new(),
            position: HashMap::new(),
            depth: Vec::new(),
            anchor: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// What was failed.
    pub fn failed(&self) -> &[FailureTarget] {
        &self.failed
    }

    /// Everything down, sorted by index.
    pub fn down(&self) -> Vec<Idx<Component>> {
        let mut v: Vec<Idx<Component>> = self.order.iter().map(|&(c, _)| Idx::new(c as usize)).collect();
        v.sort();
        v
    }

    /// How many components are down.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether nothing is down.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Whether `c` is down.
    pub fn is_down(&self, c: Idx<Component>) -> bool {
        self.position.contains_key(&(c.index() as u32))
    }

    /// The entry points that are down, sorted.
    pub fn entries_down(&self) -> &[Idx<Component>] {
        &self.entries
    }

    /// How many steps [`Outage::explain`] would return for `c`: the length
    /// of its chain, known without walking it. `None` if `c` is up.
    pub fn chain_len(&self, c: Idx<Component>) -> Option<usize> {
        let &i = self.position.get(&(c.index() as u32))?;
        Some(self.depth[i] as usize + 1)
    }

    /// [`Outage::explain`] cut to its ends: the first `near` steps from `c`
    /// down, and the last 4 steps down to the failure
    /// (empty when nothing was left out), with the number of steps left out
    /// in between. Costs O(`near`), not the chain's length.
    pub fn explain_cut(
        &self,
        inv: &Inventory,
        c: Idx<Component>,
        near: usize,
    ) -> Option<(Vec<Step>, usize, Vec<Step>)> {
        let &i = self.position.get(&(c.index() as u32))?;
        let len = self.depth[i] as usize + 1;
        let tail = ANCHOR_DEPTH as usize + 1;
        if len <= near + tail + 1 {
            return Some((self.explain(inv, c)?, 0, Vec::new()));
        }
        let head = self.walk(inv, c.index() as u32, near);
        let (anchor, _) = self.order[self.anchor[i] as usize];
        let end = self.walk(inv, anchor, tail);
        Some((head, len - near - tail, end))
    }

    /// Why `c` is down: the chain of violated rules from `c` back to a
    /// component that was failed directly. `None` if `c` is up.
    pub fn explain(&self, inv: &Inventory, c: Idx<Component>) -> Option<Vec<Step>> {
        self.position.get(&(c.index() as u32))?;
        Some(self.walk(inv, c.index() as u32, usize::MAX))
    }

    /// Up to `limit` steps of the chain from `cur` (which is down) down.
    fn walk(&self, inv: &Inventory, mut cur: u32, limit: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        while steps.len() < limit {
            let Some(&i) = self.position.get(&cur) else {
                break;
            };
            let (_, trigger) = self.order[i];
            let component = Idx::new(cur as usize);
            if trigger == DIRECT {
                steps.push(Step::Failed { component });
                break;
            }
            let comp = inv.component(component);
            // Dependencies that went down before this component did.
            let down: Vec<Idx<Component>> = comp
                .depends_on
                .iter()
                .copied()
                .filter(|d| self.position.get(&(d.index() as u32)).is_some_and(|&j| j < i))
                .collect();
            steps.push(Step::RuleViolated {
                component,
                requires: comp.requires,
                dependencies: comp.depends_on.len(),
                down,
                because_of: Idx::new(trigger as usize),
            });
            cur = trigger;
        }
        steps
    }
}
