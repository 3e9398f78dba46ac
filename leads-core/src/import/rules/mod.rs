//! The per-value rules of the import contract: contact information, choices and lengths.
//!
//! These are pure functions over trimmed `&str` values; the validator applies them per row and
//! the stores apply them when a lead is edited, so every path gives the same verdict.

pub(crate) mod patch;

use std::borrow::Cow;

use crate::error::Result;
use crate::import::options::ImportOptions;
use crate::model::{
    Field, InterestLevel, Issue, IssueCode, MAX_LEAD_ID_CHARS, MAX_LEAD_NAME_CHARS, MAX_SALESPERSON_CHARS,
    MAX_SOURCE_CHARS, Params, params,
};

/// Separators between several contacts in one cell.
const CONTACT_SEPARATORS: [char; 4] = [';', ',', '/', '|'];

/// Whether `s` is an email address `local@domain.tld`. Letters and digits may be non-ASCII
/// (internationalised addresses such as `zoë@bücher.de`); the top-level domain is letters only.
#[must_use]
pub fn is_email(s: &str) -> bool {
    email(s).is_some()
}

/// [`is_email`] in one pass, also telling whether the address has upper-case letters: the
/// local part is letters, digits and [`LOCAL_PUNCTUATION`] without a leading, trailing or
/// doubled dot, at most 64 bytes; the domain is at most 253 bytes of two or more labels of
/// letters, digits and inner `-`, each at most 63 bytes, the last one letters only, at least
/// two of them.
fn email(s: &str) -> Option<bool> {
    let mut at = 0;
    let mut upper = false;
    // The local part, up to the `@`: no leading, trailing or doubled dot (a leading one counts
    // as doubled).
    let mut prev_dot = true;
    loop {
        let (c, class) = next_char(s, &mut at)?;
        upper |= class & UPPER != 0;
        match c {
            '@' if !prev_dot => break,
            '.' if !prev_dot => prev_dot = true,
            _ if class & (ALNUM | PUNCT) != 0 => prev_dot = false,
            _ => return None,
        }
    }
    if at > 65 {
        return None;
    }
    // The domain: labels, the bytes and characters of the current one, whether it is letters
    // only, and the previous character.
    let domain_start = at;
    let (mut labels, mut label_start, mut label_chars, mut alpha, mut prev) = (1, at, 0, true, '.');
    while let Some((c, class)) = next_char(s, &mut at) {
        upper |= class & UPPER != 0;
        if c == '.' {
            if label_chars == 0 || prev == '-' {
                return None;
            }
            (labels, label_start, label_chars, alpha) = (labels + 1, at, 0, true);
        } else if class & ALNUM != 0 || c == '-' && label_chars > 0 {
            label_chars += 1;
            alpha &= class & ALPHA != 0;
            if at - label_start > 63 {
                return None;
            }
        } else {
            return None;
        }
        prev = c;
    }
    (at - domain_start <= 253 && labels >= 2 && label_chars >= 2 && alpha).then_some(upper)
}

/// The character at byte `at` of `s` and its classes, moving `at` past it.
#[inline(always)]
fn next_char(s: &str, at: &mut usize) -> Option<(char, u8)> {
    let &b = s.as_bytes().get(*at)?;
    if b < 0x80 {
        *at += 1;
        Some((char::from(b), ASCII_CLASSES[usize::from(b)]))
    } else {
        let c = s.get(*at..)?.chars().next()?;
        *at += c.len_utf8();
        Some((c, class(c)))
    }
}

/// Character classes of [`email`]: letters, letters and digits, [`LOCAL_PUNCTUATION`] but `.`,
/// upper case.
const ALPHA: u8 = 1;
const ALNUM: u8 = 2;
const PUNCT: u8 = 4;
const UPPER: u8 = 8;

