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

/// A raw PostgREST request with a user's token, as a browser holding the publishable key sends it.
fn raw(http: &reqwest::Client, method: reqwest::Method, url: String, token: &str) -> reqwest::RequestBuilder {
    http.request(method, url)
        .header("apikey", "not-a-service-key")
        .header("Authorization", format!("Bearer {token}"))
}

/// Registers `names` (with `prefix` and a random tag) through the service key and logs them in.
async fn two_users(url: &str, secret: &str, prefix: &str, names: &[&str]) -> Vec<leads_core::Session> {
    let signer = TokenSigner::new(secret).unwrap();
    let service =
        SupabaseStore::new(url, &signer.issue_service_key(Timestamp::now()), SupabaseOptions::default())
            .unwrap();
    let params = leads_core::PasswordParams::insecure_for_tests();
    let tag = &leads_core::new_uuid().simple().to_string()[..8];
    let mut sessions = Vec::new();
    for &who in names {
        let name = format!("{prefix}_{who}_{tag}");
        leads_core::register(&service, &name, "password-123", params).await.unwrap();
        sessions.push(
            leads_core::login(&service, &signer, &name, "password-123", params, Timestamp::now())
                .await
                .unwrap(),
        );
    }
    sessions
}

/// Tokens issued by our login are accepted by the server, `auth.uid()` sees the user, and Row
/// Level Security keeps each user to their own leads.
#[test]
fn login_tokens_act_as_the_user_under_row_level_security() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::{ImportMode, ImportOptions, LeadQuery, Store};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let sessions = two_users(&url, &secret, "rls", &["amy", "ben"]).await;
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

/// The import history is private over raw HTTP (no store code in the way): a user's token reads
/// only their own jobs and items, and cannot revert, change or add to another user's. A dry run
/// changes nothing the server holds, leads and history alike.
#[test]
fn import_history_is_private_and_dry_runs_write_nothing_over_raw_http() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::{ImportMode, ImportOptions, Store};
    use serde_json::{Value, json};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let sessions = two_users(&url, &secret, "hist", &["cat", "dan"]).await;
        let (cat, dan) = (&sessions[0], &sessions[1]);
        let as_cat = SupabaseStore::new(&url, "not-a-service-key", SupabaseOptions::default()).unwrap().with_access_token(&cat.token);
        let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nC-1,Cat's,c@example.com,Web,High,New\n";
        let job = as_cat.import_csv(cat.uuid, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await.unwrap().job.unwrap();

        let http = reqwest::Client::new();
        let send = |method: reqwest::Method, path: &str, token: &str, body: Option<Value>| {
            let mut request =
                raw(&http, method, format!("{url}/{path}"), token).header("Prefer", "return=representation");
            if let Some(body) = body {
                request = request.json(&body);
            }
            async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (status, response.text().await.unwrap())
            }
        };
        let rows = |body: &str| -> Vec<Value> { serde_json::from_str(body).unwrap_or_default() };
        let get = reqwest::Method::GET;

        let (status, body) = send(get.clone(), "Imports?select=id,state", &cat.token, None).await;
        assert_eq!((status, rows(&body)), (200, vec![json!({"id": job.id, "state": "done"})]), "{body}");
        let (_, body) = send(get.clone(), "ImportItems?select=lead_id,action", &cat.token, None).await;
        assert_eq!(rows(&body), vec![json!({"lead_id": "C-1", "action": "inserted"})]);

        // Dan sees none of it and cannot touch it.
        for path in ["Imports?select=id", "ImportItems?select=lead_id"] {
            let (status, body) = send(get.clone(), path, &dan.token, None).await;
            assert_eq!((status, rows(&body)), (200, Vec::<Value>::new()), "{path}: {body}");
        }
        let revert = json!({"p_user": cat.uuid, "p_id": job.id});
        let (status, _) = send(reqwest::Method::POST, "rpc/leads_revert", &dan.token, Some(revert)).await;
        assert!(status >= 400, "dan's revert of cat's job: {status}");
        let patch = json!({"state": "reverted"});
        let path = format!("Imports?id=eq.{}", job.id);
        let (_, body) = send(reqwest::Method::PATCH, &path, &dan.token, Some(patch)).await;
        assert_eq!(rows(&body), Vec::<Value>::new(), "no row of cat's is dan's to change");
        let item = json!({"import_id": job.id, "user_uuid": cat.uuid, "lead_id": "X", "action": "inserted"});
        let (status, _) = send(reqwest::Method::POST, "ImportItems", &dan.token, Some(item)).await;
        assert!(status >= 400, "dan cannot add to cat's job: {status}");
        let own = json!({"import_id": job.id, "lead_id": "X", "action": "inserted"});
        let (status, _) = send(reqwest::Method::POST, "ImportItems", &dan.token, Some(own)).await;
        assert!(status >= 400, "nor as his own rows of cat's job: {status}");
        assert_eq!(as_cat.get_import(cat.uuid, job.id).await.unwrap().state, leads_core::JobState::Done);

        // A dry run that would update and insert: every row the server holds is as it was.
        let snapshot = || async {
            let leads = send(get.clone(), "Leads?select=*&order=lead_id", &cat.token, None).await.1;
            let imports = send(get.clone(), "Imports?select=*&order=id", &cat.token, None).await.1;
            let items = send(get.clone(), "ImportItems?select=*&order=lead_id", &cat.token, None).await.1;
            let people = send(get.clone(), "Salespeople?select=*&order=id", &cat.token, None).await.1;
            (rows(&leads), rows(&imports), rows(&items), rows(&people))
        };
        let before = snapshot().await;
        assert_eq!(before.0.len(), 1);
        let dry = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n\
                   C-1,Cat Two,c@example.com,Web,High,Won,Eve\nC-2,New,n@example.com,Web,Low,New,Fay\n";
        let done = as_cat.dry_run_csv(cat.uuid, dry.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await.unwrap();
        assert_eq!((done.imported.inserted, done.imported.updated, done.job), (1, 1, None));
        assert_eq!(snapshot().await, before, "the dry run wrote nothing");
    });
}

