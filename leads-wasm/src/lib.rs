//! WebAssembly binding of `leads-core`: converts types, maps errors, adapts names. No rules live
//! here; the verdicts are the core's.

mod error;
mod validator;

pub use error::to_js_error;
pub use validator::{Validator, issue_codes, rejected_csv, validate};
