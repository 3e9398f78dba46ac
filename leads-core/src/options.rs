//! Import options: encoding, delimiter, vocabularies, aliases and limits, with their defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::schema::{DEFAULT_STATUSES, Field, UnknownName, normalize_header};

/// A text encoding the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16 little-endian (Excel's "Unicode text").
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 big-endian.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Windows-1252 (Excel's "CSV" on Western Windows), as the WHATWG Encoding Standard maps it.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    /// The canonical label (`"utf-8"`, `"utf-16le"`, `"utf-16be"`, `"windows-1252"`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Encoding {
    type Err = UnknownName;

    /// Accepts the canonical labels and common aliases (`utf8`, `cp1252`, `latin1`, ...),
    /// case-insensitively.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" | "utf-8-sig" => Ok(Encoding::Utf8),
            "utf-16le" | "utf16le" | "utf-16-le" => Ok(Encoding::Utf16Le),
            "utf-16be" | "utf16be" | "utf-16-be" => Ok(Encoding::Utf16Be),
            "windows-1252" | "cp1252" | "win-1252" | "latin1" | "latin-1" | "iso-8859-1" => {
                Ok(Encoding::Windows1252)
            }
            _ => Err(UnknownName { kind: "encoding", name: s.to_owned() }),
        }
    }
}

/// A field delimiter: `,` `;` tab or `|`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Delimiter {
    /// `,`
    #[serde(rename = ",")]
    Comma,
    /// `;` (Excel in locales with a decimal comma)
    #[serde(rename = ";")]
    Semicolon,
    /// a tab character
    #[serde(rename = "\t")]
    Tab,
    /// `|`
    #[serde(rename = "|")]
    Pipe,
}

impl Delimiter {
    /// Every delimiter, in sniffing preference order.
    pub const ALL: [Delimiter; 4] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab, Delimiter::Pipe];

    /// The delimiter byte.
    #[must_use]
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
            Delimiter::Pipe => b'|',
        }
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delimiter::Comma => ",",
            Delimiter::Semicolon => ";",
            Delimiter::Tab => "\\t",
            Delimiter::Pipe => "|",
        })
    }
}

impl FromStr for Delimiter {
    type Err = UnknownName;

    /// Accepts the character itself or its name: `,` `comma` `;` `semicolon` `\t` `tab` `|` `pipe`.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "," | "comma" => Ok(Delimiter::Comma),
            ";" | "semicolon" => Ok(Delimiter::Semicolon),
            "\t" | "\\t" | "tab" => Ok(Delimiter::Tab),
            "|" | "pipe" => Ok(Delimiter::Pipe),
            _ => Err(UnknownName { kind: "delimiter", name: s.to_owned() }),
        }
    }
}

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
    /// Accept Hot / Warm / Cold for High / Medium / Low. Default `true`.
    pub interest_synonyms: bool,
    /// Extra header aliases: header text → field. Checked after the built-in ones.
    pub aliases: BTreeMap<String, Field>,
    /// How many row issues the report lists at most (counts are never capped). Default 1000.
    pub max_issues: usize,
    /// Largest input, in bytes, before `limit_exceeded`. Default 1 GiB.
    pub max_bytes: u64,
    /// Most data records read before `limit_exceeded`. Default 10,000,000; at most 4,294,967,295.
    pub max_rows: u64,
    /// Longest single field, in bytes, before `limit_exceeded`. Default 64 KiB.
    pub max_field_bytes: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            encoding: None,
            delimiter: None,
            statuses: None,
            interest_synonyms: true,
            aliases: BTreeMap::new(),
            max_issues: DEFAULT_MAX_ISSUES,
            max_bytes: DEFAULT_MAX_BYTES,
            max_rows: DEFAULT_MAX_ROWS,
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
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
        for header in self.aliases.keys() {
            if normalize_header(header).is_empty() {
                return bad("aliases", format!("{header:?} is not a usable header"));
            }
        }
        if self.max_bytes == 0 {
            return bad("max_bytes", "must be at least 1".into());
        }
        if self.max_rows == 0 || self.max_rows > crate::seen::MAX_IDS {
            return bad("max_rows", format!("must be between 1 and {}", crate::seen::MAX_IDS));
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
