//! Backstage catalogs through opsctl: the startup estate's catalog gives the
//! same single points of failure (and findings) as the native inventory, the
//! realistic multi-file catalog loads and analyses, `import backstage` writes
//! an inventory file that loads to the same result, and shell completions and
//! man pages come from the command definition.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use serde_json::Value;

use std::process::{Command, Output};

use crate::common;
use common::{opsctl, root, stderr, stdout, temp_dir};

const STARTUP: &str = "examples/inventories/startup";
const CATALOG: &str = "examples/inventories/startup-backstage/catalog";
const OVERLAY: &str = "examples/inventories/startup-backstage/overlay";
/// The native-only parts of the startup estate, shared by both forms.
const SHARED: [&str; 5] = [
    "examples/inventories/startup/access.yaml",
    "examples/inventories/startup/experiments.yaml",
    "examples/inventories/startup/backups.yaml",
    "examples/inventories/startup/problems.yaml",
    "examples/inventories/startup/incidents",
];

fn backstage_args<'a>(command: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let mut args = command.to_vec();
    args.extend(["--backstage", CATALOG, OVERLAY]);
    args.extend(SHARED);
    args.extend(tail);
    args
}

const STARTUP_NOTE: &str = "note: examples/inventories/startup-backstage/catalog/org.yaml:18:7: skipped API \
    'public-api': ops imports only Component, Resource, System, Domain, Group and User\n";

/// The acceptance criterion of issue 9: the startup estate's Backstage
/// equivalent has the same single points of failure as the native inventory.
#[test]
fn the_startup_catalog_has_the_native_inventorys_spofs() {
    let native = opsctl(&["spof", STARTUP, "--format", "json"]);
    let backstage = opsctl(&backstage_args(&["spof"], &["--format", "json"]));
    assert_eq!(native.status.code(), Some(1), "{}", stderr(&native));
    assert_eq!(backstage.status.code(), Some(1), "{}", stderr(&backstage));
    assert_eq!(stdout(&backstage), stdout(&native));
    assert_eq!(stderr(&backstage), STARTUP_NOTE);
    let spofs: Value = serde_json::from_str(&stdout(&native)).unwrap();
    assert_eq!(
        spofs,
        serde_json::json!({"entries": [
            {"entry": "storefront", "tier": 1,
             "spofs": ["dns", "postgres-primary", "redis", "uploads", "web-lb"],
             "domain_spofs": ["aws", "eu-west-1", "eu-west-1a", "maya"]},
            {"entry": "public-api", "tier": 1,
             "spofs": ["api-lb", "dns", "postgres-primary", "redis"],
             "domain_spofs": ["aws", "eu-west-1", "eu-west-1a", "maya"]},
            {"entry": "ci", "tier": 3, "spofs": [], "domain_spofs": []}
        ]})
    );
}

/// Beyond SPOFs: every finding of every check is the same (locations aside).
#[test]
fn the_startup_catalog_has_the_native_inventorys_findings() {
    let at = ["--at", "2026-11-22T09:00:00Z", "--format", "json"];
    let mut native_args = vec!["check", STARTUP];
    native_args.extend(at);
    let native = opsctl(&native_args);
    let backstage = opsctl(&backstage_args(&["check"], &at));
    assert_eq!(native.status.code(), Some(1));
    assert_eq!(backstage.status.code(), Some(1), "{}", stderr(&backstage));
    let findings = |o: &Output| {
        let doc: Value = serde_json::from_str(&stdout(o)).unwrap();
        let mut list: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["check"], f["severity"], f["subject"]["id"], f["message"]
                )
            })
            .collect();
        list.sort();
        list
    };
    let native = findings(&native);
    assert_eq!(native.len(), 47);
    assert_eq!(findings(&backstage), native);
}

