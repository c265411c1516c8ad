//! `opsctl experiment new`, `check` and `plan`, end to end on the example
//! estate fjordline (a Postgres failover drill that contradicts the model)
//! and on the rule fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::path::Path;

use serde_json::{Value, json};

use crate::common;
use common::{opsctl, root, stderr, stdout, temp_dir};

const AT: &str = "2026-11-22T09:00:00Z";
const ESTATE: &str = "examples/inventories/fjordline";
const UNTESTED: &str = "ops-core/tests/fixtures/rules/graph/untested-redundancy/positive.yaml";

#[test]
fn check_explains_why_the_failover_drill_contradicts_the_model() {
    let out = opsctl(&["experiment", "check", ESTATE, "pg-failover-2026-11"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "experiment 'pg-failover-2026-11' at 2026-11-10T08:30:00Z failed pg-1
the model: 1 component down; entry points down: none
  entry         observed  model
  storefront    down      up     disagrees
  tracking-api  down      up     disagrees

storefront went down, but the model keeps it up:
  pg requires any one of its 2 dependencies; the failure took down pg-1 and the model keeps pg-2 up
  'pg-2' stands on dependency 'etcd#1', dependency 'etcd#2', dependency 'etcd#3', dependency 'etcd', provider 'aws', region 'eu-north-1', zone 'eu-north-1b': if the failure took one of these down too, the inventory is missing that dependency of theirs; otherwise 'storefront' needs something that failed which the inventory does not list

tracking-api went down, but the model keeps it up:
  pg requires any one of its 2 dependencies; the failure took down pg-1 and the model keeps pg-2 up
  'pg-2' stands on dependency 'etcd#1', dependency 'etcd#2', dependency 'etcd#3', dependency 'etcd', provider 'aws', region 'eu-north-1', zone 'eu-north-1b': if the failure took one of these down too, the inventory is missing that dependency of theirs; otherwise 'tracking-api' needs something that failed which the inventory does not list
"
    );
}

#[test]
fn check_agrees_with_a_drill_that_held_and_exits_0() {
    let out = opsctl(&[
        "experiment",
        "check",
        ESTATE,
        "zone-a-game-day-2026-09",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        json!({
            "experiment": "zone-a-game-day-2026-09",
            "at": "2026-09-17T08:00:00Z",
            "failed": ["eu-north-1a"],
            "predicted_down": 8,
            "predicted_entries_down": [],
            "entries": [
                {"entry": "storefront", "observed": "up", "predicted": "up", "agrees": true},
                {"entry": "tracking-api", "observed": "up", "predicted": "up", "agrees": true},
            ],
            "disagreements": [],
        })
    );
}

#[test]
fn check_names_an_unknown_experiment() {
    let out = opsctl(&["experiment", "check", ESTATE, "pg-failover-2026-12"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: unknown experiment 'pg-failover-2026-12' (did you mean 'pg-failover-2026-11'?)\n"
    );
}

#[test]
fn the_estate_reports_the_failed_failover_and_the_contradiction() {
    let out = opsctl(&["check", ESTATE, "--at", AT, "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let found: Vec<(String, String, String)> = (doc["findings"].as_array().unwrap().iter())
        .filter(|f| f["check"].as_str().unwrap().starts_with("graph/") && f["waiver"].is_null())
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let f = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        found,
        [
            f(
                "graph/failed-failover",
                "critical",
                "component 'pg' requires any of 2 dependencies, but its last experiment, 'pg-failover-2026-11' at 2026-11-10, took down storefront, tracking-api"
            ),
            f(
                "graph/model-contradicted",
                "high",
                "experiment 'pg-failover-2026-11' saw storefront, tracking-api go down, but the model says what it failed leaves them up"
            ),
            f(
                "graph/double-fault",
                "medium",
                "tier-1 entry 'storefront' goes down when both components of any one of 5 pairs fail together, though neither alone takes it down: cloudflare-dns + route53, etcd#1 + etcd#2, etcd#1 + etcd#3, etcd#2 + etcd#3, pg-1 + pg-2"
            ),
            f(
                "graph/double-fault",
                "medium",
                "tier-1 entry 'tracking-api' goes down when both components of any one of 5 pairs fail together, though neither alone takes it down: cloudflare-dns + route53, etcd#1 + etcd#2, etcd#1 + etcd#3, etcd#2 + etcd#3, pg-1 + pg-2"
            ),
        ]
    );
}

#[test]
fn the_window_of_untested_redundancy_comes_from_ops_toml() {
    let dir = temp_dir("window");
    let config = dir.join("ops.toml");
    std::fs::write(
        &config,
        "[thresholds.\"graph/untested-redundancy\"]\nwindow = \"30d\"\n",
    )
    .unwrap();
    let out = opsctl(&[
        "check",
        ESTATE,
        "--at",
        AT,
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut untested: Vec<&str> = (doc["findings"].as_array().unwrap().iter())
        .filter(|f| f["check"] == "graph/untested-redundancy")
        .map(|f| f["subject"]["id"].as_str().unwrap())
        .collect();
    untested.sort_unstable();
    // 30 days: the September zone game day and the October DNS drill are
    // too old; pg's November drill still counts.
    assert_eq!(untested, ["api", "dns", "edge-lb", "etcd", "redis", "web"]);
    let plan = opsctl(&[
        "experiment",
        "plan",
        ESTATE,
        "--at",
        AT,
        "--count",
        "4",
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_str(&stdout(&plan)).unwrap();
    assert_eq!(doc["window_days"], 30);
    // Double faults first: the two entries share their pairs, so the
    // second gets the next one by ids.
    let reasons: Vec<(&str, &str, String)> = (doc["experiments"].as_array().unwrap().iter())
        .map(|e| {
            let about = e["redundancy"].as_str().or(e["entry"].as_str()).unwrap();
            (about, e["reason"].as_str().unwrap(), e["failed"].to_string())
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "storefront",
                "double-fault",
                r#"["cloudflare-dns","route53"]"#.to_owned()
            ),
            ("tracking-api", "double-fault", r#"["etcd#1","etcd#2"]"#.to_owned()),
            ("api", "untested-redundancy", r#"["api#4"]"#.to_owned()),
            ("dns", "untested-redundancy", r#"["route53"]"#.to_owned()),
        ]
    );
}

#[test]
fn plan_puts_double_faults_then_untested_redundancy_first_and_is_the_same_for_a_seed() {
    let args = |seed: &str| {
        opsctl(&[
            "experiment",
            "plan",
            UNTESTED,
            "--at",
            AT,
            "--count",
            "6",
            "--seed",
            seed,
        ])
    };
    let out = args("0");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "# Game-day plan

For the tier-1 and tier-2 entry points, as of 2026-11-22T09:00:00Z; seed 0. Double faults first (pairs that take an entry down together, not failed together by an experiment in 180 days), then untested redundancy (no experiment in 180 days), then the largest failures the model says are survivable.

## 1. Fail `pg-primary` and `pg-standby` together

- Why: together they take 'shop' down though neither alone does, and no experiment in 180 days failed both (it has 3 other such pairs)
- The model predicts: 4 components down; entry points down: shop
- Because:
  - pg-standby failed
  - pg is down: it requires any one of its dependencies, and 2 of 2 are down (pg-primary, pg-standby)
  - shop is down: it requires all of its dependencies, and 1 of 2 is down (pg)
- Record it: `opsctl experiment new DIR --failed pg-primary,pg-standby`

## 2. Fail `os-1` and `os-2` together

- Why: together they take 'search' down though neither alone does, and no experiment in 180 days failed both
- The model predicts: 4 components down; entry points down: search
- Because:
  - os-2 failed
  - search-cluster is down: it requires any one of its dependencies, and 2 of 2 are down (os-1, os-2)
  - search is down: it requires all of its dependencies, and 1 of 1 is down (search-cluster)
- Record it: `opsctl experiment new DIR --failed os-1,os-2`

## 3. Fail `pg-standby`

- Why: no experiment has ever exercised 'pg'
- The model predicts: 1 component down; entry points down: none
- Because:
  - pg holds: it requires any one of its 2 dependencies, and the model keeps pg-primary up while pg-standby is down
- Record it: `opsctl experiment new DIR --failed pg-standby`

## 4. Fail `web#2`

- Why: 'web' was last exercised by 'web-instance-kill-2026-03' at 2026-03-04, more than 180 days ago
- The model predicts: 1 component down; entry points down: none
- Because:
  - web holds: it requires at least 2 of its 3 dependencies, and the model keeps web#1, web#3 up while web#2 is down
- Record it: `opsctl experiment new DIR --failed web#2`

## 5. Fail `os-1`

- Why: no experiment has ever exercised 'search-cluster'
- The model predicts: 1 component down; entry points down: none
- Because:
  - search-cluster holds: it requires any one of its 2 dependencies, and the model keeps os-2 up while os-1 is down
- Record it: `opsctl experiment new DIR --failed os-1`

## 6. Fail `eu-west-1a`

- Why: the model says every entry point survives it although it takes 3 components down
- The model predicts: 3 components down; entry points down: none
- Because:
  - web holds: it requires at least 2 of its 3 dependencies, and the model keeps web#2, web#3 up while web#1 is down
  - pg holds: it requires any one of its 2 dependencies, and the model keeps pg-standby up while pg-primary is down
  - search-cluster holds: it requires any one of its 2 dependencies, and the model keeps os-2 up while os-1 is down
- Record it: `opsctl experiment new DIR --failed eu-west-1a`

"
    );
    // The same seed, the same plan; another seed draws other members.
    assert_eq!(stdout(&args("0")), stdout(&out));
    let failed = |seed: &str| -> Vec<String> {
        stdout(&args(seed))
            .lines()
            .filter_map(|l| l.strip_prefix("## ").map(str::to_owned))
            .collect()
    };
    let all: std::collections::BTreeSet<Vec<String>> = (0..8).map(|s| failed(&s.to_string())).collect();
    assert!(all.len() > 1, "every seed planned the same: {all:?}");
}

#[test]
fn plan_for_one_entry_only() {
    let out = opsctl(&[
        "experiment",
        "plan",
        UNTESTED,
        "--at",
        AT,
        "--entry",
        "search",
        "--count",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        json!({
            "at": AT,
            "seed": 0,
            "window_days": 180,
            "entry": "search",
            "experiments": [{
                "failed": ["os-1", "os-2"],
                "reason": "double-fault",
                "redundancy": null,
                "entry": "search",
                "why": "together they take 'search' down though neither alone does, and no experiment in 180 days failed both",
                "predicted_down": 4,
                "predicted_entries_down": ["search"],
                "explanation": [
                    "os-2 failed",
                    "search-cluster is down: it requires any one of its dependencies, and 2 of 2 are down (os-1, os-2)",
                    "search is down: it requires all of its dependencies, and 1 of 1 is down (search-cluster)",
                ],
            }, {
                "failed": ["os-2"],
                "reason": "untested-redundancy",
                "redundancy": "search-cluster",
                "entry": null,
                "why": "no experiment has ever exercised 'search-cluster'",
                "predicted_down": 1,
                "predicted_entries_down": [],
                "explanation": ["search-cluster holds: it requires any one of its 2 dependencies, and the model keeps os-1 up while os-2 is down"],
            }],
        })
    );
    let out = opsctl(&["experiment", "plan", UNTESTED, "--entry", "os-1"]);
    assert_eq!(stderr(&out), "error: 'os-1' is not an entry point (entry: true)\n");
}

#[test]
fn new_writes_a_record_that_loads_and_never_overwrites() {
    let dir = temp_dir("new");
    for f in ["components.yaml", "domains.yaml", "people.yaml"] {
        std::fs::copy(root().join(ESTATE).join(f), dir.join(f)).unwrap();
    }
    let args = [
        "experiment",
        "new",
        dir.to_str().unwrap(),
        "--failed",
        "eu-north-1b,web#2",
        "--at",
        "2026-11-24T10:15:30+01:00",
        "--by",
        "ingrid",
        "--stayed-up",
        "storefront",
    ];
    let out = opsctl(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = dir.join("2026-11-24-eu-north-1b-web-2.yaml");
    assert_eq!(stdout(&out), format!("{}\n", file.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "# Recorded with `opsctl experiment new`. List every entry point you watched
# under stayed_up or went_down; `opsctl experiment check PATH EXP-2026-11-24-eu-north-1b-web-2` compares
# the outcome with the model. Format: docs/inventory-format.md#experiments
experiments:
  - id: \"EXP-2026-11-24-eu-north-1b-web-2\"
    at: 2026-11-24T09:15:30Z
    by: \"ingrid\"
    failed: [\"eu-north-1b\", \"web#2\"]
    # duration: 30m                 # how long the failure lasted
    stayed_up: [\"storefront\"]            # entry points that stayed up
    went_down: []            # entry points that went down
    # notes: ...
    # link: https://...             # the ticket, the chaos tool's run
"
    );
    // It loads with the estate, and check compares it.
    let check = opsctl(&[
        "experiment",
        "check",
        dir.to_str().unwrap(),
        "EXP-2026-11-24-eu-north-1b-web-2",
    ]);
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
    // Never overwritten.
    let again = opsctl(&args);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        format!("error: {} already exists; not overwriting it\n", file.display())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert!(Path::new(&file).exists());
}

#[test]
fn spof_order_2_lists_each_entrys_pairs_explained_up_to_the_limit() {
    let dir = temp_dir("pairs");
    let file = dir.join("inv.yaml");
    std::fs::write(
        &file,
        "components:
  - {id: shop, entry: true, tier: 1, depends_on: [lb, db]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1}
  - {id: web-2}
  - {id: db, requires: any, depends_on: [db-1, db-2]}
  - {id: db-1}
  - {id: db-2}
  - {id: admin, entry: true, depends_on: [admin-app]}
  - {id: admin-app}
",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = opsctl(&["spof", path, "--order", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "shop (tier 1): 2 pairs
  - db-1 + db-2:
      db-2 failed
      db is down: it requires any one of its dependencies, and 2 of 2 are down (db-1, db-2)
      shop is down: it requires all of its dependencies, and 1 of 2 is down (db)
  - web-1 + web-2:
      web-2 failed
      lb is down: it requires any one of its dependencies, and 2 of 2 are down (web-1, web-2)
      shop is down: it requires all of its dependencies, and 1 of 2 is down (lb)
admin: no double fault
"
    );
    let out = opsctl(&[
        "spof", path, "--order", "2", "--limit", "1", "--entry", "shop", "--format", "json",
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        json!({"order": 2, "limit": 1, "entries": [{
            "entry": "shop",
            "tier": 1,
            "pairs": [{"pair": ["web-1", "web-2"], "explanation": [
                "web-2 failed",
                "lb is down: it requires any one of its dependencies, and 2 of 2 are down (web-1, web-2)",
                "shop is down: it requires all of its dependencies, and 1 of 2 is down (lb)",
            ]}],
            "truncated": true,
            "complete": true,
        }]})
    );
    let text = opsctl(&["spof", path, "--order", "2", "--limit", "1", "--entry", "shop"]);
    assert!(
        stdout(&text).ends_with("  (stopped at the limit of 1 pairs: there are more; see --limit)\n"),
        "{}",
        stdout(&text)
    );
}

/// On the example estate: the pairs behind both entry points are the two
/// DNS providers, the two Postgres members, and any two of the three etcd
/// members (Patroni's quorum, which both Postgres members stand on); the
/// three-node load balancer and Redis need three failures, and the six web
/// and four API pods with `min: 2` need more.
#[test]
fn spof_order_2_on_the_example_estate_names_the_dns_postgres_and_etcd_pairs() {
    let out = opsctl(&["spof", ESTATE, "--order", "2", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let pairs = json!([
        ["cloudflare-dns", "route53"],
        ["etcd#1", "etcd#2"],
        ["etcd#1", "etcd#3"],
        ["etcd#2", "etcd#3"],
        ["pg-1", "pg-2"]
    ]);
    let entries: Vec<Value> = (doc["entries"].as_array().unwrap().iter())
        .map(|e| {
            let found: Vec<&Value> = e["pairs"].as_array().unwrap().iter().map(|p| &p["pair"]).collect();
            json!([e["entry"], e["tier"], found, e["truncated"], e["complete"]])
        })
        .collect();
    assert_eq!(
        entries,
        [
            json!(["storefront", 1, pairs, false, true]),
            json!(["tracking-api", 1, pairs, false, true]),
        ]
    );
    // Each pair comes with the chain that takes the entry down; the Postgres
    // pair's goes through the replicas of `web`.
    let text = stdout(&opsctl(&["spof", ESTATE, "--order", "2", "--entry", "storefront"]));
    assert!(
        text.contains(
            "  - pg-1 + pg-2:
      pg-2 failed
      pg is down: it requires any one of its dependencies, and 2 of 2 are down (pg-1, pg-2)
"
        ),
        "{text}"
    );
    assert!(text.starts_with("storefront (tier 1): 5 pairs\n"), "{text}");
}

/// "Recent" is one window for both drill rules: `graph/double-fault` reads
/// the `window` of `graph/untested-redundancy` from ops.toml.
#[test]
fn the_window_of_double_fault_is_the_one_of_untested_redundancy() {
    let dir = temp_dir("double-window");
    let inv = dir.join("inventory.yaml");
    std::fs::write(
        &inv,
        "components:
  - {id: shop, entry: true, tier: 1, depends_on: [pg]}
  - {id: pg, logical: true, requires: any, depends_on: [pg-1, pg-2]}
  - {id: pg-1}
  - {id: pg-2}
experiments:
  - {id: pg-pair-2026-09, at: 2026-09-20T22:00:00Z, failed: [pg-1, pg-2], went_down: [shop]}
",
    )
    .unwrap();
    let double = |config: Option<&Path>| -> Vec<String> {
        let mut args = vec!["check", inv.to_str().unwrap(), "--at", AT, "--format", "json"];
        if let Some(c) = config {
            args.extend(["--config", c.to_str().unwrap()]);
        }
        let doc: Value = serde_json::from_str(&stdout(&opsctl(&args))).unwrap();
        (doc["findings"].as_array().unwrap().iter())
            .filter(|f| f["check"] == "graph/double-fault")
            .map(|f| format!("{} {}", f["severity"].as_str().unwrap(), f["message"].as_str().unwrap()))
            .collect()
    };
    // 63 days back: inside the default 180 days, the pair is tried.
    assert_eq!(double(None), Vec::<String>::new());
    let config = dir.join("ops.toml");
    std::fs::write(
        &config,
        "[thresholds.\"graph/untested-redundancy\"]\nwindow = \"30d\"\n",
    )
    .unwrap();
    assert_eq!(
        double(Some(&config)),
        ["medium tier-1 entry 'shop' goes down when pg-1 and pg-2 fail together, though neither alone takes it down"]
    );
}

#[test]
fn explain_tells_what_covers_a_double_fault() {
    let out = opsctl(&["explain", "graph/double-fault"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(
        "# graph/double-fault\n\nPairs of components that take an entry down together though neither does alone, \
         untried by a recent experiment (tier 1 medium, tier 2 low, tiers 3-4 info) (default severity: low)\n"
    ));
    for heading in ["## What it checks", "## Why it matters", "## Example", "## How to fix"] {
        assert!(text.contains(heading), "{heading}");
    }
    // Why one member is not enough, in the rule's own words.
    assert!(text.contains("An experiment that failed only one component of a pair does not cover it"));
}
