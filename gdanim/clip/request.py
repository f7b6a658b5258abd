"""What one clip is: a scene with its knobs, quality, language and theme, and its file names."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from gdanim.errors import MESSAGES
from gdanim.options import (
    DEFAULT_LANGUAGE,
    DEFAULT_QUALITY,
    DEFAULT_THEME,
    LANGUAGES,
    MAX_RENDER_STEPS,
    QUALITIES,
    THEME_NAMES,
    QualityPreset,
    check_choice,
    get_preset,
    resolve_quality,
)
from gdmath import validate_descent_args
from scenes.registry import SCENES, get_spec

__all__ = ["ClipRequest"]

_UNSAFE_NAME_CHARS: Final[re.Pattern[str]] = re.compile(r"[^A-Za-z0-9.+_-]")


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
    test_size
        ``None``, or the tiny size tests render at instead of the quality's
        (see :func:`gdanim.options.get_preset`).

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
    test_size: str | None = None

    def __post_init__(self) -> None:
        get_spec(self.scene)
        check_choice("quality", self.quality, list(QUALITIES))
        check_choice("language", self.language, LANGUAGES)
        check_choice("theme", self.theme, THEME_NAMES)
        get_preset(self.quality, self.test_size)  # refuses a malformed test size
        validate_descent_args(self.start, self.learning_rate, self.steps)
        if not 1 <= self.steps <= MAX_RENDER_STEPS:
            raise ValueError(MESSAGES["steps_range"].format(cap=MAX_RENDER_STEPS, steps=self.steps))
        spec = get_spec(self.scene)
        if spec.fixed_knobs and (self.start, self.learning_rate, self.steps) != (spec.start, spec.learning_rate, spec.steps):
            raise ValueError(MESSAGES["fixed_knobs"].format(
                scene=spec.name, start=spec.start, learning_rate=spec.learning_rate, steps=spec.steps))
        low, high = spec.start_range
        if not low <= self.start <= high:
            message = "start_range" if spec.start_widths else "start_plot_range"
            raise ValueError(MESSAGES[message].format(low=low, high=high, start=self.start, scene=spec.name))

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
        test_size: str | None = None,
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
            test_size=test_size,
        )

    @property
    def preset(self) -> QualityPreset:
        """Resolution and frame rate (the test size, if one is set)."""
        return get_preset(self.quality, self.test_size)

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
        """Plain-data form, e.g. to hash (``test_size`` only when set)."""
        data = asdict(self)
        if self.test_size is None:
            del data["test_size"]
        return data

