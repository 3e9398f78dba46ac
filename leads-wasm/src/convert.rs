//! Arguments from JS, checked: JS can pass anything where a string or a number is declared, and
//! wasm-bindgen's own conversion of a wrong type traps ("memory access out of bounds") instead
//! of throwing. Every export takes `JsValue` and converts it here, so a wrong type is an
//! `invalid_option` error naming the parameter.

use leads_core::ImportOptions;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{invalid_option, js};

fn type_name(value: &JsValue) -> String {
    if value.is_null() { "null".into() } else { value.js_typeof().as_string().unwrap_or_default() }
}

/// A string argument.
pub(crate) fn string(name: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_option(name, &format!("must be a string, not {}", type_name(value))))
}

/// An optional string argument (`undefined` or `null` for none).
pub(crate) fn optional_string(name: &str, value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() { Ok(None) } else { string(name, value).map(Some) }
}

/// An optional boolean argument (the stores' methods take some).
#[cfg_attr(not(feature = "stores"), allow(dead_code))]
pub(crate) fn optional_bool(name: &str, value: &JsValue) -> Result<Option<bool>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_bool()
        .map(Some)
        .ok_or_else(|| invalid_option(name, &format!("must be a boolean, not {}", type_name(value))))
}

/// An index or length: a whole number from 0 to 2^32 - 1.
pub(crate) fn index(name: &str, value: &JsValue) -> Result<u32, JsValue> {
    let n = value
        .as_f64()
        .ok_or_else(|| invalid_option(name, &format!("must be a number, not {}", type_name(value))))?;
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(invalid_option(name, &format!("{n} is not a whole number from 0 to {}", u32::MAX)));
    }
    Ok(n as u32)
}

/// CSV input as bytes: a string (as UTF-8), a `Uint8Array` or an `ArrayBuffer`. A detached
/// (transferred) buffer is an error, not a JS exception thrown through the module.
pub(crate) fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = input.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = input.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if input.is_instance_of::<js_sys::ArrayBuffer>() {
        // `new Uint8Array(buffer)` throws on a detached buffer: construct it where a throw is a value.
        let args = js_sys::Array::of1(input);
        let view = js_sys::Reflect::construct(&js_sys::Uint8Array::new_with_length(0).constructor(), &args)
            .map_err(|_| {
            invalid_option("input", "the ArrayBuffer is detached (transferred elsewhere)")
        })?;
        return Ok(view.unchecked_into::<js_sys::Uint8Array>().to_vec());
    }
    Err(invalid_option("input", "CSV input must be a string, a Uint8Array or an ArrayBuffer"))
}

/// Options go through their JSON form, so unknown keys and bad values get the same errors as in
/// Rust and Python.
pub(crate) fn options(value: JsValue) -> Result<ImportOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ImportOptions::default());
    }
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|j| j.as_string())
        .ok_or_else(|| invalid_option("options", "options must be a plain object"))?;
    ImportOptions::from_json(&json).map_err(js)
}

/// Plain JS objects (no `Map`s), `null` for missing values.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}
