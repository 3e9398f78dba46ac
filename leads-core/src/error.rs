//! The one error type of the crate. Validation problems are not errors: they are issues in the
//! [`Report`](crate::Report). Errors are for what stops work: bad options, I/O, a store failing.

use std::fmt;

/// The crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error that stopped work. Its [`kind`](Error::kind) says what happened and carries context.
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An option has a value that cannot work.
    #[error("invalid option `{option}`: {message}")]
    InvalidOption {
        /// The option's name.
        option: String,
        /// What is wrong with it.
        message: String,
    },
    /// Reading input or writing output failed.
    #[error("I/O error: {source}")]
    Io {
        /// The underlying error.
        #[from]
        source: std::io::Error,
    },
    /// The validator was used after `finish`.
    #[error("the validator has already finished")]
    Finished,
    /// A username that cannot be registered.
    #[error("invalid username: {message}")]
    InvalidUsername {
        /// Why.
        message: String,
    },
    /// A password that cannot be used.
    #[error("invalid password: {message}")]
    InvalidPassword {
        /// Why.
        message: String,
    },
    /// The username is already registered (usernames are case-insensitive).
    #[error("the username {username:?} is already taken")]
    UsernameTaken {
        /// The username asked for.
        username: String,
    },
    /// Unknown user or wrong password: the same error for both, on purpose.
    #[error("unknown username or wrong password")]
    InvalidCredentials,
    /// A token that is malformed, forged, signed with another secret or expired.
    #[error("invalid token: {reason}")]
    InvalidToken {
        /// Why it was refused.
        reason: String,
    },
    /// A lead query parameter or value that cannot be used.
    #[error("invalid query parameter `{parameter}`: {message}")]
    InvalidQuery {
        /// The parameter's name (`status`, `sort`, `cursor`, ...).
        parameter: String,
        /// What is wrong with it.
        message: String,
    },
    /// A lead, user or salesperson that does not exist (for this user).
    #[error("{what} {id:?} not found")]
    NotFound {
        /// `"lead"`, `"user"` or `"salesperson"`.
        what: &'static str,
        /// The id or name looked up.
        id: String,
    },
    /// A lead edit that breaks the row rules; the issues say how.
    #[error("the lead is invalid: {}", issues.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; "))]
    InvalidLead {
        /// The broken rules, as in an import report (no line or record).
        issues: Vec<crate::model::Issue>,
    },
    /// A salesperson with that name (case-insensitive) already exists for the user.
    #[error("a salesperson named {name:?} already exists")]
    SalespersonExists {
        /// The name.
        name: String,
    },
    /// The server answered with an error status; PostgREST's error fields when it sent them.
    #[error("the server answered {status}: {message}{}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Backend {
        /// HTTP status.
        status: u16,
        /// PostgREST's or PostgreSQL's error code (`23505`, `PGRST116`, ...).
        code: Option<String>,
        /// The message.
        message: String,
        /// Details, if any.
        details: Option<String>,
        /// A hint, if any.
        hint: Option<String>,
    },
    /// The embedded database (SqliteStore) failed: it cannot be opened, it was written by a newer
    /// version, or a statement failed.
    #[error("database error: {message}")]
    Database {
        /// What SQLite said.
        message: String,
    },
    /// The request could not be sent or its answer read (connection, timeout, bad response).
    #[error("HTTP request failed: {message}")]
    Http {
        /// What happened.
        message: String,
    },
    /// Some batches of a bulk upsert were stored and some failed (after their retries). Running
    /// the same upsert again converges: upserts are idempotent.
    #[error("{} of {} batches were stored, {} failed (first error: {first_error})", committed.len(), committed.len() + failed.len(), failed.len())]
    PartialUpsert {
        /// Indexes (0-based) of the batches that were stored.
        committed: Vec<usize>,
        /// Indexes of the batches that failed.
        failed: Vec<usize>,
        /// Leads per batch (the last one may be shorter), after removing duplicate Lead IDs.
        batch_size: usize,
        /// What the stored batches did.
        outcome: crate::model::UpsertOutcome,
        /// The first failure, as text.
        first_error: String,
    },
    /// The import's progress callback asked it to stop, so it stopped there. What had been
    /// stored by then stays stored (in strict mode, nothing is stored before the whole file
    /// has been checked).
    #[error("the import was stopped by its progress callback; {batches} batches were stored ({} leads)", stored.inserted + stored.updated + stored.unchanged)]
    Interrupted {
        /// What the stored batches did.
        stored: crate::model::UpsertOutcome,
        /// How many batches were stored before the stop.
        batches: usize,
    },
    /// A strict import found errors, so nothing was stored; the report says what to fix.
    #[error("the file has errors ({} invalid rows); nothing was imported", report.invalid)]
    ImportRejected {
        /// The validation report.
        report: Box<crate::model::Report>,
    },
    /// The actor's role in the workspace does not allow this (DESIGN §6's role table).
    #[error("forbidden: {role} may not {permission}")]
    Forbidden {
        /// The permission the operation needs (`import`, `manage_members`, ...), or `member`
        /// for someone who is not a member of the workspace.
        permission: String,
        /// The actor's role there (`none` for a non-member).
        role: String,
    },
    /// Too many failed logins for this username lately (5 in 15 minutes): refused, even with
    /// the right password, until the window has passed.
    #[error("too many failed logins for this username; try again in {retry_after_secs} s")]
    TooManyAttempts {
        /// Seconds until a login may be tried again.
        retry_after_secs: u64,
    },
    /// A member or team that the workspace already has (names compared case-insensitively).
    #[error("{what} {name:?} already exists")]
    AlreadyExists {
        /// `"member"` or `"team"`.
        what: &'static str,
        /// Its name.
        name: String,
    },
}

