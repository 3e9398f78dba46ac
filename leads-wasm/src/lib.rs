//! WebAssembly binding of `leads-core`: converts types, maps errors, adapts names. No rules live
//! here; the verdicts are the core's.

use wasm_bindgen::prelude::*;

mod convert;
mod error;
mod import;
mod query;
#[cfg(feature = "stores")]
mod store;

pub use error::to_js_error;
#[cfg(feature = "packed")]
pub use import::leads_from_packed_js;
pub use import::{
    CsvSplitter, CsvValidator, LeadTable, default_statuses, error_codes, issue_codes, rejected_csv,
    validate_csv,
};
pub use query::LeadQuery;
#[cfg(feature = "stores")]
pub use store::MemoryStore;
#[cfg(feature = "supabase")]
pub use store::SupabaseStore;
#[cfg(all(target_arch = "wasm32", feature = "stores"))]
pub use store::sleep_for_tests;

/// Runs when the module is instantiated: a Rust panic (a bug) becomes a thrown JS `Error` with
/// `code: "panic"` and the panic message, never a bare `RuntimeError: unreachable`.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let error = js_sys::Error::new(&format!("leads-wasm internal error (please report it): {info}"));
        let _ = js_sys::Reflect::set(error.as_ref(), &"code".into(), &"panic".into());
        wasm_bindgen::throw_val(error.into());
    }));
}

/// Throws a panic on purpose (tests of the panic hook only).
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests)]
pub fn panic_for_tests() {
    panic!("a test panic");
}
