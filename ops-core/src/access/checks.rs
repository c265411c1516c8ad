//! Built-in access checks. Each evaluates grants, credentials and events at
//! the context's instant, through the shared [`EffectiveAccess`].

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde_json::json;

use super::holders::{admins_of, credential_holders, describe_path, grant_label, path_ids};
use super::{CredentialKind, GrantUsage, Level, Person, Principal};
use crate::check::BuiltinRule;
use crate::check::{Check, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::listing;
use crate::rule::Rule;
use crate::{Idx, Inventory, Timestamp};

/// The access rules, in the order of the README's table.
pub(crate) static RULES: &[&dyn Check] = &[
    &DEPARTED_WITH_ACCESS,
    &UNROTATED_SHARED_CREDENTIAL,
    &SHARED_ADMIN_CREDENTIAL,
    &ADMIN_WITHOUT_MFA,
    &ACCESS_WHILE_AWAY,
    &ORPHANED_SERVICE_ACCOUNT,
    &SINGLE_ADMIN,
    &UNUSED_GRANT,
];

fn day(t: Timestamp) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn subject_of(inv: &Inventory, p: Principal) -> Subject {
    let kind = match p {
        Principal::Person(_) => EntityKind::Person,
        Principal::ServiceAccount(_) => EntityKind::ServiceAccount,
        Principal::Group(_) => EntityKind::Group,
    };
    Subject::new(kind, inv.principal_id(p))
}

/// `access/departed-with-access`: a person who has left still holds access.
pub static DEPARTED_WITH_ACCESS: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/departed-with-access",
        Severity::High,
        "A person who has left still holds a grant, directly or through nested groups (critical for admin)",
        r"
## What it checks
Every person whose `departed_at` is at or before the evaluation instant and who still holds a
grant in force then, given to them directly or to a group they are in (nested groups
included). One finding per person, listing every grant with the chain of groups that gives
it. Critical when any of it is admin or owner, high otherwise.

## Why it matters
The engineer who left and still fixes production 'as a favour' is one bad day away from an
outage nobody can explain; a former employee with a grudge is one login away from worse.

## Example
```yaml
people:
  - {id: dana, status: departed, departed_at: 2026-06-30}
grants:
  - {principal: dana, system: prod-db, level: write}
```

## How to fix
Revoke each listed grant or remove the person from the groups that give it;
`opsctl offboard PATH PERSON` prints the whole checklist.
",
    ),
    (),
    departed_with_access,
);

fn departed_with_access(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    let grants = inv.grants();
    let mut out = Vec::new();
    for (i, person) in inv.people().iter().enumerate() {
        if !person.departed_by(now) {
            continue;
        }
        let p = Principal::Person(Idx::new(i));
        let held: Vec<_> = access
            .grants_of(p)
            .filter(|e| grants[e.grant.index()].active_at(now))
            .collect();
        if held.is_empty() {
            continue;
        }
        let worst = held.iter().map(|e| grants[e.grant.index()].level).max();
        let severity = if worst >= Some(Level::Admin) {
            Severity::Critical
        } else {
            Severity::High
        };
        let evidence: Vec<_> = held
            .iter()
            .map(|e| {
                let g = &grants[e.grant.index()];
                json!({
                    "grant": grant_label(inv, g),
                    "system": inv.systems()[g.system.index()].id,
                    "level": g.level.as_str(),
                    "path": path_ids(inv, &access.path(e)),
                })
            })
            .collect();
        let list: Vec<String> = held
            .iter()
            .map(|e| {
                let g = &grants[e.grant.index()];
                format!(
                    "{} on {} ({})",
                    g.level.as_str(),
                    inv.systems()[g.system.index()].id,
                    describe_path(inv, &access.path(e))
                )
            })
            .collect();
        let departed = person.departed_at.map(day).unwrap_or_default();
        out.push(
            Finding::new(
                rule.shared_id(),
                severity,
                Subject::new(EntityKind::Person, &person.id),
                format!(
                    "'{}' left on {departed} but still has access: {}",
                    person.id,
                    listing::join(&list, "; ")
                ),
            )
            .with_evidence("departed_at", departed)
            .with_evidence_list("grants", evidence)
            .with_remediation(format!(
                "revoke these grants or group memberships; `opsctl offboard PATH {}` lists them all",
                person.id
            ))
            .at(&person.location),
        );
    }
    out
}

