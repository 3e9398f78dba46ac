//! Stores for Python: `MemoryStore` and `SupabaseStore`, both `Store`, with blocking methods
//! (each call runs the core's async method to completion with the GIL released), and `Page`
//! and `ImportResult`.

use std::ops::ControlFlow;
use std::sync::Mutex;
use std::time::Duration;

use leads_core::{
    Acting, ImportMode, LeadPatch, MemoryStore as CoreMemory, PasswordParams, Store as _, SupabaseOptions,
    SupabaseStore as CoreSupabase, Timestamp, TokenSigner, Uuid,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{Reader, Sink, Source, failure_or};
use crate::error::{invalid_option, to_py, whole};
use crate::import::{import_options, report_progress};
use crate::model::lead::Lead;
use crate::model::report::Report;
use crate::query::LeadQuery;
use crate::to_dict;

enum Backend {
    Memory(CoreMemory),
    Sqlite(leads_core::SqliteStore),
    Supabase(CoreSupabase, tokio::runtime::Runtime),
}

/// Users, leads and salespeople. Create one with ``MemoryStore()`` or ``SupabaseStore(url,
/// key)``: both have these methods and give the same answers. ``user`` arguments are user UUIDs
/// as strings.
#[pyclass(module = "leads._leads", subclass, frozen)]
pub(crate) struct Store {
    backend: Backend,
    params: PasswordParams,
}

/// The workspace `user` and who acts in it: `actor`, or the workspace's own user (its owner).
fn acting(user: &str, actor: Option<&str>) -> PyResult<(Uuid, Uuid)> {
    let workspace = uuid("user", user)?;
    Ok((workspace, actor.map(|a| uuid("actor", a)).transpose()?.unwrap_or(workspace)))
}

fn uuid(name: &str, text: &str) -> PyResult<Uuid> {
    text.parse().map_err(|_| invalid_option(name, format!("{text:?} is not a UUID")))
}

/// Runs `$body` (a future using the store `$s`) to completion without the GIL.
macro_rules! with_store {
    ($self:ident, $py:ident, |$s:ident| $body:expr) => {{
        match &$self.backend {
            Backend::Memory($s) => $py.detach(|| pollster::block_on($body)),
            Backend::Sqlite($s) => $py.detach(|| pollster::block_on($body)),
            Backend::Supabase($s, runtime) => $py.detach(|| runtime.block_on($body)),
        }
    }};
}

/// One page of leads: ``items``, ``total`` (when the query asked, ``total=true``), ``limit``,
/// ``offset`` and ``next_cursor`` (``None`` on the last page).
#[pyclass(module = "leads._leads", frozen)]
pub(crate) struct Page(leads_core::Page);

#[pymethods]
impl Page {
    /// The leads of the page, in order.
    #[getter]
    fn items(&self) -> Vec<Lead> {
        self.0.items.iter().cloned().map(Lead::from).collect()
    }

    /// How many leads match the filters, when the query asked (``total=true``).
    #[getter]
    fn total(&self) -> Option<u64> {
        self.0.total
    }

    /// The page size used.
    #[getter]
    fn limit(&self) -> u32 {
        self.0.limit
    }

    /// The offset used (0 when the page continues a cursor).
    #[getter]
    fn offset(&self) -> u64 {
        self.0.offset
    }

    /// Pass to ``LeadQuery.with_cursor`` (or as ``cursor=``) for the next page.
    #[getter]
    fn next_cursor(&self) -> Option<String> {
        self.0.next_cursor.clone()
    }

    /// The page as the REST JSON: ``{"items": [...], "total", "limit", "offset", "next_cursor"}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }

    fn __len__(&self) -> usize {
        self.0.items.len()
    }

    fn __repr__(&self) -> String {
        format!("<Page of {} leads, offset {}>", self.0.items.len(), self.0.offset)
    }
}

/// What an import did: the ``report`` and the counts of stored leads.
#[pyclass(module = "leads._leads", frozen)]
pub(crate) struct ImportResult {
    inner: leads_core::Imported,
    report: Py<Report>,
}

#[pymethods]
impl ImportResult {
    /// The validation report (its ``leads`` are empty: they were stored).
    #[getter]
    fn report(&self, py: Python<'_>) -> Py<Report> {
        self.report.clone_ref(py)
    }

    /// New leads.
    #[getter]
    fn inserted(&self) -> u64 {
        self.inner.imported.inserted
    }

    /// Existing leads whose fields changed.
    #[getter]
    fn updated(&self) -> u64 {
        self.inner.imported.updated
    }

    /// Existing leads already exactly so.
    #[getter]
    fn unchanged(&self) -> u64 {
        self.inner.imported.unchanged
    }

    /// Leads left out by ``on_existing`` / ``on_new`` = ``"skip"``.
    #[getter]
    fn skipped(&self) -> u64 {
        self.inner.imported.skipped
    }

    /// On a dry run, the first 100 would-be updates:
    /// ``[{"lead_id", "fields": {"<field>": {"before", "after"}}}]``; ``None`` when it wrote.
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.changes.as_ref().map(|c| to_dict(py, c)).transpose()
    }

    /// The import's record in the history (``{"id", "kind", "state", "created_at", "actor",
    /// "file_name", "bytes", "sha256", "spec", "counts", "issues", "reverted_at"}``); ``None`` on
    /// a dry run. ``Store.revert_import(user, job["id"])`` undoes it.
    #[getter]
    fn job<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.job.as_ref().map(|j| to_dict(py, j)).transpose()
    }

    /// ``{"report": {...}, "imported": {"inserted", "updated", "unchanged", "skipped"}, "job"}``
    /// (the REST JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let i = &self.inner.imported;
        format!(
            "<ImportResult inserted={} updated={} unchanged={} skipped={}>",
            i.inserted, i.updated, i.unchanged, i.skipped
        )
    }
}

