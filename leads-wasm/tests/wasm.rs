//! The binding's Rust API compiled to wasm32 and run in Node by wasm-bindgen-test:
//!
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test -p leads-wasm --target wasm32-unknown-unknown
#![cfg(target_arch = "wasm32")]

use leads_wasm::{CsvValidator, LeadQuery, MemoryStore, issue_codes, validate_csv};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CSV: &str = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n\
                   L-1,Ann,ANN@example.com,Web,Hot,open\n\
                   L-2,Bo,nobody,Web,High,New\n";

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn validates_text_bytes_and_buffers_alike() {
    let from_text = validate_csv(JsValue::from_str(CSV), JsValue::UNDEFINED).unwrap();
    let bytes = js_sys::Uint8Array::from(CSV.as_bytes());
    let from_bytes = validate_csv(bytes.clone().into(), JsValue::NULL).unwrap();
    let from_buffer = validate_csv(bytes.buffer().into(), JsValue::NULL).unwrap();
    for v in [&from_text, &from_bytes, &from_buffer] {
        let report = get(v, "report");
        assert_eq!(get(&report, "valid").as_f64(), Some(1.0));
        assert_eq!(get(&report, "invalid").as_f64(), Some(1.0));
        let lead = js_sys::Array::from(&get(v, "leads")).get(0);
        assert_eq!(get(&lead, "contact_information").as_string().as_deref(), Some("ann@example.com"));
        assert_eq!(get(&lead, "status").as_string().as_deref(), Some("Open"));
    }
    assert_eq!(issue_codes().len(), 16);
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_a_code() {
    let options = js_sys::JSON::parse(r#"{"max_rows": 0}"#).unwrap();
    let err = validate_csv(JsValue::from_str(CSV), options).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid_option"));
    assert_eq!(get(&err, "data").as_string().as_deref(), Some("max_rows"));
    let err = LeadQuery::parse("limit=0".into()).err().unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid_query"));
}

#[wasm_bindgen_test]
fn chunks_and_tables_agree() {
    let mut v = CsvValidator::new(JsValue::UNDEFINED, "table".into(), JsValue::UNDEFINED).unwrap();
    for chunk in CSV.as_bytes().chunks(3) {
        v.push(js_sys::Uint8Array::from(chunk).into()).unwrap();
    }
    let report = v.finish().unwrap();
    assert_eq!(get(&report, "rows").as_f64(), Some(2.0));
    let table = v.lead_table();
    assert_eq!(table.length(), 1);
    assert!(table.get(1.into()).unwrap().is_undefined());
    let text = String::from_utf8(v.rejected_csv().unwrap()).unwrap();
    assert!(text.contains("L-2,Bo,nobody"), "{text}");
}

#[wasm_bindgen_test]
async fn memory_store_imports_and_queries() {
    let store = MemoryStore::new(true.into()).unwrap();
    let user = wasm_bindgen_futures::JsFuture::from(store.register("ann".into(), "correct horse".into()))
        .await
        .unwrap();
    let uuid = get(&user, "uuid").as_string().unwrap();
    let done = wasm_bindgen_futures::JsFuture::from(store.import_csv(
        uuid.clone().into(),
        JsValue::from_str(CSV),
        JsValue::NULL,
        "skip_invalid".into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    assert_eq!(get(&get(&done, "imported"), "inserted").as_f64(), Some(1.0));
    let page = wasm_bindgen_futures::JsFuture::from(
        store.query(uuid.into(), JsValue::from_str("status=open&total=true")),
    )
    .await
    .unwrap();
    assert_eq!(get(&page, "total").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn the_retry_timer_waits_on_the_host_clock() {
    let started = js_sys::Date::now();
    wasm_bindgen_futures::JsFuture::from(leads_wasm::sleep_for_tests(60.into())).await.unwrap();
    let waited = js_sys::Date::now() - started;
    assert!(waited >= 55.0, "waited {waited} ms");
}
