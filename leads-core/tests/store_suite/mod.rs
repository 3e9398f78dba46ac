//! The store-agnostic suite: every store must pass it with the same results. A store test calls
//! [`run`] with a fresh, empty store.
//!
//! Expected answers are computed here, independently of the library's own query code: the test
//! reads every lead of the user, then filters and sorts them with its own simple code.

#![allow(dead_code, unreachable_pub)]

use std::cmp::Ordering;
use std::ops::ControlFlow;

use base64::Engine as _;

use leads_core::{
    ErrorKind, ImportMode, ImportOptions, InterestLevel, Job, JobCounts, JobKind, JobState, Lead, LeadPatch,
    LeadQuery, PasswordParams, Store, StoredLead, Timestamp, TokenSigner, Uuid,
};

pub const SECRET: &str = "store-suite-secret-at-least-32-bytes";

fn params() -> PasswordParams {
    PasswordParams::insecure_for_tests()
}

/// Runs every part of the suite on an empty store.
pub async fn run<S: Store>(store: &S) {
    run_named(store, "", Uuid::from_u128(0xA), Uuid::from_u128(0xB)).await;
}

/// Runs the suite with usernames prefixed by `prefix` and leads owned by `a` and `b`, so it can
/// run again on a store that keeps data (a live project).
pub async fn run_named<S: Store>(store: &S, prefix: &str, a: Uuid, b: Uuid) {
    users(store, prefix).await;
    // Owners of the fixture's leads (a database checks that leads belong to a user).
    store.create_user(a, &format!("{prefix}owner_a"), "not-a-real-hash").await.unwrap();
    store.create_user(b, &format!("{prefix}owner_b"), "not-a-real-hash").await.unwrap();
    imports(store, a, b).await;
    let all = everything(store, a).await;
    assert!(all.len() >= 500, "fixture has {} leads", all.len());
    filters_and_sorts(store, a, &all).await;
    paging(store, a, &all).await;
    edits(store, a).await;
    salespeople(store, a).await;
    isolation(store, a, b).await;
    let c = leads_core::new_uuid();
    store
        .create_user(c, &format!("{prefix}owner_c_{}", &c.to_string()[..8]), "not-a-real-hash")
        .await
        .unwrap();
    literal_values(store, prefix, c).await;
    stopped_imports(store, c).await;
    exports(store, a, c).await;
    let d = leads_core::new_uuid();
    store
        .create_user(d, &format!("{prefix}owner_d_{}", &d.to_string()[..8]), "not-a-real-hash")
        .await
        .unwrap();
    reimports(store, d).await;
    dry_runs(store, d).await;
    let e = leads_core::new_uuid();
    store
        .create_user(e, &format!("{prefix}owner_e_{}", &e.to_string()[..8]), "not-a-real-hash")
        .await
        .unwrap();
    history(store, e).await;
    bulk_edits(store, e).await;
    partial_jobs(store, e).await;
    teams_and_roles(store, prefix).await;
    account_security(store, prefix).await;
}

/// Login throttling held in the store, and tokens a password change or "log out everywhere"
/// revokes.
async fn account_security<S: Store>(store: &S, prefix: &str) {
    let tag = leads_core::new_uuid().simple().to_string()[..8].to_owned();
    let (name, other) = (format!("{prefix}sec_{tag}"), format!("{prefix}sec2_{tag}"));
    let signer = TokenSigner::new(SECRET).unwrap();
    let user = leads_core::register(store, &name, "password-123", params()).await.unwrap().uuid;
    leads_core::register(store, &other, "password-123", params()).await.unwrap();
    let at = |secs: i64| Timestamp::from_micros(Timestamp::now().as_micros() + secs * 1_000_000);
    let login = |who: &str, password: &str, now: Timestamp| {
        let who = who.to_owned();
        let password = password.to_owned();
        let signer = signer.clone();
        async move { leads_core::login(store, &signer, &who, &password, params(), now).await }
    };
    // Four failures, then a success, forget the failures.
    for _ in 0..4 {
        assert_eq!(code(login(&name, "wrong-password", at(0)).await), "invalid_credentials");
    }
    login(&name, "password-123", at(0)).await.unwrap();
    // Five failures (in any letter case of the name) lock it, even with the right password.
    for i in 0..5 {
        let cased = if i % 2 == 0 { name.to_uppercase() } else { name.clone() };
        assert_eq!(code(login(&cased, "wrong-password", at(i)).await), "invalid_credentials");
    }
    let locked = login(&name, "password-123", at(10)).await.unwrap_err();
    let ErrorKind::TooManyAttempts { retry_after_secs } = locked.kind() else { panic!("{locked}") };
    assert!((880..=890).contains(retry_after_secs), "{retry_after_secs}");
    assert_eq!(
        code(login(&name, "password-123", at(899)).await),
        "too_many_attempts",
        "refusals do not count"
    );
    login(&other, "password-123", at(10)).await.expect("another username is not locked");
    login(&name, "password-123", at(901)).await.expect("the window has passed");
    // An unknown name is throttled the same way (nothing tells it apart).
    let ghost = format!("{prefix}ghost_{tag}");
    for _ in 0..5 {
        assert_eq!(code(login(&ghost, "whatever-pass", at(0)).await), "invalid_credentials");
    }
    assert_eq!(code(login(&ghost, "whatever-pass", at(1)).await), "too_many_attempts");

    // Tokens: valid until revoked; a login right after a revocation works.
    let now = at(901);
    let token = login(&name, "password-123", now).await.unwrap().token;
    let claims = leads_core::authenticate(store, &signer, &token, now).await.unwrap();
    assert_eq!(claims.sub, user);
    leads_core::logout_everywhere(store, user, now).await.unwrap();
    let refused = leads_core::authenticate(store, &signer, &token, now).await.unwrap_err();
    assert_eq!(refused.code(), "invalid_token", "{refused}");
    let fresh = leads_core::login(store, &signer, &name, "password-123", params(), now).await.unwrap().token;
    leads_core::authenticate(store, &signer, &fresh, now).await.expect("a token issued after the revocation");
    let ghost_token = signer.issue(leads_core::new_uuid(), now);
    assert_eq!(code(leads_core::authenticate(store, &signer, &ghost_token, now).await), "invalid_token");
    // A password change needs the current one, and revokes earlier tokens.
    let change = |current: &'static str, new: &'static str| {
        leads_core::change_password(store, user, current, new, params(), now)
    };
    assert_eq!(code(change("not-the-password", "new-password-456").await), "invalid_credentials");
    assert_eq!(code(change("password-123", "short").await), "invalid_password");
    change("password-123", "new-password-456").await.unwrap();
    assert_eq!(code(leads_core::authenticate(store, &signer, &fresh, now).await), "invalid_token");
    let later = Timestamp::from_micros(now.as_micros() + 2_000_000);
    assert_eq!(
        code(leads_core::login(store, &signer, &name, "password-123", params(), later).await),
        "invalid_credentials"
    );
    let session =
        leads_core::login(store, &signer, &name, "new-password-456", params(), later).await.unwrap();
    leads_core::authenticate(store, &signer, &session.token, later).await.unwrap();
}

