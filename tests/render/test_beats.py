"""Teaching beats and subtitle cues, as the scenes record them while they play.

The renders are the last-frame renders of ``test_scenes_render`` (shared
through its ``render_once`` cache), so these checks cost almost nothing more.
"""

from __future__ import annotations

import hashlib
import itertools
import re

import pytest

manim = pytest.importorskip("manim")
from manim import tempconfig  # noqa: E402
from manim.renderer.cairo_renderer import CairoRenderer  # noqa: E402

import scenes  # noqa: E402
from gdmath import Regime, book_table  # noqa: E402
from scenes.captions import LANGUAGES, SPEAKER_NOTES, caption, lesson_key, lesson_values, speaker_notes  # noqa: E402
from scenes.common import STEP_BEATS, DescentScene  # noqa: E402
from scenes.registry import SCENES  # noqa: E402
from tests.render.test_scenes_render import PROBES, _manim_writes_into_media_dir, media_dir, render_once  # noqa: E402

__all__ = ["_manim_writes_into_media_dir", "media_dir"]  # the fixtures, imported for pytest

BEAT_NAMES = {name: list(getattr(scenes, spec.class_name).beat_names) for name, spec in SCENES.items()}
"""The beats of each scene with its default knobs, as the scene declares them (its ``beat_names``)."""


def _cues(scene) -> list[tuple[float, float, str]]:
    """The scene's subtitle cues as manim will write them (``.srt``), in start order."""
    return sorted(
        (cue.start.total_seconds(), cue.end.total_seconds(), cue.content)
        for cue in scene.renderer.file_writer.subcaptions
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SCENES))
def test_every_scene_marks_its_beats_as_manim_sections_that_tile_the_clip(media_dir, name, language):
    scene = render_once(PROBES[name], media_dir, language=language, theme="light")
    beats = scene.beats
    assert [beat.name for beat in beats] == BEAT_NAMES[name]
    assert len({beat.name for beat in beats}) == len(beats) >= 3
    assert beats[0].start == 0
    assert all(before.end == after.start for before, after in itertools.pairwise(beats))
    assert all(beat.end > beat.start for beat in beats)
    assert beats[-1].end == pytest.approx(scene.movie_time, abs=1e-6)
    assert [section.name for section in scene.renderer.file_writer.sections] == [beat.name for beat in beats]
    assert all(len(beat.notes) > 40 for beat in beats)
    # Each beat keeps what its notes were filled from, so a deck can fill them again (gdanim.lecture.deck.current_notes).
    assert all(speaker_notes(beat.notes_key, language, **beat.notes_values) == beat.notes for beat in beats)


def test_step_notes_say_the_books_numbers(media_dir):
    scene = render_once(PROBES["rolling-descent"], media_dir, language="en", theme="light")
    step, x, error = book_table(scene.path)[0]
    assert scene.beats[1].notes == (
        f"Step {step}: at x = -1.0 the slope is -8.0, so the step is −0.1 × (-8.0) = 0.8. "
        f"The ball lands at x = {x}, error {error}."
    )
    assert scene.beats[-1].notes == speaker_notes(f"lesson.{Regime.CONVERGING}", "en")


def test_steps_past_the_paced_ones_share_one_beat_and_the_lesson_follows_the_regime(media_dir):
    scene = render_once(PROBES["rolling-descent"], media_dir, language="en", theme="dark", learning_rate=0.9, steps=14)
    assert [beat.name for beat in scene.beats] == ["setup", *STEP_BEATS, "rest", "lesson"]
    assert scene.beats[-2].notes.startswith("Steps 11 to 14 play on")
    # lr 0.9 crosses the minimum every step but settles within the 14 steps: the settling too-large lesson.
    assert lesson_key(scene.path) == "lesson.oscillating_settles"
    assert scene.beats[-1].notes == speaker_notes(lesson_key(scene.path), "en", **lesson_values(scene.path))


def test_every_title_and_caption_is_a_subtitle_cue_while_it_is_on_screen(media_dir):
    scene = render_once(PROBES["rolling-descent"], media_dir, language="en", theme="light")
    cues = _cues(scene)
    details = [
        caption("rolling_descent.detail", "en", slope=f"{row_slope}", delta=f"{row_delta}")
        for row_slope, row_delta in _slopes_and_steps(scene)
    ]
    expected = [
        caption("rolling_descent.title", "en"),
        caption("rolling_descent.rule", "en"),
        *details,
        caption("rolling_descent.shrink", "en"),
    ]
    assert [text for _, _, text in cues] == expected
    duration = scene.movie_time
    assert all(0 <= start < end <= duration + 1e-6 for start, end, _ in cues)
    # The title stays all along; the captions follow one another without overlapping.
    assert cues[0][:2] == (0, pytest.approx(duration))
    captions = cues[1:]
    assert all(before[1] <= after[0] + 1e-9 for before, after in itertools.pairwise(captions))


def _slopes_and_steps(scene) -> list[tuple[str, str]]:
    from gdmath import book_round, step_vector

    return [
        (book_round(step_vector(scene.path, index).slope), book_round(step_vector(scene.path, index).delta))
        for index in range(scene.path.nit)
    ]


@pytest.mark.unit
@pytest.mark.parametrize("key", list(SPEAKER_NOTES))
def test_speaker_notes_have_every_language_with_the_same_fields_and_isolated_latin(key):
    assert set(SPEAKER_NOTES[key]) == set(LANGUAGES)
    fields = [set(re.findall(r"\{(\w+)\}", SPEAKER_NOTES[key][language])) for language in LANGUAGES]
    assert all(f == fields[0] for f in fields)
    outside = re.sub("\u2066[^\u2069]*\u2069", "", SPEAKER_NOTES[key]["he"])
    assert not re.search(r"[A-Za-z0-9{}]", outside), outside


_ADD_FRAME = CairoRenderer.add_frame


def _frame_hashes(scene_class, monkeypatch) -> list[str]:
    """SHA-256 of every frame the renderer hands to the movie writer, at a tiny size."""
    hashes: list[str] = []

    def add_frame(self, frame, num_frames=1):
        hashes.extend([hashlib.sha256(frame.tobytes()).hexdigest()] * num_frames)
        return _ADD_FRAME(self, frame, num_frames)

    monkeypatch.setattr(CairoRenderer, "add_frame", add_frame)
    settings = {"pixel_width": 96, "pixel_height": 54, "frame_rate": 5, "write_to_movie": False,
                "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none"}
    with tempconfig(settings):
        type(scene_class.__name__, (scene_class,), {"steps": 2})().render()
    return hashes


def test_beats_and_subtitles_leave_every_frame_as_it_was(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with_beats = _frame_hashes(scenes.RollingDescent, monkeypatch)
    with monkeypatch.context() as plain:
        plain.setattr(DescentScene, "beat", lambda self, *args, **kwargs: None)
        # The cues' timing stays (it paces the captions); only writing them as subcaptions goes.
        plain.setattr(DescentScene, "add_subcaption", lambda self, *args, **kwargs: None)
        without = _frame_hashes(scenes.RollingDescent, monkeypatch)
    assert len(with_beats) > 30
    assert with_beats == without
