//! Validates `examples/data/leads.csv`, prints what a person must fix and a summary.
//!
//! ```text
//! cargo run --example quickstart
//! ```
#![allow(clippy::print_stdout)]

use std::path::Path;

use leads_core::{ImportOptions, Severity, validate_reader, write_rejected_csv};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/leads.csv");
    let file = std::fs::File::open(&path)?;
    let v = validate_reader(file, &ImportOptions::default())?;
    let report = &v.report;

    println!("{} ({}, delimiter {:?})", path.display(), report.encoding, report.delimiter.byte() as char);
    println!("\nColumns:");
    for c in &report.columns {
        let field = c.field.map_or("(ignored)", |f| f.key());
        println!("  {:<24} -> {field} ({})", c.header, c.match_kind);
    }

    println!("\nIssues:");
    for issue in &report.issues {
        let line = issue.line.map_or_else(|| "file".to_owned(), |l| format!("line {l}"));
        let mark = if issue.severity == Severity::Error { "error" } else { "warning" };
        let column = issue.column.as_deref().unwrap_or("");
        let value = issue.value.as_deref().map(|v| format!(" {v:?}")).unwrap_or_default();
        println!("  {line:>8}  {mark:<7} {column}{value}");
        println!("            {} [{}]", issue.message, issue.code);
    }
    if report.issues_truncated {
        println!("  ... more issues than max_issues; the counts below are complete");
    }

    println!("\nFirst valid leads:");
    println!("  {:<8} {:<16} {:<44} {:<8} {:<12} Salesperson", "ID", "Name", "Contact", "Interest", "Status");
    for lead in v.leads.iter().take(5) {
        println!(
            "  {:<8} {:<16} {:<44} {:<8} {:<12} {}",
            lead.lead_id,
            lead.lead_name,
            lead.contact_information,
            lead.interest_level,
            lead.status,
            lead.salesperson.as_deref().unwrap_or("-")
        );
    }

    let rejected = std::env::temp_dir().join("leads-rejected.csv");
    write_rejected_csv(std::fs::File::create(&rejected)?, report, &v.rejected)?;
    println!(
        "\nSummary: {} rows, {} valid, {} invalid; {} errors, {} warnings.",
        report.rows,
        report.valid,
        report.invalid,
        report.issues.iter().filter(|i| i.severity == Severity::Error).count(),
        report.issues.iter().filter(|i| i.severity == Severity::Warning).count(),
    );
    println!("Invalid rows, with an `errors` column, are in {} to fix and import again.", rejected.display());
    Ok(())
}
