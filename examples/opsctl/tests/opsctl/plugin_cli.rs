//! `opsctl check --plugin` and `opsctl plugin inspect`, with plugins built
//! from examples/plugins.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

// The plugin builder ops-plugins' tests use: one way to build the example plugins.
#[path = "../../../../ops-plugins/tests/common/mod.rs"]
pub(crate) mod plugins;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const AT: &str = "2026-11-22T09:00:00Z";

/// Builds the plugins (once) and returns the path of `name`'s component.
fn wasm(name: &str) -> String {
    let _ = plugins::plugin(name);
    format!(
        "examples/plugins/target/wasm32-unknown-unknown/release/{}.wasm",
        name.replace('-', "_")
    )
}

/// The compiled-plugin cache of these tests, away from the user's and kept
/// in target/ across test runs, as polyglot's: it is keyed by the
/// component's hash (and checksummed), so a rebuilt plugin is compiled
/// afresh and a stale entry is never used.
fn cache() -> PathBuf {
    plugins::root().join("target/plugin-cli-cache")
}

fn opsctl(args: &[&str]) -> Output {
    opsctl_caching_in(args, &cache())
}

/// [`opsctl`] with the compiled-plugin cache in `cache`.
fn opsctl_caching_in(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsctl"))
        .args(args)
        .current_dir(plugins::root())
        .env_remove("NO_COLOR")
        .env("OPS_PLUGIN_CACHE", cache)
        .output()
        .expect("opsctl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn check_runs_a_plugin_with_its_configuration_next_to_the_builtin_checks() {
    let zone_spof = wasm("zone-spof");
    let dir = crate::common::temp_dir("plugin-config");
    let config = dir.join("zone-spof.toml");
    std::fs::write(&config, "max_tier = 3\n").unwrap();
    let cache = crate::common::temp_dir("plugin-cache");
    let args = [
        "check",
        "examples/inventories/startup",
        "--at",
        AT,
        "--format",
        "json",
        "--plugin",
        &zone_spof,
        "--plugin-config",
        config.to_str().unwrap(),
    ];
    let out = opsctl_caching_in(&args, &cache);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(checks.iter().filter(|c| c.starts_with("plugin:zone-spof/")).count(), 8);
    assert!(checks.contains(&"inventory/departed-owner"));
    // The compiled plugin is cached, in a cache that was empty, for the next run.
    let cached = std::fs::read_dir(&cache).unwrap().filter_map(Result::ok);
    assert!(
        cached
            .into_iter()
            .any(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
    );
}

#[test]
fn the_plugin_cache_is_bounded_by_ops_plugin_cache_max_mb() {
    let (zone_spof, unowned) = (wasm("zone-spof"), wasm("unowned"));
    let cache = crate::common::temp_dir("plugin-cache-bound");
    let run = |bound: &str| {
        Command::new(env!("CARGO_BIN_EXE_opsctl"))
            .args([
                "check",
                "examples/inventories/startup",
                "--at",
                AT,
                "--format",
                "json",
                "--plugin",
                &zone_spof,
                "--plugin",
                &unowned,
            ])
            .current_dir(plugins::root())
            .env("OPS_PLUGIN_CACHE", &*cache)
            .env("OPS_PLUGIN_CACHE_MAX_MB", bound)
            .output()
            .expect("opsctl runs")
    };
    let entries = || {
        std::fs::read_dir(&*cache)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
            .count()
    };
    let out = run("100");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(entries(), 2);
    // Smaller than any entry: each store keeps only itself. The two are
    // already cached, so nothing is stored and nothing evicted...
    let out = run("0");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(entries(), 2);
    // ...until a plugin is compiled again: then only it is kept.
    for e in std::fs::read_dir(&*cache).unwrap().filter_map(Result::ok) {
        std::fs::remove_file(e.path()).unwrap();
    }
    let out = run("0");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(entries(), 1);
    let out = run("1G");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr).trim_end(),
        "error: OPS_PLUGIN_CACHE_MAX_MB=1G: expected a whole number of MiB"
    );
}

