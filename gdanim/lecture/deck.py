"""A lecture deck: the beats of a run's clips, in order, each cut from its clip's MP4 as a video of its own.

A scene records its beats (``scenes.common.DescentScene.beat``) and the
pipeline keeps them in the manifest. Each beat starts where an animation
starts, and manim encodes every animation as its own segment, so each beat
starts on a key frame of the clip's MP4: its video is cut by copying packets,
without re-encoding, and decodes to exactly the clip's frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import numpy as np
from PIL import Image

from gdanim.clip.request import ClipRequest
from gdanim.clip.subtitles import Cue, read_cues
from gdanim.errors import MESSAGES
from gdanim.store.manifest import BeatRecord, ClipEntry, load_manifest
from scenes.captions import speaker_notes

__all__ = [
    "current_notes",
    "BACKGROUND_TOLERANCE", "Deck", "Slide", "collect_decks", "cut_slide_media", "deck_name", "last_frame",
    "poster_frame", "save_frame", "shows_only_background", "slide_cues",
]


@dataclass(frozen=True)
class Slide:
    """One beat of one clip: a slide of the deck.

    Attributes
    ----------
    clip_id, scene
        The clip (manifest id) and its scene's CLI name.
    number
        The beat's place in its clip, from 1.
    beats
        How many beats the clip has.
    name, notes
        The beat's name and speaker notes.
    start, end
        Where the beat lies in the clip, in seconds.
    source
        The clip's MP4.
    captions
        The clip's WebVTT subtitles, if it has them.
    """

    clip_id: str
    scene: str
    number: int
    beats: int
    name: str
    notes: str
    start: float
    end: float
    source: Path
    captions: Path | None = None

    @property
    def media_stem(self) -> str:
        """Path of the slide's files inside a deck's media folder, without extension: ``<clip id>/<NN>-<name>``."""
        return f"{self.clip_id}/{self.number:02d}-{self.name}"


@dataclass(frozen=True)
class Deck:
    """The slides of one language, theme and quality, in the order the scenes were asked for."""

    name: str
    language: str
    theme: str
    width: int
    height: int
    slides: tuple[Slide, ...]


def deck_name(request: ClipRequest) -> str:
    """``<lang>-<theme>-<quality>``: the deck a clip belongs to (one per language, theme and quality of a run).

    Examples
    --------
    >>> deck_name(ClipRequest.create("rolling-descent", quality="high", language="en", theme="dark"))
    'en-dark-1080p60'
    """
    return f"{request.language}-{request.theme}-{request.preset.tag}"


def current_notes(beat: BeatRecord, language: str) -> str:
    """A beat's speaker notes as the catalogue says them now, filled with the values the render gave.

    The notes are not part of a clip's hash (:data:`gdanim.store.source_hash.PAGE_ONLY_NAMES`), so a
    clip rendered before an edit to its notes is up to date; its deck says the edited notes all the
    same. A beat recorded without its key (an older manifest), or whose key the catalogue no longer
    has, keeps the notes the render wrote.
    """
    if not beat.notes_key:
        return beat.notes
    try:
        return speaker_notes(beat.notes_key, language, **(beat.notes_values or {}))
    except (KeyError, ValueError):
        return beat.notes


def _slides(entry: ClipEntry, out_dir: Path) -> list[Slide]:
    beats = entry.beats or ()
    if not beats or "mp4" not in entry.files:
        raise ValueError(MESSAGES["no_beats"].format(clip=entry.id, out_dir=out_dir))
    source = out_dir / entry.files["mp4"].path
    captions = out_dir / entry.files["vtt"].path if "vtt" in entry.files else None
    return [
        Slide(entry.id, entry.scene, number, len(beats), beat.name, current_notes(beat, entry.language), beat.start,
              beat.end, source, captions)
        for number, beat in enumerate(beats, start=1)
    ]


def collect_decks(requests: Iterable[ClipRequest], out_dir: Path) -> list[Deck]:
    """The decks of a run's clips (already rendered into ``out_dir``), each clip's beats in request order.

    Raises
    ------
    ValueError
        If a clip is missing from the manifest or has no beats.
    """
    manifest = load_manifest(out_dir)
    grouped: dict[str, list[ClipRequest]] = {}
    for request in dict.fromkeys(requests):
        grouped.setdefault(deck_name(request), []).append(request)
    decks = []
    for name, members in grouped.items():
        slides: list[Slide] = []
        for request in members:
            entry = manifest.find(request.clip_id)
            if entry is None:
                raise ValueError(MESSAGES["not_rendered"].format(clip=request.clip_id, out_dir=out_dir))
            slides += _slides(entry, out_dir)
        first = members[0]
        decks.append(Deck(name, first.language, first.theme, first.preset.pixel_width, first.preset.pixel_height,
                          tuple(slides)))
    return decks


def slide_cues(slide: Slide) -> list[Cue]:
    """The clip's subtitle cues shown during the slide's beat, timed from the beat's start."""
    if slide.captions is None or not slide.captions.is_file():
        return []
    length = slide.end - slide.start
    return [
        (round(max(start - slide.start, 0.0), 3), round(min(end - slide.start, length), 3), text)
        for start, end, text in read_cues(slide.captions)
        if end > slide.start and start < slide.end
    ]


