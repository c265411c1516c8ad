//! Built-in checks from failure analysis: single points of failure (components
//! and domains), redundancy that is only nominal, entries with no redundancy,
//! and (defined in `availability`) entries estimated below their SLO.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{Check, CheckError, Context, Rule};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::{Component, DomainKind, FailureAnalysis, Idx, Inventory, Requirement};

/// Every failure-analysis check.
pub(crate) fn all() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(SinglePointOfFailure::new()),
        Box::new(DomainSinglePointOfFailure::new()),
        Box::new(NominalRedundancy::new()),
        Box::new(NoRedundancy::new()),
        Box::new(super::AvailabilityBelowSlo::new()),
    ]
}

fn rule(id: &str, severity: Severity, summary: &str, explanation: &str) -> [Rule; 1] {
    [Rule::new(id, severity, summary, explanation)]
}

/// Severity of losing an entry point of this tier: tier 1 is critical, tier 4
/// low; an entry without a tier counts as tier 2.
pub(crate) fn tier_severity(tier: Option<u8>) -> Severity {
    match tier {
        Some(1) => Severity::Critical,
        Some(2) | None => Severity::High,
        Some(3) => Severity::Medium,
        _ => Severity::Low,
    }
}

fn ids(inv: &Inventory, cs: &[Idx<Component>]) -> Vec<String> {
    let mut v: Vec<String> = cs.iter().map(|&c| inv.component(c).id.clone()).collect();
    v.sort();
    v
}

fn one_lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// The most critical entry among `entries` and its severity.
fn worst(inv: &Inventory, entries: &[Idx<Component>]) -> Option<(Idx<Component>, Severity)> {
    entries
        .iter()
        .map(|&e| (e, tier_severity(inv.component(e).tier)))
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| inv.component(b.0).id.cmp(&inv.component(a.0).id))
        })
}

macro_rules! check_boilerplate {
    ($t:ident, $id:literal) => {
        impl Default for $t {
            fn default() -> Self {
                Self::new()
            }
        }
        impl Check for $t {
            fn name(&self) -> &str {
                $id
            }
            fn rules(&self) -> &[Rule] {
                &self.rules
            }
            fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
                Ok(self.find(ctx.failure_analysis()))
            }
        }
    };
}

/// `graph/spof`: a component whose failure alone takes an entry point down.
#[derive(Debug)]
pub struct SinglePointOfFailure {
    rules: [Rule; 1],
}

impl SinglePointOfFailure {
    /// The check.
    pub fn new() -> Self {
        SinglePointOfFailure {
            rules: rule(
                "graph/spof",
                Severity::Critical,
                "A component whose failure alone takes an entry point down",
                r"
## What it checks
Every component whose failure, on its own, takes at least one entry point down once the
redundancy rules are applied (`all`, `any`, `at_least`). One finding per component, naming
every entry it takes down. Severity follows the most critical entry's tier: tier 1 critical,
tier 2 (or no tier) high, tier 3 medium, tier 4 low.

## Why it matters
A single point of failure is an outage waiting for its day: a disk, a deploy, an expired
certificate. Redundancy that exists elsewhere does not help the entries that route
through this one component.

## Example
```yaml
components:
  - {id: shop, entry: true, tier: 1, depends_on: [db]}
  - {id: db, kind: database}        # one primary, no replica
```

## How to fix
Give the component a peer in another failure domain and put both behind a rule that
survives one loss (`requires: any` or `at_least`), or change what depends on it. The
finding's evidence shows the chain of rules from the failure to the entry.
",
            ),
        }
    }

    fn find(&self, analysis: &FailureAnalysis<'_>) -> Vec<Finding> {
        let inv = analysis.inventory();
        let report = analysis.spofs();
        let mut out = Vec::new();
        for (i, c) in inv.components().iter().enumerate() {
            let x = Idx::new(i);
            let entries: Vec<Idx<Component>> = report.entries_taken_down_by(x).collect();
            let Some((entry, severity)) = worst(inv, &entries) else {
                continue;
            };
            let names = ids(inv, &entries);
            let chain: Vec<String> = analysis
                .blast_radius(x)
                .explain(inv, entry)
                .unwrap_or_default()
                .iter()
                .rev()
                .map(|s| s.describe(inv))
                .collect();
            out.push(
                Finding::new(
                    &self.rules[0].id,
                    severity,
                    Subject::new(EntityKind::Component, &c.id),
                    format!(
                        "component '{}' is a single point of failure: its failure alone takes down {}",
                        c.id,
                        names.join(", ")
                    ),
                )
                .with_evidence("entries", names)
                .with_evidence("explanation", chain)
                .with_remediation(format!(
                    "give '{}' a peer in another failure domain behind `requires: any` (or `at_least`), \
                     or change what depends on it",
                    c.id
                ))
                .at(&c.location),
            );
        }
        out
    }
}

check_boilerplate!(SinglePointOfFailure, "graph/spof");

/// `graph/domain-spof`: a failure domain whose loss alone takes an entry point down.
#[derive(Debug)]
pub struct DomainSinglePointOfFailure {
    rules: [Rule; 1],
}

