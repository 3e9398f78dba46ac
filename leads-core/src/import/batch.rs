//! Records copied out of the parser in batches. The one-thread [`Validator`](crate::Validator)
//! keeps rows that pass the rules needing no other row in one, so that their Lead IDs are looked
//! up together; the two-thread pipeline sends them to its worker in them.

use crate::import::parser::{Flow, RawRecord};
use crate::import::rows::{RecordCheck, RecordVerdict, RowValidator, record_text};

/// Bytes of record text per batch, and records per batch, before it is sent.
const BATCH_BYTES: usize = 64 * 1024;
const BATCH_RECORDS: usize = 1024;

/// Records copied out of the parser, with what [`RecordCheck::pre`] says of each once it ran.
#[derive(Default)]
pub(crate) struct RecordBatch {
    buf: Vec<u8>,
    bounds: Vec<(usize, usize)>,
    records: Vec<RecordMeta>,
    /// Per record, what [`RecordCheck::pre`] says, once run (on either thread).
    pre: Vec<RecordVerdict>,
}

struct RecordMeta {
    line: u64,
    buf_end: usize,
    bounds_end: usize,
    field_count: usize,
    overflow: Option<usize>,
    malformed: u64,
    controls: bool,
    unclosed_quote: bool,
}

impl RecordBatch {
    pub(crate) fn push(&mut self, r: &RawRecord<'_>) {
        self.buf.extend_from_slice(r.bytes());
        self.bounds.extend_from_slice(r.bounds());
        self.records.push(RecordMeta {
            line: r.line,
            buf_end: self.buf.len(),
            bounds_end: self.bounds.len(),
            field_count: r.field_count,
            overflow: r.overflow,
            malformed: r.malformed,
            controls: r.controls,
            unclosed_quote: r.unclosed_quote,
        });
    }

    /// Adds a record that [`RecordCheck::pre`] found clean, and hands the batch to `rows` when full.
    pub(crate) fn push_checked(
        &mut self,
        r: &RawRecord<'_>,
        pre: RecordVerdict,
        rows: &mut RowValidator,
    ) -> Flow {
        self.push(r);
        self.pre.push(pre);
        if self.is_full() { self.flush(rows) } else { Flow::Continue }
    }

    /// Hands the records to `rows` (see [`apply`](Self::apply)) and empties the batch.
    pub(crate) fn flush(&mut self, rows: &mut RowValidator) -> Flow {
        if self.records.is_empty() {
            return Flow::Continue;
        }
        let flow = self.apply(rows);
        self.clear();
        flow
    }

    /// Empties a batch for reuse, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.pre.clear();
        self.buf.clear();
        self.bounds.clear();
        self.records.clear();
    }

    pub(crate) fn is_full(&self) -> bool {
        self.buf.len() >= BATCH_BYTES || self.records.len() >= BATCH_RECORDS
    }

    /// The batch's text, when it is all valid UTF-8 (the usual case, checked at once).
    fn text(&self) -> Option<&str> {
        simdutf8::basic::from_utf8(&self.buf).ok()
    }

    /// Record `k`; `text` is the batch's [`text`](Self::text).
    fn record<'b>(&'b self, k: usize, text: Option<&'b str>) -> RawRecord<'b> {
        let (buf_start, bounds_start) =
            if k == 0 { (0, 0) } else { (self.records[k - 1].buf_end, self.records[k - 1].bounds_end) };
        let m = &self.records[k];
        // A record's text is valid when the batch is and the record starts and ends on
        // character boundaries.
        let text = text.and_then(|t| t.get(buf_start..m.buf_end));
        RawRecord::new(
            m.line,
            (&self.buf[buf_start..m.buf_end], text),
            &self.bounds[bounds_start..m.bounds_end],
            m.field_count,
            (m.overflow, m.malformed, m.controls),
            m.unclosed_quote,
        )
    }

    /// Runs the rules that need no other row on every record.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn check(&mut self, check: &RecordCheck) {
        let mut pre = std::mem::take(&mut self.pre);
        self.check_into(check, self.text(), &mut pre);
        self.pre = pre;
    }

    /// [`check`](Self::check) with the batch's [`text`](Self::text), into `pre`.
    fn check_into(&self, check: &RecordCheck, text: Option<&str>, pre: &mut Vec<RecordVerdict>) {
        pre.clear();
        pre.extend((0..self.records.len()).map(|k| {
            let r = self.record(k, text);
            check.pre(&r, record_text(&r))
        }));
    }

    /// Hands every record to `rows`, with the verdicts of [`check`](Self::check) (run here
    /// first unless the parsing thread did, once the header is known), after getting the Lead
    /// ID set ready for the batch's IDs. Returns whether the rules stopped.
    pub(crate) fn apply(&mut self, rows: &mut RowValidator) -> Flow {
        let mut pre = std::mem::take(&mut self.pre);
        let flow = self.apply_with(rows, &mut pre);
        self.pre = pre;
        flow
    }

    fn apply_with(&self, rows: &mut RowValidator, pre: &mut Vec<RecordVerdict>) -> Flow {
        let text = self.text();
        if pre.is_empty()
            && let Some(check) = rows.check()
        {
            self.check_into(&check, text, pre);
        }
        rows.prefetch(pre.iter().filter_map(|pre| match pre {
            RecordVerdict::Clean { id_hash, .. } => Some(*id_hash),
            RecordVerdict::NeedsFullRules => None,
        }));
        for k in 0..self.records.len() {
            let r = self.record(k, text);
            let flow = match pre.get(k) {
                Some(&pre) => rows.record_pre(&r, record_text(&r), pre),
                None => rows.record(&r),
            };
            if flow == Flow::Stop {
                return Flow::Stop;
            }
        }
        Flow::Continue
    }
}

/// Where a [`Validator`](crate::Validator) sends its records instead of checking them on its own
/// thread: the two-thread pipeline's parsing end, which sends what it holds when dropped.
pub(crate) trait RecordSink: Send + Sync {
    /// Takes a record from the parser; [`Flow::Stop`] once the rules have stopped.
    fn record(&mut self, r: &RawRecord<'_>) -> Flow;
}
