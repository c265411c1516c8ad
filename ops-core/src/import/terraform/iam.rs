//! IAM as access: users as people (their names verbatim, so an overlay can
//! say who has left), groups as `group:NAME`, roles as service accounts
//! `role:NAME`, policy attachments and inline policies as grants on the
//! account's system `aws:ACCOUNT`, access keys as credentials.
//!
//! Levels: `AdministratorAccess` admin, `PowerUserAccess` write,
//! `ReadOnlyAccess` (and other AWS managed `...ReadOnlyAccess`) read; custom
//! and inline policies by their allowed actions (`*`, `iam:*` or `*:*`
//! admin, any action that is not a read write, else read). Other AWS
//! managed policies list actions the state does not hold: skipped with a
//! note. Terraform records no use of a grant, so grants say `usage:
//! unknown`, and `access/unused-grant` never calls them unused.

use std::collections::{BTreeMap, HashMap};

use super::backup::str_node;
use super::estate::Estate;
use super::ids;
use super::state::Resource;
use super::values::{Arn, str_at, strs_at, tag};
use crate::Location;
use crate::access::Level;
use crate::import::{EntityBuilder, Imported, Place, Section};
use crate::source::node::{Node, Value};

/// The system id of AWS account `account`.
fn system_id(account: &str) -> String {
    format!("aws:{account}")
}

/// The level an IAM policy document allows, or why it cannot be read.
///
/// Only `Allow` statements count; `NotAction` with `Allow` allows nearly
/// everything and counts as admin.
pub(super) fn document_level(json: &str) -> Result<Option<Level>, String> {
    let doc: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not a JSON policy document: {e}"))?;
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.iter().collect(),
        Some(one @ serde_json::Value::Object(_)) => vec![one],
        _ => return Err("a policy document needs a Statement".to_owned()),
    };
    let mut level = None;
    for s in statements {
        if s.get("Effect").and_then(serde_json::Value::as_str) != Some("Allow") {
            continue;
        }
        if s.get("NotAction").is_some() {
            return Ok(Some(Level::Admin));
        }
        let actions: Vec<&str> = match s.get("Action") {
            Some(serde_json::Value::String(a)) => vec![a.as_str()],
            Some(serde_json::Value::Array(list)) => list.iter().filter_map(serde_json::Value::as_str).collect(),
            _ => Vec::new(),
        };
        for a in actions {
            level = level.max(Some(action_level(a)));
        }
    }
    Ok(level)
}

/// The level of one action: `*`, `iam:*` admin; reads (`Get`, `List`,
/// `Describe`, ... prefixes) read; everything else write.
fn action_level(action: &str) -> Level {
    let lower = action.to_ascii_lowercase();
    if lower == "*" || lower == "*:*" || lower == "iam:*" {
        return Level::Admin;
    }
    let name = lower.split_once(':').map_or(lower.as_str(), |(_, n)| n);
    const READS: &[&str] = &[
        "get", "list", "describe", "head", "view", "search", "lookup", "batchget", "query", "scan", "select",
    ];
    if READS.iter().any(|p| name.starts_with(p)) {
        Level::Read
    } else {
        Level::Write
    }
}

/// The level of an AWS managed policy, by name.
fn managed_level(name: &str) -> Option<Level> {
    match name {
        "AdministratorAccess" => Some(Level::Admin),
        "PowerUserAccess" => Some(Level::Write),
        n if n.ends_with("ReadOnlyAccess") => Some(Level::Read),
        _ => None,
    }
}

/// Principals by IAM name, of one kind.
type Principals<'a> = HashMap<&'a str, Principal>;