/// `access/unrotated-shared-credential`: a shared credential someone who
/// has left knew, not rotated since.
pub static UNROTATED_SHARED_CREDENTIAL: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/unrotated-shared-credential",
        Severity::High,
        "A shared credential not rotated since a holder left (critical for admin)",
        r"
## What it checks
Every shared credential with a holder (directly or through a group) who had left by the
evaluation instant, where the credential was last rotated (or, if never, created) before
that person left, or when neither date is recorded. Critical when the credential gives
admin or owner access, high otherwise. Access events that name the credential (`credential:`)
after the first of those holders left and after its last rotation are counted in the
finding: every one is a login with a password a leaver knows.

## Why it matters
Removing a leaver's account does nothing about the password they know. A shared admin
password that outlives the people who knew it is how a dismissed employee logs into the
hosting account and deletes the customer data.

## Example
```yaml
credentials:
  - id: aws-root
    kind: shared
    level: owner
    holders: [maya, dana]      # dana departed 2026-06-30
    rotated_at: 2025-01-15
```

## How to fix
Rotate the credential, record `rotated_at`, and remove the person from `holders`.
",
    ),
    (),
    unrotated_shared_credential,
);

fn unrotated_shared_credential(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    // The recorded uses of each credential, looked at per stale credential.
    let mut uses_of: BTreeMap<usize, Vec<Timestamp>> = BTreeMap::new();
    for e in inv.access_events().iter().filter(|e| e.at <= now) {
        if let Some(c) = e.credential {
            uses_of.entry(c.index()).or_default().push(e.at);
        }
    }
    let mut out = Vec::new();
    for (ci, credential) in inv.credentials().iter().enumerate() {
        if credential.kind != CredentialKind::Shared {
            continue;
        }
        let last_rotation = credential.rotated_at.or(credential.created_at);
        let stale: Vec<&Person> = credential_holders(access, credential)
            .into_iter()
            .filter_map(|h| match h {
                Principal::Person(p) => Some(inv.person(p)),
                _ => None,
            })
            .filter(|p| p.departed_by(now))
            .filter(|p| match (last_rotation, p.departed_at) {
                (Some(r), Some(d)) => r < d,
                _ => true,
            })
            .collect();
        if stale.is_empty() {
            continue;
        }
        let severity = if credential.level >= Some(Level::Admin) {
            Severity::Critical
        } else {
            Severity::High
        };
        let names: Vec<String> = stale
            .iter()
            .map(|p| format!("'{}' ({})", p.id, p.departed_at.map(day).unwrap_or_default()))
            .collect();
        let rotated = match credential.rotated_at {
            Some(r) => format!("last rotated {}", day(r)),
            None => "never rotated".to_owned(),
        };
        // Recorded uses of the credential since the first of them left (and
        // after its last rotation): logins with a password a leaver knows.
        let first_left = stale.iter().filter_map(|p| p.departed_at).min();
        let uses: Vec<Timestamp> = uses_of
            .get(&ci)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&at| first_left.is_none_or(|d| at >= d) && last_rotation.is_none_or(|r| at >= r))
            .collect();
        let used = match uses.iter().max() {
            Some(last) => format!(
                "; used {} since, the last at {}",
                if uses.len() == 1 {
                    "once".to_owned()
                } else {
                    format!("{} times", uses.len())
                },
                last.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            None => String::new(),
        };
        let mut f = Finding::new(
            rule.shared_id(),
            severity,
            Subject::new(EntityKind::Credential, &credential.id),
            format!(
                "shared credential '{}' was {rotated}, before these holders left: {}{used}",
                credential.id,
                listing::join(&names, ", ")
            ),
        )
        .with_evidence(
            "departed_holders",
            stale.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        )
        .with_evidence("rotated_at", credential.rotated_at.map(|r| r.to_rfc3339()));
        if !uses.is_empty() {
            f = f.with_evidence("uses_since_departure", uses.len());
        }
        out.push(
            f.with_remediation("rotate it now, record rotated_at, and remove those people from holders")
                .at(&credential.location),
        );
    }
    out
}

