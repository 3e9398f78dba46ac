//! The import engine: `validate_csv` for a whole input, `Validator` for chunks, `rejected_csv`.

use std::sync::Mutex;

use leads_core::{ImportOptions, ImportProgress};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{Reader, Source, failure_or};
use crate::error::{to_py, whole};
use crate::model::lead::{Lead, Leads};
use crate::model::report::{Progress, Report};

/// Import options from keyword arguments (the JSON option names: `delimiter`, `encoding`,
/// `statuses`, `interest_synonyms`, `aliases`, `max_issues`, `max_bytes`, `max_rows`,
/// `max_field_bytes`); unknown names and bad values are `InvalidOptionError`.
pub(crate) fn import_options(options: Option<&Bound<'_, PyDict>>) -> PyResult<ImportOptions> {
    let Some(options) = options.filter(|o| !o.is_empty()) else { return Ok(ImportOptions::default()) };
    let options: ImportOptions = pythonize::depythonize(options.as_any())
        .map_err(|e| crate::error::invalid_option("options", e.to_string()))?;
    options.check().map_err(to_py)?;
    Ok(options)
}

/// Calls a Python progress callback.
pub(crate) fn report_progress(callback: &Py<PyAny>, p: ImportProgress, total: Option<u64>) -> PyResult<()> {
    Python::attach(|py| callback.call1(py, (Progress::new(p, total),)).map(drop))
}

fn chunk_size(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    whole(value, "chunk_size")
}

/// Validates a CSV and returns its ``Report`` with the valid leads (``report.leads``).
///
/// ``source`` is a path (``str`` without a line break, or ``os.PathLike``), CSV ``bytes``, CSV
/// text (a ``str`` holding a line break) or a binary file object; paths and files are streamed,
/// never read whole. ``progress(p: Progress)`` is called after each chunk of ``chunk_size``
/// bytes (1 to 2**30; 1 MiB unless told) and once at the end. Options are keyword arguments; problems in the file are issues in the report, never
/// exceptions. ``keep_leads=False`` gives the report alone (``report.leads`` is empty), faster.
#[pyfunction]
#[pyo3(signature = (source, *, progress=None, chunk_size=1_048_576, keep_leads=true, **options))]
pub(crate) fn validate_csv(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
    #[pyo3(from_py_with = chunk_size)] chunk_size: usize,
    keep_leads: bool,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    let options = import_options(options)?;
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
    let options = import_options(options)?;
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

/// Every error code of the core (each is a ``LeadsError`` subclass's ``code``).
#[pyfunction]
pub(crate) fn error_codes() -> Vec<&'static str> {
    leads_core::Error::CODES.to_vec()
}

/// The default status vocabulary, in pipeline order.
#[pyfunction]
pub(crate) fn default_statuses() -> Vec<&'static str> {
    leads_core::DEFAULT_STATUSES.to_vec()
}

/// A streaming validator: ``push`` chunks of any size (a chunk may end anywhere, even inside a
/// character), ``take_leads`` as they complete, ``finish`` for the report. Memory stays bounded
/// by the longest record plus the Lead IDs seen, however large the file. Options as
/// ``validate_csv``. Safe to share between threads: calls on one validator take turns.
#[pyclass(module = "leads._leads", frozen)]
pub(crate) struct Validator {
    inner: Mutex<leads_core::Validator>,
}

#[pymethods]
impl Validator {
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = import_options(options)?;
        let inner = leads_core::Validator::new(&options).map_err(to_py)?.keep_rejected(false);
        Ok(Validator { inner: Mutex::new(inner) })
    }

    /// Feeds the next chunk (``bytes``, ``bytearray`` or ``memoryview``).
    fn push(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let chunk = crate::convert::bytes_like(chunk, "chunk")?;
        self.with(py, |v| v.try_push(&chunk)).map_err(to_py)
    }

    /// The valid leads completed since the last call, in file order.
    fn take_leads(&self, py: Python<'_>) -> PyResult<Vec<Lead>> {
        let leads: Vec<leads_core::Lead> = self.with(py, |v| v.drain_leads().collect());
        Ok(leads.into_iter().map(Lead::from).collect())
    }

    /// How far the validation has got.
    #[getter]
    fn progress(&self, py: Python<'_>) -> Progress {
        let validation = self.with(py, |v| v.progress());
        Progress::new(ImportProgress { validation, ..ImportProgress::default() }, None)
    }

    /// Ends the input and returns the report; its ``leads`` are the leads not yet taken.
    /// ``InvalidInputError`` (code ``finished``) when called again, as ``push`` is then.
    fn finish(&self, py: Python<'_>) -> PyResult<Report> {
        let (report, leads) = self
            .with(py, |v| Ok::<_, leads_core::Error>((v.try_finish()?, v.drain_leads().collect())))
            .map_err(to_py)?;
        Report::new(py, report, Leads::List(leads))
    }
}

impl Validator {
    /// Runs `f` on the core validator without the GIL, waiting for another thread's call to end.
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut leads_core::Validator) -> T + Send) -> T {
        py.detach(|| f(&mut self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)))
    }
}
