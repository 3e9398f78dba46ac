"""The exceptions of ``leads``: one base class, one subclass per family, each also a subclass of
the matching built-in exception. :func:`_from_core` is the one place where the core's error codes
become Python exceptions.

Every exception has ``code`` (the core's stable error code, e.g. ``"invalid_option"``) and the
structured fields of its family as attributes (``option``, ``parameter``, ``status``,
``postgrest_code``, ``report``, ...); fields a given error does not carry are ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Type

if TYPE_CHECKING:
    from ._leads import Issue, Report


class LeadsError(Exception):
    """Base class of every error raised by ``leads``. ``code`` is the core's stable error code."""

    code: str

    def __init__(self, message: str, code: str = "error", **fields: Any) -> None:
        super().__init__(message)
        self.code = code
        for name, value in fields.items():
            setattr(self, name, value)


class InvalidOptionError(LeadsError, ValueError):
    """An import or store option that cannot work; ``option`` names it."""

    option: Optional[str] = None


class InvalidQueryError(LeadsError, ValueError):
    """A lead query parameter or value that cannot be used; ``parameter`` names it."""

    parameter: Optional[str] = None


class InvalidInputError(LeadsError, ValueError):
    """A username, password, token or lead edit that is not acceptable. For a lead edit,
    ``issues`` lists the broken rules as :class:`leads.Issue` objects."""

    issues: Optional[List[Issue]] = None


class NotFoundError(LeadsError, LookupError):
    """A lead, user or salesperson that does not exist: ``what`` and ``id``."""

    what: Optional[str] = None
    id: Optional[str] = None


class AuthError(LeadsError, PermissionError):
    """Unknown user or wrong password (the same error for both, on purpose)."""


class TooManyAttemptsError(AuthError):
    """Too many failed logins for this username lately: refused, even with the right password,
    for ``retry_after`` more seconds."""

    retry_after: int = 0


class ConflictError(LeadsError, ValueError):
    """A username (``username``), salesperson, team or member (``name``; ``what`` for the last
    two) that is already taken."""

    username: Optional[str] = None
    name: Optional[str] = None
    what: Optional[str] = None


class ForbiddenError(LeadsError, PermissionError):
    """The actor's role in the workspace does not allow this: ``permission`` (the one the
    operation needs, or ``"member"`` for someone who is not a member) and their ``role``."""

    permission: Optional[str] = None
    role: Optional[str] = None


class LeadsIOError(LeadsError, OSError):
    """Reading the input failed (``io_kind``, ``errno``)."""

    io_kind: Optional[str] = None


class SourceNotFoundError(LeadsIOError, FileNotFoundError):
    """The CSV path does not exist."""


class BackendError(LeadsIOError):
    """The store's server failed or answered with an error: ``status`` (HTTP), PostgREST's
    ``postgrest_code``, ``details`` and ``hint`` when it sent them. For a bulk upsert that was
    partly stored, ``committed``/``failed`` batch indexes, ``batch_size`` and the counts
    ``inserted``/``updated``/``unchanged`` of the stored batches (running it again converges)."""

    status: Optional[int] = None
    postgrest_code: Optional[str] = None
    details: Optional[str] = None
    hint: Optional[str] = None
    committed: Optional[List[int]] = None
    failed: Optional[List[int]] = None


class ImportRejectedError(LeadsError, ValueError):
    """A strict import found errors, or the file has a file-level error: nothing was stored.
    ``report`` is the :class:`leads.Report` saying what to fix."""

    report: Report


class ImportInterruptedError(LeadsError):
    """An import stopped by its progress callback. The exception the callback raised is what
    reaches the caller; this error is its ``__cause__`` and says what had been stored by then:
    ``batches`` and the counts ``inserted``/``updated``/``unchanged`` (all 0 when a strict
    import was stopped while the file was read)."""

    batches: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


_BY_CODE: Dict[str, Type[LeadsError]] = {
    "invalid_option": InvalidOptionError,
    "invalid_query": InvalidQueryError,
    "invalid_username": InvalidInputError,
    "invalid_password": InvalidInputError,
    "invalid_token": InvalidInputError,
    "invalid_lead": InvalidInputError,
    "finished": InvalidInputError,
    "not_found": NotFoundError,
    "invalid_credentials": AuthError,
    "username_taken": ConflictError,
    "salesperson_exists": ConflictError,
    "io": LeadsIOError,
    "backend": BackendError,
    "database": BackendError,
    "http": BackendError,
    "partial_upsert": BackendError,
    "import_rejected": ImportRejectedError,
    "interrupted": ImportInterruptedError,
    "forbidden": ForbiddenError,
    "too_many_attempts": TooManyAttemptsError,
    "already_exists": ConflictError,
}


def _from_core(code: str, message: str, fields: Dict[str, Any]) -> LeadsError:
    """The exception for a core error (called by the native module)."""
    cls = _BY_CODE.get(code, LeadsError)
    if code == "io" and fields.get("io_kind") == "NotFound":
        cls = SourceNotFoundError
    error = cls(message, code, **fields)
    if isinstance(error, OSError) and fields.get("errno") is not None:
        error.errno = fields["errno"]
    return error
