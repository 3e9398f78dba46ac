//! Prints the canonical report JSON of a lead CSV.
//!
//! ```text
//! cargo run -q --example validate -- FILE [--delimiter X] [--encoding Y] [--statuses A,B,C] [--max-issues N]
//! ```
//!
//! Exit code: 0 when the file has no errors, 1 when rows have errors, 2 when the file cannot be
//! read or has a file-level error (or the command line is wrong).

use std::process::ExitCode;

use leads_core::{ImportOptions, validate_parallel};

const USAGE: &str = "usage: validate FILE [--delimiter X] [--encoding Y] [--statuses A,B,C] [--max-issues N]";

fn main() -> ExitCode {
    let (path, options) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("validate: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("validate: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    // Only the report is printed: keep neither leads nor rejected rows, so memory stays small
    // however large the file. Two threads: reading and parsing on this one, the row rules on a
    // worker (the same verdict as one `Validator`, in about half the time).
    let size = file.metadata().ok().map(|m| m.len());
    let validated = validate_parallel(file, &options, false, size, 1 << 20, &mut |_| Ok(()));
    let report = match validated.map(|(report, _)| report) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("validate: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    leads_examples::print_line(&report.to_json_pretty());
    if report.file_errors().next().is_some() {
        ExitCode::from(2)
    } else if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(String, ImportOptions), String> {
    let mut options = ImportOptions::default();
    let mut path = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--delimiter" => {
                let v = value("--delimiter")?;
                options.delimiter = Some(v.parse().map_err(|e| format!("--delimiter: {e}"))?);
            }
            "--encoding" => {
                let v = value("--encoding")?;
                options.encoding = Some(v.parse().map_err(|e| format!("--encoding: {e}"))?);
            }
            "--statuses" => {
                let v = value("--statuses")?;
                options.statuses = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
            }
            "--max-issues" => {
                let v = value("--max-issues")?;
                options.max_issues = v.parse().map_err(|_| format!("--max-issues: {v:?} is not a number"))?;
            }
            "-h" | "--help" => return Err("help requested".into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if path.is_none() => path = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?} (one FILE only)")),
        }
    }
    options.check().map_err(|e| e.to_string())?;
    Ok((path.ok_or("FILE is missing")?, options))
}
