//! `gen-leads ROWS [--seed N] [--clean] [-o FILE]`: writes a generated lead CSV (stdout by default);
//! `--clean` leaves out the 2% of rows that break a rule (a file a strict import accepts).

use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen-leads: {message}\nusage: gen-leads ROWS [--seed N] [--clean] [-o FILE]");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut rows, mut seed, mut out, mut clean) = (None, 42u64, None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let v = args.next().ok_or("--seed needs a number")?;
                seed = v.parse().map_err(|_| format!("--seed: {v:?} is not a number"))?;
            }
            "--clean" => clean = true,
            "-o" | "--output" => out = Some(args.next().ok_or("-o needs a file name")?),
            _ if rows.is_none() => {
                rows = Some(arg.parse::<u64>().map_err(|_| format!("{arg:?} is not a row count"))?)
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let rows = rows.ok_or("the row count is missing")?;

    let write: fn(u64, u64, Box<dyn std::io::Write>) -> std::io::Result<()> =
        if clean { leads_gen::write_clean_csv } else { leads_gen::write_csv };
    match out {
        Some(path) => std::fs::File::create(&path)
            .map_err(|e| format!("{path}: {e}"))
            .and_then(|f| write(rows, seed, Box::new(f)).map_err(|e| format!("{path}: {e}"))),
        None => write(rows, seed, Box::new(std::io::stdout().lock())).map_err(|e| e.to_string()),
    }
}
