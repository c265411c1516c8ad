//! Built-in checks on the inventory itself: ownership, cross-references and
//! structure. The domain issues (failure analysis, backups, access,
//! incidents) add their own checks beside these.

use petgraph::graph::{DiGraph, NodeIndex};

use crate::Inventory;
use crate::access::{PersonStatus, Principal};
use crate::check::{Check, CheckError, Context, Rule};
use crate::finding::{EntityKind, Finding, Severity, Subject};

/// For each component, whether an entry point is it or depends on it,
/// directly or indirectly. Linear in components plus dependencies.
fn reachable_from_entries(inv: &Inventory) -> Vec<bool> {
    let components = inv.components();
    let mut reached: Vec<bool> = components.iter().map(|c| c.entry).collect();
    let mut stack: Vec<usize> = (0..components.len()).filter(|&i| reached[i]).collect();
    while let Some(i) = stack.pop() {
        for d in &components[i].depends_on {
            if !std::mem::replace(&mut reached[d.index()], true) {
                stack.push(d.index());
            }
        }
    }
    reached
}

/// Every built-in inventory check.
pub(crate) fn all() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(UnownedComponent::new()),
        Box::new(DepartedOwner::new()),
        Box::new(NoEntry::new()),
        Box::new(UnreachableComponent::new()),
        Box::new(DependencyCycle::new()),
        Box::new(EmptyDomain::new()),
    ]
}

/// `inventory/unowned-component`: a component nobody owns.
#[derive(Debug)]
pub struct UnownedComponent {
    rules: [Rule; 1],
}

impl UnownedComponent {
    /// The check.
    pub fn new() -> Self {
        UnownedComponent {
            rules: [Rule::new(
                "inventory/unowned-component",
                Severity::Medium,
                "A component has no owner",
                r"
## What it checks
Components with an empty `owners` list. Entry points, stateful components and anything an
entry point depends on (directly or indirectly) are reported at medium severity, others at low.

## Why it matters
When an unowned component breaks, nobody is paged, nobody knows its quirks, and its post-mortem actions have nobody to go to.

## Example
```yaml
components:
  - id: billing-db
    kind: database      # no owners
```

## How to fix
Add `owners: [team-or-person]` naming a person, group or service account defined in the inventory.
",
            )],
        }
    }
}

impl Default for UnownedComponent {
    fn default() -> Self {
        Self::new()
    }
}

impl Check for UnownedComponent {
    fn name(&self) -> &str {
        "inventory/unowned-component"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let inv = ctx.inventory();
        let used = reachable_from_entries(inv);
        Ok(inv
            .components()
            .iter()
            .zip(&used)
            .filter(|(c, _)| c.owners.is_empty())
            .map(|(c, &used)| {
                let important = c.entry || c.stateful || used;
                let severity = if important { Severity::Medium } else { Severity::Low };
                Finding::new(
                    &self.rules[0].id,
                    severity,
                    Subject::new(EntityKind::Component, &c.id),
                    format!("component '{}' has no owner", c.id),
                )
                .with_evidence("entry", c.entry)
                .with_evidence("stateful", c.stateful)
                .with_evidence("entries_depend_on_it", used && !c.entry)
                .with_remediation("add an `owners:` list naming a person, group or service account")
                .at(&c.location)
            })
            .collect())
    }
}

/// `inventory/departed-owner`: something owned by a person who has left.
#[derive(Debug)]
pub struct DepartedOwner {
    rules: [Rule; 1],
}

impl DepartedOwner {
    /// The check.
    pub fn new() -> Self {
        DepartedOwner {
            rules: [Rule::new(
                "inventory/departed-owner",
                Severity::High,
                "A component or backup policy is owned by someone who has left",
                r"
## What it checks
Components and backup policies whose owners include a person with `status: departed`, and
groups that own something while every person in them has departed.

## Why it matters
Ownership that points at a former employee is no ownership at all: alerts go nowhere and
knowledge left with them. It is also how departed people keep production access.

## Example
```yaml
people:
  - {id: dana, status: departed, departed_at: 2026-06-30}
components:
  - {id: reports, owners: [dana]}
```

## How to fix
Hand the component or policy to a current owner and update `owners:`.
",
            )],
        }
    }
}

impl Default for DepartedOwner {
    fn default() -> Self {
        Self::new()
    }
}

