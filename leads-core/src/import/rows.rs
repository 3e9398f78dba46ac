//! Per-record work: the header, then the rules for each row, the Lead ID set, the counts, the
//! issues and the leads kept. [`RecordCheck`] is the part of the rules that needs no other row,
//! shareable between threads.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::import::fixes::{Corrected, FixedRecord, Fixes, unwritable};
use crate::import::header::{self, Aliases, Header, Mapping, Resolver};
use crate::import::options::ImportOptions;
use crate::import::parser::{Flow, RawRecord};
use crate::import::rejects::RejectedRow;
use crate::import::rules::{Checked, Rules, Verdict, Violation, trim};
use crate::import::seen::{SeenIds, id_hash};
use crate::import::table::LeadTable;
use crate::model::{Delimiter, Encoding, Field, InterestLevel, Issue, IssueCode, Lead, Report, params};

/// Longest issue `value`, in characters; longer values are cut and end with `…`.
const MAX_VALUE_CHARS: usize = 256;

/// A header search: the first record's header, its line and how many fields it names without
/// guessing, and the lines of the records read since.
#[derive(Debug)]
struct HeaderSearch {
    first: Header,
    line: u64,
    named: usize,
    later: Vec<u64>,
}

/// Per-record work: the header, then the rules for each row.
pub(crate) struct RowValidator {
    pub(crate) check: Arc<RecordCheck>,
    pub(crate) resolver: Resolver,
    pub(crate) encoding: Encoding,
    max_issues: usize,
    pub(crate) max_rows: u64,
    max_field: usize,
    pub(crate) keep_leads: bool,
    pub(crate) keep_rejected: bool,
    pub(crate) header: Option<Header>,
    header_line: u64,
    /// While looking for the header below a first record that does not resolve.
    search: Option<HeaderSearch>,
    /// Whether the first line is Excel's `sep=X` (it set the delimiter; it is skipped).
    pub(crate) sep_line: bool,
    pub(crate) rows: u64,
    pub(crate) valid: u64,
    pub(crate) invalid: u64,
    issues: Vec<Issue>,
    row_issues: usize,
    truncated: bool,
    pub(crate) stopped: bool,
    pub(crate) seen: SeenIds,
    pub(crate) leads: VecDeque<Lead>,
    /// Set by `lead_table(true)`: valid leads go here instead of `leads`.
    pub(crate) table: Option<LeadTable>,
    pub(crate) rejected: VecDeque<RejectedRow>,
    /// Issues of the current row (reused).
    current: Vec<Issue>,
    /// Records replaced before the rules (each taken when its record comes).
    pub(crate) fixes: Fixes,
    /// The corrected file, when asked for, and the delimiter it is written with.
    pub(crate) corrected: Option<Corrected>,
    pub(crate) delimiter: Delimiter,
    pub(crate) finished: Option<Report>,
}

/// The row rules that need no other row, fixed once the header is known: shared with
/// `validate_parallel`'s parsing thread, which runs them on some batches to balance the work.
#[derive(Debug)]
pub(crate) struct RecordCheck {
    pub(crate) rules: Rules,
    /// (column, field) pairs of the header, in column order; empty before the header.
    mapped: Vec<(usize, Field)>,
    /// The fields fed by several columns, with their columns in order (joined values).
    joined: Vec<(Field, Vec<usize>)>,
    /// The Lead ID's column.
    id_column: Option<usize>,
    /// Columns in the header.
    width: usize,
}

/// What the rules that need no other row say of a record.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecordVerdict {
    /// Every value passed (their verdicts, by field), and the Lead ID has this [`id_hash`]:
    /// only whether it appeared before is left to decide.
    Clean { id_hash: u64, verdicts: [Option<Verdict>; 7] },
    /// Anything else (an issue, a blank row, the header, a shape the full rules handle).
    NeedsFullRules,
}

