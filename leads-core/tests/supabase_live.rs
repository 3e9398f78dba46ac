//! The store-agnostic suite against a real Supabase project, when SUPABASE_URL and
//! SUPABASE_SERVICE_KEY are set (the project must have `supabase/migrations` applied, e.g. with
//! `supabase db push`). Skipped, saying so, otherwise. Each run uses fresh users whose names
//! start with `t<random>_`; their rows stay in the project afterwards.

#![cfg(feature = "supabase")]

mod store_suite;

use leads_core::{SupabaseOptions, SupabaseStore};

#[test]
fn live_supabase_passes_the_suite() {
    let (Ok(url), Ok(key)) = (std::env::var("SUPABASE_URL"), std::env::var("SUPABASE_SERVICE_KEY")) else {
        eprintln!("skipped: the live Supabase suite runs when SUPABASE_URL and SUPABASE_SERVICE_KEY are set");
        return;
    };
    let api = format!("{}/rest/v1", url.trim_end_matches('/'));
    let store = SupabaseStore::new(&api, &key, SupabaseOptions::default()).unwrap();
    let prefix = format!("t{}_", &leads_core::new_uuid().simple().to_string()[..8]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(store_suite::run_named(&store, &prefix, leads_core::new_uuid(), leads_core::new_uuid()));
}
