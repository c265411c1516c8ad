//! The periodic access review: who can reach each system, how, and what
//! deserves a second look.

use std::borrow::Cow;
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
                // A system that records no use says nothing about idleness.
                let records = inv.systems()[s.index()].records_use;
                let idle_since = g.last_used_at.or(g.granted_at.filter(|_| records));
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

    /// The review as CSV (RFC 4180 quoting, with a header row, records ended
    /// by `\n`). Fields that a spreadsheet would run as a formula (starting
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return) are prefixed with `'`.
    pub fn to_csv(&self) -> String {
        const HEADER: [&str; 11] = [
            "system",
            "principal",
            "principal_kind",
            "status",
            "level",
            "role",
            "source",
            "via",
            "last_used_at",
            "expires_at",
            "flags",
        ];
        let time = |t: Option<Timestamp>| t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        // The csv crate quotes a field when it holds the delimiter, a quote or
        // a line break, and doubles its quotes. Writing to memory cannot fail,
        // so its errors are ignored like `write!`'s to a String.
        let mut csv = csv::Writer::from_writer(Vec::new());
        let _ = csv.write_record(HEADER);
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
            let defused: Vec<Cow<'_, str>> = fields.iter().map(|f| defuse_formula(f)).collect();
            let _ = csv.write_record(defused.iter().map(|f| f.as_bytes()));
        }
        let _ = csv.flush();
        // Every field is a str, so the bytes are UTF-8.
        String::from_utf8_lossy(csv.get_ref()).into_owned()
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

/// A field as a spreadsheet should see it: one that starts with a
/// character that would make a spreadsheet read it as a formula is prefixed
/// with `'`, which spreadsheets show as text.
fn defuse_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, Inventory};

    /// One grant on system `s` per role, held by `p0`, `p1`, ...
    fn review_of_roles(roles: &[&str]) -> AccessReview {
        let people: Vec<String> = (0..roles.len()).map(|i| format!("{{\"id\": \"p{i:02}\"}}")).collect();
        let grants: Vec<String> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                format!(
                    "{{\"principal\": \"p{i:02}\", \"system\": \"s\", \"level\": \"read\", \"role\": {}}}",
                    serde_json::Value::from(*r)
                )
            })
            .collect();
        let text = format!(
            "{{\"people\": [{}], \"systems\": [{{\"id\": \"s\"}}], \"grants\": [{}]}}",
            people.join(","),
            grants.join(",")
        );
        let inv = Inventory::from_text("inv.json", Format::Json, &text).unwrap();
        AccessReview::new(
            &EffectiveAccess::new(&inv),
            None,
            "2026-11-22T09:00:00Z".parse().unwrap(),
        )
    }

    const ROLES: [&str; 16] = [
        "=1+1",
        "+x",
        "-x",
        "@x",
        "\tx",
        "\rx",
        "a,b",
        "say \"hi\"",
        "line\nbreak",
        "cr\rinside",
        " =after a space",
        "'quoted",
        "tab\tinside",
        "=HYPERLINK(\"x\"), admin",
        "ünï",
        "\"",
    ];

    #[test]
    fn csv_quotes_per_rfc_4180_and_defuses_formulas() {
        let csv = review_of_roles(&ROLES).to_csv();
        let expected = [
            "system,principal,principal_kind,status,level,role,source,via,last_used_at,expires_at,flags",
            "s,p00,person,active,read,'=1+1,grant:p00->s,directly,,,",
            "s,p01,person,active,read,'+x,grant:p01->s,directly,,,",
            "s,p02,person,active,read,'-x,grant:p02->s,directly,,,",
            "s,p03,person,active,read,'@x,grant:p03->s,directly,,,",
            "s,p04,person,active,read,'\tx,grant:p04->s,directly,,,",
            "s,p05,person,active,read,\"'\rx\",grant:p05->s,directly,,,",
            "s,p06,person,active,read,\"a,b\",grant:p06->s,directly,,,",
            "s,p07,person,active,read,\"say \"\"hi\"\"\",grant:p07->s,directly,,,",
            "s,p08,person,active,read,\"line\nbreak\",grant:p08->s,directly,,,",
            "s,p09,person,active,read,\"cr\rinside\",grant:p09->s,directly,,,",
            "s,p10,person,active,read, =after a space,grant:p10->s,directly,,,",
            "s,p11,person,active,read,'quoted,grant:p11->s,directly,,,",
            "s,p12,person,active,read,tab\tinside,grant:p12->s,directly,,,",
            "s,p13,person,active,read,\"'=HYPERLINK(\"\"x\"\"), admin\",grant:p13->s,directly,,,",
            "s,p14,person,active,read,ünï,grant:p14->s,directly,,,",
            "s,p15,person,active,read,\"\"\"\",grant:p15->s,directly,,,",
        ];
        assert_eq!(csv, expected.map(|l| format!("{l}\n")).concat());

        // A CSV reader gets every role back, defused where it starts a formula.
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let roles: Vec<String> = reader.records().map(|r| r.unwrap()[5].to_owned()).collect();
        let defused: Vec<String> = ROLES
            .iter()
            .map(|r| match r.chars().next() {
                Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{r}"),
                _ => (*r).to_owned(),
            })
            .collect();
        assert_eq!(roles, defused);
    }
}
