//! Validation problems: each with a location, a message and an optional hint.

use std::fmt;

use serde::Serialize;

use crate::Location;

/// One problem found while loading or validating an inventory.
///
/// Loading never stops at the first problem: it collects every one it can
/// find and returns them together as [`Diagnostics`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Where the problem is. `None` only for problems with no place in a file
    /// (an unreadable directory, an empty inventory).
    pub location: Option<Location>,
    /// What is wrong, in one sentence, naming the offending value.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            message: message.into(),
        }
    }

    pub(crate) fn at(location: &Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Some(location.clone()), message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Every problem found in one load, sorted by file, line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub(crate) fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// `true` when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sorts by location (problems without one first) and drops exact repeats.
    pub(crate) fn finish(mut self) -> Self {
        self.0
            .sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.message.cmp(&b.message)));
        self.0.dedup();
        self
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
