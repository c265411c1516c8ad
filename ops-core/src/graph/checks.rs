//! Built-in checks from failure analysis: single points of failure (components
//! and domains), redundancy that is only nominal, entries with no redundancy,
//! and (defined in `availability`) entries estimated below their SLO.

use std::collections::{BTreeMap, BTreeSet};

use super::Outage;
use super::analysis::FailurePath;
use super::compiled::Compiled;
use super::cone::PathScratch;
use super::kill::KillGraph;
use super::scc::sccs;
use crate::check::BuiltinRule;
use crate::check::{Check, Context};
use crate::csr::Csr;
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::listing;
use crate::rule::Rule;
use crate::{Component, DomainKind, Idx, Inventory, Requirement};

/// The graph rules, in the order of the README's table.
pub(crate) static RULES: &[&dyn Check] = &[
    &SPOF,
    &DOMAIN_SPOF,
    &NO_REDUNDANCY,
    &super::availability::BELOW_SLO,
    &NOMINAL_REDUNDANCY,
    &super::drill_checks::UNTESTED_REDUNDANCY,
    &super::drill_checks::FAILED_FAILOVER,
    &super::drill_checks::MODEL_CONTRADICTED,
    &super::double_checks::DOUBLE_FAULT,
    &DEPENDENCY_CYCLE,
];

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

/// How many links of a failure chain a finding shows at each end.
const KEEP_LINKS: usize = 3;

/// How `outage` reaches `entry`, from the first failure to the entry, one
/// sentence a step (the `explanation` evidence of `graph/domain-spof`), cut
/// in the middle when long; with the number of steps in the whole chain.
pub(crate) fn failure_path(outage: &Outage, inv: &Inventory, entry: Idx<Component>) -> (Vec<String>, usize) {
    let Some((near_entry, left_out, near_failure)) = outage.explain_cut(inv, entry, KEEP_LINKS) else {
        return (Vec::new(), 0);
    };
    let describe = |s: &super::Step| s.describe(inv);
    let mut out: Vec<String> = near_failure.iter().rev().map(describe).collect();
    if left_out > 0 {
        out.push(elided(left_out));
    }
    out.extend(near_entry.iter().rev().map(describe));
    (out, outage.chain_len(entry).unwrap_or_default())
}

/// The line standing for the steps a cut explanation leaves out.
fn elided(n: usize) -> String {
    format!("... {n} more step{} ...", if n == 1 { "" } else { "s" })
}

/// One link of a SPOF's failure chain as a sentence: `down` is down because
/// `because` failed or went down.
fn describe_link(inv: &Inventory, (down, because): (Idx<Component>, Idx<Component>)) -> String {
    let c = inv.component(down);
    let n = c.depends_on.len();
    let cause = &inv.component(because).id;
    let direct = c.depends_on.contains(&because);
    let deps = || listing::join(c.depends_on.iter().map(|&d| &inv.component(d).id), ", ");
    match c.requires {
        _ if n == 1 && direct => format!("{} is down: it requires {cause}, which is down", c.id),
        Requirement::All if direct => {
            format!(
                "{} is down: it requires all of its {n} dependencies, and {cause} is down",
                c.id
            )
        }
        Requirement::All => format!(
            "{} is down: it requires all of its {n} dependencies, and the failure of {cause} takes one of them down",
            c.id
        ),
        Requirement::Any => format!(
            "{} is down: it requires any one of its {n} dependencies ({}), and the failure of {cause} takes all of them down",
            c.id,
            deps()
        ),
        Requirement::AtLeast(k) => format!(
            "{} is down: it requires at least {k} of its {n} dependencies ({}), and the failure of {cause} takes down {} or more of them",
            c.id,
            deps(),
            n - (k as usize).min(n) + 1
        ),
    }
}

