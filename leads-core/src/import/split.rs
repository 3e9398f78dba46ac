//! One validation on two workers that share no memory (two Web Workers): a [`Splitter`] reads
//! the input (decoding, dialect, CSV parsing, and the rules that need no other row when asked),
//! and a [`Validator`] given its messages with [`Validator::push_message`] does the rest (the
//! Lead ID set, the report, the leads). The verdict is the one the validator gives the bytes.
//!
//! Until the header is known, a message carries the input itself: both ends read it, so both
//! know the header and the dialect. From then on it carries the records, in batches of bytes.
//!
//! A message is `LDSM`, a format number, the options' fingerprint, the input bytes read so far,
//! its number (from 0: a message lost or out of order is refused) and its length, then parts: a kind byte, a 32-bit length and that many bytes.

use crate::error::{Error, ErrorKind, Result};
use crate::import::batch::{Reader, RecordBatch, RecordSink};
use crate::import::options::ImportOptions;
use crate::import::parser::{Flow, RawRecord};
use crate::import::rows::RecordCheck;
use crate::import::validator::Validator;

const MAGIC: &[u8; 4] = b"LDSM";
const FORMAT: u8 = 1;
/// The head's length: magic, format, fingerprint, bytes read, number, length.
const HEAD: usize = 4 + 1 + 8 + 8 + 4 + 4;

/// Part kinds.
const INPUT: u8 = 0;
const BATCH: u8 = 1;
/// The input went over `max_bytes` while this message's input was read; reading stopped at
/// the line that follows (64 bits).
const LIMIT: u8 = 2;
/// The input is over.
const END: u8 = 3;

fn bad_message(message: &str) -> Error {
    Error::new(ErrorKind::InvalidOption { option: "message".into(), message: message.into() })
}

/// The reading half of a validation split between two workers (see [`Validator::push_message`]
/// for the other half). Give both the same options; send every message [`push`](Self::push)
/// and [`finish`](Self::finish) return to the validator, in order.
///
/// ```
/// use leads_core::{Splitter, Validator};
///
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n\
///            L-1,Ann,ann@example.com,Web,Hot,open\nL-1,Bo,bo@example.com,Web,Low,New\n";
/// let options = Default::default();
/// let (mut reader, mut rules) = (Splitter::new(&options)?, Validator::new(&options)?);
/// for chunk in csv.as_bytes().chunks(40) {
///     // In a browser, `reader` and `rules` sit in two Web Workers and this is a postMessage.
///     rules.push_message(&reader.push(chunk, false)?)?;
/// }
/// rules.push_message(&reader.finish()?)?;
/// let report = rules.try_finish()?;
/// assert_eq!((report.valid, report.invalid), (1, 1));
/// # Ok::<(), leads_core::Error>(())
/// ```
pub struct Splitter {
    v: Validator,
    /// Records go out in batches (the header is known).
    split: bool,
    finished: bool,
    fingerprint: u64,
    /// Messages made so far.
    made: u32,
}

/// Where a splitting validator's records go.
struct SplitSink {
    batch: RecordBatch,
    /// Sealed batches, as parts.
    parts: Vec<u8>,
    check: std::sync::Arc<RecordCheck>,
    /// Run the rules that need no other row on the batches of this push.
    run_check: bool,
}

impl RecordSink for SplitSink {
    fn record(&mut self, r: &RawRecord<'_>) -> Flow {
        self.batch.push(r);
        if self.batch.is_full() {
            self.seal();
        }
        Flow::Continue
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl SplitSink {
    fn seal(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        if self.run_check {
            self.batch.check(&self.check);
        }
        let batch = &self.batch;
        part(&mut self.parts, BATCH, |out| batch.write(out));
        self.batch.clear();
    }
}

/// Appends a part of `kind` whose bytes `write` appends.
fn part(out: &mut Vec<u8>, kind: u8, write: impl FnOnce(&mut Vec<u8>)) {
    out.push(kind);
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out);
    let len = u32::try_from(out.len() - at - 4).unwrap_or(u32::MAX);
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
}

impl Splitter {
    /// A splitter for `options` (the validator's own).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for unusable options.
    pub fn new(options: &ImportOptions) -> Result<Self> {
        let v = Validator::new(options)?.keep_leads(false).keep_rejected(false);
        let fingerprint = v.split.fingerprint;
        Ok(Splitter { v, split: false, finished: false, fingerprint, made: 0 })
    }

    /// Reads the next chunk (of any size, ending anywhere) and returns the message for the
    /// validator. `check`: run the rules that need no other row here (when the validator is
    /// behind: the verdict is the same either way).
    ///
    /// # Errors
    /// [`ErrorKind::Finished`] after [`finish`](Self::finish).
    pub fn push(&mut self, chunk: &[u8], check: bool) -> Result<Vec<u8>> {
        if self.finished {
            return Err(ErrorKind::Finished.into());
        }
        let stopped_before = self.v.is_stopped();
        if !self.split {
            self.v.push(chunk);
            let mut out = self.header();
            part(&mut out, INPUT, |out| out.extend_from_slice(chunk));
            let out = self.sealed(out);
            if !self.v.is_stopped()
                && let Some(check) = self.v.record_check()
            {
                // The header is known (here and, from the same input, there): records go out.
                let sink =
                    SplitSink { batch: RecordBatch::default(), parts: Vec::new(), check, run_check: false };
                self.v.set_sink(Some(Box::new(sink)));
                self.split = true;
            }
            return Ok(out);
        }
        self.sink().run_check = check;
        self.v.push(chunk);
        let out = self.message(stopped_before);
        Ok(self.sealed(out))
    }

