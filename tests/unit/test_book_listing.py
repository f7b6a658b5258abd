"""The package's copy of the book's code listing is the chapter's, and it prints what the scenes print."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import unescape

import pytest
from pygments.token import Name

from gdmath import BOOK_CURVE, book_line, book_table, descend
from scenes.captions import LANGUAGES, caption
from scenes.listings import (
    LISTING_FILES,
    TOKEN_ROLES,
    book_listing,
    display_lines,
    listing_lines,
    markup_lines,
    token_role,
)
from scenes.style import CODE_COLOURS, THEMES, contrast_ratio
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


# --- How the listing is shown: aligned continuation lines, coloured tokens ------------------------


def _plain(markup: str) -> str:
    """The text of a Pango markup line: tags dropped, entities unescaped."""
    return unescape(re.sub(r"<[^>]+>", "", markup))


def test_a_wrapped_line_is_aligned_with_its_open_bracket_and_runs_the_same():
    book, shown = listing_lines(10), display_lines(listing_lines(10))
    wrapped = next(number for number, line in enumerate(book) if line.startswith("round("))
    # The book's page wraps the print at column 0; shown, it starts right after `print(`.
    assert shown[wrapped] == " " * (shown[wrapped - 1].index("(") + 1) + book[wrapped]
    assert [line for number, line in enumerate(shown) if number != wrapped] == [
        line for number, line in enumerate(book) if number != wrapped]
    assert ast.dump(ast.parse("\n".join(shown))) == ast.dump(ast.parse("\n".join(book)))


def test_display_lines_leave_a_string_spanning_lines_alone():
    lines = ("x = (1,", '"""a', 'b""", (2,', "3))")
    assert display_lines(lines) == ("x = (1,", '     """a', 'b""", (2,', "       3))")


def test_markup_lines_colour_each_token_by_role_and_keep_every_character():
    colours = CODE_COLOURS["light"]
    lines = display_lines(listing_lines(10))
    markup = markup_lines(lines, colours)
    assert [_plain(line) for line in markup] == list(lines)
    assert markup[1].startswith(f'<span foreground="{colours["keyword"]}">def</span> ')
    assert f'<span foreground="{colours["function"]}">error_slope</span>' in markup[3]
    # A Hebrew comment and a Hebrew string each stay whole, in one span of their colour.
    assert f'<span foreground="{colours["comment"]}"># השיפוע של הפונקציה</span>' in markup[4]
    assert f'<span foreground="{colours["string"]}">"צעדים:"</span>' in markup[8]
    assert f'<span foreground="{colours["number"]}">0.1</span>' in markup[7]
    # Markup-special characters are escaped, never taken for markup.
    assert "&gt;" in markup[12] and token_role(Name) is None


@pytest.mark.parametrize("theme", list(THEMES))
def test_code_colours_read_as_well_as_text(theme):
    for role, colour in CODE_COLOURS[theme].items():
        assert contrast_ratio(colour, THEMES[theme].background) >= 4.5, (theme, role)
    assert {role for _, role in TOKEN_ROLES} == set(CODE_COLOURS[theme])