/// A revoked token (a password change or "log out everywhere") reads nothing through PostgREST:
/// every Row Level Security policy checks the token's `iat` against the user's
/// `tokens_valid_after`, over raw HTTP.
#[test]
fn revoked_tokens_read_nothing_over_raw_http() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::{ImportMode, ImportOptions, Store};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let sessions = two_users(&url, &secret, "rev", &["eve", "fay"]).await;
        let eve = &sessions[0];
        let as_eve = SupabaseStore::new(&url, "not-a-service-key", SupabaseOptions::default())
            .unwrap()
            .with_access_token(&eve.token);
        let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n\
                   E-1,Eve's,e@example.com,Web,High,New,Gil\n";
        as_eve
            .import_csv(eve.uuid, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict)
            .await
            .unwrap();
        let http = reqwest::Client::new();
        let count = |token: String, table: &'static str| {
            // (Users' columns are granted one by one: no password.)
            let columns = if table == "Users" { "uuid" } else { "*" };
            let request = raw(&http, reqwest::Method::GET, format!("{url}/{table}?select={columns}"), &token);
            async move {
                let body = request.send().await.unwrap().text().await.unwrap();
                serde_json::from_str::<Vec<serde_json::Value>>(&body)
                    .map(|rows| rows.len())
                    .unwrap_or(usize::MAX)
            }
        };
        let tables = ["Leads", "Users", "Imports", "ImportItems", "Salespeople"];
        for table in tables {
            let n = count(eve.token.clone(), table).await;
            assert!((1..1000).contains(&n), "{table} before the revocation: {n}");
        }
        let signer = TokenSigner::new(secret.as_str()).unwrap();
        let service =
            SupabaseStore::new(&url, &signer.issue_service_key(Timestamp::now()), SupabaseOptions::default())
                .unwrap();
        leads_core::logout_everywhere(&service, eve.uuid, Timestamp::now()).await.unwrap();
        for table in tables {
            assert_eq!(count(eve.token.clone(), table).await, 0, "{table} with the revoked token");
        }
        let params = leads_core::PasswordParams::insecure_for_tests();
        let again =
            leads_core::login(&service, &signer, &eve.username, "password-123", params, Timestamp::now())
                .await
                .unwrap();
        assert_eq!(count(again.token.clone(), "Leads").await, 1, "a token issued after it reads again");
        // The throttling record is the service's alone: a user cannot read or clear it.
        for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
            let path = format!("{url}/LoginAttempts?username_key=eq.{}", eve.username.to_lowercase());
            let response = raw(&http, method.clone(), path, &again.token).send().await.unwrap();
            assert!(!response.status().is_success(), "{method} LoginAttempts: {}", response.status());
        }
        assert_eq!(
            leads_core::authenticate(&service, &signer, &eve.token, Timestamp::now())
                .await
                .unwrap_err()
                .code(),
            "invalid_token"
        );
    });
}

