//! `LeadQuery`: filters, search, sort and paging of a user's leads, with one query-string form
//! parsed and printed here and used by REST, the browser and Python (DESIGN §5).
//!
//! ```
//! use leads_core::LeadQuery;
//!
//! let q: LeadQuery = "?status=Open,Contacted&source=Website&q=acme&sort=-created_at,lead_name&limit=50&page=2"
//!     .parse()?;
//! assert_eq!(q.status, ["Open", "Contacted"]);
//! assert_eq!(q.offset, 50);
//! // Printing gives the canonical form, which parses back to the same query.
//! assert_eq!(q.to_string(), "status=Open,Contacted&source=Website&q=acme&sort=-created_at,lead_name&limit=50&offset=50");
//! assert_eq!(q.to_string().parse::<LeadQuery>()?, q);
//! # Ok::<(), leads_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::model::InterestLevel;
use crate::model::Timestamp;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 1000;
/// Largest offset (2^53: every offset is exact as a JavaScript number and a PostgreSQL bigint).
pub const MAX_OFFSET: u64 = 1 << 53;

/// What leads can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// When the lead was first stored.
    CreatedAt,
    /// The lead's own identifier.
    LeadId,
    /// The lead's name.
    LeadName,
    /// The source.
    Source,
    /// Interest level, in its meaning's order: Low < Medium < High.
    InterestLevel,
    /// The status.
    Status,
    /// The salesperson; unassigned leads come after every name.
    Salesperson,
}

impl SortKey {
    /// Every key, in the order of the docs.
    pub const ALL: [SortKey; 7] = [
        SortKey::CreatedAt,
        SortKey::LeadId,
        SortKey::LeadName,
        SortKey::Source,
        SortKey::InterestLevel,
        SortKey::Status,
        SortKey::Salesperson,
    ];

    /// The key's name in the query string and in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::CreatedAt => "created_at",
            SortKey::LeadId => "lead_id",
            SortKey::LeadName => "lead_name",
            SortKey::Source => "source",
            SortKey::InterestLevel => "interest_level",
            SortKey::Status => "status",
            SortKey::Salesperson => "salesperson",
        }
    }
}

/// One sort key and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The key.
    pub key: SortKey,
    /// Largest first.
    pub descending: bool,
}

impl Sort {
    /// Ascending by `key`.
    #[must_use]
    pub fn asc(key: SortKey) -> Self {
        Sort { key, descending: false }
    }

    /// Descending by `key`.
    #[must_use]
    pub fn desc(key: SortKey) -> Self {
        Sort { key, descending: true }
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", if self.descending { "-" } else { "" }, self.key.as_str())
    }
}

/// A query over one user's leads. `LeadQuery::default()` is the first page of 50, newest first.
///
/// Filters within one parameter are alternatives (`status=Open,Won`: either); different
/// parameters must all hold. Text filters compare case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LeadQuery {
    /// Sources to keep (case-insensitive); empty keeps all.
    pub source: Vec<String>,
    /// Statuses to keep (case-insensitive); empty keeps all.
    pub status: Vec<String>,
    /// Interest levels to keep; empty keeps all.
    pub interest_level: Vec<InterestLevel>,
    /// Salespeople to keep (case-insensitive); with `unassigned`, leads without one too.
    pub salesperson: Vec<String>,
    /// Keep unassigned leads (`salesperson=unassigned` in the query string).
    pub unassigned: bool,
    /// Case-insensitive substring of lead_id, lead_name or contact_information.
    pub q: Option<String>,
    /// Only leads created at or after this time.
    pub created_after: Option<Timestamp>,
    /// Only leads created before this time.
    pub created_before: Option<Timestamp>,
    /// Sort keys, most significant first; empty means newest first (`-created_at`). The lead's
    /// `id` always breaks ties.
    pub sort: Vec<Sort>,
    /// Page size, 1 to 1000; `None` means 50.
    pub limit: Option<u32>,
    /// Leads to skip (`offset`, or `page` × `limit`). Not with `cursor`.
    pub offset: u64,
    /// Continue after the last lead of a previous page (its `next_cursor`).
    pub cursor: Option<String>,
    /// Also count every matching lead (`total=true`).
    pub total: bool,
}

