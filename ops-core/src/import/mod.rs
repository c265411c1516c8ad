//! Importers: turn what other tools export into inventory files.
//!
//! Each importer reads one export (a CSV file today) and returns an
//! [`Imported`]: inventory entities, ready to be written as an inventory JSON
//! file with [`Imported::to_inventory_json`] and loaded together with the rest
//! of the inventory. An importer never guesses: every value it cannot read is a
//! problem, reported with its [`Place`] (file, CSV line and column name), and
//! all of a file's problems come back together in [`Error::Import`].
//!
//! | importer | reads | produces |
//! |---|---|---|
//! | [`aws_credential_report`] | `aws iam get-credential-report` | `credentials` |
//! | [`grants_csv`] | a spreadsheet of grants | `grants` |
//! | [`BackstageCatalog`] | Backstage catalog files | `components`, `people`, `groups` |
//!
//! ```
//! use ops_core::import::{self, AwsCredentialReportOptions};
//! use ops_core::{Format, Inventory};
//!
//! let report = "\
//! user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date
//! alice,arn:aws:iam::123456789012:user/alice,2024-01-10T09:00:00+00:00,true,2026-11-20T08:12:00+00:00,2026-09-01T10:00:00+00:00,N/A,true,false,N/A,N/A,false,N/A,N/A
//! ";
//! let imported = import::aws_credential_report("report.csv", report, &AwsCredentialReportOptions::new("aws-prod"))?;
//! assert_eq!(imported.credentials[0].id, "aws-prod:alice:password");
//! assert!(imported.credentials[0].mfa);
//!
//! // The output loads with the people and systems it refers to.
//! let json = imported.to_inventory_json();
//! let inventory = Inventory::from_text("aws.json", Format::Json, &json.replacen(
//!     "{", r#"{"people": [{"id": "alice"}], "systems": [{"id": "aws-prod"}],"#, 1))?;
//! assert_eq!(inventory.credentials().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aws_credential_report;
pub(crate) mod backstage;
mod grants_csv;
pub(crate) mod problem;
mod restic;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::{CredentialKind, Error, Level, Limits, Timestamp};

pub use aws_credential_report::{AwsCredentialReportOptions, ROOT_USER, aws_credential_report};
pub use backstage::BackstageCatalog;
pub use grants_csv::{GrantsCsvOptions, grants_csv};
pub use problem::{Column, ImportNote, ImportProblem, Place};
pub use restic::{ResticSnapshot, ResticSummary, backup_runs_json, parse_restic_snapshots};

/// What an importer produced: inventory entities, in the order of the input.
///
/// Serializes (with serde) to an inventory document: `{"credentials": [...],
/// "grants": [...]}`, empty sections left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Imported {
    /// Passwords, keys and tokens.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<ImportedCredential>,
    /// Grants of access.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<ImportedGrant>,
}

impl Imported {
    /// The text of an inventory JSON file holding these entities, pretty-printed,
    /// ending with a newline. Instants are written in UTC (`2026-03-01T09:30:00Z`).
    pub fn to_inventory_json(&self) -> String {
        // Plain structs with string keys: serializing them cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// `true` when nothing was imported.
    pub fn is_empty(&self) -> bool {
        self.credentials.is_empty() && self.grants.is_empty()
    }
}

/// A credential as written in an inventory file (section `credentials`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportedCredential {
    /// Unique id, derived deterministically from the input.
    pub id: String,
    /// Personal or shared.
    #[serde(serialize_with = "kind_name")]
    pub kind: CredentialKind,
    /// Id of the system it opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The access it gives there.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_level_name")]
    pub level: Option<Level>,
    /// Ids of the principals who hold it.
    pub holders: Vec<String>,
    /// Whether using it requires a second factor.
    pub mfa: bool,
    /// When it was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When it was last rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<Timestamp>,
    /// When it was last used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// Free text: where it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A grant as written in an inventory file (section `grants`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportedGrant {
    /// Optional id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Id of the person, service account or group receiving access.
    pub principal: String,
    /// Id of the system the access is to.
    pub system: String,
    /// The system's own name for the role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// How much.
    #[serde(serialize_with = "level_name")]
    pub level: Level,
    /// When granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted_at: Option<Timestamp>,
    /// When last used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// When it lapses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

fn kind_name<S: Serializer>(kind: &CredentialKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match kind {
        CredentialKind::Personal => "personal",
        CredentialKind::Shared => "shared",
    })
}

fn level_name<S: Serializer>(level: &Level, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(level.as_str())
}

fn opt_level_name<S: Serializer>(level: &Option<Level>, s: S) -> Result<S::Ok, S::Error> {
    match level {
        Some(l) => level_name(l, s),
        None => s.serialize_none(),
    }
}

