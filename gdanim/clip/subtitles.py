"""Subtitles: manim's ``.srt`` of a scene's captions as WebVTT beside the MP4 and as a track inside it.

Scenes record every title and caption as a manim subcaption while it is on
screen (``scenes.common.DescentScene.as_subtitle``); manim writes them to an
``.srt``. Browsers want WebVTT, and a player wants a soft subtitle track in
the file itself with its language, so each MP4 gets both.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Final

import webvtt

from gdanim.errors import MissingToolError

__all__ = ["RLM", "SUBTITLE_LANGUAGES", "Cue", "mux_mp4", "read_cues", "write_mp4_with_subtitles", "write_vtt"]

RLM: Final[str] = "\u200f"
"""RIGHT-TO-LEFT MARK: first in a Hebrew cue, so a cue that opens with a number or a Latin word still reads right to left."""

SUBTITLE_LANGUAGES: Final[dict[str, str]] = {"he": "heb", "en": "eng"}
"""Caption language -> the ISO 639-2 tag of the MP4's subtitle track."""

_RIGHT_TO_LEFT: Final[frozenset[str]] = frozenset({"he"})


Cue = tuple[float, float, str]
"""A subtitle cue: start and end in seconds, and its text."""


def read_cues(vtt: Path) -> list[Cue]:
    """The cues of a WebVTT file, for pages that add them with the TextTrack API.

    Chromium refuses a ``<track src>`` read from ``file://``; a page that is
    opened from disk ships the cues in its own script instead.

    Raises
    ------
    OSError
        If the file cannot be read.
    ValueError
        If it is not WebVTT.
    """
    try:
        captions = webvtt.read(str(vtt)).captions
    except webvtt.errors.MalformedFileError as error:
        raise ValueError(f"{vtt} is not WebVTT: {error}") from error
    return [(cue.start_time.in_milliseconds() / 1000, cue.end_time.in_milliseconds() / 1000, cue.text)
            for cue in captions]


def write_vtt(srt_file: Path | None, target: Path, language: str) -> int:
    """Write manim's ``.srt`` (or, without one, no cue) as WebVTT to ``target``; return the number of cues.

    In a right-to-left language every cue starts with :data:`RLM`.
    """
    captions = webvtt.from_srt(str(srt_file)) if srt_file is not None else webvtt.WebVTT()
    if language in _RIGHT_TO_LEFT:
        for cue in captions.captions:
            if not cue.text.startswith(RLM):
                cue.text = RLM + cue.text
    target.write_text(captions.content, encoding="utf-8")
    return len(captions.captions)


def mux_mp4(movie: Path, vtt: Path, target: Path, language: str) -> None:
    """Copy ``movie``'s video (not re-encoded) and ``vtt`` as a ``mov_text`` track tagged ``language`` into ``target``.

    The index (moov) goes first, so browsers start playing at once.

    Raises
    ------
    MissingToolError
        Without ffmpeg.
    subprocess.CalledProcessError
        If ffmpeg fails.
    """
    command = [
        "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(movie), "-i", str(vtt),
        "-map", "0:v:0", "-map", "1:s:0", "-c:v", "copy", "-c:s", "mov_text",
        "-metadata:s:s:0", f"language={SUBTITLE_LANGUAGES[language]}",
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise MissingToolError("ffmpeg") from None


def write_mp4_with_subtitles(movie: Path, srt_file: Path | None, mp4_target: Path, vtt_target: Path,
                             language: str) -> None:
    """The clip's MP4 (video copied, subtitles inside) and its ``.vtt`` beside it, from manim's movie and ``.srt``."""
    if write_vtt(srt_file, vtt_target, language):
        mux_mp4(movie, vtt_target, mp4_target, language)
    else:
        from gdanim.clip.scene_render import remux_faststart

        remux_faststart(movie, mp4_target)
