"""What one clip is: a scene with its knobs, quality, language and theme, and its file names."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from gdanim.errors import MESSAGES
from gdanim.quality import DEFAULT_QUALITY, QUALITIES, QualityPreset, get_preset, resolve_quality
from gdmath import start_range, validate_descent_args
from scenes.registry import SCENES, get_spec

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_THEME",
    "FORMATS",
    "LANGUAGES",
    "MAX_RENDER_STEPS",
    "THEME_NAMES",
    "ClipRequest",
    "expand_formats",
]

LANGUAGES: Final[tuple[str, ...]] = ("he", "en")
"""Caption languages, ``--lang``."""

THEME_NAMES: Final[tuple[str, ...]] = ("light", "dark")
"""Colour themes, ``--theme`` (the colours themselves live in :mod:`scenes.style`)."""

DEFAULT_LANGUAGE: Final[str] = "he"
"""The book is in Hebrew."""

DEFAULT_THEME: Final[str] = "light"
"""The book's pages are white."""

FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "mp4": ("mp4",),
    "gif": ("gif",),
    "both": ("mp4", "gif"),
    "png": ("png",),
    # Lecture decks, built from the clips' MP4s after they render (gdanim.lecture.export).
    "slides": ("mp4",),
    "pptx": ("mp4",),
    "pdf": ("mp4",),
}
"""``--format`` choices and the clip files each one writes."""

MAX_RENDER_STEPS: Final[int] = 500
"""Most descent steps one clip may show; beyond that a clip runs for many minutes."""

_UNSAFE_NAME_CHARS: Final[re.Pattern[str]] = re.compile(r"[^A-Za-z0-9.+_-]")


def expand_formats(name: str) -> tuple[str, ...]:
    """Return the file extensions a ``--format`` choice writes.

    Examples
    --------
    >>> expand_formats("both")
    ('mp4', 'gif')
    """
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose from: {', '.join(FORMATS)}") from None


def _format_number(value: float) -> str:
    """Shortest exact spelling of a knob for a file name: ``-1.0`` → ``-1``, ``0.1`` → ``0.1``."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _safe_name(text: str) -> str:
    """Keep a file-name part to letters, digits and ``.+_-``, and never a bare ``.``/``..``."""
    cleaned = _UNSAFE_NAME_CHARS.sub("_", text).strip(".") or "_"
    return cleaned


@dataclass(frozen=True)
class ClipRequest:
    """One clip to render, every knob resolved to a concrete, validated value.

    Build it with :meth:`create`, which fills in the scene's defaults from
    :data:`scenes.registry.SCENES` and validates everything; the constructor
    validates too, so an invalid request cannot exist.

    Attributes
    ----------
    scene
        CLI name, e.g. ``"rolling-descent"``.
    quality
        Canonical quality name, e.g. ``"low"``.
    language
        ``"he"`` or ``"en"``.
    theme
        ``"light"`` or ``"dark"``.
    start, learning_rate, steps
        The descent's knobs.

    Examples
    --------
    >>> request = ClipRequest.create("rolling-descent", quality="l", language="he", theme="light")
    >>> request.learning_rate, request.steps
    (0.1, 10)
    >>> request.clip_id
    'rolling-descent/he-light-480p15'
    >>> ClipRequest.create("rolling-descent", quality="low", learning_rate=0.9).stem
    'he-light-480p15-lr0.9'
    """

    scene: str
    quality: str
    language: str
    theme: str
    start: float
    learning_rate: float
    steps: int

    def __post_init__(self) -> None:
        get_spec(self.scene)
        if self.quality not in QUALITIES:
            raise ValueError(f"unknown quality {self.quality!r}; choose from: {', '.join(QUALITIES)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}; choose from: {', '.join(LANGUAGES)}")
        if self.theme not in THEME_NAMES:
            raise ValueError(f"unknown theme {self.theme!r}; choose from: {', '.join(THEME_NAMES)}")
        validate_descent_args(self.start, self.learning_rate, self.steps)
        if not 1 <= self.steps <= MAX_RENDER_STEPS:
            raise ValueError(MESSAGES["steps_range"].format(cap=MAX_RENDER_STEPS, steps=self.steps))
        low, high = start_range(get_spec(self.scene).curve)
        if not low <= self.start <= high:
            raise ValueError(MESSAGES["start_range"].format(low=low, high=high, start=self.start))

    @classmethod
    def create(
        cls,
        scene: str,
        quality: str = DEFAULT_QUALITY,
        language: str = DEFAULT_LANGUAGE,
        theme: str = DEFAULT_THEME,
        start: float | None = None,
        learning_rate: float | None = None,
        steps: int | None = None,
    ) -> ClipRequest:
        """Resolve aliases and the scene's defaults, then validate.

        Raises
        ------
        ValueError
            With a message fit for a user, if any value is unknown or out of range.
        """
        spec = get_spec(scene)
        return cls(
            scene=spec.name,
            quality=resolve_quality(quality),
            language=language.lower(),
            theme=theme.lower(),
            # + 0.0 turns -0.0 into 0.0: one clip, one file name and one input hash for both spellings.
            start=float(spec.start if start is None else start) + 0.0,
            learning_rate=float(spec.learning_rate if learning_rate is None else learning_rate),
            steps=spec.steps if steps is None else steps,
        )

    @property
    def preset(self) -> QualityPreset:
        """Resolution and frame rate (honouring the test-only size override)."""
        return get_preset(self.quality)

    @property
    def parameters(self) -> dict[str, float | int]:
        """The descent knobs, as recorded in the manifest."""
        return {"start": self.start, "learning_rate": self.learning_rate, "steps": self.steps}

    @property
    def stem(self) -> str:
        """File name without extension: language, theme, quality, then knobs that differ from the scene's defaults."""
        spec = SCENES[self.scene]
        parts = [self.language, self.theme, self.preset.tag]
        if self.learning_rate != spec.learning_rate:
            parts.append(f"lr{_format_number(self.learning_rate)}")
        if self.start != spec.start:
            parts.append(f"start{_format_number(self.start)}")
        if self.steps != spec.steps:
            parts.append(f"steps{self.steps}")
        return _safe_name("-".join(parts))

    @property
    def clip_id(self) -> str:
        """Stable key of the clip in the manifest: ``<scene>/<stem>``."""
        return f"{_safe_name(self.scene)}/{self.stem}"

    def output_path(self, out_dir: Path, extension: str) -> Path:
        """Where the clip's file of a format goes: ``out_dir/<scene>/<stem>.<extension>``."""
        return out_dir / _safe_name(self.scene) / f"{self.stem}.{_safe_name(extension)}"

    def as_dict(self) -> dict[str, object]:
        """Plain-data form, e.g. to hand to a worker process or hash."""
        return asdict(self)

