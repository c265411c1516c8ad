//! `RunState`: what a store holds during one call.
//!
//! The host side of each imported interface (in `host/`) reads the inventory
//! through it; the resource limiter it holds is in `limiter.rs`.

use std::collections::HashMap;

use ops_core::graph::FailureAnalysis;
use ops_core::{Inventory, Timestamp};
use wasmtime::format_err;

use crate::bindings::ops::plugin::log;
use crate::budget::OutputBudget;
use crate::lend::Lent;
use crate::limiter::Limiter;
use crate::{PluginLimits, Pooling};

/// The data of one store: the lent inventory (none while `metadata()` runs),
/// the resource limiter and what the plugin logged.
#[derive(Debug)]
pub(crate) struct RunState {
    /// The inventory under check; `None` while `metadata()` runs.
    pub(crate) lent: Option<Lent>,
    /// Caps the plugin's memories and tables.
    pub(crate) limiter: Limiter,
    /// What the plugin logged, in order, each message cut to `max_log_len`.
    pub(crate) log: Vec<(log::Level, String)>,
    /// Messages not kept because `max_log_messages` were.
    pub(crate) log_dropped: usize,
    /// How many messages `log` keeps.
    pub(crate) max_log_messages: usize,
    /// Bytes kept of each message.
    pub(crate) max_log_len: usize,
    /// What the run has made the host hold: the log here, then the
    /// findings and their evidence once `run()` returns.
    pub(crate) budget: OutputBudget,
    /// Set when a log message took the run past its budget, so the trap
    /// that follows is reported as that.
    pub(crate) over_budget: bool,
    /// Domain SPOFs by component: every entry's, computed on first use, and
    /// other components' as they are asked for.
    pub(crate) domain_spofs: Option<HashMap<u32, Vec<u32>>>,
}

impl RunState {
    /// The data of a fresh store for one call within `limits`, lending it
    /// `lent` (none for `metadata()`).
    ///
    /// With a pool, memories cannot grow past its slots, so the cap is the
    /// smaller of the two (and errors report that).
    pub(crate) fn new(limits: &PluginLimits, pooling: Option<&Pooling>, lent: Option<Lent>) -> Self {
        let memory_cap = pooling.map_or(limits.memory, |p| limits.memory.min(p.max_memory));
        RunState {
            lent,
            limiter: Limiter::new(memory_cap, limits.table_elements),
            log: Vec::new(),
            log_dropped: 0,
            max_log_messages: limits.max_log_messages,
            max_log_len: limits.max_string_len,
            budget: OutputBudget::new(limits.max_output_bytes),
            over_budget: false,
            domain_spofs: None,
        }
    }

    /// The last message logged at `error` level: the SDK's panic hook sends
    /// the panic message there.
    pub(crate) fn last_error(&self) -> Option<&str> {
        self.log
            .iter()
            .rev()
            .find(|(level, _)| *level == log::Level::Error)
            .map(|(_, m)| m.as_str())
    }

    /// Runs `f` on the lent inventory and the instant under evaluation, or
    /// traps if there is none.
    pub(crate) fn with_now<R>(
        &self,
        what: &str,
        f: impl FnOnce(&Inventory, Timestamp) -> wasmtime::Result<R>,
    ) -> wasmtime::Result<R> {
        let Some(lent) = &self.lent else {
            return Err(format_err!("{what}: the inventory is only available during run()"));
        };
        let now = lent.now();
        lent.with(|inv, _| f(inv, now))
            .map_err(|_| format_err!("{what}: called after the run ended"))?
    }

    /// Runs `f` on the lent inventory, or traps if there is none.
    pub(crate) fn with<R>(
        &self,
        what: &str,
        f: impl FnOnce(&Inventory, &FailureAnalysis<'_>) -> wasmtime::Result<R>,
    ) -> wasmtime::Result<R> {
        let Some(lent) = &self.lent else {
            return Err(format_err!("{what}: the inventory is only available during run()"));
        };
        lent.with(f)
            .map_err(|_| format_err!("{what}: called after the run ended"))?
    }
}
