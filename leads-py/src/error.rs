//! Core errors as Python exceptions. The class for each code is chosen in `leads/errors.py`
//! (the one mapping); this file gathers the structured fields each error carries.

use leads_core::ErrorKind;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::model::report::{Issue, Report};

/// A core error as the matching `leads.LeadsError` subclass.
pub(crate) fn to_py(e: leads_core::Error) -> PyErr {
    Python::attach(|py| build(py, &e).unwrap_or_else(|failed| failed))
}

fn build(py: Python<'_>, e: &leads_core::Error) -> PyResult<PyErr> {
    let fields = PyDict::new(py);
    match e.kind() {
        ErrorKind::InvalidOption { option, .. } => fields.set_item("option", option)?,
        ErrorKind::InvalidQuery { parameter, .. } => fields.set_item("parameter", parameter)?,
        ErrorKind::Io { source } => {
            fields.set_item("errno", source.raw_os_error())?;
            fields.set_item("io_kind", format!("{:?}", source.kind()))?;
        }
        ErrorKind::NotFound { what, id } => {
            fields.set_item("what", *what)?;
            fields.set_item("id", id)?;
        }
        ErrorKind::InvalidLead { issues } => {
            let issues: Vec<Issue> = issues.iter().cloned().map(Issue::from).collect();
            fields.set_item("issues", issues)?;
        }
        ErrorKind::UsernameTaken { username } => fields.set_item("username", username)?,
        ErrorKind::SalespersonExists { name } => fields.set_item("name", name)?,
        ErrorKind::AlreadyExists { what, name } => {
            fields.set_item("what", *what)?;
            fields.set_item("name", name)?;
        }
        ErrorKind::TooManyAttempts { retry_after_secs } => {
            fields.set_item("retry_after", retry_after_secs)?
        }
        ErrorKind::Forbidden { permission, role } => {
            fields.set_item("permission", permission)?;
            fields.set_item("role", role)?;
        }
        ErrorKind::Backend { status, code, details, hint, .. } => {
            fields.set_item("status", status)?;
            fields.set_item("postgrest_code", code)?;
            fields.set_item("details", details)?;
            fields.set_item("hint", hint)?;
        }
        ErrorKind::PartialUpsert { committed, failed, batch_size, outcome, .. } => {
            fields.set_item("committed", committed.clone())?;
            fields.set_item("failed", failed.clone())?;
            fields.set_item("batch_size", batch_size)?;
            fields.set_item("inserted", outcome.inserted)?;
            fields.set_item("updated", outcome.updated)?;
            fields.set_item("unchanged", outcome.unchanged)?;
            fields.set_item("skipped", outcome.skipped)?;
        }
        ErrorKind::Interrupted { stored, batches } => {
            fields.set_item("batches", batches)?;
            fields.set_item("inserted", stored.inserted)?;
            fields.set_item("updated", stored.updated)?;
            fields.set_item("unchanged", stored.unchanged)?;
            fields.set_item("skipped", stored.skipped)?;
        }
        ErrorKind::ImportRejected { report } => {
            fields.set_item("report", Report::bare(py, (**report).clone())?)?;
        }
        _ => {}
    }
    let exception =
        py.import("leads.errors")?.getattr("_from_core")?.call1((e.code(), e.to_string(), fields))?;
    Ok(PyErr::from_value(exception))
}

/// An `InvalidOptionError` naming `option`.
pub(crate) fn invalid_option(option: &str, message: String) -> PyErr {
    to_py(leads_core::Error::new(ErrorKind::InvalidOption { option: option.into(), message }))
}

/// A whole-number argument: any Python `int` that does not fit `T` (negative, too large) is an
/// `InvalidOptionError` naming `option`, never an `OverflowError`; other types a `TypeError`.
pub(crate) fn whole<T: TryFrom<i128>>(value: &Bound<'_, PyAny>, option: &str) -> PyResult<T> {
    use pyo3::types::{PyBool, PyInt};
    if value.cast::<PyBool>().is_ok() || value.cast::<PyInt>().is_err() {
        let kind = value.get_type().name()?;
        return Err(pyo3::exceptions::PyTypeError::new_err(format!("{option} must be an int, not {kind}")));
    }
    let out_of_range = || invalid_option(option, format!("{value} is out of range"));
    let n: i128 = value.extract().map_err(|_| out_of_range())?;
    T::try_from(n).map_err(|_| out_of_range())
}
