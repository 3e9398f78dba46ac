//! The nouns every layer speaks: leads, field labels and vocabularies, reports and issues,
//! users, write outcomes, time. Uses nothing else of the crate.

pub(crate) mod dialect;
pub(crate) mod lead;
pub(crate) mod outcome;
pub(crate) mod report;
pub(crate) mod schema;
pub(crate) mod time;
pub(crate) mod user;

pub use dialect::{Delimiter, Encoding};
pub use lead::{Lead, StoredLead};
pub use outcome::{Blanks, OnExisting, OnNew, UpsertOutcome};
pub(crate) use report::params;
pub use report::{Column, Issue, IssueCode, MatchKind, Params, Report, Severity, Suggestion};
pub use schema::{
    DEFAULT_STATUSES, Field, InterestLevel, MAX_LEAD_ID_CHARS, MAX_LEAD_NAME_CHARS, MAX_SALESPERSON_CHARS,
    MAX_SOURCE_CHARS, STATUS_SYNONYMS, UnknownName, normalize_header,
};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use time::system_clock;
pub use time::{BadTimestamp, Clock, Timestamp};
pub use user::{Account, Session, User, UserRecord};
