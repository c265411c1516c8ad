//! AWS Backup plans, selections and vaults, and RDS automated backups, as
//! backup policies: one per (plan rule, protected component), with id
//! `PLAN.RULE/COMPONENT` (`aws_backup_plan.daily.nightly/module.data.aws_db_instance.orders`);
//! RDS automated backups as `COMPONENT/automated-backups`.

use std::collections::{HashMap, HashSet};

use super::cron;
use super::estate::Estate;
use super::ids;
use super::values::{Arn, block_at, int_at, list_at, str_at, strs_at, tag, tags};
use crate::Location;
use crate::import::{EntityBuilder, Imported, Place, Section};
use crate::source::node::{Node, Value};

/// A backup vault: where it is and whether it is locked.
#[derive(Debug)]
struct Vault<'n> {
    name: &'n str,
    arn: &'n str,
    region: Option<&'n str>,
    account: Option<&'n str>,
    /// A vault lock in compliance mode (with `changeable_for_days`): nobody,
    /// not even the account's root user, can delete recovery points early.
    /// Governance mode can be removed by users with the permission to.
    compliance_lock: bool,
}

/// Every backup policy of the given states.
pub(super) fn policies(e: &Estate<'_>, out: &mut Imported) {
    let mut vaults: Vec<Vault<'_>> = Vec::new();
    for r in &e.resources {
        if r.kind == "aws_backup_vault" {
            let arn = str_at(r.values, "arn").unwrap_or("");
            let parsed = Arn::parse(arn);
            vaults.push(Vault {
                name: str_at(r.values, "name").unwrap_or(""),
                arn,
                region: parsed.and_then(|a| a.region),
                account: parsed.and_then(|a| a.account),
                compliance_lock: false,
            });
        }
    }
    for r in &e.resources {
        if r.kind == "aws_backup_vault_lock_configuration" && int_at(r.values, "changeable_for_days").is_some() {
            let name = str_at(r.values, "backup_vault_name");
            for v in vaults.iter_mut().filter(|v| Some(v.name) == name) {
                v.compliance_lock = true;
            }
        }
    }
    let by_name: HashMap<&str, &Vault<'_>> = vaults.iter().map(|v| (v.name, v)).collect();
    let by_arn: HashMap<&str, &Vault<'_>> = vaults.iter().map(|v| (v.arn, v)).collect();
    let plans: HashMap<&str, usize> = (e.resources.iter().enumerate())
        .filter(|(_, r)| r.kind == "aws_backup_plan")
        .filter_map(|(i, r)| str_at(r.values, "id").map(|id| (id, i)))
        .collect();
    // Resources by tag, for selections by tag: built once.
    let mut by_tag: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in e.resources.iter().enumerate() {
        if e.top.contains_key(&i) {
            for (k, v) in tags(r.values) {
                if let Value::Str(v) = &v.value {
                    by_tag.entry((k, v.as_str())).or_default().push(i);
                }
            }
        }
    }
    // Protected resources by plan, in the order of the state.
    let mut protected: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut protected_seen: HashSet<(usize, usize)> = HashSet::new();
    for r in &e.resources {
        if r.kind != "aws_backup_selection" {
            continue;
        }
        let Some(&plan) = str_at(r.values, "plan_id").and_then(|p| plans.get(p)) else {
            out.note(
                Place::from(r.at),
                format!("{}: its backup plan is not in the given states; skipped", r.address),
            );
            continue;
        };
        let chosen = select(e, r, &by_tag, out);
        let list = protected.entry(plan).or_default();
        for c in chosen {
            if protected_seen.insert((plan, c)) {
                list.push(c);
            }
        }
    }
    let mut seen_ids = HashSet::new();
    for (p, plan) in e.resources.iter().enumerate() {
        if plan.kind != "aws_backup_plan" {
            continue;
        }
        let Some(targets) = protected.get(&p) else {
            out.note(
                Place::from(plan.at),
                format!(
                    "{}: no backup selection of the given states uses this plan; it protects nothing",
                    plan.address
                ),
            );
            continue;
        };
        let owner = tag(plan.values, "ops:owner").map(|(o, _)| o.to_owned());
        for rule in list_at(plan.values, "rule") {
            let rule_name = str_at(rule, "rule_name").unwrap_or("rule");
            let schedule = match schedule(rule) {
                Ok(s) => s,
                Err(message) => {
                    let at = rule.get("schedule").map_or(&rule.at, |n| &n.at);
                    out.problem(
                        Place::from(at),
                        format!("{}: rule '{rule_name}': {message}", plan.address),
                    );
                    continue;
                }
            };
            for &r in targets {
                let comp = &e.comps[e.top[&r]];
                let id = format!("{}.{}/{}", plan.id, ids::clean(rule_name), comp.id);
                if let Err(reason) = crate::ids::check_id(&id) {
                    out.problem(
                        Place::from(&rule.at),
                        format!(
                            "{}: rule '{rule_name}' protecting '{}': the policy id '{id}' is not valid: {reason}",
                            plan.address, comp.id
                        ),
                    );
                    continue;
                }
                if !seen_ids.insert(id.clone()) {
                    continue;
                }
                let mut copies = Vec::new();
                let target_name = str_at(rule, "target_vault_name").unwrap_or("unknown");
                let target = by_name.get(target_name).copied();
                copies.push(copy(e, r, &rule.at, target, vault_location(target_name, target), None));
                for action in list_at(rule, "copy_action") {
                    let dest = str_at(action, "destination_vault_arn").unwrap_or("unknown");
                    let vault = by_arn.get(dest).copied();
                    let name = vault.map_or(dest, |v| v.name);
                    copies.push(copy(
                        e,
                        r,
                        &action.at,
                        vault,
                        vault_location(name, vault),
                        Arn::parse(dest),
                    ));
                }
                let mut b = EntityBuilder::new(rule.at.clone())
                    .str("id", id)
                    .str("protects", comp.id.clone())
                    .opt_str("owner", owner.clone())
                    .node("schedule", schedule.clone());
                if let Some(days) = block_at(rule, "lifecycle").and_then(|l| int_at(l, "delete_after")) {
                    b = b.node(
                        "retention",
                        map(vec![("keep_within", str_node(format!("{days}d"), &rule.at))], &rule.at),
                    );
                }
                b = b.node("copies", Node::new(Value::Seq(copies), rule.at.clone()));
                out.push(Section::BackupPolicies, b.build());
            }
        }
    }
    automated(e, out);
}

