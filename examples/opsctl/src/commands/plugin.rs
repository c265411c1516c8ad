//! `opsctl plugin`: WebAssembly check plugins; `inspect` shows what one is.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use ops_plugins::PluginInfo;
use serde_json::{Value, json};

use crate::shared::{self, AnalysisFormat, plugins};

/// The plugin subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PluginCommand {
    /// Show a plugin's metadata and rules, what it imports, and whether it is
    /// sandbox-clean (imports nothing but the ops interfaces).
    #[command(after_help = "Exit codes: 0 the plugin loads, 2 it does not.\n\n\
        Example:\n  opsctl plugin inspect examples/plugins/target/wasm32-unknown-unknown/release/zone_spof.wasm")]
    Inspect(InspectArgs),
}

/// Arguments of `opsctl plugin inspect`.
#[derive(Debug, clap::Args)]
pub(crate) struct InspectArgs {
    /// The plugin's WebAssembly component.
    pub(crate) file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

/// Runs a plugin subcommand.
pub(crate) fn run(command: PluginCommand) -> Result<u8> {
    match command {
        PluginCommand::Inspect(args) => inspect(&args),
    }
}

/// `opsctl plugin inspect FILE`: exit 0 if the plugin loads, 2 (after the
/// report) if it does not.
fn inspect(args: &InspectArgs) -> Result<u8> {
    let file = &args.file;
    let wasm = std::fs::read(file).with_context(|| format!("cannot read plugin {}", file.display()))?;
    let info = plugins::host(false)?.inspect(&file.display().to_string(), &wasm)?;
    match args.format {
        AnalysisFormat::Text => shared::emit_untrusted(None, &text(&info))?,
        AnalysisFormat::Json => shared::emit_json(None, &to_json(file, &info))?,
    }
    match info.load_error {
        None => Ok(0),
        Some(e) => bail!("{e}"),
    }
}

/// The report for people.
fn text(info: &PluginInfo) -> String {
    let mut out = String::new();
    if let Some(m) = &info.metadata {
        out += &format!("plugin:   {} {}\n", m.name, m.version);
        out += &format!("check:    plugin:{}\n", m.name);
        out += "rules:\n";
        for r in &m.rules {
            out += &format!(
                "  {:<40} {:<8} {}\n",
                r.id(),
                r.default_severity().as_str(),
                r.summary()
            );
        }
        if let Some(schema) = &m.config_schema {
            out += &format!("config:   {schema}\n");
        }
    }
    out += "imports:\n";
    for i in &info.imports {
        let refused = info.refused_imports.contains(i);
        out += &format!("  {i}{}\n", if refused { "   (not provided by this host)" } else { "" });
    }
    out += "exports:\n";
    for e in &info.exports {
        out += &format!("  {e}\n");
    }
    out += &format!(
        "sandbox:  {}\n",
        if info.refused_imports.is_empty() {
            "clean (imports only ops:plugin interfaces: no files, network, clock, environment or randomness)"
        } else {
            "NOT clean: imports interfaces this host does not provide"
        }
    );
    out
}

/// The documented JSON document.
fn to_json(file: &Path, info: &PluginInfo) -> Value {
    let plugin = info.metadata.as_ref().map(|m| {
        json!({
            "name": m.name,
            "version": m.version,
            "check": format!("plugin:{}", m.name),
            "rules": m.rules.iter().map(super::explain::rule_json).collect::<Vec<_>>(),
            "config_schema": m.config_schema,
        })
    });
    json!({
        "file": file.display().to_string(),
        "plugin": plugin,
        "imports": info.imports,
        "exports": info.exports,
        "refused_imports": info.refused_imports,
        "sandbox_clean": info.refused_imports.is_empty(),
        "load_error": info.load_error,
    })
}
