//! `SqliteStore`: the persistent embedded store (native targets), on SQLite compiled into the
//! crate. One file (or memory), the tables of `supabase/migrations` in SQLite's dialect,
//! versioned migrations applied on open (`PRAGMA user_version`), WAL and a busy timeout so that
//! several threads and processes can share a file.
//!
//! Writes take the write lock when they begin (`BEGIN IMMEDIATE`), waiting for another writer up
//! to the busy timeout, so that a read-then-write never fails on a snapshot another process has
//! moved on from.
//!
//! Every value is literal: filters compare with a case-folding function of the crate's own
//! (`leads_fold`, the same folding as MemoryStore), never LIKE, so `*`, `%` and `_` are just
//! characters; text sorts compare bytes, as MemoryStore and PostgreSQL's `C` order do.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::functions::FunctionFlags;
use rusqlite::{
    Connection, OptionalExtension, Row, TransactionBehavior, params, params_from_iter, types::Value,
};
use uuid::Uuid;

use crate::auth::new_uuid;
use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::{LeadPatch, salesperson_name};
use crate::model::{Clock, InterestLevel, Lead, StoredLead, Timestamp, UpsertOutcome, User, UserRecord};
use crate::query::cursor::{Cursor, KeyValue};
use crate::query::{LeadQuery, SortKey};
use crate::store::job::{
    ItemAction, Job, JobCounts, JobCursor, JobFinish, JobKind, JobPage, JobStart, JobState, Reverted, Undo,
};
use crate::store::{
    Decision, ImportWrites, Member, Page, Salesperson, Store, Team, Workspace, WritePlan, dedupe_last,
    team_name,
};

/// The schema, one migration per entry; `PRAGMA user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the seed's tables with the additions of supabase/migrations (unique Lead IDs per user,
    // updated_at, case-insensitive names, salespeople). UUIDs are 16-byte blobs; for the
    // filters and sorts, an interest rank and the case-folded source, status and salesperson.
    r#"
    create table "Users" (
      uuid blob primary key,
      "userName" text not null,
      password text not null,
      created_at integer not null
    );
    create unique index users_username_ci on "Users" (lower("userName"));
    create table "Leads" (
      id blob primary key,
      user_uuid blob not null references "Users" (uuid),
      created_at integer not null,
      updated_at integer not null,
      lead_id text not null,
      lead_name text not null,
      contact_information text not null,
      source text not null,
      interest_level text not null,
      status text not null,
      salesperson text,
      interest_rank integer not null,
      source_key text not null,
      status_key text not null,
      salesperson_key text,
      unique (user_uuid, lead_id)
    );
    create index leads_user_created on "Leads" (user_uuid, created_at, id);
    create index leads_user_lead_name on "Leads" (user_uuid, lead_name, id);
    create index leads_user_source on "Leads" (user_uuid, source, id);
    create index leads_user_status on "Leads" (user_uuid, status, id);
    create index leads_user_interest on "Leads" (user_uuid, interest_rank, id);
    create index leads_user_salesperson on "Leads" (user_uuid, salesperson, id);
    create index leads_user_source_key on "Leads" (user_uuid, source_key);
    create index leads_user_status_key on "Leads" (user_uuid, status_key, interest_rank);
    create index leads_user_salesperson_key on "Leads" (user_uuid, salesperson_key);
    create table "Salespeople" (
      id blob primary key,
      user_uuid blob not null references "Users" (uuid) on delete cascade,
      name text not null,
      name_key text not null,
      active integer not null default 1,
      created_at integer not null,
      unique (user_uuid, name_key)
    );
    "#,
    // 2: import history (supabase/migrations 20261202000000): the jobs, the leads each wrote
    // with their values before it, and on every lead the job that wrote it last.
    r#"
    alter table "Leads" add column import_id blob;
    create table "Imports" (
      id blob primary key,
      user_uuid blob not null references "Users" (uuid) on delete cascade,
      actor blob not null,
      kind text not null,
      state text not null,
      created_at integer not null,
      file_name text,
      bytes integer not null default 0,
      sha256 text,
      spec text not null,
      inserted integer not null default 0,
      updated integer not null default 0,
      unchanged integer not null default 0,
      skipped integer not null default 0,
      deleted integer not null default 0,
      issues text not null default '[]',
      reverted_at integer
    );
    create index imports_user_created on "Imports" (user_uuid, created_at, id);
    create table "ImportItems" (
      import_id blob not null references "Imports" (id) on delete cascade,
      lead_id text not null,
      action text not null,
      before_import blob,
      id blob,
      created_at integer,
      updated_at integer,
      lead_name text,
      contact_information text,
      source text,
      interest_level text,
      status text,
      salesperson text,
      primary key (import_id, lead_id)
    ) without rowid;
    "#,
    // 3: members and teams (supabase/migrations 20261202000100): a workspace is a user; its
    // members are other users with a role, a linked salesperson and the teams they lead.
    r#"
    create table "Teams" (
      id blob primary key,
      user_uuid blob not null references "Users" (uuid) on delete cascade,
      name text not null,
      name_key text not null,
      created_at integer not null,
      unique (user_uuid, name_key)
    );
    alter table "Salespeople" add column team_id blob references "Teams" (id) on delete set null;
    create table "Members" (
      workspace blob not null references "Users" (uuid) on delete cascade,
      user_uuid blob not null references "Users" (uuid) on delete cascade,
      role text not null,
      salesperson_id blob references "Salespeople" (id) on delete set null,
      team_ids text not null default '[]',
      created_at integer not null,
      primary key (workspace, user_uuid)
    ) without rowid;
    "#,
    // 4: account security (supabase/migrations 20261202000200): tokens issued before a user's
    // tokens_valid_after are refused; failed logins per lower-cased username, for throttling.
    r#"
    alter table "Users" add column tokens_valid_after integer not null default 0;
    create table "LoginAttempts" (
      username_key text not null,
      at integer not null
    );
    create index login_attempts_key_at on "LoginAttempts" (username_key, at);
    "#,
];

/// The store on one SQLite database.
///
/// ```
/// use leads_core::{ImportMode, ImportOptions, LeadQuery, SqliteStore, Store};
///
/// # pollster::block_on(async {
/// let store = SqliteStore::in_memory()?;
/// let params = leads_core::PasswordParams::insecure_for_tests();
/// let user = leads_core::register(&store, "ann", "correct horse", params).await?.uuid;
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,Hot,Open\n";
/// let done = store.import_csv(user, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await?;
/// assert_eq!(done.imported.inserted, 1);
/// let page = store.query(user, &"status=open".parse::<LeadQuery>()?).await?;
/// assert_eq!(page.items[0].lead.lead_name, "Ann");
/// # Ok::<(), leads_core::Error>(())
/// # }).unwrap();
/// ```
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The database file; `None` in memory.
    path: Option<PathBuf>,
    clock: Clock,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn db_error(e: rusqlite::Error) -> Error {
    ErrorKind::Database { message: e.to_string() }.into()
}

fn not_found(what: &'static str, id: impl ToString) -> Error {
    ErrorKind::NotFound { what, id: id.to_string() }.into()
}

/// The case folding of every case-insensitive comparison (as MemoryStore's).
fn fold(text: &str) -> String {
    text.to_lowercase()
}

