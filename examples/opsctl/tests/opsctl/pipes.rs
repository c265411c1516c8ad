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
