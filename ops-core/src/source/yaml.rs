//! YAML 1.2 into [`Node`] trees, with depth and alias-expansion budgets.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::node::{LoadLimits, Node, Value};
use crate::Location;
use crate::diagnostic::Diagnostic;
use crate::location::to_u32;

/// Parses every document of a YAML stream. Elements of the sequences under a
/// document's top-level `stream.keys` go to `stream.item` as they are
/// completed, and those sequences stay empty in the returned trees.
pub(crate) fn parse<'t>(
    file: &Arc<str>,
    text: &'t str,
    limits: &LoadLimits,
    stream: Option<super::Stream<'_, 't>>,
) -> Result<Vec<Node>, Diagnostic> {
    let mut builder = Builder {
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        docs: Vec::new(),
        stream,
    };
    // Where the last event ended: the scanner may read far ahead of it.
    let mut last_end: Option<Marker> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            // The scanner counts flow nesting in a u8 and gives up past 255,
            // long after our own limit, because it reads a run of opening
            // brackets ahead of the events for them. Say it the same way as
            // our limit, at the bracket that went past it.
            if e.info() == "recursion limit exceeded" {
                let at = builder
                    .too_deep_after(text, last_end.as_ref(), e.marker())
                    .unwrap_or_else(|| builder.loc(e.marker()));
                Diagnostic::at(&at, format!("nesting deeper than {} levels", limits.max_depth))
            } else {
                let at = builder.loc_within(text, e.marker());
                Diagnostic::at(&at, format!("invalid YAML: {}", e.info()))
            }
        })?;
        builder.event(event, &span.start)?;
        last_end = Some(span.end);
    }
    Ok(builder.docs)
}

/// Gives every node of an alias's copy the alias's own location: that is
/// where the copy was written, and errors about it (a duplicate id) must not
/// point at the anchored original.
fn relocate(node: &mut Node, at: &Location) {
    node.at = at.clone();
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| relocate(n, at)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            relocate(k, at);
            relocate(v, at);
        }),
        _ => {}
    }
}

enum Open {
    Seq {
        anchor: usize,
        at: Location,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        at: Location,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Where each key is in `entries`, once they are more than
        /// [`SCAN_KEYS`]: duplicate detection without a quadratic scan.
        index: Option<HashMap<String, usize>>,
    },
}

/// Up to this many entries, a mapping's keys are checked for duplicates by
/// a scan of its entries: most mappings are small, and an index would
/// cost an allocation per mapping and a copy of every key.
const SCAN_KEYS: usize = 16;

struct Builder<'a, 'f, 't> {
    file: &'a Arc<str>,
    limits: &'a LoadLimits,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    docs: Vec<Node>,
    stream: Option<super::Stream<'f, 't>>,
}