/// A SPOF's chain from its failure to the entry, in sentences (cut in the
/// middle when long), and the number of sentences in the whole chain.
fn spof_explanation(inv: &Inventory, x: Idx<Component>, path: &FailurePath) -> (Vec<String>, usize) {
    let mut out = vec![format!("{} failed", inv.component(x).id)];
    out.extend(path.near_failure.iter().map(|&l| describe_link(inv, l)));
    if !path.near_entry.is_empty() {
        out.push(elided(path.links - path.near_failure.len() - path.near_entry.len()));
        out.extend(path.near_entry.iter().map(|&l| describe_link(inv, l)));
    }
    (out, path.links + 1)
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

/// `graph/spof`: a component whose failure alone takes an entry point down.
pub static SPOF: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "graph/spof",
        Severity::Critical,
        "A component whose failure alone takes an entry down (tier 1 critical ... tier 4 low)",
        r"
## What it checks
Every component whose failure, on its own, takes at least one entry point down once the
redundancy rules are applied (`all`, `any`, `at_least`). One finding per component, naming
every entry it takes down. Severity follows the most critical entry's tier: tier 1 critical,
tier 2 (or no tier) high, tier 3 medium, tier 4 low. A `logical` component (a cluster, a
replicated component) never fails on its own and is never reported; what it stands on is.
Instances of a replicated component are reported as `ID#N` when every instance is needed.

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
    (),
    spof,
)
.using_failure_analysis();

fn spof(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
    let inv = analysis.inventory();
    let report = analysis.spofs();
    // Each SPOF is explained against its most critical entry: one search
    // per such entry finds the chains of all the SPOFs explained against it.
    // (the SPOF, its most critical entry, the severity, every entry it takes down)
    type Row = (Idx<Component>, Idx<Component>, Severity, Vec<Idx<Component>>);
    let mut worst_of: Vec<Row> = Vec::new();
    for i in 0..inv.components().len() {
        let x = Idx::new(i);
        let entries: Vec<Idx<Component>> = report.entries_taken_down_by(x).collect();
        let Some((entry, severity)) = worst(inv, &entries) else {
            continue;
        };
        worst_of.push((x, entry, severity, entries));
    }
    let mut by_entry: BTreeMap<Idx<Component>, Vec<usize>> = BTreeMap::new();
    for (i, (_, entry, _, _)) in worst_of.iter().enumerate() {
        by_entry.entry(*entry).or_default().push(i);
    }
    let mut paths: Vec<Option<FailurePath>> = vec![None; worst_of.len()];
    let mut scratch = PathScratch::default();
    for (entry, rows) in by_entry {
        let xs: Vec<Idx<Component>> = rows.iter().map(|&i| worst_of[i].0).collect();
        for (&i, path) in rows
            .iter()
            .zip(analysis.failure_paths(entry, &xs, KEEP_LINKS, &mut scratch))
        {
            paths[i] = path;
        }
    }
    let mut out = Vec::with_capacity(worst_of.len());
    for ((x, entry, severity, entries), path) in worst_of.into_iter().zip(paths) {
        let c = inv.component(x);
        let names = ids(inv, &entries);
        let (chain, steps) = match &path {
            Some(p) => spof_explanation(inv, x, p),
            None => (Vec::new(), 0),
        };
        out.push(
            Finding::new(
                rule.shared_id(),
                severity,
                Subject::new(EntityKind::Component, &c.id),
                format!(
                    "component '{}' is a single point of failure: its failure alone takes down {}",
                    c.id,
                    listing::join(&names, ", ")
                ),
            )
            .with_evidence_list("entries", names)
            .with_evidence("explained_entry", inv.component(entry).id.as_str())
            .with_evidence("explanation", chain)
            .with_evidence("explanation_steps", steps)
            // A fixed text, shared: the message names the component, and
            // an estate can have a SPOF for every component it has.
            .with_remediation(
                "give it a peer in another failure domain behind `requires: any` (or `at_least`), \
                 or change what depends on it",
            )
            .at(&c.location)
            .compacted(),
        );
    }
    out
}

