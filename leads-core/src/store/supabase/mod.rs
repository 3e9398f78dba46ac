//! `SupabaseStore`: the store over PostgREST (Supabase's Data API, or any PostgREST-compatible
//! server), with the `postgrest` crate building requests and `reqwest` sending them.
//!
//! Wrapped pitfalls of `postgrest` 1.6.0 (see the repository's reference notes): one composed
//! `Prefer` header set here, values quoted here for `in`/`or`/`and`, `limit`/`offset` as query
//! parameters, spaces sent as `%20` (not `+`), every non-2xx turned into a typed error carrying
//! PostgREST's `code`/`message`/`details`/`hint`, and no reliance on the server's row cap.
//! Writes go through the migrations' RPCs (`leads_upsert`, `salesperson_rename`, ...), which
//! give exact counts and atomic renames.

use std::time::Duration;

use postgrest::Builder;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::{LeadPatch, salesperson_name};
use crate::model::{InterestLevel, Lead, StoredLead, Timestamp, UpsertOutcome, User, UserRecord};
use crate::query::cursor::{Cursor, KeyValue};
use crate::query::{LeadQuery, SortKey};
use crate::store::{Page, Salesperson, Store, dedupe_last};

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
    http: reqwest::Client,
    options: SupabaseOptions,
}

impl std::fmt::Debug for SupabaseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SupabaseStore").field("base", &self.base).finish_non_exhaustive()
    }
}

fn backend(status: StatusCode, body: &str) -> Error {
    #[derive(Deserialize, Default)]
    struct Body {
        code: Option<String>,
        message: Option<String>,
        details: Option<String>,
        hint: Option<String>,
    }
    let b: Body = serde_json::from_str(body).unwrap_or_default();
    ErrorKind::Backend {
        status: status.as_u16(),
        code: b.code,
        message: b.message.unwrap_or_else(|| body.chars().take(500).collect()),
        details: b.details,
        hint: b.hint,
    }
    .into()
}

fn http_error(e: &reqwest::Error) -> Error {
    ErrorKind::Http { message: e.to_string() }.into()
}

/// A value inside `in.(…)`, `or=(…)` or `and=(…)`: always double-quoted, `\` and `"` escaped.
#[must_use]
pub fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A regular expression (PostgreSQL's, for `match`/`imatch`) matching `value` literally: every
/// ASCII character other than a letter or digit is quoted with `\\`. LIKE patterns cannot do
/// that on PostgREST, which reads every `*` in them as `%`.
fn regex_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `imatch` operand matching exactly `value`, ignoring case.
fn equals_ignoring_case(value: &str) -> String {
    format!("^{}$", regex_literal(value))
}

fn column(key: SortKey) -> &'static str {
    match key {
        SortKey::InterestLevel => "interest_rank",
        other => other.as_str(),
    }
}

fn literal(value: &KeyValue, key: SortKey) -> Option<String> {
    match value {
        KeyValue::Number(n) if key == SortKey::CreatedAt => Some(Timestamp::from_micros(*n).to_string()),
        KeyValue::Number(n) => Some(n.to_string()),
        KeyValue::Text(t) => Some(quote(t)),
        KeyValue::Missing(_) => None,
    }
}

