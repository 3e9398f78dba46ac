//! MemoryStore on 1M leads: a filtered, sorted page; page 10,000 by cursor and by offset; bulk
//! upsert throughput. SqliteStore on a file beside it, on the same leads: the same page, its
//! total, page 10,000 by cursor next to page 1, and importing the whole file.
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
use leads_core::{
    ImportMode, ImportOptions, Lead, LeadQuery, MemoryStore, SqliteStore, Store, StoredLead, Uuid, validate,
};

/// A fresh SqliteStore on `path` (the file and its log removed first) with the bench's user.
fn fresh_sqlite(path: &std::path::Path, user: Uuid) -> SqliteStore {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = SqliteStore::open(path).unwrap();
    pollster::block_on(store.create_user(user, "bench", "not-a-real-hash")).unwrap();
    store
}

fn main() {
    let rows = common::rows_or(1_000_000);
    let file = leads_gen::generate(rows, 42);
    let leads: Vec<Lead> = validate(&file, &ImportOptions::default()).unwrap().leads;
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

    // SqliteStore on a file, holding the same leads (imported from the same file).
    let dir = std::env::temp_dir().join(format!("leads-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = fresh_sqlite(&dir.join("store.db"), user);
    let imported = pollster::block_on(sqlite.import_csv(
        user,
        &file[..],
        &ImportOptions::default(),
        ImportMode::SkipInvalid,
    ))
    .unwrap();
    assert_eq!(imported.imported.inserted as usize, leads.len());
    let first_page: LeadQuery = format!("sort=lead_name&limit={limit}").parse().unwrap();
    let mut sqlite_cursor = first_page.clone();
    sqlite_cursor.cursor = if deep_page > 1 {
        pollster::block_on(sqlite.query(user, &before)).unwrap().next_cursor
    } else {
        None
    };
    let with_total = LeadQuery { total: true, ..filtered.clone() };
    let memory_page = pollster::block_on(store.query(user, &with_total)).unwrap();
    let sqlite_page = pollster::block_on(sqlite.query(user, &with_total)).unwrap();
    assert_eq!(sqlite_page.total, memory_page.total, "both stores count the same leads");
    // (Ties are broken by the stores' own ids, so compare the sort keys.)
    let names = |p: &leads_core::Page| p.items.iter().map(|l| l.lead.lead_name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&pollster::block_on(sqlite.query(user, &by_offset)).unwrap()),
        names(&a),
        "both stores give the same deep page"
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
    group.bench_function("sqlite_filtered_sorted_page", |b| {
        b.iter(|| pollster::block_on(sqlite.query(user, black_box(&filtered))).unwrap())
    });
    group.bench_function("sqlite_filtered_total", |b| {
        b.iter(|| pollster::block_on(sqlite.query(user, black_box(&with_total))).unwrap())
    });
    group.bench_function("sqlite_first_page", |b| {
        b.iter(|| pollster::block_on(sqlite.query(user, black_box(&first_page))).unwrap())
    });
    group.bench_function("sqlite_deep_page_by_cursor", |b| {
        b.iter(|| pollster::block_on(sqlite.query(user, black_box(&sqlite_cursor))).unwrap())
    });
    group.finish();
    // Whole imports of the file: seconds each, so few samples, MemoryStore's beside SqliteStore's.
    let mut imports = c.benchmark_group("import_file");
    imports.sample_size(10).sampling_mode(criterion::SamplingMode::Flat);
    let import_into = |s: &dyn ImportInto| s.import(user, &file);
    imports.bench_function("memory_import", |b| {
        b.iter_batched(
            || {
                let s = MemoryStore::new();
                pollster::block_on(s.create_user(user, "bench", "not-a-real-hash")).unwrap();
                s
            },
            |s| import_into(&s),
            BatchSize::PerIteration,
        )
    });
    imports.bench_function("sqlite_import", |b| {
        b.iter_batched(
            || fresh_sqlite(&dir.join("import.db"), user),
            |s| import_into(&s),
            BatchSize::PerIteration,
        )
    });
    // Dry runs of the same file against the stores that hold its leads (every lead compared).
    imports.bench_function("memory_dry_run", |b| b.iter(|| dry_run(&store, user, &file)));
    imports.bench_function("sqlite_dry_run", |b| b.iter(|| dry_run(&sqlite, user, &file)));
    imports.finish();
    c.final_summary();
    drop(sqlite);
    let _ = std::fs::remove_dir_all(&dir);

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
    let (Some(s_page), Some(s_total), Some(s_first), Some(s_deep), Some(m_import), Some(s_import)) = (
        ms("sqlite_filtered_sorted_page"),
        ms("sqlite_filtered_total"),
        ms("sqlite_first_page"),
        ms("sqlite_deep_page_by_cursor"),
        common::mean_secs("import_file", "memory_import"),
        common::mean_secs("import_file", "sqlite_import"),
    ) else {
        return;
    };
    let (Some(m_dry), Some(s_dry)) = (
        common::mean_secs("import_file", "memory_dry_run"),
        common::mean_secs("import_file", "sqlite_dry_run"),
    ) else {
        return;
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
    println!("\nSqliteStore on a file, the same {} leads", leads.len());
    println!("filtered, sorted page of 50      {s_page:>9.2} ms  ({:.3}x MemoryStore's time)", s_page / page);
    println!(
        "the same with total=true         {s_total:>9.2} ms  (total {})",
        sqlite_page.total.unwrap_or(0)
    );
    println!("page 1 (sort=lead_name)          {s_first:>9.2} ms");
    println!("page {deep_page} by cursor           {s_deep:>9.2} ms  ({:.2}x page 1)", s_deep / s_first);
    println!(
        "import of the file ({} rows)   {:>9.0} rows/s  ({:.2}x the time of MemoryStore's import: {:.0} rows/s)",
        rows,
        n / s_import,
        s_import / m_import,
        n / m_import
    );
    println!("\nDry run of the file against the stored leads, next to importing it into a fresh store");
    println!(
        "MemoryStore                      {m_dry:>9.2} s  ({:.2}x its import: {m_import:.2} s)",
        m_dry / m_import
    );
    println!(
        "SqliteStore                      {s_dry:>9.2} s  ({:.2}x its import: {s_import:.2} s)",
        s_dry / s_import
    );
}

/// A dry run of the bench file (skip_invalid) against a store.
fn dry_run<S: Store>(store: &S, user: Uuid, file: &[u8]) {
    let done =
        pollster::block_on(store.dry_run_csv(user, file, &ImportOptions::default(), ImportMode::SkipInvalid))
            .unwrap();
    assert_eq!(done.imported.inserted, 0);
}

/// Imports the bench file (skip_invalid) into a store.
trait ImportInto {
    fn import(&self, user: Uuid, file: &[u8]);
}

impl<S: Store> ImportInto for S {
    fn import(&self, user: Uuid, file: &[u8]) {
        pollster::block_on(self.import_csv(user, file, &ImportOptions::default(), ImportMode::SkipInvalid))
            .unwrap();
    }
}
