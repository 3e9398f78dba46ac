//! The push validator: bytes in, in chunks of any size; leads, rejected rows and a report out.

use std::io::Read;

use crate::error::Result;
use crate::import::batch::{RecordBatch, RecordSink};
use crate::import::decode::{self, Decoder, SNIFF_BYTES};
use crate::import::options::ImportOptions;
use crate::import::parser::{Flow, Parser, RawRecord};
use crate::import::rejects::RejectedRow;
use crate::import::rows::{RecordVerdict, RowValidator, record_text};
use crate::import::rules::{Rules, Violation};
use crate::import::sniff::sniff;
use crate::import::table::LeadTable;
use crate::model::{Column, Delimiter, Encoding, IssueCode, Lead, Report, params};

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
    decoding: Decoding,
    parsing: Parsing,
    /// The input's expected size, until it has been used to reserve memory.
    size_hint: Option<u64>,
    /// What came from a [`Splitter`](crate::Splitter), when one reads the input.
    pub(crate) split: SplitState,
}

/// Bytes in, decoded text out.
struct Decoding {
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
struct Parsing {
    forced: Option<Delimiter>,
    max_field: usize,
    sample: Vec<u8>,
    parser: Option<Parser>,
    delimiter: Delimiter,
    rows: RowValidator,
    /// Set while `validate_parallel` runs the rules on a worker: records go there.
    sink: Option<Box<dyn RecordSink>>,
    /// Otherwise, rows that passed the rules needing no other row wait here, so that their
    /// Lead IDs are checked a batch at a time (see [`RecordBatch::flush`]).
    pending: RecordBatch,
}

impl Validator {
    /// A validator that keeps valid leads and rejected rows for the caller to take.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) for unusable options.
    pub fn new(options: &ImportOptions) -> Result<Self> {
        let rules = Rules::new(options)?;
        Ok(Validator {
            decoding: Decoding {
                forced: options.encoding,
                max_bytes: options.max_bytes,
                bytes: 0,
                over_limit: false,
                window: Vec::new(),
                decoder: None,
                encoding: Encoding::Utf8,
                scratch: Vec::new(),
            },
            parsing: Parsing {
                forced: options.delimiter,
                max_field: options.max_field_bytes,
                sample: Vec::new(),
                parser: None,
                delimiter: options.delimiter.unwrap_or(Delimiter::Comma),
                rows: RowValidator::new(rules, options),
                sink: None,
                pending: RecordBatch::default(),
            },
            size_hint: None,
            split: SplitState::new(options),
        })
    }

    /// Whether valid leads are kept for [`next_lead`](Self::next_lead) (default `true`).
    /// Turn off to only count and report, in the least memory.
    #[must_use]
    pub fn keep_leads(mut self, keep: bool) -> Self {
        self.parsing.rows.keep_leads = keep;
        self
    }

    /// Keeps the valid leads compactly in a [`LeadTable`] (take it with
    /// [`take_lead_table`](Self::take_lead_table) after [`finish`](Self::finish)) instead of
    /// handing them out one by one: for whole-file validations, a third of the memory and no
    /// allocation per field. `next_lead` and `drain_leads` then give nothing.
    #[must_use]
    pub fn lead_table(mut self, on: bool) -> Self {
        let rows = &mut self.parsing.rows;
        rows.table = on.then(|| LeadTable::new(rows.check.rules.statuses().into()));
        self
    }

    /// The valid leads so far, as a [`LeadTable`] (empty unless [`lead_table`](Self::lead_table)
    /// is on); later leads go to a fresh table.
    pub fn take_lead_table(&mut self) -> LeadTable {
        match &mut self.parsing.rows.table {
            Some(table) => {
                let fresh = LeadTable::new(self.parsing.rows.check.rules.statuses().into());
                std::mem::replace(table, fresh)
            }
            None => LeadTable::default(),
        }
    }

    /// Whether invalid rows are kept for [`next_rejected`](Self::next_rejected) (default `true`).
    #[must_use]
    pub fn keep_rejected(mut self, keep: bool) -> Self {
        self.parsing.rows.keep_rejected = keep;
        self
    }

