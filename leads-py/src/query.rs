//! `LeadQuery`: the query-string form of DESIGN §5, parsed and printed by the core.

use pyo3::prelude::*;

use crate::error::to_py;

/// A query over one user's leads: filters, sort, page size and position. Build it from the
/// query-string form (``LeadQuery.parse("status=Open,Won&sort=-created_at&limit=20")``);
/// ``str(query)`` prints the canonical form. Bad parameters raise ``InvalidQueryError``.
#[pyclass(module = "leads._leads", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct LeadQuery(pub(crate) leads_core::LeadQuery);

#[pymethods]
impl LeadQuery {
    /// The same as ``LeadQuery.parse(query)``.
    #[new]
    #[pyo3(signature = (query=""))]
    fn new(query: &str) -> PyResult<Self> {
        Self::parse(query)
    }

    /// Parses a query string (a leading ``?`` is allowed).
    #[staticmethod]
    fn parse(query: &str) -> PyResult<Self> {
        leads_core::LeadQuery::parse(query).map(LeadQuery).map_err(to_py)
    }

    /// The same query continuing after a page: its ``next_cursor`` (offset and page dropped).
    fn with_cursor(&self, cursor: &str) -> Self {
        LeadQuery(self.0.with_cursor(cursor))
    }

    /// Sources to keep (any of them); empty keeps all.
    #[getter]
    fn source(&self) -> Vec<String> {
        self.0.source.clone()
    }

    /// Statuses to keep; empty keeps all.
    #[getter]
    fn status(&self) -> Vec<String> {
        self.0.status.clone()
    }

    /// Interest levels to keep (``"High"``, ...); empty keeps all.
    #[getter]
    fn interest_level(&self) -> Vec<&'static str> {
        self.0.interest_level.iter().map(|l| l.as_str()).collect()
    }

    /// Salespeople to keep; see also ``unassigned``.
    #[getter]
    fn salesperson(&self) -> Vec<String> {
        self.0.salesperson.clone()
    }

    /// Whether leads without a salesperson are kept (``salesperson=unassigned``).
    #[getter]
    fn unassigned(&self) -> bool {
        self.0.unassigned
    }

    /// Case-insensitive text searched in lead_id, lead_name and contact_information.
    #[getter]
    fn q(&self) -> Option<String> {
        self.0.q.clone()
    }

    /// Only leads created at or after this time (RFC 3339), or ``None``.
    #[getter]
    fn created_after(&self) -> Option<String> {
        self.0.created_after.map(|t| t.to_string())
    }

    /// Only leads created before this time (RFC 3339), or ``None``.
    #[getter]
    fn created_before(&self) -> Option<String> {
        self.0.created_before.map(|t| t.to_string())
    }

    /// The sort keys in force, most significant first (``"-created_at"`` is descending).
    #[getter]
    fn sort(&self) -> Vec<String> {
        self.0.effective_sort().iter().map(ToString::to_string).collect()
    }

    /// The page size in force (1 to 1000).
    #[getter]
    fn limit(&self) -> u32 {
        self.0.effective_limit()
    }

    /// Leads skipped before the page.
    #[getter]
    fn offset(&self) -> u64 {
        self.0.offset
    }

    /// The cursor the page continues from, or ``None``.
    #[getter]
    fn cursor(&self) -> Option<String> {
        self.0.cursor.clone()
    }

    /// Whether the page counts every matching lead.
    #[getter]
    fn total(&self) -> bool {
        self.0.total
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("LeadQuery({:?})", self.0.to_string())
    }
}
