//! Accounts: registration and login (DESIGN §6), on any store.

use crate::auth::{
    PasswordMatch, PasswordParams, TokenSigner, check_password, check_username, hash_password, new_uuid,
    verify_password,
};
use crate::error::{ErrorKind, Result};
use crate::model::{Session, Timestamp, User};
use crate::store::Store;

/// Registers a user.
///
/// # Errors
/// [`ErrorKind::InvalidUsername`], [`ErrorKind::InvalidPassword`], [`ErrorKind::UsernameTaken`],
/// or the store's error.
pub async fn register<S: Store + ?Sized>(
    store: &S,
    username: &str,
    password: &str,
    params: PasswordParams,
) -> Result<User> {
    check_username(username)?;
    check_password(password)?;
    let hash = hash_password(password, params);
    store.create_user(new_uuid(), username, &hash).await
}

/// Logs a user in and issues a token. A legacy plaintext password is accepted once and
/// replaced by its Argon2id hash.
///
/// # Errors
/// [`ErrorKind::InvalidCredentials`] for an unknown user or a wrong password (the same error,
/// and about the same time, for both), or the store's error.
pub async fn login<S: Store + ?Sized>(
    store: &S,
    signer: &TokenSigner,
    username: &str,
    password: &str,
    params: PasswordParams,
    now: Timestamp,
) -> Result<Session> {
    // A name that could never be registered is refused before any lookup (no store may read a
    // character of it as a pattern); an unknown name costs one verification, as a wrong
    // password does, so neither the answer nor its time tells which usernames exist.
    let record = match check_username(username) {
        Ok(()) => store.find_user(username).await?,
        Err(_) => None,
    };
    let Some(record) = record else {
        let _ = verify_password(password, &dummy_hash(params));
        return Err(ErrorKind::InvalidCredentials.into());
    };
    match verify_password(password, &record.password) {
        PasswordMatch::No => return Err(ErrorKind::InvalidCredentials.into()),
        PasswordMatch::LegacyPlaintext => {
            store.set_password(record.user.uuid, &hash_password(password, params)).await?;
        }
        PasswordMatch::Hashed => {}
    }
    let token = signer.issue(record.user.uuid, now);
    Ok(Session { uuid: record.user.uuid, username: record.user.username, token })
}

/// The hash an unknown username is checked against: computed once per parameters, so that
/// path costs one verification, like a wrong password.
fn dummy_hash(params: PasswordParams) -> String {
    use std::sync::{Mutex, OnceLock};
    static HASHES: OnceLock<Mutex<Vec<(PasswordParams, String)>>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| Mutex::new(Vec::new()));
    let mut hashes = hashes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, hash)) = hashes.iter().find(|(p, _)| *p == params) {
        return hash.clone();
    }
    let hash = hash_password("not a password of anyone", params);
    hashes.push((params, hash.clone()));
    hash
}
