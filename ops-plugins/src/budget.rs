//! The output budget: the bytes a plugin's run makes the host hold.
//!
//! What a plugin hands back is charged as the memory the host keeps for it,
//! not as its size on the wire: a finding's record and strings, its evidence
//! as the parsed JSON tree (where two bytes of text, `0,`, become a 32-byte
//! value), and the log messages kept. One budget per run
//! ([`PluginLimits::max_output_bytes`](crate::PluginLimits::max_output_bytes)),
//! so no mix of findings, evidence and log can make the host hold more.

/// Bytes charged per heap allocation on top of what it holds: the
/// allocator's bookkeeping and rounding to a size class, roughly.
pub(crate) const ALLOC_OVERHEAD: usize = 16;

/// What one run has made the host hold, against its limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OutputBudget {
    /// Bytes it may hold.
    limit: usize,
    /// Bytes charged so far.
    used: usize,
}

/// A charge would take the run past its budget.
#[derive(Debug)]
pub(crate) struct OverBudget;

impl OutputBudget {
    /// A budget of `limit` bytes, none used.
    pub(crate) fn new(limit: usize) -> Self {
        OutputBudget { limit, used: 0 }
    }

    /// Charges `bytes`, or refuses if that would pass the limit (the charge
    /// is kept: the run is over anyway).
    pub(crate) fn charge(&mut self, bytes: usize) -> Result<(), OverBudget> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.limit {
            Err(OverBudget)
        } else {
            Ok(())
        }
    }

    /// Bytes charged so far.
    #[cfg(test)]
    pub(crate) fn used(&self) -> usize {
        self.used
    }

    /// The limit, in bytes.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// What a string the host keeps costs: its buffer and its allocation.
    pub(crate) fn string(s: &str) -> usize {
        s.len() + ALLOC_OVERHEAD
    }
}

/// The message for a run that passed its budget, after "plugin '…' ".
pub(crate) fn exceeded(limit: usize) -> String {
    format!(
        "exceeded its output budget of {} KiB (findings, evidence as parsed and log messages, as the host holds them)",
        limit >> 10
    )
}
