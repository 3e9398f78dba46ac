//! SqliteStore through the store-agnostic suite, in memory and on a file; data that survives
//! reopening the file; a file from a newer version refused.
#![cfg(not(target_arch = "wasm32"))]

mod store_suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use leads_core::{PasswordParams, SqliteStore, Store, Timestamp};

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
