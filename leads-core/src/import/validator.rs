//! The push validator: bytes in, in chunks of any size; leads, rejected rows and a report out.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use crate::error::Result;
use crate::import::decode::{self, Decoder, SNIFF_BYTES};
use crate::import::header::{self, Aliases, Header};
use crate::import::options::ImportOptions;
use crate::import::parallel::{Batch, Pipe};
use crate::import::parser::{Flow, Parser, RawRecord};
use crate::import::rejects::RejectedRow;
use crate::import::rules::{Checked, Rules, Verdict, trim};
use crate::import::seen::{SeenIds, id_hash};
use crate::import::sniff::sniff;
use crate::import::table::LeadTable;
use crate::model::Lead;
use crate::model::{Column, Issue, IssueCode, Report};
use crate::model::{Delimiter, Encoding};
use crate::model::{Field, InterestLevel};

/// Longest issue `value`, in characters; longer values are cut and end with `…`.
const MAX_VALUE_CHARS: usize = 256;

/// What a validation produced: the report, the valid leads and the rejected rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// The report.
    pub report: Report,
    /// The valid leads, in file order.
    pub leads: Vec<Lead>,
    /// The invalid rows, in file order, for [`write_rejected_csv`](crate::write_rejected_csv).
    pub rejected: Vec<RejectedRow>,
}

/// How far a validation has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Input bytes consumed.
    pub bytes: u64,
    /// Data records read.
    pub rows: u64,
    /// Records without errors so far.
    pub valid: u64,
    /// Records with errors so far.
    pub invalid: u64,
}

/// Validates a whole file in memory.
///
/// ```
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n\
///            L-1,Ann Lee,ann@example.com,Website,Hot,open,\n\
///            L-2,Bo Kim,not a contact,Referral,High,Won,Dana\n";
/// let v = leads_core::validate(csv.as_bytes(), &Default::default())?;
/// assert_eq!((v.report.valid, v.report.invalid), (1, 1));
/// assert_eq!(v.leads[0].status, "Open");
/// assert_eq!(v.report.issues[0].code, leads_core::IssueCode::InvalidContact);
/// # Ok::<(), leads_core::Error>(())
/// ```
///
/// # Errors
/// Only for unusable options; problems in the file are issues in the report.
pub fn validate(input: &[u8], options: &ImportOptions) -> Result<Validation> {
    let mut v = Validator::new(options)?;
    v.push(input);
    Ok(v.finish_all())
}

/// Validates what a reader yields, reading it in 64 KiB chunks.
///
/// # Errors
/// Unusable options, or an I/O error from the reader.
pub fn validate_reader<R: Read>(reader: R, options: &ImportOptions) -> Result<Validation> {
    let mut v = Validator::new(options)?;
    v.push_reader(reader)?;
    Ok(v.finish_all())
}

/// A streaming validator. Push chunks of any size, take leads and rejected rows as they
/// complete, then [`finish`](Validator::finish) for the report.
///
/// Memory stays bounded by the longest record plus the set of Lead IDs seen (needed to find
/// duplicates), as long as the caller takes the leads and rejected rows it asked to keep.
///
/// ```
/// use leads_core::{ImportOptions, Validator};
///
/// let csv = "Lead ID;Lead Name;Contact Information;Source;Interest Level;Status\n\
///            L-1;Zoë;+33 1 23 45 67 89;Fair;Low;New\n";
/// let mut v = Validator::new(&ImportOptions::default())?;
/// let mut leads = Vec::new();
/// for chunk in csv.as_bytes().chunks(7) {
///     v.push(chunk);
///     leads.extend(v.drain_leads());
/// }
/// let report = v.finish();
/// leads.extend(v.drain_leads());
/// assert_eq!(report.delimiter, leads_core::Delimiter::Semicolon);
/// assert_eq!(leads[0].lead_name, "Zoë");
/// # Ok::<(), leads_core::Error>(())
/// ```
pub struct Validator {
    front: Front,
    back: Back,
    /// The input's expected size, until it has been used to reserve memory.
    size_hint: Option<u64>,
}

/// Bytes in, decoded text out.
struct Front {
    forced: Option<Encoding>,
    max_bytes: u64,
    bytes: u64,
    over_limit: bool,
    window: Vec<u8>,
    decoder: Option<Decoder>,
    encoding: Encoding,
    scratch: Vec<u8>,
}