/// The principals an attachment names (table and name), and the policy's
/// name and level (`None` when it allows nothing), if it can be known.
type Attached<'t, 'a> = (Vec<(&'t Principals<'a>, &'a str)>, Option<(String, Option<Level>)>);

/// A principal of the states: its inventory id and account.
struct Principal {
    id: String,
    account: Option<String>,
}

/// Reads the IAM resources of the given states.
pub(super) fn access(e: &Estate<'_>, out: &mut Imported) {
    let resources = &e.resources;
    let account_of = |r: &Resource<'_>| {
        str_at(r.values, "arn")
            .and_then(Arn::parse)
            .and_then(|a| a.account.map(str::to_owned))
            .or_else(|| e.account.clone())
    };
    // Principals by their IAM name, per kind.
    let mut users: HashMap<&str, Principal> = HashMap::new();
    let mut groups: HashMap<&str, Principal> = HashMap::new();
    let mut roles: HashMap<&str, Principal> = HashMap::new();
    let mut ids_seen: HashMap<String, &str> = HashMap::new();
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut member_seen: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    let mut accounts: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for r in resources {
        let Some(name) = str_at(r.values, "name") else { continue };
        let (id, table) = match r.kind {
            "aws_iam_user" => (ids::clean(name), &mut users),
            "aws_iam_group" => (format!("group:{}", ids::clean(name)), &mut groups),
            "aws_iam_role" => (format!("role:{}", ids::clean(name)), &mut roles),
            _ => continue,
        };
        if let Err(reason) = crate::ids::check_id(&id) {
            out.problem(
                Place::from(r.at),
                format!(
                    "{}: IAM name '{name}' gives the id '{id}', which is not valid: {reason}",
                    r.address
                ),
            );
            continue;
        }
        if let Some(other) = ids_seen.insert(id.clone(), r.address) {
            out.problem(
                Place::from(r.at),
                format!(
                    "{}: IAM name '{name}' gives the id '{id}', as does {other}: ids replace + = , with -",
                    r.address
                ),
            );
            continue;
        }
        let account = account_of(r);
        if let Some(a) = &account {
            accounts.insert(a.clone());
        }
        let at = r.at.clone();
        match r.kind {
            "aws_iam_user" => out.push(Section::People, EntityBuilder::new(at).str("id", id.clone()).build()),
            "aws_iam_group" => {
                members.entry(id.clone()).or_default();
            }
            _ => {
                let trusted = trusted_by(r.values);
                let mut b = EntityBuilder::new(at)
                    .str("id", id.clone())
                    .str("name", format!("IAM role {name}"))
                    .str(
                        "description",
                        format!(
                            "assumed by {}",
                            if trusted.is_empty() {
                                "nobody the trust policy names".to_owned()
                            } else {
                                trusted.join(", ")
                            }
                        ),
                    );
                if let Some((owner, _)) = tag(r.values, "ops:owner") {
                    b = b.str("owner", owner);
                }
                out.push(Section::ServiceAccounts, b.build());
            }
        }
        table.insert(name, Principal { id, account });
    }
    // Memberships, from either side.
    for r in resources {
        let pairs: Vec<(&str, &str)> = match r.kind {
            "aws_iam_group_membership" => {
                let group = str_at(r.values, "group").unwrap_or("");
                strs_at(r.values, "users").into_iter().map(|u| (group, u)).collect()
            }
            "aws_iam_user_group_membership" => {
                let user = str_at(r.values, "user").unwrap_or("");
                strs_at(r.values, "groups").into_iter().map(|g| (g, user)).collect()
            }
            _ => continue,
        };
        for (group, user) in pairs {
            match (groups.get(group), users.get(user)) {
                (Some(g), Some(u)) => {
                    if member_seen.insert((g.id.clone(), u.id.clone())) {
                        members.entry(g.id.clone()).or_default().push(u.id.clone());
                    }
                }
                _ => out.note(
                    Place::from(r.at),
                    format!(
                        "{}: user '{user}' or group '{group}' is not in the given states; membership skipped",
                        r.address
                    ),
                ),
            }
        }
    }
    let group_at: HashMap<&str, &Location> = resources
        .iter()
        .filter(|r| r.kind == "aws_iam_group")
        .filter_map(|r| {
            str_at(r.values, "name")
                .and_then(|n| groups.get(n))
                .map(|g| (g.id.as_str(), r.at))
        })
        .collect();
    for (group, list) in &members {
        let Some(at) = group_at.get(group.as_str()) else {
            continue;
        };
        out.push(
            Section::Groups,
            EntityBuilder::new((*at).clone())
                .str("id", group.clone())
                .strs("members", list.iter().cloned())
                .build(),
        );
    }
    // Customer managed policies, by ARN.
    let mut policies: HashMap<&str, (&str, Result<Option<Level>, String>)> = HashMap::new();
    for r in resources.iter().filter(|r| r.kind == "aws_iam_policy") {
        if let (Some(arn), Some(doc)) = (str_at(r.values, "arn"), str_at(r.values, "policy")) {
            policies.insert(arn, (str_at(r.values, "name").unwrap_or(arn), document_level(doc)));
        }
    }
    let mut grant_ids: HashMap<String, ()> = HashMap::new();
    for r in resources {
        // (principals, policy name, level) of each attachment or inline policy.
        let (who, policy): Attached<'_, '_> = match r.kind {
            "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_role_policy_attachment"
            | "aws_iam_policy_attachment" => {
                let who = principals(r, &users, &groups, &roles);
                let arn = str_at(r.values, "policy_arn").unwrap_or("");
                let level = attached_level(arn, &policies, r, out);
                (who, level)
            }
            "aws_iam_user_policy" | "aws_iam_group_policy" | "aws_iam_role_policy" => {
                let who = principals(r, &users, &groups, &roles);
                let name = str_at(r.values, "name").unwrap_or("inline").to_owned();
                let level = match str_at(r.values, "policy").map(document_level) {
                    Some(Ok(level)) => Some((name, level)),
                    Some(Err(reason)) => {
                        out.problem(Place::from(r.at), format!("{}: policy: {reason}", r.address));
                        None
                    }
                    None => None,
                };
                (who, level)
            }
            _ => continue,
        };
        let Some((policy, level)) = policy else { continue };
        let Some(level) = level else {
            out.note(
                Place::from(r.at),
                format!("{}: policy {policy} allows nothing; no grant", r.address),
            );
            continue;
        };
        if who.is_empty() {
            out.note(
                Place::from(r.at),
                format!("{}: its principal is not in the given states; no grant", r.address),
            );
        }
        for (table, name) in who {
            let Some(p) = table.get(name) else {
                out.note(
                    Place::from(r.at),
                    format!("{}: '{name}' is not in the given states; no grant", r.address),
                );
                continue;
            };
            let Some(account) = p.account.clone() else { continue };
            let mut id = r.id.clone();
            if grant_ids.insert(id.clone(), ()).is_some() {
                // An exclusive attachment names several principals.
                id = format!("{}/{}", r.id, p.id);
                grant_ids.insert(id.clone(), ());
            }
            out.push(
                Section::Grants,
                EntityBuilder::new(r.at.clone())
                    .str("id", id)
                    .str("principal", p.id.clone())
                    .str("system", system_id(&account))
                    .str("role", policy.clone())
                    .str("level", level.as_str())
                    // Terraform records no use of a grant.
                    .str("usage", "unknown")
                    .build(),
            );
        }
    }
    // Access keys.
    for r in resources.iter().filter(|r| r.kind == "aws_iam_access_key") {
        let user = str_at(r.values, "user").unwrap_or("");
        let Some(u) = users.get(user) else {
            out.note(
                Place::from(r.at),
                format!("{}: user '{user}' is not in the given states; key skipped", r.address),
            );
            continue;
        };
        if str_at(r.values, "status") == Some("Inactive") {
            out.note(
                Place::from(r.at),
                format!("{}: the key is inactive; skipped", r.address),
            );
            continue;
        }
        let Some(account) = u.account.clone() else { continue };
        let key = str_at(r.values, "id").map_or_else(|| r.id.clone(), str::to_owned);
        let system = system_id(&account);
        let mut b = EntityBuilder::new(r.at.clone())
            .str("id", format!("{system}:{}:{}", u.id, ids::clean(&key)))
            .str("kind", "personal")
            .str("system", system)
            .strs("holders", [u.id.clone()])
            .bool("mfa", false);
        if let Some(created) = r.values.get("create_date")
            && let Value::Str(t) = &created.value
        {
            b = b.node("created_at", str_node(t.clone(), &created.at));
        }
        out.push(
            Section::Credentials,
            b.str("description", format!("access key {key} of IAM user {user}"))
                .build(),
        );
    }
    let at = resources
        .first()
        .map_or_else(|| Location::new("<terraform>", 1, 1), |r| r.at.clone());
    for account in accounts {
        out.push(
            Section::Systems,
            EntityBuilder::new(at.clone())
                .str("id", system_id(&account))
                .str("name", format!("AWS account {account}"))
                .str("kind", "cloud-account")
                .build(),
        );
    }
}

/// The principals an attachment or inline policy names.
fn principals<'a>(
    r: &'a Resource<'_>,
    users: &'a HashMap<&str, Principal>,
    groups: &'a HashMap<&str, Principal>,
    roles: &'a HashMap<&str, Principal>,
) -> Vec<(&'a HashMap<&'a str, Principal>, &'a str)> {
    let mut who = Vec::new();
    let v = r.values;
    for (key, table) in [("user", users), ("group", groups), ("role", roles)] {
        if let Some(name) = str_at(v, key) {
            who.push((table, name));
        }
    }
    for (key, table) in [("users", users), ("groups", groups), ("roles", roles)] {
        who.extend(strs_at(v, key).into_iter().map(|n| (table, n)));
    }
    who
}