/// The classes of each ASCII character.
const ASCII_CLASSES: [u8; 128] = {
    let mut table = [0; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphabetic() {
            table[i] |= ALPHA | ALNUM;
        }
        if c.is_ascii_digit() {
            table[i] |= ALNUM;
        }
        if c.is_ascii_uppercase() {
            table[i] |= UPPER;
        }
        i += 1;
    }
    let mut j = 0;
    while j < LOCAL_PUNCTUATION.len() {
        if LOCAL_PUNCTUATION[j] != b'.' {
            table[LOCAL_PUNCTUATION[j] as usize] |= PUNCT;
        }
        j += 1;
    }
    table
};

/// The classes of a character.
fn class(c: char) -> u8 {
    match ASCII_CLASSES.get(c as usize) {
        Some(&class) => class,
        None => {
            let alpha = is_alphabetic(c);
            let mut class = if alpha { ALPHA | ALNUM } else { 0 };
            if !alpha && c.is_numeric() {
                class |= ALNUM;
            }
            let upper = match c {
                'À'..='Þ' => c != '×',
                'ß'..='ÿ' => false,
                _ => c.is_uppercase(),
            };
            if upper {
                class |= UPPER;
            }
            class
        }
    }
}

/// [`char::is_alphabetic`], quickly for ASCII and Latin letters.
fn is_alphabetic(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7f}' | '×' | '÷' => false,
        'À'..='ɏ' => true,
        _ => c.is_alphabetic(),
    }
}

/// Punctuation allowed in the local part of an email address.
const LOCAL_PUNCTUATION: &[u8] = b"!#$%&'*+=?^_`{}~.-";

/// Trims whitespace as [`str::trim`] does, quickly when the ends are ASCII.
pub(crate) fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        // Non-ASCII (e.g. a no-break space) or a vertical tab, which `trim_ascii` keeps.
        (Some(&a), Some(&z)) if a >= 0x80 || z >= 0x80 || a == 0x0B || z == 0x0B => t.trim(),
        _ => t,
    }
}

/// Splits at the contact separators (all ASCII, so every split is on a character boundary).
fn contact_parts(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|b| matches!(b, b';' | b',' | b'/' | b'|')) {
            Some(i) => {
                rest = Some(&text[i + 1..]);
                Some(&text[..i])
            }
            None => rest.take(),
        }
    })
}

/// Whether `s` is a phone number: digits and `+ - . ( )` and spaces, 7 to 15 digits, a `+` only
/// in front, and optionally an extension (`x123`, `ext 123`, `ext. 123`, up to 6 digits).
#[must_use]
pub fn is_phone(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut digits = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'+' if i == 0 => {}
            b'-' | b'.' | b'(' | b')' | b' ' => {}
            b'x' | b'X' | b'e' | b'E' => return (7..=15).contains(&digits) && is_extension(&bytes[i..]),
            _ => return false,
        }
    }
    (7..=15).contains(&digits)
}

/// `x123`, `ext 123` or `ext. 123` (any case), 1 to 6 digits.
fn is_extension(rest: &[u8]) -> bool {
    let digits = if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"ext") {
        rest[3..].strip_prefix(b".").unwrap_or(&rest[3..])
    } else if rest[0].eq_ignore_ascii_case(&b'x') {
        &rest[1..]
    } else {
        return false;
    };
    let digits = digits.trim_ascii_start();
    (1..=6).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
}

/// Checks a contact cell: one or more emails or phones separated by `;` `,` `/` or `|`.
/// Returns the first part that is neither, or `Ok` with the value normalised (emails
/// lower-cased, everything else as given).
///
/// # Errors
/// The offending part, trimmed.
pub fn check_contact(value: &str) -> std::result::Result<Cow<'_, str>, &str> {
    let lower = scan_contact(value)?;
    Ok(if lower { Cow::Owned(lower_emails(value)) } else { Cow::Borrowed(value) })
}

