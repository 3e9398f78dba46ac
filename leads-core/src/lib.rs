//! `leads-core`: import, validate and manage sales leads.
//!
//! One validator gives the same verdict in Rust, in the browser (`leads-wasm`) and in Python
//! (`leads-py`). Feed it a lead CSV exported from a spreadsheet or a CRM; get back the valid
//! leads and a [`Report`] that tells a person exactly what to fix.
//!
//! ```
//! use leads_core::{validate, ImportOptions, IssueCode};
//!
//! let csv = "\
//! Lead ID,Name,Email,Lead Source,Interest Level,Stage,Owner
//! L-001,Ada Lovelace,ADA@example.com,Website,Hot,open,Grace
//! L-002,Alan Turing,+44 20 7946 0958,Referral,Medium,Qualified,
//! L-002,Alan Again,alan@example.com,Referral,Maybe,New,
//! ";
//! let v = validate(csv.as_bytes(), &ImportOptions::default())?;
//!
//! assert_eq!((v.report.rows, v.report.valid, v.report.invalid), (3, 2, 1));
//! // Values are normalised as DESIGN §4 says: emails lower-cased, canonical casing.
//! assert_eq!(v.leads[0].contact_information, "ada@example.com");
//! assert_eq!(v.leads[0].status, "Open");
//! assert_eq!(v.leads[1].salesperson, None);
//!
//! // Each problem is an issue with a stable code, the line and the column, in column order.
//! let codes: Vec<IssueCode> = v.report.issues.iter().map(|i| i.code).collect();
//! assert_eq!(codes, [IssueCode::DuplicateLeadId, IssueCode::InvalidChoice]);
//! assert_eq!(v.report.issues[0].line, Some(4));
//! assert_eq!(v.report.issues[0].message, "Lead ID \"L-002\" already appears on line 3");
//! # Ok::<(), leads_core::Error>(())
//! ```
//!
//! For large files, or input that arrives in pieces, use the push [`Validator`]: memory stays
//! bounded by the longest record plus the set of Lead IDs seen.
//!
//! The import contract (decoding, dialect, header resolution, row rules, issue codes, the
//! canonical report JSON) is `DESIGN.md` §4 of the repository; [`IssueCode::ALL`] lists the codes.

mod auth;
mod error;
mod import;
mod model;
mod query;
mod store;

pub use auth::{
    Access, Claims, DEFAULT_TOKEN_TTL_SECS, MAX_TOKEN_TTL_SECS, PasswordMatch, PasswordParams, Permission,
    RESERVED_USERNAMES, Role, Scope, TokenSigner, check_password, check_username, hash_password, new_uuid,
    verify_password,
};
pub use error::{Error, ErrorKind, Result};
pub use import::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ISSUES, DEFAULT_MAX_ROWS, Fixes, ImportOptions,
    LeadPatch, LeadRow, LeadTable, Progress, RejectedRow, Splitter, Validation, Validator, check_contact,
    check_lead, fixes_from_json, is_email, is_phone, validate, validate_reader, write_rejected_csv,
};
#[cfg(not(target_arch = "wasm32"))]
pub use import::{MAX_CHUNK_SIZE, validate_parallel};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use model::system_clock;
pub use model::{
    Account, BadTimestamp, Blanks, Clock, Column, DEFAULT_STATUSES, Delimiter, Encoding, Field,
    InterestLevel, Issue, IssueCode, Lead, MAX_LEAD_ID_CHARS, MAX_LEAD_NAME_CHARS, MAX_SALESPERSON_CHARS,
    MAX_SOURCE_CHARS, MatchKind, OnExisting, OnNew, Params, Report, STATUS_SYNONYMS, Session, Severity,
    StoredLead, Suggestion, Timestamp, UnknownName, UpsertOutcome, User, UserRecord, normalize_header,
};
pub use query::{DEFAULT_LIMIT, LeadQuery, MAX_LIMIT, MAX_OFFSET, Sort, SortKey, compare, matches};
pub use store::{
    Acting, BatchedWrites, DEFAULT_JOB_LIMIT, Decision, EXPORT_PAGE, FieldChange, IMPORT_BATCH, ImportMode,
    ImportProgress, ImportWrites, Imported, Job, JobCounts, JobFinish, JobKind, JobPage, JobSpec, JobStart,
    JobState, LOGIN_WINDOW_SECS, LeadChange, MAX_DRY_RUN_CHANGES, MAX_FAILED_LOGINS, MAX_JOB_ISSUES,
    MAX_JOB_LIMIT, MaybeSend, MaybeSync, Member, MemberChange, MemoryStore, Page, ProgressCallback, Reverted,
    Salesperson, SalespersonName, Store, Team, Workspace, WritePlan, authenticate, change_password,
    dedupe_last, export_csv, login, logout_everywhere, register,
};
#[cfg(feature = "supabase")]
pub use store::{
    BoxFuture, HttpRequest, HttpResponse, ProgressFn, ReqwestTransport, SupabaseOptions, SupabaseStore,
    Transport, UpsertProgress, query_params as postgrest_query_params, quote as postgrest_quote,
};
#[cfg(not(target_arch = "wasm32"))]
pub use store::{SqliteStore, SqliteWrites};
pub use uuid::Uuid;

/// The README's Rust examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
