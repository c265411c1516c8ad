//! The inventory: everything ops knows about an estate, loaded from files and
//! validated, with every reference resolved.

mod at_instant;
mod checks;
mod id_table;
mod load;
pub(crate) mod raw;
mod sections;
mod validate;
pub(crate) mod waivers;

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::access::{AccessEvent, Credential, Grant, Group, Person, Principal, ServiceAccount, System};
use crate::backup::{BackupPolicy, BackupRun, RestoreDrill};
use crate::diagnostic::Diagnostic;
use crate::graph::Experiment;
use crate::graph::{Component, Domain, DomainKind};
use crate::incident::{Change, Incident, Problem};
use crate::job::{Job, JobRun};
use crate::source::LoadLimits;
use crate::{FastMap, Idx};

pub(crate) use checks::RULES;
pub use checks::{DEPARTED_OWNER, EMPTY_DOMAIN, NO_ENTRY, UNOWNED_COMPONENT, UNREACHABLE_COMPONENT};
pub use waivers::{EXPIRED_WAIVER, UNUSED_WAIVER, Waiver};

/// Either kind of thing failure analysis can fail: a component or a domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureTarget {
    /// A component.
    Component(Idx<Component>),
    /// A failure domain (and so all of its members and nested domains).
    Domain(Idx<Domain>),
}

/// A validated inventory.
///
/// Built only by loading ([`Inventory::load`], [`Inventory::from_text`]), so
/// every reference in it resolves and every rule in it is satisfiable.
///
/// ```
/// use ops_core::{Format, Inventory};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// components:
///   - id: web
///     entry: true
///     depends_on: [db]
///   - id: db
///     kind: database
/// ")?;
/// let web = inv.component_by_id("web").expect("defined above");
/// let db = inv.component(web).depends_on[0];
/// assert_eq!(inv.component(db).id, "db");
/// assert!(inv.component(db).stateful);
/// # Ok::<(), ops_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Inventory {
    components: Vec<Component>,
    /// The components with `entry: true`, in definition order.
    entries: Vec<Idx<Component>>,
    domains: Vec<Domain>,
    people: Vec<Person>,
    service_accounts: Vec<ServiceAccount>,
    groups: Vec<Group>,
    systems: Vec<System>,
    grants: Vec<Grant>,
    credentials: Vec<Credential>,
    access_events: Vec<AccessEvent>,
    backup_policies: Vec<BackupPolicy>,
    backup_runs: Vec<BackupRun>,
    restore_drills: Vec<RestoreDrill>,
    /// Set by validation after [`Inventory::assemble`].
    jobs: Vec<Job>,
    /// Likewise.
    job_runs: Vec<JobRun>,
    /// Likewise.
    experiments: Vec<Experiment>,
    incidents: Vec<Incident>,
    problems: Vec<Problem>,
    changes: Vec<Change>,
    /// What the loader skipped on purpose (Backstage entities of kinds ops
    /// does not import), with where.
    notes: Vec<Diagnostic>,
    /// What deriving the `person` failure domains added, so that it can be
    /// derived again for another instant.
    derived: DerivedDomains,
    /// Accepted risks (the `waivers:` section).
    waivers: Vec<Waiver>,
    /// Built on the first lookup by id: most runs (`opsctl spof`, the checks)
    /// never look anything up by id, and for a large estate the tables cost
    /// an allocation per id and a table as large as the id set.
    by_id: OnceLock<Lookups>,
}

/// The `person` failure domains derived from who alone administers what
/// ([`Inventory::derive_person_domains`]): the domains made for them (from
/// `first_domain` on) and the memberships added, written ones untouched.
#[derive(Debug)]
struct DerivedDomains {
    first_domain: usize,
    memberships: Vec<(Idx<Component>, Idx<Domain>)>,
}

/// Id lookups, built from the entity lists (validation guarantees the ids are unique).
#[derive(Debug)]
struct Lookups {
    targets: FastMap<Box<str>, FailureTarget>,
    principals: FastMap<Box<str>, Principal>,
    systems: FastMap<Box<str>, Idx<System>>,
    credentials: FastMap<Box<str>, Idx<Credential>>,
    policies: FastMap<Box<str>, Idx<BackupPolicy>>,
    jobs: FastMap<Box<str>, Idx<Job>>,
    experiments: FastMap<Box<str>, Idx<Experiment>>,
    incidents: FastMap<Box<str>, Idx<Incident>>,
    problems: FastMap<Box<str>, Idx<Problem>>,
}

