//! Built-in incident checks: post-mortems that are missing or incomplete,
//! actions nobody owns or dates, monitoring gaps, changes and recurrences
//! around incidents, and incidents on single points of failure.
//!
//! Every check looks only at incidents detected at or before the evaluation
//! instant ([`Context::now`]), so evaluating "as of" a past instant ignores
//! what came later.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use crate::check::BuiltinRule;
use crate::check::{Check, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::listing;
use crate::rule::Rule;
use crate::{
    Action, Detection, Idx, Incident, IncidentSeverity, Inventory, PostmortemIssue, Principal, Timestamp,
    format_duration,
};

/// The incident rules, in the order of the README's table.
pub(crate) static RULES: &[&dyn Check] = &[
    &SPOF_INCIDENT,
    &MISSING_POSTMORTEM,
    &ISSUE_WITHOUT_ACTION,
    &ACTION_UNOWNED,
    &ACTION_UNDATED,
    &ACTION_OVERDUE,
    &CUSTOMER_DETECTED,
    &RECURRENCE,
    &CHANGE_BEFORE_INCIDENT,
];

/// Incidents detected at or before `now`, with their index.
fn past(inv: &Inventory, now: Timestamp) -> impl Iterator<Item = (Idx<Incident>, &Incident)> {
    inv.incidents()
        .iter()
        .enumerate()
        .filter(move |(_, i)| i.detected_at <= now)
        .map(|(n, i)| (Idx::new(n), i))
}

fn date(t: Timestamp) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn minute(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A description shortened to one line of at most 60 characters, for messages.
fn brief(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 60 {
        line
    } else {
        let cut: String = line.chars().take(57).collect();
        format!("{}...", cut.trim_end())
    }
}

fn incident_subject(i: &Incident) -> Subject {
    Subject::new(EntityKind::Incident, &i.id)
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// `incident/missing-postmortem`: a resolved incident at or above a severity
/// (default `sev2`) with no completed post-mortem some time (default 7 days)
/// after it was resolved.
pub static MISSING_POSTMORTEM: BuiltinRule<MissingPostmortemOptions> = BuiltinRule::new(
    Rule::from_static(
        "incident/missing-postmortem",
        Severity::Medium,
        "A resolved sev1/sev2 incident with no completed post-mortem 7 days later (high for sev1)",
        r"
## What it checks
Incidents of severity `sev2` or worse (`sev1`, `sev2`) resolved more than 7 days before the
evaluation instant whose `postmortem_done_at` is not set (or is later than that instant).
`sev1` incidents are reported at high severity, the others at medium. An embedder can change
the severity threshold and the grace period (`MissingPostmortem::with_min_severity`,
`with_grace`).

## Why it matters
A serious incident without a post-mortem is an incident you will have again: nobody wrote
down what happened, what went wrong and what to change, so nothing changes.

## Example
```yaml
incident:
  id: INC-2026-014
  title: Checkout down
  severity: sev1
  detected_at: 2026-09-14T08:31:00+01:00
  resolved_at: 2026-09-14T11:20:00+01:00
  # no postmortem_done_at, weeks later
```

## How to fix
Hold the post-mortem: write the `postmortem:` section (what happened, why, why monitoring
and self-healing did not catch it, issues and actions), then set `postmortem_done_at`.
",
    ),
    MissingPostmortemOptions::DEFAULT,
    missing_postmortem,
);

/// The options of [`MISSING_POSTMORTEM`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingPostmortemOptions {
    /// Checks incidents of `severity` or worse (`Sev1` is the worst).
    pub min_severity: IncidentSeverity,
    /// Allows `grace` after resolution before a missing post-mortem is reported.
    pub grace: TimeDelta,
}

impl MissingPostmortemOptions {
    /// The defaults.
    pub const DEFAULT: MissingPostmortemOptions = MissingPostmortemOptions {
        min_severity: IncidentSeverity::Sev2,
        grace: TimeDelta::days(7),
    };

    /// Checks incidents of `severity` or worse (`Sev1` is the worst).
    pub fn with_min_severity(mut self, severity: IncidentSeverity) -> Self {
        self.min_severity = severity;
        self
    }

    /// Allows `grace` after resolution before a missing post-mortem is reported.
    pub fn with_grace(mut self, grace: TimeDelta) -> Self {
        self.grace = grace;
        self
    }
}

impl Default for MissingPostmortemOptions {
    fn default() -> Self {
        MissingPostmortemOptions::DEFAULT
    }
}

fn missing_postmortem(rule: &Rule, ctx: &Context<'_>, options: &MissingPostmortemOptions) -> Vec<Finding> {
    let now = ctx.now();
    let mut out = Vec::new();
    for (_, i) in past(ctx.inventory(), now) {
        let Some(resolved) = i.resolved_at else { continue };
        let done = i.postmortem_done_at.is_some_and(|t| t <= now);
        if i.severity > options.min_severity || done || now - resolved <= options.grace {
            continue;
        }
        let severity = if i.severity == IncidentSeverity::Sev1 {
            Severity::High
        } else {
            Severity::Medium
        };
        let waited = (now - resolved).num_days();
        let draft = i.postmortem.is_some();
        out.push(
            Finding::new(
                rule.shared_id(),
                severity,
                incident_subject(i),
                format!(
                    "incident '{}' ({}) was resolved on {} and has no completed post-mortem after {} \
                     (expected within {})",
                    i.id,
                    i.severity,
                    date(resolved),
                    days(waited),
                    format_duration(options.grace)
                ),
            )
            .with_evidence("resolved_at", resolved.to_rfc3339())
            .with_evidence("days_since_resolved", waited)
            .with_evidence("draft", draft)
            .with_remediation(if draft {
                "finish the post-mortem and set `postmortem_done_at`"
            } else {
                "hold the post-mortem, write its `postmortem:` section and set `postmortem_done_at`"
            })
            .at(&i.location),
        );
    }
    out
}

/// `incident/issue-without-action`: a post-mortem issue with no action.
pub static ISSUE_WITHOUT_ACTION: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "incident/issue-without-action",
        Severity::Medium,
        "A post-mortem issue with no action",
        r"
## What it checks
Issues in an incident's `postmortem.issues` with an empty (or missing) `actions` list.

## Why it matters
An issue nobody acts on is a known cause of the next incident. Writing it down without
an action gives the comfort of a post-mortem without its effect.

## Example
```yaml
postmortem:
  issues:
    - description: No alert on database disk usage.   # and no actions
```

## How to fix
Add at least one action to the issue, with one `owner`, an `expected_result` and a `due`
date. If nothing will be done, say so in an action and have its owner accept the risk.
",
    ),
    (),
    issue_without_action,
);

