//! What the benches share: criterion set up for big inputs, and reading back its estimates.
#![allow(unreachable_pub)]

use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;

/// Rows to generate: `LEADS_BENCH_ROWS`, default `default`.
pub fn rows_or(default: u64) -> u64 {
    std::env::var("LEADS_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Where criterion writes (the workspace's target directory).
pub fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// Criterion with few, long samples (each iteration handles a whole large input).
pub fn criterion(measurement_secs: u64) -> Criterion {
    Criterion::default()
        .output_directory(&out_dir())
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(measurement_secs))
        .configure_from_args()
}

/// The mean time of `group/name` in seconds, once measured (`None` in `--test` mode, which
/// measures nothing: the estimates on disk are an earlier run's).
pub fn mean_secs(group: &str, name: &str) -> Option<f64> {
    if std::env::args().any(|a| a == "--test") {
        return None;
    }
    let path = out_dir().join(group).join(name).join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64().map(|ns| ns / 1e9)
}
