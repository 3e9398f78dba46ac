//! Deterministic generator of realistic lead CSV files, in two profiles.
//!
//! The same `(rows, seed)` always gives the same bytes, so benchmarks in Rust, Node and Python
//! measure the same file.
//!
//! - The default profile: about 2% of the rows break one rule each (a bad contact, an unknown
//!   interest level or status, an empty source, a repeated Lead ID); names are UTF-8 and some
//!   fields are quoted (commas, quotes, a line break in a note-like source).
//! - The messy profile ([`write_messy_csv`], `gen-leads --profile messy`): CRLF line ends; most
//!   names non-ASCII, many fields quoted with commas and escaped quotes; several contacts per row;
//!   long sources; 10% of the rows invalid, every kind of row error in turn.

use std::io::{self, Write};

/// The header every generated file starts with.
pub const HEADER: &str =
    "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson";

const FIRST: &[&str] = &[
    "Ada", "Alan", "Grace", "Zoë", "José", "Łukasz", "Søren", "Amélie", "Chloé", "Mia", "Noah", "Liam",
    "Olivia", "Emma", "Björn", "Renée", "Siobhán", "Dmitri", "Aiko", "Wei", "Fatima", "Omar", "Priya",
    "Ravi", "Ingrid", "Nuño", "Çelik", "Hana", "Kofi", "Ama",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Müller",
    "García",
    "Nowak",
    "Kierkegaard",
    "Dubois",
    "O'Brien",
    "Smith",
    "Johnson",
    "Brown",
    "Lindqvist",
    "Rossi",
    "Ivanova",
    "Tanaka",
    "Chen",
    "Haddad",
    "Patel",
    "Kumar",
    "Andersen",
    "Ibáñez",
    "Yılmaz",
    "Novák",
    "Mensah",
    "Kowalski",
];
const COMPANY: &[&str] = &[
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "vandelay",
    "stark",
    "wayne",
    "tyrell",
    "soylent",
    "cyberdyne",
    "wonka",
    "gringotts",
    "monarch",
    "oscorp",
];
const SOURCE: &[&str] = &[
    "Website",
    "Referral",
    "Trade Show",
    "Cold Call",
    "LinkedIn",
    "Newsletter",
    "Partner",
    "Webinar",
    "Google Ads",
    "Facebook",
];
const INTEREST: &[&str] = &["High", "Medium", "Low", "Hot", "Warm", "Cold", "high", "LOW"];
const STATUS: &[&str] = &[
    "New",
    "Open",
    "Contacted",
    "Qualified",
    "Proposal",
    "Negotiation",
    "Won",
    "Lost",
    "Closed",
    "open",
    "NEW",
];
const SALES: &[&str] = &["Dana Scully", "Fox Mulder", "Walter Skinner", "Monica Reyes", "John Doggett", ""];

/// A small, fast, deterministic PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Writes a file of `rows` data rows (plus the header) to `out`.
///
/// # Errors
/// An I/O error from `out`.
pub fn write_csv<W: Write>(rows: u64, seed: u64, out: W) -> io::Result<()> {
    write(rows, seed, false, out)
}

/// Like [`write_csv`], with no broken rows: the same rows, each of the 2% written valid (a file
/// that passes a strict import).
///
/// # Errors
/// An I/O error from `out`.
pub fn write_clean_csv<W: Write>(rows: u64, seed: u64, out: W) -> io::Result<()> {
    write(rows, seed, true, out)
}

