//! Lends the inventory under check to a wasmtime store for one call.
//!
//! wasmtime requires the data of a `Store<T>` to be `'static`, but a check
//! sees the inventory through a borrowed [`Context`]. Copying the inventory
//! into every store would cost more than the plugin call itself (and the
//! failure analysis borrows the inventory too), so the store instead holds a
//! [`Lent`] handle: a pointer whose validity is checked at run time. The
//! handle is only usable inside [`lend`], on the lending thread; after `lend`
//! returns (or unwinds) every access fails with an error instead of reading
//! freed memory.
#![allow(unsafe_code)]

use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::rc::Rc;

use ops_core::graph::FailureAnalysis;
use ops_core::{Context, Inventory, Timestamp};

/// A run-time-checked loan of an inventory and its failure analysis.
///
/// `!Send` and `!Sync` (through `Rc` and the raw pointers), so it never
/// leaves the thread running [`lend`], which is what makes the liveness flag
/// sufficient: nothing can read the flag as "alive" while another thread
/// ends the loan.
pub(crate) struct Lent {
    alive: Rc<Cell<bool>>,
    inventory: NonNull<Inventory>,
    analysis: NonNull<FailureAnalysis<'static>>,
    now: Timestamp,
    _not_send: PhantomData<*const ()>,
}

impl std::fmt::Debug for Lent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lent")
            .field("alive", &self.alive.get())
            .finish_non_exhaustive()
    }
}

/// The loan has ended: a host function ran after its `lend` returned.
#[derive(Debug)]
pub(crate) struct LoanEnded;

impl Lent {
    /// Calls `f` with the inventory and its failure analysis, if the loan
    /// has not ended.
    ///
    /// The references handed to `f` cannot escape it (`R` cannot borrow from
    /// them), so the loan only needs to be alive when `f` starts.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Inventory, &FailureAnalysis<'_>) -> R) -> Result<R, LoanEnded> {
        if !self.alive.get() {
            return Err(LoanEnded);
        }
        // SAFETY: `alive` is true only while `lend` runs (`EndLoan` clears it
        // when `lend` returns or unwinds), and `lend`'s caller holds shared
        // borrows of the inventory and of its analysis for that whole time:
        // both pointers were made from those borrows, so they point to live
        // values that nobody mutates. `lend` cannot return while `f` runs,
        // because `f` runs on this thread (`Lent` is !Send) and so nested
        // inside `lend`'s call. The references passed to `f` have a lifetime
        // local to this call, so they do not outlive it. `FailureAnalysis<'a>`
        // is covariant in `'a`, so shortening the `'static` we stored back to
        // that local lifetime claims nothing that lives longer than the loan.
        let (inventory, analysis) = unsafe { (self.inventory.as_ref(), self.analysis.as_ref()) };
        Ok(f(inventory, analysis))
    }

    /// The instant the inventory is evaluated at.
    pub(crate) fn now(&self) -> Timestamp {
        self.now
    }
}

/// Ends the loan when `lend` returns or unwinds.
struct EndLoan(Rc<Cell<bool>>);

impl Drop for EndLoan {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// Calls `f` with a [`Lent`] view of `ctx`'s inventory and failure analysis,
/// valid until `f` returns.
pub(crate) fn lend<R>(ctx: &Context<'_>, f: impl FnOnce(Lent) -> R) -> R {
    let inventory = ctx.inventory();
    let analysis = ctx.failure_analysis();
    let alive = Rc::new(Cell::new(true));
    let _end = EndLoan(Rc::clone(&alive));
    let lent = Lent {
        alive,
        inventory: NonNull::from(inventory),
        analysis: NonNull::from(analysis).cast::<FailureAnalysis<'static>>(),
        now: ctx.now(),
        _not_send: PhantomData,
    };
    f(lent)
}
