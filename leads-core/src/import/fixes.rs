//! Fixing a file in place (DESIGN §9): records replaced by a person's corrections before the
//! rules run, and the corrected file — every data record, fixed or as read — written back out.

use std::collections::BTreeMap;

use crate::import::parser::{RawRecord, may_hold_controls};
use crate::model::Delimiter;

/// Corrections, by record (the 1-based data-record index of issues and rejected rows): the
/// record's cells, one per header column, as the person wants them.
pub type Fixes = BTreeMap<u64, Vec<String>>;

/// [`Fixes`] from their JSON form, `{"<record>": ["<cell>", ...]}` (what the bindings pass).
///
/// # Errors
/// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) (option `fixes`) for anything
/// else: a key that is not a record number from 1, a value that is not a list of strings.
pub fn fixes_from_json(json: &str) -> crate::Result<Fixes> {
    let bad = |message: String| {
        crate::Error::from(crate::ErrorKind::InvalidOption { option: "fixes".into(), message })
    };
    let fixes: Fixes = serde_json::from_str(json).map_err(|e| {
        bad(format!("fixes must map record numbers to lists of cells ({{\"3\": [\"L-3\", ...]}}): {e}"))
    })?;
    if fixes.contains_key(&0) {
        return Err(bad("records are numbered from 1".into()));
    }
    Ok(fixes)
}

/// A fixed record's cells laid out as the parser lays out a record: one buffer and the bounds
/// of each cell in it.
pub(crate) struct FixedRecord {
    buf: String,
    bounds: Vec<(usize, usize)>,
}

impl FixedRecord {
    pub(crate) fn new(cells: &[String]) -> Self {
        let mut buf = String::with_capacity(cells.iter().map(String::len).sum());
        let mut bounds = Vec::with_capacity(cells.len());
        for cell in cells {
            let start = buf.len();
            buf.push_str(cell);
            bounds.push((start, buf.len()));
        }
        FixedRecord { buf, bounds }
    }

    /// The record the rules see, on `line` (the original record's); a cell longer than
    /// `max_field` bytes is over the limit, as it would be in a file.
    pub(crate) fn record(&self, line: u64, max_field: usize) -> RawRecord<'_> {
        let overflow = self.bounds.iter().position(|(s, e)| e - s > max_field);
        let controls = may_hold_controls(self.buf.as_bytes());
        let text = Some(self.buf.as_str());
        RawRecord::new(
            line,
            (self.buf.as_bytes(), text),
            &self.bounds,
            self.bounds.len(),
            (overflow, 0, controls),
            false,
        )
    }
}

/// Why a record as read cannot be written back out unchanged: rewriting it would quietly change
/// it (a quote out of place would become a literal quote, a cut field would lose its end,
/// undecodable bytes would become U+FFFD). Such a record must be fixed first.
pub(crate) fn unwritable(r: &RawRecord<'_>, text: Option<&str>) -> Option<&'static str> {
    if r.unclosed_quote {
        Some("a quoted field is never closed")
    } else if r.malformed != 0 {
        Some("a quote is out of place")
    } else if r.overflow.is_some() {
        Some("a field is over the max_field_bytes limit")
    } else if text.is_none() {
        Some("it holds bytes that could not be decoded")
    } else {
        None
    }
}

/// The corrected file as it is written: UTF-8 with a BOM, the file's delimiter (and its `sep=`
/// line when it had one), CRLF line ends, the header as read, then every data record. Values
/// are written exactly (no formula neutralising: this file is meant for upload, and every value
/// must arrive as the person wrote it).
pub(crate) struct Corrected {
    /// The writer, once the header is written, and the delimiter it writes with.
    out: Option<(csv::Writer<Vec<u8>>, Delimiter)>,
    /// The first record that could not be written, with its line and why.
    pub(crate) blocked: Option<(u64, &'static str)>,
}

fn writer(delimiter: Delimiter, into: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(into)
}

impl Corrected {
    pub(crate) fn new() -> Self {
        Corrected { out: None, blocked: None }
    }

    /// Writes the header (once, before anything else).
    pub(crate) fn header<'h>(
        &mut self,
        delimiter: Delimiter,
        sep_line: bool,
        header: impl Iterator<Item = &'h str>,
    ) {
        if self.out.is_some() {
            return;
        }
        let mut start = "\u{feff}".as_bytes().to_vec();
        if sep_line {
            start.extend_from_slice(format!("sep={}\r\n", char::from(delimiter.byte())).as_bytes());
        }
        let mut out = writer(delimiter, start);
        // Writing into memory cannot fail.
        let _ = out.write_record(header);
        self.out = Some((out, delimiter));
    }

    /// Writes one data record's cells.
    pub(crate) fn row<'c>(&mut self, cells: impl Iterator<Item = &'c str>) {
        if let Some((out, _)) = &mut self.out {
            let _ = out.write_record(cells);
        }
    }

    /// The bytes written since the last call.
    pub(crate) fn take(&mut self) -> crate::Result<Vec<u8>> {
        let Some((out, delimiter)) = self.out.take() else { return Ok(Vec::new()) };
        let bytes = out.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
        self.out = Some((writer(delimiter, Vec::new()), delimiter));
        Ok(bytes)
    }
}

