//! How fast SQLite itself can take the leads of an import into the store's schema (#15 asks
//! for 200,000 rows/s), next to `SqliteStore`'s import of the same file, in the same run:
//!
//! - `store_import`: `SqliteStore::import_csv` (skip_invalid) into a fresh file;
//! - `raw_schema`: the file's valid leads, already validated and encoded, inserted by one
//!   prepared statement in one transaction, straight into the store's `"Leads"` table with all
//!   its indexes (no validation, no history, no salespeople: SQLite's share alone);
//! - `raw_table_only`: the same with the nine sort and filter indexes dropped (the table, its
//!   primary key and its unique Lead IDs left).
//!
//! ```text
//! cargo bench -p leads-core --bench sqlite_ceiling
//! LEADS_BENCH_ROWS=1000000 cargo bench -p leads-core --bench sqlite_ceiling
//! ```
#![allow(clippy::print_stdout, missing_docs)]

mod common;

use criterion::BatchSize;
use leads_core::{ImportMode, ImportOptions, Lead, SqliteStore, Store, Uuid};
use rusqlite::{Connection, params};

const USER: Uuid = Uuid::from_u128(1);

/// The sort and filter indexes of `"Leads"` (DESIGN §5), by name.
const SECONDARY: &[&str] = &[
    "leads_user_created",
    "leads_user_lead_name",
    "leads_user_source",
    "leads_user_status",
    "leads_user_interest",
    "leads_user_salesperson",
    "leads_user_source_key",
    "leads_user_status_key",
    "leads_user_salesperson_key",
];

fn fresh(path: &std::path::Path) -> SqliteStore {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let s = SqliteStore::open(path).unwrap();
    pollster::block_on(s.create_user(USER, "bench", "not-a-real-hash")).unwrap();
    s
}

/// A connection to the store's file set up as the store sets up its own.
fn raw(path: &std::path::Path, drop_indexes: bool) -> Connection {
    drop(fresh(path));
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "pragma journal_mode = wal; pragma synchronous = normal; pragma cache_size = -32000;
         pragma wal_autocheckpoint = 10000;",
    )
    .unwrap();
    if drop_indexes {
        for name in SECONDARY {
            conn.execute_batch(&format!("drop index {name}")).unwrap();
        }
    }
    conn
}

/// The leads' values in the table's column order, computed before the clock starts.
struct Row {
    lead: Lead,
    id: Uuid,
    keys: (String, String, Option<String>),
}

fn insert_all(conn: &mut Connection, rows: &[Row]) {
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                r#"insert into "Leads" (lead_name, contact_information, source, interest_level, interest_rank,
                 status, salesperson, updated_at, user_uuid, lead_id, id, created_at, source_key, status_key,
                 salesperson_key) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?8, ?12, ?13, ?14)
                 on conflict (user_uuid, lead_id) do nothing"#,
            )
            .unwrap();
        for (i, r) in rows.iter().enumerate() {
            let l = &r.lead;
            insert
                .execute(params![
                    l.lead_name,
                    l.contact_information,
                    l.source,
                    l.interest_level.as_str(),
                    i64::from(l.interest_level.rank()),
                    l.status,
                    l.salesperson,
                    i64::try_from(i).unwrap(),
                    USER,
                    l.lead_id,
                    r.id,
                    r.keys.0,
                    r.keys.1,
                    r.keys.2,
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn main() {
    let rows = common::rows_or(200_000);
    let file = leads_gen::generate(rows, 7);
    let leads = leads_core::validate(&file, &ImportOptions::default()).unwrap().leads;
    let valid = leads.len() as f64;
    let fold = |s: &str| s.to_lowercase();
    let prepared: Vec<Row> = leads
        .into_iter()
        .map(|lead| {
            let keys = (fold(&lead.source), fold(&lead.status), lead.salesperson.as_deref().map(fold));
            Row { lead, id: Uuid::now_v7(), keys }
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("leads-ceiling-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ceiling.db");

    let mut c = common::criterion(20);
    let mut g = c.benchmark_group("sqlite_ceiling");
    g.sample_size(10).sampling_mode(criterion::SamplingMode::Flat);
    g.bench_function("store_import", |b| {
        b.iter_batched(
            || fresh(&path),
            |s| {
                let done = pollster::block_on(s.import_csv(
                    USER,
                    &file[..],
                    &ImportOptions::default(),
                    ImportMode::SkipInvalid,
                ))
                .unwrap();
                assert_eq!(done.imported.inserted as f64, valid);
            },
            BatchSize::PerIteration,
        )
    });
    for (name, drop_indexes) in [("raw_schema", false), ("raw_table_only", true)] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || raw(&path, drop_indexes),
                |mut conn| insert_all(&mut conn, &prepared),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);

    let Some(store) = common::mean_secs("sqlite_ceiling", "store_import") else { return }; // `--test`
    let schema = common::mean_secs("sqlite_ceiling", "raw_schema").unwrap();
    let table = common::mean_secs("sqlite_ceiling", "raw_table_only").unwrap();
    println!("\n{valid} valid leads of {rows} rows");
    println!("SqliteStore import   {store:8.3} s  {:>9.0} rows/s (of the file)", rows as f64 / store);
    println!(
        "raw, store's schema  {schema:8.3} s  {:>9.0} leads/s  {:.2}x the store's import",
        valid / schema,
        schema / store
    );
    println!(
        "raw, table only      {table:8.3} s  {:>9.0} leads/s  {:.2}x the raw schema",
        valid / table,
        table / schema
    );
}
