//! The store trait every backend implements (DESIGN §7), and the types it speaks.
//!
//! The methods are `async` so the same trait serves an in-process map and an HTTP backend, on
//! native targets and on wasm32. Their futures are not required to be `Send`.

pub(crate) mod accounts;
pub(crate) mod memory;
#[cfg(feature = "supabase")]
pub(crate) mod supabase;

pub use accounts::{login, register};
pub use memory::MemoryStore;
#[cfg(feature = "supabase")]
pub use supabase::{ProgressFn, SupabaseOptions, SupabaseStore, UpsertProgress, query_params, quote};

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

/// Where a user's data lives. [`MemoryStore`](crate::MemoryStore) is the embedded one.
///
/// All lead methods are scoped to one user: another user's leads are never seen or changed.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Stores a new user (`password` is the hash to keep).
    ///
    /// # Errors
    /// [`ErrorKind::UsernameTaken`] when the name exists in any letter case.
    async fn create_user(&self, uuid: Uuid, username: &str, password: &str) -> Result<User>;

    /// Finds a user by username, case-insensitively.
    async fn find_user(&self, username: &str) -> Result<Option<UserRecord>>;

    /// Replaces a user's stored password hash.
    async fn set_password(&self, user: Uuid, password: &str) -> Result<()>;

    /// Inserts or updates leads by `(user, lead_id)`.
    async fn upsert_leads(&self, user: Uuid, leads: &[Lead]) -> Result<UpsertOutcome>;

    /// One page of the user's leads.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidQuery`] for a cursor of another query.
    async fn query(&self, user: Uuid, query: &LeadQuery) -> Result<Page>;

    /// One lead by its Lead ID.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`].
    async fn get_lead(&self, user: Uuid, lead_id: &str) -> Result<StoredLead>;

    /// Changes one lead; the patch is checked by the row rules.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], [`ErrorKind::InvalidLead`].
    async fn update_lead(&self, user: Uuid, lead_id: &str, patch: &LeadPatch) -> Result<StoredLead>;

    /// Deletes one lead.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`].
    async fn delete_lead(&self, user: Uuid, lead_id: &str) -> Result<()>;

    /// Adds a salesperson.
    ///
    /// # Errors
    /// [`ErrorKind::SalespersonExists`], [`ErrorKind::InvalidLead`] for an unusable name.
    async fn add_salesperson(&self, user: Uuid, name: &str) -> Result<Salesperson>;

    /// Renames a salesperson; their leads follow.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], [`ErrorKind::SalespersonExists`].
    async fn rename_salesperson(&self, user: Uuid, id: Uuid, name: &str) -> Result<Salesperson>;

    /// Marks a salesperson inactive (their leads keep them).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`].
    async fn deactivate_salesperson(&self, user: Uuid, id: Uuid) -> Result<Salesperson>;

    /// The user's salespeople with their lead counts, by name.
    async fn salespeople(&self, user: Uuid) -> Result<Vec<Salesperson>>;

    /// Validates a CSV file and stores its valid leads for `user`, in batches of
    /// [`IMPORT_BATCH`]. `Strict` stores nothing when any row has an error; `SkipInvalid`
    /// stores the valid rows. Importing the same file again changes nothing (all `unchanged`).
    ///
    /// # Errors
    /// [`ErrorKind::ImportRejected`] (with the report) when the file has a file-level error, or
    /// any error in strict mode; I/O and store errors.
    async fn import_csv<R: Read>(
        &self,
        user: Uuid,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
    ) -> Result<Imported> {
        self.import_csv_with_progress(user, input, options, mode, &mut |_| ControlFlow::Continue(())).await
    }

    /// [`import_csv`](Store::import_csv), calling `progress` after every chunk read (64 KiB)
    /// and after every stored batch. When `progress` breaks, the import stops at once.
    ///
    /// # Errors
    /// As [`import_csv`](Store::import_csv); [`ErrorKind::Interrupted`], with what was stored,
    /// when `progress` breaks (in strict mode, before anything is stored if it breaks while the
    /// file is read).
    async fn import_csv_with_progress<R: Read>(
        &self,
        user: Uuid,
        mut input: R,
        options: &ImportOptions,
        mode: ImportMode,
        progress: &mut dyn FnMut(&ImportProgress) -> ControlFlow<()>,
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
                // The header is known good once rows are flowing: store as we go.
                for batch in pending.chunks(IMPORT_BATCH) {
                    imported += self.upsert_leads(user, batch).await?;
                    batches += 1;
                }
                pending.clear();
            }
            report_progress(&v, imported, batches)?;
            if v.is_stopped() {
                break;
            }
        }
        let report = v.finish();
        pending.extend(v.drain_leads());
        let rejected =
            report.file_errors().next().is_some() || mode == ImportMode::Strict && report.has_errors();
        if rejected {
            return Err(ErrorKind::ImportRejected { report: Box::new(report) }.into());
        }
        for batch in pending.chunks(IMPORT_BATCH) {
            imported += self.upsert_leads(user, batch).await?;
            batches += 1;
            report_progress(&v, imported, batches)?;
        }
        Ok(Imported { report, imported })
    }
}

/// How far an import has got: the validation so far and what has been stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportProgress {
    /// Bytes read, rows validated, valid and invalid so far.
    pub validation: Progress,
    /// Leads stored so far (in strict mode nothing is stored before the whole file is checked).
    pub stored: UpsertOutcome,
}
