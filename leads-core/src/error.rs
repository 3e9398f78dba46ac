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

    /// A stable snake_case name of the kind, for bindings and logs (`"invalid_option"`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match *self.0 {
            ErrorKind::InvalidOption { .. } => "invalid_option",
            ErrorKind::Io { .. } => "io",
            ErrorKind::Finished => "finished",
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