fn issue_without_action(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let mut out = Vec::new();
    for (_, i) in past(ctx.inventory(), ctx.now()) {
        let Some(pm) = &i.postmortem else { continue };
        for (n, issue) in pm.issues.iter().enumerate() {
            if !issue.actions.is_empty() {
                continue;
            }
            out.push(
                Finding::new(
                    rule.shared_id(),
                    Severity::Medium,
                    incident_subject(i),
                    format!(
                        "post-mortem of incident '{}': issue {} '{}' has no action",
                        i.id,
                        n + 1,
                        brief(&issue.description)
                    ),
                )
                .with_evidence("issue", issue.description.clone())
                .with_key(issue.description.clone())
                .with_remediation("add an action with one owner, an expected result and a due date")
                .at(&issue.location),
            );
        }
    }
    out
}

/// An open post-mortem action (no `done_at`, or one after the evaluation
/// instant) of an incident detected by then, with its issue and incident.
struct OpenAction<'a> {
    incident: &'a Incident,
    issue: &'a PostmortemIssue,
    action: &'a Action,
}

impl OpenAction<'_> {
    /// "action '...' of incident '...'", for messages.
    fn what(&self) -> String {
        format!(
            "action '{}' of incident '{}'",
            brief(&self.action.description),
            self.incident.id
        )
    }

    /// A finding of `rule` on this action, with the evidence every action finding carries.
    fn finding(&self, rule: &Rule, severity: Severity, message: String) -> Finding {
        rule.finding(severity, incident_subject(self.incident), message)
            .with_evidence("action", self.action.description.clone())
            .with_evidence("issue", self.issue.description.clone())
            .with_key(format!("{}\n{}", self.issue.description, self.action.description))
            .at(&self.action.location)
    }
}

