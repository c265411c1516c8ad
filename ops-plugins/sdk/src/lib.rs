//! # ops-plugin-sdk
//!
//! Write an ops check as a WebAssembly plugin: implement [`Plugin`], call
//! [`export_plugin!`], build for `wasm32-unknown-unknown` with
//! `linker = "wasm-component-ld"`. The result is a component that imports
//! only the ops interfaces, so it runs in the host's sandbox.
//!
//! ```ignore
//! use ops_plugin_sdk::{EntityKind, Finding, Metadata, Plugin, Rule, Severity, inventory};
//!
//! struct Unowned;
//!
//! impl Plugin for Unowned {
//!     fn metadata() -> Metadata {
//!         Metadata::new("unowned", env!("CARGO_PKG_VERSION"))
//!             .rule(Rule::new("no-owner", Severity::Medium, "A component has no owner"))
//!     }
//!     fn run(_config: &str) -> Result<Vec<Finding>, String> {
//!         let mut found = Vec::new();
//!         for i in 0..inventory::component_count() {
//!             let Some(c) = inventory::component_at(i) else { continue };
//!             if c.owners.is_empty() {
//!                 found.push(Finding::new("no-owner", EntityKind::Component, &c.id,
//!                     format!("{} has no owner", c.id)));
//!             }
//!         }
//!         Ok(found)
//!     }
//! }
//!
//! ops_plugin_sdk::export_plugin!(Unowned);
//! ```
//!
//! Inventory queries ([`inventory`], [`backups`], [`access`], [`incidents`])
//! and the host's analyses ([`analysis`]) are plain functions; indices refer
//! to positions in the inventory and are stable for one run. Nothing is
//! copied into the plugin until it asks: fetch what the check reads. A panic's message reaches the host (through [`log`])
//! and is reported with the failure.
//!
//! Every host call crosses the component boundary, so a check over many
//! components is faster with the batched queries, one call for many
//! answers: [`analysis::spofs_of_each`] (the SPOFs of every entry point at
//! once, as [`IndexLists`]), [`inventory::flags_of`] and
//! [`inventory::ids_of`] (for a list of indices) and
//! [`inventory::component_briefs`] (a page of components).

// The generated code names paths through this crate, as user crates see it.
extern crate self as ops_plugin_sdk;

/// Generated bindings of the `ops:plugin/check` world. Use the re-exports
/// below instead; this is public for [`export_plugin!`].
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "check",
        path: "../wit",
        pub_export_macro: true,
        export_macro_name: "__export_check",
        default_bindings_module: "ops_plugin_sdk::bindings",
        runtime_path: "ops_plugin_sdk::__wit_bindgen::rt",
    });
}

#[doc(hidden)]
pub use wit_bindgen as __wit_bindgen;

pub use bindings::ops::plugin::types::{
    AccessLevel, BackupCopy, BackupPolicy, BackupRun, Component, ComponentBrief, ComponentFlags, Credential, Domain,
    EntityKind, Grant, Group, Incident, IncidentAction, IndexLists, Person, RestoreDrill, ServiceAccount, Severity,
    Subject, System,
};
pub use bindings::ops::plugin::{access, analysis, backups, incidents, inventory, log};

use bindings::exports::ops::plugin::plugin::Guest;

impl IndexLists {
    /// How many lists there are.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no lists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// List `i`: empty past the end.
    pub fn get(&self, i: usize) -> &[u32] {
        let (Some(&from), Some(&to)) = (self.offsets.get(i), self.offsets.get(i + 1)) else {
            return &[];
        };
        self.items.get(from as usize..to as usize).unwrap_or_default()
    }

    /// The lists, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}
use bindings::ops::plugin::types;

/// A check plugin. Implement it on a unit struct and pass that struct to
/// [`export_plugin!`].
pub trait Plugin {
    /// Who the plugin is and which rules it reports. Called once, when the
    /// host loads it; the inventory is not available here.
    fn metadata() -> Metadata;
    /// Runs the check. `config` is the text of the user's configuration file
    /// for this plugin (empty without one). Return `Err` only when the check
    /// cannot run at all (bad configuration); problems found are findings.
    fn run(config: &str) -> Result<Vec<Finding>, String>;
}

/// What [`Plugin::metadata`] returns.
#[derive(Clone, Debug)]
pub struct Metadata {
    name: String,
    version: String,
    rules: Vec<Rule>,
    config_schema: Option<String>,
}

impl Metadata {
    /// A plugin called `name` (kebab-case), at `version`, with no rules yet.
    pub fn new(name: &str, version: &str) -> Self {
        Metadata {
            name: name.to_string(),
            version: version.to_string(),
            rules: Vec::new(),
            config_schema: None,
        }
    }

