//! Core errors as real JS `Error` objects with `code` (the core's stable error code) and `data`.

use wasm_bindgen::JsValue;

/// A JS `Error` with `code` and, where the core error carries details, `data`.
pub fn to_js_error(e: &leads_core::Error) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let object: &JsValue = error.as_ref();
    let _ = js_sys::Reflect::set(object, &"code".into(), &e.code().into());
    let data = match e.kind() {
        leads_core::ErrorKind::InvalidOption { option, .. } => Some(JsValue::from_str(option)),
        leads_core::ErrorKind::InvalidQuery { parameter, .. } => Some(JsValue::from_str(parameter)),
        _ => None,
    };
    if let Some(data) = data {
        let _ = js_sys::Reflect::set(object, &"data".into(), &data);
    }
    error.into()
}

/// A JS `Error` with `code: "invalid_option"` for options that cannot be read.
pub(crate) fn invalid_options(message: &str) -> JsValue {
    let e = leads_core::Error::new(leads_core::ErrorKind::InvalidOption {
        option: "options".into(),
        message: message.into(),
    });
    to_js_error(&e)
}
