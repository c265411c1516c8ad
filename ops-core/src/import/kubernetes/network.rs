//! Services and Ingresses: logical components `NAMESPACE/service/NAME` and
//! `NAMESPACE/ingress/NAME`. Ingresses, and Services of type LoadBalancer
//! or NodePort, are entry points.

use std::collections::BTreeSet;

use super::Cluster;
use super::annotations;
use super::objects::{Object, Selector, as_str, items, string_map};
use super::workloads::{WORKLOAD_KINDS, seq};
use crate::Location;
use crate::import::{EntityBuilder, Imported, Section};
use crate::source::node::{Node, Value};

/// The annotations ops reads on Services and Ingresses.
const ANNOTATIONS: &[&str] = &["entry", "tier", "owner"];

impl<'n> Cluster<'n> {
    /// Services, then Ingresses (which need the Services' ids).
    pub(super) fn network(&mut self, out: &mut Imported) {
        for svc in self.of("Service") {
            self.service(&svc, out);
        }
        let default_class = self.of("IngressClass").into_iter().find(|c| {
            c.annotation("ingressclass.kubernetes.io/is-default-class")
                .is_some_and(|(v, _)| v == "true")
        });
        for ing in self.of("Ingress") {
            self.ingress(&ing, default_class, out);
        }
    }

    fn service(&mut self, svc: &Object<'n>, out: &mut Imported) {
        let kind = svc.str(&["spec", "type"]).unwrap_or("ClusterIP");
        if kind == "ExternalName" {
            self.note(
                svc.at(),
                format!(
                    "skipped {}: an ExternalName Service runs nothing in the cluster",
                    svc.describe()
                ),
            );
            return;
        }
        let labels = string_map(svc.get(&["spec", "selector"]));
        if labels.is_empty() {
            self.note(
                svc.at(),
                format!("skipped {}: it has no selector (its endpoints are kept by hand), so ops cannot tell what serves it", svc.describe()),
            );
            return;
        }
        let selector = Selector::plain(labels);
        let mut seen = BTreeSet::new();
        let backends: Vec<String> = (self.pool.select(svc.ns(), &selector).iter())
            .map(|s| s.id.clone())
            .filter(|id| seen.insert(id.clone()))
            .collect();
        if backends.is_empty() {
            self.note(
                svc.at(),
                format!("skipped {}: its selector matches no workload's pods", svc.describe()),
            );
            return;
        }
        let id = format!("{}/service/{}", svc.ns(), svc.name);
        if !self.claim(&id, svc) {
            return;
        }
        let ops = annotations::read(svc, ANNOTATIONS, out);
        let entry = ops
            .entry
            .map(|(e, at)| (e, at.clone()))
            .or_else(|| matches!(kind, "LoadBalancer" | "NodePort").then(|| (true, svc.at().clone())));
        let mut c = EntityBuilder::new(svc.at().clone()).str("id", &id);
        if let Some((e, at)) = entry {
            c = c.node("entry", Node::new(Value::Bool(e), at));
        }
        if let Some((t, at)) = ops.tier {
            c = c.node("tier", Node::new(Value::Int(t), at.clone()));
        }
        if let Some((o, at)) = self.owner_of(svc, ops.owner) {
            c = c.node("owners", seq(&[(o, at)]));
        }
        // A Service sends each request to any ready endpoint. With one
        // workload behind it, `all` says the same and keeps the Service
        // out of the workload's data group (see backup/unprotected-data).
        let requires = if backends.len() == 1 { "all" } else { "any" };
        c = c
            .bool("logical", true)
            .str("requires", requires)
            .strs("depends_on", backends);
        let tags = vec!["kubernetes:Service".to_owned(), format!("service-type={kind}")];
        self.push(Section::Components, c.strs("tags", tags).build());
        self.service_ids.insert((svc.ns(), svc.name), id);
    }

