"""Hostile input: every bad argument is a LeadsError (or IndexError/TypeError) naming it, never a
crash, an OverflowError or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import List

import leads
import pytest

HEADER = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n"
CSV = HEADER + b"".join(b"L-%d,Name %d,n%d@example.com,Web,High,New,\n" % (i, i, i) for i in range(50))


@pytest.mark.parametrize("size", [2**40, 2**200, 0, -1, 2**30 + 1])
def test_chunk_sizes_out_of_range_are_invalid_options(size: int, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(CSV)
    for source in (CSV, path, str(path)):
        with pytest.raises(leads.InvalidOptionError) as e:
            leads.validate_csv(source, chunk_size=size)
        assert e.value.option == "chunk_size"


def test_the_largest_chunk_size_works_on_a_small_input(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(CSV)
    assert leads.validate_csv(path, chunk_size=2**30).valid == 50
    assert leads.validate_csv(CSV, chunk_size=2**30).valid == 50
    with pytest.raises(TypeError):
        leads.validate_csv(CSV, chunk_size="big")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "option,value",
    [
        ("retries", -1),
        ("retries", 2**70),
        ("batch_size", 0),
        ("batch_size", -5),
        ("concurrency", 2**70),
        ("concurrency", 0),
    ],
)
def test_supabase_options_out_of_range_are_invalid_options(option: str, value: int) -> None:
    with pytest.raises(leads.InvalidOptionError) as e:
        leads.SupabaseStore("http://127.0.0.1:9", "key", **{option: value})  # type: ignore[arg-type]
    assert e.value.option == option


def test_lead_indexes_beyond_any_size_are_index_errors() -> None:
    report = leads.validate_csv(CSV)
    for index in (2**70, -(2**70), 50, -51):
        with pytest.raises(IndexError):
            report.leads[index]
    assert report.leads[-1].lead_id == "L-49"


def test_validator_push_takes_every_bytes_like_chunk() -> None:
    reports = []
    for wrap in (bytes, bytearray, memoryview):
        v = leads.Validator()
        for start in range(0, len(CSV), 97):
            v.push(wrap(CSV[start : start + 97]))
        reports.append(v.finish().to_dict())
    assert reports[0] == reports[1] == reports[2] and reports[0]["valid"] == 50
    with pytest.raises(TypeError):
        leads.Validator().push("text")  # type: ignore[arg-type]


def test_finish_twice_and_push_after_finish_are_finished_errors() -> None:
    v = leads.Validator()
    v.push(CSV)
    assert v.finish().valid == 50
    for call in (v.finish, lambda: v.push(b"L-99,x,y@example.com,Web,High,New,\n")):
        with pytest.raises(leads.InvalidInputError) as e:
            call()
        assert e.value.code == "finished"


def test_one_validator_from_many_threads() -> None:
    v = leads.Validator()
    v.push(HEADER)
    errors: List[BaseException] = []

    def push(t: int) -> None:
        try:
            for i in range(200):
                v.push(b"T%d-%d,Name,n@example.com,Web,High,New,\n" % (t, i))
                v.take_leads()
                assert v.progress.bytes > 0
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=push, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = v.finish()
    assert (report.rows, report.valid) == (1600, 1600)


def test_a_path_that_is_not_utf8_opens_its_file(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/leads-\xff\xfe.csv"
    with open(raw, "wb") as f:
        f.write(CSV)
    name = os.fsdecode(raw)
    assert leads.validate_csv(name).valid == 50
    assert leads.rejected_csv(name).startswith(b"\xef\xbb\xbf")


def test_fifos_and_folders_are_refused_not_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    # In a child process, so that a hang fails this test instead of stopping the run.
    code = (
        "import leads, sys\n"
        "for p in sys.argv[1:]:\n"
        "    try:\n"
        "        leads.validate_csv(p)\n"
        "    except leads.LeadsIOError as e:\n"
        "        print(type(e).__name__, 'not a regular file' in str(e))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fifo), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split("\n")[:2] == ["LeadsIOError True", "LeadsIOError True"], done.stderr


def test_a_raising_progress_callback_stops_the_import_and_says_what_was_stored(tmp_path: Path) -> None:
    store = leads.MemoryStore(fast_passwords=True)
    uid = store.register("stopper", "correct horse")["uuid"]
    path = tmp_path / "big.csv"
    path.write_bytes(HEADER + b"".join(b"L-%d,Name,n%d@example.com,Web,High,New,\n" % (i, i) for i in range(5000)))

    class Stop(Exception):
        pass

    calls: List[leads.Progress] = []

    def stop_now(p: leads.Progress) -> None:
        calls.append(p)
        raise Stop()

    with pytest.raises(Stop) as strict:
        store.import_csv(uid, path, progress=stop_now)
    cause = strict.value.__cause__
    assert isinstance(cause, leads.ImportInterruptedError) and cause.code == "interrupted"
    assert (cause.batches, cause.inserted, len(calls)) == (0, 0, 1)
    assert store.query(uid, "total=true").total == 0, "strict: nothing stored"

    def stop_after_a_batch(p: leads.Progress) -> None:
        if p.inserted > 0:
            raise Stop()

    with pytest.raises(Stop) as partial:
        store.import_csv(uid, path, mode="skip_invalid", progress=stop_after_a_batch)
    cause = partial.value.__cause__
    assert isinstance(cause, leads.ImportInterruptedError)
    assert cause.batches >= 1 and 0 < cause.inserted < 5000
    assert store.query(uid, "total=true").total == cause.inserted, "exactly what it says is stored"


def test_exported_rows_to_fix_are_formula_safe_header_included() -> None:
    csv = (
        'Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,=HYPERLINK("x"),@SUM(1)\n'
        "L-1,\ufeff=cmd,nobody,\x01+x,High,New,a,b\n"
    ).encode()
    out = leads.rejected_csv(csv).decode("utf-8-sig").splitlines()
    assert out[0].endswith(',"\'=HYPERLINK(""x"")",\'@SUM(1),errors'), out[0]
    assert out[1].startswith("L-1,'\ufeff=cmd,nobody,'\x01+x,"), out[1]


def test_leads_need_a_registered_user() -> None:
    store = leads.MemoryStore(fast_passwords=True)
    with pytest.raises(leads.NotFoundError) as e:
        store.upsert_leads("00000000-0000-4000-8000-000000000001", leads.validate_csv(CSV).leads)
    assert e.value.what == "user"


@pytest.mark.parametrize("name", ["*", "a*", "%", "_tt*", "st*"])
def test_wildcards_never_log_in(name: str) -> None:
    store = leads.MemoryStore(fast_passwords=True)
    store.register("stopper", "correct horse")
    with pytest.raises(leads.AuthError):
        store.login(name, "correct horse", "python-test-secret-of-at-least-32-bytes")
    assert store.find_user(name) is None
