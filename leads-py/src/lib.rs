//! Python binding of `leads-core`: converts types, maps errors, adapts names. One file per core
//! area; the `leads` package re-exports these classes and raises core errors as
//! `leads.LeadsError` subclasses (`leads/errors.py`, the one mapping).

use pyo3::prelude::*;

mod auth;
mod convert;
mod error;
mod import;
mod model;
mod query;
mod store;

/// A serialisable core value as plain Python data (dicts, lists, str, int, bool, None: what its
/// canonical JSON would give), converted directly.
pub(crate) fn to_dict<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

/// The native module behind the `leads` package.
#[pymodule]
fn _leads(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(import::validate_csv, m)?)?;
    m.add_function(wrap_pyfunction!(import::rejected_csv, m)?)?;
    m.add_function(wrap_pyfunction!(import::issue_codes, m)?)?;
    m.add_function(wrap_pyfunction!(import::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(import::default_statuses, m)?)?;
    m.add_function(wrap_pyfunction!(auth::verify_token, m)?)?;
    m.add_class::<import::Validator>()?;
    m.add_class::<model::report::Report>()?;
    m.add_class::<model::report::Issue>()?;
    m.add_class::<model::report::Column>()?;
    m.add_class::<model::report::Progress>()?;
    m.add_class::<model::lead::Lead>()?;
    m.add_class::<model::lead::LeadList>()?;
    m.add_class::<model::lead::LeadIter>()?;
    m.add_class::<query::LeadQuery>()?;
    m.add_class::<store::Store>()?;
    m.add_class::<store::MemoryStore>()?;
    m.add_class::<store::SqliteStore>()?;
    m.add_class::<store::SupabaseStore>()?;
    m.add_class::<store::Page>()?;
    m.add_class::<store::ImportResult>()?;
    Ok(())
}