/// The resources a selection chooses: by ARN (`*` matching any characters)
/// and by tag (`selection_tag` of type `STRINGEQUALS`, matched against the
/// tags the states record), less its `not_resources`.
fn select(
    e: &Estate<'_>,
    sel: &super::state::Resource<'_>,
    by_tag: &HashMap<(&str, &str), Vec<usize>>,
    out: &mut Imported,
) -> Vec<usize> {
    let mut chosen = Vec::new();
    for arn in strs_at(sel.values, "resources") {
        if arn.contains('*') {
            // One pass over the state's ARNs per pattern.
            let mut matched: Vec<usize> = e.by_arn.iter().filter(|(a, _)| glob(arn, a)).map(|(_, &i)| i).collect();
            matched.sort_unstable();
            chosen.extend(matched);
        } else {
            match e.by_arn.get(arn) {
                Some(&i) => chosen.push(i),
                None => out.note(
                    Place::from(sel.at),
                    format!(
                        "{}: resource {arn} is not in the given states; not checked",
                        sel.address
                    ),
                ),
            }
        }
    }
    for t in list_at(sel.values, "selection_tag") {
        let (kind, key, value) = (str_at(t, "type"), str_at(t, "key"), str_at(t, "value"));
        match (kind, key, value) {
            (Some("STRINGEQUALS"), Some(k), Some(v)) => {
                chosen.extend(by_tag.get(&(k, v)).into_iter().flatten().copied())
            }
            _ => out.note(
                Place::from(&t.at),
                format!(
                    "{}: a selection_tag that is not STRINGEQUALS with a key and value; not evaluated",
                    sel.address
                ),
            ),
        }
    }
    if let Some(c) = block_at(sel.values, "condition")
        && let Value::Map(entries) = &c.value
        && entries
            .iter()
            .any(|(_, v)| matches!(&v.value, Value::Seq(l) if !l.is_empty()))
    {
        out.note(
            Place::from(&c.at),
            format!("{}: its conditions are not evaluated; the resources it names and tags it matches are taken as protected", sel.address),
        );
    }
    let excluded: HashSet<&str> = strs_at(sel.values, "not_resources").into_iter().collect();
    let mut seen = HashSet::new();
    chosen.retain(|&i| {
        let arn = str_at(e.resources[i].values, "arn").unwrap_or("");
        !excluded.contains(arn) && seen.insert(i)
    });
    chosen.retain(|&i| {
        let keep = e.top.contains_key(&i);
        if !keep {
            let r = &e.resources[i];
            out.note(
                Place::from(sel.at),
                format!(
                    "{}: {} is a {}, which ops does not make a component; its backups are not checked",
                    sel.address, r.address, r.kind
                ),
            );
        }
        keep
    });
    chosen
}

/// `pattern` with `*` matching any run of characters, against `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match parts.split_first() {
        Some(p) => p,
        None => return pattern == text,
    };
    let Some(mut tail) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for part in middle {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.ends_with(last)
}

/// Where a copy is: `backup vault NAME (ARN)`, or the name or ARN alone
/// when the vault is not in the given states.
fn vault_location(name: &str, vault: Option<&Vault<'_>>) -> String {
    match vault {
        Some(v) if !v.arn.is_empty() => format!("backup vault {name} ({})", v.arn),
        _ => format!("backup vault {name}"),
    }
}

