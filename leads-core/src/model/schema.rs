//! The seven lead fields, their labels, header aliases and the fixed vocabularies.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the seven fields of a lead, named by its seed column (`lead_id`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `lead_id`, "Lead ID": the lead's identifier in the user's own system.
    LeadId,
    /// `lead_name`, "Lead Name".
    LeadName,
    /// `contact_information`, "Contact Information": emails and/or phone numbers.
    ContactInformation,
    /// `source`, "Source": where the lead came from (free text).
    Source,
    /// `interest_level`, "Interest Level": High, Medium or Low.
    InterestLevel,
    /// `status`, "Status": one of the status vocabulary.
    Status,
    /// `salesperson`, "Assigned Salesperson": optional.
    Salesperson,
}

impl Field {
    /// All fields, in the order of the seed's CSV columns.
    pub const ALL: [Field; 7] = [
        Field::LeadId,
        Field::LeadName,
        Field::ContactInformation,
        Field::Source,
        Field::InterestLevel,
        Field::Status,
        Field::Salesperson,
    ];

    /// The snake_case key used in JSON and the database (`"lead_id"`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Field::LeadId => "lead_id",
            Field::LeadName => "lead_name",
            Field::ContactInformation => "contact_information",
            Field::Source => "source",
            Field::InterestLevel => "interest_level",
            Field::Status => "status",
            Field::Salesperson => "salesperson",
        }
    }

    /// The seed's CSV header for the field (`"Lead ID"`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Field::LeadId => "Lead ID",
            Field::LeadName => "Lead Name",
            Field::ContactInformation => "Contact Information",
            Field::Source => "Source",
            Field::InterestLevel => "Interest Level",
            Field::Status => "Status",
            Field::Salesperson => "Assigned Salesperson",
        }
    }

    /// Whether a row must give a value for the field.
    #[must_use]
    pub fn is_required(self) -> bool {
        self != Field::Salesperson
    }

    /// Common alternative headers, for messages: `"Email" or "Phone"`.
    pub(crate) fn examples(self) -> &'static str {
        match self {
            Field::LeadId => "\"ID\"",
            Field::LeadName => "\"Name\"",
            Field::ContactInformation => "\"Email\" or \"Phone\"",
            Field::Source => "\"Lead Source\"",
            Field::InterestLevel => "\"Interest\"",
            Field::Status => "\"Stage\"",
            Field::Salesperson => "\"Owner\"",
        }
    }

    /// What joins the values of several columns feeding the field: a space between name parts,
    /// `"; "` between contact columns; `None` for a field that takes one column.
    #[must_use]
    pub fn joiner(self) -> Option<&'static str> {
        match self {
            Field::LeadName => Some(" "),
            Field::ContactInformation => Some("; "),
            _ => None,
        }
    }

    /// Built-in headers of a part of the field, joined when no column holds the whole field
    /// (compared after [`normalize_header`]): first, middle and last names.
    pub(crate) fn part_aliases(self) -> &'static [&'static str] {
        match self {
            Field::LeadName => &[
                "firstname",
                "first",
                "givenname",
                "forename",
                "middlename",
                "middle",
                "lastname",
                "last",
                "surname",
                "familyname",
                "personfirstname",
                "personlastname",
            ],
            _ => &[],
        }
    }

    /// Built-in header aliases, compared after [`normalize_header`]: common spellings and the
    /// lead and contact export headers of HubSpot, Salesforce (reports and Data Loader), Zoho,
    /// Pipedrive ("Person - Email - Work"), Mailchimp and LinkedIn (`tests/vectors/crm` holds
    /// one real header of each).
    pub(crate) fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::LeadId => &[
                "id",
                "leadnumber",
                "leadno",
                "leadref",
                "reference",
                "externalid",
                "recordid",
                "contactid",
                "personid",
                "euid",
                "profileurl",
                "linkedinprofileurl",
                "linkedinurl",
                "url",
                "lead#",
            ],
            Field::LeadName => {
                &["name", "fullname", "contactname", "lead", "leadfullname", "customername", "personname"]
            }
            Field::ContactInformation => &[
                "contact",
                "contactinfo",
                "contactdetails",
                "email",
                "emailaddress",
                "email1",
                "email2",
                "mail",
                "workemail",
                "personalemail",
                "secondaryemail",
                "phone",
                "phonenumber",
                "telephone",
                "mobile",
                "mobilephone",
                "mobilenumber",
                "mobilephonenumber",
                "cell",
                "cellphone",
                "workphone",
                "homephone",
                "businessphone",
                "otherphone",
                "contactemail",
                "contactphone",
                "contactphonenumber",
                "contactnumber",
                "personemail",
                "personemailwork",
                "personemailhome",
                "personemailother",
                "personphone",
                "personphonework",
                "personphonemobile",
                "personphonehome",
                "personphoneother",
            ],
            Field::Source => &["leadsource", "channel", "origin", "originalsource", "originaltrafficsource"],
            Field::InterestLevel => {
                &["interest", "leadinterest", "rating", "leadrating", "temperature", "label", "personlabel"]
            }
            Field::Status => &["stage", "leadstatus", "leadstage", "pipelinestage"],
            Field::Salesperson => &[
                "salesperson",
                "owner",
                "leadowner",
                "accountowner",
                "contactowner",
                "personowner",
                "ownername",
                "owner.name",
                "salesrep",
                "rep",
                "assignedto",
                "assignee",
                "assigned",
            ],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.key())
    }
}