impl SqliteStore {
    /// The store in the database file at `path` (created if missing), its schema brought up to
    /// date.
    ///
    /// # Errors
    /// [`ErrorKind::Database`] when the file cannot be opened or was written by a newer version
    /// of this library.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let conn = connect(&path)?;
        migrate(&conn)?;
        Ok(SqliteStore { conn: Mutex::new(conn), path: Some(path), clock: crate::model::system_clock() })
    }

    /// A store in memory, gone when dropped (tests, previews).
    ///
    /// # Errors
    /// [`ErrorKind::Database`] if SQLite cannot start.
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(db_error)?;
        configure(&conn, false)?;
        migrate(&conn)?;
        Ok(SqliteStore { conn: Mutex::new(conn), path: None, clock: crate::model::system_clock() })
    }

    /// The same store with timestamps from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Runs `f` in a transaction holding the write lock, committed when it succeeds.
    fn in_transaction<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let out = f(&tx)?;
        tx.commit().map_err(db_error)?;
        Ok(out)
    }
}

/// A connection to the file at `path`, set up as every connection of the store is.
fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(db_error)?;
    configure(&conn, true)?;
    Ok(conn)
}

/// Busy timeout, WAL (for a file), foreign keys, and the store's SQL functions.
fn configure(conn: &Connection, file: bool) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db_error)?;
    if file {
        conn.pragma_update(None, "journal_mode", "wal").map_err(db_error)?;
        conn.pragma_update(None, "synchronous", "normal").map_err(db_error)?;
        // A 32 MB page cache (SQLite's default is 2 MB): big imports touch every index.
        conn.pragma_update(None, "cache_size", -32_000).map_err(db_error)?;
        // Checkpoints every 40 MB of log instead of 4 MB: a page changed by many batches is
        // copied back once.
        conn.pragma_update(None, "wal_autocheckpoint", 10_000).map_err(db_error)?;
    }
    conn.pragma_update(None, "foreign_keys", "on").map_err(db_error)?;
    conn.create_scalar_function(
        "leads_fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|t| fold(&t))),
    )
    .map_err(db_error)
}

/// Applies the migrations the database has not had; refuses a database of a newer version.
fn migrate(conn: &Connection) -> Result<()> {
    migrate_with(conn, MIGRATIONS)
}

/// [`migrate`] with the given list: each migration not yet applied runs in a transaction of its
/// own with the version it brings, so a failed one leaves the file at the version before it.
fn migrate_with(conn: &Connection, migrations: &[&str]) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_error)?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > migrations.len() {
        return Err(ErrorKind::Database {
            message: format!(
                "the database is at schema version {version}, newer than this library knows ({}): upgrade leads",
                migrations.len()
            ),
        }
        .into());
    }
    for (i, sql) in migrations.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction().map_err(db_error)?;
        tx.execute_batch(sql).map_err(db_error)?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX)).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
    }
    Ok(())
}

const LEAD_COLUMNS: &str = "id, user_uuid, created_at, updated_at, lead_id, lead_name, contact_information, source, interest_level, status, salesperson";

fn lead_of(row: &Row<'_>) -> rusqlite::Result<StoredLead> {
    let level: String = row.get(8)?;
    Ok(StoredLead {
        id: row.get(0)?,
        user_uuid: row.get(1)?,
        created_at: Timestamp::from_micros(row.get(2)?),
        updated_at: Timestamp::from_micros(row.get(3)?),
        lead: Lead {
            lead_id: row.get(4)?,
            lead_name: row.get(5)?,
            contact_information: row.get(6)?,
            source: row.get(7)?,
            interest_level: InterestLevel::parse(&level, true).unwrap_or(InterestLevel::Low),
            status: row.get(9)?,
            salesperson: row.get(10)?,
        },
    })
}

fn user_exists(conn: &Connection, user: Uuid) -> Result<()> {
    let found = conn
        .prepare_cached(r#"select 1 from "Users" where uuid = ?1"#)
        .and_then(|mut statement| statement.exists([user]))
        .map_err(db_error)?;
    if found { Ok(()) } else { Err(not_found("user", user)) }
}

fn get_lead(conn: &Connection, user: Uuid, lead_id: &str) -> Result<Option<StoredLead>> {
    Ok(get_lead_and_job(conn, user, lead_id)?.map(|(lead, _)| lead))
}

/// The stored lead of `lead_id` and the job that wrote it last.
fn get_lead_and_job(
    conn: &Connection,
    user: Uuid,
    lead_id: &str,
) -> Result<Option<(StoredLead, Option<Uuid>)>> {
    conn.prepare_cached(&format!(
        r#"select {LEAD_COLUMNS}, import_id from "Leads" where user_uuid = ?1 and lead_id = ?2"#
    ))
    .and_then(|mut statement| {
        statement.query_row(params![user, lead_id], |r| Ok((lead_of(r)?, r.get(11)?))).optional()
    })
    .map_err(db_error)
}

/// A new lead's id and creation time.
type NewRow = (Uuid, Timestamp);

/// Writes `lead`'s fields for `user`, as written by `job` (or none): a new row `new` unless its
/// Lead ID is taken (then `false`), or the row of its Lead ID updated.
fn write_lead(
    conn: &Connection,
    user: Uuid,
    lead: &Lead,
    now: Timestamp,
    new: Option<NewRow>,
    job: Option<Uuid>,
) -> Result<bool> {
    let sql = match new {
        None => {
            r#"update "Leads" set lead_name = ?1, contact_information = ?2, source = ?3, interest_level = ?4,
                 interest_rank = ?5, status = ?6, salesperson = ?7, updated_at = ?8, source_key = ?12,
                 status_key = ?13, salesperson_key = ?14, import_id = ?15
               where user_uuid = ?9 and lead_id = ?10 and ?11 is null and ?16 is null"#
        }
        Some(_) => {
            r#"insert into "Leads" (lead_name, contact_information, source, interest_level, interest_rank,
                 status, salesperson, updated_at, user_uuid, lead_id, id, created_at, source_key, status_key,
                 salesperson_key, import_id)
               values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?16, ?12, ?13, ?14, ?15)
               on conflict (user_uuid, lead_id) do nothing"#
        }
    };
    conn.prepare_cached(sql)
        .and_then(|mut statement| {
            statement.execute(params![
                lead.lead_name,
                lead.contact_information,
                lead.source,
                lead.interest_level.as_str(),
                i64::from(lead.interest_level.rank()),
                lead.status,
                lead.salesperson,
                now.as_micros(),
                user,
                lead.lead_id,
                new.map(|(id, _)| id),
                fold(&lead.source),
                fold(&lead.status),
                lead.salesperson.as_deref().map(fold),
                job,
                new.map(|(_, created)| created.as_micros()),
            ])
        })
        .map(|n| n > 0)
        .map_err(db_error)
}

/// Writes `leads` for `user` as `plan` says (the last copy of a Lead ID wins), inside the
/// caller's transaction.
///
/// Each lead is stamped when it is written (a clock reading per lead, not per batch), so leads
/// sorted by `created_at` rarely tie and a page of them never sorts a whole batch.
fn upsert(
    conn: &Connection,
    user: Uuid,
    leads: &[Lead],
    plan: &WritePlan,
    clock: &Clock,
    job: Option<&JobStart>,
) -> Result<UpsertOutcome> {
    user_exists(conn, user)?;
    if let Some(job) = job {
        record_job(conn, user, job, clock())?;
    }
    let job_id = job.map(|j| j.id);
    let mut outcome = UpsertOutcome::default();
    let mut salespeople: Vec<String> = Vec::new();
    for lead in dedupe_last(leads) {
        let now = clock();
        let inserts = plan.on_new == crate::model::OnNew::Insert;
        // New Lead IDs in one statement; time-ordered ids land at the end of every index that
        // ends in `id`.
        let written = if inserts && write_lead(conn, user, lead, now, Some((Uuid::now_v7(), now)), job_id)? {
            outcome.inserted += 1;
            if let Some(job) = job_id {
                record_item(conn, job, &lead.lead_id, ItemAction::Inserted, None)?;
            }
            lead.salesperson.clone()
        } else {
            let stored = get_lead_and_job(conn, user, &lead.lead_id)?;
            match plan.decide(stored.as_ref().map(|(s, _)| &s.lead), lead) {
                Decision::Skip => {
                    outcome.skipped += 1;
                    None
                }
                Decision::Unchanged => {
                    outcome.unchanged += 1;
                    None
                }
                Decision::Update(merged) => {
                    write_lead(conn, user, &merged, now, None, job_id)?;
                    outcome.updated += 1;
                    if let (Some(job), Some((before, by))) = (job_id, &stored) {
                        record_item(conn, job, &lead.lead_id, ItemAction::Updated, Some((before, *by)))?;
                    }
                    merged.salesperson
                }
                Decision::Insert => {
                    // Not stored a moment ago, yet the insert found it: another connection's.
                    return Err(ErrorKind::Database {
                        message: format!("lead {:?} appeared while written", lead.lead_id),
                    }
                    .into());
                }
            }
        };
        if let Some(name) = written
            && !salespeople.contains(&name)
        {
            add_salesperson_if_new(conn, user, &name, now)?;
            salespeople.push(name);
        }
    }
    if let Some(job) = job_id {
        add_counts(conn, job, outcome, 0)?;
    }
    Ok(outcome)
}