/// `graph/domain-spof`: a failure domain whose loss alone takes an entry point down.
pub static DOMAIN_SPOF: BuiltinRule = BuiltinRule::heavy(
    Rule::from_static(
        "graph/domain-spof",
        Severity::Critical,
        "A zone, person, credential, ... whose loss takes an entry down (severity by the entry's tier; regions and providers one level lower)",
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
    (),
    domain_spof,
)
.using_failure_analysis();

fn domain_spof(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
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
        let (chain, steps) = failure_path(&outage, inv, entry);
        out.push(
            Finding::new(
                rule.shared_id(),
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
                    listing::join(&names, ", ")
                ),
            )
            .with_evidence("kind", domain.kind.as_str())
            .with_evidence("explained_entry", inv.component(entry).id.as_str())
            .with_evidence_list("entries", names)
            .with_evidence("explanation", chain)
            .with_evidence("explanation_steps", steps)
            .with_remediation(format!(
                "spread what these entries need over more than one {}",
                domain.kind.as_str()
            ))
            .at(&domain.location),
        );
    }
    out
}

/// `graph/nominal-redundancy`: redundancy defeated by one shared dependency or one domain.
pub static NOMINAL_REDUNDANCY: BuiltinRule = BuiltinRule::heavy(
    Rule::from_static(
        "graph/nominal-redundancy",
        Severity::Medium,
        "`any` / `at_least` redundancy that one shared dependency or one zone defeats",
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
    (),
    nominal_redundancy,
)
.using_failure_analysis();

fn nominal_redundancy(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
    let inv = analysis.inventory();
    let g = analysis.compiled();
    let kill = analysis.kill_graph();
    let mut out = Vec::new();
    // Scratch space shared by every component's searches: each component
    // costs what its own searches touch, not a fresh set or map.
    let mut frontier = Frontier::new(g.len());
    let mut held: Vec<(usize, usize)> = Vec::new();
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
        let shared: Vec<Idx<Component>> = frontier
            .failable(g, kill, kill.generators(g, i as u32))
            .iter()
            .map(|&x| Idx::new(x as usize))
            .collect();
        let what = if c.replicas.is_some() {
            "replicas"
        } else {
            "dependencies"
        };
        let rule_text = match c.requires {
            Requirement::AtLeast(k) => format!("at least {k} of {n} {what}"),
            _ => format!("any of {n} {what}"),
        };
        if !shared.is_empty() {
            let names = ids(inv, &shared);
            out.push(
                Finding::new(
                    rule.shared_id(),
                    Severity::Medium,
                    Subject::new(EntityKind::Component, &c.id),
                    format!(
                        "component '{}' requires {rule_text}, but a single failure of {} takes enough of them down",
                        c.id,
                        listing::join(names.iter().map(|s| format!("'{s}'")), " or ")
                    ),
                )
                .with_evidence_list("shared", names)
                .with_evidence("tolerates", tolerate)
                .with_key("shared")
                .with_remediation("remove the shared dependency or make it redundant too")
                .at(&c.location)
                .compacted(),
            );
        }
        // Domains (and their ancestors) holding more replicas than the rule
        // tolerates losing: (domain, member) pairs, each counted once.
        held.clear();
        for d in &c.depends_on {
            for &dom in &inv.component(*d).domains {
                let mut cur = Some(dom);
                while let Some(x) = cur {
                    held.push((x.index(), d.index()));
                    cur = inv.domains()[x.index()].parent;
                }
            }
        }
        held.sort_unstable();
        held.dedup();
        let crowded: Vec<(usize, usize)> = held
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| (run[0].0, run.len()))
            .filter(|&(d, members)| {
                members > tolerate && !matches!(inv.domains()[d].kind, DomainKind::Region | DomainKind::Provider)
            })
            .collect();
        for (d, held) in crowded {
            let domain = &inv.domains()[d];
            out.push(
                Finding::new(
                    rule.shared_id(),
                    Severity::Medium,
                    Subject::new(EntityKind::Component, &c.id),
                    format!(
                        "component '{}' requires {rule_text}, but {held} of them are in {} '{}': losing it defeats the redundancy",
                        c.id,
                        domain.kind.as_str(),
                        domain.id
                    ),
                )
                .with_evidence("domain", domain.id.as_str())
                .with_evidence("replicas_in_domain", held)
                .with_evidence("tolerates", tolerate)
                .with_key(format!("domain:{}", domain.id))
                .with_remediation(format!("place the replicas in different {}s", domain.kind.as_str()))
                .at(&c.location),
            );
        }
    }
    out
}

