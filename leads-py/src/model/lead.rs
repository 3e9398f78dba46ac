//! `Lead` (a lead from a file or from a store) and `LeadList` (the valid leads of a validation,
//! turned into Python objects only when asked for).

use std::sync::Arc;

use leads_core::{StoredLead, Timestamp, Uuid};
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PySlice;

use crate::to_dict;

/// What a store adds to a lead.
#[derive(Clone, PartialEq)]
struct Stored {
    id: Uuid,
    user_uuid: Uuid,
    created_at: Timestamp,
    updated_at: Timestamp,
}

/// A valid lead: the seven fields, normalised by the import rules. Leads read from a store also
/// have `id`, `user_uuid`, `created_at` and `updated_at` (``None`` for leads from a file).
#[pyclass(module = "leads._leads", frozen, eq)]
#[derive(Clone)]
pub(crate) struct Lead {
    data: LeadData,
    stored: Option<Stored>,
}

/// A lead's fields: its own, or a place in a validation's leads (so that iterating over a
/// million leads makes a million small objects, not seven million strings).
#[derive(Clone)]
enum LeadData {
    Own(leads_core::Lead),
    In(Arc<Leads>, usize),
}

impl PartialEq for Lead {
    fn eq(&self, other: &Self) -> bool {
        self.row() == other.row() && self.stored == other.stored
    }
}

impl From<leads_core::Lead> for Lead {
    fn from(lead: leads_core::Lead) -> Self {
        Lead { data: LeadData::Own(lead), stored: None }
    }
}

impl From<StoredLead> for Lead {
    fn from(s: StoredLead) -> Self {
        let stored =
            Stored { id: s.id, user_uuid: s.user_uuid, created_at: s.created_at, updated_at: s.updated_at };
        Lead { data: LeadData::Own(s.lead), stored: Some(stored) }
    }
}

/// A `Lead` object that Python's cyclic garbage collector does not track: a `Lead` holds no
/// Python object, so it can be in no reference cycle, and a million tracked ones
/// (`list(report.leads)`) make the collector run over and over — 1.02 s against 0.16 s for
/// 980,055 leads, measured (BENCHMARKS.md).
pub(crate) fn untracked<'py>(py: Python<'py>, lead: Lead) -> PyResult<Bound<'py, Lead>> {
    let object = Bound::new(py, lead)?;
    // SAFETY: `object` is a live object of a GC type (every pyclass is one), just made; a `Lead`
    // holds only Rust data, so no cycle can go through it. Untracking twice is allowed by
    // CPython (pyo3's dealloc untracks again), as for tuples the interpreter untracks itself.
    #[allow(unsafe_code)]
    unsafe {
        pyo3::ffi::PyObject_GC_UnTrack(object.as_ptr().cast())
    };
    Ok(object)
}

impl Lead {
    /// The lead at `index` of `leads` (which has it), made without copying its fields.
    fn at(leads: &Arc<Leads>, index: usize) -> Self {
        Lead { data: LeadData::In(Arc::clone(leads), index), stored: None }
    }

    /// The seven fields, borrowed.
    pub(crate) fn row(&self) -> leads_core::LeadRow<'_> {
        match &self.data {
            LeadData::Own(lead) => lead.row(),
            LeadData::In(leads, i) => leads.row(*i),
        }
    }

    /// The lead, owned.
    pub(crate) fn lead(&self) -> leads_core::Lead {
        self.row().to_lead()
    }
}

#[pymethods]
impl Lead {
    /// The lead's identifier in the user's own system (unique per user).
    #[getter]
    fn lead_id(&self) -> &str {
        self.row().lead_id
    }

    /// The lead's name.
    #[getter]
    fn lead_name(&self) -> &str {
        self.row().lead_name
    }

    /// Emails (lower-cased) and/or phone numbers (as given).
    #[getter]
    fn contact_information(&self) -> &str {
        self.row().contact_information
    }

    /// Where the lead came from.
    #[getter]
    fn source(&self) -> &str {
        self.row().source
    }

    /// ``"High"``, ``"Medium"`` or ``"Low"``.
    #[getter]
    fn interest_level(&self) -> &'static str {
        self.row().interest_level.as_str()
    }

    /// A status of the vocabulary, in its canonical casing.
    #[getter]
    fn status(&self) -> &str {
        self.row().status
    }

    /// The assigned salesperson, or ``None``.
    #[getter]
    fn salesperson(&self) -> Option<&str> {
        self.row().salesperson
    }

    /// The store's id of the lead (a UUID string), or ``None`` for a lead from a file.
    #[getter]
    fn id(&self) -> Option<String> {
        self.stored.as_ref().map(|s| s.id.to_string())
    }

    /// The owner's UUID, or ``None`` for a lead from a file.
    #[getter]
    fn user_uuid(&self) -> Option<String> {
        self.stored.as_ref().map(|s| s.user_uuid.to_string())
    }

    /// When the lead was first stored (RFC 3339, UTC), or ``None``.
    #[getter]
    fn created_at(&self) -> Option<String> {
        self.stored.as_ref().map(|s| s.created_at.to_string())
    }

    /// When the lead last changed (RFC 3339, UTC), or ``None``.
    #[getter]
    fn updated_at(&self) -> Option<String> {
        self.stored.as_ref().map(|s| s.updated_at.to_string())
    }

    /// The lead as a dict with the seed's snake_case column names (the REST JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.stored {
            None => to_dict(py, &self.lead()),
            Some(s) => to_dict(
                py,
                &StoredLead {
                    id: s.id,
                    user_uuid: s.user_uuid,
                    created_at: s.created_at,
                    updated_at: s.updated_at,
                    lead: self.lead(),
                },
            ),
        }
    }

    fn __repr__(&self) -> String {
        let r = self.row();
        format!(
            "Lead(lead_id={:?}, lead_name={:?}, status={:?}, interest_level={:?})",
            r.lead_id,
            r.lead_name,
            r.status,
            r.interest_level.as_str()
        )
    }
}