impl RecordCheck {
    /// The verdict on `r` (with `text`, its text when valid UTF-8) of the rules that need no
    /// other row; building no message, allocating nothing.
    // Called for every record from the validator and the batches (other modules): inlined there.
    #[inline]
    pub(crate) fn pre(&self, r: &RawRecord<'_>, text: Option<&str>) -> RecordVerdict {
        let (Some(text), Some(_)) = (text, self.id_column) else {
            return RecordVerdict::NeedsFullRules;
        };
        // A joined value is built by the full rules; control characters are named by them.
        if !self.joined.is_empty() || r.controls {
            return RecordVerdict::NeedsFullRules;
        }
        if r.unclosed_quote || r.overflow.is_some() || r.malformed != 0 || r.field_count != self.width {
            return RecordVerdict::NeedsFullRules;
        }
        let mut verdicts = [None; 7];
        for &(col, field) in &self.mapped {
            let Some(value) = r.range(col).and_then(|range| text.get(range)) else {
                return RecordVerdict::NeedsFullRules;
            };
            match self.rules.verdict_without_controls(field, trim(value)) {
                Ok(verdict) => verdicts[field as usize] = Some(verdict),
                Err(_) => return RecordVerdict::NeedsFullRules,
            }
        }
        match self.id_hash(r, text) {
            Some(id_hash) => RecordVerdict::Clean { id_hash, verdicts },
            None => RecordVerdict::NeedsFullRules,
        }
    }

    /// The [`id_hash`] of the record's Lead ID (trimmed), when it has one.
    #[inline]
    pub(crate) fn id_hash(&self, r: &RawRecord<'_>, text: &str) -> Option<u64> {
        let id = r.range(self.id_column?).and_then(|range| text.get(range))?;
        Some(id_hash(trim(id).as_bytes()))
    }

    /// Whether verdicts that crossed from another Worker can be used here: every status within
    /// the vocabulary. (A verdict is taken as given, as the records are; that one is an index.)
    pub(crate) fn statuses_fit(&self, verdicts: &[Option<Verdict>; 7]) -> bool {
        match verdicts[Field::Status as usize] {
            Some(Verdict::Status(i)) => (i as usize) < self.rules.statuses().len(),
            _ => true,
        }
    }

    /// The length in bytes of the record's Lead ID (0 without one).
    pub(crate) fn id_len(&self, r: &RawRecord<'_>) -> usize {
        self.id_column.and_then(|col| r.range(col)).map_or(0, |range| range.len())
    }
}

/// A record's text, when it is valid UTF-8 (checked here unless known).
#[inline]
pub(crate) fn record_text<'a>(r: &RawRecord<'a>) -> Option<&'a str> {
    r.text.or_else(|| simdutf8::basic::from_utf8(r.bytes()).ok())
}

/// A record's fields as text.
struct Fields<'a> {
    record: &'a RawRecord<'a>,
    text: Option<&'a str>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(record: &'a RawRecord<'a>, text: Option<&'a str>) -> Self {
        Fields { record, text }
    }

    fn raw(&self, i: usize) -> &'a [u8] {
        self.record.get(i).unwrap_or_default()
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self.text {
            Some(text) => text.get(self.record.range(i)?),
            None => std::str::from_utf8(self.record.get(i)?).ok(),
        }
    }

    fn lossy(&self, i: usize) -> String {
        String::from_utf8_lossy(self.raw(i)).into_owned()
    }
}

fn cut(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
}

impl RowValidator {
    pub(crate) fn new(rules: Rules, options: &ImportOptions) -> Self {
        RowValidator {
            check: Arc::new(RecordCheck {
                rules,
                mapped: Vec::new(),
                joined: Vec::new(),
                id_column: None,
                width: 0,
            }),
            resolver: Resolver {
                mapping: Mapping::new(&options.mapping),
                aliases: Aliases::new(&options.aliases),
            },
            encoding: Encoding::Utf8,
            max_issues: options.max_issues,
            max_rows: options.max_rows,
            max_field: options.max_field_bytes,
            keep_leads: true,
            keep_rejected: true,
            header: None,
            header_line: 1,
            search: None,
            sep_line: false,
            rows: 0,
            valid: 0,
            invalid: 0,
            issues: Vec::new(),
            row_issues: 0,
            truncated: false,
            stopped: false,
            seen: SeenIds::new(),
            leads: VecDeque::new(),
            table: None,
            rejected: VecDeque::new(),
            current: Vec::new(),
            fixes: Fixes::new(),
            corrected: None,
            delimiter: Delimiter::Comma,
            finished: None,
        }
    }

