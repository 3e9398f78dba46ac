//! Encoding detection and streaming transcoding to UTF-8.
//!
//! Input bytes become UTF-8 bytes for the CSV parser. UTF-8 passes through untouched (it is
//! checked per record later); UTF-16 and Windows-1252 are transcoded. A chunk may end anywhere:
//! inside a code unit, between surrogates. Undecodable UTF-16 becomes the byte `0xFF`, which is
//! never valid UTF-8, so the record holding it is reported as `invalid_encoding`.

use crate::model::Encoding;

/// How many opening bytes decide the encoding (fewer when the input is shorter).
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// A byte that is never valid UTF-8: stands in for undecodable input.
const INVALID: u8 = 0xFF;

/// Decides the encoding from the opening bytes, returning it and the length of its BOM.
/// `complete` says whether `window` is the whole input.
pub(crate) fn detect(window: &[u8], complete: bool, forced: Option<Encoding>) -> (Encoding, usize) {
    let bom = if window.starts_with(b"\xEF\xBB\xBF") {
        Some((Encoding::Utf8, 3))
    } else if window.starts_with(b"\xFF\xFE") {
        Some((Encoding::Utf16Le, 2))
    } else if window.starts_with(b"\xFE\xFF") {
        Some((Encoding::Utf16Be, 2))
    } else {
        None
    };
    if let Some(forced) = forced {
        let bom_len = match bom {
            Some((enc, len)) if enc == forced => len,
            _ => 0,
        };
        return (forced, bom_len);
    }
    if let Some(found) = bom {
        return found;
    }
    // BOM-less UTF-16: a CSV opens with an ASCII header, so every other byte is zero.
    if let [a, b, c, d, ..] = *window {
        if a != 0 && b == 0 && c != 0 && d == 0 {
            return (Encoding::Utf16Le, 0);
        }
        if a == 0 && b != 0 && c == 0 && d != 0 {
            return (Encoding::Utf16Be, 0);
        }
    }
    match std::str::from_utf8(window) {
        Ok(_) => (Encoding::Utf8, 0),
        // The window only cuts a character short: what it holds is valid.
        Err(e) if e.error_len().is_none() && !complete => (Encoding::Utf8, 0),
        Err(_) => (Encoding::Windows1252, 0),
    }
}

/// A streaming decoder to UTF-8.
#[derive(Debug)]
pub(crate) enum Decoder {
    Utf8,
    Utf16 { big_endian: bool, odd: Option<u8>, high: Option<u16> },
    Windows1252,
}

impl Decoder {
    pub(crate) fn new(encoding: Encoding) -> Self {
        match encoding {
            Encoding::Utf8 => Decoder::Utf8,
            Encoding::Utf16Le => Decoder::Utf16 { big_endian: false, odd: None, high: None },
            Encoding::Utf16Be => Decoder::Utf16 { big_endian: true, odd: None, high: None },
            Encoding::Windows1252 => Decoder::Windows1252,
        }
    }

    /// Decodes a chunk. UTF-8 input is returned as is; otherwise `out` is filled and returned.
    pub(crate) fn decode<'a>(&mut self, input: &'a [u8], out: &'a mut Vec<u8>) -> &'a [u8] {
        match self {
            Decoder::Utf8 => input,
            Decoder::Windows1252 => {
                out.clear();
                out.reserve(input.len() + input.len() / 2);
                for &b in input {
                    match b {
                        0..=0x7F => out.push(b),
                        // Undefined in Windows-1252: kept as the byte, which is not UTF-8, so
                        // the value holding it is an `invalid_encoding` issue at its line
                        // rather than an invisible control character.
                        0x81 | 0x8D | 0x8F | 0x90 | 0x9D => out.push(b),
                        _ => push_char(out, windows_1252(b)),
                    }
                }
                out
            }
            Decoder::Utf16 { big_endian, odd, high } => {
                out.clear();
                out.reserve(input.len());
                let mut rest = input;
                if let Some(first) = odd.take() {
                    match rest.split_first() {
                        Some((&second, tail)) => {
                            push_unit(out, high, unit(*big_endian, first, second));
                            rest = tail;
                        }
                        None => {
                            *odd = Some(first);
                            return out;
                        }
                    }
                }
                let mut pairs = rest.chunks_exact(2);
                for pair in &mut pairs {
                    push_unit(out, high, unit(*big_endian, pair[0], pair[1]));
                }
                if let [last] = *pairs.remainder() {
                    *odd = Some(last);
                }
                out
            }
        }
    }

