//! The registry of built-in rules: every rule ops-core ships, each defined
//! once as a [`BuiltinRule`](crate::BuiltinRule) `static` in the domain module
//! that owns it and listed in that module's `RULES`.
//!
//! [`Runner::with_builtin_checks`](crate::Runner::with_builtin_checks),
//! `opsctl explain`, the README's rule table and the rules meta-test
//! (`ops-core/tests/core/rules.rs`) all read this list, so a new rule is one
//! definition, one line in its module's `RULES`, and its two fixtures.
//!
//! ```
//! use ops_core::builtin;
//! let spof = builtin::find("graph/spof").ok_or("no such rule")?;
//! assert_eq!(spof.rules()[0].default_severity(), ops_core::Severity::Critical);
//! assert!(builtin::rules().all(|(owner, check)| check.name().starts_with(&format!("{owner}/"))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::check::{Check, Runner};
use crate::{access, backup, crosscheck, graph, incident, inventory, job};

/// Each owning module's name and its rules, in the order the README's table
/// lists them. A rule's id starts with its owner's name and a `/`.
static OWNERS: [(&str, &[&dyn Check]); 7] = [
    ("graph", graph::RULES),
    ("access", access::RULES),
    ("backup", backup::RULES),
    ("job", job::RULES),
    ("incident", incident::RULES),
    ("inventory", inventory::RULES),
    ("crosscheck", crosscheck::RULES),
];

/// Every built-in rule (each a check of one rule, named after it) with the
/// name of the module that owns it, in the registry's order.
pub fn rules() -> impl Iterator<Item = (&'static str, &'static dyn Check)> {
    OWNERS
        .iter()
        .flat_map(|&(owner, rules)| rules.iter().map(move |&check| (owner, check)))
}

/// The built-in rule with id `id`.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    rules().map(|(_, check)| check).find(|check| check.name() == id)
}

/// Every built-in rule as a check, ready to add to a [`Runner`].
pub fn checks() -> Vec<Box<dyn Check>> {
    rules().map(|(_, check)| Box::new(check) as Box<dyn Check>).collect()
}

/// Rule ids that changed, old id first, so that tools can say where a rule
/// went (`opsctl explain OLD` names the new id).
pub const RENAMED: &[(&str, &str)] = &[
    ("availability/below-slo", "graph/below-slo"),
    ("access/delete-data-and-backups", "crosscheck/delete-data-and-backups"),
    ("inventory/dependency-cycle", "graph/dependency-cycle"),
];

impl Runner {
    /// A runner with every built-in check.
    pub fn with_builtin_checks() -> Self {
        let mut r = Runner::new();
        for c in checks() {
            r.add(c);
        }
        r
    }
}
