//! Import history (DESIGN §7): every import that writes, and every bulk update or delete, is a
//! [`Job`]. A store records, with each lead a job writes, what revert needs: whether the job
//! inserted, updated or deleted it, the lead as it was before, and (on the lead) which job wrote
//! it last. Revert undoes a job lead by lead; a lead written since by anything else is left as it
//! is and reported as a conflict.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::LeadPatch;
use crate::model::{Issue, Timestamp, UpsertOutcome};
use crate::store::ImportMode;

/// How many issues of an import its job keeps.
pub const MAX_JOB_ISSUES: usize = 100;
/// Jobs per page of [`Store::imports`](crate::Store::imports) unless asked otherwise.
pub const DEFAULT_JOB_LIMIT: u32 = 50;
/// The most jobs a page may ask for.
pub const MAX_JOB_LIMIT: u32 = 1000;

/// What a job did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A CSV import.
    Import,
    /// One patch applied to every lead matching a query.
    BulkUpdate,
    /// Every lead matching a query deleted.
    BulkDelete,
}

impl JobKind {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Import => "import",
            JobKind::BulkUpdate => "bulk_update",
            JobKind::BulkDelete => "bulk_delete",
        }
    }

    #[cfg_attr(target_arch = "wasm32", allow(dead_code))] // SqliteStore's
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [JobKind::Import, JobKind::BulkUpdate, JobKind::BulkDelete].into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Everything it was to write is written.
    Done,
    /// It stopped part way (a failed batch, a stop from the progress callback, a crash): what
    /// it wrote is stored and can be reverted.
    Partial,
    /// Reverted; reverting again changes nothing.
    Reverted,
}

impl JobState {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Done => "done",
            JobState::Partial => "partial",
            JobState::Reverted => "reverted",
        }
    }

    #[cfg_attr(target_arch = "wasm32", allow(dead_code))] // SqliteStore's
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [JobState::Done, JobState::Partial, JobState::Reverted].into_iter().find(|s| s.as_str() == text)
    }
}

/// What a job asked for: an import's mode and options, a bulk edit's query and patch.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JobSpec {
    /// An import's mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<ImportMode>,
    /// An import's options, write policies included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<ImportOptions>,
    /// A bulk edit's query, in the query-string form (filters only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// A bulk update's patch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<LeadPatch>,
}

/// What a job did to the leads, counted as it wrote them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JobCounts {
    /// New leads.
    pub inserted: u64,
    /// Leads whose fields changed.
    pub updated: u64,
    /// Leads already so.
    pub unchanged: u64,
    /// Leads a write policy left out.
    pub skipped: u64,
    /// Leads deleted (bulk deletes).
    pub deleted: u64,
}

impl JobCounts {
    /// The counts of written leads.
    #[must_use]
    pub fn of(outcome: UpsertOutcome) -> Self {
        let UpsertOutcome { inserted, updated, unchanged, skipped } = outcome;
        JobCounts { inserted, updated, unchanged, skipped, deleted: 0 }
    }

    pub(crate) fn add(&mut self, outcome: UpsertOutcome, deleted: u64) {
        self.inserted += outcome.inserted;
        self.updated += outcome.updated;
        self.unchanged += outcome.unchanged;
        self.skipped += outcome.skipped;
        self.deleted += deleted;
    }
}

/// One import or bulk edit, as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The job's id.
    pub id: Uuid,
    /// Import, bulk update or bulk delete.
    pub kind: JobKind,
    /// Done, partial or reverted.
    pub state: JobState,
    /// When it began.
    pub created_at: Timestamp,
    /// The user who ran it.
    pub actor: Uuid,
    /// The imported file's name, when the caller gave one.
    pub file_name: Option<String>,
    /// Bytes read from the file (0 for bulk edits).
    pub bytes: u64,
    /// SHA-256 of the file's bytes, lower-case hex; `None` for bulk edits and until an import
    /// has read its whole file.
    pub sha256: Option<String>,
    /// Mode and options, or query and patch.
    pub spec: JobSpec,
    /// What it did.
    pub counts: JobCounts,
    /// The first [`MAX_JOB_ISSUES`] issues of the import's report.
    pub issues: Vec<Issue>,
    /// When it was reverted.
    pub reverted_at: Option<Timestamp>,
}

/// A job as it begins: what the store records with the first lead it writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobStart {
    /// The job's id (chosen by the core).
    pub id: Uuid,
    /// What the job does.
    pub kind: JobKind,
    /// Who runs it.
    pub actor: Uuid,
    /// The file's name, if known.
    pub file_name: Option<String>,
    /// Mode and options, or query and patch.
    pub spec: JobSpec,
}

impl JobStart {
    /// A new job of `kind` run by `actor`.
    #[must_use]
    pub fn new(kind: JobKind, actor: Uuid, spec: JobSpec) -> Self {
        JobStart { id: crate::auth::new_uuid(), kind, actor, file_name: None, spec }
    }

    /// The job as first recorded, at `now`: partial until it is finished.
    #[must_use]
    pub fn record(&self, now: Timestamp) -> Job {
        Job {
            id: self.id,
            kind: self.kind,
            state: JobState::Partial,
            created_at: now,
            actor: self.actor,
            file_name: self.file_name.clone(),
            bytes: 0,
            sha256: None,
            spec: self.spec.clone(),
            counts: JobCounts::default(),
            issues: Vec::new(),
            reverted_at: None,
        }
    }
}

