//! `ownership-naming`: a configurable ownership and naming policy for
//! components.
//!
//! Four rules:
//!
//! - `id-charset` (low): a component id uses characters outside the allowed
//!   set (`id_charset`, default `a-z0-9-`), or starts or ends with a dash;
//! - `id-pattern` (low): a component of a kind with naming rules
//!   (`kind.<kind> = glob, glob`) matches none of them;
//! - `no-owner` (medium): a component has no owner (`require_owner`, on by
//!   default);
//! - `inactive-owner` (high): an owner does not lead to an active person: a
//!   person who has left (or is on leave, unless `on_leave_is_active`), a
//!   group with no active person in it (nested groups included), or a service
//!   account whose owner is not active.
//!
//! Configuration (optional), one `key = value` per line, `#` starts a comment:
//!
//! ```text
//! id_charset = a-z0-9-            # ranges and single characters
//! kind.load_balancer = *-lb       # globs: `*` any run of characters, `?` one
//! kind.database = postgres-*, mysql-*
//! require_owner = true
//! on_leave_is_active = true
//! ```
//!
//! Globs instead of regular expressions: they cover prefix and suffix rules,
//! and a regex engine would triple the plugin's size.

use std::collections::BTreeMap;

use ops_plugin_sdk::{EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity, access, inventory};

struct OwnershipNaming;

/// The parsed configuration.
struct Config {
    /// Inclusive character ranges an id may use.
    charset: Vec<(char, char)>,
    /// Kind -> globs, one of which its components' ids must match.
    patterns: BTreeMap<String, Vec<String>>,
    require_owner: bool,
    on_leave_is_active: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            charset: vec![('a', 'z'), ('0', '9'), ('-', '-')],
            patterns: BTreeMap::new(),
            require_owner: true,
            on_leave_is_active: true,
        }
    }
}

impl Plugin for OwnershipNaming {
    fn metadata() -> Metadata {
        Metadata::new("ownership-naming", env!("CARGO_PKG_VERSION"))
            .rule(Rule::new(
                "id-charset",
                Severity::Low,
                "A component id uses characters the naming policy does not allow",
            ))
            .rule(Rule::new(
                "id-pattern",
                Severity::Low,
                "A component id does not follow its kind's naming pattern",
            ))
            .rule(Rule::new("no-owner", Severity::Medium, "A component has no owner"))
            .rule(
                Rule::new(
                    "inactive-owner",
                    Severity::High,
                    "A component's owner does not lead to an active person",
                )
                .explanation(
                    "## What it checks\nEvery owner of a component must lead to an active person: a person \
                     who has not left (nor is on leave, unless `on_leave_is_active`), a group with an active \
                     person in it, or a service account whose owner is active.\n\n## Why it matters\nAn \
                     owner nobody can reach is no owner: pages, reviews and fixes go nowhere.\n\n## How to \
                     fix\nHand the component over to an active person or team.",
                ),
            )
            .config_schema(
                "optional lines `key = value`; keys: id_charset (ranges such as a-z0-9-), \
                 kind.<kind> (comma-separated globs with * and ?), require_owner (true|false), \
                 on_leave_is_active (true|false)",
            )
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let config = parse_config(config)?;
        let owners = Owners::fetch(config.on_leave_is_active);
        let mut found = Vec::new();
        for i in 0..inventory::component_count() {
            let Some(c) = inventory::component_at(i) else { continue };
            if let Some(bad) = c.id.chars().find(|&ch| !config.allows(ch)) {
                found.push(
                    Finding::new(
                        "id-charset",
                        EntityKind::Component,
                        &c.id,
                        format!("{} uses '{}', which component ids may not", c.id, bad),
                    )
                    .remediation("rename it with lowercase letters, digits and dashes"),
                );
            } else if c.id.starts_with('-') || c.id.ends_with('-') {
                found.push(Finding::new(
                    "id-charset",
                    EntityKind::Component,
                    &c.id,
                    format!("{} starts or ends with a dash", c.id),
                ));
            }
            if let Some(globs) = config.patterns.get(&c.kind)
                && !globs.iter().any(|g| glob_match(g, &c.id))
            {
                found.push(
                    Finding::new(
                        "id-pattern",
                        EntityKind::Component,
                        &c.id,
                        format!("{} ({}) matches none of {}", c.id, c.kind, globs.join(", ")),
                    )
                    .evidence(Evidence::new().string("kind", &c.kind).strings("patterns", globs)),
                );
            }
            if c.owners.is_empty() {
                if config.require_owner {
                    found.push(
                        Finding::new(
                            "no-owner",
                            EntityKind::Component,
                            &c.id,
                            format!("{} ({}) has no owner", c.id, c.kind),
                        )
                        .remediation("add an owners: list naming an active person or team"),
                    );
                }
                continue;
            }
            for owner in &c.owners {
                if let Some(why) = owners.inactive(owner) {
                    found.push(
                        Finding::new(
                            "inactive-owner",
                            EntityKind::Component,
                            &c.id,
                            format!("{} is owned by {owner}, {why}", c.id),
                        )
                        .evidence(Evidence::new().string("owner", owner))
                        .remediation(format!("hand {} over to an active person or team", c.id)),
                    );
                }
            }
        }
        Ok(found)
    }
}