/// Every open post-mortem action at the context's instant.
fn open_actions<'a>(ctx: &Context<'a>) -> impl Iterator<Item = OpenAction<'a>> {
    let now = ctx.now();
    past(ctx.inventory(), now)
        .filter_map(|(_, incident)| incident.postmortem.as_ref().map(|pm| (incident, pm)))
        .flat_map(|(incident, pm)| {
            pm.issues.iter().flat_map(move |issue| {
                issue.actions.iter().map(move |action| OpenAction {
                    incident,
                    issue,
                    action,
                })
            })
        })
        .filter(move |open| open.action.done_at.is_none_or(|t| t > now))
}

/// `incident/action-unowned`: an open post-mortem action with no single owner.
/// One action can also have `incident/action-undated` or
/// `incident/action-overdue` findings.
pub static ACTION_UNOWNED: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "incident/action-unowned",
        Severity::Medium,
        "An open action with no owner, or owned by a group rather than one person (low for a group)",
        r"
## What it checks
Open post-mortem actions (no `done_at`, or one after the evaluation instant) with no
`owner` (medium), or whose owner is a group rather than one person (low).

## Why it matters
An action owned by nobody, or by everybody in a team, is done by nobody. One named owner
is the single most effective thing for getting post-mortem actions done.

## Example
```yaml
actions:
  - description: Alert when archive_command fails
    due: 2026-10-15          # no owner
  - description: Document the runbook
    owner: team-web          # a group
```

## How to fix
Give every action an `owner:` naming one person, who may of course delegate.
",
    ),
    (),
    action_unowned,
);

fn action_unowned(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let inv = ctx.inventory();
    open_actions(ctx)
        .filter_map(|open| match open.action.owner {
            None => Some(
                open.finding(rule, Severity::Medium, format!("{} has no owner", open.what()))
                    .with_remediation("add an `owner:` naming one person"),
            ),
            Some(g @ Principal::Group(_)) => Some(
                open.finding(
                    rule,
                    Severity::Low,
                    format!(
                        "{} is owned by group '{}', not one person",
                        open.what(),
                        inv.principal_id(g)
                    ),
                )
                .with_evidence("owner", inv.principal_id(g))
                .with_remediation("name one person of the group as the `owner:`"),
            ),
            Some(_) => None,
        })
        .collect()
}

/// `incident/action-undated`: an open post-mortem action with no due date.
pub static ACTION_UNDATED: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "incident/action-undated",
        Severity::Medium,
        "An open action with no due date",
        r"
## What it checks
Open post-mortem actions (no `done_at`, or one after the evaluation instant) with no `due`.

## Why it matters
Without a due date an action slips behind every other piece of work until the incident
happens again.

## Example
```yaml
actions:
  - {description: Alert when archive_command fails, owner: maya}   # no due
```

## How to fix
Agree a `due:` date with the owner, proportionate to the severity of the incident.
",
    ),
    (),
    action_undated,
);

fn action_undated(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    open_actions(ctx)
        .filter(|open| open.action.due.is_none())
        .map(|open| {
            open.finding(rule, Severity::Medium, format!("{} has no due date", open.what()))
                .with_remediation("agree a `due:` date with the owner")
        })
        .collect()
}

/// `incident/action-overdue`: an open post-mortem action past its due date.
pub static ACTION_OVERDUE: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "incident/action-overdue",
        Severity::Medium,
        "An open action past its due date at the evaluation instant",
        r"
## What it checks
Post-mortem actions whose `due` is before the evaluation instant and which are not done
by then (no `done_at`, or one after the evaluation instant).

## Why it matters
Overdue actions are how the same incident happens twice. The finding makes the slip
visible while there is still time to act or to re-plan openly.

