"""ruff and mypy, configured in ``pyproject.toml``, pass on the checkout.

``make check`` runs the same two commands; here they also run in ``pytest -m unit``,
so a change that breaks either shows in the quick loop before it lands. mypy keeps
its incremental cache in ``.mypy_cache/``: a re-run after a small edit takes seconds.
"""

from __future__ import annotations

import ast
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


TEX_NAMES: frozenset[str] = frozenset({
    # manim's classes and methods that typeset with LaTeX (and need texlive + dvisvgm)
    "Tex", "MathTex", "SingleStringMathTex", "TexTemplate", "BulletedList", "Title", "DecimalNumber", "Integer",
    "Variable", "Matrix", "DecimalMatrix", "IntegerMatrix", "MobjectMatrix", "BraceLabel", "BraceText",
    "tex_to_svg_file", "add_coordinates", "get_axis_labels", "get_x_axis_label", "get_y_axis_label",
    "get_graph_label", "add_numbers", "include_numbers", "numbers_to_include", "numbers_with_elongated_ticks",
})
"""Any of these in a scene means LaTeX is needed again (the set-up, the tool check and the clip hash)."""


def test_no_scene_typesets_tex() -> None:
    found = sorted(
        f"{path.name}:{node.lineno} {name}"
        for path in (REPO_ROOT / "scenes").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (name := getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "arg", None)) in TEX_NAMES
    )
    assert not found, (
        "a scene typesets TeX; put texlive + dvisvgm back in scripts/setup.sh, gdanim.clip.render.check_tools, "
        f"gdanim.errors.TOOL_PACKAGES and gdanim.store.cache's hashed tools: {found}"
    )
