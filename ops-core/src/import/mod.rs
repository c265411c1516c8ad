//! Importers: turn what other tools export into inventory files.
//!
//! Every importer has one shape. It is a value implementing [`Importer`],
//! described by an [`ImporterInfo`] (its name, what it reads, which files it
//! takes, which inventory sections it produces), with options of its own.
//! Given input texts and its options, it returns one output type,
//! [`Imported`]: inventory entities by [`Section`], ready to be written as an
//! inventory JSON file with [`Imported::to_inventory_json`] and loaded with
//! the rest of the inventory, plus [`ImportNote`]s on what it skipped on
//! purpose. Every problem in the input is an [`ImportProblem`] with its
//! [`Place`] (file, and line and column where known: a CSV line and column
//! name, a YAML line and column), and all of them come back at once in
//! [`Error::Import`].
//!
//! | importer | name | reads | produces |
//! |---|---|---|---|
//! | [`Backstage`] | `backstage` | Backstage catalog files | `components`, `people`, `groups` |
//! | [`AwsCredentialReport`] | `aws-credential-report` | `aws iam get-credential-report` | `credentials` |
//! | [`GrantsCsv`] | `grants-csv` | a spreadsheet of grants | `grants` |
//! | [`ResticSnapshots`] | `restic-snapshots` | `restic snapshots --json` | `backup_runs` |
//! | [`Terraform`] | `terraform` | `terraform show -json` (state or plan) | `components`, `domains`, access, `backup_policies` |
//! | [`Kubernetes`] | `kubernetes` | `kubectl get ... -A -o json`, manifests | `components`, `domains`, principals, `grants`, `backup_policies`, `jobs` |
//!
//! [`IMPORTERS`] lists them; `docs/importers.md` says how to add one.
//!
//! ```
//! use ops_core::import::{AwsCredentialReport, AwsCredentialReportOptions, Importer, Input, Section};
//! use ops_core::{Format, Inventory};
//!
//! let report = "\
//! user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date
//! alice,arn:aws:iam::123456789012:user/alice,2024-01-10T09:00:00+00:00,true,2026-11-20T08:12:00+00:00,2026-09-01T10:00:00+00:00,N/A,true,false,N/A,N/A,false,N/A,N/A
//! ";
//! let options = AwsCredentialReportOptions::new("aws-prod");
//! let imported = AwsCredentialReport.import(&[Input::new("report.csv", report)], &options)?;
//! assert_eq!(imported.count(Section::Credentials), 1);
//!
//! // The output loads with the people and systems it refers to.
//! let json = imported.to_inventory_json();
//! let inventory = Inventory::from_text("aws.json", Format::Json, &json.replacen(
//!     "{", r#"{"people": [{"id": "alice"}], "systems": [{"id": "aws-prod"}],"#, 1))?;
//! let password = &inventory.credentials()[0];
//! assert_eq!((password.id.as_str(), password.mfa), ("aws-prod:alice:password", true));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aws_credential_report;
mod backstage;
mod csv;
mod grants_csv;
mod kubernetes;
mod output;
pub(crate) mod problem;
mod restic;
mod terraform;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostics;
use crate::listing;
use crate::source::files::{self, Wanted};
use crate::{Error, Format, LoadLimits};

pub use aws_credential_report::{AwsCredentialReport, AwsCredentialReportOptions, ROOT_USER};
pub use backstage::{Backstage, BackstageInference, BackstageOptions};
pub use grants_csv::{GrantsCsv, GrantsCsvOptions};
pub use kubernetes::{Kubernetes, KubernetesOptions};
pub(crate) use output::EntityBuilder;
pub use output::{Imported, Section};
pub use problem::{Column, ImportNote, ImportProblem, Place};
pub use restic::{ResticSnapshot, ResticSnapshots, ResticSnapshotsOptions, ResticSummary, parse_restic_snapshots};
pub use terraform::{Terraform, TerraformOptions};

/// Every importer, in the order `opsctl import` lists them.
pub const IMPORTERS: &[&ImporterInfo] = &[
    Backstage::INFO,
    AwsCredentialReport::INFO,
    GrantsCsv::INFO,
    ResticSnapshots::INFO,
    Terraform::INFO,
    Kubernetes::INFO,
];

