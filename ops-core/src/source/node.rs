//! A format-neutral document tree in which every value knows where it was written.
//!
//! YAML, TOML and JSON files are parsed into this tree first; the typed
//! inventory is deserialized from it, so every error can name a line and column
//! whatever the file format.

use crate::Location;

/// A value with its position.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) at: Location,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys are always strings (formats that allow other keys are checked when parsing).
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// How a person would name this kind of value in an error message.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    pub(crate) fn new(value: Value, at: Location) -> Self {
        Node { value, at }
    }

    /// The entry `key` of a mapping node.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Bounds on what one file may cost to parse.
///
/// The defaults accept any realistic inventory and reject hostile ones
/// (a huge file, a 10,000-deep nesting, a YAML "billion laughs") quickly and
/// with a clear error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadLimits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest total over all files of one load, in bytes.
    pub max_total_bytes: u64,
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes that YAML aliases may add by expansion, per file.
    pub max_alias_nodes: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_file_bytes: 128 * 1024 * 1024,
            max_total_bytes: 512 * 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 100_000,
        }
    }
}
