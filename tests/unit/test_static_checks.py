"""ruff and mypy, configured in ``pyproject.toml``, pass on the checkout.

``make check`` runs the same two commands; here they also run in ``pytest -m unit``,
so a change that breaks either shows in the quick loop before it lands. mypy keeps
its incremental cache in ``.mypy_cache/``: a re-run after a small edit takes seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    """The tool installed next to this Python (the ``dev`` extra), or skip when it is absent."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([_tool("ruff"), "check", "--quiet", "."], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    result = subprocess.run([_tool("mypy")], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
