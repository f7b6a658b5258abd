"""Subtitles of real tiny renders: the ``.vtt`` beside each MP4 and the soft track inside it."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
import webvtt

from gdanim.clip.subtitles import RLM, mux_mp4
from gdmath import book_round, step_vector
from scenes.captions import caption
from tests.tiny_clips import render_tiny_clips


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The tiny clips (Hebrew light, English dark; two steps each) by language, rendered by the real pipeline."""
    results = render_tiny_clips(tmp_path_factory.getbasetemp() / "tiny-clips")
    return {result.request.language: result for result in results}


def _expected_captions(result) -> list[str]:
    """Every title and caption the two-step rolling descent shows, in order."""
    from gdmath import BOOK_CURVE, descend

    request = result.request
    path = descend(BOOK_CURVE, request.start, request.learning_rate, request.steps)
    details = [
        caption("rolling_descent.detail", request.language, slope=book_round(step.slope), delta=book_round(step.delta))
        for step in (step_vector(path, index) for index in range(path.nit))
    ]
    keys = ("rolling_descent.title", "rolling_descent.rule")
    return [*(caption(key, request.language) for key in keys), *details, caption("rolling_descent.shrink", request.language)]


def _subtitle_texts(mp4: Path) -> tuple[str, list[str]]:
    """The language tag of the MP4's subtitle track and every text it decodes to, with PyAV."""
    with av.open(str(mp4)) as container:
        (stream,) = container.streams.subtitles
        texts = [subtitle.dialogue.decode("utf-8") for packet in container.demux(stream) for subtitle in packet.decode()]
        return stream.language, texts


@pytest.mark.parametrize("language", ["he", "en"])
def test_every_caption_is_one_vtt_cue_in_order_inside_the_clip(tiny_results: dict, language: str) -> None:
    result = tiny_results[language]
    vtt = result.files["vtt"]
    assert vtt == result.files["mp4"].with_suffix(".vtt")
    cues = webvtt.read(str(vtt)).captions
    texts = [cue.text for cue in cues]
    expected = _expected_captions(result)
    if language == "he":
        assert all(text.startswith(RLM) for text in texts)
        expected = [RLM + text for text in expected]
    else:
        assert not any(RLM in text for text in texts)
    assert texts == expected
    starts = [cue.start_in_seconds for cue in cues]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(0 <= cue.start_in_seconds < cue.end_in_seconds <= result.entry.duration + 0.001 for cue in cues)
    record = result.entry.files["vtt"].to_json()
    assert record["path"] == vtt.relative_to(vtt.parent.parent).as_posix()


@pytest.mark.parametrize(("language", "tag"), [("he", "heb"), ("en", "eng")])
def test_the_mp4_carries_the_subtitles_as_a_tagged_track_that_decodes(tiny_results: dict, language: str, tag: str) -> None:
    result = tiny_results[language]
    track_language, texts = _subtitle_texts(result.files["mp4"])
    assert track_language == tag
    shown = "\n".join(texts)
    for text in _expected_captions(result):
        assert text in shown, text


def _video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(packet) for packet in container.demux(video=0) if packet.size]


def test_adding_the_subtitle_track_copies_the_video_packets_unchanged(tiny_results: dict, tmp_path: Path) -> None:
    source = tiny_results["en"].files["mp4"]
    vtt = tmp_path / "other.vtt"
    vtt.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nanother cue\n", encoding="utf-8")
    target = tmp_path / "again.mp4"
    mux_mp4(source, vtt, target, "en")
    assert _video_packets(target) == _video_packets(source)
    assert _subtitle_texts(target) == ("eng", ["another cue"])


def test_a_clip_without_captions_gets_a_vtt_without_cues_and_no_subtitle_track(tiny_results: dict, tmp_path: Path) -> None:
    from gdanim.clip.subtitles import write_mp4_with_subtitles

    source = tiny_results["he"].files["mp4"]
    mp4, vtt = tmp_path / "plain.mp4", tmp_path / "plain.vtt"
    write_mp4_with_subtitles(source, None, mp4, vtt, "he")
    assert webvtt.read(str(vtt)).captions == []
    with av.open(str(mp4)) as container:
        assert list(container.streams.subtitles) == []
    assert _video_packets(mp4) == _video_packets(source)