/// Decoded text in, records out.
struct Back {
    forced: Option<Delimiter>,
    max_field: usize,
    sample: Vec<u8>,
    parser: Option<Parser>,
    delimiter: Delimiter,
    rows: Rows,
    /// Set while `validate_parallel` runs the rules on a worker: records go there.
    pipe: Option<Pipe>,
    /// Otherwise, rows that passed the rules needing no other row wait here, so that their
    /// Lead IDs are checked a batch at a time (see [`Batch::flush`]).
    pending: Batch,
}

impl Validator {
    /// A validator that keeps valid leads and rejected rows for the caller to take.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) for unusable options.
    pub fn new(options: &ImportOptions) -> Result<Self> {
        let rules = Rules::new(options)?;
        Ok(Validator {
            front: Front {
                forced: options.encoding,
                max_bytes: options.max_bytes,
                bytes: 0,
                over_limit: false,
                window: Vec::new(),
                decoder: None,
                encoding: Encoding::Utf8,
                scratch: Vec::new(),
            },
            back: Back {
                forced: options.delimiter,
                max_field: options.max_field_bytes,
                sample: Vec::new(),
                parser: None,
                delimiter: options.delimiter.unwrap_or(Delimiter::Comma),
                rows: Rows::new(rules, options),
                pipe: None,
                pending: Batch::default(),
            },
            size_hint: None,
        })
    }

    /// Whether valid leads are kept for [`next_lead`](Self::next_lead) (default `true`).
    /// Turn off to only count and report, in the least memory.
    #[must_use]
    pub fn keep_leads(mut self, keep: bool) -> Self {
        self.back.rows.keep_leads = keep;
        self
    }

    /// Keeps the valid leads compactly in a [`LeadTable`] (take it with
    /// [`take_lead_table`](Self::take_lead_table) after [`finish`](Self::finish)) instead of
    /// handing them out one by one: for whole-file validations, a third of the memory and no
    /// allocation per field. `next_lead` and `drain_leads` then give nothing.
    #[must_use]
    pub fn lead_table(mut self, on: bool) -> Self {
        let rows = &mut self.back.rows;
        rows.table = on.then(|| LeadTable::new(rows.check.rules.statuses().into()));
        self
    }

    /// The valid leads so far, as a [`LeadTable`] (empty unless [`lead_table`](Self::lead_table)
    /// is on); later leads go to a fresh table.
    pub fn take_lead_table(&mut self) -> LeadTable {
        match &mut self.back.rows.table {
            Some(table) => {
                let fresh = LeadTable::new(self.back.rows.check.rules.statuses().into());
                std::mem::replace(table, fresh)
            }
            None => LeadTable::default(),
        }
    }

    /// Whether invalid rows are kept for [`next_rejected`](Self::next_rejected) (default `true`).
    #[must_use]
    pub fn keep_rejected(mut self, keep: bool) -> Self {
        self.back.rows.keep_rejected = keep;
        self
    }

    /// Feeds the next chunk of the file. Chunks may end anywhere: inside a character, a quoted
    /// field or a CRLF.
    pub fn push(&mut self, chunk: &[u8]) {
        self.push_chunk(chunk);
        if self.back.rows.rows >= 64 {
            self.reserve_now();
        }
    }

    /// Applies the size hint, if any, from the rows per byte so far.
    pub(crate) fn reserve_now(&mut self) {
        if let Some(total) = self.size_hint
            && self.back.rows.rows > 0
        {
            // Reserve once what the rest of the file will need (untouched reserved memory
            // costs nothing): no rehashing or copying as the sets grow.
            self.size_hint = None;
            let rows = &mut self.back.rows;
            let per_row = self.front.bytes as f64 / rows.rows as f64;
            let expected = ((total as f64 / per_row) as u64).min(rows.max_rows);
            let more = usize::try_from(expected.saturating_sub(rows.rows)).unwrap_or(0);
            let rest = usize::try_from(total.min(self.front.max_bytes).saturating_sub(self.front.bytes))
                .unwrap_or(0);
            rows.seen.reserve(more);
            if let Some(table) = &mut rows.table {
                table.reserve(more, rest);
            }
        }
    }

