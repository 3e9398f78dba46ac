//! Whole-input validation on two threads: decoding and CSV parsing on the calling thread, the
//! Lead ID set and the report on a worker, records passed in owned batches; the rules that need
//! no other row run on the worker, or on the calling thread for the batches it sends while the
//! worker is behind. Same results as the [`Validator`] fed the same bytes; native targets only.
//!
//! [`Batch`] also serves the one-thread [`Validator`]: rows that pass the rules needing no other
//! row wait in one, so that their Lead IDs are looked up together.

// On wasm32 (no threads) the `Pipe` type is never set.
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::parser::{Flow, RawRecord};
use crate::import::table::LeadTable;
use crate::import::validator::{Check, Pre, Progress, Rows, Validator, record_text};
use crate::model::Report;

/// Bytes of record text per batch, and records per batch, before it is sent.
const BATCH_BYTES: usize = 64 * 1024;
const BATCH_RECORDS: usize = 1024;
/// Batches in flight between the threads.
const IN_FLIGHT: usize = 4;

/// Records copied out of the parser, with what [`Check::pre`] says of each once it ran.
#[derive(Default)]
pub(crate) struct Batch {
    buf: Vec<u8>,
    bounds: Vec<(usize, usize)>,
    records: Vec<Meta>,
    /// Per record, what [`Check::pre`] says, once run (on either thread).
    pre: Vec<Pre>,
}

struct Meta {
    line: u64,
    buf_end: usize,
    bounds_end: usize,
    field_count: usize,
    overflow: Option<usize>,
    unclosed_quote: bool,
}

impl Batch {
    fn push(&mut self, r: &RawRecord<'_>) {
        self.buf.extend_from_slice(r.bytes());
        self.bounds.extend_from_slice(r.bounds());
        self.records.push(Meta {
            line: r.line,
            buf_end: self.buf.len(),
            bounds_end: self.bounds.len(),
            field_count: r.field_count,
            overflow: r.overflow,
            unclosed_quote: r.unclosed_quote,
        });
    }

    /// Adds a record that [`Check::pre`] found clean, and hands the batch to `rows` when full.
    pub(crate) fn push_checked(&mut self, r: &RawRecord<'_>, pre: Pre, rows: &mut Rows) -> Flow {
        self.push(r);
        self.pre.push(pre);
        if self.is_full() { self.flush(rows) } else { Flow::Continue }
    }

    /// Hands the records to `rows` (see [`apply`](Self::apply)) and empties the batch.
    pub(crate) fn flush(&mut self, rows: &mut Rows) -> Flow {
        if self.records.is_empty() {
            return Flow::Continue;
        }
        let flow = self.apply(rows);
        self.clear();
        flow
    }

    /// Empties a batch for reuse, keeping its memory.
    fn clear(&mut self) {
        self.pre.clear();
        self.buf.clear();
        self.bounds.clear();
        self.records.clear();
    }