/// `access/shared-admin-credential`: a credential several people share
/// that gives admin or owner access.
pub static SHARED_ADMIN_CREDENTIAL: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/shared-admin-credential",
        Severity::High,
        "A shared credential that gives admin or owner access",
        r"
## What it checks
Credentials of `kind: shared` whose `level` is admin or owner.

## Why it matters
A shared admin password cannot be revoked from one person, leaves no trail of who used it,
and survives every departure. It is the classic path by which a fired employee deletes a
company's data.

## Example
```yaml
credentials:
  - {id: aws-root, kind: shared, system: aws-prod, level: owner, holders: [maya, tom]}
```

## How to fix
Give each person a personal, MFA-protected credential with only the access they need; keep
any unavoidable shared account (a cloud root user) in a break-glass vault, with MFA and an
alert on every use.
",
    ),
    (),
    shared_admin_credential,
);

fn shared_admin_credential(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let inv = access.inventory();
    inv.credentials()
        .iter()
        .filter(|c| c.kind == CredentialKind::Shared && c.level >= Some(Level::Admin))
        .map(|c| {
            let holders = path_ids(inv, &credential_holders(access, c));
            let on = c
                .system
                .map(|s| format!(" on {}", inv.systems()[s.index()].id))
                .unwrap_or_default();
            let level = c.level.map_or("admin", Level::as_str);
            Finding::new(
                rule.shared_id(),
                Severity::High,
                Subject::new(EntityKind::Credential, &c.id),
                format!(
                    "shared credential '{}' gives {level} access{on} to {} holder{}: {}",
                    c.id,
                    holders.len(),
                    if holders.len() == 1 { "" } else { "s" },
                    listing::join(&holders, ", ")
                ),
            )
            .with_evidence_list("holders", holders)
            .with_evidence("level", level)
            .with_remediation(
                "replace it with personal credentials with MFA; keep a break-glass account vaulted and alerted",
            )
            .at(&c.location)
        })
        .collect()
}

/// `access/admin-without-mfa`: admin or owner access without a second factor.
pub static ADMIN_WITHOUT_MFA: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/admin-without-mfa",
        Severity::High,
        "An admin credential without MFA, or a person recorded without MFA holding admin",
        r"
## What it checks
Two ways admin access goes without a second factor:
- a credential with `level: admin` or `owner` and no `mfa: true`;
- a person recorded with `mfa: false` who holds, at the evaluation instant, an admin or
  owner grant (directly or through groups). People with no `mfa` recorded are not judged.

People who have left are left to `access/departed-with-access`.

## Why it matters
A phished or reused password is the most common way in. On an admin account it is the whole
estate.

## Example
```yaml
people:
  - {id: tom, mfa: false}
grants:
  - {principal: tom, system: aws-prod, level: admin}
```

## How to fix
Enrol a second factor (a hardware key where possible) and require it for the role; record
`mfa: true`.
",
    ),
    (),
    admin_without_mfa,
);

fn admin_without_mfa(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    let mut out = Vec::new();
    for c in inv.credentials() {
        if c.mfa || c.level < Some(Level::Admin) {
            continue;
        }
        let level = c.level.map_or("admin", Level::as_str);
        let on = c
            .system
            .map(|s| format!(" on {}", inv.systems()[s.index()].id))
            .unwrap_or_default();
        out.push(
            Finding::new(
                rule.shared_id(),
                Severity::High,
                Subject::new(EntityKind::Credential, &c.id),
                format!("credential '{}' gives {level} access{on} without MFA", c.id),
            )
            .with_evidence("level", level)
            .with_remediation("require a second factor for it and record `mfa: true`")
            .at(&c.location),
        );
    }
    let grants = inv.grants();
    for (i, person) in inv.people().iter().enumerate() {
        if person.mfa != Some(false) || person.departed_by(now) {
            continue;
        }
        let mut systems: BTreeMap<&str, Level> = BTreeMap::new();
        for e in access.grants_of(Principal::Person(Idx::new(i))) {
            let g = &grants[e.grant.index()];
            if g.level >= Level::Admin && g.active_at(now) {
                let level = systems.entry(&inv.systems()[g.system.index()].id).or_insert(g.level);
                *level = (*level).max(g.level);
            }
        }
        if systems.is_empty() {
            continue;
        }
        let list: Vec<String> = systems.iter().map(|(s, l)| format!("{} on {s}", l.as_str())).collect();
        out.push(
            Finding::new(
                rule.shared_id(),
                Severity::High,
                Subject::new(EntityKind::Person, &person.id),
                format!("'{}' has no MFA but holds {}", person.id, listing::join(&list, ", ")),
            )
            .with_evidence_list("systems", systems.keys().copied().collect::<Vec<_>>())
            .with_remediation("enrol a second factor and record `mfa: true`, or reduce the access")
            .at(&person.location),
        );
    }
    out
}

