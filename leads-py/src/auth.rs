//! Tokens for Python: checking a token issued by ``login``.

use leads_core::{Timestamp, TokenSigner};
use pyo3::prelude::*;

use crate::error::to_py;
use crate::to_dict;

/// Checks a token issued by ``login`` with ``jwt_secret`` (HS256 only; expired, forged or
/// ``alg: none`` tokens raise ``InvalidInputError``) and returns its claims: ``{"sub", "role",
/// "aud", "iat", "exp"}``.
#[pyfunction]
pub(crate) fn verify_token<'py>(
    py: Python<'py>,
    token: &str,
    jwt_secret: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let signer = TokenSigner::new(jwt_secret).map_err(to_py)?;
    to_dict(py, &signer.verify(token, Timestamp::now()).map_err(to_py)?)
}