    /// Whether the encoding and the delimiter are decided and records flow to the rules.
    pub(crate) fn is_parsing(&self) -> bool {
        self.back.parser.is_some()
    }

    /// Takes the rules' state out (for a worker thread), leaving a fresh one.
    pub(crate) fn lend_rows(&mut self) -> Result<Rows> {
        let spare = Rows::new(Rules::new(&ImportOptions::default())?, &ImportOptions::default());
        Ok(std::mem::replace(&mut self.back.rows, spare))
    }

    /// Puts the rules' state back.
    pub(crate) fn return_rows(&mut self, rows: Rows) {
        self.back.rows = rows;
    }

    /// Sets or clears the pipe to a worker; returns the previous one.
    pub(crate) fn set_pipe(&mut self, pipe: Option<Pipe>) -> Option<Pipe> {
        std::mem::replace(&mut self.back.pipe, pipe)
    }

    /// Whether reading should stop while the rules run on a worker.
    pub(crate) fn is_pipe_stopped(&self) -> bool {
        self.front.over_limit || self.back.pipe.as_ref().is_none_or(Pipe::is_stopped)
    }

    /// Tells the validator how many bytes the input holds (a file's size), so it can reserve
    /// memory for the Lead IDs and leads once instead of growing step by step. Only speed
    /// depends on it; a wrong hint changes no result. (Reserved memory that is never touched
    /// costs nothing on native targets; on wasm32 it grows the linear memory for real.)
    #[must_use]
    pub fn size_hint(mut self, total_bytes: u64) -> Self {
        self.size_hint = Some(total_bytes);
        self
    }

    fn push_chunk(&mut self, chunk: &[u8]) {
        let Validator { front, back, .. } = self;
        if front.over_limit || back.rows.stopped {
            return;
        }
        let room = front.max_bytes - front.bytes;
        let chunk = if chunk.len() as u64 > room {
            front.over_limit = true;
            &chunk[..usize::try_from(room).unwrap_or(chunk.len())]
        } else {
            chunk
        };
        front.bytes += chunk.len() as u64;
        match &mut front.decoder {
            Some(decoder) => {
                let text = decoder.decode(chunk, &mut front.scratch);
                back.text(text);
            }
            None => {
                front.window.extend_from_slice(chunk);
                if front.window.len() >= SNIFF_BYTES {
                    front.start(back, false);
                }
            }
        }
    }

    /// Pushes everything a reader yields, in 64 KiB chunks, until its end or until the validator
    /// stops. With [`keep_leads(false)`](Self::keep_leads) and
    /// [`keep_rejected(false)`](Self::keep_rejected) this validates a file of any size in
    /// little memory; otherwise take the leads as they come with a loop of [`push`](Self::push).
    ///
    /// # Errors
    /// An I/O error from the reader (what was read before it stays pushed).
    pub fn push_reader<R: Read>(&mut self, mut reader: R) -> Result<()> {
        let mut buf = vec![0; 64 * 1024];
        while !self.is_stopped() {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => self.push(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Whether the validator stopped reading (a limit was reached or the header is unusable);
    /// further pushes are ignored.
    #[must_use]
    pub fn is_stopped(&self) -> bool {
        self.front.over_limit || self.back.rows.stopped
    }

    /// Progress so far.
    #[must_use]
    pub fn progress(&self) -> Progress {
        let r = &self.back.rows;
        Progress { bytes: self.front.bytes, rows: r.rows, valid: r.valid, invalid: r.invalid }
    }

    /// Takes the next valid lead, if one is complete.
    pub fn next_lead(&mut self) -> Option<Lead> {
        self.back.rows.leads.pop_front()
    }

    /// Takes every valid lead completed so far.
    pub fn drain_leads(&mut self) -> impl Iterator<Item = Lead> + '_ {
        self.back.rows.leads.drain(..)
    }

    /// Takes the next rejected row, if one is complete.
    pub fn next_rejected(&mut self) -> Option<RejectedRow> {
        self.back.rows.rejected.pop_front()
    }

    /// Takes every rejected row completed so far.
    pub fn drain_rejected(&mut self) -> impl Iterator<Item = RejectedRow> + '_ {
        self.back.rows.rejected.drain(..)
    }

    /// The header's columns, once the header has been read.
    #[must_use]
    pub fn columns(&self) -> Option<&[Column]> {
        self.back.rows.header.as_ref().map(|h| h.columns.as_slice())
    }

    /// Ends the input and returns the report. Leads and rejected rows not yet taken stay
    /// available through [`next_lead`](Self::next_lead) and [`next_rejected`](Self::next_rejected).
    pub fn finish(&mut self) -> Report {
        let Validator { front, back, .. } = self;
        if back.rows.finished.is_none() {
            if front.decoder.is_none() {
                front.start(back, true);
            }
            if !front.over_limit
                && let Some(decoder) = &mut front.decoder
            {
                let text = decoder.finish(&mut front.scratch);
                back.text(text);
            }
            back.finish(!front.over_limit);
            if front.over_limit {
                let limit = front.max_bytes;
                back.rows.file_issue(
                    None,
                    IssueCode::LimitExceeded,
                    format!(
                        "The file is larger than the {limit}-byte limit (max_bytes); the rest was not read"
                    ),
                );
            }
            back.rows.finished = Some(back.rows.report(front.encoding, back.delimiter));
        }
        back.rows.finished.clone().unwrap_or_else(|| unreachable!("set above"))
    }

    /// Whether [`finish`](Self::finish) has been called.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.back.rows.finished.is_some()
    }

