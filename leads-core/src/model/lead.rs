//! A lead: the seven business fields, normalised by the import rules.

use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::model::schema::InterestLevel;
use crate::model::time::Timestamp;

/// A validated lead, as a CSV row or an API call gives it (no store-assigned id yet).
///
/// JSON uses the seed's snake_case column names:
/// `{"lead_id":"L-1","lead_name":"Ann","contact_information":"ann@example.com",
///   "source":"Website","interest_level":"High","status":"Open","salesperson":null}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lead {
    /// The lead's identifier in the user's own system, unique per user.
    pub lead_id: String,
    /// The lead's name.
    pub lead_name: String,
    /// One or more emails (lower-cased) or phone numbers, as given.
    pub contact_information: String,
    /// Where the lead came from.
    pub source: String,
    /// High, Medium or Low.
    pub interest_level: InterestLevel,
    /// One of the status vocabulary, in its canonical casing.
    pub status: String,
    /// The assigned salesperson; `None` when unassigned.
    pub salesperson: Option<String>,
}

/// A lead as stored for a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLead {
    /// The store's id of the lead (UUID v4).
    pub id: Uuid,
    /// The owner.
    pub user_uuid: Uuid,
    /// When the lead was first stored.
    pub created_at: Timestamp,
    /// When the lead last changed.
    pub updated_at: Timestamp,
    /// The lead's fields.
    #[serde(flatten)]
    pub lead: Lead,
}
