//! A rep's query next to the owner's same query filtered by the rep's salesperson (#17: it may
//! cost no more), on MemoryStore and on SqliteStore (a file), measured in the same run, on a
//! workspace of `LEADS_BENCH_ROWS` leads (default 1,000,000) of which the rep holds 1 in 100.
//!
//! ```text
//! cargo bench -p leads-core --bench roles
//! ```
#![allow(clippy::print_stdout, missing_docs)]

mod common;

use leads_core::{
    Acting, ImportOptions, Lead, LeadQuery, MemoryStore, Role, SqliteStore, Store, Uuid, validate,
};

const OWNER: Uuid = Uuid::from_u128(1);
const REP: Uuid = Uuid::from_u128(2);
const NAME: &str = "Rita Rep";

/// The owner, the rep (a member linked to the salesperson `NAME`) and the leads.
fn fill<S: Store>(store: &S, leads: &[Lead]) {
    pollster::block_on(async {
        store.create_user(OWNER, "owner", "not-a-real-hash").await.unwrap();
        store.create_user(REP, "rita", "not-a-real-hash").await.unwrap();
        for chunk in leads.chunks(16_000) {
            store.upsert_leads(OWNER, chunk).await.unwrap();
        }
        let rita = store.salespeople(OWNER).await.unwrap().into_iter().find(|s| s.name == NAME).unwrap();
        store.add_member(OWNER, "rita", Role::Rep, Some(rita.id), &[]).await.unwrap();
    });
}

fn main() {
    let rows = common::rows_or(1_000_000);
    let mut leads = validate(&leads_gen::generate(rows, 11), &ImportOptions::default()).unwrap().leads;
    for lead in leads.iter_mut().step_by(100) {
        lead.salesperson = Some(NAME.into());
    }
    let held = leads.iter().filter(|l| l.salesperson.as_deref() == Some(NAME)).count();
    let memory = MemoryStore::new();
    fill(&memory, &leads);
    let dir = std::env::temp_dir().join(format!("leads-roles-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = SqliteStore::open(dir.join("roles.db")).unwrap();
    fill(&sqlite, &leads);

    let rep_query: LeadQuery = "status=open,new&sort=-created_at&limit=50&total=true".parse().unwrap();
    let owner_query: LeadQuery = format!(
        "status=open,new&salesperson={}&sort=-created_at&limit=50&total=true",
        NAME.replace(' ', "%20")
    )
    .parse()
    .unwrap();
    // The same page both ways, on both stores.
    for (name, rep, owner) in [
        (
            "memory",
            pollster::block_on(Acting::new(&memory, REP, OWNER).query(&rep_query)).unwrap(),
            pollster::block_on(memory.query(OWNER, &owner_query)).unwrap(),
        ),
        (
            "sqlite",
            pollster::block_on(Acting::new(&sqlite, REP, OWNER).query(&rep_query)).unwrap(),
            pollster::block_on(sqlite.query(OWNER, &owner_query)).unwrap(),
        ),
    ] {
        assert_eq!(rep.items, owner.items, "{name}: the rep's page is the owner's filtered page");
        assert_eq!(rep.total, owner.total, "{name}");
        assert!(rep.total.unwrap_or(0) > 0, "{name}");
    }

    let mut c = common::criterion(10);
    let mut g = c.benchmark_group("roles");
    g.bench_function("memory_owner_filtered", |b| {
        b.iter(|| pollster::block_on(memory.query(OWNER, &owner_query)).unwrap())
    });
    g.bench_function("memory_rep", |b| {
        b.iter(|| pollster::block_on(Acting::new(&memory, REP, OWNER).query(&rep_query)).unwrap())
    });
    g.bench_function("sqlite_owner_filtered", |b| {
        b.iter(|| pollster::block_on(sqlite.query(OWNER, &owner_query)).unwrap())
    });
    g.bench_function("sqlite_rep", |b| {
        b.iter(|| pollster::block_on(Acting::new(&sqlite, REP, OWNER).query(&rep_query)).unwrap())
    });
    g.finish();
    c.final_summary();
    drop(sqlite);
    let _ = std::fs::remove_dir_all(&dir);

    let ms = |name: &str| common::mean_secs("roles", name).map(|s| s * 1e3);
    println!(
        "\nA rep's query ({held} of {} leads theirs) next to the owner's query filtered by their salesperson",
        leads.len()
    );
    for store in ["memory", "sqlite"] {
        let (Some(owner), Some(rep)) = (ms(&format!("{store}_owner_filtered")), ms(&format!("{store}_rep")))
        else {
            return; // `--test` mode measures nothing
        };
        println!("{store:<8} owner {owner:>9.3} ms, rep {rep:>9.3} ms ({:.2}x)", rep / owner);
    }
}
