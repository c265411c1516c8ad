//! Kubernetes as an inventory source: a `kubectl get ... -A -o json` dump
//! and a manifests directory, the exact findings they give (alone, with an
//! overlay, and through the import's output), the notes on what is
//! skipped, and every problem at once with its place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ops_core::graph::Requirement;
use ops_core::import::{Importer, Input, Kubernetes, KubernetesOptions, Section};
use ops_core::{Error, Format, Inventory, LoadOptions, Runner};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes")
}

fn dump() -> PathBuf {
    fixtures().join("cluster.json")
}

/// The instant every check runs at: the dump was taken that afternoon.
const AT: &str = "2026-12-03T15:00:00Z";

fn options(kubernetes: Vec<PathBuf>) -> LoadOptions {
    let mut options = LoadOptions::default();
    options.kubernetes = kubernetes;
    options.kubernetes_cluster = Some("prod-eu".to_owned());
    options.at = Some(AT.parse().unwrap());
    options
}

fn load(paths: &[PathBuf], kubernetes: Vec<PathBuf>) -> Inventory {
    Inventory::load_with(paths, &options(kubernetes)).unwrap_or_else(|e| panic!("{e}"))
}

/// (check, subject) of every finding, sorted.
fn findings(inv: &Inventory) -> BTreeSet<(String, String)> {
    let report = Runner::with_builtin_checks().run(inv, AT.parse().unwrap());
    report
        .findings
        .iter()
        .map(|f| (f.check.to_string(), f.subject.id.clone()))
        .collect()
}

fn only(all: &BTreeSet<(String, String)>, check: &str) -> Vec<String> {
    all.iter().filter(|(c, _)| c == check).map(|(_, s)| s.clone()).collect()
}

fn node(n: &str) -> String {
    format!("node/ip-10-0-{n}.eu-west-1.compute.internal")
}

const ADMIN_POD: &str = "shop/pod/admin-66d5f9c7b8-q1w2e";

#[test]
fn the_dump_gives_the_single_points_of_failure_a_person_would_find() {
    let all = findings(&load(&[], vec![dump()]));
    // shop/admin runs one pod, on 2-22, and needs data/orders-db (one pod,
    // on 1-11); shop/cart needs 2 of its 3 pods and two share 2-21.
    // shop/storefront, three pods over three zones with a 50% budget, has none.
    assert_eq!(
        only(&all, "graph/spof"),
        [
            "data/pod/orders-db-0".to_owned(),
            node("1-11"),
            node("2-21"),
            node("2-22"),
            ADMIN_POD.to_owned(),
        ]
    );
    // payments-api's two pods are both in eu-west-1a; admin's pod in 2b and
    // its database in 1a; cart's two needed pods in 2b. The region and the
    // cluster hold everything.
    assert_eq!(
        only(&all, "graph/domain-spof"),
        ["eu-west-1", "eu-west-1a", "eu-west-1b", "prod-eu"]
    );
    assert_eq!(only(&all, "graph/nominal-redundancy"), ["shop/cart"]);
    // Every entry that stands on two of something (the controller's two
    // pods on two nodes, payments-api's two pods) loses it to two failures.
    assert_eq!(
        only(&all, "graph/double-fault"),
        [
            "ingress-nginx/service/ingress-nginx-controller",
            "payments/service/payments-api",
            "shop/ingress/admin",
            "shop/ingress/cart",
            "shop/ingress/storefront",
        ]
    );
    // A single-replica StatefulSet with a claim and no backup; the Velero
    // Schedule covers analytics/warehouse and ledger-dump (ops.dev/backup-of)
    // covers payments/ledger.
    assert_eq!(only(&all, "backup/unprotected-data"), ["data/orders-db"]);
    // RBAC records no use: not one grant is called unused.
    assert_eq!(only(&all, "access/unused-grant"), Vec::<String>::new());
    assert_eq!(only(&all, "access/departed-with-access"), Vec::<String>::new());
    assert_eq!(only(&all, "job/unmonitored"), ["shop/sitemap-export"]);
    let rules: BTreeSet<&str> = all.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        [
            "backup/no-immutable-copy",
            "backup/no-offsite-copy",
            "backup/no-recent-drill",
            "backup/unmonitored",
            "backup/unowned-policy",
            "backup/unprotected-data",
            "graph/domain-spof",
            "graph/double-fault",
            "graph/nominal-redundancy",
            "graph/spof",
            "graph/untested-redundancy",
            "inventory/unowned-component",
            "inventory/unreachable-component",
            "job/unmonitored",
        ]
    );
    // No drill is recorded: every redundancy an entry stands on is untested.
    assert_eq!(
        only(&all, "graph/untested-redundancy"),
        [
            "ingress-nginx/ingress-nginx-controller",
            "payments/payments-api",
            "shop/cart",
            "shop/storefront"
        ]
    );
}

