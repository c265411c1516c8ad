//! Kubernetes as an inventory source: the JSON of `kubectl get KINDS -A -o
//! json` (a `v1` `List`) and manifest files (multi-document YAML or JSON)
//! as components, failure domains, principals, grants, backup policies and
//! jobs. The mapping is documented in `docs/kubernetes.md`.
//!
//! - [`objects`]: reading inputs into objects, selectors, counts;
//! - [`nodes`]: Nodes as components in zone, region and cluster domains;
//! - [`workloads`]: Deployments, StatefulSets and DaemonSets, their pods
//!   (through ReplicaSets) and disruption budgets;
//! - [`network`]: Services and Ingresses, the entry points;
//! - [`rbac`]: bindings as grants on the cluster and its namespaces;
//! - [`batch`]: CronJobs as jobs and backups, Velero schedules.

mod annotations;
mod batch;
mod network;
mod nodes;
mod objects;
mod rbac;
mod workloads;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Files, Imported, Importer, ImporterInfo, Input, Place, Section, check_id};
use crate::source::node::Node;
use crate::{Format, LoadLimits, Location};

use objects::Object;

/// How to read a Kubernetes dump or manifests.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KubernetesOptions {
    /// Bounds on the input files: size, nesting, YAML alias expansion.
    pub limits: LoadLimits,
    /// The cluster's name: the id of its failure domain (of kind
    /// `cluster`) and of the system its ClusterRoleBindings grant on
    /// (`kubernetes` unless set).
    pub cluster: String,
}

impl KubernetesOptions {
    /// The default name of the cluster.
    pub const DEFAULT_CLUSTER: &'static str = "kubernetes";

    /// Options for the cluster called `cluster`.
    pub fn new(cluster: impl Into<String>) -> Self {
        KubernetesOptions {
            limits: LoadLimits::default(),
            cluster: cluster.into(),
        }
    }
}

impl Default for KubernetesOptions {
    fn default() -> Self {
        KubernetesOptions::new(KubernetesOptions::DEFAULT_CLUSTER)
    }
}

impl AsRef<LoadLimits> for KubernetesOptions {
    fn as_ref(&self) -> &LoadLimits {
        &self.limits
    }
}

/// The Kubernetes importer (`kubernetes`): a cluster dump or manifests as
/// an inventory.
///
/// Deployments, StatefulSets and DaemonSets become logical components
/// `NAMESPACE/NAME` that are up while enough of their running pods
/// (`NAMESPACE/pod/NAME`, each depending on `node/NAME`) are up: any one,
/// or `at_least` what a PodDisruptionBudget keeps. Nodes are in zone,
/// region and cluster failure domains; Ingresses and Services of type
/// LoadBalancer or NodePort are entry points; RoleBindings and
/// ClusterRoleBindings are grants; CronJobs are jobs (or backup policies,
/// with `ops.dev/backup-of`), Velero schedules backup policies. What it does
/// not read (other kinds, pods that are not running, system users) is
/// skipped with a note naming the object; only input that is not a
/// Kubernetes object at all is a problem. See `docs/kubernetes.md`.
///
/// ```
/// use ops_core::import::{Importer, Input, Kubernetes, KubernetesOptions, Section};
///
/// let dump = r#"{"apiVersion": "v1", "kind": "List", "items": [
///   {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "uid": "u-n1",
///     "labels": {"topology.kubernetes.io/zone": "eu-west-1a", "topology.kubernetes.io/region": "eu-west-1"}}},
///   {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "uid": "u-d"},
///     "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}}},
///   {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "uid": "u-p",
///     "labels": {"app": "web"},
///     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u-d", "controller": true}]},
///     "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}},
///   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"}}
/// ]}"#;
/// let imported = Kubernetes.import(&[Input::new("dump.json", dump)], &KubernetesOptions::new("prod"))?;
/// assert_eq!(imported.count(Section::Components), 3); // node/n1, shop/web, shop/pod/web-1
/// assert_eq!(imported.count(Section::Domains), 3); // prod, eu-west-1, eu-west-1a
/// assert_eq!(imported.notes()[0].to_string(),
///     "dump.json:10:3: skipped ConfigMap shop/cfg: ops does not read ConfigMap objects");
/// # Ok::<(), ops_core::Error>(())
/// ```
///
/// # Complexity
/// Linear in the size of the input, plus, for each label selector, the
/// objects of its namespace that carry its first `matchLabels` label (all
/// of its namespace's pods when it has only `matchExpressions`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Kubernetes;