def _frame_index(seconds: float | Fraction, rate: Fraction) -> int:
    return round(seconds * rate)


def cut_slide_media(slide: Slide, folder: Path) -> tuple[Path, Path]:
    """Write the slide's video (packets copied from its clip) and its poster (:func:`poster_frame`) under ``folder``.

    Returns
    -------
    tuple of Path
        ``<folder>/<media stem>.mp4`` and ``.png``.

    Raises
    ------
    ValueError
        If the beat does not start on a key frame or holds no frame.
    """
    video = folder / f"{slide.media_stem}.mp4"
    video.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(slide.source)) as clip, av.open(
        str(video), mode="w", format="mp4", options={"movflags": "+faststart"}
    ) as beat:
        stream_in = clip.streams.video[0]
        rate = stream_in.average_rate or stream_in.base_rate
        if rate is None:
            raise ValueError(f"{slide.source} has no frame rate")
        first, last = _frame_index(slide.start, rate), _frame_index(slide.end, rate)
        time_base = stream_in.time_base
        if time_base is None:
            raise ValueError(f"{slide.source} has no time base")
        stream_out = beat.add_stream_from_template(template=stream_in)
        offset: int | None = None
        for packet in clip.demux(stream_in):
            if packet.pts is None or not first <= _frame_index(packet.pts * time_base, rate) < last:
                continue
            if offset is None:
                if not packet.is_keyframe:
                    raise ValueError(f"beat {slide.name} of {slide.clip_id} does not start on a key frame")
                offset = packet.pts
            packet.pts -= offset
            if packet.dts is not None:
                packet.dts -= offset
            packet.stream = stream_out
            beat.mux(packet)
        if offset is None:
            raise ValueError(f"beat {slide.name} of {slide.clip_id} holds no frame")
    return video, save_frame(poster_frame(video), video.with_suffix(".png"))


BACKGROUND_TOLERANCE: Final[int] = 6
"""A frame whose every pixel is within this many levels of its corner pixel shows only the background."""


def shows_only_background(frame: np.ndarray) -> bool:
    """Whether an RGB frame is one colour (within :data:`BACKGROUND_TOLERANCE`): the theme's background, nothing drawn.

    Examples
    --------
    >>> blank = np.full((9, 16, 3), 250, dtype=np.uint8)
    >>> shows_only_background(blank)
    True
    >>> blank[4, 8] = (0, 114, 178)
    >>> shows_only_background(blank)
    False
    """
    difference = np.abs(frame.astype(np.int16) - frame[0, 0].astype(np.int16))
    return bool(difference.max() <= BACKGROUND_TOLERANCE)


def poster_frame(video: Path) -> np.ndarray:
    """The frame a slide shows before its beat plays: the first frame, or the last when the first is blank.

    A beat that goes on from the one before starts on that beat's last frame,
    which is what the audience saw last. A scene's first beat starts on an
    empty background (its set-up draws everything); its poster is then its
    last frame, the picture the set-up builds, so no slide is blank. The
    slides, the PowerPoint poster and thumbnails use the same frame.
    """
    with av.open(str(video)) as container:
        frames = container.decode(video=0)
        first = next(frames, None)
        if first is None:
            raise ValueError(f"{video} decodes to no frame")
        picture = first.to_ndarray(format="rgb24")
        if not shows_only_background(picture):
            return picture
        for frame in frames:
            picture = frame.to_ndarray(format="rgb24")
        return picture


def last_frame(video: Path) -> np.ndarray:
    """The last frame of a video, as RGB."""
    with av.open(str(video)) as container:
        frame = None
        for frame in container.decode(video=0):  # noqa: B007 (the loop keeps the last frame)
            pass
        if frame is None:
            raise ValueError(f"{video} decodes to no frame")
        return frame.to_ndarray(format="rgb24")


def save_frame(frame: np.ndarray, target: Path) -> Path:
    """Write an RGB frame as a PNG."""
    Image.fromarray(frame).save(target, format="PNG", optimize=True)
    return target
