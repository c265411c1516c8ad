//! `RunState`: what a store holds during one call.
//!
//! The host side of each imported interface (in `host/`) reads the inventory
//! through it; the resource limiter it holds is in `limiter.rs`.
//!
//! The CPU budget is wall time counted by epoch ticks, which wasm code
//! checks; host code does not, so every host call also checks the deadline
//! when it starts and ends ([`RunState::with`]), and long analyses are asked
//! to stop at it ([`RunState::stop`]): time in host calls is the plugin's.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::time::Instant;

use ops_core::graph::FailureAnalysis;
use ops_core::{Inventory, Timestamp};
use wasmtime::format_err;

use crate::bindings::ops::plugin::log;
use crate::budget::OutputBudget;
use crate::host::backup_index::BackupIndex;
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
    /// Each policy's runs and drills and each component's policies, built
    /// on the call's first backup query that needs them.
    pub(crate) backup_index: OnceCell<BackupIndex>,
    /// When the call's CPU budget runs out.
    deadline: Instant,
    /// The host call that found the budget spent, so the trap it raises is
    /// reported as the CPU limit, naming the call.
    pub(crate) out_of_time_in: Cell<Option<&'static str>>,
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
            backup_index: OnceCell::new(),
            deadline: Instant::now() + limits.cpu_time,
            out_of_time_in: Cell::new(None),
        }
    }

    /// Whether the call's CPU budget is spent: long host analyses stop when
    /// this says so.
    pub(crate) fn stop(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Fails host call `what` if the CPU budget is spent, recording that it
    /// was.
    pub(crate) fn check_deadline(&self, what: &'static str) -> wasmtime::Result<()> {
        if self.stop() {
            return Err(self.out_of_time(what));
        }
        Ok(())
    }

    /// The error for host call `what` finding the CPU budget spent (a long
    /// analysis stopped part way, say), recorded for the report.
    pub(crate) fn out_of_time(&self, what: &'static str) -> wasmtime::Error {
        self.out_of_time_in.set(Some(what));
        format_err!("{what}: the CPU time budget ran out in this host call")
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
        what: &'static str,
        f: impl FnOnce(&Inventory, Timestamp) -> wasmtime::Result<R>,
    ) -> wasmtime::Result<R> {
        let Some(lent) = &self.lent else {
            return Err(format_err!("{what}: the inventory is only available during run()"));
        };
        let now = lent.now();
        self.with(what, |inv, _| f(inv, now))
    }

    /// Runs `f` on the lent inventory, or traps if there is none, or if
    /// the CPU budget is spent before `f` starts or when it ends.
    pub(crate) fn with<R>(
        &self,
        what: &'static str,
        f: impl FnOnce(&Inventory, &FailureAnalysis<'_>) -> wasmtime::Result<R>,
    ) -> wasmtime::Result<R> {
        let Some(lent) = &self.lent else {
            return Err(format_err!("{what}: the inventory is only available during run()"));
        };
        self.check_deadline(what)?;
        let answer = lent
            .with(f)
            .map_err(|_| format_err!("{what}: called after the run ended"))??;
        self.check_deadline(what)?;
        Ok(answer)
    }
}