fn invalid(parameter: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidQuery { parameter: parameter.into(), message: message.into() })
}

/// Query-string parameters, for messages.
const PARAMETERS: &str = "source, status, interest_level, salesperson, q, created_after, created_before, sort, \
                          limit, offset, page, cursor, total";

impl LeadQuery {
    /// The sort in force: the given keys, or `-created_at`.
    #[must_use]
    pub fn effective_sort(&self) -> Vec<Sort> {
        if self.sort.is_empty() { vec![Sort::desc(SortKey::CreatedAt)] } else { self.sort.clone() }
    }

    /// The same query continuing after a page: `cursor` is that page's `next_cursor`; the
    /// offset (or page) is dropped, as a cursor replaces it.
    #[must_use]
    pub fn with_cursor(&self, cursor: &str) -> Self {
        LeadQuery { offset: 0, cursor: Some(cursor.to_owned()), ..self.clone() }
    }

    /// The page size in force.
    #[must_use]
    pub fn effective_limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    /// Parses the query-string form (a leading `?` is allowed; values percent-encoded, `+` is a
    /// space; commas separate alternatives, `%2C` is a comma inside a value).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] naming the parameter: unknown or repeated parameters, empty
    /// or bad values, `limit` out of 1–1000, `page` with `offset`, `cursor` with either.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.strip_prefix('?').unwrap_or(text);
        let mut q = LeadQuery::default();
        let mut seen: Vec<String> = Vec::new();
        let mut page: Option<u64> = None;
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(raw_name).map_err(|m| invalid(raw_name, m))?;
            if seen.contains(&name) {
                return Err(invalid(&name, "is given twice; list alternatives with commas instead"));
            }
            seen.push(name.clone());
            let values = || -> Result<Vec<String>> {
                let values = raw_value.split(',').map(decode).collect::<Result<Vec<_>, _>>();
                let values: Vec<String> =
                    values.map_err(|m| invalid(&name, m))?.into_iter().map(|v| v.trim().to_owned()).collect();
                if values.iter().any(String::is_empty) {
                    return Err(invalid(&name, "has an empty value"));
                }
                Ok(values)
            };
            let single = || -> Result<String> {
                let v = decode(raw_value).map_err(|m| invalid(&name, m))?;
                if v.trim().is_empty() { Err(invalid(&name, "has an empty value")) } else { Ok(v) }
            };
            let number = |what: &str| -> Result<u64> {
                let v = single()?;
                v.trim().parse::<u64>().map_err(|_| invalid(&name, format!("{v:?} is not {what}")))
            };
            match name.as_str() {
                "source" => q.source = values()?,
                "status" => q.status = values()?,
                "interest_level" => {
                    for v in values()? {
                        let level = InterestLevel::parse(&v, true)
                            .ok_or_else(|| invalid(&name, format!("{v:?} is not High, Medium or Low")))?;
                        if !q.interest_level.contains(&level) {
                            q.interest_level.push(level);
                        }
                    }
                }
                "salesperson" => {
                    for v in values()? {
                        if v.eq_ignore_ascii_case("unassigned") {
                            q.unassigned = true;
                        } else {
                            q.salesperson.push(v);
                        }
                    }
                }
                "q" => q.q = Some(single()?),
                "created_after" | "created_before" => {
                    let v = single()?;
                    let t = v.trim().parse::<Timestamp>().map_err(|e| invalid(&name, e.to_string()))?;
                    if name == "created_after" {
                        q.created_after = Some(t)
                    } else {
                        q.created_before = Some(t)
                    }
                }
                "sort" => {
                    for v in values()? {
                        let (descending, key) = match v.strip_prefix('-') {
                            Some(rest) => (true, rest),
                            None => (false, v.strip_prefix('+').unwrap_or(&v)),
                        };
                        let key = SortKey::ALL.into_iter().find(|k| k.as_str() == key).ok_or_else(|| {
                            let keys: Vec<&str> = SortKey::ALL.iter().map(|k| k.as_str()).collect();
                            invalid(&name, format!("{key:?} is not one of {}", keys.join(", ")))
                        })?;
                        if q.sort.iter().any(|s| s.key == key) {
                            return Err(invalid(&name, format!("{} is listed twice", key.as_str())));
                        }
                        q.sort.push(Sort { key, descending });
                    }
                }
                "limit" => {
                    let n = number("a number")?;
                    if !(1..=u64::from(MAX_LIMIT)).contains(&n) {
                        return Err(invalid(&name, format!("must be between 1 and {MAX_LIMIT} (got {n})")));
                    }
                    q.limit = Some(u32::try_from(n).unwrap_or(MAX_LIMIT));
                }
                "offset" => {
                    q.offset = number("a number")?;
                    q.check_offset("offset")?;
                }
                "page" => {
                    let n = number("a page number")?;
                    if n == 0 {
                        return Err(invalid(&name, "pages start at 1"));
                    }
                    page = Some(n);
                }
                "cursor" => q.cursor = Some(single()?),
                "total" => {
                    q.total = match single()?.as_str() {
                        "true" | "1" | "exact" => true,
                        "false" | "0" => false,
                        v => return Err(invalid(&name, format!("{v:?} is not true or false"))),
                    }
                }
                _ => {
                    return Err(invalid(
                        &name,
                        format!("is not a lead query parameter (known: {PARAMETERS})"),
                    ));
                }
            }
        }
        if let Some(page) = page {
            if seen.iter().any(|n| n == "offset") {
                return Err(invalid("page", "give either page or offset, not both"));
            }
            q.offset = (page - 1).saturating_mul(u64::from(q.effective_limit()));
            q.check_offset("page")?;
        }
        if q.cursor.is_some() && (page.is_some() || seen.iter().any(|n| n == "offset")) {
            return Err(invalid("cursor", "a cursor continues a walk; give it without offset or page"));
        }
        Ok(q)
    }

    /// Refuses an offset above [`MAX_OFFSET`] (stores call it too, for queries built in code).
    pub(crate) fn check_offset(&self, parameter: &str) -> Result<()> {
        if self.offset > MAX_OFFSET {
            return Err(invalid(parameter, format!("reaches past the largest offset, {MAX_OFFSET}")));
        }
        Ok(())
    }

    /// Whether any filter is set (a query without filters matches every lead).
    #[must_use]
    pub fn has_filters(&self) -> bool {
        !(self.source.is_empty()
            && self.status.is_empty()
            && self.interest_level.is_empty()
            && self.salesperson.is_empty()
            && !self.unassigned
            && self.q.is_none()
            && self.created_after.is_none()
            && self.created_before.is_none())
    }

    /// The same filters, without sort, paging or total.
    #[must_use]
    pub fn filters(&self) -> LeadQuery {
        LeadQuery { sort: Vec::new(), limit: None, offset: 0, cursor: None, total: false, ..self.clone() }
    }

    /// The query-string form of [`filters`](Self::filters).
    #[must_use]
    pub fn filters_only(&self) -> String {
        self.filters().to_string()
    }

    /// The canonical query string of the filters and sort only: what a cursor is tied to.
    pub(crate) fn fingerprint(&self) -> String {
        let mut only = self.clone();
        only.sort = self.effective_sort();
        only.limit = None;
        only.offset = 0;
        only.cursor = None;
        only.total = false;
        only.to_string()
    }
}

