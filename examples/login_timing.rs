//! Login timing: the median time of 50 logins as an unknown username and of 50 with a wrong
//! password, on MemoryStore and (when `LEADS_TEST_API_URL` and `LEADS_TEST_JWT_SECRET` are set)
//! on SupabaseStore, with the default Argon2id parameters. Both paths must cost one
//! verification, so the ratio stays near 1 and timing does not tell which usernames exist.
//!
//! ```text
//! cargo run --release --example login_timing
//! # with SupabaseStore too (a PostgREST-compatible server, see supabase_import.rs):
//! LEADS_TEST_API_URL=$API LEADS_TEST_JWT_SECRET=$SECRET cargo run --release --example login_timing
//! ```
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use leads_core::{PasswordParams, Store, SupabaseOptions, SupabaseStore, Timestamp, TokenSigner};

const ATTEMPTS: usize = 50;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Median of unknown-user and wrong-password logins, interleaved so drift hits both alike.
async fn measure<S: Store>(store: &S, name: &str) -> Result<(Duration, Duration), leads_core::Error> {
    let params = PasswordParams::default();
    let signer = TokenSigner::new("login-timing-secret-of-at-least-32-bytes")?;
    leads_core::register(store, name, "the right password", params).await?;
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    let start = Timestamp::now().as_micros();
    for i in 0..ATTEMPTS {
        // Each attempt a throttling window (15 minutes) after the last, so the wrong passwords
        // are never refused for being too many: the path measured is a verification each time.
        let at = Timestamp::from_micros(start + i as i64 * (leads_core::LOGIN_WINDOW_SECS + 1) * 1_000_000);
        let started = Instant::now();
        let e = leads_core::login(store, &signer, &format!("{name}_nobody{i}"), "a guess 123", params, at)
            .await
            .unwrap_err();
        unknown.push(started.elapsed());
        assert_eq!(e.code(), "invalid_credentials");
        let started = Instant::now();
        let e = leads_core::login(store, &signer, name, "a guess 123", params, at).await.unwrap_err();
        wrong.push(started.elapsed());
        assert_eq!(e.code(), "invalid_credentials");
    }
    Ok((median(unknown), median(wrong)))
}

fn print(store: &str, (unknown, wrong): (Duration, Duration)) {
    println!(
        "{store:<14} unknown user {:>7.2} ms   wrong password {:>7.2} ms   ratio {:.2}",
        unknown.as_secs_f64() * 1e3,
        wrong.as_secs_f64() * 1e3,
        unknown.as_secs_f64() / wrong.as_secs_f64()
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    println!("median of {ATTEMPTS} logins each, default Argon2id parameters");
    print("MemoryStore", runtime.block_on(measure(&leads_core::MemoryStore::new(), "timing_ann"))?);
    if let (Ok(url), Ok(secret)) =
        (std::env::var("LEADS_TEST_API_URL"), std::env::var("LEADS_TEST_JWT_SECRET"))
    {
        let key = TokenSigner::new(secret)?.issue_service_key(Timestamp::now());
        let store = SupabaseStore::new(&url, &key, SupabaseOptions::default())?;
        let name = format!("timing_{}", &leads_core::new_uuid().to_string()[..8]);
        print("SupabaseStore", runtime.block_on(measure(&store, &name))?);
    } else {
        println!("SupabaseStore  skipped: LEADS_TEST_API_URL / LEADS_TEST_JWT_SECRET not set");
    }
    Ok(())
}
