//! The PostgREST-compatible server that ./scripts/test starts (postrust in front of a fresh
//! PostgreSQL with the migrations): its API URL and JWT secret, or `None` (the test says it was
//! skipped) when they are not set.

#![allow(dead_code, unreachable_pub)]

/// `(LEADS_TEST_API_URL, LEADS_TEST_JWT_SECRET)`, or `None` after saying the test is skipped.
pub fn test_server() -> Option<(String, String)> {
    match (std::env::var("LEADS_TEST_API_URL"), std::env::var("LEADS_TEST_JWT_SECRET")) {
        (Ok(url), Ok(secret)) => Some((url, secret)),
        _ => {
            eprintln!(
                "skipped: LEADS_TEST_API_URL / LEADS_TEST_JWT_SECRET not set (./scripts/test starts the server and sets them)"
            );
            None
        }
    }
}
