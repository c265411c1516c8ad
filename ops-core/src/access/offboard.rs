//! Offboarding: everything a person can reach, through which path, and the
//! checklist that removes it.

use std::fmt::Write as _;

use serde::Serialize;

use super::holders::{credential_holders, grant_label, path_ids};
use super::{CredentialKind, EffectiveAccess, Person, Principal};
use crate::{Idx, Timestamp};

/// At most this many membership chains are listed per grant.
const MAX_PATHS: usize = 100;

/// What to remove when a person leaves, as data; render it with
/// [`OffboardingPlan::to_markdown`] or serialise it as JSON.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::access::{EffectiveAccess, OffboardingPlan};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// people: [{id: dana, status: departed, departed_at: 2026-06-30}]
/// groups: [{id: web, members: [dana]}]
/// systems: [{id: github}]
/// grants: [{principal: web, system: github, level: write}]
/// ")?;
/// let access = EffectiveAccess::new(&inv);
/// let dana = inv.person_by_id("dana").expect("defined above");
/// let plan = OffboardingPlan::new(&access, dana, "2026-11-22T09:00:00Z".parse()?);
/// assert_eq!(plan.grants[0].paths, [["dana", "web"]]);
/// assert!(plan.to_markdown().contains("- [ ] Remove `dana` from group `web`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct OffboardingPlan {
    /// The person's id.
    pub person: String,
    /// Their name, if recorded.
    pub name: Option<String>,
    /// Their status as recorded.
    pub status: &'static str,
    /// When they left, if they have.
    pub departed_at: Option<Timestamp>,
    /// The instant grants were evaluated at (expired grants are left out).
    pub evaluated_at: Timestamp,
    /// Every grant in force that reaches them, with every chain of groups.
    pub grants: Vec<PlanGrant>,
    /// Their direct group memberships, each with the grants it carries.
    pub memberships: Vec<PlanMembership>,
    /// Credentials they hold: shared ones to rotate, personal ones to revoke.
    pub credentials: Vec<PlanCredential>,
    /// What they own and must hand over.
    pub ownership: Vec<PlanOwnership>,
}

/// A grant that reaches the person.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct PlanGrant {
    /// The grant's id, or `principal->system`.
    pub grant: String,
    /// The system's id.
    pub system: String,
    /// The level (`read` ... `owner`).
    pub level: &'static str,
    /// The system's role name.
    pub role: Option<String>,
    /// The principal the grant names (the person, or a group).
    pub granted_to: String,
    /// Every chain of memberships from the person to `granted_to`
    /// (`[person]` for a direct grant), shortest first, at most 100.
    pub paths: Vec<Vec<String>>,
    /// When last used.
    pub last_used_at: Option<Timestamp>,
}

/// A direct group membership to remove.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct PlanMembership {
    /// The group's id.
    pub group: String,
    /// The grants that reach the person through it.
    pub gives: Vec<String>,
}

/// A credential the person holds.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct PlanCredential {
    /// The credential's id.
    pub credential: String,
    /// `rotate` for shared credentials (others keep using them), `revoke` for personal ones.
    pub action: &'static str,
    /// The system it opens.
    pub system: Option<String>,
    /// The level it gives.
    pub level: Option<&'static str>,
    /// When last rotated.
    pub rotated_at: Option<Timestamp>,
    /// Whether it was rotated after the person left.
    pub rotated_since_departure: bool,
}

/// Something the person owns.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct PlanOwnership {
    /// `component`, `service_account`, `backup_policy` or `job`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
}