/// The people, groups and service accounts owners may name, fetched once.
struct Owners {
    /// Person id -> whether they count as active.
    people: BTreeMap<String, bool>,
    groups: BTreeMap<String, Vec<String>>,
    /// Service account id -> its owner.
    accounts: BTreeMap<String, Option<String>>,
}

impl Owners {
    fn fetch(on_leave_is_active: bool) -> Owners {
        let people = (0..access::person_count())
            .filter_map(access::person_at)
            .map(|p| {
                let active = !p.departed && (on_leave_is_active || !p.on_leave);
                (p.id, active)
            })
            .collect();
        let groups = (0..access::group_count())
            .filter_map(access::group_at)
            .map(|g| (g.id, g.members))
            .collect();
        let accounts = (0..access::service_account_count())
            .filter_map(access::service_account_at)
            .map(|a| (a.id, a.owner))
            .collect();
        Owners {
            people,
            groups,
            accounts,
        }
    }

    /// Why `owner` does not lead to an active person, or none if it does.
    fn inactive(&self, owner: &str) -> Option<String> {
        if let Some(&active) = self.people.get(owner) {
            return (!active).then(|| "who is not active".to_string());
        }
        if self.groups.contains_key(owner) {
            return (!self.group_has_active(owner)).then(|| "a group with no active person in it".to_string());
        }
        if let Some(account) = self.accounts.get(owner) {
            return match account {
                Some(person) if self.people.get(person).copied().unwrap_or(false) => None,
                Some(person) => Some(format!("a service account whose owner {person} is not active")),
                None => Some("a service account nobody owns".to_string()),
            };
        }
        Some("who is not in the inventory".to_string())
    }

    /// Whether group `id`, or a group nested in it, has an active person.
    fn group_has_active(&self, id: &str) -> bool {
        let mut stack = vec![id];
        let mut seen = Vec::new();
        while let Some(g) = stack.pop() {
            if seen.contains(&g) {
                continue; // the host refuses membership cycles; this is a second line
            }
            seen.push(g);
            for m in self.groups.get(g).into_iter().flatten() {
                if self.people.get(m).copied().unwrap_or(false) {
                    return true;
                }
                if self.groups.contains_key(m.as_str()) {
                    stack.push(m);
                }
            }
        }
        false
    }
}

impl Config {
    fn allows(&self, c: char) -> bool {
        self.charset.iter().any(|&(lo, hi)| lo <= c && c <= hi)
    }
}

/// Whether `text` matches `glob`: `*` is any run of characters (possibly
/// empty), `?` exactly one, anything else itself.
fn glob_match(glob: &str, text: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Greedy with backtracking to the last `*`: linear for one star,
    // O(len(g) * len(t)) at worst.
    let (mut gi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == t[ti]) {
            gi += 1;
            ti += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some((gi, ti));
            gi += 1;
        } else if let Some((sg, st)) = star {
            gi = sg + 1;
            ti = st + 1;
            star = Some((sg, st + 1));
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

/// `a-z0-9-`: ranges `x-y` and single characters; a `-` first or last is itself.
fn parse_charset(spec: &str) -> Result<Vec<(char, char)>, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            let (lo, hi) = (chars[i], chars[i + 2]);
            if lo > hi {
                return Err(format!("id_charset: range {lo}-{hi} is backwards"));
            }
            ranges.push((lo, hi));
            i += 3;
        } else {
            ranges.push((chars[i], chars[i]));
            i += 1;
        }
    }
    if ranges.is_empty() {
        return Err("id_charset is empty".to_string());
    }
    Ok(ranges)
}

fn parse_bool(key: &str, value: &str, line: usize) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("config line {line}: {key} must be true or false")),
    }
}

fn parse_config(config: &str) -> Result<Config, String> {
    let mut parsed = Config::default();
    for (n, line) in config.lines().enumerate() {
        let n = n + 1;
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("config line {n}: expected `key = value`"));
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "id_charset" => parsed.charset = parse_charset(value).map_err(|e| format!("config line {n}: {e}"))?,
            "require_owner" => parsed.require_owner = parse_bool(key, value, n)?,
            "on_leave_is_active" => parsed.on_leave_is_active = parse_bool(key, value, n)?,
            _ => {
                let Some(kind) = key.strip_prefix("kind.").filter(|k| !k.is_empty()) else {
                    return Err(format!(
                        "config line {n}: unknown key '{key}' (known: id_charset, kind.<kind>, require_owner, \
                         on_leave_is_active)"
                    ));
                };
                let globs: Vec<String> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                if globs.is_empty() {
                    return Err(format!("config line {n}: kind.{kind} needs at least one pattern"));
                }
                parsed.patterns.entry(kind.to_string()).or_default().extend(globs);
            }
        }
    }
    Ok(parsed)
}

ops_plugin_sdk::export_plugin!(OwnershipNaming);