/// A `LeadQuery`, its query-string form, or `None` (every lead).
fn lead_query(query: Option<&Bound<'_, PyAny>>) -> PyResult<leads_core::LeadQuery> {
    Ok(match query {
        None => leads_core::LeadQuery::default(),
        Some(q) => match q.cast::<LeadQuery>() {
            Ok(q) => q.get().0.clone(),
            Err(_) => leads_core::LeadQuery::parse(&q.extract::<String>()?).map_err(to_py)?,
        },
    })
}

#[pymethods]
impl Store {
    /// Registers a user: ``{"uuid", "username", "created_at"}``. ``InvalidInputError`` for a bad
    /// username or password, ``ConflictError`` when the name is taken in any letter case.
    fn register<'py>(&self, py: Python<'py>, username: &str, password: &str) -> PyResult<Bound<'py, PyAny>> {
        let params = self.params;
        let user =
            with_store!(self, py, |s| leads_core::register(s, username, password, params)).map_err(to_py)?;
        to_dict(py, &user)
    }

    /// A user by username (case-insensitive): ``{"uuid", "username", "created_at"}`` or ``None``.
    fn find_user<'py>(&self, py: Python<'py>, username: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let record = with_store!(self, py, |s| s.find_user(username)).map_err(to_py)?;
        record.map(|r| to_dict(py, &r.user)).transpose()
    }

    /// Logs in: ``{"uuid", "username", "token"}``, the token an HS256 JWT signed with
    /// ``jwt_secret``. ``AuthError`` for an unknown user and a wrong password alike;
    /// ``TooManyAttemptsError`` (``retry_after`` seconds) after 5 failures in 15 minutes.
    fn login<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        password: &str,
        jwt_secret: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let signer = TokenSigner::new(jwt_secret).map_err(to_py)?;
        let params = self.params;
        let session = with_store!(self, py, |s| leads_core::login(
            s,
            &signer,
            username,
            password,
            params,
            Timestamp::now()
        ))
        .map_err(to_py)?;
        to_dict(py, &session)
    }

    /// The claims of a token signed with ``jwt_secret`` (``{"sub", "role", "aud", "iat",
    /// "exp"}``) if it is valid now and not revoked; ``InvalidInputError`` (code
    /// ``invalid_token``) otherwise.
    fn verify_token<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        jwt_secret: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let signer = TokenSigner::new(jwt_secret).map_err(to_py)?;
        let claims = with_store!(self, py, |s| leads_core::authenticate(s, &signer, token, Timestamp::now()))
            .map_err(to_py)?;
        to_dict(py, &claims)
    }

    /// Changes ``user``'s password (``current`` required: ``AuthError`` otherwise) and revokes
    /// every token issued before.
    fn change_password(&self, py: Python<'_>, user: &str, current: &str, new: &str) -> PyResult<()> {
        let user = uuid("user", user)?;
        let params = self.params;
        with_store!(self, py, |s| leads_core::change_password(
            s,
            user,
            current,
            new,
            params,
            Timestamp::now()
        ))
        .map_err(to_py)
    }

    /// Revokes every token of ``user`` issued until now ("log out everywhere").
    fn logout_everywhere(&self, py: Python<'_>, user: &str) -> PyResult<()> {
        let user = uuid("user", user)?;
        with_store!(self, py, |s| leads_core::logout_everywhere(s, user, Timestamp::now())).map_err(to_py)
    }

    /// Validates a CSV and stores its valid leads for ``user``. ``source`` as ``validate_csv``
    /// (streamed); ``mode`` is ``"strict"`` (any error: nothing stored, ``ImportRejectedError``
    /// carrying the report) or ``"skip_invalid"``. ``progress(p: Progress)`` is called after every
    /// chunk read and every stored batch. With ``dry_run=True`` it compares with the stored leads
    /// and writes nothing: the would-be counts, and ``changes``. Options are keyword arguments
    /// (the write policies ``on_existing``, ``on_new``, ``blanks`` too). ``actor`` (a user uuid)
    /// acts as that member of ``user``'s workspace, per their role; without it, as its owner.
    #[pyo3(signature = (user, source, *, mode="strict", progress=None, dry_run=false, actor=None, **options))]
    #[allow(clippy::too_many_arguments)]
    fn import_csv(
        &self,
        py: Python<'_>,
        user: &str,
        source: &Bound<'_, PyAny>,
        mode: &str,
        progress: Option<Py<PyAny>>,
        dry_run: bool,
        actor: Option<&str>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ImportResult> {
        let (user, actor) = acting(user, actor)?;
        let mut options = import_options(options)?;
        let mode: ImportMode = mode.parse().map_err(to_py)?;
        let source = Source::extract(source)?;
        if let (None, Source::Path(path)) = (&options.file_name, &source) {
            // The history names a file by its name, not where it was read from.
            options.file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        }
        let input = source.open().map_err(to_py)?;
        let total = input.len();
        let failure = Mutex::new(None);
        // A callback that raises stops the import at once (ControlFlow::Break).
        let mut on_progress = |p: &leads_core::ImportProgress| {
            let Some(callback) = &progress else { return ControlFlow::Continue(()) };
            match (report_progress(callback, *p, total), failure.lock()) {
                (Ok(()), _) => ControlFlow::Continue(()),
                (Err(e), Ok(mut f)) => {
                    f.get_or_insert(e);
                    ControlFlow::Break(())
                }
                (Err(_), Err(_)) => ControlFlow::Break(()),
            }
        };
        let done = with_store!(self, py, |s| {
            let reader = Reader { input, failure: &failure };
            async {
                let a = Acting::new(s, actor, user);
                if dry_run {
                    a.dry_run_csv_with_progress(reader, &options, mode, &mut on_progress).await
                } else {
                    a.import_csv_with_progress(reader, &options, mode, &mut on_progress).await
                }
            }
        });
        // The Python exception that stopped the import reaches the caller as itself, its
        // `__cause__` the LeadsError saying what had been stored by then.
        let inner = done.map_err(|e| {
            let stopped = to_py(e);
            match failure.lock().ok().and_then(|mut f| f.take()) {
                Some(raised) => {
                    let cause = raised.cause(py);
                    stopped.set_cause(py, cause);
                    raised.set_cause(py, Some(stopped));
                    raised
                }
                None => stopped,
            }
        })?;
        let report = Py::new(py, Report::bare(py, inner.report.clone())?)?;
        Ok(ImportResult { inner, report })
    }

    /// Inserts or updates leads (from ``validate_csv`` or a ``Validator``) by Lead ID:
    /// ``{"inserted", "updated", "unchanged", "skipped"}``.
    fn upsert_leads<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        leads: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let user = uuid("user", user)?;
        let leads: Vec<leads_core::Lead> =
            leads.try_iter()?.map(|l| Ok(l?.cast::<Lead>()?.get().lead())).collect::<PyResult<_>>()?;
        let outcome = with_store!(self, py, |s| s.upsert_leads(user, &leads)).map_err(to_py)?;
        to_dict(py, &outcome)
    }

    /// One page of the user's leads for a query (a ``LeadQuery`` or its query string).
    #[pyo3(signature = (user, query=None, *, actor=None))]
    fn query(
        &self,
        py: Python<'_>,
        user: &str,
        query: Option<&Bound<'_, PyAny>>,
        actor: Option<&str>,
    ) -> PyResult<Page> {
        let (user, actor) = acting(user, actor)?;
        let query = lead_query(query)?;
        with_store!(self, py, |s| async { Acting::new(s, actor, user).query(&query).await })
            .map(Page)
            .map_err(to_py)
    }

    /// Writes every lead matching ``query`` (its filters and order; limit and page are not
    /// used) as CSV in the import format (the seven seed headers, UTF-8 with BOM, formula-safe)
    /// to ``dest``: a path, created or truncated, or a binary file object. Streams in pages of
    /// 1000; returns how many leads it wrote.
    #[pyo3(signature = (user, dest, query=None, *, actor=None))]
    fn export_csv(
        &self,
        py: Python<'_>,
        user: &str,
        dest: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyAny>>,
        actor: Option<&str>,
    ) -> PyResult<u64> {
        let (user, actor) = acting(user, actor)?;
        let query = lead_query(query)?;
        let failure = Mutex::new(None);
        let mut sink = Sink::open(dest, &failure)?;
        with_store!(self, py, |s| async { Acting::new(s, actor, user).export_csv(&query, &mut sink).await })
            .map_err(|e| failure_or(&failure, e))
    }

    /// The user's imports and bulk edits, newest first: ``{"items": [job, ...], "next_cursor"}``
    /// (pass ``next_cursor`` back as ``cursor`` for the next page); ``limit`` defaults to 50.
    #[pyo3(signature = (user, limit=None, cursor=None, *, actor=None))]
    fn imports<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        let limit = limit.unwrap_or(leads_core::DEFAULT_JOB_LIMIT);
        let page =
            with_store!(self, py, |s| async { Acting::new(s, actor, user).imports(limit, cursor).await });
        to_dict(py, &page.map_err(to_py)?)
    }

    /// One job of the history by its id (``NotFoundError`` if the user has none such).
    #[pyo3(signature = (user, import_id, *, actor=None))]
    fn get_import<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        import_id: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((user, actor), id) = (acting(user, actor)?, uuid("import_id", import_id)?);
        let job = with_store!(self, py, |s| async { Acting::new(s, actor, user).get_import(id).await });
        to_dict(py, &job.map_err(to_py)?)
    }

    /// Undoes an import or bulk edit: ``{"job", "deleted", "restored", "conflicts"}``; leads
    /// changed since are left and listed in ``conflicts``. Reverting again changes nothing.
    #[pyo3(signature = (user, import_id, *, actor=None))]
    fn revert_import<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        import_id: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((user, actor), id) = (acting(user, actor)?, uuid("import_id", import_id)?);
        let done = with_store!(self, py, |s| async { Acting::new(s, actor, user).revert_import(id).await });
        to_dict(py, &done.map_err(to_py)?)
    }

    /// Applies ``patch`` to every lead matching ``query`` (its filters); returns the job
    /// (``job["counts"]["updated"]``), which ``revert_import`` undoes. A query without filters
    /// needs ``all=True``.
    #[pyo3(signature = (user, query, patch, *, all=false, actor=None))]
    fn update_leads<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        query: Option<&Bound<'_, PyAny>>,
        patch: &Bound<'_, PyDict>,
        all: bool,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        let query = lead_query(query)?;
        let patch = lead_patch(patch)?;
        let job = with_store!(self, py, |s| async {
            Acting::new(s, actor, user).update_leads(&query, &patch, all).await
        });
        to_dict(py, &job.map_err(to_py)?)
    }

    /// Deletes every lead matching ``query`` (its filters); returns the job
    /// (``job["counts"]["deleted"]``), which ``revert_import`` undoes. A query without filters
    /// needs ``all=True``.
    #[pyo3(signature = (user, query, *, all=false, actor=None))]
    fn delete_leads<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        query: Option<&Bound<'_, PyAny>>,
        all: bool,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        let query = lead_query(query)?;
        let job =
            with_store!(self, py, |s| async { Acting::new(s, actor, user).delete_leads(&query, all).await });
        to_dict(py, &job.map_err(to_py)?)
    }

    /// One lead by its Lead ID (``NotFoundError`` if there is none, or it is outside the actor's
    /// scope).
    #[pyo3(signature = (user, lead_id, *, actor=None))]
    fn get_lead(&self, py: Python<'_>, user: &str, lead_id: &str, actor: Option<&str>) -> PyResult<Lead> {
        let (user, actor) = acting(user, actor)?;
        with_store!(self, py, |s| async { Acting::new(s, actor, user).get_lead(lead_id).await })
            .map(Lead::from)
            .map_err(to_py)
    }

    /// Changes fields of one lead (``{"status": "Won", "salesperson": None, ...}``), checked by
    /// the import rules: ``InvalidInputError`` carrying ``issues``.
    #[pyo3(signature = (user, lead_id, patch, *, actor=None))]
    fn update_lead(
        &self,
        py: Python<'_>,
        user: &str,
        lead_id: &str,
        patch: &Bound<'_, PyDict>,
        actor: Option<&str>,
    ) -> PyResult<Lead> {
        let (user, actor) = acting(user, actor)?;
        let patch = lead_patch(patch)?;
        with_store!(self, py, |s| async { Acting::new(s, actor, user).update_lead(lead_id, &patch).await })
            .map(Lead::from)
            .map_err(to_py)
    }

    /// Deletes one lead (``NotFoundError`` if there is none).
    #[pyo3(signature = (user, lead_id, *, actor=None))]
    fn delete_lead(&self, py: Python<'_>, user: &str, lead_id: &str, actor: Option<&str>) -> PyResult<()> {
        let (user, actor) = acting(user, actor)?;
        with_store!(self, py, |s| async { Acting::new(s, actor, user).delete_lead(lead_id).await })
            .map_err(to_py)
    }

    /// The workspace's salespeople with their lead counts:
    /// ``[{"id", "name", "active", "lead_count", "team_id"}]``.
    #[pyo3(signature = (user, *, actor=None))]
    fn salespeople<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        to_dict(
            py,
            &with_store!(self, py, |s| async { Acting::new(s, actor, user).salespeople().await })
                .map_err(to_py)?,
        )
    }

    /// Adds a salesperson (``ConflictError`` if the name exists, in any letter case).
    #[pyo3(signature = (user, name, *, actor=None))]
    fn add_salesperson<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        name: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        let added =
            with_store!(self, py, |s| async { Acting::new(s, actor, user).add_salesperson(name).await });
        to_dict(py, &added.map_err(to_py)?)
    }

    /// Renames a salesperson; their leads follow.
    #[pyo3(signature = (user, salesperson_id, name, *, actor=None))]
    fn rename_salesperson<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        salesperson_id: &str,
        name: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((user, actor), id) = (acting(user, actor)?, uuid("salesperson_id", salesperson_id)?);
        let renamed = with_store!(self, py, |s| async {
            Acting::new(s, actor, user).rename_salesperson(id, name).await
        });
        to_dict(py, &renamed.map_err(to_py)?)
    }

    /// Marks a salesperson inactive (their leads keep them).
    #[pyo3(signature = (user, salesperson_id, *, actor=None))]
    fn deactivate_salesperson<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        salesperson_id: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((user, actor), id) = (acting(user, actor)?, uuid("salesperson_id", salesperson_id)?);
        let done =
            with_store!(self, py, |s| async { Acting::new(s, actor, user).deactivate_salesperson(id).await });
        to_dict(py, &done.map_err(to_py)?)
    }

    /// Puts a salesperson in a team (``team_id=None``: in none).
    #[pyo3(signature = (user, salesperson_id, team_id, *, actor=None))]
    fn set_salesperson_team<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        salesperson_id: &str,
        team_id: Option<&str>,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((user, actor), id) = (acting(user, actor)?, uuid("salesperson_id", salesperson_id)?);
        let team = team_id.map(|t| uuid("team_id", t)).transpose()?;
        let done = with_store!(self, py, |s| async {
            Acting::new(s, actor, user).set_salesperson_team(id, team).await
        });
        to_dict(py, &done.map_err(to_py)?)
    }

    /// Adds a team: ``{"id", "name"}`` (``ConflictError`` if the name exists).
    #[pyo3(signature = (user, name, *, actor=None))]
    fn add_team<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        name: &str,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        to_dict(
            py,
            &with_store!(self, py, |s| async { Acting::new(s, actor, user).add_team(name).await })
                .map_err(to_py)?,
        )
    }

    /// The workspace's teams, by name.
    #[pyo3(signature = (user, *, actor=None))]
    fn teams<'py>(&self, py: Python<'py>, user: &str, actor: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        to_dict(
            py,
            &with_store!(self, py, |s| async { Acting::new(s, actor, user).teams().await }).map_err(to_py)?,
        )
    }

    /// The workspaces ``user`` works in: ``[{"uuid", "username", "role"}]``, their own first
    /// (role ``"owner"``), then the ones they are a member of, by owner's username.
    fn workspaces<'py>(&self, py: Python<'py>, user: &str) -> PyResult<Bound<'py, PyAny>> {
        let user = uuid("user", user)?;
        to_dict(py, &with_store!(self, py, |s| async { s.workspaces(user).await }).map_err(to_py)?)
    }

    /// The workspace's members: ``[{"user_uuid", "username", "role", "salesperson_id",
    /// "team_ids"}]``, by username.
    #[pyo3(signature = (user, *, actor=None))]
    fn members<'py>(&self, py: Python<'py>, user: &str, actor: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        to_dict(
            py,
            &with_store!(self, py, |s| async { Acting::new(s, actor, user).members().await })
                .map_err(to_py)?,
        )
    }

    /// Makes the user ``username`` a member of the workspace with ``role`` (``"admin"``,
    /// ``"manager"``, ``"rep"``, ``"viewer"``), linked to a salesperson and leading teams.
    #[pyo3(signature = (user, username, role, *, salesperson_id=None, team_ids=None, actor=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_member<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        username: &str,
        role: &str,
        salesperson_id: Option<&str>,
        team_ids: Option<Vec<String>>,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, actor) = acting(user, actor)?;
        let role = leads_core::Role::parse(role).map_err(to_py)?;
        let salesperson = salesperson_id.map(|id| uuid("salesperson_id", id)).transpose()?;
        let teams =
            team_ids.unwrap_or_default().iter().map(|t| uuid("team_ids", t)).collect::<PyResult<Vec<_>>>()?;
        let added = with_store!(self, py, |s| async {
            Acting::new(s, actor, user).add_member(username, role, salesperson, &teams).await
        });
        to_dict(py, &added.map_err(to_py)?)
    }

    /// Changes a member: ``change`` is ``{"role"?, "salesperson_id"?, "team_ids"?}``.
    #[pyo3(signature = (user, member, change, *, actor=None))]
    fn change_member<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        member: &str,
        change: &Bound<'_, PyDict>,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((user, actor), member) = (acting(user, actor)?, uuid("member", member)?);
        let change: leads_core::MemberChange =
            pythonize::depythonize(change.as_any()).map_err(|e| invalid_option("change", e.to_string()))?;
        let done = with_store!(self, py, |s| async {
            Acting::new(s, actor, user).change_member(member, &change).await
        });
        to_dict(py, &done.map_err(to_py)?)
    }

    /// Removes a member (``NotFoundError`` if they are not one).
    #[pyo3(signature = (user, member, *, actor=None))]
    fn remove_member(&self, py: Python<'_>, user: &str, member: &str, actor: Option<&str>) -> PyResult<()> {
        let ((user, actor), member) = (acting(user, actor)?, uuid("member", member)?);
        with_store!(self, py, |s| async { Acting::new(s, actor, user).remove_member(member).await })
            .map_err(to_py)
    }
}

