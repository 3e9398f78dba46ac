//! A push RFC 4180 parser over UTF-8 bytes.
//!
//! Feed it chunks of any size; it calls back once per record with the record's fields and the
//! physical line the record starts on. It accepts CRLF, LF and CR line ends (also inside quoted
//! fields, where they count as lines), `""` escapes, and is lenient where spreadsheets are sloppy:
//! a quote inside an unquoted field is literal, text after a closing quote is kept, and blanks
//! before an opening quote are dropped. Lines that hold nothing are skipped.
//!
//! Memory is bounded by the longest record: a field stops growing at `max_field` bytes (the
//! record is flagged) and a record stops storing fields after [`MAX_FIELDS`].

/// Fields stored per record; later ones are counted but not kept.
pub(crate) const MAX_FIELDS: usize = 1024;

const SPECIAL_UNQUOTED: u8 = 1;
const SPECIAL_QUOTED: u8 = 2;

/// One parsed record, borrowed from the parser.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawRecord<'a> {
    /// Physical line (1-based) where the record starts.
    pub(crate) line: u64,
    buf: &'a [u8],
    ends: &'a [usize],
    /// Fields in the record, including any beyond [`MAX_FIELDS`].
    pub(crate) field_count: usize,
    /// The first field longer than `max_field` bytes (cut short in the record).
    pub(crate) overflow: Option<usize>,
    /// The record ends inside a quoted field at the end of input.
    pub(crate) unclosed_quote: bool,
}

impl<'a> RawRecord<'a> {
    /// A record over `buf` with field ends `ends` (relative to `buf`).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(crate) fn new(
        line: u64,
        buf: &'a [u8],
        ends: &'a [usize],
        field_count: usize,
        overflow: Option<usize>,
        unclosed_quote: bool,
    ) -> Self {
        RawRecord { line, buf, ends, field_count, overflow, unclosed_quote }
    }

    /// The field ends, relative to [`bytes`](Self::bytes).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(crate) fn ends(&self) -> &'a [usize] {
        self.ends
    }

    /// The stored fields (at most [`MAX_FIELDS`]).
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Where field `i` sits in [`bytes`](Self::bytes), or `None` past the stored fields.
    pub(crate) fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(start..end)
    }

    /// The bytes of field `i`, or `None` past the stored fields.
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        Some(&self.buf[self.range(i)?])
    }

    /// All stored bytes: the fields back to back, without separators.
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

pub(crate) struct Parser {
    delimiter: u8,
    class: [u8; 256],
    max_field: usize,
    state: State,
    /// Physical line at the current position.
    line: u64,
    /// The last byte was a CR, so an LF now does not start another line.
    prev_cr: bool,
    record_line: u64,
    buf: Vec<u8>,
    ends: Vec<usize>,
    field_start: usize,
    field_count: usize,
    overflow: Option<usize>,
}

impl Parser {
    pub(crate) fn new(delimiter: u8, max_field: usize) -> Self {
        let mut class = [0u8; 256];
        for b in [delimiter, b'"', b'\r', b'\n'] {
            class[usize::from(b)] |= SPECIAL_UNQUOTED;
        }
        for b in [b'"', b'\r', b'\n'] {
            class[usize::from(b)] |= SPECIAL_QUOTED;
        }
        Parser {
            delimiter,
            class,
            max_field,
            state: State::RecordStart,
            line: 1,
            prev_cr: false,
            record_line: 1,
            buf: Vec::new(),
            ends: Vec::new(),
            field_start: 0,
            field_count: 0,
            overflow: None,
        }
    }

    /// Parses a chunk, calling `sink` for every record it completes.
    pub(crate) fn feed<F>(&mut self, input: &[u8], sink: &mut F) -> Flow
    where
        F: FnMut(RawRecord<'_>) -> Flow,
    {
        let n = input.len();
        let mut i = 0;
        while i < n {
            match self.state {
                State::Stopped => return Flow::Stop,
                State::RecordStart => {
                    let b = input[i];
                    i += 1;
                    match b {
                        b'\n' => self.newline_lf(),
                        b'\r' => self.newline_cr(),
                        _ => {
                            self.prev_cr = false;
                            self.record_line = self.line;
                            self.begin_record();
                            i -= 1;
                            self.state = State::FieldStart;
                        }
                    }
                }
                State::FieldStart => {
                    if input[i] == b'"' {
                        i += 1;
                        self.state = State::Quoted;
                    } else {
                        self.state = State::Unquoted;
                    }
                }
                State::Unquoted => {
                    i = self.take_run(input, i, SPECIAL_UNQUOTED);
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
                        let so_far = &self.buf[self.field_start..];
                        if so_far.iter().all(|&c| c == b' ' || c == b'\t') {
                            self.buf.truncate(self.field_start);
                            self.state = State::Quoted;
                        } else {
                            self.push(b"\"");
                        }
                    } else {
                        self.newline(b);
                        if self.end_record(false, sink) == Flow::Stop {
                            return Flow::Stop;
                        }
                    }
                }
                State::Quoted => {
                    i = self.take_run(input, i, SPECIAL_QUOTED);
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
                            self.push(b"\n");
                        }
                        _ => {
                            self.newline_cr();
                            self.push(b"\r");
                        }
                    }
                }
                State::QuoteInQuoted => {
                    let b = input[i];
                    i += 1;
                    if b == b'"' {
                        self.push(b"\"");
                        self.state = State::Quoted;
                    } else if b == self.delimiter {
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if b == b'\n' || b == b'\r' {
                        self.newline(b);
                        if self.end_record(false, sink) == Flow::Stop {
                            return Flow::Stop;
                        }
                    } else {
                        // Text after the closing quote: keep it, as spreadsheets do.
                        self.push(&[b]);
                        self.state = State::Unquoted;
                    }
                }
            }
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
            State::Quoted => self.end_record(true, sink),
            State::FieldStart | State::Unquoted | State::QuoteInQuoted => self.end_record(false, sink),
        }
    }

    /// Keeps the text up to the next byte of class `mask`; returns where that byte is.
    fn take_run(&mut self, input: &[u8], i: usize, mask: u8) -> usize {
        let class = &self.class;
        let run =
            input[i..].iter().position(|&b| class[usize::from(b)] & mask != 0).unwrap_or(input.len() - i);
        if run > 0 {
            self.push(&input[i..i + run]);
            self.prev_cr = false;
        }
        i + run
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

    fn begin_record(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.field_start = 0;
        self.field_count = 0;
        self.overflow = None;
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.field_count >= MAX_FIELDS {
            return;
        }
        let room = self.max_field - (self.buf.len() - self.field_start);
        if bytes.len() <= room {
            self.buf.extend_from_slice(bytes);
        } else {
            self.buf.extend_from_slice(&bytes[..room]);
            self.overflow.get_or_insert(self.field_count);
        }
    }

    fn end_field(&mut self) {
        if self.field_count < MAX_FIELDS {
            self.ends.push(self.buf.len());
        }
        self.field_count += 1;
        self.field_start = self.buf.len();
    }

    fn end_record<F>(&mut self, unclosed_quote: bool, sink: &mut F) -> Flow
    where
        F: FnMut(RawRecord<'_>) -> Flow,
    {
        self.end_field();
        self.state = State::RecordStart;
        let record = RawRecord {
            line: self.record_line,
            buf: &self.buf,
            ends: &self.ends,
            field_count: self.field_count,
            overflow: self.overflow,
            unclosed_quote,
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
