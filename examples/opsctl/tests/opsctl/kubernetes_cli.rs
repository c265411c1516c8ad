//! Kubernetes through opsctl: `check --kubernetes` on a written `kubectl get
//! -A -o json` dump needs no inventory PATH and finds the single points of
//! failure; `import kubernetes` writes an inventory that `check` reads to
//! the same findings; an overlay names who left.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common;
use common::{opsctl, stderr, stdout, temp_dir};

const DUMP: &str = "ops-core/tests/fixtures/kubernetes/cluster.json";
const OVERLAY: &str = "ops-core/tests/fixtures/kubernetes/overlay.yaml";
const AT: &str = "2026-12-03T15:00:00Z";

/// (check, subject) of each finding of a `check --format json` report.
fn findings(out: &std::process::Output) -> BTreeSet<(String, String)> {
    let report: Value = serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["subject"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn of(all: &BTreeSet<(String, String)>, check: &str) -> Vec<String> {
    all.iter().filter(|(c, _)| c == check).map(|(_, s)| s.clone()).collect()
}

fn node(n: &str) -> String {
    format!("node/ip-10-0-{n}.eu-west-1.compute.internal")
}

#[test]
fn check_reads_a_cluster_dump_without_an_inventory() {
    let out = opsctl(&[
        "check",
        "--kubernetes",
        DUMP,
        "--kubernetes-cluster",
        "prod-eu",
        "--at",
        AT,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let all = findings(&out);
    assert_eq!(
        of(&all, "graph/spof"),
        [
            "data/pod/orders-db-0".to_owned(),
            node("1-11"),
            node("2-21"),
            node("2-22"),
            "shop/pod/admin-66d5f9c7b8-q1w2e".to_owned(),
        ]
    );
    assert_eq!(
        of(&all, "graph/domain-spof"),
        ["eu-west-1", "eu-west-1a", "eu-west-1b", "prod-eu"]
    );
    assert_eq!(of(&all, "backup/unprotected-data"), ["data/orders-db"]);
    assert_eq!(of(&all, "access/unused-grant"), Vec::<String>::new());
    // What was skipped is on standard error, each naming the object.
    assert!(
        stderr(&out).contains(
            "note: ops-core/tests/fixtures/kubernetes/cluster.json:2087:9: skipped Pod \
             shop/storefront-6f9d7c8b9-b6t8n: it is Failed (Evicted), not running, so it is no capacity\n"
        ),
        "{}",
        stderr(&out)
    );

    // The import's output, checked as an inventory file, finds the same.
    let dir = temp_dir("kubernetes-import");
    let file = dir.join("prod-eu.json");
    let import = opsctl(&[
        "import",
        "kubernetes",
        DUMP,
        "--cluster",
        "prod-eu",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));
    assert!(
        stderr(&import).ends_with(&format!(
            "wrote 50 components, 5 domains, 4 people, 2 service accounts, 1 group, 3 systems, 7 grants, \
             2 backup policies, 1 job and 1 job run to {}\n",
            file.display()
        )),
        "{}",
        stderr(&import)
    );
    let again = opsctl(&["check", file.to_str().unwrap(), "--at", AT, "--format", "json"]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert_eq!(findings(&again), all);
}

#[test]
fn spof_and_an_overlay_work_on_the_dump_like_on_any_inventory() {
    let out = opsctl(&[
        "spof",
        "--kubernetes",
        DUMP,
        "--kubernetes-cluster",
        "prod-eu",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let admin = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry"] == "shop/ingress/admin")
        .unwrap();
    assert_eq!(
        admin["spofs"],
        serde_json::json!([
            "data/pod/orders-db-0",
            node("1-11"),
            node("2-22"),
            "shop/pod/admin-66d5f9c7b8-q1w2e"
        ])
    );
    let storefront = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry"] == "shop/ingress/storefront")
        .unwrap();
    assert_eq!(storefront["spofs"], serde_json::json!([]));
    assert_eq!(storefront["domain_spofs"], serde_json::json!(["eu-west-1", "prod-eu"]));

    let overlaid = opsctl(&[
        "check",
        "--kubernetes",
        DUMP,
        "--kubernetes-cluster",
        "prod-eu",
        OVERLAY,
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let all = findings(&overlaid);
    assert_eq!(of(&all, "access/departed-with-access"), ["alice"]);
    assert_eq!(of(&all, "backup/unprotected-data"), Vec::<String>::new());
}