/// The columns of a job row, in [`job_of`]'s order.
const JOB_COLUMNS: &str = "id, kind, state, created_at, actor, file_name, bytes, sha256, spec, inserted, updated, unchanged, skipped, deleted, issues, reverted_at";

fn job_of(row: &Row<'_>) -> rusqlite::Result<Job> {
    let bad = |i: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
    };
    let kind: String = row.get(1)?;
    let state: String = row.get(2)?;
    let spec: String = row.get(8)?;
    let issues: String = row.get(14)?;
    let count = |i: usize| row.get::<_, i64>(i).map(i64::unsigned_abs);
    Ok(Job {
        id: row.get(0)?,
        kind: JobKind::parse(&kind).ok_or_else(|| bad(1, format!("unknown job kind {kind:?}")))?,
        state: JobState::parse(&state).ok_or_else(|| bad(2, format!("unknown job state {state:?}")))?,
        created_at: Timestamp::from_micros(row.get(3)?),
        actor: row.get(4)?,
        file_name: row.get(5)?,
        bytes: count(6)?,
        sha256: row.get(7)?,
        spec: serde_json::from_str(&spec).map_err(|e| bad(8, e.to_string()))?,
        counts: JobCounts {
            inserted: count(9)?,
            updated: count(10)?,
            unchanged: count(11)?,
            skipped: count(12)?,
            deleted: count(13)?,
        },
        issues: serde_json::from_str(&issues).map_err(|e| bad(14, e.to_string()))?,
        reverted_at: row.get::<_, Option<i64>>(15)?.map(Timestamp::from_micros),
    })
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| ErrorKind::Database { message: e.to_string() }.into())
}

/// Records `job` (partial, begun `now`) unless it is already.
fn record_job(conn: &Connection, user: Uuid, job: &JobStart, now: Timestamp) -> Result<()> {
    let spec = json(&job.spec)?;
    conn.prepare_cached(
        // Later than every job of the user before it: the history lists jobs in the order they
        // began, however coarse the clock.
        r#"insert into "Imports" (id, user_uuid, actor, kind, state, created_at, file_name, spec)
           values (?1, ?2, ?3, ?4, 'partial',
                   max(?5, coalesce((select max(created_at) + 1 from "Imports" where user_uuid = ?2), ?5)), ?6, ?7)
           on conflict (id) do nothing"#,
    )
    .and_then(|mut statement| {
        statement.execute(params![
            job.id,
            user,
            job.actor,
            job.kind.as_str(),
            now.as_micros(),
            job.file_name,
            spec
        ])
    })
    .map(drop)
    .map_err(db_error)
}

fn add_counts(conn: &Connection, job: Uuid, outcome: UpsertOutcome, deleted: u64) -> Result<()> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    conn.prepare_cached(
        r#"update "Imports" set inserted = inserted + ?2, updated = updated + ?3, unchanged = unchanged + ?4,
             skipped = skipped + ?5, deleted = deleted + ?6 where id = ?1"#,
    )
    .and_then(|mut statement| {
        statement.execute(params![
            job,
            n(outcome.inserted),
            n(outcome.updated),
            n(outcome.unchanged),
            n(outcome.skipped),
            n(deleted)
        ])
    })
    .map(drop)
    .map_err(db_error)
}

/// Keeps what revert needs of a lead `job` wrote: how, and the lead before (with the job that
/// had written it last). The first record of a Lead ID in a job wins.
fn record_item(
    conn: &Connection,
    job: Uuid,
    lead_id: &str,
    action: ItemAction,
    before: Option<(&StoredLead, Option<Uuid>)>,
) -> Result<()> {
    let b = before.map(|(s, _)| s);
    conn.prepare_cached(
        r#"insert into "ImportItems" (import_id, lead_id, action, before_import, id, created_at, updated_at,
             lead_name, contact_information, source, interest_level, status, salesperson)
           values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
           on conflict (import_id, lead_id) do nothing"#,
    )
    .and_then(|mut statement| {
        statement.execute(params![
            job,
            lead_id,
            action.as_str(),
            before.and_then(|(_, by)| by),
            b.map(|s| s.id),
            b.map(|s| s.created_at.as_micros()),
            b.map(|s| s.updated_at.as_micros()),
            b.map(|s| &s.lead.lead_name),
            b.map(|s| &s.lead.contact_information),
            b.map(|s| &s.lead.source),
            b.map(|s| s.lead.interest_level.as_str()),
            b.map(|s| &s.lead.status),
            b.and_then(|s| s.lead.salesperson.as_ref()),
        ])
    })
    .map(drop)
    .map_err(db_error)
}

