//! serde over [`Node`] trees: typed values with locations, unknown fields
//! reported with "did you mean" hints, and every error tied to a line and column.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::de::Error as _;
use serde::de::{self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::node::{Node, Value};
use crate::Location;
use crate::diagnostic::Diagnostic;
use crate::suggest::did_you_mean;

/// A string read from an inventory file, borrowed from the file's text when
/// it was written there verbatim (the JSON fast path: no allocation per id),
/// owned otherwise (escapes, YAML, TOML).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Text<'t>(pub(crate) std::borrow::Cow<'t, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de: 't, 't> de::Deserialize<'de> for Text<'t> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl schemars::JsonSchema for Text<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }
    fn inline_schema() -> bool {
        String::inline_schema()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// A value together with the location where it was written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) at: Location,
}

/// A line and column (both 1-based) in a file that the context names: the
/// file of the entity the value belongs to. Eight bytes instead of a
/// [`Location`]'s 24 and no reference count to touch, for the values an
/// estate has millions of (a component's references).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub(crate) line: u32,
    pub(crate) column: u32,
}

impl Pos {
    /// This position in `file`.
    pub(crate) fn in_file(self, file: &Arc<str>) -> Location {
        Location {
            file: file.clone(),
            line: self.line,
            column: self.column,
        }
    }
}

/// A value together with where in its entity's file it was written: a
/// compact [`Spanned`] for values that never leave their entity.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Placed<T> {
    pub(crate) value: T,
    pub(crate) at: Pos,
}

const SPANNED: &str = "$ops::Spanned";

thread_local! {
    /// The position of the node being deserialized, for `Spanned`'s and
    /// `Placed`'s visitors.
    static NEXT_POS: Cell<Option<Pos>> = const { Cell::new(None) };
    /// The file of that node: set again only when it changes, so handing
    /// over a position does not touch the file name's reference count.
    static NEXT_FILE: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// Tells the next `Spanned` or `Placed` value where it was written.
pub(crate) fn set_next_location(file: &Arc<str>, line: u32, column: u32) {
    NEXT_FILE.with(|f| {
        let mut f = f.borrow_mut();
        if !f.as_ref().is_some_and(|known| Arc::ptr_eq(known, file)) {
            *f = Some(file.clone());
        }
    });
    NEXT_POS.with(|p| p.set(Some(Pos { line, column })));
}

/// The position handed over for the value being deserialized (0:0 if none was).
fn take_next_pos() -> Pos {
    NEXT_POS.with(Cell::take).unwrap_or_default()
}

/// The name `Spanned` and `Placed` ask deserializers for, to recognise them.
pub(crate) const SPANNED_NAME: &str = SPANNED;

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Spanned<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Placed { value, at } = Placed::<T>::deserialize(d)?;
        // The file handed over with the position (a value nested in this one
        // is in the same file, so reading it afterwards is reading it then).
        let file = NEXT_FILE
            .with(|f| f.borrow().clone())
            .unwrap_or_else(|| Arc::from("<unknown>"));
        Ok(Spanned {
            value,
            at: at.in_file(&file),
        })
    }
}

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Placed<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: de::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Placed<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                let at = take_next_pos();
                let value = T::deserialize(d)?;
                Ok(Placed { value, at })
            }
        }
        d.deserialize_newtype_struct(SPANNED, V(std::marker::PhantomData))
    }
}

/// A wrapper's schema is its value's: where a value is written is not part
/// of what is written.
macro_rules! schema_of_value {
    ($wrapper:ident) => {
        impl<T: schemars::JsonSchema> schemars::JsonSchema for $wrapper<T> {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                T::schema_name()
            }
            fn schema_id() -> std::borrow::Cow<'static, str> {
                T::schema_id()
            }
            fn inline_schema() -> bool {
                T::inline_schema()
            }
            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                T::json_schema(generator)
            }
        }
    };
}
schema_of_value!(Spanned);
schema_of_value!(Placed);

/// One step of the path from an entity to the value an error is about.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// A deserialization failure: where, along which path, and what was expected.
#[derive(Debug)]
pub(crate) struct DeError {
    at: Option<Location>,
    /// Innermost step first (pushed while the error bubbles up).
    path: Vec<Step>,
    message: String,
}

impl DeError {
    fn located(mut self, at: &Location) -> Self {
        if self.at.is_none() {
            self.at = Some(at.clone());
        }
        self
    }

