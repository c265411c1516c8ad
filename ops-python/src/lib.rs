//! # ops (Python)
//!
//! ops-core from Python, built with PyO3 into the extension module `ops`
//! (maturin builds the wheel: see `ops-python/pyproject.toml`). The names
//! mirror ops-core's: `ops.Inventory` loads and validates an estate; its
//! methods run the built-in checks, the failure analysis, the access
//! documents and the retention arithmetic, and return the same documents as
//! `opsctl ... --format json`, as Python dicts and lists.
//!
//! There is no logic here beyond converting arguments and results: every
//! document is serialized by ops-core's own code (the code `opsctl` writes its
//! JSON with) and read by Python's `json` module, so the two cannot drift.
//! Errors are Python exceptions (`ops.OpsError` and its subclasses, in
//! `errors.rs`); an inventory that does not load raises `ops.InventoryError`
//! carrying every problem with its place.

mod convert;
mod errors;
mod inventory;
mod retention;

use pyo3::prelude::*;

/// The Python module `ops`.
#[pymodule]
fn ops(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<inventory::Inventory>()?;
    m.add_class::<errors::Problem>()?;
    m.add_function(wrap_pyfunction!(retention::forget, m)?)?;
    errors::register(m)
}
