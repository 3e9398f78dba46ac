"""The Python stores: the same behaviour as the Rust store suite, in Python terms."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path
from typing import Any, List

import leads
import pytest

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
    out = [
        pytest.param(lambda: leads.MemoryStore(fast_passwords=True), id="memory"),
        pytest.param(lambda: leads.SqliteStore(":memory:", fast_passwords=True), id="sqlite"),
    ]
    url, secret = os.environ.get("LEADS_TEST_API_URL"), os.environ.get("LEADS_TEST_JWT_SECRET")
    if url and secret:
        out.append(pytest.param(lambda: leads.SupabaseStore(url, service_key(secret)), id="supabase"))
    return out


@pytest.mark.parametrize("make", stores())
def test_users_imports_queries_edits(make) -> None:  # type: ignore[no-untyped-def]
    store: leads.Store = make()
    name = f"ann_{uuid.uuid4().hex[:8]}"
    user = store.register(name, "correct horse")
    with pytest.raises(leads.ConflictError) as taken:
        store.register(name.upper(), "other password")
    assert taken.value.username == name.upper()
    session = store.login(name.title(), "correct horse", SECRET)
    assert session["uuid"] == user["uuid"] and session["token"].count(".") == 2
    assert leads.verify_token(session["token"], SECRET)["sub"] == user["uuid"]
    with pytest.raises(leads.AuthError) as wrong:
        store.login(name, "wrong horse", SECRET)
    with pytest.raises(leads.AuthError) as unknown:
        store.login("nobody", "correct horse", SECRET)
    assert str(wrong.value) == str(unknown.value) and isinstance(wrong.value, PermissionError)

    uid = user["uuid"]
    with pytest.raises(leads.ImportRejectedError) as rejected:
        store.import_csv(uid, CSV)
    assert rejected.value.report.invalid == 1 and rejected.value.report.issues[0].line == 3
    assert store.query(uid).items == [], "strict stored nothing"
    done = store.import_csv(uid, io.BytesIO(CSV), mode="skip_invalid")
    assert (done.inserted, done.updated, done.unchanged) == (2, 0, 0)
    assert done.to_dict()["imported"] == {"inserted": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    assert done.report.to_dict() == leads.validate_csv(CSV).to_dict()
    again = store.import_csv(uid, CSV, mode="skip_invalid")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    with pytest.raises(leads.InvalidOptionError) as mode:
        store.import_csv(uid, CSV, mode="lenient")  # type: ignore[arg-type]
    assert mode.value.option == "mode"

    page = store.query(uid, "?source=website&sort=-interest_level&limit=1&total=true")
    assert page.total == 2 and [lead.lead_id for lead in page.items] == ["L-1"]
    assert page.items[0].user_uuid == uid and page.items[0].id is not None
    assert page.to_dict()["items"][0]["lead_id"] == "L-1" and len(page) == 1
    query = leads.LeadQuery.parse("source=website&sort=-interest_level&limit=1&total=true")
    assert page.next_cursor is not None
    nxt = store.query(uid, query.with_cursor(page.next_cursor))
    assert [lead.lead_id for lead in nxt.items] == ["L-3"] and nxt.next_cursor is None
    with pytest.raises(leads.InvalidQueryError) as bad:
        store.query(uid, "colour=red")
    assert bad.value.parameter == "colour" and isinstance(bad.value, ValueError)

    lead = store.update_lead(uid, "L-1", {"status": "won", "salesperson": None})
    assert (lead.status, lead.salesperson) == ("Won", None)
    assert store.get_lead(uid, "L-1") == lead
    with pytest.raises(leads.InvalidInputError) as invalid:
        store.update_lead(uid, "L-1", {"contact_information": "nobody"})
    assert invalid.value.issues is not None and invalid.value.issues[0].code == "invalid_contact"
    with pytest.raises(leads.NotFoundError) as missing:
        store.get_lead(uid, "nope")
    assert (missing.value.what, missing.value.id) == ("lead", "nope") and isinstance(missing.value, LookupError)
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


@pytest.mark.parametrize("make", stores())
def test_long_imports_report_progress_and_upserts_take_leads(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store: leads.Store = make()
    uid = store.register(f"bo_{uuid.uuid4().hex[:8]}", "correct horse")["uuid"]
    # Long enough for several chunks: a strict import into an atomic store reports only reads
    # until its commit.
    rows = "".join(f"L-{i},Name {i},n{i}@example.com,Web,High,New,\n" for i in range(10_000))
    path = tmp_path / "big.csv"
    path.write_text("Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n" + rows)
    seen: List[leads.Progress] = []
    done = store.import_csv(uid, path, mode="strict", progress=seen.append)
    assert done.inserted == 10_000
    assert seen[-1].inserted == 10_000 and seen[-1].rows == 10_000 and seen[-1].total_bytes == path.stat().st_size
    assert [p.inserted for p in seen] == sorted(p.inserted for p in seen) and len(seen) >= 4

    class Stop(Exception):
        pass

    def stop(_: leads.Progress) -> None:
        raise Stop()

    with pytest.raises(Stop):
        store.import_csv(uid, path, progress=stop)

    report = leads.validate_csv(path)
    outcome = store.upsert_leads(uid, report.leads[:10])
    assert outcome == {"inserted": 0, "updated": 0, "unchanged": 10, "skipped": 0}
    with pytest.raises(TypeError):
        store.upsert_leads(uid, [{"lead_id": "L-1"}])  # type: ignore[list-item]


def test_supabase_errors_are_typed() -> None:
    with pytest.raises(leads.InvalidOptionError):
        leads.SupabaseStore("ftp://example", "key")
    with pytest.raises(leads.InvalidOptionError):
        leads.SupabaseStore("http://127.0.0.1:9", "key", timeout=0)
    store = leads.SupabaseStore("http://127.0.0.1:9/api", "key", retries=0, timeout=2)
    assert isinstance(store, leads.Store)
    with pytest.raises(leads.BackendError) as down:
        store.find_user("ann")
    assert down.value.code == "http" and isinstance(down.value, OSError)
    url = os.environ.get("LEADS_TEST_API_URL")
    if url:
        with pytest.raises(leads.BackendError) as refused:
            leads.SupabaseStore(url, "not-a-valid-jwt", retries=0).find_user("ann")
        assert refused.value.status in (401, 403) and refused.value.code == "backend"


def test_the_gil_is_released_while_parsing_and_hashing() -> None:
    """Another Python thread keeps running while leads validates a file or hashes a password."""
    import threading

    rows = b"".join(b"L-%d,Name %d,n%d@example.com,Web,High,New\n" % (i, i, i) for i in range(150_000))
    data = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n" + rows
    store = leads.MemoryStore()  # real Argon2 parameters: tens of milliseconds per hash

    for work in (
        lambda: leads.validate_csv(data),
        lambda: store.register(f"gil_{uuid.uuid4().hex[:8]}", "correct horse"),
    ):
        ticks = 0
        started = threading.Event()

        def run(work: Any = work, started: threading.Event = started) -> None:
            started.set()
            work()

        t = threading.Thread(target=run)
        t.start()
        started.wait()
        while t.is_alive():
            ticks += 1
        t.join()
        assert ticks > 1000, ticks


def test_sqlite_store_keeps_users_and_leads_in_its_file(tmp_path: Path) -> None:
    path = tmp_path / "leads.db"
    store = leads.SqliteStore(path, fast_passwords=True)
    uid = store.register("ann", "correct horse")["uuid"]
    assert store.import_csv(uid, CSV, mode="skip_invalid").inserted == 2
    del store
    again = leads.SqliteStore(str(path), fast_passwords=True)
    assert again.login("ANN", "correct horse", SECRET)["uuid"] == uid
    assert again.query(uid, "total=true").total == 2
    with pytest.raises(leads.LeadsIOError):
        leads.SqliteStore(tmp_path / "no" / "such" / "folder" / "leads.db")


@pytest.mark.parametrize("make", stores())
def test_reimports_keep_assignments_and_dry_runs_write_nothing(make) -> None:  # type: ignore[no-untyped-def]
    store: leads.Store = make()
    uid = store.register(f"re_{uuid.uuid4().hex[:8]}", "correct horse")["uuid"]
    store.import_csv(uid, CSV, mode="skip_invalid")
    without = (
        b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n"
        b"L-1,Ada,ada@example.com,Website,Hot,Won\n"
        b"L-9,New,new@example.com,Website,Low,New\n"
    )
    before = store.query(uid, "sort=lead_id").to_dict()
    dry = store.import_csv(uid, without, dry_run=True)
    assert (dry.inserted, dry.updated, dry.unchanged, dry.skipped) == (1, 1, 0, 0)
    assert dry.changes == [{"lead_id": "L-1", "fields": {"status": {"before": "Open", "after": "Won"}}}]
    assert dry.to_dict()["changes"] == dry.changes
    assert store.query(uid, "sort=lead_id").to_dict() == before, "a dry run writes nothing"
    update_only = store.import_csv(uid, without, dry_run=True, on_new="skip")
    assert (update_only.updated, update_only.skipped) == (1, 1)
    with pytest.raises(leads.InvalidOptionError):
        store.import_csv(uid, without, on_existing="sometimes")  # type: ignore[arg-type]

    done = store.import_csv(uid, without)
    assert (done.inserted, done.updated, done.changes) == (1, 1, None)
    assert "changes" not in done.to_dict()
    ada = store.get_lead(uid, "L-1")
    assert (ada.status, ada.salesperson) == ("Won", "Grace"), "no salesperson column: the assignment stays"
    blank = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\nL-1,Ada,ada@example.com,Website,Hot,Won,\n"
    assert store.import_csv(uid, blank).unchanged == 1
    assert store.import_csv(uid, blank, blanks="clear").updated == 1
    assert store.get_lead(uid, "L-1").salesperson is None


@pytest.mark.parametrize("make", stores())
def test_exports_to_paths_and_files_reimport_unchanged(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store: leads.Store = make()
    uid = store.register(f"ex_{uuid.uuid4().hex[:8]}", "correct horse")["uuid"]
    store.import_csv(uid, CSV, mode="skip_invalid")
    path = tmp_path / "export.csv"
    assert store.export_csv(uid, path) == 2
    text = path.read_bytes().decode("utf-8")
    assert text.startswith(
        "\ufeffLead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\r\n"
    )
    assert store.import_csv(uid, path).unchanged == 2, "re-importing an export changes nothing"
    buffer = io.BytesIO()
    assert store.export_csv(uid, buffer, "status=won") == 1
    assert buffer.getvalue().decode("utf-8").splitlines()[1] == "L-3,Edsger,+31 20 555 0101,Website,Medium,Won,grace"
    with pytest.raises(leads.InvalidQueryError):
        store.export_csv(uid, io.BytesIO(), "colour=red")
    with pytest.raises(TypeError):
        store.export_csv(uid, 42)  # type: ignore[arg-type]

    class Full(io.RawIOBase):
        def write(self, data: Any) -> int:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        store.export_csv(uid, Full())


@pytest.mark.parametrize("make", stores())
def test_import_history_reverts_imports_and_bulk_edits(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    store: leads.Store = make()
    uid = store.register(f"hist_{uuid.uuid4().hex[:8]}", "correct horse")["uuid"]
    path = tmp_path / "week-1.csv"
    path.write_bytes(CSV)
    first = store.import_csv(uid, path, mode="skip_invalid")
    job = first.job
    assert job is not None and first.to_dict()["job"] == job
    assert (job["kind"], job["state"], job["file_name"]) == ("import", "done", "week-1.csv")
    assert (job["bytes"], job["sha256"]) == (len(CSV), hashlib.sha256(CSV).hexdigest())
    assert job["counts"]["inserted"] == 2 and [i["code"] for i in job["issues"]] == ["invalid_contact"]
    assert store.import_csv(uid, CSV, mode="skip_invalid", dry_run=True).job is None

    changed = CSV.replace(b"Ada,ada@example.com,Website,Hot,Open", b"Ada,ada@example.com,Website,Hot,Won")
    second = store.import_csv(uid, changed + b"L-4,Barbara,barbara@example.com,Website,Low,New,\n", mode="skip_invalid")
    assert second.job is not None and second.job["file_name"] is None
    page = store.imports(uid, limit=1)
    assert [j["id"] for j in page["items"]] == [second.job["id"]]
    rest = store.imports(uid, cursor=page["next_cursor"])
    assert [j["id"] for j in rest["items"]] == [job["id"]] and rest["next_cursor"] is None
    assert store.get_import(uid, job["id"]) == job

    undone = store.revert_import(uid, second.job["id"])
    assert (undone["deleted"], undone["restored"], undone["conflicts"]) == (1, 1, [])
    assert undone["job"]["state"] == "reverted"
    assert store.get_lead(uid, "L-1").status == "Open"
    with pytest.raises(leads.NotFoundError):
        store.get_lead(uid, "L-4")
    again = store.revert_import(uid, second.job["id"])
    assert (again["deleted"], again["restored"], again["conflicts"]) == (0, 0, [])

    # Bulk edits by query, undone the same way; no filters needs all=True.
    bulk = store.update_leads(uid, "source=website", {"salesperson": "Hedy"})
    assert (bulk["kind"], bulk["counts"]["updated"]) == ("bulk_update", 2)
    assert {lead.salesperson for lead in store.query(uid).items} == {"Hedy"}
    with pytest.raises(leads.InvalidQueryError):
        store.update_leads(uid, None, {"salesperson": "Hedy"})
    with pytest.raises(leads.InvalidInputError):
        store.update_leads(uid, "source=website", {"status": "Nope"})
    store.revert_import(uid, bulk["id"])
    assert store.get_lead(uid, "L-1").salesperson == "Grace"
    gone = store.delete_leads(uid, None, all=True)
    assert gone["counts"]["deleted"] == 2 and len(store.query(uid)) == 0
    assert store.revert_import(uid, gone["id"])["restored"] == 2
    assert len(store.query(uid)) == 2
    with pytest.raises(leads.NotFoundError):
        store.revert_import(uid, str(uuid.uuid4()))
    with pytest.raises(leads.InvalidQueryError):
        store.imports(uid, limit=0)


@pytest.mark.parametrize("make", stores())
def test_members_act_per_their_role(make) -> None:  # type: ignore[no-untyped-def]
    store: leads.Store = make()
    tag = uuid.uuid4().hex[:8]
    owner = store.register(f"own_{tag}", "correct horse")["uuid"]
    rep = store.register(f"rep_{tag}", "correct horse")["uuid"]
    store.import_csv(owner, CSV, mode="skip_invalid")
    grace = next(s for s in store.salespeople(owner) if s["name"] == "Grace")
    member = store.add_member(owner, f"rep_{tag}", "rep", salesperson_id=grace["id"])
    assert (member["role"], member["salesperson_id"], member["team_ids"]) == ("rep", grace["id"], [])
    assert [m["username"] for m in store.members(owner)] == [f"rep_{tag}"]
    spaces = [(w["uuid"], w["username"], w["role"]) for w in store.workspaces(rep)]
    assert spaces == [(rep, f"rep_{tag}", "owner"), (owner, f"own_{tag}", "rep")]
    with pytest.raises(leads.NotFoundError):
        store.workspaces(str(uuid.uuid4()))
    with pytest.raises(leads.ConflictError):
        store.add_member(owner, f"rep_{tag}", "viewer")
    with pytest.raises(leads.InvalidOptionError):
        store.add_member(owner, f"rep_{tag}", "overlord")  # type: ignore[arg-type]

    # The rep sees and edits Grace's leads only, and may not delete or import.
    page = store.query(owner, "total=true", actor=rep)
    assert page.total == 2 and {lead.salesperson for lead in page.items} == {"Grace", "grace"}
    assert store.update_lead(owner, "L-1", {"status": "Won"}, actor=rep).status == "Won"
    with pytest.raises(leads.ForbiddenError) as refused:
        store.delete_lead(owner, "L-1", actor=rep)
    assert isinstance(refused.value, PermissionError)
    assert (refused.value.permission, refused.value.role) == ("delete_leads", "rep")
    with pytest.raises(leads.ForbiddenError):
        store.update_lead(owner, "L-1", {"salesperson": None}, actor=rep)
    with pytest.raises(leads.ForbiddenError):
        store.import_csv(owner, CSV, mode="skip_invalid", actor=rep)
    out = io.BytesIO()
    assert store.export_csv(owner, out, actor=rep) == 2

    # A team's manager; a changed role and a removed member count at once.
    team = store.add_team(owner, "East")
    assert store.set_salesperson_team(owner, grace["id"], team["id"])["team_id"] == team["id"]
    assert store.teams(owner) == [team]
    store.change_member(owner, rep, {"role": "manager", "team_ids": [team["id"]]})
    assert store.query(owner, "total=true", actor=rep).total == 2
    store.delete_lead(owner, "L-3", actor=rep)
    store.remove_member(owner, rep)
    with pytest.raises(leads.ForbiddenError) as gone:
        store.query(owner, actor=rep)
    assert gone.value.permission == "member"
    with pytest.raises(leads.NotFoundError):
        store.remove_member(owner, rep)


@pytest.mark.parametrize("make", stores())
def test_throttling_and_revoked_tokens(make) -> None:  # type: ignore[no-untyped-def]
    store: leads.Store = make()
    name = f"thr_{uuid.uuid4().hex[:8]}"
    uid = store.register(name, "correct horse")["uuid"]
    token = store.login(name, "correct horse", SECRET)["token"]
    assert store.verify_token(token, SECRET)["sub"] == uid
    for _ in range(5):
        with pytest.raises(leads.AuthError):
            store.login(name, "wrong horse", SECRET)
    with pytest.raises(leads.TooManyAttemptsError) as locked:
        store.login(name, "correct horse", SECRET)
    assert 0 < locked.value.retry_after <= 900 and locked.value.code == "too_many_attempts"
    with pytest.raises(leads.AuthError):
        store.change_password(uid, "wrong horse", "new horse 2")
    store.change_password(uid, "correct horse", "new horse 2")
    with pytest.raises(leads.InvalidInputError) as revoked:
        store.verify_token(token, SECRET)
    assert revoked.value.code == "invalid_token"
    store.logout_everywhere(uid)
