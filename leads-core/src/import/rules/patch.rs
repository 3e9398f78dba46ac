//! Rules for leads from outside a CSV import: an edit ([`LeadPatch`]) or a whole lead from an
//! API call, checked and normalised by the same row rules.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::{Checked, Rules, trim};
use crate::model::{Field, InterestLevel, Lead};

/// Changes to one lead; absent fields stay as they are. Values are checked by the import's row
/// rules (with the import options in force: statuses, synonyms) and normalised the same way.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_name: Option<String>,
    /// New contact information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_information: Option<String>,
    /// New source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// New interest level (`High`, `warm`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest_level: Option<String>,
    /// New status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `Some(None)` (JSON `null` or an empty string) unassigns.
    #[serde(default, deserialize_with = "some_or_null", skip_serializing_if = "Option::is_none")]
    pub salesperson: Option<Option<String>>,
}

fn some_or_null<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl LeadPatch {
    /// The lead with the patch applied, every changed value checked by the row rules of
    /// `options` (the statuses and synonyms the leads were imported with).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLead`] with one issue per broken rule;
    /// [`ErrorKind::InvalidOption`] for unusable options.
    pub fn apply(&self, lead: &Lead, options: &ImportOptions) -> Result<Lead> {
        self.apply_rules(lead, &Rules::new(options)?)
    }

    /// The fields the patch sets.
    #[must_use]
    pub fn fields(&self) -> Vec<Field> {
        let set = [
            (Field::LeadName, self.lead_name.is_some()),
            (Field::ContactInformation, self.contact_information.is_some()),
            (Field::Source, self.source.is_some()),
            (Field::InterestLevel, self.interest_level.is_some()),
            (Field::Status, self.status.is_some()),
            (Field::Salesperson, self.salesperson.is_some()),
        ];
        set.into_iter().filter_map(|(f, on)| on.then_some(f)).collect()
    }

    /// Checks every value of the patch by the row rules of `options`, as [`apply`](Self::apply)
    /// would (the values do not depend on the lead they are applied to).
    ///
    /// # Errors
    /// As [`apply`](Self::apply).
    pub fn check(&self, options: &ImportOptions) -> Result<()> {
        self.apply(&blank(), options).map(drop)
    }

    fn apply_rules(&self, lead: &Lead, rules: &Rules) -> Result<Lead> {
        let mut out = lead.clone();
        let mut issues = Vec::new();
        let salesperson = self.salesperson.as_ref().map(|s| s.clone().unwrap_or_default());
        let changes = [
            (Field::LeadName, &self.lead_name),
            (Field::ContactInformation, &self.contact_information),
            (Field::Source, &self.source),
            (Field::InterestLevel, &self.interest_level),
            (Field::Status, &self.status),
            (Field::Salesperson, &salesperson),
        ];
        for (field, value) in changes {
            let Some(value) = value else { continue };
            match rules.check(field, trim(value)) {
                Ok(checked) => match (field, checked) {
                    (Field::InterestLevel, Checked::Interest(level)) => out.interest_level = level,
                    (Field::Status, Checked::Status(i)) => out.status = rules.status_name(i).to_owned(),
                    (Field::Salesperson, Checked::Empty) => out.salesperson = None,
                    (Field::Salesperson, Checked::Text(t)) => out.salesperson = Some(t.into_owned()),
                    (Field::LeadName, Checked::Text(t)) => out.lead_name = t.into_owned(),
                    (Field::ContactInformation, Checked::Text(t)) => out.contact_information = t.into_owned(),
                    (Field::Source, Checked::Text(t)) => out.source = t.into_owned(),
                    _ => {}
                },
                Err(violation) => issues.push(violation.issue(field, value)),
            }
        }
        if issues.is_empty() { Ok(out) } else { Err(ErrorKind::InvalidLead { issues }.into()) }
    }
}

