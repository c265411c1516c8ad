//! Deployments, StatefulSets and DaemonSets, their pods and their
//! disruption budgets.
//!
//! A workload is the logical component `NAMESPACE/NAME`: up while enough of
//! its running pods are (any one, or `at_least` what a budget keeps, never
//! more than the pods running). Each running pod is a component
//! `NAMESPACE/pod/NAME` that needs its node and what the workload's
//! `ops.dev/depends-on` names. Manifests have no pods: there the workload is
//! `replicas: {count: spec.replicas, min: ...}`.

use std::collections::HashMap;

use super::Cluster;
use super::annotations::{self, Ops};
use super::nodes::node_id;
use super::objects::{IntOrPercent, Labels, Object, Selector, items, string_map};
use crate::Location;
use crate::import::{EntityBuilder, Imported, Section};
use crate::source::node::{Node, Value};

/// The annotations ops reads on workloads.
const WORKLOAD_ANNOTATIONS: &[&str] = &["entry", "tier", "owner", "depends-on", "stateful"];

/// The most instances the inventory's `replicas` allows.
const MAX_REPLICAS: u64 = 10_000;

/// The kinds that are workloads.
pub(super) const WORKLOAD_KINDS: [&str; 3] = ["Deployment", "StatefulSet", "DaemonSet"];

struct Workload<'n> {
    obj: Object<'n>,
    id: String,
    /// Running pods.
    pods: Vec<Object<'n>>,
    /// How many pods the controller wants (the base of percentages).
    expected: u64,
    /// How many must be up, from disruption budgets (0: none applies).
    need: u64,
    ops: Ops<'n>,
    stateful: bool,
}

/// What a Service or a budget selects: a workload by its pod template's
/// labels, or a pod no controller owns by its own.
pub(super) struct Selectable<'n> {
    pub(super) labels: Labels<'n>,
    /// The component id.
    pub(super) id: String,
    /// Index into the workloads, for budgets.
    workload: Option<usize>,
}

/// Selectables by namespace, with an index by label for selectors.
#[derive(Default)]
pub(super) struct Pool<'n> {
    by_ns: HashMap<&'n str, Vec<Selectable<'n>>>,
    by_label: HashMap<(&'n str, &'n str, &'n str), Vec<usize>>,
}

impl<'n> Pool<'n> {
    fn add(&mut self, ns: &'n str, s: Selectable<'n>) {
        let list = self.by_ns.entry(ns).or_default();
        for (k, v) in &s.labels {
            self.by_label.entry((ns, k, v)).or_default().push(list.len());
        }
        list.push(s);
    }

