//! Splitting documents into sections and deserializing each entity on its own,
//! so one bad entity does not hide problems in the others.

use std::collections::HashSet;

use crate::Location;
use crate::diagnostic::Diagnostic;
use crate::source::Item;
use crate::source::de::{Sink, entity};
use crate::source::node::{Node, Value};
use crate::suggest::did_you_mean;

use super::raw::*;

/// Every entity read from all files, each with the location of its mapping.
#[derive(Debug, Default)]
pub(crate) struct RawInventory<'t> {
    pub(crate) components: Vec<(Location, RawComponent<'t>)>,
    pub(crate) domains: Vec<(Location, RawDomain)>,
    pub(crate) people: Vec<(Location, RawPerson)>,
    pub(crate) service_accounts: Vec<(Location, RawServiceAccount)>,
    pub(crate) groups: Vec<(Location, RawGroup)>,
    pub(crate) systems: Vec<(Location, RawSystem)>,
    pub(crate) grants: Vec<(Location, RawGrant)>,
    pub(crate) credentials: Vec<(Location, RawCredential)>,
    pub(crate) access_events: Vec<(Location, RawAccessEvent)>,
    pub(crate) backup_policies: Vec<(Location, RawBackupPolicy)>,
    pub(crate) backup_runs: Vec<(Location, RawBackupRun)>,
    pub(crate) restore_drills: Vec<(Location, RawRestoreDrill)>,
    pub(crate) jobs: Vec<(Location, RawJob)>,
    pub(crate) job_runs: Vec<(Location, RawJobRun)>,
    pub(crate) experiments: Vec<(Location, RawExperiment)>,
    pub(crate) incidents: Vec<(Location, RawIncident)>,
    pub(crate) problems: Vec<(Location, RawProblem)>,
    pub(crate) changes: Vec<(Location, RawChange)>,
    pub(crate) waivers: Vec<(Location, RawWaiver)>,
    /// Ids of entities that could not be read, so references to them are not
    /// reported as dangling on top of the real problem.
    pub(crate) broken: HashSet<String>,
    /// Set when a whole section or document could not be read: its ids are
    /// unknown, so no reference can be called dangling.
    pub(crate) incomplete: bool,
}

impl<'t> RawInventory<'t> {
    /// Adds one element of a list section, as streamed by the parser. Elements
    /// of unknown sections are dropped: the section itself is reported when
    /// its document is added.
    pub(crate) fn add_item(&mut self, section: &str, item: Item<'_, 't>, sink: &Sink) {
        let broken = &mut self.broken;
        match section {
            "components" => streamed(item, sink, broken, &mut self.components),
            "domains" => streamed(item, sink, broken, &mut self.domains),
            "people" => streamed(item, sink, broken, &mut self.people),
            "service_accounts" => streamed(item, sink, broken, &mut self.service_accounts),
            "groups" => streamed(item, sink, broken, &mut self.groups),
            "systems" => streamed(item, sink, broken, &mut self.systems),
            "grants" => streamed(item, sink, broken, &mut self.grants),
            "credentials" => streamed(item, sink, broken, &mut self.credentials),
            "access_events" => streamed(item, sink, broken, &mut self.access_events),
            "backup_policies" => streamed(item, sink, broken, &mut self.backup_policies),
            "backup_runs" => streamed(item, sink, broken, &mut self.backup_runs),
            "restore_drills" => streamed(item, sink, broken, &mut self.restore_drills),
            "jobs" => streamed(item, sink, broken, &mut self.jobs),
            "job_runs" => streamed(item, sink, broken, &mut self.job_runs),
            "experiments" => streamed(item, sink, broken, &mut self.experiments),
            "incidents" => streamed(item, sink, broken, &mut self.incidents),
            "problems" => streamed(item, sink, broken, &mut self.problems),
            "changes" => streamed(item, sink, broken, &mut self.changes),
            "waivers" => streamed(item, sink, broken, &mut self.waivers),
            _ => {}
        }
    }

