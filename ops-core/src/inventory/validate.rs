//! From what was written to what is meant: ids checked, references resolved to
//! indices, instants and durations parsed, rules checked against the graph.
//! Every problem is reported; nothing stops at the first.

mod experiments;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::TimeDelta;

use super::Inventory;
use super::id_table::{BATCH, IdTable};
use super::raw::*;
use super::sections::RawInventory;
use crate::access::*;
use crate::backup::*;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::graph::*;
use crate::ids::check_id;
use crate::incident::*;
use crate::listing;
use crate::source::de::{Placed, Pos, Spanned};
use crate::suggest::did_you_mean;
use crate::time::{parse_duration, parse_instant};
use crate::{Idx, Location, Timestamp};

/// Ids of one kind (or of several kinds that share a namespace), borrowed
/// from the raw inventory for as long as validation runs.
#[derive(Debug)]
pub(crate) struct Namespace<'r, T: Copy> {
    /// What a reference to it is called in messages ("component").
    what: &'static str,
    /// The entity and where its id is written.
    map: IdTable<'r, T>,
    /// Ids in definition order, so suggestions are deterministic (left empty
    /// for a namespace nothing is resolved against as a whole).
    order: Vec<&'r str>,
    keep_order: bool,
    /// For namespaces several kinds share: who shares it, for messages.
    members: &'static str,
    /// For namespaces several kinds share: the kind of an entity, for messages.
    kind_of: fn(T) -> &'static str,
}

impl<'r, T: Copy> Namespace<'r, T> {
    fn new(what: &'static str, capacity: usize) -> Self {
        Namespace {
            what,
            map: IdTable::with_capacity(capacity),
            order: Vec::with_capacity(capacity),
            keep_order: true,
            members: "",
            kind_of: |_| "",
        }
    }

    fn shared(
        what: &'static str,
        members: &'static str,
        kind_of: fn(T) -> &'static str,
        keep_order: bool,
        capacity: usize,
    ) -> Self {
        Namespace {
            what,
            map: IdTable::with_capacity(capacity),
            order: Vec::with_capacity(if keep_order { capacity } else { 0 }),
            keep_order,
            members,
            kind_of,
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<T> {
        self.map.get(id)
    }
}

/// What references resolve against: a namespace, or the ids of one kind
/// within a namespace several kinds share.
pub(crate) trait Ids<'r, U> {
    /// What a reference to it is called in messages ("component").
    fn what(&self) -> &'static str;
    /// The entity with this id, if it is of this kind.
    fn lookup(&self, id: &str) -> Option<U>;
    /// Ids in definition order, for suggestions.
    fn order(&self) -> &[&'r str];
}

impl<'r, T: Copy> Ids<'r, T> for Namespace<'r, T> {
    fn what(&self) -> &'static str {
        self.what
    }
    fn lookup(&self, id: &str) -> Option<T> {
        self.get(id)
    }
    fn order(&self) -> &[&'r str] {
        &self.order
    }
}

/// Pass 2 collects each read component into its model in the same
/// allocation (the standard library's in-place `collect`) only if a
/// [`Component`] is no larger, and no more aligned, than what was read for
/// it. Otherwise it allocates the model beside what was read: at a million
/// components, about 300 MB more at the peak of loading, all of it fresh
/// memory for the kernel to zero. A field that makes `Component` larger
/// belongs in a box (as `replicas` is).
const MODEL_FITS_IN_WHAT_WAS_READ: () = {
    use std::mem::{align_of, size_of};
    assert!(size_of::<Component>() <= size_of::<(Location, RawComponent<'static>)>());
    assert!(align_of::<Component>() <= align_of::<(Location, RawComponent<'static>)>());
};

/// The ids of one kind in a shared namespace (the components among the
/// components and domains), looked up in the shared table: one hash table per
/// namespace, not one more per kind.
pub(crate) struct Subset<'n, 'r, T: Copy, U> {
    all: &'n Namespace<'r, T>,
    pick: fn(T) -> Option<U>,
    what: &'static str,
    order: Vec<&'r str>,
}

impl<'r, T: Copy, U> Ids<'r, U> for Subset<'_, 'r, T, U> {
    fn what(&self) -> &'static str {
        self.what
    }
    fn lookup(&self, id: &str) -> Option<U> {
        self.all.get(id).and_then(self.pick)
    }
    fn order(&self) -> &[&'r str] {
        &self.order
    }
}

/// How many dangling references get a "did you mean" hint; past this the
/// search over a large inventory would cost more than it helps.
const MAX_SUGGESTIONS: usize = 200;

struct Validator {
    diags: Diagnostics,
    suggestions_left: usize,
    /// Ids of entities that failed to parse: references to them are not
    /// reported again as unknown.
    broken: HashSet<String>,
    /// A whole section failed to parse: no reference is reported as unknown.
    incomplete: bool,
}

impl Validator {
    fn error(&mut self, at: &Location, message: impl Into<String>) {
        self.diags.push(Diagnostic::at(at, message));
    }

    /// Checks an id's syntax and registers it; reports duplicates naming both
    /// places. `locate` tells where the id of the entity a value names is
    /// written; it is asked only to report a problem.
    fn define<'r, T: Copy>(
        &mut self,
        ns: &mut Namespace<'r, T>,
        kind: &'static str,
        id: &'r str,
        value: T,
        locate: impl Fn(T) -> Location,
    ) -> bool {
        if let Err(why) = check_id(id) {
            self.error(&locate(value), format!("invalid {kind} id '{id}': {why}"));
            return false;
        }
        if let Err(first_value) = ns.map.insert(id, value) {
            let first = locate(first_value);
            let first_kind = if ns.members.is_empty() {
                kind
            } else {
                (ns.kind_of)(first_value)
            };
            let message = if first_kind == kind {
                format!("duplicate {kind} id '{id}' (first defined at {first})")
            } else {
                format!(
                    "{kind} id '{id}' is also used by the {first_kind} at {first} ({} share one set of ids)",
                    ns.members
                )
            };
            self.error(&locate(value), message);
            return false;
        }
        if ns.keep_order {
            ns.order.push(id);
        }
        true
    }

    fn resolve<'r, T, S: AsRef<str>>(&mut self, ns: &impl Ids<'r, T>, r: &Spanned<S>) -> Option<T> {
        let id = r.value.as_ref();
        self.resolved(ns, id, || r.at.clone(), ns.lookup(id))
    }

    /// Like [`Self::resolve`], for the reference `id` written at `at` (asked
    /// for only if the reference dangles), with the lookup already done:
    /// `found` is what `ns` has for `id`.
    fn resolved<'r, T>(
        &mut self,
        ns: &impl Ids<'r, T>,
        id: &str,
        at: impl FnOnce() -> Location,
        found: Option<T>,
    ) -> Option<T> {
        if found.is_some() {
            return found;
        }
        if self.incomplete || self.broken.contains(id) {
            return None;
        }
        let hint = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            did_you_mean(id, ns.order().iter().copied())
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        self.error(&at(), format!("unknown {} '{id}'{hint}", ns.what()));
        None
    }

    fn resolve_all<'r, T, S: AsRef<str>>(&mut self, ns: &impl Ids<'r, T>, refs: &[Spanned<S>]) -> Vec<T> {
        refs.iter().filter_map(|r| self.resolve(ns, r)).collect()
    }

    fn instant(&mut self, s: &Spanned<String>) -> Option<Timestamp> {
        parse_instant(&s.value).map_err(|e| self.error(&s.at, e)).ok()
    }

    fn opt_instant(&mut self, s: &Option<Spanned<String>>) -> Option<Timestamp> {
        s.as_ref().and_then(|s| self.instant(s))
    }

    fn duration(&mut self, s: &Option<Spanned<String>>) -> Option<TimeDelta> {
        let s = s.as_ref()?;
        match parse_duration(&s.value) {
            Ok(d) if d > TimeDelta::zero() => Some(d),
            Ok(_) => {
                self.error(&s.at, format!("duration '{}' must be longer than zero", s.value));
                None
            }
            Err(e) => {
                self.error(&s.at, e);
                None
            }
        }
    }

    /// A probability in (0, 1]; `file` is the file `p` is written in.
    fn probability(&mut self, field: &str, p: Option<&Placed<f64>>, file: &Arc<str>) -> Option<f64> {
        let p = p?;
        if p.value > 0.0 && p.value <= 1.0 {
            Some(p.value)
        } else {
            self.error(
                &p.at.in_file(file),
                format!(
                    "{field} must be a probability in (0, 1], such as 0.999; found {}",
                    p.value
                ),
            );
            None
        }
    }

    /// A retention count: `0` is off (as in restic), `unlimited` keeps every bucket.
    fn count(&mut self, field: &str, n: &Option<Spanned<RawKeepCount>>) -> Option<KeepCount> {
        let n = n.as_ref()?;
        match &n.value {
            RawKeepCount::Count(0) => Some(KeepCount::Off),
            RawKeepCount::Count(c) => match u32::try_from(*c) {
                Ok(c) => Some(KeepCount::Count(c)),
                Err(_) => {
                    self.error(
                        &n.at,
                        format!(
                            "{field} must be a count from 0 to {} or 'unlimited'; found {c}",
                            u32::MAX
                        ),
                    );
                    None
                }
            },
            RawKeepCount::Word(w) if w == "unlimited" => Some(KeepCount::Unlimited),
            RawKeepCount::Word(w) => {
                self.error(&n.at, format!("{field} must be a count or 'unlimited'; found '{w}'"));
                None
            }
        }
    }

    /// A duration in restic's `--keep-within` syntax: `<n>y`, `<n>m` (months),
    /// `<n>d`, `<n>h`, combined, such as `1y6m` or `2d12h`.
    fn restic_duration(&mut self, field: &str, s: &Option<Spanned<String>>) -> Option<String> {
        let s = s.as_ref()?;
        let mut rest = s.value.as_str();
        let mut ok = !rest.is_empty();
        while ok && !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            ok = digits > 0 && rest[digits..].starts_with(['y', 'm', 'd', 'h']);
            rest = rest.get(digits + 1..).unwrap_or("");
        }
        if ok {
            Some(s.value.clone())
        } else {
            self.error(
                &s.at,
                format!(
                    "invalid {field} '{}': expected restic's duration syntax, numbers with y, m (months), d or h, such as 1y6m or 2d12h",
                    s.value
                ),
            );
            None
        }
    }

    /// `later` must not be before `earlier`.
    fn ordered(&mut self, at: &Location, earlier: (&str, Option<Timestamp>), later: (&str, Option<Timestamp>)) {
        if let ((a_name, Some(a)), (b_name, Some(b))) = (earlier, later)
            && b < a
        {
            self.error(
                at,
                format!("{b_name} ({}) is before {a_name} ({})", b.to_rfc3339(), a.to_rfc3339()),
            );
        }
    }
}

