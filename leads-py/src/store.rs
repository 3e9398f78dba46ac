//! Stores for Python: `MemoryStore` and `SupabaseStore` behind one class, with blocking methods
//! (each call runs the core's async method to completion; the GIL is released meanwhile).
//! Values cross as JSON text; the `leads` package turns them into dicts.

use std::future::Future;

use leads_core::{
    ImportMode, ImportOptions, LeadPatch, LeadQuery, MemoryStore, PasswordParams, Store as _,
    SupabaseOptions, SupabaseStore, Timestamp, TokenSigner, Uuid,
};
use pyo3::prelude::*;

use crate::validator::core_error;

enum Backend {
    Memory(MemoryStore),
    Supabase(SupabaseStore, tokio::runtime::Runtime),
}

/// A store: `Store.memory()` or `Store.supabase(api_url, key)`.
#[pyclass(module = "leads._leads")]
pub(crate) struct Store {
    backend: Backend,
    params: PasswordParams,
}

fn bad_input(option: &str, message: String) -> PyErr {
    core_error(leads_core::Error::new(leads_core::ErrorKind::InvalidOption {
        option: option.into(),
        message,
    }))
}

fn uuid(text: &str) -> PyResult<Uuid> {
    text.parse().map_err(|_| bad_input("user", format!("{text:?} is not a UUID")))
}

fn json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

macro_rules! with_store {
    ($self:ident, $py:ident, |$s:ident| $body:expr) => {{
        match &$self.backend {
            Backend::Memory($s) => $py.detach(|| pollster_block_on($body)),
            Backend::Supabase($s, runtime) => $py.detach(|| runtime.block_on($body)),
        }
        .map_err(core_error)
    }};
}

/// Verifies a token issued by `login` with `jwt_secret`; returns its claims as JSON.
#[pyfunction]
pub(crate) fn verify_token(token: &str, jwt_secret: &str) -> PyResult<String> {
    let signer = TokenSigner::new(jwt_secret).map_err(core_error)?;
    json(&signer.verify(token, Timestamp::now()).map_err(core_error)?)
}

/// Drives a future that never waits on I/O (MemoryStore) to completion.
fn pollster_block_on<F: Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

#[pymethods]
impl Store {
    /// The embedded in-memory store. `fast_passwords=True` uses the cheapest Argon2 parameters
    /// (tests only).
    #[staticmethod]
    #[pyo3(signature = (fast_passwords=false))]
    fn memory(fast_passwords: bool) -> Self {
        let params =
            if fast_passwords { PasswordParams::insecure_for_tests() } else { PasswordParams::default() };
        Store { backend: Backend::Memory(MemoryStore::new()), params }
    }

    /// The PostgREST store at `api_url` (`https://<ref>.supabase.co/rest/v1`) with `key`.
    #[staticmethod]
    #[pyo3(signature = (api_url, key, access_token=None))]
    fn supabase(api_url: &str, key: &str, access_token: Option<&str>) -> PyResult<Self> {
        let mut store = SupabaseStore::new(api_url, key, SupabaseOptions::default()).map_err(core_error)?;
        if let Some(token) = access_token {
            store = store.with_access_token(token);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        Ok(Store { backend: Backend::Supabase(store, runtime), params: PasswordParams::default() })
    }

    fn register(&self, py: Python<'_>, username: &str, password: &str) -> PyResult<String> {
        let params = self.params;
        let user = with_store!(self, py, |s| leads_core::register(s, username, password, params))?;
        json(&user)
    }

    fn find_user(&self, py: Python<'_>, username: &str) -> PyResult<Option<String>> {
        let record = with_store!(self, py, |s| s.find_user(username))?;
        record.map(|r| json(&r.user)).transpose()
    }

    fn login(&self, py: Python<'_>, username: &str, password: &str, jwt_secret: &str) -> PyResult<String> {
        let signer = TokenSigner::new(jwt_secret).map_err(core_error)?;
        let params = self.params;
        let session = with_store!(self, py, |s| leads_core::login(
            s,
            &signer,
            username,
            password,
            params,
            Timestamp::now()
        ))?;
        json(&session)
    }

    #[pyo3(signature = (user, data, options_json=None, mode="strict"))]
    fn import_csv(
        &self,
        py: Python<'_>,
        user: &str,
        data: &[u8],
        options_json: Option<&str>,
        mode: &str,
    ) -> PyResult<String> {
        let user = uuid(user)?;
        let options = match options_json {
            Some(json) => ImportOptions::from_json(json).map_err(core_error)?,
            None => ImportOptions::default(),
        };
        let mode: ImportMode = mode.parse().map_err(core_error)?;
        let done = with_store!(self, py, |s| s.import_csv(user, data, &options, mode))?;
        json(&done)
    }

    fn query(&self, py: Python<'_>, user: &str, query: &str) -> PyResult<String> {
        let user = uuid(user)?;
        let query: LeadQuery = query.parse().map_err(core_error)?;
        let page = with_store!(self, py, |s| s.query(user, &query))?;
        json(&page)
    }

    fn get_lead(&self, py: Python<'_>, user: &str, lead_id: &str) -> PyResult<String> {
        let user = uuid(user)?;
        json(&with_store!(self, py, |s| s.get_lead(user, lead_id))?)
    }

    fn update_lead(&self, py: Python<'_>, user: &str, lead_id: &str, patch_json: &str) -> PyResult<String> {
        let user = uuid(user)?;
        let patch: LeadPatch =
            serde_json::from_str(patch_json).map_err(|e| bad_input("patch", e.to_string()))?;
        json(&with_store!(self, py, |s| s.update_lead(user, lead_id, &patch))?)
    }

    fn delete_lead(&self, py: Python<'_>, user: &str, lead_id: &str) -> PyResult<()> {
        let user = uuid(user)?;
        with_store!(self, py, |s| s.delete_lead(user, lead_id))
    }

    fn salespeople(&self, py: Python<'_>, user: &str) -> PyResult<String> {
        let user = uuid(user)?;
        json(&with_store!(self, py, |s| s.salespeople(user))?)
    }

    fn add_salesperson(&self, py: Python<'_>, user: &str, name: &str) -> PyResult<String> {
        let user = uuid(user)?;
        json(&with_store!(self, py, |s| s.add_salesperson(user, name))?)
    }

    fn rename_salesperson(&self, py: Python<'_>, user: &str, id: &str, name: &str) -> PyResult<String> {
        let (user, id) = (uuid(user)?, uuid(id)?);
        json(&with_store!(self, py, |s| s.rename_salesperson(user, id, name))?)
    }

    fn deactivate_salesperson(&self, py: Python<'_>, user: &str, id: &str) -> PyResult<String> {
        let (user, id) = (uuid(user)?, uuid(id)?);
        json(&with_store!(self, py, |s| s.deactivate_salesperson(user, id))?)
    }
}