impl FromStr for LeadQuery {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        LeadQuery::parse(s)
    }
}

impl fmt::Display for LeadQuery {
    /// The canonical query string (no leading `?`): only what differs from the defaults.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let list = |name: &str, values: &mut dyn Iterator<Item = String>| {
            let joined: Vec<String> = values.map(|v| encode(&v)).collect();
            (!joined.is_empty()).then(|| format!("{name}={}", joined.join(",")))
        };
        parts.extend(list("status", &mut self.status.iter().cloned()));
        parts.extend(list("source", &mut self.source.iter().cloned()));
        parts.extend(list("interest_level", &mut self.interest_level.iter().map(|l| l.as_str().to_owned())));
        let unassigned = self.unassigned.then(|| "unassigned".to_owned());
        parts.extend(list("salesperson", &mut self.salesperson.iter().cloned().chain(unassigned)));
        if let Some(q) = &self.q {
            parts.push(format!("q={}", encode(q)));
        }
        if let Some(t) = self.created_after {
            parts.push(format!("created_after={t}"));
        }
        if let Some(t) = self.created_before {
            parts.push(format!("created_before={t}"));
        }
        parts.extend(list("sort", &mut self.sort.iter().map(ToString::to_string)));
        if let Some(limit) = self.limit {
            parts.push(format!("limit={limit}"));
        }
        if self.offset > 0 {
            parts.push(format!("offset={}", self.offset));
        }
        if let Some(c) = &self.cursor {
            parts.push(format!("cursor={}", encode(c)));
        }
        if self.total {
            parts.push("total=true".into());
        }
        f.write_str(&parts.join("&"))
    }
}

