//! Failover drills and chaos experiments: the `experiments:` section read
//! alike from YAML, TOML and JSON, the loader's located errors, which
//! redundancies an experiment exercises, the window of
//! `graph/untested-redundancy`, and the model's check of an experiment.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use chrono::TimeDelta;
use ops_core::graph::{FailureAnalysis, UNTESTED_REDUNDANCY, UntestedRedundancyOptions};
use ops_core::inventory::FailureTarget;
use ops_core::{Check, Context, Error, Format, Inventory};

const AT: &str = "2026-11-22T09:00:00Z";

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(yaml: &str) -> Vec<String> {
    let Err(Error::Invalid(problems)) = Inventory::from_text("inv.yaml", Format::Yaml, yaml) else {
        panic!("expected problems")
    };
    problems.iter().map(ToString::to_string).collect()
}

const ESTATE: &str = "
domains:
  - {id: zone-a, kind: zone}
  - {id: zone-b, kind: zone}
components:
  - {id: shop, entry: true, tier: 1, depends_on: [web, pg]}
  - {id: web, replicas: {count: 3, min: 2, spread: [zone-a, zone-b]}}
  - {id: pg, kind: database, logical: true, requires: any, depends_on: [pg-primary, pg-standby]}
  - {id: pg-primary, kind: database, depends_on: [pg-host-1]}
  - {id: pg-host-1, kind: compute, domains: [zone-a]}
  - {id: pg-standby, kind: database, domains: [zone-b]}
  - {id: admin, entry: true, tier: 2, depends_on: [pg]}
  - {id: worker, depends_on: [pg]}
people:
  - {id: ana}
";

#[test]
fn every_problem_of_experiments_is_reported_at_once_with_its_place() {
    let yaml = format!(
        "{ESTATE}experiments:
  - {{id: e1, at: 2026-11-01T10:00:00, by: anna, failed: [pg-primay, 'web#4', 'pg#1', zone-c], went_down: [worker]}}
  - {{id: e1, at: 2026-11-02T10:00:00Z, failed: [], stayed_up: [shop, shop]}}
  - {{id: e3, at: 2026-11-03T10:00:00Z, failed: [zone-a], stayed_up: [admin], went_down: [admin], lasted: 1h}}
  - {{id: e4, at: 2026-11-04T10:00:00Z, failed: ['web#x'], duration: 0m}}
"
    );
    assert_eq!(
        problems(&yaml),
        [
            "inv.yaml:17:18: instant '2026-11-01T10:00:00' has no UTC offset: add 'Z' or an offset such as '+02:00'",
            "inv.yaml:17:43: unknown person, service account or group 'anna' (did you mean 'ana'?)",
            "inv.yaml:17:58: unknown component or domain 'pg-primay' (did you mean 'pg-primary'?)",
            "inv.yaml:17:69: 'web#4' names no instance: component 'web' has 3 replicas, web#1 to web#3",
            "inv.yaml:17:78: 'pg#1' names no instance: component 'pg' is not written with replicas",
            "inv.yaml:17:86: unknown component or domain 'zone-c' (did you mean 'zone-a'?)",
            "inv.yaml:17:107: experiment 'e1' lists 'worker' in went_down, which is not an entry point (entry: true)",
            "inv.yaml:18:5: experiment 'e1' fails nothing: list the components, instances (ID#N) or domains it failed in failed",
            "inv.yaml:18:10: duplicate experiment id 'e1' (first defined at inv.yaml:17:10)",
            "inv.yaml:18:70: experiment 'e1' lists 'shop' twice in stayed_up",
            "inv.yaml:19:70: experiment 'e3' lists entry 'admin' in both stayed_up and went_down",
            "inv.yaml:19:98: unknown field 'lasted'; expected one of: id, at, by, failed, duration, stayed_up, went_down, notes, link",
            "inv.yaml:20:49: 'web#x' names no instance: component 'web' has 3 replicas, web#1 to web#3",
            "inv.yaml:20:69: duration '0m' must be longer than zero",
        ]
    );
}

#[test]
fn an_entry_in_both_lists_is_an_error() {
    let yaml = format!(
        "{ESTATE}experiments:\n  - {{id: e3, at: 2026-11-03T10:00:00Z, failed: [zone-a], stayed_up: [admin], went_down: [admin]}}\n"
    );
    assert_eq!(
        problems(&yaml),
        ["inv.yaml:17:70: experiment 'e3' lists entry 'admin' in both stayed_up and went_down"]
    );
}