/// The PostgREST query parameters of a lead query for `user` (without paging).
///
/// # Errors
/// [`ErrorKind::InvalidQuery`] for a cursor of another query.
pub fn query_params(query: &LeadQuery, user: Uuid) -> Result<Vec<(String, String)>> {
    let mut params =
        vec![("select".to_owned(), "*".to_owned()), ("user_uuid".to_owned(), format!("eq.{user}"))];
    let mut groups: Vec<String> = Vec::new();
    let ci_set = |col: &str, values: &[String], extra: Option<String>| -> Option<String> {
        let mut alts: Vec<String> =
            values.iter().map(|v| format!("{col}.imatch.{}", quote(&equals_ignoring_case(v)))).collect();
        alts.extend(extra);
        (!alts.is_empty()).then(|| format!("or({})", alts.join(",")))
    };
    groups.extend(ci_set("source", &query.source, None));
    groups.extend(ci_set("status", &query.status, None));
    groups.extend(ci_set(
        "salesperson",
        &query.salesperson,
        query.unassigned.then(|| "salesperson.is.null".into()),
    ));
    if let Some(q) = &query.q {
        let pattern = quote(&regex_literal(q));
        groups.push(format!(
            "or(lead_id.imatch.{pattern},lead_name.imatch.{pattern},contact_information.imatch.{pattern})"
        ));
    }
    if !query.interest_level.is_empty() {
        let levels: Vec<&str> = query.interest_level.iter().map(|l| l.as_str()).collect();
        params.push(("interest_level".into(), format!("in.({})", levels.join(","))));
    }
    if let Some(t) = query.created_after {
        params.push(("created_at".into(), format!("gte.{t}")));
    }
    if let Some(t) = query.created_before {
        params.push(("created_at".into(), format!("lt.{t}")));
    }
    let sort = query.effective_sort();
    if let Some(cursor) = Cursor::decode(query)? {
        // After (k1, k2, …, id): k1 beyond v1, or k1 = v1 and k2 beyond v2, …, or all equal and id > last.
        let mut alternatives = Vec::new();
        let mut equal: Vec<String> = Vec::new();
        for (s, value) in sort.iter().zip(cursor.keys()) {
            let col = column(s.key);
            let lit = literal(value, s.key);
            // Unassigned (null) sorts after every name: last ascending, first descending.
            let beyond = match (&lit, s.descending) {
                (Some(v), false) if s.key == SortKey::Salesperson => {
                    Some(format!("or({col}.gt.{v},{col}.is.null)"))
                }
                (Some(v), false) => Some(format!("{col}.gt.{v}")),
                (Some(v), true) => Some(format!("{col}.lt.{v}")),
                (None, false) => None,
                (None, true) => Some(format!("{col}.not.is.null")),
            };
            if let Some(b) = beyond {
                alternatives.push(and_of(&equal, b));
            }
            equal.push(match &lit {
                Some(v) => format!("{col}.eq.{v}"),
                None => format!("{col}.is.null"),
            });
        }
        alternatives.push(and_of(&equal, format!("id.gt.{}", cursor.id())));
        groups.push(format!("or({})", alternatives.join(",")));
    }
    if !groups.is_empty() {
        params.push(("and".into(), format!("({})", groups.join(","))));
    }
    let mut order: Vec<String> = sort
        .iter()
        .map(|s| {
            let dir = if s.descending { "desc" } else { "asc" };
            let nulls = if s.descending { "nullsfirst" } else { "nullslast" };
            format!("{}.{dir}.{nulls}", column(s.key))
        })
        .collect();
    order.push("id.asc".into());
    params.push(("order".into(), order.join(",")));
    Ok(params)
}

fn and_of(equal: &[String], last: String) -> String {
    if equal.is_empty() { last } else { format!("and({},{last})", equal.join(",")) }
}

/// `Content-Range: 0-49/1234` → 1234.
fn content_range_total(headers: &HeaderMap) -> Option<u64> {
    headers.get("content-range")?.to_str().ok()?.rsplit('/').next()?.parse().ok()
}

#[derive(Deserialize)]
struct LeadRow {
    id: Uuid,
    user_uuid: Uuid,
    created_at: Timestamp,
    updated_at: Timestamp,
    lead_id: Option<String>,
    lead_name: Option<String>,
    contact_information: Option<String>,
    source: Option<String>,
    interest_level: Option<String>,
    status: Option<String>,
    salesperson: Option<String>,
}

impl LeadRow {
    fn into_stored(self) -> StoredLead {
        StoredLead {
            id: self.id,
            user_uuid: self.user_uuid,
            created_at: self.created_at,
            updated_at: self.updated_at,
            lead: Lead {
                lead_id: self.lead_id.unwrap_or_default(),
                lead_name: self.lead_name.unwrap_or_default(),
                contact_information: self.contact_information.unwrap_or_default(),
                source: self.source.unwrap_or_default(),
                interest_level: self
                    .interest_level
                    .as_deref()
                    .and_then(|l| InterestLevel::parse(l, true))
                    .unwrap_or(InterestLevel::Low),
                status: self.status.unwrap_or_default(),
                salesperson: self.salesperson.filter(|s| !s.is_empty()),
            },
        }
    }
}

#[derive(Deserialize)]
struct UserRow {
    uuid: Uuid,
    #[serde(rename = "userName")]
    user_name: String,
    password: Option<String>,
    created_at: Timestamp,
}

#[derive(Deserialize)]
struct SalespersonRow {
    id: Uuid,
    name: String,
    active: bool,
    lead_count: u64,
}

