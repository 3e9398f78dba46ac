//! Records copied out of the parser in batches. The one-thread [`Validator`](crate::Validator)
//! keeps rows that pass the rules needing no other row in one, so that their Lead IDs are looked
//! up together; the two-thread pipeline sends them to its worker in them.

use crate::import::parser::{Flow, RawRecord};
use crate::import::rows::{RecordCheck, RecordVerdict, RowValidator, record_text};
use crate::import::rules::Verdict;
use crate::model::InterestLevel;

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

    /// Whether the batch holds no record.
    pub(crate) fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Runs the rules that need no other row on every record.
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

/// A batch as bytes, for a validator that shares no memory with the parser (another Web
/// Worker): its counts, each record's line, ends and flags, the field bounds (relative to their
/// record, as 32-bit numbers), the verdicts of [`RecordBatch::check`] when run, then the text.
/// [`RecordBatch::read`] takes it back, refusing anything a `write` could not have made.
impl RecordBatch {
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        let n32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
        let mut head = [0; 13];
        head[..4].copy_from_slice(&n32(self.records.len()));
        head[4..8].copy_from_slice(&n32(self.bounds.len()));
        head[8..12].copy_from_slice(&n32(self.buf.len()));
        head[12] = u8::from(!self.pre.is_empty());
        out.extend_from_slice(&head);
        out.reserve(self.records.len() * (33 + 20) + self.bounds.len() * 8 + self.buf.len());
        for m in &self.records {
            let mut meta = [0; 33];
            meta[..8].copy_from_slice(&m.line.to_le_bytes());
            meta[8..12].copy_from_slice(&n32(m.buf_end));
            meta[12..16].copy_from_slice(&n32(m.bounds_end));
            meta[16..20].copy_from_slice(&n32(m.field_count));
            meta[20..24].copy_from_slice(&m.overflow.map_or(u32::MAX.to_le_bytes(), n32));
            meta[24..32].copy_from_slice(&m.malformed.to_le_bytes());
            meta[32] = u8::from(m.controls) | u8::from(m.unclosed_quote) << 1;
            out.extend_from_slice(&meta);
        }
        for &(start, end) in &self.bounds {
            out.extend_from_slice(&n32(start));
            out.extend_from_slice(&n32(end));
        }
        for pre in &self.pre {
            // Needs the full rules: a 0. Clean: 1, the Lead ID's hash, a tag per field, the status.
            let mut v = [0; 20];
            if let RecordVerdict::Clean { id_hash, verdicts } = pre {
                v[0] = 1;
                v[1..9].copy_from_slice(&id_hash.to_le_bytes());
                let mut status = 0;
                for (tag, verdict) in v[9..16].iter_mut().zip(verdicts) {
                    *tag = match verdict {
                        None => 0,
                        Some(Verdict::Text) => 1,
                        Some(Verdict::LowerEmails) => 2,
                        Some(Verdict::Interest(InterestLevel::High)) => 3,
                        Some(Verdict::Interest(InterestLevel::Medium)) => 4,
                        Some(Verdict::Interest(InterestLevel::Low)) => 5,
                        Some(Verdict::Empty) => 6,
                        Some(Verdict::Status(_)) => 7,
                    };
                    if let Some(Verdict::Status(i)) = verdict {
                        status = *i;
                    }
                }
                v[16..20].copy_from_slice(&status.to_le_bytes());
            }
            out.extend_from_slice(&v[..if v[0] == 0 { 1 } else { 20 }]);
        }
        out.extend_from_slice(&self.buf);
    }

    /// A batch from the bytes of [`write`](Self::write): `None` unless they are exactly one
    /// batch whose records, bounds and verdicts fit together (so no use of it can go out of
    /// bounds).
    pub(crate) fn read(bytes: &[u8]) -> Option<RecordBatch> {
        let mut r = Reader(bytes);
        let (n, n_bounds, n_buf) = (r.len()?, r.len()?, r.len()?);
        let has_pre = match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        // Every record takes at least 33 bytes: counts that the bytes cannot hold are refused
        // before anything is reserved for them.
        if n > bytes.len() / 33 || n_bounds > bytes.len() / 8 || n_buf > bytes.len() {
            return None;
        }
        let mut batch = RecordBatch::default();
        let (mut buf_start, mut bounds_start) = (0, 0);
        for _ in 0..n {
            let line = r.u64()?;
            let (buf_end, bounds_end, field_count) = (r.len()?, r.len()?, r.len()?);
            let overflow = match r.u32()? {
                u32::MAX => None,
                col => Some(col as usize),
            };
            let (malformed, flags) = (r.u64()?, r.u8()?);
            let fits = buf_start <= buf_end
                && buf_end <= n_buf
                && bounds_start <= bounds_end
                && bounds_end <= n_bounds
                && bounds_end - bounds_start <= crate::import::parser::MAX_FIELDS
                && field_count >= bounds_end - bounds_start
                && flags < 4;
            if !fits {
                return None;
            }
            batch.records.push(RecordMeta {
                line,
                buf_end,
                bounds_end,
                field_count,
                overflow,
                malformed,
                controls: flags & 1 != 0,
                unclosed_quote: flags & 2 != 0,
            });
            (buf_start, bounds_start) = (buf_end, bounds_end);
        }
        if bounds_start != n_bounds || buf_start != n_buf {
            return None;
        }
        let mut record_start = 0;
        for m in &batch.records {
            for _ in batch.bounds.len()..m.bounds_end {
                let (start, end) = (r.len()?, r.len()?);
                if start > end || end > m.buf_end - record_start {
                    return None;
                }
                batch.bounds.push((start, end));
            }
            record_start = m.buf_end;
        }
        if has_pre {
            for _ in 0..n {
                let pre = match r.u8()? {
                    0 => RecordVerdict::NeedsFullRules,
                    1 => {
                        let id_hash = r.u64()?;
                        let tags: [u8; 7] = r.take(7)?.try_into().ok()?;
                        let status = r.u32()?;
                        let mut verdicts = [None; 7];
                        for (v, tag) in verdicts.iter_mut().zip(tags) {
                            *v = match tag {
                                0 => None,
                                1 => Some(Verdict::Text),
                                2 => Some(Verdict::LowerEmails),
                                3 => Some(Verdict::Interest(InterestLevel::High)),
                                4 => Some(Verdict::Interest(InterestLevel::Medium)),
                                5 => Some(Verdict::Interest(InterestLevel::Low)),
                                6 => Some(Verdict::Empty),
                                7 => Some(Verdict::Status(status)),
                                _ => return None,
                            };
                        }
                        RecordVerdict::Clean { id_hash, verdicts }
                    }
                    _ => return None,
                };
                batch.pre.push(pre);
            }
        }
        batch.buf.extend_from_slice(r.take(n_buf)?);
        r.0.is_empty().then_some(batch)
    }

    /// Whether the verdicts of [`check`](Self::check), when they came as bytes, can be used
    /// with `check`'s rules: statuses within the vocabulary, Lead IDs no longer than the rules
    /// allow. They are otherwise taken as sent, the Lead IDs' hashes too (a wrong one can only
    /// hide a duplicate in a batch that did not come from a `Splitter`).
    pub(crate) fn verdicts_fit(&self, check: &RecordCheck) -> bool {
        self.pre.iter().enumerate().all(|(k, pre)| match pre {
            RecordVerdict::NeedsFullRules => true,
            RecordVerdict::Clean { verdicts, .. } => {
                check.statuses_fit(verdicts)
                    && check.id_len(&self.record(k, None)) <= 4 * crate::model::MAX_LEAD_ID_CHARS
            }
        })
    }
}

/// Little-endian numbers off the front of a byte slice.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(crate) fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u32()?).ok()
    }
}

/// Where a [`Validator`](crate::Validator) sends its records instead of checking them on its own
/// thread: the two-thread pipeline's parsing end, which sends what it holds when dropped.
pub(crate) trait RecordSink: Send + Sync {
    /// Takes a record from the parser; [`Flow::Stop`] once the rules have stopped.
    fn record(&mut self, r: &RawRecord<'_>) -> Flow;

    /// The sink as what it is (for its owner to reach it in the validator).
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}
