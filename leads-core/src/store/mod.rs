//! The store trait every backend implements (DESIGN §7), and the types it speaks.
//!
//! The methods are `async` so the same trait serves an in-process map and an HTTP backend, on
//! native targets and on wasm32. Their futures are not required to be `Send`.

pub(crate) mod accounts;
pub(crate) mod acting;
pub(crate) mod export;
pub(crate) mod job;
pub(crate) mod members;
pub(crate) mod memory;
pub(crate) mod merge;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod sqlite;
#[cfg(feature = "supabase")]
pub(crate) mod supabase;

pub use accounts::{
    LOGIN_WINDOW_SECS, MAX_FAILED_LOGINS, authenticate, change_password, login, logout_everywhere, register,
};
pub use acting::Acting;
pub use export::{EXPORT_PAGE, export_csv};
pub use job::{
    DEFAULT_JOB_LIMIT, Job, JobCounts, JobFinish, JobKind, JobPage, JobSpec, JobStart, JobState,
    MAX_JOB_ISSUES, MAX_JOB_LIMIT, Reverted,
};
pub(crate) use job::{check_job_limit, job_page, undo};
pub use members::{Member, MemberChange, SalespersonName, Team, Workspace};
pub(crate) use members::{check_member, team_name};
pub use memory::MemoryStore;
pub use merge::{Decision, FieldChange, LeadChange, MAX_DRY_RUN_CHANGES, WritePlan};
#[cfg(not(target_arch = "wasm32"))]
pub use sqlite::{SqliteStore, SqliteWrites};
#[cfg(feature = "supabase")]
pub use supabase::{
    BoxFuture, HttpRequest, HttpResponse, ProgressFn, ReqwestTransport, SupabaseOptions, SupabaseStore,
    Transport, UpsertProgress, query_params, quote,
};

use std::future::Future;
use std::io::Read;
use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::LeadPatch;
use crate::import::validator::{Progress, Validator};
use crate::model::{Lead, Report, StoredLead, Timestamp, UpsertOutcome, User, UserRecord};
use crate::query::LeadQuery;

/// Leads sent to the store per call during an import.
pub const IMPORT_BATCH: usize = 1000;

/// One page of a query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The leads of the page, in order.
    pub items: Vec<StoredLead>,
    /// How many leads match the filters, when the query asked (`total=true`).
    pub total: Option<u64>,
    /// The page size used.
    pub limit: u32,
    /// The offset used (0 when the page continues a cursor).
    pub offset: u64,
    /// Pass as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

impl Page {
    /// The page of `query` from its leads in order, fetched one beyond the limit: that one, if
    /// there, means another page follows (and the last lead kept is where it starts).
    pub(crate) fn of_fetched(mut items: Vec<StoredLead>, query: &LeadQuery, total: Option<u64>) -> Page {
        let limit = query.effective_limit();
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_cursor = if more {
            items.last().map(|last| crate::query::cursor::Cursor::after(last, query).encode())
        } else {
            None
        };
        Page { items, total, limit, offset: query.offset, next_cursor }
    }
}

/// How an import treats invalid rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any error: nothing is stored.
    #[default]
    Strict,
    /// Valid rows are stored, invalid rows reported.
    SkipInvalid,
}

impl std::str::FromStr for ImportMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "strict" => Ok(ImportMode::Strict),
            "skip_invalid" => Ok(ImportMode::SkipInvalid),
            _ => Err(Error::new(ErrorKind::InvalidOption {
                option: "mode".into(),
                message: format!("{s:?} is not strict or skip_invalid"),
            })),
        }
    }
}

/// What an import did: the report and the outcome counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// The validation report.
    pub report: Report,
    /// What happened to the valid leads (on a dry run: what would happen).
    pub imported: UpsertOutcome,
    /// On a dry run, the first [`MAX_DRY_RUN_CHANGES`] would-be updates, field by field;
    /// `None` on an import that wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<LeadChange>>,
    /// The import's record in the history (revert it with [`Store::revert_import`]); `None` on a
    /// dry run.
    #[serde(default)]
    pub job: Option<Job>,
}

/// A salesperson of a user, with the number of leads assigned to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Salesperson {
    /// The store's id.
    pub id: Uuid,
    /// The name leads carry in `salesperson` (matched case-insensitively).
    pub name: String,
    /// Inactive salespeople stay listed with their leads; they are no longer offered.
    pub active: bool,
    /// Leads assigned to this name.
    pub lead_count: u64,
    /// The team they are in.
    #[serde(default)]
    pub team_id: Option<Uuid>,
}

