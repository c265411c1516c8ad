//! Builds the example and hostile plugins from source, once per test binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository root: the nearest ancestor of the testing crate holding
/// examples/plugins (this file is shared by ops-plugins' and opsctl's tests).
pub(crate) fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|dir| dir.join("examples/plugins/Cargo.toml").is_file())
        .unwrap_or(here)
        .to_path_buf()
}

/// The wasm file of plugin crate `name` (e.g. `zone-spof`), built on first use.
pub(crate) fn plugin(name: &str) -> Vec<u8> {
    let path = plugin_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Where the wasm file of plugin crate `name` is, built on first use.
pub(crate) fn plugin_path(name: &str) -> PathBuf {
    let dir = built().as_ref().unwrap_or_else(|e| panic!("{e}"));
    dir.join(format!("{}.wasm", name.replace('-', "_")))
}

fn built() -> &'static Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(build)
}

/// `cargo build --release` in examples/plugins. The wasm32 target comes by
/// itself: `rust-toolchain.toml` names it, but rustup adds a file's targets
/// only when it installs the toolchain, so a toolchain the machine already
/// had is given the target here (once, with rustup) before a clear error.
fn build() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run {rustc}: {e}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let target = sysroot.join("lib/rustlib/wasm32-unknown-unknown");
    if !target.is_dir() {
        eprintln!("the plugin tests build WebAssembly plugins: adding the wasm32-unknown-unknown target with rustup");
        let added = Command::new("rustup")
            .current_dir(root())
            .args(["target", "add", "wasm32-unknown-unknown"])
            .status();
        if !added.is_ok_and(|s| s.success()) || !target.is_dir() {
            return Err(format!(
                "the plugin tests build WebAssembly plugins, but the wasm32-unknown-unknown target is not \
                 installed in {} and rustup could not add it: run `rustup target add wasm32-unknown-unknown`",
                sysroot.display()
            ));
        }
    }
    let plugins = root().join("examples/plugins");
    let target_dir = plugins.join("target");
    let status = Command::new(cargo)
        .current_dir(&plugins)
        .args(["build", "--release", "--locked", "--quiet", "--manifest-path"])
        .arg(plugins.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        // The outer cargo's settings are for the host, not for wasm32 guests.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .map_err(|e| format!("cannot run cargo to build the plugins: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the plugins failed ({status}): run `cargo build --release --manifest-path {}` to see why",
            plugins.join("Cargo.toml").display()
        ));
    }
    Ok(target_dir.join("wasm32-unknown-unknown/release"))
}