fn lead_patch(patch: &Bound<'_, PyDict>) -> PyResult<LeadPatch> {
    pythonize::depythonize(patch.as_any()).map_err(|e| invalid_option("patch", e.to_string()))
}

/// The embedded store, in memory. ``fast_passwords=True`` uses the cheapest Argon2 parameters:
/// for tests only.
#[pyclass(module = "leads._leads", extends = Store, frozen)]
pub(crate) struct MemoryStore;

#[pymethods]
impl MemoryStore {
    #[new]
    #[pyo3(signature = (fast_passwords=false))]
    fn new(fast_passwords: bool) -> PyClassInitializer<Self> {
        let params =
            if fast_passwords { PasswordParams::insecure_for_tests() } else { PasswordParams::default() };
        PyClassInitializer::from(Store { backend: Backend::Memory(CoreMemory::new()), params })
            .add_subclass(MemoryStore)
    }
}

fn batch_size(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    whole(value, "batch_size")
}

fn concurrency(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    whole(value, "concurrency")
}

fn retries(value: &Bound<'_, PyAny>) -> PyResult<u32> {
    whole(value, "retries")
}

/// The embedded persistent store: a SQLite database in the file ``path`` (created if missing; its
/// schema brought up to date), or in memory when ``path`` is ``":memory:"``. Several threads and
/// processes may share one file. ``fast_passwords=True`` uses the cheapest Argon2 parameters:
/// for tests only.
#[pyclass(module = "leads._leads", extends = Store, frozen)]
pub(crate) struct SqliteStore;

