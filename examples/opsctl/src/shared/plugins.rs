//! Loading WebAssembly check plugins: `--plugin` and `--plugin-config` of
//! `opsctl check`, `opsctl explain --plugin`, `opsctl plugin inspect`.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::ArgMatches;
use ops_core::Check;
use ops_plugins::{FailedPlugin, HostConfig, PluginError, PluginHost, WasmCheck};

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

/// The most the plugin cache may hold: $OPS_PLUGIN_CACHE_MAX_MB MiB, if set.
fn cache_max_bytes() -> Result<Option<u64>> {
    const VAR: &str = "OPS_PLUGIN_CACHE_MAX_MB";
    let Some(value) = std::env::var_os(VAR).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    value
        .to_str()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .and_then(|mib| mib.checked_mul(1 << 20))
        .map(Some)
        .with_context(|| format!("{VAR}={}: expected a whole number of MiB", value.to_string_lossy()))
}

/// A plugin host, caching compiled plugins unless `no_cache`, the cache
/// bounded by $OPS_PLUGIN_CACHE_MAX_MB (default: the host's, 1 GiB).
pub(crate) fn host(no_cache: bool) -> Result<PluginHost> {
    let mut config = HostConfig::default();
    config.cache_dir = if no_cache { None } else { cache_dir() };
    if let Some(max) = cache_max_bytes()? {
        config.cache_max_bytes = max;
    }
    Ok(PluginHost::with_config(config)?)
}

/// Loads every plugin, each with its configuration, one result per plugin
/// in order: a plugin that does not load (or declares a name another one
/// declares) is that plugin's error, not the end of the run. Only what is
/// the user's to fix stops it: a configuration file that cannot be read, a
/// host that cannot start.
pub(crate) fn load(
    plugins: &[PathBuf],
    configs: Vec<Option<PathBuf>>,
    no_cache: bool,
) -> Result<Vec<Result<WasmCheck, PluginError>>> {
    if plugins.is_empty() {
        return Ok(Vec::new());
    }
    let texts = configs
        .into_iter()
        .map(|config| {
            config
                .map(|path| {
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read plugin configuration {}", path.display()))
                })
                .transpose()
        })
        .collect::<Result<Vec<Option<String>>>>()?;
    let host = host(no_cache)?;
    Ok(host
        .load_files(plugins)
        .into_iter()
        .zip(texts)
        .map(|(loaded, text)| match text {
            Some(text) => loaded.map(|check| check.with_config(text)),
            None => loaded,
        })
        .collect())
}

/// The plugins of `opsctl check` as checks: each that did not load is a
/// [`FailedPlugin`], so its failure is reported beside every other check's
/// results instead of stopping them.
pub(crate) fn checks(plugins: &[PathBuf], loaded: Vec<Result<WasmCheck, PluginError>>) -> Vec<Box<dyn Check>> {
    plugins
        .iter()
        .zip(loaded)
        .map(|(path, loaded)| -> Box<dyn Check> {
            match loaded {
                Ok(check) => Box::new(check),
                Err(error) => Box::new(FailedPlugin::new(path.display().to_string(), error)),
            }
        })
        .collect()
}