/// DESIGN §6's role table under Row Level Security, over raw HTTP with each member's own token
/// (no leads code in the way): what each role reads and changes in a workspace.
#[test]
fn members_tokens_get_exactly_their_role_over_raw_http() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::{ImportMode, ImportOptions, Role, Store};
    use serde_json::{Value, json};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let who = ["own", "adm", "mgr", "rep", "vie", "out"];
        let s = two_users(&url, &secret, "mx", &who).await;
        let ws = s[0].uuid;
        let signer = TokenSigner::new(secret.as_str()).unwrap();
        let service =
            SupabaseStore::new(&url, &signer.issue_service_key(Timestamp::now()), SupabaseOptions::default()).unwrap();
        let file = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n\
                    D-1,Ann,ann@example.com,Web,High,Open,Dana Scully\nD-2,Bob,bob@example.com,Web,Low,Open,Dana Scully\n\
                    F-1,Cy,cy@example.com,Fair,Medium,New,Fox Mulder\nU-1,Di,di@example.com,Web,High,New,\n";
        service.import_csv(ws, file.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await.unwrap();
        let dana = service.salespeople(ws).await.unwrap().into_iter().find(|p| p.name == "Dana Scully").unwrap().id;
        let team = service.add_team(ws, "East").await.unwrap();
        service.set_salesperson_team(ws, dana, Some(team.id)).await.unwrap();
        service.add_member(ws, &s[1].username, Role::Admin, None, &[]).await.unwrap();
        service.add_member(ws, &s[2].username, Role::Manager, None, &[team.id]).await.unwrap();
        service.add_member(ws, &s[3].username, Role::Rep, Some(dana), &[]).await.unwrap();
        service.add_member(ws, &s[4].username, Role::Viewer, None, &[]).await.unwrap();

        let http = reqwest::Client::new();
        // "n" for n rows affected or read, "err" for a refusal.
        let call = |method: reqwest::Method, path: String, token: String, body: Option<Value>| {
            let mut request =
                raw(&http, method, format!("{url}/{path}"), &token).header("Prefer", "return=representation");
            if let Some(body) = body {
                request = request.json(&body);
            }
            async move {
                let response = request.send().await.unwrap();
                let ok = response.status().is_success();
                let body = response.text().await.unwrap();
                match serde_json::from_str::<Vec<Value>>(&body) {
                    Ok(rows) if ok => rows.len().to_string(),
                    _ => "err".to_owned(),
                }
            }
        };
        let rpc = |function: &'static str, token: String, body: Value| {
            let request = raw(&http, reqwest::Method::POST, format!("{url}/rpc/{function}"), &token).json(&body);
            async move {
                let ok = request.send().await.unwrap().status().is_success();
                if ok { "ok".to_owned() } else { "err".to_owned() }
            }
        };
        let first_job = service.imports(ws, 1, None).await.unwrap().items[0].id;
        let lead = |id: &str| format!("Leads?user_uuid=eq.{ws}&lead_id=eq.{id}&select=lead_id");
        let get = reqwest::Method::GET;
        let patch = reqwest::Method::PATCH;
        let mut rows: Vec<Vec<String>> = Vec::new();
        for (i, session) in s.iter().enumerate() {
            let t = || session.token.clone();
            let mut row = Vec::new();
            row.push(call(get.clone(), format!("Leads?user_uuid=eq.{ws}&select=lead_id"), t(), None).await);
            row.push(call(patch.clone(), lead("D-1"), t(), Some(json!({"status": "Contacted"}))).await);
            row.push(call(patch.clone(), lead("F-1"), t(), Some(json!({"status": "Contacted"}))).await);
            let moved = call(patch.clone(), lead("D-2"), t(), Some(json!({"salesperson": "Fox Mulder"}))).await;
            if moved == "1" {
                let back = leads_core::LeadPatch { salesperson: Some(Some("Dana Scully".into())), ..Default::default() };
                service.update_lead(ws, "D-2", &back).await.unwrap();
            }
            row.push(moved);
            let d1 = service.get_lead(ws, "D-1").await.unwrap().lead;
            let deleted = call(reqwest::Method::DELETE, lead("D-1"), t(), None).await;
            if deleted == "1" {
                service.upsert_leads(ws, std::slice::from_ref(&d1)).await.unwrap();
            }
            row.push(deleted);
            let new = json!([{"user_uuid": ws, "lead_id": format!("N-{i}"), "lead_name": "New",
                "contact_information": "n@example.com", "source": "Web", "interest_level": "Low",
                "status": "New", "salesperson": "Dana Scully"}]);
            row.push(call(reqwest::Method::POST, "Leads?select=lead_id".into(), t(), Some(new)).await);
            row.push(call(get.clone(), format!("Members?workspace=eq.{ws}&select=user_uuid"), t(), None).await);
            let person = json!([{"user_uuid": ws, "name": format!("Person {i}")}]);
            row.push(call(reqwest::Method::POST, "Salespeople?select=id".into(), t(), Some(person)).await);
            let member = json!([{"workspace": ws, "user_uuid": s[5].uuid, "role": "viewer"}]);
            let added = call(reqwest::Method::POST, "Members?select=user_uuid".into(), t(), Some(member)).await;
            if added == "1" {
                service.remove_member(ws, s[5].uuid).await.unwrap();
            }
            row.push(added);
            row.push(call(get.clone(), format!("Imports?user_uuid=eq.{ws}&select=id"), t(), None).await);
            let team = json!([{"user_uuid": ws, "name": format!("Team {i}")}]);
            row.push(call(reqwest::Method::POST, "Teams?select=id".into(), t(), Some(team)).await);
            // An import's batch and its revert, as SupabaseStore sends them (an RPC answers one
            // JSON value, not rows: "ok" or "err").
            let job = leads_core::new_uuid();
            let upsert = json!({"p_user": ws, "p_plan": {}, "p_leads": [{"lead_id": format!("J-{i}"),
                "lead_name": "Job", "contact_information": "j@example.com", "source": "Web",
                "interest_level": "Low", "status": "New", "salesperson": "Dana Scully"}],
                "p_job": {"id": job, "kind": "import", "actor": session.uuid, "spec": {}}});
            let imported = rpc("leads_upsert", t(), upsert).await;
            row.push(imported.clone());
            let revert = json!({"p_user": ws, "p_id": if imported == "ok" { job } else { first_job }});
            row.push(rpc("leads_revert", t(), revert).await);
            rows.push(row);
        }
        // read, edit in, edit out, reassign, delete, insert, members, salesperson, member, imports,
        // team, import, revert
        let want: [[&str; 13]; 6] = [
            ["4", "1", "1", "1", "1", "1", "4", "1", "1", "1", "1", "ok", "ok"], // owner
            ["5", "1", "1", "1", "1", "1", "4", "1", "1", "2", "1", "ok", "ok"], // admin (+ the owner's lead, job)
            ["4", "1", "0", "err", "1", "1", "4", "1", "err", "3", "1", "ok", "ok"], // manager of Dana's team
            ["5", "1", "0", "err", "0", "err", "4", "err", "err", "0", "err", "err", "err"], // rep (Dana)
            ["7", "0", "0", "0", "0", "err", "4", "err", "err", "0", "err", "err", "err"], // viewer
            ["0", "0", "0", "0", "0", "err", "0", "err", "err", "0", "err", "err", "err"], // not a member
        ];
        for (i, (got, want)) in rows.iter().zip(want).enumerate() {
            assert_eq!(got, &want, "{}", who[i]);
        }
    });
}

