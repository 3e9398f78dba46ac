//! SqliteStore through the store-agnostic suite, in memory and on a file; data that survives
//! reopening the file; a file from a newer version refused.
#![cfg(not(target_arch = "wasm32"))]

mod store_suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use leads_core::{ImportMode, ImportOptions, LeadQuery, PasswordParams, SqliteStore, Store, Timestamp};

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
    let mode =
        std::env::var("LEADS_SQLITE_CHILD_MODE").map_or(ImportMode::SkipInvalid, |m| m.parse().unwrap());
    let file = std::fs::File::open(csv).unwrap();
    let mut last = 0;
    pollster::block_on(store.import_csv_with_progress(
        user,
        file,
        &ImportOptions::default(),
        mode,
        &mut |p| {
            if p.stored.inserted != last {
                last = p.stored.inserted;
                println!("stored {last}");
            }
            println!("rows {}", p.validation.rows);
            std::ops::ControlFlow::Continue(())
        },
    ))
    .unwrap();
    println!("done {last}");
}

fn child(db: &std::path::Path, csv: &std::path::Path, user: leads_core::Uuid) -> std::process::Child {
    child_in(db, csv, user, ImportMode::SkipInvalid)
}

fn child_in(
    db: &std::path::Path,
    csv: &std::path::Path,
    user: leads_core::Uuid,
    mode: ImportMode,
) -> std::process::Child {
    let mode = if mode == ImportMode::Strict { "strict" } else { "skip_invalid" };
    std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_import", "--nocapture", "--test-threads", "1"])
        .env("LEADS_SQLITE_CHILD_MODE", mode)
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

/// `rows` valid rows with Lead IDs `S-0`, `S-1`, …, then `tail` verbatim.
fn valid_rows(rows: usize, tail: &str) -> Vec<u8> {
    let mut csv = String::from("Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n");
    for i in 0..rows {
        csv.push_str(&format!("S-{i},Name {i},s{i}@example.com,Web,High,Open\n"));
    }
    csv.push_str(tail);
    csv.into_bytes()
}

fn total(store: &SqliteStore, user: leads_core::Uuid) -> u64 {
    pollster::block_on(store.query(user, &"total=true&limit=1".parse().unwrap())).unwrap().total.unwrap()
}

/// A strict import on a file streams its leads into one transaction (they never wait in memory:
/// the write-ahead log grows while another connection still sees none of them), and an error in
/// the file's last row leaves the store as it was.
#[test]
fn a_strict_import_is_one_transaction() {
    let path = scratch("strict");
    let store = SqliteStore::open(&path).unwrap();
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "strict", "not-a-real-hash")).unwrap();
    let first = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nS-7,Before,b@example.com,Fair,Low,Closed\n";
    pollster::block_on(store.import_csv(
        user,
        first.as_bytes(),
        &ImportOptions::default(),
        ImportMode::Strict,
    ))
    .unwrap();
    let before = pollster::block_on(store.get_lead(user, "S-7")).unwrap();
    let reader = SqliteStore::open(&path).unwrap();
    let wal = path.with_file_name("leads.db-wal");
    let rows = 100_000;

    let bad = valid_rows(rows, "S-bad,Name,not an address,Web,High,Open\n");
    let mut grew = 0;
    let err = pollster::block_on(store.import_csv_with_progress(
        user,
        &bad[..],
        &ImportOptions::default(),
        ImportMode::Strict,
        &mut |p| {
            assert_eq!(p.stored, Default::default(), "nothing is stored before the end");
            if p.validation.rows % 10 == 0 {
                assert_eq!(total(&reader, user), 1, "the import's leads are invisible to other connections");
            }
            grew = grew.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
            std::ops::ControlFlow::Continue(())
        },
    ))
    .unwrap_err();
    assert_eq!(err.code(), "import_rejected", "{err}");
    assert!(grew > 4_000_000, "the leads were written as the file was read (log at {grew} bytes)");
    assert_eq!(total(&store, user), 1, "nothing of the rejected file is stored");
    assert_eq!(total(&reader, user), 1);
    assert_eq!(
        pollster::block_on(reader.get_lead(user, "S-7")).unwrap(),
        before,
        "the stored lead is untouched"
    );

    let good = valid_rows(rows, "");
    let done =
        pollster::block_on(store.import_csv(user, &good[..], &ImportOptions::default(), ImportMode::Strict))
            .unwrap();
    assert_eq!((done.imported.inserted, done.imported.updated), (rows as u64 - 1, 1));
    assert_eq!(total(&reader, user), rows as u64);
    assert_eq!(pollster::block_on(reader.get_lead(user, "S-7")).unwrap().lead.lead_name, "Name 7");
}

/// The same in memory: the strict import's leads wait for its end, then land in one
/// transaction; an error stores nothing.
#[test]
fn a_strict_import_in_memory_is_all_or_nothing() {
    let store = SqliteStore::in_memory().unwrap();
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "strict", "not-a-real-hash")).unwrap();
    let bad = valid_rows(5_000, "S-bad,Name,not an address,Web,High,Open\n");
    let err =
        pollster::block_on(store.import_csv(user, &bad[..], &ImportOptions::default(), ImportMode::Strict))
            .unwrap_err();
    assert_eq!(err.code(), "import_rejected");
    assert_eq!(total(&store, user), 0);
    let good = valid_rows(5_000, "");
    let done =
        pollster::block_on(store.import_csv(user, &good[..], &ImportOptions::default(), ImportMode::Strict))
            .unwrap();
    assert_eq!(done.imported.inserted, 5_000);
    assert_eq!(total(&store, user), 5_000);
}

