//! Stores for JS: `MemoryStore` (filter, sort and page a local set of leads) and
//! `SupabaseStore` (PostgREST with a publishable key and a user's access token: the browser never
//! needs a secret). Every method returns a Promise; errors reject with a `LeadsError`.

use std::future::Future;
use std::ops::ControlFlow;
use std::rc::Rc;

use leads_core::{
    Acting, ImportMode, Lead, LeadPatch, PasswordParams, Store as _, Timestamp, TokenSigner, Uuid,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{index, input_bytes, optional_bool, optional_string, options, string, to_js};
use crate::error::{invalid_option, js};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A registered user. */
export interface User {
  uuid: string;
  username: string;
  created_at: string;
}

/** A logged-in user and their HS256 token. */
export interface Session {
  uuid: string;
  username: string;
  token: string;
}

/** One page of leads. */
export interface Page {
  items: StoredLead[];
  total: number | null;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

/** What an upsert did. */
export interface UpsertOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Left out by `on_existing` / `on_new` = `"skip"`. */
  skipped: number;
}

/** How far an import has got: validation so far and what has been stored. */
export interface ImportProgress {
  bytes: number;
  rows: number;
  valid: number;
  invalid: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

/** What an import did. */
export interface ImportResult {
  report: Report;
  imported: UpsertOutcome;
  /** On a dry run: the first 100 would-be updates. */
  changes?: LeadChange[];
  /** The import's record in the history; `null` on a dry run. */
  job: Job | null;
}

/** An import or bulk edit, as the history lists it. */
export interface Job {
  id: string;
  kind: "import" | "bulk_update" | "bulk_delete";
  /** `partial`: stopped part way (what it stored can be reverted). */
  state: "done" | "partial" | "reverted";
  created_at: string;
  actor: string;
  file_name: string | null;
  bytes: number;
  /** SHA-256 of the file, lower-case hex. */
  sha256: string | null;
  /** An import's mode and options, a bulk edit's query and patch. */
  spec: { mode?: ImportMode; options?: ImportOptions; query?: string; patch?: LeadPatch };
  counts: { inserted: number; updated: number; unchanged: number; skipped: number; deleted: number };
  /** The import report's first 100 issues. */
  issues: Issue[];
  reverted_at: string | null;
}

/** A page of the history, newest first. */
export interface JobPage {
  items: Job[];
  next_cursor: string | null;
}

/** What a revert did; `conflicts` are Lead IDs changed since, left as they are. */
export interface Reverted {
  job: Job;
  deleted: number;
  restored: number;
  conflicts: string[];
}

/** A would-be update of a dry run: each field it changes, by field key. */
export interface LeadChange {
  lead_id: string;
  fields: Partial<Record<LeadField, { before: string | null; after: string | null }>>;
}

/** How an import treats invalid rows. */
export type ImportMode = "strict" | "skip_invalid";

/** Changes to one lead; `salesperson: null` (or "") unassigns. */
export interface LeadPatch {
  lead_name?: string;
  contact_information?: string;
  source?: string;
  interest_level?: string;
  status?: string;
  salesperson?: string | null;
}

/** A member's role in a workspace (the owner is the workspace's own user). */
export type MemberRole = "admin" | "manager" | "rep" | "viewer";

/** A member of a workspace. */
export interface Member {
  user_uuid: string;
  username: string;
  role: MemberRole;
  /** The salesperson who is this member (a rep sees that salesperson's leads). */
  salesperson_id: string | null;
  /** The teams they lead (a manager in teams sees those teams' leads). */
  team_ids: string[];
}

/** Changes to a member; absent fields stay. */
export interface MemberChange {
  role?: MemberRole;
  salesperson_id?: string | null;
  team_ids?: string[];
}

/** A team of salespeople. */
export interface Team {
  id: string;
  name: string;
}

/** A salesperson with their lead count. */
export interface Salesperson {
  id: string;
  name: string;
  active: boolean;
  lead_count: number;
  /** The team they are in. */
  team_id: string | null;
}
"#;

fn now() -> Timestamp {
    Timestamp::from_micros((js_sys::Date::now() * 1000.0) as i64)
}

fn uuid(name: &str, text: &str) -> Result<Uuid, JsValue> {
    text.parse().map_err(|_| invalid_option(name, &format!("{text:?} is not a UUID")))
}

/// The `user` argument: a UUID string.
fn user_id(value: &JsValue) -> Result<Uuid, JsValue> {
    uuid("user", &string("user", value)?)
}

fn from_js<T: DeserializeOwned>(name: &str, value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid_option(name, &e.to_string()))
}

fn query_of(value: &JsValue) -> Result<leads_core::LeadQuery, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(leads_core::LeadQuery::default());
    }
    if let Some(text) = value.as_string() {
        return leads_core::LeadQuery::parse(&text).map_err(js);
    }
    // A LeadQuery instance: parse its canonical string (wasm-bindgen classes cannot be borrowed
    // from a JsValue safely here).
    let text = js_sys::Reflect::get(value, &"toString".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(value).ok())
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid_option("query", "a query is a LeadQuery or a query string"))?;
    leads_core::LeadQuery::parse(&text).map_err(js)
}

