//! WebAssembly binding of `leads-core` (thin: converts types, maps errors, adapts names).

use wasm_bindgen::prelude::*;

/// Validates a whole CSV file and returns the canonical report as a JS object.
///
/// `options` is an `ImportOptions` object (or `undefined` for the defaults).
#[wasm_bindgen(js_name = validateReport)]
pub fn validate_report(bytes: &[u8], options: JsValue) -> Result<JsValue, JsError> {
    let options = if options.is_undefined() || options.is_null() {
        leads_core::ImportOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|e| JsError::new(&e.to_string()))?
    };
    let v = leads_core::validate(bytes, &options).map_err(|e| JsError::new(&e.to_string()))?;
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&v.report, &serializer).map_err(|e| JsError::new(&e.to_string()))
}