/// `access/unused-grant`: a grant not used for longer than a threshold.
pub static UNUSED_GRANT: BuiltinRule<UnusedGrantOptions> = BuiltinRule::new(
    Rule::from_static(
        "access/unused-grant",
        Severity::Low,
        "A grant unused for more than 90 days (medium for admin)",
        r"
## What it checks
Grants in force at the evaluation instant whose last use is longer ago than the threshold
(90 days unless configured), and grants never used that were granted longer ago than that.
The last use is the later of `last_used_at` and the latest recorded access event (at or
before the instant) of the grant's principal on its system (for a group's grant, of any
member). Grants with neither date are not judged, nor are grants with `usage: unknown`
(nothing records their uses: Kubernetes RBAC, Terraform state). Medium for admin
and owner grants, low otherwise.

## Why it matters
Access nobody uses is risk without benefit: it widens what a stolen account can do and
hides in every review.

## Example
```yaml
grants:
  - {principal: tom, system: billing, level: admin, last_used_at: 2026-01-10}
```

## How to fix
Revoke it; if it is needed rarely, make it an expiring, requested grant (`expires_at`).
",
    ),
    UnusedGrantOptions::DEFAULT,
    unused_grant,
);

/// The options of [`UNUSED_GRANT`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnusedGrantOptions {
    /// Grants unused for longer than this are reported (default 90 days).
    pub threshold: TimeDelta,
}

impl UnusedGrantOptions {
    /// The defaults: 90 days.
    pub const DEFAULT: UnusedGrantOptions = UnusedGrantOptions {
        threshold: TimeDelta::days(90),
    };

    /// These options, reporting grants unused for longer than `threshold`.
    pub fn with_threshold(mut self, threshold: TimeDelta) -> Self {
        self.threshold = threshold;
        self
    }
}

impl Default for UnusedGrantOptions {
    fn default() -> Self {
        UnusedGrantOptions::DEFAULT
    }
}

fn unused_grant(rule: &Rule, ctx: &Context<'_>, options: &UnusedGrantOptions) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    // The latest recorded use of each system by each principal.
    let mut used: BTreeMap<(Principal, usize), Timestamp> = BTreeMap::new();
    for e in inv.access_events().iter().filter(|e| e.at <= now) {
        let latest = used.entry((e.principal, e.system.index())).or_insert(e.at);
        *latest = (*latest).max(e.at);
    }
    let mut out = Vec::new();
    for g in inv.grants() {
        // Where nothing records uses, no recorded use says nothing.
        if !g.active_at(now) || g.usage == GrantUsage::Unknown {
            continue;
        }
        // A group's grant is used when any of its members uses the system.
        let mut seen = used.get(&(g.principal, g.system.index())).copied();
        if let Principal::Group(group) = g.principal {
            access.visit_members(group, |m| {
                if let Some(&t) = used.get(&(m, g.system.index())) {
                    seen = Some(seen.map_or(t, |s| s.max(t)));
                }
                true
            });
        }
        let last_used = match (g.last_used_at, seen) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let (since, what) = match (last_used, g.granted_at) {
            (Some(used), _) => (used, "last used"),
            (None, Some(granted)) => (granted, "never used since it was granted"),
            (None, None) => continue,
        };
        let idle = now - since;
        if idle <= options.threshold {
            continue;
        }
        let severity = if g.level >= Level::Admin {
            Severity::Medium
        } else {
            Severity::Low
        };
        let label = grant_label(inv, g);
        out.push(
            Finding::new(
                rule.shared_id(),
                severity,
                Subject::new(EntityKind::Grant, &label),
                format!(
                    "{} access to {} for '{}' was {what} on {} ({} days ago)",
                    g.level.as_str(),
                    inv.systems()[g.system.index()].id,
                    inv.principal_id(g.principal),
                    day(since),
                    idle.num_days()
                ),
            )
            .with_evidence("idle_days", idle.num_days())
            .with_evidence("threshold_days", options.threshold.num_days())
            .with_remediation("revoke it, or make it an expiring grant requested when needed")
            .at(&g.location),
        );
    }
    out
}

