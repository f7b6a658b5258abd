"""Quality presets: manim's names, resolutions and frame rates, in one typed table."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "DEFAULT_QUALITY",
    "QUALITIES",
    "QUALITY_ALIASES",
    "TEST_RESOLUTION_ENV",
    "QualityPreset",
    "get_preset",
    "resolve_quality",
]


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

TEST_RESOLUTION_ENV: Final[str] = "GDANIM_TEST_RESOLUTION"
"""Test-only override of every preset, e.g. ``160x90`` or ``160x90@5`` (width x height @ fps).

The test suite sets it to render tiny clips in a fraction of the time. The
size is part of the file name and the input hash, so such clips never pass for
real ones.
"""

_TEST_RESOLUTION_PATTERN: Final[re.Pattern[str]] = re.compile(r"^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$")


def resolve_quality(name: str) -> str:
    """Return the canonical preset name for a name or one-letter alias.

    Examples
    --------
    >>> resolve_quality("l"), resolve_quality("4K")
    ('low', '4k')
    """
    key = name.strip().lower()
    key = QUALITY_ALIASES.get(key, key)
    if key not in QUALITIES:
        known = ", ".join([*QUALITIES, *QUALITY_ALIASES])
        raise ValueError(f"unknown quality {name!r}; choose from: {known}")
    return key


def get_preset(name: str) -> QualityPreset:
    """Return the preset of a quality, honouring :data:`TEST_RESOLUTION_ENV`.

    Examples
    --------
    >>> get_preset("low").tag
    '480p15'
    """
    preset = QUALITIES[resolve_quality(name)]
    override = os.environ.get(TEST_RESOLUTION_ENV, "").strip()
    if not override:
        return preset
    match = _TEST_RESOLUTION_PATTERN.match(override)
    if match is None:
        raise ValueError(f"{TEST_RESOLUTION_ENV} must look like 160x90 or 160x90@5, got {override!r}")
    width, height, fps = match.groups()
    if int(width) % 2 or int(height) % 2:
        raise ValueError(f"{TEST_RESOLUTION_ENV} needs even sizes for H.264, got {override!r}")
    return QualityPreset(int(width), int(height), int(fps) if fps else preset.frame_rate)