    /// [`push`](Self::push), refusing a chunk after [`finish`](Self::finish) (what the
    /// bindings call: their users may call in any order).
    ///
    /// # Errors
    /// [`ErrorKind::Finished`](crate::ErrorKind::Finished) after `finish`.
    pub fn try_push(&mut self, chunk: &[u8]) -> crate::Result<()> {
        if self.is_finished() {
            return Err(crate::ErrorKind::Finished.into());
        }
        self.push(chunk);
        Ok(())
    }

    /// [`finish`](Self::finish), once: a second call is an error rather than the report again.
    ///
    /// # Errors
    /// [`ErrorKind::Finished`](crate::ErrorKind::Finished) when already finished.
    pub fn try_finish(&mut self) -> crate::Result<Report> {
        if self.is_finished() {
            return Err(crate::ErrorKind::Finished.into());
        }
        Ok(self.finish())
    }

    /// Ends the input and returns everything: report, leads and rejected rows.
    #[must_use]
    pub fn finish_all(mut self) -> Validation {
        let report = self.finish();
        let rows = &mut self.back.rows;
        Validation {
            report,
            leads: rows.leads.drain(..).collect(),
            rejected: rows.rejected.drain(..).collect(),
        }
    }
}

impl Front {
    /// Decides the encoding from the window and passes the window on.
    fn start(&mut self, back: &mut Back, complete: bool) {
        let window = std::mem::take(&mut self.window);
        let sniffed = &window[..window.len().min(SNIFF_BYTES)];
        let complete = complete && window.len() <= SNIFF_BYTES;
        let (encoding, bom) = decode::detect(sniffed, complete || self.over_limit, self.forced);
        self.encoding = encoding;
        back.rows.encoding = encoding;
        let decoder = self.decoder.insert(Decoder::new(encoding));
        let text = decoder.decode(&window[bom..], &mut self.scratch);
        back.text(text);
    }
}

impl Back {
    fn text(&mut self, text: &[u8]) {
        if let Back { parser: Some(p), rows, pipe, pending, .. } = self {
            // Checked here for the whole chunk, unless records go to a worker in batches that
            // are checked there.
            let valid = if pipe.is_none() { utf8_prefix(text) } else { None };
            p.feed_text(text, valid, &mut |r| route(rows, pipe, pending, &r));
            pending.flush(rows);
        } else {
            self.sample.extend_from_slice(text);
            if self.sample.len() >= SNIFF_BYTES {
                self.start(false);
            }
        }
    }

