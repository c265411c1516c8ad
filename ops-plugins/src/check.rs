//! `WasmCheck`: a loaded plugin as an `ops_core::Check`.

use std::collections::HashSet;
use std::sync::Arc;

use ops_core::{Check, CheckError, Context, EntityKind, Finding, Inventory, Rule, Severity, Subject};

use crate::PluginLimits;
use crate::bindings;
use crate::bindings::ops::plugin::types;
use crate::budget::{self, ALLOC_OVERHEAD, OutputBudget};
use crate::engine::{self, HostInner};
use crate::evidence::{self, EvidenceError};
use crate::quote::{self, quote};
use crate::state::RunState;
use crate::subject::Subjects;

/// Longest plugin name and rule id, in bytes.
const MAX_ID_LEN: usize = 64;
/// Most rules one plugin may declare.
const MAX_RULES: usize = 256;
/// Longest rule explanation, in bytes.
const MAX_EXPLANATION_LEN: usize = 64 << 10;

/// A plugin's validated metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PluginMetadata {
    /// Kebab-case name; the check is called `plugin:<name>`.
    pub name: String,
    /// The plugin's version, as it says.
    pub version: String,
    /// Its rules, ids namespaced as `plugin:<name>/<rule>`.
    pub rules: Vec<Rule>,
    /// A description of the configuration it accepts, if it takes any.
    pub config_schema: Option<String>,
}

impl PluginMetadata {
    /// Checks what a plugin's `metadata()` returned. Errors quote the
    /// plugin's text cut short ([`quote`]), however long it is.
    pub(crate) fn validate(raw: types::PluginMetadata, limits: &PluginLimits) -> Result<PluginMetadata, String> {
        check_id("plugin name", &raw.name)?;
        if raw.version.is_empty() || raw.version.len() > MAX_ID_LEN || raw.version.contains(char::is_control) {
            return Err(format!(
                "version {} must be 1 to {MAX_ID_LEN} bytes with no control characters",
                quote(&raw.version)
            ));
        }
        if raw.rules.is_empty() {
            return Err("it declares no rules".to_owned());
        }
        if raw.rules.len() > MAX_RULES {
            return Err(format!("{} rules, more than {MAX_RULES}", raw.rules.len()));
        }
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(raw.rules.len());
        for r in raw.rules {
            check_id("rule id", &r.id)?;
            if !seen.insert(r.id.clone()) {
                return Err(format!("rule {} is declared twice", quote(&r.id)));
            }
            if r.summary.is_empty() || r.summary.len() > limits.max_string_len {
                return Err(format!(
                    "rule '{}': summary must be 1 to {} bytes",
                    r.id, limits.max_string_len
                ));
            }
            if r.explanation.len() > MAX_EXPLANATION_LEN {
                return Err(format!(
                    "rule '{}': explanation longer than {MAX_EXPLANATION_LEN} bytes",
                    r.id
                ));
            }
            rules.push(Rule::new(
                &format!("plugin:{}/{}", raw.name, r.id),
                severity(r.default_severity),
                &r.summary,
                &r.explanation,
            ));
        }
        if raw
            .config_schema
            .as_ref()
            .is_some_and(|s| s.len() > MAX_EXPLANATION_LEN)
        {
            return Err(format!("config schema longer than {MAX_EXPLANATION_LEN} bytes"));
        }
        Ok(PluginMetadata {
            name: raw.name,
            version: raw.version,
            rules,
            config_schema: raw.config_schema,
        })
    }
}

/// Kebab-case: lowercase ASCII letters, digits and single dashes, starting
/// with a letter.
fn check_id(what: &str, id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} {} is not kebab-case (a-z, 0-9 and single dashes, at most {MAX_ID_LEN} bytes)",
            quote(id)
        ))
    }
}

/// A WebAssembly plugin, ready to run as an [`ops_core::Check`].
///
/// Made by `PluginHost`'s `load` methods. Each run gets a fresh store within
/// the plugin's [`PluginLimits`]; a trap, a panic or an exhausted limit
/// becomes a [`CheckError`] naming the plugin, and the runner's other checks
/// still run. Errors name the plugin by what the host knows, its
/// [label](WasmCheck::label) (the file it was loaded from), then by the name
/// it declares: `plugin 'x.wasm' (calls itself 'x') exceeded its CPU time
/// budget of 1000 ms`, so a plugin cannot pass its failures off as another's.
///
/// Cloning is cheap and shares the compiled code, so one plugin can run with
/// several configurations.
#[derive(Clone)]
pub struct WasmCheck {
    host: Arc<HostInner>,
    pre: bindings::CheckPre<RunState>,
    label: String,
    metadata: PluginMetadata,
    check_name: String,
    limits: PluginLimits,
    config: String,
    from_cache: bool,
}