impl From<SalespersonRow> for Salesperson {
    fn from(r: SalespersonRow) -> Self {
        Salesperson { id: r.id, name: r.name, active: r.active, lead_count: r.lead_count }
    }
}

/// A scalar RPC result: PostgREST returns the value, some compatible servers `[{"fn": value}]`.
fn scalar(value: Value, function: &str) -> Value {
    match value {
        Value::Array(mut rows) if rows.len() == 1 => match rows.remove(0) {
            Value::Object(mut o) if o.contains_key(function) => o.remove(function).unwrap_or(Value::Null),
            other => other,
        },
        other => other,
    }
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
        let http = http.build().map_err(|e| http_error(&e))?;
        Ok(SupabaseStore { base, api_key: api_key.to_owned(), token: None, http, options })
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

    /// Sends a request: our query parameters, one `Prefer` header, `%20` for spaces, the
    /// timeout, retries when `idempotent`; non-2xx statuses become [`ErrorKind::Backend`].
    async fn send(
        &self,
        builder: Builder,
        params: &[(String, String)],
        prefer: &str,
        idempotent: bool,
    ) -> Result<(StatusCode, HeaderMap, String)> {
        let mut attempt = 0;
        loop {
            let mut rb = builder.clone().build().query(params);
            if !prefer.is_empty() {
                let mut h = HeaderMap::new();
                if let Ok(v) = HeaderValue::from_str(prefer) {
                    h.insert("Prefer", v);
                }
                rb = rb.headers(h);
            }
            let mut request = rb.build().map_err(|e| http_error(&e))?;
            if let Some(q) = request.url().query().map(|q| q.replace('+', "%20")) {
                request.url_mut().set_query(Some(&q));
            }
            #[cfg(not(target_arch = "wasm32"))]
            {
                *request.timeout_mut() = Some(self.options.timeout);
            }
            let outcome = match self.http.execute(request).await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = response.text().await.map_err(|e| http_error(&e))?;
                    if status.is_success() {
                        return Ok((status, headers, body));
                    }
                    let retry = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    (backend(status, &body), retry)
                }
                Err(e) => (http_error(&e), true),
            };
            let (error, retryable) = outcome;
            if !(idempotent && retryable) || attempt >= self.options.retries {
                return Err(error);
            }
            attempt += 1;
            backoff(attempt).await;
        }
    }

    async fn json<T: for<'de> Deserialize<'de>>(
        &self,
        builder: Builder,
        params: &[(String, String)],
        prefer: &str,
        idempotent: bool,
    ) -> Result<T> {
        let (_, _, body) = self.send(builder, params, prefer, idempotent).await?;
        serde_json::from_str(&body).map_err(|e| {
            ErrorKind::Http { message: format!("unexpected response ({e}): {body:.200}") }.into()
        })
    }

    /// How many leads match `query` (its cursor included, if any).
    async fn count(&self, query: &LeadQuery, user: Uuid) -> Result<Option<u64>> {
        let mut params = query_params(query, user)?;
        params.push(p("limit", "0"));
        let (_, headers, _) = self.send(self.builder("Leads"), &params, "count=exact", true).await?;
        Ok(content_range_total(&headers))
    }

    async fn salesperson_with_count(&self, user: Uuid, id: Uuid) -> Result<Salesperson> {
        let all = self.salespeople(user).await?;
        all.into_iter().find(|s| s.id == id).ok_or_else(|| not_found("salesperson", id))
    }
}

fn not_found(what: &'static str, id: impl ToString) -> Error {
    ErrorKind::NotFound { what, id: id.to_string() }.into()
}

/// Exponential backoff with jitter: ~100 ms, 200 ms, 400 ms, … (native; immediate on wasm).
async fn backoff(attempt: u32) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut jitter = [0u8; 1];
        crate::auth::password::random_bytes(&mut jitter);
        let ms = 100u64 << attempt.min(6);
        tokio::time::sleep(Duration::from_millis(ms / 2 + ms * u64::from(jitter[0]) / 512)).await;
    }
    #[cfg(target_arch = "wasm32")]
    let _ = attempt;
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

fn p(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}

