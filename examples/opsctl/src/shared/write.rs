//! Writing output files atomically and safely: a reader sees the old file or
//! the whole new one, never half of it, even if opsctl is killed mid-write;
//! and nobody who can write to the target's directory can redirect the
//! write elsewhere.
//!
//! The bytes go to a temporary file created exclusively (`O_EXCL`, so a
//! symlink planted at its name is never followed) under an unpredictable
//! name in the target's directory (the `tempfile` crate), flushed to disk,
//! then renamed over the target (or linked to it, for files that must not
//! be replaced), and the directory is flushed so the rename survives a
//! crash. A target that already exists keeps its permissions; a new one
//! gets the usual `0666` less the umask.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// Writes `bytes` to `path` atomically (see the module docs).
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    atomic_write_with(path, |w| w.write_all(bytes))
}

/// Writes what `fill` writes to `path` atomically (see the module docs),
/// through a buffer: `fill` can write a little at a time.
pub(crate) fn atomic_write_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let (dir, tmp) = temporary(path)?;
    if let Ok(meta) = fs::metadata(path) {
        // Keep the target's permissions (a report someone made private stays private).
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(|| format!("cannot set the permissions of {}", tmp.path().display()))?;
    }
    let tmp = fill_and_sync(tmp, fill)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    sync_dir(dir);
    Ok(())
}

/// Creates `path` with `bytes`, atomically and never replacing an existing
/// file (or symlink): the temporary file is hard-linked to `path`, which
/// fails if `path` exists, where a rename would replace it.
pub(crate) fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let exists = || anyhow::anyhow!("{} already exists; not overwriting it", path.display());
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let (dir, tmp) = temporary(path)?;
    let tmp = fill_and_sync(tmp, |w| w.write_all(bytes))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
        Err(e) => return Err(e.error).with_context(|| format!("cannot create {}", path.display())),
    }
    sync_dir(dir);
    Ok(())
}

/// The target's directory and a new temporary file in it.
fn temporary(path: &Path) -> Result<(&Path, NamedTempFile)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.suffix(".tmp");
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As File::create would: the process's umask applies.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    Ok((dir, tmp))
}

/// Writes through a buffer into `tmp` and flushes it to disk. On error the
/// temporary file is removed (when `tmp` drops).
fn fill_and_sync(tmp: NamedTempFile, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<NamedTempFile> {
    let shown = tmp.path().display().to_string();
    let mut out = BufWriter::new(tmp);
    fill(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write {shown}"))?;
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {shown}"))?;
    Ok(tmp)
}

/// Flushes a directory, so a rename or link in it is durable. Best effort:
/// some systems cannot open a directory for this.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory, removed on drop.
    struct Dir(std::path::PathBuf);

    impl Dir {
        fn new(tag: &str) -> Dir {
            let path = std::env::temp_dir().join(format!("opsctl-{tag}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Dir(path)
        }

        fn entries(&self) -> Vec<String> {
            let mut v: Vec<String> = fs::read_dir(&self.0)
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = Dir::new("write");
        let target = dir.0.join("report.json");
        fs::write(&target, "old").unwrap();
        atomic_write(&target, b"new contents").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new contents");
        assert_eq!(dir.entries(), ["report.json"]);
    }

    #[test]
    fn streams_through_the_writer_and_a_failed_fill_leaves_the_old_file() {
        let dir = Dir::new("write-stream");
        let target = dir.0.join("report.json");
        atomic_write_with(&target, |w| {
            for i in 0..1000 {
                writeln!(w, "{i}")?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap().lines().count(), 1000);
        let err = atomic_write_with(&target, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("renderer failed"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").ends_with("renderer failed"), "{err:#}");
        assert_eq!(fs::read_to_string(&target).unwrap().lines().count(), 1000);
        assert_eq!(dir.entries(), ["report.json"]);
    }

    /// The old scheme wrote to `.NAME.PID.tmp` with `File::create`, which
    /// follows a symlink planted there: anyone able to write to the
    /// directory could make opsctl overwrite a file of their choosing.
    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_at_the_old_temporary_name_is_not_followed() {
        let dir = Dir::new("write-symlink");
        let victim = dir.0.join("victim");
        fs::write(&victim, "precious").unwrap();
        for name in ["report.json", "incident.yaml"] {
            let old_tmp = dir.0.join(format!(".{name}.{}.tmp", std::process::id()));
            std::os::unix::fs::symlink(&victim, &old_tmp).unwrap();
        }
        atomic_write(&dir.0.join("report.json"), b"report").unwrap();
        create_new(&dir.0.join("incident.yaml"), b"incident").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::read_to_string(dir.0.join("report.json")).unwrap(), "report");
        assert_eq!(fs::read_to_string(dir.0.join("incident.yaml")).unwrap(), "incident");
        // The planted links are left alone, and nothing else is left behind.
        let pid = std::process::id();
        assert_eq!(
            dir.entries(),
            [
                format!(".incident.yaml.{pid}.tmp"),
                format!(".report.json.{pid}.tmp"),
                "incident.yaml".to_owned(),
                "report.json".to_owned(),
                "victim".to_owned()
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_targets_permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = Dir::new("write-mode");
        let target = dir.0.join("private.json");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        atomic_write(&target, b"new").unwrap();
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&target, b"newer").unwrap();
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
        // A new file gets what File::create would give it (0666 less the
        // umask), not the temporary file's 0600.
        let reference = dir.0.join("reference");
        File::create(&reference).unwrap();
        let fresh = dir.0.join("fresh.json");
        atomic_write(&fresh, b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), mode(&reference));
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = Dir::new("create-new");
        let target = dir.0.join("incident.yaml");
        create_new(&target, b"first").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "first");
        let err = create_new(&target, b"second").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{} already exists; not overwriting it", target.display())
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "first");
        assert_eq!(dir.entries(), ["incident.yaml"], "no temporary file is left");
    }

    #[test]
    fn missing_directory_is_an_error_and_nothing_is_left() {
        let target = std::env::temp_dir().join("opsctl-no-such-dir/report.json");
        let err = atomic_write(&target, b"x").unwrap_err();
        assert!(
            format!("{err:#}").contains("cannot create a temporary file in"),
            "{err:#}"
        );
    }
}
