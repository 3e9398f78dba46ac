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