/// [`check_contact`]'s verdict without the normalised value: whether some email address has
/// upper-case letters, or the offending part.
fn scan_contact(value: &str) -> std::result::Result<bool, &str> {
    let mut any = false;
    let mut lower = false;
    for part in contact_parts(value) {
        let part = trim(part);
        if part.is_empty() {
            continue;
        }
        any = true;
        if let Some(upper) = email(part) {
            lower |= upper;
        } else if !is_phone(part) {
            return Err(part);
        }
    }
    if any { Ok(lower) } else { Err(value) }
}

/// A contact cell with its email addresses lower-cased.
fn lower_emails(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        let end = rest.find(CONTACT_SEPARATORS).map_or(rest.len(), |i| i + 1);
        let (piece, tail) = rest.split_at(end);
        let body = piece.trim_end_matches(CONTACT_SEPARATORS);
        if is_email(body.trim()) {
            out.push_str(&body.to_lowercase());
            out.push_str(&piece[body.len()..]);
        } else {
            out.push_str(piece);
        }
        rest = tail;
    }
    out
}

/// Length limit of a field, in characters (`None` where there is none).
#[must_use]
pub(crate) fn max_chars(field: Field) -> Option<usize> {
    match field {
        Field::LeadId => Some(MAX_LEAD_ID_CHARS),
        Field::LeadName => Some(MAX_LEAD_NAME_CHARS),
        Field::Source => Some(MAX_SOURCE_CHARS),
        Field::Salesperson => Some(MAX_SALESPERSON_CHARS),
        Field::ContactInformation | Field::InterestLevel | Field::Status => None,
    }
}

/// A value that broke a rule: its code and a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) code: IssueCode,
    pub(crate) message: String,
    /// The message's values as data.
    pub(crate) params: Params,
}

impl Violation {
    /// The issue for `value` of `field` given outside a file (an edit, an API call): no line,
    /// the field's label as the column.
    pub(crate) fn issue(self, field: Field, value: &str) -> Issue {
        Issue::new(self.code, self.message)
            .with_params(self.params)
            .about(Some(field.label().to_owned()), Some(field))
            .with_value(Some(value.to_owned()))
    }
}

/// A checked value, borrowing from the input where nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Checked<'a> {
    Text(Cow<'a, str>),
    Interest(InterestLevel),
    /// Index into the status vocabulary.
    Status(usize),
    Empty,
}

/// What a value that passed its rule stands for, before anything is copied: the validator
/// keeps these per row and builds leads from them only when it keeps leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The value as given.
    Text,
    /// A contact cell whose email addresses are to be lower-cased.
    LowerEmails,
    Interest(InterestLevel),
    /// Index into the status vocabulary (32 bits keep a row's verdicts small).
    Status(u32),
    Empty,
}

impl Verdict {
    /// The checked value of `value`, which got this verdict.
    pub(crate) fn checked(self, value: &str) -> Checked<'_> {
        match self {
            Verdict::Text => Checked::Text(Cow::Borrowed(value)),
            Verdict::LowerEmails => Checked::Text(Cow::Owned(lower_emails(value))),
            Verdict::Interest(level) => Checked::Interest(level),
            Verdict::Status(i) => Checked::Status(i as usize),
            Verdict::Empty => Checked::Empty,
        }
    }
}

/// The rules of one import, compiled from its options.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    statuses: Vec<String>,
    /// Every accepted spelling, lower-cased, with the index of the status it stands for: the
    /// vocabulary, then its synonyms.
    folded: Vec<(String, u32)>,
    /// The folded statuses of at most 16 ASCII bytes, packed: (bytes, length, index).
    packed: Vec<(u128, usize, u32)>,
    synonyms: bool,
    status_message: String,
}

