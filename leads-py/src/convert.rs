//! Where a CSV comes from: a path, bytes, CSV text or a file object, read in chunks. Paths and
//! bytes are read without the GIL; file objects are asked for one chunk at a time.

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

/// An input, before it is opened.
pub(crate) enum Source<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
    Path(PathBuf),
    File(Py<PyAny>),
}

impl<'py> Source<'py> {
    /// Recognises `source`: `bytes`/`bytearray`/`memoryview`; `str` with a line break (CSV
    /// text); any other `str` or `os.PathLike` (a path); an object with `read` (a file).
    pub(crate) fn extract(source: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = source.cast::<PyBytes>() {
            return Ok(Source::Bytes(bytes.clone()));
        }
        if let Ok(array) = source.cast::<PyByteArray>() {
            return Ok(Source::Owned(array.to_vec()));
        }
        if let Ok(text) = source.cast::<PyString>() {
            return Ok(match text.to_cow() {
                Ok(text) if text.contains(['\n', '\r']) => Source::Owned(text.as_bytes().to_vec()),
                // A path, in the file system's encoding: `os.fsdecode` names (lone surrogates
                // for bytes that are not UTF-8) open the file they came from.
                _ => Source::Path(source.extract()?),
            });
        }
        if source.hasattr("__fspath__")? {
            return Ok(Source::Path(source.extract()?));
        }
        if source.hasattr("read")? {
            return Ok(Source::File(source.clone().unbind()));
        }
        if source.cast::<PyMemoryView>().is_ok() {
            return Ok(Source::Bytes(source.call_method0("tobytes")?.cast_into::<PyBytes>()?));
        }
        Err(PyTypeError::new_err(format!(
            "a CSV source is a path, bytes, str or binary file object, not {}",
            source.get_type().name()?
        )))
    }

    /// Opens the input: a missing path is an error here, before any work starts.
    pub(crate) fn open(&self) -> Result<Input<'_>, leads_core::Error> {
        Ok(match self {
            Source::Bytes(b) => Input::Slice(b.as_bytes()),
            Source::Owned(v) => Input::Slice(v),
            Source::Path(p) => {
                let failed = |e: io::Error| {
                    leads_core::Error::from(io::Error::new(e.kind(), format!("{}: {e}", p.display())))
                };
                // Only regular files: opening a FIFO without a writer, or reading a device,
                // would never end. Streams come as open file objects.
                if !std::fs::metadata(p).map_err(failed)?.is_file() {
                    return Err(failed(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "not a regular file (a folder, FIFO or device); pass an open file object to read a stream",
                    )));
                }
                let file = std::fs::File::open(p).map_err(failed)?;
                let len = file.metadata().ok().map(|m| m.len());
                Input::File(file, len)
            }
            Source::File(f) => Python::attach(|py| Input::Python(f.clone_ref(py), Vec::new(), 0)),
        })
    }
}

/// An opened input.
pub(crate) enum Input<'a> {
    Slice(&'a [u8]),
    File(std::fs::File, Option<u64>),
    /// A Python file object, with the unread rest of its last answer.
    Python(Py<PyAny>, Vec<u8>, usize),
}

impl Input<'_> {
    /// The size in bytes, when known.
    pub(crate) fn len(&self) -> Option<u64> {
        match self {
            Input::Slice(s) => Some(s.len() as u64),
            Input::File(_, len) => *len,
            Input::Python(..) => None,
        }
    }
}

/// Reads an [`Input`]; an exception raised by Python code (a file's `read`, a progress callback)
/// lands in `failure` and stops the reading.
pub(crate) struct Reader<'a, 'f> {
    pub(crate) input: Input<'a>,
    pub(crate) failure: &'f Mutex<Option<PyErr>>,
}

impl Reader<'_, '_> {
    pub(crate) fn stopped() -> io::Error {
        io::Error::other("stopped by a Python exception")
    }
}

