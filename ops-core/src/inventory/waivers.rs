//! Waivers: accepted risks written in the inventory's `waivers:` section.
//!
//! A waiver names a rule and a subject id. Until it expires, every finding
//! of that rule on that subject is still reported, marked with the waiver,
//! and does not count for `--fail-on` or the exit code. The runner applies
//! waivers in one place ([`apply`]), after severity overrides, for built-in
//! and plugin rules alike. Two rules keep waivers honest:
//! `inventory/expired-waiver` and `inventory/unused-waiver`.

use std::collections::{HashMap, HashSet};

use crate::access::Person;
use crate::check::{BuiltinRule, Context};
use crate::finding::{AppliedWaiver, EntityKind, Finding, Severity, Subject};
use crate::rule::Rule;
use crate::{Idx, Inventory, Location, Timestamp};

/// An accepted risk: findings of [`Waiver::rule`] on [`Waiver::subject`]
/// are waived until [`Waiver::expires`].
#[derive(Clone, Debug, PartialEq)]
pub struct Waiver {
    /// The rule id (a built-in rule's, or `plugin:NAME/RULE`).
    pub rule: String,
    /// The id of the subject of the findings it waives.
    pub subject: String,
    /// Why the risk is accepted.
    pub reason: String,
    /// The person who owns the accepted risk.
    pub owner: Idx<Person>,
    /// The person who approved it, if named.
    pub approved_by: Option<Idx<Person>>,
    /// From this instant on, it no longer waives anything.
    pub expires: Timestamp,
    /// Where it is written.
    pub location: Location,
}

impl Waiver {
    /// Its id in findings about the waiver itself: `RULE@SUBJECT`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.rule, self.subject)
    }

    /// Whether it still waives at `now` (it expires at [`Waiver::expires`]).
    pub fn is_active(&self, now: Timestamp) -> bool {
        now < self.expires
    }

    /// What a finding it waives carries.
    fn applied(&self, inv: &Inventory) -> AppliedWaiver {
        AppliedWaiver {
            reason: self.reason.clone(),
            owner: inv.person(self.owner).id.clone(),
            approved_by: self.approved_by.map(|p| inv.person(p).id.clone()),
            expires: self.expires,
            location: self.location.clone(),
        }
    }

    fn as_subject(&self) -> Subject {
        Subject::new(EntityKind::Waiver, self.id())
    }
}

/// `inventory/expired-waiver`: a waiver past its expiry.
pub static EXPIRED_WAIVER: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "inventory/expired-waiver",
        Severity::Medium,
        "Waivers past their expiry: the findings they waived count again",
        r"
## What it checks
Entries of the `waivers:` section whose `expires` instant has passed at the evaluation instant.

## Why it matters
A waiver accepts a risk for a while, on someone's word. Once it expires the finding it waived
counts again (and may fail the run); the expired entry tells you why, and whose decision to revisit.

## Example
```yaml
waivers:
  - rule: backup/no-offsite-copy
    subject: orders-db-nightly
    reason: offsite bucket is being migrated
    owner: priya
    expires: 2026-10-01
```

## How to fix
Fix the finding and delete the waiver, or, if the risk is still accepted, have it approved again
and move `expires` forward.
",
    ),
    (),
    expired_waivers,
);

fn expired_waivers(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let inv = ctx.inventory();
    let now = ctx.now();
    inv.waivers()
        .iter()
        .filter(|w| !w.is_active(now))
        .map(|w| {
            let expires = w.expires.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
            Finding::new(
                rule.shared_id(),
                Severity::Medium,
                w.as_subject(),
                format!(
                    "the waiver of '{}' on '{}' expired at {expires}: its findings count again",
                    w.rule, w.subject
                ),
            )
            .with_evidence("rule", w.rule.as_str())
            .with_evidence("subject", w.subject.as_str())
            .with_evidence("owner", inv.person(w.owner).id.as_str())
            .with_evidence("expires", expires)
            .with_remediation("fix the finding and delete the waiver, or renew it with a new approval and expiry")
            .at(&w.location)
        })
        .collect()
}

/// `inventory/unused-waiver`: a waiver that matches no finding.
///
/// In a [`Runner`](crate::Runner) it is found after every other check has
/// run, against all of their findings (plugins' included), and waivers of
/// disabled rules are not reported. Run on its own, as a check, it runs the
/// other built-in rules itself, so waivers of plugin rules are not reported.
pub static UNUSED_WAIVER: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "inventory/unused-waiver",
        Severity::Low,
        "Unexpired waivers that match no finding",
        r"
