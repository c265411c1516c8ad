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

/// Maps byte offsets of one text to 1-based lines and character columns, in
/// time independent of the line's length: the column of an offset far into a
/// long line (a minified JSON file is one line) is counted from the nearest
/// checkpoint, not from the line's start.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Whole text is ASCII: a column is a byte difference.
    ascii: bool,
    /// Every `CHECKPOINT` bytes (at a character boundary): (byte offset, characters before it).
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT: usize = 1024;

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        push_newlines(text, &mut line_starts);
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut chars = 0;
            let mut last = 0;
            let mut next = 0;
            while next < text.len() {
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[last..next].chars().count();
                checkpoints.push((next, chars));
                last = next;
                next += CHECKPOINT;
            }
        }
        LineIndex {
            text,
            line_starts,
            ascii,
            checkpoints,
        }
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let i = self.checkpoints.partition_point(|&(o, _)| o <= offset);
        let (o, n) = if i == 0 { (0, 0) } else { self.checkpoints[i - 1] };
        n + self.text.get(o..offset).map_or(0, |s| s.chars().count())
    }

    /// Line and column of byte `offset` (clamped to the text).
    pub(crate) fn position(&self, offset: usize) -> (u32, u32) {
        let mut cursor = 0;
        self.position_from(&mut cursor, offset)
    }

    /// Like [`Self::position`], for a reader moving forward through the text:
    /// `cursor` holds the line the previous lookup found (start at 0), so a
    /// forward pass costs time linear in the text instead of a binary search
    /// per lookup.
    pub(crate) fn position_from(&self, cursor: &mut usize, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts_after = |line: usize| self.line_starts.get(line + 1).is_none_or(|&next| next > offset);
        let mut line = (*cursor).min(self.line_starts.len() - 1);
        if self.line_starts[line] > offset {
            line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        } else {
            // Step forward a few lines; jump by binary search if far ahead.
            let mut steps = 0;
            while !starts_after(line) {
                line += 1;
                steps += 1;
                if steps == 8 {
                    line = self.line_starts.partition_point(|&s| s <= offset) - 1;
                    break;
                }
            }
        }
        *cursor = line;
        let start = self.line_starts[line];
        let column = if self.ascii {
            offset - start
        } else if offset - start <= CHECKPOINT {
            self.text[start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (to_u32(line + 1), to_u32(column + 1))
    }
}

/// Appends the offsets just after each newline to `out`, eight bytes at a
/// time: a word with no newline (most of them) costs a few instructions, and
/// in one with newlines only those bytes are visited.
fn push_newlines(text: &str, out: &mut Vec<usize>) {
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let (words, tail) = text.as_bytes().as_chunks::<8>();
    for (wi, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word) ^ NEWLINES;
        // The high bit set in exactly the bytes of `x` that are zero, i.e.
        // were newlines (exact: no carries between bytes).
        let mut zeros = !(((x & LOWS) + LOWS) | x | LOWS);
        while zeros != 0 {
            out.push(wi * 8 + (zeros.trailing_zeros() / 8) as usize + 1);
            zeros &= zeros - 1;
        }
    }
    let tail_start = words.len() * 8;
    out.extend(
        tail.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| tail_start + i + 1),
    );
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

    #[test]
    fn newlines_are_found_in_every_position_of_a_word() {
        for len in 0..140 {
            for at in 0..len {
                let mut text = "x".repeat(len);
                text.replace_range(at..=at, "\n");
                let mut found = Vec::new();
                push_newlines(&text, &mut found);
                assert_eq!(found, [at + 1], "{len} {at}");
            }
        }
        let text = "\n\n\n\n\n\n\n\n\n\na\nb";
        let expected: Vec<usize> = (0..text.len())
            .filter(|&i| text.as_bytes()[i] == b'\n')
            .map(|i| i + 1)
            .collect();
        let mut found = Vec::new();
        push_newlines(text, &mut found);
        assert_eq!(found, expected);
    }

    #[test]
    fn long_lines_use_checkpoints() {
        let text = format!("{}é{}x", "a".repeat(5000), "b".repeat(5000));
        let idx = LineIndex::new(&text);
        let x = text.len() - 1;
        assert_eq!(idx.position(x), (1, 10_002));
        assert_eq!(idx.position(5000), (1, 5001));
        assert_eq!(idx.position(5002), (1, 5002)); // just after the two-byte 'é'
    }

    #[test]
    fn a_forward_cursor_agrees_with_lookups_from_scratch() {
        let text = "a\nbb\n\nccc\n".repeat(50);
        let idx = LineIndex::new(&text);
        let mut cursor = 0;
        for offset in (0..text.len()).chain([3, 0, text.len() - 2]) {
            assert_eq!(idx.position_from(&mut cursor, offset), idx.position(offset), "{offset}");
        }
    }
}
