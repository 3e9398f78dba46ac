//! How an imported lead meets the stored lead of its Lead ID (DESIGN §7, "Writing imported
//! leads"): only the fields whose column is in the file are written, a blank optional cell keeps
//! the stored value unless `blanks` = `clear`, and the write policies say whether existing and new
//! leads are written at all. Every store decides through [`WritePlan::decide`] (SupabaseStore's
//! SQL function follows the same rules, tested against the same suite).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Blanks, Field, Lead, OnExisting, OnNew};

/// How one import writes: the fields its file has, and its policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WritePlan {
    /// Which fields have a column in the file, by [`Field::ALL`] index.
    columns: [bool; 7],
    /// For Lead IDs already stored.
    pub on_existing: OnExisting,
    /// For Lead IDs not stored yet.
    pub on_new: OnNew,
    /// For blank optional cells.
    pub blanks: Blanks,
}

/// Every column, the default policies: a file with all seven columns.
impl Default for WritePlan {
    fn default() -> Self {
        WritePlan::with_columns(Field::ALL)
    }
}

/// What to do with one incoming lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Store the incoming lead as a new one.
    Insert,
    /// Replace the stored fields with these (the stored lead merged with the file's fields).
    Update(Lead),
    /// The stored lead already holds what the file says.
    Unchanged,
    /// A policy leaves it out.
    Skip,
}

impl WritePlan {
    /// A plan writing the fields in `columns`, with the default policies.
    #[must_use]
    pub fn with_columns(columns: impl IntoIterator<Item = Field>) -> Self {
        let mut set = [false; 7];
        for field in columns {
            set[field as usize] = true;
        }
        WritePlan {
            columns: set,
            on_existing: OnExisting::default(),
            on_new: OnNew::default(),
            blanks: Blanks::default(),
        }
    }

    /// Every field written as given, a missing salesperson included (unassigned): what
    /// [`Store::upsert_leads`](crate::Store::upsert_leads) does.
    #[must_use]
    pub fn replace() -> Self {
        WritePlan { blanks: Blanks::Clear, ..WritePlan::default() }
    }

    /// A plan writing only the fields `patch` sets (a salesperson set to none unassigns), to
    /// leads that exist: how a bulk update writes its patched leads.
    #[must_use]
    pub fn of_patch(patch: &crate::import::rules::patch::LeadPatch) -> Self {
        let mut plan = WritePlan::with_columns(patch.fields());
        plan.blanks = Blanks::Clear;
        plan.on_new = OnNew::Skip;
        plan
    }

    /// Whether the file has a column for `field`.
    #[must_use]
    pub fn writes(&self, field: Field) -> bool {
        self.columns[field as usize]
    }

    /// What to do with `incoming`, given the stored lead of its Lead ID (if any).
    #[must_use]
    pub fn decide(&self, stored: Option<&Lead>, incoming: &Lead) -> Decision {
        match stored {
            None if self.on_new == OnNew::Skip => Decision::Skip,
            None => Decision::Insert,
            Some(_) if self.on_existing == OnExisting::Skip => Decision::Skip,
            Some(old) => {
                let merged = self.merge(old, incoming);
                if merged == *old { Decision::Unchanged } else { Decision::Update(merged) }
            }
        }
    }

    /// The stored lead with the file's fields written over it.
    #[must_use]
    pub fn merge(&self, stored: &Lead, incoming: &Lead) -> Lead {
        let mut out = stored.clone();
        let take = |field: Field| self.writes(field);
        if take(Field::LeadName) {
            out.lead_name.clone_from(&incoming.lead_name);
        }
        if take(Field::ContactInformation) {
            out.contact_information.clone_from(&incoming.contact_information);
        }
        if take(Field::Source) {
            out.source.clone_from(&incoming.source);
        }
        if take(Field::InterestLevel) {
            out.interest_level = incoming.interest_level;
        }
        if take(Field::Status) {
            out.status.clone_from(&incoming.status);
        }
        if take(Field::Salesperson) && (incoming.salesperson.is_some() || self.blanks == Blanks::Clear) {
            out.salesperson.clone_from(&incoming.salesperson);
        }
        out
    }
}

