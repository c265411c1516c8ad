//! The periodic access review: who can reach each system, how, and what
//! deserves a second look.

use std::fmt::Write as _;

use serde::Serialize;

use super::holders::{credential_holders, describe_path, grant_label};
use super::offboard::cell;
use super::{EffectiveAccess, Principal, UnusedGrantOptions};
use crate::{Idx, System, Timestamp};

/// One line of an access review: one principal's access to one system
/// through one grant or credential.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReviewRow {
    /// The system's id.
    pub system: String,
    /// The person's or service account's id.
    pub principal: String,
    /// `person` or `service_account`.
    pub principal_kind: &'static str,
    /// `active`, `on_leave`, `departed` (people) or `enabled` / `disabled`.
    pub status: &'static str,
    /// The level.
    pub level: &'static str,
    /// The role name, if any.
    pub role: Option<String>,
    /// `grant:<label>` or `credential:<id>`.
    pub source: String,
    /// `directly`, or `through g1, g2`.
    pub via: String,
    /// When last used.
    pub last_used_at: Option<Timestamp>,
    /// When it lapses.
    pub expires_at: Option<Timestamp>,
    /// Reasons to look twice: `departed`, `on-leave`, `unused-90d`, `no-mfa`, `shared-credential`.
    pub flags: Vec<&'static str>,
}

/// An access review, one row per principal, system and source, sorted by
/// system, principal and source.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::access::{AccessReview, EffectiveAccess};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// people: [{id: ana}]
/// systems: [{id: github}]
/// grants: [{principal: ana, system: github, level: write, role: maintain}]
/// ")?;
/// let review = AccessReview::new(&EffectiveAccess::new(&inv), None, "2026-11-22T00:00:00Z".parse()?);
/// assert_eq!(review.to_csv().lines().nth(1), Some("github,ana,person,active,write,maintain,grant:ana->github,directly,,,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct AccessReview {
    /// The instant of the review (grants not in force then are left out).
    pub evaluated_at: Timestamp,
    /// The rows.
    pub rows: Vec<ReviewRow>,
}

impl AccessReview {
    /// The review of `system` (or of every system) as of `now`.
    pub fn new(access: &EffectiveAccess<'_>, system: Option<Idx<System>>, now: Timestamp) -> AccessReview {
        let inv = access.inventory();
        let grants = inv.grants();
        let systems: Vec<Idx<System>> = match system {
            Some(s) => vec![s],
            None => (0..inv.systems().len()).map(Idx::new).collect(),
        };
        let status = |p: Principal| -> &'static str {
            match p {
                Principal::Person(i) => {
                    let person = inv.person(i);
                    if person.departed_by(now) {
                        "departed"
                    } else if person.on_leave_at(now).is_some() {
                        "on_leave"
                    } else {
                        "active"
                    }
                }
                Principal::ServiceAccount(i) if inv.service_accounts()[i.index()].disabled => "disabled",
                _ => "enabled",
            }
        };
        let kind = |p: Principal| match p {
            Principal::Person(_) => "person",
            _ => "service_account",
        };
        let mfa_off = |p: Principal| matches!(p, Principal::Person(i) if inv.person(i).mfa == Some(false));
        let mut rows = Vec::new();
        for &s in &systems {
            let system_id = &inv.systems()[s.index()].id;
            for e in access.holders_of(s) {
                let g = &grants[e.grant.index()];
                if !g.active_at(now) {
                    continue;
                }
                let st = status(e.principal);
                let mut flags = Vec::new();
                match st {
                    "departed" => flags.push("departed"),
                    "on_leave" => flags.push("on-leave"),
                    _ => {}
                }
                let idle_since = g.last_used_at.or(g.granted_at);
                if idle_since.is_some_and(|t| now - t > UnusedGrantOptions::DEFAULT.threshold) {
                    flags.push("unused-90d");
                }
                if g.level >= super::Level::Admin && mfa_off(e.principal) {
                    flags.push("no-mfa");
                }
                rows.push(ReviewRow {
                    system: system_id.clone(),
                    principal: inv.principal_id(e.principal).to_owned(),
                    principal_kind: kind(e.principal),
                    status: st,
                    level: g.level.as_str(),
                    role: g.role.clone(),
                    source: format!("grant:{}", grant_label(inv, g)),
                    via: describe_path(inv, &access.path(&e)),
                    last_used_at: g.last_used_at,
                    expires_at: g.expires_at,
                    flags,
                });
            }
            for c in access.credentials_on(s).map(|c| &inv.credentials()[c.index()]) {
                for h in credential_holders(access, c) {
                    let st = status(h);
                    let mut flags = Vec::new();
                    match st {
                        "departed" => flags.push("departed"),
                        "on_leave" => flags.push("on-leave"),
                        _ => {}
                    }
                    if !c.mfa {
                        flags.push("no-mfa");
                    }
                    if c.kind == super::CredentialKind::Shared {
                        flags.push("shared-credential");
                    }
                    rows.push(ReviewRow {
                        system: system_id.clone(),
                        principal: inv.principal_id(h).to_owned(),
                        principal_kind: kind(h),
                        status: st,
                        level: c.level.map_or("unknown", super::Level::as_str),
                        role: None,
                        source: format!("credential:{}", c.id),
                        via: if c.holders.contains(&h) {
                            "directly".to_owned()
                        } else {
                            "through a holder group".to_owned()
                        },
                        last_used_at: c.last_used_at,
                        expires_at: None,
                        flags,
                    });
                }
            }
        }
        rows.sort_by(|a, b| {
            (&a.system, &a.principal, &a.source, &a.via).cmp(&(&b.system, &b.principal, &b.source, &b.via))
        });
        AccessReview {
            evaluated_at: now,
            rows,
        }
    }

    /// The review as CSV (RFC 4180, with a header row). Fields that a
    /// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`)
    /// are prefixed with `'`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "system,principal,principal_kind,status,level,role,source,via,last_used_at,expires_at,flags\n",
        );
        let time = |t: Option<Timestamp>| t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        for r in &self.rows {
            let fields = [
                r.system.clone(),
                r.principal.clone(),
                r.principal_kind.to_owned(),
                r.status.to_owned(),
                r.level.to_owned(),
                r.role.clone().unwrap_or_default(),
                r.source.clone(),
                r.via.clone(),
                time(r.last_used_at).unwrap_or_default(),
                time(r.expires_at).unwrap_or_default(),
                r.flags.join(" "),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }

    /// The review as a Markdown document, one table per system, with a
    /// checkbox per row for the reviewer.
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "# Access review\n\nAs of {}. Tick each row that is still needed; revoke the rest.\n",
            self.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
        let mut current: Option<&str> = None;
        for r in &self.rows {
            if current != Some(r.system.as_str()) {
                current = Some(&r.system);
                let _ = write!(
                    md,
                    "\n## {}\n\n| keep | principal | status | level | role | source | via | last used | flags |\n|---|---|---|---|---|---|---|---|---|\n",
                    cell(&r.system)
                );
            }
            let _ = writeln!(
                md,
                "| [ ] | {} ({}) | {} | {} | {} | {} | {} | {} | {} |",
                cell(&r.principal),
                r.principal_kind.replace('_', " "),
                r.status,
                r.level,
                cell(r.role.as_deref().unwrap_or("")),
                cell(&r.source),
                cell(&r.via),
                r.last_used_at
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                r.flags.join(", ")
            );
        }
        if self.rows.is_empty() {
            md.push_str("\nNobody holds access.\n");
        }
        md
    }
}

/// One CSV field: quoted when it holds a comma, quote or line break; a
/// leading formula character is neutralised with `'`.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
