//! The fast path for JSON inventories: one entity deserialized straight from
//! the text, without building a node tree first.
//!
//! It accepts exactly what the node path accepts, and gives up (returns
//! `None`) at the first sign of trouble: any type error, unknown field,
//! duplicate key or excessive depth. The caller then parses the same text
//! into nodes and runs the ordinary path, which reports every problem with
//! its location. Valid entities, the overwhelming majority, never pay for
//! the tree.

use std::cell::Cell;
use std::sync::Arc;

use serde::de::{self, Deserialize, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::de::{SPANNED_NAME, set_next_location};
use crate::Location;
use crate::location::LineIndex;

/// What a JSON item needs from its file.
#[derive(Debug)]
pub(crate) struct Source<'s, 't> {
    pub(crate) file: &'s Arc<str>,
    /// The whole file: strings deserialized from it may borrow from it.
    pub(crate) text: &'t str,
    pub(crate) lines: &'s LineIndex<'t>,
    /// Line of the last position looked up (positions mostly move forward).
    pub(crate) cursor: &'s Cell<usize>,
    pub(crate) max_depth: usize,
    /// The lengths of the arrays of the item being read, as [`Scanner::skip`]
    /// found them: (offset just after the `[`, elements).
    pub(crate) lengths: &'s [(usize, usize)],
}

impl Source<'_, '_> {
    pub(crate) fn location(&self, offset: usize) -> Location {
        let (line, column) = self.position(offset);
        Location::new(self.file.clone(), line, column)
    }

    /// Line and column of `offset`.
    fn position(&self, offset: usize) -> (u32, u32) {
        let mut cursor = self.cursor.get();
        let at = self.lines.position_from(&mut cursor, offset);
        self.cursor.set(cursor);
        at
    }
}

/// Finds the end of the JSON value starting at `pos`, checking its syntax and
/// nesting on the way without allocating. `Err` means "parse it properly to
/// find out what is wrong".
pub(crate) fn skip_value(bytes: &[u8], pos: usize, depth: usize, max_depth: usize) -> Result<usize, ()> {
    Scanner::default().skip(bytes, pos, depth, max_depth, false)
}

/// Finds the ends of JSON values, keeping its buffers from one value to the
/// next (a streamed array's elements are scanned one after another).
#[derive(Debug, Default)]
pub(crate) struct Scanner {
    /// Open containers: b'{', or b'[' with the index of its entry in `lengths`.
    stack: Vec<(u8, usize)>,
    /// Filled by [`Scanner::skip`] when asked: every array of the last value
    /// scanned, in order, as (offset just after its `[`, elements).
    pub(crate) lengths: Vec<(usize, usize)>,
}

impl Scanner {
    /// Finds the end of the JSON value starting at `pos`, as [`skip_value`]
    /// does; with `count`, records the length of every array in it.
    pub(crate) fn skip(
        &mut self,
        bytes: &[u8],
        pos: usize,
        depth: usize,
        max_depth: usize,
        count: bool,
    ) -> Result<usize, ()> {
        let mut p = pos;
        let stack = &mut self.stack;
        let lengths = &mut self.lengths;
        stack.clear();
        lengths.clear();
        let ws = |p: &mut usize| {
            while let Some(b' ' | b'\t' | b'\r' | b'\n') = bytes.get(*p) {
                *p += 1;
            }
        };
        // Expect a value at p.
        loop {
            ws(&mut p);
            match bytes.get(p) {
                Some(b'{') | Some(b'[') => {
                    if depth + stack.len() + 1 > max_depth {
                        return Err(());
                    }
                    let open = bytes[p];
                    p += 1;
                    if count && open == b'[' {
                        stack.push((open, lengths.len()));
                        lengths.push((p, 0));
                    } else {
                        stack.push((open, 0));
                    }
                    ws(&mut p);
                    let close = if open == b'{' { b'}' } else { b']' };
                    if bytes.get(p) == Some(&close) {
                        stack.pop();
                        p += 1;
                    } else {
                        if open == b'{' {
                            p = key(bytes, p)?;
                        }
                        continue;
                    }
                }
                Some(b'"') => p = string(bytes, p)?,
                Some(b't') if bytes[p..].starts_with(b"true") => p += 4,
                Some(b'f') if bytes[p..].starts_with(b"false") => p += 5,
                Some(b'n') if bytes[p..].starts_with(b"null") => p += 4,
                Some(b'-' | b'0'..=b'9') => p = number(bytes, p)?,
                _ => return Err(()),
            }
            // After a value: close containers, or go on to the next element.
            loop {
                let Some(&(open, at)) = stack.last() else { return Ok(p) };
                ws(&mut p);
                let close = if open == b'{' { b'}' } else { b']' };
                match bytes.get(p) {
                    Some(b',') => {
                        p += 1;
                        if open == b'{' {
                            ws(&mut p);
                            p = key(bytes, p)?;
                        } else if count && let Some(l) = lengths.get_mut(at) {
                            l.1 += 1;
                        }
                        break;
                    }
                    Some(&c) if c == close => {
                        // A non-empty array: one element more than commas.
                        if open == b'['
                            && count
                            && let Some(l) = lengths.get_mut(at)
                        {
                            l.1 += 1;
                        }
                        stack.pop();
                        p += 1;
                    }
                    _ => return Err(()),
                }
            }
        }
    }
}

/// A key and its colon.
fn key(bytes: &[u8], p: usize) -> Result<usize, ()> {
    if bytes.get(p) != Some(&b'"') {
        return Err(());
    }
    let mut p = string(bytes, p)?;
    while let Some(b' ' | b'\t' | b'\r' | b'\n') = bytes.get(p) {
        p += 1;
    }
    if bytes.get(p) != Some(&b':') {
        return Err(());
    }
    Ok(p + 1)
}

fn string(bytes: &[u8], p: usize) -> Result<usize, ()> {
    let mut p = p + 1;
    loop {
        // One tight scan to the next byte that matters.
        let rest = bytes.get(p..).ok_or(())?;
        p += rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .ok_or(())?;
        match bytes[p] {
            b'"' => return Ok(p + 1),
            b'\\' => p += 2,
            _ => return Err(()),
        }
    }
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as RFC 8259 says.
fn number(bytes: &[u8], p: usize) -> Result<usize, ()> {
    let digits = |p: &mut usize| {
        let s = *p;
        while let Some(b'0'..=b'9') = bytes.get(*p) {
            *p += 1;
        }
        *p - s
    };
    let mut p = p;
    if bytes.get(p) == Some(&b'-') {
        p += 1;
    }
    let int_start = p;
    let n = digits(&mut p);
    if n == 0 || (n > 1 && bytes[int_start] == b'0') {
        return Err(());
    }
    if bytes.get(p) == Some(&b'.') {
        p += 1;
        if digits(&mut p) == 0 {
            return Err(());
        }
    }
    if let Some(b'e' | b'E') = bytes.get(p) {
        p += 1;
        if let Some(b'+' | b'-') = bytes.get(p) {
            p += 1;
        }
        if digits(&mut p) == 0 {
            return Err(());
        }
    }
    Ok(p)
}

/// Why the fast path gave up; never shown to anyone.
#[derive(Debug)]
pub(crate) struct GiveUp;

impl std::fmt::Display for GiveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not on the fast path")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

#[cfg(test)]
thread_local! {
    /// Lets tests compare the fast path with the node path on the same input.
    pub(crate) static DISABLED: Cell<bool> = const { Cell::new(false) };
}

/// Deserializes the entity in `text[start..end]` (a value `skip_value` accepted), or `None`.
pub(crate) fn entity<'t, T: Deserialize<'t>>(src: &Source<'_, 't>, start: usize, depth: usize) -> Option<T> {
    #[cfg(test)]
    if DISABLED.with(Cell::get) {
        return None;
    }
    let mut de = Fast {
        src,
        bytes: src.text.as_bytes(),
        pos: start,
        depth,
    };
    T::deserialize(&mut de).ok()
}

struct Fast<'s, 'a> {
    src: &'s Source<'s, 'a>,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Fast<'_, 'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.pos).copied()
    }

    /// A string without escapes borrowed from the text; with escapes, give up
    /// (rare in inventories; the node path decodes them).
    fn str(&mut self) -> Result<&'a str, GiveUp> {
        if self.peek() != Some(b'"') {
            return Err(GiveUp);
        }
        let start = self.pos + 1;
        let rest = self.bytes.get(start..).ok_or(GiveUp)?;
        let len = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .ok_or(GiveUp)?;
        if rest[len] != b'"' {
            return Err(GiveUp);
        }
        let inner = self.src.text.get(start..start + len).ok_or(GiveUp)?;
        self.pos = start + len + 1;
        Ok(inner)
    }

    fn enter(&mut self) -> Result<(), GiveUp> {
        self.depth += 1;
        if self.depth > self.src.max_depth {
            Err(GiveUp)
        } else {
            Ok(())
        }
    }
}

