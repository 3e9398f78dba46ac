"""The real server: `python app.py` started on a loopback port and driven over HTTP, as a
frontend would use it."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

HERE = Path(__file__).resolve().parent
CSV = (
    b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n"
    + b"".join(
        b"L-%02d,Lead %d,l%d@example.com,%s,Hot,Open,Grace\n" % (i, i, i, b"Website" if i % 2 else b"Referral")
        for i in range(1, 31)
    )
    + b"L-99,Broken,not a contact,Website,High,Open,\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(tmp_path: Path) -> Iterator[str]:
    """`python app.py` on a free loopback port, its SQLite file in `tmp_path`, until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "LEADS_IMPORT_DIR": str(tmp_path),
        "LEADS_DB": str(tmp_path / "leads.db"),
        "LEADS_JWT_SECRET": "server-test-secret-of-at-least-32-bytes",
    }
    env.pop("SUPABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "app.py")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError as e:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the server did not start: {proc.stderr.read() if proc.stderr else ''!r}"
                    ) from e
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running(tmp_path) as url:
        yield url


def test_users_and_leads_survive_a_restart(tmp_path: Path) -> None:
    with running(tmp_path) as url:
        assert call("POST", f"{url}/user", {"username": "ann", "password": "correct horse"})[0] == 201
        token = call("POST", f"{url}/login", {"username": "ann", "password": "correct horse"})[1]["token"]
        assert call("POST", f"{url}/ann?mode=skip_invalid", token=token, file=CSV)[0] == 200
    assert (tmp_path / "leads.db").is_file()
    with running(tmp_path) as url:
        status, session = call("POST", f"{url}/login", {"username": "ann", "password": "correct horse"})
        assert status == 200
        page = call("GET", f"{url}/ann?total=true&limit=1", token=session["token"])[1]
        assert page["total"] == 30


def call(
    method: str, url: str, body: Any = None, token: Optional[str] = None, file: Optional[bytes] = None
) -> Tuple[int, Any]:
    headers: Dict[str, str] = {}
    data: Optional[bytes] = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if file is not None:
        boundary = uuid.uuid4().hex
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        data = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + file
            + f"\r\n--{boundary}--\r\n".encode()
        )
    elif body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            if r.headers.get("Content-Type", "").startswith("text/csv"):
                return r.status, raw.decode("utf-8")
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def test_the_seed_flow_over_http(server: str) -> None:
    status, user = call("POST", f"{server}/user", {"username": "ann", "password": "correct horse"})
    assert status == 201 and user["username"] == "ann"
    status, session = call("POST", f"{server}/login", {"username": "ann", "password": "correct horse"})
    assert status == 200 and session["uuid"] == user["uuid"]
    token = session["token"]
    assert call("GET", f"{server}/ann")[0] == 401

    status, body = call("POST", f"{server}/ann", token=token, file=CSV)
    assert status == 422 and body["error"]["code"] == "import_rejected"
    assert body["report"]["invalid"] == 1 and body["report"]["issues"][0]["line"] == 32
    assert call("GET", f"{server}/ann?total=true", token=token)[1]["total"] == 0

    status, body = call("POST", f"{server}/ann?mode=skip_invalid", token=token, file=CSV)
    assert status == 200 and body["imported"] == {"inserted": 30, "updated": 0, "unchanged": 0, "skipped": 0}

    status, page = call("GET", f"{server}/ann?source=Website&sort=lead_id&limit=4&page=2&total=true", token=token)
    assert status == 200 and page["total"] == 15 and page["offset"] == 4
    assert [lead["lead_id"] for lead in page["items"]] == ["L-09", "L-11", "L-13", "L-15"]
    status, nxt = call(
        "GET", f"{server}/ann?source=Website&sort=lead_id&limit=4&cursor={page['next_cursor']}", token=token
    )
    assert [lead["lead_id"] for lead in nxt["items"]] == ["L-17", "L-19", "L-21", "L-23"]

    status, lead = call("PATCH", f"{server}/ann/leads/L-09", {"status": "won", "salesperson": ""}, token=token)
    assert status == 200 and (lead["status"], lead["salesperson"]) == ("Won", None)
    assert call("DELETE", f"{server}/ann/leads/L-09", token=token)[0] == 204
    assert call("DELETE", f"{server}/ann/leads/L-09", token=token)[0] == 404
    assert call("GET", f"{server}/ann?total=true&limit=1", token=token)[1]["total"] == 29