    /// Decides the delimiter from the sample and parses the sample.
    fn start(&mut self, complete: bool) {
        let sample = std::mem::take(&mut self.sample);
        let sniffed = &sample[..sample.len().min(SNIFF_BYTES)];
        self.delimiter = self
            .forced
            .unwrap_or_else(|| sniff(sniffed, complete && sample.len() <= SNIFF_BYTES, &self.rows.aliases));
        let parser = self.parser.insert(Parser::new(self.delimiter.byte(), self.max_field));
        let (rows, pipe, pending) = (&mut self.rows, &mut self.pipe, &mut self.pending);
        parser.feed(&sample, &mut |r| route(rows, pipe, pending, &r));
        pending.flush(rows);
    }

    fn finish(&mut self, end_of_input: bool) {
        if self.parser.is_none() {
            self.start(end_of_input);
        }
        let Back { parser, rows, pipe, pending, .. } = self;
        if let Some(p) = parser
            && end_of_input
            && !rows.stopped
        {
            p.finish(&mut |r| route(rows, pipe, pending, &r));
            pending.flush(rows);
        }
        rows.end();
    }
}

/// The longest valid UTF-8 text that `chunk` starts with when it is valid but for a character
/// cut at its end (the usual case); `None` when it holds invalid bytes.
fn utf8_prefix(chunk: &[u8]) -> Option<&str> {
    match simdutf8::compat::from_utf8(chunk) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() => simdutf8::basic::from_utf8(&chunk[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

/// Sends a record to the rules, here or on `validate_parallel`'s worker. Here, a row that
/// passes the rules needing no other row waits in `pending` (flushed before any other row and
/// at the end of every chunk, so nothing changes order).
fn route(rows: &mut Rows, pipe: &mut Option<Pipe>, pending: &mut Batch, r: &RawRecord<'_>) -> Flow {
    if let Some(pipe) = pipe {
        return pipe.record(r);
    }
    if rows.stopped {
        return Flow::Stop;
    }
    let text = record_text(r);
    let pre = rows.check.pre(r, text);
    if let Pre::Clean { .. } = pre {
        return pending.push_checked(r, pre, rows);
    }
    if pending.flush(rows) == Flow::Stop {
        return Flow::Stop;
    }
    rows.record_pre(r, text, pre)
}

/// Per-record work: the header, then the rules for each row.
pub(crate) struct Rows {
    check: Arc<Check>,
    aliases: Aliases,
    encoding: Encoding,
    max_issues: usize,
    max_rows: u64,
    max_field: usize,
    keep_leads: bool,
    keep_rejected: bool,
    header: Option<Header>,
    header_line: u64,
    pub(crate) rows: u64,
    pub(crate) valid: u64,
    pub(crate) invalid: u64,
    issues: Vec<Issue>,
    row_issues: usize,
    truncated: bool,
    pub(crate) stopped: bool,
    seen: SeenIds,
    leads: VecDeque<Lead>,
    /// Set by `lead_table(true)`: valid leads go here instead of `leads`.
    table: Option<LeadTable>,
    rejected: VecDeque<RejectedRow>,
    /// Issues of the current row (reused).
    current: Vec<Issue>,
    finished: Option<Report>,
}

/// The row rules that need no other row, fixed once the header is known: shared with
/// `validate_parallel`'s parsing thread, which runs them on some batches to balance the work.
#[derive(Debug)]
pub(crate) struct Check {
    rules: Rules,
    /// (column, field) pairs of the header, in column order; empty before the header.
    mapped: Vec<(usize, Field)>,
    /// The Lead ID's column.
    id_column: Option<usize>,
    /// Columns in the header.
    width: usize,
}

/// What the rules that need no other row say of a record.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pre {
    /// Every value passed (their verdicts, by field), and the Lead ID has this [`id_hash`]:
    /// only whether it appeared before is left to decide.
    Clean { id_hash: u64, verdicts: [Option<Verdict>; 7] },
    /// Anything else (an issue, a blank row, the header, a shape the full rules handle).
    Other,
}

impl Check {
    /// The verdict on `r` (with `text`, its text when valid UTF-8) of the rules that need no
    /// other row; building no message, allocating nothing.
    pub(crate) fn pre(&self, r: &RawRecord<'_>, text: Option<&str>) -> Pre {
        let (Some(text), Some(id_column)) = (text, self.id_column) else { return Pre::Other };
        if r.unclosed_quote || r.overflow.is_some() || r.field_count != self.width {
            return Pre::Other;
        }
        let mut verdicts = [None; 7];
        for &(col, field) in &self.mapped {
            let Some(value) = r.range(col).and_then(|range| text.get(range)) else { return Pre::Other };
            match self.rules.verdict(field, trim(value)) {
                Ok(verdict) => verdicts[field as usize] = Some(verdict),
                Err(_) => return Pre::Other,
            }
        }
        match r.range(id_column).and_then(|range| text.get(range)) {
            Some(id) => Pre::Clean { id_hash: id_hash(trim(id).as_bytes()), verdicts },
            None => Pre::Other,
        }
    }
}

/// A record's text, when it is valid UTF-8 (checked here unless known).
pub(crate) fn record_text<'a>(r: &RawRecord<'a>) -> Option<&'a str> {
    r.text.or_else(|| simdutf8::basic::from_utf8(r.bytes()).ok())
}

