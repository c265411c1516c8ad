//! `ops:plugin/log`: messages from the plugin, capped in number and length.

use wasmtime::format_err;

use crate::bindings::ops::plugin::log;
use crate::budget::{self, ALLOC_OVERHEAD};
use crate::quote::cut;
use crate::state::RunState;

impl log::Host for RunState {
    /// Keeps a copy of the message's first `max_log_len` bytes and drops the
    /// rest (`String::truncate` would keep the whole allocation: a hundred
    /// messages of 60 MiB held 1.45 GB), charging the copy to the budget.
    fn log(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        self.check_deadline("log")?;
        if self.log.len() >= self.max_log_messages {
            self.log_dropped += 1;
            return Ok(());
        }
        let kept = cut(&message, self.max_log_len);
        drop(message);
        if self.budget.charge(kept.capacity() + ALLOC_OVERHEAD).is_err() {
            self.over_budget = true;
            return Err(format_err!("log: {}", budget::exceeded(self.budget.limit())));
        }
        self.log.push((level, kept));
        Ok(())
    }
}
