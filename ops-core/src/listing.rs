//! Lists of names in messages and evidence, cut to a fixed length so that
//! what one finding or error says stays bounded however large the estate.
//!
//! A message names at most [`MESSAGE_ITEMS`] things and then says how many
//! more there are; an evidence list holds at most [`EVIDENCE_ITEMS`] and,
//! when cut, a sibling `<key>_total` holds the full count (see
//! `docs/json-output.md`).

use std::fmt::{Display, Write as _};

use crate::finding::Finding;

/// Most names one message lists before "... and N more".
pub const MESSAGE_ITEMS: usize = 10;

/// Most items one evidence list holds.
pub const EVIDENCE_ITEMS: usize = 50;

/// `items` joined with `sep`, the first [`MESSAGE_ITEMS`] of them, then
/// `sep` and "... and N more" if there are more.
///
/// ```
/// # use ops_core::listing::join;
/// assert_eq!(join(["a", "b"], ", "), "a, b");
/// let many: Vec<String> = (0..25).map(|i| i.to_string()).collect();
/// assert_eq!(join(&many, " -> "), "0 -> 1 -> 2 -> 3 -> 4 -> 5 -> 6 -> 7 -> 8 -> 9 -> ... and 15 more");
/// ```
pub fn join<I>(items: I, sep: &str) -> String
where
    I: IntoIterator,
    I::Item: Display,
{
    let mut out = String::new();
    let mut more = 0usize;
    for (i, item) in items.into_iter().enumerate() {
        if i >= MESSAGE_ITEMS {
            more += 1;
            continue;
        }
        if i > 0 {
            out.push_str(sep);
        }
        let _ = write!(out, "{item}");
    }
    if more > 0 {
        let _ = write!(out, "{sep}... and {more} more");
    }
    out
}

impl Finding {
    /// Adds a list of evidence under `key`, cut to its first
    /// [`EVIDENCE_ITEMS`] items; when cut, `<key>_total` holds how many
    /// there were.
    pub fn with_evidence_list<T: Into<serde_json::Value>>(mut self, key: &'static str, items: Vec<T>) -> Self {
        let total = items.len();
        let kept: Vec<serde_json::Value> = items.into_iter().take(EVIDENCE_ITEMS).map(Into::into).collect();
        if total > kept.len() {
            self.evidence.insert(format!("{key}_total"), total.into());
        }
        self.evidence.insert(key, kept.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityKind, Severity, Subject};

    #[test]
    fn short_lists_are_whole_and_long_ones_say_how_many_more() {
        assert_eq!(join(Vec::<String>::new(), ", "), "");
        let ten: Vec<usize> = (0..10).collect();
        assert_eq!(join(&ten, ","), "0,1,2,3,4,5,6,7,8,9");
        let eleven: Vec<usize> = (0..11).collect();
        assert_eq!(join(&eleven, ","), "0,1,2,3,4,5,6,7,8,9,... and 1 more");
    }

    #[test]
    fn evidence_lists_are_cut_with_a_total() {
        let f = Finding::new("x/y", Severity::Low, Subject::new(EntityKind::Inventory, ""), "m");
        let short = f.clone().with_evidence_list("ids", vec!["a", "b"]);
        assert_eq!(short.evidence["ids"], serde_json::json!(["a", "b"]));
        assert!(!short.evidence.contains_key("ids_total"));
        let long = f.with_evidence_list("ids", (0..120).collect());
        assert_eq!(long.evidence["ids"].as_array().map(Vec::len), Some(EVIDENCE_ITEMS));
        assert_eq!(long.evidence["ids_total"], serde_json::json!(120));
    }
}
