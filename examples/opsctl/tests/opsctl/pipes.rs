//! opsctl's output going into a pipe that is already closed (`opsctl ... | head -1`)
//! ends quietly instead of panicking.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

fn into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsctl"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before opsctl (still starting up) writes.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn every_printing_command_tolerates_a_closed_pipe() {
    let example = "examples/inventories/startup";
    for args in [
        vec!["explain"],
        vec!["schema"],
        vec!["validate", example],
        vec!["spof", example, "--format", "json"],
        vec!["graph", example],
        vec!["access", "review", example],
    ] {
        let (code, stderr) = into_closed_pipe(&args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(matches!(code, Some(0 | 1)), "{args:?}: {code:?} {stderr}");
    }
}

/// Runs opsctl with `input` on standard input: (exit code, stdout, stderr).
fn with_stdin(args: &[&str], input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsctl"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn an_inventory_can_come_from_standard_input_in_each_format() {
    let yaml = "components:\n  - {id: web, entry: true, depends_on: [db]}\n  - {id: db}\n";
    let json = r#"{"components": [{"id": "web", "entry": true, "depends_on": ["db"]}, {"id": "db"}]}"#;
    let toml = "[[components]]\nid = \"web\"\nentry = true\ndepends_on = [\"db\"]\n\n[[components]]\nid = \"db\"\n";
    for (path, format, text) in [("-", "yaml", yaml), ("/dev/stdin", "json", json), ("-", "toml", toml)] {
        let (code, out, err) = with_stdin(&["spof", path, "--stdin-format", format], text);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (Some(1), "web:\n  components: db\n", ""),
            "{format}"
        );
    }
    // YAML is the default.
    let (code, out, _) = with_stdin(&["spof", "-"], yaml);
    assert_eq!((code, out.as_str()), (Some(1), "web:\n  components: db\n"));
}

#[test]
fn standard_input_is_an_overlay_beside_files_and_named_in_errors() {
    // The example estate plus one more component from standard input.
    let (code, out, err) = with_stdin(
        &[
            "validate",
            "../../examples/inventories/startup",
            "-",
            "--format",
            "json",
        ],
        "components: [{id: extra-from-stdin}]\n",
    );
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (_, plain, _) = with_stdin(
        &["validate", "../../examples/inventories/startup", "--format", "json"],
        "",
    );
    let base: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(
        doc["counts"]["components"].as_u64().unwrap(),
        base["counts"]["components"].as_u64().unwrap() + 1
    );
    let (code, _, err) = with_stdin(&["validate", "-", "--stdin-format", "json"], "{\"components\": [\n");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: <stdin>:2:1: "), "{err}");
}
