//! Whole-input validation on two threads (native targets only): decoding and CSV parsing on
//! the calling thread, the Lead ID set and the report on a worker, records passed in owned
//! [`RecordBatch`]es; the rules that need no other row run on the worker, or on the calling
//! thread for the batches it sends while the worker is behind. Same results as the
//! [`Validator`] fed the same bytes.

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Result};
use crate::import::batch::{RecordBatch, RecordSink};
use crate::import::options::ImportOptions;
use crate::import::parser::{Flow, RawRecord};
use crate::import::rows::RecordCheck;
use crate::import::table::LeadTable;
use crate::import::validator::{Progress, Validator};
use crate::model::Report;

/// Batches in flight between the threads.
const IN_FLIGHT: usize = 4;

/// What the worker tells the parsing thread.
#[derive(Default)]
struct WorkerCounts {
    stopped: AtomicBool,
    rows: AtomicU64,
    valid: AtomicU64,
    invalid: AtomicU64,
}

/// The parsing thread's end of the pipe.
pub(crate) struct WorkerPipe {
    tx: Option<SyncSender<RecordBatch>>,
    /// Batches the worker is done with, for reuse (in a mutex only so that a `Validator` stays
    /// `Sync`, as bindings need; it is never contended).
    spare: Mutex<Receiver<RecordBatch>>,
    batch: RecordBatch,
    /// The rules that need no other row, for this thread to run on batches while the worker
    /// is behind.
    check: Option<Arc<RecordCheck>>,
    shared: Arc<WorkerCounts>,
}

impl RecordSink for WorkerPipe {
    fn record(&mut self, r: &RawRecord<'_>) -> Flow {
        if self.shared.stopped.load(Ordering::Relaxed) {
            return Flow::Stop;
        }
        self.batch.push(r);
        if self.batch.is_full() {
            self.send();
        }
        Flow::Continue
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl Drop for WorkerPipe {
    fn drop(&mut self) {
        self.send();
    }
}

impl WorkerPipe {
    /// Sends the batch being filled to the worker.
    fn send(&mut self) {
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
        let shared = Arc::new(WorkerCounts::default());
        let (tx, rx) = sync_channel::<RecordBatch>(IN_FLIGHT);
        let (spare_tx, spare_rx) = sync_channel::<RecordBatch>(IN_FLIGHT + 1);
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
            v.set_sink(Some(Box::new(WorkerPipe {
                tx: Some(tx),
                spare: Mutex::new(spare_rx),
                batch: RecordBatch::default(),
                check,
                shared: Arc::clone(&shared),
            })));
            let outcome = (|| -> Result<()> {
                while !v.is_over_limit() && !shared.stopped.load(Ordering::Relaxed) {
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
            // Dropping the pipe sends its last batch and closes the channel: the worker ends.
            v.set_sink(None);
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
