//! Runs the examples as a user would and checks what they print and their exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `cargo run -q --example NAME -- ARGS` (the example binaries `cargo test` built are
/// used directly when present).
fn example(name: &str, args: &[&str]) -> Output {
    let deps = std::env::current_exe().unwrap();
    let built = deps.parent().unwrap().parent().unwrap().join("examples").join(name);
    let mut command = if built.exists() {
        Command::new(built)
    } else {
        let mut c = Command::new(env!("CARGO"));
        c.args(["run", "-q", "-p", "leads-examples", "--example", name, "--"]);
        c
    };
    command.args(args).output().unwrap()
}

fn vector(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors").join(name)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn quickstart_reports_the_mistakes_of_the_sample_file() {
    let out = example("quickstart", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.contains("Summary: 210 rows, 204 valid, 6 invalid; 6 errors, 0 warnings."), "{text}");
    assert!(text.contains("Lead ID \"LD-1013\" already appears on line 14 [duplicate_lead_id]"), "{text}");
    assert!(text.contains("line 80"), "{text}");
    // The store part: the 204 valid leads imported, a page of open leads, counts per salesperson.
    assert!(
        text.contains("Imported for demo (skip_invalid): 204 inserted, 0 updated, 0 unchanged"),
        "{text}"
    );
    let table = text.split("?status=Open&sort=-interest_level").nth(1).unwrap();
    let rows: Vec<&str> = table.lines().filter(|l| l.trim_start().starts_with("LD-")).collect();
    assert_eq!(rows.len(), 10, "{table}");
    let counts = text.split("Leads per salesperson:").nth(1).unwrap();
    let sum: u64 = counts.lines().filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok()).sum();
    assert_eq!(sum, 204, "{counts}");
}

#[test]
fn validate_prints_the_canonical_report_and_exits_by_severity() {
    for (case, code) in
        [("spectrum/simple.csv", 0), ("rows/required.csv", 1), ("header/missing_column.csv", 2)]
    {
        let path = vector(case);
        let out = example("validate", &[path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(code), "{case}");
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected_path = path.with_extension("json");
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(expected_path).unwrap()).unwrap();
        assert_eq!(printed, expected, "{case}");
    }
}

#[test]
fn validate_takes_options_from_the_command_line() {
    let path = vector("rows/custom_statuses.csv");
    let out = example(
        "validate",
        &[
            path.to_str().unwrap(),
            "--statuses",
            "Prospect,Customer,Churned",
            "--delimiter",
            ",",
            "--encoding",
            "utf-8",
            "--max-issues",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["invalid"], 1);
    assert_eq!(report["issues"], serde_json::json!([]));
    assert_eq!(report["issues_truncated"], true);
}

#[test]
fn validate_command_line_errors_go_to_stderr_with_exit_2() {
    for args in [
        &["--delimiter"][..],
        &["a.csv", "--encoding", "ebcdic"],
        &["a.csv", "b.csv"],
        &[],
        &["x.csv", "--bogus"],
    ] {
        let out = example("validate", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: validate FILE"), "{args:?}");
    }
    let out = example("validate", &["/nonexistent/leads.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/leads.csv"));
}

#[test]
fn validate_gives_one_validator_s_verdict_on_a_file_of_many_chunks() {
    // Over 1 MiB, so the two-thread path reads several chunks; errors of every kind of row rule.
    let mut csv = String::from("Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n");
    for i in 0..40_000 {
        let contact = if i % 97 == 0 { "nobody".to_owned() } else { format!("lead{i}@example.com") };
        let interest = if i % 89 == 0 { "Hotter" } else { "High" };
        let id = if i % 83 == 0 { 1 } else { i };
        csv.push_str(&format!("L-{id},Lead {i},{contact},Web,{interest},New\n"));
    }
    let dir = std::env::temp_dir().join(format!("leads-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("many.csv");
    std::fs::write(&path, &csv).unwrap();
    let out = example("validate", &[path.to_str().unwrap(), "--max-issues", "5000"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let options = leads_core::ImportOptions { max_issues: 5000, ..Default::default() };
    let one = leads_core::validate(csv.as_bytes(), &options).unwrap().report;
    assert!(one.invalid > 1000, "{}", one.invalid);
    let expected: serde_json::Value = serde_json::from_str(&one.to_json()).unwrap();
    assert_eq!(printed, expected);
}