/// What an importer is: the data a command line, a document or a test needs
/// to offer it without knowing it.
#[derive(Debug)]
#[non_exhaustive]
pub struct ImporterInfo {
    /// Its name, kebab-case, as `opsctl import NAME` spells it.
    pub name: &'static str,
    /// What it reads, in a few words (`` `restic snapshots --json` ``).
    pub reads: &'static str,
    /// Which files it takes.
    pub files: Files,
    /// The inventory sections its output may hold.
    pub produces: &'static [Section],
}

/// Which files an importer takes, for [`Importer::read_paths`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Files {
    /// Exactly one file, whatever its name (an export is often piped
    /// through another name).
    One,
    /// Files and directories, directories read recursively in name order
    /// with hidden entries skipped, keeping the files of `formats`.
    Tree {
        /// The formats read, by file name extension.
        formats: &'static [Format],
        /// What the files are, for messages: `Backstage catalog`.
        what: &'static str,
    },
}

/// One input of an importer: its text, and the name problems and notes use
/// for it (usually the path it was read from).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Input<'a> {
    /// The name in messages.
    pub name: &'a str,
    /// The text.
    pub text: &'a str,
}

impl<'a> Input<'a> {
    /// An input named `name`.
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Input { name, text }
    }
}

/// An importer: input texts and options in, [`Imported`] out.
///
/// Implemented by the importers of this module ([`IMPORTERS`]); each is a
/// unit value, such as [`GrantsCsv`], with an options type of its own. An
/// importer never guesses: every value it cannot read is an
/// [`ImportProblem`]. Readers of other tools' formats are lenient where the
/// producer is (fields and kinds they do not know are skipped, with an
/// [`ImportNote`] where something is left out) and fail only on what makes
/// the import wrong.
pub trait Importer {
    /// What the importer is told besides its input (the account a
    /// credential report is about, the backup policy snapshots belong to),
    /// including bounds on the input.
    type Options: AsRef<LoadLimits>;

    /// Its name, what it reads, which files it takes, what it produces.
    const INFO: &'static ImporterInfo;

