"""A pace a reader can follow, measured from every scene's own WebVTT cues in both languages (issue 21).

Each scene is rendered once per language by the real pipeline at the tiny
test size (Hebrew on the light theme, English on the dark one); the cues are
read back from the ``.vtt`` beside the MP4. A GIF in the book loops and cannot
be paused, so:

- every caption, title and sentence stays on screen at least
  :data:`~scenes.style.MIN_CUE_SECONDS` and at least its length ÷
  :data:`~scenes.style.READING_CPS` (:func:`~scenes.style.reading_seconds`);
- the clip explains itself while it moves: a new caption (not the title)
  begins at least every :data:`~scenes.style.MAX_SILENT_SECONDS`.
"""

from __future__ import annotations

import itertools

import pytest
import webvtt

from gdanim.api import ClipRequest, render_clips
from scenes.captions import CAPTIONS, caption_fields, visible_characters
from scenes.registry import SCENES
from scenes.style import MAX_SILENT_SECONDS, reading_seconds

PACE_SIZE: str = "160x90@5"
"""The smallest test size: cue times do not depend on it."""

LOOKS: dict[str, str] = {"he": "light", "en": "dark"}
"""Language -> the theme it is rendered in (the book's pages, the slides)."""


@pytest.fixture(scope="module")
def cues(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[webvtt.Caption]]:
    """``(scene, language)`` -> the cues of its clip's ``.vtt``, one tiny render each."""
    requests = [
        ClipRequest.create(scene, quality="low", language=language, theme=theme, test_size=PACE_SIZE)
        for scene in SCENES for language, theme in LOOKS.items()
    ]
    results = render_clips(requests, tmp_path_factory.mktemp("pace"), ("mp4",), jobs=2)
    return {(result.request.scene, result.request.language): webvtt.read(str(result.files["vtt"])).captions
            for result in results}


def _seconds(timestamp: str) -> float:
    """``HH:MM:SS.mmm`` in seconds (webvtt-py's ``*_in_seconds`` drop the milliseconds)."""
    hours, minutes, seconds = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _titles(language: str) -> set[str]:
    return {texts[language] for key, texts in CAPTIONS.items() if key.endswith(".title") and not caption_fields(key)}


CASES = [(scene, language) for scene in SCENES for language in LOOKS]


@pytest.mark.parametrize(("scene", "language"), CASES)
def test_every_cue_stays_long_enough_to_read(cues, scene, language):
    found = cues[(scene, language)]
    short = []
    for cue in found:
        needed = reading_seconds(visible_characters(cue.text))
        seconds = _seconds(cue.end) - _seconds(cue.start)
        if seconds + 1e-3 < needed:
            short.append(f"{seconds:.2f} s < {needed:.2f} s: {cue.text.strip()}")
    assert not short, "\n".join(short)


@pytest.mark.parametrize(("scene", "language"), CASES)
def test_a_caption_begins_at_least_every_few_seconds(cues, scene, language):
    found = cues[(scene, language)]
    titles = {text.lstrip("\u200f") for text in _titles(language)}
    starts = [_seconds(cue.start) for cue in found if cue.text.lstrip("\u200f") not in titles]
    end = max(_seconds(cue.end) for cue in found)
    marks = [0.0, *starts, end]
    gaps = [(after - before, before) for before, after in itertools.pairwise(marks)]
    long = [f"{gap:.1f} s from {at:.1f} s" for gap, at in gaps if gap > MAX_SILENT_SECONDS + 1e-3]
    assert not long, f"no new caption for {long}"
