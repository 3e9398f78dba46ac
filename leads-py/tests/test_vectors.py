"""Every case of tests/vectors/ through the Python package: the report must equal the expected
canonical JSON (the one the Rust and Node runners check), in one piece and in small chunks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest

import leads

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
CASES = sorted(VECTORS.rglob("*.csv"))


def read_json(path: Path) -> Optional[Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def test_corpus_is_there() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("csv", CASES, ids=[str(c.relative_to(VECTORS)) for c in CASES])
def test_vector(csv: Path) -> None:
    base = csv.with_suffix("")
    options = read_json(base.with_name(base.name + ".options.json"))
    expected = read_json(base.with_name(base.name + ".json"))
    expected_leads = read_json(base.with_name(base.name + ".leads.json"))
    data = csv.read_bytes()

    result = leads.validate(data, options)
    assert result["report"] == expected
    if expected_leads is not None:
        assert result["leads"] == expected_leads

    v = leads.Validator(options)
    taken = v.feed(data[i : i + 5] for i in range(0, len(data), 5))
    assert v.finish() == expected
    taken += v.take_leads()
    assert taken == result["leads"]
    assert v.progress()["rows"] == expected["rows"]


def test_errors_are_leads_errors_of_the_right_family() -> None:
    with pytest.raises(leads.InvalidOptionError) as e:
        leads.validate(b"", {"max_rows": 0})
    assert isinstance(e.value, ValueError)
    assert (e.value.code, e.value.data) == ("invalid_option", "max_rows")
    with pytest.raises(leads.InvalidOptionError, match="colour"):
        leads.Validator({"colour": "red"})
    assert len(leads.ISSUE_CODES) == 13 and leads.ISSUE_CODES[0] == "empty_file"


def test_rejected_rows_export() -> None:
    csv = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\r\nL-1,=SUM(A1),nobody,Web,High,New\r\nL-2,Bo,bo@example.com,Web,High,New\r\n"
    out = leads.rejected_csv(csv).decode("utf-8-sig").splitlines()
    assert out[0] == "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,errors"
    assert out[1].startswith("L-1,'=SUM(A1),nobody,Web,High,New,")
    assert "is neither" in out[1] and len(out) == 2