impl Lookups {
    fn new(inv: &Inventory) -> Lookups {
        fn map<'x, T>(ids: impl ExactSizeIterator<Item = (&'x str, T)>) -> FastMap<Box<str>, T> {
            let mut m = FastMap::with_capacity_and_hasher(ids.len(), Default::default());
            m.extend(ids.map(|(id, v)| (Box::from(id), v)));
            m
        }
        let components = inv.components.iter().enumerate();
        let domains = inv.domains.iter().enumerate();
        let targets = components
            .map(|(i, c)| (c.id.as_str(), FailureTarget::Component(Idx::new(i))))
            .chain(domains.map(|(i, d)| (d.id.as_str(), FailureTarget::Domain(Idx::new(i)))));
        let principals = (inv.people.iter().enumerate())
            .map(|(i, p)| (p.id.as_str(), Principal::Person(Idx::new(i))))
            .chain(
                (inv.service_accounts.iter().enumerate())
                    .map(|(i, s)| (s.id.as_str(), Principal::ServiceAccount(Idx::new(i)))),
            )
            .chain((inv.groups.iter().enumerate()).map(|(i, g)| (g.id.as_str(), Principal::Group(Idx::new(i)))));
        let mut t = FastMap::with_capacity_and_hasher(inv.components.len() + inv.domains.len(), Default::default());
        t.extend(targets.map(|(id, v)| (Box::from(id), v)));
        let mut p = FastMap::with_capacity_and_hasher(
            inv.people.len() + inv.service_accounts.len() + inv.groups.len(),
            Default::default(),
        );
        p.extend(principals.map(|(id, v)| (Box::from(id), v)));
        Lookups {
            targets: t,
            principals: p,
            systems: map(inv
                .systems
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), Idx::new(i)))),
            credentials: map(inv
                .credentials
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), Idx::new(i)))),
            policies: map(inv
                .backup_policies
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), Idx::new(i)))),
            jobs: map(inv.jobs.iter().enumerate().map(|(i, j)| (j.id.as_str(), Idx::new(i)))),
            experiments: map(inv
                .experiments
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.as_str(), Idx::new(i)))),
            incidents: map(inv
                .incidents
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), Idx::new(i)))),
            problems: map(inv
                .problems
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), Idx::new(i)))),
        }
    }
}

/// Options for loading an inventory.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Bounds on file size, nesting and alias expansion.
    pub limits: LoadLimits,
    /// Backstage catalog files or directories (`.yaml`, `.yml`, read
    /// recursively) to load as a source of components, people and groups.
    /// Entities that the inventory files define with the same id as an
    /// imported one are overlays: they add to it (see `docs/backstage.md`).
    pub backstage: Vec<PathBuf>,
    /// What to infer from those catalogs where they have no `ops.dev/*`
    /// annotations: entry points from `spec.type`, dependencies from
    /// `consumesApis` and `subcomponentOf`
    /// ([`BackstageInference::none`](crate::import::BackstageInference::none) for nothing).
    pub backstage_infer: crate::import::BackstageInference,
    /// The JSON of `terraform show -json` (states, or plans) to load as a
    /// source of components, domains, access and backup policies (see
    /// `docs/terraform.md`). Inventory files overlay what they define with
    /// the same ids, as for Backstage: a person entry saying an IAM user has
    /// left, an owner or a dependency the state cannot know.
    pub terraform: Vec<PathBuf>,
    /// Kubernetes dumps (`kubectl get ... -A -o json`) and manifest files
    /// or directories (`.json`, `.yaml`, `.yml`) to load as a source of
    /// components, domains, principals, grants, backup policies and jobs
    /// (see `docs/kubernetes.md`); inventory files overlay them as they do
    /// a Backstage catalog.
    pub kubernetes: Vec<PathBuf>,
    /// The name of that cluster (its failure domain and RBAC system);
    /// `None`: [`KubernetesOptions::DEFAULT_CLUSTER`](crate::import::KubernetesOptions::DEFAULT_CLUSTER).
    pub kubernetes_cluster: Option<String>,
    /// Inventory texts already in memory (such as standard input), each
    /// with the name its locations use and its format, loaded beside the
    /// files. Each is held to `limits.max_file_bytes` like a file.
    pub texts: Vec<(String, crate::Format, String)>,
    /// The instant the `person` failure domains are derived for (see
    /// [`Inventory::derive_person_domains`]); `None`: every grant counts.
    pub at: Option<crate::Timestamp>,
}

