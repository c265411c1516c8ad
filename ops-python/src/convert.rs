//! Results and arguments between Rust and Python: documents through JSON
//! text (ops-core's serializers on one side, Python's `json` on the other),
//! instants from RFC 3339 text or aware `datetime`s.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use serde::Serialize;

use ops_core::Timestamp;

/// `value` as the Python object its JSON text reads as: dicts, lists,
/// strings, ints, floats, booleans and `None`, exactly what `json.loads` of
/// opsctl's output gives.
pub(crate) fn to_py<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text =
        serde_json::to_string(value).map_err(|e| PyValueError::new_err(format!("cannot serialize the result: {e}")))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// An instant from Python: RFC 3339 text (`2026-11-22T09:00:00Z`), or a
/// `datetime` with a time zone (a naive one is refused: it names no instant).
pub(crate) fn instant(value: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    let text = if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if value.hasattr("tzinfo")? && value.hasattr("isoformat")? {
        if value.getattr("utcoffset")?.call0()?.is_none() {
            return Err(PyValueError::new_err(
                "a naive datetime names no instant: give it a time zone (tzinfo), such as datetime.timezone.utc",
            ));
        }
        value.call_method0("isoformat")?.extract::<String>()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "expected an instant: RFC 3339 text or a datetime with a time zone, found {}",
            value.get_type().name()?
        )));
    };
    ops_core::time::parse_instant(&text).map_err(PyValueError::new_err)
}

/// `at` when given, else `fallback`, else now.
pub(crate) fn instant_or(at: Option<&Bound<'_, PyAny>>, fallback: Option<Timestamp>) -> PyResult<Timestamp> {
    match at {
        Some(at) if !at.is_none() => instant(at),
        _ => Ok(fallback.unwrap_or_else(chrono::Utc::now)),
    }
}