fn find_job(conn: &Connection, user: Uuid, id: Uuid) -> Result<Job> {
    conn.query_row(
        &format!(r#"select {JOB_COLUMNS} from "Imports" where user_uuid = ?1 and id = ?2"#),
        params![user, id],
        job_of,
    )
    .optional()
    .map_err(db_error)?
    .ok_or_else(|| not_found("import", id))
}

/// Marks `job` done with `finish` (recording it first if it wrote nothing).
fn finish_job(
    conn: &Connection,
    user: Uuid,
    job: &JobStart,
    finish: &JobFinish,
    now: Timestamp,
) -> Result<Job> {
    record_job(conn, user, job, now)?;
    conn.execute(
        r#"update "Imports" set state = 'done', bytes = ?2, sha256 = ?3, issues = ?4 where id = ?1"#,
        params![
            job.id,
            i64::try_from(finish.bytes).unwrap_or(i64::MAX),
            finish.sha256,
            json(&finish.issues)?
        ],
    )
    .map_err(db_error)?;
    find_job(conn, user, job.id)
}

/// Deletes the leads of `lead_ids` for `user`, as `job`'s.
fn remove(
    conn: &Connection,
    user: Uuid,
    lead_ids: &[&str],
    job: Option<&JobStart>,
    now: Timestamp,
) -> Result<u64> {
    if let Some(job) = job {
        record_job(conn, user, job, now)?;
    }
    let mut deleted = 0;
    for id in lead_ids {
        let Some((before, by)) = get_lead_and_job(conn, user, id)? else { continue };
        conn.prepare_cached(r#"delete from "Leads" where user_uuid = ?1 and lead_id = ?2"#)
            .and_then(|mut statement| statement.execute(params![user, id]))
            .map_err(db_error)?;
        deleted += 1;
        if let Some(job) = job {
            record_item(conn, job.id, id, ItemAction::Deleted, Some((&before, by)))?;
        }
    }
    if let Some(job) = job {
        add_counts(conn, job.id, UpsertOutcome::default(), deleted)?;
    }
    Ok(deleted)
}

/// Reverts job `id` of `user` inside the caller's transaction.
fn revert(conn: &Connection, user: Uuid, id: Uuid, clock: &Clock) -> Result<Reverted> {
    let job = find_job(conn, user, id)?;
    let mut done = Reverted { job, deleted: 0, restored: 0, conflicts: Vec::new() };
    if done.job.state == JobState::Reverted {
        return Ok(done);
    }
    let mut items = conn
        .prepare(
            r#"select lead_id, action, before_import, id, created_at, updated_at, lead_name, contact_information,
                 source, interest_level, status, salesperson
               from "ImportItems" where import_id = ?1 order by lead_id"#,
        )
        .map_err(db_error)?;
    let mut rows = items.query([id]).map_err(db_error)?;
    let mut salespeople: Vec<String> = Vec::new();
    while let Some(row) = rows.next().map_err(db_error)? {
        let lead_id: String = row.get(0).map_err(db_error)?;
        let action: String = row.get(1).map_err(db_error)?;
        let action = ItemAction::parse(&action)
            .ok_or_else(|| ErrorKind::Database { message: format!("unknown item action {action:?}") })?;
        let current: Option<Option<Uuid>> = conn
            .prepare_cached(r#"select import_id from "Leads" where user_uuid = ?1 and lead_id = ?2"#)
            .and_then(|mut statement| statement.query_row(params![user, lead_id], |r| r.get(0)).optional())
            .map_err(db_error)?;
        match crate::store::undo(action, id, current) {
            Undo::Conflict => done.conflicts.push(lead_id),
            Undo::Delete => {
                conn.prepare_cached(r#"delete from "Leads" where user_uuid = ?1 and lead_id = ?2"#)
                    .and_then(|mut statement| statement.execute(params![user, lead_id]))
                    .map_err(db_error)?;
                done.deleted += 1;
            }
            Undo::Restore => {
                let get = |i| -> Result<String> { row.get(i).map_err(db_error) };
                let level = get(9)?;
                let before = Lead {
                    lead_id: lead_id.clone(),
                    lead_name: get(6)?,
                    contact_information: get(7)?,
                    source: get(8)?,
                    interest_level: InterestLevel::parse(&level, true).unwrap_or(InterestLevel::Low),
                    status: get(10)?,
                    salesperson: row.get(11).map_err(db_error)?,
                };
                let by: Option<Uuid> = row.get(2).map_err(db_error)?;
                let now = clock();
                let new = match action {
                    ItemAction::Deleted => {
                        let lead_uuid: Uuid = row.get(3).map_err(db_error)?;
                        Some((lead_uuid, Timestamp::from_micros(row.get(4).map_err(db_error)?)))
                    }
                    _ => None,
                };
                write_lead(conn, user, &before, now, new, by)?;
                if let Some(name) = before.salesperson
                    && !salespeople.contains(&name)
                {
                    add_salesperson_if_new(conn, user, &name, now)?;
                    salespeople.push(name);
                }
                done.restored += 1;
            }
        }
    }
    conn.execute(
        r#"update "Imports" set state = 'reverted', reverted_at = ?2 where id = ?1"#,
        params![id, clock().as_micros()],
    )
    .map_err(db_error)?;
    done.job = find_job(conn, user, id)?;
    Ok(done)
}

fn add_salesperson_if_new(conn: &Connection, user: Uuid, name: &str, now: Timestamp) -> Result<()> {
    let key = fold(name);
    let known = conn
        .prepare_cached(r#"select 1 from "Salespeople" where user_uuid = ?1 and name_key = ?2"#)
        .and_then(|mut statement| statement.exists(params![user, key]))
        .map_err(db_error)?;
    if known {
        return Ok(());
    }
    conn.execute(
        r#"insert into "Salespeople" (id, user_uuid, name, name_key, active, created_at)
           values (?1, ?2, ?3, ?4, 1, ?5) on conflict (user_uuid, name_key) do nothing"#,
        params![new_uuid(), user, name, key, now.as_micros()],
    )
    .map(drop)
    .map_err(db_error)
}

fn salesperson_of(conn: &Connection, user: Uuid, id: Uuid) -> Result<Salesperson> {
    conn.query_row(
        r#"select s.id, s.name, s.active,
             (select count(*) from "Leads" l where l.user_uuid = s.user_uuid and l.salesperson_key = s.name_key),
             s.team_id
           from "Salespeople" s where s.user_uuid = ?1 and s.id = ?2"#,
        params![user, id],
        |r| {
            Ok(Salesperson {
                id: r.get(0)?,
                name: r.get(1)?,
                active: r.get(2)?,
                lead_count: r.get::<_, i64>(3)?.unsigned_abs(),
                team_id: r.get(4)?,
            })
        },
    )
    .optional()
    .map_err(db_error)?
    .ok_or_else(|| not_found("salesperson", id))
}

/// One page of `query` (fetched one beyond its limit), or `None` when the progress handler
/// stopped it.
fn fetch_page(
    conn: &Connection,
    query: &LeadQuery,
    user: Uuid,
    walk_sort: bool,
) -> Result<Option<Vec<StoredLead>>> {
    let limit = query.effective_limit();
    let (where_sql, mut values) = filters(query, user, true, walk_sort)?;
    // Walking, the sort's own index: left to itself SQLite takes any index on `user_uuid`.
    let index = match (walk_sort, query.effective_sort().first().and_then(|s| sort_index(s.key))) {
        (true, Some(index)) => format!(" indexed by {index}"),
        _ => String::new(),
    };
    let sql = format!(
        r#"select {LEAD_COLUMNS} from "Leads"{index} where {where_sql} order by {} limit ? offset ?"#,
        order_by(query)
    );
    values.push(Value::Integer(i64::from(limit) + 1));
    values.push(Value::Integer(i64::try_from(query.offset).unwrap_or(i64::MAX)));
    let mut statement = conn.prepare(&sql).map_err(db_error)?;
    let rows = statement
        .query_map(params_from_iter(values), lead_of)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
    match rows {
        Ok(items) => Ok(Some(items)),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::OperationInterrupted => {
            Ok(None)
        }
        Err(e) => Err(db_error(e)),
    }
}

/// `column = ?` (or `column is null`) for each of the cursor's earlier keys, their values pushed.
fn equal_to(keys: &[(String, Option<Value>)], values: &mut Vec<Value>) -> Vec<String> {
    keys.iter()
        .map(|(column, value)| match value {
            Some(v) => {
                values.push(v.clone());
                format!("{column} = ?")
            }
            None => format!("{column} is null"),
        })
        .collect()
}

/// Thousands of SQLite instructions a query may spend walking the sort's index before it falls
/// back to the planner's plan (about 2 ms).
const WALK_BUDGET: u32 = 400;

/// Whether a query has a filter that SQLite could answer from an index.
fn has_indexed_filter(query: &LeadQuery) -> bool {
    !query.source.is_empty()
        || !query.status.is_empty()
        || !query.salesperson.is_empty()
        || query.unassigned
        || !query.interest_level.is_empty()
        || query.created_after.is_some()
        || query.created_before.is_some()
}

/// The index of migration 1 that orders a user's leads by `key` (then `id`).
fn sort_index(key: SortKey) -> Option<&'static str> {
    match key {
        SortKey::CreatedAt => Some("leads_user_created"),
        SortKey::LeadName => Some("leads_user_lead_name"),
        SortKey::Source => Some("leads_user_source"),
        SortKey::Status => Some("leads_user_status"),
        SortKey::InterestLevel => Some("leads_user_interest"),
        SortKey::Salesperson => Some("leads_user_salesperson"),
        // The unique (user_uuid, lead_id) index, which SQLite names itself.
        SortKey::LeadId => None,
    }
}

/// The column a sort key orders by.
fn column(key: SortKey) -> &'static str {
    match key {
        SortKey::InterestLevel => "interest_rank",
        other => other.as_str(),
    }
}

/// A cursor's sort value as an SQL value (`None` for an unassigned salesperson).
fn key_value(value: &KeyValue) -> Option<Value> {
    match value {
        KeyValue::Number(n) => Some(Value::Integer(*n)),
        KeyValue::Text(t) => Some(Value::Text(t.clone())),
        KeyValue::Missing(_) => None,
    }
}

/// The `where` clause and its values of a query's filters (and its cursor, when `with_cursor`).
/// With `walk_sort`, the filters' columns are written `+column`, which SQLite does not look up in
/// an index: the plan then walks the sort's index and checks each lead.
fn filters(
    query: &LeadQuery,
    user: Uuid,
    with_cursor: bool,
    walk_sort: bool,
) -> Result<(String, Vec<Value>)> {
    let plus = if walk_sort { "+" } else { "" };
    let mut sql = String::from("user_uuid = ?");
    let mut values = vec![Value::Blob(user.as_bytes().to_vec())];
    let set = |sql: &mut String, values: &mut Vec<Value>, col: &str, wanted: &[String], or_null: bool| {
        let col = format!("{plus}{col}");
        if wanted.is_empty() && !or_null {
            return;
        }
        let mut alts: Vec<String> = Vec::new();
        if !wanted.is_empty() {
            alts.push(format!("{col}_key in ({})", vec!["?"; wanted.len()].join(", ")));
            values.extend(wanted.iter().map(|w| Value::Text(fold(w))));
        }
        if or_null {
            alts.push(format!("{col} is null"));
        }
        sql.push_str(&format!(" and ({})", alts.join(" or ")));
    };
    set(&mut sql, &mut values, "source", &query.source, false);
    set(&mut sql, &mut values, "status", &query.status, false);
    set(&mut sql, &mut values, "salesperson", &query.salesperson, query.unassigned);
    if !query.interest_level.is_empty() {
        sql.push_str(&format!(
            " and {plus}interest_rank in ({})",
            vec!["?"; query.interest_level.len()].join(", ")
        ));
        values.extend(query.interest_level.iter().map(|l| Value::Integer(i64::from(l.rank()))));
    }
    if let Some(q) = &query.q {
        sql.push_str(
            " and (instr(leads_fold(lead_id), ?) > 0 or instr(leads_fold(lead_name), ?) > 0 \
             or instr(leads_fold(contact_information), ?) > 0)",
        );
        let needle = fold(q);
        values.extend([Value::Text(needle.clone()), Value::Text(needle.clone()), Value::Text(needle)]);
    }
    if let Some(t) = query.created_after {
        sql.push_str(&format!(" and {plus}created_at >= ?"));
        values.push(Value::Integer(t.as_micros()));
    }
    if let Some(t) = query.created_before {
        sql.push_str(&format!(" and {plus}created_at < ?"));
        values.push(Value::Integer(t.as_micros()));
    }
    if with_cursor && let Some(cursor) = Cursor::decode(query)? {
        let sort = query.effective_sort();
        if sort.iter().all(|s| !s.descending && s.key != SortKey::Salesperson) {
            // Every key ascending like the id and never null: one row-value comparison, which
            // SQLite seeks to in the sort's index.
            let cols: Vec<&str> = sort.iter().map(|s| column(s.key)).collect();
            sql.push_str(&format!(" and ({}, id) > ({}?)", cols.join(", "), "?, ".repeat(cols.len())));
            values.extend(cursor.keys().iter().map(|k| key_value(k).unwrap_or(Value::Null)));
            values.push(Value::Blob(cursor.id().as_bytes().to_vec()));
            return Ok((sql, values));
        }
        // A bound on the first key that the alternatives below imply, so the planner scans the
        // sort's index from the cursor on instead of from its start.
        if let (Some(s), Some(Some(v))) =
            (query.effective_sort().first(), cursor.keys().first().map(key_value))
        {
            let col = column(s.key);
            sql.push_str(&match (s.descending, s.key == SortKey::Salesperson) {
                (true, _) => format!(" and {col} <= ?"),
                (false, false) => format!(" and {col} >= ?"),
                (false, true) => format!(" and ({col} >= ? or {col} is null)"),
            });
            values.push(v);
        }
        // After (k1, k2, …, id): k1 beyond v1, or k1 = v1 and k2 beyond v2, …, or all equal and id after.
        let mut alternatives: Vec<String> = Vec::new();
        let mut alt_values: Vec<Value> = Vec::new();
        let mut equal: Vec<(String, Option<Value>)> = Vec::new();
        for (s, value) in query.effective_sort().iter().zip(cursor.keys()) {
            let col = column(s.key);
            let v = key_value(value);
            // Unassigned (null) sorts after every name: last ascending, first descending.
            let beyond = match (&v, s.descending) {
                (Some(_), false) if s.key == SortKey::Salesperson => {
                    Some(format!("({col} > ? or {col} is null)"))
                }
                (Some(_), false) => Some(format!("{col} > ?")),
                (Some(_), true) => Some(format!("{col} < ?")),
                (None, false) => None,
                (None, true) => Some(format!("{col} is not null")),
            };
            if let Some(b) = beyond {
                let mut parts = equal_to(&equal, &mut alt_values);
                parts.push(b);
                alt_values.extend(v.clone());
                alternatives.push(format!("({})", parts.join(" and ")));
            }
            equal.push((col.to_owned(), v));
        }
        let mut parts = equal_to(&equal, &mut alt_values);
        parts.push("id > ?".into());
        alt_values.push(Value::Blob(cursor.id().as_bytes().to_vec()));
        alternatives.push(format!("({})", parts.join(" and ")));
        sql.push_str(&format!(" and ({})", alternatives.join(" or ")));
        values.extend(alt_values);
    }
    Ok((sql, values))
}

fn order_by(query: &LeadQuery) -> String {
    let mut order: Vec<String> = query
        .effective_sort()
        .iter()
        .map(|s| {
            let (dir, nulls) = if s.descending { ("desc", "nulls first") } else { ("asc", "nulls last") };
            format!("{} {dir} {nulls}", column(s.key))
        })
        .collect();
    order.push("id asc".into());
    order.join(", ")
}

/// An import's writes into a [`SqliteStore`]. Atomic ones on a file run one transaction on a
/// connection of their own (other connections keep reading the committed data meanwhile); atomic
/// ones in memory hold the leads and write them in one transaction at the commit (the store's one
/// connection is never held across an `await`); batched ones are upserts.
#[derive(Debug)]
pub struct SqliteWrites<'a> {
    store: &'a SqliteStore,
    user: Uuid,
    job: JobStart,
    how: Writes,
}

enum Writes {
    Batched,
    /// The import's own connection, in a transaction once the first batch has come.
    Transaction {
        conn: Connection,
        began: bool,
    },
    /// The leads and the plan they are written by.
    Held(Vec<Lead>, WritePlan),
}

impl std::fmt::Debug for Writes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Writes::Batched => "Batched",
            Writes::Transaction { .. } => "Transaction",
            Writes::Held(..) => "Held",
        })
    }
}

