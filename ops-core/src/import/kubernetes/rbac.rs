//! RBAC: RoleBindings and ClusterRoleBindings as grants.
//!
//! A ClusterRoleBinding grants on the system `CLUSTER`, a RoleBinding on the
//! system `CLUSTER/NAMESPACE`. Subjects become people (User), groups
//! (Group) and service accounts (ServiceAccount, `NAMESPACE/NAME`). Levels
//! come from the role: the built-in `cluster-admin` and `admin` are admin,
//! `edit` write, `view` read; other roles by their rules. Every grant says
//! `usage: unknown`: RBAC keeps no record of use, so no grant is called
//! unused.

use std::collections::{BTreeMap, HashMap};

use super::Cluster;
use super::objects::{Object, as_str, items};
use crate::Location;
use crate::access::Level;
use crate::import::{EntityBuilder, Section, check_id};

/// Namespaces whose service accounts are the cluster's own.
const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// Prefixes of users and groups that are the cluster's or the provider's own.
const SYSTEM_PREFIXES: &[&str] = &["system:", "eks:", "aks:", "gke:"];

/// The level of a built-in role, by name.
fn builtin_level(name: &str) -> Option<Level> {
    match name {
        "cluster-admin" | "admin" => Some(Level::Admin),
        "edit" => Some(Level::Write),
        "view" => Some(Level::Read),
        _ => None,
    }
}

/// The level of a role's `rules`: any `*` verb or resource, `escalate`,
/// `bind` or `impersonate` is admin; creating, changing or deleting is
/// write; reading is read. `None` when the rules allow nothing ops knows.
pub(super) fn rules_level(role: &Object<'_>) -> Option<Level> {
    let mut level = None;
    for rule in items(role.get(&["rules"])) {
        let verbs: Vec<&str> = items(rule.get("verbs")).iter().filter_map(as_str).collect();
        let resources: Vec<&str> = items(rule.get("resources")).iter().filter_map(as_str).collect();
        let this = if verbs.iter().chain(&resources).any(|v| *v == "*")
            || verbs.iter().any(|v| matches!(*v, "escalate" | "bind" | "impersonate"))
        {
            Some(Level::Admin)
        } else if verbs
            .iter()
            .any(|v| matches!(*v, "create" | "update" | "patch" | "delete" | "deletecollection"))
        {
            Some(Level::Write)
        } else if verbs.iter().any(|v| matches!(*v, "get" | "list" | "watch")) {
            Some(Level::Read)
        } else {
            None
        };
        level = level.max(this);
    }
    level
}