impl FromStr for Field {
    type Err = UnknownName;

    /// Parses a field key (`lead_id`) or any spelling that normalises to a key or label.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = normalize_header(s);
        Field::ALL
            .into_iter()
            .find(|f| normalize_header(f.key()) == wanted || normalize_header(f.label()) == wanted)
            .ok_or_else(|| UnknownName { kind: "field", name: s.to_owned() })
    }
}

/// A name that is not one of a closed set (a field, an encoding, a delimiter, ...).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?}")]
pub struct UnknownName {
    /// What kind of name was expected (`"field"`, `"encoding"`, ...).
    pub kind: &'static str,
    /// The name that was given.
    pub name: String,
}

/// Header normalisation: lower-cased, with spaces, `_` and `-` removed (`"LEAD_ID"` → `"leadid"`).
#[must_use]
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '_' || *c == '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How interested a lead is. Ordered `High > Medium > Low` (the order of the variants, which is
/// also their [`rank`](InterestLevel::rank)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum InterestLevel {
    /// Low interest ("Cold").
    Low,
    /// Medium interest ("Warm").
    Medium,
    /// High interest ("Hot").
    High,
}

impl InterestLevel {
    /// The rank sorts use: Low 0, Medium 1, High 2 (as the database's `interest_rank`).
    #[must_use]
    pub const fn rank(self) -> u8 {
        self as u8
    }

    /// The canonical spelling: `"High"`, `"Medium"` or `"Low"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InterestLevel::High => "High",
            InterestLevel::Medium => "Medium",
            InterestLevel::Low => "Low",
        }
    }

    /// Parses a value case-insensitively; with `synonyms`, Hot / Warm / Cold are accepted too,
    /// and Pipedrive's default labels "Hot lead" / "Warm lead" / "Cold lead".
    #[must_use]
    pub fn parse(value: &str, synonyms: bool) -> Option<Self> {
        let is = |w: &str| value.eq_ignore_ascii_case(w);
        // By length first: one comparison for most values.
        match value.len() {
            4 if is("high") => Some(InterestLevel::High),
            6 if is("medium") => Some(InterestLevel::Medium),
            3 if is("low") => Some(InterestLevel::Low),
            3 if synonyms && is("hot") => Some(InterestLevel::High),
            4 if synonyms && is("warm") => Some(InterestLevel::Medium),
            4 if synonyms && is("cold") => Some(InterestLevel::Low),
            8 if synonyms && is("hot lead") => Some(InterestLevel::High),
            9 if synonyms && is("warm lead") => Some(InterestLevel::Medium),
            9 if synonyms && is("cold lead") => Some(InterestLevel::Low),
            _ => None,
        }
    }
}

impl fmt::Display for InterestLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The default status vocabulary, in pipeline order.
pub const DEFAULT_STATUSES: [&str; 9] =
    ["New", "Open", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost", "Closed"];

/// Synonyms of the default statuses, from the default lead statuses of common CRMs where the
/// counterpart is unambiguous (Salesforce, HubSpot, Zoho): `(value, status)`, compared
/// case-insensitively. Used only with the default vocabulary; `status_synonyms: false` turns
/// them off. Values with no clear counterpart ("In Progress", "Attempted to Contact",
/// "Junk Lead") stay errors: pass `statuses` to accept them.
pub const STATUS_SYNONYMS: [(&str, &str); 6] = [
    ("Open - Not Contacted", "Open"),
    ("Working - Contacted", "Contacted"),
    ("Closed - Converted", "Won"),
    ("Closed - Not Converted", "Lost"),
    ("Connected", "Contacted"),
    ("Lost Lead", "Lost"),
];

/// Longest `lead_id`, in characters.
pub const MAX_LEAD_ID_CHARS: usize = 128;
/// Longest `lead_name`, in characters.
pub const MAX_LEAD_NAME_CHARS: usize = 256;
/// Longest `source`, in characters.
pub const MAX_SOURCE_CHARS: usize = 128;
/// Longest `salesperson`, in characters.
pub const MAX_SALESPERSON_CHARS: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_ignores_case_spaces_underscores_and_dashes() {
        assert_eq!(normalize_header(" Lead_ID "), "leadid");
        assert_eq!(normalize_header("LEAD-id"), "leadid");
        assert_eq!(normalize_header("LeadID"), "leadid");
    }

    #[test]
    fn fields_parse_from_keys_and_labels() {
        assert_eq!("lead_id".parse::<Field>(), Ok(Field::LeadId));
        assert_eq!("Assigned Salesperson".parse::<Field>(), Ok(Field::Salesperson));
        assert!("phone".parse::<Field>().is_err());
    }

    #[test]
    fn interest_levels_order_and_synonyms() {
        assert!(InterestLevel::High > InterestLevel::Medium);
        assert!(InterestLevel::Medium > InterestLevel::Low);
        assert_eq!(InterestLevel::parse("HOT", true), Some(InterestLevel::High));
        assert_eq!(InterestLevel::parse("hot", false), None);
        assert_eq!(InterestLevel::parse("mEdium", false), Some(InterestLevel::Medium));
    }
}
