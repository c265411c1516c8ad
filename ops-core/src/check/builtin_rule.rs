//! [`BuiltinRule`]: the one adapter every built-in rule is defined with. A
//! rule is one `static` in the domain module that owns it (`graph::SPOF` in
//! `graph/`, `backup::STALE` in `backup/`), listed in that module's `RULES`
//! and so in the registry, [`crate::builtin`].

use std::fmt;

use super::{Check, CheckError, Context};
use crate::finding::Finding;
use crate::rule::Rule;

/// How a built-in rule finds its findings: given the rule itself, the context
/// and the rule's options.
pub(crate) type FindFn<O> = fn(&Rule, &Context<'_>, &O) -> Vec<Finding>;

/// A built-in rule: its definition as data, the options it runs with, and the
/// function that finds its findings. It is a [`Check`] of one rule, named
/// after that rule.
///
/// Most rules take no options (`O = ()`). Those that do (thresholds, windows)
/// run with their defaults from the registry; [`BuiltinRule::with_options`]
/// makes a copy with others.
///
/// ```
/// use chrono::TimeDelta;
/// use ops_core::incident::{MISSING_POSTMORTEM, MissingPostmortemOptions};
/// use ops_core::{Check, Runner};
/// let lenient = MISSING_POSTMORTEM.with_options(MissingPostmortemOptions::default().with_grace(TimeDelta::days(14)));
/// assert_eq!(lenient.name(), "incident/missing-postmortem");
/// let mut runner = Runner::new();
/// runner.add(Box::new(lenient));
/// ```
pub struct BuiltinRule<O: 'static = ()> {
    rule: Rule,
    options: O,
    find: FindFn<O>,
    heavy: bool,
    analysis: bool,
}

impl<O> BuiltinRule<O> {
    /// The rule `rule`, found by `find` with `options`.
    pub(crate) const fn new(rule: Rule, options: O, find: FindFn<O>) -> Self {
        BuiltinRule {
            rule,
            options,
            find,
            heavy: false,
            analysis: false,
        }
    }

    /// Like [`BuiltinRule::new`], for one of the long rules on a large
    /// estate, which a parallel run starts first ([`Check::heavy`]).
    pub(crate) const fn heavy(rule: Rule, options: O, find: FindFn<O>) -> Self {
        BuiltinRule {
            rule,
            options,
            find,
            heavy: true,
            analysis: false,
        }
    }

    /// The same rule, declared to ask for the failure analysis
    /// ([`Check::uses_failure_analysis`]).
    pub(crate) const fn using_failure_analysis(mut self) -> Self {
        self.analysis = true;
        self
    }

    /// The rule's definition.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The options it runs with.
    pub fn options(&self) -> &O {
        &self.options
    }

    /// The same rule run with `options` instead.
    pub fn with_options(&self, options: O) -> BuiltinRule<O> {
        BuiltinRule {
            rule: self.rule.clone(),
            options,
            find: self.find,
            heavy: self.heavy,
            analysis: self.analysis,
        }
    }
}

impl<O: fmt::Debug> fmt::Debug for BuiltinRule<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuiltinRule")
            .field("id", &self.rule.id())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<O: fmt::Debug + Send + Sync> Check for BuiltinRule<O> {
    fn name(&self) -> &str {
        self.rule.id()
    }
    fn rules(&self) -> &[Rule] {
        std::slice::from_ref(&self.rule)
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        Ok((self.find)(&self.rule, ctx, &self.options))
    }
    fn heavy(&self) -> bool {
        self.heavy
    }
    fn uses_failure_analysis(&self) -> bool {
        self.analysis
    }
}
