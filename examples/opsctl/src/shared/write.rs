//! Writing output files atomically: a reader sees the old file or the whole
//! new one, never half of it, even if opsctl is killed mid-write.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// flushed to disk and then renamed over the target.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` with `bytes`, atomically and never replacing an existing
/// file: the bytes go to a temporary file in the same directory, flushed to
/// disk, which is then hard-linked to `path` (a link fails if `path` exists,
/// where a rename would replace it). A reader sees no file or the whole one.
///
/// On file systems without hard links, falls back to creating `path` with
/// create-new semantics and writing it in place: still never overwriting, but
/// a crash mid-write could leave a partial file.
pub(crate) fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let exists = || anyhow::anyhow!("{} already exists; not overwriting it", path.display());
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = File::create_new(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        match fs::hard_link(&tmp, path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
            Err(_) => {
                let mut f = match File::create_new(path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
                    Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
                };
                f.write_all(bytes)
                    .and_then(|()| f.sync_all())
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    let _ = fs::remove_file(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("opsctl-write-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("report.json");
        fs::write(&target, "old").unwrap();
        atomic_write(&target, b"new contents").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new contents");
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(Result::ok).collect();
        assert_eq!(leftovers.len(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("opsctl-create-new-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("incident.yaml");
        create_new(&target, b"first").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "first");
        let err = create_new(&target, b"second").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{} already exists; not overwriting it", target.display())
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "first");
        let left: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(Result::ok).collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_directory_is_an_error_and_nothing_is_left() {
        let target = std::env::temp_dir().join("opsctl-no-such-dir/report.json");
        let err = atomic_write(&target, b"x").unwrap_err();
        assert!(format!("{err:#}").contains("cannot create"), "{err:#}");
    }
}
