//! Finding a record's special bytes 64 at a time: each 64-byte block of the input is turned
//! once into bit masks (delimiters, quotes, line ends, possible control characters), and the
//! parser's fast path walks their bits instead of testing the bytes again field by field.
//!
//! The masks are built 16 bytes at a time with vector compares: SSE2 on x86-64 (always there),
//! `simd128` on wasm32 when the build enables it, a byte loop elsewhere.

/// Bytes per block: one bit each in a `u64`.
const BLOCK: usize = 64;

/// The masks of one block: bit `i` for the block's byte `i`.
#[derive(Debug, Clone, Copy, Default)]
struct Masks {
    /// The delimiter, a quote, CR or LF: where an unquoted field ends.
    unquoted: u64,
    /// A quote, CR or LF: where a quoted field (with no escape or line end inside) ends.
    quoted: u64,
    /// A byte below 0x20 or 0xC2 (the lead byte of every C1 control in UTF-8): where a
    /// control character may be.
    controls: u64,
}

/// A 16-byte lane's bits: (quote, CR or LF; the delimiter; a byte below 0x20 or 0xC2).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)]
fn lane_bits(lane: &[u8; 16], delimiter: u8) -> (u16, u16, u16) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: `lane` is 16 readable bytes and `_mm_loadu_si128` has no alignment requirement;
    // the other intrinsics only need SSE2, which every x86-64 processor has.
    unsafe {
        let v = _mm_loadu_si128(lane.as_ptr().cast());
        let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let line = _mm_or_si128(eq(b'"'), _mm_or_si128(eq(b'\r'), eq(b'\n')));
        // Below 0x20: the unsigned minimum with 0x1F is the byte itself.
        let low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
        let bits = |m| _mm_movemask_epi8(m) as u16;
        (bits(line), bits(eq(delimiter)), bits(_mm_or_si128(low, eq(0xC2))))
    }
}

/// A 16-byte lane's bits: (quote, CR or LF; the delimiter; a byte below 0x20 or 0xC2).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn lane_bits(lane: &[u8; 16], delimiter: u8) -> (u16, u16, u16) {
    use std::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128_or};
    let l = lane;
    let v = u8x16(
        l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14], l[15],
    );
    let eq = |b: u8| u8x16_eq(v, u8x16_splat(b));
    let line = v128_or(eq(b'"'), v128_or(eq(b'\r'), eq(b'\n')));
    let controls = v128_or(u8x16_lt(v, u8x16_splat(0x20)), eq(0xC2));
    (u8x16_bitmask(line), u8x16_bitmask(eq(delimiter)), u8x16_bitmask(controls))
}

/// A 16-byte lane's bits: (quote, CR or LF; the delimiter; a byte below 0x20 or 0xC2).
#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline(always)]
fn lane_bits(lane: &[u8; 16], delimiter: u8) -> (u16, u16, u16) {
    let (mut line, mut delim, mut controls) = (0, 0, 0);
    for (i, &b) in lane.iter().enumerate() {
        line |= u16::from(b == b'"' || b == b'\r' || b == b'\n') << i;
        delim |= u16::from(b == delimiter) << i;
        controls |= u16::from(b < 0x20 || b == 0xC2) << i;
    }
    (line, delim, controls)
}

#[inline]
fn masks(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    let mut m = Masks::default();
    for (k, lane) in block.as_chunks::<16>().0.iter().enumerate() {
        let shift = 16 * k;
        let (line, delim, controls) = lane_bits(lane, delimiter);
        m.quoted |= u64::from(line) << shift;
        m.unquoted |= u64::from(line | delim) << shift;
        m.controls |= u64::from(controls) << shift;
    }
    m
}

/// Bits `from..` of a word (`from` < 64).
fn from_bit(from: usize) -> u64 {
    u64::MAX << from
}

/// A forward scan over one input: the masks of the block last looked at, and whether the
/// current record's bytes in blocks already left may hold a control character.
#[derive(Debug)]
pub(crate) struct Scan {
    delimiter: u8,
    /// Where the current block starts (`usize::MAX`: none yet).
    base: usize,
    masks: Masks,
    /// Where the current record starts.
    record: usize,
    /// Whether the record's bytes before `base` may hold a control character.
    controls_before: bool,
}

impl Scan {
    pub(crate) fn new(delimiter: u8) -> Self {
        Scan { delimiter, base: usize::MAX, masks: Masks::default(), record: 0, controls_before: false }
    }

    /// Starts a record at `start`.
    pub(crate) fn begin(&mut self, start: usize) {
        self.record = start;
        self.controls_before = false;
    }