/// Which failure-analysis entity an id names.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    Component(Idx<Component>),
    Domain(Idx<Domain>),
}

pub(crate) struct Namespaces<'n, 'r> {
    pub(crate) components: Subset<'n, 'r, Target, Idx<Component>>,
    pub(crate) domains: Subset<'n, 'r, Target, Idx<Domain>>,
    pub(crate) principals: &'n Namespace<'r, Principal>,
    pub(crate) people: Subset<'n, 'r, Principal, Idx<Person>>,
    pub(crate) systems: Namespace<'r, Idx<System>>,
    pub(crate) credentials: Namespace<'r, Idx<Credential>>,
    pub(crate) policies: Namespace<'r, Idx<BackupPolicy>>,
    pub(crate) incidents: Namespace<'r, Idx<Incident>>,
    pub(crate) problems: Namespace<'r, Idx<Problem>>,
}

pub(crate) fn validate(mut raw: RawInventory) -> Result<Inventory, Diagnostics> {
    let mut v = Validator {
        diags: Diagnostics::default(),
        suggestions_left: MAX_SUGGESTIONS,
        broken: std::mem::take(&mut raw.broken),
        incomplete: raw.incomplete,
    };
    // Components (there may be millions) are split: their ids stay for the
    // namespaces to borrow, the rest is consumed by pass 2, which turns each
    // into its model in place, in the same allocation (see
    // `MODEL_FITS_IN_WHAT_WAS_READ`), and frees its lists as it goes.
    // Validation never holds two copies of the estate.
    let mut component_bodies = std::mem::take(&mut raw.components);
    let component_ids: Vec<RawIdRef<'_>> = (component_bodies.iter_mut())
        .map(|(_, c)| std::mem::take(&mut c.id))
        .collect();
    let raw = &raw;
    // Where the id of the entity a namespace's value names is written, for
    // messages about ids defined twice.
    let locate_target = |t: Target| match t {
        Target::Component(i) => component_ids[i.index()].at.in_file(&component_bodies[i.index()].0.file),
        Target::Domain(i) => raw.domains[i.index()].1.id.at.clone(),
    };
    let locate_principal = |p: Principal| match p {
        Principal::Person(i) => raw.people[i.index()].1.id.at.clone(),
        Principal::ServiceAccount(i) => raw.service_accounts[i.index()].1.id.at.clone(),
        Principal::Group(i) => raw.groups[i.index()].1.id.at.clone(),
    };
    let n_targets = component_ids.len() + raw.domains.len();
    let n_principals = raw.people.len() + raw.service_accounts.len() + raw.groups.len();
    // Nothing resolves against components and domains together: the kinds
    // keep their own orders for suggestions.
    let mut targets = Namespace::shared(
        "component or domain",
        "components and domains",
        |t| match t {
            Target::Component(_) => "component",
            Target::Domain(_) => "domain",
        },
        false,
        n_targets,
    );
    let mut principals = Namespace::shared(
        "person, service account or group",
        "people, service accounts and groups",
        |p| match p {
            Principal::Person(_) => "person",
            Principal::ServiceAccount(_) => "service account",
            Principal::Group(_) => "group",
        },
        true,
        n_principals,
    );
    let mut component_order = Vec::with_capacity(component_ids.len());
    let mut domain_ids = Vec::with_capacity(raw.domains.len());
    let mut person_ids = Vec::with_capacity(raw.people.len());
    let mut systems = Namespace::new("system", raw.systems.len());
    let mut credentials = Namespace::new("credential", raw.credentials.len());
    let mut policies = Namespace::new("backup policy", raw.backup_policies.len());
    let mut incidents = Namespace::new("incident", raw.incidents.len());
    let mut problems = Namespace::new("problem", raw.problems.len());

    // Pass 1: every id, so references may point forwards and across files.
    for (b, batch) in component_ids.chunks(BATCH).enumerate() {
        targets.map.warm(batch.iter().map(|id| &*id.value));
        for (j, id) in batch.iter().enumerate() {
            let i = b * BATCH + j;
            if v.define(
                &mut targets,
                "component",
                &id.value,
                Target::Component(Idx::new(i)),
                locate_target,
            ) {
                component_order.push(&*id.value);
            }
        }
    }
    for (i, (_, d)) in raw.domains.iter().enumerate() {
        if v.define(
            &mut targets,
            "domain",
            &d.id.value,
            Target::Domain(Idx::new(i)),
            locate_target,
        ) {
            domain_ids.push(d.id.value.as_str());
        }
    }
    for (i, (_, p)) in raw.people.iter().enumerate() {
        if v.define(
            &mut principals,
            "person",
            &p.id.value,
            Principal::Person(Idx::new(i)),
            locate_principal,
        ) {
            person_ids.push(p.id.value.as_str());
        }
    }
    for (i, (_, s)) in raw.service_accounts.iter().enumerate() {
        v.define(
            &mut principals,
            "service account",
            &s.id.value,
            Principal::ServiceAccount(Idx::new(i)),
            locate_principal,
        );
    }
    for (i, (_, g)) in raw.groups.iter().enumerate() {
        v.define(
            &mut principals,
            "group",
            &g.id.value,
            Principal::Group(Idx::new(i)),
            locate_principal,
        );
    }
    for (i, (_, s)) in raw.systems.iter().enumerate() {
        v.define(&mut systems, "system", &s.id.value, Idx::new(i), |i: Idx<_>| {
            raw.systems[i.index()].1.id.at.clone()
        });
    }
    for (i, (_, c)) in raw.credentials.iter().enumerate() {
        v.define(&mut credentials, "credential", &c.id.value, Idx::new(i), |i: Idx<_>| {
            raw.credentials[i.index()].1.id.at.clone()
        });
    }
    for (i, (_, p)) in raw.backup_policies.iter().enumerate() {
        v.define(&mut policies, "backup policy", &p.id.value, Idx::new(i), |i: Idx<_>| {
            raw.backup_policies[i.index()].1.id.at.clone()
        });
    }
    for (i, (_, inc)) in raw.incidents.iter().enumerate() {
        v.define(&mut incidents, "incident", &inc.id.value, Idx::new(i), |i: Idx<_>| {
            raw.incidents[i.index()].1.id.at.clone()
        });
    }
    for (i, (_, p)) in raw.problems.iter().enumerate() {
        v.define(&mut problems, "problem", &p.id.value, Idx::new(i), |i: Idx<_>| {
            raw.problems[i.index()].1.id.at.clone()
        });
    }
    // Optional ids: nothing refers to them yet, but they must be well-formed and unique.
    let mut grant_ids = Namespace::new("grant", 0);
    let grants_with_ids: Vec<&RawId> = raw.grants.iter().filter_map(|(_, g)| g.id.as_ref()).collect();
    for (i, id) in grants_with_ids.iter().enumerate() {
        v.define(&mut grant_ids, "grant", &id.value, i, |i| grants_with_ids[i].at.clone());
    }
    let mut run_ids = Namespace::new("backup run", 0);
    let runs_with_ids: Vec<&RawId> = raw.backup_runs.iter().filter_map(|(_, r)| r.id.as_ref()).collect();
    for (i, id) in runs_with_ids.iter().enumerate() {
        v.define(&mut run_ids, "backup run", &id.value, i, |i| {
            runs_with_ids[i].at.clone()
        });
    }
    let mut change_ids = Namespace::new("change", 0);
    let changes_with_ids: Vec<&RawId> = raw.changes.iter().filter_map(|(_, c)| c.id.as_ref()).collect();
    for (i, id) in changes_with_ids.iter().enumerate() {
        v.define(&mut change_ids, "change", &id.value, i, |i| {
            changes_with_ids[i].at.clone()
        });
    }

    let ns = Namespaces {
        components: Subset {
            all: &targets,
            pick: |t| match t {
                Target::Component(c) => Some(c),
                Target::Domain(_) => None,
            },
            what: "component",
            order: component_order,
        },
        domains: Subset {
            all: &targets,
            pick: |t| match t {
                Target::Domain(d) => Some(d),
                Target::Component(_) => None,
            },
            what: "domain",
            order: domain_ids,
        },
        principals: &principals,
        people: Subset {
            all: &principals,
            pick: |p| match p {
                Principal::Person(i) => Some(i),
                _ => None,
            },
            what: "person",
            order: person_ids,
        },
        systems,
        credentials,
        policies,
        incidents,
        problems,
    };

    // Pass 2: each entity, resolving its references. The components' own
    // references (millions) are looked up first, in bulk, in the order
    // `component` takes them: each component's depends_on, then its domains.
    let mut found = Vec::with_capacity(
        component_bodies
            .iter()
            .map(|(_, c)| c.depends_on.len() + c.domains.len())
            .sum(),
    );
    let refs = component_bodies
        .iter()
        .flat_map(|(_, c)| c.depends_on.iter().chain(&c.domains));
    targets.map.get_many(refs.map(|r| &*r.value), &mut found);
    let mut found = found.into_iter();
    // Entry points are noted on the way: finding them later would take
    // another pass over every component.
    let mut entries = Vec::new();
    let () = MODEL_FITS_IN_WHAT_WAS_READ;
    let components: Vec<Component> = component_bodies
        .into_iter()
        .enumerate()
        .map(|(i, (at, c))| {
            let c = component(&mut v, &ns, &component_ids[i], at, c, &mut found);
            if c.entry {
                entries.push(Idx::new(i));
            }
            c
        })
        .collect();
    let mut components = components;
    expand_replicas(&mut v, &mut components);
    let domains: Vec<Domain> = raw.domains.iter().map(|(_, d)| domain(&mut v, &ns, d)).collect();
    check_domain_nesting(&mut v, &domains);
    let people: Vec<Person> = raw.people.iter().map(|(_, p)| person(&mut v, p)).collect();
    let service_accounts = raw
        .service_accounts
        .iter()
        .map(|(_, s)| ServiceAccount {
            id: s.id.value.clone(),
            name: s.name.clone(),
            owner: s.owner.as_ref().and_then(|o| v.resolve(&ns.people, o)),
            description: s.description.clone(),
            disabled: s.disabled.unwrap_or(false),
            location: s.id.at.clone(),
        })
        .collect();
    let groups: Vec<Group> = raw
        .groups
        .iter()
        .map(|(_, g)| Group {
            id: g.id.value.clone(),
            name: g.name.clone(),
            members: v.resolve_all(ns.principals, &g.members),
            location: g.id.at.clone(),
        })
        .collect();
    check_group_nesting(&mut v, &groups);
    let systems = raw.systems.iter().map(|(_, s)| system(&mut v, &ns, s)).collect();
    let grants = raw
        .grants
        .iter()
        .filter_map(|(at, g)| grant(&mut v, &ns, at, g))
        .collect();
    let credentials = raw
        .credentials
        .iter()
        .map(|(_, c)| credential(&mut v, &ns, c))
        .collect();
    let access_events = raw
        .access_events
        .iter()
        .filter_map(|(at, e)| {
            let principal = v.resolve(ns.principals, &e.principal);
            let system = v.resolve(&ns.systems, &e.system);
            let credential = match &e.credential {
                None => Some(None),
                Some(c) => v.resolve(&ns.credentials, c).map(Some),
            };
            let when = v.instant(&e.at);
            Some(AccessEvent {
                principal: principal?,
                system: system?,
                credential: credential?,
                at: when?,
                source: e.source.clone(),
                action: e.action.clone(),
                location: at.clone(),
            })
        })
        .collect();
    let backup_policies = raw
        .backup_policies
        .iter()
        .filter_map(|(_, p)| backup_policy(&mut v, &ns, p))
        .collect();
    let backup_runs = raw
        .backup_runs
        .iter()
        .filter_map(|(at, r)| backup_run(&mut v, &ns, at, r))
        .collect();
    let restore_drills = raw
        .restore_drills
        .iter()
        .filter_map(|(at, d)| {
            let policy = v.resolve(&ns.policies, &d.policy);
            let when = v.instant(&d.at);
            Some(RestoreDrill {
                policy: policy?,
                at: when?,
                by: d.by.as_ref().and_then(|b| v.resolve(&ns.people, b)),
                duration: v.duration(&d.duration),
                outcome: match d.outcome.value {
                    DrillOutcomeName::Success => DrillOutcome::Success,
                    DrillOutcomeName::Failed => DrillOutcome::Failed,
                    DrillOutcomeName::Partial => DrillOutcome::Partial,
                },
                notes: d.notes.clone(),
                location: at.clone(),
            })
        })
        .collect();
    let mut incidents: Vec<Incident> = raw
        .incidents
        .iter()
        .filter_map(|(_, i)| incident(&mut v, &ns, i))
        .collect();
    let mut problems: Vec<Problem> = raw.problems.iter().map(|(_, p)| problem(&mut v, &ns, p)).collect();
    let changes = raw
        .changes
        .iter()
        .filter_map(|(at, c)| {
            let component = v.resolve(&ns.components, &c.component);
            let when = v.instant(&c.at);
            Some(Change {
                id: c.id.as_ref().map(|i| i.value.clone()),
                at: when?,
                component: component?,
                author: c.author.as_ref().and_then(|a| v.resolve(ns.principals, a)),
                description: c.description.clone(),
                location: at.clone(),
            })
        })
        .collect();

    let (jobs, job_runs) = jobs(&mut v, &ns, raw);
    let experiments = experiments::experiments(&mut v, &ns, &raw.experiments, &components);

    // Incidents and problems may each name the other: make the link two-way.
    for (ii, incident) in incidents.iter().enumerate() {
        if let Some(p) = incident.problem {
            problems[p.index()].incidents.push(Idx::new(ii));
        }
    }
    for (pi, problem) in problems.iter_mut().enumerate() {
        problem.incidents.sort();
        problem.incidents.dedup();
        for &ii in &problem.incidents {
            let incident = &mut incidents[ii.index()];
            match incident.problem {
                None => incident.problem = Some(Idx::new(pi)),
                Some(other) if other.index() != pi => {
                    let message = format!(
                        "problem '{}' lists incident '{}', which names another problem",
                        problem.id, incident.id
                    );
                    v.error(&problem.location, message);
                }
                Some(_) => {}
            }
        }
    }
    let waivers = waivers(&mut v, &ns, &raw.waivers);
    if !v.diags.is_empty() {
        return Err(v.diags.finish());
    }
    let mut inventory = Inventory::assemble(
        components,
        entries,
        domains,
        people,
        service_accounts,
        groups,
        systems,
        grants,
        credentials,
        access_events,
        backup_policies,
        backup_runs,
        restore_drills,
        incidents,
        problems,
        changes,
    );
    inventory.jobs = jobs;
    inventory.job_runs = job_runs;
    inventory.experiments = experiments;
    inventory.set_waivers(waivers);
    Ok(inventory)
}

