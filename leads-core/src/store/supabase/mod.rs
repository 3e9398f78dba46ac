//! `SupabaseStore`: the store over PostgREST (Supabase's Data API, or any PostgREST-compatible
//! server), with the `postgrest` crate building requests and `reqwest` sending them.
//!
//! Wrapped pitfalls of `postgrest` 1.6.0 (see the repository's reference notes): one composed
//! `Prefer` header set here, values quoted here for `in`/`or`/`and`, `limit`/`offset` as query
//! parameters, spaces sent as `%20` (not `+`), every non-2xx turned into a typed error carrying
//! PostgREST's `code`/`message`/`details`/`hint`, and no reliance on the server's row cap.
//! Writes go through the migrations' RPCs (`leads_upsert`, `salesperson_rename`, ...), which
//! give exact counts and atomic renames.

use std::sync::Arc;
use std::time::Duration;

use postgrest::Builder;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

mod params;
mod rows;
pub(crate) mod transport;

pub use params::{query_params, quote};
pub use transport::{BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, Transport};

use params::equals_ignoring_case;
use rows::{JobRow, LeadRow, SalespersonRow, UserRow, backend, content_range_total, scalar};

use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::{LeadPatch, salesperson_name};
use crate::model::{Field, Lead, StoredLead, UpsertOutcome, User, UserRecord};
use crate::query::LeadQuery;
use crate::query::cursor::Cursor;
use crate::store::{
    BatchedWrites, Job, JobFinish, JobPage, JobStart, Member, Page, Reverted, Salesperson, Store, Team,
    Workspace, WritePlan, dedupe_last,
};

/// Where a bulk upsert has got: called after each batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpsertProgress {
    /// Batches finished (stored or failed).
    pub batches_done: usize,
    /// Batches in all.
    pub batches_total: usize,
    /// Leads in the batches stored so far.
    pub rows_stored: usize,
    /// Leads in all (after removing duplicate Lead IDs).
    pub rows_total: usize,
}

/// A progress callback.
pub type ProgressFn = std::sync::Arc<dyn Fn(UpsertProgress) + Send + Sync>;

/// How SupabaseStore talks to the server.
#[derive(Clone)]
pub struct SupabaseOptions {
    /// Per-request timeout (native targets). Default 30 s.
    pub timeout: Duration,
    /// Leads per upsert request. Default 500.
    pub batch_size: usize,
    /// Upsert requests in flight at once. Default 4.
    pub concurrency: usize,
    /// Extra attempts for idempotent requests on 429, 5xx and connection errors. Default 3.
    pub retries: u32,
    /// Keep connections open between requests (default `true`).
    pub keep_alive: bool,
    /// Called after each upsert batch.
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for SupabaseOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SupabaseOptions")
            .field("timeout", &self.timeout)
            .field("batch_size", &self.batch_size)
            .field("concurrency", &self.concurrency)
            .field("retries", &self.retries)
            .field("keep_alive", &self.keep_alive)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl SupabaseOptions {
    /// Refuses options that cannot work: `batch_size` 1 to 10,000, `concurrency` 1 to 64,
    /// `retries` at most 100, a `timeout` above zero.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] naming the option.
    pub fn check(&self) -> Result<()> {
        let bad = |option: &str, message: String| {
            Err(Error::new(ErrorKind::InvalidOption { option: option.into(), message }))
        };
        if !(1..=10_000).contains(&self.batch_size) {
            return bad("batch_size", format!("must be 1 to 10000 leads (got {})", self.batch_size));
        }
        if !(1..=64).contains(&self.concurrency) {
            return bad("concurrency", format!("must be 1 to 64 requests (got {})", self.concurrency));
        }
        if self.retries > 100 {
            return bad("retries", format!("must be at most 100 (got {})", self.retries));
        }
        if self.timeout.is_zero() {
            return bad("timeout", "must be above zero".into());
        }
        Ok(())
    }
}

impl Default for SupabaseOptions {
    fn default() -> Self {
        SupabaseOptions {
            timeout: Duration::from_secs(30),
            batch_size: 500,
            concurrency: 4,
            retries: 3,
            keep_alive: true,
            progress: None,
        }
    }
}

/// The store over PostgREST.
#[derive(Clone)]
pub struct SupabaseStore {
    base: String,
    api_key: String,
    token: Option<String>,
    /// For the `postgrest` crate's request builder (requests go out through `transport`).
    http: reqwest::Client,
    transport: Arc<dyn Transport>,
    options: SupabaseOptions,
}

impl std::fmt::Debug for SupabaseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SupabaseStore").field("base", &self.base).finish_non_exhaustive()
    }
}

fn http_error(message: String) -> Error {
    ErrorKind::Http { message }.into()
}

