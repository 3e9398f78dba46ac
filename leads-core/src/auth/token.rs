//! Session tokens: HS256 JWTs (`sub` = user uuid, `role` = `authenticated`, `iat`, `exp`), so that
//! signed with a Supabase project's JWT secret, PostgREST's `auth.uid()` and RLS see the user.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::{Error, ErrorKind, Result};
use crate::model::Timestamp;

/// Default token lifetime: one hour.
pub const DEFAULT_TOKEN_TTL_SECS: i64 = 3600;
/// The longest lifetime a token may have: 24 hours (longer ones are refused).
pub const MAX_TOKEN_TTL_SECS: i64 = 24 * 3600;

/// A token's claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's uuid.
    pub sub: Uuid,
    /// Always `authenticated` (the PostgREST role).
    pub role: String,
    /// Audience, `authenticated` (as Supabase issues).
    pub aud: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
}

/// Issues and verifies tokens with one secret.
#[derive(Clone)]
pub struct TokenSigner {
    secret: Vec<u8>,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner").field("secret", &"<hidden>").field("ttl_secs", &self.ttl_secs).finish()
    }
}

fn refuse(reason: &str) -> Error {
    Error::new(ErrorKind::InvalidToken { reason: reason.into() })
}

impl TokenSigner {
    /// A signer with `secret` (at least 32 bytes, as Supabase's are) and a one-hour lifetime.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for a secret shorter than 32 bytes.
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self> {
        let secret = secret.into();
        if secret.len() < 32 {
            return Err(Error::new(ErrorKind::InvalidOption {
                option: "jwt_secret".into(),
                message: format!("must be at least 32 bytes (got {})", secret.len()),
            }));
        }
        Ok(TokenSigner { secret, ttl_secs: DEFAULT_TOKEN_TTL_SECS })
    }

    /// The same signer with another lifetime, in seconds (1 to [`MAX_TOKEN_TTL_SECS`]; outside
    /// that, the nearest bound).
    #[must_use]
    pub fn with_ttl(mut self, secs: i64) -> Self {
        self.ttl_secs = secs.clamp(1, MAX_TOKEN_TTL_SECS);
        self
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
    }

    /// A token for `user`, issued at `now`.
    #[must_use]
    pub fn issue(&self, user: Uuid, now: Timestamp) -> String {
        let claims = Claims {
            sub: user,
            role: "authenticated".into(),
            aud: "authenticated".into(),
            iat: now.as_secs(),
            exp: now.as_secs() + self.ttl_secs,
        };
        self.sign(&claims)
    }

    /// A `service_role` key signed with this secret, for a server talking to its own PostgREST
    /// (a local one, or where the project's secret is known). It bypasses Row Level Security:
    /// never send it to a browser.
    #[must_use]
    pub fn issue_service_key(&self, now: Timestamp) -> String {
        self.sign(&Claims {
            sub: Uuid::nil(),
            role: "service_role".into(),
            aud: "authenticated".into(),
            iat: now.as_secs(),
            exp: now.as_secs() + self.ttl_secs,
        })
    }

    fn sign(&self, claims: &Claims) -> String {
        let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = B64.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        format!("{signing_input}.{}", B64.encode(mac.finalize().into_bytes()))
    }

    /// Checks a token's signature (HS256 only: `alg: none` and every other algorithm are
    /// refused), then its expiry against `now`, its role and audience (`authenticated`), and
    /// that it lives at most [`MAX_TOKEN_TTL_SECS`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidToken`] saying why.
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Claims> {
        let mut parts = token.trim().split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(refuse("not a JWT (three dot-separated parts)"));
        };
        #[derive(Deserialize)]
        struct Header {
            alg: String,
        }
        let header_json = B64.decode(header).map_err(|_| refuse("the header is not base64url"))?;
        let h: Header = serde_json::from_slice(&header_json).map_err(|_| refuse("the header is not JSON"))?;
        if h.alg != "HS256" {
            return Err(refuse(&format!("algorithm {:?} is not accepted (only HS256)", h.alg)));
        }
        let signature = B64.decode(signature).map_err(|_| refuse("the signature is not base64url"))?;
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature).map_err(|_| refuse("bad signature (tampered, or another secret)"))?;
        let payload = B64.decode(payload).map_err(|_| refuse("the payload is not base64url"))?;
        let claims: Claims =
            serde_json::from_slice(&payload).map_err(|_| refuse("the claims are not as issued"))?;
        if claims.exp <= now.as_secs() {
            return Err(refuse("expired"));
        }
        if claims.role != "authenticated" {
            return Err(refuse("not a user token"));
        }
        if claims.aud != "authenticated" {
            return Err(refuse("not for this audience (aud must be authenticated)"));
        }
        if claims.exp - claims.iat > MAX_TOKEN_TTL_SECS {
            return Err(refuse("it lives longer than 24 hours"));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_and_lifetime_are_checked() {
        let signer = TokenSigner::new("a secret of at least thirty-two bytes!!").unwrap();
        let now = Timestamp::from_micros(1_800_000_000_000_000);
        let claims = |aud: &str, ttl: i64| Claims {
            sub: Uuid::from_u128(5),
            role: "authenticated".into(),
            aud: aud.into(),
            iat: now.as_secs(),
            exp: now.as_secs() + ttl,
        };
        assert!(signer.verify(&signer.sign(&claims("authenticated", 3600)), now).is_ok());
        let other = signer.verify(&signer.sign(&claims("another-app", 3600)), now).unwrap_err();
        assert!(other.to_string().contains("audience"), "{other}");
        let long =
            signer.verify(&signer.sign(&claims("authenticated", MAX_TOKEN_TTL_SECS + 1)), now).unwrap_err();
        assert!(long.to_string().contains("24 hours"), "{long}");
        let capped = signer.clone().with_ttl(10 * MAX_TOKEN_TTL_SECS).issue(Uuid::from_u128(5), now);
        let c = signer.verify(&capped, now).unwrap();
        assert_eq!(c.exp - c.iat, MAX_TOKEN_TTL_SECS);
    }

    const SECRET: &str = "a-test-secret-that-is-32-bytes-long!";

    #[test]
    fn issues_and_verifies_and_refuses() {
        let signer = TokenSigner::new(SECRET).unwrap();
        let user = Uuid::from_u128(7);
        let now = Timestamp::from_micros(1_800_000_000_000_000);
        let token = signer.issue(user, now);
        let claims = signer.verify(&token, now).unwrap();
        assert_eq!((claims.sub, claims.exp - claims.iat), (user, 3600));

        let later = Timestamp::from_micros(now.as_micros() + 3600 * 1_000_000);
        assert!(signer.verify(&token, later).unwrap_err().to_string().contains("expired"));
        let other = TokenSigner::new("another-secret-also-32-bytes-long!!").unwrap();
        assert!(other.verify(&token, now).is_err());
        // Tampered claims: another user in the payload, old signature.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = serde_json::to_vec(&Claims { sub: Uuid::from_u128(8), ..claims.clone() }).unwrap();
        let tampered = format!("{}.{}.{}", parts[0], B64.encode(forged), parts[2]);
        assert!(signer.verify(&tampered, now).unwrap_err().to_string().contains("bad signature"));
        // alg: none.
        let none = format!("{}.{}.", B64.encode(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
        assert!(signer.verify(&none, now).unwrap_err().to_string().contains("\"none\""));
        assert!(signer.verify("garbage", now).is_err());
        assert!(TokenSigner::new("short").is_err());
    }
}