/// Leads held by a `LeadList`: the compact table of `validate_csv`, or a list.
pub(crate) enum Leads {
    Table(leads_core::LeadTable),
    List(Vec<leads_core::Lead>),
}

impl Leads {
    fn len(&self) -> usize {
        match self {
            Leads::Table(t) => t.len(),
            Leads::List(l) => l.len(),
        }
    }

    fn get(&self, i: usize) -> Option<leads_core::Lead> {
        (i < self.len()).then(|| self.row(i).to_lead())
    }

    /// The lead at `i < len()`, borrowed.
    fn row(&self, i: usize) -> leads_core::LeadRow<'_> {
        match self {
            Leads::Table(t) => t.row(i).unwrap_or_else(|| unreachable!("index {i} checked by the caller")),
            Leads::List(l) => l[i].row(),
        }
    }
}

/// The valid leads of a validation, in file order: a read-only sequence (``len``, indexing,
/// slicing, iteration) whose ``Lead`` objects are made only when read.
#[pyclass(module = "leads._leads", frozen, sequence)]
pub(crate) struct LeadList {
    pub(crate) leads: Arc<Leads>,
}

#[pymethods]
impl LeadList {
    fn __len__(&self) -> usize {
        self.leads.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(slice) = index.cast::<PySlice>() {
            let ix = slice.indices(self.leads.len().try_into().unwrap_or(isize::MAX))?;
            let picked = (0..ix.slicelength)
                .map(|k| {
                    let i = (ix.start + ix.step * k as isize) as usize;
                    untracked(py, Lead::at(&self.leads, i))
                })
                .collect::<PyResult<Vec<_>>>()?;
            return picked.into_pyobject(py).map(Bound::into_any);
        }
        // An int beyond any index is out of range, as for a list (not an OverflowError).
        let i: isize = match index.extract() {
            Ok(i) => i,
            Err(_) if index.cast::<pyo3::types::PyInt>().is_ok() => {
                return Err(PyIndexError::new_err("lead index out of range"));
            }
            Err(e) => return Err(e),
        };
        let len = self.leads.len() as isize;
        let at = if i < 0 { i + len } else { i };
        if !(0..len).contains(&at) {
            return Err(PyIndexError::new_err("lead index out of range"));
        }
        untracked(py, Lead::at(&self.leads, at as usize)).map(Bound::into_any)
    }

    fn __iter__(&self) -> LeadIter {
        LeadIter { leads: Arc::clone(&self.leads), next: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// Every lead as a dict (see ``Lead.to_dict``).
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        (0..self.leads.len()).filter_map(|i| self.leads.get(i)).map(|l| to_dict(py, &l)).collect()
    }

    /// The leads as an Arrow table (seven string columns named as the Lead's fields;
    /// `salesperson` null when unassigned), exported through the Arrow PyCapsule interface
    /// (``__arrow_c_stream__``): ``pyarrow.table(leads.to_arrow())``, ``polars.DataFrame(...)``.
    /// The columns are built from the compact table with no Python object per lead (on two
    /// threads from 20,000 leads on, the GIL released).
    ///
    /// With ``string_view=True`` the columns are Arrow's ``string_view`` (what polars holds, so
    /// ``to_polars`` uses it: no conversion there) instead of ``string``.
    #[pyo3(signature = (*, string_view=false))]
    fn to_arrow(&self, py: Python<'_>, string_view: bool) -> PyResult<pyo3_arrow::PyTable> {
        let batch = py
            .detach(|| if string_view { arrow_view_batch(&self.leads) } else { arrow_batch(&self.leads) })
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let schema = batch.schema();
        pyo3_arrow::PyTable::try_new(vec![batch], schema)
    }

    /// The leads as a polars ``DataFrame`` (from ``to_arrow()``); needs polars installed.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let polars = optional_module(py, "polars", "to_polars")?;
        polars.getattr("DataFrame")?.call1((self.to_arrow(py, true)?,))
    }

