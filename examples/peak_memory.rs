//! Streams a lead CSV through the push validator in 64 KiB chunks, taking each lead as it
//! completes, and prints the report summary and the process's peak resident memory.
//!
//! ```text
//! cargo run --release -p leads-gen -- 1000000 -o /tmp/leads-1m.csv
//! cargo run --release --example peak_memory -- /tmp/leads-1m.csv
//! ```
#![allow(clippy::print_stdout)]

use std::io::Read;

use leads_core::{ImportOptions, Validator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: peak_memory FILE")?;
    let mut file = std::fs::File::open(&path)?;
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
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    match status.lines().find(|l| l.starts_with("VmHWM:")) {
        Some(line) => println!("peak resident memory (VmHWM): {}", line["VmHWM:".len()..].trim()),
        None => println!("peak resident memory: not available on this system"),
    }
    Ok(())
}
