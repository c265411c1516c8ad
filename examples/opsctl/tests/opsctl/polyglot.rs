//! Plugins written in Python (componentize-py) and JavaScript
//! (componentize-js), built by `examples/polyglot/build.sh` into
//! `target/polyglot/`, through `opsctl check` and `opsctl plugin inspect`.
//!
//! Building them needs the pinned toolchains (a Python virtualenv and
//! `npm ci`; minutes), so these tests use what the script built and skip,
//! with a message, when it has not run; `OPS_REQUIRE_POLYGLOT=1` (CI sets
//! it, after running the script) makes a missing component a failure.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{Value, json};

// The plugin builder of ops-plugins' tests: the Rust plugins to compare with.
use crate::plugin_cli::plugins;

const AT: &str = "2026-11-22T09:00:00Z";

/// The path (relative to the repository root, as opsctl is run from there)
/// of the component `target/polyglot/<lang>/<name>.wasm`, or `None` (after
/// saying why) if it was not built and `OPS_REQUIRE_POLYGLOT` is not `1`.
fn component(lang: &str, name: &str) -> Option<String> {
    let relative = format!("target/polyglot/{lang}/{name}.wasm");
    if plugins::root().join(&relative).is_file() {
        return Some(relative);
    }
    if std::env::var("OPS_REQUIRE_POLYGLOT").as_deref() == Ok("1") {
        panic!("OPS_REQUIRE_POLYGLOT=1 but {relative} does not exist: run examples/polyglot/build.sh");
    }
    eprintln!(
        "SKIPPED: {lang} plugin test: {relative} not built (run examples/polyglot/build.sh; \
         CI sets OPS_REQUIRE_POLYGLOT=1)"
    );
    None
}

/// One compiled-plugin cache for every run of these tests, kept in target/
/// across test runs: an 18 MB Python component takes seconds to compile, and
/// the cache is keyed by the component's hash (and checksummed), so a rebuilt
/// component is compiled afresh and a stale entry is never used.
fn cache() -> PathBuf {
    plugins::root().join("target/polyglot/plugin-cache")
}

fn opsctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsctl"))
        .args(args)
        .current_dir(plugins::root())
        .env_remove("NO_COLOR")
        .env("OPS_PLUGIN_CACHE", cache())
        .output()
        .expect("opsctl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Compiles every polyglot component into the cache once, one at a time
/// (in parallel, tests would compile each several times over), by running
/// `opsctl plugin inspect` on it, and returns its JSON document by file.
/// Components not built are left out.
fn inspected() -> &'static Vec<(String, Output)> {
    static INSPECTED: OnceLock<Vec<(String, Output)>> = OnceLock::new();
    INSPECTED.get_or_init(|| {
        let mut all = Vec::new();
        for (lang, name) in [
            ("python", "unowned"),
            ("python", "zone_spof"),
            ("python", "hostile_py_busy_loop"),
            ("python", "hostile_py_memory_bomb"),
            ("python", "hostile_py_raises"),
            ("js", "unowned"),
            ("js", "zone_spof"),
            ("js", "hostile_js_random"),
        ] {
            let relative = format!("target/polyglot/{lang}/{name}.wasm");
            if plugins::root().join(&relative).is_file() {
                let out = opsctl(&["plugin", "inspect", &relative, "--format", "json"]);
                all.push((relative, out));
            }
        }
        all
    })
}

/// `opsctl plugin inspect --format json` of `file` (compiled by `inspected`).
fn inspect(file: &str) -> &'static Output {
    &inspected()
        .iter()
        .find(|(f, _)| f == file)
        .unwrap_or_else(|| panic!("{file} was not inspected"))
        .1
}

/// `opsctl check --format json` of the startup estate with `plugins`, each a
/// file and its configuration file, if any: exit code, report, stderr.
fn check(plugins: &[(&str, Option<&str>)]) -> (Option<i32>, Value, String) {
    let _ = inspected();
    let mut args = vec!["check", "examples/inventories/startup", "--at", AT, "--format", "json"];
    for (file, config) in plugins {
        args.extend(["--plugin", file]);
        if let Some(config) = config {
            args.extend(["--plugin-config", config]);
        }
    }
    let out = opsctl(&args);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    (out.status.code(), report, text(&out.stderr))
}

/// The findings of checks whose id starts with `prefix`.
fn findings_of(report: &Value, prefix: &str) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with(prefix))
        .cloned()
        .collect()
}

