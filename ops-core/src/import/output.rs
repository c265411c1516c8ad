//! What every importer produces: [`Imported`], inventory entities by
//! [`Section`], each value located where the input wrote what it came from,
//! with notes on what was skipped and the problems found.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};

use super::problem::{ImportNote, ImportProblem, Place};
use crate::source::node::{Node, Value};
use crate::{Error, Location, Timestamp};

/// A list section of an inventory document: where an imported entity goes.
///
/// Sections are ordered as inventory files list them, and an import's output
/// writes them in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Section {
    /// `components`
    Components,
    /// `domains` (failure domains)
    Domains,
    /// `people`
    People,
    /// `service_accounts`
    ServiceAccounts,
    /// `groups`
    Groups,
    /// `systems`
    Systems,
    /// `grants`
    Grants,
    /// `credentials`
    Credentials,
    /// `access_events`
    AccessEvents,
    /// `backup_policies`
    BackupPolicies,
    /// `backup_runs`
    BackupRuns,
    /// `restore_drills`
    RestoreDrills,
    /// `jobs`
    Jobs,
    /// `job_runs`
    JobRuns,
    /// `experiments` (failover drills and chaos experiments)
    Experiments,
    /// `incidents`
    Incidents,
    /// `problems`
    Problems,
    /// `changes`
    Changes,
    /// `waivers` (no importer writes them; listed for completeness)
    Waivers,
}

impl Section {
    /// Every section, in order.
    pub const ALL: [Section; 19] = [
        Section::Components,
        Section::Domains,
        Section::People,
        Section::ServiceAccounts,
        Section::Groups,
        Section::Systems,
        Section::Grants,
        Section::Credentials,
        Section::AccessEvents,
        Section::BackupPolicies,
        Section::BackupRuns,
        Section::RestoreDrills,
        Section::Jobs,
        Section::JobRuns,
        Section::Experiments,
        Section::Incidents,
        Section::Problems,
        Section::Changes,
        Section::Waivers,
    ];

