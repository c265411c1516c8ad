//! The rules over failover drills and chaos experiments: redundancy nobody
//! has exercised, failovers that failed the last time they were tried, and
//! experiments whose outcome contradicts the model.

use chrono::TimeDelta;

use super::checks::tier_severity;
use super::drills::{Experiment, is_redundancy};
use crate::check::{BuiltinRule, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::listing;
use crate::rule::Rule;
use crate::{Component, Idx, Inventory, Requirement};

/// `graph/untested-redundancy`: redundancy under a tier-1 or tier-2 entry
/// that no recent experiment exercised.
pub static UNTESTED_REDUNDANCY: BuiltinRule<UntestedRedundancyOptions> = BuiltinRule::new(
    Rule::from_static(
        "graph/untested-redundancy",
        Severity::High,
        "`any` / `at_least` / replicas redundancy under a tier-1 or tier-2 entry that no experiment exercised in 180 days (medium for tier 2)",
        r"
## What it checks
Every redundancy (a component with `requires: any`, `at_least` below its number of
dependencies, or `replicas:` with `min` below `count`, logical clusters included) that a
tier-1 or tier-2 entry point depends on, directly or not (an entry without a tier counts as
tier 2), and that no experiment in `experiments:` exercised within the window (default 180
days) before the evaluation instant. An experiment exercises a redundancy when, in the
model, what it failed takes down at least one of the redundancy's dependencies: a member
itself, an instance `ID#N`, a domain a member is in, or something a member stands on.
Experiments after the evaluation instant do not count. High when a tier-1 entry depends on
it, medium otherwise. `opsctl check` reads the window from `ops.toml`: key `window` in the
rule's table under `[thresholds]`.

## Why it matters
A failover nobody has tried is a claim, not a fact. The database's automatic failover that
'did not occur as expected' during the outage had never been exercised: the replica was
there, the promotion was not.

## Example
```yaml
components:
  - {id: shop, entry: true, tier: 1, depends_on: [db]}
  - {id: db, requires: any, depends_on: [db-primary, db-replica]}
  - {id: db-primary}
  - {id: db-replica}
# no experiment has failed db-primary or db-replica
```

## How to fix
Run a drill: fail one member (stop the primary, drain a zone) on a quiet day, watch the
entry points, and record it under `experiments:` (`opsctl experiment new`). `opsctl
experiment plan` lists the drills most worth running next.
",
    ),
    UntestedRedundancyOptions::DEFAULT,
    untested_redundancy,
)
.using_failure_analysis();

/// The options of [`UNTESTED_REDUNDANCY`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UntestedRedundancyOptions {
    /// How far back an experiment still counts.
    pub window: TimeDelta,
}

impl UntestedRedundancyOptions {
    /// The defaults: 180 days.
    pub const DEFAULT: UntestedRedundancyOptions = UntestedRedundancyOptions {
        window: TimeDelta::days(180),
    };

    /// Counts experiments up to `window` before the evaluation instant.
    pub fn with_window(mut self, window: TimeDelta) -> Self {
        self.window = window;
        self
    }
}

impl Default for UntestedRedundancyOptions {
    fn default() -> Self {
        UntestedRedundancyOptions::DEFAULT
    }
}

/// How a redundancy's rule reads in a message.
fn rule_text(c: &Component) -> String {
    let n = c.depends_on.len();
    let what = if c.replicas.is_some() {
        "replicas"
    } else {
        "dependencies"
    };
    match c.requires {
        Requirement::AtLeast(k) => format!("at least {k} of {n} {what}"),
        _ => format!("any of {n} {what}"),
    }
}

