//! The validation report: which encoding and delimiter were used, how each column mapped, the
//! counts, and every issue with a stable code.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Field;
use crate::model::{Delimiter, Encoding};

/// A stable, snake_case identifier of a kind of problem. Codes are added, never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IssueCode {
    /// The file has no header, or a header and no data rows.
    EmptyFile,
    /// A required field has no column in the header.
    MissingColumn,
    /// Two columns name the same field equally well.
    DuplicateColumn,
    /// A column matches no field; it is ignored (a warning).
    UnknownColumn,
    /// A row has fewer fields than the header (or more, non-empty ones).
    FieldCount,
    /// A required value is empty.
    Required,
    /// A value is longer than its field allows.
    TooLong,
    /// A value is not one of the allowed choices (interest level, status).
    InvalidChoice,
    /// Contact information is not a list of emails and phone numbers.
    InvalidContact,
    /// The Lead ID already appeared on an earlier line.
    DuplicateLeadId,
    /// The bytes are not valid in the file's encoding.
    InvalidEncoding,
    /// A quoted field is never closed.
    UnclosedQuote,
    /// A limit (bytes, rows, field length) was exceeded.
    LimitExceeded,
    /// A quote inside an unquoted field, or text between a closing quote and the next
    /// delimiter: the value as read is shown, never silently changed.
    MalformedQuote,
    /// A value holds NUL or another control character (C0 but TAB, CR and LF; C1).
    InvalidCharacter,
    /// Records above the header were skipped (a title or notes): a warning naming their lines.
    PreambleSkipped,
}

impl IssueCode {
    /// Every code, in documentation order.
    pub const ALL: [IssueCode; 16] = [
        IssueCode::EmptyFile,
        IssueCode::MissingColumn,
        IssueCode::DuplicateColumn,
        IssueCode::UnknownColumn,
        IssueCode::FieldCount,
        IssueCode::Required,
        IssueCode::TooLong,
        IssueCode::InvalidChoice,
        IssueCode::InvalidContact,
        IssueCode::DuplicateLeadId,
        IssueCode::InvalidEncoding,
        IssueCode::UnclosedQuote,
        IssueCode::LimitExceeded,
        IssueCode::MalformedQuote,
        IssueCode::InvalidCharacter,
        IssueCode::PreambleSkipped,
    ];

    /// The code as it appears in JSON (`"invalid_choice"`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::EmptyFile => "empty_file",
            IssueCode::MissingColumn => "missing_column",
            IssueCode::DuplicateColumn => "duplicate_column",
            IssueCode::UnknownColumn => "unknown_column",
            IssueCode::FieldCount => "field_count",
            IssueCode::Required => "required",
            IssueCode::TooLong => "too_long",
            IssueCode::InvalidChoice => "invalid_choice",
            IssueCode::InvalidContact => "invalid_contact",
            IssueCode::DuplicateLeadId => "duplicate_lead_id",
            IssueCode::InvalidEncoding => "invalid_encoding",
            IssueCode::UnclosedQuote => "unclosed_quote",
            IssueCode::LimitExceeded => "limit_exceeded",
            IssueCode::MalformedQuote => "malformed_quote",
            IssueCode::InvalidCharacter => "invalid_character",
            IssueCode::PreambleSkipped => "preamble_skipped",
        }
    }

    /// How serious issues of this code are: only `unknown_column` is a warning.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            IssueCode::UnknownColumn | IssueCode::PreambleSkipped => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// One line of documentation for the code.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            IssueCode::EmptyFile => "The file has no header, or no data rows after it.",
            IssueCode::MissingColumn => "A required field has no column in the header.",
            IssueCode::DuplicateColumn => "Two columns name the same field.",
            IssueCode::UnknownColumn => "A column matches no field and is ignored (warning).",
            IssueCode::FieldCount => "A row has a different number of fields than the header.",
            IssueCode::Required => "A required value is empty.",
            IssueCode::TooLong => "A value is longer than its field allows.",
            IssueCode::InvalidChoice => "A value is not one of the allowed choices.",
            IssueCode::InvalidContact => "Contact information is not emails or phone numbers.",
            IssueCode::DuplicateLeadId => "The Lead ID already appeared on an earlier line.",
            IssueCode::InvalidEncoding => "The bytes are not valid in the file's encoding.",
            IssueCode::UnclosedQuote => "A quoted field is never closed.",
            IssueCode::LimitExceeded => "A limit (bytes, rows, field length) was exceeded.",
            IssueCode::MalformedQuote => {
                "A quote inside an unquoted field, or text after a closing quote; the value is shown as read."
            }
            IssueCode::InvalidCharacter => "A value holds NUL or another control character.",
            IssueCode::PreambleSkipped => "Records above the header were skipped (warning).",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Whether an issue makes its row (or the file) invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (or, for file-level issues, the whole file) is invalid.
    Error,
    /// Worth knowing; nothing is rejected because of it.
    Warning,
}

