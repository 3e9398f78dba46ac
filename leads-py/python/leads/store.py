"""Stores for Python: the embedded ``MemoryStore`` and ``SupabaseStore`` (PostgREST), with the
same methods and the same answers. Methods block until done; results are dicts (the JSON of the
Rust core), errors are ``leads.LeadsError`` subclasses."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from . import _leads
from .errors import _native


class LeadsStore:
    """Users, leads and salespeople in one store. Create one with :func:`MemoryStore` or
    :func:`SupabaseStore`. ``user`` arguments are user UUIDs as strings."""

    def __init__(self, native: _leads.Store) -> None:
        self._native = native

    def register(self, username: str, password: str) -> Dict[str, Any]:
        """Registers a user: ``{"uuid", "username", "created_at"}``."""
        user: Dict[str, Any] = json.loads(_native(lambda: self._native.register(username, password)))
        return user

    def find_user(self, username: str) -> Optional[Dict[str, Any]]:
        """A user by username (case-insensitive): ``{"uuid", "username", "created_at"}`` or None."""
        text = _native(lambda: self._native.find_user(username))
        user: Optional[Dict[str, Any]] = None if text is None else json.loads(text)
        return user

    def login(self, username: str, password: str, jwt_secret: str) -> Dict[str, Any]:
        """Logs in: ``{"uuid", "username", "token"}`` (an HS256 JWT signed with ``jwt_secret``).
        Raises ``AuthError`` for an unknown user or a wrong password alike."""
        session: Dict[str, Any] = json.loads(_native(lambda: self._native.login(username, password, jwt_secret)))
        return session

    def import_csv(
        self, user: str, data: bytes, options: Optional[Dict[str, Any]] = None, mode: str = "strict"
    ) -> Dict[str, Any]:
        """Validates and stores a CSV file: ``{"report", "imported": {"inserted", "updated",
        "unchanged"}}``. ``mode`` is ``"strict"`` (any error: nothing stored, ``ImportRejectedError``
        with the report) or ``"skip_invalid"``."""
        opts = None if options is None else json.dumps(options)
        done: Dict[str, Any] = json.loads(_native(lambda: self._native.import_csv(user, bytes(data), opts, mode)))
        return done

    def query(self, user: str, query: str = "") -> Dict[str, Any]:
        """One page of leads for a query string (``"status=Open&sort=-created_at&limit=20"``):
        ``{"items", "total", "limit", "offset", "next_cursor"}``."""
        page: Dict[str, Any] = json.loads(_native(lambda: self._native.query(user, query.lstrip("?"))))
        return page

    def get_lead(self, user: str, lead_id: str) -> Dict[str, Any]:
        """One lead by its Lead ID (``NotFoundError`` if there is none)."""
        lead: Dict[str, Any] = json.loads(_native(lambda: self._native.get_lead(user, lead_id)))
        return lead

    def update_lead(self, user: str, lead_id: str, patch: Dict[str, Any]) -> Dict[str, Any]:
        """Changes fields of one lead, checked by the import rules (``InvalidInputError``)."""
        lead: Dict[str, Any] = json.loads(_native(lambda: self._native.update_lead(user, lead_id, json.dumps(patch))))
        return lead

    def delete_lead(self, user: str, lead_id: str) -> None:
        """Deletes one lead (``NotFoundError`` if there is none)."""
        _native(lambda: self._native.delete_lead(user, lead_id))

    def salespeople(self, user: str) -> List[Dict[str, Any]]:
        """The user's salespeople with their lead counts."""
        people: List[Dict[str, Any]] = json.loads(_native(lambda: self._native.salespeople(user)))
        return people

    def add_salesperson(self, user: str, name: str) -> Dict[str, Any]:
        """Adds a salesperson (``ConflictError`` if the name exists, in any case)."""
        person: Dict[str, Any] = json.loads(_native(lambda: self._native.add_salesperson(user, name)))
        return person

    def rename_salesperson(self, user: str, salesperson_id: str, name: str) -> Dict[str, Any]:
        """Renames a salesperson; their leads follow."""
        person: Dict[str, Any] = json.loads(_native(lambda: self._native.rename_salesperson(user, salesperson_id, name)))
        return person

    def deactivate_salesperson(self, user: str, salesperson_id: str) -> Dict[str, Any]:
        """Marks a salesperson inactive."""
        person: Dict[str, Any] = json.loads(_native(lambda: self._native.deactivate_salesperson(user, salesperson_id)))
        return person


def MemoryStore(fast_passwords: bool = False) -> LeadsStore:  # noqa: N802 - a constructor
    """The embedded store, in memory. ``fast_passwords`` uses the cheapest Argon2 parameters:
    for tests only."""
    return LeadsStore(_leads.Store.memory(fast_passwords))


def SupabaseStore(api_url: str, key: str, access_token: Optional[str] = None) -> LeadsStore:  # noqa: N802
    """The PostgREST store: ``api_url`` is ``https://<ref>.supabase.co/rest/v1`` (or any PostgREST
    base URL), ``key`` the project key, ``access_token`` a user's token from ``login``."""
    return LeadsStore(_native(lambda: _leads.Store.supabase(api_url, key, access_token)))