## What it checks
Entries of the `waivers:` section, not expired, for which no finding has the waiver's rule and
subject id.

## Why it matters
A waiver that waives nothing is left over: the risk was fixed, or the subject renamed, or the
rule or subject id is misspelt. Left in place it would silently waive the finding if it came back.

## Example
```yaml
waivers:
  - rule: graph/spof
    subject: orders-db     # orders-db has a replica now
    reason: replica being built
    owner: priya
    expires: 2027-01-01
```

## How to fix
Delete the waiver, or correct its `rule` or `subject` to name the finding it was meant for.
",
    ),
    (),
    unused_waivers_alone,
)
// Run alone, it runs the rules the waivers name, the graph rules among them.
.using_failure_analysis();

/// The unused waivers when the rule runs alone: against the findings of the
/// other built-in rules.
fn unused_waivers_alone(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let inv = ctx.inventory();
    if inv.waivers().is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (_, check) in crate::builtin::rules() {
        let id = check.name();
        if id == UNUSED_WAIVER.rule().id() || !inv.waivers().iter().any(|w| w.rule == id) {
            continue;
        }
        found.extend(check.run(ctx).unwrap_or_default());
    }
    let used = matches(inv, ctx.now(), &found);
    unused(rule, inv, ctx.now(), &used, |w| !w.rule.starts_with("plugin:"))
}

/// For each of the inventory's waivers, whether it is active and waives one of `findings`.
fn matches(inv: &Inventory, now: Timestamp, findings: &[Finding]) -> Vec<bool> {
    let index = active(inv, now);
    let mut used = vec![false; inv.waivers().len()];
    for f in findings {
        if let Some(&i) = index.get(&(&*f.check, f.subject.id.as_str())) {
            used[i] = true;
        }
    }
    used
}

/// The active waivers by rule and subject id.
fn active(inv: &Inventory, now: Timestamp) -> HashMap<(&str, &str), usize> {
    (inv.waivers().iter().enumerate())
        .filter(|(_, w)| w.is_active(now))
        .map(|(i, w)| ((w.rule.as_str(), w.subject.as_str()), i))
        .collect()
}

/// Findings of `rule` for the active waivers that are not `used` and that `report` accepts.
fn unused(
    rule: &Rule,
    inv: &Inventory,
    now: Timestamp,
    used: &[bool],
    report: impl Fn(&Waiver) -> bool,
) -> Vec<Finding> {
    (inv.waivers().iter().zip(used))
        .filter(|&(w, &u)| !u && w.is_active(now) && report(w))
        .map(|(w, _)| {
            Finding::new(
                rule.shared_id(),
                Severity::Low,
                w.as_subject(),
                format!(
                    "the waiver of '{}' on '{}' matches no finding: no finding of that rule has that subject",
                    w.rule, w.subject
                ),
            )
            .with_evidence("rule", w.rule.as_str())
            .with_evidence("subject", w.subject.as_str())
            .with_evidence("owner", inv.person(w.owner).id.as_str())
            .with_remediation("delete the waiver, or correct its rule or subject")
            .at(&w.location)
        })
        .collect()
}

/// Marks each of `findings` that an active waiver matches with that waiver;
/// then, if `unused_rule` is given (the runner has `inventory/unused-waiver`
/// and it is enabled), adds its findings for the active waivers that matched
/// nothing, except waivers of a rule in `disabled`.
pub(crate) fn apply(
    inv: &Inventory,
    now: Timestamp,
    findings: &mut Vec<Finding>,
    unused_rule: Option<(&Rule, Severity)>,
    disabled: &HashSet<String>,
) {
    if inv.waivers().is_empty() {
        return;
    }
    let index = active(inv, now);
    let mut used = vec![false; inv.waivers().len()];
    for f in findings.iter_mut() {
        if let Some(&i) = index.get(&(&*f.check, f.subject.id.as_str())) {
            used[i] = true;
            f.waiver = Some(Box::new(inv.waivers()[i].applied(inv)));
        }
    }
    if let Some((rule, severity)) = unused_rule {
        let found = unused(rule, inv, now, &used, |w| !disabled.contains(&w.rule));
        // Exactly: doubling an array of every finding for a few more.
        findings.reserve_exact(found.len());
        findings.extend(found.into_iter().map(|mut f| {
            f.severity = severity;
            f
        }));
    }
}
