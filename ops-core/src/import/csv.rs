//! Reading CSV exports (RFC 4180) record by record, each record located by
//! the line it starts on, and collecting their problems by line and column name.

use std::sync::Arc;

use super::output::Imported;
use super::problem::{Column, ImportProblem, Place};
use crate::Location;

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

    /// Adds every problem to `out`, sorted by line (problems of the whole
    /// input first), then a line saying how many more were not kept.
    pub(crate) fn finish(mut self, out: &mut Imported) {
        self.list.sort_by_key(|p| p.place.line);
        for p in self.list {
            out.problem(p.place, p.message);
        }
        if self.dropped > 0 {
            let message = format!(
                "{} more problems not shown; fix the first {MAX_PROBLEMS} and run again",
                self.dropped
            );
            out.problem(Place::file(self.file), message);
        }
    }

    /// The input the problems are in.
    pub(crate) fn file(&self) -> &str {
        &self.file
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

impl Row {
    /// Where the record starts in input `file` (its first column).
    pub(crate) fn location(&self, file: &str) -> Location {
        Location::new(file, u32::try_from(self.line).unwrap_or(u32::MAX), 1)
    }
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
        let mut out = Imported::new();
        problems.finish(&mut out);
        let messages = out.problems().iter().map(ToString::to_string).collect();
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
        let mut out = Imported::new();
        p.finish(&mut out);
        let list = out.problems();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            list[MAX_PROBLEMS].to_string(),
            "t.csv: 5 more problems not shown; fix the first 1000 and run again"
        );
    }
}