    pub(crate) fn file_issue(&mut self, line: Option<u64>, said: Violation) {
        self.issues.push(Issue::new(said.code, said.message).with_params(said.params).at(line, None));
    }

    pub(crate) fn record(&mut self, r: &RawRecord<'_>) -> Flow {
        let text = record_text(r);
        let pre = self.check.pre(r, text);
        self.record_pre(r, text, pre)
    }

    /// The rules that need no other row, for a parsing thread to run ([`RecordCheck::pre`]).
    pub(crate) fn check(&self) -> Option<Arc<RecordCheck>> {
        self.check.id_column.map(|_| Arc::clone(&self.check))
    }

    /// [`record`](Self::record) with its text and the verdict of [`RecordCheck::pre`] on it, from
    /// the [`check`](Self::check) of this `RowValidator`.
    pub(crate) fn record_pre(&mut self, r: &RawRecord<'_>, text: Option<&str>, pre: RecordVerdict) -> Flow {
        if self.stopped {
            return Flow::Stop;
        }
        // A clean row has a Lead ID, so is not blank.
        if matches!(pre, RecordVerdict::NeedsFullRules) && !r.unclosed_quote && is_blank(r) {
            return Flow::Continue;
        }
        if self.header.is_none() {
            if self.sep_line && r.line == 1 {
                return Flow::Continue;
            }
            return self.header(r, text);
        }
        if self.rows == self.max_rows {
            let max = self.max_rows;
            self.file_issue(
                Some(r.line),
                Violation {
                    code: IssueCode::LimitExceeded,
                    message: format!("The file has more than {max} rows (max_rows); the rest was not read"),
                    params: params! {"limit" => "max_rows", "max" => max},
                },
            );
            self.stopped = true;
            return Flow::Stop;
        }
        self.rows += 1;
        if self.corrected.is_some() {
            self.correct_header();
        }
        if let Some(cells) = (!self.fixes.is_empty()).then(|| self.fixes.remove(&self.rows)).flatten() {
            let fixed = FixedRecord::new(&cells);
            let record = fixed.record(r.line, self.max_field);
            if let Some(out) = &mut self.corrected {
                out.row(cells.iter().map(String::as_str));
            }
            let pre = self.check.pre(&record, record.text);
            self.rules_on(&record, record.text, pre);
            return Flow::Continue;
        }
        if let Some(out) = &mut self.corrected {
            match unwritable(r, text) {
                Some(why) => {
                    out.blocked.get_or_insert((r.line, why));
                }
                None => {
                    let fields = Fields::new(r, text);
                    out.row((0..r.len()).map(|i| fields.get(i).unwrap_or_default()));
                }
            }
        }
        self.rules_on(r, text, pre);
        Flow::Continue
    }

    /// The rules on a data record, given what [`RecordCheck::pre`] said of it.
    #[inline]
    fn rules_on(&mut self, r: &RawRecord<'_>, text: Option<&str>, pre: RecordVerdict) {
        match pre {
            RecordVerdict::Clean { id_hash, verdicts } => self.clean_row(r, text, id_hash, verdicts),
            RecordVerdict::NeedsFullRules => self.row(r, text),
        }
    }

    /// Starts the corrected file with the header, once it is known.
    pub(crate) fn correct_header(&mut self) {
        if let (Some(out), Some(header)) = (&mut self.corrected, &self.header) {
            out.header(self.delimiter, self.sep_line, header.columns.iter().map(|c| c.header.as_str()));
        }
    }

    /// Gets the set of Lead IDs ready for coming IDs of these [`id_hash`]es (a hint, no effect
    /// on results).
    pub(crate) fn prefetch(&self, id_hashes: impl Iterator<Item = u64>) {
        self.seen.prefetch(id_hashes);
    }

    /// A row that passed every rule but the Lead ID's uniqueness.
    fn clean_row(
        &mut self,
        r: &RawRecord<'_>,
        text: Option<&str>,
        hash: u64,
        verdicts: [Option<Verdict>; 7],
    ) {
        let value = |col: usize| text.and_then(|t| t.get(r.range(col)?)).map_or("", trim);
        let id = self.check.id_column.map_or("", value);
        if self.seen.insert_hashed(id, hash, r.line).is_some() {
            // A duplicate: the full rules say so, naming the first line.
            return self.row(r, text);
        }
        self.valid += 1;
        if self.keep_leads {
            let mut values: [Option<(&str, Verdict)>; 7] = [None; 7];
            for &(col, field) in &self.check.mapped {
                values[field as usize] = verdicts[field as usize].map(|verdict| (value(col), verdict));
            }
            self.keep(values);
        }
    }

