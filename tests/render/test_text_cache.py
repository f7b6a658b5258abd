"""The built-text cache (:mod:`scenes.text_cache`): hits are exact copies, bad entries are rebuilt, frames unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from gdanim.store.cache import media_slot
from gdanim.clip.request import ClipRequest
from scenes import text_cache
from scenes.common import get_number
from scenes.style import THEMES
from tests.render_runs import TINY, decoded_frames

LIGHT, DARK = THEMES["light"], THEMES["dark"]


@pytest.fixture
def disk_cache(tmp_path: Path):
    """A fresh disk folder and an empty memory cache; the module's previous state is restored after."""
    folder = tmp_path / "mobjects"
    text_cache.configure(folder)
    text_cache.clear_memory()
    yield folder
    text_cache.configure(None)
    text_cache.clear_memory()


def _drawn_state(mobject) -> list[tuple[np.ndarray, ...]]:
    """What the camera reads of each family member: points and the fill, stroke and background colours."""
    return [
        (m.points, m.fill_rgbas, m.stroke_rgbas, m.background_stroke_rgbas, np.array([m.stroke_width]))
        for m in mobject.family_members_with_points()
    ]


def _same_drawing(a, b) -> bool:
    state_a, state_b = _drawn_state(a), _drawn_state(b)
    return len(state_a) == len(state_b) and all(
        all(np.array_equal(x, y) for x, y in zip(first, second)) for first, second in zip(state_a, state_b)
    )


def _counts_after(call) -> dict[str, int]:
    before = text_cache.statistics()
    call()
    return {key: value - before[key] for key, value in text_cache.statistics().items()}


@pytest.mark.unit
def test_a_new_process_reads_the_text_from_disk_exactly_as_built(disk_cache):
    built = get_number("שלב 1.2345", LIGHT)
    assert len(list(disk_cache.glob("*.pickle"))) == 1
    text_cache.clear_memory()  # as a new process: only the disk remains

    counts = _counts_after(lambda: get_number("שלב 1.2345", LIGHT))
    assert counts == {"memory": 0, "disk": 1, "built": 0}
    from_disk = get_number("שלב 1.2345", LIGHT)
    assert type(from_disk) is type(built)
    assert _same_drawing(from_disk, built)
    assert from_disk.get_center() == pytest.approx(built.get_center())


@pytest.mark.unit
def test_a_hit_is_a_copy_the_scene_may_move_and_recolour(disk_cache):
    first = get_number("0.36", LIGHT)
    pristine = [points.copy() for points, *_ in _drawn_state(first)]
    first.shift(2 * np.array([1.0, 0.0, 0.0])).set_color("#FF0000")

    second = get_number("0.36", LIGHT)
    assert all(np.array_equal(a, b) for a, b in zip(pristine, (s[0] for s in _drawn_state(second))))
    assert not np.array_equal(second.family_members_with_points()[0].fill_rgbas, first.family_members_with_points()[0].fill_rgbas)


@pytest.mark.unit
def test_everything_that_changes_the_text_changes_the_entry(disk_cache):
    get_number("1.5", LIGHT)
    get_number("1.5", DARK)  # the theme's text colour
    get_number("1.5", LIGHT, font_size=34)
    get_number("1.50", LIGHT)
    assert len(list(disk_cache.glob("*.pickle"))) == 4
    assert not _same_drawing(get_number("1.5", LIGHT), get_number("1.5", DARK))


@pytest.mark.unit
@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "not ours"])
def test_a_damaged_entry_is_rebuilt_never_trusted(disk_cache, damage):
    reference = get_number("7.25", LIGHT)
    (entry,) = disk_cache.glob("*.pickle")
    data = entry.read_bytes()
    damaged = {
        "truncated": data[: len(data) // 2],
        "flipped byte": data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:],
        "empty": b"",
        "not ours": b"\x80\x04K\x01.",  # a valid pickle of 1, without the header and digest
    }[damage]
    entry.write_bytes(damaged)
    text_cache.clear_memory()

    counts = _counts_after(lambda: get_number("7.25", LIGHT))
    assert counts == {"memory": 0, "disk": 0, "built": 1}
    assert _same_drawing(get_number("7.25", LIGHT), reference)
    text_cache.clear_memory()  # the entry was rewritten whole: the next process reads it
    assert _counts_after(lambda: get_number("7.25", LIGHT)) == {"memory": 0, "disk": 1, "built": 0}


@pytest.mark.unit
def test_the_disk_folder_stays_bounded(tmp_path):
    folder = tmp_path / "entries"
    folder.mkdir()
    for index in range(12):
        path = folder / f"{index:02}.pickle"
        path.write_bytes(b"x")
        os.utime(path, (1000 + index, 1000 + index))
    text_cache._prune(folder, max_entries=5)
    assert sorted(p.name for p in folder.iterdir()) == [f"{index:02}.pickle" for index in range(7, 12)]


@pytest.mark.unit
def test_without_a_folder_nothing_is_written(tmp_path):
    text_cache.configure(None)
    text_cache.clear_memory()
    get_number("42", LIGHT)
    assert text_cache.statistics()["built"] >= 1
    assert not any(tmp_path.iterdir())


def test_frames_from_cached_text_equal_frames_from_built_text(disk_cache, monkeypatch, tmp_path):
    """A render whose every text comes from disk decodes to exactly the frames of one that built them all."""
    from gdanim.clip.scene_render import render_scene

    monkeypatch.setenv("GDANIM_CACHE_DIR", str(tmp_path / "cache"))
    request = ClipRequest.create("rolling-descent", quality="low", steps=2, test_size=TINY)
    movies = []
    for expected in ({"built"}, {"disk"}):
        text_cache.clear_memory()
        before = text_cache.statistics()
        with media_slot() as media_dir:
            movie = render_scene(request, media_dir, movie=True).movie
            kept = tmp_path / f"run-{len(movies)}.mp4"
            kept.write_bytes(movie.read_bytes())
            movies.append(kept)
        counts = {key: value - before[key] for key, value in text_cache.statistics().items()}
        assert {key for key, value in counts.items() if value and key != "memory"} == expected
    first, second = (decoded_frames(movie) for movie in movies)
    assert len(first) == len(second) > 10
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