    /// Flushes what a truncated input left pending.
    pub(crate) fn finish<'a>(&mut self, out: &'a mut Vec<u8>) -> &'a [u8] {
        out.clear();
        if let Decoder::Utf16 { odd, high, .. } = self
            && (odd.take().is_some() || high.take().is_some())
        {
            out.push(INVALID);
        }
        out
    }
}

fn unit(big_endian: bool, a: u8, b: u8) -> u16 {
    if big_endian { u16::from_be_bytes([a, b]) } else { u16::from_le_bytes([a, b]) }
}

fn push_unit(out: &mut Vec<u8>, high: &mut Option<u16>, u: u16) {
    if let Some(h) = high.take() {
        if (0xDC00..=0xDFFF).contains(&u) {
            let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
            push_char(out, char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            return;
        }
        out.push(INVALID);
    }
    if u < 0x80 {
        out.push(u as u8);
    } else if (0xD800..=0xDBFF).contains(&u) {
        *high = Some(u);
    } else if (0xDC00..=0xDFFF).contains(&u) {
        out.push(INVALID);
    } else {
        push_char(out, char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER));
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// The WHATWG mapping of a Windows-1252 byte ≥ 0x80.
fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    let code = if (0x80..0xA0).contains(&b) { HIGH[usize::from(b - 0x80)] } else { u16::from(b) };
    char::from_u32(u32::from(code)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(enc: Encoding, input: &[u8], piece: usize) -> Vec<u8> {
        let mut d = Decoder::new(enc);
        let mut all = Vec::new();
        let mut out = Vec::new();
        for chunk in input.chunks(piece.max(1)) {
            all.extend_from_slice(d.decode(chunk, &mut out));
        }
        all.extend_from_slice(d.finish(&mut out));
        all
    }

    #[test]
    fn detects_boms_utf8_and_falls_back_to_windows_1252() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b", true, None), (Encoding::Utf8, 3));
        assert_eq!(detect(b"\xFF\xFEa\0", true, None), (Encoding::Utf16Le, 2));
        assert_eq!(detect(b"\xFE\xFF\0a", true, None), (Encoding::Utf16Be, 2));
        assert_eq!(detect(b"a\0b\0", true, None), (Encoding::Utf16Le, 0));
        assert_eq!(detect("Zoë,b".as_bytes(), true, None), (Encoding::Utf8, 0));
        assert_eq!(detect(b"Zo\xEB,b", true, None), (Encoding::Windows1252, 0));
        // A window that ends inside a character is still UTF-8 unless it is the whole input.
        assert_eq!(detect(b"Zo\xC3", false, None), (Encoding::Utf8, 0));
        assert_eq!(detect(b"Zo\xC3", true, None), (Encoding::Windows1252, 0));
        assert_eq!(detect(b"\xEF\xBB\xBFa", true, Some(Encoding::Windows1252)), (Encoding::Windows1252, 0));
    }

    #[test]
    fn utf16_survives_any_split_including_surrogate_pairs() {
        let text = "Zoë 😀,€\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for piece in 1..8 {
            assert_eq!(decode_in_pieces(Encoding::Utf16Le, &le, piece), text.as_bytes());
            assert_eq!(decode_in_pieces(Encoding::Utf16Be, &be, piece), text.as_bytes());
        }
    }

    #[test]
    fn broken_utf16_becomes_invalid_utf8() {
        // A lone low surrogate, then an odd trailing byte.
        let out = decode_in_pieces(Encoding::Utf16Le, &[b'a', 0, 0x00, 0xDC, b'b'], 1);
        assert_eq!(out, [b'a', INVALID, INVALID]);
        assert!(std::str::from_utf8(&out).is_err());
    }

    #[test]
    fn windows_1252_maps_the_c1_range() {
        let out = decode_in_pieces(Encoding::Windows1252, b"\x80 caf\xE9 \x93x\x94", 3);
        assert_eq!(String::from_utf8(out).unwrap(), "€ café “x”");
    }

    #[test]
    fn undefined_windows_1252_bytes_stay_invalid() {
        for b in [0x81u8, 0x8D, 0x8F, 0x90, 0x9D] {
            let out = decode_in_pieces(Encoding::Windows1252, &[b'a', b, b'z'], 1);
            assert_eq!(out, [b'a', b, b'z']);
            assert!(std::str::from_utf8(&out).is_err());
        }
    }
}