/// `{bytes, rows, valid, invalid, inserted, updated, unchanged, skipped}`: an import's progress for JS.
fn import_progress(p: &leads_core::ImportProgress) -> JsValue {
    let v = &p.validation;
    let fields = [
        ("bytes", v.bytes),
        ("rows", v.rows),
        ("valid", v.valid),
        ("invalid", v.invalid),
        ("inserted", p.stored.inserted),
        ("updated", p.stored.updated),
        ("unchanged", p.stored.unchanged),
        ("skipped", p.stored.skipped),
    ];
    to_js(&fields.into_iter().collect::<std::collections::BTreeMap<_, _>>()).unwrap_or(JsValue::NULL)
}

/// The value a progress callback threw, carrying as `cause` (when it is an object without one)
/// the `interrupted` error that says what had been stored.
fn thrown_with_cause(thrown: JsValue, stopped: JsValue) -> JsValue {
    if thrown.is_object() {
        let has_cause = js_sys::Reflect::has(&thrown, &"cause".into()).unwrap_or(true);
        if !has_cause {
            let _ = js_sys::Reflect::set(&thrown, &"cause".into(), &stopped);
        }
        thrown
    } else {
        let _ = js_sys::Reflect::set(&stopped, &"cause".into(), &thrown);
        stopped
    }
}

/// Runs `work` on `store` with the checked arguments and resolves with its result as a plain JS
/// value; rejects with the arguments' error or the core's.
fn promise<
    S: ?Sized + 'static,
    A: 'static,
    T: serde::Serialize,
    F: Future<Output = leads_core::Result<T>> + 'static,
>(
    store: &Rc<S>,
    args: Result<A, JsValue>,
    work: impl FnOnce(Rc<S>, A) -> F + 'static,
) -> js_sys::Promise {
    let store = Rc::clone(store);
    future_to_promise(async move { to_js(&work(store, args?).await.map_err(js)?) })
}

/// An export's output: each chunk of bytes goes to the JS `write` callback; what it throws is
/// kept and stops the export.
struct JsSink {
    write: js_sys::Function,
    thrown: Option<JsValue>,
}

