//! Checks that span two domains, kept in one place so that the domain
//! modules stay independent: here, access against backups.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::access::{credential_holders, describe_path};
use crate::check::BuiltinRule;
use crate::check::{Check, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::rule::Rule;
use crate::{BackupCopy, Component, Deleter, EffectiveAccess, Idx, Level, Principal, Timestamp};

/// The cross-domain rules.
pub(crate) static RULES: &[&dyn Check] = &[&DELETE_DATA_AND_BACKUPS];

/// `crosscheck/delete-data-and-backups`: one principal can destroy a data
/// store and every copy of its backups (separation of duties).
pub static DELETE_DATA_AND_BACKUPS: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "crosscheck/delete-data-and-backups",
        Severity::High,
        "One principal can delete a data store and every copy of its backups",
        r"
## What it checks
For every component protected by at least one backup policy with at least one copy, the
people and service accounts who can delete its data (admin or owner, through a grant in
force at the evaluation instant or a credential, on a system that is or spans the
component) and who can also delete every copy of every one of its backups (named in each
copy's `deletable_by`, directly, through a group, or by holding a listed credential; or,
for a copy kept in a `component`, admin or owner of a system that is or spans that
component). An
immutable (object-locked) copy cannot be deleted by anyone, so it breaks the chain.

## Why it matters
Backups exist for the day the primary is destroyed: by a mistake, ransomware, or a
dismissed administrator. If the same hands can destroy both, the backups protect against
nothing a person does.

## Example
```yaml
systems: [{id: prod-db, component: postgres-primary}]
grants: [{principal: maya, system: prod-db, level: owner}]
backup_policies:
  - id: pg-nightly
    protects: postgres-primary
    copies: [{location: s3://backups, deletable_by: [maya]}]
```

## How to fix
Keep at least one copy out of reach of the data store's administrators: another account
with different people, or an immutable (object-locked) copy.
",
    ),
    (),
    delete_data_and_backups,
);

fn delete_data_and_backups(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    let mut out = Vec::new();
    for (ci, component) in inv.components().iter().enumerate() {
        let copies: Vec<(&str, &BackupCopy)> = inv
            .backup_policies()
            .iter()
            .filter(|b| b.protects.index() == ci)
            .flat_map(|b| b.copies.iter().map(move |c| (b.id.as_str(), c)))
            .collect();
        if copies.is_empty() || copies.iter().any(|(_, c)| c.immutable) {
            continue;
        }
        // Who can delete the data, and how.
        let data = deleters_of(access, now, Idx::new(ci));
        if data.is_empty() {
            continue;
        }
        // Who can delete each copy.
        let deleters: Vec<BTreeSet<Principal>> = copies
            .iter()
            .map(|(_, copy)| {
                // The admins and owners of the systems that span the
                // component the copy is kept in can delete it, too.
                let mut who: BTreeSet<Principal> = copy
                    .component
                    .map(|c| deleters_of(access, now, c).into_keys().collect())
                    .unwrap_or_default();
                for d in &copy.deletable_by {
                    match *d {
                        Deleter::Principal(Principal::Group(g)) => {
                            access.visit_members(g, |m| {
                                who.insert(m);
                                true
                            });
                        }
                        Deleter::Principal(p) => {
                            who.insert(p);
                        }
                        Deleter::Credential(c) => {
                            who.extend(credential_holders(access, &inv.credentials()[c.index()]));
                        }
                    }
                }
                who
            })
            .collect();
        for (&p, how) in &data {
            if !deleters.iter().all(|who| who.contains(&p)) {
                continue;
            }
            let (kind, id, location) = match p {
                Principal::Person(i) => (EntityKind::Person, &inv.person(i).id, &inv.person(i).location),
                Principal::ServiceAccount(i) => {
                    let sa = &inv.service_accounts()[i.index()];
                    (EntityKind::ServiceAccount, &sa.id, &sa.location)
                }
                Principal::Group(i) => (
                    EntityKind::Group,
                    &inv.groups()[i.index()].id,
                    &inv.groups()[i.index()].location,
                ),
            };
            let copy_list: Vec<String> = copies
                .iter()
                .map(|(policy, c)| format!("{policy}: {}", c.location_name))
                .collect();
            out.push(
                Finding::new(
                    rule.shared_id(),
                    Severity::High,
                    Subject::new(kind, id),
                    format!(
                        "'{id}' can delete both '{}' ({how}) and every copy of its backups ({})",
                        component.id,
                        copy_list.join("; ")
                    ),
                )
                .with_evidence("component", component.id.as_str())
                .with_evidence("data_access", how.as_str())
                .with_evidence(
                    "copies",
                    copies
                        .iter()
                        .map(|(policy, c)| json!({"policy": policy, "location": c.location_name}))
                        .collect::<Vec<_>>(),
                )
                .with_remediation(
                    "keep one copy out of their reach: another account administered by other people, or object-locked",
                )
                .at(location),
            );
        }
    }
    out
}

/// Who can delete what `component` holds, and how: the people and service
/// accounts with admin or owner access (a grant in force at `now`, or a
/// credential) to a system that is or spans it.
fn deleters_of(access: &EffectiveAccess<'_>, now: Timestamp, component: Idx<Component>) -> BTreeMap<Principal, String> {
    let inv = access.inventory();
    let grants = inv.grants();
    let mut out: BTreeMap<Principal, String> = BTreeMap::new();
    for (si, system) in inv.systems().iter().enumerate() {
        if !system.components.contains(&component) {
            continue;
        }
        for e in access.holders_of(Idx::new(si)) {
            let g = &grants[e.grant.index()];
            if g.level >= Level::Admin && g.active_at(now) {
                let path = describe_path(inv, &access.path(&e));
                out.entry(e.principal)
                    .or_insert_with(|| format!("{} on {}, {path}", g.level.as_str(), system.id));
            }
        }
        for c in access.credentials_on(Idx::new(si)) {
            let c = &inv.credentials()[c.index()];
            if c.level >= Some(Level::Admin) {
                for h in credential_holders(access, c) {
                    out.entry(h).or_insert_with(|| format!("credential {}", c.id));
                }
            }
        }
    }
    out
}