    fn within(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    /// The top-level key of the entity the error is under, if any.
    fn top_key(&self) -> Option<&str> {
        match self.path.last() {
            Some(Step::Key(k)) => Some(k),
            _ => None,
        }
    }

    fn into_diagnostic(self, fallback: &Location) -> Diagnostic {
        let mut path = String::new();
        for step in self.path.iter().rev() {
            match step {
                Step::Key(k) if path.is_empty() => path.push_str(k),
                Step::Key(k) => {
                    path.push('.');
                    path.push_str(k);
                }
                Step::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        let message = if path.is_empty() {
            self.message
        } else {
            format!("{path}: {}", self.message)
        };
        Diagnostic::new(Some(self.at.unwrap_or_else(|| fallback.clone())), message)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

/// serde names Rust types in "expected ..." messages; users write YAML.
fn plain_expected(exp: &dyn de::Expected) -> String {
    let text = exp.to_string();
    match text.as_str() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a non-negative integer".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "an integer".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a string" | "a borrowed string" => "a string".to_owned(),
        "a sequence" => "a list".to_owned(),
        _ if text.starts_with("struct ") => "a mapping".to_owned(),
        _ => text,
    }
}

fn plain_unexpected(unexp: de::Unexpected<'_>) -> String {
    match unexp {
        de::Unexpected::Str(s) => format!("the string '{s}'"),
        de::Unexpected::Seq => "a list".to_owned(),
        de::Unexpected::Map => "a mapping".to_owned(),
        de::Unexpected::Unit => "null".to_owned(),
        de::Unexpected::Signed(i) => format!("the integer {i}"),
        de::Unexpected::Unsigned(i) => format!("the integer {i}"),
        de::Unexpected::Float(x) => format!("the number {x:?}"),
        de::Unexpected::Bool(b) => format!("the boolean {b}"),
        other => other.to_string(),
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            at: None,
            path: Vec::new(),
            message: msg.to_string(),
        }
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format!(
            "expected {}, found {}",
            plain_expected(exp),
            plain_unexpected(unexp)
        ))
    }
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format!(
            "expected {}, found {}",
            plain_expected(exp),
            plain_unexpected(unexp)
        ))
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let hint = did_you_mean(variant, expected.iter().copied())
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        Self::custom(format!(
            "unknown value '{variant}'{hint}; expected one of: {}",
            expected.join(", ")
        ))
    }
    fn missing_field(field: &'static str) -> Self {
        Self::custom(format!("missing required field '{field}'"))
    }
}

/// Collects what can be reported without stopping (unknown fields).
#[derive(Debug, Default)]
pub(crate) struct Sink {
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// What was already reported: an entity is deserialized again after each
    /// error, and each unknown field must be reported once, including those
    /// after the first error (which the first pass never reached).
    reported: RefCell<HashSet<(Option<Location>, String)>>,
}

impl Sink {
    fn report(&self, d: Diagnostic) {
        if self
            .reported
            .borrow_mut()
            .insert((d.location.clone(), d.message.clone()))
        {
            self.diagnostics.borrow_mut().push(d);
        }
    }

    pub(crate) fn push(&self, d: Diagnostic) {
        self.diagnostics.borrow_mut().push(d);
    }

    pub(crate) fn take(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics.borrow_mut())
    }
}

/// Deserializes one entity, reporting every problem into `sink`.
///
/// On an error the offending top-level field is dropped and the entity is
/// tried again, so several bad fields of one entity are all reported.
/// Returns `None` if any error was found.
pub(crate) fn entity<'t, T: de::Deserialize<'t>>(node: &Node, sink: &Sink) -> Option<T> {
    let mut current = std::borrow::Cow::Borrowed(node);
    let mut failed = false;
    let mut dropped: Vec<String> = Vec::new();
    let result = loop {
        match T::deserialize(NodeDe { node: &current, sink }) {
            Ok(v) => break Some(v),
            Err(e) => {
                let key = e.top_key().map(str::to_owned);
                // A "missing field" for a field we dropped is not a new problem.
                let consequence = dropped
                    .iter()
                    .any(|k| e.path.is_empty() && e.message == format!("missing required field '{k}'"));
                if !consequence {
                    sink.push(e.into_diagnostic(&node.at));
                }
                failed = true;
                let Some(key) = key else { break None };
                let Value::Map(entries) = &current.value else {
                    break None;
                };
                let entries = entries
                    .iter()
                    .filter(|(k, _)| !matches!(&k.value, Value::Str(s) if *s == key))
                    .cloned()
                    .collect();
                dropped.push(key);
                current = std::borrow::Cow::Owned(Node::new(Value::Map(entries), node.at.clone()));
            }
        }
    };
    if failed { None } else { result }
}