impl ImportWrites for SqliteWrites<'_> {
    fn is_atomic(&self) -> bool {
        !matches!(self.how, Writes::Batched)
    }

    /// 16 × [`IMPORT_BATCH`](crate::IMPORT_BATCH): a commit per thousand leads would cost more
    /// than the writes.
    fn batch_size(&self) -> usize {
        16 * crate::store::IMPORT_BATCH
    }

    async fn write(&mut self, leads: &[Lead], plan: &WritePlan) -> Result<UpsertOutcome> {
        match &mut self.how {
            Writes::Batched => self.store.write_leads(self.user, leads, plan, Some(&self.job)).await,
            Writes::Transaction { conn, began } => {
                if !*began {
                    // Dropped before its commit, the connection closes and SQLite rolls back.
                    conn.execute_batch("begin immediate").map_err(db_error)?;
                    *began = true;
                }
                upsert(conn, self.user, leads, plan, &self.store.clock, Some(&self.job))
            }
            Writes::Held(held, held_plan) => {
                held.extend_from_slice(leads);
                *held_plan = *plan;
                Ok(UpsertOutcome::default())
            }
        }
    }

    async fn commit(self, finish: &JobFinish) -> Result<(UpsertOutcome, Option<Job>)> {
        let (store, user, job) = (self.store, self.user, &self.job);
        match self.how {
            Writes::Batched => {
                Ok((UpsertOutcome::default(), Some(store.finish_job(user, job, finish).await?)))
            }
            Writes::Transaction { conn, began } => {
                if !began {
                    conn.execute_batch("begin immediate").map_err(db_error)?;
                }
                let done = finish_job(&conn, user, job, finish, store.now())?;
                conn.execute_batch("commit").map_err(db_error)?;
                Ok((UpsertOutcome::default(), Some(done)))
            }
            Writes::Held(held, plan) => {
                let mut outcome = UpsertOutcome::default();
                let mut conn = store.lock();
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
                for batch in held.chunks(crate::store::IMPORT_BATCH) {
                    outcome += upsert(&tx, user, batch, &plan, &store.clock, Some(job))?;
                }
                let done = finish_job(&tx, user, job, finish, store.now())?;
                tx.commit().map_err(db_error)?;
                Ok((outcome, Some(done)))
            }
        }
    }
}