impl DomainSinglePointOfFailure {
    /// The check.
    pub fn new() -> Self {
        DomainSinglePointOfFailure {
            rules: rule(
                "graph/domain-spof",
                Severity::Critical,
                "A failure domain (zone, region, provider, person, credential, ...) whose loss alone takes an entry point down",
                r"
## What it checks
Every failure domain whose loss (all of its components, and those of the domains nested in
it) takes at least one entry point down. Severity follows the most critical entry's tier,
one level lower for regions and providers: running in one region of one provider is
usually a decision, not an oversight, but it should still be visible.

## Why it matters
Zones fail, providers have bad days, the one person who knows the database goes on
holiday. Redundancy inside one domain does not survive the loss of the domain.

## Example
```yaml
domains: [{id: zone-a, kind: zone}]
components:
  - {id: shop, entry: true, depends_on: [lb]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1, domains: [zone-a]}
  - {id: web-2, domains: [zone-a]}   # both replicas in one zone
```

## How to fix
Spread what the entry needs over more than one domain of that kind, so that losing one
leaves enough of every redundant group standing.
",
            ),
        }
    }

    fn find(&self, analysis: &FailureAnalysis<'_>) -> Vec<Finding> {
        let inv = analysis.inventory();
        let mut by_domain: BTreeMap<usize, Vec<Idx<Component>>> = BTreeMap::new();
        for rec in analysis.domain_spofs() {
            for d in rec.domains {
                by_domain.entry(d.index()).or_default().push(rec.entry);
            }
        }
        let mut out = Vec::new();
        for (d, entries) in by_domain {
            let domain = &inv.domains()[d];
            let Some((entry, severity)) = worst(inv, &entries) else {
                continue;
            };
            let severity = match domain.kind {
                DomainKind::Region | DomainKind::Provider => one_lower(severity),
                _ => severity,
            };
            let names = ids(inv, &entries);
            let outage = analysis.simulate(&[crate::FailureTarget::Domain(Idx::new(d))]);
            let chain: Vec<String> = outage
                .explain(inv, entry)
                .unwrap_or_default()
                .iter()
                .rev()
                .map(|s| s.describe(inv))
                .collect();
            out.push(
                Finding::new(
                    &self.rules[0].id,
                    severity,
                    Subject::new(EntityKind::Domain, &domain.id),
                    format!(
                        "{} '{}' is a single point of failure: losing {} takes down {}",
                        domain.kind.as_str(),
                        domain.id,
                        if domain.kind == DomainKind::Person {
                            "them"
                        } else {
                            "it"
                        },
                        names.join(", ")
                    ),
                )
                .with_evidence("kind", domain.kind.as_str())
                .with_evidence("entries", names)
                .with_evidence("explanation", chain)
                .with_remediation(format!(
                    "spread what these entries need over more than one {}",
                    domain.kind.as_str()
                ))
                .at(&domain.location),
            );
        }
        out
    }
}

check_boilerplate!(DomainSinglePointOfFailure, "graph/domain-spof");

/// `graph/nominal-redundancy`: redundancy defeated by one shared dependency or one domain.
#[derive(Debug)]
pub struct NominalRedundancy {
    rules: [Rule; 1],
}

impl NominalRedundancy {
    /// The check.
    pub fn new() -> Self {
        NominalRedundancy {
            rules: rule(
                "graph/nominal-redundancy",
                Severity::Medium,
                "Redundancy that one failure defeats: replicas sharing a dependency or a zone",
                r"
## What it checks
Components with `requires: any` or `at_least` whose redundancy a single event defeats:
- a component the replicas all depend on (directly or not), whose failure alone takes
  enough of them down; or
- a zone (or power feed, network, person, credential, or a domain kind of your own) that
  holds enough of the replicas that losing it violates the rule. Regions and providers
  are left to `graph/domain-spof`, where they matter only if an entry depends on them.

## Why it matters
Three replicas behind a load balancer look redundant on a diagram. If they share one
database, one zone or one deploy key, they fail together and the redundancy was never
there.

## Example
```yaml
components:
  - {id: api-lb, requires: any, depends_on: [api-1, api-2, api-3]}
  - {id: api-1, depends_on: [db], domains: [zone-a]}
  - {id: api-2, depends_on: [db], domains: [zone-a]}
  - {id: api-3, depends_on: [db], domains: [zone-a]}
  - {id: db}
```

## How to fix
Remove the shared dependency (give each replica its own, or make the shared one
redundant), and place replicas in different domains.
",
            ),
        }
    }