    /// The selectables of namespace `ns` that `selector` matches, in the
    /// order added.
    pub(super) fn select(&self, ns: &str, selector: &Selector<'_>) -> Vec<&Selectable<'n>> {
        let Some(list) = self.by_ns.get(ns) else {
            return Vec::new();
        };
        let candidates: Vec<usize> = match selector.first_label() {
            Some((k, v)) => self.by_label.get(&(ns, k, v)).cloned().unwrap_or_default(),
            None => (0..list.len()).collect(),
        };
        candidates
            .into_iter()
            .map(|i| &list[i])
            .filter(|s| selector.matches(&s.labels))
            .collect()
    }
}

impl<'n> Cluster<'n> {
    /// Workloads, pods and budgets; fills `self.pool` for Services.
    pub(super) fn workloads(&mut self, out: &mut Imported) {
        let mut workloads: Vec<Workload<'n>> = Vec::new();
        let mut by_uid: HashMap<&str, usize> = HashMap::new();
        let nodes = self.of("Node").len() as u64;
        for kind in WORKLOAD_KINDS {
            for o in self.of(kind) {
                let id = format!("{}/{}", o.ns(), o.name);
                if !self.claim(&id, &o) {
                    continue;
                }
                let ops = annotations::read(&o, WORKLOAD_ANNOTATIONS, out);
                let claims = !items(o.get(&["spec", "volumeClaimTemplates"])).is_empty();
                let mounts = items(o.get(&["spec", "template", "spec", "volumes"]))
                    .iter()
                    .any(|v| v.get("persistentVolumeClaim").is_some());
                let stateful = ops.stateful.map_or(claims || mounts, |(b, _)| b);
                let expected = match kind {
                    "DaemonSet" => o
                        .get(&["status", "desiredNumberScheduled"])
                        .and_then(super::objects::as_count)
                        .unwrap_or(nodes.max(1)),
                    _ => o
                        .get(&["spec", "replicas"])
                        .and_then(super::objects::as_count)
                        .unwrap_or(1),
                };
                if let Some(uid) = o.uid() {
                    by_uid.insert(uid, workloads.len());
                }
                workloads.push(Workload {
                    obj: o,
                    id,
                    pods: Vec::new(),
                    expected,
                    need: 0,
                    ops,
                    stateful,
                });
            }
        }
        // ReplicaSets lead to their Deployment; old ones (0 replicas) own no pods.
        let mut rs_workload: HashMap<&str, usize> = HashMap::new();
        for rs in self.of("ReplicaSet") {
            if let (Some(uid), Some(owner)) = (rs.uid(), rs.controller_uid())
                && let Some(&w) = by_uid.get(owner)
            {
                rs_workload.insert(uid, w);
            }
        }
        let all_pods = self.of("Pod");
        let mut bare = Vec::new();
        for pod in &all_pods {
            let owner = pod.controller_uid();
            let workload = owner.and_then(|u| by_uid.get(u).or_else(|| rs_workload.get(u)).copied());
            let workload = match (workload, owner) {
                (Some(w), _) => Some(w),
                (None, Some(uid)) => {
                    let by = self
                        .by_uid
                        .get(uid)
                        .map_or_else(|| format!("an owner (uid {uid}) not in the input"), |o| o.describe());
                    self.note(
                        pod.at(),
                        format!(
                            "skipped {}: it belongs to {by}, not to a Deployment, StatefulSet or DaemonSet",
                            pod.describe()
                        ),
                    );
                    continue;
                }
                // No controller: a workload whose selector picks it, if any.
                (None, None) => workloads.iter().position(|w| {
                    w.obj.ns() == pod.ns()
                        && w.obj
                            .get(&["spec", "selector"])
                            .and_then(|s| Selector::label_selector(s).ok())
                            .is_some_and(|s| !s.is_empty() && s.matches(&pod.labels()))
                }),
            };
            let phase = pod.str(&["status", "phase"]).unwrap_or("Unknown");
            if phase != "Running" {
                let reason = pod
                    .str(&["status", "reason"])
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                self.note(
                    pod.at(),
                    format!(
                        "skipped {}: it is {phase}{reason}, not running, so it is no capacity",
                        pod.describe()
                    ),
                );
                continue;
            }
            if pod.str(&["spec", "nodeName"]).is_none() {
                self.note(
                    pod.at(),
                    format!("skipped {}: running but on no node (spec.nodeName)", pod.describe()),
                );
                continue;
            }
            match workload {
                Some(w) => workloads[w].pods.push(*pod),
                None => bare.push(*pod),
            }
        }
        // What budgets select: workloads by their pod template.
        let mut pool = Pool::default();
        for (i, w) in workloads.iter().enumerate() {
            pool.add(
                w.obj.ns(),
                Selectable {
                    labels: string_map(w.obj.get(&["spec", "template", "metadata", "labels"])),
                    id: w.id.clone(),
                    workload: Some(i),
                },
            );
        }
        for pdb in self.of("PodDisruptionBudget") {
            self.budget(&pdb, &pool, &mut workloads);
        }
        let dump = !all_pods.is_empty();
        // What Services select: the workloads and bare pods written.
        let mut written = Pool::default();
        let mut pods = Vec::new();
        for w in &workloads {
            if let Some(c) = self.workload(w, dump, &mut pods) {
                self.push(Section::Components, c);
                self.workload_ids.insert((w.obj.ns(), w.obj.name), w.id.clone());
                if w.stateful {
                    self.stateful_by_ns.entry(w.obj.ns()).or_default().push(w.id.clone());
                }
                written.add(
                    w.obj.ns(),
                    Selectable {
                        labels: string_map(w.obj.get(&["spec", "template", "metadata", "labels"])),
                        id: w.id.clone(),
                        workload: None,
                    },
                );
            }
        }
        for pod in bare {
            let id = pod_id(&pod);
            if self.claim(&id, &pod) {
                let owner = self.owner_of(&pod, None);
                pods.push(self.pod(&pod, id.clone(), &[], false, owner));
                written.add(
                    pod.ns(),
                    Selectable {
                        labels: pod.labels(),
                        id,
                        workload: None,
                    },
                );
            }
        }
        for p in pods {
            self.push(Section::Components, p);
        }
        self.pool = written;
    }