impl SupabaseStore {
    /// A store on the PostgREST API at `api_url` with `api_key` (a publishable key with a user
    /// token, or, on a server only, the service key). `api_url` is any PostgREST base URL; a bare
    /// project URL without a path (`https://<ref>.supabase.co`) means its `/rest/v1` API.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for an unusable URL, key or option ([`SupabaseOptions::check`]).
    pub fn new(api_url: &str, api_key: &str, options: SupabaseOptions) -> Result<Self> {
        options.check()?;
        let mut base = api_url.trim_end_matches('/').to_owned();
        if base.split_once("://").is_some_and(|(_, rest)| !rest.contains('/')) {
            base.push_str("/rest/v1");
        }
        if !(base.starts_with("http://") || base.starts_with("https://"))
            || HeaderValue::from_str(api_key).is_err()
        {
            return Err(ErrorKind::InvalidOption {
                option: "supabase".into(),
                message: "the API URL must be http(s) and the key printable ASCII".into(),
            }
            .into());
        }
        #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
        let mut http = reqwest::Client::builder();
        #[cfg(not(target_arch = "wasm32"))]
        if !options.keep_alive {
            http = http.pool_max_idle_per_host(0);
        }
        let http = http.build().map_err(|e| http_error(e.to_string()))?;
        let transport = Arc::new(ReqwestTransport::new(http.clone()));
        Ok(SupabaseStore { base, api_key: api_key.to_owned(), token: None, http, transport, options })
    }

    /// The same store sending its requests through `transport` (and sleeping between retries
    /// with it): the browser's timer in leads-wasm, a scripted server in tests.
    #[must_use]
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = transport;
        self
    }

    /// The same store acting as the user of `token` (an access token from login).
    #[must_use]
    pub fn with_access_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    fn builder(&self, path: &str) -> Builder {
        let mut headers = HeaderMap::new();
        if let Ok(key) = HeaderValue::from_str(&self.api_key) {
            headers.insert("apikey", key);
        }
        let bearer = self.token.as_deref().unwrap_or(&self.api_key);
        if let Ok(auth) = HeaderValue::from_str(&format!("Bearer {bearer}")) {
            headers.insert("Authorization", auth);
        }
        Builder::new(format!("{}/{path}", self.base), None, headers, self.http.clone())
    }

    /// The request `builder` makes with our query parameters and one `Prefer` header (pure:
    /// nothing is sent).
    fn request(&self, builder: Builder, params: &[(String, String)], prefer: &str) -> Result<HttpRequest> {
        let mut rb = builder.build().query(params);
        if !prefer.is_empty() {
            let mut h = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(prefer) {
                h.insert("Prefer", v);
            }
            rb = rb.headers(h);
        }
        let request = rb.build().map_err(|e| http_error(e.to_string()))?;
        Ok(transport::from_reqwest(&request, self.options.timeout))
    }

    /// Sends a request built by [`request`](Self::request), retrying (when `idempotent`) on
    /// 429, 5xx and no answer, with backoff; non-2xx statuses become [`ErrorKind::Backend`].
    async fn send(&self, request: HttpRequest, idempotent: bool) -> Result<HttpResponse> {
        let mut attempt = 0;
        loop {
            let (error, retryable) = match self.transport.send(request.clone()).await {
                Ok(response) if (200..300).contains(&response.status) => return Ok(response),
                Ok(response) => {
                    (backend(response.status, &response.body), transport::is_retryable(response.status))
                }
                Err(message) => (http_error(message), true),
            };
            if !(idempotent && retryable) || attempt >= self.options.retries {
                return Err(error);
            }
            attempt += 1;
            let mut jitter = [0u8; 1];
            crate::auth::password::random_bytes(&mut jitter);
            self.transport.sleep(transport::backoff_delay(attempt, jitter[0])).await;
        }
    }

    /// [`send`](Self::send), the answer read as JSON.
    async fn json<T: for<'de> Deserialize<'de>>(
        &self,
        builder: Builder,
        params: &[(String, String)],
        prefer: &str,
        idempotent: bool,
    ) -> Result<T> {
        rows::json(self.send(self.request(builder, params, prefer)?, idempotent).await?)
    }

    /// How many leads match `query` (its cursor included, if any).
    async fn count(&self, query: &LeadQuery, user: Uuid) -> Result<Option<u64>> {
        let mut params = query_params(query, user)?;
        params.push(p("limit", "0"));
        let response = self.send(self.request(self.builder("Leads"), &params, "count=exact")?, true).await?;
        Ok(content_range_total(response.content_range.as_deref()))
    }

    async fn salesperson_with_count(&self, user: Uuid, id: Uuid) -> Result<Salesperson> {
        let all = self.salespeople(user).await?;
        all.into_iter().find(|s| s.id == id).ok_or_else(|| not_found("salesperson", id))
    }
}

fn not_found(what: &'static str, id: impl ToString) -> Error {
    ErrorKind::NotFound { what, id: id.to_string() }.into()
}

/// A unique-constraint violation (SQLSTATE 23505) as the store's own error; others unchanged.
fn on_conflict(e: Error, conflict: impl FnOnce() -> ErrorKind) -> Error {
    match e.kind() {
        ErrorKind::Backend { code: Some(code), .. } if code == "23505" => conflict().into(),
        _ => e,
    }
}

/// A foreign-key violation (SQLSTATE 23503) on a user's row: that user does not exist.
fn unknown_user(e: Error, user: Uuid) -> Error {
    match e.kind() {
        ErrorKind::Backend { code: Some(code), .. } if code == "23503" => not_found("user", user),
        _ => e,
    }
}

