//! Reading inventory files: YAML, TOML and JSON into one located tree, then
//! into typed values.

pub(crate) mod de;
pub(crate) mod files;
mod json;
mod json_fast;
pub(crate) mod node;
mod toml;
mod yaml;

use std::sync::Arc;

pub use node::LoadLimits;
pub(crate) use node::Node;

use crate::diagnostic::Diagnostic;

/// The formats an inventory file may be written in, chosen by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.yaml` or `.yml`; several documents per file are allowed.
    Yaml,
    /// `.toml`
    Toml,
    /// `.json`
    Json,
}

impl Format {
    /// The format for a file name, by its extension (case-insensitive).
    ///
    /// ```
    /// use ops_core::Format;
    /// assert_eq!(Format::from_path("inv/db.YML".as_ref()), Some(Format::Yaml));
    /// assert_eq!(Format::from_path("README.md".as_ref()), None);
    /// ```
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// One streamed list element: a node tree (YAML), or JSON text that can be
/// deserialized directly.
#[derive(Debug)]
pub(crate) enum Item<'x, 't> {
    /// A parsed element.
    Node(Node),
    /// A syntactically valid JSON element, not parsed yet.
    Json(json::JsonItem<'x, 't>),
}

/// Where the parser may send the elements of some top-level lists instead of
/// keeping them in the tree.
pub(crate) struct Stream<'f, 't> {
    /// Top-level keys whose list elements are streamed.
    pub(crate) keys: &'f [&'f str],
    /// Receives `(key, element)`; a JSON element may be deserialized into
    /// values that borrow from the text (`'t`).
    pub(crate) item: &'f mut dyn FnMut(&str, Item<'_, 't>),
}

/// Parses `text` into its documents. Elements of the lists under the
/// document's top-level `stream.keys` may be handed to `stream.item` while
/// parsing instead of being kept in the tree (YAML and JSON do, except for a
/// YAML list that carries an anchor; TOML keeps them in the tree), so callers
/// must handle both.
pub(crate) fn parse<'t>(
    file: &Arc<str>,
    text: &'t str,
    format: Format,
    limits: &LoadLimits,
    stream: Option<Stream<'_, 't>>,
) -> Result<Vec<Node>, Diagnostic> {
    match format {
        Format::Yaml => yaml::parse(file, text, limits, stream),
        Format::Toml => toml::parse(file, text, limits).map(|n| vec![n]),
        Format::Json => json::parse(file, text, limits, stream).map(|n| vec![n]),
    }
}
