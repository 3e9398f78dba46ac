"""report.leads as Arrow columns, and as polars and pandas DataFrames (DESIGN §1: Python
DataFrames), from both kinds of lead list: validate_csv's compact table and a Validator's list."""

from __future__ import annotations

import sys
from typing import Any, Dict, List

import leads
import pytest

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

CSV = (
    "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n"
    "L-1,Zoë Ünal,ZOE@example.com,Website,Hot,open,Grace\n"
    "L-2,Bob,bob@example,Website,Low,Open,\n"
    '007,"Ada ""The Countess""","+44 20 7946 0001; ada@example.com",Referral,medium,Won,\n'
    "L-4,,x@example.com,Fair,High,New,Hedy\n"
).encode()

NAMES = ["lead_id", "lead_name", "contact_information", "source", "interest_level", "status", "salesperson"]


def lists() -> List[leads.LeadList]:
    table = leads.validate_csv(CSV).leads
    v = leads.Validator()
    v.push(CSV)
    listed = v.finish().leads
    return [table, listed]


@pytest.mark.parametrize("kind", [0, 1], ids=["table", "list"])
def test_to_arrow_is_the_leads_as_string_columns(kind: int) -> None:
    got = lists()[kind]
    expected: List[Dict[str, Any]] = got.to_dicts()
    assert [d["lead_id"] for d in expected] == ["L-1", "007"]
    table = pa.table(got.to_arrow())
    assert table.schema.names == NAMES
    assert all(t == pa.string() for t in table.schema.types)
    assert [f.nullable for f in table.schema] == [False] * 6 + [True]
    assert table.to_pylist() == expected
    assert table.column("salesperson").null_count == 1
    # The same rows as string_view columns (what polars holds).
    views = pa.table(got.to_arrow(string_view=True))
    assert all(t == pa.string_view() for t in views.schema.types)
    assert views.to_pylist() == expected


@pytest.mark.parametrize("kind", [0, 1], ids=["table", "list"])
def test_to_polars_and_to_pandas_hold_the_same_rows(kind: int) -> None:
    got = lists()[kind]
    expected = got.to_dicts()
    frame = got.to_polars()
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == NAMES and frame.to_dicts() == expected
    pandas_frame = got.to_pandas()
    assert isinstance(pandas_frame, pd.DataFrame)
    assert list(pandas_frame.columns) == NAMES
    rows = pandas_frame.astype(object).where(pandas_frame.notna(), None).to_dict("records")
    assert rows == expected


def many_leads(n: int) -> bytes:
    """`n` valid leads whose every column differs from the next (names past 12 bytes, some
    unassigned), so a column filled from the wrong field, or rows out of order, show."""
    rows = ["Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson"]
    levels, statuses = ["High", "Medium", "Low"], ["New", "Open", "Won", "Lost"]
    for i in range(n):
        rep = f"Rep Ñ{i % 7}" if i % 5 else ""
        rows.append(
            f"L-{i},Zoë Name Number {i},user{i}@example.com,Source {i % 11} of the fair,"
            f"{levels[i % 3]},{statuses[i % 4]},{rep}"
        )
    return ("\n".join(rows) + "\n").encode()


def test_many_leads_fill_every_column_in_order() -> None:
    # Past 20,000 leads the columns are filled on two threads: each must still land in its place.
    got = leads.validate_csv(many_leads(30_011)).leads
    assert len(got) == 30_011
    expected = got.to_dicts()
    assert expected[29_999]["lead_name"] == "Zoë Name Number 29999"
    for string_view in (False, True):
        table = pa.table(got.to_arrow(string_view=string_view))
        assert table.schema.names == NAMES
        assert table.to_pylist() == expected
        assert table.column("salesperson").null_count == sum(1 for d in expected if d["salesperson"] is None)
    assert got.to_polars().to_dicts() == expected


def test_an_empty_list_is_an_empty_table_with_the_columns() -> None:
    empty = leads.validate_csv(b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n").leads
    table = pa.table(empty.to_arrow())
    assert (table.num_rows, table.schema.names) == (0, NAMES)
    assert empty.to_polars().shape == (0, 7)


def test_a_missing_optional_dependency_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r"to_polars\(\) needs polars \(pip install polars\)"):
        leads.validate_csv(CSV).leads.to_polars()