impl std::io::Write for JsSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.write.call1(&JsValue::NULL, &js_sys::Uint8Array::from(buf)) {
            Ok(_) => Ok(buf.len()),
            Err(e) => {
                self.thrown = Some(e);
                Err(std::io::Error::other("stopped by the write callback"))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `exportCsv` of any store.
fn export_promise<S: leads_core::Store + 'static>(
    s: Rc<S>,
    actor: Option<Uuid>,
    user: JsValue,
    query: JsValue,
    write: JsValue,
) -> js_sys::Promise {
    let prepared = (|| -> Result<_, JsValue> {
        let write = write
            .dyn_into::<js_sys::Function>()
            .map_err(|_| invalid_option("write", "must be a function"))?;
        Ok((user_id(&user)?, query_of(&query)?, write))
    })();
    future_to_promise(async move {
        let (user, query, write) = prepared?;
        let mut sink = JsSink { write, thrown: None };
        let done = Acting::new(&*s, actor.unwrap_or(user), user).export_csv(&query, &mut sink).await;
        match (done, sink.thrown) {
            (Ok(n), _) => Ok(JsValue::from_f64(n as f64)),
            (Err(e), Some(thrown)) => Err(thrown_with_cause(thrown, js(e))),
            (Err(e), None) => Err(js(e)),
        }
    })
}

/// `importCsv` / `dryRunCsv` of any store: `[user, input, options, mode, progress]`.
fn import_promise<S: leads_core::Store + 'static>(
    s: Rc<S>,
    actor: Option<Uuid>,
    args: [JsValue; 5],
    dry_run: bool,
) -> js_sys::Promise {
    let [user, input, options_value, mode, progress] = args;
    let prepared = (|| -> Result<_, JsValue> {
        let mode = optional_string("mode", &mode)?;
        let mode: ImportMode = mode.as_deref().unwrap_or("strict").parse().map_err(js)?;
        let progress = match progress.is_undefined() || progress.is_null() {
            true => None,
            false => Some(
                progress
                    .dyn_into::<js_sys::Function>()
                    .map_err(|_| invalid_option("progress", "must be a function"))?,
            ),
        };
        let user = uuid("user", &string("user", &user)?)?;
        Ok((user, input_bytes(&input)?, options(options_value)?, mode, progress))
    })();
    future_to_promise(async move {
        let (user, bytes, options, mode, progress) = prepared?;
        let mut thrown = None;
        let mut on_progress = |p: &leads_core::ImportProgress| {
            let Some(callback) = &progress else { return ControlFlow::Continue(()) };
            match callback.call1(&JsValue::NULL, &import_progress(p)) {
                Ok(_) => ControlFlow::Continue(()),
                Err(e) => {
                    thrown = Some(e);
                    ControlFlow::Break(())
                }
            }
        };
        let acting = Acting::new(&*s, actor.unwrap_or(user), user);
        let done = if dry_run {
            acting.dry_run_csv_with_progress(&bytes[..], &options, mode, &mut on_progress).await
        } else {
            acting.import_csv_with_progress(&bytes[..], &options, mode, &mut on_progress).await
        };
        match (done, thrown) {
            (Ok(done), _) => to_js(&done),
            (Err(e), Some(thrown)) => Err(thrown_with_cause(thrown, js(e))),
            (Err(e), None) => Err(js(e)),
        }
    })
}

