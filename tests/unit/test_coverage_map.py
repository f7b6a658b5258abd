"""The README's map 'the book → clips': every section of the chapters is taught by clips that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scenes.registry import SCENES
from tests.book_code import BOOK_DIR, SHARED_BOOK_DIR
from tests.render_runs import REPO_ROOT

MAP_HEADING = "## The book → clips"


def section_headings(book_dir: Path) -> list[tuple[int, str]]:
    """``(chapter, heading)`` of every ``##`` section of the chapters in ``book_dir``."""
    headings = []
    for chapter_file in sorted(book_dir.glob("ch*.md")):
        chapter = int(re.match(r"ch(\d+)", chapter_file.name).group(1))
        text = chapter_file.read_text(encoding="utf-8")
        headings += [(chapter, heading.strip()) for heading in re.findall(r"^## (.+)$", text, flags=re.MULTILINE)]
    return headings


def coverage_map(readme: str) -> dict[tuple[int, str], list[str]]:
    """The README's table under :data:`MAP_HEADING`: ``(chapter, Hebrew heading)`` -> clip names."""
    section = readme.split(MAP_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].isdigit():
            continue
        rows[(int(cells[0]), cells[1])] = re.findall(r"`([^`]+)`", cells[3])
    return rows


@pytest.fixture(scope="module")
def mapped() -> dict[tuple[int, str], list[str]]:
    return coverage_map((REPO_ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("book_dir", [BOOK_DIR, SHARED_BOOK_DIR], ids=["vendored", "shared"])
def test_every_section_of_the_book_has_a_clip(mapped, book_dir: Path):
    if not book_dir.is_dir():
        pytest.skip(f"no book at {book_dir}")
    headings = section_headings(book_dir)
    assert len(headings) >= 7
    missing = [heading for heading in headings if not mapped.get(heading)]
    assert not missing, f"sections without a clip in the README's map: {missing}"


def test_every_clip_in_the_map_exists(mapped):
    named = {clip for clips in mapped.values() for clip in clips}
    assert named, "the README has no map 'the book → clips'"
    assert not named - set(SCENES), f"the map names scenes that do not exist: {sorted(named - set(SCENES))}"


def test_the_map_holds_only_sections_of_the_book(mapped):
    assert set(mapped) <= set(section_headings(BOOK_DIR))


def test_the_checks_catch_a_missing_section_and_an_unknown_clip():
    readme = f"{MAP_HEADING}\n\n| chapter | section | in English | clips |\n|---|---|---|---|\n| 9 | א | a | `no-such-clip` |\n"
    rows = coverage_map(readme)
    assert rows == {(9, "א"): ["no-such-clip"]}
    assert not set(rows[(9, "א")]) <= set(SCENES)
    assert (10, "רעיון ירידת המפל") not in rows
