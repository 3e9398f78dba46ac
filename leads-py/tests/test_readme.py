"""The README's Python code blocks and the package's doctests run as written, against the
installed wheel."""

from __future__ import annotations

import doctest
import importlib.metadata
import re
from pathlib import Path

import leads
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_blocks() -> None:
    assert BLOCKS


@pytest.mark.parametrize("code", BLOCKS)
def test_readme_block_runs(code: str) -> None:
    exec(compile(code, str(README), "exec"), {})


def test_the_installed_wheel_ships_its_types() -> None:
    files = {str(f) for f in importlib.metadata.distribution("leads").files or []}
    assert {"leads/py.typed", "leads/_leads.pyi", "leads/__init__.py", "leads/errors.py"} <= files
    assert any(f.startswith("leads/_leads") and f.endswith((".so", ".pyd")) for f in files)


def test_doctests() -> None:
    results = doctest.testmod(leads)
    assert results.attempted > 0 and results.failed == 0
