//! SupabaseStore through the store-agnostic suite, against PostgreSQL and postrust (a
//! PostgREST-compatible server) started by ./scripts/test, which sets LEADS_TEST_API_URL (an
//! empty database with the migrations) and LEADS_TEST_JWT_SECRET.

#![cfg(feature = "supabase")]

mod test_server;

mod store_suite;

use leads_core::{SupabaseOptions, SupabaseStore, Timestamp, TokenSigner};

#[test]
fn supabase_store_passes_the_suite() {
    let Some((url, secret)) = test_server::test_server() else { return };
    let key = TokenSigner::new(secret).unwrap().issue_service_key(Timestamp::now());
    let store = SupabaseStore::new(&url, &key, SupabaseOptions::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(store_suite::run(&store));
    // A store of its own for the multi-threaded runtime: a reqwest client's pooled connections
    // belong to the runtime they were opened on.
    let threads = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let shared = std::sync::Arc::new(SupabaseStore::new(&url, &key, SupabaseOptions::default()).unwrap());
    threads.block_on(store_suite::spawned_work(shared, ""));
}

/// Tokens issued by our login are accepted by the server, `auth.uid()` sees the user, and Row
/// Level Security keeps each user to their own leads.
#[test]
fn login_tokens_act_as_the_user_under_row_level_security() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::{ImportMode, ImportOptions, LeadQuery, PasswordParams, Store};
    let signer = TokenSigner::new(secret).unwrap();
    let service =
        SupabaseStore::new(&url, &signer.issue_service_key(Timestamp::now()), SupabaseOptions::default())
            .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let params = PasswordParams::insecure_for_tests();
        let tag = &leads_core::new_uuid().simple().to_string()[..8];
        let mut sessions = Vec::new();
        for who in ["amy", "ben"] {
            let name = format!("rls_{who}_{tag}");
            leads_core::register(&service, &name, "password-123", params).await.unwrap();
            sessions.push(leads_core::login(&service, &signer, &name, "password-123", params, Timestamp::now()).await.unwrap());
        }
        // A publishable-style key for the API plus the user's token, as a browser would hold.
        let anon_key = "not-a-service-key";
        let as_user = |token: &str| SupabaseStore::new(&url, anon_key, SupabaseOptions::default()).unwrap().with_access_token(token);
        let (amy, ben) = (as_user(&sessions[0].token), as_user(&sessions[1].token));
        let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nR-1,Amy's,a@example.com,Web,High,New\n";
        let done = amy.import_csv(sessions[0].uuid, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await.unwrap();
        assert_eq!(done.imported.inserted, 1);
        let all: LeadQuery = "total=true".parse().unwrap();
        assert_eq!(amy.query(sessions[0].uuid, &all).await.unwrap().total, Some(1));
        // Ben sees nothing of Amy's, even asking for her id, and cannot write as her.
        assert_eq!(ben.query(sessions[0].uuid, &all).await.unwrap().total, Some(0));
        assert_eq!(ben.get_lead(sessions[0].uuid, "R-1").await.unwrap_err().code(), "not_found");
        assert_eq!(ben.delete_lead(sessions[0].uuid, "R-1").await.unwrap_err().code(), "not_found");
        let forged = ben.import_csv(sessions[0].uuid, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await;
        assert!(forged.is_err(), "writing another user's leads is refused");
        // A forged token (another secret) sees nothing.
        let other = TokenSigner::new("another-secret-at-least-32-bytes-long").unwrap().issue(sessions[0].uuid, Timestamp::now());
        assert!(as_user(&other).query(sessions[0].uuid, &all).await.is_err());
        assert_eq!(amy.get_lead(sessions[0].uuid, "R-1").await.unwrap().lead.lead_name, "Amy's");
    });
}
