"""The scene catalogue: CLI names, classes, one-line descriptions and default knobs.

This module never imports manim, so the CLI can list scenes, validate
arguments and decide that a clip is up to date in a fraction of a second.
It is the one place where a scene's default start, learning rate and steps live;
the scene classes read their class attributes from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gdmath import (
    BOOK_CURVE,
    EXAMPLE_LEARNING_RATES,
    START_RANGE_WIDTHS,
    TWO_VALLEYS,
    Curve,
    Regime,
    book_parameter,
    start_range,
)

__all__ = ["SCENES", "SceneSpec", "get_spec"]

SCENES_DIR: Path = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SceneSpec:
    """What the rest of gdanim knows about a scene without importing it.

    Attributes
    ----------
    name
        CLI name, e.g. ``"rolling-descent"``.
    class_name
        Name of the ``Scene`` subclass exported by :mod:`scenes`.
    module
        Module that defines the class, e.g. ``"scenes.rolling_descent"``.
    description
        One line for ``--list``.
    start, learning_rate, steps
        Default knobs; the CLI overrides them per render.
    curve
        The error curve the scene descends (its class's ``curve``); it bounds
        the starts a render may ask for (:func:`gdmath.start_range`).
    start_widths
        How far beyond the curve's plot range, in widths of it, a start may lie;
        0 keeps every start on screen.
    fixed_knobs
        The scene shows the book's own numbers (a code listing), so a render
        may not change ``start``, ``learning_rate`` or ``steps``.
    """

    name: str
    class_name: str
    module: str
    description: str
    start: float
    learning_rate: float
    steps: int
    curve: Curve = BOOK_CURVE
    start_widths: float = START_RANGE_WIDTHS
    fixed_knobs: bool = False

    @property
    def start_range(self) -> tuple[float, float]:
        """The ``(low, high)`` starts a render of this scene accepts."""
        return start_range(self.curve, self.start_widths)

    @property
    def source_file(self) -> Path:
        """The file that holds the scene class (hashed to skip unchanged renders)."""
        return SCENES_DIR / (self.module.rsplit(".", 1)[-1] + ".py")


SCENES: dict[str, SceneSpec] = {
    spec.name: spec
    for spec in (
        SceneSpec(
            name="slope-tangent",
            class_name="SlopeTangent",
            module="scenes.slope_tangent",
            description="Ch. 9: a tangent slides along the error curve; its slope's sign and size say where to move.",
            start=-1.0,
            learning_rate=0.1,
            steps=10,
        ),
        SceneSpec(
            name="rolling-descent",
            class_name="RollingDescent",
            module="scenes.rolling_descent",
            description="Ch. 10: the book's descent, 10 steps from x = -1 at learning rate 0.1, steps shrinking as the slope flattens.",
            start=-1.0,
            learning_rate=0.1,
            steps=10,
        ),
        SceneSpec(
            name="overshooting-learning-rate",
            class_name="OvershootingLearningRate",
            module="scenes.overshooting_learning_rate",
            description="Ch. 10: too large a learning rate jumps across the valley, bouncing without settling "
            f"({book_parameter(EXAMPLE_LEARNING_RATES[Regime.OSCILLATING])}) or diverging "
            f"({book_parameter(EXAMPLE_LEARNING_RATES[Regime.DIVERGING])}).",
            start=-1.0,
            learning_rate=EXAMPLE_LEARNING_RATES[Regime.OSCILLATING],
            steps=10,
        ),
        SceneSpec(
            name="learning-rate-comparison",
            class_name="LearningRateComparison",
            module="scenes.learning_rate_comparison",
            description="Ch. 10: too small, balanced and too large learning rates side by side, same steps, same time.",
            start=-1.0,
            learning_rate=EXAMPLE_LEARNING_RATES[Regime.CONVERGING],
            steps=10,
        ),
        # Ch. 9, issue #12 (scenes 1-3).
        SceneSpec(
            name="slope-rise-over-run",
            class_name="SlopeRiseOverRun",
            module="scenes.slope_rise_over_run",
            description="Ch. 9: slope as rise over run; a second point slides in and the secant turns into the tangent.",
            start=-1.0,
            learning_rate=0.1,
            steps=10,
        ),
        SceneSpec(
            name="slope-steepness",
            class_name="SlopeSteepness",
            module="scenes.slope_steepness",
            description="Ch. 9: at five places, the slope beside the distance to the minimum: steep and far, big step.",
            start=-1.0,
            learning_rate=0.25,
            steps=10,
        ),
        SceneSpec(
            name="local-view",
            class_name="LocalView",
            module="scenes.local_view",
            description="Ch. 9: the curve hidden but for a lit window at the ball, which descends on the local slope alone.",
            start=-1.0,
            learning_rate=0.2,
            steps=6,
        ),
        # Issue #12, scenes 4-6.
        SceneSpec(
            name="too-small-learning-rate",
            class_name="TooSmallLearningRate",
            module="scenes.too_small_learning_rate",
            description=f"Ch. 10: lr {book_parameter(EXAMPLE_LEARNING_RATES[Regime.SLOW])} against lr "
            f"{book_parameter(EXAMPLE_LEARNING_RATES[Regime.CONVERGING])} from the same start, a time-lapse of "
            "hundreds of steps and how many each needs to arrive.",
            start=-1.0,
            learning_rate=EXAMPLE_LEARNING_RATES[Regime.SLOW],
            steps=300,
        ),
        SceneSpec(
            name="local-valley",
            class_name="LocalValley",
            module="scenes.local_valley",
            description="Ch. 10: balls from several starts on a two-valley curve; some get stuck in the shallow "
            "valley, others find the deep one.",
            start=0.0,
            learning_rate=0.05,
            steps=60,
            curve=TWO_VALLEYS,
            start_widths=0.0,
        ),
        SceneSpec(
            name="book-code",
            class_name="BookCode",
            module="scenes.book_code",
            description="Ch. 10: the book's code listing line by line, its printed output, and the ball moving in step.",
            start=-1.0,
            learning_rate=0.1,
            steps=10,
            fixed_knobs=True,
        ),
    )
}
"""Every scene gdanim renders, keyed by CLI name, in presentation order."""


def get_spec(name: str) -> SceneSpec:
    """Look up a scene by CLI name, with a message listing the known names."""
    try:
        return SCENES[name]
    except KeyError:
        known = ", ".join(SCENES)
        raise ValueError(f"unknown scene {name!r}; choose from: {known}") from None
