//! `gen-leads ROWS [--seed N] [-o FILE]`: writes a generated lead CSV (stdout by default).

use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen-leads: {message}\nusage: gen-leads ROWS [--seed N] [-o FILE]");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut rows, mut seed, mut out) = (None, 42u64, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let v = args.next().ok_or("--seed needs a number")?;
                seed = v.parse().map_err(|_| format!("--seed: {v:?} is not a number"))?;
            }
            "-o" | "--output" => out = Some(args.next().ok_or("-o needs a file name")?),
            _ if rows.is_none() => {
                rows = Some(arg.parse::<u64>().map_err(|_| format!("{arg:?} is not a row count"))?)
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let rows = rows.ok_or("the row count is missing")?;

    match out {
        Some(path) => std::fs::File::create(&path)
            .map_err(|e| format!("{path}: {e}"))
            .and_then(|f| leads_gen::write_csv(rows, seed, f).map_err(|e| format!("{path}: {e}"))),
        None => leads_gen::write_csv(rows, seed, std::io::stdout().lock()).map_err(|e| e.to_string()),
    }
}