#[pymethods]
impl SqliteStore {
    #[new]
    #[pyo3(signature = (path, *, fast_passwords=false))]
    fn new(
        py: Python<'_>,
        path: std::path::PathBuf,
        fast_passwords: bool,
    ) -> PyResult<PyClassInitializer<Self>> {
        let params =
            if fast_passwords { PasswordParams::insecure_for_tests() } else { PasswordParams::default() };
        let store = py
            .detach(|| {
                if path.as_os_str() == ":memory:" {
                    leads_core::SqliteStore::in_memory()
                } else {
                    leads_core::SqliteStore::open(&path)
                }
            })
            .map_err(to_py)?;
        Ok(PyClassInitializer::from(Store { backend: Backend::Sqlite(store), params })
            .add_subclass(SqliteStore))
    }
}

/// The store over PostgREST (Supabase). ``url`` is the project URL (``https://<ref>.supabase.co``)
/// or any PostgREST base URL; ``key`` the project key (the service key on a server only, or a
/// publishable key with ``access_token``, a user's token from ``login``). Upserts go in
/// batches of ``batch_size`` with ``concurrency`` requests in flight; idempotent requests are
/// retried ``retries`` times on 429, 5xx and connection errors; each request times out after
/// ``timeout`` seconds.
#[pyclass(module = "leads._leads", extends = Store, frozen)]
pub(crate) struct SupabaseStore;

#[pymethods]
impl SupabaseStore {
    #[new]
    #[pyo3(signature = (url, key, access_token=None, *, batch_size=500, concurrency=4, retries=3, timeout=30.0))]
    fn new(
        url: &str,
        key: &str,
        access_token: Option<&str>,
        #[pyo3(from_py_with = batch_size)] batch_size: usize,
        #[pyo3(from_py_with = concurrency)] concurrency: usize,
        #[pyo3(from_py_with = retries)] retries: u32,
        timeout: f64,
    ) -> PyResult<PyClassInitializer<Self>> {
        let timeout = Duration::try_from_secs_f64(timeout).map_err(|_| {
            invalid_option("timeout", format!("{timeout} is not a positive number of seconds"))
        })?;
        let options =
            SupabaseOptions { batch_size, concurrency, retries, timeout, ..SupabaseOptions::default() };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        let mut store = runtime.block_on(async { CoreSupabase::new(url, key, options) }).map_err(to_py)?;
        if let Some(token) = access_token {
            store = store.with_access_token(token);
        }
        let base = Store { backend: Backend::Supabase(store, runtime), params: PasswordParams::default() };
        Ok(PyClassInitializer::from(base).add_subclass(SupabaseStore))
    }
}