const INFO: ImporterInfo = ImporterInfo {
    name: "kubernetes",
    reads: "`kubectl get ... -A -o json` and Kubernetes manifests",
    files: Files::Tree {
        formats: &[Format::Json, Format::Yaml],
        what: "Kubernetes",
    },
    produces: &[
        Section::Components,
        Section::Domains,
        Section::People,
        Section::ServiceAccounts,
        Section::Groups,
        Section::Systems,
        Section::Grants,
        Section::BackupPolicies,
        Section::Jobs,
        Section::JobRuns,
    ],
};

impl Importer for Kubernetes {
    type Options = KubernetesOptions;
    const INFO: &'static ImporterInfo = &INFO;

    fn read(&self, inputs: &[Input<'_>], options: &KubernetesOptions) -> Imported {
        let mut out = Imported::new();
        let mut docs = Vec::new();
        for input in inputs {
            if !super::within_limit(input, &options.limits, &mut out) {
                out.incomplete = true;
                continue;
            }
            let name: Arc<str> = Arc::from(input.name);
            let text = input.text.strip_prefix('\u{feff}').unwrap_or(input.text);
            // Manifests are YAML whatever their name; JSON is YAML too, but
            // JSON's own parser gives clearer errors on a `.json` dump.
            let format = match Format::from_path(input.name.as_ref()) {
                Some(Format::Json) => Format::Json,
                _ => Format::Yaml,
            };
            match crate::source::parse(&name, text, format, &options.limits, None) {
                Ok(d) => docs.extend(d),
                Err(d) => {
                    let (place, message) = super::problem::from_diagnostic(d);
                    out.problem(place, message);
                    out.incomplete = true;
                }
            }
        }
        let objects = objects::flatten(&docs, &mut out);
        if let Err(why) = check_id(&options.cluster) {
            out.problem(
                Place::none(),
                format!("cluster name '{}' is not a valid id: {why}", options.cluster),
            );
            return out;
        }
        let mut cluster = Cluster::new(&objects, &options.cluster);
        cluster.map(&mut out);
        cluster.finish(&mut out);
        out
    }
}

/// The kinds this reader reads, by `kind` (any API group).
const KINDS: &[&str] = &[
    "Node",
    "Pod",
    "ReplicaSet",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "PodDisruptionBudget",
    "Service",
    "Ingress",
    "IngressClass",
    "Namespace",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "CronJob",
    "Job",
    "Schedule",
    "Backup",
    "PersistentVolumeClaim",
];

/// The objects of a cluster by kind, and what the mapping builds from them.
struct Cluster<'n> {
    name: &'n str,
    by_kind: BTreeMap<&'n str, Vec<Object<'n>>>,
    /// Objects by `metadata.uid`.
    by_uid: HashMap<&'n str, Object<'n>>,
    /// Entities built, by section, in the order they are written.
    entities: BTreeMap<Section, Vec<Node>>,
    /// Ids already given to components and domains (one namespace), with
    /// the object that took each.
    taken: HashMap<String, String>,
    /// Notes, kept to be written in input order.
    notes: Vec<(Location, String)>,
    /// The ids of the workload components, by namespace and name.
    workload_ids: HashMap<(&'n str, &'n str), String>,
    /// The stateful workloads of each namespace, for Velero.
    stateful_by_ns: BTreeMap<&'n str, Vec<String>>,
    /// What Services and budgets select (see [`workloads::Pool`]).
    pool: workloads::Pool<'n>,
    /// The ids of the Services' components, by namespace and name.
    service_ids: HashMap<(&'n str, &'n str), String>,
    /// The ids of the node components written.
    node_ids: std::collections::BTreeSet<String>,
    /// Ids taken in the namespaces of jobs and of backup policies.
    taken_jobs: std::collections::HashSet<String>,
    taken_policies: std::collections::HashSet<String>,
    /// `ops.dev/owner` of each Namespace.
    namespace_owner: HashMap<&'n str, (&'n str, &'n Location)>,
}