impl Store for SqliteStore {
    type Writes<'a> = SqliteWrites<'a>;

    async fn begin_import(&self, user: Uuid, atomic: bool, job: JobStart) -> Result<SqliteWrites<'_>> {
        user_exists(&self.lock(), user)?;
        let how = match (&self.path, atomic) {
            (_, false) => Writes::Batched,
            (Some(path), true) => Writes::Transaction { conn: connect(path)?, began: false },
            (None, true) => Writes::Held(Vec::new(), WritePlan::default()),
        };
        Ok(SqliteWrites { store: self, user, job, how })
    }

    async fn create_user(&self, uuid: Uuid, username: &str, password: &str) -> Result<User> {
        let created_at = self.now();
        let conn = self.lock();
        let inserted = conn.execute(
            r#"insert into "Users" (uuid, "userName", password, created_at) values (?1, ?2, ?3, ?4)"#,
            params![uuid, username, password, created_at.as_micros()],
        );
        match inserted {
            Ok(_) => Ok(User { uuid, username: username.to_owned(), created_at }),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(ErrorKind::UsernameTaken { username: username.to_owned() }.into())
            }
            Err(e) => Err(db_error(e)),
        }
    }

    async fn find_user(&self, username: &str) -> Result<Option<UserRecord>> {
        let conn = self.lock();
        conn.query_row(
            r#"select uuid, "userName", password, created_at from "Users" where lower("userName") = lower(?1)"#,
            [username],
            |r| {
                Ok(UserRecord {
                    user: User {
                        uuid: r.get(0)?,
                        username: r.get(1)?,
                        created_at: Timestamp::from_micros(r.get(3)?),
                    },
                    password: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(db_error)
        .map(|found| found.filter(|r| r.user.username.eq_ignore_ascii_case(username)))
    }

    async fn set_password(&self, user: Uuid, password: &str) -> Result<()> {
        let conn = self.lock();
        let n = conn
            .execute(r#"update "Users" set password = ?1 where uuid = ?2"#, params![password, user])
            .map_err(db_error)?;
        if n == 0 { Err(not_found("user", user)) } else { Ok(()) }
    }

    async fn account(&self, user: Uuid) -> Result<Option<crate::model::Account>> {
        let conn = self.lock();
        conn.query_row(
            r#"select uuid, "userName", password, created_at, tokens_valid_after from "Users" where uuid = ?1"#,
            [user],
            |r| {
                Ok(crate::model::Account {
                    record: UserRecord {
                        user: User {
                            uuid: r.get(0)?,
                            username: r.get(1)?,
                            created_at: Timestamp::from_micros(r.get(3)?),
                        },
                        password: r.get(2)?,
                    },
                    tokens_valid_after: Timestamp::from_micros(r.get(4)?),
                })
            },
        )
        .optional()
        .map_err(db_error)
    }

    async fn set_tokens_valid_after(&self, user: Uuid, at: Timestamp) -> Result<()> {
        let n = self
            .lock()
            .execute(
                r#"update "Users" set tokens_valid_after = ?2 where uuid = ?1"#,
                params![user, at.as_micros()],
            )
            .map_err(db_error)?;
        if n == 0 { Err(not_found("user", user)) } else { Ok(()) }
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(
                r#"select at from "LoginAttempts" where username_key = ?1 and at >= ?2 order by at"#,
            )
            .map_err(db_error)?;
        statement
            .query_map(params![key, since.as_micros()], |r| r.get(0).map(Timestamp::from_micros))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<Timestamp>>>)
            .map_err(db_error)
    }

    async fn record_login_failure(&self, key: &str, at: Timestamp) -> Result<()> {
        let horizon = at.as_micros() - crate::store::LOGIN_WINDOW_SECS * 1_000_000;
        self.in_transaction(|tx| {
            tx.execute(
                r#"delete from "LoginAttempts" where username_key = ?1 and at < ?2"#,
                params![key, horizon],
            )
            .and_then(|_| {
                tx.execute(
                    r#"insert into "LoginAttempts" (username_key, at) values (?1, ?2)"#,
                    params![key, at.as_micros()],
                )
            })
            .map(drop)
            .map_err(db_error)
        })
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        self.lock()
            .execute(r#"delete from "LoginAttempts" where username_key = ?1"#, [key])
            .map(drop)
            .map_err(db_error)
    }

    async fn write_leads(
        &self,
        user: Uuid,
        leads: &[Lead],
        plan: &WritePlan,
        job: Option<&JobStart>,
    ) -> Result<UpsertOutcome> {
        self.in_transaction(|tx| upsert(tx, user, leads, plan, &self.clock, job))
    }

    async fn remove_leads(&self, user: Uuid, lead_ids: &[&str], job: Option<&JobStart>) -> Result<u64> {
        self.in_transaction(|tx| remove(tx, user, lead_ids, job, self.now()))
    }

    async fn finish_job(&self, user: Uuid, job: &JobStart, finish: &JobFinish) -> Result<Job> {
        self.in_transaction(|tx| finish_job(tx, user, job, finish, self.now()))
    }

    async fn imports(&self, user: Uuid, limit: u32, cursor: Option<&str>) -> Result<JobPage> {
        let limit = crate::store::check_job_limit(limit)?;
        let cursor = cursor.map(JobCursor::decode).transpose()?;
        let (after, id) = cursor.map_or((None, None), |c| (Some(c.created_at.as_micros()), Some(c.id)));
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(&format!(
                r#"select {JOB_COLUMNS} from "Imports" where user_uuid = ?1
                     and (?2 is null or (created_at, id) < (?2, ?3))
                   order by created_at desc, id desc limit ?4"#
            ))
            .map_err(db_error)?;
        let jobs = statement
            .query_map(params![user, after, id, i64::from(limit) + 1], job_of)
            .and_then(Iterator::collect::<rusqlite::Result<Vec<Job>>>)
            .map_err(db_error)?;
        Ok(crate::store::job_page(jobs, limit))
    }

    async fn get_import(&self, user: Uuid, id: Uuid) -> Result<Job> {
        find_job(&self.lock(), user, id)
    }

    async fn revert_import(&self, user: Uuid, id: Uuid) -> Result<Reverted> {
        self.in_transaction(|tx| revert(tx, user, id, &self.clock))
    }

    async fn query(&self, user: Uuid, query: &LeadQuery) -> Result<Page> {
        query.check_offset("offset")?;
        let mut conn = self.lock();
        let walkable = query.effective_sort().first().is_some_and(|s| sort_index(s.key).is_some());
        let items = if walkable && has_indexed_filter(query) {
            // SQLite's planner takes a filter's index and sorts every match, even when walking
            // the sort's index would find a page of matches in a few hundred leads. Walk it
            // first, within a budget of work; past the budget (a rare match), the planner's way.
            let mut budget = WALK_BUDGET;
            conn.progress_handler(
                1000,
                Some(move || {
                    budget = budget.saturating_sub(1);
                    budget == 0
                }),
            )
            .map_err(db_error)?;
            let walked = fetch_page(&conn, query, user, true);
            conn.progress_handler(0, None::<fn() -> bool>).map_err(db_error)?;
            match walked? {
                Some(items) => items,
                None => fetch_page(&conn, query, user, false)?.unwrap_or_default(),
            }
        } else {
            fetch_page(&conn, query, user, false)?.unwrap_or_default()
        };
        let total = if query.total {
            let (where_sql, values) = filters(query, user, false, false)?;
            let n: i64 = conn
                .query_row(
                    &format!(r#"select count(*) from "Leads" where {where_sql}"#),
                    params_from_iter(values),
                    |r| r.get(0),
                )
                .map_err(db_error)?;
            Some(n.unsigned_abs())
        } else {
            None
        };
        Ok(Page::of_fetched(items, query, total))
    }

    async fn find_leads(&self, user: Uuid, lead_ids: &[&str]) -> Result<Vec<StoredLead>> {
        let conn = self.lock();
        let mut found = Vec::with_capacity(lead_ids.len());
        for id in lead_ids {
            found.extend(get_lead(&conn, user, id)?);
        }
        Ok(found)
    }

    async fn get_lead(&self, user: Uuid, lead_id: &str) -> Result<StoredLead> {
        get_lead(&self.lock(), user, lead_id)?.ok_or_else(|| not_found("lead", lead_id))
    }

    async fn update_lead(&self, user: Uuid, lead_id: &str, patch: &LeadPatch) -> Result<StoredLead> {
        let now = self.now();
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let stored = get_lead(&tx, user, lead_id)?.ok_or_else(|| not_found("lead", lead_id))?;
        let changed = patch.apply(&stored.lead, &ImportOptions::default())?;
        if changed != stored.lead {
            write_lead(&tx, user, &changed, now, None, None)?;
        }
        if let Some(name) = &changed.salesperson {
            add_salesperson_if_new(&tx, user, name, now)?;
        }
        let after = get_lead(&tx, user, lead_id)?.ok_or_else(|| not_found("lead", lead_id))?;
        tx.commit().map_err(db_error)?;
        Ok(after)
    }

    async fn delete_lead(&self, user: Uuid, lead_id: &str) -> Result<()> {
        let n = self
            .lock()
            .execute(r#"delete from "Leads" where user_uuid = ?1 and lead_id = ?2"#, params![user, lead_id])
            .map_err(db_error)?;
        if n == 0 { Err(not_found("lead", lead_id)) } else { Ok(()) }
    }

    async fn add_salesperson(&self, user: Uuid, name: &str) -> Result<Salesperson> {
        let name = salesperson_name(name)?;
        let now = self.now();
        let conn = self.lock();
        user_exists(&conn, user)?;
        let id = new_uuid();
        let inserted = conn.execute(
            r#"insert into "Salespeople" (id, user_uuid, name, name_key, active, created_at) values (?1, ?2, ?3, ?4, 1, ?5)"#,
            params![id, user, name, fold(&name), now.as_micros()],
        );
        match inserted {
            Ok(_) => salesperson_of(&conn, user, id),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(ErrorKind::SalespersonExists { name }.into())
            }
            Err(e) => Err(db_error(e)),
        }
    }

    async fn rename_salesperson(&self, user: Uuid, id: Uuid, name: &str) -> Result<Salesperson> {
        let name = salesperson_name(name)?;
        let now = self.now();
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let old: String = tx
            .query_row(
                r#"select name_key from "Salespeople" where user_uuid = ?1 and id = ?2"#,
                params![user, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| not_found("salesperson", id))?;
        let clash: Option<i64> = tx
            .query_row(
                r#"select 1 from "Salespeople" where user_uuid = ?1 and name_key = ?2 and id <> ?3"#,
                params![user, fold(&name), id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        if clash.is_some() {
            return Err(ErrorKind::SalespersonExists { name }.into());
        }
        tx.execute(
            r#"update "Salespeople" set name = ?1, name_key = ?2 where user_uuid = ?3 and id = ?4"#,
            params![name, fold(&name), user, id],
        )
        .map_err(db_error)?;
        tx.execute(
            r#"update "Leads" set salesperson = ?1, salesperson_key = ?5, updated_at = ?2, import_id = null
               where user_uuid = ?3 and salesperson_key = ?4 and salesperson <> ?1"#,
            params![name, now.as_micros(), user, old, fold(&name)],
        )
        .map_err(db_error)?;
        let described = salesperson_of(&tx, user, id)?;
        tx.commit().map_err(db_error)?;
        Ok(described)
    }

    async fn deactivate_salesperson(&self, user: Uuid, id: Uuid) -> Result<Salesperson> {
        let conn = self.lock();
        let n = conn
            .execute(
                r#"update "Salespeople" set active = 0 where user_uuid = ?1 and id = ?2"#,
                params![user, id],
            )
            .map_err(db_error)?;
        if n == 0 {
            return Err(not_found("salesperson", id));
        }
        salesperson_of(&conn, user, id)
    }

    async fn salespeople(&self, user: Uuid) -> Result<Vec<Salesperson>> {
        let conn = self.lock();
        let mut statement =
            conn.prepare(r#"select id from "Salespeople" where user_uuid = ?1"#).map_err(db_error)?;
        let ids: Vec<Uuid> = statement
            .query_map([user], |r| r.get(0))
            .map_err(db_error)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db_error)?;
        let mut out = ids.iter().map(|id| salesperson_of(&conn, user, *id)).collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    async fn salesperson_names(&self, workspace: Uuid) -> Result<Vec<crate::store::SalespersonName>> {
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(r#"select id, name, team_id from "Salespeople" where user_uuid = ?1"#)
            .map_err(db_error)?;
        statement
            .query_map([workspace], |r| {
                Ok(crate::store::SalespersonName { id: r.get(0)?, name: r.get(1)?, team_id: r.get(2)? })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(db_error)
    }

    async fn set_salesperson_team(
        &self,
        workspace: Uuid,
        salesperson: Uuid,
        team: Option<Uuid>,
    ) -> Result<Salesperson> {
        self.in_transaction(|tx| {
            if let Some(team) = team {
                let known = tx
                    .prepare_cached(r#"select 1 from "Teams" where user_uuid = ?1 and id = ?2"#)
                    .and_then(|mut statement| statement.exists(params![workspace, team]))
                    .map_err(db_error)?;
                if !known {
                    return Err(not_found("team", team));
                }
            }
            let n = tx
                .execute(
                    r#"update "Salespeople" set team_id = ?3 where user_uuid = ?1 and id = ?2"#,
                    params![workspace, salesperson, team],
                )
                .map_err(db_error)?;
            if n == 0 {
                return Err(not_found("salesperson", salesperson));
            }
            salesperson_of(tx, workspace, salesperson)
        })
    }

    async fn add_team(&self, workspace: Uuid, name: &str) -> Result<Team> {
        let name = team_name(name)?;
        let team = Team { id: new_uuid(), name };
        let conn = self.lock();
        user_exists(&conn, workspace)?;
        let inserted = conn.execute(
            r#"insert into "Teams" (id, user_uuid, name, name_key, created_at) values (?1, ?2, ?3, ?4, ?5)"#,
            params![team.id, workspace, team.name, fold(&team.name), self.now().as_micros()],
        );
        match inserted {
            Ok(_) => Ok(team),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(ErrorKind::AlreadyExists { what: "team", name: team.name }.into())
            }
            Err(e) => Err(db_error(e)),
        }
    }

    async fn teams(&self, workspace: Uuid) -> Result<Vec<Team>> {
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(r#"select id, name from "Teams" where user_uuid = ?1 order by name_key, id"#)
            .map_err(db_error)?;
        statement
            .query_map([workspace], |r| Ok(Team { id: r.get(0)?, name: r.get(1)? }))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<Team>>>)
            .map_err(db_error)
    }

    async fn put_member(&self, workspace: Uuid, member: &Member, new: bool) -> Result<Member> {
        let teams = json(&member.team_ids)?;
        let conn = self.lock();
        let written = if new {
            conn.execute(
                r#"insert into "Members" (workspace, user_uuid, role, salesperson_id, team_ids, created_at)
                   values (?1, ?2, ?3, ?4, ?5, ?6)"#,
                params![
                    workspace,
                    member.user_uuid,
                    member.role.as_str(),
                    member.salesperson_id,
                    teams,
                    self.now().as_micros()
                ],
            )
        } else {
            conn.execute(
                r#"update "Members" set role = ?3, salesperson_id = ?4, team_ids = ?5
                   where workspace = ?1 and user_uuid = ?2"#,
                params![workspace, member.user_uuid, member.role.as_str(), member.salesperson_id, teams],
            )
        };
        match written {
            Ok(0) => Err(not_found("member", member.user_uuid)),
            Ok(_) => Ok(member.clone()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(ErrorKind::AlreadyExists { what: "member", name: member.username.clone() }.into())
            }
            Err(e) => Err(db_error(e)),
        }
    }

    async fn remove_member(&self, workspace: Uuid, user: Uuid) -> Result<()> {
        let n = self
            .lock()
            .execute(
                r#"delete from "Members" where workspace = ?1 and user_uuid = ?2"#,
                params![workspace, user],
            )
            .map_err(db_error)?;
        if n == 0 { Err(not_found("member", user)) } else { Ok(()) }
    }

    async fn memberships(&self, user: Uuid) -> Result<Vec<Workspace>> {
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(
                r#"select m.workspace, u."userName", m.role
                   from "Members" m join "Users" u on u.uuid = m.workspace
                   where m.user_uuid = ?1 order by lower(u."userName")"#,
            )
            .map_err(db_error)?;
        let rows = statement
            .query_map([user], |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(uuid, username, role)| {
                Ok(Workspace { uuid, username, role: crate::auth::Role::parse(&role)? })
            })
            .collect()
    }

    async fn members(&self, workspace: Uuid) -> Result<Vec<Member>> {
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(
                r#"select m.user_uuid, u."userName", m.role, m.salesperson_id, m.team_ids
                   from "Members" m join "Users" u on u.uuid = m.user_uuid
                   where m.workspace = ?1 order by lower(u."userName")"#,
            )
            .map_err(db_error)?;
        let rows = statement
            .query_map([workspace], |r| {
                Ok((
                    r.get::<_, Uuid>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .and_then(
                Iterator::collect::<rusqlite::Result<Vec<(Uuid, String, String, Option<Uuid>, String)>>>,
            )
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(user_uuid, username, role, salesperson_id, teams)| {
                Ok(Member {
                    user_uuid,
                    username,
                    role: crate::auth::Role::parse(&role)?,
                    salesperson_id,
                    team_ids: serde_json::from_str(&teams)
                        .map_err(|e| Error::from(ErrorKind::Database { message: e.to_string() }))?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
    }

    /// A file of an older schema is brought up to date on open, its data kept; a migration that
    /// fails leaves it at the version before, data intact; a newer file is refused.
    #[test]
    fn older_files_upgrade_and_failed_migrations_change_nothing() {
        let dir = std::env::temp_dir().join(format!("leads-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        // Written at version 1 (the first release's schema), with a user and a lead.
        let user = Uuid::from_u128(7);
        let conn = connect(&path).unwrap();
        migrate_with(&conn, &MIGRATIONS[..1]).unwrap();
        conn.execute_batch(&format!(
            r#"insert into "Users" values (x'{u}', 'old', 'hash', 0);
               insert into "Leads" (id, user_uuid, created_at, updated_at, lead_id, lead_name, contact_information,
                 source, interest_level, status, salesperson, interest_rank, source_key, status_key, salesperson_key)
               values (x'{l}', x'{u}', 1, 1, 'L-1', 'Ada', 'ada@example.com', 'Web', 'High', 'Open', 'Grace', 3,
                 'web', 'open', 'grace');"#,
            u = user.simple(),
            l = Uuid::from_u128(8).simple()
        ))
        .unwrap();
        drop(conn);
        let lead = Lead {
            lead_id: "L-1".into(),
            lead_name: "Ada".into(),
            contact_information: "ada@example.com".into(),
            source: "Web".into(),
            interest_level: InterestLevel::High,
            status: "Open".into(),
            salesperson: Some("Grace".into()),
        };
        // Today's library upgrades it on open, keeping the data, and the new tables work.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(pollster::block_on(store.get_lead(user, "L-1")).unwrap().lead, lead);
        let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ada,ada@example.com,Web,High,Won\n";
        let done = pollster::block_on(store.import_csv(
            user,
            csv.as_bytes(),
            &ImportOptions::default(),
            crate::store::ImportMode::Strict,
        ))
        .unwrap();
        let job = done.job.unwrap();
        assert_eq!(pollster::block_on(store.revert_import(user, job.id)).unwrap().restored, 1);
        assert_eq!(pollster::block_on(store.get_lead(user, "L-1")).unwrap().lead, lead);
        drop(store);

        let now = MIGRATIONS.len() as i64;
        let later: Vec<&str> = MIGRATIONS
            .iter()
            .copied()
            .chain([r#"alter table "Leads" add column note text not null default ''"#])
            .collect();
        let broken: Vec<&str> = MIGRATIONS
            .iter()
            .copied()
            .chain([r#"alter table "Leads" add column note2 text; select * from no_such_table"#])
            .collect();
        let conn = connect(&path).unwrap();
        assert_eq!(version(&conn), now);
        let err = migrate_with(&conn, &broken).unwrap_err();
        assert!(err.to_string().contains("no_such_table"), "{err}");
        assert_eq!(version(&conn), now, "a failed migration leaves the version");
        let columns: Vec<String> = conn
            .prepare(r#"select name from pragma_table_info('Leads')"#)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(!columns.contains(&"note2".to_owned()), "and none of its changes");

        migrate_with(&conn, &later).unwrap();
        assert_eq!(version(&conn), now + 1);
        let note: String = conn.query_row(r#"select note from "Leads""#, [], |r| r.get(0)).unwrap();
        assert_eq!(note, "");
        assert_eq!(
            get_lead(&conn, user, "L-1").unwrap().unwrap().lead,
            lead,
            "the data survives the upgrade"
        );
        migrate_with(&conn, &later).unwrap();
        assert_eq!(version(&conn), now + 1, "applied once");
        drop(conn);

        // Today's library, one migration behind that file, refuses it.
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(err.to_string().contains("newer"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
