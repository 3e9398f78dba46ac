//! The store trait every backend implements (DESIGN §7), and the types it speaks.
//!
//! The methods are `async` so the same trait serves an in-process map and an HTTP backend, on
//! native targets and on wasm32. Their futures are not required to be `Send`.

use std::io::Read;
use std::ops::ControlFlow;

use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use crate::error::{Error, ErrorKind, Result};
use crate::lead::Lead;
use crate::options::ImportOptions;
use crate::query::LeadQuery;
use crate::report::{Issue, Report};
use crate::rules::{Checked, Rules, trim};
use crate::schema::{Field, InterestLevel};
use crate::time::Timestamp;
use crate::user::{User, UserRecord};
use crate::validator::{Progress, Validator};

/// Leads sent to the store per call during an import.
pub const IMPORT_BATCH: usize = 1000;

/// A lead as stored for a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLead {
    /// The store's id of the lead (UUID v4).
    pub id: Uuid,
    /// The owner.
    pub user_uuid: Uuid,
    /// When the lead was first stored.
    pub created_at: Timestamp,
    /// When the lead last changed.
    pub updated_at: Timestamp,
    /// The lead's fields.
    #[serde(flatten)]
    pub lead: Lead,
}

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

/// What a bulk upsert did. Duplicate Lead IDs within one call count once, as their last copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpsertOutcome {
    /// New leads.
    pub inserted: u64,
    /// Existing leads whose fields changed.
    pub updated: u64,
    /// Existing leads already exactly so.
    pub unchanged: u64,
}

impl std::ops::AddAssign for UpsertOutcome {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
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

/// Changes to one lead; absent fields stay as they are. Values are checked by the import's row
/// rules (default options) and normalised the same way.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_name: Option<String>,
    /// New contact information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_information: Option<String>,
    /// New source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// New interest level (`High`, `warm`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest_level: Option<String>,
    /// New status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `Some(None)` (JSON `null` or an empty string) unassigns.
    #[serde(default, deserialize_with = "some_or_null", skip_serializing_if = "Option::is_none")]
    pub salesperson: Option<Option<String>>,
}

fn some_or_null<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl LeadPatch {
    /// The lead with the patch applied, every changed value checked by the row rules.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLead`] with one issue per broken rule.
    pub fn apply(&self, lead: &Lead) -> Result<Lead> {
        let rules = Rules::new(&ImportOptions::default())?;
        let mut out = lead.clone();
        let mut issues = Vec::new();
        let salesperson = self.salesperson.as_ref().map(|s| s.clone().unwrap_or_default());
        let changes = [
            (Field::LeadName, &self.lead_name),
            (Field::ContactInformation, &self.contact_information),
            (Field::Source, &self.source),
            (Field::InterestLevel, &self.interest_level),
            (Field::Status, &self.status),
            (Field::Salesperson, &salesperson),
        ];
        for (field, value) in changes {
            let Some(value) = value else { continue };
            match rules.check(field, trim(value)) {
                Ok(checked) => match (field, checked) {
                    (Field::InterestLevel, Checked::Interest(level)) => out.interest_level = level,
                    (Field::Status, Checked::Status(i)) => out.status = rules.status_name(i).to_owned(),
                    (Field::Salesperson, Checked::Empty) => out.salesperson = None,
                    (Field::Salesperson, Checked::Text(t)) => out.salesperson = Some(t.into_owned()),
                    (Field::LeadName, Checked::Text(t)) => out.lead_name = t.into_owned(),
                    (Field::ContactInformation, Checked::Text(t)) => out.contact_information = t.into_owned(),
                    (Field::Source, Checked::Text(t)) => out.source = t.into_owned(),
                    _ => {}
                },
                Err(broken) => issues.push(Issue {
                    line: None,
                    record: None,
                    column: Some(field.label().to_owned()),
                    field: Some(field),
                    value: Some(value.clone()),
                    code: broken.code,
                    severity: broken.code.severity(),
                    message: broken.message,
                }),
            }
        }
        if issues.is_empty() { Ok(out) } else { Err(ErrorKind::InvalidLead { issues }.into()) }
    }
}