/// One problem found in a file, located by physical line, data-record index and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// 1-based physical line where the record starts (the header is line 1 in a plain file).
    pub line: Option<u64>,
    /// 1-based data-record index; `None` for file-level issues.
    pub record: Option<u64>,
    /// The header text of the column concerned.
    pub column: Option<String>,
    /// The field concerned.
    pub field: Option<Field>,
    /// The offending value as it appears in the file (cut at 256 characters).
    pub value: Option<String>,
    /// The stable code.
    pub code: IssueCode,
    /// Error or warning.
    pub severity: Severity,
    /// A sentence for a person.
    pub message: String,
    /// The values the message names, as data (`{"first_line": 14}`), so a frontend can word
    /// the message itself; the keys of each code are listed in the README.
    #[serde(default)]
    pub params: Params,
}

/// An issue's `params`: names to JSON values, in the order they were given; a JSON object
/// when serialised. Kept as a short list with static names (a report lists up to
/// `max_issues` of them, so each costs a few dozen bytes, not a map's node).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params(Vec<(std::borrow::Cow<'static, str>, serde_json::Value)>);

impl Params {
    /// No params.
    #[must_use]
    pub fn new() -> Self {
        Params(Vec::new())
    }

    /// The value of `name`, if given.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The names and values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// How many there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets `name` (replacing an earlier value).
    pub(crate) fn insert(&mut self, name: &'static str, value: serde_json::Value) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((std::borrow::Cow::Borrowed(name), value));
    }

    /// Sets every one of `more`.
    pub(crate) fn extend(&mut self, more: Params) {
        for (k, v) in more.0 {
            self.0.retain(|(old, _)| *old != k);
            self.0.push((k, v));
        }
    }
}

impl std::ops::Index<&str> for Params {
    type Output = serde_json::Value;

    /// The value of `name`, or JSON `null`.
    fn index(&self, name: &str) -> &serde_json::Value {
        const NULL: serde_json::Value = serde_json::Value::Null;
        self.get(name).unwrap_or(&NULL)
    }
}

impl Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k.as_ref(), v)))
    }
}

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        Ok(Params(map.into_iter().map(|(k, v)| (std::borrow::Cow::Owned(k), v)).collect()))
    }
}

/// `params!{"first_line" => 14, "lead_id" => id}`: an issue's [`Params`].
macro_rules! params {
    ($($key:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut params = $crate::model::Params::new();
        $(params.insert($key, serde_json::json!($value));)*
        params
    }};
}
pub(crate) use params;

impl Issue {
    /// An issue of `code` saying `message`, its severity the code's, in no place yet: the one
    /// constructor, which the setters below complete.
    pub(crate) fn new(code: IssueCode, message: impl Into<String>) -> Self {
        Issue {
            line: None,
            record: None,
            column: None,
            field: None,
            value: None,
            code,
            severity: code.severity(),
            message: message.into(),
            params: Params::new(),
        }
    }