/// A write plan as `leads_upsert` reads it (`p_plan`).
fn plan_json(plan: &WritePlan) -> Value {
    let columns: Vec<&str> = Field::ALL.into_iter().filter(|f| plan.writes(*f)).map(Field::key).collect();
    json!({"columns": columns, "on_existing": plan.on_existing, "on_new": plan.on_new, "blanks": plan.blanks})
}

/// A job as the history functions read it (`p_job`).
fn job_json(job: Option<&JobStart>) -> Value {
    job.map_or(
        Value::Null,
        |j| json!({"id": j.id, "kind": j.kind, "actor": j.actor, "file_name": j.file_name, "spec": j.spec}),
    )
}

/// An RPC's jsonb answer as `T`.
fn rpc_value<T: for<'de> Deserialize<'de>>(value: Value, function: &str) -> Result<T> {
    serde_json::from_value(scalar(value, function)).map_err(|e| {
        Error::from(ErrorKind::Http { message: format!("unexpected answer of {function}: {e}") })
    })
}

/// `raise ... using errcode = 'P0002'` (a job of another user, or none) as `not_found`.
fn unknown_job(e: Error, id: Uuid) -> Error {
    match e.kind() {
        ErrorKind::Backend { code: Some(code), .. } if code == "P0002" => not_found("import", id),
        _ => e,
    }
}

fn p(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}

impl Store for SupabaseStore {
    type Writes<'a> = BatchedWrites<'a, Self>;