impl Store for SupabaseStore {
    async fn create_user(&self, uuid: Uuid, username: &str, password: &str) -> Result<User> {
        let body = json!([{"uuid": uuid, "userName": username, "password": password}]).to_string();
        let rows: Vec<UserRow> = self
            .json(self.builder("Users").insert(body), &[], "return=representation", false)
            .await
            .map_err(|e| on_conflict(e, || ErrorKind::UsernameTaken { username: username.to_owned() }))?;
        let row = rows.into_iter().next().ok_or_else(|| not_found("user", uuid))?;
        Ok(User { uuid: row.uuid, username: row.user_name, created_at: row.created_at })
    }

    async fn find_user(&self, username: &str) -> Result<Option<UserRecord>> {
        let params = [
            p("select", "uuid,userName,password,created_at"),
            p("userName", format!("imatch.{}", equals_ignoring_case(username))),
        ];
        let rows: Vec<UserRow> = self.json(self.builder("Users"), &params, "", true).await?;
        Ok(rows.into_iter().next().map(|r| UserRecord {
            user: User { uuid: r.uuid, username: r.user_name, created_at: r.created_at },
            password: r.password.unwrap_or_default(),
        }))
    }

    async fn set_password(&self, user: Uuid, password: &str) -> Result<()> {
        let body = json!({ "password": password }).to_string();
        let params = [p("uuid", format!("eq.{user}")), p("select", "uuid")];
        let rows: Vec<Value> =
            self.json(self.builder("Users").update(body), &params, "return=representation", true).await?;
        if rows.is_empty() { Err(not_found("user", user)) } else { Ok(()) }
    }

    async fn upsert_leads(&self, user: Uuid, leads: &[Lead]) -> Result<UpsertOutcome> {
        use futures_util::StreamExt as _;
        let unique: Vec<&Lead> = dedupe_last(leads);
        let size = self.options.batch_size.max(1);
        // Bodies made first, so each request's future owns what it sends (and stays `Send`).
        let bodies: Vec<(usize, usize, String)> = unique
            .chunks(size)
            .enumerate()
            .map(|(i, batch)| (i, batch.len(), json!({"p_user": user, "p_leads": batch}).to_string()))
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
        let (_, headers, body) = match self.send(self.builder("Leads"), &params, prefer, true).await {
            // PostgREST answers 416 for an offset past the end: an empty page.
            Err(e) if matches!(e.kind(), ErrorKind::Backend { status: 416, .. }) => {
                let total = if query.total { self.count(query, user).await? } else { None };
                return Ok(Page { items: Vec::new(), total, limit, offset: query.offset, next_cursor: None });
            }
            other => other?,
        };
        let rows: Vec<LeadRow> = serde_json::from_str(&body)
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
            (true, None) => content_range_total(&headers),
            // The total counts every matching lead, not just those after the cursor.
            (true, Some(_)) => self.count(&LeadQuery { cursor: None, ..query.clone() }, user).await?,
        };
        let next_cursor =
            if more { items.last().map(|last| Cursor::after(last, query).encode()) } else { None };
        Ok(Page { items, total, limit, offset: query.offset, next_cursor })
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(quote(r#"Trade Show, "Hall" \2"#), r#""Trade Show, \"Hall\" \\2""#);
        assert_eq!(regex_literal("50%_off\\*.é"), "50\\%\\_off\\\\\\*\\.é");
        assert_eq!(equals_ignoring_case("a*"), "^a\\*$");
    }

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

    #[test]
    fn query_parameters() {
        let q: LeadQuery =
            "status=Open,Won&source=Trade%20Show&interest_level=hot&salesperson=unassigned&q=a_b\
                            &created_after=2026-01-01&sort=-interest_level,salesperson"
                .parse()
                .unwrap();
        let user = Uuid::from_u128(1);
        let params = query_params(&q, user).unwrap();
        let get =
            |k: &str| params.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("user_uuid"), [format!("eq.{user}")]);
        assert_eq!(get("interest_level"), ["in.(High)"]);
        assert_eq!(get("created_at"), ["gte.2026-01-01T00:00:00.000000Z"]);
        assert_eq!(
            get("and"),
            [
                r#"(or(source.imatch."^Trade\\ Show$"),or(status.imatch."^Open$",status.imatch."^Won$"),or(salesperson.is.null),or(lead_id.imatch."a\\_b",lead_name.imatch."a\\_b",contact_information.imatch."a\\_b"))"#
            ]
        );
        assert_eq!(get("order"), ["interest_rank.desc.nullsfirst,salesperson.asc.nullslast,id.asc"]);
    }
}
