//! `PluginHost`: loading plugins, and inspecting them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::Engine;
use wasmtime::component::Component;

use crate::bindings;
use crate::cache;
use crate::check::{PluginMetadata, WasmCheck};
use crate::engine::{self, HostInner};
use crate::quote::{MAX_MESSAGE, MAX_QUOTED, cut};
use crate::{HostConfig, PluginError, PluginLimits, Pooling};

/// The interfaces of `ops:plugin` a plugin may import.
const PROVIDED: &[&str] = &[
    "types",
    "inventory",
    "analysis",
    "backups",
    "access",
    "incidents",
    "log",
];

/// Loads plugins and runs them in a sandbox.
///
/// One host holds one wasmtime engine (compiled code, settings) and a thread
/// that advances the engine's epoch for CPU budgets. It is cheap to clone and
/// can be shared across threads; every [`WasmCheck`] it loads keeps what it
/// needs alive, so checks may outlive the host value.
///
/// ```no_run
/// use ops_core::{Inventory, Runner};
/// use ops_plugins::PluginHost;
///
/// let host = PluginHost::new()?;
/// let check = host.load_file("zone_spof.wasm".as_ref())?;
/// let mut runner = Runner::with_builtin_checks();
/// runner.add(Box::new(check));
/// let report = runner.run(&Inventory::load(&["inventory/"])?, "2026-11-22T09:00:00Z".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct PluginHost {
    inner: Arc<HostInner>,
}

impl PluginHost {
    /// A host with the default [`HostConfig`].
    ///
    /// # Errors
    /// [`PluginError::Engine`] if the engine cannot be created.
    pub fn new() -> Result<PluginHost, PluginError> {
        PluginHost::with_config(HostConfig::default())
    }

    /// A host with `config`.
    ///
    /// # Errors
    /// [`PluginError::Engine`] if the engine cannot be created.
    pub fn with_config(config: HostConfig) -> Result<PluginHost, PluginError> {
        Ok(PluginHost {
            inner: Arc::new(HostInner::new(config)?),
        })
    }

    /// The settings this host was created with.
    pub fn config(&self) -> &HostConfig {
        &self.inner.config
    }

    /// The pool runs take their instances from, or `None` when they
    /// allocate on demand ([`HostConfig::pooling`] was `None`, or the pool
    /// could not be reserved).
    pub fn pooling(&self) -> Option<&Pooling> {
        self.inner.pooling.as_ref()
    }

    /// Loads the plugin in `path` with the default [`PluginLimits`]. Its
    /// label, which names it in errors, is the path as given.
    ///
    /// # Errors
    /// See [`PluginHost::load`]; also [`PluginError::Io`].
    pub fn load_file(&self, path: &Path) -> Result<WasmCheck, PluginError> {
        let wasm = std::fs::read(path).map_err(|source| PluginError::Io {
            path: path.to_owned(),
            source,
        })?;
        self.load(&path.display().to_string(), &wasm)
    }

    /// Every plugin in `paths`, loaded as [`PluginHost::load_file`] does, one
    /// result per path in order: the plugins of one run. One that does not
    /// load does not stop the others. Two that declare the same name are
    /// both refused with [`PluginError::DuplicateName`], each naming the
    /// other's file: their rule ids would clash, and which of them is the
    /// real one is not the host's to guess.
    ///
    /// Wrap the errors in [`FailedPlugin`](crate::FailedPlugin)s to report
    /// them beside the other checks' results.
    pub fn load_files(&self, paths: &[PathBuf]) -> Vec<Result<WasmCheck, PluginError>> {
        let mut loaded: Vec<Result<WasmCheck, PluginError>> = paths.iter().map(|p| self.load_file(p)).collect();
        // (position, label) of the plugins that loaded, by declared name.
        let mut by_name: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        for (i, result) in loaded.iter().enumerate() {
            if let Ok(check) = result {
                let same = by_name.entry(check.metadata().name.clone()).or_default();
                same.push((i, check.label().to_owned()));
            }
        }
        for (name, same) in by_name {
            for (i, label) in &same {
                // Named after the first other plugin declaring the name.
                let Some((_, other)) = same.iter().find(|(j, _)| j != i) else {
                    continue;
                };
                loaded[*i] = Err(PluginError::DuplicateName {
                    plugin: label.clone(),
                    name: name.clone(),
                    other: other.clone(),
                });
            }
        }
        loaded
    }

    /// Loads a plugin from the bytes of a WebAssembly component, with the
    /// default [`PluginLimits`]. `label` names it in errors, before the name
    /// it declares (a file name, say: what the host knows it by).
    ///
    /// # Errors
    /// [`PluginError`] when the bytes are not a component, import anything
    /// but the ops interfaces, do not implement the `check` world, or their
    /// `metadata()` fails or is malformed.
    pub fn load(&self, label: &str, wasm: &[u8]) -> Result<WasmCheck, PluginError> {
        self.load_with_limits(label, wasm, PluginLimits::default())
    }

