//! The wasmtime engine, its epoch ticker and linker, and one sandboxed call.
//!
//! Both the loader (`PluginHost`, which calls a plugin's `metadata()`) and
//! each loaded check (which calls its `run()`) go through [`call`]; keeping
//! it here, apart from both, lets them depend on it without depending on
//! each other.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Engine, Store, Trap};

use crate::bindings;
use crate::budget;
use crate::lend::Lent;
use crate::quote::{MAX_MESSAGE, cut};
use crate::state::RunState;
use crate::{HostConfig, PluginError, PluginLimits, Pooling};

/// What a host and all its checks share.
pub(crate) struct HostInner {
    /// Compiled code and settings, one per host.
    pub(crate) engine: Engine,
    /// The pool in use, if the pooling allocator could be set up.
    pub(crate) pooling: Option<Pooling>,
    /// Defines the ops imports, and nothing else.
    pub(crate) linker: Linker<RunState>,
    /// The settings the host was created with.
    pub(crate) config: HostConfig,
    /// Advances the engine's epoch while calls run.
    ticker: Ticker,
}

impl std::fmt::Debug for HostInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostInner")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HostInner {
    /// The engine, linker and ticker for `config`.
    ///
    /// # Errors
    /// [`PluginError::Engine`] if the engine cannot be created.
    pub(crate) fn new(config: HostConfig) -> Result<HostInner, PluginError> {
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
        Ok(HostInner {
            engine,
            pooling,
            linker,
            config,
            ticker,
        })
    }
}

/// wasmtime's settings for a host: the component model, epoch interruption
/// for CPU budgets, the stack cap and, with `pooling`, a small pool.
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
        // Where Linux can say which pages a run wrote (the PAGEMAP_SCAN
        // ioctl, 6.7 and later), reset a slot by copying back only those
        // pages, up to `keep_resident` bytes, and keep them mapped: an empty
        // run then takes no page faults and makes no `madvise` call. Past
        // the limit the rest is decommitted as before. Without the ioctl,
        // keeping memory resident would `memset` that much on every run
        // (BENCHMARKS.md 5.1), so it is left off.
        if pool.keep_resident > 0 && wasmtime::PoolingAllocationConfig::is_pagemap_scan_available() {
            p.pagemap_scan(wasmtime::Enabled::Auto)
                .linear_memory_keep_resident(pool.keep_resident)
                .table_keep_resident(pool.keep_resident);
        }
        c.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(p));
    }
    c
}

/// Why a call did not return.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The CPU budget ran out: in wasm code (the epoch deadline), or in the
    /// host call named (which checks the deadline itself).
    Cpu(Option<&'static str>),
    /// The plugin made the host copy more than the per-call copy cap (of
    /// this many bytes) out of its memory in one call.
    Copy(usize),
    /// Memory growth past the limit was refused.
    Memory {
        /// The total the refused growth asked for, in bytes.
        requested: usize,
        /// The cap it would have passed, in bytes.
        cap: usize,
    },
    /// The wasm stack overflowed.
    Stack,
    /// The run's output (here, its log) passed its budget, of this many bytes.
    Output(usize),
    /// The guest panicked (trapped with a panic message logged first).
    Panic(String),
    /// Another trap or error.
    Trap(String),
}

impl Stop {
    /// Whether it is a resource limit rather than a failure of the plugin's code.
    pub(crate) fn is_limit(&self) -> bool {
        matches!(
            self,
            Stop::Cpu(_) | Stop::Copy(_) | Stop::Memory { .. } | Stop::Stack | Stop::Output(_)
        )
    }

    /// What happened, for an error message that names the plugin before it.
    pub(crate) fn describe(&self, limits: &PluginLimits, config: &HostConfig) -> String {
        match self {
            Stop::Cpu(None) => format!("exceeded its CPU time budget of {} ms", limits.cpu_time.as_millis()),
            Stop::Cpu(Some(call)) => format!(
                "exceeded its CPU time budget of {} ms (in host call {call})",
                limits.cpu_time.as_millis()
            ),
            Stop::Copy(cap) => format!(
                "made the host copy more than its cap of {} KiB out of its memory in one call \
                 (a host call's arguments, or run's result)",
                cap >> 10
            ),
            Stop::Memory { requested, cap } => format!(
                "exceeded its memory limit of {} KiB (asked for {} KiB)",
                cap >> 10,
                requested >> 10
            ),
            Stop::Stack => format!(
                "exhausted its stack (max_wasm_stack {} KiB): runaway recursion?",
                config.max_wasm_stack >> 10
            ),
            Stop::Output(limit) => budget::exceeded(*limit),
            Stop::Panic(message) => format!("panicked: {message}"),
            Stop::Trap(message) => format!("trapped: {message}"),
        }
    }
}

