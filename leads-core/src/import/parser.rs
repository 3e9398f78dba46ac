//! A push RFC 4180 parser over UTF-8 bytes.
//!
//! Feed it chunks of any size; it calls back once per record with the record's fields and the
//! physical line the record starts on. It accepts CRLF, LF and CR line ends (also inside quoted
//! fields, where they count as lines), `""` escapes, and blanks before an opening quote are
//! dropped. A quote inside an unquoted field, or text after a closing quote, is kept as read and
//! the record says where (`malformed`), for the rules to report. Lines that hold nothing are
//! skipped.
//!
//! A record that lies whole in one chunk and whose fields are verbatim slices of it (the usual
//! case: no `""` escapes or text after a closing quote) is handed out without copying; others
//! are copied into the parser's buffer. It finds the special bytes 8 at a time.
//!
//! Memory is bounded by the longest record: a field stops growing at `max_field` bytes (the
//! record is flagged) and a record stops storing fields after [`MAX_FIELDS`].

use crate::import::scan::Scan;

/// Fields stored per record; later ones are counted but not kept.
pub(crate) const MAX_FIELDS: usize = 1024;

/// One parsed record, borrowed from the parser or its input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawRecord<'a> {
    /// Physical line (1-based) where the record starts.
    pub(crate) line: u64,
    buf: &'a [u8],
    bounds: &'a [(usize, usize)],
    /// Fields in the record, including any beyond [`MAX_FIELDS`].
    pub(crate) field_count: usize,
    /// The first field longer than `max_field` bytes (cut short in the record).
    pub(crate) overflow: Option<usize>,
    /// The fields with a quote out of place (inside an unquoted field, or followed by text
    /// after its closing quote; kept as read): bit `i` for field `i`, bit 63 for every field
    /// from 63 on. See [`is_malformed`](Self::is_malformed).
    pub(crate) malformed: u64,
    /// Whether the record may hold a control character (a byte below 0x20, or 0xC2): `false`
    /// means the rules need not look for them value by value.
    pub(crate) controls: bool,
    /// The record ends inside a quoted field at the end of input.
    pub(crate) unclosed_quote: bool,
    /// `buf` as text, when it is already known to be valid UTF-8.
    pub(crate) text: Option<&'a str>,
}

impl<'a> RawRecord<'a> {
    /// A record over `buf` with fields at `bounds` (relative to `buf`); `text` is `buf` when it
    /// is known to be valid UTF-8.
    pub(crate) fn new(
        line: u64,
        (buf, text): (&'a [u8], Option<&'a str>),
        bounds: &'a [(usize, usize)],
        field_count: usize,
        (overflow, malformed, controls): (Option<usize>, u64, bool),
        unclosed_quote: bool,
    ) -> Self {
        RawRecord { line, buf, bounds, field_count, overflow, malformed, controls, unclosed_quote, text }
    }

    /// Whether field `i` holds a quote out of place (for a field from 63 on: whether one of
    /// those does).
    pub(crate) fn is_malformed(&self, i: usize) -> bool {
        self.malformed & (1 << i.min(63)) != 0
    }

    /// Where the fields sit in [`bytes`](Self::bytes).
    pub(crate) fn bounds(&self) -> &'a [(usize, usize)] {
        self.bounds
    }

    /// The stored fields (at most [`MAX_FIELDS`]).
    pub(crate) fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Where field `i` sits in [`bytes`](Self::bytes), or `None` past the stored fields.
    pub(crate) fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let &(start, end) = self.bounds.get(i)?;
        Some(start..end)
    }

    /// The bytes of field `i`, or `None` past the stored fields.
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.buf.get(self.range(i)?)
    }

    /// The bytes holding the fields: the fields, and between them only ASCII bytes
    /// (delimiters, quotes) or nothing. Valid UTF-8 exactly when every field is.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The stored fields, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// Whether the consumer wants more records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records: line ends here are blank lines.
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    /// Just read a `"` inside a quoted field: an escape or the closing quote.
    QuoteInQuoted,
    /// Stopped by the consumer; everything else is ignored.
    Stopped,
}