impl<'de, 'a: 'de> de::Deserializer<'de> for &mut Fast<'_, 'a> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.peek() {
            Some(b'"') => {
                let s = self.str()?;
                visitor.visit_borrowed_str(s)
            }
            Some(b't') => {
                self.pos += 4;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.pos += 5;
                visitor.visit_bool(false)
            }
            Some(b'n') => {
                self.pos += 4;
                visitor.visit_unit()
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                let end = number(self.bytes, start).map_err(|()| GiveUp)?;
                self.pos = end;
                let text = &self.src.text[start..end];
                if !text.contains(['.', 'e', 'E'])
                    && let Ok(i) = text.parse::<i64>()
                {
                    return visitor.visit_i64(i);
                }
                visitor.visit_f64(text.parse().map_err(|_| GiveUp)?)
            }
            Some(b'[') => {
                self.enter()?;
                self.pos += 1;
                let v = visitor.visit_seq(Seq {
                    de: &mut *self,
                    first: true,
                })?;
                self.depth -= 1;
                Ok(v)
            }
            Some(b'{') => {
                self.enter()?;
                self.pos += 1;
                let v = visitor.visit_map(Map {
                    de: &mut *self,
                    first: true,
                    fields: None,
                    seen_fields: 0,
                    seen: Vec::new(),
                })?;
                self.depth -= 1;
                Ok(v)
            }
            _ => Err(GiveUp),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.peek() == Some(b'n') {
            self.pos += 4;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        if name == SPANNED_NAME {
            self.ws();
            let (line, column) = self.src.position(self.pos);
            set_next_location(self.src.file, line, column);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        if self.peek() != Some(b'{') {
            return Err(GiveUp);
        }
        self.enter()?;
        self.pos += 1;
        let v = visitor.visit_map(Map {
            de: &mut *self,
            first: true,
            fields: Some(fields),
            seen_fields: 0,
            seen: Vec::new(),
        })?;
        self.depth -= 1;
        Ok(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        match self.peek() {
            Some(b'"') => {
                let s = self.str()?;
                visitor.visit_enum(s.into_deserializer())
            }
            Some(b'{') => {
                self.enter()?;
                self.pos += 1;
                let v = visitor.visit_enum(Enum { de: &mut *self })?;
                if self.peek() != Some(b'}') {
                    return Err(GiveUp); // more than one key
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(v)
            }
            _ => Err(GiveUp),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.ws();
        self.pos = skip_value(self.bytes, self.pos, self.depth, self.src.max_depth).map_err(|()| GiveUp)?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Seq<'x, 's, 'a> {
    de: &'x mut Fast<'s, 'a>,
    first: bool,
}

/// How many elements the array starting after `[` at `p` has (the array was
/// already checked by [`skip_value`]), so vectors are allocated once, exactly.
fn count_elements(bytes: &[u8], mut p: usize) -> usize {
    let mut depth = 0usize;
    let mut count = 0usize;
    let mut any = false;
    while let Some(&b) = bytes.get(p) {
        match b {
            b'"' => {
                p = string(bytes, p).unwrap_or(bytes.len());
                any = true;
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth == 0 => break,
            b']' | b'}' => depth -= 1,
            b',' if depth == 0 => count += 1,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {}
        }
        if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            any = true;
        }
        p += 1;
    }
    if any { count + 1 } else { 0 }
}

impl<'de, 'a: 'de> SeqAccess<'de> for Seq<'_, '_, 'a> {
    type Error = GiveUp;
    fn size_hint(&self) -> Option<usize> {
        if !self.first {
            return None;
        }
        // The scan that found the item's end counted its arrays' elements.
        let lengths = self.de.src.lengths;
        let pos = self.de.pos;
        match lengths.get(lengths.partition_point(|&(at, _)| at < pos)) {
            Some(&(at, n)) if at == pos => Some(n),
            _ => Some(count_elements(self.de.bytes, pos)),
        }
    }
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, GiveUp> {
        match self.de.peek() {
            Some(b']') => {
                self.de.pos += 1;
                return Ok(None);
            }
            Some(b',') if !self.first => self.de.pos += 1,
            _ if self.first => {}
            _ => return Err(GiveUp),
        }
        self.first = false;
        seed.deserialize(&mut *self.de).map(Some)
    }
}

struct Map<'x, 's, 'a> {
    de: &'x mut Fast<'s, 'a>,
    first: bool,
    fields: Option<&'static [&'static str]>,
    /// Keys seen so far: for a struct, bit i stands for field i (of the first
    /// 64); other keys are kept in `seen`.
    seen_fields: u64,
    seen: Vec<&'a str>,
}

impl<'a> Map<'_, '_, 'a> {
    /// Notes `key`; `false` if it is not a field of the struct or was seen before.
    fn first_sight(&mut self, key: &'a str) -> bool {
        if let Some(fields) = self.fields {
            let Some(i) = fields.iter().position(|f| *f == key) else {
                return false;
            };
            if i < 64 {
                let bit = 1u64 << i;
                let new = self.seen_fields & bit == 0;
                self.seen_fields |= bit;
                return new;
            }
        }
        if self.seen.contains(&key) {
            return false;
        }
        self.seen.push(key);
        true
    }
}

impl<'de, 'a: 'de> MapAccess<'de> for Map<'_, '_, 'a> {
    type Error = GiveUp;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, GiveUp> {
        match self.de.peek() {
            Some(b'}') => {
                self.de.pos += 1;
                return Ok(None);
            }
            Some(b',') if !self.first => self.de.pos += 1,
            _ if self.first => {}
            _ => return Err(GiveUp),
        }
        self.first = false;
        let key = self.de.str()?;
        // Unknown fields and repeated keys are reported by the node path.
        if !self.first_sight(key) {
            return Err(GiveUp);
        }
        if self.de.peek() != Some(b':') {
            return Err(GiveUp);
        }
        self.de.pos += 1;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key)).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        seed.deserialize(&mut *self.de)
    }
}