    /// Applies a PodDisruptionBudget to the workloads it selects.
    fn budget(&mut self, pdb: &Object<'n>, pool: &Pool<'n>, workloads: &mut [Workload<'n>]) {
        let Some(sel) = pdb.get(&["spec", "selector"]) else {
            self.note(
                pdb.at(),
                format!("{}: no spec.selector, so it selects no pods; ignored", pdb.describe()),
            );
            return;
        };
        let selector = match Selector::label_selector(sel) {
            Ok(s) => s,
            Err(why) => {
                self.note(&sel.at, format!("{}: {why}; ignored", pdb.describe()));
                return;
            }
        };
        let min = pdb.get(&["spec", "minAvailable"]).map(|n| (IntOrPercent::read(n), n));
        let max = pdb.get(&["spec", "maxUnavailable"]).map(|n| (IntOrPercent::read(n), n));
        let rule = match (min, max) {
            (Some((Some(v), _)), _) => Budget::Min(v),
            (None, Some((Some(v), _))) => Budget::Max(v),
            (Some((None, n)), _) | (None, Some((None, n))) => {
                self.note(
                    &n.at,
                    format!(
                        "{}: expected a number of pods or a percentage such as \"50%\"; ignored",
                        pdb.describe()
                    ),
                );
                return;
            }
            (None, None) => {
                self.note(
                    pdb.at(),
                    format!("{}: neither minAvailable nor maxUnavailable; ignored", pdb.describe()),
                );
                return;
            }
        };
        let selected: Vec<usize> = pool
            .select(pdb.ns(), &selector)
            .iter()
            .filter_map(|s| s.workload)
            .collect();
        if selected.is_empty() {
            self.note(
                pdb.at(),
                format!("{} selects no workload's pods; ignored", pdb.describe()),
            );
            return;
        }
        for w in selected {
            let w = &mut workloads[w];
            let need = match rule {
                Budget::Min(v) => v.scaled(w.expected),
                Budget::Max(v) => w.expected.saturating_sub(v.scaled(w.expected)),
            };
            w.need = w.need.max(need);
        }
    }

    /// The component of a workload (and its pods into `pods`), or `None`
    /// with a note when it has nothing to stand for.
    fn workload(&mut self, w: &Workload<'n>, dump: bool, pods: &mut Vec<Node>) -> Option<Node> {
        let at = w.obj.at().clone();
        let owner = self.owner_of(&w.obj, w.ops.owner);
        let deps: Vec<(&str, &Location)> = w.ops.depends_on.clone();
        let mut c = EntityBuilder::new(at.clone()).str("id", &w.id);
        if let Some((e, at)) = w.ops.entry {
            c = c.node("entry", Node::new(Value::Bool(e), at.clone()));
        }
        if let Some((t, at)) = w.ops.tier {
            c = c.node("tier", Node::new(Value::Int(t), at.clone()));
        }
        if let Some((o, at)) = owner {
            c = c.node("owners", seq(&[(o, at)]));
        }
        let tags = vec![format!("kubernetes:{}", w.obj.kind)];
        if !dump {
            if w.expected == 0 {
                self.note(&at, format!("skipped {}: it is scaled to 0 replicas", w.obj.describe()));
                return None;
            }
            // Manifests: the replicas the controller keeps, without nodes.
            let count = if w.expected > MAX_REPLICAS {
                self.note(
                    &at,
                    format!(
                        "{}: {} replicas are more than ops models; modelled as {MAX_REPLICAS}",
                        w.obj.describe(),
                        w.expected
                    ),
                );
                MAX_REPLICAS
            } else {
                w.expected
            };
            let min = w.need.clamp(1, count);
            let mut replicas = EntityBuilder::new(at.clone()).opt_u64("count", Some(count));
            if min > 1 {
                replicas = replicas.opt_u64("min", Some(min));
            }
            c = c.node("replicas", replicas.build());
            if !deps.is_empty() {
                c = c.node("depends_on", seq(&deps));
            }
            if w.stateful {
                c = c.bool("stateful", true);
            }
            return Some(c.strs("tags", tags).build());
        }
        if w.pods.is_empty() {
            if w.expected == 0 {
                self.note(&at, format!("skipped {}: it is scaled to 0 replicas", w.obj.describe()));
                return None;
            }
            // Nothing runs: the workload is down, and fails on its own.
            self.note(
                &at,
                format!(
                    "{} has no running pods (it wants {}): it is a component that is down, not a logical one",
                    w.obj.describe(),
                    w.expected
                ),
            );
            if !deps.is_empty() {
                c = c.node("depends_on", seq(&deps));
            }
            let mut tags = tags;
            tags.push("kubernetes:no-running-pods".to_owned());
            if w.stateful {
                c = c.bool("stateful", true);
            }
            return Some(c.strs("tags", tags).build());
        }
        let running = w.pods.len() as u64;
        let need = w.need.min(running);
        if w.need > running {
            self.note(
                &at,
                format!(
                    "{}: its disruption budget keeps {} pods but {running} run; all {running} are needed",
                    w.obj.describe(),
                    w.need
                ),
            );
        }
        let mut pod_ids = Vec::new();
        for pod in &w.pods {
            let id = pod_id(pod);
            if self.claim(&id, pod) {
                pods.push(self.pod(pod, id.clone(), &deps, w.stateful, owner));
                pod_ids.push(id);
            }
        }
        if pod_ids.is_empty() {
            return None;
        }
        c = c.bool("logical", true);
        c = match need {
            0 | 1 => c.str("requires", "any"),
            n if n >= pod_ids.len() as u64 => c.str("requires", "all"),
            n => c.node(
                "requires",
                EntityBuilder::new(at.clone()).opt_u64("at_least", Some(n)).build(),
            ),
        };
        Some(c.strs("depends_on", pod_ids).strs("tags", tags).build())
    }

    /// The component of a running pod: it needs its node and `deps`.
    fn pod(
        &mut self,
        pod: &Object<'n>,
        id: String,
        deps: &[(&str, &Location)],
        stateful: bool,
        owner: Option<(&'n str, &'n Location)>,
    ) -> Node {
        let at = pod.at().clone();
        let mut needs: Vec<(String, Location)> = Vec::new();
        if let Some(node) = pod.get(&["spec", "nodeName"]) {
            let n = node_id(super::objects::as_str(node).unwrap_or_default());
            if self.node_ids.contains(&n) {
                needs.push((n, node.at.clone()));
            } else {
                self.note(
                    &node.at,
                    format!(
                        "{}: its node is not in the input, so nothing it runs on can fail",
                        pod.describe()
                    ),
                );
            }
        }
        needs.extend(deps.iter().map(|(d, at)| ((*d).to_owned(), (*at).clone())));
        let mut c = EntityBuilder::new(at.clone()).str("id", id);
        if let Some((o, at)) = owner {
            c = c.node("owners", seq(&[(o, at)]));
        }
        let list = needs
            .iter()
            .map(|(d, at)| Node::new(Value::Str(d.clone()), at.clone()))
            .collect();
        c = c.node("depends_on", Node::new(Value::Seq(list), at.clone()));
        if stateful {
            c = c.bool("stateful", true);
        }
        c.strs("tags", ["kubernetes:Pod".to_owned()]).build()
    }

    /// The owner of `o`: its own `ops.dev/owner`, else its namespace's.
    pub(super) fn owner_of(
        &self,
        o: &Object<'n>,
        own: Option<(&'n str, &'n Location)>,
    ) -> Option<(&'n str, &'n Location)> {
        own.or_else(|| o.namespace.and_then(|ns| self.namespace_owner.get(ns).copied()))
    }
}

#[derive(Clone, Copy)]
enum Budget {
    Min(IntOrPercent),
    Max(IntOrPercent),
}

/// The id of a pod's component.
fn pod_id(pod: &Object<'_>) -> String {
    format!("{}/pod/{}", pod.ns(), pod.name)
}

/// A list of ids, each where it was written.
pub(super) fn seq<S: AsRef<str>>(ids: &[(S, &Location)]) -> Node {
    let at = ids
        .first()
        .map_or_else(|| Location::new("<kubernetes>", 1, 1), |(_, at)| (*at).clone());
    let list = ids
        .iter()
        .map(|(id, at)| Node::new(Value::Str(id.as_ref().to_owned()), (*at).clone()))
        .collect();
    Node::new(Value::Seq(list), at)
}
