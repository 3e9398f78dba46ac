//! Users as the stores keep them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::time::Timestamp;

/// A registered user, without secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The user's id (UUID v4).
    pub uuid: Uuid,
    /// The username as registered (matching is case-insensitive).
    pub username: String,
    /// When the user registered.
    pub created_at: Timestamp,
}

/// A user as stored: with the password hash (an Argon2id PHC string, or a legacy plaintext
/// password from the seed database, replaced on the next login).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// The user.
    pub user: User,
    /// The stored password.
    pub password: String,
}

/// A successful login: the user and a token for the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The user's id.
    pub uuid: Uuid,
    /// The username as registered.
    pub username: String,
    /// An HS256 JWT for `Authorization: Bearer`.
    pub token: String,
}

/// A user with what account security needs: the stored password and the time before which
/// their tokens are refused (moved to now by a password change and by "log out everywhere").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The user and password hash.
    pub record: UserRecord,
    /// Tokens issued before it are refused (whole seconds).
    pub tokens_valid_after: Timestamp,
}