impl Builder<'_, '_, '_> {
    fn loc(&self, m: &Marker) -> Location {
        Location::new(self.file.clone(), to_u32(m.line()), to_u32(m.col() + 1))
    }

    /// Like [`Self::loc`], for an error's marker, which may lie past the end
    /// of `text`: at the end of the stream the scanner counts a line break
    /// the text may not have, so the end is located from the text itself.
    fn loc_within(&self, text: &str, m: &Marker) -> Location {
        if m.index() < text.chars().count() {
            return self.loc(m);
        }
        let last_line = text.rfind('\n').map_or(text, |i| &text[i + 1..]);
        let line = text.bytes().filter(|&b| b == b'\n').count() + 1;
        Location::new(self.file.clone(), to_u32(line), to_u32(last_line.chars().count() + 1))
    }

    /// The first flow bracket between the last event (`from`) and the
    /// scanner's error (`to`) that opens one level more than the limit allows.
    fn too_deep_after(&self, text: &str, from: Option<&Marker>, to: &Marker) -> Option<Location> {
        let (start, mut line, mut col) = from.map_or((0, 1, 0), |m| (m.index(), m.line(), m.col()));
        let mut depth = self.stack.len();
        for c in text.chars().skip(start).take(to.index().saturating_sub(start)) {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > self.limits.max_depth {
                        return Some(Location::new(self.file.clone(), to_u32(line), to_u32(col + 1)));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += 1;
            }
        }
        None
    }

    /// Takes one parser event. Only the events that make a node, or fail,
    /// locate themselves: a location holds a reference to the file's name.
    fn event(&mut self, event: Event<'_>, start: &Marker) -> Result<(), Diagnostic> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let at = self.loc(start);
                let value = scalar(text, style, tag.as_deref(), &at)?;
                self.complete(Node::new(value, at), anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                let at = self.loc(start);
                check_collection_tag(tag.as_deref(), "seq", &at)?;
                self.open(Open::Seq {
                    anchor,
                    at,
                    items: Vec::new(),
                })
            }
            Event::MappingStart(anchor, tag) => {
                let at = self.loc(start);
                check_collection_tag(tag.as_deref(), "map", &at)?;
                self.open(Open::Map {
                    anchor,
                    at,
                    entries: Vec::new(),
                    key: None,
                    index: None,
                })
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::Seq { anchor, at, items }) => (Node::new(Value::Seq(items), at), anchor),
                    Some(Open::Map {
                        anchor, at, entries, ..
                    }) => (Node::new(Value::Map(entries), at), anchor),
                    None => {
                        let at = self.loc(start);
                        return Err(Diagnostic::at(&at, "invalid YAML: unbalanced collection end"));
                    }
                };
                self.complete(node, anchor)
            }
            Event::Alias(id) => {
                let at = self.loc(start);
                let Some(target) = self.anchors.get(&id) else {
                    return Err(Diagnostic::at(&at, "invalid YAML: alias to an unknown anchor"));
                };
                let cost = count_nodes(target);
                self.alias_nodes = self.alias_nodes.saturating_add(cost);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(Diagnostic::at(
                        &at,
                        format!(
                            "YAML aliases expand to more than {} nodes; refusing to expand further (an alias bomb?)",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                let mut copy = target.clone();
                relocate(&mut copy, &at);
                self.complete(copy, 0)
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {
                Ok(())
            }
        }
    }

    fn open(&mut self, open: Open) -> Result<(), Diagnostic> {
        if self.stack.len() >= self.limits.max_depth {
            let (Open::Seq { at, .. } | Open::Map { at, .. }) = &open;
            return Err(Diagnostic::at(
                at,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        self.stack.push(open);
        Ok(())
    }

    /// A finished node goes into its parent, or becomes a document.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Diagnostic> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        // An element of a top-level list section: hand it over, unless the
        // list is anchored (an alias may want its elements later).
        if let [Open::Map { key: Some(section), .. }, Open::Seq { anchor: 0, .. }] = self.stack.as_slice()
            && let Value::Str(name) = &section.value
            && let Some(stream) = self.stream.as_mut()
            && stream.keys.contains(&name.as_str())
        {
            (stream.item)(name, super::Item::Node(node));
            return Ok(());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries, key, index, ..
            }) => match key.take() {
                None => {
                    let Value::Str(name) = &node.value else {
                        return Err(Diagnostic::at(
                            &node.at,
                            format!("mapping keys must be strings, found {}", node.value.kind_name()),
                        ));
                    };
                    if let Some(first) = earlier_key(entries, index, name) {
                        return Err(Diagnostic::at(
                            &node.at,
                            format!("duplicate key '{name}' (first given at {first})"),
                        ));
                    }
                    *key = Some(node);
                }
                Some(k) => {
                    if let (Some(index), Value::Str(name)) = (index.as_mut(), &k.value) {
                        index.insert(name.clone(), entries.len());
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }
}

/// Where `name` was first given as a key of `entries`, if it was: a scan
/// of a small mapping, a look-up in `index` (made on first need) past
/// [`SCAN_KEYS`] entries.
fn earlier_key<'e>(
    entries: &'e [(Node, Node)],
    index: &mut Option<HashMap<String, usize>>,
    name: &str,
) -> Option<&'e Location> {
    let is_name = |k: &Node| matches!(&k.value, Value::Str(s) if s == name);
    if entries.len() <= SCAN_KEYS {
        return entries.iter().map(|(k, _)| k).find(|k| is_name(k)).map(|k| &k.at);
    }
    let index = index.get_or_insert_with(|| {
        let mut index = HashMap::with_capacity(entries.len() * 2);
        for (i, (k, _)) in entries.iter().enumerate() {
            if let Value::Str(s) = &k.value {
                index.entry(s.clone()).or_insert(i);
            }
        }
        index
    });
    index.get(name).map(|&i| &entries[i].0.at)
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| count_nodes(k) + count_nodes(v)).sum(),
        _ => 0,
    }
}

fn check_collection_tag(tag: Option<&Tag>, expected: &str, at: &Location) -> Result<(), Diagnostic> {
    match tag {
        None => Ok(()),
        Some(t) if t.handle == "tag:yaml.org,2002:" && t.suffix == expected => Ok(()),
        Some(t) => Err(Diagnostic::at(
            at,
            format!("unsupported YAML tag '{}{}'", t.handle, t.suffix),
        )),
    }
}

/// Resolves a scalar by the YAML 1.2 core schema. Quoted and block scalars are
/// always strings; plain ones may be null, booleans or numbers.
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>, at: &Location) -> Result<Value, Diagnostic> {
    if let Some(t) = tag {
        let core = t.handle == "tag:yaml.org,2002:";
        return match (core, t.suffix.as_str()) {
            (true, "str") => Ok(Value::Str(text.into_owned())),
            (true, "null" | "bool" | "int" | "float") => match plain(text) {
                // Plain scalars resolve to null, booleans, numbers or strings.
                Value::Str(text) => Err(Diagnostic::at(at, format!("'{text}' is not a valid !!{}", t.suffix))),
                v => Ok(v),
            },
            _ => Err(Diagnostic::at(
                at,
                format!("unsupported YAML tag '{}{}'", t.handle, t.suffix),
            )),
        };
    }
    Ok(match style {
        ScalarStyle::Plain => plain(text),
        _ => Value::Str(text.into_owned()),
    })
}