    fn header(&mut self, r: &RawRecord<'_>, text: Option<&str>) -> Flow {
        // A header cut short or run on into the rows would be resolved into noise: report the
        // one real problem and stop.
        let broken = if r.unclosed_quote {
            Some(Violation {
                code: IssueCode::UnclosedQuote,
                message: format!("A quoted header on line {} is never closed", r.line),
                params: params! {"line" => r.line},
            })
        } else {
            r.overflow.map(|col| {
                let max = self.max_field;
                Violation {
                    code: IssueCode::LimitExceeded,
                    message: format!(
                        "Header {} is longer than the {max}-byte field limit (max_field_bytes)",
                        col + 1
                    ),
                    params: params! {"limit" => "max_field_bytes", "max" => max, "position" => col + 1},
                }
            })
        };
        if let Some(said) = broken {
            if let Some(search) = self.search.take() {
                return self.adopt(search.first, search.line); // the first record stays the header
            }
            self.file_issue(Some(r.line), said);
            self.header = Some(Header::default());
            self.stopped = true;
            return Flow::Stop;
        }
        let fields = Fields::new(r, text);
        let cells: Vec<String> = (0..r.len()).map(|i| fields.lossy(i).trim().to_owned()).collect();
        match self.search.take() {
            None => {
                let header = header::resolve(&cells, r.line, &self.resolver);
                if !header.has_errors() {
                    return self.adopt(header, r.line);
                }
                // The first record does not resolve: the header may be one of the next few.
                let named = header::recognised(&cells, &self.resolver);
                self.search = Some(HeaderSearch { first: header, line: r.line, named, later: Vec::new() });
                Flow::Continue
            }
            Some(mut search) => {
                if header::is_later_header(search.named, header::recognised(&cells, &self.resolver)) {
                    let skipped: Vec<String> =
                        std::iter::once(search.line).chain(search.later).map(|l| l.to_string()).collect();
                    let (s, were) = if skipped.len() == 1 { ("", "was") } else { ("s", "were") };
                    let message = format!(
                        "The header is on line {}; line{s} {} above it {were} skipped",
                        r.line,
                        skipped.join(", ")
                    );
                    let lines: Vec<u64> = skipped.iter().filter_map(|l| l.parse().ok()).collect();
                    let params = params! {"header_line" => r.line, "lines" => lines};
                    self.file_issue(
                        Some(r.line),
                        Violation { code: IssueCode::PreambleSkipped, message, params },
                    );
                    return self.adopt(header::resolve(&cells, r.line, &self.resolver), r.line);
                }
                search.later.push(r.line);
                if 1 + search.later.len() >= header::HEADER_SEARCH_RECORDS {
                    return self.adopt(search.first, search.line); // no better header: the first stays
                }
                self.search = Some(search);
                Flow::Continue
            }
        }
    }

    /// Ends a header search at the end of the input: the first record stays the header.
    pub(crate) fn end_search(&mut self) {
        if let Some(search) = self.search.take() {
            self.adopt(search.first, search.line);
        }
    }

    /// Takes `header`, found on `line`, as the file's header.
    fn adopt(&mut self, header: Header, line: u64) -> Flow {
        self.header_line = line;
        let stop = header.has_errors();
        self.issues.extend(header.issues.iter().cloned());
        let mapped = header.mapped.clone();
        let id_column = mapped.iter().find(|(_, f)| *f == Field::LeadId).map(|(c, _)| *c);
        let joined = Field::ALL
            .into_iter()
            .map(|f| (f, mapped.iter().filter(|(_, g)| *g == f).map(|(c, _)| *c).collect::<Vec<_>>()))
            .filter(|(_, columns)| columns.len() > 1)
            .collect();
        let rules = self.check.rules.clone();
        self.check = Arc::new(RecordCheck { rules, mapped, joined, id_column, width: header.columns.len() });
        self.header = Some(header);
        if stop {
            self.stopped = true;
            return Flow::Stop;
        }
        Flow::Continue
    }