/// The departed people behind an owner: the person itself, or every person
/// of a group in which nobody (directly or in nested groups) is still here.
fn departed_people(inv: &Inventory, owner: Principal) -> Vec<String> {
    match owner {
        Principal::Person(p) => {
            let person = inv.person(p);
            if person.status == PersonStatus::Departed {
                vec![person.id.clone()]
            } else {
                Vec::new()
            }
        }
        Principal::ServiceAccount(_) => Vec::new(),
        Principal::Group(g) => {
            let mut seen = vec![false; inv.groups().len()];
            let mut stack = vec![g];
            let mut people = Vec::new();
            let mut any_present = false;
            while let Some(g) = stack.pop() {
                if std::mem::replace(&mut seen[g.index()], true) {
                    continue;
                }
                for m in &inv.groups()[g.index()].members {
                    match *m {
                        Principal::Person(p) => {
                            let person = inv.person(p);
                            if person.status == PersonStatus::Departed {
                                people.push(person.id.clone());
                            } else {
                                any_present = true;
                            }
                        }
                        Principal::ServiceAccount(_) => {}
                        Principal::Group(n) => stack.push(n),
                    }
                }
            }
            if any_present || people.is_empty() {
                Vec::new()
            } else {
                people.sort();
                people
            }
        }
    }
}

impl Check for DepartedOwner {
    fn name(&self) -> &str {
        "inventory/departed-owner"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let inv = ctx.inventory();
        let mut out = Vec::new();
        let mut report = |kind: EntityKind, id: &str, what: &str, owner: Principal, at: &crate::Location| {
            let departed = departed_people(inv, owner);
            if departed.is_empty() {
                return;
            }
            let owner_id = inv.principal_id(owner);
            let message = if matches!(owner, Principal::Person(_)) {
                format!("{what} '{id}' is owned by '{owner_id}', who has departed")
            } else {
                format!(
                    "{what} '{id}' is owned by group '{owner_id}', whose members have all departed ({})",
                    departed.join(", ")
                )
            };
            out.push(
                Finding::new(&self.rules[0].id, Severity::High, Subject::new(kind, id), message)
                    .with_evidence("owner", owner_id)
                    .with_evidence("departed", departed)
                    .with_remediation(format!("hand '{id}' to a current owner and update its owners"))
                    .at(at),
            );
        };
        for c in inv.components() {
            for &o in &c.owners {
                report(EntityKind::Component, &c.id, "component", o, &c.location);
            }
        }
        for p in inv.backup_policies() {
            if let Some(o) = p.owner {
                report(EntityKind::BackupPolicy, &p.id, "backup policy", o, &p.location);
            }
        }
        Ok(out)
    }
}

/// `inventory/no-entry`: components exist but none is an entry point.
#[derive(Debug)]
pub struct NoEntry {
    rules: [Rule; 1],
}

impl NoEntry {
    /// The check.
    pub fn new() -> Self {
        NoEntry {
            rules: [Rule::new(
                "inventory/no-entry",
                Severity::Medium,
                "No component is marked as a user-facing entry point",
                r"
## What it checks
An inventory with components of which none has `entry: true`.

## Why it matters
Failure analysis asks what users lose when something fails. Without entry points there is
nothing to protect, so no single point of failure can be found.

## Example
```yaml
components:
  - {id: web, depends_on: [db]}
  - {id: db}
```

## How to fix
Mark the products, APIs and sites your users reach with `entry: true`.
",
            )],
        }
    }
}

impl Default for NoEntry {
    fn default() -> Self {
        Self::new()
    }
}

impl Check for NoEntry {
    fn name(&self) -> &str {
        "inventory/no-entry"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let components = ctx.inventory().components();
        if components.is_empty() || components.iter().any(|c| c.entry) {
            return Ok(Vec::new());
        }
        Ok(vec![
            Finding::new(
                &self.rules[0].id,
                Severity::Medium,
                Subject::new(EntityKind::Inventory, "inventory"),
                format!("none of the {} components is an entry point", components.len()),
            )
            .with_evidence("components", components.len())
            .with_remediation("mark user-facing components with `entry: true`")
            .at(&components[0].location),
        ])
    }
}

/// `inventory/unreachable-component`: a component no entry point depends on.
#[derive(Debug)]
pub struct UnreachableComponent {
    rules: [Rule; 1],
}

impl UnreachableComponent {
    /// The check.
    pub fn new() -> Self {
        UnreachableComponent {
            rules: [Rule::new(
                "inventory/unreachable-component",
                Severity::Info,
                "A component that no entry point depends on, directly or indirectly",
                r"
## What it checks
Components that are not entry points and that no entry point reaches through `depends_on`.
Only runs when at least one entry point exists.

## Why it matters
Either a dependency is missing from the inventory (so failure analysis underestimates what
fails), or the component is dead weight that still costs money and attack surface.

## Example
```yaml
components:
  - {id: web, entry: true, depends_on: [db]}
  - {id: db}
  - {id: old-cron}     # nothing depends on it
```

## How to fix
Add the missing `depends_on` edge, mark it as an entry, or decommission it.
",
            )],
        }
    }
}

impl Default for UnreachableComponent {
    fn default() -> Self {
        Self::new()
    }
}