fn code<T>(result: leads_core::Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// DESIGN §6's role table, operation by operation, for an owner and one member of each role
/// (a manager of one team, a manager without teams), and someone who is not a member; then the
/// edge cases: a renamed salesperson, a team losing a salesperson, a removed member, a changed
/// role, an admin against the owner.
async fn teams_and_roles<S: Store>(store: &S, prefix: &str) {
    use leads_core::{Acting, MemberChange, Role};
    let tag = leads_core::new_uuid().simple().to_string()[..8].to_owned();
    let name = |who: &str| format!("{prefix}{who}_{tag}");
    let mut ids = Vec::new();
    for who in ["boss", "adm", "mgr", "mga", "rep", "vie", "out"] {
        ids.push(leads_core::register(store, &name(who), "password-123", params()).await.unwrap().uuid);
    }
    let ws = ids[0];
    let file = format!(
        "{HEADER6},Assigned Salesperson\nD-1,Ann,ann@example.com,Web,High,Open,Dana Scully\n\
         D-2,Bob,bob@example.com,Web,Low,Open,Dana Scully\nF-1,Cy,cy@example.com,Fair,Medium,New,Fox Mulder\n\
         U-1,Di,di@example.com,Web,High,New,\n"
    );
    store.import_csv(ws, file.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await.unwrap();
    let people = store.salespeople(ws).await.unwrap();
    let dana = people.iter().find(|s| s.name == "Dana Scully").unwrap().id;
    let team = store.add_team(ws, "East").await.unwrap();
    assert_eq!(store.add_team(ws, "EAST").await.unwrap_err().code(), "already_exists");
    assert_eq!(store.set_salesperson_team(ws, dana, Some(team.id)).await.unwrap().team_id, Some(team.id));
    store.add_member(ws, &name("adm"), Role::Admin, None, &[]).await.unwrap();
    store.add_member(ws, &name("mgr"), Role::Manager, None, &[team.id]).await.unwrap();
    store.add_member(ws, &name("mga"), Role::Manager, None, &[]).await.unwrap();
    store.add_member(ws, &name("rep"), Role::Rep, Some(dana), &[]).await.unwrap();
    let viewer = store.add_member(ws, &name("vie"), Role::Viewer, None, &[]).await.unwrap();
    assert_eq!((viewer.role, viewer.username.clone()), (Role::Viewer, name("vie")));
    let again = store.add_member(ws, &name("vie"), Role::Rep, None, &[]).await;
    assert_eq!(code(again), "already_exists");
    assert_eq!(code(store.add_member(ws, &name("boss"), Role::Admin, None, &[]).await), "invalid_option");
    assert_eq!(code(store.add_member(ws, &name("out"), Role::Owner, None, &[]).await), "invalid_option");
    assert_eq!(code(store.add_member(ws, "nobody_at_all", Role::Viewer, None, &[]).await), "not_found");
    let bad_team = store.add_member(ws, &name("out"), Role::Manager, None, &[leads_core::new_uuid()]).await;
    assert_eq!(code(bad_team), "not_found");
    let listed: Vec<String> = store.members(ws).await.unwrap().into_iter().map(|m| m.username).collect();
    assert_eq!(listed, ["adm", "mga", "mgr", "rep", "vie"].map(&name));
    // The rep is also a viewer in the admin's own workspace: they see both, with their roles,
    // after their own; an outsider sees their own only.
    store.add_member(ids[1], &name("rep"), Role::Viewer, None, &[]).await.unwrap();
    let spaces: Vec<(Uuid, String, Role)> =
        store.workspaces(ids[4]).await.unwrap().into_iter().map(|w| (w.uuid, w.username, w.role)).collect();
    assert_eq!(
        spaces,
        [
            (ids[4], name("rep"), Role::Owner),
            (ids[1], name("adm"), Role::Viewer),
            (ws, name("boss"), Role::Rep)
        ]
    );
    assert_eq!(store.workspaces(ids[6]).await.unwrap().len(), 1);
    assert_eq!(code(store.workspaces(leads_core::new_uuid()).await), "not_found");
    store.remove_member(ids[1], ids[4]).await.unwrap();

    let acting: Vec<Acting<'_, S>> = ids.iter().map(|a| Acting::new(store, *a, ws)).collect();
    //                      owner  admin  mgr(team) mgr(all) rep  viewer outsider
    const F: &str = "forbidden";
    const N: &str = "not_found";
    let total = LeadQuery { total: true, ..LeadQuery::default() };
    let mut seen = Vec::new();
    for a in &acting {
        seen.push(
            a.query(&total)
                .await
                .map(|p| p.total.unwrap_or(0).to_string())
                .unwrap_or_else(|e| e.code().into()),
        );
    }
    assert_eq!(seen, ["4", "4", "2", "4", "2", "4", F], "read");
    let mut got = Vec::new();
    for a in &acting {
        got.push((code(a.get_lead("D-1").await), code(a.get_lead("F-1").await)));
    }
    assert_eq!(
        got,
        [("ok", "ok"), ("ok", "ok"), ("ok", N), ("ok", "ok"), ("ok", N), ("ok", "ok"), (F, F)],
        "get in and out of scope"
    );
    let contacted = LeadPatch { status: Some("Contacted".into()), ..LeadPatch::default() };
    let mut got = Vec::new();
    for a in &acting {
        got.push((
            code(a.update_lead("D-1", &contacted).await),
            code(a.update_lead("F-1", &contacted).await),
        ));
    }
    assert_eq!(
        got,
        [("ok", "ok"), ("ok", "ok"), ("ok", N), ("ok", "ok"), ("ok", N), (F, F), (F, F)],
        "edit in and out of scope"
    );
    let to_fox = LeadPatch { salesperson: Some(Some("Fox Mulder".into())), ..LeadPatch::default() };
    let to_dana = LeadPatch { salesperson: Some(Some("Dana Scully".into())), ..LeadPatch::default() };
    let mut got = Vec::new();
    for a in &acting {
        let done = a.update_lead("D-2", &to_fox).await;
        if done.is_ok() {
            store.update_lead(ws, "D-2", &to_dana).await.unwrap();
        }
        got.push(code(done));
    }
    assert_eq!(got, ["ok", "ok", F, "ok", F, F, F], "reassign (out of a team's scope for its manager)");
    let d1 = store.get_lead(ws, "D-1").await.unwrap().lead;
    let mut got = Vec::new();
    for a in &acting {
        let done = a.delete_lead("D-1").await;
        if done.is_ok() {
            store.upsert_leads(ws, std::slice::from_ref(&d1)).await.unwrap();
        }
        got.push(code(done));
    }
    assert_eq!(got, ["ok", "ok", "ok", "ok", F, F, F], "delete");
    let bulk = LeadPatch { source: Some("Bulk".into()), ..LeadPatch::default() };
    let mut got = Vec::new();
    for a in &acting {
        got.push(match a.update_leads(&LeadQuery::default(), &bulk, true).await {
            Ok(job) => {
                store.revert_import(ws, job.id).await.unwrap();
                assert_eq!(job.actor, a.actor, "the job is the actor's");
                job.counts.updated.to_string()
            }
            Err(e) => e.code().into(),
        });
    }
    assert_eq!(got, ["4", "4", "2", "4", F, F, F], "bulk update (within scope)");
    let mut got = Vec::new();
    for a in &acting {
        got.push(match a.delete_leads(&"source=fair".parse().unwrap(), false).await {
            Ok(job) => {
                store.revert_import(ws, job.id).await.unwrap();
                job.counts.deleted.to_string()
            }
            Err(e) => e.code().into(),
        });
    }
    assert_eq!(got, ["1", "1", "0", "1", F, F, F], "bulk delete (within scope)");
    let dana_lead =
        format!("{HEADER6},Assigned Salesperson\nN-1,New,new@example.com,Web,Low,New,Dana Scully\n");
    let fox_lead =
        format!("{HEADER6},Assigned Salesperson\nN-2,New,new@example.com,Web,Low,New,Fox Mulder\n");
    // The owner's job, for those who may not import to try reverting.
    let owners =
        store.import_csv(ws, dana_lead.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await;
    let owners = owners.unwrap().job.unwrap().id;
    let mut got = Vec::new();
    for a in &acting {
        let mut one = Vec::new();
        for csv in [&dana_lead, &fox_lead] {
            let done = a.import_csv(csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await;
            if let Ok(done) = &done {
                // Reverted by the actor themself: who may import may revert.
                a.revert_import(done.job.as_ref().unwrap().id).await.unwrap();
            }
            one.push(code(done));
        }
        let dry = a.dry_run_csv(fox_lead.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await;
        let revert = if one[0] == "ok" { "ok" } else { code(a.revert_import(owners).await) };
        got.push((one[0], one[1], code(dry), code(a.imports(10, None).await), revert));
    }
    assert_eq!(
        got,
        [
            ("ok", "ok", "ok", "ok", "ok"),
            ("ok", "ok", "ok", "ok", "ok"),
            ("ok", F, F, "ok", "ok"),
            ("ok", "ok", "ok", "ok", "ok"),
            (F, F, F, F, F),
            (F, F, F, F, F),
            (F, F, F, F, F)
        ],
        "import (a team's manager: only leads of the team), dry run, history, revert"
    );
    store.revert_import(ws, owners).await.unwrap();
    let mut got = Vec::new();
    for a in &acting {
        let mut out = Vec::new();
        got.push(match a.export_csv(&LeadQuery::default(), &mut out).await {
            Ok(n) => n.to_string(),
            Err(e) => e.code().into(),
        });
    }
    assert_eq!(got, ["4", "4", "2", "4", "2", "4", F], "export");
    let mut got = Vec::new();
    for (i, a) in acting.iter().enumerate() {
        let person = a.add_salesperson(&format!("Person {i}")).await;
        let team = a.add_team(&format!("Team {i}")).await;
        got.push((code(person), code(team), code(a.salespeople().await), code(a.teams().await)));
    }
    assert_eq!(
        got,
        [
            ("ok", "ok", "ok", "ok"),
            ("ok", "ok", "ok", "ok"),
            ("ok", "ok", "ok", "ok"),
            ("ok", "ok", "ok", "ok"),
            (F, F, "ok", "ok"),
            (F, F, "ok", "ok"),
            (F, F, F, F)
        ],
        "salespeople and teams"
    );
    let outsider = ids[6];
    let mut got = Vec::new();
    for a in &acting {
        let added = a.add_member(&name("out"), Role::Viewer, None, &[]).await;
        if added.is_ok() {
            store.remove_member(ws, outsider).await.unwrap();
        }
        got.push((code(added), code(a.members().await)));
    }
    assert_eq!(
        got,
        [("ok", "ok"), ("ok", "ok"), (F, "ok"), (F, "ok"), (F, "ok"), (F, "ok"), (F, F)],
        "members"
    );
    let admin = &acting[1];
    assert_eq!(code(admin.remove_member(ws).await), F, "an admin cannot remove the owner");
    let promote = MemberChange { role: Some(Role::Admin), ..MemberChange::default() };
    assert_eq!(code(admin.change_member(ws, &promote).await), F, "nor change them");

    // A rep keeps their leads when their salesperson is renamed (the link is the salesperson).
    let rep = &acting[4];
    store.rename_salesperson(ws, dana, "Dana K. Scully").await.unwrap();
    assert_eq!(rep.query(&total).await.unwrap().total, Some(2));
    // A manager's team losing its salesperson loses its leads.
    let manager = &acting[2];
    store.set_salesperson_team(ws, dana, None).await.unwrap();
    assert_eq!(manager.query(&total).await.unwrap().total, Some(0));
    assert_eq!(code(manager.get_lead("D-1").await), N);
    // A changed role and a removed member take effect on the next call.
    let to_viewer = MemberChange { role: Some(Role::Viewer), ..MemberChange::default() };
    admin.change_member(ids[4], &to_viewer).await.unwrap();
    assert_eq!(rep.query(&total).await.unwrap().total, Some(4), "a viewer sees every lead");
    assert_eq!(code(rep.update_lead("D-1", &contacted).await), F);
    admin.remove_member(ids[4]).await.unwrap();
    assert_eq!(code(rep.query(&total).await), F, "a removed member sees nothing");
    assert_eq!(code(admin.remove_member(ids[4]).await), N);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn job_ids(jobs: &[Job]) -> Vec<Uuid> {
    jobs.iter().map(|j| j.id).collect()
}

/// A lead as a revert puts it back: everything but `updated_at` (a revert is a write).
fn as_restored(lead: &StoredLead) -> (Uuid, Timestamp, Lead) {
    (lead.id, lead.created_at, lead.lead.clone())
}

/// Every import that writes is a job (its file, options, counts and first issues), listed
/// newest first in pages; revert deletes what a job inserted and restores what it updated,
/// leaves leads written since as conflicts, and changes nothing the second time.
async fn history<S: Store>(store: &S, e: Uuid) {
    let options = ImportOptions { file_name: Some("week-1.csv".into()), ..ImportOptions::default() };
    let first = format!(
        "{HEADER6},Assigned Salesperson\nH-1,Ann,ann@example.com,Web,High,Open,Dana Scully\n\
         H-2,Bob,bob@example.com,Web,Low,Open,\nH-3,Cy,cy@example.com,Fair,Medium,New,\n"
    );
    let done = store.import_csv(e, first.as_bytes(), &options, ImportMode::Strict).await.unwrap();
    let job1 = done.job.clone().expect("an import that writes is recorded");
    assert_eq!((job1.kind, job1.state, job1.actor), (JobKind::Import, JobState::Done, e));
    assert_eq!(job1.file_name.as_deref(), Some("week-1.csv"));
    assert_eq!(job1.bytes, first.len() as u64);
    assert_eq!(job1.sha256.as_deref(), Some(sha256_hex(first.as_bytes()).as_str()));
    assert_eq!(job1.counts, JobCounts { inserted: 3, ..JobCounts::default() });
    assert_eq!((job1.spec.mode, job1.spec.options.as_ref()), (Some(ImportMode::Strict), Some(&options)));
    assert_eq!(job1.reverted_at, None);
    assert_eq!(store.get_import(e, job1.id).await.unwrap(), job1);
    let after_first = everything(store, e).await;

    let second = format!(
        "{HEADER6},Assigned Salesperson\nH-1,Ann Lee,ann@example.com,Web,High,Contacted,Dana Scully\n\
         H-2,Bob,bob@example.com,Web,Low,Won,Fox Mulder\nH-4,Di,di@example.com,Web,High,New,\n\
         H-5,Bad,not an address,Web,Low,New,\n"
    );
    // Dry runs and rejected imports are not recorded.
    let plain = ImportOptions::default();
    let dry = store.dry_run_csv(e, second.as_bytes(), &plain, ImportMode::SkipInvalid).await.unwrap();
    assert_eq!(dry.job, None);
    let rejected = store.import_csv(e, second.as_bytes(), &plain, ImportMode::Strict).await.unwrap_err();
    assert_eq!(rejected.code(), "import_rejected");
    let done = store.import_csv(e, second.as_bytes(), &plain, ImportMode::SkipInvalid).await.unwrap();
    let job2 = done.job.unwrap();
    assert_eq!(job2.counts, JobCounts { inserted: 1, updated: 2, ..JobCounts::default() });
    let codes: Vec<&str> = job2.issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!((codes, job2.file_name.as_deref()), (vec!["invalid_contact"], None));

    // Newest first, in pages.
    let page = store.imports(e, 10, None).await.unwrap();
    assert_eq!((job_ids(&page.items), page.next_cursor), (vec![job2.id, job1.id], None));
    let one = store.imports(e, 1, None).await.unwrap();
    assert_eq!(job_ids(&one.items), vec![job2.id]);
    let next = store.imports(e, 1, one.next_cursor.as_deref()).await.unwrap();
    assert_eq!((job_ids(&next.items), next.next_cursor), (vec![job1.id], None));
    assert_eq!(store.imports(e, 0, None).await.unwrap_err().code(), "invalid_query");
    assert_eq!(store.imports(e, 10, Some("nope")).await.unwrap_err().code(), "invalid_query");
    assert_eq!(store.get_import(e, leads_core::new_uuid()).await.unwrap_err().code(), "not_found");

    // An edit since job 2: that lead is a conflict, the rest is undone.
    let qualified = LeadPatch { status: Some("Qualified".into()), ..LeadPatch::default() };
    store.update_lead(e, "H-1", &qualified).await.unwrap();
    let edited = store.get_lead(e, "H-1").await.unwrap();
    let undone = store.revert_import(e, job2.id).await.unwrap();
    assert_eq!((undone.deleted, undone.restored, undone.conflicts.clone()), (1, 1, vec!["H-1".to_owned()]));
    assert_eq!((undone.job.id, undone.job.state), (job2.id, JobState::Reverted));
    assert!(undone.job.reverted_at.is_some());
    assert_eq!(store.get_lead(e, "H-4").await.unwrap_err().code(), "not_found", "its new lead is gone");
    let h2 = store.get_lead(e, "H-2").await.unwrap();
    assert_eq!(as_restored(&h2), as_restored(&after_first[1]), "its update is undone");
    assert_eq!(store.get_lead(e, "H-1").await.unwrap().lead, edited.lead, "the edited lead is left");
    let now = everything(store, e).await;
    let twice = store.revert_import(e, job2.id).await.unwrap();
    assert_eq!((twice.deleted, twice.restored, twice.conflicts), (0, 0, Vec::<String>::new()));
    assert_eq!(everything(store, e).await, now, "a second revert changes nothing");
    assert_eq!(store.get_import(e, job2.id).await.unwrap().state, JobState::Reverted);
    assert_eq!(store.revert_import(e, leads_core::new_uuid()).await.unwrap_err().code(), "not_found");

    // H-2 is job 1's again; H-1 was edited since.
    let undone = store.revert_import(e, job1.id).await.unwrap();
    assert_eq!((undone.deleted, undone.restored, undone.conflicts), (2, 0, vec!["H-1".to_owned()]));
    let left: Vec<String> = everything(store, e).await.into_iter().map(|l| l.lead.lead_id).collect();
    assert_eq!(left, vec!["H-1".to_owned()]);
}

/// Bulk updates and deletes by query: counted, recorded as jobs, reverted like imports; an
/// empty query needs `all`.
async fn bulk_edits<S: Store>(store: &S, e: Uuid) {
    store.delete_lead(e, "H-1").await.unwrap();
    let file = format!(
        "{HEADER6},Assigned Salesperson\nB-1,Ann,ann@example.com,Web,High,Open,Dana Scully\n\
         B-2,Bob,bob@example.com,Fair,Low,Open,\nB-3,Cy,cy@example.com,Fair,Medium,New,Fox Mulder\n\
         B-4,Di,di@example.com,Web,High,Open,Walter Skinner\n"
    );
    store.import_csv(e, file.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await.unwrap();
    let before = everything(store, e).await;
    let open: LeadQuery = "status=open".parse().unwrap();
    let reassign = LeadPatch { salesperson: Some(Some("Walter Skinner".into())), ..LeadPatch::default() };
    let job = store.update_leads(e, &open, &reassign, false).await.unwrap();
    assert_eq!((job.kind, job.state), (JobKind::BulkUpdate, JobState::Done));
    assert_eq!(job.counts, JobCounts { updated: 2, unchanged: 1, ..JobCounts::default() });
    assert_eq!(job.spec.query.as_deref(), Some("status=open"));
    assert_eq!(job.spec.patch.as_ref(), Some(&reassign));
    let walter = |all: &[StoredLead]| -> Vec<String> {
        all.iter()
            .filter(|l| l.lead.salesperson.as_deref() == Some("Walter Skinner"))
            .map(|l| l.lead.lead_id.clone())
            .collect()
    };
    assert_eq!(walter(&everything(store, e).await), ["B-1", "B-2", "B-4"]);
    assert_eq!(
        store.get_lead(e, "B-3").await.unwrap(),
        before.iter().find(|l| l.lead.lead_id == "B-3").unwrap().clone()
    );
    assert_eq!(store.imports(e, 1, None).await.unwrap().items, vec![job.clone()]);

    // Refused before anything is written: no filters without `all`, a patch the rules refuse.
    let everyone = LeadQuery::default();
    let err = store.update_leads(e, &everyone, &reassign, false).await.unwrap_err();
    assert_eq!(err.code(), "invalid_query");
    assert_eq!(store.delete_leads(e, &everyone, false).await.unwrap_err().code(), "invalid_query");
    let bad = LeadPatch { status: Some("Nope".into()), ..LeadPatch::default() };
    assert_eq!(store.update_leads(e, &open, &bad, false).await.unwrap_err().code(), "invalid_lead");
    assert_eq!(store.imports(e, 1, None).await.unwrap().items, vec![job.clone()], "no job for those");

    let undone = store.revert_import(e, job.id).await.unwrap();
    assert_eq!((undone.deleted, undone.restored, undone.conflicts), (0, 2, Vec::<String>::new()));
    let back: Vec<_> = everything(store, e).await.iter().map(as_restored).collect();
    assert_eq!(back, before.iter().map(as_restored).collect::<Vec<_>>());

    // Deletes: the leads go, and revert brings them back as they were (same ids and times).
    let fair: LeadQuery = "source=fair".parse().unwrap();
    let job = store.delete_leads(e, &fair, false).await.unwrap();
    assert_eq!((job.kind, job.counts.deleted), (JobKind::BulkDelete, 2));
    let left: Vec<String> = everything(store, e).await.into_iter().map(|l| l.lead.lead_id).collect();
    assert_eq!(left, ["B-1", "B-4"]);
    let undone = store.revert_import(e, job.id).await.unwrap();
    assert_eq!((undone.deleted, undone.restored), (0, 2));
    let back: Vec<_> = everything(store, e).await.iter().map(as_restored).collect();
    assert_eq!(back, before.iter().map(as_restored).collect::<Vec<_>>());

    // A rename changes the leads it reaches: reverting the job that wrote them leaves them.
    let job = store.update_leads(e, &fair, &reassign, false).await.unwrap();
    assert_eq!(job.counts.updated, 2);
    let walter =
        store.salespeople(e).await.unwrap().into_iter().find(|s| s.name == "Walter Skinner").unwrap();
    store.rename_salesperson(e, walter.id, "Walt Skinner").await.unwrap();
    let undone = store.revert_import(e, job.id).await.unwrap();
    assert_eq!((undone.restored, undone.conflicts), (0, vec!["B-2".to_owned(), "B-3".to_owned()]));
    store.rename_salesperson(e, walter.id, "Walter Skinner").await.unwrap();
    for id in ["B-2", "B-3"] {
        let before = before.iter().find(|l| l.lead.lead_id == id).unwrap();
        let patch = LeadPatch { salesperson: Some(before.lead.salesperson.clone()), ..LeadPatch::default() };
        store.update_lead(e, id, &patch).await.unwrap();
    }

    // `all` means every lead.
    let job = store.update_leads(e, &everyone, &reassign, true).await.unwrap();
    assert_eq!(job.counts.updated + job.counts.unchanged, before.len() as u64);
    let job = store.delete_leads(e, &everyone, true).await.unwrap();
    assert_eq!(job.counts.deleted, before.len() as u64);
    assert!(everything(store, e).await.is_empty());
    store.revert_import(e, job.id).await.unwrap();
    assert_eq!(everything(store, e).await.len(), before.len());
}

/// An import stopped part way is a partial job, with the counts of what it stored; revert
/// removes exactly that.
async fn partial_jobs<S: Store>(store: &S, e: Uuid) {
    let before = everything(store, e).await;
    let csv = leads_gen::generate(40_000, 6);
    let err = store
        .import_csv_with_progress(e, &csv[..], &ImportOptions::default(), ImportMode::SkipInvalid, &mut |p| {
            if p.stored.inserted > 0 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .await
        .unwrap_err();
    let ErrorKind::Interrupted { stored, .. } = err.kind() else { panic!("{err}") };
    let job = store.imports(e, 1, None).await.unwrap().items.remove(0);
    assert_eq!((job.kind, job.state), (JobKind::Import, JobState::Partial));
    assert_eq!((job.counts.inserted, job.sha256), (stored.inserted, None));
    let undone = store.revert_import(e, job.id).await.unwrap();
    assert_eq!((undone.deleted, undone.restored), (stored.inserted, 0));
    assert_eq!(everything(store, e).await, before);
}

/// A dry run gives the counts the import then gives, describes each would-be update field by
/// field, and writes nothing.
async fn dry_runs<S: Store>(store: &S, d: Uuid) {
    let before = everything(store, d).await;
    let names_before = store.salespeople(d).await.unwrap();
    let file = format!(
        "{HEADER6},Assigned Salesperson\nR-1,Ann Lee,ann@example.com,Web,High,Won,Dana Scully\n\
         R-2,Bob,bob@example.com,Web,Low,Open,\nR-3,Cy,cy@example.com,Fair,Medium,Won,Walter Skinner\n\
         R-9,New,new@example.com,Web,Low,New,Someone New\n"
    );
    let options = ImportOptions::default();
    let dry = store.dry_run_csv(d, file.as_bytes(), &options, ImportMode::Strict).await.unwrap();
    assert_eq!(dry.imported, outcome(1, 1, 2, 0));
    let changes = dry.changes.expect("a dry run lists its changes");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].lead_id, "R-1");
    let fields: Vec<(&str, Option<&str>, Option<&str>)> = changes[0]
        .fields
        .iter()
        .map(|(k, c)| (k.as_str(), c.before.as_deref(), c.after.as_deref()))
        .collect();
    assert_eq!(
        fields,
        vec![("salesperson", None, Some("Dana Scully")), ("status", Some("Contacted"), Some("Won"))]
    );
    assert_eq!(everything(store, d).await, before, "a dry run writes nothing");
    assert_eq!(store.salespeople(d).await.unwrap(), names_before, "nor adds a salesperson");

    // The policies count the same way; a strict dry run of a file with errors is rejected.
    let update_only = ImportOptions { on_new: leads_core::OnNew::Skip, ..ImportOptions::default() };
    let dry = store.dry_run_csv(d, file.as_bytes(), &update_only, ImportMode::Strict).await.unwrap();
    assert_eq!(dry.imported, outcome(0, 1, 2, 1));
    let bad = format!("{file}R-10,Bad,not an address,Web,Low,New,\n");
    let err = store.dry_run_csv(d, bad.as_bytes(), &options, ImportMode::Strict).await.unwrap_err();
    assert_eq!(err.code(), "import_rejected");
    let skip = store.dry_run_csv(d, bad.as_bytes(), &options, ImportMode::SkipInvalid).await.unwrap();
    assert_eq!((skip.report.invalid, skip.imported), (1, outcome(1, 1, 2, 0)));

    // And the import then does what the dry run said.
    let done = store.import_csv(d, file.as_bytes(), &options, ImportMode::Strict).await.unwrap();
    assert_eq!(done.imported, outcome(1, 1, 2, 0));
    assert!(done.changes.is_none());
    assert_eq!(store.get_lead(d, "R-1").await.unwrap().lead.salesperson.as_deref(), Some("Dana Scully"));
}

/// Exports give every matching lead in the query's order, across pages, and re-import unchanged.
async fn exports<S: Store>(store: &S, a: Uuid, c: Uuid) {
    let all = everything(store, a).await;
    let mut out = Vec::new();
    let n = leads_core::export_csv(store, a, &LeadQuery::default(), &mut out).await.unwrap();
    assert_eq!(n as usize, all.len());
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.starts_with(
        "\u{feff}Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\r\n"
    ));
    let again = store.import_csv(a, &out[..], &ImportOptions::default(), ImportMode::Strict).await.unwrap();
    assert_eq!(again.imported, outcome(0, 0, all.len() as u64, 0), "re-importing an export changes nothing");
    assert_eq!(everything(store, a).await, all);

    // A filtered, sorted export: the query's leads in its order (its limit and page ignored).
    let q: LeadQuery = "status=open,new&sort=-interest_level,lead_name&limit=3&page=2".parse().unwrap();
    let mut out = Vec::new();
    leads_core::export_csv(store, a, &q, &mut out).await.unwrap();
    let exported = leads_core::validate(&out, &ImportOptions::default()).unwrap().leads;
    let unpaged = LeadQuery { limit: Some(1000), offset: 0, ..q };
    let matching = expected(&all, &unpaged);
    let want: Vec<&str> = matching.iter().map(|l| l.lead.lead_id.as_str()).collect();
    let got: Vec<&str> = exported.iter().map(|l| l.lead_id.as_str()).collect();
    assert!(want.len() > 3 && got == want, "{} leads in the query's order", want.len());

    // More leads than a page.
    let many = everything(store, c).await.len();
    assert!(many > leads_core::EXPORT_PAGE as usize, "{many}");
    let n = leads_core::export_csv(store, c, &LeadQuery::default(), std::io::sink()).await.unwrap();
    assert_eq!(n as usize, many);
}

const HEADER6: &str = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status";

/// Imports `csv` (strict) with `options`; the outcome counts.
async fn import_with<S: Store>(
    store: &S,
    user: Uuid,
    csv: &str,
    options: &ImportOptions,
) -> leads_core::UpsertOutcome {
    store.import_csv(user, csv.as_bytes(), options, ImportMode::Strict).await.unwrap().imported
}

fn outcome(inserted: u64, updated: u64, unchanged: u64, skipped: u64) -> leads_core::UpsertOutcome {
    leads_core::UpsertOutcome { inserted, updated, unchanged, skipped }
}

/// Re-importing over stored leads loses nothing: a file without the salesperson column keeps
/// every assignment, a blank cell keeps it unless `blanks` = `clear`, and the write policies
/// skip existing or new Lead IDs, with exact counts.
async fn reimports<S: Store>(store: &S, d: Uuid) {
    let options = ImportOptions::default();
    let first = format!(
        "{HEADER6},Assigned Salesperson\nR-1,Ann,ann@example.com,Web,High,Open,Dana Scully\n\
         R-2,Bob,bob@example.com,Web,Low,Open,Fox Mulder\nR-3,Cy,cy@example.com,Fair,Medium,New,\n"
    );
    assert_eq!(import_with(store, d, &first, &options).await, outcome(3, 0, 0, 0));
    let assigned = |all: &[StoredLead]| -> Vec<(String, Option<String>)> {
        all.iter().map(|l| (l.lead.lead_id.clone(), l.lead.salesperson.clone())).collect()
    };
    let before = everything(store, d).await;

    // The issue's regression: the same leads without the column change nothing.
    let without =
        format!("{HEADER6}\nR-1,Ann,ann@example.com,Web,High,Open\nR-2,Bob,bob@example.com,Web,Low,Open\n");
    assert_eq!(import_with(store, d, &without, &options).await, outcome(0, 0, 2, 0));
    assert_eq!(everything(store, d).await, before, "nothing changed, timestamps included");
    let listed = store.salespeople(d).await.unwrap();
    assert_eq!(listed.iter().map(|s| s.lead_count).sum::<u64>(), 2, "the salespeople keep their leads");

    // Without the column, other fields still update, and the assignment stays.
    let renamed = format!("{HEADER6}\nR-1,Ann Lee,ann@example.com,Web,High,Contacted\n");
    assert_eq!(import_with(store, d, &renamed, &options).await, outcome(0, 1, 0, 0));
    let r1 = store.get_lead(d, "R-1").await.unwrap();
    assert_eq!(
        (r1.lead.lead_name.as_str(), r1.lead.status.as_str(), r1.lead.salesperson.as_deref()),
        ("Ann Lee", "Contacted", Some("Dana Scully"))
    );

    // A blank cell keeps the stored salesperson; with blanks = clear it unassigns.
    let blank = format!("{HEADER6},Assigned Salesperson\nR-2,Bob,bob@example.com,Web,Low,Open,\n");
    assert_eq!(import_with(store, d, &blank, &options).await, outcome(0, 0, 1, 0));
    assert_eq!(store.get_lead(d, "R-2").await.unwrap().lead.salesperson.as_deref(), Some("Fox Mulder"));
    let clear = ImportOptions { blanks: leads_core::Blanks::Clear, ..ImportOptions::default() };
    assert_eq!(import_with(store, d, &blank, &clear).await, outcome(0, 1, 0, 0));
    assert_eq!(store.get_lead(d, "R-2").await.unwrap().lead.salesperson, None);

    // Policies: create-only skips stored Lead IDs, update-only skips new ones.
    let mixed = format!(
        "{HEADER6},Assigned Salesperson\nR-3,Cy,cy@example.com,Fair,Medium,Won,Walter Skinner\n\
         R-4,Di,di@example.com,Web,High,New,Monica Reyes\n"
    );
    let create_only = ImportOptions { on_existing: leads_core::OnExisting::Skip, ..ImportOptions::default() };
    let update_only = ImportOptions { on_new: leads_core::OnNew::Skip, ..ImportOptions::default() };
    let both_skip = ImportOptions { on_new: leads_core::OnNew::Skip, ..create_only.clone() };
    assert_eq!(import_with(store, d, &mixed, &both_skip).await, outcome(0, 0, 0, 2));
    assert_eq!(import_with(store, d, &mixed, &update_only).await, outcome(0, 1, 0, 1));
    assert_eq!(store.get_lead(d, "R-3").await.unwrap().lead.status, "Won");
    assert_eq!(store.get_lead(d, "R-4").await.unwrap_err().code(), "not_found", "update-only adds nothing");
    let names = |l: &[leads_core::Salesperson]| l.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert!(
        !names(&store.salespeople(d).await.unwrap()).contains(&"Monica Reyes".to_owned()),
        "a skipped lead's salesperson is not added"
    );
    assert_eq!(import_with(store, d, &mixed, &create_only).await, outcome(1, 0, 0, 1));
    assert_eq!(store.get_lead(d, "R-4").await.unwrap().lead.salesperson.as_deref(), Some("Monica Reyes"));
    assert_eq!(import_with(store, d, &mixed, &options).await, outcome(0, 0, 2, 0));
    let after = assigned(&everything(store, d).await);
    assert_eq!(
        after,
        vec![
            ("R-1".to_owned(), Some("Dana Scully".to_owned())),
            ("R-2".to_owned(), None),
            ("R-3".to_owned(), Some("Walter Skinner".to_owned())),
            ("R-4".to_owned(), Some("Monica Reyes".to_owned())),
        ]
    );
    // Plain upserts still write every field as given (a lead without a salesperson is unassigned).
    let mut r1 = store.get_lead(d, "R-1").await.unwrap().lead;
    r1.salesperson = None;
    assert_eq!(store.upsert_leads(d, &[r1]).await.unwrap(), outcome(0, 1, 0, 0));
    assert_eq!(store.get_lead(d, "R-1").await.unwrap().lead.salesperson, None);
}

/// Every lead of `user`, by walking cursor pages of 1000.
pub async fn everything<S: Store>(store: &S, user: Uuid) -> Vec<StoredLead> {
    let mut out = Vec::new();
    let mut q: LeadQuery = "limit=1000&sort=lead_id".parse().unwrap();
    loop {
        let page = store.query(user, &q).await.unwrap();
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

async fn users<S: Store>(store: &S, prefix: &str) {
    let name = |n: &str| format!("{prefix}{n}");
    let signer = TokenSigner::new(SECRET).unwrap();
    let now = Timestamp::from_micros(1_900_000_000_000_000);
    let ann = leads_core::register(store, &name("Ann.Lee"), "correct horse", params()).await.unwrap();
    let taken = leads_core::register(store, &name("ann.lee"), "another pass", params()).await.unwrap_err();
    assert!(matches!(taken.kind(), ErrorKind::UsernameTaken { .. }), "{taken}");
    assert_eq!(
        leads_core::register(store, "login", "whatever1", params()).await.unwrap_err().code(),
        "invalid_username"
    );
    assert_eq!(
        leads_core::register(store, &name("bob"), "short", params()).await.unwrap_err().code(),
        "invalid_password"
    );

    let session =
        leads_core::login(store, &signer, &name("ANN.LEE"), "correct horse", params(), now).await.unwrap();
    assert_eq!((session.uuid, session.username.as_str()), (ann.uuid, name("Ann.Lee").as_str()));
    assert_eq!(signer.verify(&session.token, now).unwrap().sub, ann.uuid);
    let wrong =
        leads_core::login(store, &signer, &name("ann.lee"), "wrong horse", params(), now).await.unwrap_err();
    let unknown =
        leads_core::login(store, &signer, &name("nobody"), "correct horse", params(), now).await.unwrap_err();
    assert_eq!((wrong.code(), unknown.code()), ("invalid_credentials", "invalid_credentials"));
    assert_eq!(wrong.to_string(), unknown.to_string(), "the same error for both");

    // A seed user with a plaintext password logs in once, and the password is hashed then.
    let legacy =
        store.create_user(leads_core::new_uuid(), &name("legacy_user"), "plain-text-pw").await.unwrap();
    let s = leads_core::login(store, &signer, &name("legacy_user"), "plain-text-pw", params(), now)
        .await
        .unwrap();
    assert_eq!(s.uuid, legacy.uuid);
    let stored = store.find_user(&name("legacy_user")).await.unwrap().unwrap().password;
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    leads_core::login(store, &signer, &name("legacy_user"), "plain-text-pw", params(), now).await.unwrap();
    assert!(leads_core::login(store, &signer, &name("legacy_user"), &stored, params(), now).await.is_err());
}

/// The fixture: a generated 600-row file (about 2% invalid rows) imported for `a`, and a few
/// leads for `b`.
pub fn fixture_csv() -> Vec<u8> {
    leads_gen::generate(600, 11)
}

async fn imports<S: Store>(store: &S, a: Uuid, b: Uuid) {
    let csv = fixture_csv();
    let options = ImportOptions::default();
    // Strict: the file has invalid rows, so nothing is stored and the report comes back.
    let err = store.import_csv(a, &csv[..], &options, ImportMode::Strict).await.unwrap_err();
    let ErrorKind::ImportRejected { report } = err.kind() else { panic!("{err}") };
    assert!(report.invalid > 0 && report.valid > 500);
    assert!(everything(store, a).await.is_empty(), "strict stored nothing");

    let first = store.import_csv(a, &csv[..], &options, ImportMode::SkipInvalid).await.unwrap();
    assert_eq!(first.imported.inserted, first.report.valid);
    assert_eq!((first.imported.updated, first.imported.unchanged), (0, 0));
    let mut seen: Vec<leads_core::ImportProgress> = Vec::new();
    let again = store
        .import_csv_with_progress(a, &csv[..], &options, ImportMode::SkipInvalid, &mut |p| {
            seen.push(*p);
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(again.imported.unchanged, first.report.valid, "re-import changes nothing");
    let last = seen.last().expect("progress was reported");
    assert_eq!((last.validation.bytes, last.validation.rows), (csv.len() as u64, again.report.rows));
    assert_eq!(last.stored, again.imported);
    assert!(seen.windows(2).all(|w| w[0].validation.bytes <= w[1].validation.bytes));
    assert_eq!((again.imported.inserted, again.imported.updated), (0, 0));
    assert_eq!(everything(store, a).await.len() as u64, first.report.valid);

    // A file-level error is refused in any mode.
    let bad = b"Lead ID,Lead Name\nL-1,Ann\n";
    let err = store.import_csv(a, &bad[..], &options, ImportMode::SkipInvalid).await.unwrap_err();
    assert_eq!(err.code(), "import_rejected");

    // Upsert counts, duplicates within a call collapsing to their last copy.
    let lead = |id: &str, name: &str| Lead {
        lead_id: id.into(),
        lead_name: name.into(),
        contact_information: "b@example.com".into(),
        source: "Web".into(),
        interest_level: InterestLevel::Medium,
        status: "New".into(),
        salesperson: None,
    };
    let o = store.upsert_leads(b, &[lead("B-1", "x"), lead("B-2", "y"), lead("B-1", "z")]).await.unwrap();
    assert_eq!((o.inserted, o.updated, o.unchanged), (2, 0, 0));
    assert_eq!(store.get_lead(b, "B-1").await.unwrap().lead.lead_name, "z");
    let o =
        store.upsert_leads(b, &[lead("B-1", "z"), lead("B-2", "changed"), lead("B-3", "w")]).await.unwrap();
    assert_eq!((o.inserted, o.updated, o.unchanged), (1, 1, 1));
}

/// The test's own filter: what a query should keep.
fn keeps(l: &StoredLead, q: &LeadQuery) -> bool {
    let ci = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    let set = |wanted: &[String], v: &str| wanted.is_empty() || wanted.iter().any(|w| ci(w, v));
    let sp_ok = if q.salesperson.is_empty() && !q.unassigned {
        true
    } else {
        match &l.lead.salesperson {
            None => q.unassigned,
            Some(s) => q.salesperson.iter().any(|w| ci(w, s)),
        }
    };
    let q_ok = q.q.as_ref().is_none_or(|needle| {
        let n = needle.to_lowercase();
        [&l.lead.lead_id, &l.lead.lead_name, &l.lead.contact_information]
            .iter()
            .any(|f| f.to_lowercase().contains(&n))
    });
    set(&q.source, &l.lead.source)
        && set(&q.status, &l.lead.status)
        && (q.interest_level.is_empty() || q.interest_level.contains(&l.lead.interest_level))
        && sp_ok
        && q_ok
        && q.created_after.is_none_or(|t| l.created_at >= t)
        && q.created_before.is_none_or(|t| l.created_at < t)
}

/// The test's own order.
fn order(a: &StoredLead, b: &StoredLead, q: &LeadQuery) -> Ordering {
    let rank = |l: InterestLevel| match l {
        InterestLevel::Low => 0,
        InterestLevel::Medium => 1,
        InterestLevel::High => 2,
    };
    for s in q.effective_sort() {
        let o = match s.key {
            leads_core::SortKey::CreatedAt => a.created_at.cmp(&b.created_at),
            leads_core::SortKey::LeadId => a.lead.lead_id.as_bytes().cmp(b.lead.lead_id.as_bytes()),
            leads_core::SortKey::LeadName => a.lead.lead_name.as_bytes().cmp(b.lead.lead_name.as_bytes()),
            leads_core::SortKey::Source => a.lead.source.as_bytes().cmp(b.lead.source.as_bytes()),
            leads_core::SortKey::InterestLevel => {
                rank(a.lead.interest_level).cmp(&rank(b.lead.interest_level))
            }
            leads_core::SortKey::Status => a.lead.status.as_bytes().cmp(b.lead.status.as_bytes()),
            leads_core::SortKey::Salesperson => match (&a.lead.salesperson, &b.lead.salesperson) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
            },
        };
        let o = if s.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.id.cmp(&b.id)
}

pub fn expected(all: &[StoredLead], q: &LeadQuery) -> Vec<StoredLead> {
    let mut v: Vec<StoredLead> = all.iter().filter(|l| keeps(l, q)).cloned().collect();
    v.sort_by(|a, b| order(a, b, q));
    v
}

fn ids(leads: &[StoredLead]) -> Vec<&str> {
    leads.iter().map(|l| l.lead.lead_id.as_str()).collect()
}

async fn filters_and_sorts<S: Store>(store: &S, a: Uuid, all: &[StoredLead]) {
    let mut times: Vec<Timestamp> = all.iter().map(|l| l.created_at).collect();
    times.sort();
    let mid = times[times.len() / 2];
    let queries = [
        String::new(),
        "status=open,WON".into(),
        "source=Webinar&interest_level=hot".into(),
        "interest_level=Low,Medium&sort=-interest_level,lead_name".into(),
        "salesperson=dana%20scully,unassigned&sort=salesperson,-lead_id".into(),
        "salesperson=unassigned".into(),
        "q=GARC&sort=lead_name".into(),
        "q=%2B44&sort=-source,status".into(),
        format!("created_after={mid}&sort=created_at"),
        format!("created_before={mid}&sort=-created_at"),
        "sort=-salesperson,interest_level".into(),
        "sort=status,-source,lead_id".into(),
        "status=Nope".into(),
    ];
    for text in queries {
        let mut q: LeadQuery = text.parse().unwrap();
        q.limit = Some(1000);
        q.total = true;
        let page = store.query(a, &q).await.unwrap();
        let want = expected(all, &q);
        assert_eq!(ids(&page.items), ids(&want), "query {text:?}");
        assert_eq!(page.total, Some(want.len() as u64), "total of {text:?}");
        assert_eq!(page.next_cursor, None);
    }
    // Default: newest first, 50 per page, no total unless asked.
    let page = store.query(a, &LeadQuery::default()).await.unwrap();
    assert_eq!((page.items.len(), page.total, page.limit), (50, None, 50));
    let newest = expected(all, &LeadQuery::default());
    assert_eq!(ids(&page.items), ids(&newest[..50]));
}

async fn paging<S: Store>(store: &S, a: Uuid, all: &[StoredLead]) {
    let base: LeadQuery = "sort=-interest_level,source&limit=37&total=true".parse().unwrap();
    let want = expected(all, &base);
    // Offset pages.
    for page_no in [1, 2, 5] {
        let q: LeadQuery = format!("sort=-interest_level,source&limit=37&page={page_no}").parse().unwrap();
        let page = store.query(a, &q).await.unwrap();
        let start = (page_no - 1) * 37;
        assert_eq!(ids(&page.items), ids(&want[start..start + 37]), "page {page_no}");
        assert_eq!(page.offset, start as u64);
    }
    let past = store.query(a, &"offset=100000".parse().unwrap()).await.unwrap();
    assert!(past.items.is_empty() && past.next_cursor.is_none());
    // A cursor walk returns everything once, in order.
    let mut walked = Vec::new();
    let mut q = base.clone();
    loop {
        let page = store.query(a, &q).await.unwrap();
        assert_eq!(page.total, Some(want.len() as u64));
        walked.extend(page.items);
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(ids(&walked), ids(&want));
    // A cursor belongs to its query.
    let first = store.query(a, &base).await.unwrap();
    let mut other: LeadQuery = "sort=lead_name&limit=37".parse().unwrap();
    other.cursor = first.next_cursor.clone();
    let err = store.query(a, &other).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidQuery { parameter, .. } if parameter == "cursor"),
        "{err}"
    );
    let mut filtered = base.clone();
    filtered.status = vec!["Open".into()];
    filtered.cursor = first.next_cursor;
    assert_eq!(store.query(a, &filtered).await.unwrap_err().code(), "invalid_query");
    let mut forged = base.clone();
    forged.cursor = Some("not-a-cursor".into());
    assert_eq!(store.query(a, &forged).await.unwrap_err().code(), "invalid_query");
}

async fn edits<S: Store>(store: &S, a: Uuid) {
    let before = store.get_lead(a, "L-0000001").await.unwrap();
    let patch: LeadPatch = serde_json::from_str(
        r#"{"lead_name":"  Renamed Lead ","contact_information":"NEW@Example.com","interest_level":"warm","status":"won","salesperson":null}"#,
    )
    .unwrap();
    let after = store.update_lead(a, "L-0000001", &patch).await.unwrap();
    assert_eq!(after.lead.lead_name, "Renamed Lead");
    assert_eq!(after.lead.contact_information, "new@example.com");
    assert_eq!((after.lead.interest_level, after.lead.status.as_str()), (InterestLevel::Medium, "Won"));
    assert_eq!(after.lead.salesperson, None);
    assert_eq!((after.id, after.created_at), (before.id, before.created_at));
    assert!(after.updated_at >= before.updated_at);
    assert_eq!(store.get_lead(a, "L-0000001").await.unwrap(), after);

    let bad: LeadPatch =
        serde_json::from_str(r#"{"contact_information":"nobody","status":"Pending"}"#).unwrap();
    let err = store.update_lead(a, "L-0000001", &bad).await.unwrap_err();
    let ErrorKind::InvalidLead { issues } = err.kind() else { panic!("{err}") };
    let codes: Vec<&str> = issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["invalid_contact", "invalid_choice"]);
    assert_eq!(store.get_lead(a, "L-0000001").await.unwrap(), after, "nothing changed");
    assert_eq!(store.update_lead(a, "nope", &patch).await.unwrap_err().code(), "not_found");
    assert!(serde_json::from_str::<LeadPatch>(r#"{"lead_id":"X"}"#).is_err(), "lead_id cannot be patched");

    store.delete_lead(a, "L-0000001").await.unwrap();
    assert_eq!(store.get_lead(a, "L-0000001").await.unwrap_err().code(), "not_found");
    assert_eq!(store.delete_lead(a, "L-0000001").await.unwrap_err().code(), "not_found");
}

async fn salespeople<S: Store>(store: &S, a: Uuid) {
    let all = everything(store, a).await;
    let count =
        |name: &str| all.iter().filter(|l| l.lead.salesperson.as_deref() == Some(name)).count() as u64;
    let listed = store.salespeople(a).await.unwrap();
    // Names that came with the imported leads are listed with their counts.
    let dana = listed.iter().find(|s| s.name == "Dana Scully").expect("imported salesperson listed");
    assert_eq!(dana.lead_count, count("Dana Scully"));
    assert!(dana.active);

    let new = store.add_salesperson(a, "  Jane Roe ").await.unwrap();
    assert_eq!((new.name.as_str(), new.lead_count, new.active), ("Jane Roe", 0, true));
    assert_eq!(store.add_salesperson(a, "jane roe").await.unwrap_err().code(), "salesperson_exists");

    let renamed = store.rename_salesperson(a, dana.id, "Dana Katherine Scully").await.unwrap();
    assert_eq!(renamed.lead_count, dana.lead_count, "leads follow the rename");
    let q: LeadQuery = "salesperson=Dana%20Scully&total=true".parse().unwrap();
    assert_eq!(store.query(a, &q).await.unwrap().total, Some(0));
    let q: LeadQuery = "salesperson=dana%20katherine%20scully&total=true".parse().unwrap();
    assert_eq!(store.query(a, &q).await.unwrap().total, Some(dana.lead_count));
    assert_eq!(
        store.rename_salesperson(a, new.id, "DANA KATHERINE SCULLY").await.unwrap_err().code(),
        "salesperson_exists"
    );

    let off = store.deactivate_salesperson(a, new.id).await.unwrap();
    assert!(!off.active);
    let listed = store.salespeople(a).await.unwrap();
    assert!(listed.iter().any(|s| s.id == new.id && !s.active));
    let names: Vec<String> = listed.iter().map(|s| s.name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "listed by name");
    assert_eq!(store.deactivate_salesperson(a, Uuid::from_u128(99)).await.unwrap_err().code(), "not_found");
}

async fn isolation<S: Store>(store: &S, a: Uuid, b: Uuid) {
    let b_leads = everything(store, b).await;
    assert_eq!(ids(&b_leads), ["B-1", "B-2", "B-3"]);
    assert!(b_leads.iter().all(|l| l.user_uuid == b));
    assert_eq!(store.get_lead(b, "L-0000002").await.unwrap_err().code(), "not_found");
    assert_eq!(store.delete_lead(b, "L-0000002").await.unwrap_err().code(), "not_found");
    store.get_lead(a, "L-0000002").await.unwrap();
    assert!(store.salespeople(b).await.unwrap().is_empty());
    let nobody = leads_core::new_uuid();
    assert!(everything(store, nobody).await.is_empty());
}

/// Every character of a value is literal in every store: no wildcard in a filter, a search or
/// a username at login.
async fn literal_values<S: Store>(store: &S, prefix: &str, c: Uuid) {
    let signer = TokenSigner::new(SECRET).unwrap();
    let now = Timestamp::from_micros(1_900_000_000_000_000);
    // `Ann.Lee` (registered by `users`) has the password "correct horse": no pattern finds her.
    for name in [
        "*",
        "a*",
        "A*",
        "*.*",
        "%",
        "%%%",
        "_nn.lee",
        "Ann_Lee",
        "ann.le_",
        "Ann.Le%",
        "Ann.Le*",
        "(ann.lee)",
        "ann.lee,bob",
        "\\*",
    ] {
        let name =
            if name.starts_with(['*', '%', '(', '\\']) { name.to_owned() } else { format!("{prefix}{name}") };
        let err = leads_core::login(store, &signer, &name, "correct horse", params(), now).await.unwrap_err();
        assert_eq!(err.code(), "invalid_credentials", "login as {name:?}");
        assert!(store.find_user(&name).await.unwrap().is_none(), "find_user({name:?})");
    }
    assert!(store.find_user(&format!("{prefix}ANN.LEE")).await.unwrap().is_some(), "case-insensitive still");

    let specials = [
        "*", "%", "_", "\\", ",", "(", ")", "\"", "'", "a*b", "a%b", "a_b", "a\\b", "x,y", "(z)", "\"q\"",
        "it's",
    ];
    let lead = |n: usize, v: &str| Lead {
        lead_id: format!("S-{n}-{v}"),
        lead_name: format!("Name {v} {n}"),
        contact_information: format!("c{n}@example.com"),
        source: v.to_owned(),
        interest_level: InterestLevel::High,
        status: v.to_owned(),
        salesperson: Some(v.to_owned()),
    };
    let mut leads: Vec<Lead> = specials.iter().enumerate().map(|(n, v)| lead(n, v)).collect();
    // Values the specials would match if read as patterns.
    for (n, v) in ["ab", "axb", "aXXb", "a", "x", "z", "q", "its", "A*B"].iter().enumerate() {
        leads.push(lead(100 + n, v));
    }
    store.upsert_leads(c, &leads).await.unwrap();
    let all = everything(store, c).await;
    assert_eq!(all.len(), leads.len());
    for v in specials.iter().chain(&["A*B", "nothing*"]) {
        let mut queries = vec![LeadQuery { q: Some((*v).to_owned()), ..LeadQuery::default() }];
        queries.push(LeadQuery { source: vec![(*v).to_owned()], ..LeadQuery::default() });
        queries.push(LeadQuery { status: vec![(*v).to_owned()], ..LeadQuery::default() });
        queries.push(LeadQuery { salesperson: vec![(*v).to_owned()], ..LeadQuery::default() });
        queries.push(LeadQuery { source: vec![(*v).to_owned(), "ab".into()], ..LeadQuery::default() });
        for mut q in queries {
            q.limit = Some(1000);
            q.total = true;
            let page = store.query(c, &q).await.unwrap();
            let want = expected(&all, &q);
            assert_eq!(ids(&page.items), ids(&want), "value {v:?} in {q}");
            assert_eq!(page.total, Some(want.len() as u64), "total for {v:?} in {q}");
            // The query string form reaches the same answer.
            let again: LeadQuery = q.to_string().parse().unwrap();
            assert_eq!(store.query(c, &again).await.unwrap().items, page.items, "{q}");
        }
    }
    let star = LeadQuery { source: vec!["a*b".into()], ..LeadQuery::default() };
    assert_eq!(ids(&store.query(c, &star).await.unwrap().items).len(), 2, "a*b and A*B, nothing else");

    // Paging limits and cursors that do not fit the sort are refused, not read loosely.
    let deep = LeadQuery { offset: leads_core::MAX_OFFSET + 1, ..LeadQuery::default() };
    assert_eq!(store.query(c, &deep).await.unwrap_err().code(), "invalid_query");
    let at_max = LeadQuery { offset: leads_core::MAX_OFFSET, ..LeadQuery::default() };
    assert!(store.query(c, &at_max).await.unwrap().items.is_empty());
    let first = store.query(c, &"sort=-created_at,source&limit=3".parse().unwrap()).await.unwrap();
    let cursor = first.next_cursor.expect("more than one page");
    let mut json: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&cursor).unwrap())
            .unwrap();
    let keys = json["k"].clone();
    for forged_keys in [
        serde_json::json!(["2026-01-01", keys[1].clone()]),
        serde_json::json!([keys[0].clone(), 5]),
        serde_json::json!([i64::MAX, keys[1].clone()]),
        serde_json::json!([null, keys[1].clone()]),
        serde_json::json!([keys[0].clone(), {"x": 1}]),
    ] {
        json["k"] = forged_keys.clone();
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string());
        let mut q: LeadQuery = "sort=-created_at,source&limit=3".parse().unwrap();
        q.cursor = Some(forged);
        let err = store.query(c, &q).await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidQuery { parameter, .. } if parameter == "cursor"),
            "{forged_keys}: {err}"
        );
    }
    let mut q: LeadQuery = "sort=-created_at,source&limit=3".parse().unwrap();
    q.cursor = Some(cursor);
    assert_eq!(store.query(c, &q).await.unwrap().items.len(), 3, "the real cursor still works");

    // Leads and salespeople belong to a registered user.
    let nobody = leads_core::new_uuid();
    assert_eq!(store.upsert_leads(nobody, &leads[..1]).await.unwrap_err().code(), "not_found");
    assert_eq!(store.add_salesperson(nobody, "Jane").await.unwrap_err().code(), "not_found");
    assert!(everything(store, nobody).await.is_empty());
}

/// A progress callback that breaks stops the import at once, and the error says what stayed.
async fn stopped_imports<S: Store>(store: &S, c: Uuid) {
    let before = everything(store, c).await.len();
    // Several of the biggest batch any store writes (SqliteStore's: 16 × IMPORT_BATCH).
    let csv = leads_gen::generate(40_000, 5);
    let options = ImportOptions::default();
    let mut calls = 0;
    let err = store
        .import_csv_with_progress(c, &csv[..], &options, ImportMode::Strict, &mut |_| {
            calls += 1;
            ControlFlow::Break(())
        })
        .await
        .unwrap_err();
    let ErrorKind::Interrupted { stored, batches } = err.kind() else { panic!("{err}") };
    assert_eq!((calls, *batches, stored.inserted), (1, 0, 0), "strict: stopped before storing");
    assert_eq!(everything(store, c).await.len(), before, "nothing stored");

    let mut last_read = 0;
    let err = store
        .import_csv_with_progress(c, &csv[..], &options, ImportMode::SkipInvalid, &mut |p| {
            last_read = p.validation.bytes;
            if p.stored.inserted > 0 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .await
        .unwrap_err();
    let ErrorKind::Interrupted { stored, batches } = err.kind() else { panic!("{err}") };
    assert!(*batches >= 1 && stored.inserted > 0, "{err}");
    assert!(last_read < csv.len() as u64, "stopped before the end of the file");
    assert_eq!(everything(store, c).await.len(), before + stored.inserted as usize, "what it says is stored");
}

/// On a store whose clock stands still (a browser's ticks in milliseconds), the history still
/// lists jobs newest first, in the order they began, and pages through them.
pub async fn history_order_on_a_still_clock<S: Store>(store: &S) {
    let user = leads_core::new_uuid();
    store.create_user(user, &format!("still_{}", &user.simple().to_string()[..8]), "x").await.unwrap();
    let mut began = Vec::new();
    for i in 0..10 {
        let csv = format!("{HEADER6}\nS-{i},Still,s@example.com,Web,Low,New\n");
        let done =
            store.import_csv(user, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await;
        began.push(done.unwrap().job.unwrap().id);
    }
    began.reverse();
    assert_eq!(job_ids(&store.imports(user, 50, None).await.unwrap().items), began);
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store.imports(user, 3, cursor.as_deref()).await.unwrap();
        paged.extend(job_ids(&page.items));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(paged, began);
}

/// Store futures are `Send`: a multi-threaded tokio service can `tokio::spawn` imports and
/// queries on one shared store (run inside a multi-threaded runtime).
pub async fn spawned_work<S: Store + Send + Sync + 'static>(store: std::sync::Arc<S>, prefix: &str) {
    let user = leads_core::new_uuid();
    store
        .create_user(user, &format!("{prefix}spawner_{}", &user.to_string()[..8]), "not-a-real-hash")
        .await
        .unwrap();
    let imports: Vec<_> = (0..4u64)
        .map(|n| {
            let store = std::sync::Arc::clone(&store);
            // Four files of distinct Lead IDs (each generated file numbers its leads from 1).
            let csv =
                String::from_utf8(leads_gen::generate(300, n)).unwrap().replace("L-", &format!("S{n}-"));
            tokio::spawn(async move {
                let options = ImportOptions::default();
                store
                    .import_csv(
                        user,
                        std::io::Cursor::new(csv.into_bytes()),
                        &options,
                        ImportMode::SkipInvalid,
                    )
                    .await
            })
        })
        .collect();
    let mut stored = 0;
    for handle in imports {
        stored += handle.await.unwrap().unwrap().imported.inserted;
    }
    let counted = {
        let store = std::sync::Arc::clone(&store);
        tokio::spawn(async move { store.query(user, &"total=true&limit=1".parse().unwrap()).await })
    };
    assert_eq!(counted.await.unwrap().unwrap().total, Some(stored));
    assert!(stored > 1000, "{stored}");
}
