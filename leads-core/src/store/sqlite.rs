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

use std::path::Path;
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
use crate::store::{Page, Salesperson, Store, dedupe_last};

/// The schema, one migration per entry; `PRAGMA user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the seed's tables with the additions of supabase/migrations (unique Lead IDs per user,
    // updated_at, case-insensitive names, salespeople, an interest rank for sorting).
    r#"
    create table "Users" (
      uuid text primary key,
      "userName" text not null,
      password text not null,
      created_at integer not null
    );
    create unique index users_username_ci on "Users" (lower("userName"));
    create table "Leads" (
      id text primary key,
      user_uuid text not null references "Users" (uuid),
      created_at integer not null,
      updated_at integer not null,
      lead_id text not null,
      lead_name text not null,
      contact_information text not null,
      source text not null,
      interest_level text not null,
      interest_rank integer not null,
      status text not null,
      salesperson text,
      unique (user_uuid, lead_id)
    );
    create index leads_user_created on "Leads" (user_uuid, created_at, id);
    create index leads_user_lead_name on "Leads" (user_uuid, lead_name, id);
    create index leads_user_source on "Leads" (user_uuid, source, id);
    create index leads_user_status on "Leads" (user_uuid, status, id);
    create index leads_user_interest on "Leads" (user_uuid, interest_rank, id);
    create index leads_user_salesperson on "Leads" (user_uuid, salesperson, id);
    create table "Salespeople" (
      id text primary key,
      user_uuid text not null references "Users" (uuid) on delete cascade,
      name text not null,
      name_key text not null,
      active integer not null default 1,
      created_at integer not null,
      unique (user_uuid, name_key)
    );
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
        let conn = Connection::open(path).map_err(db_error)?;
        Self::on(conn, true)
    }

    /// A store in memory, gone when dropped (tests, previews).
    ///
    /// # Errors
    /// [`ErrorKind::Database`] if SQLite cannot start.
    pub fn in_memory() -> Result<Self> {
        Self::on(Connection::open_in_memory().map_err(db_error)?, false)
    }

    fn on(conn: Connection, file: bool) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db_error)?;
        if file {
            conn.pragma_update(None, "journal_mode", "wal").map_err(db_error)?;
            conn.pragma_update(None, "synchronous", "normal").map_err(db_error)?;
        }
        conn.pragma_update(None, "foreign_keys", "on").map_err(db_error)?;
        conn.create_scalar_function(
            "leads_fold",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|t| fold(&t))),
        )
        .map_err(db_error)?;
        migrate(&conn)?;
        Ok(SqliteStore { conn: Mutex::new(conn), clock: crate::model::system_clock() })
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
}

/// Applies the migrations the database has not had; refuses a database of a newer version.
fn migrate(conn: &Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_error)?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(ErrorKind::Database {
            message: format!(
                "the database is at schema version {version}, newer than this library knows ({}): upgrade leads",
                MIGRATIONS.len()
            ),
        }
        .into());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction().map_err(db_error)?;
        tx.execute_batch(sql).map_err(db_error)?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX)).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
    }
    Ok(())
}