impl Default for Corrected {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use crate::{ImportOptions, IssueCode, Validator};

    const HEADER: &str = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status";

    fn cells(row: &str) -> Vec<String> {
        row.split(',').map(String::from).collect()
    }

    /// Validates `input` with `fixes` in chunks of `chunk` bytes: the report and the corrected file.
    fn run(input: &[u8], fixes: &[(u64, &str)], chunk: usize) -> (crate::Report, crate::Result<String>) {
        let fixes = fixes.iter().map(|(r, row)| (*r, cells(row))).collect();
        let mut v = Validator::new(&ImportOptions::default()).unwrap().fixes(fixes).write_corrected(true);
        let mut out = Vec::new();
        let mut taken = Ok(());
        for part in input.chunks(chunk) {
            v.push(part);
            match v.take_corrected() {
                Ok(bytes) => out.extend(bytes),
                Err(e) => taken = Err(e),
            }
        }
        let report = v.finish();
        let corrected = taken.and_then(|()| v.take_corrected()).map(|rest| {
            out.extend(rest);
            String::from_utf8(out).unwrap()
        });
        (report, corrected)
    }

    #[test]
    fn fixes_come_from_json_with_clear_errors() {
        let fixes = super::fixes_from_json(r#"{"3": ["L-3", "Cy"], "10": []}"#).unwrap();
        assert_eq!(fixes.keys().copied().collect::<Vec<_>>(), [3, 10]);
        for bad in [r#"{"0": []}"#, r#"{"x": []}"#, r#"{"1": "L-1"}"#, r#"{"1": [1]}"#, "[]"] {
            let e = super::fixes_from_json(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_option", "{bad}");
            assert!(e.to_string().contains("fixes"), "{bad}: {e}");
        }
    }

    #[test]
    fn fixed_records_are_checked_with_the_rules_and_written_back_with_the_rest() {
        let file = format!(
            "Lists exported 2026-11-30\n{HEADER}\nL-1,Ada,ada@example,Web,High,New\n\n\
             L-2,Bob,\"bob@example.com\",Web,Hot,Open\nL-3,Cy,cy@example.com,Web,Meh,Won\n"
        );
        for chunk in [1, 7, file.len()] {
            let (report, corrected) =
                run(file.as_bytes(), &[(1, "L-1,Ada,ada@example.com,Web,High,New")], chunk);
            // Record 1 is fixed; record 3 is still wrong, at its own line; lines are the file's.
            assert_eq!((report.rows, report.valid, report.invalid), (3, 2, 1));
            let codes: Vec<_> = report.issues.iter().map(|i| (i.code, i.line)).collect();
            assert_eq!(codes, [(IssueCode::PreambleSkipped, Some(2)), (IssueCode::InvalidChoice, Some(6))]);
            assert_eq!(
                corrected.unwrap(),
                format!(
                    "\u{feff}{HEADER}\r\nL-1,Ada,ada@example.com,Web,High,New\r\nL-2,Bob,bob@example.com,Web,Hot,Open\r\n\
                     L-3,Cy,cy@example.com,Web,Meh,Won\r\n"
                )
            );
        }
    }

    #[test]
    fn a_fix_is_checked_against_the_other_rows() {
        let file = format!("{HEADER}\nL-1,Ada,ada@example.com,Web,High,New\nL-2,Bob,x,Web,Low,New\n");
        let (report, _) = run(file.as_bytes(), &[(2, "L-1,Bob,bob@example.com,Web,Low,New")], 4096);
        assert_eq!(report.invalid, 1);
        assert_eq!(report.issues[0].code, IssueCode::DuplicateLeadId);
        assert_eq!(report.issues[0].line, Some(3));
        // A short fix is a short record; a formula is written as it is (the file is for upload).
        let (report, corrected) = run(file.as_bytes(), &[(2, "L-2,=SUM(A1)")], 4096);
        assert_eq!(report.issues[0].code, IssueCode::FieldCount);
        assert!(corrected.unwrap().ends_with("\r\nL-2,=SUM(A1)\r\n"));
    }

    #[test]
    fn the_corrected_file_keeps_the_delimiter_and_decodes_to_utf8() {
        let file = b"sep=;\r\nLead ID;Lead Name;Contact Information;Source;Interest Level;Status\r\n\
                     L-1;Ren\xe9e;renee@example.com;Salon; a;Low;New\r\n";
        let (report, corrected) = run(file, &[], 4096);
        assert_eq!(report.encoding, crate::Encoding::Windows1252);
        assert_eq!(report.issues[0].code, IssueCode::FieldCount);
        let text = corrected.unwrap();
        assert_eq!(
            text,
            "\u{feff}sep=;\r\nLead ID;Lead Name;Contact Information;Source;Interest Level;Status\r\n\
             L-1;Renée;renee@example.com;Salon; a;Low;New\r\n"
        );
        // Validated again, the corrected file says what the fixed one said.
        let again = crate::validate(text.as_bytes(), &ImportOptions::default()).unwrap().report;
        assert_eq!((again.rows, again.valid, again.invalid), (report.rows, report.valid, report.invalid));
    }

    #[test]
    fn records_that_would_change_when_rewritten_must_be_fixed_first() {
        let file = format!(
            "{HEADER}\nL-1,Ada,ada@example.com,Web\"site,High,New\nL-2,Bob,bob@example.com,Web,Low,New\n"
        );
        let (report, corrected) = run(file.as_bytes(), &[], 4096);
        assert_eq!(report.issues[0].code, IssueCode::MalformedQuote);
        let e = corrected.unwrap_err();
        assert_eq!(e.code(), "invalid_option");
        assert!(
            e.to_string().contains("line 2 cannot be written back unchanged (a quote is out of place)"),
            "{e}"
        );
        let (report, corrected) =
            run(file.as_bytes(), &[(1, "L-1,Ada,ada@example.com,Web\"site,High,New")], 4096);
        assert_eq!(report.valid, 2);
        assert!(corrected.unwrap().contains("\r\nL-1,Ada,ada@example.com,\"Web\"\"site\",High,New\r\n"));
        // A file not read to its end cannot be written back whole.
        let options = ImportOptions { max_rows: 1, ..ImportOptions::default() };
        let mut v = Validator::new(&options).unwrap().write_corrected(true);
        v.push(file.replace("Web\"site", "Website").as_bytes());
        v.finish();
        assert!(v.take_corrected().unwrap_err().to_string().contains("not read to its end"));
    }
}