/// The methods of both stores (`$core` is the core store type inside the `Rc`). Arguments
/// are checked before any work: a wrong type rejects with `invalid_option` naming it.
macro_rules! store_methods {
    ($store:ident) => {
        #[wasm_bindgen]
        impl $store {
            /// The same store, acting as `actor` (a user uuid): every workspace method then does
            /// what that member's role allows in the workspace named by its `user` argument
            /// (`forbidden` naming the permission otherwise); without it, the workspace's owner.
            #[wasm_bindgen(js_name = actingAs)]
            pub fn acting_as(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
            ) -> Result<$store, JsValue> {
                let actor = uuid("actor", &string("actor", &actor)?)?;
                Ok($store { inner: Rc::clone(&self.inner), params: self.params, actor: Some(actor) })
            }

            /// The workspace's members, by username.
            #[wasm_bindgen(unchecked_return_type = "Promise<Member[]>")]
            pub fn members(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                promise(&self.inner, user_id(&user), move |s, user| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).members().await
                })
            }

            /// Makes the user `username` a member with `role`, optionally linked to a
            /// salesperson and leading teams (`already_exists`, `not_found`, `forbidden`).
            #[wasm_bindgen(js_name = addMember, unchecked_return_type = "Promise<Member>")]
            pub fn add_member(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] username: JsValue,
                #[wasm_bindgen(unchecked_param_type = "MemberRole")] role: JsValue,
                #[wasm_bindgen(js_name = salespersonId, unchecked_optional_param_type = "string | null")]
                salesperson_id: JsValue,
                #[wasm_bindgen(js_name = teamIds, unchecked_optional_param_type = "string[] | null")]
                team_ids: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    let role = leads_core::Role::parse(&string("role", &role)?).map_err(js)?;
                    let person = optional_string("salespersonId", &salesperson_id)?
                        .map(|id| uuid("salespersonId", &id))
                        .transpose()?;
                    let teams: Vec<String> = if team_ids.is_undefined() || team_ids.is_null() {
                        Vec::new()
                    } else {
                        from_js("teamIds", team_ids)?
                    };
                    let teams = teams.iter().map(|t| uuid("teamIds", t)).collect::<Result<Vec<_>, _>>()?;
                    Ok((user_id(&user)?, string("username", &username)?, role, person, teams))
                })();
                promise(&self.inner, prepared, move |s, (user, username, role, person, teams)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user)
                        .add_member(&username, role, person, &teams)
                        .await
                })
            }

            /// Changes a member (`{role?, salesperson_id?, team_ids?}`).
            #[wasm_bindgen(js_name = changeMember, unchecked_return_type = "Promise<Member>")]
            pub fn change_member(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] member: JsValue,
                #[wasm_bindgen(unchecked_param_type = "MemberChange")] change: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    let change: leads_core::MemberChange = from_js("change", change)?;
                    Ok((user_id(&user)?, uuid("member", &string("member", &member)?)?, change))
                })();
                promise(&self.inner, prepared, move |s, (user, member, change)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).change_member(member, &change).await
                })
            }

            /// Removes a member (`not_found`, `forbidden`).
            #[wasm_bindgen(js_name = removeMember, unchecked_return_type = "Promise<void>")]
            pub fn remove_member(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] member: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let s = Rc::clone(&self.inner);
                let prepared =
                    user_id(&user).and_then(|u| Ok((u, uuid("member", &string("member", &member)?)?)));
                future_to_promise(async move {
                    let (user, member) = prepared?;
                    Acting::new(&*s, actor.unwrap_or(user), user).remove_member(member).await.map_err(js)?;
                    Ok(JsValue::UNDEFINED)
                })
            }

            /// Adds a team (`already_exists`).
            #[wasm_bindgen(js_name = addTeam, unchecked_return_type = "Promise<Team>")]
            pub fn add_team(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, string("name", &name)?)));
                promise(&self.inner, prepared, move |s, (user, name)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).add_team(&name).await
                })
            }

            /// The workspace's teams, by name.
            #[wasm_bindgen(unchecked_return_type = "Promise<Team[]>")]
            pub fn teams(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                promise(&self.inner, user_id(&user), move |s, user| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).teams().await
                })
            }

            /// Puts a salesperson in a team (`teamId` null: in none).
            #[wasm_bindgen(js_name = setSalespersonTeam, unchecked_return_type = "Promise<Salesperson>")]
            pub fn set_salesperson_team(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(js_name = teamId, unchecked_param_type = "string | null")] team_id: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    let team =
                        optional_string("teamId", &team_id)?.map(|t| uuid("teamId", &t)).transpose()?;
                    Ok((user_id(&user)?, uuid("id", &string("id", &id)?)?, team))
                })();
                promise(&self.inner, prepared, move |s, (user, id, team)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).set_salesperson_team(id, team).await
                })
            }

            /// Registers a user (`invalid_username`, `invalid_password`, `username_taken`).
            #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
            pub fn register(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] username: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
            ) -> js_sys::Promise {
                let params = self.params;
                let args =
                    string("username", &username).and_then(|u| Ok((u, string("password", &password)?)));
                promise(&self.inner, args, move |s, (username, password)| async move {
                    leads_core::register(&*s, &username, &password, params).await
                })
            }

            /// Logs in and signs a token with `jwtSecret` (`invalid_credentials` for an unknown
            /// user and a wrong password alike). A server-side call: the secret never belongs in a
            /// browser.
            #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
            pub fn login(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] username: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
                #[wasm_bindgen(js_name = jwtSecret, unchecked_param_type = "string")] jwt_secret: JsValue,
            ) -> js_sys::Promise {
                let params = self.params;
                let args = (|| -> Result<_, JsValue> {
                    Ok((
                        string("username", &username)?,
                        string("password", &password)?,
                        string("jwtSecret", &jwt_secret)?,
                    ))
                })();
                promise(&self.inner, args, move |s, (username, password, jwt_secret)| async move {
                    let signer = TokenSigner::new(jwt_secret.as_str())?;
                    leads_core::login(&*s, &signer, &username, &password, params, now()).await
                })
            }

            /// Validates a CSV and stores its valid leads for `user` (`mode` "strict", the
            /// default: any error rejects with `import_rejected` and its report in `data`).
            /// `progress` is called after every chunk read and every stored batch; when it
            /// throws, the import stops at once and rejects with what it threw, whose `cause` is
            /// an `interrupted` error saying what had been stored.
            #[wasm_bindgen(js_name = importCsv, unchecked_return_type = "Promise<ImportResult>")]
            pub fn import_csv(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "CsvInput")] input: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")]
                options_value: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "ImportMode")] mode: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "(progress: ImportProgress) => void")]
                progress: JsValue,
            ) -> js_sys::Promise {
                import_promise(
                    Rc::clone(&self.inner),
                    self.actor,
                    [user, input, options_value, mode, progress],
                    false,
                )
            }

            /// The same import compared with the stored leads, writing nothing: the would-be
            /// counts, and in `changes` the first 100 would-be updates, field by field.
            #[wasm_bindgen(js_name = dryRunCsv, unchecked_return_type = "Promise<ImportResult>")]
            pub fn dry_run_csv(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "CsvInput")] input: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")]
                options_value: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "ImportMode")] mode: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "(progress: ImportProgress) => void")]
                progress: JsValue,
            ) -> js_sys::Promise {
                import_promise(
                    Rc::clone(&self.inner),
                    self.actor,
                    [user, input, options_value, mode, progress],
                    true,
                )
            }

            /// Streams every lead matching `query` (its filters and order; limit and page are
            /// not used) as CSV in the import format (the seven seed headers, UTF-8 with BOM,
            /// formula-safe): `write(chunk)` gets each `Uint8Array` as it is made, page by page.
            /// Resolves to the number of leads; when `write` throws, the export stops and rejects
            /// with what it threw.
            #[wasm_bindgen(js_name = exportCsv, unchecked_return_type = "Promise<number>")]
            pub fn export_csv(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "LeadQuery | string | null")] query: JsValue,
                #[wasm_bindgen(unchecked_param_type = "(chunk: Uint8Array) => void")] write: JsValue,
            ) -> js_sys::Promise {
                export_promise(Rc::clone(&self.inner), self.actor, user, query, write)
            }

            /// Inserts or updates leads (from `validateCsv`) by Lead ID. Leads from JS are
            /// checked again by the row rules of `options` (give those they were validated
            /// with, custom statuses included), never trusted.
            #[wasm_bindgen(js_name = upsertLeads, unchecked_return_type = "Promise<UpsertOutcome>")]
            pub fn upsert_leads(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "Lead[]")] leads: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")]
                options_value: JsValue,
            ) -> js_sys::Promise {
                let prepared = (|| -> Result<_, JsValue> {
                    Ok((user_id(&user)?, from_js::<Vec<Lead>>("leads", leads)?, options(options_value)?))
                })();
                promise(&self.inner, prepared, move |s, (user, leads, options)| async move {
                    let checked = leads
                        .iter()
                        .map(|lead| leads_core::check_lead(lead, &options))
                        .collect::<leads_core::Result<Vec<_>>>()?;
                    s.upsert_leads(user, &checked).await
                })
            }

            /// One page of the user's leads for a query (a `LeadQuery` or a query string).
            #[wasm_bindgen(unchecked_return_type = "Promise<Page>")]
            pub fn query(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "LeadQuery | string")] query: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, query_of(&query)?)));
                promise(&self.inner, prepared, move |s, (user, query)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).query(&query).await
                })
            }

            /// One lead by its Lead ID (`not_found`).
            #[wasm_bindgen(js_name = getLead, unchecked_return_type = "Promise<StoredLead>")]
            pub fn get_lead(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(js_name = leadId, unchecked_param_type = "string")] lead_id: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, string("leadId", &lead_id)?)));
                promise(&self.inner, prepared, move |s, (user, lead_id)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).get_lead(&lead_id).await
                })
            }

            /// Changes fields of one lead, checked by the import rules (`invalid_lead` with the
            /// issues in `data`).
            #[wasm_bindgen(js_name = updateLead, unchecked_return_type = "Promise<StoredLead>")]
            pub fn update_lead(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(js_name = leadId, unchecked_param_type = "string")] lead_id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "LeadPatch")] patch: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    Ok((user_id(&user)?, string("leadId", &lead_id)?, from_js::<LeadPatch>("patch", patch)?))
                })();
                promise(&self.inner, prepared, move |s, (user, lead_id, patch)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).update_lead(&lead_id, &patch).await
                })
            }

            /// Deletes one lead (`not_found`).
            #[wasm_bindgen(js_name = deleteLead, unchecked_return_type = "Promise<void>")]
            pub fn delete_lead(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(js_name = leadId, unchecked_param_type = "string")] lead_id: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let s = Rc::clone(&self.inner);
                let prepared = user_id(&user).and_then(|u| Ok((u, string("leadId", &lead_id)?)));
                future_to_promise(async move {
                    let (user, lead_id) = prepared?;
                    Acting::new(&*s, actor.unwrap_or(user), user).delete_lead(&lead_id).await.map_err(js)?;
                    Ok(JsValue::UNDEFINED)
                })
            }

            /// The user's imports and bulk edits, newest first (`limit` 1–1000, default 50;
            /// `cursor` a page's `next_cursor`).
            #[wasm_bindgen(unchecked_return_type = "Promise<JobPage>")]
            pub fn imports(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] limit: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "string | null")] cursor: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    let limit = if limit.is_undefined() || limit.is_null() {
                        leads_core::DEFAULT_JOB_LIMIT
                    } else {
                        index("limit", &limit)?
                    };
                    Ok((user_id(&user)?, limit, optional_string("cursor", &cursor)?))
                })();
                promise(&self.inner, prepared, move |s, (user, limit, cursor)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).imports(limit, cursor.as_deref()).await
                })
            }

            /// One job of the history (`not_found`).
            #[wasm_bindgen(js_name = getImport, unchecked_return_type = "Promise<Job>")]
            pub fn get_import(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, uuid("id", &string("id", &id)?)?)));
                promise(&self.inner, prepared, move |s, (user, id)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).get_import(id).await
                })
            }

            /// Undoes an import or bulk edit; leads changed since are left and listed in
            /// `conflicts`. Reverting again changes nothing.
            #[wasm_bindgen(js_name = revertImport, unchecked_return_type = "Promise<Reverted>")]
            pub fn revert_import(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, uuid("id", &string("id", &id)?)?)));
                promise(&self.inner, prepared, move |s, (user, id)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).revert_import(id).await
                })
            }

            /// Applies `patch` to every lead matching `query`'s filters, recorded as a job
            /// (`revertImport` undoes it). A query without filters needs `all = true`.
            #[wasm_bindgen(js_name = updateLeads, unchecked_return_type = "Promise<Job>")]
            pub fn update_leads(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "LeadQuery | string | null")] query: JsValue,
                #[wasm_bindgen(unchecked_param_type = "LeadPatch")] patch: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "boolean")] all: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    Ok((
                        user_id(&user)?,
                        query_of(&query)?,
                        from_js::<LeadPatch>("patch", patch)?,
                        optional_bool("all", &all)?.unwrap_or(false),
                    ))
                })();
                promise(&self.inner, prepared, move |s, (user, query, patch, all)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).update_leads(&query, &patch, all).await
                })
            }

            /// Deletes every lead matching `query`'s filters, recorded as a job (`revertImport`
            /// brings them back). A query without filters needs `all = true`.
            #[wasm_bindgen(js_name = deleteLeads, unchecked_return_type = "Promise<Job>")]
            pub fn delete_leads(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "LeadQuery | string | null")] query: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "boolean")] all: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    Ok((user_id(&user)?, query_of(&query)?, optional_bool("all", &all)?.unwrap_or(false)))
                })();
                promise(&self.inner, prepared, move |s, (user, query, all)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).delete_leads(&query, all).await
                })
            }

            /// The user's salespeople with their lead counts.
            #[wasm_bindgen(unchecked_return_type = "Promise<Salesperson[]>")]
            pub fn salespeople(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user);
                promise(&self.inner, prepared, move |s, user| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).salespeople().await
                })
            }

            /// Adds a salesperson (`salesperson_exists` in any letter case).
            #[wasm_bindgen(js_name = addSalesperson, unchecked_return_type = "Promise<Salesperson>")]
            pub fn add_salesperson(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, string("name", &name)?)));
                promise(&self.inner, prepared, move |s, (user, name)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).add_salesperson(&name).await
                })
            }

            /// Renames a salesperson; their leads follow.
            #[wasm_bindgen(js_name = renameSalesperson, unchecked_return_type = "Promise<Salesperson>")]
            pub fn rename_salesperson(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = (|| -> Result<_, JsValue> {
                    Ok((user_id(&user)?, uuid("id", &string("id", &id)?)?, string("name", &name)?))
                })();
                promise(&self.inner, prepared, move |s, (user, id, name)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).rename_salesperson(id, &name).await
                })
            }

            /// Marks a salesperson inactive.
            #[wasm_bindgen(js_name = deactivateSalesperson, unchecked_return_type = "Promise<Salesperson>")]
            pub fn deactivate_salesperson(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
            ) -> js_sys::Promise {
                let actor = self.actor;
                let prepared = user_id(&user).and_then(|u| Ok((u, uuid("id", &string("id", &id)?)?)));
                promise(&self.inner, prepared, move |s, (user, id)| async move {
                    Acting::new(&*s, actor.unwrap_or(user), user).deactivate_salesperson(id).await
                })
            }
        }
    };
}

