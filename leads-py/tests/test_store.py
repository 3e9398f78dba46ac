"""The Python stores: the same behaviour as the Rust store suite, in Python terms."""

from __future__ import annotations

import os
from typing import Any, List

import pytest

import leads

SECRET = "python-test-secret-of-at-least-32-bytes"
CSV = (
    b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n"
    b"L-1,Ada,ada@example.com,Website,Hot,Open,Grace\n"
    b"L-2,Alan,alan@example,Referral,Low,Open,\n"
    b"L-3,Edsger,+31 20 555 0101,Website,Medium,Won,grace\n"
)


def service_key(secret: str) -> str:
    """A service_role HS256 token for a local PostgREST (what a Supabase service key is)."""
    import base64
    import hashlib
    import hmac
    import json
    import time

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    body = b64(json.dumps({"role": "service_role", "iat": now, "exp": now + 3600}).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def stores() -> List[Any]:
    out = [pytest.param(lambda: leads.MemoryStore(fast_passwords=True), id="memory")]
    url, secret = os.environ.get("LEADS_TEST_API_URL"), os.environ.get("LEADS_TEST_JWT_SECRET")
    if url and secret:
        out.append(pytest.param(lambda: leads.SupabaseStore(url, service_key(secret)), id="supabase"))
    return out


@pytest.mark.parametrize("make", stores())
def test_users_imports_queries_edits(make) -> None:  # type: ignore[no-untyped-def]
    store: leads.LeadsStore = make()
    user = store.register("ann", "correct horse")
    with pytest.raises(leads.ConflictError):
        store.register("ANN", "other password")
    session = store.login("Ann", "correct horse", SECRET)
    assert session["uuid"] == user["uuid"] and session["token"].count(".") == 2
    with pytest.raises(leads.AuthError) as wrong:
        store.login("ann", "wrong horse", SECRET)
    with pytest.raises(leads.AuthError) as unknown:
        store.login("nobody", "correct horse", SECRET)
    assert str(wrong.value) == str(unknown.value) and isinstance(wrong.value, PermissionError)

    uid = user["uuid"]
    with pytest.raises(leads.ImportRejectedError) as rejected:
        store.import_csv(uid, CSV)
    assert rejected.value.report["invalid"] == 1
    done = store.import_csv(uid, CSV, mode="skip_invalid")
    assert done["imported"] == {"inserted": 2, "updated": 0, "unchanged": 0}
    again = store.import_csv(uid, CSV, mode="skip_invalid")
    assert again["imported"] == {"inserted": 0, "updated": 0, "unchanged": 2}

    page = store.query(uid, "?source=website&sort=-interest_level&limit=1&total=true")
    assert page["total"] == 2 and [l["lead_id"] for l in page["items"]] == ["L-1"]
    nxt = store.query(uid, f"source=website&sort=-interest_level&limit=1&total=true&cursor={page['next_cursor']}")
    assert [l["lead_id"] for l in nxt["items"]] == ["L-3"] and nxt["next_cursor"] is None
    with pytest.raises(leads.InvalidQueryError) as bad:
        store.query(uid, "colour=red")
    assert bad.value.data == "colour" and isinstance(bad.value, ValueError)

    lead = store.update_lead(uid, "L-1", {"status": "won", "salesperson": None})
    assert (lead["status"], lead["salesperson"]) == ("Won", None)
    with pytest.raises(leads.InvalidInputError):
        store.update_lead(uid, "L-1", {"contact_information": "nobody"})
    with pytest.raises(leads.NotFoundError):
        store.get_lead(uid, "nope")
    store.delete_lead(uid, "L-3")
    with pytest.raises(leads.NotFoundError):
        store.delete_lead(uid, "L-3")

    people = store.salespeople(uid)
    assert [(p["name"], p["lead_count"]) for p in people] == [("Grace", 0)]
    jane = store.add_salesperson(uid, "Jane")
    with pytest.raises(leads.ConflictError):
        store.add_salesperson(uid, "JANE")
    assert store.rename_salesperson(uid, jane["id"], "Jane Roe")["name"] == "Jane Roe"
    assert store.deactivate_salesperson(uid, jane["id"])["active"] is False


def test_supabase_store_needs_an_http_url() -> None:
    with pytest.raises(leads.InvalidOptionError):
        leads.SupabaseStore("ftp://example", "key")
    store = leads.SupabaseStore(os.environ.get("LEADS_TEST_API_URL", "http://127.0.0.1:9/api"), "key")
    assert isinstance(store, leads.LeadsStore)
