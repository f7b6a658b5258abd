"""Every choice a user makes, defined once: languages, themes, formats, qualities, and the test size.

The CLI's options, :class:`gdanim.clip.request.ClipRequest` (which validates a
request once, with :func:`check_choice`) and the scenes' captions and themes
all read these tables. The languages (with their text direction) and the themes
belong to the scenes that draw them (:mod:`scenes.languages`); this module hands
them on. It never imports manim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from gdanim.errors import MESSAGES
from scenes.languages import (
    DEFAULT_LANGUAGE,
    DEFAULT_THEME,
    LANGUAGE_NAMES,
    LANGUAGES,
    TEXT_DIRECTIONS,
    THEME_NAMES,
    check_choice,
)

__all__ = [
    "DEFAULT_FORMAT",
    "DEFAULT_LANGUAGE",
    "DEFAULT_QUALITY",
    "DEFAULT_THEME",
    "FILE_FORMATS",
    "FORMATS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LECTURE_FORMATS",
    "MAX_RENDER_STEPS",
    "QUALITIES",
    "QUALITY_ALIASES",
    "TEXT_DIRECTIONS",
    "THEME_NAMES",
    "VIDEO_LECTURE_FORMATS",
    "QualityPreset",
    "check_choice",
    "expand_formats",
    "get_preset",
    "normalise_formats",
    "resolve_quality",
]

FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "mp4": ("mp4",),
    "gif": ("gif",),
    "both": ("mp4", "gif"),
    "png": ("png",),
    # Lecture decks, built from the clips' MP4s after they render (gdanim.lecture.export).
    "slides": ("mp4",),
    "pptx": ("mp4",),
    "pdf": ("mp4",),
    # One lecture video of the run's clips, and its recording script (gdanim.lecture.video, .script).
    "lecture": ("mp4",),
    "script": ("mp4",),
}
"""``--format`` choices and the clip files each one writes."""

LECTURE_FORMATS: Final[tuple[str, ...]] = ("slides", "pptx", "pdf")
"""``--format`` choices that build a deck of the run's beats from its MP4s (:mod:`gdanim.lecture.export`)."""

VIDEO_LECTURE_FORMATS: Final[tuple[str, ...]] = ("lecture", "script")
"""``--format`` choices that join the run's MP4s into one lecture video, or write its recording script."""

FILE_FORMATS: Final[tuple[str, ...]] = ("mp4", "gif", "png")
"""File formats a clip can have, in the order they are written and listed."""

DEFAULT_FORMAT: Final[str] = "both"
"""MP4 for lectures and a GIF for the book's pages."""

MAX_RENDER_STEPS: Final[int] = 500
"""Most descent steps one clip may show; beyond that a clip runs for many minutes."""


@dataclass(frozen=True)
class QualityPreset:
    """Resolution and frame rate of one render quality.

    Attributes
    ----------
    pixel_width, pixel_height
        Frame size in pixels.
    frame_rate
        Frames per second.
    """

    pixel_width: int
    pixel_height: int
    frame_rate: int

    @property
    def tag(self) -> str:
        """Short label used in file names, e.g. ``"480p15"``.

        Sizes that are not one of manim's presets spell out both sides, e.g. ``"160x90p15"``.
        """
        if (self.pixel_width, self.pixel_height) in _PRESET_SIZES:
            return f"{self.pixel_height}p{self.frame_rate}"
        return f"{self.pixel_width}x{self.pixel_height}p{self.frame_rate}"


QUALITIES: Final[dict[str, QualityPreset]] = {
    "low": QualityPreset(854, 480, 15),
    "medium": QualityPreset(1280, 720, 30),
    "high": QualityPreset(1920, 1080, 60),
    "production": QualityPreset(2560, 1440, 60),
    "4k": QualityPreset(3840, 2160, 60),
}
"""manim's quality presets (``-ql`` … ``-qk``), keyed by the CLI's ``--quality`` name."""

_PRESET_SIZES: Final[frozenset[tuple[int, int]]] = frozenset((p.pixel_width, p.pixel_height) for p in QUALITIES.values())

QUALITY_ALIASES: Final[dict[str, str]] = {"l": "low", "m": "medium", "h": "high", "p": "production", "k": "4k"}
"""One-letter aliases, as in manim's ``-ql``/``-qm``/``-qh``/``-qp``/``-qk``."""

DEFAULT_QUALITY: Final[str] = "high"
"""The quality rendered when none is asked for: manim's default, 1080p60."""

_TEST_SIZE_PATTERN: Final[re.Pattern[str]] = re.compile(r"^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$")


def resolve_quality(name: str) -> str:
    """Return the canonical preset name for a name or one-letter alias.

    Examples
    --------
    >>> resolve_quality("l"), resolve_quality("4K")
    ('low', '4k')
    """
    key = name.strip().lower()
    return check_choice("quality", QUALITY_ALIASES.get(key, key), [*QUALITIES, *QUALITY_ALIASES])


def get_preset(name: str, test_size: str | None = None) -> QualityPreset:
    """Return the preset of a quality, or the tiny size the tests render at.

    Parameters
    ----------
    name
        A quality or its alias.
    test_size
        ``WIDTHxHEIGHT`` or ``WIDTHxHEIGHT@FPS`` (e.g. ``160x90@5``), even
        sizes for H.264; replaces the preset's size (and frame rate). Tests
        pass it (``ClipRequest.test_size``, the hidden ``--test-size``); it is
        part of file names and the input hash, so such clips never pass for
        real ones.

    Examples
    --------
    >>> get_preset("low").tag
    '480p15'
    >>> get_preset("high", "160x90@5").tag
    '160x90p5'
    """
    preset = QUALITIES[resolve_quality(name)]
    if test_size is None:
        return preset
    match = _TEST_SIZE_PATTERN.match(test_size.strip())
    if match is None:
        raise ValueError(MESSAGES["bad_test_size"].format(size=test_size))
    width, height, fps = match.groups()
    if int(width) % 2 or int(height) % 2:
        raise ValueError(MESSAGES["odd_test_size"].format(size=test_size))
    return QualityPreset(int(width), int(height), int(fps) if fps else preset.frame_rate)


def expand_formats(name: str) -> tuple[str, ...]:
    """Return the file extensions a ``--format`` choice writes.

    Examples
    --------
    >>> expand_formats("both")
    ('mp4', 'gif')
    """
    return FORMATS[check_choice("format", name.lower(), list(FORMATS))]


def normalise_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The file extensions asked for, in :data:`FILE_FORMATS` order (``"both"`` expanded).

    Examples
    --------
    >>> normalise_formats(["gif", "png", "both"])
    ('mp4', 'gif', 'png')

    Raises
    ------
    ValueError
        For an unknown format, or none.
    """
    wanted = {ext for name in formats for ext in expand_formats(name)}
    if not wanted:
        raise ValueError(MESSAGES["no_format"].format(choices=", ".join(FORMATS)))
    return tuple(ext for ext in FILE_FORMATS if ext in wanted)