struct NodeDe<'a> {
    node: &'a Node,
    sink: &'a Sink,
}

impl<'a> NodeDe<'a> {
    fn with<'b>(&self, node: &'b Node) -> NodeDe<'b>
    where
        'a: 'b,
    {
        NodeDe { node, sink: self.sink }
    }
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let at = &self.node.at;
        match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(Seq {
                de: &self,
                items: items.iter(),
                index: 0,
            }),
            Value::Map(entries) => visitor.visit_map(Map {
                de: &self,
                entries: entries.iter(),
                value: None,
                fields: None,
            }),
        }
        .map_err(|e| e.located(at))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        if name == SPANNED {
            let at = &self.node.at;
            set_next_location(&at.file, at.line, at.column);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let at = &self.node.at;
        match &self.node.value {
            Value::Map(entries) => visitor.visit_map(Map {
                de: &self,
                entries: entries.iter(),
                value: None,
                fields: Some(fields),
            }),
            other => Err(DeError::custom(format!(
                "expected a mapping, found {}",
                other.kind_name()
            ))),
        }
        .map_err(|e| e.located(at))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let at = &self.node.at;
        match &self.node.value {
            Value::Str(_) => visitor.visit_enum(Enum {
                de: self.with(self.node),
                value: None,
            }),
            Value::Map(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                visitor.visit_enum(Enum {
                    de: self.with(k),
                    value: Some(v),
                })
            }
            Value::Map(entries) if entries.is_empty() => Err(DeError::custom(
                "expected a name or a mapping with one key, found an empty mapping",
            )),
            Value::Map(entries) => Err(DeError::custom(format!(
                "expected a name or a mapping with one key, found a mapping with {} keys",
                entries.len()
            ))),
            other => Err(DeError::custom(format!(
                "expected a name or a mapping with one key, found {}",
                other.kind_name()
            ))),
        }
        .map_err(|e| e.located(at))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Seq<'a, 'b> {
    de: &'b NodeDe<'a>,
    items: std::slice::Iter<'a, Node>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Seq<'_, '_> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        seed.deserialize(self.de.with(node))
            .map(Some)
            .map_err(|e| e.located(&node.at).within(Step::Index(index)))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a, 'b> {
    de: &'b NodeDe<'a>,
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<(&'a str, &'a Node)>,
    /// For structs: the known fields; anything else is reported and skipped.
    fields: Option<&'static [&'static str]>,
}

impl<'de> MapAccess<'de> for Map<'_, '_> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        for (k, v) in self.entries.by_ref() {
            let Value::Str(key) = &k.value else {
                return Err(DeError::custom("mapping keys must be strings").located(&k.at));
            };
            if let Some(fields) = self.fields
                && !fields.contains(&key.as_str())
            {
                let message = match did_you_mean(key, fields.iter().copied()) {
                    Some(s) => format!("unknown field '{key}' (did you mean '{s}'?)"),
                    None => format!("unknown field '{key}'; expected one of: {}", fields.join(", ")),
                };
                self.de.sink.report(Diagnostic::at(&k.at, message));
                continue;
            }
            self.value = Some((key, v));
            return seed
                .deserialize(key.as_str().into_deserializer())
                .map(Some)
                .map_err(|e: DeError| e.located(&k.at));
        }
        Ok(None)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((key, node)) = self.value.take() else {
            return Err(DeError::custom("value requested before its key"));
        };
        seed.deserialize(self.de.with(node))
            .map_err(|e| e.located(&node.at).within(Step::Key(key.to_owned())))
    }
}

struct Enum<'a> {
    de: NodeDe<'a>,
    value: Option<&'a Node>,
}