    /// Declares a rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Describes the configuration the plugin accepts.
    pub fn config_schema(mut self, schema: &str) -> Self {
        self.config_schema = Some(schema.to_string());
        self
    }
}

/// A rule a plugin reports.
#[derive(Clone, Debug)]
pub struct Rule {
    id: String,
    default_severity: Severity,
    summary: String,
    explanation: String,
}

impl Rule {
    /// A rule with a kebab-case `id` (the host shows it as
    /// `plugin:<plugin>/<id>`), a default severity and a one-line summary.
    pub fn new(id: &str, default_severity: Severity, summary: &str) -> Self {
        Rule {
            id: id.to_string(),
            default_severity,
            summary: summary.to_string(),
            explanation: String::new(),
        }
    }

    /// Markdown documentation under the headings What it checks, Why it
    /// matters, Example, How to fix (shown by `opsctl explain`).
    pub fn explanation(mut self, markdown: &str) -> Self {
        self.explanation = markdown.to_string();
        self
    }
}

/// One problem found.
#[derive(Clone, Debug)]
pub struct Finding {
    rule: String,
    severity: Option<Severity>,
    subject: Subject,
    message: String,
    evidence: Option<String>,
    remediation: Option<String>,
}

impl Finding {
    /// A finding of `rule` about the entity of `kind` with `id`.
    pub fn new(rule: &str, kind: EntityKind, id: &str, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.to_string(),
            severity: None,
            subject: Subject {
                kind,
                id: id.to_string(),
            },
            message: message.into(),
            evidence: None,
            remediation: None,
        }
    }

    /// Reports it at `severity` instead of the rule's default.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Attaches structured evidence.
    pub fn evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence.to_json());
        self
    }

    /// Attaches evidence already written as JSON text (from serde_json, say).
    /// It must be a JSON object; the host refuses the run's output otherwise.
    pub fn evidence_json(mut self, json: impl Into<String>) -> Self {
        self.evidence = Some(json.into());
        self
    }

    /// Says how to fix it.
    pub fn remediation(mut self, hint: impl Into<String>) -> Self {
        self.remediation = Some(hint.into());
        self
    }
}

/// A JSON object of evidence, built without pulling a JSON library into the
/// plugin.
///
/// ```ignore
/// let e = Evidence::new().string("zone", "eu-west-1a").number("tier", 1).strings("entries", ["shop"]);
/// assert_eq!(e.to_json(), r#"{"zone":"eu-west-1a","tier":1,"entries":["shop"]}"#);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    json: String,
}

impl Evidence {
    /// An empty object.
    pub fn new() -> Self {
        Evidence::default()
    }

    fn key(&mut self, key: &str) {
        self.json.push(if self.json.is_empty() { '{' } else { ',' });
        push_json_string(&mut self.json, key);
        self.json.push(':');
    }

    /// Adds a string.
    pub fn string(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_json_string(&mut self.json, value);
        self
    }

    /// Adds an integer.
    pub fn number(mut self, key: &str, value: i64) -> Self {
        self.key(key);
        self.json.push_str(&value.to_string());
        self
    }

    /// Adds a boolean.
    pub fn boolean(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.json.push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds a list of strings.
    pub fn strings<S: AsRef<str>>(mut self, key: &str, values: impl IntoIterator<Item = S>) -> Self {
        self.key(key);
        self.json.push('[');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.json.push(',');
            }
            push_json_string(&mut self.json, v.as_ref());
        }
        self.json.push(']');
        self
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        if self.json.is_empty() {
            "{}".to_string()
        } else {
            format!("{}}}", self.json)
        }
    }
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Sends panic messages to the host's log, once per instance.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info.payload_as_str().unwrap_or("(a panic without a message)");
            let message = match info.location() {
                Some(at) => format!("{message} (at {}:{}:{})", at.file(), at.line(), at.column()),
                None => message.to_string(),
            };
            log::log(log::Level::Error, &message);
        }));
    });
}

/// Adapts a [`Plugin`] to the generated bindings. Used by [`export_plugin!`].
#[doc(hidden)]
pub struct Adapter<P>(core::marker::PhantomData<P>);

impl<P: Plugin> Guest for Adapter<P> {
    fn metadata() -> types::PluginMetadata {
        install_panic_hook();
        let m = P::metadata();
        types::PluginMetadata {
            name: m.name,
            version: m.version,
            rules: m
                .rules
                .into_iter()
                .map(|r| types::Rule {
                    id: r.id,
                    default_severity: r.default_severity,
                    summary: r.summary,
                    explanation: r.explanation,
                })
                .collect(),
            config_schema: m.config_schema,
        }
    }

    fn run(config: String) -> Result<Vec<types::Finding>, String> {
        install_panic_hook();
        let found = P::run(&config)?;
        Ok(found
            .into_iter()
            .map(|f| types::Finding {
                rule: f.rule,
                severity: f.severity,
                subject: f.subject,
                message: f.message,
                evidence: f.evidence,
                remediation: f.remediation,
            })
            .collect())
    }
}

/// Exports a [`Plugin`] implementation as the component's `plugin` interface.
/// Call it once, at the root of the plugin crate.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        type __OpsPluginExport = $crate::Adapter<$plugin>;
        $crate::bindings::__export_check!(__OpsPluginExport with_types_in $crate::bindings);
    };
}