#[test]
fn an_overlay_says_who_left_and_what_is_backed_up_elsewhere() {
    let all = findings(&load(&[fixtures().join("overlay.yaml")], vec![dump()]));
    // Alice, bound to cluster-admin by oncall-admins, left in October.
    assert_eq!(only(&all, "access/departed-with-access"), ["alice".to_owned()]);
    assert_eq!(only(&all, "backup/unprotected-data"), Vec::<String>::new());
    assert_eq!(only(&all, "access/unused-grant"), Vec::<String>::new());
}

#[test]
fn the_import_loads_alone_and_gives_the_same_findings() {
    let options = KubernetesOptions::new("prod-eu");
    let imported = Kubernetes.import_paths(&[dump()], &options).unwrap();
    let json = imported.to_inventory_json();
    let alone = Inventory::from_text("prod-eu.json", Format::Json, &json).unwrap_or_else(|e| panic!("{e}"));
    let imported_findings = findings(&alone);
    let direct = findings(&load(&[], vec![dump()]));
    assert_eq!(imported_findings, direct);
    assert_eq!(imported_findings, direct);
}

#[test]
fn workloads_are_logical_over_their_running_pods_with_the_budget_rule() {
    let inv = load(&[], vec![dump()]);
    let component = |id: &str| {
        inv.components()
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no component {id}"))
    };
    let deps = |id: &str| -> Vec<String> {
        component(id)
            .depends_on
            .iter()
            .map(|d| inv.component(*d).id.clone())
            .collect()
    };
    // minAvailable "50%" of 3: 2. The evicted pod is no capacity.
    let storefront = component("shop/storefront");
    assert!(storefront.logical);
    assert_eq!(storefront.requires, Requirement::AtLeast(2));
    assert_eq!(
        deps("shop/storefront"),
        [
            "shop/pod/storefront-6f9d7c8b9-2xq9d",
            "shop/pod/storefront-6f9d7c8b9-h7v4c",
            "shop/pod/storefront-6f9d7c8b9-w9r2m"
        ]
    );
    // maxUnavailable 1 of 3 (matchExpressions): 2; the Pending pod is left out.
    assert_eq!(component("shop/cart").requires, Requirement::AtLeast(2));
    assert_eq!(deps("shop/cart").len(), 3);
    // No budget: any one pod.
    assert_eq!(component("payments/payments-api").requires, Requirement::Any);
    // minAvailable 1 of 2.
    assert_eq!(
        component("ingress-nginx/ingress-nginx-controller").requires,
        Requirement::Any
    );
    // Pods need their node and what the workload's ops.dev/depends-on names.
    assert_eq!(deps(ADMIN_POD), [node("2-22"), "data/orders-db".to_owned()]);
    // The Ingress needs its Service and the controller of its class.
    assert_eq!(
        deps("shop/ingress/storefront"),
        ["shop/service/storefront", "ingress-nginx/ingress-nginx-controller"]
    );
    assert!(component("shop/ingress/storefront").entry && component("shop/ingress/storefront").logical);
    // Helm's one name for three objects: three ids.
    for id in ["shop/admin", "shop/service/admin", "shop/ingress/admin"] {
        component(id);
    }
    // NodePort and LoadBalancer Services are entries; ClusterIP ones are not.
    assert!(component("payments/service/payments-api").entry);
    assert!(!component("shop/service/cart").entry);
    // A node with only the deprecated labels is in its zone all the same.
    let old = component(&node("3-32"));
    let domains: Vec<&str> = old.domains.iter().map(|d| inv.domain(*d).id.as_str()).collect();
    assert_eq!(domains, ["eu-west-1c", "eu-west-1", "prod-eu"]);
    // The cluster is provider-like: domain-spof rates it as a region.
    assert_eq!(
        inv.domains().iter().find(|d| d.id == "prod-eu").unwrap().kind.as_str(),
        "provider"
    );
}