    fn is_full(&self) -> bool {
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
            m.overflow,
            m.unclosed_quote,
        )
    }

    /// Runs the rules that need no other row on every record.
    fn check(&mut self, check: &Check) {
        let mut pre = std::mem::take(&mut self.pre);
        self.check_into(check, self.text(), &mut pre);
        self.pre = pre;
    }

    /// [`check`](Self::check) with the batch's [`text`](Self::text), into `pre`.
    fn check_into(&self, check: &Check, text: Option<&str>, pre: &mut Vec<Pre>) {
        pre.clear();
        pre.extend((0..self.records.len()).map(|k| {
            let r = self.record(k, text);
            check.pre(&r, record_text(&r))
        }));
    }

    /// Hands every record to `rows`, with the verdicts of [`check`](Self::check) (run here
    /// first unless the parsing thread did, once the header is known), after getting the Lead
    /// ID set ready for the batch's IDs. Returns whether the rules stopped.
    fn apply(&mut self, rows: &mut Rows) -> Flow {
        let mut pre = std::mem::take(&mut self.pre);
        let flow = self.apply_with(rows, &mut pre);
        self.pre = pre;
        flow
    }

    fn apply_with(&self, rows: &mut Rows, pre: &mut Vec<Pre>) -> Flow {
        let text = self.text();
        if pre.is_empty()
            && let Some(check) = rows.check()
        {
            self.check_into(&check, text, pre);
        }
        rows.prefetch(pre.iter().filter_map(|pre| match pre {
            Pre::Clean { id_hash, .. } => Some(*id_hash),
            Pre::Other => None,
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

/// What the worker tells the parsing thread.
#[derive(Default)]
struct Shared {
    stopped: AtomicBool,
    rows: AtomicU64,
    valid: AtomicU64,
    invalid: AtomicU64,
}

/// The parsing thread's end of the pipe.
pub(crate) struct Pipe {
    tx: Option<SyncSender<Batch>>,
    /// Batches the worker is done with, for reuse (in a mutex only so that a `Validator` stays
    /// `Sync`, as bindings need; it is never contended).
    spare: Mutex<Receiver<Batch>>,
    batch: Batch,
    /// The rules that need no other row, for this thread to run on batches while the worker
    /// is behind.
    check: Option<Arc<Check>>,
    shared: Arc<Shared>,
}

impl Pipe {
    /// Takes a record from the parser.
    pub(crate) fn record(&mut self, r: &RawRecord<'_>) -> Flow {
        if self.shared.stopped.load(Ordering::Relaxed) {
            return Flow::Stop;
        }
        self.batch.push(r);
        if self.batch.is_full() {
            self.send();
        }
        Flow::Continue
    }

    /// Whether the rules have stopped (a limit, a broken header).
    pub(crate) fn is_stopped(&self) -> bool {
        self.shared.stopped.load(Ordering::Relaxed)
    }

    pub(crate) fn send(&mut self) {
        let spare = self.spare.get_mut().ok().and_then(|rx| rx.try_recv().ok());
        let next = spare.unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        let Some(tx) = &self.tx else { return };
        let sent = match tx.try_send(batch) {
            Ok(()) => Ok(()),
            // The worker is behind: do some of its work rather than wait.
            Err(TrySendError::Full(mut batch)) => {
                if let Some(check) = &self.check {
                    batch.check(check);
                }
                tx.send(batch).map_err(|_| ())
            }
            Err(TrySendError::Disconnected(_)) => Err(()),
        };
        if sent.is_err() {
            // The worker is gone (it panicked); joining it reports that.
            self.tx = None;
        }
    }
}

/// The largest `chunk_size` of [`validate_parallel`]: 1 GiB.
#[cfg_attr(target_arch = "wasm32", allow(unreachable_pub))]
pub const MAX_CHUNK_SIZE: usize = 1 << 30;

/// The read buffer: `chunk_size` bytes (1 to [`MAX_CHUNK_SIZE`]), or less when the input is
/// known to be smaller; an allocation the system refuses is an error, not an abort.
fn chunk_buffer(chunk_size: usize, size_hint: Option<u64>) -> Result<Vec<u8>> {
    let bad = |message: String| Error::new(ErrorKind::InvalidOption { option: "chunk_size".into(), message });
    if !(1..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        return Err(bad(format!("must be 1 to {MAX_CHUNK_SIZE} bytes (got {chunk_size})")));
    }
    // One byte more than a known size, so the read that finds the end needs no second buffer.
    let len = size_hint
        .and_then(|total| usize::try_from(total.saturating_add(1)).ok())
        .map_or(chunk_size, |total| chunk_size.min(total.max(16 * 1024)));
    let mut buf = Vec::new();
    buf.try_reserve_exact(len).map_err(|_| bad(format!("{len} bytes cannot be allocated")))?;
    buf.resize(len, 0);
    Ok(buf)
}

/// Validates everything `reader` yields, like a [`Validator`] with
/// [`lead_table(true)`](Validator::lead_table) (or [`keep_leads(false)`](Validator::keep_leads)
/// when `keep_leads` is false) and no rejected rows, on two threads: reading,
/// decoding and CSV parsing on the calling thread, the row rules on a worker (which hands
/// some to the calling thread while it is behind). `size_hint` is
/// the input's size when known ([`Validator::size_hint`]); `progress` is called after each
/// chunk of `chunk_size` bytes (its counts may trail the bytes by a few thousand rows) and once
/// at the end with the final counts; it stops the work by returning an error.
///
/// ```
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,Hot,open\n";
/// let (report, leads) =
///     leads_core::validate_parallel(csv.as_bytes(), &Default::default(), true, None, 1 << 20, &mut |_| Ok(()))?;
/// assert_eq!((report.valid, leads.get(0).unwrap().status.as_str()), (1, "Open"));
/// # Ok::<(), leads_core::Error>(())
/// ```
///
/// # Errors
/// Unusable options (`chunk_size` 0 or above [`MAX_CHUNK_SIZE`] included); an I/O error from
/// `reader`; an error returned by `progress`.
#[cfg_attr(target_arch = "wasm32", allow(unreachable_pub))]
pub fn validate_parallel<R: Read>(
    mut reader: R,
    options: &ImportOptions,
    keep_leads: bool,
    size_hint: Option<u64>,
    chunk_size: usize,
    progress: &mut dyn FnMut(Progress) -> std::io::Result<()>,
) -> Result<(Report, LeadTable)> {
    let mut v = Validator::new(options)?.keep_rejected(false).keep_leads(keep_leads).lead_table(true);
    if let Some(total) = size_hint {
        v = v.size_hint(total);
    }
    let mut buf = chunk_buffer(chunk_size, size_hint)?;
    let mut read = |buf: &mut [u8]| loop {
        match reader.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            other => return other,
        }
    };
    // One thread until the encoding and the delimiter are decided and rows flow: read in small
    // pieces until then, so that little is validated on this thread alone.
    let mut done = false;
    while !v.is_parsing() && !v.is_stopped() {
        let piece = buf.len().min(16 * 1024);
        let n = read(&mut buf[..piece])?;
        if n == 0 {
            done = true;
            break;
        }
        v.push(&buf[..n]);
        progress(v.progress())?;
    }
    if !done && !v.is_stopped() {
        v.reserve_now();
        let shared = Arc::new(Shared::default());
        let (tx, rx) = sync_channel::<Batch>(IN_FLIGHT);
        let (spare_tx, spare_rx) = sync_channel::<Batch>(IN_FLIGHT + 1);
        let mut rows = v.lend_rows()?;
        let check = rows.check();
        let outcome = std::thread::scope(|scope| {
            let worker_shared = Arc::clone(&shared);
            let worker = scope.spawn(move || {
                for mut batch in rx {
                    batch.apply(&mut rows);
                    batch.clear();
                    // The parsing thread may have stopped taking them: then drop it.
                    let _ = spare_tx.try_send(batch);
                    worker_shared.rows.store(rows.rows, Ordering::Relaxed);
                    worker_shared.valid.store(rows.valid, Ordering::Relaxed);
                    worker_shared.invalid.store(rows.invalid, Ordering::Relaxed);
                    if rows.stopped {
                        worker_shared.stopped.store(true, Ordering::Relaxed);
                    }
                }
                rows
            });
            v.set_pipe(Some(Pipe {
                tx: Some(tx),
                spare: Mutex::new(spare_rx),
                batch: Batch::default(),
                check,
                shared: Arc::clone(&shared),
            }));
            let outcome = (|| -> Result<()> {
                while !v.is_pipe_stopped() {
                    let n = read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    v.push(&buf[..n]);
                    let p = Progress {
                        bytes: v.progress().bytes,
                        rows: shared.rows.load(Ordering::Relaxed),
                        valid: shared.valid.load(Ordering::Relaxed),
                        invalid: shared.invalid.load(Ordering::Relaxed),
                    };
                    progress(p)?;
                }
                Ok(())
            })();
            if let Some(mut pipe) = v.set_pipe(None) {
                pipe.send();
            }
            match worker.join() {
                Ok(rows) => v.return_rows(rows),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            outcome
        });
        outcome?;
    }
    let report = v.finish();
    progress(v.progress())?;
    Ok((report, v.take_lead_table()))
}