struct Enum<'x, 's, 'a> {
    de: &'x mut Fast<'s, 'a>,
}

impl<'de, 'x, 's, 'a: 'de> de::EnumAccess<'de> for Enum<'x, 's, 'a> {
    type Error = GiveUp;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), GiveUp> {
        let key = self.de.str()?;
        if self.de.peek() != Some(b':') {
            return Err(GiveUp);
        }
        self.de.pos += 1;
        let v = seed.deserialize(de::value::BorrowedStrDeserializer::<GiveUp>::new(key))?;
        Ok((v, self))
    }
}

impl<'de, 'a: 'de> de::VariantAccess<'de> for Enum<'_, '_, 'a> {
    type Error = GiveUp;
    fn unit_variant(self) -> Result<(), GiveUp> {
        Err(GiveUp) // `{"all": ...}`: let the node path explain
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, GiveUp> {
        seed.deserialize(&mut *self.de)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{Rules, generate_json};
    use crate::{Format, Inventory};

    /// Loads `text` with and without the fast path: the inventories (locations
    /// included) or the problems must be identical.
    fn same_both_ways(text: &str) {
        let load = |disabled: bool| {
            DISABLED.with(|d| d.set(disabled));
            let r = Inventory::from_text("t.json", Format::Json, text);
            DISABLED.with(|d| d.set(false));
            match r {
                // Every entity list (values and locations); not the id maps,
                // whose debug order is random.
                Ok(inv) => vec![
                    format!("{:?}", inv.components()),
                    format!("{:?}", inv.domains()),
                    format!("{:?}", inv.people()),
                    format!("{:?}", inv.service_accounts()),
                    format!("{:?}", inv.groups()),
                    format!("{:?}", inv.systems()),
                    format!("{:?}", inv.grants()),
                    format!("{:?}", inv.credentials()),
                    format!("{:?}", inv.access_events()),
                    format!("{:?}", inv.backup_policies()),
                    format!("{:?}", inv.backup_runs()),
                    format!("{:?}", inv.restore_drills()),
                    format!("{:?}", inv.jobs()),
                    format!("{:?}", inv.job_runs()),
                    format!("{:?}", inv.experiments()),
                    format!("{:?}", inv.incidents()),
                    format!("{:?}", inv.problems()),
                    format!("{:?}", inv.changes()),
                ],
                Err(e) => vec![format!("error: {e}")],
            }
        };
        let (fast, slow) = (load(false), load(true));
        for (i, (a, b)) in fast.iter().zip(&slow).enumerate() {
            assert!(
                a == b,
                "list {i} differs for {}:\nfast: {}\nslow: {}",
                &text[..text.len().min(200)],
                &a[..a.len().min(600)],
                &b[..b.len().min(600)]
            );
        }
        assert_eq!(fast.len(), slow.len());
    }

    #[test]
    fn fast_and_node_paths_agree_on_estates() {
        for (seed, rules) in [(1, Rules::Mixed), (2, Rules::AnyAcyclic), (3, Rules::AllAcyclic)] {
            same_both_ways(&generate_json(500, seed, rules));
        }
        same_both_ways(
            include_str!("../../../docs/inventory-format.md")
                .split("```json")
                .nth(1)
                .unwrap()
                .split("```")
                .next()
                .unwrap(),
        );
    }

    #[test]
    fn fast_and_node_paths_agree_on_every_oddity() {
        let cases = [
            r#"{"components": [{"id": "a", "requires": {"at_least": 1}, "depends_on": ["b"]}, {"id": "b"}]}"#,
            r#"{"components": [{"id": "a", "requires": "any", "depends_on": ["b", "c"]}, {"id": "b"}, {"id": "c"}]}"#,
            r#"{"components": [{"id": "ab"}, {"id": "x", "name": "tab	newline
"}]}"#,
            r#"{"components": [{"id": "a", "dependson": ["b"]}, {"id": "b"}]}"#,
            r#"{"components": [{"id": "a", "id": "b"}]}"#,
            r#"{"components": [{"id": "a", "tier": 1.0}, {"id": "b", "tier": "1"}, {"id": "c", "tier": 1e0}]}"#,
            r#"{"components": [{"id": "a", "availability": 1, "slo": 0.5e0}, {"id": "b", "availability": -0.0}]}"#,
            r#"{"components": [{"id": "a", "requires": {"all": null}}, {"id": "b", "requires": {"any": 1, "all": 2}}]}"#,
            r#"{"components": [{"id": "a", "requires": {}}, {"id": "b", "entry": null, "tags": []}]}"#,
            r#"{"components": [null, 3, "x", [], {"id": "ok"}]}"#,
            r#"{"components": [{"id": "a", "depends_on": [[["x"]]]}]}"#,
            r#"{"people": [{"id": "p", "status": "departed", "departed_at": "2016-12-31T23:59:60Z"}]}"#,
            r#"{"components": [{"id": "a"}], "components": [{"id": "b"}]}"#,
            r#"{"incident": {"id": "i", "title": "t", "severity": "sev1", "detected_at": "2026-01-01"}}"#,
            r#"{"components": [{"id": "a", "tier": 99999999999999999999}]}"#,
            r#"{"components": [{"id": "s", "entry": true, "requires": "any", "depends_on": ["a", "b"]}, {"id": "a"}, {"id": "b"}],
                "experiments": [{"id": "e", "at": "2026-11-01T10:00:00+01:00", "failed": ["a"], "stayed_up": ["s"]},
                                {"id": "f", "at": "2026-11-02", "failed": ["x"], "went_down": ["a"], "extra": 1}]}"#,
        ];
        for text in cases {
            same_both_ways(text);
        }
    }

    #[test]
    fn skip_finds_the_end_and_refuses_bad_syntax() {
        let t = br#"{"a": [1, {"b": "x\"y"}], "c": null} , 2"#;
        assert_eq!(skip_value(t, 0, 0, 64), Ok(36));
        for bad in [
            &b"{\"a\" 1}"[..],
            b"[1,]",
            b"{\"a\":}",
            b"[1 2]",
            b"\"abc",
            b"{,}",
            b"tru",
            b"01",
            b"1.",
            b"-",
            b"1e",
        ] {
            assert_eq!(skip_value(bad, 0, 0, 64), Err(()), "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(skip_value(b"[[[]]]", 0, 62, 64), Err(()), "depth");
        assert_eq!(skip_value(b"[[]]", 0, 62, 64), Ok(4));
    }

    #[test]
    fn counts_array_elements() {
        for (text, n) in [
            ("]", 0),
            (" ]", 0),
            ("1]", 1),
            ("\"a,b\", [1, 2], {\"x\": [3]}]", 3),
            ("[], []]", 2),
        ] {
            assert_eq!(count_elements(text.as_bytes(), 0), n, "{text}");
        }
    }
}
