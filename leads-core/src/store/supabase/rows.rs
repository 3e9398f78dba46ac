//! PostgREST's answers read as the store's types, as pure functions: rows, scalar RPC results,
//! `Content-Range` totals, error bodies.

use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, ErrorKind};
use crate::model::{InterestLevel, Issue, Lead, StoredLead, Timestamp, User, UserRecord};
use crate::store::{Job, JobCounts, JobKind, JobSpec, JobState, Salesperson};

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
    id: Uuid,
    user_uuid: Uuid,
    created_at: Timestamp,
    updated_at: Timestamp,
    lead_id: Option<String>,
    lead_name: Option<String>,
    contact_information: Option<String>,
    source: Option<String>,
    interest_level: Option<String>,
    status: Option<String>,
    salesperson: Option<String>,
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
    uuid: Uuid,
    #[serde(rename = "userName")]
    user_name: String,
    password: Option<String>,
    created_at: Timestamp,
}

impl UserRow {
    /// The user, without the password.
    pub(crate) fn into_user(self) -> User {
        User { uuid: self.uuid, username: self.user_name, created_at: self.created_at }
    }

    /// The user with the stored password (empty when the row has none).
    pub(crate) fn into_record(self) -> UserRecord {
        let password = self.password.clone().unwrap_or_default();
        UserRecord { user: self.into_user(), password }
    }
}

/// A row of `"Imports"`.
#[derive(Deserialize)]
pub(crate) struct JobRow {
    id: Uuid,
    kind: JobKind,
    state: JobState,
    created_at: Timestamp,
    actor: Uuid,
    file_name: Option<String>,
    bytes: u64,
    sha256: Option<String>,
    #[serde(default)]
    spec: JobSpec,
    inserted: u64,
    updated: u64,
    unchanged: u64,
    skipped: u64,
    deleted: u64,
    #[serde(default)]
    issues: Vec<Issue>,
    reverted_at: Option<Timestamp>,
}

impl From<JobRow> for Job {
    fn from(r: JobRow) -> Self {
        let JobRow { inserted, updated, unchanged, skipped, deleted, .. } = r;
        Job {
            id: r.id,
            kind: r.kind,
            state: r.state,
            created_at: r.created_at,
            actor: r.actor,
            file_name: r.file_name,
            bytes: r.bytes,
            sha256: r.sha256,
            spec: r.spec,
            counts: JobCounts { inserted, updated, unchanged, skipped, deleted },
            issues: r.issues,
            reverted_at: r.reverted_at,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct SalespersonRow {
    id: Uuid,
    name: String,
    active: bool,
    lead_count: u64,
    #[serde(default)]
    team_id: Option<Uuid>,
}

impl From<SalespersonRow> for Salesperson {
    fn from(r: SalespersonRow) -> Self {
        Salesperson { id: r.id, name: r.name, active: r.active, lead_count: r.lead_count, team_id: r.team_id }
    }
}

/// An answer's body as `T` (an [`ErrorKind::Http`] naming what came instead).
pub(crate) fn json<T: for<'de> Deserialize<'de>>(
    response: crate::store::HttpResponse,
) -> crate::error::Result<T> {
    serde_json::from_str(&response.body).map_err(|e| {
        ErrorKind::Http { message: format!("unexpected response ({e}): {:.200}", response.body) }.into()
    })
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