    /// The section's key in an inventory file, such as `backup_runs`.
    pub fn key(self) -> &'static str {
        match self {
            Section::Components => "components",
            Section::Domains => "domains",
            Section::People => "people",
            Section::ServiceAccounts => "service_accounts",
            Section::Groups => "groups",
            Section::Systems => "systems",
            Section::Grants => "grants",
            Section::Credentials => "credentials",
            Section::AccessEvents => "access_events",
            Section::BackupPolicies => "backup_policies",
            Section::BackupRuns => "backup_runs",
            Section::RestoreDrills => "restore_drills",
            Section::Jobs => "jobs",
            Section::JobRuns => "job_runs",
            Section::Experiments => "experiments",
            Section::Incidents => "incidents",
            Section::Problems => "problems",
            Section::Changes => "changes",
            Section::Waivers => "waivers",
        }
    }

    /// What `n` entities of the section are called: `1 person`, `2 backup runs`.
    ///
    /// ```
    /// use ops_core::import::Section;
    /// assert_eq!(Section::People.count(1), "1 person");
    /// assert_eq!(Section::BackupRuns.count(36), "36 backup runs");
    /// ```
    pub fn count(self, n: usize) -> String {
        let (one, many) = match self {
            Section::Components => ("component", "components"),
            Section::Domains => ("domain", "domains"),
            Section::People => ("person", "people"),
            Section::ServiceAccounts => ("service account", "service accounts"),
            Section::Groups => ("group", "groups"),
            Section::Systems => ("system", "systems"),
            Section::Grants => ("grant", "grants"),
            Section::Credentials => ("credential", "credentials"),
            Section::AccessEvents => ("access event", "access events"),
            Section::BackupPolicies => ("backup policy", "backup policies"),
            Section::BackupRuns => ("backup run", "backup runs"),
            Section::RestoreDrills => ("restore drill", "restore drills"),
            Section::Jobs => ("job", "jobs"),
            Section::JobRuns => ("job run", "job runs"),
            Section::Experiments => ("experiment", "experiments"),
            Section::Incidents => ("incident", "incidents"),
            Section::Problems => ("problem", "problems"),
            Section::Changes => ("change", "changes"),
            Section::Waivers => ("waiver", "waivers"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What an importer read: inventory entities by section, notes on what it
/// skipped on purpose, and the problems that stop the import.
///
/// Every importer produces this one type ([`Importer::read`](super::Importer::read)).
/// Its entities are an inventory document: [`Imported::to_inventory_json`]
/// writes it as an inventory file (it also serializes with serde), and
/// loading that file, with the rest of the inventory, is how the entities are
/// validated and read as typed values. Each value keeps where the input wrote
/// what it came from, so an importer that the loader runs itself (a
/// Backstage catalog with [`LoadOptions::backstage`](crate::LoadOptions::backstage))
/// has inventory problems reported at the input's lines.
///
/// ```
/// use ops_core::import::{GrantsCsv, Importer, Input, Section};
///
/// let csv = "principal,system,level\nmaya,aws-prod,admin\n";
/// let imported = GrantsCsv.import(&[Input::new("grants.csv", csv)], &Default::default())?;
/// assert_eq!(imported.count(Section::Grants), 1);
/// assert_eq!(imported.to_inventory_json(), r#"{
///   "grants": [
///     {
///       "principal": "maya",
///       "system": "aws-prod",
///       "level": "admin"
///     }
///   ]
/// }
/// "#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct Imported {
    sections: BTreeMap<Section, Vec<Node>>,
    notes: Vec<ImportNote>,
    problems: Vec<ImportProblem>,
    /// Ids of entities the input defines but that could not be read:
    /// references to them are not reported as dangling on top of the problem.
    pub(crate) unreadable: Vec<String>,
    /// Set when an input could not be read at all (a syntax error): its ids
    /// are unknown, so no reference into it can be called dangling.
    pub(crate) incomplete: bool,
}

impl Imported {
    /// Nothing yet.
    pub(crate) fn new() -> Self {
        Imported::default()
    }

    /// Adds an entity, built with [`EntityBuilder`] or located by the input.
    pub(crate) fn push(&mut self, section: Section, entity: Node) {
        self.sections.entry(section).or_default().push(entity);
    }

    /// Records a problem: the import will fail, and say where and why.
    pub(crate) fn problem(&mut self, place: Place, message: impl Into<String>) {
        self.problems.push(ImportProblem::new(place, message));
    }

    /// Records a note: something skipped on purpose.
    pub(crate) fn note(&mut self, place: Place, message: impl Into<String>) {
        self.notes.push(ImportNote::new(place, message));
    }

    /// Records problems found before the importer ran (reading its files),
    /// ahead of its own.
    pub(crate) fn prepend_problems(&mut self, mut first: Vec<ImportProblem>) {
        first.append(&mut self.problems);
        self.problems = first;
    }

    /// Orders the problems and notes by place: input (in the order of
    /// `inputs`), line, column; for importers that find problems in
    /// several passes. Stable, so problems at one place keep their order.
    pub(crate) fn sort_by_place(&mut self, inputs: &[&str]) {
        let key = |place: &Place| {
            let file = place.file.as_deref().and_then(|f| inputs.iter().position(|i| *i == f));
            let column = match place.column {
                Some(super::problem::Column::Char(c)) => c,
                _ => 0,
            };
            (file, place.line, column)
        };
        self.problems.sort_by_key(|p| key(&p.place));
        self.notes.sort_by_key(|n| key(&n.place));
    }

    /// How many entities of `section` were imported.
    pub fn count(&self, section: Section) -> usize {
        self.sections.get(&section).map_or(0, Vec::len)
    }

    /// The sections that hold entities, in order, with how many each holds.
    pub fn sections(&self) -> impl Iterator<Item = (Section, usize)> + '_ {
        self.sections.iter().map(|(s, list)| (*s, list.len()))
    }

    /// `true` when no entity was imported.
    pub fn is_empty(&self) -> bool {
        self.sections.values().all(Vec::is_empty)
    }

    /// What was skipped on purpose, with where, in the order of the input.
    pub fn notes(&self) -> &[ImportNote] {
        &self.notes
    }

    /// Every problem found, in the order of the input (by file, then line).
    /// Empty after a successful [`Importer::import`](super::Importer::import).
    pub fn problems(&self) -> &[ImportProblem] {
        &self.problems
    }

    /// `Ok` with the import when it found no problem, else
    /// [`Error::Import`] with every problem.
    ///
    /// # Errors
    /// [`Error::Import`] when [`Self::problems`] is not empty.
    pub fn into_result(self) -> Result<Imported, Error> {
        if self.problems.is_empty() {
            Ok(self)
        } else {
            Err(Error::Import(self.problems))
        }
    }

    /// The text of an inventory JSON file holding the imported entities,
    /// pretty-printed, ending with a newline; sections without entities are
    /// left out (nothing imported is `{}`). Instants are written in UTC
    /// (`2026-03-01T09:30:00Z`).
    pub fn to_inventory_json(&self) -> String {
        // Strings, numbers and booleans under string keys: cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The entities as one inventory document, and the rest, for the loader.
    pub(crate) fn into_parts(self) -> (Node, Vec<ImportNote>, Vec<ImportProblem>, Vec<String>, bool) {
        let at = Location::new(Arc::from("<import>"), 1, 1);
        let entries = self
            .sections
            .into_iter()
            .map(|(section, list)| {
                let key = Node::new(Value::Str(section.key().to_owned()), at.clone());
                (key, Node::new(Value::Seq(list), at.clone()))
            })
            .collect();
        let document = Node::new(Value::Map(entries), at);
        (document, self.notes, self.problems, self.unreadable, self.incomplete)
    }
}

/// The inventory document: `{"credentials": [...], ...}`.
impl Serialize for Imported {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.sections.len()))?;
        for (section, list) in &self.sections {
            map.serialize_entry(section.key(), &AsJson::List(list))?;
        }
        map.end()
    }
}

