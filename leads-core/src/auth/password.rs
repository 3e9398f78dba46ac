//! Users: registration rules, password hashing (Argon2id) and login (DESIGN §6).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use uuid::Uuid;

use crate::error::{Error, ErrorKind, Result};

/// Usernames that would clash with the REST routes (`/user`, `/login`).
pub const RESERVED_USERNAMES: [&str; 2] = ["user", "login"];

/// Argon2id cost parameters. The default is OWASP's recommendation: 19 MiB of memory,
/// 2 passes, 1 lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        PasswordParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 }
    }
}

impl PasswordParams {
    /// The cheapest parameters Argon2 allows: for tests only, never for real passwords.
    #[must_use]
    pub fn insecure_for_tests() -> Self {
        PasswordParams { memory_kib: 8, iterations: 1, parallelism: 1 }
    }

    fn argon2(self) -> Argon2<'static> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .unwrap_or_else(|_| Params::default());
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// Fills `buf` with random bytes from the operating system (or the browser, in leads-wasm).
pub(crate) fn random_bytes(buf: &mut [u8]) {
    // Without randomness no user or salt can be made safely: this only fails on a broken host.
    getrandom::getrandom(buf).unwrap_or_else(|e| panic!("the system random source failed: {e}"));
}

/// A random UUID v4 (uuid's own, from the system's random source or, in leads-wasm, the
/// browser's).
#[must_use]
pub fn new_uuid() -> Uuid {
    Uuid::new_v4()
}

/// Checks a username: 3 to 64 of `A-Z a-z 0-9 _ . -`, not `user` or `login`.
///
/// # Errors
/// [`ErrorKind::InvalidUsername`] saying why.
pub fn check_username(username: &str) -> Result<()> {
    let bad = |message: String| Err(Error::new(ErrorKind::InvalidUsername { message }));
    let n = username.chars().count();
    if !(3..=64).contains(&n) {
        return bad(format!("must be 3 to 64 characters long (this one has {n})"));
    }
    if let Some(c) = username.chars().find(|c| !(c.is_ascii_alphanumeric() || "_.-".contains(*c))) {
        return bad(format!("may only hold letters, digits, '_', '.' and '-' (not {c:?})"));
    }
    if RESERVED_USERNAMES.iter().any(|r| r.eq_ignore_ascii_case(username)) {
        return bad(format!("{username:?} is reserved"));
    }
    Ok(())
}

/// Checks a password: 8 to 1024 characters.
///
/// # Errors
/// [`ErrorKind::InvalidPassword`] saying why.
pub fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if !(8..=1024).contains(&n) {
        let message = if n < 8 {
            format!("must be at least 8 characters (this one has {n})")
        } else {
            "must be at most 1024 characters".into()
        };
        return Err(Error::new(ErrorKind::InvalidPassword { message }));
    }
    Ok(())
}

/// Hashes a password into an Argon2id PHC string.
#[must_use]
pub fn hash_password(password: &str, params: PasswordParams) -> String {
    let mut salt = [0; 16];
    random_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).unwrap_or_else(|_| unreachable!("16 bytes is a valid salt"));
    params
        .argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|e| unreachable!("Argon2 takes any password: {e}"))
}

/// How a stored password matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordMatch {
    /// The Argon2 hash matched.
    Hashed,
    /// A legacy plaintext password matched: hash it now.
    LegacyPlaintext,
    /// No match.
    No,
}

/// Checks `password` against a stored value: an Argon2 PHC string, or (seed databases) a
/// plaintext password, compared in constant time.
#[must_use]
pub fn verify_password(password: &str, stored: &str) -> PasswordMatch {
    if stored.starts_with("$argon2") {
        let ok = PasswordHash::new(stored)
            .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok());
        if ok { PasswordMatch::Hashed } else { PasswordMatch::No }
    } else {
        use subtle::ConstantTimeEq;
        if !stored.is_empty() && bool::from(password.as_bytes().ct_eq(stored.as_bytes())) {
            PasswordMatch::LegacyPlaintext
        } else {
            PasswordMatch::No
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords() {
        for ok in ["ann", "Ann.Lee_2-x", &"a".repeat(64)] {
            check_username(ok).unwrap();
        }
        for bad in ["an", &"a".repeat(65), "ann lee", "zoë", "USER", "login", "a/b", ""] {
            assert_eq!(check_username(bad).unwrap_err().code(), "invalid_username", "{bad}");
        }
        check_password("12345678").unwrap();
        assert_eq!(check_password("1234567").unwrap_err().code(), "invalid_password");
    }

    #[test]
    fn hashes_verify_and_legacy_plaintext_matches() {
        let params = PasswordParams::insecure_for_tests();
        let hash = hash_password("correct horse", params);
        assert!(hash.starts_with("$argon2id$"));
        assert_eq!(verify_password("correct horse", &hash), PasswordMatch::Hashed);
        assert_eq!(verify_password("wrong horse", &hash), PasswordMatch::No);
        assert_ne!(hash, hash_password("correct horse", params), "salted");
        assert_eq!(verify_password("plain-old", "plain-old"), PasswordMatch::LegacyPlaintext);
        assert_eq!(verify_password("plain-old", "plain-new"), PasswordMatch::No);
        assert_eq!(verify_password("", ""), PasswordMatch::No);
    }
}
