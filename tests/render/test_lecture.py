"""``--format lecture``, ``--narration`` and ``--format script`` on two real tiny clips, read back with PyAV and ffprobe."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
import webvtt

from gdanim.api import ClipRequest, render_clips
from gdanim.cli import cli
from gdanim.lecture.video import TITLE_CARD_SECONDS
from scenes.titles import scene_title
from tests.render_runs import TINY, TINY_OPTION, decoded_frames, manifest_json, snapshot
import itertools

SCENES: tuple[str, ...] = ("rolling-descent", "local-view")
"""Two scenes, one step each: the lecture's order (not the registry's)."""

RATE: int = 5
"""Frames per second at :data:`tests.render_runs.TINY`."""

ARGUMENTS: tuple[str, ...] = (*SCENES, "--steps", "1", "-q", "l", *TINY_OPTION, "--quiet", "--jobs", "1")
STEM: str = "he-light-160x90p5"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two clips, rendered once; each test works on a copy of the folder."""
    out_dir = tmp_path_factory.mktemp("lecture-clips") / "out"
    render_clips([ClipRequest.create(scene, quality="low", steps=1, test_size=TINY) for scene in SCENES], out_dir)
    return out_dir


@pytest.fixture
def out_dir(rendered: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(rendered, tmp_path / "out"))


def _clip(out_dir: Path, scene: str) -> dict:
    return next(clip for clip in manifest_json(out_dir)["clips"] if clip["scene"] == scene)


def _chapters(path: Path) -> list[dict]:
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
                           capture_output=True, text=True, check=True)
    return json.loads(probe.stdout)["chapters"]


def _tone(path: Path, seconds: float, frequency: int = 440) -> Path:
    """A sine tone from ffmpeg's ``sine`` source, encoded by the file's extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}",
                    str(path)], check=True)
    return path


def _seconds(timestamp: str) -> float:
    hours, minutes, seconds = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _audio(path: Path) -> tuple[np.ndarray, int]:
    """The MP4's audio, decoded to mono float samples, and its rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
        return np.concatenate(chunks), stream.rate


def test_a_lecture_is_title_cards_and_the_clips_frames_with_chapters_and_retimed_subtitles(runner, out_dir):
    result = runner.invoke(cli, [*ARGUMENTS, "--format", "lecture", "--out", str(out_dir)])
    assert result.exit_code == 0, result.output
    lecture = out_dir / "lecture" / f"{STEM}.mp4"
    assert str(lecture) in result.output.splitlines()

    card = round(TITLE_CARD_SECONDS * RATE)
    frames = decoded_frames(lecture)
    clips = [decoded_frames(out_dir / _clip(out_dir, scene)["files"]["mp4"]["path"]) for scene in SCENES]
    assert len(frames) == 2 * card + sum(len(clip) for clip in clips)
    first, second = frames[card:card + len(clips[0])], frames[2 * card + len(clips[0]):]
    # Copied, not re-encoded: every frame of each clip decodes exactly as in the clip.
    assert all(np.array_equal(ours, theirs) for ours, theirs in zip(first, clips[0], strict=True))
    assert all(np.array_equal(ours, theirs) for ours, theirs in zip(second, clips[1], strict=True))
    # The card is still (x264 refines a still picture over its first frames), and not the clip's first frame.
    assert all(np.abs(frames[0].astype(int) - frame).mean() < 1.0 for frame in frames[1:card])
    assert not np.array_equal(frames[0], clips[0][0])

    chapters = _chapters(lecture)
    titles = [scene_title(scene, "he") for scene in SCENES]
    assert [chapter["tags"]["title"] for chapter in chapters] == titles
    bounds = [0.0, (card + len(clips[0])) / RATE, len(frames) / RATE]
    assert [(float(c["start_time"]), float(c["end_time"])) for c in chapters] == list(itertools.pairwise(bounds))
    web_chapters = webvtt.read(str(lecture.with_suffix(".chapters.vtt")))
    assert [cue.text for cue in web_chapters] == titles
    assert [(_seconds(cue.start), _seconds(cue.end)) for cue in web_chapters] == list(itertools.pairwise(bounds))

    # Each clip's cues, shifted to where its clip starts in the lecture, and inside its chapter.
    cues = [(_seconds(cue.start), _seconds(cue.end), cue.text) for cue in webvtt.read(str(lecture.with_suffix(".vtt")))]
    for index, scene in enumerate(SCENES):
        start = bounds[index] + TITLE_CARD_SECONDS
        vtt = out_dir / _clip(out_dir, scene)["files"]["vtt"]["path"]
        for cue in webvtt.read(str(vtt)):
            shifted = (round(start + _seconds(cue.start), 3), round(start + _seconds(cue.end), 3), cue.text)
            assert shifted in cues
            assert bounds[index] <= shifted[0] < shifted[1] <= bounds[index + 1]
    assert ("\u200f" + titles[1]) in [text for *_, text in cues]  # the card's title is a cue too
    # The cards were encoded with the clips' exact settings: one stream description (SPS/PPS) fits all.
    with av.open(str(lecture)) as ours, av.open(str(out_dir / _clip(out_dir, SCENES[0])["files"]["mp4"]["path"])) as clip:
        assert ours.streams.video[0].codec_context.extradata == clip.streams.video[0].codec_context.extradata
    with av.open(str(lecture)) as container:
        assert [stream.type for stream in container.streams if stream.type in ("video", "subtitle", "audio")] == [
            "video", "subtitle"]
        assert container.streams.subtitles[0].language == "heb"