impl<'n> Cluster<'n> {
    fn new(objects: &[Object<'n>], name: &'n str) -> Cluster<'n> {
        let mut by_kind: BTreeMap<&str, Vec<Object<'n>>> = BTreeMap::new();
        let mut by_uid = HashMap::new();
        let mut notes = Vec::new();
        for o in objects {
            if !KINDS.contains(&o.kind) {
                notes.push((
                    o.at().clone(),
                    format!("skipped {}: ops does not read {} objects", o.describe(), o.kind),
                ));
                continue;
            }
            if let Some(uid) = o.uid() {
                by_uid.insert(uid, *o);
            }
            by_kind.entry(o.kind).or_default().push(*o);
        }
        let mut namespace_owner = HashMap::new();
        for ns in by_kind.get("Namespace").into_iter().flatten() {
            if let Some(owner) = ns.annotation("ops.dev/owner") {
                namespace_owner.insert(ns.name, owner);
            }
        }
        Cluster {
            name,
            by_kind,
            by_uid,
            entities: BTreeMap::new(),
            taken: HashMap::new(),
            notes,
            workload_ids: HashMap::new(),
            stateful_by_ns: BTreeMap::new(),
            pool: workloads::Pool::default(),
            service_ids: HashMap::new(),
            node_ids: std::collections::BTreeSet::new(),
            taken_jobs: std::collections::HashSet::new(),
            taken_policies: std::collections::HashSet::new(),
            namespace_owner,
        }
    }

    /// The objects of `kind`, in input order.
    fn of(&self, kind: &str) -> Vec<Object<'n>> {
        self.by_kind.get(kind).cloned().unwrap_or_default()
    }

    fn note(&mut self, at: &Location, message: impl Into<String>) {
        self.notes.push((at.clone(), message.into()));
    }

    /// Claims `id` for `object` in the namespace of components and domains:
    /// `false`, with a note, when it is not a valid id or already taken.
    fn claim(&mut self, id: &str, object: &Object<'_>) -> bool {
        if let Err(why) = check_id(id) {
            self.note(
                object.at(),
                format!(
                    "skipped {}: its id '{id}' is not a valid inventory id ({why})",
                    object.describe()
                ),
            );
            return false;
        }
        if let Some(first) = self.taken.get(id) {
            let message = format!("skipped {}: id '{id}' is already {first}", object.describe());
            self.note(object.at(), message);
            return false;
        }
        self.taken.insert(id.to_owned(), object.describe());
        true
    }

    fn push(&mut self, section: Section, entity: Node) {
        self.entities.entry(section).or_default().push(entity);
    }

    fn map(&mut self, out: &mut Imported) {
        self.nodes();
        self.workloads(out);
        self.network(out);
        self.rbac();
        self.batch(out);
    }

    fn finish(&mut self, out: &mut Imported) {
        for (section, list) in std::mem::take(&mut self.entities) {
            for entity in list {
                out.push(section, entity);
            }
        }
        let mut notes = std::mem::take(&mut self.notes);
        notes.sort_by(|a, b| a.0.cmp(&b.0));
        for (at, message) in notes {
            out.note(Place::from(&at), message);
        }
    }
}
