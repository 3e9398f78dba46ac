//! Validates `examples/data/leads.csv`, prints what a person must fix and a summary, then imports
//! it for a demo user into the embedded store and queries it.
//!
//! ```text
//! cargo run --example quickstart
//! ```
#![allow(clippy::print_stdout)]

use std::path::Path;

use leads_core::{
    ImportMode, ImportOptions, LeadQuery, MemoryStore, PasswordParams, Severity, Store, SupabaseOptions,
    SupabaseStore, validate_reader, write_rejected_csv,
};

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

    match (std::env::var("SUPABASE_URL"), std::env::var("SUPABASE_KEY")) {
        (Ok(url), Ok(key)) => {
            let api = format!("{}/rest/v1", url.trim_end_matches('/'));
            let store = SupabaseStore::new(&api, &key, SupabaseOptions::default())?;
            println!("\nStore: SupabaseStore ({api}; SUPABASE_URL and SUPABASE_KEY are set)");
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(store_and_query(&store, &path))
        }
        _ => {
            println!(
                "\nStore: MemoryStore (embedded, in memory; set SUPABASE_URL and SUPABASE_KEY for Supabase)"
            );
            pollster::block_on(store_and_query(&MemoryStore::new(), &path))
        }
    }
}

/// Imports the file for a demo user into `store` and queries it.
async fn store_and_query<S: Store>(store: &S, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let user = match leads_core::register(store, "demo", "demo-password", PasswordParams::default()).await {
        Ok(user) => user,
        // A second run on a persistent store: the demo user is there already.
        Err(e) if e.code() == "username_taken" => {
            store.find_user("demo").await?.ok_or("demo user vanished")?.user
        }
        Err(e) => return Err(e.into()),
    };
    let file = std::fs::File::open(path)?;
    let done = store.import_csv(user.uuid, file, &ImportOptions::default(), ImportMode::SkipInvalid).await?;
    let o = done.imported;
    println!(
        "Imported for {} (skip_invalid): {} inserted, {} updated, {} unchanged",
        user.username, o.inserted, o.updated, o.unchanged
    );

    let query: LeadQuery = "status=Open&sort=-interest_level&limit=10&total=true".parse()?;
    let page = store.query(user.uuid, &query).await?;
    println!("\n?{query} ({} matching):", page.total.unwrap_or_default());
    println!("  {:<8} {:<18} {:<9} {:<12} Salesperson", "ID", "Name", "Interest", "Source");
    for l in page.items.iter().map(|s| &s.lead) {
        let salesperson = l.salesperson.as_deref().unwrap_or("-");
        println!(
            "  {:<8} {:<18} {:<9} {:<12} {salesperson}",
            l.lead_id, l.lead_name, l.interest_level, l.source
        );
    }
    if page.next_cursor.is_some() {
        println!("  ... more on the next page (cursor)");
    }

    println!("\nLeads per salesperson:");
    for s in store.salespeople(user.uuid).await? {
        println!("  {:<16} {:>4}", s.name, s.lead_count);
    }
    let unassigned: LeadQuery = "salesperson=unassigned&total=true&limit=1".parse()?;
    println!(
        "  {:<16} {:>4}",
        "(unassigned)",
        store.query(user.uuid, &unassigned).await?.total.unwrap_or_default()
    );
    Ok(())
}