/// Reads an input file for an importer: at most `limits.max_file_bytes`
/// bytes (pipes included), and valid UTF-8.
///
/// # Errors
/// [`Error::Import`] naming the file when it cannot be read, is too large or
/// is not UTF-8.
pub fn read_input(path: &Path, limits: &Limits) -> Result<String, Error> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let fail = |line: Option<u64>, message: String| {
        let mut place = Place::file(name.clone());
        place.line = line;
        Error::Import(vec![ImportProblem::new(place, message)])
    };
    let file = std::fs::File::open(path).map_err(|e| fail(None, io_reason(&e)))?;
    let mut bytes = Vec::new();
    // One byte over the limit is enough to know it is too large.
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(None, io_reason(&e)))?;
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

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// At most this many problems are kept; a file of garbage should not turn
/// into a gigabyte of messages.
const MAX_PROBLEMS: usize = 1000;

/// Collects the problems of one import.
#[derive(Debug)]
pub(crate) struct Problems {
    file: Arc<str>,
    list: Vec<ImportProblem>,
    dropped: usize,
}

impl Problems {
    pub(crate) fn new(file: &str) -> Self {
        Problems {
            file: Arc::from(file),
            list: Vec::new(),
            dropped: 0,
        }
    }

    /// Records a problem at `line` (of the whole input if `None`), in `column` if given.
    pub(crate) fn add(&mut self, line: Option<u64>, column: Option<&str>, message: impl Into<String>) {
        if self.list.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        let place = Place {
            file: Some(self.file.clone()),
            line,
            column: column.map(|c| Column::Named(c.to_owned())),
        };
        self.list.push(ImportProblem::new(place, message));
    }

    /// `Ok` with `value` if nothing is wrong, else every problem, sorted by line
    /// (problems of the whole input first).
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, Error> {
        if self.list.is_empty() {
            return Ok(value);
        }
        self.list.sort_by_key(|p| p.place.line);
        if self.dropped > 0 {
            let message = format!(
                "{} more problems not shown; fix the first {MAX_PROBLEMS} and run again",
                self.dropped
            );
            self.list.push(ImportProblem::new(Place::file(self.file), message));
        }
        Err(Error::Import(self.list))
    }
}

/// The header of a CSV file.
#[derive(Debug)]
pub(crate) struct Table {
    /// Line of the header record.
    pub(crate) header_line: u64,
    /// Column names, trimmed.
    pub(crate) headers: Vec<String>,
}

/// One data record.
#[derive(Debug)]
pub(crate) struct Row {
    /// 1-based line the record starts on.
    pub(crate) line: u64,
    /// Fields, trimmed, one per header column.
    pub(crate) fields: Vec<String>,
}

impl Table {
    /// Index of column `name`, if the header has it.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// Reads CSV record by record, so memory stays proportional to one record
/// (RFC 4180: quoted fields with commas, quotes and newlines; LF or CRLF line
/// ends; a leading byte-order mark ignored). The first record is the header.
/// Records that are entirely empty are skipped; records with more or fewer
/// fields than the header, and duplicate header names, are reported.
#[derive(Debug)]
pub(crate) struct CsvReader<'a> {
    reader: csv::Reader<&'a [u8]>,
    lines: Lines<'a>,
    record: csv::StringRecord,
    /// Number of header columns, once the header is read.
    width: usize,
    done: bool,
}

impl<'a> CsvReader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        CsvReader {
            reader,
            lines: Lines::new(text),
            record: csv::StringRecord::new(),
            width: 0,
            done: false,
        }
    }

    /// The next record that is not entirely empty, with its line.
    fn next_record(&mut self, problems: &mut Problems) -> Option<u64> {
        while !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    if self.record.iter().all(str::is_empty) {
                        continue;
                    }
                    let byte = self.record.position().map_or(0, csv::Position::byte);
                    return Some(self.lines.line_at(byte));
                }
                Err(e) => {
                    let line = e.position().map(|p| self.lines.line_at(p.byte()));
                    problems.add(line, None, format!("not readable as CSV: {e}"));
                    // The reader cannot be trusted to make progress after an error.
                    self.done = true;
                }
            }
        }
        None
    }

    /// Reads the header; `None` (with a problem recorded) when the input has
    /// no record at all.
    pub(crate) fn header(&mut self, problems: &mut Problems) -> Option<Table> {
        let Some(line) = self.next_record(problems) else {
            problems.add(
                None,
                None,
                "the file is empty: expected a header row, then one row per record",
            );
            return None;
        };
        let headers: Vec<String> = self.record.iter().map(str::to_owned).collect();
        for (i, name) in headers.iter().enumerate() {
            if name.is_empty() {
                problems.add(Some(line), None, format!("header column {} has no name", i + 1));
            } else if headers[..i].contains(name) {
                problems.add(Some(line), Some(name), "appears twice in the header");
            }
        }
        self.width = headers.len();
        Some(Table {
            header_line: line,
            headers,
        })
    }

    /// The next data record with as many fields as the header (call
    /// [`Self::header`] first); others are reported and skipped.
    pub(crate) fn next_row(&mut self, problems: &mut Problems) -> Option<Row> {
        loop {
            let line = self.next_record(problems)?;
            let n = self.record.len();
            if n == self.width {
                let fields = self.record.iter().map(str::to_owned).collect();
                return Some(Row { line, fields });
            }
            problems.add(
                Some(line),
                None,
                format!(
                    "the record has {n} field{}, but the header has {} columns",
                    if n == 1 { "" } else { "s" },
                    self.width
                ),
            );
        }
    }
}