/// A process killed (SIGKILL) in the middle of a strict import leaves nothing of it.
#[cfg(unix)]
#[test]
fn a_killed_strict_import_leaves_nothing() {
    use std::io::BufRead as _;
    let db = scratch("killed-strict");
    let store = SqliteStore::open(&db).unwrap();
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "killed", "not-a-real-hash")).unwrap();
    drop(store);
    let csv = db.with_file_name("big.csv");
    let rows = 200_000;
    std::fs::write(&csv, valid_rows(rows, "")).unwrap();
    let mut c = child_in(&db, &csv, user, ImportMode::Strict);
    let mut seen = 0;
    for line in std::io::BufReader::new(c.stdout.take().unwrap()).lines() {
        if let Some(n) = line.unwrap().strip_prefix("rows ") {
            seen = n.parse().unwrap();
            if seen >= rows / 2 {
                break;
            }
        }
    }
    c.kill().unwrap();
    c.wait().unwrap();
    assert!(seen >= rows / 2 && seen < rows, "killed halfway ({seen} rows read)");
    let reopened = SqliteStore::open(&db).unwrap();
    assert_eq!(total(&reopened, user), 0, "nothing of a strict import that did not finish");
}

/// A filter that matches few leads, far along the sort's order: the page walks the sort's index
/// until its budget runs out, then takes the filter's index, and the answer is the same.
#[test]
fn a_rare_filter_gives_the_same_page_by_either_plan() {
    let store = SqliteStore::in_memory().unwrap();
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "rare", "not-a-real-hash")).unwrap();
    let mut csv = String::from("Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n");
    for i in 0..200_000 {
        // The rare source on three leads whose names sort last.
        let (name, source) =
            if i % 70_000 == 7 { (format!("zz {i}"), "Rare Fair") } else { (format!("a {i}"), "Web") };
        csv.push_str(&format!("R-{i},{name},r{i}@example.com,{source},High,Open\n"));
    }
    pollster::block_on(store.import_csv(user, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict))
        .unwrap();
    for q in [
        "source=rare%20fair&sort=lead_name&limit=2",
        "source=RARE%20FAIR&status=open&sort=-lead_name&limit=50",
    ] {
        let query: LeadQuery = q.parse().unwrap();
        let page = pollster::block_on(store.query(user, &query)).unwrap();
        let mut want = vec!["zz 7", "zz 70007", "zz 140007"];
        want.sort_unstable();
        if query.effective_sort()[0].descending {
            want.reverse();
        }
        want.truncate(query.effective_limit() as usize);
        let got: Vec<&str> = page.items.iter().map(|l| l.lead.lead_name.as_str()).collect();
        assert_eq!(got, want, "{q}");
        assert_eq!(page.next_cursor.is_some(), query.effective_limit() < 3, "{q}");
    }
}

/// Failed logins are counted in the file: two stores on it (as two processes would open it)
/// lock a username together, and a revocation made through one is seen by the other.
#[test]
fn throttling_and_revocation_hold_across_stores_on_one_file() {
    let path = scratch("throttle");
    let (a, b) = (SqliteStore::open(&path).unwrap(), SqliteStore::open(&path).unwrap());
    let params = PasswordParams::insecure_for_tests();
    let signer = leads_core::TokenSigner::new("a secret of at least thirty-two bytes!!").unwrap();
    pollster::block_on(async {
        let user = leads_core::register(&a, "thea", "correct horse", params).await.unwrap().uuid;
        let now = Timestamp::now();
        for store in [&a, &b, &a, &b, &a] {
            let failed =
                leads_core::login(store, &signer, "thea", "wrong horse", params, now).await.unwrap_err();
            assert_eq!(failed.code(), "invalid_credentials");
        }
        let locked = leads_core::login(&b, &signer, "thea", "correct horse", params, now).await.unwrap_err();
        assert_eq!(locked.code(), "too_many_attempts");
        let later = Timestamp::from_micros(now.as_micros() + 16 * 60 * 1_000_000);
        let token =
            leads_core::login(&b, &signer, "thea", "correct horse", params, later).await.unwrap().token;
        leads_core::authenticate(&a, &signer, &token, later).await.unwrap();
        leads_core::logout_everywhere(&b, user, later).await.unwrap();
        assert_eq!(
            leads_core::authenticate(&a, &signer, &token, later).await.unwrap_err().code(),
            "invalid_token"
        );
    });
}

#[test]
fn sqlite_store_orders_its_history_on_a_still_clock() {
    let still: leads_core::Clock = Arc::new(|| Timestamp::from_micros(1_800_000_000_000_000));
    let store = SqliteStore::in_memory().unwrap().with_clock(still);
    pollster::block_on(store_suite::history_order_on_a_still_clock(&store));
}