/// Batches of one job written at once (SupabaseStore sends `concurrency` of them together) all
/// record the job without tripping over each other's insert of it.
#[test]
fn concurrent_batches_of_one_job_record_it_once() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::{JobKind, JobSpec, JobStart, Lead, Store, WritePlan};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let key = TokenSigner::new(secret.as_str()).unwrap().issue_service_key(Timestamp::now());
        let store = SupabaseStore::new(&url, &key, SupabaseOptions::default()).unwrap();
        let user = leads_core::new_uuid();
        store.create_user(user, &format!("race_{}", &user.simple().to_string()[..8]), "x").await.unwrap();
        for round in 0..5 {
            let job = JobStart::new(JobKind::Import, user, JobSpec::default());
            let batches: Vec<Vec<Lead>> = (0..8)
                .map(|b| {
                    vec![Lead {
                        lead_id: format!("R{round}-{b}"),
                        lead_name: "Race".into(),
                        contact_information: "r@example.com".into(),
                        source: "Web".into(),
                        interest_level: leads_core::InterestLevel::Low,
                        status: "New".into(),
                        salesperson: None,
                    }]
                })
                .collect();
            let plan = WritePlan::default();
            let writes = batches.iter().map(|b| store.write_leads(user, b, &plan, Some(&job)));
            for done in futures_util::future::join_all(writes).await {
                assert_eq!(done.unwrap().inserted, 1, "round {round}");
            }
            assert_eq!(store.get_import(user, job.id).await.unwrap().counts.inserted, 8);
        }
    });
}