/// `(check, subject id)` of each finding, in report order.
fn pairs(findings: &[Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["subject"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const ZONE_SPOF_CONFIG: &str = "examples/plugins/zone-spof/zone-spof.toml";

/// What the Rust `unowned` and `zone-spof` report on the startup estate
/// (with zone-spof's example configuration): the plugin findings every
/// other language's port must reproduce exactly, evidence and all.
fn rust_findings() -> &'static Vec<Value> {
    static RUST: OnceLock<Vec<Value>> = OnceLock::new();
    RUST.get_or_init(|| {
        let _ = plugins::plugin("unowned");
        let wasm = "examples/plugins/target/wasm32-unknown-unknown/release";
        let unowned = format!("{wasm}/unowned.wasm");
        let zone_spof = format!("{wasm}/zone_spof.wasm");
        let (code, report, stderr) = check(&[(&unowned, None), (&zone_spof, Some(ZONE_SPOF_CONFIG))]);
        assert_eq!(code, Some(1), "{stderr}");
        assert_eq!(report["errors"], json!([]));
        findings_of(&report, "plugin:")
    })
}

/// The plugin findings on the startup estate, by check and subject.
fn expected_pairs() -> Vec<(String, String)> {
    [
        ("plugin:unowned/no-owner", "dns"),
        ("plugin:zone-spof/stateful-spof", "postgres-primary"),
        ("plugin:zone-spof/stateful-spof", "uploads"),
        ("plugin:zone-spof/unzoned-spof", "api-lb"),
        ("plugin:zone-spof/unzoned-spof", "dns"),
        ("plugin:zone-spof/unzoned-spof", "uploads"),
        ("plugin:zone-spof/unzoned-spof", "web-lb"),
        ("plugin:zone-spof/zone-loss", "public-api"),
        ("plugin:zone-spof/zone-loss", "storefront"),
    ]
    .map(|(c, s)| (c.to_owned(), s.to_owned()))
    .to_vec()
}

/// Runs the `unowned` and `zone-spof` ports in `lang` and asserts they
/// report exactly what the Rust plugins do.
fn ports_match_rust(lang: &str) {
    let (Some(unowned), Some(zone_spof)) = (component(lang, "unowned"), component(lang, "zone_spof")) else {
        return;
    };
    let (code, report, stderr) = check(&[(&unowned, None), (&zone_spof, Some(ZONE_SPOF_CONFIG))]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(report["errors"], json!([]));
    let found = findings_of(&report, "plugin:");
    let mut got = pairs(&found);
    got.sort();
    let mut want = expected_pairs();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(&found, rust_findings());
    // The built-in checks ran beside them.
    assert!(
        pairs(&report["findings"].as_array().unwrap().clone())
            .contains(&("inventory/departed-owner".to_owned(), "reports".to_owned()))
    );
}

#[test]
fn python_plugins_report_exactly_what_the_rust_ones_do() {
    ports_match_rust("python");
}

#[test]
fn javascript_plugins_report_exactly_what_the_rust_ones_do() {
    ports_match_rust("js");
}

/// The findings of the built-in checks alone.
fn builtin_findings() -> Vec<Value> {
    let (code, report, stderr) = check(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    report["findings"].as_array().unwrap().clone()
}

#[test]
fn hostile_python_plugins_fail_alone_with_the_limit_named_and_every_other_check_reports() {
    let (Some(busy), Some(bomb), Some(raises), Some(unowned)) = (
        component("python", "hostile_py_busy_loop"),
        component("python", "hostile_py_memory_bomb"),
        component("python", "hostile_py_raises"),
        component("python", "unowned"),
    ) else {
        return;
    };
    let (code, report, stderr) = check(&[(&busy, None), (&bomb, None), (&raises, None), (&unowned, None)]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(
        report["errors"],
        json!([
            {
                "check": "plugin:hostile-py-busy-loop",
                "message": format!("resource limit: plugin '{busy}' (calls itself 'hostile-py-busy-loop') \
                                    exceeded its CPU time budget of 1000 ms"),
            },
            {
                "check": "plugin:hostile-py-memory-bomb",
                "message": format!("resource limit: plugin '{bomb}' (calls itself 'hostile-py-memory-bomb') \
                                    exceeded its memory limit of 65536 KiB (asked for 65856 KiB)"),
            },
            {
                // 500 lines of print() did not trap, and the exception's
                // message came through the log past them.
                "check": "plugin:hostile-py-raises",
                "message": format!("plugin '{raises}' (calls itself 'hostile-py-raises') panicked: \
                                    KeyError: 'incidents' (at raises.py:17 in run)"),
            },
        ])
    );
    // Every built-in finding, and the well-behaved plugin's, as without them.
    let mut want = builtin_findings();
    want.extend(
        rust_findings()
            .iter()
            .filter(|f| f["check"] == "plugin:unowned/no-owner")
            .cloned(),
    );
    let mut got = report["findings"].as_array().unwrap().clone();
    let key = |f: &Value| serde_json::to_string(f).unwrap();
    got.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(got, want);
}

#[test]
fn a_python_plugin_configuration_error_is_its_run_error() {
    let Some(zone_spof) = component("python", "zone_spof") else {
        return;
    };
    let dir = crate::common::temp_dir("polyglot-config");
    let config = dir.join("zone-spof.toml");
    std::fs::write(&config, "# tiers\nmax_tier = 2\nmin_tier = 1\n").unwrap();
    let (code, report, stderr) = check(&[(&zone_spof, Some(config.to_str().unwrap()))]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        report["errors"],
        json!([{
            "check": "plugin:zone-spof",
            "message": format!("plugin '{zone_spof}' (calls itself 'zone-spof') failed: \
                                config line 3: unknown key 'min_tier' (known: max_tier)"),
        }])
    );
}

#[test]
fn inspect_calls_the_python_and_javascript_plugins_sandbox_clean() {
    let ops = |names: &[&str]| -> Value { names.iter().map(|n| format!("ops:plugin/{n}@0.1.1")).collect() };
    for lang in ["python", "js"] {
        let Some(unowned) = component(lang, "unowned") else {
            return;
        };
        let out = inspect(&unowned);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        // componentize-py and componentize-js import every interface of
        // the world (the Rust linker drops those a plugin never calls), and
        // nothing else.
        let imports = ops(&[
            "types",
            "inventory",
            "analysis",
            "backups",
            "access",
            "incidents",
            "log",
        ]);
        // componentize-py also exports the component's own `exports`
        // instance (the interface's types); componentize-js does not.
        let exports = if lang == "python" {
            json!(["exports", "ops:plugin/plugin@0.1.1"])
        } else {
            json!(["ops:plugin/plugin@0.1.1"])
        };
        assert_eq!(
            doc,
            json!({
                "file": unowned,
                "plugin": {
                    "name": "unowned",
                    "version": "0.1.0",
                    "check": "plugin:unowned",
                    "rules": [{
                        "id": "plugin:unowned/no-owner",
                        "default_severity": "medium",
                        "summary": "A component has no owner",
                        "explanation": "",
                    }],
                    "config_schema": null,
                },
                "imports": imports,
                "exports": exports,
                "refused_imports": [],
                "sandbox_clean": true,
                "load_error": null,
            }),
            "{lang}"
        );
    }
}

/// Lines of the README's "Writing a plugin in LANG" section that are
/// commands (in its `bash` blocks), continuation lines joined.
fn readme_commands(section: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(plugins::root().join("README.md")).unwrap();
    let start = readme
        .find(section)
        .unwrap_or_else(|| panic!("README has no {section:?}"));
    let body = &readme[start + section.len()..];
    let body = &body[..body.find("\n### ").unwrap_or(body.len())];
    let mut commands = Vec::new();
    let mut in_bash = false;
    let mut pending = String::new();
    for line in body.lines().map(str::trim) {
        if line == "```bash" {
            in_bash = true;
        } else if line.starts_with("```") {
            in_bash = false;
        } else if in_bash {
            match line.strip_suffix('\\') {
                Some(head) => pending += head,
                None => commands.push(std::mem::take(&mut pending) + line),
            }
        }
    }
    commands
}

#[test]
fn the_readme_walkthroughs_are_the_examples_and_ci_runs_their_commands() {
    let root = plugins::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for source in [
        "examples/polyglot/python/unowned/unowned.py",
        "examples/polyglot/js/unowned.js",
    ] {
        let indented: String = std::fs::read_to_string(root.join(source))
            .unwrap()
            .lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_owned()
                } else {
                    format!("   {l}\n")
                }
            })
            .collect();
        assert!(readme.contains(&indented), "README's walkthrough differs from {source}");
    }
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    for section in [
        "### Writing a plugin in Python\n",
        "### Writing a plugin in JavaScript\n",
    ] {
        let commands = readme_commands(section);
        assert_eq!(commands.len(), 4, "{section}: {commands:?}");
        // Step 3 (building one's own plugin) passes the flags the script does.
        let build = std::fs::read_to_string(root.join("examples/polyglot/build.sh")).unwrap();
        let flags = if section.contains("Python") {
            "-w check componentize --stub-wasi"
        } else {
            "--disable stdio random clocks http fetch-event"
        };
        assert!(commands[1].contains(flags), "README: {}", commands[1]);
        assert!(build.contains(flags), "build.sh does not pass {flags}");
        // Step 1 builds with the script and step 4 runs opsctl: CI runs them.
        for command in [&commands[0], &commands[2], &commands[3]] {
            assert!(
                ci.lines().any(|l| l.trim().ends_with(command.as_str())),
                ".ci/run does not run the README's `{command}`"
            );
        }
    }
}

#[test]
fn inspect_refuses_a_javascript_plugin_built_with_randomness_naming_the_import() {
    let Some(random) = component("js", "hostile_js_random") else {
        return;
    };
    let out = inspect(&random);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let why = format!(
        "{random}: imports `wasi:random/random@0.2.12`, which this host does not provide \
         (plugins may import only ops:plugin/{{inventory,analysis,backups,access,incidents,log,types}}@0.1; no WASI)"
    );
    assert_eq!(doc["refused_imports"], json!(["wasi:random/random@0.2.12"]));
    assert_eq!(doc["sandbox_clean"], json!(false));
    assert_eq!(doc["plugin"], Value::Null);
    assert_eq!(doc["load_error"], json!(why));
    assert_eq!(text(&out.stderr), format!("error: {why}\n"));
}