    /// With the message's values as data.
    pub(crate) fn with_params(mut self, params: Params) -> Self {
        self.params = params;
        self
    }

    /// On `line` (of record `record`, `None` for the file).
    pub(crate) fn at(mut self, line: Option<u64>, record: Option<u64>) -> Self {
        (self.line, self.record) = (line, record);
        self
    }

    /// About `field`, in the column headed `column`.
    pub(crate) fn about(mut self, column: Option<String>, field: Option<Field>) -> Self {
        (self.column, self.field) = (column, field);
        self
    }

    /// Showing the offending `value`.
    pub(crate) fn with_value(mut self, value: Option<String>) -> Self {
        self.value = value;
        self
    }

    /// Whether the issue concerns the whole file rather than one row.
    #[must_use]
    pub fn is_file_level(&self) -> bool {
        self.record.is_none()
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{} [{}]", self.message, self.code)
    }
}

/// How a column's header was matched to a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The caller's `mapping` named the column's field (or, with no field, said to ignore it).
    Mapped,
    /// The header is the field's label exactly ("Lead ID").
    Exact,
    /// The header equals the label or key ignoring case, spaces, `_` and `-` ("lead_id").
    Normalized,
    /// The header is a known alias ("Email", "Owner") or one given in the options.
    Alias,
    /// The header is within a small edit distance of one field's label or alias
    /// ("Contact Infomation"); the column's `score` says how close.
    Fuzzy,
    /// No field: the column is ignored.
    Unknown,
}

impl MatchKind {
    /// The JSON name: `mapped`, `exact`, `normalized`, `alias`, `fuzzy` or `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Mapped => "mapped",
            MatchKind::Exact => "exact",
            MatchKind::Normalized => "normalized",
            MatchKind::Alias => "alias",
            MatchKind::Fuzzy => "fuzzy",
            MatchKind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for MatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One column of the file and the field it feeds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// 0-based position in the header.
    pub index: usize,
    /// The header text, as in the file (trimmed).
    pub header: String,
    /// The field the column feeds, if any.
    pub field: Option<Field>,
    /// How the header was matched.
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    /// How close a `fuzzy` match is, from 0 to 1 (two decimals); absent for other matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// A column that may be the one a missing field is in, for a mapping step to offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// 0-based position of the column in the header.
    pub index: usize,
    /// The column's header text.
    pub header: String,
    /// How close the header is to the field's label or one of its aliases, from 0 to 1 (two
    /// decimals).
    pub score: f64,
}

/// The outcome of validating a file. Its JSON form is the canonical report of the test vectors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The encoding the file was decoded with.
    pub encoding: Encoding,
    /// The field delimiter used.
    pub delimiter: Delimiter,
    /// Every column of the header, in order.
    pub columns: Vec<Column>,
    /// For each required field without a column, the columns most like it, best first (at
    /// most three; absent when every required field has a column).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suggestions: BTreeMap<Field, Vec<Suggestion>>,
    /// Data records read (blank rows are not counted).
    pub rows: u64,
    /// Records without errors.
    pub valid: u64,
    /// Records with at least one error.
    pub invalid: u64,
    /// Issues in file order; file-level issues are always listed, row issues up to `max_issues`.
    pub issues: Vec<Issue>,
    /// Whether row issues were left out because of `max_issues`.
    pub issues_truncated: bool,
}

impl Report {
    /// Whether any issue of severity error was found (in a row or for the whole file).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.invalid > 0 || self.file_errors().next().is_some()
    }

    /// File-level errors: they mean no row may be stored, whatever the mode.
    pub fn file_errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.is_file_level() && i.severity == Severity::Error)
    }

    /// The canonical JSON form (compact, keys in the documented order).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serialises")
    }

    /// The canonical JSON form, indented for people.
    #[must_use]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }
}