/// The embedded store, in this page's memory: filter, sort and page a local set of leads with
/// exactly the server's query semantics.
#[wasm_bindgen]
pub struct MemoryStore {
    inner: Rc<leads_core::MemoryStore>,
    params: PasswordParams,
    actor: Option<Uuid>,
}

#[wasm_bindgen]
impl MemoryStore {
    /// An empty store. `fastPasswords` uses the cheapest Argon2 parameters (tests only).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = fastPasswords, unchecked_optional_param_type = "boolean")]
        fast_passwords: JsValue,
    ) -> Result<MemoryStore, JsValue> {
        let params = if optional_bool("fastPasswords", &fast_passwords)?.unwrap_or(false) {
            PasswordParams::insecure_for_tests()
        } else {
            PasswordParams::default()
        };
        Ok(MemoryStore {
            inner: Rc::new(leads_core::MemoryStore::with_clock(std::sync::Arc::new(now))),
            params,
            actor: None,
        })
    }
}

store_methods!(MemoryStore);

/// The store over Supabase's PostgREST API: `url` is the project URL (or any PostgREST base
/// URL), `key` the publishable (anon) key, `accessToken` the signed-in user's token; Row Level
/// Security keeps the user to their own leads. Never give a browser the service key.
#[cfg(feature = "supabase")]
#[wasm_bindgen]
pub struct SupabaseStore {
    inner: Rc<leads_core::SupabaseStore>,
    params: PasswordParams,
    actor: Option<Uuid>,
}