/// `a == b`, deciding most unequal pairs of ids without calling `memcmp`:
/// ids of the same length (`c1234`, `c5678`) usually differ in their last byte.
fn same_id(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// The model of a component written at `at`; `c.id` is a placeholder, `id`
/// the real one. `found` yields what the targets namespace has for each of
/// its `depends_on` and then each of its `domains`.
fn component(
    v: &mut Validator,
    ns: &Namespaces,
    id: &RawIdRef<'_>,
    at: Location,
    c: RawComponent<'_>,
    found: &mut impl Iterator<Item = Option<Target>>,
) -> Component {
    // The model is located at its id; every value of it is in that file.
    let location = Location {
        line: id.at.line,
        column: id.at.column,
        ..at
    };
    let file = &location.file;
    let kind = c.kind.as_ref().map_or(ComponentKind::Service, |k| match k.value {
        ComponentKindName::Service => ComponentKind::Service,
        ComponentKindName::Database => ComponentKind::Database,
        ComponentKindName::Queue => ComponentKind::Queue,
        ComponentKindName::Cache => ComponentKind::Cache,
        ComponentKindName::ObjectStore => ComponentKind::ObjectStore,
        ComponentKindName::FileStore => ComponentKind::FileStore,
        ComponentKindName::Dns => ComponentKind::Dns,
        ComponentKindName::LoadBalancer => ComponentKind::LoadBalancer,
        ComponentKindName::Cdn => ComponentKind::Cdn,
        ComponentKindName::Ci => ComponentKind::Ci,
        ComponentKindName::Network => ComponentKind::Network,
        ComponentKindName::Compute => ComponentKind::Compute,
        ComponentKindName::External => ComponentKind::External,
        ComponentKindName::Other => ComponentKind::Other,
    });
    let mut depends_on = Vec::with_capacity(c.depends_on.len());
    // Repeats: a scan of the earlier entries for the usual handful, a table
    // for long lists. Either way "first at" names the previous occurrence.
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    let short = c.depends_on.len() <= 32;
    for (j, d) in c.depends_on.iter().enumerate() {
        let target = found.next().flatten();
        if same_id(&d.value, &id.value) {
            v.error(
                &d.at.in_file(file),
                format!("component '{}' depends on itself", id.value),
            );
            continue;
        }
        let previous = if short {
            c.depends_on[..j]
                .iter()
                .rev()
                .find(|e| same_id(&e.value, &d.value))
                .map(|e| e.at)
        } else {
            seen.insert(&d.value, d.at)
        };
        if let Some(first) = previous {
            v.error(
                &d.at.in_file(file),
                format!(
                    "'{}' is listed twice in depends_on (first at {})",
                    d.value,
                    first.in_file(file)
                ),
            );
            continue;
        }
        let target = target.and_then(ns.components.pick);
        if let Some(i) = v.resolved(&ns.components, &d.value, || d.at.in_file(file), target) {
            depends_on.push(i);
        }
    }
    let n = c.depends_on.len();
    let requires = match &c.requires {
        None => Requirement::All,
        Some(r) => match &r.value {
            RawRequires::All => Requirement::All,
            RawRequires::Any => {
                if n == 0 {
                    v.error(
                        &r.at.in_file(file),
                        format!("component '{}' requires any of its dependencies but has none", id.value),
                    );
                }
                Requirement::Any
            }
            RawRequires::AtLeast(k) => {
                if k.value < 1 {
                    v.error(
                        &k.at.in_file(file),
                        format!("at_least must be 1 or more; found {}", k.value),
                    );
                    Requirement::All
                } else if usize::try_from(k.value).map_or(true, |k| k > n) {
                    let s = if n == 1 { "y" } else { "ies" };
                    v.error(
                        &k.at.in_file(file),
                        format!(
                            "at_least: {} is impossible: component '{}' has only {n} dependenc{s}",
                            k.value, id.value
                        ),
                    );
                    Requirement::All
                } else {
                    Requirement::AtLeast(u32::try_from(k.value).unwrap_or(u32::MAX))
                }
            }
        },
    };
    let tier = c.tier.as_ref().and_then(|t| match u8::try_from(t.value) {
        Ok(t @ 1..=4) => Some(t),
        _ => {
            v.error(
                &t.at.in_file(file),
                format!("tier must be 1 (most critical) to 4; found {}", t.value),
            );
            None
        }
    });
    let logical = c.logical.as_ref().is_some_and(|l| l.value);
    if let Some(l) = c.logical.as_deref().filter(|l| l.value) {
        if n == 0 {
            v.error(
                &l.at.in_file(file),
                format!(
                    "component '{}' is logical: it fails only through its dependencies, but it has none",
                    id.value
                ),
            );
        }
        if let Some(a) = &c.availability {
            v.error(
                &a.at.in_file(file),
                format!(
                    "component '{}' is logical: it never fails on its own, so it has no availability of its own \
                     (give its dependencies theirs)",
                    id.value
                ),
            );
        }
        if let Some(r) = &c.replicas {
            v.error(
                &r.at.in_file(file),
                format!(
                    "component '{}' is both logical and replicated: its instances would never fail \
                     (write `replicas:` alone: a replicated component is already logical)",
                    id.value
                ),
            );
        }
    }
    let replicas = c.replicas.as_deref().and_then(|r| replicas(v, ns, &id.value, r, file));
    Component {
        id: (*id.value).to_owned(),
        name: c.name,
        kind,
        description: c.description,
        entry: c.entry.unwrap_or(false),
        requires,
        depends_on,
        tier,
        owners: (c.owners.iter())
            .filter_map(|o| {
                let target = ns.principals.lookup(&o.value);
                v.resolved(ns.principals, &o.value, || o.at.in_file(file), target)
            })
            .collect(),
        domains: (c.domains.iter())
            .filter_map(|d| {
                let target = found.next().flatten().and_then(ns.domains.pick);
                v.resolved(&ns.domains, &d.value, || d.at.in_file(file), target)
            })
            .collect(),
        stateful: c.stateful.unwrap_or_else(|| kind.stateful_by_default()),
        availability: v.probability("availability", c.availability.as_deref(), file),
        slo: v.probability("slo", c.slo.as_deref(), file),
        tags: c.tags,
        logical,
        replicas,
        instance: None,
        location,
    }
}

/// The model of `replicas:` on component `id`, its instances not yet made
/// (see [`expand_replicas`]).
fn replicas(
    v: &mut Validator,
    ns: &Namespaces,
    id: &str,
    r: &Placed<RawReplicas>,
    file: &Arc<str>,
) -> Option<Box<Replicas>> {
    let (count, min, spread) = match &r.value {
        RawReplicas::Count(n) => ((*n, r.at), None, &[][..]),
        RawReplicas::Spec(spec) => (
            (spec.count.value, spec.count.at),
            spec.min.as_ref().map(|m| (m.value, m.at)),
            &spec.spread[..],
        ),
    };
    let Ok(count_value @ 1..=MAX_REPLICAS) = u32::try_from(count.0) else {
        v.error(
            &count.1.in_file(file),
            format!(
                "replicas of component '{id}' must be 1 to {MAX_REPLICAS}; found {}",
                count.0
            ),
        );
        return None;
    };
    let min_value = match min {
        None => 1,
        Some((m, at)) => match u32::try_from(m) {
            Ok(k) if (1..=count_value).contains(&k) => k,
            _ => {
                v.error(
                    &at.in_file(file),
                    format!("min of component '{id}''s replicas must be 1 to its count, {count_value}; found {m}"),
                );
                return None;
            }
        },
    };
    let mut domains = Vec::with_capacity(spread.len());
    for (j, d) in spread.iter().enumerate() {
        if let Some(first) = spread[..j].iter().find(|e| e.value == d.value) {
            v.error(
                &d.at,
                format!("'{}' is listed twice in spread (first at {})", d.value, first.at),
            );
            continue;
        }
        domains.extend(v.resolve(&ns.domains, d));
    }
    Some(Box::new(Replicas {
        count: count_value,
        min: min_value,
        spread: domains,
        first: Idx::new(0),
    }))
}

/// Makes the instances of every replicated component, appended after the
/// written components in order: instance `i` of `web` is `web#i`, with what
/// `web` was written with (dependencies, rule, domains, availability) and
/// the `i`-th domain of the spread in turn. `web` itself becomes logical and
/// needs at least `min` of its instances. Refuses an inventory that would
/// hold more than [`MAX_INSTANCES`] instances in all, at the component that
/// crosses the line.
fn expand_replicas(v: &mut Validator, components: &mut Vec<Component>) {
    let written = components.len();
    let mut total = 0usize;
    for i in 0..written {
        let Some(replicas) = &components[i].replicas else {
            continue;
        };
        let (count, min) = (replicas.count, replicas.min);
        total += count as usize;
        if total > MAX_INSTANCES {
            let c = &components[i];
            v.error(
                &c.location,
                format!(
                    "component '{}' brings the inventory's replicas to more than {MAX_INSTANCES} instances in all",
                    c.id
                ),
            );
            return;
        }
        let first = Idx::new(components.len());
        let spread = replicas.spread.clone();
        let c = &mut components[i];
        let depends_on = std::mem::take(&mut c.depends_on);
        let domains = std::mem::take(&mut c.domains);
        let requires = std::mem::replace(
            &mut c.requires,
            if min == 1 {
                Requirement::Any
            } else {
                Requirement::AtLeast(min)
            },
        );
        let availability = c.availability.take();
        c.logical = true;
        c.depends_on = (0..count as usize).map(|k| Idx::new(first.index() + k)).collect();
        if let Some(r) = &mut c.replicas {
            r.first = first;
        }
        let template = Component {
            id: String::new(),
            name: c.name.clone(),
            kind: c.kind,
            description: None,
            entry: false,
            requires,
            depends_on,
            tier: c.tier,
            owners: c.owners.clone(),
            domains,
            stateful: c.stateful,
            availability,
            slo: None,
            tags: c.tags.clone(),
            logical: false,
            replicas: None,
            instance: None,
            location: c.location.clone(),
        };
        let of = Idx::new(i);
        let id = c.id.clone();
        for number in 1..=count {
            let mut instance = template.clone();
            instance.id = format!("{id}#{number}");
            if let Some(&zone) = spread.get((number as usize - 1) % spread.len().max(1))
                && !instance.domains.contains(&zone)
            {
                instance.domains.push(zone);
            }
            instance.instance = Some(Instance { of, number });
            components.push(instance);
        }
    }
}

fn domain(v: &mut Validator, ns: &Namespaces, d: &RawDomain) -> Domain {
    let kind = match d.kind.value.as_str() {
        "zone" => DomainKind::Zone,
        "region" => DomainKind::Region,
        "provider" => DomainKind::Provider,
        "power" => DomainKind::Power,
        "network" => DomainKind::Network,
        "person" => DomainKind::Person,
        "credential" => DomainKind::Credential,
        other => {
            // A kind of one's own is fine; a misspelt built-in one is not.
            if let Some(s) = did_you_mean(other, DomainKind::BUILT_IN.iter().copied()) {
                v.error(
                    &d.kind.at,
                    format!("domain kind '{other}' looks like a misspelling of '{s}'; pick a kind of your own that is not this close to a built-in one"),
                );
            } else if let Err(why) = check_id(other) {
                v.error(&d.kind.at, format!("invalid domain kind '{other}': {why}"));
            }
            DomainKind::Custom(other.to_owned())
        }
    };
    let parent = d.parent.as_ref().and_then(|p| {
        if p.value == d.id.value {
            v.error(&p.at, format!("domain '{}' is its own parent", d.id.value));
            return None;
        }
        v.resolve(&ns.domains, p)
    });
    Domain {
        id: d.id.value.clone(),
        kind,
        parent,
        name: d.name.clone(),
        description: d.description.clone(),
        location: d.id.at.clone(),
    }
}

/// Reports every cycle of `parent` links once, naming its members in order.
fn check_domain_nesting(v: &mut Validator, domains: &[Domain]) {
    // 0 = unvisited, 1 = on the current path, 2 = done
    let mut state = vec![0u8; domains.len()];
    for start in 0..domains.len() {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            match state[i] {
                2 => break,
                1 => {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    let mut names: Vec<&str> = path[from..].iter().map(|&p: &usize| domains[p].id.as_str()).collect();
                    names.push(&domains[i].id);
                    let at = domains[path[from..].iter().copied().min().unwrap_or(i)]
                        .location
                        .clone();
                    v.error(
                        &at,
                        format!("domains nest in a cycle: {}", listing::join(&names, " -> ")),
                    );
                    break;
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    cur = domains[i].parent.map(Idx::index);
                }
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
}

/// Reports every group membership cycle, naming its members in order.
fn check_group_nesting(v: &mut Validator, groups: &[Group]) {
    let children = |g: usize| {
        groups[g].members.iter().filter_map(|m| match m {
            Principal::Group(c) => Some(c.index()),
            _ => None,
        })
    };
    let mut state = vec![0u8; groups.len()];
    for root in 0..groups.len() {
        if state[root] != 0 {
            continue;
        }
        // Iterative DFS: (group, next child position)
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (g, ref mut next)) = stack.last_mut() {
            match children(g).nth(*next) {
                Some(c) => {
                    *next += 1;
                    match state[c] {
                        0 => {
                            state[c] = 1;
                            stack.push((c, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|&(s, _)| s == c).unwrap_or(0);
                            let mut names: Vec<&str> =
                                stack[from..].iter().map(|&(s, _)| groups[s].id.as_str()).collect();
                            names.push(&groups[c].id);
                            v.error(
                                &groups[c].location,
                                format!("group membership forms a cycle: {}", listing::join(&names, " -> ")),
                            );
                        }
                        _ => {}
                    }
                }
                None => {
                    state[g] = 2;
                    stack.pop();
                }
            }
        }
    }
}

fn person(v: &mut Validator, p: &RawPerson) -> Person {
    let status = p.status.as_ref().map_or(PersonStatus::Active, |s| match s.value {
        PersonStatusName::Active => PersonStatus::Active,
        PersonStatusName::OnLeave => PersonStatus::OnLeave,
        PersonStatusName::Departed => PersonStatus::Departed,
    });
    let departed_at = v.opt_instant(&p.departed_at);
    let status_at = p.status.as_ref().map_or(&p.id.at, |s| &s.at);
    match (status, &p.departed_at) {
        (PersonStatus::Departed, None) => v.error(
            status_at,
            format!("person '{}' is departed but has no departed_at", p.id.value),
        ),
        (PersonStatus::Active | PersonStatus::OnLeave, Some(d)) => v.error(
            &d.at,
            format!(
                "person '{}' has departed_at but status {}; set status: departed",
                p.id.value,
                status.as_str()
            ),
        ),
        _ => {}
    }
    let leave: Vec<Period> = p
        .leave
        .iter()
        .filter_map(|l| {
            let from = v.instant(&l.from);
            let until = v.opt_instant(&l.until);
            v.ordered(&l.from.at, ("from", from), ("until", until));
            Some(Period { from: from?, until })
        })
        .collect();
    if status == PersonStatus::OnLeave && p.leave.is_empty() {
        v.error(
            status_at,
            format!("person '{}' is on_leave but has no leave period", p.id.value),
        );
    }
    Person {
        id: p.id.value.clone(),
        name: p.name.clone(),
        email: p.email.clone(),
        status,
        departed_at,
        leave,
        mfa: p.mfa,
        location: p.id.at.clone(),
    }
}

fn level(l: LevelName) -> Level {
    match l {
        LevelName::Read => Level::Read,
        LevelName::Write => Level::Write,
        LevelName::Admin => Level::Admin,
        LevelName::Owner => Level::Owner,
    }
}

fn grant(v: &mut Validator, ns: &Namespaces, at: &Location, g: &RawGrant) -> Option<Grant> {
    let principal = v.resolve(ns.principals, &g.principal);
    let system = v.resolve(&ns.systems, &g.system);
    let granted_at = v.opt_instant(&g.granted_at);
    let last_used_at = v.opt_instant(&g.last_used_at);
    let expires_at = v.opt_instant(&g.expires_at);
    Some(Grant {
        id: g.id.as_ref().map(|i| i.value.clone()),
        principal: principal?,
        system: system?,
        role: g.role.clone(),
        level: level(g.level.value),
        granted_at,
        last_used_at,
        expires_at,
        usage: match g.usage {
            None | Some(UsageName::Recorded) => GrantUsage::Recorded,
            Some(UsageName::Unknown) => GrantUsage::Unknown,
        },
        location: at.clone(),
    })
}

fn credential(v: &mut Validator, ns: &Namespaces, c: &RawCredential) -> Credential {
    let kind = match c.kind.value {
        CredentialKindName::Personal => CredentialKind::Personal,
        CredentialKindName::Shared => CredentialKind::Shared,
    };
    if kind == CredentialKind::Personal && c.holders.len() > 1 {
        v.error(
            &c.kind.at,
            format!(
                "credential '{}' is personal but has {} holders; make it kind: shared",
                c.id.value,
                c.holders.len()
            ),
        );
    }
    Credential {
        id: c.id.value.clone(),
        kind,
        system: c.system.as_ref().and_then(|s| v.resolve(&ns.systems, s)),
        level: c.level.as_ref().map(|l| level(l.value)),
        holders: v.resolve_all(ns.principals, &c.holders),
        mfa: c.mfa.unwrap_or(false),
        created_at: v.opt_instant(&c.created_at),
        rotated_at: v.opt_instant(&c.rotated_at),
        last_used_at: v.opt_instant(&c.last_used_at),
        description: c.description.clone(),
        location: c.id.at.clone(),
    }
}

fn backup_policy(v: &mut Validator, ns: &Namespaces, p: &RawBackupPolicy) -> Option<BackupPolicy> {
    let protects = v.resolve(&ns.components, &p.protects);
    let schedule = p.schedule.as_ref().and_then(|s| schedule(v, "backup policy", &p.id, s));
    let retention = p.retention.as_ref().map(|r| Retention {
        keep_last: v.count("keep_last", &r.keep_last),
        keep_hourly: v.count("keep_hourly", &r.keep_hourly),
        keep_daily: v.count("keep_daily", &r.keep_daily),
        keep_weekly: v.count("keep_weekly", &r.keep_weekly),
        keep_monthly: v.count("keep_monthly", &r.keep_monthly),
        keep_yearly: v.count("keep_yearly", &r.keep_yearly),
        keep_within: v.restic_duration("keep_within", &r.keep_within),
        keep_within_hourly: v.restic_duration("keep_within_hourly", &r.keep_within_hourly),
        keep_within_daily: v.restic_duration("keep_within_daily", &r.keep_within_daily),
        keep_within_weekly: v.restic_duration("keep_within_weekly", &r.keep_within_weekly),
        keep_within_monthly: v.restic_duration("keep_within_monthly", &r.keep_within_monthly),
        keep_within_yearly: v.restic_duration("keep_within_yearly", &r.keep_within_yearly),
        keep_tags: r.keep_tags.clone(),
    });
    let copies = p
        .copies
        .iter()
        .map(|c| BackupCopy {
            location_name: c.location.value.clone(),
            tier: c.tier.as_ref().map(|t| match t.value {
                StorageTierName::Hot => StorageTier::Hot,
                StorageTierName::Warm => StorageTier::Warm,
                StorageTierName::Cold => StorageTier::Cold,
                StorageTierName::Archive => StorageTier::Archive,
            }),
            offsite: c.offsite.unwrap_or(false),
            immutable: c.immutable.unwrap_or(false),
            encrypted: c.encrypted.unwrap_or(false),
            deletable_by: c
                .deletable_by
                .iter()
                .filter_map(|d| {
                    match (ns.principals.get(&d.value), ns.credentials.get(&d.value)) {
                        (Some(_), Some(_)) => {
                            v.error(
                                &d.at,
                                format!(
                                    "'{}' names both a principal and a credential; rename one of them",
                                    d.value
                                ),
                            );
                            return None;
                        }
                        (Some(p), None) => return Some(Deleter::Principal(p)),
                        (None, Some(c)) => return Some(Deleter::Credential(c)),
                        (None, None) => {}
                    }
                    if v.incomplete || v.broken.contains(&d.value) {
                        return None;
                    }
                    let names = ns.principals.order.iter().chain(&ns.credentials.order).copied();
                    let hint = did_you_mean(&d.value, names)
                        .map(|s| format!(" (did you mean '{s}'?)"))
                        .unwrap_or_default();
                    v.error(&d.at, format!("unknown principal or credential '{}'{hint}", d.value));
                    None
                })
                .collect(),
            component: c.component.as_ref().and_then(|id| v.resolve(&ns.components, id)),
            location: c.location.at.clone(),
        })
        .collect();
    Some(BackupPolicy {
        id: p.id.value.clone(),
        protects: protects?,
        owner: p.owner.as_ref().and_then(|o| v.resolve(ns.principals, o)),
        schedule,
        retention,
        rpo: v.duration(&p.rpo),
        rto: v.duration(&p.rto),
        copies,
        monitor: p.monitor.clone(),
        drill_interval: v.duration(&p.drill_interval),
        location: p.id.at.clone(),
    })
}

/// The schedule of the `kind` (`backup policy`, `job`) whose id is `owner`.
fn schedule(v: &mut Validator, kind: &str, owner: &Spanned<String>, s: &RawSchedule) -> Option<Schedule> {
    match (&s.cron, &s.every) {
        (Some(cron), None) => {
            let expression = match cron.value.parse::<crate::CronExpr>() {
                Ok(e) => Some(e),
                Err(message) => {
                    v.error(&cron.at, message);
                    None
                }
            };
            let timezone = match &s.timezone {
                None => Some(chrono_tz::Tz::UTC),
                Some(tz) => match tz.value.parse::<chrono_tz::Tz>() {
                    Ok(zone) => Some(zone),
                    Err(_) => {
                        let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
                        let hint = crate::suggest::did_you_mean(&tz.value, names)
                            .map(|m| format!(" (did you mean '{m}'?)"))
                            .unwrap_or_default();
                        v.error(
                            &tz.at,
                            format!(
                                "unknown time zone '{}': expected an IANA name such as Europe/London{hint}",
                                tz.value
                            ),
                        );
                        None
                    }
                },
            };
            Some(Schedule::Cron(crate::CronSchedule::new(expression?, timezone?)))
        }
        (None, Some(_)) => {
            if let Some(tz) = &s.timezone {
                v.error(
                    &tz.at,
                    "timezone applies only to cron schedules; an `every` interval has no wall-clock times",
                );
            }
            v.duration(&s.every).map(Schedule::Every)
        }
        (Some(cron), Some(_)) => {
            v.error(&cron.at, "a schedule has either cron or every, not both");
            None
        }
        (None, None) => {
            v.error(
                &owner.at,
                format!("the schedule of {kind} '{}' needs cron or every", owner.value),
            );
            None
        }
    }
}

fn backup_run(v: &mut Validator, ns: &Namespaces, at: &Location, r: &RawBackupRun) -> Option<BackupRun> {
    let policy = v.resolve(&ns.policies, &r.policy);
    let started_at = v.instant(&r.started_at);
    let finished_at = v.opt_instant(&r.finished_at);
    v.ordered(at, ("started_at", started_at), ("finished_at", finished_at));
    let size_bytes = size_bytes(v, &r.size_bytes);
    Some(BackupRun {
        id: r.id.as_ref().map(|i| i.value.clone()),
        policy: policy?,
        started_at: started_at?,
        finished_at,
        status: run_status(r.status.value),
        size_bytes,
        checksum: r.checksum.clone(),
        artifact: r.location.clone(),
        location: at.clone(),
    })
}

fn incident(v: &mut Validator, ns: &Namespaces, i: &RawIncident) -> Option<Incident> {
    let started_at = v.opt_instant(&i.started_at);
    let detected_at = v.instant(&i.detected_at);
    let acknowledged_at = v.opt_instant(&i.acknowledged_at);
    let mitigated_at = v.opt_instant(&i.mitigated_at);
    let resolved_at = v.opt_instant(&i.resolved_at);
    let postmortem_done_at = v.opt_instant(&i.postmortem_done_at);
    let steps = [
        ("started_at", started_at),
        ("detected_at", detected_at),
        ("acknowledged_at", acknowledged_at),
        ("mitigated_at", mitigated_at),
        ("resolved_at", resolved_at),
        ("postmortem_done_at", postmortem_done_at),
    ];
    // Each stated instant must not precede the latest earlier stated one.
    let mut latest: Option<(&str, Timestamp)> = None;
    for (name, t) in steps {
        if let Some(t) = t {
            if let Some((prev_name, prev)) = latest {
                v.ordered(&i.id.at, (prev_name, Some(prev)), (name, Some(t)));
            }
            latest = Some((name, t));
        }
    }
    let mut timeline: Vec<TimelineEvent> = i
        .timeline
        .iter()
        .filter_map(|e| {
            Some(TimelineEvent {
                at: v.instant(&e.at)?,
                author: e.author.as_ref().and_then(|a| v.resolve(ns.principals, a)),
                kind: e.kind.clone(),
                text: e.text.clone(),
            })
        })
        .collect();
    timeline.sort_by_key(|e| e.at);
    let postmortem = i.postmortem.as_ref().map(|p| Postmortem {
        what_happened: p.what_happened.clone(),
        why: p.why.clone(),
        why_not_detected: p.why_not_detected.clone(),
        why_not_self_healed: p.why_not_self_healed.clone(),
        issues: p
            .issues
            .iter()
            .map(|issue| PostmortemIssue {
                description: issue.description.value.clone(),
                actions: issue
                    .actions
                    .iter()
                    .map(|a| Action {
                        description: a.description.value.clone(),
                        owner: a.owner.as_ref().and_then(|o| v.resolve(ns.principals, o)),
                        expected_result: a.expected_result.clone(),
                        due: v.opt_instant(&a.due),
                        done_at: v.opt_instant(&a.done_at),
                        location: a.description.at.clone(),
                    })
                    .collect(),
                location: issue.description.at.clone(),
            })
            .collect(),
    });
    Some(Incident {
        id: i.id.value.clone(),
        title: i.title.clone(),
        severity: match i.severity.value {
            IncidentSeverityName::Sev1 => IncidentSeverity::Sev1,
            IncidentSeverityName::Sev2 => IncidentSeverity::Sev2,
            IncidentSeverityName::Sev3 => IncidentSeverity::Sev3,
            IncidentSeverityName::Sev4 => IncidentSeverity::Sev4,
            IncidentSeverityName::Sev5 => IncidentSeverity::Sev5,
        },
        commander: i.commander.as_ref().and_then(|c| v.resolve(&ns.people, c)),
        impacted: v.resolve_all(&ns.components, &i.impacted),
        detected_by: i.detected_by.as_ref().map(|d| match d.value {
            DetectionName::Monitor => Detection::Monitor,
            DetectionName::Customer => Detection::Customer,
            DetectionName::Staff => Detection::Staff,
        }),
        started_at,
        detected_at: detected_at?,
        acknowledged_at,
        mitigated_at,
        resolved_at,
        postmortem_done_at,
        problem: i.problem.as_ref().and_then(|p| v.resolve(&ns.problems, p)),
        cause: i.cause.as_ref().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
        timeline,
        postmortem,
        location: i.id.at.clone(),
    })
}

fn problem(v: &mut Validator, ns: &Namespaces, p: &RawProblem) -> Problem {
    Problem {
        id: p.id.value.clone(),
        title: p.title.clone(),
        incidents: v.resolve_all(&ns.incidents, &p.incidents),
        root_cause: p.root_cause.clone(),
        plan: p.plan.as_ref().map(|plan| ProblemPlan {
            diagnostics: plan.diagnostics.clone(),
            collect_for: v.duration(&plan.collect_for),
            prepared: v.resolve_all(ns.principals, &plan.prepared),
            notify: v.resolve_all(ns.principals, &plan.notify),
        }),
        location: p.id.at.clone(),
    }
}

/// A run's reported status.
fn run_status(s: RunStatusName) -> RunStatus {
    match s {
        RunStatusName::Success => RunStatus::Success,
        RunStatusName::Failed => RunStatus::Failed,
        RunStatusName::Partial => RunStatus::Partial,
        RunStatusName::Running => RunStatus::Running,
    }
}

/// A run's `size_bytes`, which must not be negative.
fn size_bytes(v: &mut Validator, s: &Option<Spanned<i64>>) -> Option<u64> {
    let s = s.as_ref()?;
    match u64::try_from(s.value) {
        Ok(n) => Some(n),
        Err(_) => {
            v.error(&s.at, format!("size_bytes must not be negative; found {}", s.value));
            None
        }
    }
}

/// The scheduled jobs and their runs: ids defined, references resolved.
fn jobs(v: &mut Validator, ns: &Namespaces, raw: &RawInventory) -> (Vec<crate::job::Job>, Vec<crate::job::JobRun>) {
    use crate::job::{DeliveryTarget, Job, JobRun};
    let mut ids = Namespace::new("job", raw.jobs.len());
    for (i, (_, j)) in raw.jobs.iter().enumerate() {
        v.define(&mut ids, "job", &j.id.value, Idx::<Job>::new(i), |i: Idx<_>| {
            raw.jobs[i.index()].1.id.at.clone()
        });
    }
    let mut run_ids = Namespace::new("job run", 0);
    let runs_with_ids: Vec<&RawId> = raw.job_runs.iter().filter_map(|(_, r)| r.id.as_ref()).collect();
    for (i, id) in runs_with_ids.iter().enumerate() {
        v.define(&mut run_ids, "job run", &id.value, i, |i| runs_with_ids[i].at.clone());
    }
    let jobs = raw
        .jobs
        .iter()
        .filter_map(|(_, j)| {
            let schedule = schedule(v, "job", &j.id, &j.schedule);
            let deadline = v.duration(&j.deadline);
            // A component when it names one; anything else is where the
            // delivery goes, in words.
            let delivers_to = j.delivers_to.as_ref().map(|d| match ns.components.lookup(&d.value) {
                Some(c) => DeliveryTarget::Component(c),
                None => DeliveryTarget::Other(d.value.clone()),
            });
            Some(Job {
                id: j.id.value.clone(),
                owner: j.owner.as_ref().and_then(|o| v.resolve(ns.principals, o)),
                schedule: schedule?,
                delivers_to,
                deadline,
                monitor: j.monitor.clone(),
                description: j.description.clone(),
                location: j.id.at.clone(),
            })
        })
        .collect();
    let runs = raw
        .job_runs
        .iter()
        .filter_map(|(at, r)| {
            let job = v.resolve(&ids, &r.job);
            let started_at = v.instant(&r.started_at);
            let finished_at = v.opt_instant(&r.finished_at);
            let delivered_at = v.opt_instant(&r.delivered_at);
            v.ordered(at, ("started_at", started_at), ("finished_at", finished_at));
            v.ordered(at, ("started_at", started_at), ("delivered_at", delivered_at));
            Some(JobRun {
                id: r.id.as_ref().map(|i| i.value.clone()),
                job: job?,
                started_at: started_at?,
                finished_at,
                status: run_status(r.status.value),
                size_bytes: size_bytes(v, &r.size_bytes),
                delivered_at,
                checksum: r.checksum.clone(),
                location: at.clone(),
            })
        })
        .collect();
    (jobs, runs)
}

/// A system: `component` and `components` are one list, written either way
/// but not both.
fn system(v: &mut Validator, ns: &Namespaces, s: &RawSystem) -> System {
    if let (Some(one), [_, ..]) = (&s.component, s.components.as_slice()) {
        v.error(
            &one.at,
            format!(
                "system '{}' has both component and components: list every component in components",
                s.id.value
            ),
        );
    }
    let mut components: Vec<Idx<Component>> = Vec::with_capacity(s.components.len().max(1));
    let mut seen = HashSet::new();
    for c in s.component.iter().chain(&s.components) {
        if let Some(c) = v.resolve(&ns.components, c)
            && seen.insert(c)
        {
            components.push(c);
        }
    }
    System {
        id: s.id.value.clone(),
        name: s.name.clone(),
        components,
        kind: s.kind.as_ref().map(|k| k.value.clone()),
        description: s.description.clone(),
        location: s.id.at.clone(),
    }
}

/// The longest subject a waiver may name: ids are at most 128 bytes, and
/// the descriptions findings use for entities without one join two or three.
const MAX_WAIVER_SUBJECT: usize = 512;

/// The waivers, checked: a known rule (a built-in's id, or `plugin:NAME/RULE`),
/// a subject, a reason, people for owner and approver, an expiry, and at most
/// one waiver per rule and subject.
fn waivers(v: &mut Validator, ns: &Namespaces, raw: &[(Location, RawWaiver)]) -> Vec<super::Waiver> {
    let mut seen: HashMap<(&str, &str), &Location> = HashMap::with_capacity(raw.len());
    let mut out = Vec::with_capacity(raw.len());
    for (at, w) in raw {
        let rule = w.rule.value.as_str();
        let rule_ok = waiver_rule(v, &w.rule);
        // Not an id's syntax: findings name some subjects by description
        // (a grant's `dana->prod-db`, a run's `policy@instant`).
        let subject = &w.subject.value;
        if subject.is_empty() || subject.len() > MAX_WAIVER_SUBJECT || subject.chars().any(char::is_control) {
            v.error(
                &w.subject.at,
                format!(
                    "invalid subject '{subject}': expected one line of 1 to {MAX_WAIVER_SUBJECT} bytes, \
                     the finding's subject id"
                ),
            );
        }
        if w.reason.value.trim().is_empty() {
            v.error(&w.reason.at, "a waiver needs a reason");
        }
        let owner = v.resolve(&ns.people, &w.owner);
        let approved_by = w.approved_by.as_ref().map(|a| v.resolve(&ns.people, a));
        let expires = v.instant(&w.expires);
        if let Some(first) = seen.insert((rule, w.subject.value.as_str()), at) {
            v.error(
                at,
                format!(
                    "a second waiver of '{rule}' on '{}' (first at {first})",
                    w.subject.value
                ),
            );
            continue;
        }
        // An approver that did not resolve is reported: loading fails anyway.
        let approved_by = approved_by.flatten();
        if let (true, Some(owner), Some(expires)) = (rule_ok, owner, expires) {
            out.push(super::Waiver {
                rule: rule.to_owned(),
                subject: w.subject.value.clone(),
                reason: w.reason.value.trim().to_owned(),
                owner,
                approved_by,
                expires,
                location: at.clone(),
            });
        }
    }
    out
}

/// Whether a waiver's rule is a built-in rule's id or a plugin rule's
/// (`plugin:NAME/RULE`); reports it at its location if not.
fn waiver_rule(v: &mut Validator, rule: &Spanned<String>) -> bool {
    let id = rule.value.as_str();
    if let Some(plugin) = id.strip_prefix("plugin:") {
        return match plugin.split_once('/') {
            Some((name, r)) if !name.is_empty() && !r.is_empty() => true,
            _ => {
                v.error(
                    &rule.at,
                    format!("invalid plugin rule id '{id}': expected plugin:NAME/RULE"),
                );
                false
            }
        };
    }
    if crate::builtin::find(id).is_some() {
        return true;
    }
    let message = if let Some((_, new)) = crate::builtin::RENAMED.iter().find(|(old, _)| *old == id) {
        format!("unknown rule '{id}': it was renamed to '{new}'")
    } else {
        let ids: Vec<&str> = crate::builtin::rules().map(|(_, c)| c.name()).collect();
        match did_you_mean(id, ids.iter().copied()) {
            Some(s) => format!("unknown rule '{id}' (did you mean '{s}'?)"),
            None => format!("unknown rule '{id}'; `opsctl explain` lists the rules"),
        }
    };
    v.error(&rule.at, message);
    false
}