/// `access/access-while-away`: access used by someone on leave or departed at the time.
pub static ACCESS_WHILE_AWAY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/access-while-away",
        Severity::High,
        "Access used by someone on leave (high) or after leaving (critical)",
        r"
## What it checks
Access events (up to the evaluation instant) whose principal is a person who, at the
event's instant, had departed (critical) or was inside one of their leave periods (high);
and events that name the personal `credential` of such a person while another principal
is recorded (a key a leaver kept, used through a service account). A `credential` named
on the event is in the finding.

## Why it matters
A login from someone on holiday is either an account in someone else's hands or a person
working around the rules; either way someone should ask. Access after departure is an
incident.

## Example
```yaml
people:
  - {id: priya, status: on_leave, leave: [{from: 2026-11-02, until: 2026-12-14}]}
access_events:
  - {principal: priya, system: prod-db, at: 2026-11-15T23:12:00Z, action: pg_dump}
```

## How to fix
Confirm with the person (through a channel other than the account), review what was done,
and suspend the account while away if it was not them.
",
    ),
    (),
    access_while_away,
);

fn access_while_away(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    let mut out = Vec::new();
    for e in inv.access_events() {
        if e.at > now {
            continue;
        }
        let credential = e.credential.map(|c| &inv.credentials()[c.index()]);
        // Who the access was: the principal, and the holder of a personal
        // credential used by another principal (a key a leaver kept).
        let holder = credential
            .filter(|c| c.kind == CredentialKind::Personal)
            .and_then(|c| c.holders.first().copied())
            .filter(|&h| h != e.principal);
        for p in [Some(e.principal), holder].into_iter().flatten() {
            let Principal::Person(p) = p else { continue };
            out.extend(away_finding(rule, inv, e, p, credential));
        }
    }
    out
}

/// The finding of an access event by, or with the personal credential of,
/// the person `p`, if they were away at the time.
fn away_finding(
    rule: &Rule,
    inv: &Inventory,
    e: &super::AccessEvent,
    p: Idx<Person>,
    credential: Option<&super::Credential>,
) -> Option<Finding> {
    {
        let person = inv.person(p);
        let system = &inv.systems()[e.system.index()].id;
        let what = e.action.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
        let with = match credential {
            Some(c) if Principal::Person(p) == e.principal => {
                format!(" with {} credential '{}'", kind_name(c.kind), c.id)
            }
            Some(c) => format!(
                " as '{}' with their personal credential '{}'",
                inv.principal_id(e.principal),
                c.id
            ),
            None => String::new(),
        };
        let (severity, why) = if person.departed_by(e.at) {
            let left = person.departed_at.map(day).unwrap_or_default();
            (Severity::Critical, format!("after leaving on {left}"))
        } else if let Some(period) = person.on_leave_at(e.at) {
            let until = period.until.map(|u| format!(" until {}", day(u))).unwrap_or_default();
            (
                Severity::High,
                format!("while on leave from {}{until}", day(period.from)),
            )
        } else {
            return None;
        };
        let mut f = Finding::new(
            rule.shared_id(),
            severity,
            Subject::new(EntityKind::Person, &person.id),
            format!(
                "'{}' accessed {system} at {}{with}{what} {why}",
                person.id,
                e.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
        )
        .with_evidence("system", system.as_str())
        .with_evidence("at", e.at.to_rfc3339())
        .with_evidence("source", e.source.clone())
        .with_key(format!("{system}@{}", e.at.to_rfc3339()));
        if let Some(c) = credential {
            f = f.with_evidence("credential", c.id.as_str());
        }
        Some(
            f.with_remediation(
                "confirm with the person out of band, review the session, suspend the account if it was not them",
            )
            .at(&e.location),
        )
    }
}

fn kind_name(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Personal => "personal",
        CredentialKind::Shared => "shared",
    }
}