    /// Like [`PluginHost::load`], with `limits` for this plugin (they apply to
    /// `metadata()` here and to every later run).
    ///
    /// # Errors
    /// As for [`PluginHost::load`].
    pub fn load_with_limits(&self, label: &str, wasm: &[u8], limits: PluginLimits) -> Result<WasmCheck, PluginError> {
        let (component, outcome) = self.compile(label, wasm)?;
        let refused = refused_imports(&self.inner.engine, &component);
        if let Some(import) = refused.into_iter().next() {
            return Err(PluginError::UnknownImport {
                plugin: label.to_owned(),
                import: cut(&import, MAX_QUOTED),
            });
        }
        let incompatible = |e: wasmtime::Error| PluginError::Incompatible {
            plugin: label.to_owned(),
            message: cut(&format!("{e:#}"), MAX_MESSAGE),
        };
        let pre = self.inner.linker.instantiate_pre(&component).map_err(incompatible)?;
        let pre = bindings::CheckPre::new(pre).map_err(incompatible)?;
        let raw = engine::call(&self.inner, &pre, &limits, None, |check, store| {
            check.ops_plugin_plugin().call_metadata(store)
        })
        .map_err(|stopped| PluginError::Metadata {
            plugin: label.to_owned(),
            message: cut(&stopped.describe(&limits, &self.inner.config), MAX_MESSAGE),
        })?;
        let metadata = PluginMetadata::validate(raw, &limits).map_err(|message| PluginError::InvalidMetadata {
            plugin: label.to_owned(),
            message,
        })?;
        Ok(WasmCheck::new(
            Arc::clone(&self.inner),
            pre,
            label.to_owned(),
            metadata,
            limits,
            outcome == cache::Outcome::Hit,
        ))
    }

    /// What a component imports and exports, whether this host would load
    /// it, and its metadata if it loads.
    ///
    /// # Errors
    /// [`PluginError::InvalidComponent`] when the bytes are not a component;
    /// other problems are reported in the [`PluginInfo`].
    pub fn inspect(&self, label: &str, wasm: &[u8]) -> Result<PluginInfo, PluginError> {
        let (component, _) = self.compile(label, wasm)?;
        let ty = component.component_type();
        let engine = &self.inner.engine;
        let imports: Vec<String> = ty.imports(engine).map(|(name, _)| name.to_owned()).collect();
        let exports: Vec<String> = ty.exports(engine).map(|(name, _)| name.to_owned()).collect();
        let refused_imports = refused_imports(engine, &component);
        let (metadata, load_error) = match self.load(label, wasm) {
            Ok(check) => (Some(check.metadata().clone()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(PluginInfo {
            imports,
            exports,
            refused_imports,
            metadata,
            load_error,
        })
    }

    fn compile(&self, label: &str, wasm: &[u8]) -> Result<(Component, cache::Outcome), PluginError> {
        let engine = &self.inner.engine;
        match &self.inner.config.cache_dir {
            Some(dir) => cache::load_or_compile(engine, dir, self.inner.config.cache_max_bytes, wasm),
            None => Component::new(engine, wasm).map(|c| (c, cache::Outcome::Compiled)),
        }
        .map_err(|e| PluginError::InvalidComponent {
            plugin: label.to_owned(),
            message: cut(&format!("{e:#}"), MAX_MESSAGE),
        })
    }
}

/// What [`PluginHost::inspect`] found.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PluginInfo {
    /// Every import of the component, by name.
    pub imports: Vec<String>,
    /// Every export, by name.
    pub exports: Vec<String>,
    /// Imports this host does not provide (WASI, say). Empty means the
    /// plugin is sandbox-clean: it can reach nothing but the ops interfaces.
    pub refused_imports: Vec<String>,
    /// The plugin's metadata, if it loads.
    pub metadata: Option<PluginMetadata>,
    /// Why it does not load, if it does not.
    pub load_error: Option<String>,
}

/// Imports of `component` this host does not define: anything outside
/// `ops:plugin/{types,inventory,analysis,backups,access,incidents,log}@0.1.*`.
fn refused_imports(engine: &Engine, component: &Component) -> Vec<String> {
    component
        .component_type()
        .imports(engine)
        .filter(|(name, _)| !is_provided(name))
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// Whether import `name` is one of [`PROVIDED`] at a 0.1.x version.
fn is_provided(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("ops:plugin/") else {
        return false;
    };
    let (interface, version) = rest.split_once('@').unwrap_or((rest, ""));
    PROVIDED.contains(&interface) && version.starts_with("0.1.")
}
