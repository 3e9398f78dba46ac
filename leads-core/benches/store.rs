//! MemoryStore on 1M leads: a filtered, sorted page; page 10,000 by cursor and by offset; bulk
//! upsert throughput.
//!
//! ```text
//! cargo bench -p leads-core --bench store
//! LEADS_BENCH_ROWS=100000 cargo bench -p leads-core --bench store
//! ```
#![allow(clippy::print_stdout, missing_docs)]

mod common;

use std::hint::black_box;

use criterion::BatchSize;
use leads_core::{ImportOptions, Lead, LeadQuery, MemoryStore, Store, Uuid, validate};

fn main() {
    let rows = common::rows();
    let leads: Vec<Lead> = validate(&leads_gen::generate(rows, 42), &ImportOptions::default()).unwrap().leads;
    let user = Uuid::from_u128(1);
    let store = MemoryStore::new();
    pollster::block_on(store.upsert_leads(user, &leads)).unwrap();

    let filtered: LeadQuery =
        "status=Open,Contacted&interest_level=High&sort=-created_at,lead_name".parse().unwrap();
    let limit = 50u64;
    let deep_page = (leads.len() as u64 / limit / 2).clamp(1, 10_000);
    let by_offset: LeadQuery = format!("sort=lead_name&limit={limit}&page={deep_page}").parse().unwrap();
    // The cursor that page `deep_page` continues from: the end of the page before it.
    let before: LeadQuery = format!("sort=lead_name&limit={limit}&page={}", deep_page - 1).parse().unwrap();
    let mut by_cursor: LeadQuery = format!("sort=lead_name&limit={limit}").parse().unwrap();
    by_cursor.cursor = if deep_page > 1 {
        pollster::block_on(store.query(user, &before)).unwrap().next_cursor
    } else {
        None
    };
    let a = pollster::block_on(store.query(user, &by_offset)).unwrap();
    let b = pollster::block_on(store.query(user, &by_cursor)).unwrap();
    assert_eq!(a.items, b.items, "the cursor and the offset reach the same page");

    let mut c = common::criterion(10);
    let mut group = c.benchmark_group("store");
    group.bench_function("filtered_sorted_page", |b| {
        b.iter(|| pollster::block_on(store.query(user, black_box(&filtered))).unwrap())
    });
    group.bench_function("deep_page_by_offset", |b| {
        b.iter(|| pollster::block_on(store.query(user, black_box(&by_offset))).unwrap())
    });
    group.bench_function("deep_page_by_cursor", |b| {
        b.iter(|| pollster::block_on(store.query(user, black_box(&by_cursor))).unwrap())
    });
    group.bench_function("bulk_upsert", |b| {
        b.iter_batched(
            MemoryStore::new,
            |s| pollster::block_on(s.upsert_leads(user, &leads)).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    c.final_summary();

    let ms = |name: &str| common::mean_secs("store", name).map(|s| s * 1e3);
    let (Some(page), Some(offset), Some(cursor), Some(upsert)) =
        (ms("filtered_sorted_page"), ms("deep_page_by_offset"), ms("deep_page_by_cursor"), ms("bulk_upsert"))
    else {
        return; // `--test` mode measures nothing
    };
    println!("\nMemoryStore, {} leads (leads_gen seed 42)", leads.len());
    println!("filtered, sorted page of 50       {page:>9.1} ms");
    println!("page {deep_page} by offset            {offset:>9.1} ms");
    println!("page {deep_page} by cursor            {cursor:>9.1} ms  ({:.1}x faster)", offset / cursor);
    println!("bulk upsert                       {:>9.0} rows/s", leads.len() as f64 / (upsert / 1e3));
}