## Example
```yaml
actions:
  - {description: Alert when archive_command fails, owner: maya, due: 2026-10-15}
# evaluated on 2026-11-22: 38 days overdue
```

## How to fix
Do it and set `done_at`, or agree a new `due` date with the owner (and record why).
",
    ),
    (),
    action_overdue,
);

fn action_overdue(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let inv = ctx.inventory();
    let now = ctx.now();
    open_actions(ctx)
        .filter_map(|open| {
            let due = open.action.due.filter(|&due| due < now)?;
            let late = (now - due).num_days();
            let owner = open.action.owner.map_or("no owner", |o| inv.principal_id(o));
            Some(
                open.finding(
                    rule,
                    Severity::Medium,
                    format!(
                        "{} was due on {} and is {} overdue (owner: {owner})",
                        open.what(),
                        date(due),
                        days(late)
                    ),
                )
                .with_evidence("due", due.to_rfc3339())
                .with_evidence("days_overdue", late)
                .with_remediation("do it and set `done_at`, or agree a new `due` date"),
            )
        })
        .collect()
}

/// `incident/customer-detected`: components impacted by incidents that
/// customers noticed before any monitor did, within a lookback (default 180
/// days before the evaluation instant). One finding per component.
pub static CUSTOMER_DETECTED: BuiltinRule<CustomerDetectedOptions> = BuiltinRule::new(
    Rule::from_static(
        "incident/customer-detected",
        Severity::Medium,
        "Customers noticed an incident (last 180 days) first: a monitoring gap, on each impacted component",
        r"
## What it checks
Incidents with `detected_by: customer` detected within the last 180 days before the
evaluation instant. The finding is pinned on each impacted component (one finding per
component, listing its incidents); an incident that records no impacted component gets a
finding of its own.

## Why it matters
Every incident customers report first is a monitoring gap: the impact lasted longer than it
had to, and customers learned that you did not know. The gap is on the components that
were impacted, so that is where the finding points.

## Example
```yaml
incident:
  id: INC-2026-014
  title: Checkout down
  severity: sev1
  impacted: [orders-db]
  detected_by: customer
  detected_at: 2026-09-14T08:31:00+01:00
components:
  - {id: orders-db, kind: database}
```

## How to fix
Add the alert that would have fired first (usually on a symptom users feel: error rate,
latency, a synthetic check), record it as a post-mortem action, and test that it fires.
",
    ),
    CustomerDetectedOptions::DEFAULT,
    customer_detected,
);

/// The options of [`CUSTOMER_DETECTED`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CustomerDetectedOptions {
    /// Looks at incidents detected within `lookback` before the evaluation instant.
    pub lookback: TimeDelta,
}

impl CustomerDetectedOptions {
    /// The defaults.
    pub const DEFAULT: CustomerDetectedOptions = CustomerDetectedOptions {
        lookback: TimeDelta::days(180),
    };

    /// Looks at incidents detected within `lookback` before the evaluation instant.
    pub fn with_lookback(mut self, lookback: TimeDelta) -> Self {
        self.lookback = lookback;
        self
    }
}

impl Default for CustomerDetectedOptions {
    fn default() -> Self {
        CustomerDetectedOptions::DEFAULT
    }
}