#[test]
fn rbac_bindings_become_grants_with_levels_from_their_roles() {
    let inv = load(&[], vec![dump()]);
    let grants: Vec<(String, String, String, String)> = inv
        .grants()
        .iter()
        .map(|g| {
            (
                inv.principal_id(g.principal).to_owned(),
                inv.systems()[g.system.index()].id.clone(),
                g.role.clone().unwrap_or_default(),
                g.level.as_str().to_owned(),
            )
        })
        .collect();
    let row = |p: &str, s: &str, r: &str, l: &str| (p.to_owned(), s.to_owned(), r.to_owned(), l.to_owned());
    assert_eq!(
        grants,
        [
            row("alice", "prod-eu", "ClusterRole/cluster-admin", "admin"),
            row("platform-team", "prod-eu", "ClusterRole/view", "read"),
            // bind and escalate: admin, whatever else the rules say.
            row("erin", "prod-eu", "ClusterRole/rbac-manager", "admin"),
            row("shop/ci-deployer", "prod-eu/shop", "ClusterRole/shop-deployer", "write"),
            row("bob", "prod-eu/shop", "ClusterRole/shop-deployer", "write"),
            row("dave", "prod-eu/payments", "ClusterRole/view", "read"),
            row(
                "payments/payments-api",
                "prod-eu/payments",
                "Role/secret-reader",
                "read"
            ),
        ]
    );
    assert!(
        inv.grants()
            .iter()
            .all(|g| g.usage == ops_core::access::GrantUsage::Unknown)
    );
    // Service accounts are owned per their namespace's ops.dev/owner.
    let owners: Vec<(String, String)> = inv
        .service_accounts()
        .iter()
        .map(|a| {
            (
                a.id.clone(),
                a.owner.map(|p| inv.person(p).id.clone()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            ("shop/ci-deployer".to_owned(), "bob".to_owned()),
            ("payments/payments-api".to_owned(), "dave".to_owned())
        ]
    );
}

#[test]
fn what_is_skipped_is_noted_naming_the_object() {
    let imported = Kubernetes
        .import_paths(&[dump()], &KubernetesOptions::new("prod-eu"))
        .unwrap();
    let base = format!("{}/", fixtures().display());
    let notes: Vec<String> = imported
        .notes()
        .iter()
        .map(|n| n.to_string().replace(&base, ""))
        .collect();
    assert_eq!(
        notes,
        [
            "cluster.json:2087:9: skipped Pod shop/storefront-6f9d7c8b9-b6t8n: it is Failed (Evicted), not running, so it is no capacity",
            "cluster.json:2953:9: skipped Pod shop/cart-8478b9d6f5-t3v6w: it is Pending, not running, so it is no capacity",
            "cluster.json:3186:9: PodDisruptionBudget shop/legacy-api selects no workload's pods; ignored",
            "cluster.json:5976:9: skipped Service default/kubernetes: it has no selector (its endpoints are kept by hand), so ops cannot tell what serves it",
            "cluster.json:6015:9: skipped ConfigMap shop/storefront-config: ops does not read ConfigMap objects",
            "cluster.json:6246:17: ClusterRoleBinding cluster-admin: subject Group 'system:masters' is the cluster's or the provider's own; skipped",
            "cluster.json:6273:17: ClusterRoleBinding oncall-admins: subject User 'https://accounts.google.com#104318127733981246571': 'https://accounts.google.com#104318127733981246571' is not a valid inventory id ('#' is not allowed; use letters, digits and - _ . : / @); skipped",
            "cluster.json:6324:9: skipped ClusterRoleBinding eks:node-manager: its ClusterRole eks:node-manager is not in the input, so what it grants is unknown",
            "cluster.json:6346:9: skipped ClusterRoleBinding system:coredns: its ClusterRole system:coredns is not in the input, so what it grants is unknown",
        ]
    );
    assert_eq!(
        imported.sections().collect::<Vec<_>>(),
        [
            (Section::Components, 50),
            (Section::Domains, 5),
            (Section::People, 4),
            (Section::ServiceAccounts, 2),
            (Section::Groups, 1),
            (Section::Systems, 3),
            (Section::Grants, 7),
            (Section::BackupPolicies, 2),
            (Section::Jobs, 1),
            (Section::JobRuns, 1),
        ]
    );
}

#[test]
fn manifests_give_replicas_and_a_backup_cronjob_protects_its_workload() {
    let overlay = "groups: [{id: web-team}]\n";
    let dir = std::env::temp_dir().join(format!("ops-k8s-manifests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("team.yaml"), overlay).unwrap();
    let inv = load(&[dir.join("team.yaml")], vec![fixtures().join("manifests")]);
    let _ = std::fs::remove_dir_all(&dir);
    let web = inv.components().iter().find(|c| c.id == "shop/web").unwrap();
    let replicas = web.replicas.as_ref().unwrap();
    // minAvailable 2 of spec.replicas 3.
    assert_eq!((replicas.count, replicas.min), (3, 2));
    let all = findings(&inv);
    // The database's one replica; the api's two instances are redundant.
    assert_eq!(only(&all, "graph/spof"), ["shop/db#1"]);
    assert_eq!(only(&all, "backup/unprotected-data"), Vec::<String>::new());
    let policy = &inv.backup_policies()[0];
    assert_eq!(
        (policy.id.as_str(), inv.component(policy.protects).id.as_str()),
        ("shop/db-dump", "shop/db")
    );
}

/// The importer on texts given as (name, text).
fn import(files: &[(&str, &str)]) -> Result<ops_core::import::Imported, Error> {
    let inputs: Vec<Input<'_>> = files.iter().map(|(n, t)| Input::new(n, t)).collect();
    Kubernetes.import(&inputs, &KubernetesOptions::default())
}

fn problems(result: Result<ops_core::import::Imported, Error>) -> Vec<String> {
    match result {
        Err(Error::Import(list)) => list.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected import problems, got {other}"),
        Ok(_) => panic!("expected import problems, but it imported"),
    }
}

#[test]
fn input_that_is_no_kubernetes_object_is_a_problem_each_with_its_place() {
    let list = r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "a"}},
  42,
  {"metadata": {"name": "x"}}
]}"#;
    let yaml = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {ops.dev/tier: '9', ops.dev/entry: 'yes', ops.dev/replicas: '3'}
---
- not an object
";
    assert_eq!(
        problems(import(&[
            ("dump.json", list),
            ("web.yaml", yaml),
            ("bad.json", "{\"items\": [")
        ])),
        [
            "bad.json:1:12: invalid JSON: expected a value, found the end of the file",
            "dump.json:2:3: items[0]: expected a Kubernetes object with a string metadata.name (is this the output of kubectl get -o json?)",
            "dump.json:3:3: items[1]: expected a Kubernetes object, found an integer",
            "dump.json:4:3: items[2]: expected a Kubernetes object with a string kind (is this the output of kubectl get -o json?)",
            "web.yaml:7:1: expected a Kubernetes object or a List of them, found a list",
            "web.yaml:5:31: ops.dev/tier: expected a tier from 1 (most critical) to 4, found '9'",
            "web.yaml:5:51: ops.dev/entry: expected 'true' or 'false', found 'yes'",
        ]
    );
}

