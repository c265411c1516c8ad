//! `opsctl import` end to end: the fixtures of ops-core's import tests become
//! inventory files that `opsctl validate` accepts; bad input exits 2 with every
//! problem and writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use serde_json::Value;

use crate::common;
use common::{opsctl, root, stderr, stdout, temp_dir};

const FIXTURES: &str = "ops-core/tests/fixtures/import";

#[test]
fn aws_report_to_stdout_then_to_a_file_that_validates() {
    let report = format!("{FIXTURES}/aws-credential-report.csv");
    let args = [
        "import",
        "aws-credential-report",
        &report,
        "--system",
        "aws-prod",
        "--map",
        "<root_account>=maya",
        "--map",
        "<root_account>=tom",
    ];
    let out = opsctl(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = doc["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "aws-prod:root",
            "aws-prod:maya:password",
            "aws-prod:tom:password",
            "aws-prod:tom:key1",
            "aws-prod:priya:password",
            "aws-prod:priya:key1",
            "aws-prod:sam:password",
            "aws-prod:ci-deployer:key1",
            "aws-prod:ci-deployer:key2",
        ]
    );
    assert_eq!(doc["credentials"][0]["holders"], serde_json::json!(["maya", "tom"]));

    let dir = temp_dir("aws");
    std::fs::copy(root().join(FIXTURES).join("estate.yaml"), dir.join("estate.yaml")).unwrap();
    let target = dir.join("aws.json");
    let mut with_output = args.to_vec();
    with_output.extend(["--output", target.to_str().unwrap()]);
    let out = opsctl(&with_output);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!("wrote 9 credentials and 0 grants to {}\n", target.display())
    );
    // Same bytes as standard output.
    assert_eq!(std::fs::read_to_string(&target).unwrap(), stdout(&opsctl(&args)));

    let grants = dir.join("grants.json");
    let out = opsctl(&[
        "import",
        "grants-csv",
        &format!("{FIXTURES}/grants.csv"),
        "-o",
        grants.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("wrote 0 credentials and 12 grants to {}\n", grants.display())
    );

    let out = opsctl(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("12 grants"), "{}", stdout(&out));
}

#[test]
fn bad_input_exits_2_with_every_problem_and_writes_nothing() {
    let dir = temp_dir("bad");
    let csv = dir.join("grants.csv");
    std::fs::write(
        &csv,
        "principal,system,level,granted\nmaya,aws-prod,root,\n\"tom\",github,read,2026-13-01\n",
    )
    .unwrap();
    let target = dir.join("out.json");
    let out = opsctl(&[
        "import",
        "grants-csv",
        csv.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {f}:1: column 'granted': unknown column (did you mean 'granted_at'?)\n\
             1 problem found; nothing was imported\n",
            f = csv.display()
        )
    );
    assert!(!target.exists());

    std::fs::write(
        &csv,
        "principal,system,level,granted_at\nmaya,aws-prod,root,\n\"tom\",github,read,2026-13-01\n",
    )
    .unwrap();
    let out = opsctl(&["import", "grants-csv", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {f}:2: column 'level': expected read, write, admin or owner, found 'root'\n\
             error: {f}:3: column 'granted_at': invalid date '2026-13-01': expected YYYY-MM-DD\n\
             2 problems found; nothing was imported\n",
            f = csv.display()
        )
    );
}

#[test]
fn usage_errors_exit_2() {
    let report = format!("{FIXTURES}/aws-credential-report.csv");
    let out = opsctl(&[
        "import",
        "aws-credential-report",
        &report,
        "--system",
        "aws-prod",
        "--map",
        "maya",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected USER=PRINCIPAL (or USER= for nobody), found 'maya'"),
        "{}",
        stderr(&out)
    );
    let out = opsctl(&["import", "aws-credential-report", &report]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--system <ID>"), "{}", stderr(&out));
    let out = opsctl(&["import", "grants-csv", "no-such.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no-such.csv: no such file or directory\n1 problem found; nothing was imported\n"
    );
}

#[test]
fn restic_problems_are_reported_like_every_importers() {
    let dir = temp_dir("restic");
    let file = dir.join("snapshots.json");
    std::fs::write(&file, "[\n  {\"id\": \"8b1f\", \"time\": \"yesterday\"}\n]\n").unwrap();
    let out = opsctl(&["import", "restic-snapshots", file.to_str().unwrap(), "--policy", "p"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {}:2:37: invalid time 'yesterday' (premature end of input): expected RFC 3339 with an offset, \
             such as 2026-11-20T02:30:00.123456789+01:00\n\
             1 problem found; nothing was imported\n",
            file.display()
        )
    );
}
