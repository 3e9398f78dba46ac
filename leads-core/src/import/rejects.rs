//! Invalid rows written back out as CSV, for a person to fix in a spreadsheet and re-upload.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::import::rules::is_phone;
use crate::model::Report;

/// A row that failed validation, as it was in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// Physical line where the record starts.
    pub line: u64,
    /// 1-based data-record index.
    pub record: u64,
    /// The row's cells, as read (not trimmed), one per header column; missing cells are empty.
    pub values: Vec<String>,
    /// The messages of the row's issues.
    pub errors: Vec<String>,
}

/// Writes rejected rows as CSV: the file's header plus an `errors` column, the file's delimiter,
/// a UTF-8 BOM and CRLF line ends (what spreadsheets open without asking).
///
/// Cells that a spreadsheet would run as a formula (first non-blank character `=` `+` `-` `@`,
/// or a leading tab or carriage return) get a leading `'`, except valid phone numbers such as
/// `+1 555 0100`, which are left as they are.
///
/// ```
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n\
///            L-1,=HYPERLINK(\"x\"),nobody,Web,High,New\n";
/// let v = leads_core::validate(csv.as_bytes(), &Default::default())?;
/// let mut out = Vec::new();
/// leads_core::write_rejected_csv(&mut out, &v.report, &v.rejected)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("\u{feff}Lead ID,Lead Name,"));
/// assert!(text.contains("L-1,\"'=HYPERLINK(\"\"x\"\")\",nobody,"));
/// # Ok::<(), leads_core::Error>(())
/// ```
///
/// # Errors
/// An I/O error from the writer.
pub fn write_rejected_csv<W: Write>(mut writer: W, report: &Report, rows: &[RejectedRow]) -> Result<()> {
    writer.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new()
        .delimiter(report.delimiter.byte())
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(writer);
    let header = report.columns.iter().map(|c| neutralise(&c.header)).chain(["errors".into()]);
    csv.write_record(header.map(|c| c.into_owned())).map_err(csv_error)?;
    for row in rows {
        let joined = row.errors.join("; ");
        let cells = row.values.iter().map(|v| neutralise(v)).chain([neutralise(&joined)]);
        csv.write_record(cells.map(|c| c.into_owned())).map_err(csv_error)?;
    }
    csv.flush()?;
    Ok(())
}

/// The cell with a leading `'` when a spreadsheet would read it as a formula: its first
/// character after any white space, BOM or other control characters (which spreadsheets skip)
/// is `=` `+` `-` or `@`, or it starts with a tab or carriage return. A valid phone number
/// (`+1 555 0100`) is left as it is.
pub(crate) fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let skipped = |c: char| c.is_whitespace() || c.is_control() || c == '\u{feff}';
    let risky = cell.starts_with(['\t', '\r'])
        || cell.trim_start_matches(skipped).starts_with(['=', '+', '-', '@']) && !is_phone(cell.trim());
    if risky { format!("'{cell}").into() } else { cell.into() }
}

pub(crate) fn csv_error(e: csv::Error) -> crate::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => std::io::Error::other(format!("{other:?}")).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formulas_but_not_phones() {
        assert_eq!(neutralise("=1+2"), "'=1+2");
        assert_eq!(neutralise("  @SUM(A1)"), "'  @SUM(A1)");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("+1 (555) 010-0100"), "+1 (555) 010-0100");
        assert_eq!(neutralise("Ann"), "Ann");
        assert_eq!(neutralise(""), "");
        for hidden in ["\u{feff}=1+2", "\u{0}=cmd", "\u{1}\u{85}+x", "\u{7f}@a", " \u{a0}\u{feff}-1", "\n=x"]
        {
            assert_eq!(neutralise(hidden), format!("'{hidden}"), "{hidden:?}");
        }
        assert_eq!(neutralise("\u{feff}+1 555 0100"), "'\u{feff}+1 555 0100", "not a phone with a BOM");
    }

    #[test]
    fn rows_with_joined_fields_come_back_in_their_own_columns() {
        let csv = "Record ID,First Name,Last Name,Email,Phone,Source,Rating,Status\n\
                   51,Ada,Lovelace,ada@example.com,n/a,Web,Hot,Open\n";
        let v = crate::validate(csv.as_bytes(), &crate::ImportOptions::default()).unwrap();
        assert_eq!(v.report.issues[0].column.as_deref(), Some("Phone"), "the bad part's column");
        let mut out = Vec::new();
        write_rejected_csv(&mut out, &v.report, &v.rejected).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Record ID,First Name,Last Name,Email,Phone,Source,Rating,Status,errors");
        assert!(lines[1].starts_with("51,Ada,Lovelace,ada@example.com,n/a,Web,Hot,Open,"), "{}", lines[1]);
    }

    #[test]
    fn header_cells_are_neutralised_too() {
        let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,=HYPERLINK(\"x\"),+cmd|' /C calc'!A0\n\
                   L-1,Ann,nobody,Web,High,New,a,b\n";
        let v = crate::validate(csv.as_bytes(), &crate::ImportOptions::default()).unwrap();
        let mut out = Vec::new();
        write_rejected_csv(&mut out, &v.report, &v.rejected).unwrap();
        let text = String::from_utf8(out).unwrap();
        let header = text.lines().next().unwrap();
        assert!(header.ends_with(",\"'=HYPERLINK(\"\"x\"\")\",'+cmd|' /C calc'!A0,errors"), "{header}");
    }
}