impl Error {
    /// Wraps a kind.
    #[must_use]
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwraps the kind.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Every [`code`](Self::code), in the order of [`ErrorKind`]'s variants: the list bindings
    /// map to their own errors (a test fails when one of theirs differs).
    pub const CODES: [&'static str; 21] = [
        "invalid_option",
        "io",
        "finished",
        "invalid_username",
        "invalid_password",
        "username_taken",
        "invalid_credentials",
        "invalid_token",
        "invalid_query",
        "not_found",
        "invalid_lead",
        "salesperson_exists",
        "backend",
        "database",
        "http",
        "partial_upsert",
        "interrupted",
        "import_rejected",
        "forbidden",
        "too_many_attempts",
        "already_exists",
    ];

    /// A stable snake_case name of the kind, for bindings and logs (`"invalid_option"`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match *self.0 {
            ErrorKind::InvalidOption { .. } => "invalid_option",
            ErrorKind::Io { .. } => "io",
            ErrorKind::Finished => "finished",
            ErrorKind::InvalidUsername { .. } => "invalid_username",
            ErrorKind::InvalidPassword { .. } => "invalid_password",
            ErrorKind::UsernameTaken { .. } => "username_taken",
            ErrorKind::InvalidCredentials => "invalid_credentials",
            ErrorKind::InvalidToken { .. } => "invalid_token",
            ErrorKind::InvalidQuery { .. } => "invalid_query",
            ErrorKind::NotFound { .. } => "not_found",
            ErrorKind::InvalidLead { .. } => "invalid_lead",
            ErrorKind::SalespersonExists { .. } => "salesperson_exists",
            ErrorKind::ImportRejected { .. } => "import_rejected",
            ErrorKind::Backend { .. } => "backend",
            ErrorKind::PartialUpsert { .. } => "partial_upsert",
            ErrorKind::Database { .. } => "database",
            ErrorKind::Http { .. } => "http",
            ErrorKind::Interrupted { .. } => "interrupted",
            ErrorKind::Forbidden { .. } => "forbidden",
            ErrorKind::TooManyAttempts { .. } => "too_many_attempts",
            ErrorKind::AlreadyExists { .. } => "already_exists",
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io { source } => Some(source),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Self {
        Error::new(ErrorKind::Io { source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each kind; the match without a wildcard stops compiling when a kind is
    /// added and not listed here.
    fn one_of_each() -> Vec<ErrorKind> {
        let text = || String::from("x");
        let all = vec![
            ErrorKind::InvalidOption { option: text(), message: text() },
            ErrorKind::Io { source: std::io::Error::other("x") },
            ErrorKind::Finished,
            ErrorKind::InvalidUsername { message: text() },
            ErrorKind::InvalidPassword { message: text() },
            ErrorKind::UsernameTaken { username: text() },
            ErrorKind::InvalidCredentials,
            ErrorKind::InvalidToken { reason: text() },
            ErrorKind::InvalidQuery { parameter: text(), message: text() },
            ErrorKind::NotFound { what: "lead", id: text() },
            ErrorKind::InvalidLead { issues: Vec::new() },
            ErrorKind::SalespersonExists { name: text() },
            ErrorKind::Backend { status: 500, code: None, message: text(), details: None, hint: None },
            ErrorKind::Database { message: text() },
            ErrorKind::Http { message: text() },
            ErrorKind::PartialUpsert {
                committed: Vec::new(),
                failed: Vec::new(),
                batch_size: 1,
                outcome: crate::model::UpsertOutcome::default(),
                first_error: text(),
            },
            ErrorKind::Interrupted { stored: crate::model::UpsertOutcome::default(), batches: 0 },
            ErrorKind::ImportRejected {
                report: Box::new(crate::model::Report {
                    encoding: crate::model::Encoding::Utf8,
                    delimiter: crate::model::Delimiter::Comma,
                    columns: Vec::new(),
                    suggestions: std::collections::BTreeMap::new(),
                    rows: 0,
                    valid: 0,
                    invalid: 0,
                    issues: Vec::new(),
                    issues_truncated: false,
                }),
            },
            ErrorKind::Forbidden { permission: text(), role: text() },
            ErrorKind::TooManyAttempts { retry_after_secs: 1 },
            ErrorKind::AlreadyExists { what: "team", name: text() },
        ];
        for kind in &all {
            match kind {
                ErrorKind::InvalidOption { .. }
                | ErrorKind::Io { .. }
                | ErrorKind::Finished
                | ErrorKind::InvalidUsername { .. }
                | ErrorKind::InvalidPassword { .. }
                | ErrorKind::UsernameTaken { .. }
                | ErrorKind::InvalidCredentials
                | ErrorKind::InvalidToken { .. }
                | ErrorKind::InvalidQuery { .. }
                | ErrorKind::NotFound { .. }
                | ErrorKind::InvalidLead { .. }
                | ErrorKind::SalespersonExists { .. }
                | ErrorKind::Backend { .. }
                | ErrorKind::Database { .. }
                | ErrorKind::Http { .. }
                | ErrorKind::PartialUpsert { .. }
                | ErrorKind::Interrupted { .. }
                | ErrorKind::ImportRejected { .. }
                | ErrorKind::Forbidden { .. }
                | ErrorKind::TooManyAttempts { .. }
                | ErrorKind::AlreadyExists { .. } => {}
            }
        }
        all
    }

    #[test]
    fn codes_lists_every_kind_once_in_order() {
        let codes: Vec<&str> = one_of_each().into_iter().map(|k| Error::new(k).code()).collect();
        assert_eq!(codes, Error::CODES);
    }
}