/// Serializes document trees as JSON, keeping the order of mapping keys.
pub(crate) enum AsJson<'a> {
    /// One value.
    Node(&'a Node),
    /// A list of values.
    List(&'a [Node]),
}

impl Serialize for AsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = match self {
            AsJson::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in *items {
                    seq.serialize_element(&AsJson::Node(item))?;
                }
                return seq.end();
            }
            AsJson::Node(node) => &node.value,
        };
        match value {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(t) => s.serialize_str(t),
            Value::Seq(items) => AsJson::List(items).serialize(s),
            Value::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(&AsJson::Node(k), &AsJson::Node(v))?;
                }
                map.end()
            }
        }
    }
}

/// Builds one imported entity: its fields in the order they are added (the
/// order they are written in), every value located at `at`.
#[derive(Debug)]
pub(crate) struct EntityBuilder {
    entries: Vec<(Node, Node)>,
    at: Location,
}

impl EntityBuilder {
    /// An entity whose values come from `at` in the input.
    pub(crate) fn new(at: Location) -> Self {
        EntityBuilder {
            entries: Vec::new(),
            at,
        }
    }

    /// Sets `key` to a value located elsewhere (where the input wrote it).
    pub(crate) fn node(mut self, key: &str, value: Node) -> Self {
        let key = Node::new(Value::Str(key.to_owned()), value.at.clone());
        self.entries.push((key, value));
        self
    }

    fn value(self, key: &str, value: Value) -> Self {
        let at = self.at.clone();
        self.node(key, Node::new(value, at))
    }

    /// Sets `key` to a string.
    pub(crate) fn str(self, key: &str, value: impl Into<String>) -> Self {
        self.value(key, Value::Str(value.into()))
    }

    /// Sets `key` to a string if there is one.
    pub(crate) fn opt_str(self, key: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    /// Sets `key` to a boolean.
    pub(crate) fn bool(self, key: &str, value: bool) -> Self {
        self.value(key, Value::Bool(value))
    }

    /// Sets `key` to a whole number if there is one.
    pub(crate) fn opt_u64(self, key: &str, value: Option<u64>) -> Self {
        match value {
            // Inventory numbers are i64; a larger count is no count ops can use.
            Some(n) => match i64::try_from(n) {
                Ok(i) => self.value(key, Value::Int(i)),
                #[allow(clippy::cast_precision_loss)] // beyond i64: approximate, never wrong in sign
                Err(_) => self.value(key, Value::Float(n as f64)),
            },
            None => self,
        }
    }

    /// Sets `key` to an instant, written in UTC (`2026-03-01T09:30:00Z`), if there is one.
    pub(crate) fn instant(self, key: &str, value: Option<Timestamp>) -> Self {
        match value {
            Some(t) => self.str(key, t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            None => self,
        }
    }

    /// Sets `key` to a list of strings (written even when empty).
    pub(crate) fn strs(self, key: &str, values: impl IntoIterator<Item = String>) -> Self {
        let at = self.at.clone();
        let list = values
            .into_iter()
            .map(|v| Node::new(Value::Str(v), at.clone()))
            .collect();
        self.value(key, Value::Seq(list))
    }

    /// The entity.
    pub(crate) fn build(self) -> Node {
        Node::new(Value::Map(self.entries), self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::raw;

    #[test]
    fn sections_are_the_inventory_list_sections_in_order() {
        let keys: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
        assert_eq!(keys, raw::LIST_SECTIONS);
        let mut sorted = Section::ALL;
        sorted.sort();
        assert_eq!(sorted, Section::ALL);
    }

    #[test]
    fn entities_keep_field_order_and_sections_their_order() {
        let at = || Location::new("t.csv", 2, 1);
        let mut out = Imported::new();
        let t: Timestamp = "2026-03-01T09:30:00.250+01:00".parse().unwrap();
        out.push(
            Section::Grants,
            EntityBuilder::new(at())
                .str("principal", "maya")
                .opt_str("role", None::<String>)
                .instant("granted_at", Some(t))
                .build(),
        );
        out.push(
            Section::Components,
            EntityBuilder::new(at())
                .str("id", "db")
                .bool("stateful", true)
                .opt_u64("size", Some(u64::MAX))
                .strs("tags", Vec::new())
                .build(),
        );
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"components":[{"id":"db","stateful":true,"size":1.8446744073709552e+19,"tags":[]}],"grants":[{"principal":"maya","granted_at":"2026-03-01T08:30:00.250Z"}]}"#
        );
        assert_eq!(
            out.sections().collect::<Vec<_>>(),
            [(Section::Components, 1), (Section::Grants, 1)]
        );
        assert!(!out.is_empty() && Imported::new().is_empty());
        assert_eq!(Imported::new().to_inventory_json(), "{}\n");
    }
}
