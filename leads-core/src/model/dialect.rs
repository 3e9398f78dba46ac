//! The dialect of a CSV file as the report states it: its text encoding and its delimiter.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::schema::UnknownName;

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