#[test]
fn experiments_read_the_same_from_yaml_toml_and_json() {
    let yaml = format!(
        "{ESTATE}experiments:
  - {{id: drill, at: 2026-11-01T10:00:00+01:00, by: ana, failed: ['web#2', zone-b, pg-primary], duration: 1h30m,
     stayed_up: [admin], went_down: [shop], notes: n, link: 'https://t.example/1'}}
"
    );
    let toml = r#"
[[experiments]]
id = "drill"
at = "2026-11-01T10:00:00+01:00"
by = "ana"
failed = ["web#2", "zone-b", "pg-primary"]
duration = "1h30m"
stayed_up = ["admin"]
went_down = ["shop"]
notes = "n"
link = "https://t.example/1"
"#;
    let json = r#"{"experiments": [{"id": "drill", "at": "2026-11-01T10:00:00+01:00", "by": "ana",
  "failed": ["web#2", "zone-b", "pg-primary"], "duration": "1h30m", "stayed_up": ["admin"],
  "went_down": ["shop"], "notes": "n", "link": "https://t.example/1"}]}"#;
    let without_locations = |inv: &Inventory| {
        let mut e = inv.experiments().to_vec();
        for x in &mut e {
            x.location = ops_core::Location::new("-", 1, 1);
        }
        format!("{e:?}")
    };
    let from_yaml = load(&yaml);
    let e = &from_yaml.experiments()[0];
    // Stored in UTC; the instance is the second instance's component.
    assert_eq!(e.at.to_rfc3339(), "2026-11-01T09:00:00+00:00");
    assert_eq!(e.duration, Some(TimeDelta::minutes(90)));
    let ids: Vec<String> = e
        .failed
        .iter()
        .map(|t| match *t {
            FailureTarget::Component(c) => from_yaml.component(c).id.clone(),
            FailureTarget::Domain(d) => from_yaml.domain(d).id.clone(),
        })
        .collect();
    assert_eq!(ids, ["web#2", "zone-b", "pg-primary"]);
    let from_yaml = without_locations(&from_yaml);
    for (name, rest) in [("inv.toml", toml), ("inv.json", json)] {
        // The estate from YAML, the experiment in the other format.
        let dir = std::env::temp_dir().join(format!("ops-experiments-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("estate.yaml"), ESTATE).unwrap();
        std::fs::write(dir.join(name), rest).unwrap();
        let inv = Inventory::load(std::slice::from_ref(&dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(without_locations(&inv), from_yaml, "{name}");
    }
}

fn exercised(yaml: &str) -> Vec<String> {
    let inv = load(yaml);
    let analysis = FailureAnalysis::new(&inv);
    let (r, _) = analysis.exercised(&inv.experiments()[0]);
    r.iter().map(|&c| inv.component(c).id.clone()).collect()
}

#[test]
fn an_experiment_exercises_a_redundancy_through_a_member_an_instance_a_domain_or_what_a_member_stands_on() {
    let with = |failed: &str| format!("{ESTATE}experiments: [{{id: x, at: 2026-11-01T10:00:00Z, failed: {failed}}}]\n");
    assert_eq!(exercised(&with("[pg-standby]")), ["pg"]);
    assert_eq!(exercised(&with("['web#3']")), ["web"]);
    // The host under the primary: the failover is exercised all the same.
    assert_eq!(exercised(&with("[pg-host-1]")), ["pg"]);
    // zone-a holds web#1, web#3 and pg-host-1.
    assert_eq!(exercised(&with("[zone-a]")), ["web", "pg"]);
    // Failing the redundancy itself exercises nothing below it.
    assert_eq!(exercised(&with("[shop]")), Vec::<String>::new());
}

fn untested(yaml: &str, options: UntestedRedundancyOptions) -> Vec<String> {
    let inv = load(yaml);
    let check = UNTESTED_REDUNDANCY.with_options(options);
    let mut found: Vec<String> = check
        .run(&Context::new(&inv, AT.parse().unwrap()))
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f.severity, f.subject.id))
        .collect();
    found.sort();
    found
}

#[test]
fn the_window_of_untested_redundancy_counts_back_from_the_evaluation_instant() {
    let yaml = format!(
        "{ESTATE}experiments:
  - {{id: pg-drill, at: 2026-08-01T10:00:00Z, failed: [pg-primary], stayed_up: [shop]}}
  - {{id: web-drill, at: 2026-11-01T10:00:00Z, failed: ['web#1'], stayed_up: [shop]}}
  - {{id: future, at: 2026-11-23T10:00:00Z, failed: [zone-a]}}
"
    );
    assert_eq!(
        untested(&yaml, UntestedRedundancyOptions::DEFAULT),
        Vec::<String>::new()
    );
    // 90 days: the August drill (113 days back) no longer counts; the
    // future zone drill never does.
    assert_eq!(
        untested(
            &yaml,
            UntestedRedundancyOptions::DEFAULT.with_window(TimeDelta::days(90))
        ),
        ["high pg"]
    );
    assert_eq!(
        untested(
            &yaml,
            UntestedRedundancyOptions::DEFAULT.with_window(TimeDelta::days(7))
        ),
        ["high pg", "high web"]
    );
}

#[test]
fn the_check_of_an_experiment_explains_each_disagreement() {
    let yaml = format!(
        "{ESTATE}experiments:
  - {{id: drill, at: 2026-11-01T10:00:00Z, failed: [pg-host-1, 'web#2'], stayed_up: [shop], went_down: [admin]}}
"
    );
    let inv = load(&yaml);
    let analysis = FailureAnalysis::new(&inv);
    let check = analysis.check_experiment(inv.experiment_by_id("drill").unwrap());
    let got: Vec<(String, bool, Vec<String>)> = check
        .disagreements
        .iter()
        .map(|d| {
            (
                inv.component(d.entry).id.clone(),
                d.predicted_down,
                d.explanation.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(
            "admin".to_owned(),
            false,
            vec![
                "pg requires any one of its 2 dependencies; the failure took down pg-primary and the model keeps pg-standby up".to_owned(),
                "'pg-standby' stands on zone 'zone-b': if the failure took one of these down too, the inventory is missing that dependency of theirs; otherwise 'admin' needs something that failed which the inventory does not list".to_owned(),
            ]
        )]
    );
    // shop stayed up as the model predicts (web keeps 2 of 3): not a disagreement.
    assert!(!check.outage.is_down(inv.component_by_id("shop").unwrap()));
}