fn write<W: Write>(rows: u64, seed: u64, clean: bool, out: W) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut rng = Rng::new(seed);
    let mut line = String::with_capacity(256);
    for n in 1..=rows {
        line.clear();
        row(&mut rng, n, clean, &mut line);
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// A file of the messy profile: `rows` data rows (plus the header), CRLF.
///
/// # Errors
/// An I/O error from `out`.
pub fn write_messy_csv<W: Write>(rows: u64, seed: u64, out: W) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\r\n")?;
    let mut rng = Rng::new(seed ^ 0x6d65_7373_7900_0000);
    let mut line = String::with_capacity(512);
    for n in 1..=rows {
        line.clear();
        messy_row(&mut rng, n, &mut line);
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// A whole file of the messy profile in memory.
#[must_use]
pub fn generate_messy(rows: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::try_from(rows).unwrap_or(0).saturating_mul(200) + 100);
    write_messy_csv(rows, seed, &mut out).unwrap_or_else(|_| unreachable!("writing to a Vec cannot fail"));
    out
}

const MESSY_FIRST: &[&str] = &[
    "Zoë",
    "José",
    "Łukasz",
    "Søren",
    "Amélie",
    "Chloé",
    "Björn",
    "Renée",
    "Siobhán",
    "Dmitri",
    "Nuño",
    "Çelik",
    "Ólafur",
    "Željko",
    "Ngọc",
    "Jürgen",
    "François",
    "Anaïs",
    "Małgorzata",
    "Ana",
    "Wei",
    "Priya",
];
const MESSY_LAST: &[&str] = &[
    "Müller",
    "García",
    "Nowak",
    "Ibáñez",
    "Yılmaz",
    "Novák",
    "Dvořák",
    "Ångström",
    "Þórsdóttir",
    "Nguyễn",
    "O'Brien",
    "Łęcka",
    "Gómez-Peña",
    "Brontë",
    "Smith",
];
const MESSY_SOURCE: &[&str] = &[
    "Trade Show, Booth 12 (Hall B)",
    "Webinar: \"Scaling Sales Ops, Part 2\"",
    "Referral from a partner, via the regional office in São Paulo",
    "Cold Call",
    "Newsletter — spring campaign, segment A/B",
    "LinkedIn",
    "Website",
];

/// A field as a CSV writer would write it: quoted (quotes doubled) when it needs to be.
fn field(line: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        line.push('"');
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(value);
    }
}

