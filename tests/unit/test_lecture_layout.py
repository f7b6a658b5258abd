"""The lecture video's timeline, chapters and script, without rendering: pure functions of the clips' beats."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from gdanim.clip.request import ClipRequest
from gdanim.lecture.narration import Recording
from gdanim.lecture.script import render_csv, render_markdown
from gdanim.lecture.video import (
    TITLE_CARD_SECONDS,
    LectureBeat,
    LecturePart,
    _clip_to_lecture,
    _Card,
    _Clip,
    _Hold,
    _layout,
    _metadata_text,
)
from scenes.registry import SCENES
from scenes.titles import SCENE_TITLE_KEYS, scene_title

RATE = 10
CARD = round(TITLE_CARD_SECONDS * RATE)


def _part(scene: str, beats: list[tuple[str, int, int]], language: str = "en") -> LecturePart:
    request = ClipRequest.create(scene, quality="low", language=language, test_size="160x90@10")
    return LecturePart(request, scene_title(scene, language), Path(f"{scene}.mp4"), Path(f"{scene}.vtt"), ("a", "b"),
                       beats[-1][2], tuple(LectureBeat(name, f"notes of {name}", first, end) for name, first, end in beats))


def _recording(scene: str, beat: str, seconds: float) -> Recording:
    return Recording(scene, beat, Path(f"{beat}.wav"), seconds, "0" * 64)


PARTS = (_part("rolling-descent", [("setup", 0, 30), ("step-1", 30, 46), ("lesson", 46, 70)]),
         _part("local-view", [("hidden", 0, 25), ("reveal", 25, 40)]))


def test_every_scene_has_a_title_key_and_draws_that_title():
    assert set(SCENE_TITLE_KEYS) == set(SCENES)
    for name, key in SCENE_TITLE_KEYS.items():
        assert f'get_title("{key}")' in SCENES[name].source_file.read_text(encoding="utf-8")


def test_without_narration_a_lecture_is_each_card_then_each_whole_clip():
    timeline = _layout(PARTS, RATE, {})
    assert timeline.pieces == [_Card(0, CARD), _Clip(0, 0, 70), _Card(1, CARD), _Clip(1, 0, 40)]
    assert timeline.starts == [CARD, 2 * CARD + 70]
    assert timeline.chapters == [(0, CARD + 70, PARTS[0].title), (CARD + 70, 2 * CARD + 110, PARTS[1].title)]
    assert timeline.frames == 2 * CARD + 110 and timeline.placements == []


def test_a_recording_longer_than_its_beat_holds_the_beats_last_frame_and_later_times_move_by_the_hold():
    recordings = {("rolling-descent", "step-1"): _recording("rolling-descent", "step-1", 1.6 + 3.0),
                  ("rolling-descent", "setup"): _recording("rolling-descent", "setup", 1.0),
                  ("local-view", "reveal"): _recording("local-view", "reveal", 1.51)}
    timeline = _layout(PARTS, RATE, recordings)
    assert timeline.pieces == [_Card(0, CARD), _Clip(0, 0, 46), _Hold(0, 45, 30), _Clip(0, 46, 70),
                               _Card(1, CARD), _Clip(1, 0, 40), _Hold(1, 39, 1)]
    assert timeline.frames == 2 * CARD + 110 + 30 + 1
    assert timeline.chapters[0] == (0, CARD + 100, PARTS[0].title)
    # Each recording starts where its beat starts in the lecture; the one of 1.51 s needs 16 frames, the beat has 15.
    assert [(recording.beat, start, frames) for recording, start, frames in timeline.placements] == [
        ("setup", CARD, 30), ("step-1", CARD + 30, 46), ("reveal", 2 * CARD + 100 + 25, 16)]
    assert timeline.holds == [[(46, 30)], [(40, 1)]]
    # A cue of the clip moves by the holds at or before it: one shown to the end of the held beat lasts through it.
    holds = timeline.holds[0]
    assert _clip_to_lecture(4.0, CARD, holds, RATE) == pytest.approx((CARD + 40) / RATE)
    assert _clip_to_lecture(4.6, CARD, holds, RATE) == pytest.approx((CARD + 46 + 30) / RATE)
    assert _clip_to_lecture(5.0, CARD, holds, RATE) == pytest.approx((CARD + 50 + 30) / RATE)


@pytest.mark.parametrize(("text", "escaped"), [("a=b", "a\\=b"), ("x; #1", "x\\; \\#1"), ("back\\slash", "back\\\\slash")])
def test_chapter_titles_are_escaped_for_ffmpegs_metadata_file(text, escaped):
    assert _metadata_text(text) == escaped


def test_the_script_has_one_row_per_beat_in_lecture_order_and_a_page_that_reads_right_to_left_in_hebrew():
    rows = list(csv.reader(io.StringIO(render_csv(PARTS))))
    assert rows[0] == ["scene", "beat", "seconds", "notes"]
    assert rows[1:] == [["rolling-descent", "setup", "3.000", "notes of setup"],
                        ["rolling-descent", "step-1", "1.600", "notes of step-1"],
                        ["rolling-descent", "lesson", "2.400", "notes of lesson"],
                        ["local-view", "hidden", "2.500", "notes of hidden"],
                        ["local-view", "reveal", "1.500", "notes of reveal"]]
    hebrew = render_markdown("he-light-480p15", [_part("local-view", [("hidden", 0, 25)], "he")])
    assert hebrew.startswith('<div dir="rtl" lang="he">') and scene_title("local-view", "he") in hebrew
    assert "`local-view/hidden.wav`" in hebrew