/// A lead from outside a CSV import (an API call, a browser) checked by the row rules (default
/// options) and normalised the same way.
///
/// # Errors
/// [`ErrorKind::InvalidLead`] with one issue per broken rule.
pub fn check_lead(lead: &Lead) -> Result<Lead> {
    let interest = lead.interest_level.as_str().to_owned();
    let patch = LeadPatch {
        lead_name: Some(lead.lead_name.clone()),
        contact_information: Some(lead.contact_information.clone()),
        source: Some(lead.source.clone()),
        interest_level: Some(interest),
        status: Some(lead.status.clone()),
        salesperson: Some(lead.salesperson.clone()),
    };
    let id_issue = Rules::new(&ImportOptions::default())?
        .check(Field::LeadId, trim(&lead.lead_id))
        .err()
        .map(|broken| Issue {
            line: None,
            record: None,
            column: Some(Field::LeadId.label().to_owned()),
            field: Some(Field::LeadId),
            value: Some(lead.lead_id.clone()),
            code: broken.code,
            severity: broken.code.severity(),
            message: broken.message,
        });
    match (patch.apply(lead), id_issue) {
        (Ok(mut checked), None) => {
            checked.lead_id = trim(&lead.lead_id).to_owned();
            Ok(checked)
        }
        (Ok(_), Some(issue)) => Err(ErrorKind::InvalidLead { issues: vec![issue] }.into()),
        (Err(e), None) => Err(e),
        (Err(e), Some(issue)) => match e.into_kind() {
            ErrorKind::InvalidLead { mut issues } => {
                issues.insert(0, issue);
                Err(ErrorKind::InvalidLead { issues }.into())
            }
            other => Err(other.into()),
        },
    }
}

/// A salesperson name checked by the row rules (trimmed, 1 to 128 characters).
pub(crate) fn salesperson_name(name: &str) -> Result<String> {
    let patch = LeadPatch { salesperson: Some(Some(name.to_owned())), ..LeadPatch::default() };
    let probe = Lead {
        lead_id: String::new(),
        lead_name: String::new(),
        contact_information: String::new(),
        source: String::new(),
        interest_level: InterestLevel::Low,
        status: String::new(),
        salesperson: None,
    };
    match patch.apply(&probe)?.salesperson {
        Some(name) => Ok(name),
        None => Err(ErrorKind::InvalidOption {
            option: "name".into(),
            message: "a salesperson needs a name".into(),
        }
        .into()),
    }
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

/// Whether a lead matches a query's filters.
#[must_use]
pub fn matches(lead: &StoredLead, q: &LeadQuery) -> bool {
    let l = &lead.lead;
    let any_ci = |wanted: &[String], value: &str| wanted.is_empty() || wanted.iter().any(|w| eq_ci(w, value));
    if !any_ci(&q.source, &l.source) || !any_ci(&q.status, &l.status) {
        return false;
    }
    if !q.interest_level.is_empty() && !q.interest_level.contains(&l.interest_level) {
        return false;
    }
    if !q.salesperson.is_empty() || q.unassigned {
        let ok = match &l.salesperson {
            Some(s) => q.salesperson.iter().any(|w| eq_ci(w, s)),
            None => q.unassigned,
        };
        if !ok {
            return false;
        }
    }
    if let Some(text) = &q.q {
        let needle = text.to_lowercase();
        let hit = [&l.lead_id, &l.lead_name, &l.contact_information]
            .iter()
            .any(|f| f.to_lowercase().contains(&needle));
        if !hit {
            return false;
        }
    }
    q.created_after.is_none_or(|t| lead.created_at >= t)
        && q.created_before.is_none_or(|t| lead.created_at < t)
}

/// Case-insensitive equality (Unicode lower case).
pub(crate) fn eq_ci(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() || !b.is_ascii()) && a.to_lowercase() == b.to_lowercase()
}

/// The interest level's rank for sorting (Low 0, Medium 1, High 2).
pub(crate) fn interest_rank(level: InterestLevel) -> u8 {
    level as u8
}
