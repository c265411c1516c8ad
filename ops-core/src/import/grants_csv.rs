//! A plain CSV of grants, one per row, such as an access review spreadsheet.

use std::collections::HashMap;

use super::csv::{CsvReader, Problems, Row, Table, require_columns};
use super::{
    EntityBuilder, Files, Imported, Importer, ImporterInfo, Input, Section, check_id, one_input, within_limit,
};
use crate::suggest::did_you_mean;
use crate::{Level, LoadLimits, Location, Timestamp, parse_instant};

const REQUIRED: &[&str] = &["principal", "system", "level"];
const OPTIONAL: &[&str] = &["role", "granted_at", "last_used_at", "expires_at", "id"];

/// How to read a grants CSV.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct GrantsCsvOptions {
    /// Bounds on the input (only `max_file_bytes` applies).
    pub limits: LoadLimits,
}

impl AsRef<LoadLimits> for GrantsCsvOptions {
    fn as_ref(&self) -> &LoadLimits {
        &self.limits
    }
}

/// The grants CSV importer (`grants-csv`): a CSV of grants with a header
/// row, one grant per row, such as an access review spreadsheet.
///
/// Columns `principal`, `system` and `level` (`read`, `write`, `admin` or
/// `owner`) are required; `role`, `granted_at`, `last_used_at`, `expires_at`
/// and `id` are optional, in any order. Instants are RFC 3339 with an offset
/// or a date alone (`2026-03-01`, midnight UTC); an empty optional field
/// means no value. Each row becomes one grant of the `grants` section, with
/// the fields in that order.
///
/// Problems, each with its line and column: an unknown column (with a hint
/// for a likely typo), a missing required column or value, an invalid id or
/// level, a malformed instant, a grant id used twice.
///
/// ```
/// use ops_core::import::{GrantsCsv, Importer, Input};
/// let csv = "principal,system,level,granted_at\nmaya,aws-prod,admin,2025-04-01\n";
/// let imported = GrantsCsv.import(&[Input::new("grants.csv", csv)], &Default::default())?;
/// assert!(imported.to_inventory_json().contains(r#""granted_at": "2025-04-01T00:00:00Z""#));
///
/// let bad = "principal,system,level\nmaya,aws-prod,root\n";
/// let err = GrantsCsv.import(&[Input::new("grants.csv", bad)], &Default::default()).unwrap_err();
/// assert_eq!(err.to_string(), "the import found 1 problem:\n\
///     grants.csv:2: column 'level': expected read, write, admin or owner, found 'root'");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Complexity
/// Linear in the size of the input.
#[derive(Clone, Copy, Debug, Default)]
pub struct GrantsCsv;

const INFO: ImporterInfo = ImporterInfo {
    name: "grants-csv",
    reads: "a CSV of grants with a header row, such as an access review spreadsheet",
    files: Files::One,
    produces: &[Section::Grants],
};

impl Importer for GrantsCsv {
    type Options = GrantsCsvOptions;
    const INFO: &'static ImporterInfo = &INFO;

    fn read(&self, inputs: &[Input<'_>], options: &GrantsCsvOptions) -> Imported {
        let mut out = Imported::new();
        if let Some(input) = one_input(&INFO, inputs, &mut out)
            && within_limit(input, &options.limits, &mut out)
        {
            let mut problems = Problems::new(input.name);
            read_grants(input, &mut problems, &mut out);
            problems.finish(&mut out);
        }
        out
    }
}

/// A grant as the `grants` section writes it.
struct Grant {
    id: Option<String>,
    principal: String,
    system: String,
    role: Option<String>,
    level: Level,
    granted_at: Option<Timestamp>,
    last_used_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

impl Grant {
    fn entity(self, at: Location) -> crate::source::Node {
        EntityBuilder::new(at)
            .opt_str("id", self.id)
            .str("principal", self.principal)
            .str("system", self.system)
            .opt_str("role", self.role)
            .str("level", self.level.as_str())
            .instant("granted_at", self.granted_at)
            .instant("last_used_at", self.last_used_at)
            .instant("expires_at", self.expires_at)
            .build()
    }
}

fn read_grants(input: &Input<'_>, problems: &mut Problems, out: &mut Imported) {
    let mut reader = CsvReader::new(input.text);
    let Some(table) = reader.header(problems) else {
        return;
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
    if !require_columns(&table, REQUIRED, problems) || !header_ok {
        return;
    }
    let mut ids: HashMap<String, u64> = HashMap::new();
    while let Some(row) = reader.next_row(problems) {
        let f = Fields {
            table: &table,
            row: &row,
        };
        let principal = f.id("principal", true, problems);
        let system = f.id("system", true, problems);
        let level = f.level(problems);
        let role = f.text("role").filter(|r| !r.is_empty()).map(str::to_owned);
        let granted_at = f.instant("granted_at", problems);
        let last_used_at = f.instant("last_used_at", problems);
        let expires_at = f.instant("expires_at", problems);
        let id = f.id("id", false, problems);
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
            let grant = Grant {
                id,
                principal,
                system,
                role,
                level,
                granted_at,
                last_used_at,
                expires_at,
            };
            out.push(Section::Grants, grant.entity(row.location(input.name)));
        }
    }
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
