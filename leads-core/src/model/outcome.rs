//! What a write did to stored leads, and the policies an import writes by.

use serde::{Deserialize, Serialize};

/// What a bulk upsert did. Duplicate Lead IDs within one call count once, as their last copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpsertOutcome {
    /// New leads.
    pub inserted: u64,
    /// Existing leads whose fields changed.
    pub updated: u64,
    /// Existing leads already exactly so.
    pub unchanged: u64,
    /// Leads a write policy left out (`on_existing` or `on_new` = `skip`).
    #[serde(default)]
    pub skipped: u64,
}

impl std::ops::AddAssign for UpsertOutcome {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.skipped += o.skipped;
    }
}

/// What an import does to a lead whose Lead ID is already stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnExisting {
    /// Write the file's fields over the stored ones (the default).
    #[default]
    Update,
    /// Leave the stored lead as it is (counted `skipped`): a create-only import.
    Skip,
}

/// What an import does to a lead whose Lead ID is not stored yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnNew {
    /// Store it (the default).
    #[default]
    Insert,
    /// Leave it out (counted `skipped`): an update-only import.
    Skip,
}

/// What a blank optional cell (an empty "Assigned Salesperson") does to a stored lead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blanks {
    /// The stored value stays (the default): a blank cell is "no news", never an erasure.
    #[default]
    Keep,
    /// The stored value is cleared (unassigned).
    Clear,
}