/// SupabaseStore's transport in the browser: reqwest (the fetch API) for requests and the
/// host's `setTimeout` for the waits between retries.
#[cfg(all(feature = "supabase", target_arch = "wasm32"))]
struct TimerTransport(leads_core::ReqwestTransport);

#[cfg(all(feature = "supabase", target_arch = "wasm32"))]
impl leads_core::Transport for TimerTransport {
    fn send(
        &self,
        request: leads_core::HttpRequest,
    ) -> leads_core::BoxFuture<'_, Result<leads_core::HttpResponse, String>> {
        self.0.send(request)
    }

    fn sleep(&self, duration: std::time::Duration) -> leads_core::BoxFuture<'_, ()> {
        Box::pin(sleep(duration))
    }
}

/// Waits `duration` on the host's `setTimeout` (browsers, Workers and Node all have it).
#[cfg(target_arch = "wasm32")]
async fn sleep(duration: std::time::Duration) {
    let ms = duration.as_secs_f64() * 1000.0;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match set_timeout {
            Some(f) => {
                let _ = f.call2(&JsValue::NULL, &resolve, &ms.into());
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits `ms` milliseconds as SupabaseStore does between retries (tests of the timer only).
#[doc(hidden)]
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(js_name = __sleepForTests, unchecked_return_type = "Promise<void>")]
pub fn sleep_for_tests(#[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue) -> js_sys::Promise {
    let ms = ms.as_f64().unwrap_or(0.0).max(0.0);
    future_to_promise(async move {
        sleep(std::time::Duration::from_secs_f64(ms / 1000.0)).await;
        Ok(JsValue::UNDEFINED)
    })
}

#[cfg(feature = "supabase")]
#[wasm_bindgen]
impl SupabaseStore {
    /// A store for `url` with `key`, acting as the user of `accessToken` when given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(js_name = accessToken, unchecked_optional_param_type = "string")]
        access_token: JsValue,
    ) -> Result<SupabaseStore, JsValue> {
        let (url, key) = (string("url", &url)?, string("key", &key)?);
        let access_token = optional_string("accessToken", &access_token)?;
        let mut store =
            leads_core::SupabaseStore::new(&url, &key, leads_core::SupabaseOptions::default()).map_err(js)?;
        #[cfg(target_arch = "wasm32")]
        {
            store = store
                .with_transport(std::sync::Arc::new(TimerTransport(leads_core::ReqwestTransport::default())));
        }
        if let Some(token) = access_token {
            store = store.with_access_token(&token);
        }
        Ok(SupabaseStore { inner: Rc::new(store), params: PasswordParams::default(), actor: None })
    }
}

#[cfg(feature = "supabase")]
store_methods!(SupabaseStore);
