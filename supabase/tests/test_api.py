"""Row Level Security through HTTP: the migrations served by postrust (a PostgREST-compatible
server) with a JWT secret, as Supabase serves them. Tokens are HS256 JWTs of the shape our login
issues (`sub`, `role`, `aud`, `iat`, `exp`).

Needs LEADS_PG_URL and postrust (./scripts/test provides both)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional, Tuple

import psycopg
import pytest
from test_migrations import MIGRATIONS, A, B, add_lead, add_user, lead_json, migrate, scratch_database

ROOT = Path(__file__).resolve().parents[2]
SECRET = "api-test-secret-of-at-least-32-bytes!!"


def token(user: uuid.UUID, secret: str = SECRET, exp_in: int = 3600, alg: str = "HS256") -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = {"sub": str(user), "role": "authenticated", "aud": "authenticated", "iat": now, "exp": now + exp_in}
    payload = b64(json.dumps(claims).encode())
    if alg == "none":
        return f"{header}.{payload}."
    sig = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(sig)}"


@pytest.fixture(scope="module")
def api() -> Iterator[Tuple[str, psycopg.Connection]]:
    with scratch_database("leads_api") as (db_url, conn):
        yield from serve(db_url, conn)


def serve(db_url: str, conn: psycopg.Connection) -> Iterator[Tuple[str, psycopg.Connection]]:
    """Migrates, adds two users with a lead each, and serves the database through postrust."""
    migrate(conn, MIGRATIONS)
    add_user(conn, A, "ann")
    add_user(conn, B, "bob")
    add_lead(conn, A, "A-1", "ann's lead", "2026-01-01")
    add_lead(conn, B, "B-1", "bob's lead", "2026-01-01")
    base = subprocess.run(
        [str(ROOT / "scripts" / "postrust"), "start", db_url, SECRET], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        yield base, conn
    finally:
        subprocess.run([str(ROOT / "scripts" / "postrust"), "stop"], check=False)


def call(base: str, method: str, path: str, tok: Optional[str] = None, body: Any = None) -> Tuple[int, Any]:
    req = urllib.request.Request(base + path, method=method)
    req.add_header("Accept", "application/json")
    if tok:
        req.add_header("Authorization", f"Bearer {tok}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
        req.add_header("Prefer", "return=representation")
    try:
        with urllib.request.urlopen(req, data=data, timeout=10) as r:
            text = r.read().decode()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        return e.code, json.loads(text) if text else None


def test_a_user_reads_only_their_own_leads(api: Tuple[str, psycopg.Connection]) -> None:
    base, _ = api
    status, rows = call(base, "GET", "/Leads?select=lead_id", token(A))
    assert (status, rows) == (200, [{"lead_id": "A-1"}])
    status, rows = call(base, "GET", "/Users?select=userName", token(B))
    assert (status, rows) == (200, [{"userName": "bob"}])


def test_a_user_cannot_write_another_users_leads(api: Tuple[str, psycopg.Connection]) -> None:
    base, conn = api
    status, rows = call(base, "PATCH", "/Leads?lead_id=eq.B-1", token(A), {"lead_name": "taken over"})
    assert status in (200, 204) and not rows
    status, _ = call(base, "DELETE", "/Leads?lead_id=eq.B-1", token(A))
    assert status in (200, 204)
    status, body = call(base, "POST", "/Leads", token(A), {"user_uuid": str(B), "lead_id": "forged"})
    assert status in (401, 403), body
    status, body = call(
        base, "POST", "/rpc/leads_upsert", token(A), {"p_user": str(B), "p_leads": [lead_json("X", "x")]}
    )
    assert status in (401, 403), body
    assert conn.execute('select lead_name from "Leads" where lead_id = %s', ("B-1",)).fetchone() == ("bob's lead",)
    assert conn.execute('select count(*) from "Leads" where user_uuid = %s', (B,)).fetchone() == (1,)


def test_own_upsert_through_the_api_counts(api: Tuple[str, psycopg.Connection]) -> None:
    base, _ = api
    status, counts = call(
        base, "POST", "/rpc/leads_upsert", token(A), {"p_user": str(A), "p_leads": [lead_json("A-2", "new")]}
    )
    assert status == 200, counts
    counts = counts[0] if isinstance(counts, list) else counts  # postrust wraps scalar results
    counts = counts.get("leads_upsert", counts)
    assert counts == {"inserted": 1, "updated": 0, "unchanged": 0, "skipped": 0}


def test_without_a_valid_token_nothing_is_visible(api: Tuple[str, psycopg.Connection]) -> None:
    base, _ = api
    for tok in [
        None,
        token(A, secret="another-secret-of-at-least-32-bytes!!!"),
        token(A, exp_in=-60),
        token(A, alg="none"),
    ]:
        status, rows = call(base, "GET", "/Leads?select=lead_id", tok)
        assert status in (401, 403) or rows == [], (tok, status, rows)
