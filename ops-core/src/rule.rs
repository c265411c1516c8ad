//! Rules as data: a [`Rule`] is what a check may report (id, default
//! severity, summary, documentation). Built-in rules are `static`s of
//! [`BuiltinRule`](crate::BuiltinRule), each with the function that finds
//! its findings, registered in [`crate::builtin`].

use std::borrow::Cow;

use serde::Serialize;

use crate::finding::{Finding, Severity, Subject};

/// A rule a check can report: its stable id, default severity, a summary and
/// its documentation.
///
/// Built-in rules are `static` and borrow their text; plugin rules own it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    id: Cow<'static, str>,
    default_severity: Severity,
    summary: Cow<'static, str>,
    explanation: Cow<'static, str>,
}

impl Rule {
    /// A rule with owned text (a plugin's); `explanation` is trimmed of
    /// surrounding whitespace.
    ///
    /// ```
    /// use ops_core::{Rule, Severity};
    /// let r = Rule::new("example/no-description", Severity::Low, "A component has no description",
    ///     "\n## What it checks\nComponents without a description.\n");
    /// assert_eq!(r.explanation(), "## What it checks\nComponents without a description.");
    /// ```
    pub fn new(id: &str, default_severity: Severity, summary: &str, explanation: &str) -> Rule {
        Rule {
            id: Cow::Owned(id.to_owned()),
            default_severity,
            summary: Cow::Owned(summary.to_owned()),
            explanation: Cow::Owned(explanation.trim().to_owned()),
        }
    }

    /// A rule whose text lives for the whole program, usable in a `static`;
    /// `explanation` is trimmed of surrounding ASCII whitespace.
    pub const fn from_static(
        id: &'static str,
        default_severity: Severity,
        summary: &'static str,
        explanation: &'static str,
    ) -> Rule {
        Rule {
            id: Cow::Borrowed(id),
            default_severity,
            summary: Cow::Borrowed(summary),
            explanation: Cow::Borrowed(explanation.trim_ascii()),
        }
    }

    /// Stable kebab-case id: `area/what-is-wrong` for built-ins, where `area`
    /// is the module that owns the rule; `plugin:<name>/<rule>` for plugins.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id as a finding holds it: borrowed, at no cost, for a rule made
    /// with [`Rule::from_static`]; a copy otherwise.
    pub fn shared_id(&self) -> Cow<'static, str> {
        self.id.clone()
    }

    /// Severity of its findings unless the check or the runner decides otherwise.
    pub fn default_severity(&self) -> Severity {
        self.default_severity
    }

    /// One line: what it finds.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Longer documentation in Markdown, under the headings *What it checks*,
    /// *Why it matters*, *Example* and *How to fix*.
    pub fn explanation(&self) -> &str {
        &self.explanation
    }

    /// A finding of this rule.
    pub fn finding(&self, severity: Severity, subject: Subject, message: impl Into<String>) -> Finding {
        Finding::new(self.shared_id(), severity, subject, message)
    }
}
