//! SqliteStore through the store-agnostic suite, in memory and on a file; data that survives
//! reopening the file; a file from a newer version refused.
#![cfg(not(target_arch = "wasm32"))]

mod store_suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use leads_core::{ImportMode, ImportOptions, PasswordParams, SqliteStore, Store, Timestamp};

/// A clock that moves one second per reading, so creation times differ.
fn ticking_clock() -> leads_core::Clock {
    let t = Arc::new(AtomicI64::new(1_800_000_000_000_000));
    Arc::new(move || Timestamp::from_micros(t.fetch_add(1_000_000, Ordering::Relaxed)))
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("leads-sqlite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("leads.db")
}

#[test]
fn sqlite_store_in_memory_passes_the_suite() {
    pollster::block_on(store_suite::run(&SqliteStore::in_memory().unwrap().with_clock(ticking_clock())));
}

#[test]
fn sqlite_store_on_a_file_passes_the_suite_and_keeps_its_data() {
    let path = scratch("suite");
    let store = SqliteStore::open(&path).unwrap();
    pollster::block_on(store_suite::run(&store));
    let before = pollster::block_on(store_suite::everything(&store, leads_core::Uuid::from_u128(0xA)));
    drop(store);
    let reopened = SqliteStore::open(&path).unwrap();
    let after = pollster::block_on(store_suite::everything(&reopened, leads_core::Uuid::from_u128(0xA)));
    assert_eq!(after, before, "the same leads after reopening the file");
    assert!(!after.is_empty());
    let params = PasswordParams::insecure_for_tests();
    let signer = leads_core::TokenSigner::new(store_suite::SECRET).unwrap();
    pollster::block_on(leads_core::login(
        &reopened,
        &signer,
        "ann.lee",
        "correct horse",
        params,
        Timestamp::now(),
    ))
    .unwrap();
}

#[test]
fn sqlite_store_futures_can_be_spawned() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    runtime.block_on(store_suite::spawned_work(Arc::new(SqliteStore::in_memory().unwrap()), ""));
}

#[test]
fn a_file_from_a_newer_version_is_refused() {
    let path = scratch("newer");
    drop(SqliteStore::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = SqliteStore::open(&path).unwrap_err();
    assert_eq!(err.code(), "database");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn an_empty_store_has_no_leads() {
    let store = SqliteStore::in_memory().unwrap();
    let page = pollster::block_on(store.query(leads_core::Uuid::from_u128(1), &Default::default())).unwrap();
    assert!(page.items.is_empty());
}

/// Many threads import into and query one store on one file; every lead lands once.
#[test]
fn eight_threads_share_one_file() {
    let path = scratch("threads");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "threads", "not-a-real-hash")).unwrap();
    let threads: Vec<_> = (0..8u64)
        .map(|n| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let csv =
                    String::from_utf8(leads_gen::generate(500, n)).unwrap().replace("L-", &format!("T{n}-"));
                let done = pollster::block_on(store.import_csv(
                    user,
                    csv.as_bytes(),
                    &ImportOptions::default(),
                    ImportMode::SkipInvalid,
                ))
                .unwrap();
                let seen =
                    pollster::block_on(store.query(user, &"total=true&limit=1".parse().unwrap())).unwrap();
                assert!(seen.total.unwrap() >= done.imported.inserted);
                done.imported.inserted
            })
        })
        .collect();
    let inserted: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(inserted > 3500, "{inserted}");
    let total = pollster::block_on(store.query(user, &"total=true&limit=1".parse().unwrap())).unwrap().total;
    assert_eq!(total, Some(inserted));
}

