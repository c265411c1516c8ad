//! Living with findings in CI, end to end through opsctl on a copy of the
//! example estate: waivers, exit codes, fingerprints, baselines, diff, the
//! configuration file, code-scanning SARIF and `validate --format sarif`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{Scratch, opsctl, root, stderr, stdout, temp_dir};

const AT: &str = "2026-11-22T09:00:00Z";

/// A copy of the startup estate in a fresh directory, and that directory.
fn estate(name: &str) -> (Scratch, String) {
    let dir = temp_dir(name);
    let inv = dir.join("inventory");
    copy_dir(&root().join("examples/inventories/startup"), &inv);
    (dir, inv.display().to_string())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

fn check(args: &[&str]) -> Output {
    let mut all = vec!["check", "--at", AT];
    all.extend_from_slice(args);
    opsctl(&all)
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().unwrap()
}

/// Runs opsctl in `dir` (for `ops.toml` discovery).
fn opsctl_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsctl"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn waiver(rule: &str, subject: &str, owner: &str, expires: &str) -> String {
    format!(
        "  - {{rule: '{rule}', subject: '{subject}', reason: accepted for the test, owner: {owner}, expires: {expires}}}\n"
    )
}

#[test]
fn waived_expired_and_unused_waivers_through_check() {
    let (dir, inv) = estate("waivers");
    let waivers = format!(
        "waivers:\n{}{}{}",
        waiver("backup/no-offsite-copy", "postgres-nightly", "priya", "2027-01-31"),
        waiver("graph/spof", "dns", "maya", "2026-11-01"),
        waiver("graph/spof", "search", "tom", "2027-03-01"),
    );
    std::fs::write(dir.join("inventory/waivers.yaml"), waivers).unwrap();
    let text = stdout(&check(&[&inv]));
    let waived = text.split("WAIVED (1)\n").nth(1).expect("a waived section");
    assert!(
        waived.starts_with(
            "  backup policy 'postgres-nightly' keeps no copy offsite (1 copy) [backup/no-offsite-copy]\n"
        ),
        "{waived}"
    );
    assert!(waived.contains(&format!(
        "    waived until 2027-01-31T00:00:00Z by priya ({inv}/waivers.yaml:2:5): accepted for the test\n"
    )));
    // Not also listed under its severity.
    assert_eq!(text.matches("[backup/no-offsite-copy]").count(), 1);
    assert!(
        text.ends_with("48 findings: 10 critical, 17 high, 16 medium, 3 low, 2 info, and 1 waived (evaluated at 2026-11-22T09:00:00Z).\n"),
        "{text}"
    );
    assert!(text.contains(
        "  the waiver of 'graph/spof' on 'dns' expired at 2026-11-01T00:00:00Z: its findings count again \
         [inventory/expired-waiver]\n"
    ));
    assert!(text.contains(
        "  the waiver of 'graph/spof' on 'search' matches no finding: no finding of that rule has that subject \
         [inventory/unused-waiver]\n"
    ));

    let doc = json(&check(&[&inv, "--format", "json"]));
    let of = |rule: &str| -> Vec<&Value> { findings(&doc).iter().filter(|f| f["check"] == rule).collect() };
    let offsite = of("backup/no-offsite-copy");
    assert_eq!(offsite.len(), 1);
    assert_eq!(
        offsite[0]["waiver"],
        serde_json::json!({
            "reason": "accepted for the test", "owner": "priya", "approved_by": null,
            "expires": "2027-01-31T00:00:00Z",
            "location": {"file": format!("{inv}/waivers.yaml"), "line": 2, "column": 5},
        })
    );
    // The expired waiver waives nothing: the spof on dns is back.
    let dns: Vec<_> = of("graph/spof")
        .into_iter()
        .filter(|f| f["subject"]["id"] == "dns")
        .collect();
    assert!(dns[0].get("waiver").is_none());
    assert_eq!(of("inventory/expired-waiver")[0]["severity"], "medium");
    assert_eq!(of("inventory/unused-waiver")[0]["subject"]["id"], "graph/spof@search");

    // Markdown and the HTML report show the waiver too.
    let md = stdout(&check(&[&inv, "--format", "markdown"]));
    assert!(
        md.contains("  - Waived until 2027-01-31T00:00:00Z by priya: accepted for the test\n"),
        "{md}"
    );
    let page = dir.join("report.html");
    let out = opsctl(&["report", &inv, "--html", page.to_str().unwrap(), "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(&format!(
            "<p class=\"waiver\"><strong>Waived</strong> until 2027-01-31T00:00:00Z by <code>priya</code> \
             ({inv}/waivers.yaml:2:5): accepted for the test</p>"
        )),
        "the HTML report marks the waived finding"
    );

    let sarif = json(&check(&[&inv, "--format", "sarif"]));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<_> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "backup/no-offsite-copy");
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
    assert!(
        suppressed[0]["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .starts_with("accepted for the test (owner priya, until 2027-01-31T00:00:00Z")
    );
}

#[test]
fn exit_codes_count_only_unwaived_findings() {
    let (dir, inv) = estate("exit");
    let doc = json(&check(&[&inv, "--format", "json"]));
    let serious: BTreeSet<(String, String)> = findings(&doc)
        .iter()
        .filter(|f| f["severity"] == "high" || f["severity"] == "critical")
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["subject"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(serious.len() > 20, "{serious:?}");
    let mut all = String::from("waivers:\n");
    for (rule, subject) in &serious {
        all.push_str(&waiver(rule, subject, "maya", "2027-06-30"));
    }
    std::fs::write(dir.join("inventory/waivers.yaml"), &all).unwrap();
    let out = check(&[&inv, "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    // Medium findings still count at --fail-on medium.
    assert_eq!(check(&[&inv, "--fail-on", "medium"]).status.code(), Some(1));
    // One high finding not waived: the run fails again.
    let one_less: String = all
        .lines()
        .filter(|l| !l.contains("'backup/stale'"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("inventory/waivers.yaml"), one_less).unwrap();
    let out = check(&[&inv, "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(1));
    // Before: without waivers, it fails too.
    std::fs::remove_file(dir.join("inventory/waivers.yaml")).unwrap();
    assert_eq!(check(&[&inv]).status.code(), Some(1));
}

#[test]
fn fingerprints_survive_moved_lines_and_renamed_files() {
    let (dir, inv) = estate("fingerprints");
    let prints = |inv: &str| -> BTreeMap<String, (String, Value)> {
        let doc = json(&check(&[inv, "--format", "json"]));
        findings(&doc)
            .iter()
            .map(|f| {
                let fp = f["fingerprint"].as_str().unwrap().to_owned();
                assert_eq!(fp.len(), 32);
                (fp, (f["check"].as_str().unwrap().to_owned(), f["location"].clone()))
            })
            .collect()
    };
    let before = prints(&inv);
    assert_eq!(before.len(), 47, "every finding has its own fingerprint");
    // Rename two files, move one's entities down and reverse another's.
    let base = dir.join("inventory");
    let components = std::fs::read_to_string(base.join("components.yaml")).unwrap();
    std::fs::remove_file(base.join("components.yaml")).unwrap();
    std::fs::write(base.join("services.yaml"), format!("# moved\n\n\n{components}")).unwrap();
    std::fs::rename(base.join("people.yaml"), base.join("zz-staff.yaml")).unwrap();
    let after = prints(&inv);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same fingerprints"
    );
    let moved = before.iter().filter(|(fp, (_, at))| after[*fp].1 != *at).count();
    assert!(moved > 10, "locations did change: {moved}");
}

#[test]
fn a_baseline_passes_when_nothing_is_new_and_fails_on_a_new_single_point_of_failure() {
    let (dir, inv) = estate("baseline");
    let base = dir.join("base.json");
    let out = check(&[&inv, "--format", "json", "--output", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "the estate has high findings");

    let out = check(&[&inv, "--format", "json", "--baseline", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    assert!(findings(&doc).iter().all(|f| f["baseline_state"] == "unchanged"));
    assert_eq!(doc["absent"], serde_json::json!([]));

    // A new entry point on a single database, and the uploads bucket gone
    // (with what needed it), so one old finding is absent.
    std::fs::write(
        dir.join("inventory/payments.yaml"),
        "components:\n  - {id: payments, entry: true, owners: [maya], depends_on: [ledger-db]}\n  \
         - {id: ledger-db, kind: database, owners: [maya]}\n",
    )
    .unwrap();
    let out = check(&[&inv, "--format", "json", "--baseline", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let new: Vec<(&str, &str)> = findings(&doc)
        .iter()
        .filter(|f| f["baseline_state"] == "new")
        .map(|f| (f["check"].as_str().unwrap(), f["subject"]["id"].as_str().unwrap()))
        .collect();
    assert!(new.contains(&("graph/spof", "ledger-db")), "{new:?}");
    assert!(
        new.iter().all(|(_, s)| ["payments", "ledger-db"].contains(s)),
        "{new:?}"
    );
    // Only the new findings count: none is critical (the old critical ones
    // are unchanged), and the new spof is high.
    let out = check(&[&inv, "--baseline", base.to_str().unwrap(), "--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(0));
    let out = check(&[&inv, "--baseline", base.to_str().unwrap(), "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("its failure alone takes down payments [graph/spof] (new)"),
        "{text}"
    );

    let sarif = json(&check(&[
        &inv,
        "--format",
        "sarif",
        "--baseline",
        base.to_str().unwrap(),
    ]));
    let states: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states, BTreeSet::from(["new", "unchanged"]));

    // A findings file without fingerprints is refused, with why.
    std::fs::write(dir.join("old.json"), r#"{"findings": [{"check": "graph/spof"}]}"#).unwrap();
    let out = check(&[&inv, "--baseline", dir.join("old.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("finding 1 has no \"fingerprint\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn diff_lists_new_fixed_and_unchanged_findings() {
    let (dir, inv) = estate("diff");
    let old = dir.join("old.json");
    let new = dir.join("new.json");
    check(&[&inv, "--format", "json", "--output", old.to_str().unwrap()]);
    std::fs::write(
        dir.join("inventory/payments.yaml"),
        "components:\n  - {id: payments, entry: true, owners: [maya], depends_on: [ledger-db]}\n  \
         - {id: ledger-db, kind: database, owners: [maya]}\n",
    )
    .unwrap();
    // The new report turns access/unused-grant off (its one finding is
    // fixed, as far as a diff can tell) and reports single points of failure
    // as high instead of critical.
    let config = dir.join("ops.toml");
    std::fs::write(
        &config,
        "[rules]\n\"access/unused-grant\" = \"off\"\n\"graph/spof\" = \"high\"\n",
    )
    .unwrap();
    let out = check(&[
        &inv,
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
        "--output",
        new.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());

    let out = opsctl(&["diff", o, n, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "new findings");
    let d = json(&out);
    let ids = |key: &str| -> BTreeSet<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["check"].as_str().unwrap(),
                    f["subject"]["id"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert!(ids("new").contains("graph/spof ledger-db"), "{:?}", ids("new"));
    assert_eq!(
        ids("fixed"),
        BTreeSet::from(["access/unused-grant dana->prod-db".to_owned()])
    );
    assert_eq!(d["unchanged"].as_array().unwrap().len(), 46);
    let changes = d["severity_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 6, "the six critical spofs are high now: {changes:?}");
    assert!(
        changes
            .iter()
            .all(|c| c["old"] == "critical" && c["new"] == "high" && c["check"] == "graph/spof")
    );

    let md = stdout(&opsctl(&["diff", o, n, "--format", "markdown"]));
    assert!(md.starts_with("### ops: "), "{md}");
    assert!(md.contains("#### New findings ("));
    assert!(md.contains("#### Fixed findings (1)\n\n| Severity | Rule | Finding | Where |\n|---|---|---|---|\n| low | `access/unused-grant` |"));
    assert!(md.contains("#### Severity changes\n"));
    let text = stdout(&opsctl(&["diff", o, n]));
    assert!(
        text.ends_with(&format!(
            "{} new, 1 fixed, 46 unchanged.\n",
            d["new"].as_array().unwrap().len()
        )),
        "{text}"
    );
    // Nothing new: exit 0.
    assert_eq!(opsctl(&["diff", o, o]).status.code(), Some(0));
    // A missing report is an input error.
    let out = opsctl(&["diff", o, dir.join("none.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_configuration_file_turns_rules_off_overrides_severities_and_flags_win() {
    let (dir, inv) = estate("config");
    std::fs::write(
        dir.join("ops.toml"),
        "fail_on = \"critical\"\n\n[rules]\n\"inventory/unowned-component\" = \"off\"\n\
         \"backup/no-offsite-copy\" = \"low\"\n\n[thresholds.\"access/unused-grant\"]\nthreshold = \"400d\"\n\
         \n[thresholds.\"graph/double-fault\"]\nwork = 1\n",
    )
    .unwrap();
    let inv_path = Path::new(&inv);
    // Found in the current directory.
    let out = opsctl_in(
        &dir,
        &["check", inv_path.to_str().unwrap(), "--at", AT, "--format", "json"],
    );
    let doc = json(&out);
    let checks: Vec<&str> = findings(&doc).iter().map(|f| f["check"].as_str().unwrap()).collect();
    assert!(!checks.contains(&"inventory/unowned-component"));
    assert!(!checks.contains(&"access/unused-grant"), "the threshold is 400 days");
    let offsite = findings(&doc)
        .iter()
        .find(|f| f["check"] == "backup/no-offsite-copy")
        .unwrap();
    assert_eq!(offsite["severity"], "low");
    // The double-fault search stops at the configured bound, and says so.
    let stopped: Vec<&Value> = findings(&doc)
        .iter()
        .filter(|f| f["check"] == "graph/double-fault" && f["subject"]["kind"] == "inventory")
        .collect();
    assert_eq!(stopped.len(), 1, "{stopped:?}");
    assert_eq!(stopped[0]["evidence"]["work"], 1);
    // fail_on = critical: the critical findings fail the run.
    assert_eq!(out.status.code(), Some(1));
    // Flags win: --fail-on never.
    let out = opsctl_in(&dir, &["check", &inv, "--at", AT, "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    // opsctl config prints the effective configuration.
    let out = opsctl_in(&dir, &["config"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("# configuration file: ops.toml\nfail_on = \"critical\"  # configured\n"),
        "{text}"
    );
    assert!(text.contains("\"inventory/unowned-component\" = \"off\"  # configured\n"));
    assert!(text.contains("\"backup/no-offsite-copy\" = \"low\"  # configured\n"));
    assert!(text.contains("\"graph/spof\" = \"critical\"  # default\n"));
    assert!(
        text.contains("[thresholds.\"access/unused-grant\"]\nthreshold = \"57w1d\"  # configured"),
        "{text}"
    );
    assert!(
        text.contains("[thresholds.\"graph/double-fault\"]\nwork = 1  # configured"),
        "{text}"
    );
    let out = opsctl_in(&dir, &["config", "--fail-on", "low"]);
    assert!(stdout(&out).contains("fail_on = \"low\"  # --fail-on\n"));
}

#[test]
fn a_bad_configuration_is_refused_with_its_location() {
    let (dir, inv) = estate("bad-config");
    let bad = dir.join("ci.toml");
    std::fs::write(
        &bad,
        "fail_on = \"high\"\n[rules]\n\"backup/no-ofsite-copy\" = \"off\"\n",
    )
    .unwrap();
    let out = check(&[&inv, "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {}:3:1: unknown rule 'backup/no-ofsite-copy' (did you mean 'backup/no-offsite-copy'?)\n",
            bad.display()
        )
    );
    std::fs::write(&bad, "fail_on = \"high\"\nfail-on = 1\n").unwrap();
    let out = check(&[&inv, "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(":2:1: unknown key 'fail-on' (did you mean 'fail_on'?)"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&bad, "fail_on = \n").unwrap();
    let out = check(&[&inv, "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(":1:"), "{}", stderr(&out));
    assert_eq!(
        opsctl(&["config", "--config", bad.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn sarif_meets_code_scannings_requirements() {
    let sarif = json(&check(&["examples/inventories/startup", "--format", "sarif"]));
    let schema = sarif_validator();
    let errors: Vec<String> = schema.iter_errors(&sarif).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
    let results = run["results"].as_array().unwrap();
    assert!(results.len() <= 25_000);
    let mut seen = BTreeSet::new();
    for r in results {
        let fp = r["partialFingerprints"]["ops/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 32);
        assert!(seen.insert(fp.to_owned()), "fingerprints are unique");
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert!(
            artifact["uri"]
                .as_str()
                .unwrap()
                .starts_with("examples/inventories/startup/")
        );
        assert!(r["locations"].as_array().unwrap().len() <= 1000);
    }
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(
            rule["help"]["markdown"].as_str().unwrap().contains("## How to fix"),
            "{id}"
        );
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(!tags.is_empty() && tags.len() <= 20, "{id}");
        assert_eq!(tags[0], id.split('/').next().unwrap());
        let security = rule["properties"].get("security-severity");
        if id.starts_with("access/") || id.starts_with("backup/") {
            let score: f64 = security.unwrap().as_str().unwrap().parse().unwrap();
            assert!((0.1..=10.0).contains(&score), "{id}: {score}");
            assert!(tags.contains(&Value::from("security")));
        } else if id.starts_with("graph/") || id.starts_with("inventory/") || id.starts_with("incident/") {
            assert!(security.is_none(), "{id}");
        }
    }
    let spof = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "backup/stale")
        .unwrap();
    assert_eq!(spof["properties"]["security-severity"], "8.0");
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(crate::cli::sarif_schema_path()).unwrap();
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    let text = text.replace(stray, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn validate_writes_sarif_for_an_inventory_that_does_not_load() {
    let (dir, inv) = estate("validate");
    std::fs::write(
        dir.join("inventory/broken.yaml"),
        "components:\n  - {id: billing, depends_on: [postgres-primay]}\n  - {id: ledger, kindd: database}\n",
    )
    .unwrap();
    let out = opsctl(&["validate", &inv, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let sarif = json(&out);
    let errors: Vec<String> = sarif_validator().iter_errors(&sarif).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let got: Vec<(String, u64, u64)> = results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(r["ruleId"], "inventory/invalid");
            assert_eq!(r["level"], "error");
            (
                r["message"]["text"].as_str().unwrap().to_owned(),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].0.contains("postgres-primay") || got[1].0.contains("postgres-primay"),
        "{got:?}"
    );
    assert!(got.iter().any(|(_, line, _)| *line == 3));
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert!(stderr(&out).contains("2 problems found"), "{}", stderr(&out));
    // A valid inventory: an empty, successful run.
    let out = opsctl(&["validate", "examples/inventories/startup", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0));
    let sarif = json(&out);
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

/// The README's `ops.toml` example is a configuration opsctl accepts, and
/// says what the README says it does.
#[test]
fn the_readmes_configuration_example_loads() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("## Using ops in CI").nth(1).unwrap();
    let toml = section.split("```toml\n").nth(1).unwrap().split("```").next().unwrap();
    let dir = temp_dir("readme-config");
    std::fs::write(dir.join("ops.toml"), toml).unwrap();
    let out = opsctl_in(&dir, &["config"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\"inventory/unowned-component\" = \"off\"  # configured\n"),
        "{text}"
    );
    assert!(
        text.contains("\"backup/no-offsite-copy\" = \"low\"  # configured\n"),
        "{text}"
    );
    assert!(text.contains("threshold = \"25w5d\"  # configured"), "{text}");
    assert!(text.contains("work = 100000000  # configured"), "{text}");
    assert!(
        text.contains("[[plugins]]\npath = \"plugins/zone_spof.wasm\"\nconfig = \"plugins/zone-spof.toml\"\n"),
        "{text}"
    );
}