    fn find(&self, analysis: &FailureAnalysis<'_>) -> Vec<Finding> {
        let inv = analysis.inventory();
        let g = analysis.compiled();
        let kill = analysis.kill_graph();
        let mut out = Vec::new();
        for (i, c) in inv.components().iter().enumerate() {
            let needed = match c.requires {
                Requirement::All => continue,
                Requirement::Any => 1,
                Requirement::AtLeast(k) => k as usize,
            };
            let n = c.depends_on.len();
            if n < 2 || needed >= n {
                continue; // no redundancy to defeat
            }
            let tolerate = n - needed; // losses it survives
            let shared: Vec<Idx<Component>> = kill
                .generators(g, i as u32)
                .iter()
                .map(|&x| Idx::new(x as usize))
                .collect();
            let rule_text = match c.requires {
                Requirement::AtLeast(k) => format!("at least {k} of {n}"),
                _ => format!("any of {n}"),
            };
            if !shared.is_empty() {
                let names = ids(inv, &shared);
                out.push(
                    Finding::new(
                        &self.rules[0].id,
                        Severity::Medium,
                        Subject::new(EntityKind::Component, &c.id),
                        format!(
                            "component '{}' requires {rule_text} dependencies, but a single failure of {} takes enough of them down",
                            c.id,
                            names.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(" or ")
                        ),
                    )
                    .with_evidence("shared", names)
                    .with_evidence("tolerates", tolerate)
                    .with_remediation("remove the shared dependency or make it redundant too")
                    .at(&c.location),
                );
            }
            // Domains (and their ancestors) holding more replicas than the rule tolerates losing.
            let mut count: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
            for d in &c.depends_on {
                for &dom in &inv.component(*d).domains {
                    let mut cur = Some(dom);
                    while let Some(x) = cur {
                        count.entry(x.index()).or_default().insert(d.index());
                        cur = inv.domains()[x.index()].parent;
                    }
                }
            }
            let crowded: Vec<(usize, usize)> = count
                .iter()
                .filter(|(d, members)| {
                    members.len() > tolerate
                        && !matches!(inv.domains()[**d].kind, DomainKind::Region | DomainKind::Provider)
                })
                .map(|(&d, members)| (d, members.len()))
                .collect();
            for (d, held) in crowded {
                let domain = &inv.domains()[d];
                out.push(
                    Finding::new(
                        &self.rules[0].id,
                        Severity::Medium,
                        Subject::new(EntityKind::Component, &c.id),
                        format!(
                            "component '{}' requires {rule_text} dependencies, but {held} of them are in {} '{}': losing it defeats the redundancy",
                            c.id,
                            domain.kind.as_str(),
                            domain.id
                        ),
                    )
                    .with_evidence("domain", domain.id.as_str())
                    .with_evidence("replicas_in_domain", held)
                    .with_evidence("tolerates", tolerate)
                    .with_remediation(format!("place the replicas in different {}s", domain.kind.as_str()))
                    .at(&c.location),
                );
            }
        }
        out
    }
}

check_boilerplate!(NominalRedundancy, "graph/nominal-redundancy");

/// `graph/no-redundancy`: an entry point for which every dependency is a single point of failure.
#[derive(Debug)]
pub struct NoRedundancy {
    rules: [Rule; 1],
}

impl NoRedundancy {
    /// The check.
    pub fn new() -> Self {
        NoRedundancy {
            rules: rule(
                "graph/no-redundancy",
                Severity::High,
                "An entry point with no redundancy at all: every component it needs is a single point of failure",
                r"
## What it checks
Entry points with at least one dependency for which every component they depend on,
directly or not, is a single point of failure. Severity follows the entry's tier.

## Why it matters
Such an entry is exactly as available as the product of its parts: every deploy,
reboot and hardware fault anywhere below it is user-visible.

## Example
```yaml
components:
  - {id: admin, entry: true, depends_on: [admin-app]}
  - {id: admin-app, depends_on: [db]}
  - {id: db}
```

## How to fix
Start with the components the most entries share (see `graph/spof`) and make them
redundant.
",
            ),
        }
    }

    fn find(&self, analysis: &FailureAnalysis<'_>) -> Vec<Finding> {
        let inv = analysis.inventory();
        let report = analysis.spofs();
        let mut out = Vec::new();
        for rec in report.entries() {
            let entry = inv.component(rec.entry);
            if entry.depends_on.is_empty() {
                continue;
            }
            let spofs: BTreeSet<usize> = rec.spofs.iter().map(|c| c.index()).collect();
            // Walk the dependency cone, stopping at the first component that is not a SPOF.
            let mut seen = BTreeSet::from([rec.entry.index()]);
            let mut stack = vec![rec.entry];
            let mut all = true;
            while let Some(c) = stack.pop() {
                for &d in &inv.component(c).depends_on {
                    if seen.insert(d.index()) {
                        if !spofs.contains(&d.index()) {
                            all = false;
                            break;
                        }
                        stack.push(d);
                    }
                }
                if !all {
                    break;
                }
            }
            if !all {
                continue;
            }
            out.push(
                Finding::new(
                    &self.rules[0].id,
                    tier_severity(entry.tier),
                    Subject::new(EntityKind::Component, &entry.id),
                    format!(
                        "entry '{}' has no redundancy: each of the {} components it depends on is a single point of failure",
                        entry.id,
                        spofs.len()
                    ),
                )
                .with_evidence("spofs", ids(inv, &rec.spofs))
                .with_remediation("make the most shared of its dependencies redundant first")
                .at(&entry.location),
            );
        }
        out
    }
}

check_boilerplate!(NoRedundancy, "graph/no-redundancy");