    /// Replaces records before the rules run: `fixes` maps a record (the 1-based data-record
    /// index of issues and rejected rows) to its cells, one per header column. The report, the
    /// leads and the rejected rows are then those of the file with those records replaced; lines
    /// stay the file's. Fixes for records the file does not have are ignored.
    ///
    /// ```
    /// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n\
    ///            L-1,Ada,ada@example,Web,High,New\n";
    /// let fixed = ["L-1", "Ada", "ada@example.com", "Web", "High", "New"].map(String::from).to_vec();
    /// let mut v = leads_core::Validator::new(&Default::default())?
    ///     .fixes([(1, fixed)].into())
    ///     .write_corrected(true);
    /// v.push(csv.as_bytes());
    /// assert_eq!(v.finish().valid, 1);
    /// let corrected = String::from_utf8(v.take_corrected()?).unwrap();
    /// assert!(corrected.ends_with("\r\nL-1,Ada,ada@example.com,Web,High,New\r\n"));
    /// # Ok::<(), leads_core::Error>(())
    /// ```
    #[must_use]
    pub fn fixes(mut self, fixes: crate::import::fixes::Fixes) -> Self {
        self.parsing.rows.fixes = fixes;
        self
    }

    /// Writes the corrected file as the input is read: the header as read, then every data
    /// record — replaced by its [`fixes`](Self::fixes) or as read — as UTF-8 CSV with a BOM,
    /// the file's delimiter (and `sep=` line) and CRLF line ends. Preamble and blank lines are
    /// left out. Values are written exactly, with no formula neutralising (the file is for
    /// upload). Take the bytes with [`take_corrected`](Self::take_corrected).
    #[must_use]
    pub fn write_corrected(mut self, on: bool) -> Self {
        self.parsing.rows.corrected = on.then(crate::import::fixes::Corrected::new);
        self
    }

    /// The corrected file's bytes written since the last call (after
    /// [`finish`](Self::finish): all the rest, the header included even without rows).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) (option `fixes`) when a
    /// record could not be written back unchanged and has no fix (an unclosed or misplaced quote, a field over the
    /// limit, bytes that could not be decoded), or the file was not read to its end (a limit,
    /// a header error): its message names the line. Without `write_corrected`, nothing.
    pub fn take_corrected(&mut self) -> crate::Result<Vec<u8>> {
        let finished = self.is_finished();
        let rows = &mut self.parsing.rows;
        if finished {
            rows.correct_header();
        }
        let stopped = rows.stopped || self.decoding.over_limit;
        let Some(out) = &mut rows.corrected else { return Ok(Vec::new()) };
        let blocked = out.blocked.or_else(|| (finished && stopped).then_some((0, "")));
        if let Some((line, why)) = blocked {
            let message = if line == 0 {
                "the file was not read to its end (see the report's issues), so it cannot be written back whole".to_owned()
            } else {
                format!("line {line} cannot be written back unchanged ({why}): fix that record first")
            };
            return Err(crate::ErrorKind::InvalidOption { option: "fixes".into(), message }.into());
        }
        out.take()
    }

    /// Feeds the next chunk of the file. Chunks may end anywhere: inside a character, a quoted
    /// field or a CRLF. Ignored once stopped, or once records come from a
    /// [`Splitter`](crate::Splitter).
    pub fn push(&mut self, chunk: &[u8]) {
        self.push_chunk(chunk);
        if self.parsing.rows.rows >= 64 {
            self.reserve_now();
        }
    }

