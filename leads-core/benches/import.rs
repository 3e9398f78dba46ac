//! Import throughput on a generated lead file, next to a raw `csv` crate parse of the same
//! bytes in the same run.
//!
//! ```text
//! cargo bench -p leads-core                        # 1M rows, ~90 MB
//! LEADS_BENCH_ROWS=100000 cargo bench -p leads-core
//! ```
//!
//! Both generator profiles (default and `messy`). Prints MB/s and rows/s for each, and the
//! ratios to the raw parse of the same profile.
#![allow(clippy::print_stdout, missing_docs)]

mod common;

use std::hint::black_box;

use criterion::Throughput;
use leads_core::{ImportOptions, Lead, Validator};

const CHUNK: usize = 64 * 1024;

/// The baseline: every record of the file as a `csv::ByteRecord`, nothing else (rows of any
/// width: the messy profile has some).
fn raw_csv_parse(bytes: &[u8]) -> u64 {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).unwrap() {
        n += record.len() as u64;
    }
    n
}

/// Validation for the report only, pushed in 64 KiB chunks.
fn validate_report(bytes: &[u8]) -> u64 {
    let mut v = Validator::new(&ImportOptions::default()).unwrap().keep_leads(false).keep_rejected(false);
    for chunk in bytes.chunks(CHUNK) {
        v.push(chunk);
    }
    v.finish().valid
}

/// Validation with every valid lead materialised in a `Vec`.
fn validate_leads(bytes: &[u8]) -> Vec<Lead> {
    let mut v = Validator::new(&ImportOptions::default()).unwrap();
    let mut leads = Vec::new();
    for chunk in bytes.chunks(CHUNK) {
        v.push(chunk);
        leads.extend(v.drain_leads());
    }
    v.finish();
    leads.extend(v.drain_leads());
    leads
}

/// Validation on two threads (parsing here, rules on a worker), report only, told the input's
/// size (as for a file) so that the Lead ID set is reserved once.
fn parallel_report(bytes: &[u8]) -> u64 {
    let options = ImportOptions::default();
    let hint = Some(bytes.len() as u64);
    let (report, _) =
        leads_core::validate_parallel(bytes, &options, false, hint, 1 << 20, &mut |_| Ok(())).unwrap();
    report.valid
}

/// Validation on two threads with the valid leads kept in a `LeadTable`.
fn parallel_table(bytes: &[u8]) -> usize {
    let options = ImportOptions::default();
    let hint = Some(bytes.len() as u64);
    leads_core::validate_parallel(bytes, &options, true, hint, 1 << 20, &mut |_| Ok(())).unwrap().1.len()
}

/// A leads-gen profile: rows and seed to the file's bytes.
type Generate = fn(u64, u64) -> Vec<u8>;

fn main() {
    let rows = common::rows_or(1_000_000);
    let mut c = common::criterion(15);
    let profiles: [(&str, Generate); 2] =
        [("import", leads_gen::generate), ("import_messy", leads_gen::generate_messy)];
    let mut sizes = Vec::new();
    for (group_name, generate) in profiles {
        let bytes = generate(rows, 42);
        sizes.push((group_name, bytes.len()));
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("csv_byte_record", |b| b.iter(|| raw_csv_parse(black_box(&bytes))));
        group.bench_function("validate_report", |b| b.iter(|| validate_report(black_box(&bytes))));
        group.bench_function("validate_leads", |b| b.iter(|| validate_leads(black_box(&bytes))));
        group.bench_function("parallel_report", |b| b.iter(|| parallel_report(black_box(&bytes))));
        group.bench_function("parallel_table", |b| b.iter(|| parallel_table(black_box(&bytes))));
        group.finish();
    }
    c.final_summary();

    for (group_name, len) in sizes {
        let mean = |name: &str| common::mean_secs(group_name, name);
        let Some(base) = mean("csv_byte_record") else { return }; // `--test` mode measures nothing
        let mb = len as f64 / 1e6;
        let profile = if group_name == "import" { "default" } else { "messy" };
        println!("\n{rows} rows, {mb:.1} MB (leads_gen seed 42, {profile} profile)");
        println!("{:<18} {:>9} {:>12} {:>9}", "", "MB/s", "rows/s", "ratio");
        for name in
            ["csv_byte_record", "validate_report", "validate_leads", "parallel_report", "parallel_table"]
        {
            if let Some(secs) = mean(name) {
                let (mbs, rps) = (mb / secs, rows as f64 / secs);
                println!("{name:<18} {mbs:>9.1} {rps:>12.0} {:>9.2}", base / secs);
            }
        }
    }
}