impl<'n> Cluster<'n> {
    /// Bindings as grants, their subjects as principals, and the systems.
    pub(super) fn rbac(&mut self) {
        let bindings: Vec<Object<'n>> = self
            .of("ClusterRoleBinding")
            .into_iter()
            .chain(self.of("RoleBinding"))
            .collect();
        if bindings.is_empty() {
            return;
        }
        let mut cluster_roles: HashMap<&str, Object<'n>> = HashMap::new();
        for r in self.of("ClusterRole") {
            cluster_roles.insert(r.name, r);
        }
        let mut roles: HashMap<(&str, &str), Object<'n>> = HashMap::new();
        for r in self.of("Role") {
            roles.insert((r.ns(), r.name), r);
        }
        let mut sa_objects: HashMap<(&str, &str), Object<'n>> = HashMap::new();
        for sa in self.of("ServiceAccount") {
            sa_objects.insert((sa.ns(), sa.name), sa);
        }
        // Principals by id: their section and entity, first binding first.
        let mut principals: BTreeMap<String, (Section, usize)> = BTreeMap::new();
        let mut people = Vec::new();
        let mut groups = Vec::new();
        let mut accounts = Vec::new();
        let mut systems: Vec<(String, Location, Option<&str>)> = Vec::new();
        let mut grants = Vec::new();
        for b in bindings {
            let role_kind = b.str(&["roleRef", "kind"]).unwrap_or("ClusterRole");
            let Some(role_name) = b.str(&["roleRef", "name"]) else {
                self.note(b.at(), format!("skipped {}: no roleRef.name", b.describe()));
                continue;
            };
            let role = match role_kind {
                "Role" => roles.get(&(b.ns(), role_name)),
                _ => cluster_roles.get(role_name),
            };
            let level = match (builtin_level(role_name).filter(|_| role_kind == "ClusterRole"), role) {
                (Some(l), _) => Some(l),
                (None, Some(r)) => rules_level(r),
                (None, None) => {
                    self.note(
                        b.at(),
                        format!(
                            "skipped {}: its {role_kind} {role_name} is not in the input, so what it grants is unknown",
                            b.describe()
                        ),
                    );
                    continue;
                }
            };
            let Some(level) = level else {
                self.note(
                    b.at(),
                    format!(
                        "skipped {}: its {role_kind} {role_name} allows nothing ops reads",
                        b.describe()
                    ),
                );
                continue;
            };
            let system = match b.kind {
                "ClusterRoleBinding" => self.name.to_owned(),
                _ => format!("{}/{}", self.name, b.ns()),
            };
            if check_id(&system).is_err() {
                self.note(
                    b.at(),
                    format!("skipped {}: '{system}' is not a valid system id", b.describe()),
                );
                continue;
            }
            let granted = b
                .str(&["metadata", "creationTimestamp"])
                .filter(|t| crate::time::parse_instant(t).is_ok());
            if !systems.iter().any(|(s, _, _)| *s == system) {
                let ns = (b.kind == "RoleBinding").then(|| b.ns());
                systems.push((system.clone(), b.at().clone(), ns));
            }
            for subject in items(b.get(&["subjects"])) {
                let kind = subject.get("kind").and_then(as_str).unwrap_or("?");
                let name = subject.get("name").and_then(as_str).unwrap_or("");
                let what = format!("{}: subject {kind} '{name}'", b.describe());
                let (section, id, owner) = match kind {
                    "User" | "Group" => {
                        if SYSTEM_PREFIXES.iter().any(|p| name.starts_with(p)) {
                            self.note(
                                &subject.at,
                                format!("{what} is the cluster's or the provider's own; skipped"),
                            );
                            continue;
                        }
                        let section = if kind == "User" {
                            Section::People
                        } else {
                            Section::Groups
                        };
                        (section, name.to_owned(), None)
                    }
                    "ServiceAccount" => {
                        let ns = subject.get("namespace").and_then(as_str).unwrap_or(b.ns());
                        if SYSTEM_NAMESPACES.contains(&ns) {
                            self.note(&subject.at, format!("{what} in {ns} is built in; skipped"));
                            continue;
                        }
                        let own = sa_objects.get(&(ns, name)).and_then(|o| o.annotation("ops.dev/owner"));
                        let owner = own.or_else(|| self.namespace_owner.get(ns).copied());
                        (Section::ServiceAccounts, format!("{ns}/{name}"), owner)
                    }
                    _ => {
                        self.note(
                            &subject.at,
                            format!("{what}: not a User, Group or ServiceAccount; skipped"),
                        );
                        continue;
                    }
                };
                if let Err(why) = check_id(&id) {
                    self.note(
                        &subject.at,
                        format!("{what}: '{id}' is not a valid inventory id ({why}); skipped"),
                    );
                    continue;
                }
                match principals.get(&id) {
                    Some((s, _)) if *s != section => {
                        self.note(
                            &subject.at,
                            format!("{what}: id '{id}' is already a {}; skipped", s.count(1)),
                        );
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        let list = match section {
                            Section::People => &mut people,
                            Section::Groups => &mut groups,
                            _ => &mut accounts,
                        };
                        let mut e = EntityBuilder::new(subject.at.clone()).str("id", &id);
                        if let Some((o, at)) = owner {
                            e = e.node(
                                "owner",
                                crate::source::node::Node::new(
                                    crate::source::node::Value::Str(o.to_owned()),
                                    at.clone(),
                                ),
                            );
                        }
                        principals.insert(id.clone(), (section, list.len()));
                        list.push(e.build());
                    }
                }
                grants.push(
                    EntityBuilder::new(subject.at.clone())
                        .str("principal", id)
                        .str("system", &system)
                        .str("role", format!("{role_kind}/{role_name}"))
                        .str("level", level.as_str())
                        .opt_str("granted_at", granted)
                        .str("usage", "unknown")
                        .build(),
                );
            }
        }
        for (id, at, ns) in systems {
            let name = match ns {
                Some(ns) => format!("namespace {ns} of Kubernetes cluster {}", self.name),
                None => format!("Kubernetes cluster {}", self.name),
            };
            let kind = if ns.is_some() {
                "kubernetes-namespace"
            } else {
                "kubernetes-cluster"
            };
            self.push(
                Section::Systems,
                EntityBuilder::new(at)
                    .str("id", id)
                    .str("name", name)
                    .str("kind", kind)
                    .build(),
            );
        }
        for (section, list) in [
            (Section::People, people),
            (Section::Groups, groups),
            (Section::ServiceAccounts, accounts),
            (Section::Grants, grants),
        ] {
            for e in list {
                self.push(section, e);
            }
        }
    }
}
