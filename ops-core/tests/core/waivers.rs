//! Waivers, fingerprints and baselines through the library: what the runner
//! waives and counts, what loading refuses (located, with suggestions), and
//! that fingerprints tell every finding of a report apart and ignore files,
//! lines and order.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use ops_core::{BaselineState, Error, Format, Inventory, Runner, Severity};

const AT: &str = "2026-11-22T09:00:00Z";

const ESTATE: &str = "
people:
  - {id: priya}
  - {id: dana, status: departed, departed_at: 2026-06-30}
components:
  - {id: shop, entry: true, owners: [priya], depends_on: [db]}
  - {id: db, kind: database, owners: [priya]}
";

fn run(waivers: &str) -> ops_core::Report {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, &format!("{ESTATE}{waivers}")).unwrap();
    Runner::with_builtin_checks().run(&inv, AT.parse().unwrap())
}

fn problems(text: &str) -> Vec<String> {
    match Inventory::from_text("inv.yaml", Format::Yaml, &format!("{ESTATE}{text}")) {
        Err(Error::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn a_waived_finding_is_reported_with_its_waiver_and_does_not_count() {
    let before = run("");
    let highs: Vec<(&str, &str)> = (before.findings.iter())
        .map(|f| (&*f.check, f.subject.id.as_str()))
        .collect();
    assert_eq!(
        highs,
        [
            ("backup/unprotected-data", "db"),
            ("graph/no-redundancy", "shop"),
            ("graph/spof", "db")
        ]
    );
    assert_eq!(before.worst_counted(), Some(Severity::High));

    let waivers = "waivers:
  - {rule: graph/spof, subject: db, reason: replica ordered, owner: priya, approved_by: priya, expires: 2027-01-01}
  - {rule: graph/no-redundancy, subject: shop, reason: replica ordered, owner: priya, expires: 2027-01-01}
";
    let report = run(waivers);
    let f = report.findings.iter().find(|f| f.check == "graph/spof").unwrap();
    let w = f.waiver.as_ref().expect("waived");
    assert_eq!((w.reason.as_str(), w.owner.as_str()), ("replica ordered", "priya"));
    assert_eq!(w.approved_by.as_deref(), Some("priya"));
    assert_eq!(w.location.to_string(), "inv.yaml:9:5");
    // Still reported, each once; one high finding is left to count.
    assert_eq!(report.findings.len(), 3);
    assert_eq!(report.findings.iter().filter(|f| f.waiver.is_some()).count(), 2);
    assert_eq!(report.worst_counted(), Some(Severity::High));
    assert_eq!(report.worst(), Some(Severity::High));
    // With every high finding waived, nothing counts.
    let all = run(&format!(
        "{waivers}  - {{rule: backup/unprotected-data, subject: db, reason: r, owner: priya, expires: 2027-01-01}}\n"
    ));
    assert_eq!(all.findings.len(), 3);
    assert_eq!(all.worst_counted(), None);
    // The JSON has the waiver.
    let doc = ops_core::render::to_json(&report);
    let json = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "graph/spof")
        .unwrap();
    assert_eq!(json["waiver"]["owner"], "priya");
    assert_eq!(json["waiver"]["expires"], "2027-01-01T00:00:00Z");
    assert_eq!(json["waiver"]["location"]["line"], 9);
}

#[test]
fn expired_and_unused_waivers_are_findings_and_an_expired_waiver_waives_nothing() {
    let report = run("waivers:
  - {rule: graph/spof, subject: db, reason: replica ordered, owner: priya, expires: 2026-11-01}
  - {rule: graph/spof, subject: shop, reason: typo, owner: dana, expires: 2027-01-01}
  - {rule: plugin:zones/zone-loss, subject: eu-west-1a, reason: plugin not run here, owner: priya, expires: 2027-01-01}
");
    let of = |rule: &str| -> Vec<&str> {
        report
            .findings
            .iter()
            .filter(|f| f.check == rule)
            .map(|f| f.subject.id.as_str())
            .collect()
    };
    assert_eq!(of("inventory/expired-waiver"), ["graph/spof@db"]);
    assert_eq!(
        of("inventory/unused-waiver"),
        ["graph/spof@shop", "plugin:zones/zone-loss@eu-west-1a"]
    );
    assert_eq!(of("inventory/departed-owner"), ["graph/spof@shop"]);
    assert!(report.findings.iter().all(|f| f.waiver.is_none()));
    assert_eq!(report.worst_counted(), Some(Severity::High));
}

#[test]
fn subjects_named_by_description_can_be_waived() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "people: [{id: dana}]
systems: [{id: prod-db}]
grants:
  - {principal: dana, system: prod-db, level: read, granted_at: 2025-01-01}
waivers:
  - {rule: access/unused-grant, subject: dana->prod-db, reason: quarterly audit, owner: dana, expires: 2027-01-01}
",
    )
    .unwrap();
    let report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());
    let grant = report
        .findings
        .iter()
        .find(|f| f.check == "access/unused-grant")
        .unwrap();
    assert_eq!(grant.subject.id, "dana->prod-db");
    assert!(grant.waiver.is_some());
}

