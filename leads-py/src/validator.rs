//! The import engine: `validate_csv` for a whole input, `Validator` for chunks, `rejected_csv`.

use std::sync::Mutex;

use leads_core::{ImportOptions, ImportProgress};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::to_py;
use crate::lead::{Lead, Leads};
use crate::report::{Progress, Report};
use crate::source::{Reader, Source, failure_or};

/// Import options from keyword arguments (the JSON option names: `delimiter`, `encoding`,
/// `statuses`, `interest_synonyms`, `aliases`, `max_issues`, `max_bytes`, `max_rows`,
/// `max_field_bytes`); unknown names and bad values are `InvalidOptionError`.
pub(crate) fn import_options(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<ImportOptions> {
    let Some(options) = options.filter(|o| !o.is_empty()) else { return Ok(ImportOptions::default()) };
    let json: String = py.import("json")?.getattr("dumps")?.call1((options,))?.extract()?;
    ImportOptions::from_json(&json).map_err(to_py)
}

/// Calls a Python progress callback.
pub(crate) fn report_progress(callback: &Py<PyAny>, p: ImportProgress, total: Option<u64>) -> PyResult<()> {
    Python::attach(|py| callback.call1(py, (Progress::new(p, total),)).map(drop))
}

/// Validates a CSV and returns its ``Report`` with the valid leads (``report.leads``).
///
/// ``source`` is a path (``str`` without a line break, or ``os.PathLike``), CSV ``bytes``, CSV
/// text (a ``str`` holding a line break) or a binary file object; paths and files are streamed,
/// never read whole. ``progress(p: Progress)`` is called after each chunk of ``chunk_size``
/// bytes and once at the end. Options are keyword arguments; problems in the file are issues in the report, never
/// exceptions. ``keep_leads=False`` gives the report alone (``report.leads`` is empty), faster.
#[pyfunction]
#[pyo3(signature = (source, *, progress=None, chunk_size=1_048_576, keep_leads=true, **options))]
pub(crate) fn validate_csv(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
    chunk_size: usize,
    keep_leads: bool,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    let options = import_options(py, options)?;
    let source = Source::extract(source)?;
    let input = source.open().map_err(to_py)?;
    let total = input.len();
    let failure = Mutex::new(None);
    let done = py.detach(|| {
        let reader = Reader { input, failure: &failure };
        leads_core::validate_parallel(reader, &options, keep_leads, total, chunk_size, &mut |p| {
            let Some(callback) = &progress else { return Ok(()) };
            report_progress(callback, ImportProgress { validation: p, ..ImportProgress::default() }, total)
                .map_err(|e| {
                    if let Ok(mut f) = failure.lock() {
                        f.get_or_insert(e);
                    }
                    std::io::Error::other("stopped by the progress callback")
                })
        })
    });
    let (report, table) = done.map_err(|e| failure_or(&failure, e))?;
    Report::new(py, report, Leads::Table(table))
}

/// The invalid rows of a CSV as CSV bytes for a person to fix and re-upload: the original
/// columns plus ``errors``, the file's delimiter, a UTF-8 BOM, CRLF line ends, formula-looking
/// cells neutralised (valid phone numbers excepted). ``source`` and options as ``validate_csv``.
#[pyfunction]
#[pyo3(signature = (source, **options))]
pub(crate) fn rejected_csv(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<u8>> {
    let options = import_options(py, options)?;
    let source = Source::extract(source)?;
    let input = source.open().map_err(to_py)?;
    let failure = Mutex::new(None);
    py.detach(|| {
        let reader = Reader { input, failure: &failure };
        let mut v = leads_core::Validator::new(&options)?.keep_leads(false);
        v.push_reader(reader)?;
        let report = v.finish();
        let rejected: Vec<_> = v.drain_rejected().collect();
        let mut out = Vec::new();
        leads_core::write_rejected_csv(&mut out, &report, &rejected)?;
        Ok(out)
    })
    .map_err(|e| failure_or(&failure, e))
}

/// Every issue code, in the documented order.
#[pyfunction]
pub(crate) fn issue_codes() -> Vec<&'static str> {
    leads_core::IssueCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// A streaming validator: ``push`` chunks of any size (a chunk may end anywhere, even inside a
/// character), ``take_leads`` as they complete, ``finish`` for the report. Memory stays bounded
/// by the longest record plus the Lead IDs seen, however large the file. Options as
/// ``validate_csv``.
#[pyclass(module = "leads._leads")]
pub(crate) struct Validator {
    inner: leads_core::Validator,
    finished: bool,
}

#[pymethods]
impl Validator {
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = import_options(py, options)?;
        let inner = leads_core::Validator::new(&options).map_err(to_py)?.keep_rejected(false);
        Ok(Validator { inner, finished: false })
    }

    /// Feeds the next chunk (bytes-like).
    fn push(&mut self, py: Python<'_>, chunk: &[u8]) -> PyResult<()> {
        self.check_open()?;
        let inner = &mut self.inner;
        py.detach(|| inner.push(chunk));
        Ok(())
    }

    /// The valid leads completed since the last call, in file order.
    fn take_leads(&mut self) -> Vec<Lead> {
        self.inner.drain_leads().map(Lead::from).collect()
    }

    /// How far the validation has got.
    #[getter]
    fn progress(&self) -> Progress {
        let p = ImportProgress { validation: self.inner.progress(), ..ImportProgress::default() };
        Progress::new(p, None)
    }

    /// Ends the input and returns the report; its ``leads`` are the leads not yet taken.
    fn finish(&mut self, py: Python<'_>) -> PyResult<Report> {
        self.check_open()?;
        self.finished = true;
        let report = self.inner.finish();
        let leads = self.inner.drain_leads().collect();
        Report::new(py, report, Leads::List(leads))
    }
}

impl Validator {
    fn check_open(&self) -> PyResult<()> {
        if self.finished { Err(to_py(leads_core::ErrorKind::Finished.into())) } else { Ok(()) }
    }
}
