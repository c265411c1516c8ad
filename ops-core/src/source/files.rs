//! Finding and reading inventory files, within size limits.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Format, LoadLimits};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// One file's text, named as the user named it.
#[derive(Debug)]
pub(crate) struct SourceText {
    pub(crate) name: Arc<str>,
    pub(crate) text: String,
    pub(crate) format: Format,
}

/// Expands directories (recursively, sorted, skipping hidden entries and
/// files of other types) and reads every file, reporting each problem.
/// With `yaml_only` (Backstage catalogs), only `.yaml` and `.yml` files are read.
pub(crate) fn read_all(
    paths: &[PathBuf],
    limits: &LoadLimits,
    yaml_only: bool,
    diags: &mut Diagnostics,
) -> Vec<SourceText> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => collect_dir(path, 0, yaml_only, &mut files, diags),
            Ok(_) => match Format::from_path(path) {
                Some(format) if !yaml_only || format == Format::Yaml => files.push((path.clone(), format)),
                _ if yaml_only => diags.push(Diagnostic::new(
                    None,
                    format!(
                        "{}: unsupported file type for a Backstage catalog: expected .yaml or .yml",
                        path.display()
                    ),
                )),
                _ => diags.push(Diagnostic::new(
                    None,
                    format!(
                        "{}: unsupported file type: expected .yaml, .yml, .toml or .json",
                        path.display()
                    ),
                )),
            },
            Err(e) => diags.push(Diagnostic::new(None, format!("{}: {}", path.display(), io_reason(&e)))),
        }
    }
    let mut total: u64 = 0;
    let mut out = Vec::new();
    for (path, format) in files {
        let name: Arc<str> = Arc::from(path.display().to_string());
        let fail = |message: String| Diagnostic::new(None, format!("{name}: {message}"));
        let size = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) => {
                diags.push(fail(io_reason(&e)));
                continue;
            }
        };
        if size > limits.max_file_bytes {
            diags.push(fail(format!(
                "file is {size} bytes, over the limit of {} bytes",
                limits.max_file_bytes
            )));
            continue;
        }
        total += size;
        if total > limits.max_total_bytes {
            diags.push(fail(format!(
                "the inventory's files add up to more than {} bytes",
                limits.max_total_bytes
            )));
            break;
        }
        // The size above is only what the file claimed: a pipe or a device
        // (a symlink to /dev/zero named x.yaml) claims 0 bytes, and a file
        // can grow, so the read itself stops one byte past the limit.
        let read = std::fs::File::open(&path).and_then(|file| {
            // Sized once for what the file claims: growing by doubling would
            // copy and fault in a large file twice over.
            let mut bytes = Vec::with_capacity(usize::try_from(size.saturating_add(1)).unwrap_or(0));
            file.take(limits.max_file_bytes.saturating_add(1))
                .read_to_end(&mut bytes)?;
            Ok(bytes)
        });
        match read {
            Ok(bytes) if bytes.len() as u64 > limits.max_file_bytes => diags.push(fail(format!(
                "file is over the limit of {} bytes (it grew while being read, or is not a regular file)",
                limits.max_file_bytes
            ))),
            Ok(bytes) => {
                // What was read beyond the claimed size counts towards the total too.
                total += (bytes.len() as u64).saturating_sub(size);
                if total > limits.max_total_bytes {
                    diags.push(fail(format!(
                        "the inventory's files add up to more than {} bytes",
                        limits.max_total_bytes
                    )));
                    break;
                }
                match String::from_utf8(bytes) {
                    Ok(text) => out.push(SourceText { name, text, format }),
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        diags.push(fail(format!("not valid UTF-8 (at byte {at})")));
                    }
                }
            }
            Err(e) => diags.push(fail(io_reason(&e))),
        }
    }
    out
}

/// Directories nested deeper than this are not read (a symlink loop, most likely).
const MAX_DIR_DEPTH: usize = 32;

fn collect_dir(dir: &Path, depth: usize, yaml_only: bool, files: &mut Vec<(PathBuf, Format)>, diags: &mut Diagnostics) {
    if depth > MAX_DIR_DEPTH {
        diags.push(Diagnostic::new(
            None,
            format!(
                "{}: directories nested more than {MAX_DIR_DEPTH} deep (a symlink loop?)",
                dir.display()
            ),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::new(None, format!("{}: {}", dir.display(), io_reason(&e))));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_dir(&path, depth + 1, yaml_only, files, diags);
        } else if let Some(format) = Format::from_path(&path)
            && (!yaml_only || format == Format::Yaml)
        {
            files.push((path, format));
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// Reads Backstage catalog files: `(name, text)` of every `.yaml` and `.yml`
/// file under `paths`, each problem reported.
pub(crate) fn read_catalog_files(
    paths: &[PathBuf],
    limits: &LoadLimits,
    diags: &mut Diagnostics,
) -> Vec<(Arc<str>, String)> {
    read_all(paths, limits, true, diags)
        .into_iter()
        .map(|t| (t.name, t.text))
        .collect()
}