#[test]
fn disabled_rules_and_overrides_reach_the_waiver_rules() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        &format!(
            "{ESTATE}waivers:\n  - {{rule: graph/spof, subject: shop, reason: r, owner: priya, expires: 2027-01-01}}\n  \
             - {{rule: graph/below-slo, subject: shop, reason: r, owner: priya, expires: 2027-01-01}}\n"
        ),
    )
    .unwrap();
    let mut runner = Runner::with_builtin_checks();
    runner
        .disable("graph/below-slo")
        .override_severity("inventory/unused-waiver", Severity::High);
    let report = runner.run(&inv, AT.parse().unwrap());
    let unused: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "inventory/unused-waiver")
        .collect();
    // The waiver of the disabled rule is not reported as unused.
    assert_eq!(unused.len(), 1);
    assert_eq!(
        (unused[0].subject.id.as_str(), unused[0].severity),
        ("graph/spof@shop", Severity::High)
    );
    runner.disable("inventory/unused-waiver");
    let report = runner.run(&inv, AT.parse().unwrap());
    assert!(report.findings.iter().all(|f| f.check != "inventory/unused-waiver"));
}

#[test]
fn bad_waivers_are_located_load_errors() {
    assert_eq!(
        problems("waivers:\n  - {rule: graph/spoof, subject: db, reason: r, owner: priya, expires: 2027-01-01}\n"),
        ["inv.yaml:9:12: unknown rule 'graph/spoof' (did you mean 'graph/spof'?)"]
    );
    assert_eq!(
        problems(
            "waivers:\n  - {rule: availability/below-slo, subject: db, reason: r, owner: priya, expires: 2027-01-01}\n"
        ),
        ["inv.yaml:9:12: unknown rule 'availability/below-slo': it was renamed to 'graph/below-slo'"]
    );
    assert_eq!(
        problems("waivers:\n  - {rule: graph/spof, subject: db, reason: r, owner: pria, expires: 2027-01-01}\n"),
        ["inv.yaml:9:55: unknown person 'pria' (did you mean 'priya'?)"]
    );
    assert_eq!(
        problems("waivers:\n  - {rule: graph/spof, subject: db, reason: ' ', owner: priya, expires: soon}\n"),
        [
            "inv.yaml:9:45: a waiver needs a reason",
            "inv.yaml:9:73: invalid instant 'soon' (premature end of input): expected RFC 3339 such as \
             2026-03-01T09:30:00Z, or a date such as 2026-03-01"
        ]
    );
    assert_eq!(
        problems("waivers:\n  - {rule: graph/spof, subject: db, reason: r, owner: priya}\n"),
        ["inv.yaml:9:5: missing required field 'expires'"]
    );
    assert_eq!(
        problems(
            "waivers:\n  - {rule: graph/spof, subject: db, reason: r, owner: priya, expires: 2027-01-01}\n  \
             - {rule: graph/spof, subject: db, reason: s, owner: priya, expires: 2027-02-01}\n"
        ),
        ["inv.yaml:10:5: a second waiver of 'graph/spof' on 'db' (first at inv.yaml:9:5)"]
    );
    assert_eq!(
        problems("waivers:\n  - {rule: graph/spof, subject: '', reason: r, owner: priya, expires: 2027-01-01}\n"),
        ["inv.yaml:9:33: invalid subject '': expected one line of 1 to 512 bytes, the finding's subject id"]
    );
    assert_eq!(
        problems("waivers:\n  - {rule: 'plugin:zones', subject: db, reason: r, owner: priya, expires: 2027-01-01}\n"),
        ["inv.yaml:9:12: invalid plugin rule id 'plugin:zones': expected plugin:NAME/RULE"]
    );
}