/// A plain scalar by the core schema; the text is moved, not copied, when
/// it is a string the parser already owns.
fn plain(text: Cow<'_, str>) -> Value {
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = int(&text) {
        return Value::Int(v);
    }
    if is_core_float(&text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.into_owned())
}

fn int(text: &str) -> Option<i64> {
    let (digits, radix) = if let Some(h) = text.strip_prefix("0x") {
        (h, 16)
    } else if let Some(o) = text.strip_prefix("0o") {
        (o, 8)
    } else {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return text.parse().ok();
    };
    if digits.is_empty() {
        return None;
    }
    i64::from_str_radix(digits, radix).ok()
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int_part) && digits(f) && !(int_part.is_empty() && f.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Result<Node, Diagnostic> {
        let file: Arc<str> = Arc::from("t.yaml");
        parse(&file, text, &LoadLimits::default(), None).map(|mut d| d.remove(0))
    }

    #[test]
    fn resolves_core_schema_scalars() {
        let n = one("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: 2026-01-01\ng: 0x1f\nh: 1e3\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, Value::Int(1));
        assert_eq!(n.get("b").unwrap().value, Value::Str("1".into()));
        assert_eq!(n.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("d").unwrap().value, Value::Null);
        assert_eq!(n.get("e").unwrap().value, Value::Float(1.5));
        assert_eq!(n.get("f").unwrap().value, Value::Str("2026-01-01".into()));
        assert_eq!(n.get("g").unwrap().value, Value::Int(31));
        assert_eq!(n.get("h").unwrap().value, Value::Float(1000.0));
    }

    #[test]
    fn positions_are_one_based() {
        let n = one("components:\n  - id: web\n").unwrap();
        let list = n.get("components").unwrap();
        let Value::Seq(items) = &list.value else { panic!() };
        let id = items[0].get("id").unwrap();
        assert_eq!((id.at.line, id.at.column), (2, 9));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = one("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.yaml:3:1: duplicate key 'a' (first given at t.yaml:1:1)"
        );
    }

    #[test]
    fn duplicate_keys_of_large_mappings_are_errors_at_their_first_place() {
        // Past the scan bound the keys are indexed: a key given before the
        // index was made, and one given after, are both found.
        let keys: String = (0..30).map(|i| format!("k{i}: {i}\n")).collect();
        for (dup, first_line) in [(3, 4), (25, 26)] {
            let e = one(&format!("{keys}k{dup}: again\n")).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("t.yaml:31:1: duplicate key 'k{dup}' (first given at t.yaml:{first_line}:1)")
            );
        }
        let n = one(&keys).unwrap();
        assert_eq!(n.get("k29").unwrap().value, Value::Int(29));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let e = one(&text).unwrap_err();
        assert!(
            e.message.contains("YAML aliases expand to more than 100000 nodes"),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        // Flow style: the scanner's own limit trips first; the error is
        // still placed at the first bracket past ours.
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = one(&text).unwrap_err();
        assert_eq!(e.to_string(), "t.yaml:1:65: nesting deeper than 64 levels");
        // Block style: ours does.
        let text: String = (0..100).map(|d| format!("{}-\n", " ".repeat(d * 2))).collect();
        let e = one(&text).unwrap_err();
        assert!(e.to_string().ends_with(": nesting deeper than 64 levels"), "{e}");
    }
}