/// The name and level of the policy at `arn`, or `None` with a note.
fn attached_level(
    arn: &str,
    policies: &HashMap<&str, (&str, Result<Option<Level>, String>)>,
    r: &Resource<'_>,
    out: &mut Imported,
) -> Option<(String, Option<Level>)> {
    if let Some((name, level)) = policies.get(arn) {
        return match level {
            Ok(level) => Some(((*name).to_owned(), *level)),
            Err(reason) => {
                out.problem(Place::from(r.at), format!("{}: policy {name}: {reason}", r.address));
                None
            }
        };
    }
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let managed = arn.starts_with("arn:aws:iam::aws:policy/");
    match managed.then(|| managed_level(name)).flatten() {
        Some(level) => Some((name.to_owned(), Some(level))),
        None => {
            out.note(
                Place::from(r.at),
                format!(
                    "{}: policy {arn} is not one whose actions ops knows or finds in the given states; no grant",
                    r.address
                ),
            );
            None
        }
    }
}

/// Who a role's trust policy lets assume it: services and AWS principals.
fn trusted_by(values: &Node) -> Vec<String> {
    let Some(doc) = str_at(values, "assume_role_policy") else {
        return Vec::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(doc) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(l)) => l.iter().collect(),
        Some(o) => vec![o],
        None => Vec::new(),
    };
    for s in statements {
        let Some(p) = s.get("Principal") else { continue };
        match p {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Object(m) => {
                for v in m.values() {
                    match v {
                        serde_json::Value::String(s) => out.push(s.clone()),
                        serde_json::Value::Array(l) => {
                            out.extend(l.iter().filter_map(|x| x.as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_give_levels_by_their_actions() {
        let doc = |actions: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
            )
        };
        assert_eq!(document_level(&doc(r#""*""#)), Ok(Some(Level::Admin)));
        assert_eq!(
            document_level(&doc(r#"["s3:GetObject","iam:*"]"#)),
            Ok(Some(Level::Admin))
        );
        assert_eq!(
            document_level(&doc(r#"["ecr:PutImage","s3:GetObject"]"#)),
            Ok(Some(Level::Write))
        );
        assert_eq!(
            document_level(&doc(r#"["s3:GetObject","s3:ListBucket","ec2:Describe*"]"#)),
            Ok(Some(Level::Read))
        );
        assert_eq!(
            document_level(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#),
            Ok(None)
        );
        assert!(
            document_level("{")
                .unwrap_err()
                .starts_with("not a JSON policy document")
        );
        assert_eq!(managed_level("ReadOnlyAccess"), Some(Level::Read));
        assert_eq!(managed_level("AmazonS3ReadOnlyAccess"), Some(Level::Read));
        assert_eq!(managed_level("AWSBackupServiceRolePolicyForBackup"), None);
    }
}
