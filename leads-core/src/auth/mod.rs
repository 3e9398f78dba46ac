//! Who may do what: usernames, passwords (Argon2id) and tokens (HS256) (DESIGN §6).

pub(crate) mod password;
pub(crate) mod roles;
pub(crate) mod token;

pub use password::{
    PasswordMatch, PasswordParams, RESERVED_USERNAMES, check_password, check_username, hash_password,
    new_uuid, verify_password,
};
pub use roles::{Access, Permission, Role, Scope};
pub use token::{Claims, DEFAULT_TOKEN_TTL_SECS, MAX_TOKEN_TTL_SECS, TokenSigner};
