//! The built-in rule on double faults: entry points that two failures take
//! down together, where no recent experiment tried the pair.

use chrono::TimeDelta;

use super::analysis::DoubleFaults;
use super::checks::{failure_path, tier_severity};
use super::double::DOUBLE_FAULT_WORK;
use super::outage::Outage;
use crate::check::{BuiltinRule, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::inventory::FailureTarget;
use crate::rule::Rule;
use crate::{Component, Idx};

/// The most pairs a `graph/double-fault` finding names; its evidence
/// carries the total.
pub const MAX_LISTED_PAIRS: usize = 5;
/// The most pairs of one entry `graph/double-fault` counts; past it the
/// count reads "more than".
pub const MAX_COUNTED_PAIRS: usize = 100_000;
/// The work `graph/double-fault` and `opsctl experiment plan` spend on all
/// entry points together ([`crate::graph::FailureAnalysis::all_double_faults`]),
/// in the steps of [`DOUBLE_FAULT_WORK`].
pub const DOUBLE_FAULT_RULE_WORK: usize = 5 * DOUBLE_FAULT_WORK;

/// `graph/double-fault`: pairs of components that take an entry point down
/// together, neither of which does alone.
pub static DOUBLE_FAULT: BuiltinRule<DoubleFaultOptions> = BuiltinRule::heavy(
    Rule::from_static(
        "graph/double-fault",
        Severity::Low,
        "Pairs of components that take an entry down together though neither does alone, untried by a recent experiment (tier 1 medium, tier 2 low, tiers 3-4 info)",
        r"
## What it checks
For every entry point, the pairs of components (neither a single point of failure of the
entry, neither `logical`) whose joint failure takes it down: its minimal cut sets of order
two, the pairs `opsctl spof --order 2` prints and the MEF export's fault tree has. One
finding per entry, naming the first few pairs by id and counting them all. A pair is
covered when an experiment in `experiments:` within the window (that of
`graph/untested-redundancy`, default 180 days, key `window` under its table in `ops.toml`)
before the evaluation instant failed both of its components together (directly, as
instances, through a domain they are in, or through what they stand on, as the model saw it
at the experiment's instant). An entry whose every pair is covered is not reported.
Severity follows the entry's tier two levels below `graph/spof`, since two independent
failures are needed: tier 1 medium, tier 2 (or no tier) low, tiers 3 and 4 info.

An experiment that failed only one component of a pair does not cover it: it tested that
the entry survives one loss (what `graph/untested-redundancy` asks for), not what the pair
does together, which is the model's prediction this rule is about.

The search is bounded: one search for all entries together (for each redundancy, which of
its dependencies every single failure takes down is read off the single points of failure,
and each pair whose failures together take down enough of them to break it is tried once,
whatever entries it takes down), within a bound of work: 100 million steps by default,
about 1.7 seconds of one core at 300,000 components (key `work` under the rule's table in
`ops.toml`). If it stops early, every entry with pairs found so far is reported with them
and says so, and one info finding on the inventory says that the search is incomplete, so
that an entry with no finding is not read as one without double faults (the search can
stop before it has tried any pair).
`opsctl spof --order 2 --entry ID` searches one entry at a time.

## Why it matters
Redundancy holds against one failure; two at once (a replica down for maintenance when the
other's disk fills, two zones in one week) is how redundant systems go down. Knowing which
pairs do it tells you what never to take down together, and which game day to run next.

## Example
```yaml
components:
  - {id: shop, entry: true, tier: 1, depends_on: [db]}
  - {id: db, requires: any, depends_on: [db-primary, db-replica]}
  - {id: db-primary}
  - {id: db-replica}
# db-primary + db-replica take shop down; no experiment failed both
```

## How to fix
Add a third member where losing two at once is likely (`at_least` over three), spread the
pair over domains that do not fail together, or, if the pair is an accepted risk, fail both
in a drill (`opsctl experiment plan` lists them first) to confirm the model and record it.
",
    ),
    DoubleFaultOptions::DEFAULT,
    double_fault,
)
.using_failure_analysis();

/// The options of [`DOUBLE_FAULT`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DoubleFaultOptions {
    /// How far back an experiment still covers a pair (`opsctl` reads the
    /// window of `graph/untested-redundancy`).
    pub window: TimeDelta,
    /// The work the search may spend on all entries together, in the steps
    /// of [`crate::graph::FailureAnalysis::all_double_faults`].
    pub work: usize,
}

impl DoubleFaultOptions {
    /// The defaults: 180 days, as for `graph/untested-redundancy`, and
    /// [`DOUBLE_FAULT_RULE_WORK`] steps.
    pub const DEFAULT: DoubleFaultOptions = DoubleFaultOptions {
        window: TimeDelta::days(180),
        work: DOUBLE_FAULT_RULE_WORK,
    };

    /// Counts experiments up to `window` before the evaluation instant.
    pub fn with_window(mut self, window: TimeDelta) -> Self {
        self.window = window;
        self
    }

    /// Searches within `work` steps instead of [`DOUBLE_FAULT_RULE_WORK`].
    pub fn with_work(mut self, work: usize) -> Self {
        self.work = work;
        self
    }
}

impl Default for DoubleFaultOptions {
    fn default() -> Self {
        DoubleFaultOptions::DEFAULT
    }
}

/// The severity of a double fault of an entry of this tier: two levels
/// below that of a single point of failure.
pub(crate) fn double_fault_severity(tier: Option<u8>) -> Severity {
    match tier_severity(tier) {
        Severity::Critical => Severity::Medium,
        Severity::High => Severity::Low,
        _ => Severity::Info,
    }
}

fn double_fault(rule: &Rule, ctx: &Context<'_>, options: &DoubleFaultOptions) -> Vec<Finding> {
    let analysis = ctx.failure_analysis();
    let inv = analysis.inventory();
    let now = ctx.now();
    let recent = analysis.recent_outages(now, options.window);
    // One search for every entry at once (each pair tried once, whatever
    // the entries it takes down); reported most critical entry first.
    let (all, _) = analysis.all_double_faults(MAX_COUNTED_PAIRS, options.work);
    let incomplete = all.iter().any(|f| !f.complete);
    let mut all: Vec<(u8, &str, DoubleFaults)> = (all.into_iter())
        .map(|f| {
            let entry = inv.component(f.entry);
            (entry.tier.unwrap_or(2), entry.id.as_str(), f)
        })
        .collect();
    all.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut out = Vec::new();
    for (_, _, faults) in all {
        let e = faults.entry;
        if faults.pairs.is_empty() {
            continue;
        }
        let total = faults.pairs.len();
        let covered =
            |&(x, y): &(Idx<Component>, Idx<Component>)| recent.iter().any(|o: &Outage| o.is_down(x) && o.is_down(y));
        let mut open: Vec<(&str, &str, Idx<Component>, Idx<Component>)> = (faults.pairs.iter())
            .filter(|p| !covered(p))
            .map(|&(x, y)| {
                let (a, b) = (inv.component(x).id.as_str(), inv.component(y).id.as_str());
                if a <= b { (a, b, x, y) } else { (b, a, y, x) }
            })
            .collect();
        if open.is_empty() {
            continue; // every pair found was tried together recently
        }
        let exhaustive = faults.complete && !faults.truncated;
        open.sort_unstable();
        let entry = inv.component(e);
        let tier = entry.tier.map(|t| format!("tier-{t} ")).unwrap_or_default();
        let plural = if total == 1 { "" } else { "s" };
        let count = if faults.truncated {
            format!("more than {total} pairs")
        } else if !faults.complete {
            format!("at least {total} pair{plural}")
        } else {
            format!("{total} pair{plural}")
        };
        let listed: Vec<String> = (open.iter().take(MAX_LISTED_PAIRS))
            .map(|(a, b, _, _)| format!("{a} + {b}"))
            .collect();
        let mut message = match open.as_slice() {
            [(a, b, _, _)] if exhaustive && total == 1 => format!(
                "{tier}entry '{}' goes down when {a} and {b} fail together, though neither alone takes it down",
                entry.id
            ),
            _ => format!(
                "{tier}entry '{}' goes down when both components of any one of {count} fail together, \
                 though neither alone takes it down: {}",
                entry.id,
                listed.join(", ")
            ),
        };
        if open.len() > listed.len() {
            message.push_str(&format!(" and {} more", open.len() - listed.len()));
        }
        let tried = total - open.len();
        if tried > 0 {
            message.push_str(&format!(
                " ({tried} other{} tried together by a recent experiment)",
                if tried == 1 { "" } else { "s" }
            ));
        }
        if !faults.complete {
            message.push_str(" (the search stopped at its work bound: there may be more)");
        }
        let mut f = rule
            .finding(
                double_fault_severity(entry.tier),
                Subject::new(EntityKind::Component, &entry.id),
                message,
            )
            .with_evidence("pairs", listed)
            .with_evidence("pair_count", total)
            .with_evidence("untried", open.len())
            .with_evidence("complete", exhaustive)
            .with_evidence("window_days", options.window.num_days());
        if let Some(&(a, b, x, y)) = open.first() {
            // The first pair listed, explained as graph/domain-spof explains a domain.
            let outage = analysis.simulate(&[FailureTarget::Component(x), FailureTarget::Component(y)]);
            let (chain, steps) = failure_path(&outage, inv, e);
            f = f
                .with_evidence("explained_pair", format!("{a} + {b}"))
                .with_evidence("explanation", chain)
                .with_evidence("explanation_steps", steps);
        }
        out.push(
            f.with_remediation(format!(
                "make what '{}' needs survive two losses, or fail a pair together in a drill \
                 (`opsctl experiment plan` lists them first) and record it",
                entry.id
            ))
            .at(&entry.location),
        );
    }
    if incomplete && let Some(first) = inv.components().first() {
        out.push(incomplete_search(rule, inv.components().len(), options.work).at(&first.location));
    }
    out
}

/// The note that the search stopped before it had tried every pair.
fn incomplete_search(rule: &Rule, components: usize, work: usize) -> Finding {
    rule.finding(
        Severity::Info,
        Subject::new(EntityKind::Inventory, "inventory"),
        format!(
            "the double-fault search of the {components} components stopped at its bound of {work} steps \
             before it had tried every pair: entries not reported may still have double faults"
        ),
    )
    .with_evidence("work", work)
    .with_remediation(
        "search one entry at a time with `opsctl spof --order 2 --entry ID`, or raise `work` under \
         `[thresholds.\"graph/double-fault\"]` in ops.toml",
    )
}