/// How many would-be updates a dry run describes field by field.
pub const MAX_DRY_RUN_CHANGES: usize = 100;

/// One field's value before and after a would-be update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The stored value (`None`: unassigned).
    pub before: Option<String>,
    /// The value the import would write.
    pub after: Option<String>,
}

/// A would-be update of a dry run: each field it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadChange {
    /// The lead's Lead ID.
    pub lead_id: String,
    /// By field key (`salesperson`, `status`, …), in the keys' order.
    pub fields: BTreeMap<String, FieldChange>,
}

impl LeadChange {
    /// The fields in which `after` differs from `before`.
    #[must_use]
    pub fn between(before: &Lead, after: &Lead) -> Self {
        let mut fields = BTreeMap::new();
        for field in Field::ALL {
            let (b, a) = (field_value(before, field), field_value(after, field));
            if b != a {
                fields.insert(field.key().to_owned(), FieldChange { before: b, after: a });
            }
        }
        LeadChange { lead_id: after.lead_id.clone(), fields }
    }
}

/// A lead's value for `field` as text.
fn field_value(lead: &Lead, field: Field) -> Option<String> {
    match field {
        Field::LeadId => Some(lead.lead_id.clone()),
        Field::LeadName => Some(lead.lead_name.clone()),
        Field::ContactInformation => Some(lead.contact_information.clone()),
        Field::Source => Some(lead.source.clone()),
        Field::InterestLevel => Some(lead.interest_level.as_str().to_owned()),
        Field::Status => Some(lead.status.clone()),
        Field::Salesperson => lead.salesperson.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InterestLevel;

    fn lead(name: &str, salesperson: Option<&str>) -> Lead {
        Lead {
            lead_id: "L-1".into(),
            lead_name: name.into(),
            contact_information: "a@example.com".into(),
            source: "Web".into(),
            interest_level: InterestLevel::High,
            status: "Open".into(),
            salesperson: salesperson.map(str::to_owned),
        }
    }

    #[test]
    fn a_file_without_the_salesperson_column_keeps_assignments() {
        let plan = WritePlan::with_columns(Field::ALL.into_iter().filter(|f| *f != Field::Salesperson));
        let stored = lead("Ann", Some("Dana"));
        assert_eq!(plan.decide(Some(&stored), &lead("Ann", None)), Decision::Unchanged);
        assert_eq!(
            plan.decide(Some(&stored), &lead("Ann B", None)),
            Decision::Update(lead("Ann B", Some("Dana")))
        );
    }

    #[test]
    fn blank_cells_keep_unless_clear() {
        let mut plan = WritePlan::default();
        let stored = lead("Ann", Some("Dana"));
        assert_eq!(plan.decide(Some(&stored), &lead("Ann", None)), Decision::Unchanged);
        assert_eq!(
            plan.decide(Some(&stored), &lead("Ann", Some("Fox"))),
            Decision::Update(lead("Ann", Some("Fox")))
        );
        plan.blanks = Blanks::Clear;
        assert_eq!(plan.decide(Some(&stored), &lead("Ann", None)), Decision::Update(lead("Ann", None)));
    }

    #[test]
    fn policies_skip() {
        let mut plan = WritePlan::default();
        let stored = lead("Ann", None);
        assert_eq!(plan.decide(None, &stored), Decision::Insert);
        plan.on_new = OnNew::Skip;
        assert_eq!(plan.decide(None, &stored), Decision::Skip);
        assert_eq!(plan.decide(Some(&stored), &lead("Ann B", None)), Decision::Update(lead("Ann B", None)));
        plan.on_existing = OnExisting::Skip;
        assert_eq!(plan.decide(Some(&stored), &lead("Ann B", None)), Decision::Skip);
    }
}
