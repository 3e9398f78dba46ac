//! Import options: encoding, delimiter, vocabularies, aliases and limits, with their defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{DEFAULT_STATUSES, Delimiter, Encoding, Field, normalize_header};

/// Default for [`ImportOptions::max_issues`].
pub const DEFAULT_MAX_ISSUES: usize = 1000;
/// Default for [`ImportOptions::max_bytes`]: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
/// Default for [`ImportOptions::max_rows`]: ten million data records.
pub const DEFAULT_MAX_ROWS: u64 = 10_000_000;
/// Default for [`ImportOptions::max_field_bytes`]: 64 KiB.
pub const DEFAULT_MAX_FIELD_BYTES: usize = 64 * 1024;

/// How a CSV file is read and checked. `ImportOptions::default()` suits Excel and CRM exports.
///
/// In JSON (the test vectors, the JS and Python bindings) the keys are the field names below;
/// unknown keys are an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportOptions {
    /// Force an encoding; by default it is detected (BOM, then UTF-8, else Windows-1252).
    pub encoding: Option<Encoding>,
    /// Force a delimiter; by default it is sniffed from the header and the first rows.
    pub delimiter: Option<Delimiter>,
    /// The status vocabulary (canonical spellings); `None` means [`DEFAULT_STATUSES`].
    pub statuses: Option<Vec<String>>,
    /// Accept Hot / Warm / Cold (and "Hot lead" / "Warm lead" / "Cold lead") for High / Medium /
    /// Low. Default `true`.
    pub interest_synonyms: bool,
    /// Accept the CRM statuses of [`STATUS_SYNONYMS`](crate::STATUS_SYNONYMS) for their default
    /// counterparts ("Working - Contacted" → Contacted), with the default vocabulary only.
    /// Default `true`.
    pub status_synonyms: bool,
    /// The choice a person made in a mapping step: header text (as the report's `columns` show
    /// it) → field, or `null` to ignore the column. It wins over every other match; a field it
    /// names takes only the columns it maps there (several for `lead_name` and
    /// `contact_information`, joined in column order). Headers the file does not have are
    /// ignored, so one mapping serves every export of a tool.
    pub mapping: BTreeMap<String, Option<Field>>,
    /// Extra header aliases: header text (compared ignoring case, spaces, `_` and `-`) → field.
    /// Checked after exact and normalised labels and before the built-in aliases.
    pub aliases: BTreeMap<String, Field>,
    /// How many row issues the report lists at most (counts are never capped). Default 1000.
    pub max_issues: usize,
    /// Largest input, in bytes, before `limit_exceeded`. Default 1 GiB.
    pub max_bytes: u64,
    /// Most data records read before `limit_exceeded`. Default 10,000,000; at most 4,294,967,295.
    pub max_rows: u64,
    /// Longest single field, in bytes, before `limit_exceeded`. Default 64 KiB.
    pub max_field_bytes: usize,
    /// Storing: what happens to leads whose Lead ID is stored. Default `update`.
    pub on_existing: crate::model::OnExisting,
    /// Storing: what happens to leads whose Lead ID is new. Default `insert`.
    pub on_new: crate::model::OnNew,
    /// Storing: whether a blank optional cell clears the stored value. Default `keep`.
    pub blanks: crate::model::Blanks,
    /// Storing: the file's name, recorded in the import's job (history). Default none.
    pub file_name: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            encoding: None,
            delimiter: None,
            statuses: None,
            interest_synonyms: true,
            status_synonyms: true,
            mapping: BTreeMap::new(),
            aliases: BTreeMap::new(),
            max_issues: DEFAULT_MAX_ISSUES,
            max_bytes: DEFAULT_MAX_BYTES,
            max_rows: DEFAULT_MAX_ROWS,
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
            on_existing: crate::model::OnExisting::default(),
            on_new: crate::model::OnNew::default(),
            blanks: crate::model::Blanks::default(),
            file_name: None,
        }
    }
}

impl ImportOptions {
    /// Parses options from their JSON form, with errors naming the bad key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for malformed JSON, unknown keys or bad values.
    pub fn from_json(json: &str) -> Result<Self> {
        let options: ImportOptions = serde_json::from_str(json).map_err(|e| {
            Error::new(ErrorKind::InvalidOption { option: "options".into(), message: e.to_string() })
        })?;
        options.check()?;
        Ok(options)
    }

    /// Checks the options for values that cannot work.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] naming the option.
    pub fn check(&self) -> Result<()> {
        let bad = |option: &str, message: String| {
            Err(Error::new(ErrorKind::InvalidOption { option: option.into(), message }))
        };
        if let Some(statuses) = &self.statuses {
            if statuses.is_empty() {
                return bad("statuses", "the status vocabulary must not be empty".into());
            }
            let mut seen: Vec<String> = Vec::new();
            for s in statuses {
                if s.trim().is_empty() || s.trim() != s {
                    return bad("statuses", format!("{s:?} is not a status: empty or padded"));
                }
                let folded = s.to_lowercase();
                if seen.contains(&folded) {
                    return bad("statuses", format!("{s:?} is listed twice"));
                }
                seen.push(folded);
            }
        }
        for header in self.mapping.keys() {
            if header.trim().is_empty() {
                return bad("mapping", format!("{header:?} is not a usable header"));
            }
        }
        for header in self.aliases.keys() {
            if normalize_header(header).is_empty() {
                return bad("aliases", format!("{header:?} is not a usable header"));
            }
        }
        if let Some(name) = &self.file_name
            && (name.chars().count() > 255 || name.chars().any(char::is_control))
        {
            return bad("file_name", "a file name is at most 255 characters, no control characters".into());
        }
        if self.max_bytes == 0 {
            return bad("max_bytes", "must be at least 1".into());
        }
        if self.max_rows == 0 || self.max_rows > crate::import::seen::MAX_IDS {
            return bad("max_rows", format!("must be between 1 and {}", crate::import::seen::MAX_IDS));
        }
        if self.max_field_bytes < 16 {
            return bad("max_field_bytes", "must be at least 16".into());
        }
        Ok(())
    }

    /// The status vocabulary in force.
    #[must_use]
    pub fn status_vocabulary(&self) -> Vec<String> {
        match &self.statuses {
            Some(s) => s.clone(),
            None => DEFAULT_STATUSES.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_mapping_headers_are_checked() {
        let refused = |options: ImportOptions| options.check().unwrap_err().code();
        let named = |name: &str| ImportOptions { file_name: Some(name.into()), ..ImportOptions::default() };
        assert!(named("week 2 (final).csv").check().is_ok());
        // A NUL would be refused by PostgreSQL when the job is recorded; an upload names it.
        assert_eq!(refused(named("leads\0.csv")), "invalid_option");
        assert_eq!(refused(named(&"x".repeat(256))), "invalid_option");
        let mut mapping = ImportOptions::default();
        mapping.mapping.insert("  ".into(), Some(Field::LeadId));
        assert_eq!(refused(mapping), "invalid_option");
    }
}
