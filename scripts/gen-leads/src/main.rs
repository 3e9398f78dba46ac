//! `gen-leads ROWS [--seed N] [--clean | --profile messy] [-o FILE]`: writes a generated lead CSV
//! (stdout by default); `--clean` leaves out the 2% of rows that break a rule (a file a strict
//! import accepts); `--profile messy` writes the messy profile (CRLF, quoting, non-ASCII, several
//! contacts, 10% invalid rows).

use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!(
                "gen-leads: {message}\nusage: gen-leads ROWS [--seed N] [--clean | --profile messy] [-o FILE]"
            );
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut rows, mut seed, mut out, mut clean, mut messy) = (None, 42u64, None, false, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let v = args.next().ok_or("--seed needs a number")?;
                seed = v.parse().map_err(|_| format!("--seed: {v:?} is not a number"))?;
            }
            "--clean" => clean = true,
            "--profile" => match args.next().as_deref() {
                Some("messy") => messy = true,
                Some("default") => messy = false,
                other => return Err(format!("--profile: {other:?} is not messy or default")),
            },
            "-o" | "--output" => out = Some(args.next().ok_or("-o needs a file name")?),
            _ if rows.is_none() => {
                rows = Some(arg.parse::<u64>().map_err(|_| format!("{arg:?} is not a row count"))?)
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let rows = rows.ok_or("the row count is missing")?;

    if clean && messy {
        return Err("--clean and --profile messy do not go together".into());
    }
    let write: fn(u64, u64, Box<dyn std::io::Write>) -> std::io::Result<()> = match (clean, messy) {
        (true, _) => leads_gen::write_clean_csv,
        (_, true) => leads_gen::write_messy_csv,
        _ => leads_gen::write_csv,
    };
    match out {
        Some(path) => std::fs::File::create(&path)
            .map_err(|e| format!("{path}: {e}"))
            .and_then(|f| write(rows, seed, Box::new(f)).map_err(|e| format!("{path}: {e}"))),
        None => write(rows, seed, Box::new(std::io::stdout().lock())).map_err(|e| e.to_string()),
    }
}
