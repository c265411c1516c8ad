//! What an importer reports when its input is wrong: one [`ImportProblem`]
//! per problem, with where it is.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// One problem in an import's input: where (file, CSV line, column name) and what.
///
/// Displays as `file:line: column 'name': message`, leaving out what is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportProblem {
    /// The input, as named by the caller.
    pub file: Arc<str>,
    /// 1-based line where the CSV record starts; `None` for problems of the
    /// whole input (too large, empty) or of the options.
    pub line: Option<u64>,
    /// The column's header name, when the problem is in one field.
    pub column: Option<String>,
    /// What is wrong and what was expected, naming the offending value.
    pub message: String,
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(column) = &self.column {
            write!(f, "column '{column}': ")?;
        }
        f.write_str(&self.message)
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