/// `access/orphaned-service-account`: a service account with no owner, or
/// an owner who has left.
pub static ORPHANED_SERVICE_ACCOUNT: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/orphaned-service-account",
        Severity::Medium,
        "A service account with no owner or a departed one (high with admin access)",
        r"
## What it checks
Enabled service accounts with no `owner`, or whose owner had departed by the evaluation
instant. High when the account holds admin or owner access (directly or through groups),
medium otherwise.

## Why it matters
Nobody rotates the keys of an account nobody owns, nobody notices when it is abused, and
nobody dares to delete it.

## Example
```yaml
service_accounts:
  - {id: etl-bot, owner: dana}    # dana has left
```

## How to fix
Assign a current owner, rotate its credentials, and disable it if nobody claims it.
",
    ),
    (),
    orphaned_service_account,
);

fn orphaned_service_account(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    let grants = inv.grants();
    let mut out = Vec::new();
    for (i, sa) in inv.service_accounts().iter().enumerate() {
        if sa.disabled {
            continue;
        }
        let why = match sa.owner.map(|o| inv.person(o)) {
            None => "has no owner".to_owned(),
            Some(owner) if owner.departed_by(now) => format!(
                "is owned by '{}', who left on {}",
                owner.id,
                owner.departed_at.map(day).unwrap_or_default()
            ),
            Some(_) => continue,
        };
        let principal = Principal::ServiceAccount(Idx::new(i));
        let top = access
            .grants_of(principal)
            .map(|e| &grants[e.grant.index()])
            .filter(|g| g.active_at(now))
            .map(|g| g.level)
            .max();
        let severity = if top >= Some(Level::Admin) {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                rule.shared_id(),
                severity,
                subject_of(inv, principal),
                format!("service account '{}' {why}", sa.id),
            )
            .with_evidence("highest_level", top.map(Level::as_str))
            .with_remediation("assign a current owner and rotate its credentials, or disable it")
            .at(&sa.location),
        );
    }
    out
}

/// `access/single-admin`: a system exactly one person can administer.
pub static SINGLE_ADMIN: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "access/single-admin",
        Severity::Medium,
        "A system exactly one person can administer (also a `person` domain SPOF)",
        r"
## What it checks
Systems where exactly one person (who has not left) holds admin or owner access, through a
grant in force at the evaluation instant (directly or through groups) or an admin or owner
credential. Service accounts do not count: they do not answer pages. Systems of
`kind: workstation` (a person's own machine, one administrator by design) are skipped.

When the system is or spans components, the loader also puts them in a failure domain of
kind `person` named after the admin (see the inventory format), so `graph/domain-spof`
reports the person as a single point of failure of the entry points that need it.

## Why it matters
When that person is ill, on a plane or gone, nobody can fix, restore or even log into the
system.

## Example
```yaml
grants:
  - {principal: maya, system: prod-db, level: owner}   # nobody else
```

## How to fix
Give a second person admin access (and practise with it), or document a break-glass
procedure that someone else has tested.
",
    ),
    (),
    single_admin,
);

fn single_admin(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let access = ctx.effective_access();
    let now = ctx.now();
    let inv = access.inventory();
    let mut out = Vec::new();
    for (i, system) in inv.systems().iter().enumerate() {
        // A person's own machine has one administrator by design.
        if system.is_workstation() {
            continue;
        }
        let admins = admins_of(access, Idx::new(i), Some(now), 2);
        let mut it = admins.iter();
        let (Some(&only), None) = (it.next(), it.next()) else {
            continue;
        };
        let person = &inv.person(only).id;
        let component = system.components.first().map(|&c| inv.component(c).id.clone());
        let mut f = Finding::new(
            rule.shared_id(),
            Severity::Medium,
            Subject::new(EntityKind::System, &system.id),
            format!("only '{person}' can administer system '{}'", system.id),
        )
        .with_evidence("admin", person.as_str())
        .with_evidence("component", component);
        if system.components.len() > 1 {
            f = f.with_evidence_list(
                "components",
                system.components.iter().map(|&c| inv.component(c).id.clone()).collect(),
            );
        }
        out.push(
            f.with_remediation("give a second person admin access, or a tested break-glass procedure")
                .at(&system.location),
        );
    }
    out
}