fn customer_detected(rule: &Rule, ctx: &Context<'_>, options: &CustomerDetectedOptions) -> Vec<Finding> {
    let inv = ctx.inventory();
    let now = ctx.now();
    let mut by_component: BTreeMap<Idx<crate::Component>, Vec<&Incident>> = BTreeMap::new();
    let mut out = Vec::new();
    for (_, i) in past(inv, now) {
        if i.detected_by != Some(Detection::Customer) || now - i.detected_at > options.lookback {
            continue;
        }
        if i.impacted.is_empty() {
            out.push(
                Finding::new(
                    rule.shared_id(),
                    Severity::Medium,
                    incident_subject(i),
                    format!(
                        "incident '{}' ({}) was detected by customers, not monitors",
                        i.id,
                        date(i.detected_at)
                    ),
                )
                .with_evidence("incidents", vec![i.id.clone()])
                .with_remediation("record the impacted components, and add the alert that would have fired")
                .at(&i.location),
            );
        }
        for &c in &i.impacted {
            let list = by_component.entry(c).or_default();
            if !list.iter().any(|x| x.id == i.id) {
                list.push(i);
            }
        }
    }
    for (c, incidents) in by_component {
        let c = inv.component(c);
        let names: Vec<String> = incidents
            .iter()
            .map(|i| format!("{} ({})", i.id, date(i.detected_at)))
            .collect();
        out.push(
            Finding::new(
                rule.shared_id(),
                Severity::Medium,
                Subject::new(EntityKind::Component, &c.id),
                format!(
                    "component '{}' had {} detected by customers, not monitors: {}",
                    c.id,
                    if incidents.len() == 1 {
                        "an incident".to_owned()
                    } else {
                        format!("{} incidents", incidents.len())
                    },
                    listing::join(&names, ", ")
                ),
            )
            .with_evidence_list("incidents", incidents.iter().map(|i| i.id.clone()).collect::<Vec<_>>())
            .with_remediation(format!(
                "add monitoring on '{}' that alerts before customers notice, and test that it fires",
                c.id
            ))
            .at(&c.location),
        );
    }
    out
}

/// `incident/change-before-incident`: a change to an impacted component
/// shortly before an incident (default window: 24 hours before the impact
/// started, or before detection when the start is unknown, up to detection).
/// Only incidents detected within a lookback (default 365 days) are looked
/// at. One finding per incident and change.
pub static CHANGE_BEFORE_INCIDENT: BuiltinRule<ChangeBeforeIncidentOptions> = BuiltinRule::new(
    Rule::from_static(
        "incident/change-before-incident",
        Severity::Low,
        "A change to an impacted component within 24 hours before an incident (last 365 days)",
        r"
## What it checks
Changes (section `changes`) to a component an incident impacted, made from 24 hours before
the impact started (`started_at`, or `detected_at` when the start is not recorded) up to the
detection, for incidents detected in the last 365 days. One finding per incident and change.

## Why it matters
Most incidents follow a change. A change to the very component that broke, just before it
broke, is the first suspect: check it in the post-mortem, and roll it back first next time.

## Example
```yaml
changes:
  - {id: deploy-8812, at: 2026-07-03T13:58:00Z, component: api, description: pool size 20 -> 50}
incidents:
  - {id: INC-2026-021, title: API 502s, severity: sev2, impacted: [api],
     detected_at: 2026-07-03T14:10:00Z}
components:
  - {id: api}
```

## How to fix
Check whether the change caused the incident and say so in the post-mortem (`why:`). If it
did, make such changes safer: canary, automatic rollback, a review for that kind of setting.
",
    ),
    ChangeBeforeIncidentOptions::DEFAULT,
    change_before_incident,
);

/// The options of [`CHANGE_BEFORE_INCIDENT`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChangeBeforeIncidentOptions {
    /// Looks for changes up to `window` before the incident.
    pub window: TimeDelta,
    /// Looks at incidents detected within `lookback` before the evaluation
    /// instant (default 365 days), so old history stops producing findings.
    pub lookback: TimeDelta,
}

impl ChangeBeforeIncidentOptions {
    /// The defaults.
    pub const DEFAULT: ChangeBeforeIncidentOptions = ChangeBeforeIncidentOptions {
        window: TimeDelta::hours(24),
        lookback: TimeDelta::days(365),
    };

    /// Looks for changes up to `window` before the incident.
    pub fn with_window(mut self, window: TimeDelta) -> Self {
        self.window = window;
        self
    }

    /// Looks at incidents detected within `lookback` before the evaluation
    /// instant (default 365 days), so old history stops producing findings.
    pub fn with_lookback(mut self, lookback: TimeDelta) -> Self {
        self.lookback = lookback;
        self
    }
}

impl Default for ChangeBeforeIncidentOptions {
    fn default() -> Self {
        ChangeBeforeIncidentOptions::DEFAULT
    }
}

