//! The engine, its epoch ticker, the linker, and loading plugins.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, Store, Trap};

use crate::bindings;
use crate::cache;
use crate::check::{PluginMetadata, WasmCheck};
use crate::lend::Lent;
use crate::state::RunState;
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

/// What a host and all its checks share.
pub(crate) struct HostInner {
    pub(crate) engine: Engine,
    /// The pool in use, if the pooling allocator could be set up.
    pub(crate) pooling: Option<Pooling>,
    linker: Linker<RunState>,
    pub(crate) config: HostConfig,
    ticker: Ticker,
}

impl std::fmt::Debug for HostInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostInner")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
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
        let (engine, pooling) = match &config.pooling {
            // The pool reserves its address space up front; where that is
            // refused, run without it rather than not at all.
            Some(pool) => match Engine::new(&engine_config(&config, Some(pool))) {
                Ok(engine) => (engine, Some(pool.clone())),
                Err(_) => (
                    Engine::new(&engine_config(&config, None)).map_err(|e| PluginError::Engine(e.to_string()))?,
                    None,
                ),
            },
            None => (
                Engine::new(&engine_config(&config, None)).map_err(|e| PluginError::Engine(e.to_string()))?,
                None,
            ),
        };
        let mut linker = Linker::new(&engine);
        // Only the ops imports: no WASI, so a plugin has no files, network,
        // clock, environment or randomness.
        bindings::Check::add_to_linker::<RunState, HasSelf<RunState>>(&mut linker, |s| s)
            .map_err(|e| PluginError::Engine(e.to_string()))?;
        let ticker = Ticker::start(engine.clone(), config.epoch_tick)
            .map_err(|e| PluginError::Engine(format!("cannot start the epoch ticker thread: {e}")))?;
        Ok(PluginHost {
            inner: Arc::new(HostInner {
                engine,
                pooling,
                linker,
                config,
                ticker,
            }),
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

    /// Loads the plugin in `path` with the default [`PluginLimits`].
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

    /// Loads a plugin from the bytes of a WebAssembly component, with the
    /// default [`PluginLimits`]. `label` names it in errors until its metadata is
    /// known (a file name, say).
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
                import,
            });
        }
        let incompatible = |e: wasmtime::Error| PluginError::Incompatible {
            plugin: label.to_owned(),
            message: format!("{e:#}"),
        };
        let pre = self.inner.linker.instantiate_pre(&component).map_err(incompatible)?;
        let pre = bindings::CheckPre::new(pre).map_err(incompatible)?;
        let raw = call(&self.inner, &pre, &limits, None, |check, store| {
            check.ops_plugin_plugin().call_metadata(store)
        })
        .map_err(|stop| PluginError::Metadata {
            plugin: label.to_owned(),
            message: stop.describe(&limits, &self.inner.config),
        })?;
        let metadata = PluginMetadata::validate(raw, &limits).map_err(|message| PluginError::InvalidMetadata {
            plugin: label.to_owned(),
            message,
        })?;
        Ok(WasmCheck::new(
            Arc::clone(&self.inner),
            pre,
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
            Some(dir) => cache::load_or_compile(engine, dir, wasm),
            None => Component::new(engine, wasm).map(|c| (c, cache::Outcome::Compiled)),
        }
        .map_err(|e| PluginError::InvalidComponent {
            plugin: label.to_owned(),
            message: format!("{e:#}"),
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

fn engine_config(config: &HostConfig, pooling: Option<&Pooling>) -> wasmtime::Config {
    let mut c = wasmtime::Config::new();
    c.wasm_component_model(true);
    // Epoch interruption costs a few percent where fuel costs about a third.
    c.epoch_interruption(true);
    c.max_wasm_stack(config.max_wasm_stack);
    if let Some(pool) = pooling {
        // Small totals: wasmtime's defaults (1,000 instances, 4 GiB memories)
        // reserve terabytes of address space. A plugin is one component
        // instance of a few core instances (its module and the component
        // linker's shims) with one memory.
        let runs = pool.max_concurrent_runs.max(1);
        let mut p = wasmtime::PoolingAllocationConfig::new();
        p.total_component_instances(runs)
            .total_core_instances(runs.saturating_mul(8))
            .total_memories(runs)
            .total_tables(runs.saturating_mul(4))
            .max_memory_size(pool.max_memory);
        c.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(p));
    }
    c
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

fn is_provided(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("ops:plugin/") else {
        return false;
    };
    let (interface, version) = rest.split_once('@').unwrap_or((rest, ""));
    PROVIDED.contains(&interface) && version.starts_with("0.1.")
}

/// Why a call did not return.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The epoch deadline passed.
    Cpu,
    /// Memory growth past the limit was refused.
    Memory { requested: usize, cap: usize },
    /// The wasm stack overflowed.
    Stack,
    /// The guest panicked (trapped with a panic message logged first).
    Panic(String),
    /// Another trap or error.
    Trap(String),
}

impl Stop {
    /// Whether it is a resource limit rather than a failure of the plugin's code.
    pub(crate) fn is_limit(&self) -> bool {
        matches!(self, Stop::Cpu | Stop::Memory { .. } | Stop::Stack)
    }

    pub(crate) fn describe(&self, limits: &PluginLimits, config: &HostConfig) -> String {
        match self {
            Stop::Cpu => format!("exceeded its CPU time budget of {} ms", limits.cpu_time.as_millis()),
            Stop::Memory { requested, cap } => format!(
                "exceeded its memory limit of {} KiB (asked for {} KiB)",
                cap >> 10,
                requested >> 10
            ),
            Stop::Stack => format!(
                "exhausted its stack (max_wasm_stack {} KiB): runaway recursion?",
                config.max_wasm_stack >> 10
            ),
            Stop::Panic(message) => format!("panicked: {message}"),
            Stop::Trap(message) => format!("trapped: {message}"),
        }
    }
}

/// Instantiates `pre` in a fresh store (a trapped instance cannot be entered
/// again, and a fresh store is cheap) and calls `f` within `limits`.
pub(crate) fn call<R>(
    host: &HostInner,
    pre: &bindings::CheckPre<RunState>,
    limits: &PluginLimits,
    lent: Option<Lent>,
    f: impl FnOnce(&bindings::Check, &mut Store<RunState>) -> wasmtime::Result<R>,
) -> Result<R, Stop> {
    let _active = host.ticker.activate();
    let mut store = Store::new(&host.engine, RunState::new(limits, host.pooling.as_ref(), lent));
    store.limiter(|s| &mut s.limiter);
    store.set_epoch_deadline(deadline_ticks(limits.cpu_time, host.config.epoch_tick));
    store.epoch_deadline_trap();
    let result = pre.instantiate(&mut store).and_then(|check| f(&check, &mut store));
    result.map_err(|e| classify(&e, store.data()))
}

/// The budget in ticks, rounded up, at least one.
fn deadline_ticks(budget: Duration, tick: Duration) -> u64 {
    let tick = tick.as_nanos().max(1);
    u64::try_from(budget.as_nanos().div_ceil(tick))
        .unwrap_or(u64::MAX)
        .max(1)
}

fn classify(e: &wasmtime::Error, state: &RunState) -> Stop {
    if let Some(requested) = state.limiter.memory_refused {
        return Stop::Memory {
            requested,
            cap: state.limiter.memory_cap(),
        };
    }
    let trap = e
        .downcast_ref::<Trap>()
        .or_else(|| e.root_cause().downcast_ref::<Trap>())
        .copied();
    match trap {
        Some(Trap::Interrupt) => Stop::Cpu,
        Some(Trap::StackOverflow) => Stop::Stack,
        Some(Trap::UnreachableCodeReached) => match state.last_error() {
            Some(message) => Stop::Panic(message.to_owned()),
            None => Stop::Trap(Trap::UnreachableCodeReached.to_string()),
        },
        Some(t) => Stop::Trap(t.to_string()),
        None => Stop::Trap(e.root_cause().to_string()),
    }
}

/// A thread advancing the engine's epoch while any call runs; parked otherwise.
struct Ticker {
    shared: Arc<TickerShared>,
    thread: Option<JoinHandle<()>>,
}

struct TickerShared {
    active: AtomicUsize,
    stop: AtomicBool,
}

/// Keeps the ticker running while it lives.
pub(crate) struct Active<'a>(&'a Ticker);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.shared.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Ticker {
    fn start(engine: Engine, tick: Duration) -> std::io::Result<Ticker> {
        let shared = Arc::new(TickerShared {
            active: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("ops-plugins-epoch".to_owned())
            .spawn(move || {
                while !theirs.stop.load(Ordering::SeqCst) {
                    if theirs.active.load(Ordering::SeqCst) == 0 {
                        // Idle: nothing to interrupt. `activate` unparks us.
                        std::thread::park_timeout(Duration::from_secs(1));
                    } else {
                        std::thread::sleep(tick);
                        engine.increment_epoch();
                    }
                }
            })?;
        Ok(Ticker {
            shared,
            thread: Some(thread),
        })
    }

    fn activate(&self) -> Active<'_> {
        self.shared.active.fetch_add(1, Ordering::SeqCst);
        if let Some(t) = &self.thread {
            t.thread().unpark();
        }
        Active(self)
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}