    /// Adds one document's sections (list sections may already have been
    /// streamed through [`Self::add_item`], leaving them empty here).
    pub(crate) fn add_document(&mut self, doc: &Node, sink: &Sink) {
        let entries = match &doc.value {
            Value::Map(entries) => entries,
            // An empty document (a file with only comments) is fine.
            Value::Null => return,
            other => {
                sink.push(Diagnostic::at(
                    &doc.at,
                    format!(
                        "expected a mapping of sections (components, domains, ...), found {}",
                        other.kind_name()
                    ),
                ));
                self.incomplete = true;
                return;
            }
        };
        for (key, value) in entries {
            let Value::Str(name) = &key.value else { continue };
            let read = match name.as_str() {
                "components" => list(value, sink, &mut self.broken, &mut self.components),
                "domains" => list(value, sink, &mut self.broken, &mut self.domains),
                "people" => list(value, sink, &mut self.broken, &mut self.people),
                "service_accounts" => list(value, sink, &mut self.broken, &mut self.service_accounts),
                "groups" => list(value, sink, &mut self.broken, &mut self.groups),
                "systems" => list(value, sink, &mut self.broken, &mut self.systems),
                "grants" => list(value, sink, &mut self.broken, &mut self.grants),
                "credentials" => list(value, sink, &mut self.broken, &mut self.credentials),
                "access_events" => list(value, sink, &mut self.broken, &mut self.access_events),
                "backup_policies" => list(value, sink, &mut self.broken, &mut self.backup_policies),
                "backup_runs" => list(value, sink, &mut self.broken, &mut self.backup_runs),
                "restore_drills" => list(value, sink, &mut self.broken, &mut self.restore_drills),
                "jobs" => list(value, sink, &mut self.broken, &mut self.jobs),
                "job_runs" => list(value, sink, &mut self.broken, &mut self.job_runs),
                "experiments" => list(value, sink, &mut self.broken, &mut self.experiments),
                "incidents" => list(value, sink, &mut self.broken, &mut self.incidents),
                "incident" => {
                    if value.value != Value::Null {
                        one(value, sink, &mut self.broken, &mut self.incidents);
                    }
                    true
                }
                "problems" => list(value, sink, &mut self.broken, &mut self.problems),
                "changes" => list(value, sink, &mut self.broken, &mut self.changes),
                "waivers" => list(value, sink, &mut self.broken, &mut self.waivers),
                // Scratch space, e.g. for YAML anchors that sections then alias.
                other if other.starts_with(SCRATCH_PREFIX) => true,
                other => {
                    let message = match did_you_mean(other, SECTIONS.iter().copied()) {
                        Some(s) => format!("unknown section '{other}' (did you mean '{s}'?)"),
                        None => format!("unknown section '{other}'; expected one of: {}", SECTIONS.join(", ")),
                    };
                    sink.push(Diagnostic::at(&key.at, message));
                    true
                }
            };
            self.incomplete |= !read;
        }
    }
}

/// Reads a section's entities; `false` if the section is not a list at all.
fn list<'t, T: serde::Deserialize<'t>>(
    node: &Node,
    sink: &Sink,
    broken: &mut HashSet<String>,
    out: &mut Vec<(Location, T)>,
) -> bool {
    match &node.value {
        Value::Seq(items) => {
            out.reserve(items.len());
            for item in items {
                one(item, sink, broken, out);
            }
            true
        }
        Value::Null => true,
        other => {
            sink.push(Diagnostic::at(
                &node.at,
                format!("expected a list, found {}", other.kind_name()),
            ));
            false
        }
    }
}

/// A streamed element: JSON straight to its type when it is clean, otherwise
/// (and for YAML) through nodes, which explain every problem.
/// How many elements of a streamed list are read before reserving room for
/// the rest (see [`streamed`]): enough for a fair average element size.
const SAMPLE_BEFORE_RESERVING: usize = 1024;

