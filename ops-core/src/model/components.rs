//! Components, redundancy rules and failure domains.

use super::people::Principal;
use crate::{Idx, Location};

/// Anything that can fail and that others can depend on.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Component {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// What sort of component it is.
    pub kind: ComponentKind,
    /// Free text.
    pub description: Option<String>,
    /// A user-facing entry point.
    pub entry: bool,
    /// When it is up, given its dependencies.
    pub requires: Requirement,
    /// What it needs, in the order written.
    pub depends_on: Vec<Idx<Component>>,
    /// Criticality, 1 (most critical) to 4; `None` if not stated.
    pub tier: Option<u8>,
    /// Owning principals.
    pub owners: Vec<Principal>,
    /// Failure domains it lives in directly (not their parents).
    pub domains: Vec<Idx<Domain>>,
    /// Holds data that must be backed up.
    pub stateful: bool,
    /// Probability of being up on its own.
    pub availability: Option<f64>,
    /// Target availability, for entries.
    pub slo: Option<f64>,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// Never fails on its own, only through its dependencies: a cluster, a
    /// pool, a pair of providers. It is never a single point of failure, a
    /// member of a double fault or a basic event of a fault tree, and it has
    /// no availability of its own; it still carries failure to what depends
    /// on it, and its failure domains still take it down.
    pub logical: bool,
    /// Written with `replicas:`: the component stands for that many identical
    /// instances. Its `depends_on` then lists the instances (what was written
    /// applies to each instance), its `requires` is "at least `min` of them",
    /// and it is [`logical`](Component::logical). Boxed: few components
    /// have it, and a component's size decides whether validation can build
    /// the model in the memory of what it read (see `validate`).
    pub replicas: Option<Box<Replicas>>,
    /// One instance of a component written with `replicas:`: its id is the
    /// component's followed by `#` and the instance's number (`web#2`).
    pub instance: Option<Instance>,
    /// Where it is defined.
    pub location: Location,
}

/// The most instances one component may have (`replicas: 10000`).
pub const MAX_REPLICAS: u32 = 10_000;
/// The most instances an inventory may hold in all: each is a component.
pub const MAX_INSTANCES: usize = 1_000_000;

/// How a component written with `replicas:` is replicated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Replicas {
    /// How many instances.
    pub count: u32,
    /// How many must be up for the component to be up.
    pub min: u32,
    /// The domains the instances are spread over: instance `i` (1-based) is
    /// placed in `spread[(i - 1) % spread.len()]`.
    pub spread: Vec<Idx<Domain>>,
    /// The first instance; the others follow it, in order.
    pub first: Idx<Component>,
}

impl Replicas {
    /// The instances, `#1` first.
    pub fn instances(&self) -> impl ExactSizeIterator<Item = Idx<Component>> + use<> {
        let first = self.first.index();
        (first..first + self.count as usize).map(Idx::new)
    }
}

/// Which component an instance belongs to, and its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Instance {
    /// The component written with `replicas:`.
    pub of: Idx<Component>,
    /// 1-based.
    pub number: u32,
}

/// The kinds of component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ComponentKind {
    /// An application service (the default).
    Service,
    /// A database.
    Database,
    /// A message queue or log.
    Queue,
    /// A cache.
    Cache,
    /// An object store (S3 and the like).
    ObjectStore,
    /// A file store (NFS, EFS, a disk).
    FileStore,
    /// DNS.
    Dns,
    /// A load balancer.
    LoadBalancer,
    /// A content delivery network.
    Cdn,
    /// Continuous integration and delivery.
    Ci,
    /// A network link or device.
    Network,
    /// Machines, VMs, clusters.
    Compute,
    /// A third-party service.
    External,
    /// Anything else.
    Other,
}

impl ComponentKind {
    /// Whether components of this kind hold data by default.
    pub fn stateful_by_default(self) -> bool {
        matches!(
            self,
            ComponentKind::Database | ComponentKind::Queue | ComponentKind::ObjectStore | ComponentKind::FileStore
        )
    }

    /// The name used in inventory files.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Service => "service",
            ComponentKind::Database => "database",
            ComponentKind::Queue => "queue",
            ComponentKind::Cache => "cache",
            ComponentKind::ObjectStore => "object_store",
            ComponentKind::FileStore => "file_store",
            ComponentKind::Dns => "dns",
            ComponentKind::LoadBalancer => "load_balancer",
            ComponentKind::Cdn => "cdn",
            ComponentKind::Ci => "ci",
            ComponentKind::Network => "network",
            ComponentKind::Compute => "compute",
            ComponentKind::External => "external",
            ComponentKind::Other => "other",
        }
    }
}

/// When a component is up, given which of its dependencies are up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// Needs every dependency (the default).
    All,
    /// Needs at least one dependency.
    Any,
    /// Needs at least this many dependencies (1 ≤ k ≤ number of dependencies).
    AtLeast(u32),
}

impl Requirement {
    /// How many dependencies must be up, out of `n`.
    ///
    /// ```
    /// use ops_core::graph::Requirement;
    /// assert_eq!(Requirement::All.needed(3), 3);
    /// assert_eq!(Requirement::Any.needed(3), 1);
    /// assert_eq!(Requirement::AtLeast(2).needed(3), 2);
    /// ```
    pub fn needed(self, n: usize) -> usize {
        match self {
            Requirement::All => n,
            Requirement::Any => n.min(1),
            Requirement::AtLeast(k) => k as usize,
        }
    }
}

/// A failure domain: when it fails, every member fails, and so does every
/// domain nested inside it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Domain {
    /// Unique id (shared namespace with components).
    pub id: String,
    /// What sort of domain.
    pub kind: DomainKind,
    /// The domain this one is inside.
    pub parent: Option<Idx<Domain>>,
    /// Human-readable name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Where it is defined.
    pub location: Location,
}

/// Kinds of failure domain.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DomainKind {
    /// An availability zone or data centre.
    Zone,
    /// A region.
    Region,
    /// A cloud or hosting provider.
    Provider,
    /// A power feed.
    Power,
    /// A network segment or link.
    Network,
    /// A person whose absence stops things.
    Person,
    /// A credential whose loss or misuse stops things.
    Credential,
    /// A kind of your own.
    Custom(String),
}

impl DomainKind {
    /// The built-in kinds' names.
    pub const BUILT_IN: &'static [&'static str] =
        &["zone", "region", "provider", "power", "network", "person", "credential"];

    /// The name used in inventory files.
    pub fn as_str(&self) -> &str {
        match self {
            DomainKind::Zone => "zone",
            DomainKind::Region => "region",
            DomainKind::Provider => "provider",
            DomainKind::Power => "power",
            DomainKind::Network => "network",
            DomainKind::Person => "person",
            DomainKind::Credential => "credential",
            DomainKind::Custom(s) => s,
        }
    }
}
