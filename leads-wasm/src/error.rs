//! Core errors as real JS `Error` objects with `code` (the core's stable error code) and `data`
//! (the structured details: option or parameter name, HTTP status and PostgREST fields, the
//! report of a rejected import, the issues of an invalid edit).

use serde::Serialize;
use wasm_bindgen::JsValue;

#[derive(Serialize)]
#[serde(untagged)]
enum Data<'a> {
    Name(&'a str),
    Backend { status: u16, postgrest_code: Option<&'a str>, details: Option<&'a str>, hint: Option<&'a str> },
    Report(&'a leads_core::Report),
    Issues(&'a [leads_core::Issue]),
    NotFound { what: &'a str, id: &'a str },
    Interrupted { batches: usize, inserted: u64, updated: u64, unchanged: u64, skipped: u64 },
    Forbidden { permission: &'a str, role: &'a str },
    Exists { what: &'a str, name: &'a str },
    Retry { retry_after: u64 },
}

/// A JS `Error` with `code` and, where the core error carries details, `data`.
pub fn to_js_error(e: &leads_core::Error) -> JsValue {
    use leads_core::ErrorKind as K;
    let error = js_sys::Error::new(&e.to_string());
    let object: &JsValue = error.as_ref();
    let _ = js_sys::Reflect::set(object, &"code".into(), &e.code().into());
    let data = match e.kind() {
        K::InvalidOption { option, .. } => Some(Data::Name(option)),
        K::InvalidQuery { parameter, .. } => Some(Data::Name(parameter)),
        K::UsernameTaken { username } => Some(Data::Name(username)),
        K::SalespersonExists { name } => Some(Data::Name(name)),
        K::NotFound { what, id } => Some(Data::NotFound { what, id }),
        K::Forbidden { permission, role } => Some(Data::Forbidden { permission, role }),
        K::AlreadyExists { what, name } => Some(Data::Exists { what, name }),
        K::TooManyAttempts { retry_after_secs } => Some(Data::Retry { retry_after: *retry_after_secs }),
        K::Backend { status, code, details, hint, .. } => Some(Data::Backend {
            status: *status,
            postgrest_code: code.as_deref(),
            details: details.as_deref(),
            hint: hint.as_deref(),
        }),
        K::ImportRejected { report } => Some(Data::Report(report)),
        K::InvalidLead { issues } => Some(Data::Issues(issues)),
        K::Interrupted { stored, batches } => Some(Data::Interrupted {
            batches: *batches,
            inserted: stored.inserted,
            updated: stored.updated,
            unchanged: stored.unchanged,
            skipped: stored.skipped,
        }),
        _ => None,
    };
    if let Some(data) = data.and_then(|d| crate::convert::to_js(&d).ok()) {
        let _ = js_sys::Reflect::set(object, &"data".into(), &data);
    }
    error.into()
}

/// The same, taking the error by value (for `map_err`).
pub(crate) fn js(e: leads_core::Error) -> JsValue {
    to_js_error(&e)
}

/// A JS `Error` with `code: "invalid_option"` naming `option`.
pub(crate) fn invalid_option(option: &str, message: &str) -> JsValue {
    to_js_error(&leads_core::Error::new(leads_core::ErrorKind::InvalidOption {
        option: option.into(),
        message: message.into(),
    }))
}
