//! Python binding of `leads-core` (thin: converts types, maps errors, adapts names).

use pyo3::prelude::*;

/// Validates a whole CSV file; returns the canonical report as a JSON string.
///
/// `options_json` is an `ImportOptions` JSON object, or `None` for the defaults.
#[pyfunction]
#[pyo3(signature = (data, options_json=None))]
fn validate_report_json(data: &[u8], options_json: Option<&str>) -> PyResult<String> {
    let options = match options_json {
        Some(json) => leads_core::ImportOptions::from_json(json),
        None => Ok(leads_core::ImportOptions::default()),
    }
    .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let v = leads_core::validate(data, &options)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    Ok(v.report.to_json())
}

/// The native module behind the `leads` package.
#[pymodule]
fn _leads(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(validate_report_json, m)?)?;
    Ok(())
}