    async fn begin_import(
        &self,
        user: Uuid,
        _atomic: bool,
        job: JobStart,
    ) -> Result<BatchedWrites<'_, Self>> {
        Ok(BatchedWrites::new(self, user, job))
    }

    async fn create_user(&self, uuid: Uuid, username: &str, password: &str) -> Result<User> {
        let body = json!([{"uuid": uuid, "userName": username, "password": password}]).to_string();
        let rows: Vec<UserRow> = self
            .json(self.builder("Users").insert(body), &[], "return=representation", false)
            .await
            .map_err(|e| on_conflict(e, || ErrorKind::UsernameTaken { username: username.to_owned() }))?;
        let row = rows.into_iter().next().ok_or_else(|| not_found("user", uuid))?;
        Ok(row.into_user())
    }

    async fn find_user(&self, username: &str) -> Result<Option<UserRecord>> {
        let params = [
            p("select", "uuid,userName,password,created_at"),
            p("userName", format!("imatch.{}", equals_ignoring_case(username))),
        ];
        let rows: Vec<UserRow> = self.json(self.builder("Users"), &params, "", true).await?;
        Ok(rows.into_iter().next().map(UserRow::into_record))
    }

    async fn set_password(&self, user: Uuid, password: &str) -> Result<()> {
        let body = json!({ "password": password }).to_string();
        let params = [p("uuid", format!("eq.{user}")), p("select", "uuid")];
        let rows: Vec<Value> =
            self.json(self.builder("Users").update(body), &params, "return=representation", true).await?;
        if rows.is_empty() { Err(not_found("user", user)) } else { Ok(()) }
    }

    async fn account(&self, user: Uuid) -> Result<Option<crate::model::Account>> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            user: UserRow,
            tokens_valid_after: crate::model::Timestamp,
        }
        let params = [
            p("select", "uuid,userName,password,created_at,tokens_valid_after"),
            p("uuid", format!("eq.{user}")),
        ];
        let rows: Vec<Row> = self.json(self.builder("Users"), &params, "", true).await?;
        Ok(rows.into_iter().next().map(|r| crate::model::Account {
            record: r.user.into_record(),
            tokens_valid_after: r.tokens_valid_after,
        }))
    }

    async fn set_tokens_valid_after(&self, user: Uuid, at: crate::model::Timestamp) -> Result<()> {
        let body = json!({ "tokens_valid_after": at }).to_string();
        let params = [p("uuid", format!("eq.{user}")), p("select", "uuid")];
        let rows: Vec<Value> =
            self.json(self.builder("Users").update(body), &params, "return=representation", true).await?;
        if rows.is_empty() { Err(not_found("user", user)) } else { Ok(()) }
    }

    async fn login_failures(
        &self,
        key: &str,
        since: crate::model::Timestamp,
    ) -> Result<Vec<crate::model::Timestamp>> {
        #[derive(Deserialize)]
        struct Row {
            at: crate::model::Timestamp,
        }
        let params = [
            p("select", "at"),
            p("username_key", format!("eq.{key}")),
            p("at", format!("gte.{since}")),
            p("order", "at"),
        ];
        let rows: Vec<Row> = self.json(self.builder("LoginAttempts"), &params, "", true).await?;
        Ok(rows.into_iter().map(|r| r.at).collect())
    }

    async fn record_login_failure(&self, key: &str, at: crate::model::Timestamp) -> Result<()> {
        let body = json!({ "p_key": key, "p_at": at }).to_string();
        self.send(self.request(self.builder("rpc/leads_record_login_failure").rpc(body), &[], "")?, false)
            .await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        let params = [p("username_key", format!("eq.{key}"))];
        self.send(self.request(self.builder("LoginAttempts").delete(), &params, "")?, true).await?;
        Ok(())
    }

    async fn write_leads(
        &self,
        user: Uuid,
        leads: &[Lead],
        plan: &WritePlan,
        job: Option<&JobStart>,
    ) -> Result<UpsertOutcome> {
        use futures_util::StreamExt as _;
        let plan = plan_json(plan);
        let job = job_json(job);
        let unique: Vec<&Lead> = dedupe_last(leads);
        let size = self.options.batch_size.max(1);
        // Bodies made first, so each request's future owns what it sends (and stays `Send`).
        let bodies: Vec<(usize, usize, String)> = unique
            .chunks(size)
            .enumerate()
            .map(|(i, batch)| {
                let body = json!({"p_user": user, "p_leads": batch, "p_plan": plan, "p_job": job});
                (i, batch.len(), body.to_string())
            })
            .collect();
        let total = bodies.len();
        let sends = bodies.into_iter().map(|(i, rows, body)| async move {
            // The upsert is idempotent: retrying a batch converges to the same rows.
            let result = async {
                let value: Value = self
                    .json(self.builder("rpc/leads_upsert").rpc(body), &[], "", true)
                    .await
                    .map_err(|e| unknown_user(e, user))?;
                serde_json::from_value::<UpsertOutcome>(scalar(value, "leads_upsert")).map_err(|e| {
                    Error::from(ErrorKind::Http { message: format!("unexpected upsert result: {e}") })
                })
            }
            .await;
            (i, rows, result)
        });
        let mut outcome = UpsertOutcome::default();
        let (mut committed, mut failed, mut first_error) = (Vec::new(), Vec::new(), None);
        let mut results = futures_util::stream::iter(sends).buffer_unordered(self.options.concurrency.max(1));
        let mut stored_rows = 0;
        while let Some((i, rows, result)) = results.next().await {
            match result {
                Ok(counts) => {
                    outcome += counts;
                    committed.push(i);
                    stored_rows += rows;
                }
                Err(e) => {
                    failed.push(i);
                    first_error.get_or_insert(e);
                }
            }
            if let Some(progress) = &self.options.progress {
                progress(UpsertProgress {
                    batches_done: committed.len() + failed.len(),
                    batches_total: total,
                    rows_stored: stored_rows,
                    rows_total: unique.len(),
                });
            }
        }
        let Some(first_error) = first_error else { return Ok(outcome) };
        if committed.is_empty() {
            // Nothing was stored: the error as it came (an unknown user is `not_found`).
            return Err(first_error);
        }
        committed.sort_unstable();
        failed.sort_unstable();
        Err(ErrorKind::PartialUpsert {
            committed,
            failed,
            batch_size: size,
            outcome,
            first_error: first_error.to_string(),
        }
        .into())
    }

    async fn remove_leads(&self, user: Uuid, lead_ids: &[&str], job: Option<&JobStart>) -> Result<u64> {
        if lead_ids.is_empty() {
            return Ok(0);
        }
        let body = json!({"p_user": user, "p_ids": lead_ids, "p_job": job_json(job)}).to_string();
        // Not retried: a retry after a lost answer would count the deleted leads as none.
        let value: Value = self.json(self.builder("rpc/leads_remove").rpc(body), &[], "", false).await?;
        rpc_value(value, "leads_remove")
    }

    async fn finish_job(&self, user: Uuid, job: &JobStart, finish: &JobFinish) -> Result<Job> {
        let finish = json!({"bytes": finish.bytes, "sha256": finish.sha256, "issues": finish.issues});
        let body = json!({"p_user": user, "p_job": job_json(Some(job)), "p_finish": finish}).to_string();
        let value: Value = self
            .json(self.builder("rpc/leads_finish_job").rpc(body), &[], "", true)
            .await
            .map_err(|e| unknown_user(e, user))?;
        rpc_value::<JobRow>(value, "leads_finish_job").map(Job::from)
    }

    async fn imports(&self, user: Uuid, limit: u32, cursor: Option<&str>) -> Result<JobPage> {
        let limit = crate::store::check_job_limit(limit)?;
        let cursor = cursor.map(crate::store::job::JobCursor::decode).transpose()?;
        // The cursor's arguments only when there is one (the function's defaults otherwise).
        let mut body = json!({"p_user": user, "p_limit": limit + 1});
        if let Some(c) = cursor {
            body["p_after"] = json!(c.created_at);
            body["p_after_id"] = json!(c.id);
        }
        let value: Value =
            self.json(self.builder("rpc/leads_imports").rpc(body.to_string()), &[], "", true).await?;
        let rows: Vec<JobRow> = rpc_value(value, "leads_imports")?;
        Ok(crate::store::job_page(rows.into_iter().map(Job::from).collect(), limit))
    }

    async fn get_import(&self, user: Uuid, id: Uuid) -> Result<Job> {
        let params = [p("select", "*"), p("user_uuid", format!("eq.{user}")), p("id", format!("eq.{id}"))];
        let rows: Vec<JobRow> = self.json(self.builder("Imports"), &params, "", true).await?;
        rows.into_iter().next().map(Job::from).ok_or_else(|| not_found("import", id))
    }

    async fn revert_import(&self, user: Uuid, id: Uuid) -> Result<Reverted> {
        #[derive(Deserialize)]
        struct Answer {
            job: JobRow,
            deleted: u64,
            restored: u64,
            conflicts: Vec<String>,
        }
        let body = json!({"p_user": user, "p_id": id}).to_string();
        // Not retried: a retry after a lost answer would report the revert as doing nothing.
        let value: Value = self
            .json(self.builder("rpc/leads_revert").rpc(body), &[], "", false)
            .await
            .map_err(|e| unknown_job(e, id))?;
        let a: Answer = rpc_value(value, "leads_revert")?;
        Ok(Reverted { job: a.job.into(), deleted: a.deleted, restored: a.restored, conflicts: a.conflicts })
    }

    async fn query(&self, user: Uuid, query: &LeadQuery) -> Result<Page> {
        query.check_offset("offset")?;
        let limit = query.effective_limit();
        let mut params = query_params(query, user)?;
        // One more than the page, to know whether another follows; the server may cap a
        // response at 1000 rows, so a full page of 1000 is checked with a second request.
        let fetch = (u64::from(limit) + 1).min(1000);
        params.push(p("limit", fetch.to_string()));
        params.push(p("offset", query.offset.to_string()));
        let prefer = if query.total { "count=exact" } else { "" };
        let response = match self.send(self.request(self.builder("Leads"), &params, prefer)?, true).await {
            // PostgREST answers 416 for an offset past the end: an empty page.
            Err(e) if matches!(e.kind(), ErrorKind::Backend { status: 416, .. }) => {
                let total = if query.total { self.count(query, user).await? } else { None };
                return Ok(Page { items: Vec::new(), total, limit, offset: query.offset, next_cursor: None });
            }
            other => other?,
        };
        let rows: Vec<LeadRow> = serde_json::from_str(&response.body)
            .map_err(|e| Error::from(ErrorKind::Http { message: format!("unexpected rows: {e}") }))?;
        let mut items: Vec<StoredLead> = rows.into_iter().map(LeadRow::into_stored).collect();
        let mut more = items.len() > limit as usize;
        if !more && items.len() == limit as usize && fetch == u64::from(limit) {
            let mut probe = query_params(query, user)?;
            probe.push(p("limit", "1"));
            probe.push(p("offset", (query.offset + u64::from(limit)).to_string()));
            probe.push(p("select", "id"));
            let rows: Vec<Value> = self.json(self.builder("Leads"), &probe, "", true).await?;
            more = !rows.is_empty();
        }
        items.truncate(limit as usize);
        let total = match (query.total, &query.cursor) {
            (false, _) => None,
            (true, None) => content_range_total(response.content_range.as_deref()),
            // The total counts every matching lead, not just those after the cursor.
            (true, Some(_)) => self.count(&LeadQuery { cursor: None, ..query.clone() }, user).await?,
        };
        let next_cursor =
            if more { items.last().map(|last| Cursor::after(last, query).encode()) } else { None };
        Ok(Page { items, total, limit, offset: query.offset, next_cursor })
    }

    async fn find_leads(&self, user: Uuid, lead_ids: &[&str]) -> Result<Vec<StoredLead>> {
        if lead_ids.is_empty() {
            return Ok(Vec::new());
        }
        let body = json!({"p_user": user, "p_ids": lead_ids}).to_string();
        let value: Value = self.json(self.builder("rpc/leads_find").rpc(body), &[], "", true).await?;
        let rows: Vec<LeadRow> = serde_json::from_value(scalar(value, "leads_find"))
            .map_err(|e| Error::from(ErrorKind::Http { message: format!("unexpected rows: {e}") }))?;
        Ok(rows.into_iter().map(LeadRow::into_stored).collect())
    }

    async fn get_lead(&self, user: Uuid, lead_id: &str) -> Result<StoredLead> {
        let params =
            [p("select", "*"), p("user_uuid", format!("eq.{user}")), p("lead_id", format!("eq.{lead_id}"))];
        let rows: Vec<LeadRow> = self.json(self.builder("Leads"), &params, "", true).await?;
        rows.into_iter().next().map(LeadRow::into_stored).ok_or_else(|| not_found("lead", lead_id))
    }

    async fn update_lead(&self, user: Uuid, lead_id: &str, patch: &LeadPatch) -> Result<StoredLead> {
        let current = self.get_lead(user, lead_id).await?;
        let changed = patch.apply(&current.lead, &ImportOptions::default())?;
        if changed != current.lead {
            self.upsert_leads(user, std::slice::from_ref(&changed)).await?;
        }
        self.get_lead(user, lead_id).await
    }

    async fn delete_lead(&self, user: Uuid, lead_id: &str) -> Result<()> {
        let params =
            [p("user_uuid", format!("eq.{user}")), p("lead_id", format!("eq.{lead_id}")), p("select", "id")];
        let rows: Vec<Value> =
            self.json(self.builder("Leads").delete(), &params, "return=representation", true).await?;
        if rows.is_empty() { Err(not_found("lead", lead_id)) } else { Ok(()) }
    }

    async fn add_salesperson(&self, user: Uuid, name: &str) -> Result<Salesperson> {
        let name = salesperson_name(name)?;
        let body = json!([{"user_uuid": user, "name": name}]).to_string();
        let rows: Vec<Value> = self
            .json(
                self.builder("Salespeople").insert(body),
                &[p("select", "id")],
                "return=representation",
                false,
            )
            .await
            .map_err(|e| {
                on_conflict(unknown_user(e, user), || ErrorKind::SalespersonExists { name: name.clone() })
            })?;
        let id = rows.first().and_then(|r| r.get("id")).and_then(|v| serde_json::from_value(v.clone()).ok());
        self.salesperson_with_count(user, id.ok_or_else(|| not_found("salesperson", &name))?).await
    }

    async fn rename_salesperson(&self, user: Uuid, id: Uuid, name: &str) -> Result<Salesperson> {
        let name = salesperson_name(name)?;
        let body = json!({"p_user": user, "p_id": id, "p_name": name}).to_string();
        let rows: Vec<SalespersonRow> = self
            .json(self.builder("rpc/salesperson_rename").rpc(body), &[], "", false)
            .await
            .map_err(|e| on_conflict(e, || ErrorKind::SalespersonExists { name: name.clone() }))?;
        rows.into_iter().next().map(Salesperson::from).ok_or_else(|| not_found("salesperson", id))
    }

    async fn deactivate_salesperson(&self, user: Uuid, id: Uuid) -> Result<Salesperson> {
        let params = [p("user_uuid", format!("eq.{user}")), p("id", format!("eq.{id}")), p("select", "id")];
        let body = json!({"active": false}).to_string();
        let rows: Vec<Value> = self
            .json(self.builder("Salespeople").update(body), &params, "return=representation", true)
            .await?;
        if rows.is_empty() {
            return Err(not_found("salesperson", id));
        }
        self.salesperson_with_count(user, id).await
    }

    async fn salespeople(&self, user: Uuid) -> Result<Vec<Salesperson>> {
        let body = json!({ "p_user": user }).to_string();
        let rows: Vec<SalespersonRow> =
            self.json(self.builder("rpc/salespeople_with_counts").rpc(body), &[], "", true).await?;
        Ok(rows.into_iter().map(Salesperson::from).collect())
    }

    async fn salesperson_names(&self, workspace: Uuid) -> Result<Vec<crate::store::SalespersonName>> {
        let params = [p("user_uuid", format!("eq.{workspace}")), p("select", "id,name,team_id")];
        self.json(self.builder("Salespeople"), &params, "", true).await
    }

    async fn set_salesperson_team(
        &self,
        workspace: Uuid,
        salesperson: Uuid,
        team: Option<Uuid>,
    ) -> Result<Salesperson> {
        let params = [
            p("user_uuid", format!("eq.{workspace}")),
            p("id", format!("eq.{salesperson}")),
            p("select", "id"),
        ];
        let body = json!({ "team_id": team }).to_string();
        let rows: Vec<Value> = self
            .json(self.builder("Salespeople").update(body), &params, "return=representation", true)
            .await
            .map_err(|e| match (e.kind(), team) {
                (ErrorKind::Backend { code: Some(code), .. }, Some(team)) if code == "23503" => {
                    not_found("team", team)
                }
                _ => e,
            })?;
        if rows.is_empty() {
            return Err(not_found("salesperson", salesperson));
        }
        self.salesperson_with_count(workspace, salesperson).await
    }

    async fn add_team(&self, workspace: Uuid, name: &str) -> Result<Team> {
        let name = crate::store::team_name(name)?;
        let body = json!([{"user_uuid": workspace, "name": name}]).to_string();
        let rows: Vec<Team> = self
            .json(
                self.builder("Teams").insert(body),
                &[p("select", "id,name")],
                "return=representation",
                false,
            )
            .await
            .map_err(|e| {
                on_conflict(unknown_user(e, workspace), || ErrorKind::AlreadyExists {
                    what: "team",
                    name: name.clone(),
                })
            })?;
        rows.into_iter().next().ok_or_else(|| not_found("team", &name))
    }

    async fn teams(&self, workspace: Uuid) -> Result<Vec<Team>> {
        let params = [p("user_uuid", format!("eq.{workspace}")), p("select", "id,name")];
        let mut teams: Vec<Team> = self.json(self.builder("Teams"), &params, "", true).await?;
        teams.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
        Ok(teams)
    }

    async fn put_member(&self, workspace: Uuid, member: &Member, new: bool) -> Result<Member> {
        let fields = json!({
            "role": member.role,
            "salesperson_id": member.salesperson_id,
            "team_ids": member.team_ids,
        });
        let rows: Vec<Value> = if new {
            let mut row = fields;
            row["workspace"] = json!(workspace);
            row["user_uuid"] = json!(member.user_uuid);
            let body = json!([row]).to_string();
            self.json(
                self.builder("Members").insert(body),
                &[p("select", "user_uuid")],
                "return=representation",
                false,
            )
            .await
            .map_err(|e| {
                on_conflict(e, || ErrorKind::AlreadyExists { what: "member", name: member.username.clone() })
            })?
        } else {
            let params = [
                p("workspace", format!("eq.{workspace}")),
                p("user_uuid", format!("eq.{}", member.user_uuid)),
                p("select", "user_uuid"),
            ];
            self.json(
                self.builder("Members").update(fields.to_string()),
                &params,
                "return=representation",
                true,
            )
            .await?
        };
        if rows.is_empty() { Err(not_found("member", member.user_uuid)) } else { Ok(member.clone()) }
    }

    async fn remove_member(&self, workspace: Uuid, user: Uuid) -> Result<()> {
        let params = [
            p("workspace", format!("eq.{workspace}")),
            p("user_uuid", format!("eq.{user}")),
            p("select", "user_uuid"),
        ];
        let rows: Vec<Value> =
            self.json(self.builder("Members").delete(), &params, "return=representation", true).await?;
        if rows.is_empty() { Err(not_found("member", user)) } else { Ok(()) }
    }

    async fn memberships(&self, user: Uuid) -> Result<Vec<Workspace>> {
        let body = json!({ "p_user": user }).to_string();
        let value: Value = self.json(self.builder("rpc/leads_memberships").rpc(body), &[], "", true).await?;
        rpc_value(value, "leads_memberships")
    }

    async fn members(&self, workspace: Uuid) -> Result<Vec<Member>> {
        let body = json!({ "p_workspace": workspace }).to_string();
        let value: Value = self.json(self.builder("rpc/leads_members").rpc(body), &[], "", true).await?;
        rpc_value(value, "leads_members")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_urls_mean_their_rest_api() {
        let base = |url: &str| SupabaseStore::new(url, "key", SupabaseOptions::default()).unwrap().base;
        assert_eq!(base("https://abc.supabase.co"), "https://abc.supabase.co/rest/v1");
        assert_eq!(base("https://abc.supabase.co/"), "https://abc.supabase.co/rest/v1");
        assert_eq!(base("http://127.0.0.1:3000/api/"), "http://127.0.0.1:3000/api");
        assert_eq!(base("https://abc.supabase.co/rest/v1"), "https://abc.supabase.co/rest/v1");
        assert!(SupabaseStore::new("abc.supabase.co", "key", SupabaseOptions::default()).is_err());
    }

    #[test]
    fn options_are_checked() {
        let option =
            |o: SupabaseOptions| match SupabaseStore::new("http://x", "k", o).unwrap_err().into_kind() {
                ErrorKind::InvalidOption { option, .. } => option,
                other => panic!("{other:?}"),
            };
        let d = SupabaseOptions::default;
        assert_eq!(option(SupabaseOptions { batch_size: 0, ..d() }), "batch_size");
        assert_eq!(option(SupabaseOptions { batch_size: 10_001, ..d() }), "batch_size");
        assert_eq!(option(SupabaseOptions { concurrency: 0, ..d() }), "concurrency");
        assert_eq!(option(SupabaseOptions { retries: 101, ..d() }), "retries");
        assert_eq!(option(SupabaseOptions { timeout: Duration::ZERO, ..d() }), "timeout");
        SupabaseStore::new("http://x", "k", SupabaseOptions { batch_size: 10_000, concurrency: 64, ..d() })
            .unwrap();
    }

    /// A server that answers from a script, recording what it was sent and how long it was
    /// asked to wait: retries, backoff and bookkeeping checked without a socket.
    #[derive(Default)]
    struct Scripted {
        answers: std::sync::Mutex<std::collections::VecDeque<std::result::Result<HttpResponse, String>>>,
        sent: std::sync::Mutex<Vec<HttpRequest>>,
        slept: std::sync::Mutex<Vec<Duration>>,
    }

    impl Scripted {
        fn new(answers: Vec<std::result::Result<HttpResponse, String>>) -> Arc<Self> {
            Arc::new(Scripted { answers: std::sync::Mutex::new(answers.into()), ..Scripted::default() })
        }
        fn sent(&self) -> Vec<HttpRequest> {
            self.sent.lock().unwrap().clone()
        }
        fn slept(&self) -> Vec<Duration> {
            self.slept.lock().unwrap().clone()
        }
    }

    impl Transport for Scripted {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, std::result::Result<HttpResponse, String>> {
            self.sent.lock().unwrap().push(request);
            let answer =
                self.answers.lock().unwrap().pop_front().unwrap_or_else(|| Err("no more answers".into()));
            Box::pin(std::future::ready(answer))
        }
        fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
            self.slept.lock().unwrap().push(duration);
            Box::pin(std::future::ready(()))
        }
    }

    fn answer(status: u16, body: &str) -> std::result::Result<HttpResponse, String> {
        Ok(HttpResponse { status, content_range: None, body: body.into() })
    }

    fn store(script: &Arc<Scripted>, options: SupabaseOptions) -> SupabaseStore {
        SupabaseStore::new("https://abc.supabase.co", "publishable-key", options)
            .unwrap()
            .with_access_token("a-user-token")
            .with_transport(Arc::clone(script) as Arc<dyn Transport>)
    }

    fn lead(n: usize) -> Lead {
        Lead {
            lead_id: format!("L-{n}"),
            lead_name: "Ann".into(),
            contact_information: "ann@example.com".into(),
            source: "Web".into(),
            interest_level: crate::model::InterestLevel::High,
            status: "New".into(),
            salesperson: None,
        }
    }

    const USER: Uuid = Uuid::from_u128(7);

    #[test]
    fn requests_have_one_shape() {
        let script = Scripted::new(vec![answer(200, "[]")]);
        let q: LeadQuery = "source=Trade%20Show&total=true&limit=5".parse().unwrap();
        let page = pollster::block_on(store(&script, SupabaseOptions::default()).query(USER, &q)).unwrap();
        assert!(page.items.is_empty());
        let [request] = &script.sent()[..] else { panic!("{:?}", script.sent()) };
        assert_eq!(request.method, "GET");
        assert!(
            request.url.starts_with("https://abc.supabase.co/rest/v1/Leads?select=*&user_uuid=eq."),
            "{}",
            request.url
        );
        assert!(request.url.contains("Trade%5C%5C%20Show") && !request.url.contains('+'), "{}", request.url);
        assert!(request.url.ends_with("&limit=6&offset=0"), "{}", request.url);
        assert_eq!(request.header("apikey"), Some("publishable-key"));
        assert_eq!(request.header("authorization"), Some("Bearer a-user-token"));
        assert_eq!(request.header("prefer"), Some("count=exact"));
        assert_eq!(request.timeout, SupabaseOptions::default().timeout);
        assert_eq!(request.body, None);
    }

    #[test]
    fn idempotent_requests_retry_429_5xx_and_lost_answers_with_growing_waits() {
        let script =
            Scripted::new(vec![answer(503, ""), answer(429, ""), Err("reset".into()), answer(200, "[]")]);
        pollster::block_on(store(&script, SupabaseOptions::default()).query(USER, &LeadQuery::default()))
            .unwrap();
        assert_eq!(script.sent().len(), 4);
        assert!(script.sent().windows(2).all(|w| w[0] == w[1]), "the same request each time");
        let waits = script.slept();
        assert_eq!(waits.len(), 3);
        for (attempt, wait) in waits.iter().enumerate() {
            let full = Duration::from_millis(100 << attempt);
            assert!(*wait >= full / 2 && *wait <= full, "attempt {}: {wait:?}", attempt + 1);
        }

        // Out of retries: the last answer, as a typed error.
        let script =
            Scripted::new(vec![answer(500, ""), answer(502, r#"{"code":"PGRST000","message":"down"}"#)]);
        let options = SupabaseOptions { retries: 1, ..SupabaseOptions::default() };
        let err = pollster::block_on(store(&script, options).query(USER, &LeadQuery::default())).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Backend { status: 502, code: Some(c), .. } if c == "PGRST000"),
            "{err}"
        );
        assert_eq!((script.sent().len(), script.slept().len()), (2, 1));

        // A 4xx is final, and a write that is not idempotent is never sent twice.
        let script = Scripted::new(vec![answer(400, r#"{"code":"PGRST100","message":"bad"}"#)]);
        pollster::block_on(store(&script, SupabaseOptions::default()).query(USER, &LeadQuery::default()))
            .unwrap_err();
        assert_eq!(script.sent().len(), 1);
        let script = Scripted::new(vec![answer(503, "")]);
        let created =
            pollster::block_on(store(&script, SupabaseOptions::default()).create_user(USER, "ann", "hash"));
        assert_eq!((created.unwrap_err().code(), script.sent().len()), ("backend", 1));
    }

    #[test]
    fn an_offset_past_the_end_is_an_empty_page_with_its_total() {
        let script = Scripted::new(vec![
            answer(416, r#"{"code":"PGRST103","message":"Requested range not satisfiable"}"#),
            Ok(HttpResponse { status: 206, content_range: Some("*/42".into()), body: "[]".into() }),
        ]);
        let q: LeadQuery = "offset=5000&total=true".parse().unwrap();
        let page = pollster::block_on(store(&script, SupabaseOptions::default()).query(USER, &q)).unwrap();
        assert_eq!((page.items.len(), page.total, page.offset, page.next_cursor), (0, Some(42), 5000, None));
        assert!(script.sent()[1].url.contains("limit=0"), "{}", script.sent()[1].url);
    }

    #[test]
    fn partial_upserts_say_which_batches_were_stored() {
        let options =
            SupabaseOptions { batch_size: 2, concurrency: 1, retries: 0, ..SupabaseOptions::default() };
        let counts = |n: u64| answer(200, &format!(r#"{{"inserted":{n},"updated":0,"unchanged":0}}"#));
        let script = Scripted::new(vec![counts(2), answer(500, "boom"), counts(1)]);
        let leads: Vec<Lead> = (0..5).map(lead).collect();
        let err = pollster::block_on(store(&script, options.clone()).upsert_leads(USER, &leads)).unwrap_err();
        let ErrorKind::PartialUpsert { committed, failed, batch_size, outcome, first_error } = err.kind()
        else {
            panic!("{err}")
        };
        assert_eq!((committed.as_slice(), failed.as_slice(), *batch_size), (&[0, 2][..], &[1][..], 2));
        assert_eq!(outcome.inserted, 3);
        assert!(first_error.contains("500"), "{first_error}");
        let bodies: Vec<serde_json::Value> =
            script.sent().iter().map(|r| serde_json::from_str(r.body.as_deref().unwrap()).unwrap()).collect();
        assert_eq!(bodies[2]["p_leads"][0]["lead_id"], "L-4", "the third batch holds the fifth lead");

        // Nothing stored: the error itself (an unknown user's foreign key is not_found).
        let script = Scripted::new(vec![answer(409, r#"{"code":"23503","message":"fk"}"#)]);
        let err = pollster::block_on(store(&script, options).upsert_leads(USER, &leads[..1])).unwrap_err();
        assert_eq!(err.code(), "not_found");
    }
}
