//! A plain CSV of grants, one per row, such as an access review spreadsheet.

use std::collections::HashMap;

use super::{CsvReader, Imported, ImportedGrant, Problems, Row, Table, check_id, require_columns};
use crate::suggest::did_you_mean;
use crate::{Error, Level, LoadLimits, Timestamp, parse_instant};

const REQUIRED: &[&str] = &["principal", "system", "level"];
const OPTIONAL: &[&str] = &["role", "granted_at", "last_used_at", "expires_at", "id"];

/// How to read a grants CSV.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct GrantsCsvOptions {
    /// Bounds on the input (only `max_file_bytes` applies).
    pub limits: LoadLimits,
}

/// Reads a CSV of grants with a header row.
///
/// Columns `principal`, `system` and `level` (`read`, `write`, `admin` or
/// `owner`) are required; `role`, `granted_at`, `last_used_at`, `expires_at`
/// and `id` are optional, in any order. Instants are RFC 3339 with an offset
/// or a date alone (`2026-03-01`, midnight UTC); an empty optional field
/// means no value.
///
/// ```
/// use ops_core::import::{self, GrantsCsvOptions};
/// let imported = import::grants_csv("grants.csv", "\
/// principal,system,level,granted_at
/// maya,aws-prod,admin,2025-04-01
/// ", &GrantsCsvOptions::default())?;
/// assert_eq!(imported.grants[0].principal, "maya");
/// assert_eq!(imported.grants[0].granted_at.map(|t| t.to_rfc3339()).as_deref(), Some("2025-04-01T00:00:00+00:00"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Import`] with every problem, each with its line and column: an
/// unknown column (with a hint for a likely typo), a missing required column
/// or value, an invalid id or level, a malformed instant, a grant id used
/// twice.
///
/// # Complexity
/// Linear in the size of the input.
pub fn grants_csv(name: &str, text: &str, options: &GrantsCsvOptions) -> Result<Imported, Error> {
    let mut problems = Problems::new(name);
    if text.len() as u64 > options.limits.max_file_bytes {
        problems.add(
            None,
            None,
            format!("file is over the limit of {} bytes", options.limits.max_file_bytes),
        );
        return problems.finish(Imported::default());
    }
    let mut reader = CsvReader::new(text);
    let Some(table) = reader.header(&mut problems) else {
        return problems.finish(Imported::default());
    };
    let known = || REQUIRED.iter().chain(OPTIONAL).copied();
    let mut header_ok = true;
    for header in &table.headers {
        if !header.is_empty() && !known().any(|k| k == header) {
            // `granted` for `granted_at` is too far for an edit-distance hint.
            let prefix_of = || known().find(|k| header.len() >= 4 && k.starts_with(header.as_str()));
            let hint = match did_you_mean(header, known()).or_else(prefix_of) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!("expected {}", known().collect::<Vec<_>>().join(", ")),
            };
            problems.add(
                Some(table.header_line),
                Some(header),
                format!("unknown column ({hint})"),
            );
            header_ok = false;
        }
    }
    // Rows under a header we do not understand would only add noise.
    if !require_columns(&table, REQUIRED, &mut problems) || !header_ok {
        return problems.finish(Imported::default());
    }
    let mut out = Imported::default();
    let mut ids: HashMap<String, u64> = HashMap::new();
    while let Some(row) = reader.next_row(&mut problems) {
        let f = Fields {
            table: &table,
            row: &row,
        };
        let principal = f.id("principal", true, &mut problems);
        let system = f.id("system", true, &mut problems);
        let level = f.level(&mut problems);
        let role = f.text("role").filter(|r| !r.is_empty()).map(str::to_owned);
        let granted_at = f.instant("granted_at", &mut problems);
        let last_used_at = f.instant("last_used_at", &mut problems);
        let expires_at = f.instant("expires_at", &mut problems);
        let id = f.id("id", false, &mut problems);
        if let Some(id) = &id {
            if let Some(first) = ids.get(id) {
                problems.add(
                    Some(row.line),
                    Some("id"),
                    format!("grant id '{id}' is used twice (first on line {first})"),
                );
            } else {
                ids.insert(id.clone(), row.line);
            }
        }
        if let (Some(principal), Some(system), Some(level)) = (principal, system, level) {
            out.grants.push(ImportedGrant {
                id,
                principal,
                system,
                role,
                level,
                granted_at,
                last_used_at,
                expires_at,
            });
        }
    }
    problems.finish(out)
}

struct Fields<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> Fields<'a> {
    /// The field of `column`, `None` if the header has no such column.
    fn text(&self, column: &str) -> Option<&'a str> {
        let i = self.table.column(column)?;
        self.row.fields.get(i).map(String::as_str)
    }

    fn id(&self, column: &str, required: bool, problems: &mut Problems) -> Option<String> {
        let value = self.text(column).unwrap_or("");
        if value.is_empty() {
            if required {
                problems.add(Some(self.row.line), Some(column), "expected an id, found nothing");
            }
            return None;
        }
        match check_id(value) {
            Ok(()) => Some(value.to_owned()),
            Err(why) => {
                problems.add(
                    Some(self.row.line),
                    Some(column),
                    format!("invalid id '{value}': {why}"),
                );
                None
            }
        }
    }

    fn level(&self, problems: &mut Problems) -> Option<Level> {
        let value = self.text("level").unwrap_or("");
        let level = [Level::Read, Level::Write, Level::Admin, Level::Owner]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(value));
        if level.is_none() {
            problems.add(
                Some(self.row.line),
                Some("level"),
                format!("expected read, write, admin or owner, found '{value}'"),
            );
        }
        level
    }

    fn instant(&self, column: &str, problems: &mut Problems) -> Option<Timestamp> {
        let value = self.text(column).filter(|v| !v.is_empty())?;
        match parse_instant(value) {
            Ok(t) => Some(t),
            Err(why) => {
                problems.add(Some(self.row.line), Some(column), why);
                None
            }
        }
    }
}
