//! `ops:plugin/types`: records and enums only, no functions.

use crate::bindings::ops::plugin::types;
use crate::state::RunState;

/// Empty, but wasmtime's generated linker requires a `Host` impl for every
/// imported interface, functions or not.
impl types::Host for RunState {}
