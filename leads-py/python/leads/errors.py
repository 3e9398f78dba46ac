"""The exceptions of ``leads``: one base class, one subclass per family, each also a subclass of
the matching built-in exception. This module is the one place where core error codes become
Python exceptions."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional, TypeVar

T = TypeVar("T")


class LeadsError(Exception):
    """Base class of every error raised by ``leads``.

    ``code`` is the core's stable error code (``"invalid_option"``, ...); ``data`` names the
    option or parameter concerned, when there is one.
    """

    def __init__(self, message: str, code: str, data: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.data = data


class InvalidOptionError(LeadsError, ValueError):
    """An import option that cannot work (``data`` names it)."""


class InvalidQueryError(LeadsError, ValueError):
    """A lead query parameter or value that cannot be used (``data`` names it)."""


class InvalidInputError(LeadsError, ValueError):
    """A username, password, lead edit or token that is not acceptable."""


class NotFoundError(LeadsError, LookupError):
    """A lead, user or salesperson that does not exist."""


class AuthError(LeadsError, PermissionError):
    """Unknown user or wrong password."""


class ConflictError(LeadsError, ValueError):
    """A username or salesperson name that is already taken."""


class LeadsIOError(LeadsError, OSError):
    """Reading input failed, or the server could not be reached or answered with an error."""


class ImportRejectedError(LeadsError, ValueError):
    """A strict import found errors (or the file has a file-level error): nothing was stored.
    ``report`` is the validation report, as a dict."""

    @property
    def report(self) -> Dict[str, Any]:
        parsed: Dict[str, Any] = json.loads(self.data) if self.data else {}
        return parsed


_BY_CODE = {
    "invalid_option": InvalidOptionError,
    "invalid_query": InvalidQueryError,
    "invalid_username": InvalidInputError,
    "invalid_password": InvalidInputError,
    "invalid_token": InvalidInputError,
    "invalid_lead": InvalidInputError,
    "not_found": NotFoundError,
    "invalid_credentials": AuthError,
    "username_taken": ConflictError,
    "salesperson_exists": ConflictError,
    "io": LeadsIOError,
    "backend": LeadsIOError,
    "http": LeadsIOError,
    "partial_upsert": LeadsIOError,
    "import_rejected": ImportRejectedError,
}


def _raise_from_native(error: ValueError) -> None:
    """Re-raises a native ``ValueError(code, message, data)`` as its ``LeadsError`` subclass."""
    if len(error.args) == 3 and isinstance(error.args[0], str):
        code, message, data = error.args
        raise _BY_CODE.get(code, LeadsError)(message, code, data) from None
    raise error


def _native(call: Callable[[], T]) -> T:
    """Calls into the native module, mapping its errors."""
    try:
        return call()
    except ValueError as error:
        _raise_from_native(error)
        raise  # unreachable: _raise_from_native always raises
