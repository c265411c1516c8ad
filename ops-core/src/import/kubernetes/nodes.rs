//! Nodes: components `node/NAME` of kind `compute`, in the failure domains
//! of their zone and region (`topology.kubernetes.io/*` labels, or the
//! older `failure-domain.beta.kubernetes.io/*`) and of the cluster.

use std::collections::{BTreeMap, BTreeSet};

use super::Cluster;
use crate::import::{EntityBuilder, Section, check_id};

const ZONE: [&str; 2] = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const REGION: [&str; 2] = [
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/region",
];

/// The id of the component of Node `name`.
pub(super) fn node_id(name: &str) -> String {
    format!("node/{name}")
}

impl Cluster<'_> {
    /// The cluster's domain, then zones and regions, then each Node.
    pub(super) fn nodes(&mut self) {
        let nodes = self.of("Node");
        let cluster_at = nodes
            .first()
            .map_or_else(|| crate::Location::new("<kubernetes>", 1, 1), |n| n.at().clone());
        let cluster_name = self.name;
        self.taken
            .insert(cluster_name.to_owned(), format!("the cluster {cluster_name}"));
        // Zones and regions first: a node names them.
        // Each zone and region, with the first node that names it.
        let mut domains: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (i, node) in nodes.iter().enumerate() {
            let labels = node.labels();
            for (keys, what) in [(REGION, "region"), (ZONE, "zone")] {
                if let Some(value) = keys.iter().find_map(|k| labels.get(k)) {
                    domains.entry((what, value)).or_insert(i);
                }
            }
        }
        let mut valid: BTreeSet<&str> = BTreeSet::new();
        for ((kind, d), first) in domains {
            let node = &nodes[first];
            if valid.contains(d) {
                // A zone named like its region is one domain.
                continue;
            }
            if let Err(why) = check_id(d) {
                let message = format!(
                    "{}: {kind} '{d}' is not a valid inventory id ({why}); left out",
                    node.describe()
                );
                self.note(node.at(), message);
                continue;
            }
            if let Some(first) = self.taken.get(d) {
                let message = format!("{}: {kind} '{d}' has the id of {first}; left out", node.describe());
                self.note(node.at(), message);
                continue;
            }
            self.taken.insert(d.to_owned(), format!("the {kind} {d}"));
            valid.insert(d);
            self.push(
                Section::Domains,
                EntityBuilder::new(cluster_at.clone())
                    .str("id", d)
                    .str("kind", kind)
                    .build(),
            );
        }
        for node in nodes {
            let id = node_id(node.name);
            if !self.claim(&id, &node) {
                continue;
            }
            let labels = node.labels();
            let mut domains: Vec<String> = Vec::new();
            for keys in [ZONE, REGION] {
                if let Some(value) = keys.iter().find_map(|k| labels.get(k))
                    && valid.contains(value)
                    && !domains.iter().any(|d| d == value)
                {
                    domains.push((*value).to_owned());
                }
            }
            domains.push(cluster_name.to_owned());
            let mut tags = Vec::new();
            if let Some(t) = labels.get("node.kubernetes.io/instance-type") {
                tags.push(format!("instance-type={t}"));
            }
            self.node_ids.insert(id.clone());
            let c = EntityBuilder::new(node.at().clone())
                .str("id", id)
                .str("kind", "compute")
                .strs("domains", domains)
                .strs("tags", tags)
                .build();
            self.push(Section::Components, c);
        }
        if self.node_ids.is_empty() {
            // Manifests: no node is in the cluster's domain, so it is left out.
            return;
        }
        self.entities.entry(Section::Domains).or_default().insert(
            0,
            EntityBuilder::new(cluster_at.clone())
                .str("id", cluster_name)
                .str("kind", "provider")
                .str("name", format!("Kubernetes cluster {cluster_name}"))
                .build(),
        );
    }
}