fn change_before_incident(rule: &Rule, ctx: &Context<'_>, options: &ChangeBeforeIncidentOptions) -> Vec<Finding> {
    let inv = ctx.inventory();
    // Changes by component, in time order: each incident then costs a
    // binary search per impacted component rather than a scan of every change.
    let mut by_component: BTreeMap<Idx<crate::Component>, Vec<&crate::Change>> = BTreeMap::new();
    for ch in inv.changes() {
        by_component.entry(ch.component).or_default().push(ch);
    }
    for list in by_component.values_mut() {
        list.sort_by_key(|ch| ch.at);
    }
    let mut out = Vec::new();
    let now = ctx.now();
    for (_, i) in past(inv, now).filter(|(_, i)| now - i.detected_at <= options.lookback) {
        let from = i.started_at.unwrap_or(i.detected_at) - options.window;
        let mut impacted = i.impacted.clone();
        impacted.sort_unstable();
        impacted.dedup();
        let changes = impacted.iter().filter_map(|c| by_component.get(c)).flat_map(|list| {
            let start = list.partition_point(|ch| ch.at < from);
            let end = list.partition_point(|ch| ch.at <= i.detected_at);
            list.get(start..end).unwrap_or_default()
        });
        for &ch in changes {
            let component = &inv.component(ch.component).id;
            let name = match &ch.id {
                Some(id) => format!("change '{id}'"),
                None => "a change".to_owned(),
            };
            let what = ch
                .description
                .as_deref()
                .map(|d| format!(" ({})", brief(d)))
                .unwrap_or_default();
            let mut f = Finding::new(
                rule.shared_id(),
                Severity::Low,
                incident_subject(i),
                format!(
                    "{name} to '{component}'{what} at {} came {} before incident '{}' was detected",
                    minute(ch.at),
                    format_duration(i.detected_at - ch.at),
                    i.id
                ),
            )
            .with_evidence("component", component.as_str())
            .with_evidence("change_at", ch.at.to_rfc3339())
            .with_key(match &ch.id {
                Some(id) => id.clone(),
                None => format!("{component}@{}", ch.at.to_rfc3339()),
            })
            .with_remediation("check whether the change caused the incident and record it in the post-mortem")
            .at(&i.location);
            if let Some(id) = &ch.id {
                f = f.with_evidence("change", id.as_str());
            }
            if let Some(a) = ch.author {
                f = f.with_evidence("author", inv.principal_id(a));
            }
            out.push(f);
        }
    }
    out
}

/// `incident/recurrence`: an incident on the same component, or with the
/// same `cause`, as an earlier one within a window (default 90 days), when
/// no problem links the two. One finding per later incident detected within
/// a lookback (default 365 days).
pub static RECURRENCE: BuiltinRule<RecurrenceOptions> = BuiltinRule::new(
    Rule::from_static(
        "incident/recurrence",
        Severity::Medium,
        "Incidents on the same component or `cause` within 90 days that no problem links (last 365 days)",
        r"
## What it checks
Pairs of incidents detected at most 90 days apart that share an impacted component or the
same `cause` (compared case-insensitively), unless both are linked to the same problem. The
finding is on the later incident (detected in the last 365 days) and lists every earlier one
it recurs. Entry points count as
shared components only between incidents that name nothing but entry points: nearly every
incident impacts the entries, which says nothing about a common cause.

## Why it matters
Twice is a pattern. An incident that comes back means its cause was not found or not fixed;
a problem record is where that cause is tracked, with a plan for collecting diagnostics the
next time instead of restoring service and losing the evidence again.

## Example
```yaml
incidents:
  - {id: INC-1, title: Disk full, severity: sev1, impacted: [db], cause: disk-full,
     detected_at: 2026-09-14T08:31:00Z}
  - {id: INC-2, title: Disk full again, severity: sev2, impacted: [db], cause: disk-full,
     detected_at: 2026-11-03T02:10:00Z}
components:
  - {id: db, kind: database}
```

## How to fix
Open a problem listing both incidents (or add the new one to the existing problem's
`incidents`), with a `plan:` for the next occurrence. If they are unrelated, give them
different `cause` values.
",
    ),
    RecurrenceOptions::DEFAULT,
    recurrence,
);

