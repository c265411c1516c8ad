//! Helpers the opsctl integration tests share: run the built binary from the
//! repository root, read its output, make a fresh scratch directory.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (commands run there, so example paths are relative).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs opsctl with `args` from the repository root, colours off, `TZ`
/// unset (restic's arithmetic depends on it).
pub(crate) fn opsctl<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsctl"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("TZ")
        .output()
        .expect("opsctl runs")
}

/// Standard output as text.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Standard error as text.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fresh scratch directory, removed with everything in it when dropped
/// (also when the test fails), so that test runs leave nothing in the
/// system's temporary directory. It reads as a [`Path`].
pub(crate) struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// An empty scratch directory named after the test file and `name`.
pub(crate) fn temp_dir(name: &str) -> Scratch {
    let prefix = format!("opsctl-{}-{name}-", env!("CARGO_CRATE_NAME"));
    Scratch(tempfile::Builder::new().prefix(&prefix).tempdir().unwrap())
}