    /// Applies the size hint, if any, from the rows per byte so far.
    pub(crate) fn reserve_now(&mut self) {
        if let Some(total) = self.size_hint
            && self.parsing.rows.rows > 0
        {
            // Reserve once what the rest of the file will need (untouched reserved memory
            // costs nothing): no rehashing or copying as the sets grow.
            self.size_hint = None;
            let rows = &mut self.parsing.rows;
            let per_row = self.decoding.bytes as f64 / rows.rows as f64;
            let expected = ((total as f64 / per_row) as u64).min(rows.max_rows);
            let more = usize::try_from(expected.saturating_sub(rows.rows)).unwrap_or(0);
            let rest =
                usize::try_from(total.min(self.decoding.max_bytes).saturating_sub(self.decoding.bytes))
                    .unwrap_or(0);
            rows.seen.reserve(more);
            if let Some(table) = &mut rows.table {
                table.reserve(more, rest);
            }
        }
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
        let Validator { decoding, parsing, split, .. } = self;
        // Once records come from a `Splitter`, this parser's input is behind them.
        if decoding.over_limit || parsing.rows.stopped || split.batches {
            return;
        }
        let room = decoding.max_bytes - decoding.bytes;
        let chunk = if chunk.len() as u64 > room {
            decoding.over_limit = true;
            &chunk[..usize::try_from(room).unwrap_or(chunk.len())]
        } else {
            chunk
        };
        decoding.bytes += chunk.len() as u64;
        match &mut decoding.decoder {
            Some(decoder) => {
                let text = decoder.decode(chunk, &mut decoding.scratch);
                parsing.text(text);
            }
            None => {
                decoding.window.extend_from_slice(chunk);
                if decoding.window.len() >= SNIFF_BYTES {
                    decoding.start(parsing, false);
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
        self.decoding.over_limit || self.parsing.rows.stopped
    }

    /// Progress so far.
    #[must_use]
    pub fn progress(&self) -> Progress {
        let r = &self.parsing.rows;
        Progress { bytes: self.decoding.bytes, rows: r.rows, valid: r.valid, invalid: r.invalid }
    }

    /// Takes the next valid lead, if one is complete.
    pub fn next_lead(&mut self) -> Option<Lead> {
        self.parsing.rows.leads.pop_front()
    }

    /// Takes every valid lead completed so far.
    pub fn drain_leads(&mut self) -> impl Iterator<Item = Lead> + '_ {
        self.parsing.rows.leads.drain(..)
    }

    /// Takes the next rejected row, if one is complete.
    pub fn next_rejected(&mut self) -> Option<RejectedRow> {
        self.parsing.rows.rejected.pop_front()
    }

    /// Takes every rejected row completed so far.
    pub fn drain_rejected(&mut self) -> impl Iterator<Item = RejectedRow> + '_ {
        self.parsing.rows.rejected.drain(..)
    }

    /// The header's columns, once the header has been read.
    #[must_use]
    pub fn columns(&self) -> Option<&[Column]> {
        self.parsing.rows.header.as_ref().map(|h| h.columns.as_slice())
    }

    /// Ends the input and returns the report. Leads and rejected rows not yet taken stay
    /// available through [`next_lead`](Self::next_lead) and [`next_rejected`](Self::next_rejected).
    pub fn finish(&mut self) -> Report {
        if self.parsing.rows.finished.is_none() {
            if self.split.batches {
                // A `Splitter` read the input: its records are in, only the rules end here.
                self.end_rules();
            } else {
                self.end_input();
                self.end_rules();
            }
        }
        self.parsing.rows.finished.clone().unwrap_or_else(|| unreachable!("set above"))
    }

    /// Decodes and parses what the input still holds (records go where they go while it
    /// runs), once; notes where reading stopped when it went over `max_bytes`.
    pub(crate) fn end_input(&mut self) {
        let Validator { decoding, parsing, .. } = self;
        if decoding.decoder.is_none() {
            decoding.start(parsing, true);
        }
        if !decoding.over_limit
            && let Some(decoder) = &mut decoding.decoder
        {
            let text = decoder.finish(&mut decoding.scratch);
            parsing.text(text);
        }
        parsing.finish(!decoding.over_limit);
        if decoding.over_limit {
            self.split.limit_line = Some(self.parser_line());
        }
    }

    /// Ends the rules and makes the report.
    fn end_rules(&mut self) {
        let Validator { decoding, parsing, split, .. } = self;
        parsing.rows.end();
        if decoding.over_limit {
            let limit = decoding.max_bytes;
            let line = split.limit_line.unwrap_or(1);
            parsing.rows.file_issue(
                Some(line),
                Violation {
                    code: IssueCode::LimitExceeded,
                    message: format!(
                        "The file is larger than the {limit}-byte limit (max_bytes); reading stopped at line {line}, the rest was not read"
                    ),
                    params: params! {"limit" => "max_bytes", "max" => limit, "line" => line},
                },
            );
        }
        parsing.rows.finished = Some(parsing.rows.report(decoding.encoding, parsing.delimiter));
    }

    /// Whether [`finish`](Self::finish) has been called.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.parsing.rows.finished.is_some()
    }

    /// [`push`](Self::push), refusing a chunk after [`finish`](Self::finish) (what the
    /// bindings call: their users may call in any order).
    ///
    /// # Errors
    /// [`ErrorKind::Finished`](crate::ErrorKind::Finished) after `finish`;
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) (option `message`) once
    /// records come from a [`Splitter`](crate::Splitter).
    pub fn try_push(&mut self, chunk: &[u8]) -> crate::Result<()> {
        if self.is_finished() {
            return Err(crate::ErrorKind::Finished.into());
        }
        if self.split.batches {
            let message = "records come from a Splitter: push its messages, not input".into();
            return Err(crate::ErrorKind::InvalidOption { option: "message".into(), message }.into());
        }
        self.push(chunk);
        Ok(())
    }

