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

use std::collections::HashMap;

use criterion::BatchSize;
use leads_core::{ImportOptions, Lead, LeadQuery, MemoryStore, Store, StoredLead, Uuid, validate};

fn main() {
    let rows = common::rows();
    let leads: Vec<Lead> = validate(&leads_gen::generate(rows, 42), &ImportOptions::default()).unwrap().leads;
    let user = Uuid::from_u128(1);
    let store = MemoryStore::new();
    pollster::block_on(store.create_user(user, "bench", "not-a-real-hash")).unwrap();
    pollster::block_on(store.upsert_leads(user, &leads)).unwrap();

    let filtered: LeadQuery =
        "status=Open,Contacted&interest_level=High&sort=-created_at,lead_name".parse().unwrap();
    let limit = 50u64;
    let deep_page = (leads.len() as u64 / limit).saturating_sub(1).clamp(2, 10_000);
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

    // Baselines: a straightforward filter + full sort over a plain Vec of the same leads, and
    // inserting clones of the leads into a HashMap by Lead ID.
    let now = leads_core::Timestamp::now();
    let everything: Vec<StoredLead> = leads
        .iter()
        .map(|l| StoredLead {
            id: leads_core::new_uuid(),
            user_uuid: user,
            created_at: now,
            updated_at: now,
            lead: l.clone(),
        })
        .collect();
    let naive_page = |q: &LeadQuery| -> Vec<StoredLead> {
        let sort = q.effective_sort();
        let mut hits: Vec<&StoredLead> = everything.iter().filter(|l| leads_core::matches(l, q)).collect();
        hits.sort_by(|a, b| leads_core::compare(a, b, &sort));
        hits.into_iter().take(q.effective_limit() as usize).cloned().collect()
    };
    assert_eq!(
        naive_page(&filtered).len(),
        pollster::block_on(store.query(user, &filtered)).unwrap().items.len()
    );

    let mut c = common::criterion(10);
    let mut group = c.benchmark_group("store");
    group.bench_function("naive_filtered_sorted_page", |b| b.iter(|| naive_page(black_box(&filtered))));
    group.bench_function("filtered_sorted_page", |b| {
        b.iter(|| pollster::block_on(store.query(user, black_box(&filtered))).unwrap())
    });
    group.bench_function("deep_page_by_offset", |b| {
        b.iter(|| pollster::block_on(store.query(user, black_box(&by_offset))).unwrap())
    });
    group.bench_function("deep_page_by_cursor", |b| {
        b.iter(|| pollster::block_on(store.query(user, black_box(&by_cursor))).unwrap())
    });
    group.bench_function("hashmap_insert", |b| {
        b.iter(|| leads.iter().map(|l| (l.lead_id.clone(), l.clone())).collect::<HashMap<String, Lead>>())
    });
    group.bench_function("bulk_upsert", |b| {
        b.iter_batched(
            || {
                let s = MemoryStore::new();
                pollster::block_on(s.create_user(user, "bench", "not-a-real-hash")).unwrap();
                s
            },
            |s| pollster::block_on(s.upsert_leads(user, &leads)).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    c.final_summary();

    let ms = |name: &str| common::mean_secs("store", name).map(|s| s * 1e3);
    let (Some(naive), Some(page), Some(offset), Some(cursor), Some(map), Some(upsert)) = (
        ms("naive_filtered_sorted_page"),
        ms("filtered_sorted_page"),
        ms("deep_page_by_offset"),
        ms("deep_page_by_cursor"),
        ms("hashmap_insert"),
        ms("bulk_upsert"),
    ) else {
        return; // `--test` mode measures nothing
    };
    let n = leads.len() as f64;
    println!("\nMemoryStore, {} leads (leads_gen seed 42)", leads.len());
    println!(
        "filtered, sorted page of 50      {page:>9.1} ms  ({:.2}x the time of filter + full sort: {naive:.1} ms)",
        page / naive
    );
    println!("page {deep_page} by offset           {offset:>9.1} ms");
    println!(
        "page {deep_page} by cursor           {cursor:>9.1} ms  ({:.1}x faster than by offset)",
        offset / cursor
    );
    println!(
        "bulk upsert                      {:>9.0} rows/s  ({:.2}x the time of HashMap inserts: {:.0} rows/s)",
        n / (upsert / 1e3),
        upsert / map,
        n / (map / 1e3)
    );
}
