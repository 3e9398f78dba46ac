"""Every case of tests/vectors/ through the Python package: the report must equal the expected
canonical JSON (the one the Rust and Node runners check), from every kind of source and in small
chunks."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import leads
import pytest

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
CASES = sorted(VECTORS.rglob("*.csv"))


def read_json(path: Path) -> Optional[Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def test_corpus_is_there() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("csv", CASES, ids=[str(c.relative_to(VECTORS)) for c in CASES])
def test_vector(csv: Path) -> None:
    base = csv.with_suffix("")
    options: Dict[str, Any] = read_json(base.with_name(base.name + ".options.json")) or {}
    expected = read_json(base.with_name(base.name + ".json"))
    expected_leads = read_json(base.with_name(base.name + ".leads.json"))
    data = csv.read_bytes()

    report = leads.validate_csv(data, **options)
    assert report.to_dict() == expected
    assert report.ok == (not any(i["severity"] == "error" for i in expected["issues"]))
    if expected_leads is not None:
        assert report.leads.to_dicts() == expected_leads
        assert [lead.to_dict() for lead in report.leads] == expected_leads

    # The same verdict from a path (str and Path), a binary file object read in 7-byte chunks,
    # and a streaming Validator fed 5 bytes at a time.
    assert leads.validate_csv(str(csv), **options).to_dict() == expected
    bare = leads.validate_csv(data, keep_leads=False, **options)
    assert bare.to_dict() == expected and len(bare.leads) == 0
    assert leads.validate_csv(csv, chunk_size=7, **options).to_dict() == expected
    assert leads.validate_csv(io.BytesIO(data), chunk_size=7, **options).to_dict() == expected
    v = leads.Validator(**options)
    taken: List[leads.Lead] = []
    for i in range(0, len(data), 5):
        v.push(data[i : i + 5])
        taken += v.take_leads()
    assert v.progress.bytes == min(len(data), options.get("max_bytes", len(data)))
    final = v.finish()
    assert final.to_dict() == expected
    assert taken + list(final.leads) == list(report.leads)
    assert v.progress.rows == expected["rows"]


def test_report_objects() -> None:
    csv = (
        "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Notes\n"
        "L-1,Ann,ANN@example.com,Web,Hot,open,x\n"
        "L-2,Bo,nobody,Web,High,New,\n"
    )
    report = leads.validate_csv(csv)
    assert (report.rows, report.valid, report.invalid, report.ok) == (2, 1, 1, False)
    assert (report.encoding, report.delimiter, report.issues_truncated) == ("utf-8", ",", False)
    notes = report.columns[-1]
    assert (notes.index, notes.header, notes.field, notes.match) == (6, "Notes", None, "unknown")
    warning, error = report.issues
    assert (warning.code, warning.severity, warning.record) == ("unknown_column", "warning", None)
    assert (error.line, error.record, error.column, error.field, error.value) == (
        3,
        2,
        "Contact Information",
        "contact_information",
        "nobody",
    )
    assert error.code in leads.ISSUE_CODES and "nobody" in error.message
    assert error.to_dict() == report.to_dict()["issues"][1]
    (ann,) = report.leads
    assert (ann.lead_id, ann.contact_information, ann.interest_level, ann.status, ann.salesperson) == (
        "L-1",
        "ann@example.com",
        "High",
        "Open",
        None,
    )
    assert ann.id is None and ann.created_at is None
    assert report.leads[-1] == ann and report.leads[0:5] == [ann] and len(report.leads) == 1
    with pytest.raises(IndexError):
        report.leads[1]


def test_sources_and_progress(tmp_path: Path) -> None:
    rows = "".join(f"L-{i},Name {i},n{i}@example.com,Web,High,New\n" for i in range(3000))
    data = ("Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n" + rows).encode()
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    seen: List[leads.Progress] = []
    report = leads.validate_csv(path, progress=seen.append, chunk_size=10_000)
    assert report.valid == 3000
    assert [p.bytes for p in seen] == sorted(p.bytes for p in seen) and seen[-1].bytes == len(data)
    assert {p.total_bytes for p in seen} == {len(data)} and (seen[-1].rows, seen[-1].valid) == (3000, 3000)
    assert len(seen) == -(-len(data) // 10_000) + 1  # after each chunk, and at the end
    # Sizes of file objects are unknown; text file objects are read as UTF-8.
    with path.open("rb") as f:
        seen.clear()
        assert leads.validate_csv(f, progress=seen.append).valid == 3000
        assert seen[-1].total_bytes is None
    with path.open("r", encoding="utf-8") as text:
        assert leads.validate_csv(text).valid == 3000
    assert leads.validate_csv(bytearray(data)).valid == 3000
    assert leads.validate_csv(memoryview(data)).valid == 3000


def test_python_exceptions_stop_the_work() -> None:
    class Stop(Exception):
        pass

    def stop(_: leads.Progress) -> None:
        raise Stop()

    with pytest.raises(Stop):
        leads.validate_csv(b"Lead ID\n" * 10, progress=stop)

    class Broken(io.RawIOBase):
        def read(self, n: int = -1) -> bytes:
            raise OSError("disk on fire")

    with pytest.raises(OSError, match="disk on fire"):
        leads.validate_csv(Broken())


def test_errors_are_leads_errors_of_the_right_family() -> None:
    with pytest.raises(leads.InvalidOptionError) as e:
        leads.validate_csv(b"", max_rows=0)
    assert isinstance(e.value, ValueError)
    assert (e.value.code, e.value.option) == ("invalid_option", "max_rows")
    with pytest.raises(leads.InvalidOptionError, match="colour"):
        leads.Validator(colour="red")  # type: ignore[call-arg]
    with pytest.raises(leads.SourceNotFoundError) as missing:
        leads.validate_csv("no/such/file.csv")
    assert isinstance(missing.value, FileNotFoundError) and missing.value.code == "io"
    assert "no/such/file.csv" in str(missing.value)
    with pytest.raises(TypeError, match="not int"):
        leads.validate_csv(42)  # type: ignore[arg-type]
    v = leads.Validator()
    v.finish()
    with pytest.raises(leads.LeadsError, match="already finished"):
        v.push(b"x")
    assert len(leads.ISSUE_CODES) == 16 and leads.ISSUE_CODES[0] == "empty_file"


def test_rejected_rows_export() -> None:
    csv = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\r\nL-1,=SUM(A1),nobody,Web,High,New\r\nL-2,Bo,bo@example.com,Web,High,New\r\n"
    out = leads.rejected_csv(csv).decode("utf-8-sig").splitlines()
    assert out[0] == "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,errors"
    assert out[1].startswith("L-1,'=SUM(A1),nobody,Web,High,New,")
    assert "is neither" in out[1] and len(out) == 2
    assert leads.rejected_csv(io.BytesIO(csv)) == leads.rejected_csv(csv)


def test_query_strings() -> None:
    q = leads.LeadQuery.parse("?status=Open,won&q=acme&sort=-interest_level,lead_name&limit=20&page=3&total=true")
    assert (q.status, q.q, q.sort, q.limit, q.offset, q.total) == (
        ["Open", "won"],
        "acme",
        ["-interest_level", "lead_name"],
        20,
        40,
        True,
    )
    assert leads.LeadQuery(str(q)) == q
    assert leads.LeadQuery().sort == ["-created_at"] and leads.LeadQuery().limit == 50
    nxt = q.with_cursor("abc")
    assert (nxt.cursor, nxt.offset) == ("abc", 0)
    with pytest.raises(leads.InvalidQueryError) as e:
        leads.LeadQuery.parse("colour=red")
    assert e.value.parameter == "colour"


def test_every_public_name_is_documented() -> None:
    undocumented = []
    for name in leads.__all__:
        obj = getattr(leads, name)
        if name != "ISSUE_CODES" and not (obj.__doc__ or "").strip():
            undocumented.append(name)
        if isinstance(obj, type):
            members = [(a, m) for a, m in vars(obj).items() if not a.startswith("_") and hasattr(m, "__get__")]
            undocumented += [f"{name}.{a}" for a, m in members if not (m.__doc__ or "").strip()]
    assert undocumented == []
