//! The import: bytes → report + valid leads (DESIGN §4). Options, decoding, dialect sniffing,
//! CSV parsing, header resolution, the row rules, the Lead ID set, the push validator and, on
//! native targets, the two-thread pipeline; the table of valid leads; rows to fix as CSV.

pub(crate) mod batch;
pub(crate) mod decode;
pub(crate) mod fixes;
pub(crate) mod header;
pub(crate) mod options;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod parallel;
pub(crate) mod parser;
pub(crate) mod rejects;
pub(crate) mod rows;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod seen;
pub(crate) mod sniff;
pub(crate) mod split;
pub(crate) mod table;
pub(crate) mod validator;

pub use fixes::{Fixes, fixes_from_json};
pub use options::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ISSUES, DEFAULT_MAX_ROWS, ImportOptions,
};
#[cfg(not(target_arch = "wasm32"))]
pub use parallel::{MAX_CHUNK_SIZE, validate_parallel};
pub use rejects::{RejectedRow, write_rejected_csv};
pub use rules::patch::{LeadPatch, check_lead};
pub use rules::{check_contact, is_email, is_phone};
pub use split::Splitter;
pub use table::{LeadRow, LeadTable};
pub use validator::{Progress, Validation, Validator, validate, validate_reader};