    /// Makes the block hold `pos`, loading the one starting there if needed.
    #[inline(always)]
    fn reach(&mut self, input: &[u8], pos: usize) {
        if !(self.base <= pos && pos < self.base.saturating_add(BLOCK)) {
            self.load(input, pos);
        }
    }

    /// Loads the block starting at `pos`, first noting the record's control flag of the one
    /// it leaves.
    #[inline(never)]
    fn load(&mut self, input: &[u8], pos: usize) {
        if self.base != usize::MAX && self.base < pos && self.record < self.base.saturating_add(BLOCK) {
            let from = self.record.saturating_sub(self.base);
            self.controls_before |= self.masks.controls & from_bit(from) != 0;
        }
        self.base = pos;
        self.masks = match input.get(pos..pos + BLOCK).and_then(|b| <&[u8; BLOCK]>::try_from(b).ok()) {
            Some(block) => masks(block, self.delimiter),
            None => {
                // The input's last bytes, padded with a byte that is not special.
                let mut block = [b'a'; BLOCK];
                let tail = input.get(pos..).unwrap_or_default();
                block[..tail.len()].copy_from_slice(tail);
                masks(&block, self.delimiter)
            }
        };
    }

    /// Where the next byte at or after `pos` is that ends a field (`quoted`: a quote or line
    /// end; otherwise also the delimiter), or `None` at the end of the input.
    #[inline(always)]
    pub(crate) fn next(&mut self, input: &[u8], mut pos: usize, quoted: bool) -> Option<usize> {
        while pos < input.len() {
            self.reach(input, pos);
            let mask = if quoted { self.masks.quoted } else { self.masks.unquoted };
            let hits = mask & from_bit(pos - self.base);
            if hits != 0 {
                return Some(self.base + hits.trailing_zeros() as usize);
            }
            pos = self.base + BLOCK;
        }
        None
    }

    /// Whether the current record's bytes up to `end` may hold a control character: `end` is
    /// in the current block, or just past it (a line end after a closing quote that ended the
    /// block), where the bytes before it are all in the block.
    #[inline]
    pub(crate) fn controls_until(&self, end: usize) -> bool {
        let (from, to) = (self.record.saturating_sub(self.base), end - self.base);
        let below = if to >= BLOCK { u64::MAX } else { !from_bit(to) };
        self.controls_before || from < BLOCK && self.masks.controls & from_bit(from) & below != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn may_hold_controls(bytes: &[u8]) -> bool {
        bytes.iter().any(|&b| b < 0x20 || b == 0xC2)
    }

    /// Every special byte the scan finds is the first one a byte loop finds, across block
    /// edges and the input's end.
    #[test]
    fn next_is_the_first_special_byte() {
        let mut input = Vec::new();
        for i in 0..600u32 {
            input.push(match i % 37 {
                0 => b',',
                5 if i % 3 == 0 => b'"',
                11 if i % 5 == 0 => b'\n',
                17 if i % 7 == 0 => b'\r',
                _ => b'a' + (i % 26) as u8,
            });
        }
        for quoted in [false, true] {
            let special = |b: u8| b == b'"' || b == b'\r' || b == b'\n' || !quoted && b == b',';
            let mut scan = Scan::new(b',');
            for pos in 0..input.len() {
                let expected = input[pos..].iter().position(|&b| special(b)).map(|k| pos + k);
                assert_eq!(scan.next(&input, pos, quoted), expected, "pos {pos}, quoted {quoted}");
            }
        }
    }

    /// A record whose closing quote is a block's last byte, its line end the next block's
    /// first: the flag covers the block (no shift past the word).
    #[test]
    fn line_end_just_past_the_block() {
        for control in [false, true] {
            let mut input = vec![b'x'; 70];
            input[0] = b'"';
            input[64] = b'"';
            input[65] = b'\n';
            if control {
                input[10] = 0x01;
            }
            let mut scan = Scan::new(b',');
            scan.begin(0);
            // The block starts after the opening quote, so the closing one is its last byte.
            assert_eq!(scan.next(&input, 1, true), Some(64));
            assert_eq!(scan.controls_until(65), control);
        }
    }

    /// The control flag of a record spanning blocks is the byte test's.
    #[test]
    fn controls_over_blocks() {
        for at in [None, Some(0), Some(63), Some(64), Some(130)] {
            let mut input = vec![b'x'; 200];
            if let Some(at) = at {
                input[at + 3] = 0x07;
            }
            input[199] = b'\n';
            let mut scan = Scan::new(b',');
            scan.begin(3);
            let end = scan.next(&input, 3, false).unwrap();
            assert_eq!(end, 199);
            assert_eq!(scan.controls_until(end), may_hold_controls(&input[3..end]), "{at:?}");
        }
    }
}
