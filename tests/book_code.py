"""Extract the book's Python examples from its Markdown chapters, so tests can run them."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

__all__ = ["BOOK_DIR", "SHARED_BOOK_DIR", "ch09_snippet", "ch10_listing", "ch10_snippet", "run_snippet"]

BOOK_DIR: Path = Path(__file__).resolve().parent / "data" / "book"
"""Vendored copy of the chapters, so the tests run without ``../shared``."""

SHARED_BOOK_DIR: Path = Path(__file__).resolve().parents[2] / "shared" / "book"
"""The authoritative chapters, beside the checkout, when present."""

_FENCED_PY = re.compile(r"```py\n(.*?)```", re.DOTALL)


def ch09_snippet(book_dir: Path = BOOK_DIR) -> str:
    """The ch. 9 fenced block with the 5-step loop that prints unrounded ``x``."""
    text = (book_dir / "ch09-slope.md").read_text(encoding="utf-8")
    blocks = [block for block in _FENCED_PY.findall(text) if "learning_rate" in block]
    (block,) = blocks
    return block


def ch10_listing(book_dir: Path = BOOK_DIR) -> str:
    """The ch. 10 gradient-descent program line by line as the chapter prints it, un-escaped from its Pandoc Markdown.

    The chapter carries the code as plain paragraphs: indentation in
    no-break spaces, ``\\*``, ``\\#``, ``\\"`` and ``\\>`` escapes, and blank lines
    between all of them. The blank lines go; every other line stays as the
    chapter has it, including the ``print(...`` statement it wraps over two
    lines (Python joins the lines inside the brackets).
    """
    text = (book_dir / "ch10-gradient-descent.md").read_text(encoding="utf-8")
    start = text.rindex("import numpy as np")
    end = text.index("round(error(x), 4))", start) + len("round(error(x), 4))")
    lines = [
        re.sub(r"\\([*#\"<>_])", r"\1", raw)
        for raw in text[start:end].replace("\u00a0", " ").splitlines()
        if raw.strip()
    ]
    return "\n".join(lines) + "\n"


def ch10_snippet(book_dir: Path = BOOK_DIR) -> str:
    """The ch. 10 gradient-descent program as :func:`ch10_listing`, its wrapped statement joined into one line."""
    lines: list[str] = []
    for line in ch10_listing(book_dir).splitlines():
        if lines and lines[-1].rstrip().endswith(","):
            lines[-1] = lines[-1].rstrip() + " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def run_snippet(source: str) -> list[str]:
    """Execute book code in a fresh namespace; return the lines it printed."""
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        exec(compile(source, "<book>", "exec"), {"__name__": "__book__"})
    return captured.getvalue().splitlines()
