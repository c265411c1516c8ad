//! Where something was written: a file, a line and a column.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A position in an inventory file: the file as it was named when loading,
/// a 1-based line and a 1-based column (counted in characters).
///
/// Every entity, every finding about an entity and every validation error
/// carries one, so a person (or a code-scanning UI) can jump to the source.
///
/// ```
/// use ops_core::Location;
/// let at = Location::new("inventory/db.yaml", 12, 5);
/// assert_eq!(at.to_string(), "inventory/db.yaml:12:5");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file, as given to the loader (or `<input>` for in-memory sources).
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Location {
    /// A location in `file` at `line`:`column` (both 1-based).
    pub fn new(file: impl Into<Arc<str>>, line: u32, column: u32) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Maps byte offsets of one text to 1-based lines and character columns.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    /// Line and column of byte `offset` (clamped to the text).
    pub(crate) fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (to_u32(line + 1), to_u32(column + 1))
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let idx = LineIndex::new("a: 1\nnäme: x\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(5), (2, 1));
        // 'x' is byte 12 but character column 7
        assert_eq!(idx.position(12), (2, 7));
        assert_eq!(idx.position(999), (3, 1));
    }
}