/// The options of [`RECURRENCE`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecurrenceOptions {
    /// Counts incidents detected at most `window` apart as recurring.
    pub window: TimeDelta,
    /// Looks at incidents detected within `lookback` before the evaluation
    /// instant (default 365 days), so old history stops producing findings.
    pub lookback: TimeDelta,
}

impl RecurrenceOptions {
    /// The defaults.
    pub const DEFAULT: RecurrenceOptions = RecurrenceOptions {
        window: TimeDelta::days(90),
        lookback: TimeDelta::days(365),
    };

    /// Counts incidents detected at most `window` apart as recurring.
    pub fn with_window(mut self, window: TimeDelta) -> Self {
        self.window = window;
        self
    }

    /// Looks at incidents detected within `lookback` before the evaluation
    /// instant (default 365 days), so old history stops producing findings.
    pub fn with_lookback(mut self, lookback: TimeDelta) -> Self {
        self.lookback = lookback;
        self
    }
}

impl Default for RecurrenceOptions {
    fn default() -> Self {
        RecurrenceOptions::DEFAULT
    }
}

fn recurrence(rule: &Rule, ctx: &Context<'_>, options: &RecurrenceOptions) -> Vec<Finding> {
    let inv = ctx.inventory();
    let mut incidents: Vec<(Idx<Incident>, &Incident)> = past(inv, ctx.now()).collect();
    incidents.sort_by_key(|(n, i)| (i.detected_at, *n));
    let cause = |i: &Incident| i.cause.as_ref().map(|c| c.to_lowercase());
    let mut out = Vec::new();
    for (k, &(_, later)) in incidents.iter().enumerate() {
        // The earlier incident may be older than the lookback; the later one may not.
        if ctx.now() - later.detected_at > options.lookback {
            continue;
        }
        let mut reasons: Vec<String> = Vec::new();
        let mut earlier_ids: Vec<String> = Vec::new();
        for &(_, earlier) in incidents[..k].iter().rev() {
            let apart = later.detected_at - earlier.detected_at;
            if apart > options.window {
                break;
            }
            if later.problem.is_some() && later.problem == earlier.problem {
                continue;
            }
            let (l, e) = (specific(inv, later), specific(inv, earlier));
            let mut shared: Vec<&str> = l
                .iter()
                .filter(|c| e.contains(c))
                .map(|&c| inv.component(c).id.as_str())
                .collect();
            shared.sort_unstable();
            shared.dedup();
            let same_cause = cause(later).is_some() && cause(later) == cause(earlier);
            if shared.is_empty() && !same_cause {
                continue;
            }
            let mut why = Vec::new();
            if !shared.is_empty() {
                let s = if shared.len() == 1 { "" } else { "s" };
                why.push(format!("same component{s} {}", listing::join(&shared, ", ")));
            }
            if same_cause {
                why.push(format!("same cause '{}'", later.cause.as_deref().unwrap_or_default()));
            }
            reasons.push(format!(
                "'{}' of {} ({} earlier; {})",
                earlier.id,
                date(earlier.detected_at),
                match apart.num_days() {
                    0 => "less than a day".to_owned(),
                    n => days(n),
                },
                why.join(", ")
            ));
            earlier_ids.push(earlier.id.clone());
        }
        if reasons.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                rule.shared_id(),
                Severity::Medium,
                incident_subject(later),
                format!(
                    "incident '{}' recurs {}, and no problem links them",
                    later.id,
                    reasons.join("; ")
                ),
            )
            .with_evidence("earlier", earlier_ids)
            .with_remediation(
                "open a problem listing these incidents (or add this one to the existing problem) \
                 with a plan for the next occurrence",
            )
            .at(&later.location),
        );
    }
    out
}

/// The impacted components that say where an incident was: those that are
/// not entry points, or all of them when the incident names only entries.
/// Nearly every incident impacts the entries, which says nothing about a
/// common cause.
fn specific(inv: &Inventory, i: &Incident) -> Vec<Idx<crate::Component>> {
    let inner: Vec<Idx<crate::Component>> = i
        .impacted
        .iter()
        .copied()
        .filter(|&c| !inv.component(c).entry)
        .collect();
    if inner.is_empty() { i.impacted.clone() } else { inner }
}

