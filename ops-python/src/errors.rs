//! ops-core's errors as Python exceptions:
//!
//! ```text
//! ops.OpsError (Exception)         anything ops-core could not do
//! ├── ops.InventoryError           the inventory (or an import) does not load: .problems
//! ├── ops.NotFoundError            an id naming no entity of the kind asked for
//! └── ops.RetentionError           a retention policy or snapshot list restic refuses
//! ```
//!
//! Arguments of the wrong shape (an unknown format, an instant that is not
//! RFC 3339) raise `ValueError` / `TypeError`, as Python's own functions do.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use ops_core::Error;
use ops_core::import::{Column, ImportProblem};

create_exception!(ops, OpsError, PyException, "Anything ops-core could not do.");
create_exception!(
    ops,
    InventoryError,
    OpsError,
    "The inventory does not load: `problems` holds every problem found, each with its place."
);
create_exception!(
    ops,
    NotFoundError,
    OpsError,
    "An id that names no entity of the kind asked for (or one that cannot be used so)."
);
create_exception!(
    ops,
    RetentionError,
    OpsError,
    "A retention policy or snapshot list that restic refuses, or `restic snapshots --json` that cannot be read."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("OpsError", py.get_type::<OpsError>())?;
    m.add("InventoryError", py.get_type::<InventoryError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("RetentionError", py.get_type::<RetentionError>())
}

/// One problem of an inventory that does not load: where (as much of file,
/// line, column and, for a field of another tool's record, its path as is
/// known) and what is wrong.
#[pyclass(module = "ops", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The file, as named when loading (`None` for a problem of no one file).
    #[pyo3(get)]
    file: Option<String>,
    /// 1-based line.
    #[pyo3(get)]
    line: Option<u64>,
    /// 1-based column, in characters.
    #[pyo3(get)]
    column: Option<u64>,
    /// The field of an imported record, where the place is one (a CSV column).
    #[pyo3(get)]
    path: Option<String>,
    /// What is wrong, naming the offending value and what was expected.
    #[pyo3(get)]
    message: String,
    /// The problem as opsctl prints it.
    text: String,
}

#[pymethods]
impl Problem {
    /// `file:line:column: message`, as opsctl prints it.
    fn __str__(&self) -> &str {
        &self.text
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = |v: &Option<String>| -> PyResult<String> {
            match v {
                Some(s) => Ok(PyString::new(py, s).repr()?.to_string()),
                None => Ok("None".to_owned()),
            }
        };
        let number = |v: Option<u64>| v.map_or_else(|| "None".to_owned(), |n| n.to_string());
        Ok(format!(
            "Problem(file={}, line={}, column={}, path={}, message={})",
            text(&self.file)?,
            number(self.line),
            number(self.column),
            text(&self.path)?,
            PyString::new(py, &self.message).repr()?
        ))
    }
}

impl Problem {
    fn from_diagnostic(d: &ops_core::Diagnostic) -> Problem {
        let at = d.location.as_ref();
        Problem {
            file: at.map(|l| l.file.to_string()),
            line: at.map(|l| u64::from(l.line)),
            column: at.map(|l| u64::from(l.column)),
            path: None,
            message: d.message.clone(),
            text: d.to_string(),
        }
    }

    fn from_import(p: &ImportProblem) -> Problem {
        let (column, path) = match &p.place.column {
            Some(Column::Char(c)) => (Some(u64::from(*c)), None),
            Some(Column::Named(name)) => (None, Some(name.clone())),
            _ => (None, None),
        };
        Problem {
            file: p.place.file.as_deref().map(str::to_owned),
            line: p.place.line,
            column,
            path,
            message: p.message.clone(),
            text: p.to_string(),
        }
    }
}

/// The Python exception for an ops-core error.
pub(crate) fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let problems: Option<Vec<Problem>> = match &error {
        Error::Invalid(diags) => Some(diags.iter().map(Problem::from_diagnostic).collect()),
        Error::Import(problems) => Some(problems.iter().map(Problem::from_import).collect()),
        _ => None,
    };
    let message = error.to_string();
    let Some(problems) = problems else {
        return match error {
            Error::Lookup(_) => NotFoundError::new_err(message),
            Error::InvalidRetention(_)
            | Error::EmptyRetentionPolicy
            | Error::RetentionRemovesAll { .. }
            | Error::ResticJson { .. } => RetentionError::new_err(message),
            _ => OpsError::new_err(message),
        };
    };
    let err = InventoryError::new_err(message);
    let attached = PyList::new(py, problems).and_then(|list| err.value(py).setattr("problems", list));
    match attached {
        Ok(()) => err,
        Err(e) => e,
    }
}