    /// Reads `inputs`: every entity it can read, what it skipped, and every
    /// problem, all at once (it never stops at the first). With problems,
    /// the entities are those that could be read.
    ///
    /// # Complexity
    /// Linear in the size of the inputs, unless the importer says otherwise.
    fn read(&self, inputs: &[Input<'_>], options: &Self::Options) -> Imported;

    /// [`Self::read`], then `Ok` if nothing is wrong.
    ///
    /// # Errors
    /// [`Error::Import`] with every problem.
    fn import(&self, inputs: &[Input<'_>], options: &Self::Options) -> Result<Imported, Error> {
        self.read(inputs, options).into_result()
    }

    /// Reads the files at `paths` as [`ImporterInfo::files`] says (within
    /// the options' limits), then [`Self::read`]s them. A file that cannot
    /// be read is a problem like any other.
    fn read_paths<P: AsRef<Path>>(&self, paths: &[P], options: &Self::Options) -> Imported {
        let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        let (texts, problems) = read_files(Self::INFO.files, &paths, options.as_ref());
        let mut out = if texts.is_empty() {
            Imported::new()
        } else {
            let inputs: Vec<Input<'_>> = texts.iter().map(|(name, text)| Input::new(name, text)).collect();
            self.read(&inputs, options)
        };
        // What could not be read is unknown: nothing may be called dangling for it.
        out.incomplete |= !problems.is_empty();
        out.prepend_problems(problems);
        out
    }

    /// [`Self::read_paths`], then `Ok` if nothing is wrong.
    ///
    /// # Errors
    /// [`Error::Import`] with every problem, unreadable files included.
    fn import_paths<P: AsRef<Path>>(&self, paths: &[P], options: &Self::Options) -> Result<Imported, Error> {
        self.read_paths(paths, options).into_result()
    }
}

/// Reads the files at `paths` as `files` says: each file's name and text,
/// and a problem for each that cannot be read.
fn read_files(files: Files, paths: &[PathBuf], limits: &LoadLimits) -> (Vec<(Arc<str>, String)>, Vec<ImportProblem>) {
    match files {
        Files::One => {
            let mut texts = Vec::new();
            let mut problems = Vec::new();
            for path in paths {
                let name: Arc<str> = Arc::from(path.display().to_string());
                match read_one(path, &name, limits) {
                    Ok(text) => texts.push((name, text)),
                    Err(p) => problems.push(p),
                }
            }
            (texts, problems)
        }
        Files::Tree { formats, what } => {
            let mut diags = Diagnostics::default();
            let read = files::read_all(paths, limits, Wanted::Formats { formats, what }, &mut diags);
            if read.is_empty() && diags.is_empty() {
                let expected = files::extensions(formats);
                diags.push(crate::Diagnostic::new(
                    None,
                    format!("no {what} files found (expected {expected} files)"),
                ));
            }
            let problems = diags
                .iter()
                .map(|d| {
                    let (place, message) = problem::from_diagnostic(d.clone());
                    ImportProblem::new(place, message)
                })
                .collect();
            (read.into_iter().map(|t| (t.name, t.text)).collect(), problems)
        }
    }
}

/// Reads one input file for an importer: at most `limits.max_file_bytes`
/// bytes (pipes included), and valid UTF-8.
///
/// # Errors
/// [`Error::Import`] naming the file when it cannot be read, is too large or
/// is not UTF-8.
pub fn read_input(path: &Path, limits: &LoadLimits) -> Result<String, Error> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    read_one(path, &name, limits).map_err(|p| Error::Import(vec![p]))
}

fn read_one(path: &Path, name: &Arc<str>, limits: &LoadLimits) -> Result<String, ImportProblem> {
    let fail = |line: Option<u64>, message: String| {
        let mut place = Place::file(name.clone());
        place.line = line;
        ImportProblem::new(place, message)
    };
    let file = std::fs::File::open(path).map_err(|e| fail(None, files::io_reason(&e)))?;
    let mut bytes = Vec::new();
    // One byte over the limit is enough to know it is too large.
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(None, files::io_reason(&e)))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(fail(
            None,
            format!("file is over the limit of {} bytes", limits.max_file_bytes),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        fail(Some(line), format!("not valid UTF-8 (at byte {at})"))
    })
}

/// The one input of an importer that takes one ([`Files::One`]); a problem
/// when it is given none or several.
pub(crate) fn one_input<'i, 'a>(
    info: &ImporterInfo,
    inputs: &'i [Input<'a>],
    out: &mut Imported,
) -> Option<&'i Input<'a>> {
    match inputs {
        [one] => Some(one),
        _ => {
            let names: Vec<&str> = inputs.iter().map(|i| i.name).collect();
            out.problem(
                Place::none(),
                format!(
                    "{} reads one file at a time, but was given {}{}",
                    info.name,
                    inputs.len(),
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", listing::join(&names, ", "))
                    }
                ),
            );
            None
        }
    }
}

/// `true`, or a problem at the whole of `input`, when it is over the limit
/// (inputs given as text, not read by [`read_input`], are checked here).
pub(crate) fn within_limit(input: &Input<'_>, limits: &LoadLimits, out: &mut Imported) -> bool {
    if input.text.len() as u64 <= limits.max_file_bytes {
        return true;
    }
    out.problem(
        Place::file(input.name),
        format!("file is over the limit of {} bytes", limits.max_file_bytes),
    );
    false
}

/// Whether `id` is a valid inventory id; the reason if not.
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    crate::ids::check_id(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_importer_is_listed_once_with_a_kebab_case_name() {
        let names: Vec<&str> = IMPORTERS.iter().map(|i| i.name).collect();
        assert_eq!(
            names,
            [
                "backstage",
                "aws-credential-report",
                "grants-csv",
                "restic-snapshots",
                "terraform",
                "kubernetes"
            ]
        );
        for info in IMPORTERS {
            assert!(
                info.name
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{}",
                info.name
            );
            assert!(!info.reads.is_empty() && !info.produces.is_empty(), "{}", info.name);
        }
    }

    #[test]
    fn one_file_importers_say_when_given_another_number() {
        let mut out = Imported::new();
        let inputs = [Input::new("a.csv", ""), Input::new("b.csv", "")];
        assert!(one_input(GrantsCsv::INFO, &inputs, &mut out).is_none());
        assert!(one_input(GrantsCsv::INFO, &[], &mut out).is_none());
        let messages: Vec<String> = out.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "grants-csv reads one file at a time, but was given 2: a.csv, b.csv",
                "grants-csv reads one file at a time, but was given 0",
            ]
        );
    }
}
