"""``leads``: lead CSV import and validation, with exactly the verdict of the ``leads-core``
engine (the server, the browser and Python share one validator and one set of test vectors).

>>> import leads
>>> csv = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\\nL-1,Ann,ANN@example.com,Web,Hot,open\\n"
>>> result = leads.validate(csv)
>>> result["report"]["valid"], result["leads"][0]["contact_information"], result["leads"][0]["status"]
(1, 'ann@example.com', 'Open')
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import _leads
from .errors import (
    AuthError,
    ConflictError,
    ImportRejectedError,
    InvalidInputError,
    InvalidOptionError,
    InvalidQueryError,
    LeadsError,
    LeadsIOError,
    NotFoundError,
    _native,
)
from .store import LeadsStore, MemoryStore, SupabaseStore

__all__ = [
    "AuthError",
    "ConflictError",
    "ImportRejectedError",
    "InvalidInputError",
    "InvalidOptionError",
    "InvalidQueryError",
    "LeadsError",
    "LeadsIOError",
    "LeadsStore",
    "MemoryStore",
    "NotFoundError",
    "SupabaseStore",
    "ISSUE_CODES",
    "Validator",
    "rejected_csv",
    "validate",
    "verify_token",
]

#: Every issue code a report can hold, in the documented order.
ISSUE_CODES: Tuple[str, ...] = tuple(_leads.issue_codes())


def _options_json(options: Optional[Dict[str, Any]]) -> Optional[str]:
    return None if options is None else json.dumps(options)


def verify_token(token: str, jwt_secret: str) -> Dict[str, Any]:
    """Checks a token from ``login`` (HS256 only; expired, forged or ``alg: none`` tokens raise
    ``InvalidInputError``) and returns its claims: ``{"sub", "role", "aud", "iat", "exp"}``."""
    claims: Dict[str, Any] = json.loads(_native(lambda: _leads.verify_token(token, jwt_secret)))
    return claims


def validate(data: bytes, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Validates a whole CSV file. Returns ``{"report": {...}, "leads": [...]}``: the canonical
    report (DESIGN §4) and the valid leads as dicts. Raises ``InvalidOptionError`` for bad options;
    problems in the file are issues in the report, never exceptions."""
    text = _native(lambda: _leads.validate_json(bytes(data), _options_json(options)))
    result: Dict[str, Any] = json.loads(text)
    return result


def rejected_csv(data: bytes, options: Optional[Dict[str, Any]] = None) -> bytes:
    """The invalid rows of a file as CSV bytes for a person to fix and re-upload: the original
    columns plus an ``errors`` column, the file's delimiter, a UTF-8 BOM, CRLF line ends, and
    formula-looking cells neutralised (valid phone numbers excepted)."""
    out: bytes = _native(lambda: _leads.rejected_csv(bytes(data), _options_json(options)))
    return out


class Validator:
    """A streaming validator: ``push`` chunks of any size, ``take_leads`` as they complete,
    ``finish`` for the report. Memory stays bounded however large the file."""

    def __init__(self, options: Optional[Dict[str, Any]] = None) -> None:
        self._inner = _native(lambda: _leads.Validator.create(_options_json(options)))

    def push(self, chunk: bytes) -> None:
        """Feeds the next chunk (it may end anywhere, even inside a character)."""
        self._inner.push(bytes(chunk))

    def take_leads(self) -> List[Dict[str, Any]]:
        """The valid leads completed since the last call."""
        leads: List[Dict[str, Any]] = json.loads(self._inner.take_leads_json())
        return leads

    def progress(self) -> Dict[str, int]:
        """``{"bytes", "rows", "valid", "invalid"}`` so far."""
        b, rows, valid, invalid = self._inner.progress()
        return {"bytes": b, "rows": rows, "valid": valid, "invalid": invalid}

    def finish(self) -> Dict[str, Any]:
        """Ends the input; returns the report (leads not yet taken stay available)."""
        report: Dict[str, Any] = json.loads(self._inner.finish_json())
        return report

    def feed(self, chunks: Iterable[bytes]) -> List[Dict[str, Any]]:
        """Pushes every chunk and returns the leads completed meanwhile."""
        leads: List[Dict[str, Any]] = []
        for chunk in chunks:
            self.push(chunk)
            leads.extend(self.take_leads())
        return leads
