//! Where an importer's messages point, and the two kinds of message: an
//! [`ImportProblem`] (the input cannot be imported as it is) and an
//! [`ImportNote`] (something was skipped on purpose).

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::Location;
use crate::diagnostic::Diagnostic;

/// The column of a place in an importer's input.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Column {
    /// A 1-based column, in characters, of a line of text (YAML, JSON).
    Char(u32),
    /// A CSV column, by its header name.
    Named(String),
}

/// Where in an importer's input something is: as much of file, line and
/// column as is known.
///
/// Displays as `file:line:column` for a position in text (YAML, JSON),
/// `file:line: column 'name'` for a field of a CSV record, `file:line` or
/// `file` when less is known, and as nothing when not even the file is.
///
/// ```
/// use ops_core::import::{Column, Place};
/// let mut at = Place::file("report.csv");
/// at.line = Some(3);
/// at.column = Some(Column::Named("mfa_active".into()));
/// assert_eq!(at.to_string(), "report.csv:3: column 'mfa_active'");
/// at.column = Some(Column::Char(7));
/// assert_eq!(at.to_string(), "report.csv:3:7");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct Place {
    /// The input, as named by the caller; `None` for what concerns no one
    /// input (no input files found at all).
    pub file: Option<Arc<str>>,
    /// 1-based line (for CSV, the line the record starts on); `None` for the
    /// whole input (too large, empty) or for the options.
    pub line: Option<u64>,
    /// The column, when known.
    pub column: Option<Column>,
}

impl Place {
    /// The whole of input `file`.
    pub fn file(file: impl Into<Arc<str>>) -> Self {
        Place {
            file: Some(file.into()),
            line: None,
            column: None,
        }
    }

    /// Nowhere in particular.
    pub fn none() -> Self {
        Place::default()
    }

    /// `true` when nothing about the place is known.
    pub fn is_none(&self) -> bool {
        self.file.is_none()
    }

    /// The place as an inventory [`Location`], when it is a position in text
    /// (file, line and character column all known).
    pub(crate) fn location(&self) -> Option<Location> {
        match (&self.file, self.line, &self.column) {
            (Some(file), Some(line), Some(Column::Char(column))) => Some(Location {
                file: file.clone(),
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: *column,
            }),
            _ => None,
        }
    }
}

impl From<&Location> for Place {
    fn from(at: &Location) -> Self {
        Place {
            file: Some(at.file.clone()),
            line: Some(u64::from(at.line)),
            column: Some(Column::Char(at.column)),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(file) = &self.file else {
            return Ok(());
        };
        f.write_str(file)?;
        let Some(line) = self.line else {
            return match &self.column {
                Some(Column::Named(name)) => write!(f, ": column '{name}'"),
                _ => Ok(()),
            };
        };
        write!(f, ":{line}")?;
        match &self.column {
            Some(Column::Char(c)) => write!(f, ":{c}"),
            Some(Column::Named(name)) => write!(f, ": column '{name}'"),
            None => Ok(()),
        }
    }
}

/// Writes `place: message`, or the message alone when the place is unknown.
fn located(f: &mut fmt::Formatter<'_>, place: &Place, message: &str) -> fmt::Result {
    if place.is_none() {
        f.write_str(message)
    } else {
        write!(f, "{place}: {message}")
    }
}

/// One problem in an import's input: where and what. Every problem of an
/// import is reported at once, in [`Error::Import`](crate::Error::Import).
///
/// Displays as `place: message` (see [`Place`]), such as
/// `report.csv:3: column 'mfa_active': expected true or false, found 'yes'` or
/// `catalog/shop.yaml:12:10: spec.owner: unknown entity 'group:default/team-wbe'`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportProblem {
    /// Where it is.
    pub place: Place,
    /// What is wrong and what was expected, naming the offending value.
    pub message: String,
}

impl ImportProblem {
    /// A problem at `place`.
    pub fn new(place: Place, message: impl Into<String>) -> Self {
        ImportProblem {
            place,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        located(f, &self.place, &self.message)
    }
}

/// What an importer skipped on purpose, and where: an entity of a kind it
/// does not import, an object it does not understand. Readers of other tools'
/// formats are lenient where the producer is; a note says what they left out
/// so that nothing is dropped silently.
///
/// Displays like an [`ImportProblem`]: `place: message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportNote {
    /// Where the skipped thing is.
    pub place: Place,
    /// What was skipped, and why.
    pub message: String,
}

impl ImportNote {
    /// A note at `place`.
    pub fn new(place: Place, message: impl Into<String>) -> Self {
        ImportNote {
            place,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        located(f, &self.place, &self.message)
    }
}

/// The place and message of an inventory diagnostic, displayed the same way.
pub(crate) fn from_diagnostic(d: Diagnostic) -> (Place, String) {
    let place = d.location.as_ref().map(Place::from).unwrap_or_default();
    (place, d.message)
}

/// An importer's message as an inventory diagnostic (for importers the
/// loader runs, such as a Backstage catalog loaded with the inventory),
/// displayed the same way.
pub(crate) fn to_diagnostic(place: &Place, message: &str) -> Diagnostic {
    match place.location() {
        Some(at) => Diagnostic::new(Some(at), message),
        None if place.is_none() => Diagnostic::new(None, message),
        None => Diagnostic::new(None, format!("{place}: {message}")),
    }
}

/// The message of [`Error::Import`](crate::Error::Import): a count, then one problem per line.
pub(crate) fn describe(problems: &[ImportProblem]) -> String {
    let n = problems.len();
    let mut out = format!("the import found {n} problem{}:", if n == 1 { "" } else { "s" });
    for p in problems {
        out.push('\n');
        out.push_str(&p.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(file: Option<&str>, line: Option<u64>, column: Option<Column>) -> Place {
        Place {
            file: file.map(Arc::from),
            line,
            column,
        }
    }

    #[test]
    fn places_display_what_is_known() {
        let named = || Some(Column::Named("level".to_owned()));
        let cases = [
            (place(None, None, None), "msg"),
            (place(Some("g.csv"), None, None), "g.csv: msg"),
            (place(Some("g.csv"), Some(3), None), "g.csv:3: msg"),
            (place(Some("g.csv"), Some(3), named()), "g.csv:3: column 'level': msg"),
            (place(Some("g.csv"), None, named()), "g.csv: column 'level': msg"),
            (
                place(Some("c.yaml"), Some(12), Some(Column::Char(10))),
                "c.yaml:12:10: msg",
            ),
        ];
        for (at, expected) in cases {
            assert_eq!(ImportProblem::new(at.clone(), "msg").to_string(), expected);
            assert_eq!(ImportNote::new(at, "msg").to_string(), expected);
        }
    }

    #[test]
    fn diagnostics_convert_both_ways_and_display_the_same() {
        let located = Diagnostic::new(Some(Location::new("c.yaml", 4, 2)), "bad");
        let unlocated = Diagnostic::new(None, "c.yaml: file is over the limit of 1 bytes");
        for d in [located, unlocated] {
            let (at, message) = from_diagnostic(d.clone());
            assert_eq!(
                ImportProblem::new(at.clone(), message.clone()).to_string(),
                d.to_string()
            );
            assert_eq!(to_diagnostic(&at, &message), d);
        }
        // A CSV place has no text position: the diagnostic carries it in its message.
        let csv = place(Some("g.csv"), Some(3), Some(Column::Named("level".to_owned())));
        assert_eq!(to_diagnostic(&csv, "bad").to_string(), "g.csv:3: column 'level': bad");
    }
}
