//! Strict JSON (RFC 8259) into [`Node`] trees.
//!
//! Written here rather than taken from `serde_json` because inventory errors
//! must name the line and column of every value, not only of syntax errors.

use std::collections::HashMap;
use std::sync::Arc;

use super::Item;
use super::json_fast;
use super::node::{LoadLimits, Node, Value};
use crate::Location;
use crate::diagnostic::Diagnostic;
use crate::location::LineIndex;
use std::cell::Cell;

/// Parses one JSON document. When the document is an object, the elements of
/// its top-level arrays under `stream.keys` are handed to `stream.item` one at
/// a time as they are parsed, and those arrays stay empty in the returned
/// tree: a large inventory never exists as one whole tree.
pub(crate) fn parse<'t>(
    file: &Arc<str>,
    text: &'t str,
    limits: &LoadLimits,
    stream: Option<super::Stream<'_, 't>>,
) -> Result<Node, Diagnostic> {
    let lines = LineIndex::new(text);
    let line = Cell::new(0);
    let mut p = Parser {
        file,
        bytes: text.as_bytes(),
        text,
        pos: 0,
        lines: &lines,
        line: &line,
        max_depth: limits.max_depth,
        stream,
    };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("invalid JSON: unexpected text after the document"));
    }
    Ok(node)
}

/// The fewest bytes an element is assumed to take in [`JsonItem::remaining_hint`].
const MIN_ELEMENT_BYTES: usize = 16;

/// One element of a streamed JSON array, syntactically valid: deserialize it
/// directly with [`JsonItem::fast`], or as nodes with [`JsonItem::node`].
#[derive(Debug)]
pub(crate) struct JsonItem<'x, 't> {
    src: &'x json_fast::Source<'x, 't>,
    start: usize,
    depth: usize,
    /// Where the list's first element starts, and this element's position in it.
    list_start: usize,
    index: usize,
    /// Where this element ends.
    end: usize,
}

impl<'t> JsonItem<'_, 't> {
    /// About how many more elements the list holds, judging by the bytes the
    /// elements so far took and the bytes left in the file: a capacity hint
    /// for the list being filled, never a promise (it counts whatever follows
    /// the list too).
    pub(crate) fn remaining_hint(&self) -> usize {
        let per_element = (self.end - self.list_start) / (self.index + 1);
        (self.src.text.len() - self.end) / per_element.max(MIN_ELEMENT_BYTES)
    }

    /// Where the element starts.
    pub(crate) fn at(&self) -> Location {
        self.src.location(self.start)
    }

    /// The element deserialized straight from the text, if nothing about it
    /// needs explaining.
    pub(crate) fn fast<T: serde::de::Deserialize<'t>>(&self) -> Option<T> {
        json_fast::entity(self.src, self.start, self.depth)
    }

    /// The element as a node tree, for the path that reports problems.
    pub(crate) fn node(&self) -> Result<Node, Diagnostic> {
        let mut p = Parser {
            file: self.src.file,
            bytes: self.src.text.as_bytes(),
            text: self.src.text,
            pos: self.start,
            lines: self.src.lines,
            line: self.src.cursor,
            max_depth: self.src.max_depth,
            stream: None,
        };
        p.value(self.depth)
    }
}

struct Parser<'a, 't, 'f> {
    file: &'a Arc<str>,
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
    lines: &'a LineIndex<'t>,
    /// The line of the last position looked up: the parser mostly moves forward.
    line: &'a Cell<usize>,
    max_depth: usize,
    /// Receives the elements of some top-level arrays (taken while parsing them).
    stream: Option<super::Stream<'f, 't>>,
}