#[test]
fn names_that_are_no_ids_and_broken_references_are_notes() {
    let dump = r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "zone a"}}},
  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}}}},
  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "idle", "namespace": "shop", "uid": "d2"},
   "spec": {"replicas": 0}},
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"},
   "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "d1", "controller": true}]},
   "spec": {"nodeName": "gone"}, "status": {"phase": "Running"}},
  {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"},
   "spec": {"ingressClassName": "traefik", "rules": [{"http": {"paths": [{"backend": {"service": {"name": "nope"}}}]}}]}}
]}"#;
    let imported = import(&[("d.json", dump)]).unwrap();
    let notes: Vec<String> = imported.notes().iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "d.json:2:3: Node n1: zone 'zone a' is not a valid inventory id (' ' is not allowed; use letters, digits and - _ . : / @); left out",
            "d.json:5:3: skipped Deployment shop/idle: it is scaled to 0 replicas",
            "d.json:9:25: Pod shop/web-1: its node is not in the input, so nothing it runs on can fail",
            "d.json:10:3: Ingress shop/web: its IngressClass 'traefik' is not in the input, so its controller is not known",
            "d.json:10:3: skipped Ingress shop/web: none of its backends serves pods",
            "d.json:11:107: Ingress shop/web: backend Service shop/nope is not in the input or serves no pods; ignored",
        ]
    );
}