fn streamed<'t, T: serde::Deserialize<'t>>(
    item: Item<'_, 't>,
    sink: &Sink,
    broken: &mut HashSet<String>,
    out: &mut Vec<(Location, T)>,
) {
    match item {
        Item::Node(node) => one(&node, sink, broken, out),
        Item::Json(json) => {
            if out.len() == SAMPLE_BEFORE_RESERVING {
                // Growing a list of a million large entries by doubling would
                // copy it and have the kernel zero its pages about twice over;
                // reserve once for what the rest of the file looks like it
                // holds, plus an eighth. Pages reserved but never written cost
                // address space, not memory; a refused reservation is no error.
                let hint = json.remaining_hint();
                let _ = out.try_reserve(hint.saturating_add(hint / 8));
            }
            if let Some(v) = json.fast() {
                out.push((json.at(), v));
                return;
            }
            match json.node() {
                Ok(node) => one(&node, sink, broken, out),
                Err(d) => sink.push(d),
            }
        }
    }
}

fn one<'t, T: serde::Deserialize<'t>>(
    node: &Node,
    sink: &Sink,
    broken: &mut HashSet<String>,
    out: &mut Vec<(Location, T)>,
) {
    match entity(node, sink) {
        Some(v) => out.push((node.at.clone(), v)),
        None => {
            if let Some(Node {
                value: Value::Str(id), ..
            }) = node.get("id")
            {
                broken.insert(id.clone());
            }
        }
    }
}

/// How many of each kind of entity a Backstage catalog contributed: they
/// come first in their lists, and entities of the same id that native files
/// define after them are overlays, merged into them.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Imported {
    pub(crate) components: usize,
    pub(crate) people: usize,
    pub(crate) groups: usize,
}

impl RawInventory<'_> {
    /// Counts the entities read so far, as imported ones.
    pub(crate) fn imported(&self) -> Imported {
        Imported {
            components: self.components.len(),
            people: self.people.len(),
            groups: self.groups.len(),
        }
    }

    /// Merges each entity defined after the first `imported` of its kind into
    /// the imported entity of the same id, if there is one: a value the
    /// overlay sets replaces the imported one, lists are extended (without
    /// repeats). Overlay entities with new ids stay as they are.
    pub(crate) fn apply_overlay(&mut self, imported: Imported) {
        overlay(
            &mut self.components,
            imported.components,
            |c| &c.id.value,
            |base, over| {
                set(&mut base.name, over.name);
                set(&mut base.kind, over.kind);
                set(&mut base.description, over.description);
                set(&mut base.entry, over.entry);
                set(&mut base.requires, over.requires);
                set(&mut base.tier, over.tier);
                set(&mut base.stateful, over.stateful);
                set(&mut base.availability, over.availability);
                set(&mut base.slo, over.slo);
                extend(&mut base.depends_on, over.depends_on, |d| d.value.to_string());
                extend(&mut base.owners, over.owners, |d| d.value.to_string());
                extend(&mut base.domains, over.domains, |d| d.value.to_string());
                extend(&mut base.tags, over.tags, Clone::clone);
            },
        );
        overlay(
            &mut self.people,
            imported.people,
            |p| &p.id.value,
            |base, over| {
                set(&mut base.name, over.name);
                set(&mut base.email, over.email);
                set(&mut base.status, over.status);
                set(&mut base.departed_at, over.departed_at);
                set(&mut base.mfa, over.mfa);
                base.leave.extend(over.leave);
            },
        );
        overlay(
            &mut self.groups,
            imported.groups,
            |g| &g.id.value,
            |base, over| {
                set(&mut base.name, over.name);
                extend(&mut base.members, over.members, |m| m.value.clone());
            },
        );
    }
}

fn overlay<T>(list: &mut Vec<(Location, T)>, imported: usize, id: fn(&T) -> &str, merge: fn(&mut T, T)) {
    if imported == 0 || list.len() <= imported {
        return;
    }
    let index: std::collections::HashMap<String, usize> = list[..imported]
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (id(t).to_owned(), i))
        .collect();
    let rest = list.split_off(imported);
    for (at, item) in rest {
        match index.get(id(&item)) {
            Some(&i) => merge(&mut list[i].1, item),
            None => list.push((at, item)),
        }
    }
}

fn set<T>(base: &mut Option<T>, over: Option<T>) {
    if over.is_some() {
        *base = over;
    }
}

fn extend<T>(base: &mut Vec<T>, over: Vec<T>, key: fn(&T) -> String) {
    for item in over {
        let k = key(&item);
        if !base.iter().any(|b| key(b) == k) {
            base.push(item);
        }
    }
}