/// `incident/spof-incident`: an incident that impacted a component the
/// failure analysis finds to be a single point of failure of some entry
/// point, within a lookback (default 365 days). One finding per incident.
pub static SPOF_INCIDENT: BuiltinRule<SpofIncidentOptions> = BuiltinRule::new(
    Rule::from_static(
        "incident/spof-incident",
        Severity::High,
        "An incident (last 365 days) impacted a component that is still a single point of failure",
        r"
## What it checks
Incidents detected within the last 365 days before the evaluation instant that impacted a
component whose failure alone takes an entry point down (see `graph/spof`), as the
dependency graph stands now.

## Why it matters
`graph/spof` says what could take you down; this says what already did and still can. A
single point of failure with an incident behind it is no longer a hypothesis, and it is
the first one to fix.

## Example
```yaml
components:
  - {id: shop, entry: true, depends_on: [db]}
  - {id: db, kind: database}
incidents:
  - {id: INC-9, title: DB disk full, severity: sev1, impacted: [db],
     detected_at: 2026-09-14T08:31:00Z}
```

## How to fix
Give the component redundancy in another failure domain (a replica, a second instance
behind `requires: any`), and track that work as an action of the incident's post-mortem.
",
    ),
    SpofIncidentOptions::DEFAULT,
    spof_incident,
)
.using_failure_analysis();

/// The options of [`SPOF_INCIDENT`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpofIncidentOptions {
    /// Looks at incidents detected within `lookback` before the evaluation instant.
    pub lookback: TimeDelta,
}

impl SpofIncidentOptions {
    /// The defaults.
    pub const DEFAULT: SpofIncidentOptions = SpofIncidentOptions {
        lookback: TimeDelta::days(365),
    };

    /// Looks at incidents detected within `lookback` before the evaluation instant.
    pub fn with_lookback(mut self, lookback: TimeDelta) -> Self {
        self.lookback = lookback;
        self
    }
}

impl Default for SpofIncidentOptions {
    fn default() -> Self {
        SpofIncidentOptions::DEFAULT
    }
}

fn spof_incident(rule: &Rule, ctx: &Context<'_>, options: &SpofIncidentOptions) -> Vec<Finding> {
    let inv = ctx.inventory();
    let now = ctx.now();
    let recent: Vec<&Incident> = past(inv, now)
        .map(|(_, i)| i)
        .filter(|i| now - i.detected_at <= options.lookback && !i.impacted.is_empty())
        .collect();
    if recent.is_empty() {
        return Vec::new(); // spare the failure analysis
    }
    let spofs = ctx.failure_analysis().spofs();
    let mut out = Vec::new();
    for i in recent {
        let mut parts: Vec<String> = Vec::new();
        let mut components: Vec<String> = Vec::new();
        let mut impacted = i.impacted.clone();
        impacted.sort_by(|a, b| inv.component(*a).id.cmp(&inv.component(*b).id));
        impacted.dedup();
        for c in impacted {
            let mut entries: Vec<&str> = spofs
                .entries_taken_down_by(c)
                .map(|e| inv.component(e).id.as_str())
                .collect();
            if entries.is_empty() {
                continue;
            }
            entries.sort_unstable();
            let id = &inv.component(c).id;
            parts.push(format!("'{id}' (takes down {})", listing::join(&entries, ", ")));
            components.push(id.clone());
        }
        if parts.is_empty() {
            continue;
        }
        let s = if parts.len() == 1 { "" } else { "s" };
        out.push(
            Finding::new(
                rule.shared_id(),
                Severity::High,
                incident_subject(i),
                format!(
                    "incident '{}' ({}) impacted single point{s} of failure {}",
                    i.id,
                    date(i.detected_at),
                    listing::join(&parts, ", ")
                ),
            )
            .with_evidence_list("spofs", components)
            .with_remediation(
                "give the component redundancy in another failure domain, tracked as a post-mortem action",
            )
            .at(&i.location),
        );
    }
    out
}
