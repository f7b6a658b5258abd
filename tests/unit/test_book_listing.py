"""The package's copy of the book's code listing is the chapter's, and it prints what the scenes print."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdmath import BOOK_CURVE, book_line, book_table, descend
from scenes.captions import LANGUAGES, caption
from scenes.listings import LISTING_FILES, book_listing, listing_lines
from scenes.registry import SCENES
from tests.book_code import BOOK_DIR, SHARED_BOOK_DIR, ch10_listing, ch10_snippet
from tests.render_runs import REPO_ROOT

BOOK_FOLDERS = [BOOK_DIR, SHARED_BOOK_DIR]
"""The vendored chapters, and the authoritative ones beside the checkout (skipped when absent)."""


def _python_prints(source: str) -> list[str]:
    """What ``python -c source`` prints, as lines."""
    completed = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return completed.stdout.splitlines()


@pytest.mark.parametrize("book_dir", BOOK_FOLDERS, ids=["vendored", "shared"])
def test_listing_is_the_chapters_code_character_for_character(book_dir: Path):
    if not book_dir.is_dir():
        pytest.skip(f"no book at {book_dir}")
    assert book_listing(10) == ch10_listing(book_dir)


def test_listing_is_line_by_line_what_the_chapter_prints():
    lines = listing_lines(10)
    assert lines[0] == "import numpy as np"
    assert "    # השיפוע של הפונקציה" in lines
    assert "x = -1        # נקודת התחלה רחוקה מהמינימום" in lines
    # The chapter wraps the print statement over two lines; so does the listing.
    assert lines[-2:] == ('    print(step + 1, "=> x =", round(x, 4), " error =",', "round(error(x), 4))")


def test_listing_runs_as_the_book_program_does():
    printed = _python_prints(book_listing(10))
    assert printed == _python_prints(ch10_snippet())
    rows = [book_line(*row) for row in book_table(descend(BOOK_CURVE, -1, 0.1, 10))]
    assert printed[1:] == rows
    assert printed[0] in {caption("book_code.output_header", language) for language in LANGUAGES}


def test_book_code_scene_runs_the_listings_own_numbers():
    # The listing starts at -1 with learning rate 0.1 for 10 steps; the scene's fixed knobs say the same.
    spec = SCENES["book-code"]
    assert spec.fixed_knobs
    source = book_listing(10)
    assert f"x = {spec.start:g} " in source
    assert f"learning_rate = {spec.learning_rate}\n" in source
    assert f"range({spec.steps})" in source


def test_render_needs_no_book_beside_the_checkout(tmp_path: Path):
    # The listing is package data: read from a copy of the package far from any ../shared.
    code = "from scenes.listings import book_listing; print(len(book_listing(10).splitlines()))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                               cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert completed.stdout.strip() == str(len(listing_lines(10)))


def test_unknown_chapter_is_refused():
    with pytest.raises(ValueError, match="no code listing for chapter 11"):
        book_listing(11)
    assert set(LISTING_FILES) == {10}