impl Parser<'_, '_, '_> {
    fn here(&self) -> Location {
        let mut cursor = self.line.get();
        let (line, column) = self.lines.position_from(&mut cursor, self.pos);
        self.line.set(cursor);
        Location::new(self.file.clone(), line, column)
    }

    fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(&self.here(), message)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Diagnostic> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{}'", b as char)))
        }
    }

    fn unexpected(&self, expected: &str) -> Diagnostic {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => self.error(format!("invalid JSON: expected {expected}, found '{c}'")),
            None => self.error(format!("invalid JSON: expected {expected}, found the end of the file")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Diagnostic> {
        let at = self.here();
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node::new(value, at))
    }

    fn enter(&self, depth: usize) -> Result<usize, Diagnostic> {
        if depth >= self.max_depth {
            return Err(self.error(format!("nesting deeper than {} levels", self.max_depth)));
        }
        Ok(depth + 1)
    }

    fn object(&mut self, depth: usize) -> Result<Value, Diagnostic> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut entries = Vec::new();
        let mut seen: HashMap<String, Location> = HashMap::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Map(entries));
        }
        loop {
            self.skip_ws();
            let key_at = self.here();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            if let Some(first) = seen.get(&key) {
                return Err(Diagnostic::at(
                    &key_at,
                    format!("duplicate key '{key}' (first given at {first})"),
                ));
            }
            seen.insert(key.clone(), key_at.clone());
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            let streamed = self.stream.as_ref().is_some_and(|s| s.keys.contains(&key.as_str()));
            let value = if depth == 1 && self.peek() == Some(b'[') && streamed {
                self.streamed_array(&key, depth)?
            } else {
                self.value(depth)?
            };
            entries.push((Node::new(Value::Str(key), key_at), value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Map(entries));
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    /// A top-level array: each element goes to the item callback, not into the tree.
    fn streamed_array(&mut self, key: &str, depth: usize) -> Result<Node, Diagnostic> {
        let at = self.here();
        let depth = self.enter(depth)?;
        self.pos += 1;
        // Nested values are parsed into trees as usual.
        let mut stream = self.stream.take();
        let mut scanner = json_fast::Scanner::default();
        let result = (|| {
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(());
            }
            let list_start = self.pos;
            let mut index = 0;
            loop {
                self.skip_ws();
                let start = self.pos;
                match scanner.skip(self.bytes, start, depth, self.max_depth, true) {
                    Ok(end) => {
                        if let Some(s) = stream.as_mut() {
                            let src = json_fast::Source {
                                file: self.file,
                                text: self.text,
                                lines: self.lines,
                                cursor: self.line,
                                max_depth: self.max_depth,
                                lengths: &scanner.lengths,
                            };
                            (s.item)(
                                key,
                                Item::Json(JsonItem {
                                    src: &src,
                                    start,
                                    depth,
                                    list_start,
                                    index,
                                    end,
                                }),
                            );
                        }
                        self.pos = end;
                    }
                    // Something is wrong in it: the full parser says what.
                    Err(()) => {
                        let element = self.value(depth)?;
                        if let Some(s) = stream.as_mut() {
                            (s.item)(key, Item::Node(element));
                        }
                    }
                }
                index += 1;
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        return Ok(());
                    }
                    _ => return Err(self.unexpected("',' or ']'")),
                }
            }
        })();
        self.stream = stream;
        result.map(|()| Node::new(Value::Seq(Vec::new()), at))
    }

    fn array(&mut self, depth: usize) -> Result<Value, Diagnostic> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Seq(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Seq(items));
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Diagnostic> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn number(&mut self) -> Result<Value, Diagnostic> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 || (n > 1 && self.bytes[int_start] == b'0') {
            self.pos = start;
            return Err(self.error("invalid JSON: malformed number"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            if digits(self) == 0 {
                return Err(self.error("invalid JSON: expected digits after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid JSON: expected digits in the exponent"));
            }
        }
        let text = &self.text[start..self.pos];
        if !float && let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| self.error("invalid JSON: malformed number"))
    }

    fn string(&mut self) -> Result<String, Diagnostic> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.error("invalid JSON: control character in a string")),
                None => return Err(self.error("invalid JSON: unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, Diagnostic> {
        let Some(b) = self.peek() else {
            return Err(self.error("invalid JSON: unterminated string"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) {
                    if !self.bytes[self.pos..].starts_with(b"\\u") {
                        return Err(self.error("invalid JSON: unpaired surrogate in \\u escape"));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("invalid JSON: unpaired surrogate in \\u escape"));
                    }
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    char::from_u32(c).ok_or_else(|| self.error("invalid JSON: bad \\u escape"))?
                } else {
                    char::from_u32(hi).ok_or_else(|| self.error("invalid JSON: unpaired surrogate in \\u escape"))?
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid JSON: unknown escape"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, Diagnostic> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid JSON: expected four hex digits after \\u"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid JSON: bad \\u escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Node, Diagnostic> {
        parse(&Arc::from("t.json"), text, &LoadLimits::default(), None)
    }

    #[test]
    fn top_level_arrays_are_streamed() {
        let mut got = Vec::new();
        let doc = parse(
            &Arc::from("t.json"),
            "{\"a\": [1, {\"b\": [2]}], \"c\": 3, \"d\": [4]}",
            &LoadLimits::default(),
            Some(super::super::Stream {
                keys: &["a"],
                item: &mut |k, item| {
                    let column = match item {
                        super::super::Item::Json(j) => j.at().column,
                        super::super::Item::Node(n) => n.at.column,
                    };
                    got.push((k.to_owned(), column));
                },
            }),
        )
        .unwrap();
        assert_eq!(got, [("a".to_owned(), 8), ("a".to_owned(), 11)]);
        assert_eq!(doc.get("a").unwrap().value, Value::Seq(Vec::new()));
        assert_eq!(doc.get("c").unwrap().value, Value::Int(3));
        let Value::Seq(d) = &doc.get("d").unwrap().value else {
            panic!()
        };
        assert_eq!(d.len(), 1, "only the named keys are streamed");
    }

    #[test]
    fn parses_values_with_positions() {
        let n = parse_str("{\"a\": [1, -2.5e1, \"x\\u00e9\\ud83d\\ude00\", true, null]}").unwrap();
        let Value::Seq(items) = &n.get("a").unwrap().value else {
            panic!()
        };
        assert_eq!(items[0].value, Value::Int(1));
        assert_eq!(items[1].value, Value::Float(-25.0));
        assert_eq!(items[2].value, Value::Str("xé😀".into()));
        assert_eq!((items[2].at.line, items[2].at.column), (1, 19));
    }

    #[test]
    fn errors_are_exact() {
        let cases = [
            (
                "{\"a\": 1,}",
                "t.json:1:9: invalid JSON: expected a string key, found '}'",
            ),
            ("{\"a\": 01}", "t.json:1:7: invalid JSON: malformed number"),
            (
                "{\"a\": 1, \"a\": 2}",
                "t.json:1:10: duplicate key 'a' (first given at t.json:1:2)",
            ),
            (
                "[1, 2",
                "t.json:1:6: invalid JSON: expected ',' or ']', found the end of the file",
            ),
            (
                "\n  {'a': 1}",
                "t.json:2:4: invalid JSON: expected a string key, found '''",
            ),
            ("{} x", "t.json:1:4: invalid JSON: unexpected text after the document"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_str(text).unwrap_err().to_string(), expected, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        assert_eq!(
            parse_str(&text).unwrap_err().to_string(),
            "t.json:1:65: nesting deeper than 64 levels"
        );
    }
}