    /// [`finish`](Self::finish), once: a second call is an error rather than the report again.
    ///
    /// # Errors
    /// [`ErrorKind::Finished`](crate::ErrorKind::Finished) when already finished;
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) (option `message`) when
    /// records came from a [`Splitter`](crate::Splitter) and its last message (from its
    /// `finish`) has not.
    pub fn try_finish(&mut self) -> crate::Result<Report> {
        if self.is_finished() {
            return Err(crate::ErrorKind::Finished.into());
        }
        if self.awaits_split_end() {
            let message = "the Splitter's last message (from its finish) has not been pushed".into();
            return Err(crate::ErrorKind::InvalidOption { option: "message".into(), message }.into());
        }
        Ok(self.finish())
    }

    /// Ends the input and returns everything: report, leads and rejected rows.
    #[must_use]
    pub fn finish_all(mut self) -> Validation {
        let report = self.finish();
        let rows = &mut self.parsing.rows;
        Validation {
            report,
            leads: rows.leads.drain(..).collect(),
            rejected: rows.rejected.drain(..).collect(),
        }
    }
}

/// What the two-thread pipeline needs of a validator (native targets only).
#[cfg(not(target_arch = "wasm32"))]
impl Validator {
    /// Whether the encoding and the delimiter are decided and records flow to the rules.
    pub(crate) fn is_parsing(&self) -> bool {
        self.parsing.parser.is_some()
    }

    /// Takes the rules' state out (for a worker thread), leaving a fresh one.
    pub(crate) fn lend_rows(&mut self) -> Result<RowValidator> {
        let spare = RowValidator::new(Rules::new(&ImportOptions::default())?, &ImportOptions::default());
        Ok(std::mem::replace(&mut self.parsing.rows, spare))
    }

    /// Puts the rules' state in place again.
    pub(crate) fn return_rows(&mut self, rows: RowValidator) {
        self.parsing.rows = rows;
    }
}

/// What a validator got from a [`Splitter`](crate::Splitter).
#[derive(Debug)]
pub(crate) struct SplitState {
    /// The options' fingerprint: both ends must validate with the same options.
    pub(crate) fingerprint: u64,
    /// Records came in batches: the validator's own parser saw only the input before them.
    pub(crate) batches: bool,
    /// The splitter's last message came.
    pub(crate) ended: bool,
    /// Messages taken (the number the next one must have).
    pub(crate) taken: u32,
    /// Where reading stopped at `max_bytes`.
    pub(crate) limit_line: Option<u64>,
}

impl SplitState {
    pub(crate) fn new(options: &ImportOptions) -> Self {
        SplitState {
            fingerprint: fingerprint(options),
            batches: false,
            ended: false,
            taken: 0,
            limit_line: None,
        }
    }
}

