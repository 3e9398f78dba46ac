//! `Report`, `Issue` and `Column`: the canonical validation report as Python objects, and
//! `Progress`.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::model::lead::{LeadList, Leads};
use crate::to_dict;

/// One problem found in a file. ``line`` is the physical line where the record starts (the
/// header is line 1), ``record`` the 1-based data record (``None`` for file-level issues).
#[pyclass(module = "leads._leads", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct Issue(leads_core::Issue);

impl From<leads_core::Issue> for Issue {
    fn from(i: leads_core::Issue) -> Self {
        Issue(i)
    }
}

#[pymethods]
impl Issue {
    /// The 1-based physical line where the record starts, or ``None``.
    #[getter]
    fn line(&self) -> Option<u64> {
        self.0.line
    }

    /// The 1-based data record, or ``None`` for a file-level issue.
    #[getter]
    fn record(&self) -> Option<u64> {
        self.0.record
    }

    /// The header text of the column concerned, or ``None``.
    #[getter]
    fn column(&self) -> Option<&str> {
        self.0.column.as_deref()
    }

    /// The lead field concerned (``"lead_id"``, ...), or ``None``.
    #[getter]
    fn field(&self) -> Option<&'static str> {
        self.0.field.map(|f| f.key())
    }

    /// The offending value (shortened when very long), or ``None``.
    #[getter]
    fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// The stable issue code (one of ``ISSUE_CODES``).
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code.as_str()
    }

    /// ``"error"`` or ``"warning"``.
    #[getter]
    fn severity(&self) -> &'static str {
        match self.0.severity {
            leads_core::Severity::Error => "error",
            leads_core::Severity::Warning => "warning",
        }
    }

    /// A sentence for a person.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The values the message names, as data (``{"first_line": 14}``), to word it yourself.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0.params)
    }

    /// The issue as in the canonical report JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Issue(line={:?}, code={:?}, message={:?})",
            self.0.line,
            self.0.code.as_str(),
            self.0.message
        )
    }
}

/// A column of the file: its header and the field it was mapped to, and how.
#[pyclass(module = "leads._leads", frozen)]
pub(crate) struct Column(leads_core::Column);

#[pymethods]
impl Column {
    /// 0-based position in the file.
    #[getter]
    fn index(&self) -> usize {
        self.0.index
    }

    /// The header text.
    #[getter]
    fn header(&self) -> &str {
        &self.0.header
    }

    /// The lead field it feeds, or ``None`` for an unknown column.
    #[getter]
    fn field(&self) -> Option<&'static str> {
        self.0.field.map(|f| f.key())
    }

    /// ``"mapped"``, ``"exact"``, ``"normalized"``, ``"alias"``, ``"fuzzy"`` or ``"unknown"``.
    #[getter(r#match)]
    fn match_kind(&self) -> &'static str {
        self.0.match_kind.as_str()
    }

    /// How close a ``"fuzzy"`` match is (0 to 1); ``None`` for other matches.
    #[getter]
    fn score(&self) -> Option<f64> {
        self.0.score
    }

    fn __repr__(&self) -> String {
        format!("Column({:?} -> {:?})", self.0.header, self.0.field.map(|f| f.key()))
    }
}

/// The verdict on a file (DESIGN §4): encoding, delimiter, columns, counts and issues, plus
/// ``leads``, the valid leads (those of ``validate_csv``; empty in import results and errors).
#[pyclass(module = "leads._leads", frozen)]
pub(crate) struct Report {
    inner: Arc<leads_core::Report>,
    leads: Py<LeadList>,
}

impl Report {
    pub(crate) fn new(py: Python<'_>, report: leads_core::Report, leads: Leads) -> PyResult<Self> {
        Ok(Report { inner: Arc::new(report), leads: Py::new(py, LeadList { leads: Arc::new(leads) })? })
    }