fn untested_redundancy(rule: &Rule, ctx: &Context<'_>, options: &UntestedRedundancyOptions) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
    let inv = analysis.inventory();
    let now = ctx.now();
    let critical = analysis.critical_entries();
    let last = ctx.last_experiments();
    let mut out = Vec::new();
    for (i, c) in inv.components().iter().enumerate() {
        let Some(mark) = critical[i] else { continue };
        if !is_redundancy(c) {
            continue;
        }
        let previous = last.get(&Idx::new(i)).map(|&e| inv.experiment(e));
        if previous.is_some_and(|e| now - e.at <= options.window) {
            continue;
        }
        let entry = &inv.component(mark.entry).id;
        let tier = mark.tier.unwrap_or(2);
        let severity = if tier == 1 { Severity::High } else { Severity::Medium };
        let days = options.window.num_days();
        let history = match previous {
            Some(e) => format!(
                "its last experiment, '{}', was at {}, more than {days} days ago",
                e.id,
                e.at.format("%Y-%m-%d")
            ),
            None => "no experiment has ever exercised it".to_owned(),
        };
        let mut f = rule
            .finding(
                severity,
                Subject::new(EntityKind::Component, &c.id),
                format!(
                    "component '{}' requires {} and tier-{tier} entry '{entry}' depends on it, but {history}",
                    c.id,
                    rule_text(c),
                ),
            )
            .with_evidence("entry", entry.as_str())
            .with_evidence("tier", tier)
            .with_evidence("window_days", days)
            .with_evidence_list("members", member_ids(inv, c))
            // A fixed text, shared: the message names the component, and an
            // estate can have a finding for every redundancy it has.
            .with_remediation("run a drill that fails one of its members and record it under experiments:")
            .at(&c.location);
        if let Some(e) = previous {
            f = f.with_evidence("last_experiment", e.id.as_str());
        }
        out.push(f.compacted());
    }
    out
}

fn member_ids(inv: &Inventory, c: &Component) -> Vec<String> {
    c.depends_on.iter().map(|&d| inv.component(d).id.clone()).collect()
}

/// `graph/failed-failover`: the last experiment on a redundancy took an
/// entry point down.
pub static FAILED_FAILOVER: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "graph/failed-failover",
        Severity::Critical,
        "The last experiment on a redundancy took an entry down that depends on it (severity by the entry's tier)",
        r"
## What it checks
For every redundancy (`requires: any`, `at_least`, `replicas:`) that an experiment at or
before the evaluation instant exercised (see `graph/untested-redundancy`), the last such
experiment: if it records an entry point in `went_down` that depends on the redundancy,
directly or not, the failover failed the last time it was tried. Severity follows the most
critical such entry's tier (tier 1 critical ... tier 4 low). A later experiment on the same
redundancy in which every entry stayed up clears it.

## Why it matters
The redundancy exists on paper and failed in practice: until it is fixed and tried again,
the estate is as fragile as if it were not there, and the model overstates it.

## Example
```yaml
components:
  - {id: shop, entry: true, tier: 1, depends_on: [db]}
  - {id: db, requires: any, depends_on: [db-primary, db-replica]}
  - {id: db-primary}
  - {id: db-replica}
experiments:
  - {id: db-failover-2026-10, at: 2026-10-14T09:00:00Z, failed: [db-primary], went_down: [shop]}
```

## How to fix
Find out why the failover did not happen (`opsctl experiment check` explains the
disagreement with the model), fix it, run the drill again and record it.
",
    ),
    (),
    failed_failover,
)
.using_failure_analysis();

fn failed_failover(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
    let inv = analysis.inventory();
    let mut last: Vec<(Idx<Component>, Idx<Experiment>)> =
        ctx.last_experiments().iter().map(|(&r, &e)| (r, e)).collect();
    last.sort();
    // The cone of each experiment's downed entries, computed once per
    // experiment: (component index -> the downed entries standing on it).
    let mut cones: std::collections::HashMap<Idx<Experiment>, Vec<Vec<Idx<Component>>>> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for (r, e) in last {
        let exp = inv.experiment(e);
        if exp.went_down.is_empty() {
            continue;
        }
        let cone = cones.entry(e).or_insert_with(|| downed_cones(inv, &exp.went_down));
        let entries = &cone[r.index()];
        if entries.is_empty() {
            continue;
        }
        let severity = entries
            .iter()
            .map(|&x| tier_severity(inv.component(x).tier))
            .max()
            .unwrap_or(Severity::High);
        let c = inv.component(r);
        let mut names: Vec<&str> = entries.iter().map(|&x| inv.component(x).id.as_str()).collect();
        names.sort_unstable();
        out.push(
            rule.finding(
                severity,
                Subject::new(EntityKind::Component, &c.id),
                format!(
                    "component '{}' requires {}, but its last experiment, '{}' at {}, took down {}",
                    c.id,
                    rule_text(c),
                    exp.id,
                    exp.at.format("%Y-%m-%d"),
                    listing::join(&names, ", ")
                ),
            )
            .with_evidence("experiment", exp.id.as_str())
            .with_evidence_list("went_down", names)
            .with_remediation(format!(
                "find why the failover did not hold (`opsctl experiment check PATH {}`), fix it and run the drill again",
                exp.id
            ))
            .at(&c.location),
        );
    }
    out
}