fn not_found(what: &'static str, id: impl ToString) -> Error {
    ErrorKind::NotFound { what, id: id.to_string() }.into()
}

/// Keeps the last copy of each Lead ID, in the order of first appearance.
#[must_use]
pub fn dedupe_last(leads: &[Lead]) -> Vec<&Lead> {
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out: Vec<&Lead> = Vec::with_capacity(leads.len());
    for lead in leads {
        match index.get(lead.lead_id.as_str()) {
            Some(&i) => out[i] = lead,
            None => {
                index.insert(&lead.lead_id, out.len());
                out.push(lead);
            }
        }
    }
    out
}

/// Declares a marker trait that is `$bound` on native targets and nothing on wasm32.
macro_rules! native_bound {
    ($(#[$doc:meta])* $name:ident: $bound:ident) => {
        $(#[$doc])*
        #[cfg(not(target_arch = "wasm32"))]
        pub trait $name: $bound {}
        #[cfg(not(target_arch = "wasm32"))]
        impl<T: $bound + ?Sized> $name for T {}
        $(#[$doc])*
        #[cfg(target_arch = "wasm32")]
        pub trait $name {}
        #[cfg(target_arch = "wasm32")]
        impl<T: ?Sized> $name for T {}
    };
}

native_bound!(
    /// `Send` on native targets, where store futures may move between threads; nothing on
    /// wasm32, where JavaScript values are not `Send`.
    MaybeSend: Send
);
native_bound!(
    /// `Sync` on native targets (a store shared by the threads its futures run on); nothing on
    /// wasm32.
    MaybeSync: Sync
);

/// An import's progress callback: it breaks to stop the import. `Send` on native targets.
#[cfg(not(target_arch = "wasm32"))]
pub type ProgressCallback<'a> = dyn FnMut(&ImportProgress) -> ControlFlow<()> + Send + 'a;
/// An import's progress callback: it breaks to stop the import.
#[cfg(target_arch = "wasm32")]
pub type ProgressCallback<'a> = dyn FnMut(&ImportProgress) -> ControlFlow<()> + 'a;

/// Where a user's data lives. [`MemoryStore`](crate::MemoryStore) is the embedded one.
///
/// All lead methods are scoped to one user: another user's leads are never seen or changed.
///
/// Its futures are `Send` on native targets ([`MaybeSend`]), so a multi-threaded runtime can
/// spawn them; an implementation may still write its methods as `async fn`.
pub trait Store: MaybeSync {
    /// Stores a new user (`password` is the hash to keep).
    ///
    /// # Errors
    /// [`ErrorKind::UsernameTaken`] when the name exists in any letter case.
    fn create_user(
        &self,
        uuid: Uuid,
        username: &str,
        password: &str,
    ) -> impl Future<Output = Result<User>> + MaybeSend;

    /// Finds a user by username, case-insensitively.
    fn find_user(&self, username: &str) -> impl Future<Output = Result<Option<UserRecord>>> + MaybeSend;

    /// Replaces a user's stored password hash.
    fn set_password(&self, user: Uuid, password: &str) -> impl Future<Output = Result<()>> + MaybeSend;

    /// A user by id, with what account security needs.
    fn account(&self, user: Uuid) -> impl Future<Output = Result<Option<crate::model::Account>>> + MaybeSend;

    /// Refuses every token of `user` issued before `at` (whole seconds).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown user.
    fn set_tokens_valid_after(
        &self,
        user: Uuid,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + MaybeSend;

    /// When the failed logins for `key` (a lower-cased username) since `since` happened,
    /// oldest first.
    fn login_failures(
        &self,
        key: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Timestamp>>> + MaybeSend;

    /// Records a failed login for `key` at `at`.
    fn record_login_failure(&self, key: &str, at: Timestamp) -> impl Future<Output = Result<()>> + MaybeSend;

    /// Forgets the failed logins for `key` (after a successful one).
    fn clear_login_failures(&self, key: &str) -> impl Future<Output = Result<()>> + MaybeSend;

    /// Inserts or updates leads by `(user, lead_id)`, every field as given (a lead without a
    /// salesperson is unassigned). Not recorded in the history.
    fn upsert_leads(
        &self,
        user: Uuid,
        leads: &[Lead],
    ) -> impl Future<Output = Result<UpsertOutcome>> + MaybeSend {
        async move { self.write_leads(user, leads, &WritePlan::replace(), None).await }
    }

    /// Writes leads by `(user, lead_id)` as `plan` says ([`WritePlan::decide`]): what an import
    /// does with each batch. With `job`, the writes are recorded as that job's (the job itself
    /// is recorded, `partial`, with its first write), in the same transaction as the leads.
    fn write_leads(
        &self,
        user: Uuid,
        leads: &[Lead],
        plan: &WritePlan,
        job: Option<&JobStart>,
    ) -> impl Future<Output = Result<UpsertOutcome>> + MaybeSend;

    /// Deletes the leads of these Lead IDs (those that exist); returns how many. With `job`, as
    /// that job's, each lead kept for revert.
    fn remove_leads(
        &self,
        user: Uuid,
        lead_ids: &[&str],
        job: Option<&JobStart>,
    ) -> impl Future<Output = Result<u64>> + MaybeSend;

    /// Marks a job done with what is known at its end (recording it first if it wrote nothing).
    fn finish_job(
        &self,
        user: Uuid,
        job: &JobStart,
        finish: &JobFinish,
    ) -> impl Future<Output = Result<Job>> + MaybeSend;

    /// The user's imports and bulk edits, newest first: `limit` of them (1 to
    /// [`MAX_JOB_LIMIT`]) after `cursor` (a page's `next_cursor`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] for a bad limit or cursor.
    fn imports(
        &self,
        user: Uuid,
        limit: u32,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<JobPage>> + MaybeSend;

    /// One job of the user.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] (`"import"`).
    fn get_import(&self, user: Uuid, id: Uuid) -> impl Future<Output = Result<Job>> + MaybeSend;

    /// Undoes a job: deletes the leads it inserted, puts the leads it updated or deleted back as
    /// they were before it, in one transaction where the store has them. A lead written since
    /// by anything else is left as it is and listed in [`Reverted::conflicts`]. A reverted job
    /// reverts to nothing more; a partial job reverts what it stored.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] (`"import"`).
    fn revert_import(&self, user: Uuid, id: Uuid) -> impl Future<Output = Result<Reverted>> + MaybeSend;

    /// Applies one patch to every lead matching `query`'s filters (its sort and paging are
    /// ignored), recorded as a job that reverts like an import. The patch is checked by the row
    /// rules first. Only the patched fields are written.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] for a query without filters unless `all`;
    /// [`ErrorKind::InvalidLead`] for a patch the rules refuse (nothing is written).
    fn update_leads(
        &self,
        user: Uuid,
        query: &LeadQuery,
        patch: &LeadPatch,
        all: bool,
    ) -> impl Future<Output = Result<Job>> + MaybeSend {
        async move {
            job::check_bulk(query, all)?;
            bulk_update(self, user, user, query, patch).await
        }
    }

    /// Deletes every lead matching `query`'s filters, recorded as a job that reverts like an
    /// import (the leads come back as they were).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] for a query without filters unless `all`.
    fn delete_leads(
        &self,
        user: Uuid,
        query: &LeadQuery,
        all: bool,
    ) -> impl Future<Output = Result<Job>> + MaybeSend {
        async move {
            job::check_bulk(query, all)?;
            bulk_delete(self, user, user, query).await
        }
    }

    /// One page of the user's leads.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] for a cursor of another query.
    fn query(&self, user: Uuid, query: &LeadQuery) -> impl Future<Output = Result<Page>> + MaybeSend;

    /// One lead by its Lead ID.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`].
    fn get_lead(&self, user: Uuid, lead_id: &str) -> impl Future<Output = Result<StoredLead>> + MaybeSend;

    /// Changes one lead; the patch is checked by the row rules.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], [`ErrorKind::InvalidLead`].
    fn update_lead(
        &self,
        user: Uuid,
        lead_id: &str,
        patch: &LeadPatch,
    ) -> impl Future<Output = Result<StoredLead>> + MaybeSend;

    /// Deletes one lead.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`].
    fn delete_lead(&self, user: Uuid, lead_id: &str) -> impl Future<Output = Result<()>> + MaybeSend;

    /// Adds a salesperson.
    ///
    /// # Errors
    /// [`ErrorKind::SalespersonExists`], [`ErrorKind::InvalidLead`] for an unusable name.
    fn add_salesperson(
        &self,
        user: Uuid,
        name: &str,
    ) -> impl Future<Output = Result<Salesperson>> + MaybeSend;

    /// Renames a salesperson; their leads follow.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], [`ErrorKind::SalespersonExists`].
    fn rename_salesperson(
        &self,
        user: Uuid,
        id: Uuid,
        name: &str,
    ) -> impl Future<Output = Result<Salesperson>> + MaybeSend;

    /// Marks a salesperson inactive (their leads keep them).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`].
    fn deactivate_salesperson(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> impl Future<Output = Result<Salesperson>> + MaybeSend;

    /// The user's salespeople with their lead counts, by name.
    fn salespeople(&self, user: Uuid) -> impl Future<Output = Result<Vec<Salesperson>>> + MaybeSend;

    /// The workspace's salespeople without their lead counts: what [`access`](Store::access)
    /// reads on every call, so it must not count leads.
    fn salesperson_names(
        &self,
        workspace: Uuid,
    ) -> impl Future<Output = Result<Vec<SalespersonName>>> + MaybeSend {
        async move {
            let all = self.salespeople(workspace).await?;
            Ok(all
                .into_iter()
                .map(|s| SalespersonName { id: s.id, name: s.name, team_id: s.team_id })
                .collect())
        }
    }

    /// Puts a salesperson in a team, or in none.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a salesperson or team the workspace does not have.
    fn set_salesperson_team(
        &self,
        workspace: Uuid,
        salesperson: Uuid,
        team: Option<Uuid>,
    ) -> impl Future<Output = Result<Salesperson>> + MaybeSend;

    /// Adds a team.
    ///
    /// # Errors
    /// [`ErrorKind::AlreadyExists`] for a name the workspace has (in any letter case);
    /// [`ErrorKind::InvalidOption`] for an unusable name.
    fn add_team(&self, workspace: Uuid, name: &str) -> impl Future<Output = Result<Team>> + MaybeSend;

    /// The workspace's teams, by name.
    fn teams(&self, workspace: Uuid) -> impl Future<Output = Result<Vec<Team>>> + MaybeSend;

    /// Keeps a member checked by [`check_member`]: a new one (`new`), or a change to one.
    ///
    /// # Errors
    /// [`ErrorKind::AlreadyExists`] for a new member who is one; [`ErrorKind::NotFound`] for a
    /// change to someone who is not.
    fn put_member(
        &self,
        workspace: Uuid,
        member: &Member,
        new: bool,
    ) -> impl Future<Output = Result<Member>> + MaybeSend;

    /// Removes a member (their access ends with it).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for someone who is not a member.
    fn remove_member(&self, workspace: Uuid, user: Uuid) -> impl Future<Output = Result<()>> + MaybeSend;

    /// The workspace's members, by username.
    fn members(&self, workspace: Uuid) -> impl Future<Output = Result<Vec<Member>>> + MaybeSend;

    /// The workspaces `user` is a member of (their own not included), by owner's username.
    fn memberships(&self, user: Uuid) -> impl Future<Output = Result<Vec<Workspace>>> + MaybeSend;

    /// The workspaces `user` works in: their own first (role `owner`), then the ones they are
    /// a member of, by owner's username.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown user.
    fn workspaces(&self, user: Uuid) -> impl Future<Output = Result<Vec<Workspace>>> + MaybeSend {
        async move {
            let own = self.account(user).await?.ok_or_else(|| not_found("user", user))?.record.user;
            let mut all =
                vec![Workspace { uuid: own.uuid, username: own.username, role: crate::auth::Role::Owner }];
            all.extend(self.memberships(user).await?);
            Ok(all)
        }
    }

    /// Makes the user `username` a member of `workspace` with `role`, linked to a salesperson
    /// and leading teams.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown user, salesperson or team;
    /// [`ErrorKind::InvalidOption`] for the owner themself or the role `owner`;
    /// [`ErrorKind::AlreadyExists`] for a member.
    fn add_member(
        &self,
        workspace: Uuid,
        username: &str,
        role: crate::auth::Role,
        salesperson_id: Option<Uuid>,
        team_ids: &[Uuid],
    ) -> impl Future<Output = Result<Member>> + MaybeSend {
        async move {
            let user = self.find_user(username).await?.ok_or_else(|| not_found("user", username))?.user;
            if user.uuid == workspace {
                return Err(ErrorKind::InvalidOption {
                    option: "username".into(),
                    message: format!("{username:?} owns this workspace; the owner is not one of its members"),
                }
                .into());
            }
            let member = Member {
                user_uuid: user.uuid,
                username: user.username,
                role,
                salesperson_id,
                team_ids: team_ids.to_vec(),
            };
            check_member(&member, &self.salespeople(workspace).await?, &self.teams(workspace).await?)?;
            self.put_member(workspace, &member, true).await
        }
    }

    /// Changes a member's role, salesperson or teams.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for someone who is not a member (the owner included), or an
    /// unknown salesperson or team; [`ErrorKind::InvalidOption`] for the role `owner`.
    fn change_member(
        &self,
        workspace: Uuid,
        user: Uuid,
        change: &MemberChange,
    ) -> impl Future<Output = Result<Member>> + MaybeSend {
        async move {
            let member = self.member(workspace, user).await?.ok_or_else(|| not_found("member", user))?;
            let changed =
                change.apply(&member, &self.salespeople(workspace).await?, &self.teams(workspace).await?)?;
            self.put_member(workspace, &changed, false).await
        }
    }

    /// One member of the workspace, if `user` is one.
    fn member(
        &self,
        workspace: Uuid,
        user: Uuid,
    ) -> impl Future<Output = Result<Option<Member>>> + MaybeSend {
        async move { Ok(self.members(workspace).await?.into_iter().find(|m| m.user_uuid == user)) }
    }

    /// What `actor` may do in `workspace`, looked up now (a removed member or a changed role
    /// takes effect on the next call): the owner's access for the workspace's own user, the
    /// member's role and scope otherwise.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`] (permission `member`) for someone who is neither.
    fn access(
        &self,
        workspace: Uuid,
        actor: Uuid,
    ) -> impl Future<Output = Result<crate::auth::Access>> + MaybeSend {
        async move {
            if actor == workspace {
                return Ok(crate::auth::Access::owner());
            }
            let member = self.member(workspace, actor).await?.ok_or_else(|| {
                Error::from(ErrorKind::Forbidden { permission: "member".into(), role: "none".into() })
            })?;
            let people = if member.salesperson_id.is_some() || !member.team_ids.is_empty() {
                self.salesperson_names(workspace).await?
            } else {
                Vec::new()
            };
            let own = member
                .salesperson_id
                .and_then(|id| people.iter().find(|s| s.id == id))
                .map(|s| s.name.clone());
            let teams = (!member.team_ids.is_empty()).then(|| {
                people
                    .iter()
                    .filter(|s| s.team_id.is_some_and(|t| member.team_ids.contains(&t)))
                    .map(|s| s.name.clone())
                    .collect()
            });
            Ok(crate::auth::Access::of(member.role, own, teams))
        }
    }

    /// Where one import's leads are written, batch by batch: see [`ImportWrites`].
    type Writes<'a>: ImportWrites
    where
        Self: 'a;

    /// Opens the writes of an import for `user`. With `atomic`, the store makes them one
    /// transaction if it can ([`ImportWrites::is_atomic`] says whether it did); without, each
    /// batch is stored when written.
    fn begin_import(
        &self,
        user: Uuid,
        atomic: bool,
        job: JobStart,
    ) -> impl Future<Output = Result<Self::Writes<'_>>> + MaybeSend;

    /// Validates a CSV file and stores its valid leads for `user`, in batches of
    /// [`IMPORT_BATCH`]. `Strict` stores nothing when any row has an error; `SkipInvalid`
    /// stores the valid rows. Importing the same file again changes nothing (all `unchanged`).
    ///
    /// # Errors
    /// [`ErrorKind::ImportRejected`] (with the report) when the file has a file-level error, or
    /// any error in strict mode; I/O and store errors.
    fn import_csv<R: Read + MaybeSend>(
        &self,
        user: Uuid,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
    ) -> impl Future<Output = Result<Imported>> + MaybeSend {
        async move {
            self.import_csv_with_progress(user, input, options, mode, &mut |_| ControlFlow::Continue(()))
                .await
        }
    }

    /// [`import_csv`](Store::import_csv), calling `progress` after every chunk read (64 KiB)
    /// and after every stored batch. When `progress` breaks, the import stops at once.
    ///
    /// # Errors
    /// As [`import_csv`](Store::import_csv); [`ErrorKind::Interrupted`], with what was stored,
    /// when `progress` breaks (in strict mode, before anything is stored if it breaks while the
    /// file is read).
    fn import_csv_with_progress<R: Read + MaybeSend>(
        &self,
        user: Uuid,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
        progress: &mut ProgressCallback<'_>,
    ) -> impl Future<Output = Result<Imported>> + MaybeSend {
        async move {
            let job = import_job(user, options, mode);
            let writes = self.begin_import(user, mode == ImportMode::Strict, job).await?;
            import_with_progress(writes, input, options, mode, progress).await
        }
    }

    /// The stored leads of these Lead IDs (those that exist), in any order.
    fn find_leads(
        &self,
        user: Uuid,
        lead_ids: &[&str],
    ) -> impl Future<Output = Result<Vec<StoredLead>>> + MaybeSend;

    /// The import [`import_csv_with_progress`](Store::import_csv_with_progress) would run,
    /// compared with the stored leads and written nowhere: the same report and errors, the
    /// would-be counts, and the first [`MAX_DRY_RUN_CHANGES`] would-be updates field by field
    /// (in [`Imported::changes`]).
    ///
    /// # Errors
    /// As [`import_csv_with_progress`](Store::import_csv_with_progress).
    fn dry_run_csv_with_progress<R: Read + MaybeSend>(
        &self,
        user: Uuid,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
        progress: &mut ProgressCallback<'_>,
    ) -> impl Future<Output = Result<Imported>> + MaybeSend {
        async move {
            let mut changes = Vec::new();
            let writes = DryRunWrites { store: self, user, changes: &mut changes };
            let mut done = import_with_progress(writes, input, options, mode, progress).await?;
            done.changes = Some(changes);
            Ok(done)
        }
    }

    /// [`dry_run_csv_with_progress`](Store::dry_run_csv_with_progress) without progress.
    ///
    /// # Errors
    /// As [`import_csv`](Store::import_csv).
    fn dry_run_csv<R: Read + MaybeSend>(
        &self,
        user: Uuid,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
    ) -> impl Future<Output = Result<Imported>> + MaybeSend {
        async move {
            self.dry_run_csv_with_progress(user, input, options, mode, &mut |_| ControlFlow::Continue(()))
                .await
        }
    }
}

/// The writes of one import, opened by [`Store::begin_import`].
///
/// An atomic one keeps everything it is given invisible until [`commit`](ImportWrites::commit),
/// and dropping it without a commit stores none of it (a strict import streams its leads into
/// one, so a million rows never wait in memory). A batched one stores each batch as it is
/// written.
pub trait ImportWrites: MaybeSend {
    /// Whether nothing written shows before the commit.
    fn is_atomic(&self) -> bool;

    /// Leads per [`write`](ImportWrites::write), a multiple of [`IMPORT_BATCH`] (what one
    /// transaction or request of the store handles well).
    fn batch_size(&self) -> usize {
        IMPORT_BATCH
    }

    /// Writes a batch of valid leads by Lead ID as `plan` says; returns what it did to them, as
    /// far as it has written them yet.
    fn write(
        &mut self,
        leads: &[Lead],
        plan: &WritePlan,
    ) -> impl Future<Output = Result<UpsertOutcome>> + MaybeSend;

    /// Makes every write visible and marks the job done with `finish`; returns what the writes
    /// left for the commit did, and the job (none for a dry run).
    fn commit(
        self,
        finish: &JobFinish,
    ) -> impl Future<Output = Result<(UpsertOutcome, Option<Job>)>> + MaybeSend;
}

/// Batched import writes through [`Store::write_leads`], for stores with no transaction to
/// offer an import (MemoryStore, SupabaseStore): never atomic.
#[derive(Debug)]
pub struct BatchedWrites<'a, S: ?Sized> {
    store: &'a S,
    user: Uuid,
    job: JobStart,
}

impl<'a, S: Store + ?Sized> BatchedWrites<'a, S> {
    /// Writes for `user` into `store`, recorded as `job`.
    pub fn new(store: &'a S, user: Uuid, job: JobStart) -> Self {
        BatchedWrites { store, user, job }
    }
}

impl<S: Store + ?Sized> ImportWrites for BatchedWrites<'_, S> {
    fn is_atomic(&self) -> bool {
        false
    }

    async fn write(&mut self, leads: &[Lead], plan: &WritePlan) -> Result<UpsertOutcome> {
        self.store.write_leads(self.user, leads, plan, Some(&self.job)).await
    }

    async fn commit(self, finish: &JobFinish) -> Result<(UpsertOutcome, Option<Job>)> {
        let job = self.store.finish_job(self.user, &self.job, finish).await?;
        Ok((UpsertOutcome::default(), Some(job)))
    }
}

/// A bulk update of the leads matching `query`'s filters in `workspace`, run by `actor`.
pub(crate) async fn bulk_update<S: Store + ?Sized>(
    store: &S,
    workspace: Uuid,
    actor: Uuid,
    query: &LeadQuery,
    patch: &LeadPatch,
) -> Result<Job> {
    let options = ImportOptions::default();
    patch.check(&options)?;
    let spec =
        JobSpec { query: Some(query.filters_only()), patch: Some(patch.clone()), ..JobSpec::default() };
    let start = JobStart::new(JobKind::BulkUpdate, actor, spec);
    let plan = WritePlan::of_patch(patch);
    let mut walk = BulkWalk::new(query);
    while let Some(page) = walk.next(store, workspace).await? {
        let leads = page.iter().map(|s| patch.apply(&s.lead, &options)).collect::<Result<Vec<_>>>()?;
        store.write_leads(workspace, &leads, &plan, Some(&start)).await?;
    }
    store.finish_job(workspace, &start, &JobFinish::default()).await
}

/// A bulk delete of the leads matching `query`'s filters in `workspace`, run by `actor`.
pub(crate) async fn bulk_delete<S: Store + ?Sized>(
    store: &S,
    workspace: Uuid,
    actor: Uuid,
    query: &LeadQuery,
) -> Result<Job> {
    let spec = JobSpec { query: Some(query.filters_only()), ..JobSpec::default() };
    let start = JobStart::new(JobKind::BulkDelete, actor, spec);
    let mut walk = BulkWalk::new(query);
    while let Some(page) = walk.next(store, workspace).await? {
        let ids: Vec<&str> = page.iter().map(|s| s.lead.lead_id.as_str()).collect();
        store.remove_leads(workspace, &ids, Some(&start)).await?;
    }
    store.finish_job(workspace, &start, &JobFinish::default()).await
}

/// The job of an import of `options` in `mode` run by `actor`.
pub(crate) fn import_job(actor: Uuid, options: &ImportOptions, mode: ImportMode) -> JobStart {
    let spec = JobSpec { mode: Some(mode), options: Some(options.clone()), ..JobSpec::default() };
    let mut job = JobStart::new(JobKind::Import, actor, spec);
    job.file_name.clone_from(&options.file_name);
    job
}

/// The walk of a bulk edit: the leads matching a query's filters, a page of [`IMPORT_BATCH`]
/// at a time by keyset, oldest first. Each page is edited before the next is read; the keyset
/// (creation time and id, which no edit changes) carries on past edited and deleted leads.
struct BulkWalk {
    query: LeadQuery,
    done: bool,
}

impl BulkWalk {
    fn new(query: &LeadQuery) -> Self {
        let mut query = query.filters();
        query.sort = vec![crate::query::Sort::asc(crate::query::SortKey::CreatedAt)];
        query.limit = Some(IMPORT_BATCH as u32);
        BulkWalk { query, done: false }
    }

    async fn next<S: Store + ?Sized>(&mut self, store: &S, user: Uuid) -> Result<Option<Vec<StoredLead>>> {
        if self.done {
            return Ok(None);
        }
        let page = store.query(user, &self.query).await?;
        match page.next_cursor {
            Some(cursor) => self.query.cursor = Some(cursor),
            None => self.done = true,
        }
        Ok(if page.items.is_empty() { None } else { Some(page.items) })
    }
}

/// A dry run's writes: each batch is compared with the stored leads of its Lead IDs, and
/// nothing is written.
pub(crate) struct DryRunWrites<'a, S: ?Sized> {
    pub(crate) store: &'a S,
    pub(crate) user: Uuid,
    pub(crate) changes: &'a mut Vec<LeadChange>,
}

impl<S: Store + ?Sized> ImportWrites for DryRunWrites<'_, S> {
    fn is_atomic(&self) -> bool {
        false
    }

    async fn write(&mut self, leads: &[Lead], plan: &WritePlan) -> Result<UpsertOutcome> {
        let unique = dedupe_last(leads);
        let ids: Vec<&str> = unique.iter().map(|l| l.lead_id.as_str()).collect();
        let stored: std::collections::HashMap<String, Lead> = self
            .store
            .find_leads(self.user, &ids)
            .await?
            .into_iter()
            .map(|s| (s.lead.lead_id.clone(), s.lead))
            .collect();
        let mut outcome = UpsertOutcome::default();
        for lead in unique {
            let before = stored.get(&lead.lead_id);
            match plan.decide(before, lead) {
                Decision::Insert => outcome.inserted += 1,
                Decision::Unchanged => outcome.unchanged += 1,
                Decision::Skip => outcome.skipped += 1,
                Decision::Update(after) => {
                    outcome.updated += 1;
                    if let Some(before) = before
                        && self.changes.len() < MAX_DRY_RUN_CHANGES
                    {
                        self.changes.push(LeadChange::between(before, &after));
                    }
                }
            }
        }
        Ok(outcome)
    }

    async fn commit(self, _finish: &JobFinish) -> Result<(UpsertOutcome, Option<Job>)> {
        Ok((UpsertOutcome::default(), None))
    }
}

/// The import driver behind [`Store::import_csv_with_progress`].
///
/// A skip_invalid import stores whole batches as the file is read. A strict one streams into
/// atomic writes when the store has them, committed once the whole file has checked out;
/// otherwise its leads wait until then.
pub(crate) async fn import_with_progress<W: ImportWrites, R: Read>(
    mut writes: W,
    mut input: R,
    options: &ImportOptions,
    mode: ImportMode,
    progress: &mut ProgressCallback<'_>,
) -> Result<Imported> {
    let mut v = Validator::new(options)?.keep_rejected(false);
    let atomic = writes.is_atomic();
    let size = writes.batch_size().max(1);
    // Stored (visible) so far, and written into atomic writes not yet committed.
    let mut imported = UpsertOutcome::default();
    let mut held = UpsertOutcome::default();
    let mut batches = 0;
    let mut report_progress =
        |v: &Validator, stored: UpsertOutcome, batches: usize| match progress(&ImportProgress {
            validation: v.progress(),
            stored,
        }) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(Error::from(ErrorKind::Interrupted { stored, batches })),
        };
    let mut pending: Vec<Lead> = Vec::new();
    let mut plan: Option<WritePlan> = None;
    let mut buf = vec![0; 64 * 1024];
    let mut sha = <sha2::Sha256 as sha2::Digest>::new();
    let mut bytes = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        sha2::Digest::update(&mut sha, &buf[..n]);
        bytes += n as u64;
        v.push(&buf[..n]);
        pending.extend(v.drain_leads());
        // A strict import that has met an error will store nothing: its leads are dropped.
        let doomed = mode == ImportMode::Strict && v.progress().invalid > 0;
        if doomed {
            pending.clear();
        }
        let stream = mode == ImportMode::SkipInvalid || atomic && !doomed;
        if stream && pending.len() >= size && v.progress().rows > 0 {
            // The header is known good once rows are flowing: write as we go, in whole batches
            // (the rest waits for the next chunk), so what is stored is always the first
            // batches × size valid leads of the file.
            let whole = pending.len() - pending.len() % size;
            let plan = *plan.get_or_insert_with(|| write_plan(&v, options));
            for batch in pending[..whole].chunks(size) {
                let done = writes.write(batch, &plan).await?;
                tally(atomic, done, &mut held, &mut imported, &mut batches);
            }
            pending.drain(..whole);
        }
        report_progress(&v, imported, batches)?;
        if v.is_stopped() {
            break;
        }
    }
    let report = v.finish();
    pending.extend(v.drain_leads());
    let rejected = report.file_errors().next().is_some() || mode == ImportMode::Strict && report.has_errors();
    if rejected {
        return Err(ErrorKind::ImportRejected { report: Box::new(report) }.into());
    }
    let plan = plan.unwrap_or_else(|| write_plan(&v, options));
    for batch in pending.chunks(size) {
        let done = writes.write(batch, &plan).await?;
        tally(atomic, done, &mut held, &mut imported, &mut batches);
        if !atomic {
            report_progress(&v, imported, batches)?;
        }
    }
    let finish = JobFinish {
        bytes,
        sha256: Some(job::hex(&sha2::Digest::finalize(sha))),
        issues: report.issues.iter().take(MAX_JOB_ISSUES).cloned().collect(),
    };
    let (done, job) = writes.commit(&finish).await?;
    if atomic {
        held += done;
        imported += held;
        // Everything is stored: a stop asked for now changes nothing.
        let _ = progress(&ImportProgress { validation: v.progress(), stored: imported });
    }
    Ok(Imported { report, imported, changes: None, job })
}

/// Counts a written batch: held until the commit in atomic writes, stored otherwise.
fn tally(
    atomic: bool,
    done: UpsertOutcome,
    held: &mut UpsertOutcome,
    stored: &mut UpsertOutcome,
    batches: &mut usize,
) {
    if atomic {
        *held += done;
    } else {
        *stored += done;
        *batches += 1;
    }
}

/// How an import writes: the fields of the file's columns, the options' policies.
fn write_plan(v: &Validator, options: &ImportOptions) -> WritePlan {
    let fields = v.columns().unwrap_or_default().iter().filter_map(|c| c.field);
    let mut plan = WritePlan::with_columns(fields);
    (plan.on_existing, plan.on_new, plan.blanks) = (options.on_existing, options.on_new, options.blanks);
    plan
}

/// How far an import has got: the validation so far and what has been stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportProgress {
    /// Bytes read, rows validated, valid and invalid so far.
    pub validation: Progress,
    /// Leads stored so far (in strict mode nothing is stored before the whole file is checked).
    pub stored: UpsertOutcome,
}