#[test]
fn the_imported_file_loads_to_the_same_spofs() {
    let dir = temp_dir("import");
    let file = dir.join("startup.json");
    let out = opsctl(&["import", "backstage", CATALOG, "--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "{STARTUP_NOTE}wrote 14 components, 4 people and 2 groups to {}\n",
            file.display()
        )
    );
    // Overlays apply to a catalog loaded with --backstage; next to an
    // imported file, the rest of the inventory only adds what is new.
    let rest = dir.join("rest.yaml");
    let overlay = std::fs::read_to_string(root().join(OVERLAY).join("ops.yaml")).unwrap();
    let (domains, tail) = overlay.split_once("\npeople:").unwrap();
    let (_, service_accounts) = tail.split_once("\nservice_accounts:").unwrap();
    std::fs::write(&rest, format!("{domains}\nservice_accounts:{service_accounts}")).unwrap();
    let mut args = vec!["spof", file.to_str().unwrap(), rest.to_str().unwrap()];
    args.extend(SHARED);
    args.extend(["--format", "json"]);
    let imported = opsctl(&args);
    let native = opsctl(&["spof", STARTUP, "--format", "json"]);
    assert_eq!(stdout(&imported), stdout(&native), "{}", stderr(&imported));
}

const LUMENPAY: [&str; 4] = [
    "--backstage",
    "examples/inventories/lumenpay/catalog",
    "examples/inventories/lumenpay/overlay",
    "--format",
];