/// The schedule of a rule: its cron, read as cronie's, in its time zone.
fn schedule(rule: &Node) -> Result<Node, String> {
    // AWS Backup's default when a rule has no expression.
    let expr = str_at(rule, "schedule").unwrap_or("cron(0 5 ? * * *)");
    let cron = cron::to_cronie(expr)?;
    let at = &rule.at;
    let mut entries = vec![("cron", str_node(cron, at))];
    if let Some(tz) = str_at(rule, "schedule_expression_timezone") {
        entries.push(("timezone", str_node(tz, at)));
    }
    Ok(map(entries, at))
}

/// A copy in `vault` (known from the states, else only its ARN), offsite
/// when in another region or account than the protected resource.
fn copy(
    e: &Estate<'_>,
    r: usize,
    at: &Location,
    vault: Option<&Vault<'_>>,
    location: String,
    arn: Option<Arn<'_>>,
) -> Node {
    let (region, account) = match (vault, arn) {
        (Some(v), _) => (v.region.map(str::to_owned), v.account.map(str::to_owned)),
        (None, Some(a)) => (a.region.map(str::to_owned), a.account.map(str::to_owned)),
        (None, None) => (None, None),
    };
    let offsite = (region.is_some() && region != e.region_of(r)) || (account.is_some() && account != e.account_of(r));
    let immutable = vault.is_some_and(|v| v.compliance_lock);
    map(
        vec![
            ("location", str_node(location, at)),
            ("offsite", bool_node(offsite, at)),
            ("immutable", bool_node(immutable, at)),
            // AWS Backup encrypts every recovery point with the vault's KMS key.
            ("encrypted", bool_node(true, at)),
        ],
        at,
    )
}

/// RDS automated backups (`backup_retention_period` above 0) as a policy
/// protecting the database: daily in `preferred_backup_window`, kept that
/// many days, in the database's own region.
fn automated(e: &Estate<'_>, out: &mut Imported) {
    for (r, res) in e.resources.iter().enumerate() {
        let own = match res.kind {
            "aws_db_instance" => str_at(res.values, "replicate_source_db").is_none(),
            "aws_rds_cluster" => true,
            _ => false,
        };
        let Some(&c) = e.top.get(&r) else { continue };
        let Some(days) = int_at(res.values, "backup_retention_period").filter(|&d| d > 0 && own) else {
            continue;
        };
        let comp = &e.comps[c];
        let at = res.at;
        let mut b = EntityBuilder::new(at.clone())
            .str("id", format!("{}/automated-backups", comp.id))
            .str("protects", comp.id.clone());
        if let Some((h, m)) = str_at(res.values, "preferred_backup_window").and_then(window_start) {
            b = b.node(
                "schedule",
                map(vec![("cron", str_node(format!("{m} {h} * * *"), at))], at),
            );
        }
        let region = e.region_of(r).unwrap_or_else(|| "its region".to_owned());
        b = b
            .node(
                "retention",
                map(vec![("keep_within", str_node(format!("{days}d"), at))], at),
            )
            .node(
                "copies",
                Node::new(
                    Value::Seq(vec![map(
                        vec![
                            ("location", str_node(format!("RDS automated backups in {region}"), at)),
                            (
                                "encrypted",
                                bool_node(
                                    super::values::bool_at(res.values, "storage_encrypted") == Some(true),
                                    at,
                                ),
                            ),
                        ],
                        at,
                    )]),
                    at.clone(),
                ),
            );
        out.push(Section::BackupPolicies, b.build());
    }
}

/// The start of a backup window `hh:mm-hh:mm`, as (hour, minute).
fn window_start(w: &str) -> Option<(u32, u32)> {
    let (start, _) = w.split_once('-')?;
    let (h, m) = start.split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

pub(super) fn str_node(s: impl Into<String>, at: &Location) -> Node {
    Node::new(Value::Str(s.into()), at.clone())
}

fn bool_node(b: bool, at: &Location) -> Node {
    Node::new(Value::Bool(b), at.clone())
}

pub(super) fn map(entries: Vec<(&str, Node)>, at: &Location) -> Node {
    let entries = entries
        .into_iter()
        .map(|(k, v)| (Node::new(Value::Str(k.to_owned()), at.clone()), v))
        .collect();
    Node::new(Value::Map(entries), at.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_arns() {
        assert!(glob(
            "arn:aws:rds:*:*:db:*",
            "arn:aws:rds:eu-west-1:123456789012:db:orders"
        ));
        assert!(!glob(
            "arn:aws:rds:*:*:db:*",
            "arn:aws:rds:eu-west-1:123456789012:cluster:ledger"
        ));
        assert!(glob("*", "x"));
        assert!(glob("a*b*c", "aXbYc") && !glob("a*b*c", "aXbY"));
    }

    #[test]
    fn backup_windows_start_at_their_first_time() {
        assert_eq!(window_start("03:00-04:00"), Some((3, 0)));
        assert_eq!(window_start("23:45-00:15"), Some((23, 45)));
        assert_eq!(window_start("25:00-01:00"), None);
    }
}