def test_reimport_dry_run_and_export_over_http(server: str) -> None:
    call("POST", f"{server}/user", {"username": "bob", "password": "correct horse"})
    token = call("POST", f"{server}/login", {"username": "bob", "password": "correct horse"})[1]["token"]
    call("POST", f"{server}/bob?mode=skip_invalid", token=token, file=CSV)
    week2 = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-01,Lead 1,l1@example.com,Website,Hot,Won\n"
    status, body = call("POST", f"{server}/bob?dry_run=true", token=token, file=week2)
    assert status == 200 and body["imported"] == {"inserted": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    assert body["changes"] == [{"lead_id": "L-01", "fields": {"status": {"before": "Open", "after": "Won"}}}]
    status, body = call("POST", f"{server}/bob", token=token, file=week2)
    assert body["imported"]["updated"] == 1 and "changes" not in body

    req = urllib.request.Request(
        f"{server}/bob/export.csv?status=won", headers={"Authorization": f"Bearer {token}"}, method="GET"
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
        text = r.read().decode("utf-8")
    assert text.split("\r\n")[1] == "L-01,Lead 1,l1@example.com,Website,High,Won,Grace", "the assignment stayed"
    status, page = call("GET", f"{server}/bob?total=true&limit=1", token=token)
    assert page["total"] == 30
    status, fix = call("POST", f"{server}/bob/rejected", token=token, file=CSV)
    assert status == 200 and fix.split("\r\n")[1].startswith("L-99,Broken,not a contact,")


def test_history_revert_and_bulk_edits_over_http(tmp_path: Path) -> None:
    with running(tmp_path) as server:
        call("POST", f"{server}/user", {"username": "cyd", "password": "correct horse"})
        token = call("POST", f"{server}/login", {"username": "cyd", "password": "correct horse"})[1]["token"]
        status, body = call("POST", f"{server}/cyd?mode=skip_invalid", token=token, file=CSV)
        first = body["job"]
        assert status == 200 and (first["file_name"], first["counts"]["inserted"]) == ("leads.csv", 30)
        status, body = call("PATCH", f"{server}/cyd/leads?source=website", {"salesperson": "Hedy"}, token=token)
        assert status == 200 and body["updated"] == 15
        bulk = body["job"]
        status, body = call("DELETE", f"{server}/cyd/leads?source=referral", token=token)
        assert status == 200 and body["deleted"] == 15
        gone = body["job"]
        assert call("DELETE", f"{server}/cyd/leads", token=token)[0] == 400
        status, page = call("GET", f"{server}/cyd/imports", token=token)
        assert status == 200 and [j["id"] for j in page["items"]] == [gone["id"], bulk["id"], first["id"]]
        assert call("GET", f"{server}/cyd/imports/{bulk['id']}", token=token)[1]["kind"] == "bulk_update"

    # The history and its revert survive a restart (the SQLite file).
    with running(tmp_path) as server:
        token = call("POST", f"{server}/login", {"username": "cyd", "password": "correct horse"})[1]["token"]
        status, body = call("POST", f"{server}/cyd/imports/{gone['id']}/revert", token=token)
        assert status == 200 and (body["restored"], body["conflicts"]) == (15, [])
        status, body = call("POST", f"{server}/cyd/imports/{bulk['id']}/revert", token=token)
        assert status == 200 and body["restored"] == 15
        status, page = call("GET", f"{server}/cyd?salesperson=Grace&total=true&limit=1", token=token)
        assert page["total"] == 30, "every lead is back, with its salesperson"
        status, body = call("POST", f"{server}/cyd/imports/{first['id']}/revert", token=token)
        assert status == 200 and body["deleted"] == 30
        assert call("GET", f"{server}/cyd?total=true", token=token)[1]["total"] == 0


def test_the_readme_rest_workflow_runs_as_written(tmp_path: Path) -> None:
    """The README's curl lines of the re-import workflow, run in order against a real server
    (parsed, not shelled out: the machine need not have curl)."""
    import re
    import shlex

    readme = (HERE.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Re-importing") :]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    lines = [line.split("  #")[0] for line in block.group(1).splitlines() if line.startswith("curl ")]
    assert len(lines) >= 4
    week1 = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\nL-1,Ann,ann@example.com,Web,Hot,Open,Grace\n"
    (tmp_path / "week2.csv").write_bytes(
        b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n"
        b"L-1,Ann,ann@example.com,Web,Hot,Won\nL-2,Bo,bo@example.com,Web,Low,New\n"
    )
    with running(tmp_path) as server:
        call("POST", f"{server}/user", {"username": "ann", "password": "correct horse"})
        token = call("POST", f"{server}/login", {"username": "ann", "password": "correct horse"})[1]["token"]
        call("POST", f"{server}/ann", token=token, file=week1)
        answers = []
        job = ""
        for line in lines:
            args = shlex.split(line.replace("$TOKEN", token).replace("$JOB", job))[1:]
            method, body, upload, url = "GET", None, None, ""
            while args:
                arg = args.pop(0)
                if arg == "-X":
                    method = args.pop(0)
                elif arg == "-H":
                    args.pop(0)  # the token (call sends it) or the JSON content type
                elif arg == "-d":
                    body = json.loads(args.pop(0))
                elif arg == "-F":
                    upload = (tmp_path / args.pop(0).split("@", 1)[1]).read_bytes()
                    method = "POST"
                else:
                    url = arg.replace("http://127.0.0.1:5000", server)
            status, answer = call(method, url, body, token=token, file=upload)
            assert status == 200, (line, answer)
            answers.append(answer)
            if isinstance(answer, dict) and answer.get("job") and not job:
                job = answer["job"]["id"]
        assert answers[0]["job"] is None and answers[0]["changes"], "the dry run"
        assert answers[1]["imported"]["inserted"] == 1 and job, "the import"
        assert answers[2]["items"][0]["id"] == job, "the history"
        assert (answers[3]["deleted"], answers[3]["restored"]) == (1, 1), "the revert"
        assert answers[4]["updated"] == 1, "the bulk edit"
        status, page = call("GET", f"{server}/ann?total=true", token=token)
        assert page["total"] == 1 and (page["items"][0]["status"], page["items"][0]["salesperson"]) == ("Open", "Hedy")
