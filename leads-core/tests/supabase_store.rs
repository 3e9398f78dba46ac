//! SupabaseStore through the store-agnostic suite, against PostgreSQL and postrust (a
//! PostgREST-compatible server) started by ./scripts/test, which sets LEADS_TEST_API_URL (an
//! empty database with the migrations) and LEADS_TEST_JWT_SECRET.

#![cfg(feature = "supabase")]

mod store_suite;

use leads_core::{SupabaseOptions, SupabaseStore, Timestamp, TokenSigner};

#[test]
fn supabase_store_passes_the_suite() {
    let (Ok(url), Ok(secret)) = (std::env::var("LEADS_TEST_API_URL"), std::env::var("LEADS_TEST_JWT_SECRET"))
    else {
        eprintln!(
            "skipped: LEADS_TEST_API_URL / LEADS_TEST_JWT_SECRET not set (./scripts/test starts the server and sets them)"
        );
        return;
    };
    let key = TokenSigner::new(secret).unwrap().issue_service_key(Timestamp::now());
    let store = SupabaseStore::new(&url, &key, SupabaseOptions::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(store_suite::run(&store));
}