/// For every component, which of `entries` depend on it (or are it).
/// O((V + E) * entries): entries are the few an experiment saw go down.
fn downed_cones(inv: &Inventory, entries: &[Idx<Component>]) -> Vec<Vec<Idx<Component>>> {
    let mut on: Vec<Vec<Idx<Component>>> = vec![Vec::new(); inv.components().len()];
    for &e in entries {
        let mut stack = vec![e];
        on[e.index()].push(e);
        while let Some(c) = stack.pop() {
            for &d in &inv.component(c).depends_on {
                if on[d.index()].last() != Some(&e) {
                    on[d.index()].push(e);
                    stack.push(d);
                }
            }
        }
    }
    on
}

/// `graph/model-contradicted`: an experiment's observed outcome differs from
/// what the model predicts for the same failure.
pub static MODEL_CONTRADICTED: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "graph/model-contradicted",
        Severity::High,
        "An experiment's observed outcome differs from the model's prediction (medium when entries stayed up that the model takes down)",
        r"
## What it checks
For every experiment at or before the evaluation instant, the model's simulation of what it
failed (as `opsctl simulate` does) against what was observed: an entry point listed in
`went_down` that the model keeps up (high), or one listed in `stayed_up` that the model
takes down (medium). Entry points the experiment does not list are not compared. One
finding per experiment and direction, naming every entry point it disagrees on, with an
explanation: for an entry that went down, the redundancies under it that the model says
held and what their survivors share (dependencies, failure domains); for one that stayed
up, the model's chain of failure.

## Why it matters
The model predicts what a failure takes down; an experiment records what happened. When
they disagree, the inventory is wrong: every other answer it gives (single points of
failure, blast radius, availability) is wrong in the same way. An entry that went down
although the model says it holds means the estate is more fragile than the inventory says.

## Example
```yaml
components:
  - {id: shop, entry: true, depends_on: [db]}
  - {id: db, requires: any, depends_on: [db-primary, db-replica]}
  - {id: db-primary}
  - {id: db-replica}
experiments:
  - {id: db-failover, at: 2026-10-14T09:00:00Z, failed: [db-primary], went_down: [shop]}
```

## How to fix
Read `opsctl experiment check PATH EXPERIMENT`: add the dependency the inventory is missing
(the failover manager that ran on the primary's host, the shared storage), correct the rule
(`at_least: 2` where one replica cannot carry the load), or, for an entry that stayed up,
relax the rule or dependency that is stricter than reality.
",
    ),
    (),
    model_contradicted,
)
.using_failure_analysis();

fn model_contradicted(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
    let inv = analysis.inventory();
    let now = ctx.now();
    let mut out = Vec::new();
    for (i, exp) in inv.experiments().iter().enumerate() {
        if exp.at > now {
            continue;
        }
        let check = analysis.check_experiment(Idx::new(i));
        for predicted_down in [false, true] {
            let found: Vec<_> = check
                .disagreements
                .iter()
                .filter(|d| d.predicted_down == predicted_down)
                .collect();
            if found.is_empty() {
                continue;
            }
            let names: Vec<&str> = found.iter().map(|d| inv.component(d.entry).id.as_str()).collect();
            let explanation: Vec<String> = found
                .iter()
                .flat_map(|d| {
                    std::iter::once(format!("{}:", inv.component(d.entry).id)).chain(d.explanation.iter().cloned())
                })
                .collect();
            let (severity, message, key) = if predicted_down {
                (
                    Severity::Medium,
                    format!(
                        "experiment '{}' saw {} stay up, but the model says what it failed takes {} down",
                        exp.id,
                        listing::join(&names, ", "),
                        if names.len() == 1 { "it" } else { "them" }
                    ),
                    "stayed-up",
                )
            } else {
                (
                    Severity::High,
                    format!(
                        "experiment '{}' saw {} go down, but the model says what it failed leaves {} up",
                        exp.id,
                        listing::join(&names, ", "),
                        if names.len() == 1 { "it" } else { "them" }
                    ),
                    "went-down",
                )
            };
            out.push(
                rule.finding(severity, Subject::new(EntityKind::Experiment, &exp.id), message)
                    .with_evidence_list("entries", names)
                    .with_evidence("explanation", explanation)
                    .with_key(key)
                    .with_remediation(format!(
                        "correct the inventory where `opsctl experiment check PATH {}` shows it disagrees",
                        exp.id
                    ))
                    .at(&exp.location),
            );
        }
    }
    out
}
