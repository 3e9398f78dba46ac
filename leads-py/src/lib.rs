//! Python binding of `leads-core`: converts types, maps errors, adapts names. Values cross as
//! JSON text (the same canonical JSON the test vectors hold); the `leads` package turns it into
//! dicts and core errors into `leads.LeadsError` subclasses (`leads/errors.py`).

use pyo3::prelude::*;

mod store;
mod validator;

/// A core error as `(code, message, data)`, for `leads.errors` to raise as the right class.
pub(crate) fn error_tuple(e: &leads_core::Error) -> (String, String, Option<String>) {
    let data = match e.kind() {
        leads_core::ErrorKind::InvalidOption { option, .. } => Some(option.clone()),
        leads_core::ErrorKind::InvalidQuery { parameter, .. } => Some(parameter.clone()),
        leads_core::ErrorKind::ImportRejected { report } => serde_json::to_string(report).ok(),
        _ => None,
    };
    (e.code().to_owned(), e.to_string(), data)
}

/// The native module behind the `leads` package.
#[pymodule]
fn _leads(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(validator::validate_json, m)?)?;
    m.add_function(wrap_pyfunction!(validator::issue_codes, m)?)?;
    m.add_function(wrap_pyfunction!(validator::rejected_csv, m)?)?;
    m.add_class::<validator::Validator>()?;
    m.add_class::<store::Store>()?;
    m.add_function(wrap_pyfunction!(store::verify_token, m)?)?;
    Ok(())
}
