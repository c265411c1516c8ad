//! The host side of the plugin's imports: one file per interface of
//! `wit/plugin.wit`, each an `impl <interface>::Host for RunState`.
//!
//! Every query reads the inventory lent to the store for the call (through
//! [`RunState::with`](crate::state::RunState::with)) and answers in the WIT's types: indices as `u32`,
//! instants as RFC 3339 text, lists paged where they can be long. A plugin
//! calling a query outside `run()` traps with an error naming the query.

mod access;
mod analysis;
pub(crate) mod backup_index;
mod backups;
mod incidents;
mod inventory;
mod log;
mod types;

use ops_core::Timestamp;

/// A count or an index as the WIT's `u32`. Saturates rather than panics:
/// no inventory comes near 2^32 entities, and host code must not panic.
fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// An instant as plugins see it: RFC 3339, UTC, whole seconds.
pub(crate) fn instant(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The size of an answer in the plugin's memory, counted as it is built,
/// against the plugin's memory limit: the batched queries' answers are
/// lists the plugin must hold, so one it could not hold is refused before
/// the host builds the rest of it. What the host holds while building is
/// bounded by the same count.
struct AnswerSize {
    /// The host call, for the error.
    what: &'static str,
    /// Bytes the answer may take: the plugin's memory limit.
    cap: usize,
    /// Bytes counted so far.
    used: usize,
}

impl AnswerSize {
    /// An empty answer to host call `what`, within `cap` bytes.
    fn new(what: &'static str, cap: usize) -> Self {
        AnswerSize { what, cap, used: 0 }
    }

    /// Counts `bytes` more, or fails the call if the answer would pass the cap.
    fn add(&mut self, bytes: usize) -> wasmtime::Result<()> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.cap {
            return Err(wasmtime::format_err!(
                "{}: the answer is larger than the plugin's memory limit of {} KiB (ask for fewer at a time)",
                self.what,
                self.cap >> 10
            ));
        }
        Ok(())
    }
}
