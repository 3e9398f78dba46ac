//! The push validator's memory is bounded by the longest record plus the Lead IDs seen, never
//! by the file: measured with a counting allocator (this test binary's only test, so nothing
//! else allocates meanwhile).
#![allow(unsafe_code)] // the counting allocator below

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use leads_core::{ImportOptions, Validator};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak heap growth while streaming `input` in 64 KiB chunks, taking leads as they come.
fn peak_while_streaming(input: &[u8]) -> (usize, u64) {
    peak_with(input, &ImportOptions::default())
}

/// [`peak_while_streaming`] with `options`.
fn peak_with(input: &[u8], options: &ImportOptions) -> (usize, u64) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut v = Validator::new(options).unwrap();
    let mut taken = 0u64;
    for chunk in input.chunks(64 * 1024) {
        v.push(chunk);
        taken += v.drain_leads().count() as u64;
        v.drain_rejected().for_each(drop);
    }
    let report = v.finish();
    taken += v.drain_leads().count() as u64;
    assert_eq!(taken, report.valid);
    drop(v);
    (PEAK.load(Relaxed) - base, report.rows)
}

#[test]
fn memory_is_bounded_by_the_record_and_the_ids_not_the_file() {
    // 1. Long records, few IDs: a 20 MB file of 2,000 rows with a 10 KB note each.
    let header = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Notes\n";
    let note = "x".repeat(10_000);
    let mut wide = header.as_bytes().to_vec();
    for n in 0..2_000 {
        wide.extend_from_slice(format!("L-{n},Ann,ann@example.com,Web,High,New,\"{note}\"\n").as_bytes());
    }
    let (peak, rows) = peak_while_streaming(&wide);
    assert_eq!(rows, 2_000);
    assert!(peak < 1 << 20, "peak {peak} bytes for a {} byte file", wide.len());

    // 2. Many short records: growth is the Lead ID set, tens of bytes per ID; with the report's
    // issue list (capped by `max_issues`, a constant: each issue with its message and params)
    // accounted for separately, so that neither hides the other.
    let many = leads_gen::generate(200_000, 1);
    let no_list = ImportOptions { max_issues: 0, ..ImportOptions::default() };
    let (bare, rows) = peak_with(&many, &no_list);
    assert_eq!(rows, 200_000);
    let per_row = bare as f64 / rows as f64;
    assert!(per_row < 64.0, "{per_row:.1} bytes per row (peak {bare}, file {} bytes)", many.len());
    let (peak, _) = peak_while_streaming(&many);
    let per_issue = peak.saturating_sub(bare) as f64 / 1000.0; // the file has over 1000 issues
    assert!(per_issue < 1024.0, "{per_issue:.0} bytes per listed issue (peaks {bare}, {peak})");
    eprintln!(
        "peak {peak} bytes for {} bytes of input ({per_row:.1} bytes per row, {per_issue:.0} per issue)",
        many.len()
    );
}
