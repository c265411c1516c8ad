//! Loading WebAssembly check plugins: `--plugin` and `--plugin-config` of
//! `opsctl check`, `opsctl explain --plugin`, `opsctl plugin inspect`.

use std::path::PathBuf;

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
pub(crate) fn host(no_cache: bool) -> Result<PluginHost> {
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
