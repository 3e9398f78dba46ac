"""``leads``: lead CSV import, validation and storage with exactly the verdict of the
``leads-core`` engine (the server, the browser and Python share one validator and one set of
test vectors).

>>> import leads
>>> csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\\nL-1,Ann,ANN@example.com,Web,Hot,open\\n"
>>> report = leads.validate_csv(csv)
>>> report.valid, report.leads[0].contact_information, report.leads[0].status
(1, 'ann@example.com', 'Open')
"""

from __future__ import annotations

from typing import Tuple

from ._leads import (
    Column,
    ImportResult,
    Issue,
    Lead,
    LeadList,
    LeadQuery,
    MemoryStore,
    Page,
    Progress,
    Report,
    SqliteStore,
    Store,
    SupabaseStore,
    Validator,
    default_statuses,
    error_codes,
    issue_codes,
    rejected_csv,
    validate_csv,
    verify_token,
)
from .errors import (
    AuthError,
    BackendError,
    ConflictError,
    ForbiddenError,
    ImportInterruptedError,
    ImportRejectedError,
    InvalidInputError,
    InvalidOptionError,
    InvalidQueryError,
    LeadsError,
    LeadsIOError,
    NotFoundError,
    SourceNotFoundError,
    TooManyAttemptsError,
)

__all__ = [
    "ISSUE_CODES",
    "AuthError",
    "BackendError",
    "Column",
    "ConflictError",
    "ForbiddenError",
    "ImportInterruptedError",
    "ImportRejectedError",
    "ImportResult",
    "InvalidInputError",
    "InvalidOptionError",
    "InvalidQueryError",
    "Issue",
    "Lead",
    "LeadList",
    "LeadQuery",
    "LeadsError",
    "LeadsIOError",
    "MemoryStore",
    "NotFoundError",
    "Page",
    "Progress",
    "Report",
    "SourceNotFoundError",
    "SqliteStore",
    "Store",
    "SupabaseStore",
    "TooManyAttemptsError",
    "Validator",
    "rejected_csv",
    "validate_csv",
    "verify_token",
]

#: Every issue code a report can hold, in the documented order.
ISSUE_CODES: Tuple[str, ...] = tuple(issue_codes())
#: Every error code of the core: the ``code`` of a ``LeadsError``.
ERROR_CODES: Tuple[str, ...] = tuple(error_codes())
#: The default status vocabulary, in pipeline order.
DEFAULT_STATUSES: Tuple[str, ...] = tuple(default_statuses())