    /// The header text of column `c`.
    fn column_header(&self, c: usize) -> &str {
        self.header.as_ref().and_then(|h| h.columns.get(c)).map_or("", |c| c.header.as_str())
    }

    fn issue(
        &mut self,
        r: &RawRecord<'_>,
        column: Option<usize>,
        field: Option<Field>,
        value: Option<String>,
        said: Violation,
    ) {
        let header = self.header.as_ref().map(|h| &h.columns);
        let column = column.and_then(|c| header.and_then(|h| h.get(c)).map(|c| c.header.clone()));
        self.current.push(
            Issue::new(said.code, said.message)
                .with_params(said.params)
                .at(Some(r.line), Some(self.rows))
                .about(column, field)
                .with_value(value.map(|v| cut(&v))),
        );
    }

    fn row(&mut self, r: &RawRecord<'_>, text: Option<&str>) {
        let check = Arc::clone(&self.check);
        let width = check.width;
        let fields = Fields::new(r, text);
        self.current.clear();
        if r.unclosed_quote {
            let last = r.len().saturating_sub(1);
            let field = check.mapped.iter().find(|(c, _)| *c == last).map(|(_, f)| *f);
            let lines = r.line;
            self.issue(
                r,
                Some(last),
                field,
                Some(fields.lossy(last)),
                Violation {
                    code: IssueCode::UnclosedQuote,
                    message: format!("A quoted field that starts on line {lines} is never closed; the rest of the file was read into it"),
                    params: params! {"line" => lines},
                },
            );
            return self.reject(r, &fields);
        }
        let extra_blank = (width..r.len()).all(|i| fields.get(i).is_some_and(|s| s.trim().is_empty()));
        if r.field_count < width || (r.field_count > width && !extra_blank) {
            let found = r.field_count;
            let mut message = format!("Expected {width} fields, as in the header, but found {found}");
            let mut params = params! {"expected" => width, "found" => found};
            if found > width {
                match shifted_from(&check, &fields) {
                    Some(col) => {
                        params.extend(params! {
                            "shift_position" => col + 1,
                            "shift_header" => self.column_header(col),
                            "split_position" => col,
                            "split_header" => self.column_header(col - 1),
                        });
                        message.push_str(&format!(
                        "; from column {} ({:?}) on, the values fit one column to the right: column {} ({:?}) probably holds an unquoted delimiter ({:?} and {:?} are one value; quote it)",
                        col + 1,
                        self.column_header(col),
                        col,
                        self.column_header(col - 1),
                        fields.lossy(col - 1),
                        fields.lossy(col),
                    ));
                    }
                    None => {
                        let extra: Vec<String> =
                            (width..r.len().min(width + 5)).map(|i| fields.lossy(i)).collect();
                        let quoted: Vec<String> = extra.iter().map(|e| format!("{e:?}")).collect();
                        message.push_str(&format!(" (extra: {})", quoted.join(", ")));
                        params.insert("extra", extra.into());
                    }
                }
            }
            self.issue(r, None, None, None, Violation { code: IssueCode::FieldCount, message, params });
            return self.reject(r, &fields);
        }
        // The joined values of fields fed by several columns (their parts trimmed, empty ones
        // skipped), when every part could be read.
        let joined: Vec<(Field, &[usize], Option<String>)> = check
            .joined
            .iter()
            .map(|(field, columns)| {
                let parts: Option<Vec<&str>> = columns
                    .iter()
                    .map(|&c| if r.overflow == Some(c) { None } else { fields.get(c).map(trim) })
                    .collect();
                let text = parts.map(|p| {
                    p.into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(field.joiner().unwrap_or(" "))
                });
                (*field, columns.as_slice(), text)
            })
            .collect();
        let mut values: [Option<(&str, Verdict)>; 7] = [None; 7];
        for &(col, field) in &check.mapped {
            if r.overflow == Some(col) {
                let max = self.max_field;
                self.issue(
                    r,
                    Some(col),
                    Some(field),
                    Some(fields.lossy(col)),
                    Violation {
                        code: IssueCode::LimitExceeded,
                        message: format!("{} is longer than the {max}-byte field limit (max_field_bytes)", field.label()),
                        params: params! {"limit" => "max_field_bytes", "max" => max, "label" => field.label()},
                    },
                );
                continue;
            }
            if r.is_malformed(col) {
                let value = fields.lossy(col);
                self.issue(
                    r,
                    Some(col),
                    Some(field),
                    Some(value.clone()),
                    Violation {
                        code: IssueCode::MalformedQuote,
                        message: format!(
                            "{} has a quote out of place (read as {value:?}); to put a quote in a value, quote the whole value and double the quote inside: \"Acme \"\"Widgets\"\" Inc\"",
                            field.label()
                        ),
                        params: params! {"label" => field.label(), "value" => value},
                    },
                );
                continue;
            }
            let Some(text) = fields.get(col) else {
                let encoding = self.encoding;
                let said = Violation {
                    code: IssueCode::InvalidEncoding,
                    message: format!(
                        "{} holds bytes that are not valid {encoding} (set the encoding option if the file was saved in another one)",
                        field.label()
                    ),
                    params: params! {"label" => field.label(), "encoding" => encoding.as_str()},
                };
                self.issue(r, Some(col), Some(field), Some(fields.lossy(col)), said);
                continue;
            };
            let value = trim(text);
            if let Some((_, columns, whole)) = joined.iter().find(|(f, ..)| *f == field) {
                self.joined_part(r, &check.rules, col, field, text);
                // The joined value is checked at its last column, unless a part failed.
                let failed = self.current.iter().any(|i| i.field == Some(field));
                if columns.last() == Some(&col)
                    && !failed
                    && let Some(whole) = whole
                {
                    match check.rules.verdict(field, whole) {
                        Ok(verdict) => values[field as usize] = Some((whole.as_str(), verdict)),
                        Err(code) => {
                            let mut said = check.rules.violation(field, whole, code);
                            if code == IssueCode::Required {
                                let parts: Vec<&str> =
                                    columns.iter().map(|&c| self.column_header(c)).collect();
                                let names: Vec<String> = parts.iter().map(|p| format!("{p:?}")).collect();
                                said.message.push_str(&format!(": {} are all empty", names.join(", ")));
                                said.params.insert("parts", parts.into());
                            }
                            self.issue(r, Some(columns[0]), Some(field), Some(whole.clone()), said);
                        }
                    }
                }
                continue;
            }
            match check.rules.verdict(field, value) {
                Ok(verdict) => {
                    if field == Field::LeadId
                        && let Some(first) = self.seen.insert(value, r.line)
                    {
                        self.issue(
                            r,
                            Some(col),
                            Some(field),
                            Some(text.to_owned()),
                            Violation {
                                code: IssueCode::DuplicateLeadId,
                                message: format!("Lead ID {value:?} already appears on line {first}"),
                                params: params! {"lead_id" => value, "first_line" => first},
                            },
                        );
                        continue;
                    }
                    values[field as usize] = Some((value, verdict));
                }
                Err(code) => {
                    let said = check.rules.violation(field, value, code);
                    self.issue(r, Some(col), Some(field), Some(text.to_owned()), said);
                }
            }
        }
        if !self.current.is_empty() {
            return self.reject(r, &fields);
        }
        self.valid += 1;
        if self.keep_leads {
            self.keep(values);
        }
    }