impl<'de, 'a> EnumAccess<'de> for Enum<'a> {
    type Error = DeError;
    type Variant = Variant<'a>;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Variant<'a>), DeError> {
        let Value::Str(name) = &self.de.node.value else {
            return Err(DeError::custom("expected a name").located(&self.de.node.at));
        };
        let v = seed
            .deserialize(name.as_str().into_deserializer())
            .map_err(|e: DeError| e.located(&self.de.node.at))?;
        Ok((
            v,
            Variant {
                sink: self.de.sink,
                name: self.de.node,
                value: self.value,
            },
        ))
    }
}

struct Variant<'a> {
    sink: &'a Sink,
    name: &'a Node,
    value: Option<&'a Node>,
}

impl Variant<'_> {
    fn value(&self) -> Result<&Node, DeError> {
        self.value.ok_or_else(|| {
            let Value::Str(name) = &self.name.value else {
                return DeError::custom("expected a value");
            };
            DeError::custom(format!("'{name}' needs a value, as in '{name}: ...'")).located(&self.name.at)
        })
    }
    fn key(&self) -> String {
        match &self.name.value {
            Value::Str(s) => s.clone(),
            _ => String::new(),
        }
    }
}

impl<'de> VariantAccess<'de> for Variant<'_> {
    type Error = DeError;
    fn unit_variant(self) -> Result<(), DeError> {
        match self.value {
            None => Ok(()),
            Some(_) => Err(DeError::custom(format!("'{}' takes no value", self.key())).located(&self.name.at)),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        let node = self.value()?;
        seed.deserialize(NodeDe { node, sink: self.sink })
            .map_err(|e| e.located(&node.at).within(Step::Key(self.key())))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        let node = self.value()?;
        de::Deserializer::deserialize_seq(NodeDe { node, sink: self.sink }, visitor)
            .map_err(|e| e.within(Step::Key(self.key())))
    }
    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, DeError> {
        let node = self.value()?;
        de::Deserializer::deserialize_struct(NodeDe { node, sink: self.sink }, "", fields, visitor)
            .map_err(|e| e.within(Step::Key(self.key())))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde::Deserialize;

    use super::*;
    use crate::source::node::LoadLimits;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Thing {
        id: Spanned<String>,
        #[serde(default)]
        depends_on: Vec<Spanned<String>>,
        tier: Option<u8>,
        requires: Option<Rule>,
        up: Option<bool>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case", deny_unknown_fields)]
    enum Rule {
        All,
        Any,
        AtLeast(u32),
    }

    fn run(text: &str) -> (Option<Thing>, Vec<String>) {
        let docs = super::super::yaml::parse(&Arc::from("t.yaml"), text, &LoadLimits::default(), None).unwrap();
        let sink = Sink::default();
        let thing = entity::<Thing>(&docs[0], &sink);
        (thing, sink.take().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn spans_and_enums() {
        let (t, errors) = run("id: web\ndepends_on: [db, cache]\nrequires: {at_least: 2}\n");
        assert!(errors.is_empty(), "{errors:?}");
        let t = t.unwrap();
        assert_eq!(t.id.value, "web");
        assert_eq!((t.id.at.line, t.id.at.column), (1, 5));
        assert_eq!((t.depends_on[1].at.line, t.depends_on[1].at.column), (2, 18));
        assert_eq!(t.requires, Some(Rule::AtLeast(2)));
        assert_eq!(run("id: x\nrequires: any\n").0.unwrap().requires, Some(Rule::Any));
    }

    #[test]
    fn every_problem_of_an_entity_is_reported() {
        let (t, errors) = run("id: web\ndependson: [db]\ntier: high\nrequires: anyy\nup: 3\n");
        assert!(t.is_none());
        assert_eq!(
            errors,
            [
                "t.yaml:2:1: unknown field 'dependson' (did you mean 'depends_on'?)",
                "t.yaml:3:7: tier: expected a non-negative integer, found the string 'high'",
                "t.yaml:4:11: requires: unknown value 'anyy' (did you mean 'any'?); expected one of: all, any, at_least",
                "t.yaml:5:5: up: expected a boolean, found the integer 3",
            ]
        );
    }

    #[test]
    fn missing_fields_and_wrong_shapes() {
        let (_, errors) = run("depends_on: web\n");
        assert_eq!(
            errors,
            [
                "t.yaml:1:13: depends_on: expected a list, found the string 'web'",
                "t.yaml:1:1: missing required field 'id'",
            ]
        );
        let (_, errors) = run("- a\n");
        assert_eq!(errors, ["t.yaml:1:1: expected a mapping, found a list"]);
    }
}
