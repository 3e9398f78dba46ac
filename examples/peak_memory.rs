//! Streams a lead CSV through the push validator in 64 KiB chunks, taking each lead as it
//! completes, and prints the report summary and the process's peak resident memory. With
//! `--sqlite DB`, imports the file into a `SqliteStore` on the file DB instead (skip_invalid;
//! `--strict` for a strict import, one transaction).
//!
//! ```text
//! cargo run --release -p leads-gen -- 1000000 -o /tmp/leads-1m.csv
//! cargo run --release --example peak_memory -- /tmp/leads-1m.csv
//! cargo run --release --example peak_memory -- /tmp/leads-1m.csv --sqlite /tmp/peak.db
//! cargo run --release -p leads-gen -- 1000000 --clean -o /tmp/clean-1m.csv
//! cargo run --release --example peak_memory -- /tmp/clean-1m.csv --sqlite /tmp/peak.db --strict
//! ```
#![allow(clippy::print_stdout)]

use std::io::Read;

use leads_core::{ImportMode, ImportOptions, SqliteStore, Store, Validator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: peak_memory FILE [--sqlite DB [--strict]]";
    let path = args.first().ok_or(usage)?.clone();
    match args.get(1).map(String::as_str) {
        None => validate(&path)?,
        Some("--sqlite") => {
            let db = args.get(2).ok_or(usage)?;
            let mode = if args.get(3).map(String::as_str) == Some("--strict") {
                ImportMode::Strict
            } else {
                ImportMode::SkipInvalid
            };
            import(&path, db, mode)?;
        }
        Some(_) => return Err(usage.into()),
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    match status.lines().find(|l| l.starts_with("VmHWM:")) {
        Some(line) => println!("peak resident memory (VmHWM): {}", line["VmHWM:".len()..].trim()),
        None => println!("peak resident memory: not available on this system"),
    }
    Ok(())
}

/// Imports the file into a fresh store on `db`.
fn import(path: &str, db: &str, mode: ImportMode) -> Result<(), Box<dyn std::error::Error>> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
    let store = SqliteStore::open(db)?;
    let user = leads_core::new_uuid();
    pollster::block_on(store.create_user(user, "peak", "not-a-real-hash"))?;
    let started = std::time::Instant::now();
    let done = pollster::block_on(store.import_csv(
        user,
        std::fs::File::open(path)?,
        &ImportOptions::default(),
        mode,
    ))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{path} into SqliteStore {db} ({mode:?}): {} rows, {} inserted, {secs:.2} s, {:.0} rows/s",
        done.report.rows,
        done.imported.inserted,
        done.imported.inserted as f64 / secs
    );
    Ok(())
}

/// Validates the file, taking each lead and rejected row as it completes.
fn validate(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut file = std::fs::File::open(path)?;
    let mut v = Validator::new(&ImportOptions::default())?;
    let mut buf = vec![0; 64 * 1024];
    let (mut leads, mut rejected) = (0u64, 0u64);
    let started = std::time::Instant::now();
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        v.push(&buf[..n]);
        leads += v.drain_leads().count() as u64;
        rejected += v.drain_rejected().count() as u64;
    }
    let report = v.finish();
    leads += v.drain_leads().count() as u64;
    rejected += v.drain_rejected().count() as u64;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{path}: {} rows, {leads} leads taken, {rejected} rejected rows taken, {secs:.2} s",
        report.rows
    );
    Ok(())
}