    /// Checks one part of a joined field on its own, so that an issue names the column holding
    /// the bad part: each non-empty contact column must be emails or phone numbers itself.
    fn joined_part(&mut self, r: &RawRecord<'_>, rules: &Rules, col: usize, field: Field, text: &str) {
        let value = trim(text);
        if field != Field::ContactInformation || value.is_empty() {
            return;
        }
        if let Err(code) = rules.verdict(field, value) {
            let said = rules.violation(field, value, code);
            self.issue(r, Some(col), Some(field), Some(text.to_owned()), said);
        }
    }

    /// Keeps the lead of a valid row, from its values and their verdicts (by field).
    fn keep(&mut self, values: [Option<(&str, Verdict)>; 7]) {
        let values = values.map(|v| v.map(|(value, verdict)| verdict.checked(value)));
        if let Some(table) = &mut self.table {
            fn text<'v>(c: &'v Option<Checked<'_>>) -> &'v str {
                match c {
                    Some(Checked::Text(t)) => t,
                    _ => "",
                }
            }
            let [id, name, contact, source, interest, status, salesperson] = &values;
            let interest = match interest {
                Some(Checked::Interest(level)) => *level,
                _ => InterestLevel::Low,
            };
            let status = match status {
                Some(Checked::Status(i)) => *i,
                _ => usize::MAX,
            };
            table.push(
                [text(id), text(name), text(contact), text(source), text(salesperson)],
                interest,
                status,
            );
        } else {
            let lead = self.lead(values);
            self.leads.push_back(lead);
        }
    }