/// What is known once a job has written everything.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JobFinish {
    /// Bytes of the file.
    pub bytes: u64,
    /// SHA-256 of the file.
    pub sha256: Option<String>,
    /// The report's first issues.
    pub issues: Vec<Issue>,
}

impl JobFinish {
    /// Sets what `finish` says on `job`, which is then done.
    pub fn apply(&self, job: &mut Job) {
        job.bytes = self.bytes;
        job.sha256.clone_from(&self.sha256);
        job.issues.clone_from(&self.issues);
        job.state = JobState::Done;
    }
}

/// How a job wrote a lead: what revert undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ItemAction {
    /// The job created it: revert deletes it.
    Inserted,
    /// The job changed it: revert puts the before values back.
    Updated,
    /// The job deleted it: revert stores it again.
    Deleted,
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // SqliteStore's
impl ItemAction {
    /// The snake_case name stored.
    #[must_use]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ItemAction::Inserted => "inserted",
            ItemAction::Updated => "updated",
            ItemAction::Deleted => "deleted",
        }
    }

    #[cfg_attr(target_arch = "wasm32", allow(dead_code))] // SqliteStore's
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [ItemAction::Inserted, ItemAction::Updated, ItemAction::Deleted]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

/// What a revert did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reverted {
    /// The job, now `reverted`.
    pub job: Job,
    /// Leads the job had inserted, deleted again.
    pub deleted: u64,
    /// Leads the job had updated or deleted, put back as they were.
    pub restored: u64,
    /// Lead IDs written since by something else, left as they are (sorted).
    pub conflicts: Vec<String>,
}

/// One page of a user's jobs, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPage {
    /// The jobs.
    pub items: Vec<Job>,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// Where a page of jobs starts: after the job of this time and id (jobs are listed by
/// `created_at` then `id`, both descending).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JobCursor {
    /// The last listed job's time.
    pub created_at: Timestamp,
    /// The last listed job's id.
    pub id: Uuid,
}

impl JobCursor {
    /// The cursor after `job`.
    #[must_use]
    pub(crate) fn after(job: &Job) -> Self {
        JobCursor { created_at: job.created_at, id: job.id }
    }

    /// The opaque text form.
    #[must_use]
    pub(crate) fn encode(self) -> String {
        format!("{}.{}", self.created_at.as_micros(), self.id.simple())
    }

    /// Reads [`encode`](Self::encode)'s form.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] for anything else.
    pub(crate) fn decode(text: &str) -> Result<Self> {
        let bad = || ErrorKind::InvalidQuery {
            parameter: "cursor".into(),
            message: format!("{text:?} is not a cursor of the import history"),
        };
        let (micros, id) = text.split_once('.').ok_or_else(bad)?;
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let id = Uuid::try_parse(id).map_err(|_| bad())?;
        Ok(JobCursor { created_at: Timestamp::from_micros(micros), id })
    }

    /// Whether `job` comes after this cursor, newest first.
    #[must_use]
    pub(crate) fn is_before(&self, job: &Job) -> bool {
        (job.created_at, job.id) < (self.created_at, self.id)
    }
}

/// A page of jobs from jobs newest first fetched one beyond `limit`.
#[must_use]
pub(crate) fn job_page(mut items: Vec<Job>, limit: u32) -> JobPage {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = if more { items.last().map(|j| JobCursor::after(j).encode()) } else { None };
    JobPage { items, next_cursor }
}

/// Checks a page size of the history.
///
/// # Errors
/// [`ErrorKind::InvalidQuery`] outside 1 to [`MAX_JOB_LIMIT`].
pub(crate) fn check_job_limit(limit: u32) -> Result<u32> {
    if (1..=MAX_JOB_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(ErrorKind::InvalidQuery {
            parameter: "limit".into(),
            message: format!("must be between 1 and {MAX_JOB_LIMIT} (got {limit})"),
        }
        .into())
    }
}

/// How revert treats one recorded lead, given the lead stored now under its Lead ID and the job
/// that wrote that one last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Undo {
    /// Delete the stored lead (the job inserted it).
    Delete,
    /// Write the before values back (the job updated or deleted it).
    Restore,
    /// Written since by something else: leave it, report it.
    Conflict,
}

/// What revert does with an item of job `job`: `now` is the job that last wrote the lead stored
/// under its Lead ID (`Some(None)` for a lead written by no job since, `None` when no lead is
/// stored under it).
#[must_use]
pub(crate) fn undo(action: ItemAction, job: Uuid, now: Option<Option<Uuid>>) -> Undo {
    match (action, now) {
        (ItemAction::Inserted, Some(Some(j))) if j == job => Undo::Delete,
        (ItemAction::Updated, Some(Some(j))) if j == job => Undo::Restore,
        (ItemAction::Deleted, None) => Undo::Restore,
        _ => Undo::Conflict,
    }
}

/// A bulk edit must name which leads: an empty query needs `all`.
///
/// # Errors
/// [`ErrorKind::InvalidQuery`] (parameter `all`).
pub(crate) fn check_bulk(query: &crate::query::LeadQuery, all: bool) -> Result<()> {
    if all || query.has_filters() {
        Ok(())
    } else {
        Err(ErrorKind::InvalidQuery {
            parameter: "all".into(),
            message: "a bulk edit without filters changes every lead: pass all=true to mean it".into(),
        }
        .into())
    }
}

/// Lower-case hex of `bytes`.
#[must_use]
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