/// Scratch space for [`Frontier::failable`], reused across searches: a
/// search marks what it saw with its own stamp, so nothing is cleared
/// between searches.
struct Frontier {
    stamp: u32,
    seen: Vec<u32>,
    stack: Vec<u32>,
    out: Vec<u32>,
}

impl Frontier {
    fn new(nodes: usize) -> Self {
        Frontier {
            stamp: 0,
            seen: vec![0; nodes],
            stack: Vec::new(),
            out: Vec::new(),
        }
    }

    /// The components nearest `start` in the kill graph that can fail on
    /// their own: `start`'s own, and in place of each logical one, the
    /// nearest such components below it (which take it down). Sorted.
    fn failable(&mut self, g: &Compiled, kill: &KillGraph, start: &[u32]) -> &[u32] {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // Wrapped: old stamps could collide with the new ones.
            self.seen.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        self.stack.clear();
        self.out.clear();
        for &x in start {
            if self.seen[x as usize] != stamp {
                self.seen[x as usize] = stamp;
                self.stack.push(x);
            }
        }
        while let Some(x) = self.stack.pop() {
            if g.can_fail(x) {
                self.out.push(x);
                continue;
            }
            for &y in kill.generators(g, x) {
                if self.seen[y as usize] != stamp {
                    self.seen[y as usize] = stamp;
                    self.stack.push(y);
                }
            }
        }
        self.out.sort_unstable();
        &self.out
    }
}

/// `graph/no-redundancy`: an entry point for which every dependency is a single point of failure.
pub static NO_REDUNDANCY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "graph/no-redundancy",
        Severity::High,
        "An entry for which every dependency is a single point of failure (severity by the entry's tier)",
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
    (),
    no_redundancy,
)
.using_failure_analysis();

fn no_redundancy(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
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
                    // A logical component cannot fail alone: look through it.
                    if !spofs.contains(&d.index()) && !inv.component(d).logical {
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
                rule.shared_id(),
                tier_severity(entry.tier),
                Subject::new(EntityKind::Component, &entry.id),
                format!(
                    "entry '{}' has no redundancy: each of the {} components it depends on is a single point of failure",
                    entry.id,
                    spofs.len()
                ),
            )
            .with_evidence_list("spofs", ids(inv, &rec.spofs))
            .with_remediation("make the most shared of its dependencies redundant first")
            .at(&entry.location),
        );
    }
    out
}

/// `graph/dependency-cycle`: components that depend on each other in a cycle.
pub static DEPENDENCY_CYCLE: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "graph/dependency-cycle",
        Severity::Low,
        "Components that depend on each other in a cycle",
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
    ),
    (),
    dependency_cycle,
);

fn dependency_cycle(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let components = ctx.inventory().components();
    let edges = Csr::from_pairs(
        components.len(),
        components
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.depends_on.iter().map(move |d| (i as u32, d.index() as u32))),
    );
    let sccs = sccs(&edges);
    let mut out = Vec::new();
    for s in (0..sccs.count() as u32).filter(|&s| sccs.is_cyclic(s)) {
        let mut scc: Vec<u32> = sccs.members.row(s).to_vec();
        scc.sort_unstable();
        let members: Vec<&str> = scc.iter().map(|&n| components[n as usize].id.as_str()).collect();
        let first = &components[scc[0] as usize];
        out.push(
            rule.finding(
                Severity::Low,
                Subject::new(EntityKind::Component, &first.id),
                format!(
                    "{} components depend on each other in a cycle: {}",
                    members.len(),
                    listing::join(&members, ", ")
                ),
            )
            .with_evidence_list("members", members)
            .with_remediation("break the cycle so the estate can be started cold in some order")
            .at(&first.location),
        );
    }
    out
}
