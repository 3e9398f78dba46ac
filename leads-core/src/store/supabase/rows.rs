//! PostgREST's answers read as the store's types, as pure functions: rows, scalar RPC results,
//! `Content-Range` totals, error bodies.

use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, ErrorKind};
use crate::model::{InterestLevel, Lead, StoredLead, Timestamp};
use crate::store::Salesperson;

/// A non-2xx answer as [`ErrorKind::Backend`], with PostgREST's error fields when it sent them.
pub(crate) fn backend(status: u16, body: &str) -> Error {
    #[derive(Deserialize, Default)]
    struct Body {
        code: Option<String>,
        message: Option<String>,
        details: Option<String>,
        hint: Option<String>,
    }
    let b: Body = serde_json::from_str(body).unwrap_or_default();
    ErrorKind::Backend {
        status,
        code: b.code,
        message: b.message.unwrap_or_else(|| body.chars().take(500).collect()),
        details: b.details,
        hint: b.hint,
    }
    .into()
}

/// `Content-Range: 0-49/1234` → 1234.
pub(crate) fn content_range_total(content_range: Option<&str>) -> Option<u64> {
    content_range?.rsplit('/').next()?.parse().ok()
}

#[derive(Deserialize)]
pub(crate) struct LeadRow {
    pub(crate) id: Uuid,
    pub(crate) user_uuid: Uuid,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    pub(crate) lead_id: Option<String>,
    pub(crate) lead_name: Option<String>,
    pub(crate) contact_information: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) interest_level: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) salesperson: Option<String>,
}

impl LeadRow {
    pub(crate) fn into_stored(self) -> StoredLead {
        StoredLead {
            id: self.id,
            user_uuid: self.user_uuid,
            created_at: self.created_at,
            updated_at: self.updated_at,
            lead: Lead {
                lead_id: self.lead_id.unwrap_or_default(),
                lead_name: self.lead_name.unwrap_or_default(),
                contact_information: self.contact_information.unwrap_or_default(),
                source: self.source.unwrap_or_default(),
                interest_level: self
                    .interest_level
                    .as_deref()
                    .and_then(|l| InterestLevel::parse(l, true))
                    .unwrap_or(InterestLevel::Low),
                status: self.status.unwrap_or_default(),
                salesperson: self.salesperson.filter(|s| !s.is_empty()),
            },
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct UserRow {
    pub(crate) uuid: Uuid,
    #[serde(rename = "userName")]
    pub(crate) user_name: String,
    pub(crate) password: Option<String>,
    pub(crate) created_at: Timestamp,
}

#[derive(Deserialize)]
pub(crate) struct SalespersonRow {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) active: bool,
    pub(crate) lead_count: u64,
}

impl From<SalespersonRow> for Salesperson {
    fn from(r: SalespersonRow) -> Self {
        Salesperson { id: r.id, name: r.name, active: r.active, lead_count: r.lead_count }
    }
}

/// A scalar RPC result: PostgREST returns the value, some compatible servers `[{"fn": value}]`.
pub(crate) fn scalar(value: Value, function: &str) -> Value {
    match value {
        Value::Array(mut rows) if rows.len() == 1 => match rows.remove(0) {
            Value::Object(mut o) if o.contains_key(function) => o.remove(function).unwrap_or(Value::Null),
            other => other,
        },
        other => other,
    }
}