/// Every finding of every rule fixture and example estate: within one
/// report, no two findings share a fingerprint.
#[test]
fn fingerprints_tell_every_finding_of_a_report_apart() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inventories = Vec::new();
    for owner in std::fs::read_dir(root.join("tests/fixtures/rules")).unwrap() {
        for rule in std::fs::read_dir(owner.unwrap().path()).unwrap() {
            let path = rule.unwrap().path().join("positive.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            inventories.push((
                path.display().to_string(),
                Inventory::from_text("p.yaml", Format::Yaml, &text).unwrap(),
            ));
        }
    }
    for estate in ["startup", "fjordline"] {
        let path = root.join("../examples/inventories").join(estate);
        inventories.push((estate.into(), Inventory::load(&[path]).unwrap()));
    }
    // Rules that report one subject more than once: a shared dependency and a
    // crowded zone of one redundant component; two streaks of one job.
    let several = "
domains: [{id: zone-a, kind: zone}]
components:
  - {id: api, entry: true, requires: any, depends_on: [api-1, api-2]}
  - {id: api-1, depends_on: [db], domains: [zone-a]}
  - {id: api-2, depends_on: [db], domains: [zone-a]}
  - {id: db}
jobs:
  - {id: export, schedule: {cron: '0 2 * * *'}, deadline: 1h, monitor: m}
job_runs:
  - {job: export, started_at: 2026-11-10T02:00:00Z, status: success, size_bytes: 10, delivered_at: 2026-11-10T02:05:00Z}
  - {job: export, started_at: 2026-11-12T02:00:00Z, status: success, size_bytes: 10, delivered_at: 2026-11-12T02:05:00Z}
  - {job: export, started_at: 2026-11-14T02:00:00Z, status: success, size_bytes: 10, delivered_at: 2026-11-14T02:05:00Z}
";
    let inv = Inventory::from_text("several.yaml", Format::Yaml, several).unwrap();
    let report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());
    let per_subject = |rule: &str, subject: &str| {
        (report.findings.iter())
            .filter(|f| f.check == rule && f.subject.id == subject)
            .count()
    };
    assert_eq!(per_subject("graph/nominal-redundancy", "api"), 2);
    assert!(per_subject("job/missed-delivery", "export") >= 2);
    inventories.push(("several".into(), inv));
    assert!(inventories.len() > 40);
    for (name, inv) in &inventories {
        let report = Runner::with_builtin_checks().run(inv, AT.parse().unwrap());
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for f in &report.findings {
            if let Some(other) = seen.insert(f.fingerprint(), f.message.clone()) {
                panic!("{name}: '{}' and '{other}' share a fingerprint", f.message);
            }
        }
    }
}

#[test]
fn fingerprints_ignore_files_lines_and_order() {
    let a = "components:\n  - {id: shop, entry: true, depends_on: [db]}\n  - {id: db, kind: database}\n";
    let b = "\n# moved\ncomponents:\n  - {id: db, kind: database}\n\n  - {id: shop, entry: true, depends_on: [db]}\n";
    let fps = |name: &str, text: &str| -> HashSet<String> {
        let inv = Inventory::from_text(name, Format::Yaml, text).unwrap();
        let report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());
        assert!(report.findings.len() >= 2);
        report.findings.iter().map(|f| f.fingerprint()).collect()
    };
    assert_eq!(fps("a.yaml", a), fps("renamed/b.yaml", b));
    // A fixed value of the first algorithm: changing it breaks every baseline.
    let inv = Inventory::from_text("a.yaml", Format::Yaml, a).unwrap();
    let report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());
    let spof = report.findings.iter().find(|f| f.check == "graph/spof").unwrap();
    assert_eq!(spof.fingerprint(), "faf0aeae5a39937c6408f896547afd8d");
}

#[test]
fn a_baseline_marks_findings_and_lists_the_absent() {
    let mut report = run("");
    let old: HashSet<String> = report
        .findings
        .iter()
        .skip(1)
        .map(|f| f.fingerprint())
        .chain(["gone".to_owned()])
        .collect();
    report.apply_baseline(&old);
    let states: Vec<_> = report.findings.iter().map(|f| f.baseline_state.unwrap()).collect();
    assert_eq!(states[0], BaselineState::New);
    assert!(states[1..].iter().all(|s| *s == BaselineState::Unchanged));
    assert_eq!(report.absent, ["gone"]);
    assert_eq!(report.worst_counted(), Some(report.findings[0].severity));
    let doc = ops_core::render::to_json(&report);
    assert_eq!(doc["absent"][0], "gone");
    assert_eq!(doc["findings"][0]["baseline_state"], "new");
    assert_eq!(doc["findings"][1]["baseline_state"], "unchanged");
}
