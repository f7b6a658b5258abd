"""Ch. 10: too small, balanced and too large learning rates side by side, same steps, same time."""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, RIGHT, UP, FadeIn, ValueTracker, VGroup, smooth

from gdmath import EXAMPLE_LEARNING_RATES, Regime, book_parameter, book_round, classify, descend
from scenes.captions import regime_key
from scenes.registry import SceneSpec
from scenes.common import (
    STEP_BEATS,
    PACED_STEPS,
    DescentScene,
    get_path_ball,
    get_trail_dot,
    reading_order,
)

__all__ = ["LearningRateComparison"]

PANEL_SIZE: tuple[float, float] = (3.3, 3.7)
"""Screen width and height of one panel's plot, in scene units."""

PANEL_GAP: float = 0.75
"""Horizontal room between panels (the tick numbers sit in it)."""

STEP_RUN_TIME: float = 0.7
"""Run time of one step, all balls at once."""

LANDING_PAUSE: float = 0.5
"""Stillness after each landing, so three balls read as discrete steps, not continuous bouncing."""

CAPTION_STEPS: dict[int, str] = {2: "comparison.watch", 6: "comparison.rule"}
"""Step (from 0) -> the caption that replaces the one before it as that step starts."""


class LearningRateComparison(DescentScene):
    """Three descents from the same start, one per panel, stepping together.

    The panels use ``slow_learning_rate``, ``learning_rate`` and
    ``large_learning_rate``; each is labelled with its rate and, once the
    steps are done, its regime from ``gdmath.classify``.
    """

    spec = SceneSpec(
        name="learning-rate-comparison",
        order=4,
        title_key="comparison.title",
        description="Ch. 10: too small, balanced and too large learning rates side by side, same steps, same time.",
        start=-1.0,
        learning_rate=EXAMPLE_LEARNING_RATES[Regime.CONVERGING],
        steps=10,
    )
    beat_names = ("setup", *STEP_BEATS, "lesson")
    slow_learning_rate: ClassVar[float] = EXAMPLE_LEARNING_RATES[Regime.SLOW]
    large_learning_rate: ClassVar[float] = EXAMPLE_LEARNING_RATES[Regime.OSCILLATING]

    def setup(self) -> None:
        super().setup()
        rates = (self.slow_learning_rate, self.learning_rate, self.large_learning_rate)
        self.paths = [descend(self.curve, self.start, rate, self.steps) for rate in rates]

    def construct(self) -> None:
        # Three panels in reading order, each with its learning rate.
        rates = ", ".join(book_parameter(path.learning_rate) for path in self.paths)
        self.beat("comparison.setup", start=book_round(self.start), rates=rates)
        title = self.get_title("comparison.title")
        self.panels = [self.get_panel(path, PANEL_SIZE) for path in self.paths]
        row = VGroup(*reading_order(self.panels, self.language)).arrange(RIGHT, buff=PANEL_GAP, aligned_edge=UP)
        row.move_to(0.05 * DOWN)
        self.play(FadeIn(title), *(FadeIn(panel) for panel in self.panels), run_time=1.5)

        # Three balls at the same start, all as far into their paths as ``progress`` says.
        self.progress = ValueTracker(0)
        self.balls = [
            get_path_ball(self.palette, path, self.progress, lambda axes=panel.axes: axes)  # type: ignore[misc]
            for path, panel in zip(self.paths, self.panels)
        ]
        self.counter = self.get_step_counter(0)
        self.caption = self.get_caption("same_start")
        self.play(*(FadeIn(ball, scale=0.5) for ball in self.balls), FadeIn(self.counter), FadeIn(self.caption),
                  run_time=0.6)

        # The same step in every panel at the same time, a pause at each landing.
        for index in range(self.steps):
            if index in CAPTION_STEPS:
                self.caption = self.replace_text(self.caption, self.get_caption(CAPTION_STEPS[index]))
            self.animate_step(index)

        # Name each panel's regime.
        self.beat("comparison.lesson")
        verdicts = [self.get_verdict(panel, path) for panel, path in zip(self.panels, self.paths)]
        self.play(*(FadeIn(verdict, shift=0.15 * UP) for verdict in verdicts), run_time=0.8)
        self.caption = self.replace_text(self.caption, self.get_caption("comparison.outcome"))
        self.hold_reading(2.0)

    def animate_step(self, index: int) -> None:
        """Move every panel's ball to point ``index + 1`` of its path, if it got that far.

        The counter names the step while the balls take it.
        """
        self.step_beat("comparison.step", index, self.steps, steps=self.steps)
        moving = [ball for ball, path in zip(self.balls, self.paths) if index < path.nit]
        self.add(*(get_trail_dot(ball.get_center(), self.palette) for ball in moving))
        self.counter = self.replace_text(self.counter, self.get_step_counter(index + 1), run_time=0)
        self.play(self.progress.animate.set_value(index + 1), run_time=STEP_RUN_TIME * self.pace, rate_func=smooth)
        if index < PACED_STEPS:
            self.wait(LANDING_PAUSE)

    def get_verdict(self, panel: VGroup, path):
        """The regime of ``path`` under its panel."""
        verdict = self.get_label(regime_key(classify(path), short=True))
        return verdict.next_to(panel, DOWN, buff=0.3)