#[test]
fn a_plugin_configuration_error_fails_the_run() {
    let zone_spof = wasm("zone-spof");
    let out = opsctl(&[
        "check",
        "examples/inventories/startup",
        "--at",
        AT,
        "--plugin",
        &zone_spof,
        "--plugin-config",
        "examples/inventories/startup/domains.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains(&format!(
            "check 'plugin:zone-spof' could not run: plugin '{zone_spof}' (calls itself 'zone-spof') failed: config line"
        )),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_hostile_plugin_fails_alone_and_exits_2() {
    let out = opsctl(&[
        "check",
        "examples/inventories/startup",
        "--at",
        AT,
        "--plugin",
        &wasm("hostile-deep-recursion"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("check 'plugin:hostile-deep-recursion' could not run: resource limit:"),
        "{stdout}"
    );
    assert!(stdout.contains("[inventory/departed-owner]"), "{stdout}");
}

#[test]
fn a_plugin_config_before_any_plugin_is_a_usage_error() {
    let out = opsctl(&[
        "check",
        "examples/inventories/startup",
        "--plugin-config",
        "x.toml",
        "--plugin",
        &wasm("zone-spof"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--plugin-config x.toml comes before any --plugin"));
}

/// `opsctl check --format json` on the startup estate with `plugins` (each
/// a file, or `FILE=CONFIG`: the plugin with that configuration text): its
/// exit code, report and standard error.
fn check_json(plugins: &[&str]) -> (Option<i32>, Value, String) {
    let dir = crate::common::temp_dir("plugin-configs");
    let mut args: Vec<String> = ["check", "examples/inventories/startup", "--at", AT, "--format", "json"]
        .map(str::to_owned)
        .to_vec();
    for (i, plugin) in plugins.iter().enumerate() {
        let (file, config) = plugin.split_once('=').map_or((*plugin, None), |(f, c)| (f, Some(c)));
        args.extend(["--plugin".to_owned(), file.to_owned()]);
        if let Some(config) = config {
            let path = dir.join(format!("{i}.toml"));
            std::fs::write(&path, config).unwrap();
            args.extend(["--plugin-config".to_owned(), path.display().to_string()]);
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = opsctl(&args);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    (out.status.code(), report, text(&out.stderr))
}

/// The findings of the built-in checks alone, as `check_json` reports them.
fn builtin_findings() -> Value {
    static FINDINGS: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    FINDINGS
        .get_or_init(|| {
            let (code, report, stderr) = check_json(&[]);
            assert_eq!(code, Some(1), "{stderr}");
            report["findings"].clone()
        })
        .clone()
}

/// Runs `plugins` and asserts the run was contained: exit 2, nothing on
/// standard error, every built-in finding reported, and exactly `errors`
/// (check, message) as the checks that could not run.
fn assert_contained(plugins: &[&str], errors: &[(String, String)]) {
    let (code, report, stderr) = check_json(plugins);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr, "");
    let want: Vec<Value> = errors
        .iter()
        .map(|(check, message)| serde_json::json!({"check": check, "message": message}))
        .collect();
    assert_eq!(report["errors"], Value::Array(want));
    assert_eq!(report["findings"], builtin_findings());
}

#[test]
fn a_plugin_importing_wasi_fails_alone_and_every_other_check_reports() {
    let wasi = wasm("hostile-wasi-import");
    assert_contained(
        &[&wasi],
        &[(
            format!("plugin:{wasi}"),
            format!(
                "not loaded: {wasi}: imports `wasi:cli/environment@0.2.6`, which this host does not provide \
                 (plugins may import only ops:plugin/{{inventory,analysis,backups,access,incidents,log,types}}@0.1; \
                 no WASI)"
            ),
        )],
    );
}

#[test]
fn a_plugin_whose_metadata_or_initialiser_spins_fails_alone_after_its_budget() {
    let spin = wasm("hostile-metadata-spin");
    let init = wasm("hostile-init-spin");
    assert_contained(
        &[&spin, &init],
        &[
            (
                format!("plugin:{spin}"),
                format!("not loaded: {spin}: metadata() failed: exceeded its CPU time budget of 1000 ms"),
            ),
            (
                format!("plugin:{init}"),
                format!(
                    "not loaded: {init}: metadata() failed: exceeded its CPU time budget of 1000 ms while starting \
                     (in its initialiser, before any export ran)"
                ),
            ),
        ],
    );
}

#[test]
fn a_huge_plugin_name_is_reported_cut_short() {
    let name = wasm("hostile-control-name");
    let (_, report, _) = check_json(&[&name]);
    // The 2 MiB name, escaped, would be 12 MiB; the report quotes 26 characters.
    assert!(serde_json::to_string(&report).unwrap().len() < 64 << 10);
    assert_contained(
        &[&name],
        &[(
            format!("plugin:{name}"),
            format!(
                "not loaded: {name}: invalid metadata: plugin name '{}…' (2097152 bytes) is not kebab-case \
                 (a-z, 0-9 and single dashes, at most 64 bytes)",
                "\\u{1}".repeat(26)
            ),
        )],
    );
}

#[test]
fn a_plugin_claiming_another_name_is_blamed_by_its_file_and_refused_beside_the_real_one() {
    let spoof = wasm("hostile-spoof-name");
    assert_contained(
        &[&spoof],
        &[(
            "plugin:zone-spof".to_owned(),
            format!(
                "resource limit: plugin '{spoof}' (calls itself 'zone-spof') exceeded its CPU time budget of 1000 ms"
            ),
        )],
    );
    let zone_spof = wasm("zone-spof");
    let refused = |plugin: &str, other: &str| {
        (
            format!("plugin:{plugin}"),
            format!(
                "not loaded: {plugin}: declares the name 'zone-spof', as does {other}; plugin names must be unique \
                 (rule ids are plugin:<name>/<rule>), so neither is loaded"
            ),
        )
    };
    assert_contained(
        &[&zone_spof, &spoof],
        &[refused(&zone_spof, &spoof), refused(&spoof, &zone_spof)],
    );
}

#[test]
fn inspect_shows_metadata_imports_and_sandbox_status() {
    let out = opsctl(&["plugin", "inspect", &wasm("zone-spof")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("plugin:   zone-spof 0.1.0\n"), "{stdout}");
    assert!(stdout.contains("  plugin:zone-spof/zone-loss"), "{stdout}");
    assert!(stdout.contains("  ops:plugin/analysis@0.1.1\n"), "{stdout}");
    assert!(stdout.contains("sandbox:  clean"), "{stdout}");

    let out = opsctl(&["plugin", "inspect", &wasm("hostile-wasi-import")]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("(not provided by this host)"), "{stdout}");
    assert!(stdout.contains("sandbox:  NOT clean"), "{stdout}");
}

#[test]
fn inspect_json_describes_the_plugin_as_data() {
    let unowned = wasm("unowned");
    let out = opsctl(&["plugin", "inspect", &unowned, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
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
            "imports": ["ops:plugin/types@0.1.1", "ops:plugin/inventory@0.1.1", "ops:plugin/log@0.1.1"],
            "exports": ["ops:plugin/plugin@0.1.1"],
            "refused_imports": [],
            "sandbox_clean": true,
            "load_error": null,
        })
    );

    // A plugin that does not load: the document, then exit 2 with the error.
    let hostile = wasm("hostile-wasi-import");
    let out = opsctl(&["plugin", "inspect", &hostile, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let why = format!(
        "{hostile}: imports `wasi:cli/environment@0.2.6`, which this host does not provide \
         (plugins may import only ops:plugin/{{inventory,analysis,backups,access,incidents,log,types}}@0.1; no WASI)"
    );
    assert_eq!(
        doc,
        serde_json::json!({
            "file": hostile,
            "plugin": null,
            "imports": ["ops:plugin/types@0.1.1", "wasi:cli/environment@0.2.6"],
            "exports": ["ops:plugin/plugin@0.1.1"],
            "refused_imports": ["wasi:cli/environment@0.2.6"],
            "sandbox_clean": false,
            "load_error": why,
        })
    );
    assert_eq!(text(&out.stderr), format!("error: {why}\n"));
}

#[test]
fn explain_lists_and_explains_plugin_rules() {
    let zone_spof = wasm("zone-spof");
    let unowned = wasm("unowned");
    let out = opsctl(&["explain", "--plugin", &zone_spof, "--plugin", &unowned]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list = text(&out.stdout);
    let plugin_lines: Vec<&str> = list.lines().filter(|l| l.starts_with("plugin:")).collect();
    assert_eq!(
        plugin_lines,
        [
            "plugin:zone-spof/zone-loss           high     A critical entry point does not survive the loss of one zone",
            "plugin:zone-spof/stateful-spof       high     A component holding data is a single point of failure",
            "plugin:zone-spof/unzoned-spof        low      A single point of failure placed in no availability zone",
            "plugin:unowned/no-owner              medium   A component has no owner",
        ]
    );
    // The built-in rules are still listed, first.
    assert!(list.starts_with("graph/spof "), "{list}");

    let out = opsctl(&["explain", "--plugin", &zone_spof, "plugin:zone-spof/zone-loss"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = text(&out.stdout);
    assert!(
        doc.starts_with(
            "# plugin:zone-spof/zone-loss\n\nA critical entry point does not survive the loss of one zone \
             (default severity: high)\n\n## What it checks\n"
        ),
        "{doc}"
    );
    assert!(doc.contains("## How to fix\n"), "{doc}");

    // A rule without an explanation prints its summary alone.
    let out = opsctl(&["explain", "--plugin", &unowned, "plugin:unowned/no-owner"]);
    assert_eq!(
        text(&out.stdout),
        "# plugin:unowned/no-owner\n\nA component has no owner (default severity: medium)\n"
    );

    let out = opsctl(&["explain", "plugin:zone-spof/zone-loss"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: unknown rule 'plugin:zone-spof/zone-loss': plugin rules are listed with \
         `opsctl explain --plugin FILE.wasm`\n"
    );
}

/// The attacks of hostile-amplify that stay far from the 1 s CPU budget of
/// opsctl even in a debug build on a loaded machine (the 57 MB evidence bomb
/// is ops-plugins' test, with a longer budget, and BENCHMARKS.md's §5.3).
#[test]
fn amplified_output_fails_alone_with_its_cause() {
    let amplify = wasm("hostile-amplify");
    let named = format!("plugin '{amplify}' (calls itself 'hostile-amplify')");
    let budget = "exceeded its output budget of 16384 KiB (findings, evidence as parsed and log messages, \
                  as the host holds them)";
    for (config, message) in [
        (
            "evidence-wide",
            format!("resource limit: {named} {budget}, at finding 129 of 880"),
        ),
        (
            "evidence-objects",
            format!("resource limit: {named} {budget}, at finding 15 of 880"),
        ),
        (
            "log-flood 10 1",
            format!("{named} failed: logged 10 messages of 1048576 bytes"),
        ),
    ] {
        assert_contained(
            &[&format!("{amplify}={config}")],
            &[("plugin:hostile-amplify".to_owned(), message)],
        );
    }
}

#[test]
fn a_finding_about_nothing_fails_its_plugin_alone() {
    let bad = wasm("hostile-bad-output");
    let named = format!("plugin '{bad}' (calls itself 'hostile-bad-output')");
    for (config, subject) in [
        ("empty-subject", "its subject, component '', has an empty id"),
        (
            "unknown-subject",
            "its subject, component 'no-such-component', is not in the inventory",
        ),
    ] {
        assert_contained(
            &[&format!("{bad}={config}")],
            &[(
                "plugin:hostile-bad-output".to_owned(),
                format!("invalid output: {named} finding 0: {subject}"),
            )],
        );
    }
}

/// Issue 20 with a plugin: `[[plugins]]` in the configuration file loads it
/// with its configuration, `[rules]` overrides its rule's severity, and a
/// waiver in the inventory waives one of its findings.
#[test]
fn the_configuration_file_loads_plugins_and_waivers_reach_their_findings() {
    let zone_spof = plugins::root().join(wasm("zone-spof"));
    let dir = crate::common::temp_dir("plugin-ops-toml");
    let inv = dir.join("inventory");
    std::fs::create_dir_all(&inv).unwrap();
    let startup = plugins::root().join("examples/inventories/startup");
    for sub in ["", "incidents"] {
        std::fs::create_dir_all(inv.join(sub)).unwrap();
        for entry in std::fs::read_dir(startup.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), inv.join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
    std::fs::write(dir.join("zone.toml"), "max_tier = 3\n").unwrap();
    std::fs::write(
        dir.join("ops.toml"),
        format!(
            "[rules]\n\"plugin:zone-spof/zone-loss\" = \"low\"\n\n[[plugins]]\npath = {:?}\nconfig = \"zone.toml\"\n",
            zone_spof.display().to_string()
        ),
    )
    .unwrap();
    let run = |inv: &std::path::Path| -> Value {
        let config = dir.join("ops.toml");
        let out = opsctl(&[
            "check",
            inv.to_str().unwrap(),
            "--at",
            AT,
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let report = run(&inv);
    let plugin = (report["findings"].as_array().unwrap().iter())
        .filter(|f| f["check"].as_str().unwrap().starts_with("plugin:zone-spof/"))
        .count();
    assert_eq!(plugin, 8, "the plugin ran");
    let zone: Vec<&Value> = (report["findings"].as_array().unwrap().iter())
        .filter(|f| f["check"] == "plugin:zone-spof/zone-loss")
        .collect();
    assert_eq!(zone.len(), 2);
    assert!(
        zone.iter().all(|f| f["severity"] == "low"),
        "[rules] reached the plugin's rule"
    );
    let subject = zone[0]["subject"]["id"].as_str().unwrap().to_owned();
    std::fs::write(
        inv.join("waivers.yaml"),
        format!(
            "waivers:\n  - {{rule: 'plugin:zone-spof/zone-loss', subject: '{subject}', reason: second zone ordered, \
             owner: maya, expires: 2027-01-01}}\n"
        ),
    )
    .unwrap();
    let report = run(&inv);
    let waived: Vec<&Value> = (report["findings"].as_array().unwrap().iter())
        .filter(|f| f.get("waiver").is_some())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["check"], "plugin:zone-spof/zone-loss");
    assert_eq!(waived[0]["subject"]["id"], subject.as_str());
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["check"] == "inventory/unused-waiver"),
        "the plugin's waiver is used"
    );
    // A plugin rule no loaded plugin declares is refused, at its line.
    let config = dir.join("ops.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, toml.replace("zone-spof/zone-loss", "zone-spof/zone-los")).unwrap();
    let out = opsctl(&[
        "check",
        inv.to_str().unwrap(),
        "--at",
        AT,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {}:2:1: no loaded plugin has the rule 'plugin:zone-spof/zone-los' \
             (did you mean 'plugin:zone-spof/zone-loss'?)\n",
            config.display()
        )
    );
    std::fs::write(&config, toml).unwrap();
    // The plugin's configuration is the one [[plugins]] names: a bad one fails it.
    std::fs::write(dir.join("zone.toml"), "max_tier = \"three\"\n").unwrap();
    let config = dir.join("ops.toml");
    let out = opsctl(&[
        "check",
        inv.to_str().unwrap(),
        "--at",
        AT,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("check 'plugin:zone-spof' could not run"),
        "{}",
        text(&out.stdout)
    );
}