/// Up to 16 bytes of ASCII text, lower-cased, in one number; `None` for longer or non-ASCII
/// text.
fn pack_folded(value: &str) -> Option<u128> {
    let bytes = value.as_bytes();
    if bytes.len() > 16 || !bytes.is_ascii() {
        return None;
    }
    // Byte i in bits 8i.. (no 128-bit shifts: on wasm32 each is a call).
    let mut word = [0u8; 16];
    for (w, b) in word.iter_mut().zip(bytes) {
        *w = b.to_ascii_lowercase();
    }
    Some(u128::from_le_bytes(word))
}

impl Rules {
    pub(crate) fn new(options: &ImportOptions) -> Result<Self> {
        options.check()?;
        let statuses = options.status_vocabulary();
        let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut folded: Vec<(String, u32)> =
            statuses.iter().enumerate().map(|(i, s)| (s.to_lowercase(), index(i))).collect();
        if options.statuses.is_none() && options.status_synonyms {
            for (synonym, status) in crate::model::STATUS_SYNONYMS {
                if let Some(i) = statuses.iter().position(|s| s == status) {
                    folded.push((synonym.to_lowercase(), index(i)));
                }
            }
        }
        let packed = folded.iter().filter_map(|(s, i)| Some((pack_folded(s)?, s.len(), *i))).collect();
        let status_message = if options.statuses.is_none() {
            format!("Status must be one of {} (pass `statuses` to use your own)", join_or(&statuses))
        } else {
            format!("Status must be one of {}", join_or(&statuses))
        };
        Ok(Rules { statuses, folded, packed, synonyms: options.interest_synonyms, status_message })
    }

    pub(crate) fn statuses(&self) -> &[String] {
        &self.statuses
    }

    pub(crate) fn status_name(&self, index: usize) -> &str {
        &self.statuses[index]
    }

    /// The index of `value` in the vocabulary, case-insensitively.
    fn status(&self, value: &str) -> Option<u32> {
        if let Some(word) = pack_folded(value) {
            // Short ASCII (the usual case): compared with every short ASCII status at once.
            return self.packed.iter().find(|&&(w, len, _)| w == word && len == value.len()).map(|p| p.2);
        }
        let found = if value.is_ascii() {
            self.folded.iter().find(|(s, _)| s.len() == value.len() && s.eq_ignore_ascii_case(value))
        } else {
            let v = value.to_lowercase();
            self.folded.iter().find(|(s, _)| *s == v)
        };
        found.map(|(_, i)| *i)
    }

