//! What a write did to stored leads.

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
}

impl std::ops::AddAssign for UpsertOutcome {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}