def test_narration_holds_a_beat_until_its_recording_ends_and_the_audio_lasts_as_long_as_the_video(runner, out_dir, tmp_path):
    silent = runner.invoke(cli, [*ARGUMENTS, "--format", "lecture", "--out", str(out_dir)])
    assert silent.exit_code == 0, silent.output
    silent_frames = len(decoded_frames(out_dir / "lecture" / f"{STEM}.mp4"))
    clip = _clip(out_dir, "rolling-descent")
    beats = {beat["name"]: beat for beat in clip["beats"]}
    step = beats["step-1"]
    narration = tmp_path / "narration"
    _tone(narration / "rolling-descent" / "step-1.wav", step["end"] - step["start"] + 3)
    _tone(narration / "rolling-descent" / "setup.flac", 1.0, 660)  # shorter than its beat: the beat stays as it is
    _tone(narration / "local-view" / "hidden.mp3", 1.0, 330)

    result = runner.invoke(cli, [*ARGUMENTS, "--format", "lecture", "--out", str(out_dir), "--narration", str(narration)])
    assert result.exit_code == 0, result.output
    missing = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(missing) == 1 and "rolling-descent/lesson" in missing[0] and "rolling-descent/step-1" not in missing[0]

    lecture = out_dir / "lecture" / f"{STEM}.mp4"
    frames = decoded_frames(lecture)
    assert abs(len(frames) - (silent_frames + 3 * RATE)) <= 1
    card = round(TITLE_CARD_SECONDS * RATE)
    clip_frames = decoded_frames(out_dir / clip["files"]["mp4"]["path"])
    last = round(step["end"] * RATE) - 1
    held = frames[card + last:card + last + 3 * RATE + 1]
    # The beat's last frame, then the same picture held (encoded again, so within x264's rounding).
    assert np.array_equal(held[0], clip_frames[last])
    assert all(np.abs(frame.astype(int) - clip_frames[last]).mean() < 1.0 for frame in held[1:])
    # After the hold the clip goes on, frame for frame.
    after = frames[card + last + 1 + 3 * RATE:card + len(clip_frames) + 3 * RATE]
    assert all(np.array_equal(ours, theirs) for ours, theirs in zip(after, clip_frames[last + 1:], strict=True))

    samples, rate = _audio(lecture)
    assert abs(len(samples) / rate - len(frames) / RATE) <= 1 / RATE
    # Silence on the card, the tone from the step's first frame on.
    step_start = (card + round(step["start"] * RATE)) / RATE
    assert np.abs(samples[: int(rate * TITLE_CARD_SECONDS * 0.9)]).max() < 1e-3
    assert np.sqrt(np.mean(samples[int(rate * (step_start + 0.2)):int(rate * (step_start + 1))] ** 2)) > 0.05
    loudness = subprocess.run(["ffmpeg", "-nostdin", "-i", str(lecture), "-map", "0:a", "-af", "ebur128", "-f", "null", "-"],
                              capture_output=True, text=True, check=True).stderr
    integrated = float(loudness.rsplit("I:", 1)[1].split("LUFS")[0])
    assert -17.5 <= integrated <= -14.5

    chapters = _chapters(lecture)
    assert float(chapters[-1]["end_time"]) == pytest.approx(len(frames) / RATE, abs=1e-3)