/// Line numbers of byte offsets, for offsets that only move forward. The csv
/// crate's own line count skips blank lines and miscounts CRLF, so records are
/// located from their byte offset instead.
#[derive(Debug)]
struct Lines<'a> {
    text: &'a [u8],
    /// Offset up to which newlines are counted, and the line there.
    offset: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the reader started at `byte`: the
    /// reader's offset may point at line ends before the record, skipped.
    /// Linear in the distance from the previous call's offset.
    fn line_at(&mut self, byte: u64) -> u64 {
        let start = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        let skipped = self.text[start..]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let at = start + skipped;
        if at < self.offset {
            // Not expected (offsets move forward); count from the start.
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text[self.offset..at].iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = at;
        self.line
    }
}

/// Reports every name in `required` that the table's header lacks.
pub(crate) fn require_columns(table: &Table, required: &[&str], problems: &mut Problems) -> bool {
    let mut ok = true;
    for name in required {
        if table.column(name).is_none() {
            problems.add(
                Some(table.header_line),
                None,
                format!("the header has no column '{name}', which is required"),
            );
            ok = false;
        }
    }
    ok
}

/// Whether `id` is a valid inventory id; the reason if not.
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    crate::ids::check_id(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines and fields of data records.
    type Rows = Vec<(u64, Vec<String>)>;

    /// The header, the rows and the problems of `text`.
    fn table(text: &str) -> (Option<Table>, Rows, Vec<String>) {
        let mut problems = Problems::new("t.csv");
        let mut reader = CsvReader::new(text);
        let header = reader.header(&mut problems);
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row(&mut problems) {
            rows.push((row.line, row.fields));
        }
        let messages = match problems.finish(()) {
            Ok(()) => vec![],
            Err(Error::Import(list)) => list.iter().map(ToString::to_string).collect(),
            Err(e) => vec![e.to_string()],
        };
        (header, rows, messages)
    }

    #[test]
    fn quoted_fields_crlf_bom_and_blank_lines() {
        let (t, rows, problems) = table("\u{feff}a,b\r\n\r\n\"x, y\",\"multi\nline\"\r\n,\r\n3,\"say \"\"hi\"\"\"\r\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(t.unwrap().headers, ["a", "b"]);
        assert_eq!(
            rows,
            vec![
                (3, vec!["x, y".to_owned(), "multi\nline".to_owned()]),
                (6, vec!["3".to_owned(), "say \"hi\"".to_owned()]),
            ]
        );
    }

    #[test]
    fn ragged_rows_and_bad_headers_are_reported() {
        let (_, rows, problems) = table("a,a,\n1,2,3\n1,2\n1,2,3,4\n");
        assert_eq!(rows, [(2, vec!["1".to_owned(), "2".to_owned(), "3".to_owned()])]);
        assert_eq!(
            problems,
            [
                "t.csv:1: column 'a': appears twice in the header",
                "t.csv:1: header column 3 has no name",
                "t.csv:3: the record has 2 fields, but the header has 3 columns",
                "t.csv:4: the record has 4 fields, but the header has 3 columns",
            ]
        );
    }

    #[test]
    fn empty_input_has_no_header() {
        for text in ["", "\u{feff}", "\n\n", ",,\n"] {
            let (t, _, problems) = table(text);
            assert!(t.is_none());
            assert_eq!(
                problems,
                ["t.csv: the file is empty: expected a header row, then one row per record"]
            );
        }
    }

    #[test]
    fn problems_are_capped() {
        let mut p = Problems::new("t.csv");
        for i in 0..(MAX_PROBLEMS as u64 + 5) {
            p.add(Some(i + 1), None, "bad");
        }
        let Err(Error::Import(list)) = p.finish(()) else {
            panic!("expected problems")
        };
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            list[MAX_PROBLEMS].to_string(),
            "t.csv: 5 more problems not shown; fix the first 1000 and run again"
        );
    }
}