/// A lead from outside a CSV import (an API call, a browser) checked by the row rules of
/// `options` (those it was validated with: a lead with a custom status passes with the options
/// that allow it) and normalised the same way.
///
/// # Errors
/// [`ErrorKind::InvalidLead`] with one issue per broken rule;
/// [`ErrorKind::InvalidOption`] for unusable options.
pub fn check_lead(lead: &Lead, options: &ImportOptions) -> Result<Lead> {
    let rules = Rules::new(options)?;
    let interest = lead.interest_level.as_str().to_owned();
    let patch = LeadPatch {
        lead_name: Some(lead.lead_name.clone()),
        contact_information: Some(lead.contact_information.clone()),
        source: Some(lead.source.clone()),
        interest_level: Some(interest),
        status: Some(lead.status.clone()),
        salesperson: Some(lead.salesperson.clone()),
    };
    let id_issue = rules
        .check(Field::LeadId, trim(&lead.lead_id))
        .err()
        .map(|violation| violation.issue(Field::LeadId, &lead.lead_id));
    match (patch.apply_rules(lead, &rules), id_issue) {
        (Ok(mut checked), None) => {
            checked.lead_id = trim(&lead.lead_id).to_owned();
            Ok(checked)
        }
        (Ok(_), Some(issue)) => Err(ErrorKind::InvalidLead { issues: vec![issue] }.into()),
        (Err(e), None) => Err(e),
        (Err(e), Some(issue)) => match e.into_kind() {
            ErrorKind::InvalidLead { mut issues } => {
                issues.insert(0, issue);
                Err(ErrorKind::InvalidLead { issues }.into())
            }
            other => Err(other.into()),
        },
    }
}

/// A salesperson name checked by the row rules (trimmed, 1 to 128 characters).
/// A lead with every field empty: what a patch's values are checked against.
fn blank() -> Lead {
    Lead {
        lead_id: String::new(),
        lead_name: String::new(),
        contact_information: String::new(),
        source: String::new(),
        interest_level: InterestLevel::Low,
        status: String::new(),
        salesperson: None,
    }
}

pub(crate) fn salesperson_name(name: &str) -> Result<String> {
    let patch = LeadPatch { salesperson: Some(Some(name.to_owned())), ..LeadPatch::default() };
    match patch.apply(&blank(), &ImportOptions::default())?.salesperson {
        Some(name) => Ok(name),
        None => Err(ErrorKind::InvalidOption {
            option: "name".into(),
            message: "a salesperson needs a name".into(),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_and_edits_are_checked_with_the_options_in_force() {
        let options = ImportOptions {
            statuses: Some(vec!["Pending".into(), "Signed".into()]),
            ..ImportOptions::default()
        };
        let lead = Lead {
            lead_id: " L-1 ".into(),
            lead_name: "Ann".into(),
            contact_information: "ANN@example.com".into(),
            source: "Web".into(),
            interest_level: InterestLevel::High,
            status: "pending".into(),
            salesperson: None,
        };
        let checked = check_lead(&lead, &options).unwrap();
        assert_eq!((checked.lead_id.as_str(), checked.status.as_str()), ("L-1", "Pending"));
        assert_eq!(check_lead(&lead, &ImportOptions::default()).unwrap_err().code(), "invalid_lead");
        let patch = LeadPatch { status: Some("signed".into()), ..LeadPatch::default() };
        assert_eq!(patch.apply(&checked, &options).unwrap().status, "Signed");
        assert_eq!(patch.apply(&checked, &ImportOptions::default()).unwrap_err().code(), "invalid_lead");
    }

    #[test]
    fn an_edit_with_a_control_character_is_refused_naming_it() {
        let lead = Lead {
            lead_id: "L-1".into(),
            lead_name: "Ann".into(),
            contact_information: "ann@example.com".into(),
            source: "Web".into(),
            status: "New".into(),
            ..blank()
        };
        let stored = check_lead(&lead, &ImportOptions::default()).unwrap();
        let patch = LeadPatch { lead_name: Some("Ann\0Smith".into()), ..LeadPatch::default() };
        let err = patch.apply(&stored, &ImportOptions::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_lead");
        let ErrorKind::InvalidLead { issues } = err.kind() else { panic!("{err:?}") };
        assert_eq!(issues[0].code, crate::model::IssueCode::InvalidCharacter);
        assert_eq!(issues[0].params["code_point"], "U+0000");
    }
}