/// Whether `bytes` hold a byte below 0x20 or a 0xC2 (the lead byte of every C1 control in
/// UTF-8): the record-wide test that lets the rules skip looking for control characters value
/// by value. Eight bytes at a time.
#[inline]
pub(crate) fn may_hold_controls(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // Bytes below 0x20 (the zero-byte trick on w - 0x20 per byte, ASCII bytes only), and 0xC2.
        let low = w.wrapping_sub(splat(0x20)) & !w & splat(0x80);
        if low | zero_bytes(w ^ splat(0xC2)) != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&b| b < 0x20 || b == 0xC2)
}

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// 0x80 in the lowest byte of `word` that is zero (and possibly in higher ones).
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(splat(1)) & !word & splat(0x80)
}

pub(crate) struct Parser {
    delimiter: u8,
    max_field: usize,
    state: State,
    /// Physical line at the current position.
    line: u64,
    /// The last byte was a CR, so an LF now does not start another line.
    prev_cr: bool,
    record_line: u64,
    /// Whether the current record is copied into `buf`; otherwise its fields are slices of
    /// the current input, from `record_start`.
    owned: bool,
    record_start: usize,
    /// The current field's text so far, in the input, while the record is not owned.
    cur: (usize, usize),
    buf: Vec<u8>,
    bounds: Vec<(usize, usize)>,
    /// Where the current field starts in `buf`, once owned.
    field_start: usize,
    field_count: usize,
    overflow: Option<usize>,
    /// As [`RawRecord::malformed`].
    malformed: u64,
    /// Where, in `buf`, the current field's text after its closing quote starts (blanks there
    /// are padding; anything else is a quote out of place).
    after_quote: Option<usize>,
    /// Whether the bytes [`find_special`](Self::find_special) went over since the flag was
    /// cleared may hold a control character (as [`may_hold_controls`]).
    controls: bool,
}

impl Parser {
    pub(crate) fn new(delimiter: u8, max_field: usize) -> Self {
        Parser {
            delimiter,
            max_field,
            state: State::RecordStart,
            line: 1,
            prev_cr: false,
            record_line: 1,
            owned: true,
            record_start: 0,
            cur: (0, 0),
            buf: Vec::new(),
            bounds: Vec::new(),
            field_start: 0,
            field_count: 0,
            overflow: None,
            malformed: 0,
            after_quote: None,
            controls: false,
        }
    }

    /// The physical line reading has reached (where a record cut off by the end of input or a
    /// limit starts, or the line after the last record).
    pub(crate) fn line(&self) -> u64 {
        if matches!(self.state, State::RecordStart | State::Stopped) { self.line } else { self.record_line }
    }