impl Read for Reader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failure.lock().map(|f| f.is_some()).unwrap_or(true) {
            return Err(Self::stopped());
        }
        match &mut self.input {
            Input::Slice(s) => s.read(buf),
            Input::File(f, _) => f.read(buf),
            Input::Python(file, rest, pos) => {
                if *pos == rest.len() {
                    let answer = Python::attach(|py| -> PyResult<Vec<u8>> {
                        let chunk = file.bind(py).call_method1("read", (buf.len(),))?;
                        if let Ok(text) = chunk.cast::<PyString>() {
                            return Ok(text.to_cow()?.as_bytes().to_vec());
                        }
                        if let Ok(bytes) = chunk.cast::<PyBytes>() {
                            return Ok(bytes.as_bytes().to_vec());
                        }
                        if chunk.is_none() {
                            return Ok(Vec::new());
                        }
                        Ok(chunk
                            .call_method0("tobytes")
                            .unwrap_or(chunk)
                            .cast_into::<PyBytes>()?
                            .as_bytes()
                            .to_vec())
                    });
                    match answer {
                        Ok(bytes) => (*rest, *pos) = (bytes, 0),
                        Err(e) => {
                            if let Ok(mut f) = self.failure.lock() {
                                *f = Some(e);
                            }
                            return Err(Self::stopped());
                        }
                    }
                }
                let n = buf.len().min(rest.len() - *pos);
                buf[..n].copy_from_slice(&rest[*pos..*pos + n]);
                *pos += n;
                Ok(n)
            }
        }
    }
}

/// Where an export writes: a file it created, or a Python binary file object's `write`.
pub(crate) enum Sink<'f> {
    File(io::BufWriter<std::fs::File>),
    Python(Py<PyAny>, &'f Mutex<Option<PyErr>>),
}

impl<'f> Sink<'f> {
    /// A path (`str` or `os.PathLike`) is created (or truncated); anything else must have a
    /// `write(bytes)` method.
    pub(crate) fn open(dest: &Bound<'_, PyAny>, failure: &'f Mutex<Option<PyErr>>) -> PyResult<Self> {
        if dest.is_instance_of::<PyString>() || dest.hasattr("__fspath__")? {
            let path: std::path::PathBuf = dest.extract()?;
            let file = std::fs::File::create(&path)
                .map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("{}: {e}", path.display())))?;
            return Ok(Sink::File(io::BufWriter::new(file)));
        }
        if !dest.hasattr("write")? {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "dest must be a path or a binary file object with write()",
            ));
        }
        Ok(Sink::Python(dest.clone().unbind(), failure))
    }
}

impl io::Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Python(file, failure) => {
                let written = Python::attach(|py| {
                    file.bind(py).call_method1("write", (PyBytes::new(py, buf),)).map(drop)
                });
                match written {
                    Ok(()) => Ok(buf.len()),
                    Err(e) => {
                        if let Ok(mut f) = failure.lock() {
                            f.get_or_insert(e);
                        }
                        Err(Reader::stopped())
                    }
                }
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Python(..) => Ok(()),
        }
    }
}

/// The Python exception that stopped the work, if any, else the core error.
pub(crate) fn failure_or(failure: &Mutex<Option<PyErr>>, e: leads_core::Error) -> PyErr {
    match failure.lock().ok().and_then(|mut f| f.take()) {
        Some(py_err) => py_err,
        None => crate::error::to_py(e),
    }
}

/// The bytes of a `bytes`, `bytearray` or `memoryview` argument (`TypeError` naming `name`
/// for anything else).
pub(crate) fn bytes_like(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(array.to_vec());
    }
    if value.cast::<PyMemoryView>().is_ok() {
        let bytes = value.call_method0("tobytes")?.cast_into::<PyBytes>()?;
        return Ok(bytes.as_bytes().to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be bytes, bytearray or memoryview, not {}",
        value.get_type().name()?
    )))
}