/// A record's fields as text.
struct Fields<'a> {
    record: &'a RawRecord<'a>,
    text: Option<&'a str>,
}

impl<'a> Fields<'a> {
    fn new(record: &'a RawRecord<'a>, text: Option<&'a str>) -> Self {
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

impl Rows {
    fn new(rules: Rules, options: &ImportOptions) -> Self {
        Rows {
            check: Arc::new(Check { rules, mapped: Vec::new(), id_column: None, width: 0 }),
            aliases: Aliases::new(&options.aliases),
            encoding: Encoding::Utf8,
            max_issues: options.max_issues,
            max_rows: options.max_rows,
            max_field: options.max_field_bytes,
            keep_leads: true,
            keep_rejected: true,
            header: None,
            header_line: 1,
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
            finished: None,
        }
    }

    fn file_issue(&mut self, line: Option<u64>, code: IssueCode, message: String) {
        self.issues.push(Issue {
            line,
            record: None,
            column: None,
            field: None,
            value: None,
            code,
            severity: code.severity(),
            message,
        });
    }

    pub(crate) fn record(&mut self, r: &RawRecord<'_>) -> Flow {
        let text = record_text(r);
        let pre = self.check.pre(r, text);
        self.record_pre(r, text, pre)
    }

    /// The rules that need no other row, for a parsing thread to run ([`Check::pre`]).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(crate) fn check(&self) -> Option<Arc<Check>> {
        self.check.id_column.map(|_| Arc::clone(&self.check))
    }

    /// [`record`](Self::record) with its text and the verdict of [`Check::pre`] on it, from
    /// the [`check`](Self::check) of this `Rows`.
    pub(crate) fn record_pre(&mut self, r: &RawRecord<'_>, text: Option<&str>, pre: Pre) -> Flow {
        if self.stopped {
            return Flow::Stop;
        }
        // A clean row has a Lead ID, so is not blank.
        if matches!(pre, Pre::Other) && !r.unclosed_quote && is_blank(r) {
            return Flow::Continue;
        }
        if self.header.is_none() {
            return self.header(r, text);
        }
        if self.rows == self.max_rows {
            let max = self.max_rows;
            self.file_issue(
                Some(r.line),
                IssueCode::LimitExceeded,
                format!("The file has more than {max} rows (max_rows); the rest was not read"),
            );
            self.stopped = true;
            return Flow::Stop;
        }
        self.rows += 1;
        match pre {
            Pre::Clean { id_hash, verdicts } => self.clean_row(r, text, id_hash, verdicts),
            Pre::Other => self.row(r, text),
        }
        Flow::Continue
    }

    /// Gets the set of Lead IDs ready for coming IDs of these [`id_hash`]es (a hint, no effect
    /// on results).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
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
        self.header_line = r.line;
        // A header cut short or run on into the rows would be resolved into noise: report the
        // one real problem and stop.
        let broken = if r.unclosed_quote {
            Some((IssueCode::UnclosedQuote, format!("A quoted header on line {} is never closed", r.line)))
        } else {
            r.overflow.map(|col| {
                let max = self.max_field;
                (
                    IssueCode::LimitExceeded,
                    format!("Header {} is longer than the {max}-byte field limit (max_field_bytes)", col + 1),
                )
            })
        };
        if let Some((code, message)) = broken {
            self.file_issue(Some(r.line), code, message);
            self.header = Some(Header::default());
            self.stopped = true;
            return Flow::Stop;
        }
        let fields = Fields::new(r, text);
        let cells: Vec<String> = (0..r.len()).map(|i| fields.lossy(i).trim().to_owned()).collect();
        let header = header::resolve(&cells, r.line, &self.aliases);
        let stop = header.has_errors();
        self.issues.extend(header.issues.iter().cloned());
        let mapped = header.mapped.clone();
        let id_column = mapped.iter().find(|(_, f)| *f == Field::LeadId).map(|(c, _)| *c);
        let rules = self.check.rules.clone();
        self.check = Arc::new(Check { rules, mapped, id_column, width: header.columns.len() });
        self.header = Some(header);
        if stop {
            self.stopped = true;
            return Flow::Stop;
        }
        Flow::Continue
    }