def test_a_recording_of_no_beat_is_a_usage_error_and_nothing_is_written(runner, out_dir, tmp_path):
    narration = tmp_path / "narration"
    _tone(narration / "rolling-descent" / "step-9.wav", 1.0)
    before = snapshot(out_dir)
    result = runner.invoke(cli, [*ARGUMENTS, "--format", "lecture", "--out", str(out_dir), "--narration", str(narration)])
    assert result.exit_code == 2
    assert "step-9.wav" in result.output and "Traceback" not in result.output
    assert snapshot(out_dir) == before


@pytest.mark.parametrize("name", ["slope-tangent/setup.wav", "rolling-descent/setup.txt", "rolling-descent/setup.wav"])
def test_a_file_of_another_scene_or_kind_or_that_does_not_decode_is_a_usage_error(runner, out_dir, tmp_path, name):
    narration = tmp_path / "narration"
    path = narration / name
    if name.startswith("slope-tangent"):
        _tone(path, 1.0)
    else:
        path.parent.mkdir(parents=True)
        path.write_text("not sound")
    before = snapshot(out_dir)
    result = runner.invoke(cli, [*ARGUMENTS, "--format", "lecture", "--out", str(out_dir), "--narration", str(narration)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and len(result.output.strip().splitlines()) == 1
    assert snapshot(out_dir) == before


def test_a_second_run_with_the_same_inputs_writes_nothing(runner, out_dir, tmp_path):
    narration = tmp_path / "narration"
    _tone(narration / "local-view" / "hidden.ogg", 1.0)
    arguments = [*ARGUMENTS, "--format", "lecture", "--out", str(out_dir), "--narration", str(narration)]
    first = runner.invoke(cli, arguments)
    assert first.exit_code == 0, first.output
    written = {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in out_dir.rglob("*")}
    second = runner.invoke(cli, arguments)
    assert second.exit_code == 0, second.output
    assert {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in out_dir.rglob("*")} == written
    assert [line for line in second.output.splitlines() if "lecture/" in line] == [
        line for line in first.output.splitlines() if "lecture/" in line]
    # Another recording is another input: the lecture is built again.
    _tone(narration / "local-view" / "hidden.ogg", 2.0)
    third = runner.invoke(cli, arguments)
    assert third.exit_code == 0, third.output
    assert (out_dir / "lecture" / f"{STEM}.mp4").stat().st_mtime_ns != written[out_dir / "lecture" / f"{STEM}.mp4"][0]


def test_the_script_lists_every_beat_in_lecture_order_with_its_length_and_notes(runner, out_dir):
    result = runner.invoke(cli, [*ARGUMENTS, "--format", "script", "--out", str(out_dir)])
    assert result.exit_code == 0, result.output
    table = out_dir / "lecture" / f"{STEM}.csv"
    with table.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["scene", "beat", "seconds", "notes"]
    expected = [(scene, beat["name"], beat["notes"]) for scene in SCENES for beat in _clip(out_dir, scene)["beats"]]
    assert [(row["scene"], row["beat"], row["notes"]) for row in rows] == expected
    for scene in SCENES:
        lengths = sum(float(row["seconds"]) for row in rows if row["scene"] == scene)
        assert lengths == pytest.approx(_clip(out_dir, scene)["duration"], abs=1e-6)
    page = table.with_suffix(".md").read_text(encoding="utf-8")
    assert page.startswith('<div dir="rtl" lang="he">')
    assert all(notes in page and f"`{scene}/{beat}.wav`" in page for scene, beat, notes in expected)
    assert str(table) in result.output.splitlines()


def test_narration_without_the_lecture_format_is_a_usage_error(runner, out_dir, tmp_path):
    result = runner.invoke(cli, [*ARGUMENTS, "--format", "mp4", "--out", str(out_dir), "--narration", str(tmp_path)])
    assert result.exit_code == 2 and "--narration" in result.output