    /// Applies the field's rule to a trimmed value.
    pub(crate) fn check<'a>(
        &self,
        field: Field,
        value: &'a str,
    ) -> std::result::Result<Checked<'a>, Violation> {
        match self.verdict(field, value) {
            Ok(verdict) => Ok(verdict.checked(value)),
            Err(code) => Err(self.violation(field, value, code)),
        }
    }

    /// [`check`](Self::check)'s verdict alone, allocating nothing: the broken rule's code on
    /// failure.
    #[inline]
    pub(crate) fn verdict(&self, field: Field, value: &str) -> std::result::Result<Verdict, IssueCode> {
        if control_character(value).is_some() {
            return Err(IssueCode::InvalidCharacter);
        }
        self.verdict_without_controls(field, value)
    }

    /// [`verdict`](Self::verdict) for a value already known to hold no control character (its
    /// record passed [`may_hold_controls`](crate::import::parser::may_hold_controls)).
    #[inline]
    pub(crate) fn verdict_without_controls(
        &self,
        field: Field,
        value: &str,
    ) -> std::result::Result<Verdict, IssueCode> {
        if value.is_empty() {
            return if field.is_required() { Err(IssueCode::Required) } else { Ok(Verdict::Empty) };
        }
        match field {
            Field::InterestLevel => InterestLevel::parse(value, self.synonyms)
                .map(Verdict::Interest)
                .ok_or(IssueCode::InvalidChoice),
            Field::Status => self.status(value).map(Verdict::Status).ok_or(IssueCode::InvalidChoice),
            Field::ContactInformation => match scan_contact(value) {
                Ok(true) => Ok(Verdict::LowerEmails),
                Ok(false) => Ok(Verdict::Text),
                Err(_) => Err(IssueCode::InvalidContact),
            },
            Field::LeadId | Field::LeadName | Field::Source | Field::Salesperson => {
                match max_chars(field) {
                    // Byte length bounds the character count from above: skip counting short values.
                    Some(max) if value.len() > max && value.chars().count() > max => Err(IssueCode::TooLong),
                    _ => Ok(Verdict::Text),
                }
            }
        }
    }

    /// What broke: `code` from [`verdict`](Self::verdict) with a sentence for a person.
    pub(crate) fn violation(&self, field: Field, value: &str, code: IssueCode) -> Violation {
        let label = field.label();
        let (message, params) = match code {
            IssueCode::Required => (format!("{label} is required"), params! {"label" => label}),
            IssueCode::TooLong => {
                let (max, chars) = (max_chars(field).unwrap_or(0), value.chars().count());
                (
                    format!("{label} must be at most {max} characters (this one has {chars})"),
                    params! {"label" => label, "max" => max, "length" => chars},
                )
            }
            IssueCode::InvalidChoice if field == Field::Status => {
                (self.status_message.clone(), params! {"label" => label, "allowed" => self.statuses})
            }
            IssueCode::InvalidChoice => (
                "Interest Level must be High, Medium or Low".into(),
                params! {"label" => label, "allowed" => ["High", "Medium", "Low"]},
            ),
            IssueCode::InvalidCharacter => {
                let c = control_character(value).unwrap_or('\0');
                let name = if c == '\0' { " (NUL)" } else { "" };
                let code_point = format!("U+{:04X}", u32::from(c));
                (
                    format!(
                        "{label} holds the control character {code_point}{name}, which cannot be stored; remove it"
                    ),
                    params! {"label" => label, "code_point" => code_point},
                )
            }
            _ => {
                // A value with nothing of an email or a phone in it ("n/a", "none") is shown
                // whole, not cut at a separator into a meaningless part ("n").
                let attempt = value.bytes().any(|b| b == b'@' || b.is_ascii_digit());
                let part = if attempt { scan_contact(value).err().unwrap_or(value) } else { value };
                (
                    format!(
                        "Contact Information must be email addresses or phone numbers; {part:?} is neither"
                    ),
                    params! {"label" => label, "part" => part},
                )
            }
        };
        Violation { code, message, params }
    }
}

/// The first control character of `value` that no store keeps as text: C0 but TAB, LF and CR
/// (NUL above all: PostgreSQL text cannot hold it), and C1.
#[inline]
pub(crate) fn control_character(value: &str) -> Option<char> {
    // One pass over the bytes for the usual value, which has none (C1 is 0xC2 0x80..0x9F).
    if !value.bytes().any(|b| b < 0x20 || b == 0xC2) {
        return None;
    }
    value
        .chars()
        .find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{80}'..='\u{9F}').contains(&c))
}