    fn ingress(&mut self, ing: &Object<'n>, default_class: Option<Object<'n>>, out: &mut Imported) {
        let mut deps: Vec<(String, Location)> = Vec::new();
        let mut backend = |node: &'n Node, cluster: &mut Cluster<'n>| {
            // networking.k8s.io/v1 (`service.name`) or v1beta1 (`serviceName`).
            let name = node
                .get("service")
                .and_then(|s| s.get("name"))
                .or_else(|| node.get("serviceName"));
            let Some(name_node) = name else {
                if node.get("resource").is_some() {
                    cluster.note(
                        &node.at,
                        format!("{}: a resource backend is not a Service; ignored", ing.describe()),
                    );
                }
                return;
            };
            let Some(name) = as_str(name_node) else { return };
            match cluster.service_ids.get(&(ing.ns(), name)) {
                Some(id) => {
                    if !deps.iter().any(|(d, _)| d == id) {
                        deps.push((id.clone(), name_node.at.clone()));
                    }
                }
                None => cluster.note(
                    &name_node.at,
                    format!(
                        "{}: backend Service {}/{name} is not in the input or serves no pods; ignored",
                        ing.describe(),
                        ing.ns()
                    ),
                ),
            }
        };
        if let Some(b) = ing
            .get(&["spec", "defaultBackend"])
            .or_else(|| ing.get(&["spec", "backend"]))
        {
            backend(b, self);
        }
        for rule in items(ing.get(&["spec", "rules"])) {
            for path in items(rule.get("http").and_then(|h| h.get("paths"))) {
                if let Some(b) = path.get("backend") {
                    backend(b, self);
                }
            }
        }
        if let Some((id, at)) = self.controller(ing, default_class) {
            deps.push((id, at));
        }
        if deps.is_empty() {
            self.note(
                ing.at(),
                format!("skipped {}: none of its backends serves pods", ing.describe()),
            );
            return;
        }
        let id = format!("{}/ingress/{}", ing.ns(), ing.name);
        if !self.claim(&id, ing) {
            return;
        }
        let ops = annotations::read(ing, ANNOTATIONS, out);
        let entry = ops.entry.map_or((true, ing.at().clone()), |(e, at)| (e, at.clone()));
        let mut c = EntityBuilder::new(ing.at().clone())
            .str("id", id)
            .node("entry", Node::new(Value::Bool(entry.0), entry.1));
        if let Some((t, at)) = ops.tier {
            c = c.node("tier", Node::new(Value::Int(t), at.clone()));
        }
        if let Some((o, at)) = self.owner_of(ing, ops.owner) {
            c = c.node("owners", seq(&[(o, at)]));
        }
        let refs: Vec<(&str, &Location)> = deps.iter().map(|(d, at)| (d.as_str(), at)).collect();
        c = c.bool("logical", true).node("depends_on", seq(&refs));
        let mut tags = vec!["kubernetes:Ingress".to_owned()];
        if let Some(hosts) = host_list(ing) {
            tags.push(format!("hosts={hosts}"));
        }
        self.push(Section::Components, c.strs("tags", tags).build());
    }

    /// The workload of the controller of an Ingress's class: the IngressClass
    /// (by `spec.ingressClassName`, the old `kubernetes.io/ingress.class`
    /// annotation, or the default class) names a controller, and the
    /// workload whose containers run with `--controller-class=CONTROLLER`
    /// (or `--ingress-class=CLASS`) is it.
    fn controller(&mut self, ing: &Object<'n>, default_class: Option<Object<'n>>) -> Option<(String, Location)> {
        let class_name = ing
            .str(&["spec", "ingressClassName"])
            .or_else(|| ing.annotation("kubernetes.io/ingress.class").map(|(v, _)| v));
        let class = match class_name {
            Some(name) => self.of("IngressClass").into_iter().find(|c| c.name == name),
            None => default_class,
        };
        let Some(class) = class else {
            let why = match class_name {
                Some(name) => format!("its IngressClass '{name}' is not in the input"),
                None => "it names no IngressClass and none is the default".to_owned(),
            };
            self.note(
                ing.at(),
                format!("{}: {why}, so its controller is not known", ing.describe()),
            );
            return None;
        };
        let controller = class.str(&["spec", "controller"]).unwrap_or_default();
        let flags = [
            format!("--controller-class={controller}"),
            format!("--ingress-class={}", class.name),
        ];
        for kind in WORKLOAD_KINDS {
            for w in self.of(kind) {
                let runs = items(w.get(&["spec", "template", "spec", "containers"]))
                    .iter()
                    .flat_map(|c| items(c.get("args")))
                    .filter_map(as_str)
                    .any(|a| flags.iter().any(|f| f == a));
                if runs && let Some(id) = self.workload_ids.get(&(w.ns(), w.name)) {
                    return Some((id.clone(), class.at().clone()));
                }
            }
        }
        self.note(
            ing.at(),
            format!(
                "{}: no workload in the input runs the controller {controller} of IngressClass {}",
                ing.describe(),
                class.name
            ),
        );
        None
    }
}

/// The hosts of an Ingress's rules, comma-separated.
fn host_list(ing: &Object<'_>) -> Option<String> {
    let hosts: Vec<&str> = items(ing.get(&["spec", "rules"]))
        .iter()
        .filter_map(|r| r.get("host").and_then(as_str))
        .collect();
    (!hosts.is_empty()).then(|| hosts.join(","))
}