    /// Ends the input and returns the last message.
    ///
    /// # Errors
    /// [`ErrorKind::Finished`] when already finished.
    pub fn finish(&mut self) -> Result<Vec<u8>> {
        if self.finished {
            return Err(ErrorKind::Finished.into());
        }
        self.finished = true;
        let mut out = if self.split {
            let stopped_before = self.v.is_stopped();
            self.v.end_input();
            self.message(stopped_before)
        } else {
            self.header()
        };
        part(&mut out, END, |_| {});
        Ok(self.sealed(out))
    }

    /// Whether reading stopped (a limit, or a header error read before any record went out);
    /// further chunks need not be read. The validator says when its rules stopped
    /// ([`Validator::is_stopped`]).
    #[must_use]
    pub fn is_stopped(&self) -> bool {
        self.v.is_stopped()
    }

    /// Input bytes read.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.v.progress().bytes
    }

    fn sink(&mut self) -> &mut SplitSink {
        self.v
            .sink_mut()
            .and_then(|s| s.as_any_mut().downcast_mut::<SplitSink>())
            .unwrap_or_else(|| unreachable!("set when split"))
    }

    fn header(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 * 1024 + 64);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT);
        out.extend_from_slice(&self.fingerprint.to_le_bytes());
        out.extend_from_slice(&self.v.progress().bytes.to_le_bytes());
        out.extend_from_slice(&[0; 8]); // the number and the length, set by `sealed`
        out
    }

    /// The message with its number and length set.
    fn sealed(&mut self, mut out: Vec<u8>) -> Vec<u8> {
        let len = u32::try_from(out.len()).unwrap_or(u32::MAX);
        out[HEAD - 8..HEAD - 4].copy_from_slice(&self.made.to_le_bytes());
        out[HEAD - 4..HEAD].copy_from_slice(&len.to_le_bytes());
        self.made = self.made.wrapping_add(1);
        out
    }

    /// A message with the batches sealed so far (the last one too) and, when this push went
    /// over `max_bytes`, where reading stopped.
    fn message(&mut self, stopped_before: bool) -> Vec<u8> {
        let mut out = self.header();
        // Nothing is parsed past the limit: the line is where reading stopped.
        let limit_line = (!stopped_before && self.v.is_over_limit()).then(|| self.v.parser_line());
        let sink = self.sink();
        sink.seal();
        out.append(&mut sink.parts);
        if let Some(line) = limit_line {
            part(&mut out, LIMIT, |out| out.extend_from_slice(&line.to_le_bytes()));
        }
        out
    }
}

impl Validator {
    /// Takes a message of a [`Splitter`] made with the same options: the input itself until
    /// the header is known, then its records, which go through the rules here. Push every
    /// message, in order, then [`finish`](Self::finish) as usual; the report, the leads and the
    /// rejected rows are those of the bytes the splitter read. Once records come this way,
    /// [`push`](Self::push) is refused.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (option `message`) for bytes that are not a message of a
    /// splitter of this build with the same options, or a message out of place (one skipped or
    /// repeated, one after the last, input after records); [`ErrorKind::Finished`] after
    /// `finish`.
    pub fn push_message(&mut self, message: &[u8]) -> Result<()> {
        if self.is_finished() {
            return Err(ErrorKind::Finished.into());
        }
        if self.split.ended {
            return Err(bad_message("a message after the splitter's last one"));
        }
        let not_ours =
            || bad_message("not a whole message of a Splitter (cut short, changed or something else)");
        let mut r = Reader(message);
        let head = r.take(HEAD).ok_or_else(not_ours)?;
        let mut h = Reader(&head[5..]);
        let (fingerprint, bytes, number, len) = (h.u64(), h.u64(), h.u32(), h.len());
        if &head[..4] != MAGIC || head[4] != FORMAT || len != Some(message.len()) {
            return Err(not_ours());
        }
        if fingerprint != Some(self.split.fingerprint) {
            return Err(bad_message("a message of a Splitter with other options (or of another build)"));
        }
        if number != Some(self.split.taken) {
            return Err(bad_message(
                "a message out of order (one lost, or pushed twice): push every message, in order",
            ));
        }
        let bytes = bytes.unwrap_or(0);
        self.split.taken = self.split.taken.wrapping_add(1);
        // As a validator ignores input once stopped, so the counts and the limit of input read
        // after it stopped.
        let stopped_before = self.is_stopped();
        while let Some(kind) = r.u8() {
            let body = r.len().and_then(|len| r.take(len)).ok_or_else(not_ours)?;
            match kind {
                INPUT if self.split.batches => return Err(bad_message("input after records")),
                INPUT => self.push(body),
                BATCH => {
                    let mut batch = RecordBatch::read(body).ok_or_else(not_ours)?;
                    let check =
                        self.record_check().ok_or_else(|| bad_message("records before the header"))?;
                    if !batch.verdicts_fit(&check) {
                        return Err(not_ours());
                    }
                    self.split.batches = true;
                    if !stopped_before {
                        self.note_split_input(bytes, None);
                        batch.apply(self.rows_mut());
                    }
                }
                LIMIT => {
                    let line = u64::from_le_bytes(body.try_into().map_err(|_| not_ours())?);
                    if !stopped_before {
                        self.note_split_input(bytes, Some(line));
                    }
                }
                END => self.split.ended = true,
                _ => return Err(not_ours()),
            }
        }
        Ok(())
    }

    /// Whether records came from a [`Splitter`] and its last message has not.
    pub(crate) fn awaits_split_end(&self) -> bool {
        self.split.batches && !self.split.ended
    }
}