/// Why a call did not return, and whether it stopped while the component
/// was being instantiated (its initialisers run then) or in the call itself.
#[derive(Debug)]
pub(crate) struct Stopped {
    /// What stopped it.
    pub(crate) stop: Stop,
    /// Whether it stopped while instantiating, before the call began.
    pub(crate) starting: bool,
}

impl Stopped {
    /// What happened, for an error message that names the plugin before it.
    pub(crate) fn describe(&self, limits: &PluginLimits, config: &HostConfig) -> String {
        let what = self.stop.describe(limits, config);
        if self.starting {
            format!("{what} while starting (in its initialiser, before any export ran)")
        } else {
            what
        }
    }
}

/// Instantiates `pre` in a fresh store (a trapped instance cannot be entered
/// again, and a fresh store is cheap) and calls `f` within `limits`. The
/// CPU budget covers instantiation too: a component's initialiser that never
/// returns is stopped like a loop in `run`.
pub(crate) fn call<R>(
    host: &HostInner,
    pre: &bindings::CheckPre<RunState>,
    limits: &PluginLimits,
    lent: Option<Lent>,
    f: impl FnOnce(&bindings::Check, &mut Store<RunState>) -> wasmtime::Result<R>,
) -> Result<R, Stopped> {
    let _active = host.ticker.activate();
    let mut store = Store::new(&host.engine, RunState::new(limits, host.pooling.as_ref(), lent));
    store.limiter(|s| &mut s.limiter);
    store.set_epoch_deadline(deadline_ticks(limits.cpu_time, host.config.epoch_tick));
    store.epoch_deadline_trap();
    // The copy cap (wasmtime's "hostcall fuel", 128 MiB unless set): bytes
    // the host may copy out of the plugin's memory in one host call's
    // arguments, or in `run`'s result. The plugin's memory cap: a plugin
    // passing one buffer as several arguments (or one string in every
    // finding) cannot make the host copy more than it could hold.
    store.set_hostcall_fuel(store.data().limiter.memory_cap());
    let check = pre.instantiate(&mut store).map_err(|e| Stopped {
        stop: classify(&e, store.data()),
        starting: true,
    })?;
    f(&check, &mut store).map_err(|e| Stopped {
        stop: classify(&e, store.data()),
        starting: false,
    })
}

/// What wasmtime says when a call's copy cap is spent (its
/// `HostcallFuelExhausted`, a private type).
const COPY_CAP_EXHAUSTED: &str = "fuel allocated for hostcalls has been exhausted";

/// The budget in ticks, rounded up, at least one.
fn deadline_ticks(budget: Duration, tick: Duration) -> u64 {
    let tick = tick.as_nanos().max(1);
    u64::try_from(budget.as_nanos().div_ceil(tick))
        .unwrap_or(u64::MAX)
        .max(1)
}

/// Why the call that ended in `e` stopped. The limiter's record comes first:
/// a refused memory growth surfaces as an ordinary error, not as a trap.
fn classify(e: &wasmtime::Error, state: &RunState) -> Stop {
    if state.over_budget {
        return Stop::Output(state.budget.limit());
    }
    if let Some(call) = state.out_of_time_in.get() {
        return Stop::Cpu(Some(call));
    }
    // wasmtime's error for an exhausted copy cap has no public type.
    if e.root_cause().to_string().contains(COPY_CAP_EXHAUSTED) {
        return Stop::Copy(state.limiter.memory_cap());
    }
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
        Some(Trap::Interrupt) => Stop::Cpu(None),
        Some(Trap::StackOverflow) => Stop::Stack,
        Some(Trap::UnreachableCodeReached) => match state.last_error() {
            Some(message) => Stop::Panic(message.to_owned()),
            None => Stop::Trap(Trap::UnreachableCodeReached.to_string()),
        },
        Some(t) => Stop::Trap(t.to_string()),
        // Host errors, or wasmtime's: none quotes the plugin at length, but
        // the message is the plugin's doing, so it is bounded all the same.
        None => Stop::Trap(cut(&e.root_cause().to_string(), MAX_MESSAGE)),
    }
}

/// A thread advancing the engine's epoch while any call runs; parked otherwise.
struct Ticker {
    /// The counters the thread reads.
    shared: Arc<TickerShared>,
    /// The thread, joined on drop.
    thread: Option<JoinHandle<()>>,
}

/// What the ticker thread and the calls share.
struct TickerShared {
    /// Calls in progress: the ticker sleeps while there are none.
    active: AtomicUsize,
    /// Set when the host is dropped: the thread ends.
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
    /// Starts the thread that advances `engine`'s epoch every `tick`.
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

    /// Marks a call as running until the returned guard drops.
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
