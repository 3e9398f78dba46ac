//! Keyset cursors: where a page ended, as the sort values of its last lead and its id, tied to
//! the query's filters and sort so a cursor cannot be reused with another query.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, ErrorKind, Result};
use crate::model::StoredLead;
use crate::query::{LeadQuery, Sort, SortKey};

/// One sort value of a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum KeyValue {
    /// `created_at` in microseconds, or an interest rank.
    Number(i64),
    /// A text field.
    Text(String),
    /// The salesperson: `None` sorts after every name (PostgreSQL's NULLS LAST).
    Missing(Option<()>),
}

/// A sort value borrowed from a lead, compared without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyRef<'a> {
    Number(i64),
    Text(&'a str),
    Missing,
}

impl<'a> KeyRef<'a> {
    fn of(lead: &'a StoredLead, key: SortKey) -> Self {
        let l = &lead.lead;
        match key {
            SortKey::CreatedAt => KeyRef::Number(lead.created_at.as_micros()),
            SortKey::LeadId => KeyRef::Text(&l.lead_id),
            SortKey::LeadName => KeyRef::Text(&l.lead_name),
            SortKey::Source => KeyRef::Text(&l.source),
            SortKey::InterestLevel => KeyRef::Number(i64::from(l.interest_level.rank())),
            SortKey::Status => KeyRef::Text(&l.status),
            SortKey::Salesperson => l.salesperson.as_deref().map_or(KeyRef::Missing, KeyRef::Text),
        }
    }

    fn cmp(self, other: KeyRef<'_>) -> Ordering {
        match (self, other) {
            (KeyRef::Number(a), KeyRef::Number(b)) => a.cmp(&b),
            (KeyRef::Text(a), KeyRef::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (KeyRef::Missing, KeyRef::Missing) => Ordering::Equal,
            (KeyRef::Missing, _) => Ordering::Greater,
            (_, KeyRef::Missing) => Ordering::Less,
            (KeyRef::Number(_), KeyRef::Text(_)) => Ordering::Less,
            (KeyRef::Text(_), KeyRef::Number(_)) => Ordering::Greater,
        }
    }
}

impl KeyValue {
    fn as_ref(&self) -> KeyRef<'_> {
        match self {
            KeyValue::Number(n) => KeyRef::Number(*n),
            KeyValue::Text(t) => KeyRef::Text(t),
            KeyValue::Missing(_) => KeyRef::Missing,
        }
    }

    /// Whether a lead could have this value for `key`: a time for `created_at`, a rank for
    /// `interest_level`, a text (or, for `salesperson`, none) for the others.
    fn fits(&self, key: SortKey) -> bool {
        match (key, self) {
            (SortKey::CreatedAt, KeyValue::Number(n)) => crate::model::Timestamp::fits_micros(*n),
            (SortKey::InterestLevel, KeyValue::Number(n)) => (0..=2).contains(n),
            (SortKey::Salesperson, KeyValue::Missing(_)) => true,
            (SortKey::CreatedAt | SortKey::InterestLevel, _) => false,
            (_, KeyValue::Text(_)) => true,
            _ => false,
        }
    }

    fn of(lead: &StoredLead, key: SortKey) -> KeyValue {
        match KeyRef::of(lead, key) {
            KeyRef::Number(n) => KeyValue::Number(n),
            KeyRef::Text(t) => KeyValue::Text(t.to_owned()),
            KeyRef::Missing => KeyValue::Missing(None),
        }
    }
}

/// Orders two leads by `sort`, then by id (ascending).
#[must_use]
pub fn compare(a: &StoredLead, b: &StoredLead, sort: &[Sort]) -> Ordering {
    for s in sort {
        let o = KeyRef::of(a, s.key).cmp(KeyRef::of(b, s.key));
        let o = if s.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.id.cmp(&b.id)
}

/// A decoded cursor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cursor {
    /// Hash of the query's filters and sort.
    #[serde(rename = "f")]
    fingerprint: String,
    /// Sort values of the last lead.
    #[serde(rename = "k")]
    keys: Vec<KeyValue>,
    /// Its id.
    #[serde(rename = "i")]
    id: Uuid,
}

/// FNV-1a, 64 bits: stable across platforms and releases.
fn fingerprint(query: &LeadQuery) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in query.fingerprint().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn bad_cursor(message: &str) -> Error {
    Error::new(ErrorKind::InvalidQuery { parameter: "cursor".into(), message: message.into() })
}

impl Cursor {
    /// The cursor after `last` for `query`.
    pub(crate) fn after(last: &StoredLead, query: &LeadQuery) -> Cursor {
        let keys = query.effective_sort().iter().map(|s| KeyValue::of(last, s.key)).collect();
        Cursor { fingerprint: fingerprint(query), keys, id: last.id }
    }

    pub(crate) fn encode(&self) -> String {
        B64.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes `query.cursor`, checking it belongs to this query's filters and sort.
    pub(crate) fn decode(query: &LeadQuery) -> Result<Option<Cursor>> {
        let Some(text) = &query.cursor else { return Ok(None) };
        let bytes = B64.decode(text.trim()).map_err(|_| bad_cursor("is not a cursor this library issued"))?;
        let cursor: Cursor =
            serde_json::from_slice(&bytes).map_err(|_| bad_cursor("is not a cursor this library issued"))?;
        let sort = query.effective_sort();
        if cursor.fingerprint != fingerprint(query) || cursor.keys.len() != sort.len() {
            return Err(bad_cursor(
                "belongs to a query with other filters or sort; start again without a cursor",
            ));
        }
        if !sort.iter().zip(&cursor.keys).all(|(s, value)| value.fits(s.key)) {
            return Err(bad_cursor("holds values that do not fit the sort; start again without a cursor"));
        }
        Ok(Some(cursor))
    }

    /// The sort values of the last lead, in sort order.
    // Read by SqliteStore and SupabaseStore: unused in a wasm build without the latter.
    #[cfg_attr(all(target_arch = "wasm32", not(feature = "supabase")), allow(dead_code))]
    pub(crate) fn keys(&self) -> &[KeyValue] {
        &self.keys
    }

    /// The id of the last lead.
    // Read by SqliteStore and SupabaseStore: unused in a wasm build without the latter.
    #[cfg_attr(all(target_arch = "wasm32", not(feature = "supabase")), allow(dead_code))]
    pub(crate) fn id(&self) -> Uuid {
        self.id
    }

    /// Whether `lead` comes after this cursor in `sort` order.
    pub(crate) fn is_before(&self, lead: &StoredLead, sort: &[Sort]) -> bool {
        for (s, value) in sort.iter().zip(&self.keys) {
            let o = KeyRef::of(lead, s.key).cmp(value.as_ref());
            let o = if s.descending { o.reverse() } else { o };
            match o {
                Ordering::Greater => return true,
                Ordering::Less => return false,
                Ordering::Equal => {}
            }
        }
        lead.id > self.id
    }
}