    /// A report without leads (imports, errors).
    pub(crate) fn bare(py: Python<'_>, report: leads_core::Report) -> PyResult<Self> {
        Self::new(py, report, Leads::List(Vec::new()))
    }
}

#[pymethods]
impl Report {
    /// The encoding used (``"utf-8"``, ``"utf-16le"``, ``"utf-16be"``, ``"windows-1252"``).
    #[getter]
    fn encoding(&self) -> &'static str {
        self.inner.encoding.as_str()
    }

    /// The delimiter used.
    #[getter]
    fn delimiter(&self) -> String {
        char::from(self.inner.delimiter.byte()).to_string()
    }

    /// Every column of the header, with the field it maps to.
    #[getter]
    fn columns(&self) -> Vec<Column> {
        self.inner.columns.iter().cloned().map(Column).collect()
    }

    /// For each required field without a column, the likeliest columns, best first:
    /// ``{"lead_name": [{"index": 1, "header": "Person - Name", "score": 0.7}]}``.
    #[getter]
    fn suggestions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner.suggestions)
    }

    /// Data records read.
    #[getter]
    fn rows(&self) -> u64 {
        self.inner.rows
    }

    /// Records without errors.
    #[getter]
    fn valid(&self) -> u64 {
        self.inner.valid
    }

    /// Records with errors.
    #[getter]
    fn invalid(&self) -> u64 {
        self.inner.invalid
    }

    /// The issues, at most ``max_issues`` of them (the counts are never capped).
    #[getter]
    fn issues(&self) -> Vec<Issue> {
        self.inner.issues.iter().cloned().map(Issue).collect()
    }

    /// Whether ``max_issues`` cut the issue list.
    #[getter]
    fn issues_truncated(&self) -> bool {
        self.inner.issues_truncated
    }

    /// ``True`` when nothing in the file is an error (warnings allowed).
    #[getter]
    fn ok(&self) -> bool {
        !self.inner.has_errors()
    }

    /// The valid leads, in file order.
    #[getter]
    fn leads(&self, py: Python<'_>) -> Py<LeadList> {
        self.leads.clone_ref(py)
    }

    /// The canonical report JSON as a dict (what the test vectors hold; no leads).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &*self.inner)
    }

    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!("<Report rows={} valid={} invalid={} issues={}>", r.rows, r.valid, r.invalid, r.issues.len())
    }
}

/// How far a validation or an import has got. ``total_bytes`` is ``None`` when the size of the
/// input is unknown (a file object); ``inserted``/``updated``/``unchanged``/``skipped`` count stored
/// leads.
#[pyclass(module = "leads._leads", frozen, get_all)]
#[derive(Clone, Copy)]
pub(crate) struct Progress {
    /// Input bytes read.
    bytes: u64,
    /// The input's size, when known.
    total_bytes: Option<u64>,
    /// Data records read.
    rows: u64,
    /// Records without errors so far.
    valid: u64,
    /// Records with errors so far.
    invalid: u64,
    /// Leads stored as new so far (imports).
    inserted: u64,
    /// Stored leads changed so far (imports).
    updated: u64,
    /// Stored leads found already so (imports).
    unchanged: u64,
    /// Leads left out by a write policy (imports).
    skipped: u64,
}

impl Progress {
    pub(crate) fn new(p: leads_core::ImportProgress, total_bytes: Option<u64>) -> Self {
        let (v, s) = (p.validation, p.stored);
        Progress {
            bytes: v.bytes,
            total_bytes,
            rows: v.rows,
            valid: v.valid,
            invalid: v.invalid,
            inserted: s.inserted,
            updated: s.updated,
            unchanged: s.unchanged,
            skipped: s.skipped,
        }
    }
}

#[pymethods]
impl Progress {
    fn __repr__(&self) -> String {
        format!(
            "<Progress bytes={} rows={} valid={} invalid={}>",
            self.bytes, self.rows, self.valid, self.invalid
        )
    }
}