    /// Parses a chunk, calling `sink` for every record it completes.
    pub(crate) fn feed<F>(&mut self, input: &[u8], sink: &mut F) -> Flow
    where
        F: FnMut(RawRecord<'_>) -> Flow,
    {
        self.feed_text(input, None, sink)
    }

    /// [`feed`](Self::feed), told that `input` starts with the valid UTF-8 `text`: records
    /// handed out as slices of it come with their text.
    pub(crate) fn feed_text<F>(&mut self, input: &[u8], text: Option<&str>, sink: &mut F) -> Flow
    where
        F: FnMut(RawRecord<'_>) -> Flow,
    {
        debug_assert!(text.is_none_or(|t| input.starts_with(t.as_bytes())));
        let n = input.len();
        let mut i = 0;
        let mut scan = Scan::new(self.delimiter);
        while i < n {
            match self.state {
                State::Stopped => return Flow::Stop,
                State::RecordStart => match input[i] {
                    b'\n' => {
                        i += 1;
                        self.newline_lf();
                    }
                    b'\r' => {
                        i += 1;
                        self.newline_cr();
                    }
                    _ => {
                        self.prev_cr = false;
                        self.record_line = self.line;
                        self.begin_record(i);
                        self.controls = false;
                        let Some(end) = self.plain_record(input, i, &mut scan) else {
                            self.bounds.clear();
                            self.state = State::FieldStart;
                            continue;
                        };
                        self.field_count = self.bounds.len();
                        self.newline(input[end]);
                        let record = RawRecord {
                            line: self.record_line,
                            buf: &input[i..end],
                            bounds: &self.bounds,
                            field_count: self.field_count,
                            overflow: None,
                            malformed: 0,
                            controls: self.controls,
                            unclosed_quote: false,
                            text: text.and_then(|t| t.get(i..end)),
                        };
                        i = end + 1;
                        if sink(record) == Flow::Stop {
                            self.state = State::Stopped;
                            return Flow::Stop;
                        }
                    }
                },
                State::FieldStart => {
                    if input[i] == b'"' {
                        i += 1;
                        self.state = State::Quoted;
                    } else {
                        self.state = State::Unquoted;
                    }
                    self.cur = (i, i);
                }
                State::Unquoted => {
                    i = self.take_run(input, i, true);
                    if i == n {
                        break;
                    }
                    let b = input[i];
                    i += 1;
                    if b == self.delimiter {
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if b == b'"' {
                        // A quote after nothing but blanks opens a quoted field: `a, "b, c"`.
                        if self.field_so_far(input).iter().all(|&c| c == b' ' || c == b'\t') {
                            self.buf.truncate(self.field_start);
                            self.cur = (i, i);
                            self.state = State::Quoted;
                        } else {
                            self.flag_malformed();
                            self.push(input, i - 1, i);
                        }
                    } else {
                        let end = i - 1;
                        self.newline(b);
                        if self.end_record(input, end, false, sink) == Flow::Stop {
                            return Flow::Stop;
                        }
                    }
                }
                State::Quoted => {
                    i = self.take_run(input, i, false);
                    if i == n {
                        break;
                    }
                    let b = input[i];
                    i += 1;
                    match b {
                        b'"' => {
                            self.prev_cr = false;
                            self.state = State::QuoteInQuoted;
                        }
                        b'\n' => {
                            self.newline_lf();
                            self.push(input, i - 1, i);
                        }
                        _ => {
                            self.newline_cr();
                            self.push(input, i - 1, i);
                        }
                    }
                }
                State::QuoteInQuoted => {
                    let b = input[i];
                    i += 1;
                    if b == self.delimiter {
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if b == b'\n' || b == b'\r' {
                        let end = i - 1;
                        self.newline(b);
                        if self.end_record(input, end, false, sink) == Flow::Stop {
                            return Flow::Stop;
                        }
                    } else {
                        // An escaped quote, or text after the closing quote (kept as read,
                        // and flagged): the field is no longer a slice of the input.
                        self.own(input);
                        if b != b'"' {
                            self.after_quote.get_or_insert(self.buf.len());
                        }
                        self.push(input, i - 1, i);
                        self.state = if b == b'"' { State::Quoted } else { State::Unquoted };
                    }
                }
            }
        }
        // A record continues in the next chunk: keep what it has so far.
        if matches!(self.state, State::FieldStart | State::Unquoted | State::Quoted | State::QuoteInQuoted) {
            self.own(input);
        }
        if self.state == State::Stopped { Flow::Stop } else { Flow::Continue }
    }

    /// Ends the input: completes a last record without a line end.
    pub(crate) fn finish<F>(&mut self, sink: &mut F) -> Flow
    where
        F: FnMut(RawRecord<'_>) -> Flow,
    {
        match self.state {
            State::RecordStart => Flow::Continue,
            State::Stopped => Flow::Stop,
            State::Quoted => self.end_record(&[], 0, true, sink),
            State::FieldStart | State::Unquoted | State::QuoteInQuoted => {
                self.end_record(&[], 0, false, sink)
            }
        }
    }

    /// Where the next special byte is at or after `i` (the delimiter, a quote, CR or LF; the
    /// delimiter only outside quotes), or `input.len()`. On the way it notes (in `controls`)
    /// whether the bytes before that one may hold a control character, in the same word
    /// operations: the rules then need no pass of their own.
    fn find_special(&mut self, input: &[u8], mut i: usize, unquoted: bool) -> usize {
        let delimiter = if unquoted { self.delimiter } else { b'"' };
        let (d, q, cr, lf) = (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
        while let Some(bytes) = input.get(i..i + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(bytes);
            let w = u64::from_le_bytes(word);
            let hits = zero_bytes(w ^ d) | zero_bytes(w ^ q) | zero_bytes(w ^ cr) | zero_bytes(w ^ lf);
            // As `may_hold_controls`; a flag above a true one may be false, so only the bytes
            // before the special one count (a false flag there sits above a true one there).
            let controls = (w.wrapping_sub(splat(0x20)) & !w & splat(0x80)) | zero_bytes(w ^ splat(0xC2));
            if hits != 0 {
                // The lowest flagged byte is a true match (false ones only sit above one).
                let k = hits.trailing_zeros() / 8;
                let before = if k == 0 { 0 } else { u64::MAX >> (64 - 8 * k) };
                self.controls |= controls & before != 0;
                return i + k as usize;
            }
            self.controls |= controls != 0;
            i += 8;
        }
        let special = |b: u8| b == delimiter || b == b'"' || b == b'\r' || b == b'\n';
        let end = input[i..].iter().position(|&b| special(b)).map_or(input.len(), |k| i + k);
        self.controls |= may_hold_controls(&input[i..end]);
        end
    }

    /// Parses the usual kind of record starting at `input[start]` in one go: every field
    /// unquoted, or quoted with no `""` escape, line end or text after the closing quote
    /// inside, none longer than `max_field`, at most [`MAX_FIELDS`] fields, and the record's
    /// line end in `input`. Fills `bounds` (relative to `start`) and returns where the line
    /// end is; or returns `None` (`bounds` to be cleared) and the state machine takes the
    /// record from its start.
    fn plain_record(&mut self, input: &[u8], start: usize, scan: &mut Scan) -> Option<usize> {
        scan.begin(start);
        let mut i = start;
        loop {
            if self.bounds.len() == MAX_FIELDS {
                return None;
            }
            let (from, to, next) = if input.get(i) == Some(&b'"') {
                let end = scan.next(input, i + 1, true)?;
                if input[end] != b'"' {
                    return None;
                }
                (i + 1, end, end + 1)
            } else {
                let end = scan.next(input, i, false)?;
                (i, end, end)
            };
            if to - from > self.max_field {
                return None;
            }
            self.bounds.push((from - start, to - start));
            match input.get(next) {
                Some(&b) if b == self.delimiter => i = next + 1,
                Some(b'\n' | b'\r') => {
                    self.controls = scan.controls_until(next);
                    return Some(next);
                }
                // A quote inside an unquoted field, a `""` escape or text after a closing quote, or the
                // end of the input.
                _ => return None,
            }
        }
    }

    /// Keeps the text up to the next special byte; returns where that byte is.
    fn take_run(&mut self, input: &[u8], i: usize, unquoted: bool) -> usize {
        let end = self.find_special(input, i, unquoted);
        if end > i {
            self.push(input, i, end);
            self.prev_cr = false;
        }
        end
    }

    /// Counts a line end (`\n` or `\r`; CR LF is one).
    fn newline(&mut self, b: u8) {
        if b == b'\n' { self.newline_lf() } else { self.newline_cr() }
    }

    fn newline_lf(&mut self) {
        if !self.prev_cr {
            self.line += 1;
        }
        self.prev_cr = false;
    }

    fn newline_cr(&mut self) {
        self.line += 1;
        self.prev_cr = true;
    }

    fn begin_record(&mut self, start: usize) {
        self.owned = false;
        self.record_start = start;
        self.cur = (start, start);
        self.bounds.clear();
        self.field_count = 0;
        self.overflow = None;
        self.malformed = 0;
        self.after_quote = None;
    }

    /// The current field's text so far.
    fn field_so_far<'s>(&'s self, input: &'s [u8]) -> &'s [u8] {
        if self.owned { &self.buf[self.field_start..] } else { &input[self.cur.0..self.cur.1] }
    }

    /// Copies the record so far into `buf`, from where it continues.
    fn own(&mut self, input: &[u8]) {
        if self.owned {
            return;
        }
        self.owned = true;
        self.buf.clear();
        let base = self.record_start;
        for bound in &mut self.bounds {
            let start = self.buf.len();
            self.buf.extend_from_slice(&input[base + bound.0..base + bound.1]);
            *bound = (start, self.buf.len());
        }
        self.field_start = self.buf.len();
        self.buf.extend_from_slice(&input[self.cur.0..self.cur.1]);
    }

    /// Adds `input[start..end]` to the current field.
    fn push(&mut self, input: &[u8], start: usize, end: usize) {
        if self.field_count >= MAX_FIELDS {
            return;
        }
        if !self.owned {
            let (from, to) = self.cur;
            if to == start && end - from <= self.max_field {
                self.cur.1 = end;
                return;
            }
            self.own(input);
        }
        let bytes = &input[start..end];
        let room = self.max_field - (self.buf.len() - self.field_start);
        if bytes.len() <= room {
            self.buf.extend_from_slice(bytes);
        } else {
            self.buf.extend_from_slice(&bytes[..room]);
            self.overflow.get_or_insert(self.field_count);
        }
    }

    /// Marks the current field as holding a quote out of place.
    fn flag_malformed(&mut self) {
        self.malformed |= 1 << self.field_count.min(63);
    }

    fn end_field(&mut self) {
        if let Some(at) = self.after_quote.take()
            && self.buf.get(at..).is_some_and(|rest| rest.iter().any(|&c| c != b' ' && c != b'\t'))
        {
            self.flag_malformed();
        }
        if self.field_count < MAX_FIELDS {
            let bound = if self.owned {
                (self.field_start, self.buf.len())
            } else {
                (self.cur.0 - self.record_start, self.cur.1 - self.record_start)
            };
            self.bounds.push(bound);
        }
        self.field_count += 1;
        self.field_start = self.buf.len();
        self.cur.0 = self.cur.1;
    }

    /// Completes the record; when it is not owned, it ends at `input[end]`.
    fn end_record<F>(&mut self, input: &[u8], end: usize, unclosed_quote: bool, sink: &mut F) -> Flow
    where
        F: FnMut(RawRecord<'_>) -> Flow,
    {
        self.end_field();
        self.state = State::RecordStart;
        let buf = if self.owned { &self.buf[..] } else { &input[self.record_start..end] };
        let record = RawRecord {
            line: self.record_line,
            buf,
            bounds: &self.bounds,
            field_count: self.field_count,
            overflow: self.overflow,
            malformed: self.malformed,
            controls: may_hold_controls(buf),
            unclosed_quote,
            text: None,
        };
        let flow = sink(record);
        if flow == Flow::Stop {
            self.state = State::Stopped;
        }
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Rec {
        line: u64,
        fields: Vec<String>,
        unclosed: bool,
    }

    fn parse_in_pieces(input: &[u8], piece: usize) -> Vec<Rec> {
        let mut out = Vec::new();
        let mut sink = |r: RawRecord<'_>| {
            out.push(Rec {
                line: r.line,
                fields: r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
                unclosed: r.unclosed_quote,
            });
            Flow::Continue
        };
        let mut p = Parser::new(b',', 1024);
        for chunk in input.chunks(piece.max(1)) {
            p.feed(chunk, &mut sink);
        }
        p.finish(&mut sink);
        out
    }

    #[test]
    fn records_say_whether_they_may_hold_controls_in_any_chunking() {
        let cases: [(&[u8], bool); 6] = [
            (b"alpha,beta,gamma\n", false),
            (b"alpha,be\x00ta,gamma\n", true),
            (b"alpha,beta,gamma gamma gamma\x1b\n", true),
            (b"\"alpha\",\"be\xc2\x85ta\"\n", true),
            (b"\"long quoted value with ,\",x\r\n", false),
            (b"Zo\xc3\xab,\xe7\x8e\x8b,x\n", false),
        ];
        for (input, controls) in cases {
            for piece in 1..=input.len() {
                let mut seen = Vec::new();
                let mut p = Parser::new(b',', 1024);
                let mut sink = |r: RawRecord<'_>| {
                    seen.push(r.controls);
                    Flow::Continue
                };
                for chunk in input.chunks(piece) {
                    p.feed(chunk, &mut sink);
                }
                p.finish(&mut sink);
                assert_eq!(seen, [controls], "{:?} in pieces of {piece}", String::from_utf8_lossy(input));
            }
        }
    }

    #[test]
    fn control_bytes_are_found_in_any_position() {
        for len in 0..20 {
            let clean = vec![b'a'; len];
            assert!(!may_hold_controls(&clean));
            for at in 0..len {
                for b in [0u8, 0x01, 0x09, 0x1F, 0xC2] {
                    let mut bytes = clean.clone();
                    bytes[at] = b;
                    assert!(may_hold_controls(&bytes), "{b:#x} at {at} of {len}");
                }
                let mut high = clean.clone();
                high[at] = 0xC3; // é's lead byte: not a control
                assert!(!may_hold_controls(&high));
            }
        }
        assert!(!may_hold_controls("Zoë Ørsted, 王小明 ~ DEL\x7f".as_bytes()));
    }

    fn parse(input: &str) -> Vec<Rec> {
        let whole = parse_in_pieces(input.as_bytes(), input.len());
        for piece in 1..=4 {
            assert_eq!(parse_in_pieces(input.as_bytes(), piece), whole, "split every {piece}");
        }
        whole
    }

    fn rec(line: u64, fields: &[&str]) -> Rec {
        Rec { line, fields: fields.iter().map(|s| (*s).to_owned()).collect(), unclosed: false }
    }

    #[test]
    fn line_ends_of_every_kind_and_blank_lines() {
        assert_eq!(
            parse("a,b\r\nc,d\n\ne,f\rg,h"),
            vec![rec(1, &["a", "b"]), rec(2, &["c", "d"]), rec(4, &["e", "f"]), rec(5, &["g", "h"])]
        );
        assert_eq!(parse("\r\n\r\na\r\n\r\n"), vec![rec(3, &["a"])]);
    }

    #[test]
    fn quoted_fields_with_escapes_delimiters_and_newlines() {
        assert_eq!(
            parse("\"a,\"\"b\"\"\",\"x\r\ny\"\nz,\"\"\n"),
            vec![rec(1, &["a,\"b\"", "x\r\ny"]), rec(3, &["z", ""])]
        );
        assert_eq!(parse("\"1\r2\",3\n4"), vec![rec(1, &["1\r2", "3"]), rec(3, &["4"])]);
    }

    #[test]
    fn lenient_quotes() {
        assert_eq!(parse("a\"b,\"c\"d, \"e,f\""), vec![rec(1, &["a\"b", "cd", "e,f"])]);
    }

    #[test]
    fn trailing_delimiter_and_missing_final_newline() {
        assert_eq!(parse("a,\nb"), vec![rec(1, &["a", ""]), rec(2, &["b"])]);
    }

    #[test]
    fn unclosed_quote_swallows_the_rest() {
        let recs = parse("a,\"b\nc,d\n");
        assert_eq!(recs, vec![Rec { line: 1, fields: vec!["a".into(), "b\nc,d\n".into()], unclosed: true }]);
    }

    /// A record's line, fields, field count, overflowing field and unclosed quote.
    type Seen = (u64, Vec<Vec<u8>>, usize, Option<usize>, bool);

    /// Every record of `input` split into pieces at `cuts`, with what the parser knows of it.
    fn records_split(input: &[u8], cuts: &[usize], max_field: usize) -> Vec<Seen> {
        let mut out = Vec::new();
        let mut sink = |r: RawRecord<'_>| {
            out.push((
                r.line,
                r.iter().map(<[u8]>::to_vec).collect(),
                r.field_count,
                r.overflow,
                r.unclosed_quote,
            ));
            Flow::Continue
        };
        let mut p = Parser::new(b';', max_field);
        let mut at = 0;
        for &cut in cuts.iter().chain([&input.len()]) {
            let cut = cut.clamp(at, input.len());
            p.feed(&input[at..cut], &mut sink);
            at = cut;
        }
        p.finish(&mut sink);
        out
    }

    proptest::proptest! {
        /// Records handed out as slices of one chunk equal those copied across chunks.
        #[test]
        fn slices_and_copies_agree(
            input in "[ab\";\r\n \t]{0,40}",
            cuts in proptest::collection::vec(0usize..40, 0..4),
            max_field in 1usize..6,
        ) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            let whole = records_split(input.as_bytes(), &[], max_field);
            let bytewise: Vec<usize> = (1..input.len()).collect();
            proptest::prop_assert_eq!(&records_split(input.as_bytes(), &cuts, max_field), &whole);
            proptest::prop_assert_eq!(&records_split(input.as_bytes(), &bytewise, max_field), &whole);
        }
    }

    #[test]
    fn long_fields_are_cut_and_flagged() {
        let mut p = Parser::new(b',', 4);
        let mut seen = Vec::new();
        let mut sink = |r: RawRecord<'_>| {
            seen.push((r.get(0).unwrap().to_vec(), r.get(1).unwrap().to_vec(), r.overflow));
            Flow::Continue
        };
        p.feed(b"abcdefgh,xy\n", &mut sink);
        assert_eq!(seen, vec![(b"abcd".to_vec(), b"xy".to_vec(), Some(0))]);
    }

    #[test]
    fn stopping_ignores_the_rest() {
        let mut p = Parser::new(b',', 64);
        let mut n = 0;
        let mut sink = |_: RawRecord<'_>| {
            n += 1;
            Flow::Stop
        };
        assert_eq!(p.feed(b"a\nb\nc\n", &mut sink), Flow::Stop);
        assert_eq!(p.finish(&mut sink), Flow::Stop);
        assert_eq!(n, 1);
    }
}
