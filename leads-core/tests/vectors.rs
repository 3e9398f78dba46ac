//! Runs every case of `tests/vectors/` (see its README) as its own test, named by its path: the
//! report must equal the expected canonical JSON, in one chunk and in chunks of many sizes.
//!
//! `cargo test -p leads-core --test vectors -- header/aliases` runs one case (any libtest
//! filter works); `LEADS_BLESS=1 cargo test -p leads-core --test vectors` writes missing
//! expected files, for a person to read and check before committing them.

use std::path::{Path, PathBuf};

use leads_core::{ImportOptions, Report, Validator};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every `*.csv` under the corpus, sorted.
fn cases() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "csv") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&vectors_dir(), &mut out);
    out.sort();
    out
}

fn sibling(csv: &Path, suffix: &str) -> PathBuf {
    let stem = csv.file_stem().unwrap().to_str().unwrap();
    csv.with_file_name(format!("{stem}{suffix}"))
}

fn options(csv: &Path) -> ImportOptions {
    match std::fs::read_to_string(sibling(csv, ".options.json")) {
        Ok(json) => ImportOptions::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", csv.display())),
        Err(_) => ImportOptions::default(),
    }
}

fn run_chunked(bytes: &[u8], options: &ImportOptions, size: usize) -> (Report, Value) {
    let mut v = Validator::new(options).unwrap();
    let mut leads = Vec::new();
    for chunk in bytes.chunks(size) {
        v.push(chunk);
        leads.extend(v.drain_leads());
    }
    let report = v.finish();
    leads.extend(v.drain_leads());
    (report, serde_json::to_value(&leads).unwrap())
}

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn corpus_has_enough_cases_and_every_issue_code() -> Result<(), Failed> {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} vectors", cases.len());
    let mut seen = std::collections::BTreeSet::new();
    for csv in &cases {
        if let Some(expected) = read_json(&sibling(csv, ".json")) {
            for issue in expected["issues"].as_array().unwrap() {
                seen.insert(issue["code"].as_str().unwrap().to_owned());
            }
        }
    }
    for code in leads_core::IssueCode::ALL {
        assert!(seen.contains(code.as_str()), "no vector expects {code}");
    }
    Ok(())
}

/// One case: its report and leads in one chunk, in a lead table, and in chunks of many sizes.
fn check_case(csv: &Path) -> Result<(), Failed> {
    let bless = std::env::var_os("LEADS_BLESS").is_some();
    let mut failures = Vec::new();
    let bytes = std::fs::read(csv).unwrap();
    let options = options(csv);
    let (report, leads) = run_chunked(&bytes, &options, bytes.len().max(1));
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    let expected_path = sibling(csv, ".json");
    match read_json(&expected_path) {
        Some(expected) if expected == json => {}
        Some(expected) => failures.push(format!("report differs\nexpected: {expected}\n  actual: {json}")),
        None if bless => {
            let text = report.to_json_pretty() + "\n";
            std::fs::write(&expected_path, text).unwrap();
            eprintln!("blessed {}", expected_path.display());
        }
        None => failures.push(format!("no expected report ({})", expected_path.display())),
    }
    if let Some(expected) = read_json(&sibling(csv, ".leads.json"))
        && expected != leads
    {
        failures.push(format!("leads differ\nexpected: {expected}\n  actual: {leads}"));
    }
    let mut v = Validator::new(&options).unwrap().lead_table(true);
    for chunk in bytes.chunks(3) {
        v.push(chunk);
        if v.drain_leads().count() != 0 {
            failures.push("a table keeps its leads, yet some were handed out".into());
        }
    }
    let tabled = (v.finish(), serde_json::to_value(v.take_lead_table().iter().collect::<Vec<_>>()).unwrap());
    if tabled != (report.clone(), leads.clone()) {
        failures.push("the lead table gives other leads".into());
    }
    for size in [1, 2, 3, 5, 7, 64, 1000] {
        let chunked = run_chunked(&bytes, &options, size);
        if chunked != (report.clone(), leads.clone()) {
            failures.push(format!("chunks of {size} bytes give another result"));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n\n").into()) }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![Trial::test(
        "corpus_has_enough_cases_and_every_issue_code",
        corpus_has_enough_cases_and_every_issue_code,
    )];
    for csv in cases() {
        let name = csv.strip_prefix(vectors_dir()).unwrap().with_extension("").display().to_string();
        trials.push(Trial::test(name, move || check_case(&csv)));
    }
    libtest_mimic::run(&args, trials).exit();
}
