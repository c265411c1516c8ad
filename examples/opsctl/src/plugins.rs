//! `--plugin` for `opsctl check`, and `opsctl plugin inspect`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::ArgMatches;
use ops_plugins::{HostConfig, PluginHost, WasmCheck};

/// For each `--plugin`, the `--plugin-config` given after it and before the
/// next `--plugin`, if any.
pub(crate) fn pair_configs(
    check: Option<&ArgMatches>,
    plugins: &[PathBuf],
    configs: &[PathBuf],
) -> Result<Vec<Option<PathBuf>>> {
    let mut paired = vec![None; plugins.len()];
    let Some(m) = check else {
        return Ok(paired);
    };
    let plugin_at: Vec<usize> = m.indices_of("plugins").map(Iterator::collect).unwrap_or_default();
    let config_at: Vec<usize> = m
        .indices_of("plugin_configs")
        .map(Iterator::collect)
        .unwrap_or_default();
    for (config, at) in configs.iter().zip(config_at) {
        let Some(owner) = plugin_at.iter().rposition(|&p| p < at) else {
            bail!(
                "--plugin-config {} comes before any --plugin: put it after the plugin it configures",
                config.display()
            );
        };
        if paired[owner].is_some() {
            bail!(
                "--plugin {} has more than one --plugin-config",
                plugins[owner].display()
            );
        }
        paired[owner] = Some(config.clone());
    }
    Ok(paired)
}

/// Where compiled plugins are cached: $OPS_PLUGIN_CACHE, else
/// $XDG_CACHE_HOME/ops/plugins, else ~/.cache/ops/plugins; none if no
/// variable says.
fn cache_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("OPS_PLUGIN_CACHE")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("ops/plugins")))
        .or_else(|| var("HOME").map(|d| d.join(".cache/ops/plugins")))
}

/// A plugin host, caching compiled plugins unless `no_cache`.
fn host(no_cache: bool) -> Result<PluginHost> {
    let mut config = HostConfig::default();
    config.cache_dir = if no_cache { None } else { cache_dir() };
    Ok(PluginHost::with_config(config)?)
}

/// Loads every plugin, with its configuration.
pub(crate) fn load(plugins: &[PathBuf], configs: Vec<Option<PathBuf>>, no_cache: bool) -> Result<Vec<WasmCheck>> {
    if plugins.is_empty() {
        return Ok(Vec::new());
    }
    let host = host(no_cache)?;
    let mut checks = Vec::with_capacity(plugins.len());
    for (path, config) in plugins.iter().zip(configs) {
        let mut check = host.load_file(path)?;
        if let Some(config) = config {
            let text = std::fs::read_to_string(&config)
                .with_context(|| format!("cannot read plugin configuration {}", config.display()))?;
            check = check.with_config(text);
        }
        checks.push(check);
    }
    Ok(checks)
}

/// `opsctl plugin inspect FILE`.
pub(crate) fn inspect(file: &Path) -> Result<u8> {
    let wasm = std::fs::read(file).with_context(|| format!("cannot read plugin {}", file.display()))?;
    let info = host(false)?.inspect(&file.display().to_string(), &wasm)?;
    let mut out = String::new();
    if let Some(m) = &info.metadata {
        out += &format!("plugin:   {} {}\n", m.name, m.version);
        out += &format!("check:    plugin:{}\n", m.name);
        out += "rules:\n";
        for r in &m.rules {
            out += &format!("  {:<40} {:<8} {}\n", r.id, r.default_severity.as_str(), r.summary);
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
    crate::write::emit(None, &out)?;
    match info.load_error {
        None => Ok(0),
        Some(e) => bail!("{e}"),
    }
}
