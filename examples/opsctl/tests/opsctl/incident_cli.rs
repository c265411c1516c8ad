//! `opsctl incident report`, `opsctl postmortem` and `opsctl incident new`,
//! end to end on the example inventory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::path::{Path, PathBuf};

const EXAMPLE: &str = "examples/inventories/startup";

use crate::common;
use common::{opsctl, root, stderr, stdout, temp_dir};

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

#[test]
fn report_on_the_example() {
    let out = opsctl(&["incident", "report", EXAMPLE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "2 incidents",
            "detected by: monitor 1, customer 1, staff 0, not recorded 0",
            "detected by customers: 50% (1 of 2 with a recorded source)",
            "",
            "GROUP                            INCIDENTS  CUSTOMER  TIME TO        N      MEAN    MEDIAN       P90",
            "all                                      2         1  detect         2    20m30s        2m       39m",
        ]
    );
    // INC-2026-014 resolved 2h49m after detection, INC-2026-019 1h37m: mean 2h13m, nearest-rank median the lower.
    assert!(
        text.contains(
            "\n                                                      resolve        2     2h13m     1h37m     2h49m\n"
        ),
        "{text}"
    );
    assert!(text.contains("\ncomponent postgres-primary               2         1  detect"));
    assert!(text.contains("\nmonth 2026-09                            1         1  detect"));

    let md = stdout(&opsctl(&["incident", "report", EXAMPLE, "--format", "markdown"]));
    assert!(
        md.starts_with("# Incident metrics\n\n2 incidents. Detected by: monitor 1, customer 1"),
        "{md}"
    );
    assert!(
        md.contains("\n| component postgres-primary | 2 | 1 | 20m30s / 2m / 39m (2) | 13m30s / 9m / 18m (2) | "),
        "{md}"
    );

    let since = stdout(&opsctl(&["incident", "report", EXAMPLE, "--since", "2026-10-01"]));
    assert!(
        since.starts_with("1 incident detected since 2026-10-01 00:00:00 UTC\n"),
        "{since}"
    );
}

#[test]
fn report_refuses_a_bad_date() {
    let out = opsctl(&["incident", "report", EXAMPLE, "--since", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid instant 'last week'"), "{}", stderr(&out));
}

#[test]
fn postmortem_of_the_example_renders() {
    let out = opsctl(&["postmortem", EXAMPLE, "INC-2026-014"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = stdout(&out);
    assert!(
        doc.starts_with(
            "# Post-mortem: INC-2026-014 Checkout failing for all customers (database disk full)\n\n\
             | | |\n|---|---|\n| **Severity** | sev1 |\n| **Status** | post-mortem done |\n\
             | **Commander** | Maya Okafor (maya) |\n| **Detected by** | customer |\n\
             | **Problem** | PRB-2026-003 The orders database volume fills up |\n"
        ),
        "{doc}"
    );
    for heading in [
        "\n## Impact\n",
        "\n## What happened?\n",
        "\n## Why did it happen?\n",
        "\n## Why did monitoring not catch it earlier?\n",
        "\n## Why did self-healing not resolve it?\n",
        "\n## Timeline\n",
        "\n## Issues and actions\n",
    ] {
        assert!(doc.contains(heading), "missing {heading:?}");
    }
    assert!(doc.contains(
        "| Alert when pg_stat_archiver.failed_count increases. | Maya Okafor (maya) | 2026-10-15 | \
         A page within 15 minutes of the first failed archive. | open |\n"
    ));
    assert!(doc.contains(
        "\n## Problem PRB-2026-003: The orders database volume fills up\n\n\
         Plan for the next occurrence:\n\n\
         - Collect: df -h and du -sh of /var/lib/postgresql/16/main/* and of pg_wal on the host\n"
    ));
    assert!(doc.contains(
        "- Spend up to 5m collecting before restoring service.\n\
         - Prepared: Maya Okafor (maya), Tom Lindqvist (tom).\n- Tell: group engineering.\n"
    ));
    assert!(!doc.contains("Not written yet"), "the example post-mortem is complete");
    assert!(!doc.contains("No action yet"));
}

#[test]
fn postmortem_to_a_file_and_unknown_incidents() {
    let dir = temp_dir("pm-output");
    let target = dir.join("pm.md");
    let out = opsctl(&[
        "postmortem",
        EXAMPLE,
        "INC-2026-019",
        "--format",
        "markdown",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("# Post-mortem: INC-2026-019 ")
    );

    let out = opsctl(&["postmortem", EXAMPLE, "INC-9"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: unknown incident 'INC-9'; known: INC-2026-014, INC-2026-019\n"
    );
}

#[test]
fn new_incident_loads_with_the_inventory_and_is_never_overwritten() {
    let dir = temp_dir("new");
    copy_dir(&root().join(EXAMPLE), &dir);
    let incidents = dir.join("incidents");
    let args = [
        "incident",
        "new",
        incidents.to_str().unwrap(),
        "--title",
        "Search results stale: \"EU\" only #2",
        "--severity",
        "sev2",
        "--commander",
        "maya",
        "--impacted",
        "storefront,public-api",
        "--at",
        "2026-11-22T09:15:30.250+01:00",
    ];
    let out = opsctl(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = incidents.join("2026-11-22-search-results-stale-eu-only-2.yaml");
    assert_eq!(stdout(&out), format!("{}\n", file.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("  id: \"INC-2026-11-22-search-results-stale-eu-only-2\"\n"),
        "{text}"
    );
    assert!(text.contains("  title: \"Search results stale: \\\"EU\\\" only #2\"\n"));
    assert!(text.contains("  detected_at: 2026-11-22T08:15:30Z\n"));

    // It loads together with the rest of the inventory, and its post-mortem renders.
    let out = opsctl(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with(", 3 incidents\n"), "{}", stdout(&out));
    let out = opsctl(&[
        "postmortem",
        dir.to_str().unwrap(),
        "INC-2026-11-22-search-results-stale-eu-only-2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(
        "# Post-mortem: INC-2026-11-22-search-results-stale-eu-only-2 Search results stale: \"EU\" only #2\n"
    ));
    assert!(stdout(&out).contains("| **Status** | detected |\n"));

    // A second run with the same title and date leaves the file untouched.
    std::fs::write(&file, "edited by hand\n").unwrap();
    let out = opsctl(&args);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("error: {} already exists; not overwriting it\n", file.display())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "edited by hand\n");
    let names: Vec<String> = std::fs::read_dir(&incidents)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "no temporary file is left: {names:?}");
}

#[test]
fn new_incident_with_defaults_loads_on_its_own() {
    let dir = temp_dir("new-defaults");
    let out = opsctl(&["incident", "new", dir.to_str().unwrap(), "--title", "Büro Wi-Fi down"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = PathBuf::from(stdout(&out).trim_end());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with("-b-ro-wi-fi-down.yaml"), "{name}");
    let out = opsctl(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&path).unwrap().contains("  severity: sev3\n"));
}

#[test]
fn new_incident_input_errors() {
    let out = opsctl(&["incident", "new", "no/such/dir", "--title", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: no/such/dir is not a directory\n");
    let out = opsctl(&["incident", "new", ".", "--title", "x", "--severity", "p1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown incident severity 'p1'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_has_examples() {
    for args in [
        &["incident", "report", "--help"][..],
        &["incident", "new", "--help"],
        &["postmortem", "--help"],
    ] {
        let out = opsctl(args);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("Examples:\n  opsctl "), "{args:?}");
    }
    assert!(stdout(&opsctl(&["--help"])).contains("opsctl incident report examples/inventories/startup"));
}
