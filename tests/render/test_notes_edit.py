"""An edit to the speaker notes alone re-exports the deck and re-renders no clip.

In a copy of the checkout: a tiny clip and its slides, then an edit to one
beat's notes in ``scenes/captions.py``, then the same command again. The clip's
files are left as they were (the notes are not part of its hash) and the deck
says the edited notes (it fills them again from the catalogue).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.render_runs import REPO_ROOT, TINY

BEFORE = "The book's loop on the book's curve"
AFTER = "The book's loop, on its own curve"


def _slides(checkout: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gdanim", "rolling-descent", "--steps", "2", "--test-size", TINY, "-f", "slides",
         "--lang", "en", "-o", "out"],
        cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)}, capture_output=True, text=True, timeout=300,
        check=False,
    )


def test_a_notes_edit_re_exports_the_deck_without_rendering(tmp_path: Path) -> None:
    for package in ("gdmath", "scenes", "gdanim"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    first = _slides(tmp_path)
    assert first.returncode == 0, first.stderr
    clip_files = sorted((tmp_path / "out" / "rolling-descent").iterdir())
    before = {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in clip_files}
    deck = next((tmp_path / "out" / "slides").glob("*/index.html"))
    assert html.escape(BEFORE) in deck.read_text(encoding="utf-8")

    captions = tmp_path / "scenes" / "captions.py"
    text = captions.read_text(encoding="utf-8")
    assert text.count(BEFORE) == 1
    captions.write_text(text.replace(BEFORE, AFTER), encoding="utf-8")
    second = _slides(tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in clip_files} == before
    page = deck.read_text(encoding="utf-8")
    assert html.escape(AFTER) in page and html.escape(BEFORE) not in page