    fn lead(&self, values: [Option<Checked<'_>>; 7]) -> Lead {
        let [id, name, contact, source, interest, status, salesperson] = values;
        let text = |c: Option<Checked<'_>>| match c {
            Some(Checked::Text(t)) => t.into_owned(),
            _ => String::new(),
        };
        Lead {
            lead_id: text(id),
            lead_name: text(name),
            contact_information: text(contact),
            source: text(source),
            interest_level: match interest {
                Some(Checked::Interest(level)) => level,
                _ => InterestLevel::Low,
            },
            status: match status {
                Some(Checked::Status(i)) => self.check.rules.status_name(i).to_owned(),
                _ => String::new(),
            },
            salesperson: match salesperson {
                Some(Checked::Text(t)) => Some(t.into_owned()),
                _ => None,
            },
        }
    }

    fn reject(&mut self, r: &RawRecord<'_>, fields: &Fields<'_>) {
        self.invalid += 1;
        if self.keep_rejected {
            let width = self.check.width;
            self.rejected.push_back(RejectedRow {
                line: r.line,
                record: self.rows,
                values: (0..width).map(|i| fields.lossy(i)).collect(),
                errors: self.current.iter().map(|i| i.message.clone()).collect(),
            });
        }
        for issue in self.current.drain(..) {
            if self.row_issues < self.max_issues {
                self.issues.push(issue);
            } else {
                self.truncated = true;
            }
            self.row_issues += 1;
        }
    }

    pub(crate) fn end(&mut self) {
        self.end_search();
        if self.header.is_none() {
            let said = Violation {
                code: IssueCode::EmptyFile,
                message: "The file is empty".into(),
                params: params! {},
            };
            self.file_issue(None, said);
        } else if self.rows == 0 && !self.stopped {
            let line = self.header_line;
            self.file_issue(
                Some(line),
                Violation {
                    code: IssueCode::EmptyFile,
                    message: format!("The file has a header (line {line}) but no data rows"),
                    params: params! {"header_line" => line},
                },
            );
        }
    }

    pub(crate) fn report(&self, encoding: Encoding, delimiter: Delimiter) -> Report {
        Report {
            encoding,
            delimiter,
            columns: self.header.as_ref().map(|h| h.columns.clone()).unwrap_or_default(),
            suggestions: self.header.as_ref().map(|h| h.suggestions.clone()).unwrap_or_default(),
            rows: self.rows,
            valid: self.valid,
            invalid: self.invalid,
            issues: self.issues.clone(),
            issues_truncated: self.truncated,
        }
    }
}

/// For a record with more fields than the header: the first mapped column (past the first)
/// whose value breaks its field's rule while the next value would pass it, where the values
/// start to sit one column to the right of their place.
fn shifted_from(check: &RecordCheck, fields: &Fields<'_>) -> Option<usize> {
    let verdict = |field: Field, col: usize| fields.get(col).map(|v| check.rules.verdict(field, trim(v)));
    let fails = |field, col| matches!(verdict(field, col), Some(Err(_)));
    let passes = |field, col| matches!(verdict(field, col), Some(Ok(v)) if !matches!(v, Verdict::Empty));
    check
        .mapped
        .iter()
        .find(|&&(col, field)| col > 0 && fails(field, col) && passes(field, col + 1))
        .map(|&(col, _)| col)
}

/// Whether every field of the record is empty or blank.
fn is_blank(r: &RawRecord<'_>) -> bool {
    r.iter().all(|f| match f.iter().find(|&&b| b != b' ' && b != b'\t') {
        None => true,
        // Printable ASCII is never trimmed away.
        Some(&b) if b > b' ' && b < 0x80 => false,
        Some(_) => std::str::from_utf8(f).is_ok_and(|s| s.trim().is_empty()),
    })
}
