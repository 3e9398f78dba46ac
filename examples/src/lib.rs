//! Helpers shared by the `leads` examples.

use std::io::Write;

/// Prints a line on stdout; a closed pipe (`| head`) ends quietly instead of panicking.
pub fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").is_err() {
        std::process::exit(0);
    }
}
