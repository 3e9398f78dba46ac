//! The store trait every backend implements (DESIGN §7), and the types it speaks.
//!
//! The methods are `async` so the same trait serves an in-process map and an HTTP backend, on
//! native targets and on wasm32. Their futures are not required to be `Send`.

pub(crate) mod accounts;
pub(crate) mod memory;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod sqlite;
#[cfg(feature = "supabase")]
pub(crate) mod supabase;

pub use accounts::{login, register};
pub use memory::MemoryStore;
#[cfg(not(target_arch = "wasm32"))]
pub use sqlite::SqliteStore;
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
use crate::model::{Lead, Report, StoredLead, UpsertOutcome, User, UserRecord};
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// The validation report.
    pub report: Report,
    /// What happened to the valid leads.
    pub imported: UpsertOutcome,
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

    /// Inserts or updates leads by `(user, lead_id)`.
    fn upsert_leads(
        &self,
        user: Uuid,
        leads: &[Lead],
    ) -> impl Future<Output = Result<UpsertOutcome>> + MaybeSend;

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
        async move { import_with_progress(self, user, input, options, mode, progress).await }
    }
}

/// The import driver behind [`Store::import_csv_with_progress`].
async fn import_with_progress<S: Store + ?Sized, R: Read>(
    store: &S,
    user: Uuid,
    mut input: R,
    options: &ImportOptions,
    mode: ImportMode,
    progress: &mut ProgressCallback<'_>,
) -> Result<Imported> {
    let mut v = Validator::new(options)?.keep_rejected(false);
    let mut imported = UpsertOutcome::default();
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
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        v.push(&buf[..n]);
        pending.extend(v.drain_leads());
        if mode == ImportMode::SkipInvalid && pending.len() >= IMPORT_BATCH && v.progress().rows > 0 {
            // The header is known good once rows are flowing: store as we go, in whole batches
            // (the rest waits for the next chunk), so what is stored is always the first
            // batches × IMPORT_BATCH valid leads of the file.
            let whole = pending.len() - pending.len() % IMPORT_BATCH;
            for batch in pending[..whole].chunks(IMPORT_BATCH) {
                imported += store.upsert_leads(user, batch).await?;
                batches += 1;
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
    for batch in pending.chunks(IMPORT_BATCH) {
        imported += store.upsert_leads(user, batch).await?;
        batches += 1;
        report_progress(&v, imported, batches)?;
    }
    Ok(Imported { report, imported })
}

/// How far an import has got: the validation so far and what has been stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportProgress {
    /// Bytes read, rows validated, valid and invalid so far.
    pub validation: Progress,
    /// Leads stored so far (in strict mode nothing is stored before the whole file is checked).
    pub stored: UpsertOutcome,
}
