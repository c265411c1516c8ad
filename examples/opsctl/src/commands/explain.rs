//! `opsctl explain`: what a rule checks, why, and how to fix it; or the list
//! of rules.

use std::path::PathBuf;

use anyhow::{Result, bail};
use ops_core::{Rule, Runner};
use serde_json::{Value, json};

use crate::shared::{self, AnalysisFormat, plugins};

/// Arguments of `opsctl explain`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// A rule id such as `inventory/departed-owner` or `plugin:zone-spof/zone-loss`.
    pub(crate) rule: Option<String>,
    /// Also list and explain the rules of this WebAssembly plugin (repeatable).
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub(crate) plugins: Vec<PathBuf>,
    /// Compile plugins afresh instead of using the cache of compiled plugins.
    #[arg(long)]
    pub(crate) no_plugin_cache: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

/// The list, or one rule's documentation; exit 2 for an unknown rule.
pub(crate) fn run(args: &ExplainArgs) -> Result<u8> {
    let mut runner = Runner::with_builtin_checks();
    let configs = vec![None; args.plugins.len()];
    for plugin in plugins::load(&args.plugins, configs, args.no_plugin_cache)? {
        runner.add(Box::new(plugin?));
    }
    let Some(id) = args.rule.as_deref() else {
        match args.format {
            AnalysisFormat::Text => {
                let width = runner.rules().map(|r| r.id().len()).max().unwrap_or(0).max(36);
                let list: String = runner
                    .rules()
                    .map(|r| format!("{:<width$} {:<8} {}\n", r.id(), r.default_severity(), r.summary()))
                    .collect();
                shared::emit_untrusted(None, &list)?;
            }
            AnalysisFormat::Json => {
                let rules: Vec<Value> = runner.rules().map(rule_json).collect();
                shared::emit_json(None, &json!({"rules": rules}))?;
            }
        }
        return Ok(0);
    };
    match runner.rules().find(|r| r.id() == id) {
        Some(r) => {
            match args.format {
                AnalysisFormat::Text => {
                    let mut doc = format!(
                        "# {}\n\n{} (default severity: {})\n",
                        r.id(),
                        r.summary(),
                        r.default_severity()
                    );
                    if !r.explanation().is_empty() {
                        doc += &format!("\n{}\n", r.explanation());
                    }
                    shared::emit_untrusted(None, &doc)?;
                }
                AnalysisFormat::Json => shared::emit_json(None, &rule_json(r))?,
            }
            Ok(0)
        }
        None if let Some((_, new)) = ops_core::builtin::RENAMED.iter().find(|(old, _)| *old == id) => {
            bail!("rule '{id}' was renamed to '{new}'; `opsctl explain {new}` documents it")
        }
        None if id.starts_with("plugin:") && args.plugins.is_empty() => {
            bail!("unknown rule '{id}': plugin rules are listed with `opsctl explain --plugin FILE.wasm`")
        }
        None => bail!("unknown rule '{id}'; `opsctl explain` lists every rule"),
    }
}

/// A rule for programs: `id`, `default_severity`, `summary` and
/// `explanation` (Markdown, "" when there is none).
pub(crate) fn rule_json(r: &Rule) -> Value {
    json!({
        "id": r.id(),
        "default_severity": r.default_severity().as_str(),
        "summary": r.summary(),
        "explanation": r.explanation(),
    })
}