#[test]
fn rbac_grants_are_never_called_unused() {
    // The dump's bindings, dated long before the evaluation instant: RBAC
    // records no use, so none is unused; the same grants with their use
    // recorded (the field dropped) would all be.
    let text = std::fs::read_to_string(dump()).unwrap();
    let imported = Kubernetes
        .import(&[Input::new("cluster.json", &text)], &KubernetesOptions::default())
        .unwrap()
        .to_inventory_json();
    let unused = |json: &str| {
        let inv = Inventory::from_text("cluster.json", Format::Json, json).unwrap();
        let report = Runner::with_builtin_checks().run(&inv, "2031-01-01T00:00:00Z".parse().unwrap());
        report
            .findings
            .iter()
            .filter(|f| f.check == "access/unused-grant")
            .count()
    };
    assert_eq!(unused(&imported), 0);
    let recorded = imported.replace("\"usage\": \"unknown\"", "\"usage\": \"recorded\"");
    assert_ne!(recorded, imported);
    assert!(unused(&recorded) > 0);
}

/// What kubectl 1.32.4 itself printed (`fixtures/kubernetes/real`,
/// `kubectl create ... --dry-run=client -o yaml`): a Deployment of three
/// with a budget of two, its Service and Ingress, two bindings and a
/// CronJob read as kubectl writes them; the one note is the IngressClass
/// the manifests do not hold.
#[test]
fn what_kubectl_itself_writes_is_read() {
    let path = fixtures().join("real/manifests.yaml");
    let imported = Kubernetes
        .import_paths(&[path], &KubernetesOptions::new("prod"))
        .unwrap_or_else(|e| panic!("{e}"));
    let notes: Vec<String> = imported.notes().iter().map(ToString::to_string).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].ends_with(
            "manifests.yaml:74:1: Ingress shop/web: its IngressClass 'nginx' is not in the input, so its controller is not known"
        ),
        "{notes:?}"
    );
    let json = imported.to_inventory_json();
    let inv = Inventory::from_text("prod.json", Format::Json, &json).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = inv.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "shop/web",
            "shop/service/web",
            "shop/ingress/web",
            "shop/web#1",
            "shop/web#2",
            "shop/web#3"
        ]
    );
    let web = inv.component_by_id("shop/web").unwrap();
    assert_eq!(inv.component(web).requires, Requirement::AtLeast(2));
    let entries: Vec<&str> = inv
        .components()
        .iter()
        .filter(|c| c.entry)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(entries, ["shop/ingress/web"]);
    let grants: Vec<(&str, &str, &str)> = inv
        .grants()
        .iter()
        .map(|g| {
            (
                inv.principal_id(g.principal),
                inv.systems()[g.system.index()].id.as_str(),
                g.level.as_str(),
            )
        })
        .collect();
    assert_eq!(
        grants,
        [
            ("alice", "prod", "admin"),
            ("oncall", "prod", "admin"),
            ("shop/ci", "prod/shop", "write")
        ]
    );
    let jobs: Vec<&str> = inv.jobs().iter().map(|j| j.id.as_str()).collect();
    assert_eq!(jobs, ["shop/sitemap"]);
}