/// `"a, b or c"`.
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_trim_is_str_trim() {
        let pieces = ["", " ", "\t", "\u{a0}", "\u{b}", "\u{3000}", "a", "é", "a b", "\r\n", "\u{1c}"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    /// The two-pass email check this module had before the one-pass [`email`], kept as an oracle.
    mod two_pass {
        use super::super::LOCAL_PUNCTUATION;

        pub(super) fn is_email(s: &str) -> bool {
            // `@` and `.` are ASCII, so byte positions split on character boundaries.
            let Some(at) = s.bytes().position(|b| b == b'@') else { return false };
            let (local, domain) = (&s[..at], &s[at + 1..]);
            if local.is_empty() || local.len() > 64 || domain.len() > 253 {
                return false;
            }
            if s.is_ascii() {
                ascii_local(local.as_bytes()) && ascii_domain(domain.as_bytes())
            } else {
                unicode_email(local, domain)
            }
        }

        fn ascii_local(local: &[u8]) -> bool {
            let mut prev_dot = true; // a leading dot counts as doubled
            for &b in local {
                if b == b'.' {
                    if prev_dot {
                        return false;
                    }
                    prev_dot = true;
                } else if b.is_ascii_alphanumeric() || LOCAL_PUNCTUATION.contains(&b) {
                    prev_dot = false;
                } else {
                    return false;
                }
            }
            !prev_dot
        }

        fn ascii_domain(domain: &[u8]) -> bool {
            let (mut labels, mut len, mut alpha, mut prev) = (1, 0usize, true, b'.');
            for &b in domain {
                if b == b'.' {
                    if len == 0 || prev == b'-' {
                        return false;
                    }
                    (labels, len, alpha) = (labels + 1, 0, true);
                } else if b.is_ascii_alphanumeric() || b == b'-' && len > 0 {
                    len += 1;
                    alpha &= b.is_ascii_alphabetic();
                    if len > 63 {
                        return false;
                    }
                } else {
                    return false;
                }
                prev = b;
            }
            labels >= 2 && len >= 2 && alpha
        }

        fn unicode_email(local: &str, domain: &str) -> bool {
            let local_ok = !local.starts_with('.') && !local.ends_with('.') && !local.contains("..");
            let local_chars = local
                .chars()
                .all(|c| c.is_alphanumeric() || c.is_ascii() && LOCAL_PUNCTUATION.contains(&(c as u8)));
            if !local_ok || !local_chars {
                return false;
            }
            let mut labels = 0;
            let mut last = "";
            for label in domain.split('.') {
                let chars_ok = label.chars().all(|c| c.is_alphanumeric() || c == '-');
                if label.is_empty()
                    || label.len() > 63
                    || label.starts_with('-')
                    || label.ends_with('-')
                    || !chars_ok
                {
                    return false;
                }
                labels += 1;
                last = label;
            }
            labels >= 2 && last.chars().nth(1).is_some() && last.chars().all(char::is_alphabetic)
        }
    }

    #[test]
    fn character_classes_agree_with_char() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let class = class(c);
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(class & ALPHA != 0, c.is_alphabetic(), "{c:?}");
            assert_eq!(class & ALNUM != 0, c.is_alphanumeric(), "{c:?}");
            assert_eq!(class & UPPER != 0, c.is_uppercase(), "{c:?}");
            let punct = c.is_ascii() && c != '.' && LOCAL_PUNCTUATION.contains(&(c as u8));
            assert_eq!(class & PUNCT != 0, punct, "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn one_pass_email_is_the_two_pass_one(s in "[aZ9.@_+é×Éß١Ⅻ-]{0,12}(\\.[a-zé]{0,3})?") {
            let upper = if s.is_ascii() { s.bytes().any(|b| b.is_ascii_uppercase()) } else { s.chars().any(char::is_uppercase) };
            let expected = two_pass::is_email(&s).then_some(upper);
            proptest::prop_assert_eq!(email(&s), expected, "{:?}", s);
        }

        #[test]
        fn long_parts(local in 60usize..70, label in 60usize..66, labels in 1usize..6) {
            let s = format!("{}@{}.com", "a".repeat(local), vec!["b".repeat(label); labels].join("."));
            proptest::prop_assert_eq!(is_email(&s), two_pass::is_email(&s), "{}", s);
            let s = format!("{}@{}.com", "é".repeat(local / 2), vec!["ü".repeat(label / 2); labels].join("."));
            proptest::prop_assert_eq!(is_email(&s), two_pass::is_email(&s), "{}", s);
        }
    }

    #[test]
    fn emails() {
        for ok in
            ["a@b.co", "Ann.Lee+crm@Example.COM", "x_y@sub.domain.org", "zoë@bücher.de", "Łukasz@example.pl"]
        {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "a@b",
            "@b.com",
            "a@.com",
            "a@b.c",
            "a..b@c.com",
            "a@b.c0m",
            "a b@c.com",
            "a@-b.com",
            "a«b@c.com",
            "a@b.c1",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        for ok in [
            "+1 (555) 010-0199",
            "555.0100.22",
            "0301234567",
            "+44 20 7946 0958 x12",
            "5550100199 ext. 7",
            "555 0100 EXT 123456",
            "5550100X9",
        ] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in [
            "123456",
            "1234567890123456",
            "555-CALL-NOW",
            "1+5550100199",
            "5550100 x",
            "5550100 x1234567",
            "5550100 x.12",
            "5550100 ex 12",
            "5550100 e12",
            "555 x 0100 12",
            "5550100 x12 x3",
            "",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn contact_lists_lowercase_emails_only() {
        assert_eq!(check_contact("ZOË@Bücher.de").unwrap(), "zoë@bücher.de");
        assert_eq!(
            check_contact("Ann@X.com; +1 555 010 0199"),
            Ok(Cow::Owned("ann@x.com; +1 555 010 0199".into()))
        );
        assert_eq!(check_contact("a@x.com / 5550100199 X12"), Ok(Cow::Borrowed("a@x.com / 5550100199 X12")));
        assert_eq!(check_contact("a@x.com, call me"), Err("call me"));
        assert_eq!(check_contact(";;"), Err(";;"));
        assert_eq!(check_contact("B@X.COM|"), Ok(Cow::Owned("b@x.com|".into())));
    }

    #[test]
    fn rules_apply_vocabularies_and_lengths() {
        let rules = Rules::new(&ImportOptions::default()).unwrap();
        assert_eq!(rules.check(Field::Status, "open"), Ok(Checked::Status(1)));
        assert_eq!(rules.check(Field::InterestLevel, "Warm"), Ok(Checked::Interest(InterestLevel::Medium)));
        assert_eq!(rules.check(Field::Status, "Pending").unwrap_err().code, IssueCode::InvalidChoice);
        assert_eq!(rules.check(Field::LeadId, &"x".repeat(129)).unwrap_err().code, IssueCode::TooLong);
        assert_eq!(
            rules.check(Field::LeadId, &"é".repeat(128)),
            Ok(Checked::Text(Cow::Owned("é".repeat(128))))
        );
        assert_eq!(rules.check(Field::Salesperson, ""), Ok(Checked::Empty));
        assert_eq!(rules.check(Field::Source, "").unwrap_err().code, IssueCode::Required);
    }

    /// Statuses match case-insensitively whatever their length or script: the packed fast
    /// path agrees with comparing `to_lowercase` forms.
    #[test]
    fn statuses_of_any_length_and_script() {
        let vocabulary =
            ["New", "Awaiting Signature Parsing", "Qualifié", "\u{212A}ey", "Ä", "x", "sixteen-letters!"];
        let options = ImportOptions {
            statuses: Some(vocabulary.iter().map(|s| s.to_string()).collect()),
            ..ImportOptions::default()
        };
        let rules = Rules::new(&options).unwrap();
        let values = [
            "new",
            "NEW",
            "New ",
            "ne",
            "newx",
            "awaiting signature back",
            "AWAITING SIGNATURE BACK",
            "awaiting signature bac",
            "qualifié",
            "QUALIFIÉ",
            "qualifie",
            "key",
            "KEY",
            "\u{212A}EY",
            "ä",
            "Ä",
            "X",
            "x\0",
            "",
            "sixteen-letters!",
            "SIXTEEN-LETTERS!",
            "sixteen-letters!!",
            "\u{3b1}",
        ];
        for value in values {
            let oracle = vocabulary.iter().position(|s| s.to_lowercase() == value.to_lowercase());
            assert_eq!(rules.status(value).map(|i| i as usize), oracle, "{value:?}");
        }
    }
}