/// A lead inserted over raw PostgREST with a user's token and no `user_uuid` is the user's, as
/// supabase-js's `insert({lead_id: …})` sends it.
#[test]
fn rows_inserted_without_an_owner_belong_to_the_caller() {
    let Some((url, secret)) = test_server::test_server() else { return };
    use leads_core::Store;
    use serde_json::json;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let sessions = two_users(&url, &secret, "dflt", &["gus"]).await;
        let gus = &sessions[0];
        let http = reqwest::Client::new();
        let insert = |table: &str, body: serde_json::Value| {
            raw(&http, reqwest::Method::POST, format!("{url}/{table}"), &gus.token).json(&body).send()
        };
        let lead = json!({"lead_id": "G-1", "lead_name": "Gus's", "contact_information": "g@example.com",
            "source": "Web", "interest_level": "High", "status": "New"});
        let response = insert("Leads", lead).await.unwrap();
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        let response = insert("Salespeople", json!({"name": "Hana"})).await.unwrap();
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        let signer = TokenSigner::new(secret.as_str()).unwrap();
        let service =
            SupabaseStore::new(&url, &signer.issue_service_key(Timestamp::now()), SupabaseOptions::default())
                .unwrap();
        assert_eq!(service.get_lead(gus.uuid, "G-1").await.unwrap().user_uuid, gus.uuid);
        assert!(service.salespeople(gus.uuid).await.unwrap().iter().any(|s| s.name == "Hana"));
    });
}