fn messy_row(rng: &mut Rng, n: u64, line: &mut String) {
    // One row in 10 breaks a rule: every kind in turn.
    let broken = if rng.below(10) == 0 { 1 + rng.below(8) } else { 0 };
    let first = rng.pick(MESSY_FIRST);
    let last = rng.pick(MESSY_LAST);
    let company = rng.pick(COMPANY);
    let id = match broken {
        1 if n > 1 => format!("M-{:07}", n - 1), // a repeated Lead ID
        2 => "X".repeat(129),                    // too long
        _ => format!("M-{n:07}"),
    };
    field(line, &id);
    line.push(',');
    let name = match (broken, rng.below(3)) {
        (3, _) => String::new(), // required
        (_, 0) => format!("{last}, {first} \"{}\"", &company[..1].to_uppercase()),
        (_, 1) => format!("{first} {last}, {company} Inc."),
        _ => format!("{first} {last}"),
    };
    field(line, &name);
    line.push(',');
    let user = first.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    let user = if user.is_empty() { "contact".to_owned() } else { user };
    let contact = if broken == 4 {
        format!("{user} at {company}")
    } else {
        let parts = 1 + rng.below(3);
        (0..parts)
            .map(|k| match (k + rng.below(2)) % 3 {
                0 => format!("{user}.{k}@{company}.example.com"),
                1 => format!("+49 30 {:04} {:04}", rng.below(10_000), rng.below(10_000)),
                _ => format!("(555) {:03}-{:04} x{}", rng.below(1000), rng.below(10_000), rng.below(100)),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    field(line, &contact);
    line.push(',');
    field(line, rng.pick(MESSY_SOURCE));
    line.push(',');
    line.push_str(if broken == 5 { "Lukewarm" } else { rng.pick(INTEREST) });
    line.push(',');
    line.push_str(if broken == 6 { "Pending" } else { rng.pick(STATUS) });
    if broken == 7 {
        // A field missing: one column short.
        line.push_str("\r\n");
        return;
    }
    line.push(',');
    if broken == 8 {
        field(line, &"Long Salesperson Name ".repeat(7));
    } else {
        field(line, rng.pick(SALES));
    }
    line.push_str("\r\n");
}

/// A whole file in memory.
#[must_use]
pub fn generate(rows: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::try_from(rows).unwrap_or(0).saturating_mul(105) + 100);
    write_csv(rows, seed, &mut out).unwrap_or_else(|_| unreachable!("writing to a Vec cannot fail"));
    out
}

fn row(rng: &mut Rng, n: u64, clean: bool, line: &mut String) {
    use std::fmt::Write as _;
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    let company = rng.pick(COMPANY);
    // One row in 50 breaks a rule.
    let broken = if rng.below(50) == 0 { 1 + rng.below(5) } else { 0 };
    let broken = if clean { 0 } else { broken };
    let id = if broken == 5 && n > 1 { n - 1 } else { n };
    let _ = write!(line, "L-{id:07},");
    if rng.below(10) == 0 {
        let _ = write!(line, "\"{last}, {first}\",");
    } else {
        let _ = write!(line, "{first} {last},");
    }
    let user = first.to_lowercase().replace(['\''], "");
    match (broken, rng.below(4)) {
        (1, _) => {
            let _ = write!(line, "{user} at {company},");
        }
        (_, 0) => {
            let _ = write!(line, "+1 ({:03}) 555-{:04},", 200 + rng.below(800), rng.below(10_000));
        }
        (_, 1) => {
            let _ = write!(
                line,
                "\"{user}.{}@{company}.com; +44 20 7946 {:04}\",",
                last.to_lowercase().replace(['\''], ""),
                rng.below(10_000)
            );
        }
        _ => {
            let last = last.to_lowercase().replace(['\''], "");
            let _ = write!(line, "{user}.{last}{}@{company}-corp.com,", rng.below(1000));
        }
    }
    match (broken, rng.below(100)) {
        (4, _) => line.push(','),
        (_, 0) => line.push_str("\"Trade Show\nBooth 12\","),
        (_, 1) => line.push_str("\"Web form, \"\"Contact us\"\"\","),
        _ => {
            line.push_str(rng.pick(SOURCE));
            line.push(',');
        }
    }
    if broken == 2 {
        line.push_str("Lukewarm,");
    } else {
        line.push_str(rng.pick(INTEREST));
        line.push(',');
    }
    if broken == 3 {
        line.push_str("Pending,");
    } else {
        line.push_str(rng.pick(STATUS));
        line.push(',');
    }
    line.push_str(rng.pick(SALES));
    line.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let a = generate(1000, 7);
        assert_eq!(a, generate(1000, 7));
        assert_ne!(a, generate(1000, 8));
        let per_row = a.len() / 1000;
        assert!((70..140).contains(&per_row), "{per_row} bytes per row");
        assert!(a.starts_with(HEADER.as_bytes()));
    }

    #[test]
    fn the_messy_profile_is_deterministic_crlf_quoted_and_mostly_non_ascii() {
        let a = generate_messy(2000, 7);
        assert_eq!(a, generate_messy(2000, 7));
        assert_ne!(a, generate_messy(2000, 8));
        let text = String::from_utf8(a).unwrap();
        assert!(text.starts_with(&format!("{HEADER}\r\n")));
        assert_eq!(text.matches("\r\n").count(), 2001, "CRLF, one per row (no bare line breaks)");
        assert!(text.matches("\"\"").count() > 200, "escaped quotes");
        let rows: Vec<&str> = text.split("\r\n").skip(1).filter(|r| !r.is_empty()).collect();
        let non_ascii = rows.iter().filter(|r| !r.is_ascii()).count();
        assert!(non_ascii * 10 > rows.len() * 8, "{non_ascii} of {} rows non-ASCII", rows.len());
        let per_row = text.len() / 2000;
        assert!((100..260).contains(&per_row), "{per_row} bytes per row");
    }
}