    fn issue(
        &mut self,
        r: &RawRecord<'_>,
        column: Option<usize>,
        field: Option<Field>,
        value: Option<String>,
        code: IssueCode,
        message: String,
    ) {
        let header = self.header.as_ref().map(|h| &h.columns);
        self.current.push(Issue {
            line: Some(r.line),
            record: Some(self.rows),
            column: column.and_then(|c| header.and_then(|h| h.get(c)).map(|c| c.header.clone())),
            field,
            value: value.map(|v| cut(&v)),
            code,
            severity: code.severity(),
            message,
        });
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
                IssueCode::UnclosedQuote,
                format!("A quoted field that starts on line {lines} is never closed; the rest of the file was read into it"),
            );
            return self.reject(r, &fields);
        }
        let extra_blank = (width..r.len()).all(|i| fields.get(i).is_some_and(|s| s.trim().is_empty()));
        if r.field_count < width || (r.field_count > width && !extra_blank) {
            let found = r.field_count;
            let mut message = format!("Expected {width} fields, as in the header, but found {found}");
            if found > width {
                let extra: Vec<String> =
                    (width..r.len().min(width + 5)).map(|i| format!("{:?}", fields.lossy(i))).collect();
                message.push_str(&format!(" (extra: {})", extra.join(", ")));
            }
            self.issue(r, None, None, None, IssueCode::FieldCount, message);
            return self.reject(r, &fields);
        }
        let mut values: [Option<(&str, Verdict)>; 7] = [None; 7];
        for &(col, field) in &check.mapped {
            if r.overflow == Some(col) {
                let max = self.max_field;
                self.issue(
                    r,
                    Some(col),
                    Some(field),
                    Some(fields.lossy(col)),
                    IssueCode::LimitExceeded,
                    format!("{} is longer than the {max}-byte field limit (max_field_bytes)", field.label()),
                );
                continue;
            }
            let Some(text) = fields.get(col) else {
                let encoding = self.encoding;
                self.issue(r, Some(col), Some(field), Some(fields.lossy(col)), IssueCode::InvalidEncoding,
                    format!("{} holds bytes that are not valid {encoding} (set the encoding option if the file was saved in another one)", field.label()));
                continue;
            };
            let value = trim(text);
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
                            IssueCode::DuplicateLeadId,
                            format!("Lead ID {value:?} already appears on line {first}"),
                        );
                        continue;
                    }
                    values[field as usize] = Some((value, verdict));
                }
                Err(code) => {
                    let message = check.rules.broken(field, value, code).message;
                    self.issue(r, Some(col), Some(field), Some(text.to_owned()), code, message);
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

    fn end(&mut self) {
        if self.header.is_none() {
            self.file_issue(None, IssueCode::EmptyFile, "The file is empty".into());
        } else if self.rows == 0 && !self.stopped {
            let line = self.header_line;
            self.file_issue(
                Some(line),
                IssueCode::EmptyFile,
                format!("The file has a header (line {line}) but no data rows"),
            );
        }
    }

    fn report(&self, encoding: Encoding, delimiter: Delimiter) -> Report {
        Report {
            encoding,
            delimiter,
            columns: self.header.as_ref().map(|h| h.columns.clone()).unwrap_or_default(),
            rows: self.rows,
            valid: self.valid,
            invalid: self.invalid,
            issues: self.issues.clone(),
            issues_truncated: self.truncated,
        }
    }
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
