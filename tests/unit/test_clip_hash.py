"""A clip's input hash covers what it draws: an edit to one scene re-renders that scene alone, a comment nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gdanim.clip.request import ClipRequest
from gdanim.store.cache import SOURCE_ROOT, hash_code, hash_inputs
from gdanim.store.source_hash import catalogue_entries, clip_sources, drawn_keys
from scenes.captions import CAPTIONS
from scenes.registry import SCENES

VERSIONS = {"ffmpeg": "test", "manim": "test"}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the three packages, to edit."""
    for package in ("gdmath", "scenes", "gdanim"):
        shutil.copytree(SOURCE_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _hashes(root: Path) -> dict[str, str]:
    return {name: hash_inputs(ClipRequest.create(name, "low"), VERSIONS, root) for name in SCENES}


def _module_file(root: Path, name: str) -> Path:
    return root.joinpath(*SCENES[name].module.split(".")).with_suffix(".py")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_copy_hashes_as_the_checkout(checkout: Path) -> None:
    assert _hashes(checkout) == _hashes(SOURCE_ROOT)


def test_an_edit_to_one_scene_changes_only_that_scenes_clips(checkout: Path) -> None:
    before = _hashes(checkout)
    _append(_module_file(checkout, "slope-tangent"), "\nSOME_NEW_CONSTANT = 1\n")
    after = _hashes(checkout)
    assert [name for name in SCENES if before[name] != after[name]] == ["slope-tangent"]


def test_comments_docstrings_and_blank_lines_anywhere_change_no_clip(checkout: Path) -> None:
    before, code = _hashes(checkout), hash_code(checkout)
    for path in checkout.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = text.replace('"""', '"""Reworded. ', 1) if text.lstrip().startswith('"""') else text
        path.write_text(f"# a new comment\n\n{text}\n# and one at the end\n", encoding="utf-8")
    assert _hashes(checkout) == before
    assert hash_code(checkout) == code


def test_alt_text_changes_no_clip_but_a_drawn_caption_changes_them(checkout: Path) -> None:
    before = _hashes(checkout)
    captions = checkout / "scenes" / "captions.py"
    _append(captions, '\nSCENE_ALT_TEXT["rolling-descent"] = {"he": "x", "en": "y"}\n')
    assert _hashes(checkout) == before
    _append(captions, '\nCAPTIONS["rolling_descent.title"] = {"he": "x", "en": "y"}\n')
    assert _hashes(checkout)["rolling-descent"] != before["rolling-descent"]


def _changed_by(checkout: Path, key: str, language: str = "en") -> list[str]:
    """The scenes whose clips' hash changes when the ``language`` text of caption ``key`` is reworded."""
    before = _hashes(checkout)
    captions = checkout / "scenes" / "captions.py"
    text = captions.read_text(encoding="utf-8")
    entry = text.index(f'    "{key}": {{')  # its entry in CAPTIONS (the speaker notes may use the same key)
    old = f'"{language}": "{CAPTIONS[key][language]}"'
    at = text.index(old, entry)
    captions.write_text(text[:at] + old[:-1] + ' (reworded)"' + text[at + len(old):], encoding="utf-8")
    after = _hashes(checkout)
    return [name for name in SCENES if before[name] != after[name]]


def test_rewording_one_scenes_caption_changes_only_that_scenes_clips(checkout: Path) -> None:
    assert _changed_by(checkout, "slope_tangent.zero") == ["slope-tangent"]
    assert _changed_by(checkout, "steepness.gentle_negative") == ["slope-steepness"]  # built as f"steepness.{size}_{sign}"


def test_rewording_a_caption_every_scene_draws_changes_every_clip(checkout: Path) -> None:
    assert _changed_by(checkout, "axis.error") == list(SCENES)


def test_a_caption_two_scenes_draw_changes_both(checkout: Path) -> None:
    # The local valley shows "slope = 0.0" with the tangent scene's readout.
    assert _changed_by(checkout, "slope_tangent.readout") == ["slope-tangent", "local-valley"]


def test_every_catalogue_entry_is_hashed_by_some_clip_and_by_the_code_hash() -> None:
    sources = {name: clip_sources(SOURCE_ROOT, spec.module) for name, spec in SCENES.items()}
    hashed = set().union(*(drawn_keys(paths) for paths in sources.values()))
    assert set(CAPTIONS) - hashed == set(), "captions no scene names: dead, or built in a way the hash cannot see"
    assert {key for path in SOURCE_ROOT.joinpath("scenes").glob("*.py") for key, _ in catalogue_entries(path)} \
        == set(CAPTIONS)


def test_a_render_that_draws_a_caption_its_hash_misses_fails_naming_it() -> None:
    pytest.importorskip("manim")
    from gdanim.clip.scene_render import _check_captions_are_hashed

    _check_captions_are_hashed("slope-tangent", frozenset({"slope_tangent.zero", "axis.error"}))
    with pytest.raises(RuntimeError, match=r"scenes.slope_tangent drew the caption 'book_code.run' but never names it"):
        _check_captions_are_hashed("slope-tangent", frozenset({"slope_tangent.zero", "book_code.run"}))


def test_speaker_notes_change_no_clip(checkout: Path) -> None:
    # The decks fill the notes again from the catalogue when they are exported (gdanim.lecture.deck.current_notes).
    before = _hashes(checkout)
    captions = checkout / "scenes" / "captions.py"
    text = captions.read_text(encoding="utf-8")
    assert "The book's loop on the book's curve" in text
    captions.write_text(text.replace("The book's loop on the book's curve", "The book's loop, on its curve"), encoding="utf-8")
    _append(captions, '\nSPEAKER_NOTES["rolling_descent.setup"] = {"he": "x", "en": "y"}\n')
    assert _hashes(checkout) == before


def test_gdmath_and_the_render_code_change_every_clip(checkout: Path) -> None:
    before = _hashes(checkout)
    _append(checkout / "gdmath" / "curves.py", "\n_EDITED = True\n")
    changed = _hashes(checkout)
    assert all(changed[name] != before[name] for name in SCENES)
    _append(checkout / "gdanim" / "clip" / "layers.py", "\n_EDITED = True\n")
    assert all(value != changed[name] for name, value in _hashes(checkout).items())


def test_the_listing_a_scene_shows_is_part_of_its_hash(checkout: Path) -> None:
    before = _hashes(checkout)
    listing = next((checkout / "scenes" / "book_listings").glob("*.txt"))
    _append(listing, "\nprint('one more line')\n")
    after = _hashes(checkout)
    assert [name for name in SCENES if before[name] != after[name]] == ["book-code"]