impl Check for UnreachableComponent {
    fn name(&self) -> &str {
        "inventory/unreachable-component"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let components = ctx.inventory().components();
        if !components.iter().any(|c| c.entry) {
            return Ok(Vec::new());
        }
        let reached = reachable_from_entries(ctx.inventory());
        Ok(components
            .iter()
            .zip(&reached)
            .filter(|(_, r)| !**r)
            .map(|(c, _)| {
                Finding::new(
                    &self.rules[0].id,
                    Severity::Info,
                    Subject::new(EntityKind::Component, &c.id),
                    format!("no entry point depends on component '{}'", c.id),
                )
                .with_remediation("add the missing depends_on edge, mark it entry: true, or remove it")
                .at(&c.location)
            })
            .collect())
    }
}

/// `inventory/dependency-cycle`: components that depend on each other in a cycle.
#[derive(Debug)]
pub struct DependencyCycle {
    rules: [Rule; 1],
}

impl DependencyCycle {
    /// The check.
    pub fn new() -> Self {
        DependencyCycle {
            rules: [Rule::new(
                "inventory/dependency-cycle",
                Severity::Low,
                "Components depend on each other in a cycle",
                r"
## What it checks
Groups of components that reach each other through `depends_on` (strongly connected
components of more than one member).

## Why it matters
A cycle means none of its members can start cold on its own: after a full outage the
estate cannot be brought back up in any order. A failure anywhere in the cycle
propagates around it.

## Example
```yaml
components:
  - {id: auth, depends_on: [config]}
  - {id: config, depends_on: [auth]}
```

## How to fix
Break the cycle: cache what one side needs, make one dependency optional (`requires: any`
over a fallback), or split the component.
",
            )],
        }
    }
}

impl Default for DependencyCycle {
    fn default() -> Self {
        Self::new()
    }
}

impl Check for DependencyCycle {
    fn name(&self) -> &str {
        "inventory/dependency-cycle"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let components = ctx.inventory().components();
        let mut graph: DiGraph<(), (), u32> = DiGraph::with_capacity(components.len(), 0);
        for _ in components {
            graph.add_node(());
        }
        for (i, c) in components.iter().enumerate() {
            for d in &c.depends_on {
                graph.add_edge(NodeIndex::new(i), NodeIndex::new(d.index()), ());
            }
        }
        let mut out = Vec::new();
        for mut scc in petgraph::algo::tarjan_scc(&graph) {
            if scc.len() < 2 {
                continue;
            }
            scc.sort();
            let members: Vec<&str> = scc.iter().map(|n| components[n.index()].id.as_str()).collect();
            let first = &components[scc[0].index()];
            out.push(
                Finding::new(
                    &self.rules[0].id,
                    Severity::Low,
                    Subject::new(EntityKind::Component, &first.id),
                    format!("components depend on each other in a cycle: {}", members.join(", ")),
                )
                .with_evidence("members", members)
                .with_remediation("break the cycle so the estate can be started cold in some order")
                .at(&first.location),
            );
        }
        Ok(out)
    }
}

/// `inventory/empty-domain`: a failure domain with no members.
#[derive(Debug)]
pub struct EmptyDomain {
    rules: [Rule; 1],
}

impl EmptyDomain {
    /// The check.
    pub fn new() -> Self {
        EmptyDomain {
            rules: [Rule::new(
                "inventory/empty-domain",
                Severity::Info,
                "A failure domain contains no component and no other domain",
                r"
## What it checks
Domains that no component lists in `domains:` and that are no other domain's `parent`.

## Why it matters
Usually a component forgot to say where it runs, so losing that zone or provider looks
harmless when it is not.

## Example
```yaml
domains:
  - {id: zone-c, kind: zone}    # nothing lives here
```

## How to fix
Add the domain to the `domains:` of the components that live in it, or remove it.
",
            )],
        }
    }
}

impl Default for EmptyDomain {
    fn default() -> Self {
        Self::new()
    }
}

impl Check for EmptyDomain {
    fn name(&self) -> &str {
        "inventory/empty-domain"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let inv = ctx.inventory();
        let mut used = vec![false; inv.domains().len()];
        for c in inv.components() {
            for d in &c.domains {
                used[d.index()] = true;
            }
        }
        for d in inv.domains() {
            if let Some(p) = d.parent {
                used[p.index()] = true;
            }
        }
        Ok(inv
            .domains()
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(d, _)| {
                Finding::new(
                    &self.rules[0].id,
                    Severity::Info,
                    Subject::new(EntityKind::Domain, &d.id),
                    format!("{} '{}' contains no component and no domain", d.kind.as_str(), d.id),
                )
                .with_remediation("list the domain under the `domains:` of the components that live in it")
                .at(&d.location)
            })
            .collect())
    }
}