impl Inventory {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        components: Vec<Component>,
        entries: Vec<Idx<Component>>,
        domains: Vec<Domain>,
        people: Vec<Person>,
        service_accounts: Vec<ServiceAccount>,
        groups: Vec<Group>,
        systems: Vec<System>,
        grants: Vec<Grant>,
        credentials: Vec<Credential>,
        access_events: Vec<AccessEvent>,
        backup_policies: Vec<BackupPolicy>,
        backup_runs: Vec<BackupRun>,
        restore_drills: Vec<RestoreDrill>,
        incidents: Vec<Incident>,
        problems: Vec<Problem>,
        changes: Vec<Change>,
    ) -> Inventory {
        let written_domains = domains.len();
        Inventory {
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
            jobs: Vec::new(),
            job_runs: Vec::new(),
            experiments: Vec::new(),
            incidents,
            problems,
            changes,
            notes: Vec::new(),
            derived: DerivedDomains {
                first_domain: written_domains,
                memberships: Vec::new(),
            },
            waivers: Vec::new(),
            by_id: OnceLock::new(),
        }
    }

    /// Derives the `person` failure domains again, for the instant `at`:
    /// each person who alone can administer a system that is a component
    /// becomes a failure domain of those components, counting only the
    /// grants in force at `at` and the people who had not left by then
    /// (`None`: every grant, and the people not recorded as departed, which
    /// is how loading derives them). What an earlier derivation added is
    /// taken away first; domains and memberships written in the inventory
    /// stay. Failure analysis made before the call does not see the change.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// let mut inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components: [{id: db, entry: true}]
    /// people: [{id: ana}, {id: ben}]
    /// systems: [{id: db-admin, component: db}]
    /// grants:
    ///   - {principal: ana, system: db-admin, level: admin}
    ///   - {principal: ben, system: db-admin, level: admin, expires_at: 2026-06-01}
    /// ")?;
    /// let db = inv.component(inv.component_by_id("db").expect("defined"));
    /// assert!(db.domains.is_empty()); // two admins
    /// inv.derive_person_domains(Some("2026-07-01T00:00:00Z".parse()?));
    /// let db = inv.component(inv.component_by_id("db").expect("defined"));
    /// assert_eq!(inv.domain(db.domains[0]).id, "ana"); // ben's grant has expired
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn derive_person_domains(&mut self, at: Option<crate::Timestamp>) {
        for (c, d) in std::mem::take(&mut self.derived.memberships) {
            self.components[c.index()].domains.retain(|&x| x != d);
        }
        if self.domains.len() > self.derived.first_domain {
            self.domains.truncate(self.derived.first_domain);
            self.by_id = OnceLock::new();
        }
        let sole = crate::access::sole_admins(self, at);
        self.add_person_domains(sole);
    }

    /// Sets the validated waivers.
    pub(crate) fn set_waivers(&mut self, waivers: Vec<Waiver>) {
        self.waivers = waivers;
    }

    /// Puts the components of each person in `sole` (the systems exactly one
    /// person can administer, [`crate::access::sole_admins`]) into a failure domain of kind `person` standing for that
    /// person, so failure analysis sees the bus factor. The domain is the
    /// one with the person's id if that is a `person` domain already,
    /// otherwise a new one named after the person (`person:<id>` when the id
    /// is taken by a component or another kind of domain).
    fn add_person_domains(&mut self, sole: Vec<(Idx<Person>, Vec<Idx<Component>>)>) {
        for (person, components) in sole {
            let p = &self.people[person.index()];
            let existing = self.target_by_id(&p.id);
            let domain = match existing {
                Some(FailureTarget::Domain(d)) if self.domains[d.index()].kind == DomainKind::Person => d,
                None => self.new_person_domain(p.id.clone(), person),
                Some(_) => {
                    let id = format!("person:{}", p.id);
                    match self.target_by_id(&id) {
                        None => self.new_person_domain(id, person),
                        Some(FailureTarget::Domain(d)) if self.domains[d.index()].kind == DomainKind::Person => d,
                        Some(_) => continue,
                    }
                }
            };
            for c in components {
                let domains = &mut self.components[c.index()].domains;
                if !domains.contains(&domain) {
                    domains.push(domain);
                    self.derived.memberships.push((c, domain));
                }
            }
        }
    }

    fn new_person_domain(&mut self, id: String, person: Idx<Person>) -> Idx<Domain> {
        let p = &self.people[person.index()];
        let idx = Idx::new(self.domains.len());
        // The id lookups are built on first use: rebuild them with this domain.
        self.by_id = OnceLock::new();
        self.domains.push(Domain {
            id,
            kind: DomainKind::Person,
            parent: None,
            name: p.name.clone(),
            description: Some(format!(
                "derived: '{}' is the only person who can administer a system this domain's components are",
                p.id
            )),
            location: p.location.clone(),
        });
        idx
    }

    fn by_id(&self) -> &Lookups {
        self.by_id.get_or_init(|| Lookups::new(self))
    }

    /// All components, in definition order; `Idx<Component>` indexes this slice.
    pub fn components(&self) -> &[Component] {
        &self.components
    }
    /// The components, for tests that give one an id loading would refuse
    /// (renderers must escape it all the same).
    #[cfg(test)]
    pub(crate) fn components_mut(&mut self) -> &mut [Component] {
        &mut self.components
    }
    /// The entry points (components with `entry: true`), in definition order.
    ///
    /// ```
    /// use ops_core::{Format, Inventory};
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
    /// components:
    ///   - {id: db}
    ///   - {id: shop, entry: true, depends_on: [db]}
    /// ")?;
    /// let ids: Vec<&str> = inv.entries().iter().map(|&c| inv.component(c).id.as_str()).collect();
    /// assert_eq!(ids, ["shop"]);
    /// # Ok::<(), ops_core::Error>(())
    /// ```
    pub fn entries(&self) -> &[Idx<Component>] {
        &self.entries
    }
    /// The component at `idx`.
    pub fn component(&self, idx: Idx<Component>) -> &Component {
        &self.components[idx.index()]
    }
    /// The index of the component at `position` in [`Inventory::components`],
    /// if there is one: for callers holding plain positions (a plugin host).
    pub fn component_idx(&self, position: usize) -> Option<Idx<Component>> {
        (position < self.components.len()).then(|| Idx::new(position))
    }
    /// The component with this id.
    pub fn component_by_id(&self, id: &str) -> Option<Idx<Component>> {
        match self.by_id().targets.get(id)? {
            FailureTarget::Component(c) => Some(*c),
            FailureTarget::Domain(_) => None,
        }
    }
    /// All failure domains.
    pub fn domains(&self) -> &[Domain] {
        &self.domains
    }
    /// The domain at `idx`.
    pub fn domain(&self, idx: Idx<Domain>) -> &Domain {
        &self.domains[idx.index()]
    }
    /// The index of the domain at `position` in [`Inventory::domains`], if
    /// there is one.
    pub fn domain_idx(&self, position: usize) -> Option<Idx<Domain>> {
        (position < self.domains.len()).then(|| Idx::new(position))
    }
    /// The domain with this id.
    pub fn domain_by_id(&self, id: &str) -> Option<Idx<Domain>> {
        match self.by_id().targets.get(id)? {
            FailureTarget::Domain(d) => Some(*d),
            FailureTarget::Component(_) => None,
        }
    }
    /// The component or domain with this id (they share one namespace).
    pub fn target_by_id(&self, id: &str) -> Option<FailureTarget> {
        self.by_id().targets.get(id).copied()
    }
    /// All people.
    pub fn people(&self) -> &[Person] {
        &self.people
    }
    /// The person at `idx`.
    pub fn person(&self, idx: Idx<Person>) -> &Person {
        &self.people[idx.index()]
    }
    /// The person with this id.
    pub fn person_by_id(&self, id: &str) -> Option<Idx<Person>> {
        match self.principal_by_id(id)? {
            Principal::Person(p) => Some(p),
            _ => None,
        }
    }
    /// All service accounts.
    pub fn service_accounts(&self) -> &[ServiceAccount] {
        &self.service_accounts
    }
    /// All groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
    /// The person, service account or group with this id.
    pub fn principal_by_id(&self, id: &str) -> Option<Principal> {
        self.by_id().principals.get(id).copied()
    }
    /// The id of a principal.
    pub fn principal_id(&self, p: Principal) -> &str {
        match p {
            Principal::Person(i) => &self.people[i.index()].id,
            Principal::ServiceAccount(i) => &self.service_accounts[i.index()].id,
            Principal::Group(i) => &self.groups[i.index()].id,
        }
    }
    /// All systems.
    pub fn systems(&self) -> &[System] {
        &self.systems
    }
    /// The system with this id.
    pub fn system_by_id(&self, id: &str) -> Option<Idx<System>> {
        self.by_id().systems.get(id).copied()
    }
    /// All grants.
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }
    /// All credentials.
    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }
    /// The credential with this id.
    pub fn credential_by_id(&self, id: &str) -> Option<Idx<Credential>> {
        self.by_id().credentials.get(id).copied()
    }
    /// All access events.
    pub fn access_events(&self) -> &[AccessEvent] {
        &self.access_events
    }
    /// All backup policies.
    pub fn backup_policies(&self) -> &[BackupPolicy] {
        &self.backup_policies
    }
    /// The backup policy with this id.
    pub fn backup_policy_by_id(&self, id: &str) -> Option<Idx<BackupPolicy>> {
        self.by_id().policies.get(id).copied()
    }
    /// All backup runs.
    pub fn backup_runs(&self) -> &[BackupRun] {
        &self.backup_runs
    }
    /// All restore drills.
    pub fn restore_drills(&self) -> &[RestoreDrill] {
        &self.restore_drills
    }
    /// All scheduled jobs.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }
    /// The job at `idx`.
    pub fn job(&self, idx: Idx<Job>) -> &Job {
        &self.jobs[idx.index()]
    }
    /// The scheduled job with this id.
    pub fn job_by_id(&self, id: &str) -> Option<Idx<Job>> {
        self.by_id().jobs.get(id).copied()
    }
    /// All failover drills and chaos experiments, in definition order.
    pub fn experiments(&self) -> &[Experiment] {
        &self.experiments
    }
    /// The experiment at `idx`.
    pub fn experiment(&self, idx: Idx<Experiment>) -> &Experiment {
        &self.experiments[idx.index()]
    }
    /// The experiment with this id.
    pub fn experiment_by_id(&self, id: &str) -> Option<Idx<Experiment>> {
        self.by_id().experiments.get(id).copied()
    }
    /// All job runs.
    pub fn job_runs(&self) -> &[JobRun] {
        &self.job_runs
    }
    /// All incidents.
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }
    /// The incident with this id.
    pub fn incident_by_id(&self, id: &str) -> Option<Idx<Incident>> {
        self.by_id().incidents.get(id).copied()
    }
    /// All problems.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
    /// The problem with this id.
    pub fn problem_by_id(&self, id: &str) -> Option<Idx<Problem>> {
        self.by_id().problems.get(id).copied()
    }
    /// All changes.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
    /// The accepted risks of the `waivers:` section, in definition order
    /// (expired ones included: `inventory/expired-waiver` reports them).
    pub fn waivers(&self) -> &[Waiver] {
        &self.waivers
    }
    /// What loading skipped on purpose, with where: Backstage entities of
    /// kinds ops does not import (API, Location, Template, ...). Empty
    /// without a Backstage catalog.
    pub fn notes(&self) -> &[Diagnostic] {
        &self.notes
    }
}

/// The JSON Schema (draft 2020-12) of an inventory file, generated from the
/// types the loader reads, for editor completion and validation.
///
/// ```
/// let schema = ops_core::inventory::schema();
/// assert!(schema["properties"]["components"].is_object());
/// ```
pub fn schema() -> serde_json::Value {
    let schema = schemars::schema_for!(raw::RawFile<'static>);
    schema.to_value()
}