/// The child side of the two-process tests: imports the file named by LEADS_SQLITE_CHILD_CSV
/// into LEADS_SQLITE_CHILD_DB for the user LEADS_SQLITE_CHILD_USER, printing each stored batch.
#[test]
#[allow(clippy::print_stdout)] // the parent test reads these lines
fn child_import() {
    let (Ok(db), Ok(csv), Ok(user)) = (
        std::env::var("LEADS_SQLITE_CHILD_DB"),
        std::env::var("LEADS_SQLITE_CHILD_CSV"),
        std::env::var("LEADS_SQLITE_CHILD_USER"),
    ) else {
        return; // only run as a child of the tests below
    };
    let store = SqliteStore::open(db).unwrap();
    let user: leads_core::Uuid = user.parse().unwrap();
    let file = std::fs::File::open(csv).unwrap();
    let mut last = 0;
    pollster::block_on(store.import_csv_with_progress(
        user,
        file,
        &ImportOptions::default(),
        ImportMode::SkipInvalid,
        &mut |p| {
            if p.stored.inserted != last {
                last = p.stored.inserted;
                println!("stored {last}");
            }
            std::ops::ControlFlow::Continue(())
        },
    ))
    .unwrap();
    println!("done {last}");
}

fn child(db: &std::path::Path, csv: &std::path::Path, user: leads_core::Uuid) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_import", "--nocapture", "--test-threads", "1"])
        .env("LEADS_SQLITE_CHILD_DB", db)
        .env("LEADS_SQLITE_CHILD_CSV", csv)
        .env("LEADS_SQLITE_CHILD_USER", user.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two processes import into one file at once; both finish and every lead is there once.
#[test]
fn two_processes_share_one_file() {
    let db = scratch("processes");
    let store = SqliteStore::open(&db).unwrap();
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "processes", "not-a-real-hash")).unwrap();
    let mut expected = 0;
    let children: Vec<_> = (0..2u64)
        .map(|n| {
            let csv = db.with_file_name(format!("p{n}.csv"));
            let text =
                String::from_utf8(leads_gen::generate(5000, n)).unwrap().replace("L-", &format!("P{n}-"));
            expected +=
                leads_core::validate(text.as_bytes(), &ImportOptions::default()).unwrap().report.valid;
            std::fs::write(&csv, text).unwrap();
            child(&db, &csv, user)
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }
    let total = pollster::block_on(store.query(user, &"total=true&limit=1".parse().unwrap())).unwrap().total;
    assert_eq!(total, Some(expected));
}

/// A process killed (SIGKILL) in the middle of a big import leaves a file that opens cleanly and
/// holds whole batches only, at least those it reported stored.
#[cfg(unix)]
#[test]
fn a_killed_import_leaves_whole_batches() {
    use std::io::BufRead as _;
    let db = scratch("killed");
    let store = SqliteStore::open(&db).unwrap();
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "killed", "not-a-real-hash")).unwrap();
    drop(store);
    let csv = db.with_file_name("big.csv");
    std::fs::write(&csv, leads_gen::generate(200_000, 9)).unwrap();
    let mut c = child(&db, &csv, user);
    let mut lines = std::io::BufReader::new(c.stdout.take().unwrap()).lines();
    let mut reported = 0u64;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("stored ") {
            reported = n.parse().unwrap();
            if reported >= 3 * leads_core::IMPORT_BATCH as u64 {
                break;
            }
        }
    }
    c.kill().unwrap();
    c.wait().unwrap();
    assert!(reported >= 3 * leads_core::IMPORT_BATCH as u64, "the child stored {reported} before the kill");
    let reopened = SqliteStore::open(&db).unwrap();
    let total = pollster::block_on(reopened.query(user, &"total=true&limit=1".parse().unwrap()))
        .unwrap()
        .total
        .unwrap();
    assert!(total >= reported, "{total} < {reported}");
    assert!(total < 196_000, "the kill came before the end ({total})");
    assert_eq!(total % leads_core::IMPORT_BATCH as u64, 0, "whole batches only: {total}");
    let valid = leads_core::validate(&std::fs::read(&csv).unwrap(), &ImportOptions::default()).unwrap().leads;
    let mut want: Vec<String> = valid[..total as usize].iter().map(|l| l.lead_id.clone()).collect();
    let mut got: Vec<String> = pollster::block_on(store_suite::everything(&reopened, user))
        .into_iter()
        .map(|l| l.lead.lead_id)
        .collect();
    want.sort();
    got.sort();
    assert!(got == want, "the stored leads are the file's first {total} valid ones");
}