/// A number for the options that decide a verdict, the same in every Worker (FNV-1a over their
/// values; written out rather than derived: the derived `Hash` is four times the code, and
/// the wasm build is for small pages). Every field is named, so a new option must be decided
/// on here.
fn fingerprint(options: &ImportOptions) -> u64 {
    #[inline(never)]
    fn mix(h: &mut u64, bytes: &[u8]) {
        for &b in bytes.iter().chain(&[0xff]) {
            *h = (*h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let ImportOptions {
        encoding,
        delimiter,
        statuses,
        interest_synonyms,
        status_synonyms,
        mapping,
        aliases,
        max_issues,
        max_bytes,
        max_rows,
        max_field_bytes,
        // Storing only.
        on_existing: _,
        on_new: _,
        blanks: _,
        file_name: _,
    } = options;
    let mut h = 0xcbf2_9ce4_8422_2325;
    mix(&mut h, encoding.map_or("", Encoding::as_str).as_bytes());
    mix(
        &mut h,
        &[delimiter.map_or(0, Delimiter::byte), u8::from(*interest_synonyms), u8::from(*status_synonyms)],
    );
    for status in statuses.iter().flatten() {
        mix(&mut h, status.as_bytes());
    }
    mix(&mut h, &[statuses.is_some().into()]);
    for (header, field) in mapping {
        mix(&mut h, header.as_bytes());
        mix(&mut h, &[field.map_or(0, |f| f as u8 + 1)]);
    }
    mix(&mut h, b"aliases");
    for (alias, field) in aliases {
        mix(&mut h, alias.as_bytes());
        mix(&mut h, &[*field as u8]);
    }
    for n in [*max_issues as u64, *max_bytes, *max_rows, *max_field_bytes as u64] {
        mix(&mut h, &n.to_le_bytes());
    }
    h
}

/// What a [`Splitter`](crate::Splitter) needs of a validator.
impl Validator {
    /// Sets or clears (dropping the previous one) where records go instead of the rules here.
    pub(crate) fn set_sink(&mut self, sink: Option<Box<dyn RecordSink>>) {
        self.parsing.sink = sink;
    }

    /// Whether the input went past `max_bytes` (nothing more is read).
    pub(crate) fn is_over_limit(&self) -> bool {
        self.decoding.over_limit
    }

    /// The parser's physical line (1 before parsing starts).
    pub(crate) fn parser_line(&self) -> u64 {
        self.parsing.parser.as_ref().map_or(1, Parser::line)
    }

    /// Where records go instead of the rules here, if anywhere.
    pub(crate) fn sink_mut(&mut self) -> Option<&mut (dyn RecordSink + 'static)> {
        self.parsing.sink.as_deref_mut()
    }

    /// The rules that need no other row, once the header is known.
    pub(crate) fn record_check(&self) -> Option<std::sync::Arc<crate::import::rows::RecordCheck>> {
        self.parsing.rows.check()
    }

    /// The rules' state, for records parsed elsewhere.
    pub(crate) fn rows_mut(&mut self) -> &mut RowValidator {
        &mut self.parsing.rows
    }

    /// Marks the input as read up to `bytes` and, when `limit_line` is given, cut there by
    /// `max_bytes` (as a `Splitter` read it).
    pub(crate) fn note_split_input(&mut self, bytes: u64, limit_line: Option<u64>) {
        self.decoding.bytes = bytes;
        if let Some(line) = limit_line {
            self.decoding.over_limit = true;
            self.split.limit_line = Some(line);
        }
    }
}

impl Decoding {
    /// Decides the encoding from the window and passes the window on.
    fn start(&mut self, parsing: &mut Parsing, complete: bool) {
        let window = std::mem::take(&mut self.window);
        let sniffed = &window[..window.len().min(SNIFF_BYTES)];
        let complete = complete && window.len() <= SNIFF_BYTES;
        let (encoding, bom) = decode::detect(sniffed, complete || self.over_limit, self.forced);
        self.encoding = encoding;
        parsing.rows.encoding = encoding;
        let decoder = self.decoder.insert(Decoder::new(encoding));
        let text = decoder.decode(&window[bom..], &mut self.scratch);
        parsing.text(text);
    }
}

impl Parsing {
    fn text(&mut self, text: &[u8]) {
        if let Parsing { parser: Some(p), rows, sink, pending, .. } = self {
            // Checked here for the whole chunk, unless records go to a worker in batches that
            // are checked there.
            let valid = if sink.is_none() { utf8_prefix(text) } else { None };
            p.feed_text(text, valid, &mut |r| dispatch_record(rows, sink, pending, &r));
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
        let sep = sep_line(sniffed);
        self.rows.sep_line = sep.is_some();
        self.delimiter = self
            .forced
            .or(sep)
            .unwrap_or_else(|| sniff(sniffed, complete && sample.len() <= SNIFF_BYTES, &self.rows.resolver));
        self.rows.delimiter = self.delimiter;
        let parser = self.parser.insert(Parser::new(self.delimiter.byte(), self.max_field));
        let (rows, sink, pending) = (&mut self.rows, &mut self.sink, &mut self.pending);
        parser.feed(&sample, &mut |r| dispatch_record(rows, sink, pending, &r));
        pending.flush(rows);
    }

    fn finish(&mut self, end_of_input: bool) {
        if self.parser.is_none() {
            self.start(end_of_input);
        }
        let Parsing { parser, rows, sink, pending, .. } = self;
        if let Some(p) = parser
            && end_of_input
            && !rows.stopped
        {
            p.finish(&mut |r| dispatch_record(rows, sink, pending, &r));
            pending.flush(rows);
        }
    }
}

/// The delimiter of Excel's `sep=X` first line (any case), when the text opens with one.
fn sep_line(text: &[u8]) -> Option<Delimiter> {
    let rest = text.get(..4).filter(|p| p.eq_ignore_ascii_case(b"sep=")).map(|_| &text[4..])?;
    let delimiter = Delimiter::ALL.into_iter().find(|d| rest.first() == Some(&d.byte()))?;
    matches!(rest.get(1), None | Some(b'\r' | b'\n')).then_some(delimiter)
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
fn dispatch_record(
    rows: &mut RowValidator,
    sink: &mut Option<Box<dyn RecordSink>>,
    pending: &mut RecordBatch,
    r: &RawRecord<'_>,
) -> Flow {
    if let Some(sink) = sink {
        return sink.record(r);
    }
    if rows.stopped {
        return Flow::Stop;
    }
    let text = record_text(r);
    let pre = rows.check.pre(r, text);
    if let RecordVerdict::Clean { .. } = pre {
        return pending.push_checked(r, pre, rows);
    }
    if pending.flush(rows) == Flow::Stop {
        return Flow::Stop;
    }
    rows.record_pre(r, text, pre)
}