#[test]
fn a_realistic_multi_file_catalog_loads_and_analyses() {
    let out = opsctl(&[
        "validate",
        "--backstage",
        "examples/inventories/lumenpay/catalog",
        "examples/inventories/lumenpay/overlay",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "valid: 26 components, 5 domains, 12 people, 0 grants, 0 backup policies, 0 incidents\n"
    );
    let skipped = |line: u32, file: &str, what: &str| {
        format!(
            "note: examples/inventories/lumenpay/catalog/{file}:{line}:7: skipped {what}: ops imports only \
             Component, Resource, System, Domain, Group and User\n"
        )
    };
    assert_eq!(
        stderr(&out),
        [
            skipped(6, "all.yaml", "Location 'lumenpay-root'"),
            skipped(15, "all.yaml", "Template 'new-go-service'"),
            skipped(111, "systems/checkout.yaml", "API 'checkout-api'"),
            skipped(111, "systems/payments.yaml", "API 'payments-api'"),
        ]
        .concat()
    );

    let mut args = vec!["spof"];
    args.extend(LUMENPAY);
    args.push("json");
    let out = opsctl(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let spofs: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        spofs,
        serde_json::json!({"entries": [
            {"entry": "web-shop", "tier": 1,
             "spofs": ["cdn-edge", "checkout-db", "checkout-lb", "dns", "fraud-scoring", "identity-db",
                       "identity/auth-service", "ledger-db", "payments-gateway", "psp-adapter",
                       "session-cache", "user-directory"],
             "domain_spofs": ["aws", "eu-central-1", "eu-central-1a", "eu-central-1b"]},
            {"entry": "payments-gateway", "tier": 1,
             "spofs": ["dns", "fraud-scoring", "ledger-db", "psp-adapter"],
             "domain_spofs": ["aws", "eu-central-1", "eu-central-1a"]},
            {"entry": "analytics-pipeline", "tier": 3,
             "spofs": ["payments-events", "warehouse"], "domain_spofs": []}
        ]})
    );

    // The identity team's auth service survives one zone: at_least:2 of three.
    let out = opsctl(&[
        "simulate",
        "--backstage",
        "examples/inventories/lumenpay/catalog",
        "examples/inventories/lumenpay/overlay",
        "--fail",
        "identity/auth-1",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // The departed owner of the checkout database (from the overlay) is found.
    let mut args = vec!["check", "--at", "2026-11-22T09:00:00Z"];
    args.extend(LUMENPAY);
    args.push("json");
    let out = opsctl(&args);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let departed: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "inventory/departed-owner")
        .map(|f| f["subject"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(departed, ["checkout-db"]);
}

#[test]
fn broken_catalogs_exit_2_with_every_problem() {
    let out = opsctl(&["check", "--backstage", "ops-core/tests/fixtures/backstage/broken"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.ends_with("12 problems found; nothing was checked\n"), "{err}");
    assert!(
        err.contains(
            "error: ops-core/tests/fixtures/backstage/broken/a.yaml:13:15: spec.dependsOn: 'payment-db' has no kind, \
             and Backstage gives spec.dependsOn none by default; did you mean 'resource:payment-db'?\n"
        ),
        "{err}"
    );
    let dir = temp_dir("broken");
    let file = dir.join("out.json");
    let out = opsctl(&[
        "import",
        "backstage",
        "ops-core/tests/fixtures/backstage/broken",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).ends_with("9 problems found; nothing was imported\n"),
        "{}",
        stderr(&out)
    );
    assert!(!file.exists());
}

#[test]
fn paths_or_backstage_are_required() {
    let out = opsctl(&["spof"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: the following required arguments were not provided:\n  <PATH>...\n"),
        "{}",
        stderr(&out)
    );
    let out = opsctl(&["spof", "--backstage", CATALOG, OVERLAY, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Commands with an id after the paths need one PATH (here the overlay).
    let out = opsctl(&["blast-radius", "--backstage", CATALOG, "redis"]);
    assert_eq!(out.status.code(), Some(2));
    let out = opsctl(&["blast-radius", "--backstage", CATALOG, OVERLAY, "redis"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("9 components down; entry points down: public-api, storefront\n"),
        "{}",
        stdout(&out)
    );
}

/// Every subcommand, nested ones as `parent child`.
fn subcommands() -> Vec<String> {
    let out = opsctl(&["--help"]);
    let help = stdout(&out);
    let top: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A long description wraps onto lines indented to its column.
        .filter(|l| !l[2..].starts_with(' '))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .filter(|c| c != "help")
        .collect();
    assert!(top.len() >= 15, "{top:?}");
    top
}

#[test]
fn completions_cover_every_subcommand() {
    let commands = subcommands();
    for shell in ["bash", "zsh", "fish"] {
        let out = opsctl(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell} completion lacks {c}");
        }
        for flag in ["backstage", "fail-on", "format"] {
            let written = if shell == "fish" {
                format!("-l {flag}")
            } else {
                format!("--{flag}")
            };
            assert!(script.contains(&written), "{shell} completion lacks {written}");
        }
    }
    let bash = stdout(&opsctl(&["completions", "bash"]));
    assert!(bash.contains("complete -F _opsctl"), "{bash}");
    assert!(
        bash.contains("opsctl__subcmd__import,backstage)"),
        "nested subcommands are completed"
    );
    // bash itself completes with it: `opsctl import ba<TAB>`, `opsctl spof --back<TAB>`.
    let dir = temp_dir("completions");
    let script = dir.join("opsctl.bash");
    std::fs::write(&script, &bash).unwrap();
    let complete = |words: &str, cword: usize| {
        let line = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _opsctl opsctl \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new("bash").args(["-c", &line]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("opsctl import ba", 2), "backstage\n");
    assert_eq!(
        complete("opsctl spof --back", 2),
        "--backstage\n--backstage-infer\n--backstage-entry-type\n"
    );
    let out = opsctl(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_and_documents_every_subcommand() {
    let out = opsctl(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{}", &page[..100]);
    assert!(page.contains("\n.TH opsctl 1 "), "no .TH header");
    assert!(page.contains("\n.SH NAME\n"));
    assert!(page.contains("\n.SH SUBCOMMANDS\n"));
    for c in subcommands() {
        assert!(
            page.contains(&format!("opsctl\\-{}", c.replace('-', "\\-"))),
            "man page lacks {c}"
        );
    }
    // When groff is installed (it is on Debian with man-db), the page must
    // format without a warning.
    if let Ok(groff) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write as _;
        let mut groff = groff;
        groff.stdin.take().unwrap().write_all(page.as_bytes()).unwrap();
        let result = groff.wait_with_output().unwrap();
        assert!(result.status.success());
        assert_eq!(String::from_utf8_lossy(&result.stderr), "");
    }

    let dir = temp_dir("man");
    let out = opsctl(&["man", "--output", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for expected in [
        "opsctl.1",
        "opsctl-check.1",
        "opsctl-import-backstage.1",
        "opsctl-access-review.1",
    ] {
        assert!(pages.iter().any(|p| p == expected), "{expected} not in {pages:?}");
    }
    assert_eq!(
        stderr(&out),
        format!("wrote {} man pages to {}\n", pages.len(), dir.display())
    );
    let check = std::fs::read_to_string(dir.join("opsctl-check.1")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        check.contains(&format!("\n.TH opsctl-check 1  \"check {version}\"")),
        "{check}"
    );
    assert!(check.contains("\\-\\-backstage"));
}

/// A catalog as Backstage's own examples are shaped, without one ops.dev
/// annotation: everything about it is inferred.
const WILD: &str = "ops-core/tests/fixtures/backstage/wild";

#[test]
fn an_unannotated_catalog_gives_the_spofs_of_its_websites() {
    let out = opsctl(&["spof", "--backstage", WILD]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "booking-web:\n  components: booking-events, bookings-db, fares, fares-cache, fares-importer, harbour-dns, \
         payment-gateway, payments-db, timetables-bucket\n\
         fleet/tracker-web:\n  components: fleet/positions-stream, fleet/voyage-archive, harbour-dns\n"
    );
    // It loads with notes only: kinds skipped, fields ignored, references outside.
    let err = stderr(&out);
    assert!(err.lines().all(|l| l.starts_with("note: ")), "{err}");
    assert_eq!(err.lines().count(), 13, "{err}");
    assert!(
        err.contains(&format!(
            "note: {WILD}/systems.yaml:34:11: spec.domain: 'domain:default/finance' is not in the given files; ignored\n"
        )),
        "{err}"
    );

    // Stateful by spec.type: backup/unprotected-data without annotations.
    let out = opsctl(&[
        "check",
        "--at",
        "2026-11-22T09:00:00Z",
        "--backstage",
        WILD,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let findings: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] != "graph/spof")
        .map(|f| {
            format!(
                "{} {}",
                f["check"].as_str().unwrap(),
                f["subject"]["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "backup/unprotected-data bookings-db",
            "backup/unprotected-data booking-events",
            "backup/unprotected-data timetables-bucket",
            "backup/unprotected-data payments-db",
            "backup/unprotected-data fleet/positions-stream",
            "backup/unprotected-data fleet/voyage-archive",
            "graph/nominal-redundancy api:booking-api",
            "graph/nominal-redundancy api:fleet/positions-api",
            // No experiment recorded: both redundancies are claims.
            "graph/untested-redundancy api:booking-api",
            "graph/untested-redundancy api:fleet/positions-api",
            "inventory/unowned-component payment-gateway",
            "inventory/unowned-component payments-db",
            // each website stands on an API two components provide
            "graph/double-fault booking-web",
            "graph/double-fault fleet/tracker-web",
            "inventory/unreachable-component fleet/crew-portal",
        ]
    );

    // Each inferred fact is visible as such in the imported file.
    let out = opsctl(&["import", "backstage", WILD]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let web = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "booking-web")
        .unwrap();
    assert_eq!(
        web["tags"],
        serde_json::json!([
            "typescript",
            "system:booking",
            "business-domain:travel",
            "inferred:entry from spec.type website",
            "inferred:depends_on api:booking-api from spec.consumesApis api:default/booking-api",
            "inferred:depends_on fares from spec.consumesApis api:default/fares-api"
        ])
    );
}

#[test]
fn backstage_inference_can_be_switched_off_or_given_entry_types() {
    let out = opsctl(&["spof", "--backstage", WILD, "--backstage-infer", "none"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = opsctl(&["import", "backstage", WILD, "--backstage-infer", "none"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("inferred:"));

    let out = opsctl(&["spof", "--backstage", WILD, "--backstage-entry-type", "service"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        entries,
        [
            "booking-api-north:",
            "booking-api-south:",
            "fares:",
            "fares-importer:",
            "payment-gateway:",
            "fleet/positions-a:",
            "fleet/positions-b:",
        ]
    );
}
