"""The Flask stand-in, through Flask's test client, on the embedded store."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

import leads
import pytest
from app import create_app
from flask.testing import FlaskClient

SECRET = "flask-test-secret-of-at-least-32-bytes!"
CSV = (
    b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n"
    b"L-1,Ada,ada@example.com,Website,Hot,Open,Grace\n"
    b"L-2,Alan,alan@example,Referral,Low,Open,\n"
    b"L-3,Edsger,+31 20 555 0101,Website,Medium,Won,Grace\n"
)


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    (tmp_path / "leads.csv").write_bytes(CSV)
    return create_app(config(tmp_path, MAX_UPLOAD_BYTES=10_000)).test_client()


def config(tmp_path: Optional[Path] = None, **more: Any) -> Dict[str, Any]:
    """The test configuration: an embedded store with cheap passwords, a fixed secret."""
    base: Dict[str, Any] = {"STORE": leads.MemoryStore(fast_passwords=True), "JWT_SECRET": SECRET, "TESTING": True}
    if tmp_path is not None:
        base["IMPORT_DIR"] = str(tmp_path)
    return {**base, **more}


def auth(c: FlaskClient, name: str) -> Dict[str, str]:
    c.post("/user", json={"username": name, "password": "correct horse"})
    token = c.post("/login", json={"username": name, "password": "correct horse"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_users(client: FlaskClient) -> None:
    r = client.post("/user", json={"username": "ann", "password": "correct horse"})
    assert r.status_code == 201 and r.get_json()["username"] == "ann"
    r = client.put("/user", json={"username": "ANN", "password": "correct horse"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "username_taken"
    assert client.post("/user", json={"username": "login", "password": "correct horse"}).status_code == 400
    r = client.post("/login", json={"username": "ann", "password": "correct horse"})
    assert r.status_code == 200 and set(r.get_json()) == {"uuid", "username", "token"}
    for body in ({"username": "ann", "password": "wrong"}, {"username": "nobody", "password": "correct horse"}):
        r = client.post("/login", json=body)
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "invalid_credentials"


def test_import_modes_and_errors(client: FlaskClient) -> None:
    h = auth(client, "ann")
    r = client.post("/ann", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    assert r.status_code == 422 and r.get_json()["report"]["invalid"] == 1
    r = client.post("/ann?mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    assert r.status_code == 200 and r.get_json()["imported"] == {
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    r = client.post("/ann", headers=h, json={"path": "leads.csv"}, query_string={"mode": "skip_invalid"})
    assert r.status_code == 200 and r.get_json()["imported"]["unchanged"] == 2
    assert client.post("/ann", headers=h, json={"path": "../etc/passwd"}).status_code == 404
    assert client.post("/ann", headers=h, json={"path": "/etc/passwd"}).status_code == 404
    assert client.post("/ann", headers=h, json={"path": "missing.csv"}).status_code == 404
    assert client.post("/ann", headers=h, json={}).status_code == 400
    r = client.post("/ann?mode=lenient", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    big = b"x" * 20_000
    assert client.post("/ann", headers=h, data={"file": (io.BytesIO(big), "big.csv")}).status_code == 413


def test_auth_is_required_and_per_user(client: FlaskClient) -> None:
    h_ann, h_bob = auth(client, "ann"), auth(client, "bob")
    assert client.get("/ann").status_code == 401
    assert client.get("/ann", headers={"Authorization": "Bearer forged.token.here"}).status_code == 401
    assert client.get("/ann", headers=h_bob).status_code == 403
    assert client.get("/ann", headers=h_ann).status_code == 200


def test_query_edit_delete_and_salespeople(client: FlaskClient) -> None:
    h = auth(client, "ann")
    client.post("/ann?mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    page: Dict[str, Any] = client.get("/ann?source=website&sort=-interest_level&total=true", headers=h).get_json()
    assert page["total"] == 2 and [lead["lead_id"] for lead in page["items"]] == ["L-1", "L-3"]
    r = client.get("/ann?colour=red", headers=h)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_query"
    r = client.patch("/ann/leads/L-1", headers=h, json={"status": "won"})
    assert r.status_code == 200 and r.get_json()["status"] == "Won"
    r = client.patch("/ann/leads/L-1", headers=h, json={"contact_information": "x"})
    assert r.status_code == 400 and r.get_json()["issues"][0]["code"] == "invalid_contact"
    assert client.delete("/ann/leads/L-3", headers=h).status_code == 204
    assert client.delete("/ann/leads/L-3", headers=h).status_code == 404
    people = client.get("/ann/salespeople", headers=h).get_json()
    assert [(p["name"], p["lead_count"]) for p in people] == [("Grace", 1)]
    r = client.post("/ann/salespeople", headers=h, json={"name": "Jane"})
    assert r.status_code == 201
    jane = r.get_json()["id"]
    assert client.post("/ann/salespeople", headers=h, json={"name": "jane"}).status_code == 409
    r = client.patch(f"/ann/salespeople/{jane}", headers=h, json={"name": "Jane Roe", "active": False})
    assert r.status_code == 200 and (r.get_json()["name"], r.get_json()["active"]) == ("Jane Roe", False)


def test_big_uploads_leave_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """werkzeug spools file parts over 500 KB to temporary files; the app keeps them in memory
    (bounded by the upload limit) and streams them into the validator."""

    def no_temp_files(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a temporary file was created")

    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_temp_files)
    app = create_app(config(MAX_UPLOAD_BYTES=5_000_000))
    c = app.test_client()
    h = auth(c, "ann")
    rows = b"".join(b"L-%d,Name %d,n%d@example.com,Web,High,New,\n" % (i, i, i) for i in range(20_000))
    body = CSV.splitlines(keepends=True)[0] + rows
    assert len(body) > 600_000
    r = c.post("/ann", headers=h, data={"file": (io.BytesIO(body), "big.csv")})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["imported"]["inserted"] == 20_000


def test_every_error_answer(client: FlaskClient) -> None:
    h = auth(client, "ann")
    r = client.post("/user", json={"username": "zed", "password": "short"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_password"
    r = client.post("/user", json={"username": "a b", "password": "correct horse"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_username"
    assert client.get("/ann", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/nobody", headers=h).status_code == 403
    r = client.patch("/ann/leads/none", headers=h, json={"status": "Won"})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = client.patch("/ann/leads/L-1", headers=h, json={"colour": "red"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    jane = client.post("/ann/salespeople", headers=h, json={"name": "Jane"}).get_json()["id"]
    r = client.patch(f"/ann/salespeople/{jane}", headers=h, json={})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_request"
    r = client.patch("/ann/salespeople/00000000-0000-4000-8000-000000000000", headers=h, json={"name": "X"})
    assert r.status_code == 404
    r = client.patch("/ann/salespeople/not-a-uuid", headers=h, json={"name": "X"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    r = client.post("/ann/salespeople", headers=h, json={"name": "  "})
    assert r.status_code == 400


def _stores() -> list[Any]:
    """The embedded store, and SupabaseStore when the test command runs postrust."""
    out = [pytest.param(lambda: leads.MemoryStore(fast_passwords=True), id="memory")]
    url, secret = os.environ.get("LEADS_TEST_API_URL"), os.environ.get("LEADS_TEST_JWT_SECRET")
    if url and secret:
        sys.path.insert(0, str(Path(__file__).parents[2] / "leads-py" / "tests"))
        from test_store import service_key

        out.append(pytest.param(lambda: leads.SupabaseStore(url, service_key(secret)), id="supabase"))
    return out


@pytest.mark.parametrize("make", _stores())
def test_wildcards_in_usernames_never_log_in(make: Any, tmp_path: Path) -> None:
    c = create_app(config(tmp_path, STORE=make())).test_client()
    name = f"wild_{uuid.uuid4().hex[:8]}"
    h = auth(c, name)
    for guess in ["*", "w*", "wild*", f"{name[:6]}*", f"{name[:-1]}_", f"{name[:-1]}%", "%", "*.*", f"{name.upper()}*"]:
        r = c.post("/login", json={"username": guess, "password": "correct horse"})
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "invalid_credentials", guess
    # The owner's token names no one else's leads through a pattern either.
    assert c.get("/*", headers=h).status_code == 403
    assert c.get(f"/{name[:6]}*", headers=h).status_code == 403
    assert c.get(f"/{name.upper()}", headers=h).status_code == 200


def test_every_error_is_json_flask_s_own_included(client: FlaskClient) -> None:
    h = auth(client, "ann")
    for r, status, code in [
        (client.get("/no/such/route/at/all"), 404, "not_found"),
        (client.delete("/login"), 405, "method_not_allowed"),
        (client.post("/user", data=b"{not json", content_type="application/json"), 400, "invalid_json"),
        (client.post("/user", data=b"[1, 2]", content_type="application/json"), 400, "invalid_json"),
        (client.post("/login", data=b"\xff\xfe", content_type="application/json"), 400, "invalid_json"),
        (client.patch("/ann/leads/L-1", headers=h, data=b"{", content_type="application/json"), 400, "invalid_json"),
    ]:
        assert r.status_code == status and r.get_json()["error"]["code"] == code, (r.status_code, r.get_data())
        assert isinstance(r.get_json()["error"]["message"], str)


def test_fields_of_the_wrong_type_are_400_naming_the_field(client: FlaskClient) -> None:
    h = auth(client, "ann")
    client.post("/ann?mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    cases = [
        ("post", "/user", {"username": None, "password": "correct horse"}, "username"),
        ("post", "/user", {"username": 12345, "password": "correct horse"}, "username"),
        ("post", "/user", {"username": "zed", "password": ["correct", "horse"]}, "password"),
        ("post", "/user", {"password": "correct horse"}, "username"),
        ("post", "/login", {"username": "ann", "password": 12345678}, "password"),
        ("post", "/ann", {"path": ["leads.csv"]}, "path"),
        ("patch", "/ann/leads/L-1", {"status": 5}, "status"),
        ("patch", "/ann/leads/L-1", {"lead_name": None}, "lead_name"),
        ("post", "/ann/salespeople", {"name": None}, "name"),
        ("post", "/ann/salespeople", {"name": 7}, "name"),
    ]
    for method, url, body, field in cases:
        r = getattr(client, method)(url, headers=h, json=body)
        assert r.status_code == 400, (url, body, r.get_json())
        assert r.get_json()["error"]["field"] == field, (url, body, r.get_json())
    jane = client.post("/ann/salespeople", headers=h, json={"name": "Jane"}).get_json()["id"]
    r = client.patch(f"/ann/salespeople/{jane}", headers=h, json={"active": "no"})
    assert r.status_code == 400 and r.get_json()["error"]["field"] == "active"
    # A user named "12345678" was never made by str(): nothing was registered.
    assert client.post("/login", json={"username": "12345", "password": "correct horse"}).status_code == 401


def test_lead_ids_with_a_slash_can_be_edited_and_deleted(client: FlaskClient) -> None:
    h = auth(client, "ann")
    csv = CSV.splitlines(keepends=True)[0] + b"A/B/1,Ada,ada@example.com,Website,Hot,Open,\n"
    assert client.post("/ann", headers=h, data={"file": (io.BytesIO(csv), "leads.csv")}).status_code == 200
    r = client.patch("/ann/leads/A/B/1", headers=h, json={"status": "won"})
    assert r.status_code == 200 and (r.get_json()["lead_id"], r.get_json()["status"]) == ("A/B/1", "Won")
    assert client.delete("/ann/leads/A/B/1", headers=h).status_code == 204
    assert client.delete("/ann/leads/A/B/1", headers=h).status_code == 404


def test_an_unexpected_failure_is_a_json_500(tmp_path: Path) -> None:
    real = leads.MemoryStore(fast_passwords=True)
    real.register("ann", "correct horse")
    token = real.login("ann", "correct horse", SECRET)["token"]

    class Broken:
        """A store whose queries fail with something that is not a LeadsError."""

        def find_user(self, username: str) -> Any:
            return real.find_user(username)

        def query(self, user: str, query: str) -> Any:
            raise RuntimeError("disk on fire")

    c = create_app(config(tmp_path, STORE=Broken(), TESTING=False)).test_client()
    r = c.get("/ann", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500
    assert r.get_json() == {"error": {"code": "internal_error", "message": "internal server error"}}


def test_configuration_comes_from_leads_environment_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADS_JWT_SECRET", "from-the-environment-secret-of-32-bytes!!")
    monkeypatch.setenv("LEADS_IMPORT_DIR", str(tmp_path))
    monkeypatch.setenv("LEADS_MAX_UPLOAD_BYTES", "1234")
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    app = create_app({"STORE": leads.MemoryStore(fast_passwords=True)})
    assert app.config["JWT_SECRET"] == "from-the-environment-secret-of-32-bytes!!"
    assert (app.config["IMPORT_DIR"], app.config["MAX_CONTENT_LENGTH"]) == (str(tmp_path), 1234)
    c = app.test_client()
    h = auth(c, "ann")
    token = h["Authorization"].split()[1]
    assert leads.verify_token(token, "from-the-environment-secret-of-32-bytes!!")["sub"]
    r = c.post("/ann", headers=h, data={"file": (io.BytesIO(b"x" * 5000), "big.csv")})
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"


def test_the_default_store_follows_leads_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    monkeypatch.delenv("SUPABASE_KEY", raising=False)
    monkeypatch.setenv("LEADS_DB", ":memory:")
    assert isinstance(create_app().config["STORE"], leads.MemoryStore)
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "here.db"))
    assert isinstance(create_app().config["STORE"], leads.SqliteStore)
    assert (tmp_path / "here.db").exists()


def test_reimport_policies_and_dry_runs(client: FlaskClient) -> None:
    h = auth(client, "ann")
    client.post("/ann?mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    without = (
        b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ada,ada@example.com,Website,Hot,Won\n"
    )
    before = client.get("/ann?sort=lead_id", headers=h).get_json()
    r = client.post("/ann?dry_run=true", headers=h, data={"file": (io.BytesIO(without), "week2.csv")})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["imported"] == {"inserted": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    assert body["changes"] == [{"lead_id": "L-1", "fields": {"status": {"before": "Open", "after": "Won"}}}]
    assert client.get("/ann?sort=lead_id", headers=h).get_json() == before, "a dry run writes nothing"
    r = client.post("/ann?dry_run=maybe", headers=h, data={"file": (io.BytesIO(without), "week2.csv")})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    r = client.post("/ann?on_existing=never", headers=h, data={"file": (io.BytesIO(without), "week2.csv")})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    r = client.post("/ann", headers=h, data={"file": (io.BytesIO(without), "week2.csv"), "on_existing": "skip"})
    assert r.get_json()["imported"]["skipped"] == 1 and "changes" not in r.get_json()
    r = client.post("/ann", headers=h, data={"file": (io.BytesIO(without), "week2.csv")})
    assert r.get_json()["imported"]["updated"] == 1
    lead = client.get("/ann?q=L-1", headers=h).get_json()["items"][0]
    assert (lead["status"], lead["salesperson"]) == ("Won", "Grace"), "the assignment stays"


def test_a_mapping_step_over_rest(client: FlaskClient) -> None:
    h = auth(client, "ann")
    crm = b"Kundennr,Vorname,Nachname,E-Mail,Telefon,Kanal,Rating,Lead Status,Notizen\nK-1,Ada,Lovelace,ada@example.com,+49 30 1234567,Messe,Hot,Open,x\n"
    first = client.post("/ann?dry_run=true", headers=h, data={"file": (io.BytesIO(crm), "crm.csv")})
    assert first.status_code == 422
    report = first.get_json()["report"]
    missing = {i["field"] for i in report["issues"] if i["code"] == "missing_column"}
    assert missing == {"lead_id", "lead_name", "source"}
    assert [s["header"] for s in report["suggestions"]["lead_name"]] == ["Vorname", "Nachname"]
    mapping = {
        "Kundennr": "lead_id",
        "Vorname": "lead_name",
        "Nachname": "lead_name",
        "E-Mail": "contact_information",
        "Telefon": "contact_information",
        "Kanal": "source",
        "Notizen": None,
    }
    r = client.post("/ann", headers=h, data={"file": (io.BytesIO(crm), "crm.csv"), "mapping": json.dumps(mapping)})
    assert r.status_code == 200, r.get_json()
    assert [c["match"] for c in r.get_json()["report"]["columns"]][:3] == ["mapped", "mapped", "mapped"]
    lead = client.get("/ann?q=K-1", headers=h).get_json()["items"][0]
    assert (lead["lead_name"], lead["contact_information"]) == ("Ada Lovelace", "ada@example.com; +49 30 1234567")
    for bad in ("{not json", "[1]", '{"Vorname": "nickname"}'):
        r = client.post("/ann", headers=h, data={"file": (io.BytesIO(crm), "crm.csv"), "mapping": bad})
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option", (bad, r.get_json())


def test_export_csv_streams_the_query_and_reimports_unchanged(client: FlaskClient) -> None:
    h = auth(client, "ann")
    client.post("/ann?mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "leads.csv")})
    r = client.get("/ann/export.csv?sort=-lead_id", headers=h)
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.is_streamed
    assert "attachment" in r.headers["Content-Disposition"]
    lines = r.data.decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeffLead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson"
    assert [line.split(",")[0] for line in lines[1:] if line] == ["L-3", "L-1"]
    again = client.post("/ann", headers=h, data={"file": (io.BytesIO(r.data), "export.csv")})
    assert again.get_json()["imported"] == {"inserted": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    r = client.get("/ann/export.csv?colour=red", headers=h)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_query"
    assert client.get("/ann/export.csv").status_code == 401


def test_rejected_rows_come_back_as_csv(client: FlaskClient) -> None:
    h = auth(client, "ann")
    r = client.post("/ann/rejected", headers=h, data={"file": (io.BytesIO(CSV), "week 3.csv")})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="week 3-to-fix.csv"'
    lines = r.data.decode("utf-8").split("\r\n")
    assert lines[0].endswith(",errors") and lines[1].startswith("L-2,Alan,alan@example,")
    assert [line for line in lines if line][2:] == []
    assert client.get("/ann?total=true", headers=h).get_json()["total"] == 0, "nothing stored"
    assert client.post("/ann/rejected", headers=h, json={}).status_code == 400
    assert client.post("/ann/rejected", data={"file": (io.BytesIO(CSV), "x.csv")}).status_code == 401


def test_import_history_revert_and_bulk_edits(client: FlaskClient) -> None:
    h = auth(client, "ann")
    r = client.post("/ann?mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "week-1.csv")})
    job = r.get_json()["job"]
    assert (job["kind"], job["state"], job["file_name"], job["counts"]["inserted"]) == (
        "import",
        "done",
        "week-1.csv",
        2,
    )
    dry = client.post("/ann?dry_run=true&mode=skip_invalid", headers=h, data={"file": (io.BytesIO(CSV), "x.csv")})
    assert dry.get_json()["job"] is None
    week2 = (
        b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ada,ada@example.com,Website,Hot,Won\n"
    )
    second = client.post("/ann", headers=h, data={"file": (io.BytesIO(week2), "week-2.csv")}).get_json()["job"]

    r = client.get("/ann/imports?limit=1", headers=h)
    assert r.status_code == 200 and [j["id"] for j in r.get_json()["items"]] == [second["id"]]
    rest = client.get(f"/ann/imports?cursor={r.get_json()['next_cursor']}", headers=h).get_json()
    assert [j["id"] for j in rest["items"]] == [job["id"]] and rest["next_cursor"] is None
    assert client.get(f"/ann/imports/{job['id']}", headers=h).get_json() == job
    assert client.get(f"/ann/imports/{uuid.uuid4()}", headers=h).status_code == 404
    for bad in ("limit=x", "limit=0", "colour=red", "cursor=nope"):
        r = client.get(f"/ann/imports?{bad}", headers=h)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_query", bad

    r = client.post(f"/ann/imports/{second['id']}/revert", headers=h)
    assert r.status_code == 200 and (r.get_json()["restored"], r.get_json()["job"]["state"]) == (1, "reverted")
    assert client.get("/ann?status=won&total=true", headers=h).get_json()["total"] == 1, "L-3 alone, as before"
    again = client.post(f"/ann/imports/{second['id']}/revert", headers=h).get_json()
    assert (again["deleted"], again["restored"], again["conflicts"]) == (0, 0, [])
    assert client.post(f"/ann/imports/{uuid.uuid4()}/revert", headers=h).status_code == 404

    # Bulk edits by query: counted, recorded, reverted; every lead needs all=true.
    r = client.patch("/ann/leads?source=website", headers=h, json={"salesperson": "Hedy"})
    assert r.status_code == 200 and r.get_json()["updated"] == 2 and r.get_json()["job"]["kind"] == "bulk_update"
    bulk = r.get_json()["job"]
    r = client.patch("/ann/leads", headers=h, json={"salesperson": "Hedy"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_query"
    r = client.patch("/ann/leads?all=maybe", headers=h, json={"salesperson": "Hedy"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_query"
    r = client.patch("/ann/leads?source=website", headers=h, json={"status": 3})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_request"
    assert client.post(f"/ann/imports/{bulk['id']}/revert", headers=h).get_json()["restored"] == 2
    r = client.delete("/ann/leads?all=true", headers=h)
    assert r.status_code == 200 and r.get_json()["deleted"] == 2
    assert client.get("/ann?total=true", headers=h).get_json()["total"] == 0
    client.post(f"/ann/imports/{r.get_json()['job']['id']}/revert", headers=h)
    assert client.get("/ann?total=true", headers=h).get_json()["total"] == 2
    # Another user's history is not reachable with this token.
    other = auth(client, "bob")
    assert client.get("/ann/imports", headers=other).status_code == 403
    assert client.get("/bob/imports", headers=other).get_json() == {"items": [], "next_cursor": None}


def test_members_teams_and_roles_over_rest(client: FlaskClient) -> None:
    owner, rep = auth(client, "olga"), auth(client, "ravi")
    client.post("/olga?mode=skip_invalid", headers=owner, data={"file": (io.BytesIO(CSV), "leads.csv")})
    grace = next(s for s in client.get("/olga/salespeople", headers=owner).get_json() if s["name"] == "Grace")
    # Not a member yet: every route of the workspace is 403.
    r = client.get("/olga", headers=rep)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    r = client.post(
        "/olga/members", headers=owner, json={"username": "ravi", "role": "rep", "salesperson_id": grace["id"]}
    )
    assert r.status_code == 201 and (r.get_json()["username"], r.get_json()["role"]) == ("ravi", "rep")
    assert client.post("/olga/members", headers=owner, json={"username": "ravi", "role": "rep"}).status_code == 409
    r = client.post("/olga/members", headers=owner, json={"username": "nobody", "role": "rep"})
    assert r.status_code == 404
    r = client.post("/olga/members", headers=owner, json={"username": "ravi", "role": "rep", "team_ids": "x"})
    assert r.status_code == 400 and r.get_json()["error"]["field"] == "team_ids"
    assert [m["username"] for m in client.get("/olga/members", headers=owner).get_json()["items"]] == ["ravi"]
    # The rep's workspaces: their own, then Olga's as a rep.
    spaces = client.get("/user/workspaces", headers=rep).get_json()["items"]
    assert [(w["username"], w["role"]) for w in spaces] == [("ravi", "owner"), ("olga", "rep")]
    assert client.get("/user/workspaces").status_code == 401

    # The rep lists their leads (Grace's), edits one, and may not delete, import or manage members.
    page = client.get("/olga?total=true", headers=rep).get_json()
    assert page["total"] == 2 and {lead["salesperson"] for lead in page["items"]} == {"Grace"}
    assert client.patch("/olga/leads/L-1", headers=rep, json={"status": "Won"}).status_code == 200
    r = client.delete("/olga/leads/L-1", headers=rep)
    assert r.status_code == 403 and "delete_leads" in r.get_json()["error"]["message"]
    assert client.post("/olga", headers=rep, data={"file": (io.BytesIO(CSV), "leads.csv")}).status_code == 403
    assert client.post("/olga/members", headers=rep, json={"username": "olga", "role": "admin"}).status_code == 403
    assert client.post("/olga/rejected", headers=rep, data={"file": (io.BytesIO(CSV), "leads.csv")}).status_code == 403
    assert client.get("/olga/export.csv", headers=rep).get_data(as_text=True).count("\r\n") == 3

    # Teams; a role change and a removal take effect on the next request.
    r = client.post("/olga/teams", headers=owner, json={"name": "East"})
    assert r.status_code == 201
    team = r.get_json()
    assert client.get("/olga/teams", headers=owner).get_json() == {"items": [team]}
    r = client.patch(f"/olga/salespeople/{grace['id']}", headers=owner, json={"team_id": team["id"]})
    assert r.status_code == 200 and r.get_json()["team_id"] == team["id"]
    r = client.patch("/olga/members/ravi", headers=owner, json={"role": "manager", "team_ids": [team["id"]]})
    assert r.status_code == 200 and r.get_json()["role"] == "manager"
    assert client.delete("/olga/leads/L-3", headers=rep).status_code == 204
    assert client.delete("/olga/members/ravi", headers=owner).status_code == 204
    assert client.get("/olga", headers=rep).status_code == 403
    assert client.delete("/olga/members/ravi", headers=owner).status_code == 404


def test_the_frontend_is_served_same_origin_under_ui(tmp_path: Path) -> None:
    (tmp_path / "leads_wasm.js").write_text("export default 1;\n")
    c = create_app(config(UI_PKG=str(tmp_path))).test_client()
    r = c.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/ui/")
    page = c.get("/ui/")
    assert page.status_code == 200 and page.mimetype == "text/html" and b"<main" in page.data
    assert c.get("/ui/app.js").mimetype == "text/javascript"
    assert c.get("/ui/pkg/leads_wasm.js").get_data(as_text=True) == "export default 1;\n"
    # Only the page's own files: not the tests, the server, node_modules or anything above.
    for path in ("/ui/e2e.test.mjs", "/ui/serve.mjs", "/ui/package.json", "/ui/..%2Fflask%2Fapp.py", "/ui/pkg/../x"):
        r = c.get(path)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found", path


def test_login_throttling_and_token_revocation(tmp_path: Path) -> None:
    c = create_app(config(tmp_path, LOGIN_RATE="50 per minute")).test_client()
    c.post("/user", json={"username": "tess", "password": "correct horse"})
    for _ in range(5):
        assert c.post("/login", json={"username": "tess", "password": "wrong horse"}).status_code == 401
    r = c.post("/login", json={"username": "tess", "password": "correct horse"})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(r.headers["Retry-After"]) <= 900

    c.post("/user", json={"username": "ulla", "password": "correct horse"})
    token = c.post("/login", json={"username": "ulla", "password": "correct horse"}).get_json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert c.get("/ulla", headers=h).status_code == 200
    r = c.put("/user/password", headers=h, json={"password": "not it", "new_password": "new horse 2"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "invalid_credentials"
    assert (
        c.put(
            "/user/password", headers=h, json={"password": "correct horse", "new_password": "new horse 2"}
        ).status_code
        == 204
    )
    r = c.get("/ulla", headers=h)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "invalid_token", "the old token is revoked"
    token = c.post("/login", json={"username": "ulla", "password": "new horse 2"}).get_json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert c.get("/ulla", headers=h).status_code == 200
    assert c.post("/logout-all", headers=h).status_code == 204
    assert c.get("/ulla", headers=h).status_code == 401
    assert c.post("/logout-all").status_code == 401


def test_logins_are_limited_per_address(tmp_path: Path) -> None:
    c = create_app(config(tmp_path, LOGIN_RATE="3 per minute")).test_client()
    c.post("/user", json={"username": "vera", "password": "correct horse"})
    for _ in range(3):
        assert c.post("/login", json={"username": "vera", "password": "correct horse"}).status_code == 200
    r = c.post("/login", json={"username": "vera", "password": "correct horse"})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "too_many_attempts"
    assert int(r.headers["Retry-After"]) > 0
