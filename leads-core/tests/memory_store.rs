//! MemoryStore through the store-agnostic suite.

mod store_suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use leads_core::{MemoryStore, Timestamp};

/// A clock that moves one second per reading, so creation times differ.
fn ticking_clock() -> leads_core::Clock {
    let t = Arc::new(AtomicI64::new(1_800_000_000_000_000));
    Arc::new(move || Timestamp::from_micros(t.fetch_add(1_000_000, Ordering::Relaxed)))
}

#[test]
fn memory_store_passes_the_suite() {
    pollster::block_on(store_suite::run(&MemoryStore::with_clock(ticking_clock())));
}

#[test]
fn memory_store_on_the_system_clock_too() {
    pollster::block_on(store_suite::run(&MemoryStore::new()));
}

#[test]
fn memory_store_futures_can_be_spawned() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    runtime.block_on(store_suite::spawned_work(Arc::new(MemoryStore::new()), ""));
}

#[test]
fn memory_store_orders_its_history_on_a_still_clock() {
    let still: leads_core::Clock = Arc::new(|| Timestamp::from_micros(1_800_000_000_000_000));
    pollster::block_on(store_suite::history_order_on_a_still_clock(&MemoryStore::with_clock(still)));
}
