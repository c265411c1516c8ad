//! Nodes: components `node/NAME` of kind `compute`, in the failure domains
//! of their zone and region (`topology.kubernetes.io/*` labels, or the
//! older `failure-domain.beta.kubernetes.io/*`) and of the cluster.

use std::collections::BTreeSet;

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
        let cluster_at = self
            .of("Node")
            .first()
            .map_or_else(|| crate::Location::new("<kubernetes>", 1, 1), |n| n.at().clone());
        let cluster_name = self.name;
        self.taken
            .insert(cluster_name.to_owned(), format!("the cluster {cluster_name}"));
        let mut zones = BTreeSet::new();
        let mut regions = BTreeSet::new();
        let mut components = Vec::new();
        for node in self.of("Node") {
            let id = node_id(node.name);
            if !self.claim(&id, &node) {
                continue;
            }
            let labels = node.labels();
            let mut domains = Vec::new();
            for (keys, set, what) in [(ZONE, &mut zones, "zone"), (REGION, &mut regions, "region")] {
                let Some(value) = keys.iter().find_map(|k| labels.get(k)) else {
                    continue;
                };
                match check_id(value) {
                    Ok(()) => {
                        domains.push((*value).to_owned());
                        set.insert(*value);
                    }
                    Err(why) => self.note(
                        node.at(),
                        format!(
                            "{}: {what} '{value}' is not a valid inventory id ({why}); left out",
                            node.describe()
                        ),
                    ),
                }
            }
            domains.push(self.name.to_owned());
            // A zone named like its region (or the cluster) is one domain.
            let mut seen = BTreeSet::new();
            domains.retain(|d| seen.insert(d.clone()));
            let mut tags = Vec::new();
            if let Some(t) = labels.get("node.kubernetes.io/instance-type") {
                tags.push(format!("instance-type={t}"));
            }
            components.push(
                EntityBuilder::new(node.at().clone())
                    .str("id", id)
                    .str("kind", "compute")
                    .strs("domains", domains)
                    .strs("tags", tags)
                    .build(),
            );
        }
        let name = self.name;
        self.push(
            Section::Domains,
            EntityBuilder::new(cluster_at.clone())
                .str("id", name)
                .str("kind", "cluster")
                .str("name", format!("Kubernetes cluster {name}"))
                .build(),
        );
        regions.remove(name);
        zones.retain(|z| *z != name && !regions.contains(z));
        for (set, kind) in [(regions, "region"), (zones, "zone")] {
            for d in set {
                self.taken.insert(d.to_owned(), format!("the {kind} {d}"));
                self.push(
                    Section::Domains,
                    EntityBuilder::new(cluster_at.clone())
                        .str("id", d)
                        .str("kind", kind)
                        .build(),
                );
            }
        }
        for c in components {
            self.push(Section::Components, c);
        }
    }
}