impl OffboardingPlan {
    /// The plan for `person` as of `now`.
    ///
    /// Complexity: the person's effective grants times the chains that give
    /// each (at most 100), plus one pass over credentials and owned entities.
    pub fn new(access: &EffectiveAccess<'_>, person: Idx<Person>, now: Timestamp) -> OffboardingPlan {
        let inv = access.inventory();
        let p = inv.person(person);
        let me = Principal::Person(person);
        let grants = inv.grants();
        let mut plan_grants = Vec::new();
        for e in access.grants_of(me) {
            let g = &grants[e.grant.index()];
            if !g.active_at(now) {
                continue;
            }
            let mut paths: Vec<Vec<String>> = match g.principal {
                Principal::Group(group) => access
                    .membership_paths(me, group, MAX_PATHS)
                    .iter()
                    .map(|chain| path_ids(inv, chain))
                    .collect(),
                _ => vec![vec![p.id.clone()]],
            };
            paths.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
            plan_grants.push(PlanGrant {
                grant: grant_label(inv, g),
                system: inv.systems()[g.system.index()].id.clone(),
                level: g.level.as_str(),
                role: g.role.clone(),
                granted_to: inv.principal_id(g.principal).to_owned(),
                paths,
                last_used_at: g.last_used_at,
            });
        }
        let memberships = inv
            .groups()
            .iter()
            .filter(|g| g.members.contains(&me))
            .map(|g| PlanMembership {
                group: g.id.clone(),
                gives: plan_grants
                    .iter()
                    .filter(|pg| pg.paths.iter().any(|path| path.get(1) == Some(&g.id)))
                    .map(|pg| pg.grant.clone())
                    .collect(),
            })
            .collect();
        let credentials = inv
            .credentials()
            .iter()
            .filter(|c| credential_holders(access, c).contains(&me))
            .map(|c| PlanCredential {
                credential: c.id.clone(),
                action: match c.kind {
                    CredentialKind::Shared => "rotate",
                    CredentialKind::Personal => "revoke",
                },
                system: c.system.map(|s| inv.systems()[s.index()].id.clone()),
                level: c.level.map(super::Level::as_str),
                rotated_at: c.rotated_at,
                rotated_since_departure: match (c.rotated_at, p.departed_at) {
                    (Some(r), Some(d)) => r >= d,
                    _ => false,
                },
            })
            .collect();
        let mut ownership = Vec::new();
        for c in inv.components() {
            if c.owners.contains(&me) {
                ownership.push(PlanOwnership {
                    kind: "component",
                    id: c.id.clone(),
                });
            }
        }
        for sa in inv.service_accounts() {
            if sa.owner == Some(person) {
                ownership.push(PlanOwnership {
                    kind: "service_account",
                    id: sa.id.clone(),
                });
            }
        }
        for b in inv.backup_policies() {
            if b.owner == Some(me) {
                ownership.push(PlanOwnership {
                    kind: "backup_policy",
                    id: b.id.clone(),
                });
            }
        }
        for j in inv.jobs() {
            if j.owner == Some(me) {
                ownership.push(PlanOwnership {
                    kind: "job",
                    id: j.id.clone(),
                });
            }
        }
        OffboardingPlan {
            person: p.id.clone(),
            name: p.name.clone(),
            status: p.status.as_str(),
            departed_at: p.departed_at,
            evaluated_at: now,
            grants: plan_grants,
            memberships,
            credentials,
            ownership,
        }
    }

    /// Whether there is nothing left to remove or hand over.
    pub fn is_empty(&self) -> bool {
        self.grants.is_empty()
            && self.memberships.is_empty()
            && self.ownership.is_empty()
            && self.credentials.iter().all(|c| c.rotated_since_departure)
    }

    /// The plan as a Markdown checklist a person can work through.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let who = match &self.name {
            Some(n) => format!("{n} (`{}`)", self.person),
            None => format!("`{}`", self.person),
        };
        let _ = writeln!(md, "# Offboarding: {who}\n");
        let status = match self.departed_at {
            Some(d) => format!("departed on {}", d.format("%Y-%m-%d %H:%M UTC")),
            None => self.status.to_owned(),
        };
        let _ = writeln!(
            md,
            "Status: {status}. Access as of {}.\n",
            self.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
        if self.is_empty() {
            md.push_str("Nothing to remove: no grant, membership, credential or ownership remains.\n");
            return md;
        }
        if !self.grants.is_empty() {
            md.push_str("## What they can reach\n\n| system | level | role | grant | path |\n|---|---|---|---|---|\n");
            for g in &self.grants {
                let paths: Vec<String> = g.paths.iter().map(|p| p.join(" → ")).collect();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | `{}` | {} |",
                    cell(&g.system),
                    g.level,
                    cell(g.role.as_deref().unwrap_or("")),
                    g.grant,
                    cell(&paths.join("<br>"))
                );
            }
            md.push('\n');
        }
        md.push_str("## Checklist\n\n");
        for g in self.grants.iter().filter(|g| g.granted_to == self.person) {
            let role = g.role.as_deref().map(|r| format!(", role {r}")).unwrap_or_default();
            let _ = writeln!(
                md,
                "- [ ] Revoke grant `{}` ({} on {}{role})",
                g.grant,
                g.level,
                cell(&g.system)
            );
        }
        for m in &self.memberships {
            let gives = if m.gives.is_empty() {
                String::new()
            } else {
                format!(
                    " (cuts {})",
                    m.gives.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
                )
            };
            let _ = writeln!(md, "- [ ] Remove `{}` from group `{}`{gives}", self.person, m.group);
        }
        for c in &self.credentials {
            if c.rotated_since_departure {
                continue;
            }
            let on = match (&c.system, c.level) {
                (Some(s), Some(l)) => format!(" ({l} on {s})"),
                (Some(s), None) => format!(" (on {s})"),
                _ => String::new(),
            };
            let last = match c.rotated_at {
                Some(r) => format!("; last rotated {}", r.format("%Y-%m-%d")),
                None => String::new(),
            };
            let verb = if c.action == "rotate" {
                "Rotate shared credential"
            } else {
                "Revoke personal credential"
            };
            let _ = writeln!(
                md,
                "- [ ] {verb} `{}`{on}{last}; remove `{}` from its holders",
                c.credential, self.person
            );
        }
        for o in &self.ownership {
            let _ = writeln!(
                md,
                "- [ ] Hand over {} `{}` to a new owner",
                o.kind.replace('_', " "),
                o.id
            );
        }
        md
    }
}

/// Escapes the characters that would break a Markdown table cell.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
