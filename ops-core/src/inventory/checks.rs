//! Built-in rules on the inventory itself: ownership, entry points, and what
//! nothing uses. The domains (graph, backup, access, incident) own their
//! rules beside these.

use crate::access::{PersonStatus, Principal};
use crate::check::BuiltinRule;
use crate::check::{Check, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::listing;
use crate::rule::Rule;
use crate::{Evidence, Inventory};

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

/// The inventory's built-in rules, in the order of the README's table.
pub(crate) static RULES: &[&dyn Check] = &[
    &DEPARTED_OWNER,
    &UNOWNED_COMPONENT,
    &NO_ENTRY,
    &UNREACHABLE_COMPONENT,
    &EMPTY_DOMAIN,
    &super::waivers::EXPIRED_WAIVER,
    &super::waivers::UNUSED_WAIVER,
];

/// `inventory/unowned-component`: a component nobody owns.
pub static UNOWNED_COMPONENT: BuiltinRule = BuiltinRule::heavy(
    Rule::from_static(
        "inventory/unowned-component",
        Severity::Medium,
        "Components with no owner (low if nothing user-facing needs them)",
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
    ),
    (),
    unowned_component,
);

fn unowned_component(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let inv = ctx.inventory();
    let used = reachable_from_entries(inv);
    // Every finding's evidence is one of eight, made once and copied: an
    // estate can have a finding for every component it has.
    let evidence: Vec<Evidence> = (0..8u8)
        .map(|bits| {
            let (entry, stateful, used) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
            let mut e = Evidence::new();
            e.insert("entry", entry.into());
            e.insert("stateful", stateful.into());
            e.insert("entries_depend_on_it", (used && !entry).into());
            e.compact();
            e
        })
        .collect();
    inv.components()
        .iter()
        .zip(&used)
        // An instance has its component's owners: the component speaks for it.
        .filter(|(c, _)| c.owners.is_empty() && c.instance.is_none())
        .map(|(c, &used)| {
            let important = c.entry || c.stateful || used;
            let severity = if important { Severity::Medium } else { Severity::Low };
            let mut f = Finding::new(
                rule.shared_id(),
                severity,
                Subject::new(EntityKind::Component, &c.id),
                // `concat` allocates the text's length, where `format!`
                // leaves room that compacting would copy the text to drop.
                ["component '", &c.id, "' has no owner"].concat(),
            )
            .with_remediation("add an `owners:` list naming a person, group or service account")
            .at(&c.location);
            f.evidence = evidence[usize::from(c.entry) | usize::from(c.stateful) << 1 | usize::from(used) << 2].clone();
            f.compacted()
        })
        .collect()
}

/// `inventory/departed-owner`: something owned by a person who has left.
pub static DEPARTED_OWNER: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "inventory/departed-owner",
        Severity::High,
        "Components, backup policies, scheduled jobs and waivers owned by someone who has left",
        r"
## What it checks
Components, backup policies and scheduled jobs whose owners include a person with
`status: departed`, groups that own something while every person in them has departed,
and waivers whose `owner` has departed.

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
Hand the component, policy or job to a current owner and update `owners:` (`owner:`).
",
    ),
    (),
    departed_owner,
);

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

fn departed_owner(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
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
                listing::join(&departed, ", ")
            )
        };
        out.push(
            Finding::new(rule.shared_id(), Severity::High, Subject::new(kind, id), message)
                .with_evidence("owner", owner_id)
                .with_evidence_list("departed", departed)
                .with_key(owner_id)
                .with_remediation(format!("hand '{id}' to a current owner and update its owners"))
                .at(at),
        );
    };
    for c in inv.components().iter().filter(|c| c.instance.is_none()) {
        for &o in &c.owners {
            report(EntityKind::Component, &c.id, "component", o, &c.location);
        }
    }
    for p in inv.backup_policies() {
        if let Some(o) = p.owner {
            report(EntityKind::BackupPolicy, &p.id, "backup policy", o, &p.location);
        }
    }
    for j in inv.jobs() {
        if let Some(o) = j.owner {
            report(EntityKind::Job, &j.id, "job", o, &j.location);
        }
    }
    for w in inv.waivers() {
        report(
            EntityKind::Waiver,
            &w.id(),
            "waiver",
            Principal::Person(w.owner),
            &w.location,
        );
    }
    out
}

/// `inventory/no-entry`: components exist but none is an entry point.
pub static NO_ENTRY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "inventory/no-entry",
        Severity::Medium,
        "An inventory with no `entry: true` component",
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
    ),
    (),
    no_entry,
);

fn no_entry(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let components = ctx.inventory().components();
    if components.is_empty() || components.iter().any(|c| c.entry) {
        return Vec::new();
    }
    // As written: instances are not counted apart from their component.
    let written = components.iter().filter(|c| c.instance.is_none()).count();
    vec![
        Finding::new(
            rule.shared_id(),
            Severity::Medium,
            Subject::new(EntityKind::Inventory, "inventory"),
            format!("none of the {written} components is an entry point"),
        )
        .with_evidence("components", written)
        .with_remediation("mark user-facing components with `entry: true`")
        .at(&components[0].location),
    ]
}

/// `inventory/unreachable-component`: a component no entry point depends on.
pub static UNREACHABLE_COMPONENT: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "inventory/unreachable-component",
        Severity::Info,
        "Components no entry point needs",
        r"
## What it checks
Components that are not entry points and that no entry point reaches through `depends_on`,
other than where backup copies are kept (`copies[].component`) and where jobs deliver
(`delivers_to`). Only runs when at least one entry point exists.

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
    ),
    (),
    unreachable_component,
);

fn unreachable_component(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let components = ctx.inventory().components();
    if !components.iter().any(|c| c.entry) {
        return Vec::new();
    }
    let mut reached = reachable_from_entries(ctx.inventory());
    // Where backups are kept and where jobs deliver is needed by the backups
    // and jobs, not by an entry point.
    let inv = ctx.inventory();
    let copies = (inv.backup_policies().iter()).flat_map(|p| p.copies.iter().filter_map(|c| c.component));
    let deliveries = inv.jobs().iter().filter_map(|j| match &j.delivers_to {
        Some(crate::job::DeliveryTarget::Component(c)) => Some(*c),
        _ => None,
    });
    for c in copies.chain(deliveries) {
        reached[c.index()] = true;
    }
    components
        .iter()
        .zip(&reached)
        .filter(|(c, r)| !**r && c.instance.is_none())
        .map(|(c, _)| {
            Finding::new(
                rule.shared_id(),
                Severity::Info,
                Subject::new(EntityKind::Component, &c.id),
                format!("no entry point depends on component '{}'", c.id),
            )
            .with_remediation("add the missing depends_on edge, mark it entry: true, or remove it")
            .at(&c.location)
        })
        .collect()
}

/// `inventory/empty-domain`: a failure domain with no members.
pub static EMPTY_DOMAIN: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "inventory/empty-domain",
        Severity::Info,
        "Failure domains nothing lives in",
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
    ),
    (),
    empty_domain,
);

fn empty_domain(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
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
    inv.domains()
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(d, _)| {
            Finding::new(
                rule.shared_id(),
                Severity::Info,
                Subject::new(EntityKind::Domain, &d.id),
                format!("{} '{}' contains no component and no domain", d.kind.as_str(), d.id),
            )
            .with_remediation("list the domain under the `domains:` of the components that live in it")
            .at(&d.location)
        })
        .collect()
}
