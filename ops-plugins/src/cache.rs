//! The on-disk cache of compiled plugins.
//!
//! Compiling a component takes tens of milliseconds in an optimised build
//! (about half a second in a debug one); loading its precompiled form takes
//! about a tenth of a millisecond. Entries are keyed by a SHA-256 of the
//! component's bytes, the wasmtime version and the engine's compilation
//! settings, so a changed plugin, wasmtime or configuration never hits a stale
//! entry.
//!
//! Loading precompiled code is `unsafe` in wasmtime: the bytes become native
//! code without validation. This module therefore only loads files it wrote
//! itself and checks each file's own SHA-256 before use, so a truncated or
//! corrupted entry is recompiled rather than run. It cannot defend against
//! someone who can write to the cache directory, so the directory is created
//! with mode 0700 on Unix, and one that its group or others can write to is
//! never read from (every load compiles).
//!
//! The directory is bounded: after storing an entry, the least recently used
//! entries (by modification time, which a load refreshes) are removed until
//! the rest fit in the host's `cache_max_bytes`, and temporary files a
//! crashed writer left behind are removed once they are an hour old.
#![allow(unsafe_code)]

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Bumped when the entry format changes.
const FORMAT: &[u8] = b"ops-plugins cwasm cache v1\0";
/// The wasmtime this crate is pinned to (Cargo.toml says `=48.0.8`).
const WASMTIME: &[u8] = b"wasmtime 48.0.8\0";

/// Feeds `Hash` implementations into a SHA-256.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0 // only `write` is used; the digest is read from the inner hasher
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// The cache key of `wasm` compiled by `engine`, as hex.
fn key(engine: &Engine, wasm: &[u8]) -> String {
    let mut h = ShaHasher(Sha256::new());
    h.write(FORMAT);
    h.write(WASMTIME);
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut h);
    h.write(b"\0");
    h.write(wasm);
    hex(&h.0.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a component came from the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Loaded from a cache entry.
    Hit,
    /// Compiled (and, if the directory is writable, stored).
    Compiled,
}

/// The component for `wasm`: from `dir` if an intact entry is there,
/// otherwise compiled and stored there atomically, then the directory's
/// entries trimmed to `max_bytes`.
pub(crate) fn load_or_compile(
    engine: &Engine,
    dir: &Path,
    max_bytes: u64,
    wasm: &[u8],
) -> wasmtime::Result<(Component, Outcome)> {
    let path = dir.join(format!("{}.cwasm", key(engine, wasm)));
    if let Some(component) = read_entry(engine, &path) {
        // A use: the entry moves to the back of the eviction order. A cache
        // whose times cannot be set only evicts a used entry sooner.
        let _ = std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now()));
        return Ok((component, Outcome::Hit));
    }
    let compiled = engine.precompile_component(wasm)?;
    // SAFETY: `compiled` was produced a moment ago by `precompile_component`
    // on this very engine, from bytes it validated; nothing else touched it.
    let component = unsafe { Component::deserialize(engine, &compiled) }?;
    // A cache that cannot be written only costs the next run a compilation.
    if write_entry(dir, &path, &compiled).is_ok() {
        evict(dir, &path, max_bytes);
    }
    Ok((component, Outcome::Compiled))
}

/// How old a temporary file must be to count as left behind by a writer
/// that died: a write takes milliseconds.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);

/// Removes the least recently modified entries of `dir` until the others
/// take at most `max_bytes`, never `keep`, and temporary files older than
/// [`STALE_TEMPORARY`]. Files that are neither entries nor temporary files
/// are left alone; errors (another process removing the same file) are
/// ignored: eviction only frees space.
fn evict(dir: &Path, keep: &Path, max_bytes: u64) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mut entries: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
    for file in listing.flatten() {
        let path = file.path();
        let Ok(meta) = file.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let name = file.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(".tmp") {
            if now.duration_since(modified).is_ok_and(|age| age > STALE_TEMPORARY) {
                let _ = std::fs::remove_file(&path);
            }
        } else if name.ends_with(".cwasm") {
            entries.push((modified, meta.len(), path));
        }
    }
    let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
    entries.sort();
    for (_, len, path) in entries {
        if total <= max_bytes {
            break;
        }
        if path != keep && std::fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(len);
        }
    }
}

/// An entry is the SHA-256 of the precompiled bytes followed by the bytes.
fn read_entry(engine: &Engine, path: &Path) -> Option<Component> {
    if !private(path.parent()?) {
        return None;
    }
    let data = std::fs::read(path).ok()?;
    let (digest, compiled) = data.split_at_checked(32)?;
    if Sha256::digest(compiled).as_slice() != digest {
        return None;
    }
    // SAFETY: the file is in the host's own cache directory and was written
    // by `write_entry` (atomically, by rename) with the output of
    // `precompile_component`; its digest matches, so it is that output,
    // whole. wasmtime itself refuses bytes from another wasmtime version or
    // engine configuration (and the key already separates those).
    unsafe { Component::deserialize(engine, compiled) }.ok()
}

fn write_entry(dir: &Path, path: &Path, compiled: &[u8]) -> std::io::Result<()> {
    create_private_dir(dir)?;
    // Unique per process and per write: threads of one process may compile
    // the same plugin at once, and must not write into each other's file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let tmp: PathBuf = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    file.write_all(&Sha256::digest(compiled))?;
    file.write_all(compiled)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Whether only its owner can write to `dir`: entries in a directory others
/// can write to could have been planted, and become native code when loaded.
/// (Such a cache is still written to; it is only never read.)
fn private(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && m.permissions().mode() & 0o022 == 0)
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(dir).is_ok_and(|m| m.is_dir())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests fail by panicking

    use super::*;

    /// Writes `len` bytes to `name` in `dir`, last modified `age_secs` ago.
    fn file(dir: &Path, name: &str, len: usize, age_secs: u64) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, vec![0u8; len]).unwrap();
        let when = SystemTime::now() - Duration::from_secs(age_secs);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(when)
            .unwrap();
        path
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn eviction_removes_the_least_recently_used_entries_until_the_rest_fit() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        file(dir, "a.cwasm", 100, 300);
        file(dir, "b.cwasm", 100, 200);
        let newest = file(dir, "c.cwasm", 100, 100);
        // Not entries: never counted, never removed.
        file(dir, "notes.txt", 10_000, 10_000);
        // A writer that died an age ago, and one writing now.
        file(dir, ".d.cwasm.1.0.tmp", 50, 7200);
        file(dir, ".e.cwasm.2.0.tmp", 50, 0);
        evict(dir, &newest, 250);
        assert_eq!(names(dir), [".e.cwasm.2.0.tmp", "b.cwasm", "c.cwasm", "notes.txt"]);
        evict(dir, &newest, 200);
        assert_eq!(names(dir), [".e.cwasm.2.0.tmp", "b.cwasm", "c.cwasm", "notes.txt"]);
        // The entry just stored stays even when it alone is too large.
        evict(dir, &newest, 10);
        assert_eq!(names(dir), [".e.cwasm.2.0.tmp", "c.cwasm", "notes.txt"]);
    }

    #[test]
    fn the_entry_kept_is_kept_wherever_it_falls_in_the_order() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let oldest = file(dir, "a.cwasm", 100, 300);
        file(dir, "b.cwasm", 100, 200);
        file(dir, "c.cwasm", 100, 100);
        evict(dir, &oldest, 150);
        assert_eq!(names(dir), ["a.cwasm"]);
    }
}
