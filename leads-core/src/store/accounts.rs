//! Accounts: registration, login with throttling, tokens that a password change or "log out
//! everywhere" revokes (DESIGN §6), on any store.

use crate::auth::Claims;
use crate::auth::{
    PasswordMatch, PasswordParams, TokenSigner, check_password, check_username, hash_password, new_uuid,
    verify_password,
};
use crate::error::{ErrorKind, Result};
use crate::model::{Session, Timestamp, User};
use crate::store::Store;

/// Failed logins for one username within [`LOGIN_WINDOW_SECS`] after which it is refused.
pub const MAX_FAILED_LOGINS: usize = 5;
/// The throttling window: 15 minutes.
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;

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
/// replaced by its Argon2id hash. After [`MAX_FAILED_LOGINS`] failures for a username within
/// [`LOGIN_WINDOW_SECS`] (counted in the store, so across processes), further attempts are
/// refused until the window has passed, even with the right password.
///
/// # Errors
/// [`ErrorKind::InvalidCredentials`] for an unknown user or a wrong password (the same error,
/// and about the same time, for both); [`ErrorKind::TooManyAttempts`] with the seconds to wait;
/// or the store's error.
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
    let valid = check_username(username).is_ok();
    let key = username.to_lowercase();
    if valid {
        let since = Timestamp::from_micros(now.as_micros() - LOGIN_WINDOW_SECS * 1_000_000);
        let failures = store.login_failures(&key, since).await?;
        if failures.len() >= MAX_FAILED_LOGINS {
            // Refused attempts are not counted: the window ends when enough failures leave it.
            let frees =
                failures[failures.len() - MAX_FAILED_LOGINS].as_micros() + LOGIN_WINDOW_SECS * 1_000_000;
            let wait = u64::try_from(frees - now.as_micros()).unwrap_or(0).max(1);
            let retry_after_secs = wait.div_ceil(1_000_000);
            return Err(ErrorKind::TooManyAttempts { retry_after_secs }.into());
        }
    }
    let record = if valid { store.find_user(username).await? } else { None };
    let Some(record) = record else {
        let _ = verify_password(password, &dummy_hash(params));
        if valid {
            store.record_login_failure(&key, now).await?;
        }
        return Err(ErrorKind::InvalidCredentials.into());
    };
    match verify_password(password, &record.password) {
        PasswordMatch::No => {
            store.record_login_failure(&key, now).await?;
            return Err(ErrorKind::InvalidCredentials.into());
        }
        PasswordMatch::LegacyPlaintext => {
            store.set_password(record.user.uuid, &hash_password(password, params)).await?;
        }
        PasswordMatch::Hashed => {}
    }
    store.clear_login_failures(&key).await?;
    // Issued no earlier than the user's revocation time, so a login right after a revocation
    // (in the same second) gives a token that works.
    let valid_after = store.account(record.user.uuid).await?.map_or(now, |a| a.tokens_valid_after);
    let token = signer.issue(record.user.uuid, now.max(valid_after));
    Ok(Session { uuid: record.user.uuid, username: record.user.username, token })
}

/// Verifies a token: its signature, audience and lifetime, and that its user exists and has not
/// revoked it (a password change or "log out everywhere" since it was issued).
///
/// # Errors
/// [`ErrorKind::InvalidToken`] saying why.
pub async fn authenticate<S: Store + ?Sized>(
    store: &S,
    signer: &TokenSigner,
    token: &str,
    now: Timestamp,
) -> Result<Claims> {
    let claims = signer.verify(token, now)?;
    let refused = |reason: &str| ErrorKind::InvalidToken { reason: reason.into() }.into();
    let Some(account) = store.account(claims.sub).await? else {
        return Err(refused("its user does not exist"));
    };
    if claims.iat < account.tokens_valid_after.as_secs() {
        return Err(refused(
            "it was revoked (a password change or a log out everywhere since it was issued)",
        ));
    }
    Ok(claims)
}

/// Refuses every token of `user` issued until now: tokens are valid from the next whole second
/// on (and from after the previous revocation's time, when that is later).
///
/// # Errors
/// [`ErrorKind::NotFound`] for an unknown user, or the store's error.
pub async fn logout_everywhere<S: Store + ?Sized>(store: &S, user: uuid::Uuid, now: Timestamp) -> Result<()> {
    let account = store
        .account(user)
        .await?
        .ok_or_else(|| ErrorKind::NotFound { what: "user", id: user.to_string() })?;
    // Past every token issued so far: those of this second, and those a login right after an
    // earlier revocation dated at its time.
    let secs = (now.as_secs() + 1).max(account.tokens_valid_after.as_secs() + 1);
    store.set_tokens_valid_after(user, Timestamp::from_micros(secs * 1_000_000)).await
}

/// Changes a user's password (the current one required) and revokes their earlier tokens.
///
/// # Errors
/// [`ErrorKind::InvalidCredentials`] for a wrong current password;
/// [`ErrorKind::InvalidPassword`] for an unusable new one; [`ErrorKind::NotFound`].
pub async fn change_password<S: Store + ?Sized>(
    store: &S,
    user: uuid::Uuid,
    current: &str,
    new: &str,
    params: PasswordParams,
    now: Timestamp,
) -> Result<()> {
    check_password(new)?;
    let account = store
        .account(user)
        .await?
        .ok_or_else(|| ErrorKind::NotFound { what: "user", id: user.to_string() })?;
    if verify_password(current, &account.record.password) == PasswordMatch::No {
        return Err(ErrorKind::InvalidCredentials.into());
    }
    store.set_password(user, &hash_password(new, params)).await?;
    logout_everywhere(store, user, now).await
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