    /// The leads as a pandas ``DataFrame`` (from ``to_arrow()``); needs pandas ≥ 3 (or pandas
    /// and pyarrow).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = optional_module(py, "pandas", "to_pandas")?;
        let frame = pandas.getattr("DataFrame")?;
        let table = self.to_arrow(py, false)?;
        if frame.hasattr("from_arrow")? {
            return frame.call_method1("from_arrow", (table,));
        }
        optional_module(py, "pyarrow", "to_pandas")?
            .call_method1("table", (table,))?
            .call_method0("to_pandas")
    }

    fn __repr__(&self) -> String {
        format!("<LeadList of {} leads>", self.leads.len())
    }
}

/// An iterator over a ``LeadList``.
#[pyclass(module = "leads._leads", frozen)]
pub(crate) struct LeadIter {
    leads: Arc<Leads>,
    next: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl LeadIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, Lead>>> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (i < self.leads.len()).then(|| untracked(py, Lead::at(&self.leads, i))).transpose()
    }
}

/// The leads as one Arrow record batch of `string` columns.
fn arrow_batch(leads: &Leads) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
    let n = leads.len();
    batch_of(
        leads,
        || arrow_array::builder::StringBuilder::with_capacity(n, n * 16),
        arrow_schema::DataType::Utf8,
    )
}

/// The same with `string_view` columns.
fn arrow_view_batch(leads: &Leads) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
    let n = leads.len();
    batch_of(
        leads,
        || arrow_array::builder::StringViewBuilder::with_capacity(n),
        arrow_schema::DataType::Utf8View,
    )
}

/// A string column builder of either kind.
trait TextColumn {
    fn option(&mut self, text: Option<&str>);
    fn done(&mut self) -> arrow_array::ArrayRef;
}

macro_rules! text_column {
    ($builder:ty) => {
        impl TextColumn for $builder {
            fn option(&mut self, text: Option<&str>) {
                self.append_option(text);
            }
            fn done(&mut self) -> arrow_array::ArrayRef {
                std::sync::Arc::new(self.finish())
            }
        }
    };
}
text_column!(arrow_array::builder::StringBuilder);
text_column!(arrow_array::builder::StringViewBuilder);

/// The columns, in the Lead's field order (`salesperson`, the only nullable one, last).
const COLUMNS: [&str; 7] =
    ["lead_id", "lead_name", "contact_information", "source", "interest_level", "status", "salesperson"];

/// From this many leads on, a second thread fills about half the bytes (the contact column and
/// the short ones) while this one fills the rest; below it, a thread costs more than it saves.
const TWO_THREADS_FROM: usize = 20_000;

/// Fills the columns numbered `which` (indexes into [`COLUMNS`]) from every lead.
fn fill_columns<B: TextColumn>(
    leads: &Leads,
    which: &[usize],
    make: impl Fn() -> B,
) -> Vec<arrow_array::ArrayRef> {
    let mut columns: Vec<B> = which.iter().map(|_| make()).collect();
    for i in 0..leads.len() {
        let r = leads.row(i);
        let texts = [
            Some(r.lead_id),
            Some(r.lead_name),
            Some(r.contact_information),
            Some(r.source),
            Some(r.interest_level.as_str()),
            Some(r.status),
            r.salesperson,
        ];
        for (column, &field) in columns.iter_mut().zip(which) {
            column.option(texts[field]);
        }
    }
    columns.iter_mut().map(TextColumn::done).collect()
}

/// Fills the seven columns (salesperson null when unassigned), on two threads for many leads,
/// and makes the batch.
fn batch_of<B: TextColumn>(
    leads: &Leads,
    make: impl Fn() -> B + Sync,
    kind: arrow_schema::DataType,
) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
    use arrow_schema::{Field, Schema};
    let two_threads =
        leads.len() >= TWO_THREADS_FROM && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let arrays = if two_threads {
        const OTHER: [usize; 4] = [2, 4, 5, 6];
        const MINE: [usize; 3] = [0, 1, 3];
        let (other, mine) = std::thread::scope(|s| {
            // No thread to be had (out of threads or memory): this one fills them all.
            let other = std::thread::Builder::new().spawn_scoped(s, || fill_columns(leads, &OTHER, &make));
            let mine = fill_columns(leads, &MINE, &make);
            let other = match other {
                Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => fill_columns(leads, &OTHER, &make),
            };
            (other, mine)
        });
        let mut by_field: Vec<(usize, arrow_array::ArrayRef)> =
            OTHER.into_iter().zip(other).chain(MINE.into_iter().zip(mine)).collect();
        by_field.sort_unstable_by_key(|(field, _)| *field);
        by_field.into_iter().map(|(_, array)| array).collect()
    } else {
        fill_columns(leads, &[0, 1, 2, 3, 4, 5, 6], &make)
    };
    let fields: Vec<Field> =
        COLUMNS.iter().enumerate().map(|(i, name)| Field::new(*name, kind.clone(), i == 6)).collect();
    arrow_array::RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), arrays)
}

/// An optional dependency, or an ImportError saying which method needs it.
fn optional_module<'py>(py: Python<'py>, name: &str, method: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(name).map_err(|e| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "LeadList.{method}() needs {name} (pip install {name}): {e}"
        ))
    })
}
