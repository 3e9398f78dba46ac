//! Imports generated leads through SupabaseStore (batched upserts) and, for comparison in the
//! same run, a one-request-per-row loop (what the seed backend did), and prints rows/s and
//! requests sent.
//!
//! ```text
//! scripts/pg start && DB=$(scripts/pg createdb leads_bench)
//! API=$(scripts/postrust start "$DB" "a-local-secret-of-at-least-32-bytes!!")
//! LEADS_TEST_API_URL=$API LEADS_TEST_JWT_SECRET="a-local-secret-of-at-least-32-bytes!!" \
//!   cargo run --release --example supabase_import -- 100000 2000
//! ```
#![allow(clippy::print_stdout)]

use std::time::Instant;

use leads_core::{
    ImportOptions, Lead, Store, SupabaseOptions, SupabaseStore, Timestamp, TokenSigner, validate,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args.next().map_or(Ok(100_000), |a| a.parse())?;
    let loop_rows: usize = args.next().map_or(Ok(2_000), |a| a.parse())?;
    let url =
        std::env::var("LEADS_TEST_API_URL").map_err(|_| "set LEADS_TEST_API_URL (see the doc comment)")?;
    let secret = std::env::var("LEADS_TEST_JWT_SECRET").map_err(|_| "set LEADS_TEST_JWT_SECRET")?;
    let key = TokenSigner::new(secret)?.issue_service_key(Timestamp::now());
    let options = SupabaseOptions::default();
    let batch = options.batch_size;
    let store = SupabaseStore::new(&url, &key, options)?;
    let leads: Vec<Lead> = validate(&leads_gen::generate(rows, 5), &ImportOptions::default())?.leads;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let user = leads_core::new_uuid();
        store.create_user(user, &format!("bench_{}", &user.to_string()[..8]), "x").await?;
        let started = Instant::now();
        let outcome = store.upsert_leads(user, &leads).await?;
        let batched = started.elapsed().as_secs_f64();
        assert_eq!(outcome.inserted, leads.len() as u64);

        let other = leads_core::new_uuid();
        store.create_user(other, &format!("bench_{}", &other.to_string()[..8]), "x").await?;
        let started = Instant::now();
        for lead in leads.iter().take(loop_rows) {
            store.upsert_leads(other, std::slice::from_ref(lead)).await?;
        }
        let per_row = started.elapsed().as_secs_f64();
        let n = leads.len() as f64;
        let m = loop_rows.min(leads.len()) as f64;
        println!(
            "batched upsert: {} leads in {batched:.2} s = {:.0} rows/s, {} requests",
            leads.len(),
            n / batched,
            leads.len().div_ceil(batch)
        );
        println!(
            "one request per row: {m} leads in {per_row:.2} s = {:.0} rows/s, {m} requests",
            m / per_row
        );
        println!("batched is {:.1}x faster per row", (n / batched) / (m / per_row));
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}
