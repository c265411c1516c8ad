//! The `ResourceLimiter` of a plugin's store: caps memory and tables over all
//! of the plugin's instances together.

use wasmtime::{ResourceLimiter, format_err};

/// Caps the memory and table elements of all instances of a store together,
/// and remembers a refused growth so the error can say so.
#[derive(Debug)]
pub(crate) struct Limiter {
    /// Bytes all memories may total.
    memory_cap: usize,
    /// Bytes all memories total now.
    memory_used: usize,
    /// The total a refused `memory.grow` asked for.
    pub(crate) memory_refused: Option<usize>,
    /// Elements all tables may total.
    table_cap: usize,
    /// Elements all tables total now.
    table_used: usize,
}

impl Limiter {
    /// A limiter allowing `memory_cap` bytes of memory and `table_cap` table
    /// elements, over all instances of a store.
    pub(crate) fn new(memory_cap: usize, table_cap: usize) -> Limiter {
        Limiter {
            memory_cap,
            memory_used: 0,
            memory_refused: None,
            table_cap,
            table_used: 0,
        }
    }

    /// The memory cap in bytes, for the error that reports a refused growth.
    pub(crate) fn memory_cap(&self) -> usize {
        self.memory_cap
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.memory_used.saturating_add(desired.saturating_sub(current));
        // `maximum`: the memory's own or the pool slot's; past it growth
        // would fail anyway, so fail it here with the clear error.
        if total > self.memory_cap || maximum.is_some_and(|max| desired > max) {
            // Trapping (rather than letting `memory.grow` return -1) gives a
            // clear error instead of an allocator's abort far from the cause.
            self.memory_refused = Some(total);
            return Err(format_err!(
                "memory limit of {} bytes exceeded (growing to {total} bytes)",
                self.memory_cap
            ));
        }
        self.memory_used = total;
        Ok(true)
    }

    fn table_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.table_used.saturating_add(desired.saturating_sub(current));
        if total > self.table_cap {
            return Err(format_err!("table limit of {} elements exceeded", self.table_cap));
        }
        self.table_used = total;
        Ok(true)
    }

    fn instances(&self) -> usize {
        64
    }

    fn tables(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        16
    }
}