/// What a value keeps unescaped in the query string: letters, digits and `-._~` (RFC 3986's
/// unreserved characters); everything else is %-escaped.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a value for the query string.
fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Percent-decodes (and `+` → space); every `%` must start an escape of two hex digits, and the
/// result must be UTF-8.
fn decode(value: &str) -> std::result::Result<String, String> {
    let bytes = value.as_bytes();
    // percent-encoding passes a malformed escape through as it is: here it is an error.
    let malformed = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%' && !bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return Err(format!("{value:?} has a bad %-escape"));
    }
    percent_decode_str(&value.replace('+', " "))
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| format!("{value:?} is not UTF-8 once decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_cursor_continues_the_same_query() {
        let q = LeadQuery::parse("status=Open&sort=lead_id&limit=5&page=3").unwrap();
        let next = q.with_cursor("abc");
        assert_eq!((next.offset, next.cursor.as_deref()), (0, Some("abc")));
        assert_eq!((&next.status, &next.sort, next.limit), (&q.status, &q.sort, q.limit));
        assert_eq!(LeadQuery::parse(&next.to_string()).unwrap().cursor.as_deref(), Some("abc"));
    }

    fn err(text: &str) -> (String, String) {
        match LeadQuery::parse(text).unwrap_err().into_kind() {
            ErrorKind::InvalidQuery { parameter, message } => (parameter, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_every_parameter() {
        let q = LeadQuery::parse(
            "source=Trade%20Show%2C%20Hall%202,Web&status=open&interest_level=hot,Low&salesperson=Dana,unassigned\
             &q=acme+corp&created_after=2026-01-01&created_before=2026-02-01T00:00:00Z&sort=-interest_level,lead_name\
             &limit=20&page=3&total=true",
        )
        .unwrap();
        assert_eq!(q.source, ["Trade Show, Hall 2", "Web"]);
        assert_eq!(q.interest_level, [InterestLevel::High, InterestLevel::Low]);
        assert_eq!((q.salesperson.as_slice(), q.unassigned), (&["Dana".to_owned()][..], true));
        assert_eq!(q.q.as_deref(), Some("acme corp"));
        assert_eq!(q.sort, [Sort::desc(SortKey::InterestLevel), Sort::asc(SortKey::LeadName)]);
        assert_eq!((q.limit, q.offset, q.total), (Some(20), 40, true));
        assert_eq!(q.to_string().parse::<LeadQuery>().unwrap(), q);
        assert_eq!(LeadQuery::parse("").unwrap(), LeadQuery::default());
        assert_eq!(LeadQuery::default().to_string(), "");
    }

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        // Anything a value may hold, `,` `&` `=` `%` `+` and non-ASCII included, but not blank
        // at either end (values are trimmed) and not the `unassigned` keyword.
        "[a-zA-Z0-9 ,&=%+?#/éü中-]{0,12}"
            .prop_map(|s| format!("x{s}y"))
            .prop_filter("keyword", |s| !s.eq_ignore_ascii_case("unassigned"))
    }

    proptest::proptest! {
        #[test]
        fn printing_then_parsing_gives_the_same_query(
            source in proptest::collection::vec(text(), 0..3),
            status in proptest::collection::vec(text(), 0..3),
            salesperson in proptest::collection::vec(text(), 0..3),
            unassigned: bool,
            q in proptest::option::of(text()),
            levels in proptest::sample::subsequence(vec![InterestLevel::High, InterestLevel::Low, InterestLevel::Medium], 0..3),
            after in proptest::option::of(0i64..4_000_000_000_000_000),
            sort in proptest::sample::subsequence(SortKey::ALL.to_vec(), 0..4),
            desc: bool,
            limit in proptest::option::of(1u32..=1000),
            offset in 0u64..100_000,
            total: bool,
        ) {
            let query = LeadQuery {
                source, status, salesperson, unassigned, q,
                interest_level: levels,
                created_after: after.map(Timestamp::from_micros),
                created_before: None,
                sort: sort.into_iter().map(|key| Sort { key, descending: desc }).collect(),
                limit, offset, cursor: None, total,
            };
            let printed = query.to_string();
            proptest::prop_assert_eq!(LeadQuery::parse(&printed).unwrap(), query, "{}", printed);
        }
    }

    #[test]
    fn bad_parameters_name_themselves() {
        assert_eq!(err("colour=red").0, "colour");
        assert_eq!(err("status=Open&status=Won").0, "status");
        assert_eq!(err("status=Open,,Won").0, "status");
        assert_eq!(err("interest_level=Lukewarm").0, "interest_level");
        assert_eq!(err("sort=price").0, "sort");
        assert_eq!(err("sort=lead_id,-lead_id").0, "sort");
        assert_eq!(err("limit=0").0, "limit");
        assert_eq!(err("limit=1001").0, "limit");
        assert_eq!(err("limit=ten").0, "limit");
        assert_eq!(err("page=0").0, "page");
        for bad in ["q=%zz", "q=%4", "q=50%", "q=%+1", "q=%-1", "q=%ff"] {
            assert_eq!(err(bad).0, "q", "{bad}");
        }
        let q = LeadQuery::parse("q=Caf%C3%A9+%2B1%2C2%25").unwrap();
        assert_eq!(q.q.as_deref(), Some("Café +1,2%"));
        assert_eq!(q.to_string(), "q=Caf%C3%A9%20%2B1%2C2%25");
        assert_eq!(err("offset=9007199254740993").0, "offset");
        assert_eq!(err("offset=18446744073709551615").0, "offset");
        assert_eq!(err("page=9007199254740993&limit=1000").0, "page");
        assert_eq!(LeadQuery::parse("offset=9007199254740992").unwrap().offset, MAX_OFFSET);
        assert_eq!(err("page=2&offset=5").0, "page");
        assert_eq!(err("cursor=abc&page=2").0, "cursor");
        assert_eq!(err("created_after=yesterday").0, "created_after");
        assert_eq!(err("total=maybe").0, "total");
        assert_eq!(err("q=%ZZ").0, "q");
        assert_eq!(err("q=").0, "q");
    }
}
