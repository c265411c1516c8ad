//! opsctl offboard and opsctl access review, end to end on the example inventory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use crate::common;

use common::{opsctl, stderr, stdout};
use serde_json::Value;

const AT: &str = "2026-11-22T09:00:00Z";
const EXAMPLE: &str = "examples/inventories/startup";

#[test]
fn offboard_prints_the_checklist_for_the_departed_developer() {
    let out = opsctl(&["offboard", EXAMPLE, "dana", "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with(
        "# Offboarding: Dana Whitfield (`dana`)\n\nStatus: departed on 2026-06-30 16:00 UTC. Access as of 2026-11-22T09:00:00Z.\n"
    ));
    assert!(md.contains("| grafana | read | Viewer | `engineering->grafana` | dana → team-web → engineering |"));
    assert!(md.contains("- [ ] Remove `dana` from group `team-web` (cuts `team-web->github`, `engineering->grafana`)"));
}

#[test]
fn offboard_json_and_output_file() {
    let dir = crate::common::temp_dir("offboard");
    let target = dir.join("dana.json");
    let out = opsctl(&[
        "offboard",
        EXAMPLE,
        "dana",
        "--at",
        AT,
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let grants: Vec<&str> = plan["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["grant"].as_str().unwrap())
        .collect();
    assert_eq!(grants, ["dana->prod-db", "team-web->github", "engineering->grafana"]);
    assert_eq!(
        plan["ownership"][1],
        serde_json::json!({"kind": "service_account", "id": "reports-bot"})
    );
}

#[test]
fn offboard_unknown_person_exits_2_with_a_hint() {
    let out = opsctl(&["offboard", EXAMPLE, "dann"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no person 'dann' in the inventory (did you mean 'dana'?)\n"
    );
}

#[test]
fn access_review_csv_for_one_system() {
    let out = opsctl(&[
        "access", "review", EXAMPLE, "--system", "github", "--format", "csv", "--at", AT,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "system,principal,principal_kind,status,level,role,source,via,last_used_at,expires_at,flags\n\
         github,dana,person,departed,write,write,grant:team-web->github,through team-web,,,departed\n\
         github,priya,person,on_leave,write,write,grant:team-web->github,through team-web,,,on-leave\n\
         github,tom,person,active,write,write,grant:team-web->github,through team-web,,,\n"
    );
}

#[test]
fn access_review_markdown_covers_every_system() {
    let out = opsctl(&["access", "review", EXAMPLE, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    let systems: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(systems, ["aws-prod", "github", "grafana", "prod-db"]);
    let unknown = opsctl(&["access", "review", EXAMPLE, "--system", "githb"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown),
        "error: no system 'githb' in the inventory (did you mean 'github'?)\n"
    );
}
