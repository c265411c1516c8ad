//! A global allocator that counts, per thread, the bytes allocated and not
//! yet freed, and their peak: what a plugin run makes the host hold,
//! measured exactly and independently of other tests running on other
//! threads (a run allocates on the thread that calls it).
#![allow(unsafe_code)] // a GlobalAlloc is unsafe to implement; this one only counts and defers to System

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts, then defers to the system allocator.
pub(crate) struct Counting;

thread_local! {
    /// Bytes this thread has allocated and not freed (frees of memory
    /// allocated elsewhere make it go below zero, which is harmless here).
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The highest `LIVE` since the last `peak_during` began.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    // `try_with`: never fails for a const-initialised Cell, but an
    // allocator must not panic.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn size(layout: Layout) -> isize {
    isize::try_from(layout.size()).unwrap_or(isize::MAX)
}

// SAFETY: every method defers to `System` with the same arguments and only
// updates thread-local counters besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(size(layout));
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(size(layout));
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as the caller promised for `ptr` and `layout`.
        unsafe { System.dealloc(ptr, layout) };
        add(-size(layout));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promised for `ptr`, `layout` and `new_size`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(isize::try_from(new_size).unwrap_or(isize::MAX) - size(layout));
        }
        p
    }
}

/// Runs `f`, and returns its result with the most this thread held on the
/// heap at any point during it, above what it held when `f` began.
pub(crate) fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let result = f();
    let peak = PEAK.with(Cell::get);
    (result, usize::try_from(peak - start).unwrap_or(0))
}