fn uuid_of(text: &str) -> rusqlite::Result<Uuid> {
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

const LEAD_COLUMNS: &str = "id, user_uuid, created_at, updated_at, lead_id, lead_name, contact_information, source, interest_level, status, salesperson";

fn lead_of(row: &Row<'_>) -> rusqlite::Result<StoredLead> {
    let level: String = row.get(8)?;
    Ok(StoredLead {
        id: uuid_of(&row.get::<_, String>(0)?)?,
        user_uuid: uuid_of(&row.get::<_, String>(1)?)?,
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
    let found: Option<i64> = conn
        .query_row(r#"select 1 from "Users" where uuid = ?1"#, [user.to_string()], |r| r.get(0))
        .optional()
        .map_err(db_error)?;
    found.map(drop).ok_or_else(|| not_found("user", user))
}

fn get_lead(conn: &Connection, user: Uuid, lead_id: &str) -> Result<Option<StoredLead>> {
    conn.query_row(
        &format!(r#"select {LEAD_COLUMNS} from "Leads" where user_uuid = ?1 and lead_id = ?2"#),
        params![user.to_string(), lead_id],
        lead_of,
    )
    .optional()
    .map_err(db_error)
}

/// Writes `lead`'s fields for `user`: a new row with id `new` (created now), or the row of its
/// Lead ID updated.
fn write_lead(conn: &Connection, user: Uuid, lead: &Lead, now: Timestamp, new: Option<Uuid>) -> Result<()> {
    let sql = match new {
        None => {
            r#"update "Leads" set lead_name = ?1, contact_information = ?2, source = ?3, interest_level = ?4,
                 interest_rank = ?5, status = ?6, salesperson = ?7, updated_at = ?8
               where user_uuid = ?9 and lead_id = ?10 and ?11 is null"#
        }
        Some(_) => {
            r#"insert into "Leads" (lead_name, contact_information, source, interest_level, interest_rank,
                 status, salesperson, updated_at, user_uuid, lead_id, id, created_at)
               values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?8)"#
        }
    };
    conn.execute(
        sql,
        params![
            lead.lead_name,
            lead.contact_information,
            lead.source,
            lead.interest_level.as_str(),
            i64::from(lead.interest_level.rank()),
            lead.status,
            lead.salesperson,
            now.as_micros(),
            user.to_string(),
            lead.lead_id,
            new.map(|id| id.to_string()),
        ],
    )
    .map(drop)
    .map_err(db_error)
}

fn add_salesperson_if_new(conn: &Connection, user: Uuid, name: &str, now: Timestamp) -> Result<()> {
    conn.execute(
        r#"insert into "Salespeople" (id, user_uuid, name, name_key, active, created_at)
           values (?1, ?2, ?3, ?4, 1, ?5) on conflict (user_uuid, name_key) do nothing"#,
        params![new_uuid().to_string(), user.to_string(), name, fold(name), now.as_micros()],
    )
    .map(drop)
    .map_err(db_error)
}

fn salesperson_of(conn: &Connection, user: Uuid, id: Uuid) -> Result<Salesperson> {
    conn.query_row(
        r#"select s.id, s.name, s.active,
             (select count(*) from "Leads" l where l.user_uuid = s.user_uuid and leads_fold(l.salesperson) = s.name_key)
           from "Salespeople" s where s.user_uuid = ?1 and s.id = ?2"#,
        params![user.to_string(), id.to_string()],
        |r| {
            Ok(Salesperson {
                id: uuid_of(&r.get::<_, String>(0)?)?,
                name: r.get(1)?,
                active: r.get(2)?,
                lead_count: r.get::<_, i64>(3)?.unsigned_abs(),
            })
        },
    )
    .optional()
    .map_err(db_error)?
    .ok_or_else(|| not_found("salesperson", id))
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
fn filters(query: &LeadQuery, user: Uuid, with_cursor: bool) -> Result<(String, Vec<Value>)> {
    let mut sql = String::from("user_uuid = ?");
    let mut values = vec![Value::Text(user.to_string())];
    let set = |sql: &mut String, values: &mut Vec<Value>, col: &str, wanted: &[String], or_null: bool| {
        if wanted.is_empty() && !or_null {
            return;
        }
        let mut alts: Vec<String> = Vec::new();
        if !wanted.is_empty() {
            alts.push(format!("leads_fold({col}) in ({})", vec!["?"; wanted.len()].join(", ")));
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
            " and interest_rank in ({})",
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
        sql.push_str(" and created_at >= ?");
        values.push(Value::Integer(t.as_micros()));
    }
    if let Some(t) = query.created_before {
        sql.push_str(" and created_at < ?");
        values.push(Value::Integer(t.as_micros()));
    }
    if with_cursor && let Some(cursor) = Cursor::decode(query)? {
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
                let mut parts: Vec<String> = Vec::new();
                for (c, ev) in &equal {
                    match ev {
                        Some(ev) => {
                            parts.push(format!("{c} = ?"));
                            alt_values.push(ev.clone());
                        }
                        None => parts.push(format!("{c} is null")),
                    }
                }
                parts.push(b);
                alt_values.extend(v.clone());
                alternatives.push(format!("({})", parts.join(" and ")));
            }
            equal.push((col.to_owned(), v));
        }
        let mut parts: Vec<String> = Vec::new();
        for (c, ev) in &equal {
            match ev {
                Some(ev) => {
                    parts.push(format!("{c} = ?"));
                    alt_values.push(ev.clone());
                }
                None => parts.push(format!("{c} is null")),
            }
        }
        parts.push("id > ?".into());
        alt_values.push(Value::Text(cursor.id().to_string()));
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

impl Store for SqliteStore {
    async fn create_user(&self, uuid: Uuid, username: &str, password: &str) -> Result<User> {
        let created_at = self.now();
        let conn = self.lock();
        let inserted = conn.execute(
            r#"insert into "Users" (uuid, "userName", password, created_at) values (?1, ?2, ?3, ?4)"#,
            params![uuid.to_string(), username, password, created_at.as_micros()],
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
                        uuid: uuid_of(&r.get::<_, String>(0)?)?,
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
            .execute(
                r#"update "Users" set password = ?1 where uuid = ?2"#,
                params![password, user.to_string()],
            )
            .map_err(db_error)?;
        if n == 0 { Err(not_found("user", user)) } else { Ok(()) }
    }

    async fn upsert_leads(&self, user: Uuid, leads: &[Lead]) -> Result<UpsertOutcome> {
        let now = self.now();
        let mut conn = self.lock();
        user_exists(&conn, user)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let mut outcome = UpsertOutcome::default();
        for lead in dedupe_last(leads) {
            if let Some(name) = &lead.salesperson {
                add_salesperson_if_new(&tx, user, name, now)?;
            }
            match get_lead(&tx, user, &lead.lead_id)? {
                Some(stored) if stored.lead == *lead => outcome.unchanged += 1,
                Some(_) => {
                    write_lead(&tx, user, lead, now, None)?;
                    outcome.updated += 1;
                }
                None => {
                    write_lead(&tx, user, lead, now, Some(new_uuid()))?;
                    outcome.inserted += 1;
                }
            }
        }
        tx.commit().map_err(db_error)?;
        Ok(outcome)
    }

    async fn query(&self, user: Uuid, query: &LeadQuery) -> Result<Page> {
        query.check_offset("offset")?;
        let limit = query.effective_limit();
        let conn = self.lock();
        let (where_sql, mut values) = filters(query, user, true)?;
        let sql = format!(
            r#"select {LEAD_COLUMNS} from "Leads" where {where_sql} order by {} limit ? offset ?"#,
            order_by(query)
        );
        values.push(Value::Integer(i64::from(limit) + 1));
        values.push(Value::Integer(i64::try_from(query.offset).unwrap_or(i64::MAX)));
        let mut statement = conn.prepare(&sql).map_err(db_error)?;
        let mut items: Vec<StoredLead> = statement
            .query_map(params_from_iter(values), lead_of)
            .map_err(db_error)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db_error)?;
        let total = if query.total {
            let (where_sql, values) = filters(query, user, false)?;
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
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_cursor =
            if more { items.last().map(|last| Cursor::after(last, query).encode()) } else { None };
        Ok(Page { items, total, limit, offset: query.offset, next_cursor })
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
            write_lead(&tx, user, &changed, now, None)?;
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
            .execute(
                r#"delete from "Leads" where user_uuid = ?1 and lead_id = ?2"#,
                params![user.to_string(), lead_id],
            )
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
            params![id.to_string(), user.to_string(), name, fold(&name), now.as_micros()],
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
                params![user.to_string(), id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| not_found("salesperson", id))?;
        let clash: Option<i64> = tx
            .query_row(
                r#"select 1 from "Salespeople" where user_uuid = ?1 and name_key = ?2 and id <> ?3"#,
                params![user.to_string(), fold(&name), id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        if clash.is_some() {
            return Err(ErrorKind::SalespersonExists { name }.into());
        }
        tx.execute(
            r#"update "Salespeople" set name = ?1, name_key = ?2 where user_uuid = ?3 and id = ?4"#,
            params![name, fold(&name), user.to_string(), id.to_string()],
        )
        .map_err(db_error)?;
        tx.execute(
            r#"update "Leads" set salesperson = ?1, updated_at = ?2
               where user_uuid = ?3 and leads_fold(salesperson) = ?4 and salesperson <> ?1"#,
            params![name, now.as_micros(), user.to_string(), old],
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
                params![user.to_string(), id.to_string()],
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
        let ids: Vec<String> = statement
            .query_map([user.to_string()], |r| r.get(0))
            .map_err(db_error)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db_error)?;
        let mut out = ids
            .iter()
            .map(|id| salesperson_of(&conn, user, uuid_of(id).map_err(db_error)?))
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}