impl std::fmt::Debug for WasmCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmCheck")
            .field("label", &self.label)
            .field("metadata", &self.metadata)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl WasmCheck {
    pub(crate) fn new(
        host: Arc<HostInner>,
        pre: bindings::CheckPre<RunState>,
        label: String,
        metadata: PluginMetadata,
        limits: PluginLimits,
        from_cache: bool,
    ) -> Self {
        WasmCheck {
            host,
            pre,
            label,
            check_name: format!("plugin:{}", metadata.name),
            metadata,
            limits,
            config: String::new(),
            from_cache,
        }
    }

    /// Whether its compiled code came from the host's cache directory
    /// ([`HostConfig::cache_dir`](crate::HostConfig::cache_dir)).
    pub fn loaded_from_cache(&self) -> bool {
        self.from_cache
    }

    /// What the host knows the plugin by: the label it was loaded with
    /// (the file's path, for [`PluginHost::load_file`](crate::PluginHost::load_file)).
    /// Errors name the plugin by it first.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The plugin's metadata.
    pub fn metadata(&self) -> &PluginMetadata {
        &self.metadata
    }

    /// The limits each run gets.
    pub fn limits(&self) -> &PluginLimits {
        &self.limits
    }

    /// Changes the limits of later runs.
    pub fn set_limits(&mut self, limits: PluginLimits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Passes `config` (the text of the user's configuration for this
    /// plugin) to every run.
    pub fn with_config(mut self, config: impl Into<String>) -> Self {
        self.config = config.into();
        self
    }

    /// An error message about this plugin: its label, its declared name, then `what`.
    fn fail(&self, what: impl std::fmt::Display) -> String {
        format!("plugin '{}' (calls itself '{}') {what}", self.label, self.metadata.name)
    }

    /// Turns the plugin's findings into ops findings, within the output
    /// limits, charging what they hold to `budget` (what the run's log left).
    fn convert(
        &self,
        inv: &Inventory,
        raw: Vec<types::Finding>,
        mut budget: OutputBudget,
    ) -> Result<Vec<Finding>, CheckError> {
        let limits = &self.limits;
        let count = raw.len();
        if raw.len() > limits.max_findings {
            return Err(CheckError::InvalidOutput(self.fail(format_args!(
                "returned {} findings, more than its limit of {}",
                raw.len(),
                limits.max_findings
            ))));
        }
        let invalid =
            |i: usize, what: String| CheckError::InvalidOutput(self.fail(format_args!("finding {i}: {what}")));
        let too_long = |field: &str, len: usize| {
            format!(
                "{field} is {len} bytes, more than the limit of {}",
                limits.max_string_len
            )
        };
        let subjects = Subjects::new(inv);
        let mut out = Vec::with_capacity(raw.len());
        for (i, f) in raw.into_iter().enumerate() {
            for (field, value) in [
                ("rule", Some(&f.rule)),
                ("message", Some(&f.message)),
                ("subject id", Some(&f.subject.id)),
                ("remediation", f.remediation.as_ref()),
            ] {
                if let Some(v) = value
                    && v.len() > limits.max_string_len
                {
                    return Err(invalid(i, too_long(field, v.len())));
                }
            }
            // Rule ids are `plugin:<name>/<rule>`: compare the tail, no formatting.
            let prefix = self.check_name.len() + 1;
            let Some(rule) = self
                .metadata
                .rules
                .iter()
                .find(|r| r.id().get(prefix..) == Some(f.rule.as_str()))
            else {
                let declared: Vec<&str> = self
                    .metadata
                    .rules
                    .iter()
                    .filter_map(|r| r.id().rsplit_once('/').map(|(_, rule)| rule))
                    .collect();
                return Err(invalid(
                    i,
                    format!(
                        "undeclared rule {} (it declares: {})",
                        quote(&f.rule),
                        declared.join(", ")
                    ),
                ));
            };
            let sev = f.severity.map(severity).unwrap_or(rule.default_severity());
            let kind = entity_kind(f.subject.kind);
            subjects.check(kind, &f.subject.id).map_err(|e| invalid(i, e))?;
            let mut finding = Finding::new(rule.shared_id(), sev, Subject::new(kind, f.subject.id), f.message);
            finding.remediation = f.remediation.map(Into::into);
            let over_budget = || {
                CheckError::ResourceLimit(self.fail(format_args!(
                    "{}, at finding {i} of {count}",
                    budget::exceeded(limits.max_output_bytes)
                )))
            };
            budget.charge(held(&finding)).map_err(|_| over_budget())?;
            if let Some(evidence) = f.evidence {
                if evidence.len() > limits.max_evidence_len {
                    return Err(invalid(
                        i,
                        format!(
                            "evidence is {} bytes, more than the limit of {}",
                            evidence.len(),
                            limits.max_evidence_len
                        ),
                    ));
                }
                finding.evidence = evidence::parse(&evidence, limits.max_evidence_nodes, &mut budget)
                    .map_err(|e| match e {
                        EvidenceError::OverBudget => over_budget(),
                        e => invalid(i, e.to_string()),
                    })?
                    .into();
            }
            let location = match kind {
                EntityKind::Component => inv
                    .component_by_id(&finding.subject.id)
                    .map(|c| &inv.component(c).location),
                EntityKind::Domain => inv.domain_by_id(&finding.subject.id).map(|d| &inv.domain(d).location),
                _ => None,
            };
            if let Some(location) = location {
                finding = finding.at(location);
            }
            out.push(finding);
        }
        Ok(out)
    }
}

/// What the host holds for `finding` apart from its evidence: the record
/// (in the run's vector of findings) and its strings.
fn held(finding: &Finding) -> usize {
    // A plugin's rule id and remediation are always its own copies.
    let strings = [&*finding.check, &finding.subject.id, &finding.message]
        .into_iter()
        .chain(finding.remediation.as_deref())
        .map(|s| s.len() + ALLOC_OVERHEAD)
        .sum::<usize>();
    size_of::<Finding>() + strings
}

impl Check for WasmCheck {
    fn name(&self) -> &str {
        &self.check_name
    }

    fn rules(&self) -> &[Rule] {
        &self.metadata.rules
    }

    /// A plugin is lent the failure analysis whatever it asks the host.
    fn uses_failure_analysis(&self) -> bool {
        true
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let outcome = crate::lend::lend(ctx, |lent| {
            engine::call(&self.host, &self.pre, &self.limits, Some(lent), |check, store| {
                let returned = check.ops_plugin_plugin().call_run(&mut *store, &self.config)?;
                Ok((returned, store.data().budget))
            })
        });
        match outcome {
            Ok((Ok(findings), budget)) => self.convert(ctx.inventory(), findings, budget),
            Ok((Err(message), _)) => Err(CheckError::Failed(self.fail(format_args!(
                "failed: {}",
                quote::cut(&message, self.limits.max_string_len)
            )))),
            Err(stopped) => {
                let message = self.fail(stopped.describe(&self.limits, &self.host.config));
                Err(if stopped.stop.is_limit() {
                    CheckError::ResourceLimit(message)
                } else {
                    CheckError::Failed(message)
                })
            }
        }
    }
}

fn severity(s: types::Severity) -> Severity {
    match s {
        types::Severity::Info => Severity::Info,
        types::Severity::Low => Severity::Low,
        types::Severity::Medium => Severity::Medium,
        types::Severity::High => Severity::High,
        types::Severity::Critical => Severity::Critical,
    }
}

fn entity_kind(k: types::EntityKind) -> EntityKind {
    use types::EntityKind as K;
    match k {
        K::Inventory => EntityKind::Inventory,
        K::Component => EntityKind::Component,
        K::Domain => EntityKind::Domain,
        K::Person => EntityKind::Person,
        K::ServiceAccount => EntityKind::ServiceAccount,
        K::Group => EntityKind::Group,
        K::System => EntityKind::System,
        K::Grant => EntityKind::Grant,
        K::Credential => EntityKind::Credential,
        K::BackupPolicy => EntityKind::BackupPolicy,
        K::BackupRun => EntityKind::BackupRun,
        K::RestoreDrill => EntityKind::RestoreDrill,
        K::Incident => EntityKind::Incident,
        K::Problem => EntityKind::Problem,
        K::Change => EntityKind::Change,
    }
}
