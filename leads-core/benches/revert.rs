//! Reverting a job next to running it (#16: a revert of a 100k-lead job costs at most 2x its
//! import), on MemoryStore and on SqliteStore (a file), measured in the same run:
//!
//! - an import of 100k new leads, and the revert of that job (deletes them all);
//! - a re-import changing every one of those 100k leads, and its revert (restores them all).
//!
//! ```text
//! cargo bench -p leads-core --bench revert
//! LEADS_BENCH_ROWS=20000 cargo bench -p leads-core --bench revert
//! ```
#![allow(clippy::print_stdout, missing_docs)]

mod common;

use criterion::BatchSize;
use leads_core::{ImportMode, ImportOptions, Job, MemoryStore, SqliteStore, Store, Uuid};

const USER: Uuid = Uuid::from_u128(1);

fn import<S: Store>(store: &S, file: &[u8]) -> Job {
    let done =
        pollster::block_on(store.import_csv(USER, file, &ImportOptions::default(), ImportMode::SkipInvalid))
            .unwrap();
    done.job.unwrap()
}

fn revert<S: Store>(store: &S, job: &Job, expect: (u64, u64)) {
    let undone = pollster::block_on(store.revert_import(USER, job.id)).unwrap();
    assert_eq!((undone.deleted, undone.restored, undone.conflicts.len()), (expect.0, expect.1, 0));
}

fn main() {
    let rows = common::rows_or(100_000);
    let file = leads_gen::generate(rows, 7);
    // The file's valid leads, every one renamed, for the updating job.
    let valid = leads_core::validate(&file, &ImportOptions::default()).unwrap().leads;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["Lead ID", "Lead Name", "Contact Information", "Source", "Interest Level", "Status"])
        .unwrap();
    for l in &valid {
        let name = format!("{} II", l.lead_name);
        let row =
            [&l.lead_id, &name, &l.contact_information, &l.source, l.interest_level.as_str(), &l.status];
        out.write_record(row).unwrap();
    }
    let changed = out.into_inner().unwrap();
    let dir = std::env::temp_dir().join(format!("leads-revert-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("revert.db");
    let memory = || {
        let s = MemoryStore::new();
        pollster::block_on(s.create_user(USER, "bench", "not-a-real-hash")).unwrap();
        s
    };
    let sqlite = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let s = SqliteStore::open(&path).unwrap();
        pollster::block_on(s.create_user(USER, "bench", "not-a-real-hash")).unwrap();
        s
    };
    // What the jobs do, measured once on MemoryStore (the same on every store: the suite says so).
    let probe = memory();
    let inserted = import(&probe, &file).counts.inserted;
    let updated = import(&probe, &changed).counts.updated;
    assert_eq!(updated, inserted, "every lead of the first job is updated by the second");
    drop(probe);

    let mut c = common::criterion(20);
    let mut g = c.benchmark_group("revert");
    g.sample_size(10).sampling_mode(criterion::SamplingMode::Flat);
    g.bench_function("memory_import", |b| {
        b.iter_batched(memory, |s| import(&s, &file), BatchSize::PerIteration)
    });
    g.bench_function("memory_revert_import", |b| {
        b.iter_batched(
            || {
                let s = memory();
                let job = import(&s, &file);
                (s, job)
            },
            |(s, job)| revert(&s, &job, (inserted, 0)),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("memory_update", |b| {
        b.iter_batched(
            || {
                let s = memory();
                import(&s, &file);
                s
            },
            |s| import(&s, &changed),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("memory_revert_update", |b| {
        b.iter_batched(
            || {
                let s = memory();
                import(&s, &file);
                let job = import(&s, &changed);
                (s, job)
            },
            |(s, job)| revert(&s, &job, (0, updated)),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("sqlite_import", |b| {
        b.iter_batched(sqlite, |s| import(&s, &file), BatchSize::PerIteration)
    });
    g.bench_function("sqlite_revert_import", |b| {
        b.iter_batched(
            || {
                let s = sqlite();
                let job = import(&s, &file);
                (s, job)
            },
            |(s, job)| revert(&s, &job, (inserted, 0)),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("sqlite_update", |b| {
        b.iter_batched(
            || {
                let s = sqlite();
                import(&s, &file);
                s
            },
            |s| import(&s, &changed),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("sqlite_revert_update", |b| {
        b.iter_batched(
            || {
                let s = sqlite();
                import(&s, &file);
                let job = import(&s, &changed);
                (s, job)
            },
            |(s, job)| revert(&s, &job, (0, updated)),
            BatchSize::PerIteration,
        )
    });
    g.finish();
    c.final_summary();
    let _ = std::fs::remove_dir_all(&dir);

    let secs = |name: &str| common::mean_secs("revert", name);
    let names = ["memory", "sqlite"];
    println!(
        "\nRevert of a job next to the job itself, {rows} rows ({inserted} leads inserted, {updated} updated)"
    );
    for store in names {
        let get = |what: &str| secs(&format!("{store}_{what}"));
        let (Some(i), Some(ri), Some(u), Some(ru)) =
            (get("import"), get("revert_import"), get("update"), get("revert_update"))
        else {
            return; // `--test` mode measures nothing
        };
        println!("{store:<8} import {i:>7.3} s, its revert {ri:>7.3} s ({:.2}x)", ri / i);
        println!("{store:<8} update {u:>7.3} s, its revert {ru:>7.3} s ({:.2}x)", ru / u);
    }
}
