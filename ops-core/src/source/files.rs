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

/// Which files a walk reads.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Wanted<'a> {
    /// Inventory files: every format.
    Inventory,
    /// The input of an importer: files of these formats only, for a `what`
    /// (`Backstage catalog`) in messages.
    Formats {
        /// The formats read.
        formats: &'a [Format],
        /// What the files are, as in "no Backstage catalog files found".
        what: &'a str,
    },
}

impl Wanted<'_> {
    fn accepts(self, format: Format) -> bool {
        match self {
            Wanted::Inventory => true,
            Wanted::Formats { formats, .. } => formats.contains(&format),
        }
    }
}

/// The file name extensions of `formats`, as a person reads them:
/// `.yaml or .yml`, `.yaml, .yml or .json`.
pub(crate) fn extensions(formats: &[Format]) -> String {
    let list: Vec<&str> = formats
        .iter()
        .flat_map(|f| match f {
            Format::Yaml => &[".yaml", ".yml"][..],
            Format::Toml => &[".toml"][..],
            Format::Json => &[".json"][..],
        })
        .copied()
        .collect();
    match list.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Expands directories (recursively, sorted, skipping hidden entries and
/// files of other types) and reads every file, reporting each problem.
/// `wanted` says which formats are read (an importer may read only some).
pub(crate) fn read_all(
    paths: &[PathBuf],
    limits: &LoadLimits,
    wanted: Wanted<'_>,
    diags: &mut Diagnostics,
) -> Vec<SourceText> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => collect_dir(path, 0, wanted, &mut files, diags),
            Ok(_) => match (Format::from_path(path), wanted) {
                (Some(format), _) if wanted.accepts(format) => files.push((path.clone(), format)),
                (_, Wanted::Formats { formats, what }) => diags.push(Diagnostic::new(
                    None,
                    format!(
                        "{}: unsupported file type for a {what}: expected {}",
                        path.display(),
                        extensions(formats)
                    ),
                )),
                (_, Wanted::Inventory) => diags.push(Diagnostic::new(
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

fn collect_dir(
    dir: &Path,
    depth: usize,
    wanted: Wanted<'_>,
    files: &mut Vec<(PathBuf, Format)>,
    diags: &mut Diagnostics,
) {
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
            collect_dir(&path, depth + 1, wanted, files, diags);
        } else if let Some(format) = Format::from_path(&path)
            && wanted.accepts(format)
        {
            files.push((path, format));
        }
    }
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}
