//! The import engine: `validate` for a whole file, `Validator` for chunks.

use leads_core::ImportOptions;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::error_tuple;

fn options(json: Option<&str>) -> Result<ImportOptions, leads_core::Error> {
    json.map_or_else(|| Ok(ImportOptions::default()), ImportOptions::from_json)
}

fn to_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Validates a whole file: `{"report": ..., "leads": [...]}` as JSON.
#[pyfunction]
#[pyo3(signature = (data, options_json=None))]
pub(crate) fn validate_json(py: Python<'_>, data: &[u8], options_json: Option<&str>) -> PyResult<String> {
    let v = py
        .detach(|| options(options_json).and_then(|o| leads_core::validate(data, &o)))
        .map_err(core_error)?;
    to_json(&serde_json::json!({"report": v.report, "leads": v.leads}))
}

/// A core error as `ValueError(code, message, data)`, which `leads.errors` raises as the right
/// `LeadsError` subclass.
pub(crate) fn core_error(e: leads_core::Error) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(error_tuple(&e))
}

/// The invalid rows as CSV bytes (original columns plus `errors`).
#[pyfunction]
#[pyo3(signature = (data, options_json=None))]
pub(crate) fn rejected_csv(py: Python<'_>, data: &[u8], options_json: Option<&str>) -> PyResult<Vec<u8>> {
    py.detach(|| {
        let v = options(options_json).and_then(|o| leads_core::validate(data, &o))?;
        let mut out = Vec::new();
        leads_core::write_rejected_csv(&mut out, &v.report, &v.rejected)?;
        Ok(out)
    })
    .map_err(core_error)
}

/// Every issue code, in the documented order.
#[pyfunction]
pub(crate) fn issue_codes() -> Vec<&'static str> {
    leads_core::IssueCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// A streaming validator (the `leads.Validator` class wraps it).
#[pyclass(module = "leads._leads")]
pub(crate) struct Validator {
    inner: leads_core::Validator,
}

#[pymethods]
impl Validator {
    /// A validator, or an error tuple for bad options (raised by the wrapper).
    #[staticmethod]
    #[pyo3(signature = (options_json=None))]
    fn create(options_json: Option<&str>) -> Result<Validator, PyErr> {
        let inner = options(options_json).and_then(|o| leads_core::Validator::new(&o)).map_err(core_error)?;
        Ok(Validator { inner })
    }

    fn push(&mut self, py: Python<'_>, chunk: &[u8]) {
        let inner = &mut self.inner;
        py.detach(|| inner.push(chunk));
    }

    fn take_leads_json(&mut self) -> PyResult<String> {
        let leads: Vec<leads_core::Lead> = self.inner.drain_leads().collect();
        to_json(&leads)
    }

    fn progress(&self) -> (u64, u64, u64, u64) {
        let p = self.inner.progress();
        (p.bytes, p.rows, p.valid, p.invalid)
    }

    fn finish_json(&mut self) -> PyResult<String> {
        to_json(&self.inner.finish())
    }
}
