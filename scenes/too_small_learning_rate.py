"""Ch. 10: too small a learning rate, slow progress: lr 0.01 against lr 0.1, in a time-lapse."""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, RIGHT, UP, FadeIn, Mobject, ValueTracker, VGroup, smooth

from gdmath import (
    ARRIVAL_TOLERANCE,
    EXAMPLE_LEARNING_RATES,
    Regime,
    book_parameter,
    book_round,
    descend,
    steps_to_tolerance,
)
from scenes.registry import SceneSpec
from scenes.common import (
    always_rebuilt,
    PACED_STEPS,
    DescentScene,
    get_path_ball,
    get_trail,
    reading_order,
    time_lapse_durations,
    time_lapse_rate,
)

__all__ = ["TooSmallLearningRate"]

PANEL_SIZE: tuple[float, float] = (5.2, 3.5)
"""Screen width and height of one panel's plot, in scene units."""

PANEL_GAP: float = 1.2
"""Horizontal room between the two panels (the tick numbers sit in it)."""

STEP_RUN_TIME: float = 0.5
"""Run time of each of the first :data:`~scenes.common.PACED_STEPS` steps, shown one by one."""

TIME_LAPSE_RUN_TIME: float = 7.0
"""Run time of the time-lapse over every later step, however many there are."""


class TooSmallLearningRate(DescentScene):
    """The same descent at ``learning_rate`` (too small) and at ``balanced_learning_rate``, stepping together.

    The first steps play one by one; then a time-lapse runs through the rest,
    ever faster. Each panel says, from ``gdmath.steps_to_tolerance``, after
    how many steps its ball came within :data:`gdmath.ARRIVAL_TOLERANCE` of
    the minimum.
    """

    spec = SceneSpec(
        name="too-small-learning-rate",
        order=8,
        title_key="too_small.title",
        description=f"Ch. 10: lr {book_parameter(EXAMPLE_LEARNING_RATES[Regime.SLOW])} against lr "
        f"{book_parameter(EXAMPLE_LEARNING_RATES[Regime.CONVERGING])} from the same start, a time-lapse of "
        "hundreds of steps and how many each needs to arrive.",
        start=-1.0,
        learning_rate=EXAMPLE_LEARNING_RATES[Regime.SLOW],
        steps=300,
    )
    beat_names = ("setup", "crawl", "time_lapse", "lesson")
    balanced_learning_rate: ClassVar[float] = EXAMPLE_LEARNING_RATES[Regime.CONVERGING]
    tolerance: ClassVar[float] = ARRIVAL_TOLERANCE

    def setup(self) -> None:
        super().setup()
        rates = (self.learning_rate, self.balanced_learning_rate)
        self.paths = [descend(self.curve, self.start, rate, self.steps) for rate in rates]
        # Counted on a run as long as gdmath allows, so a short clip can still say what is needed.
        self.arrivals = [steps_to_tolerance(self.curve, self.start, rate, self.tolerance) for rate in rates]

    def construct(self) -> None:
        # Two panels in reading order: the small rate first.
        self.beat("too_small.setup", start=book_round(self.start), small=book_parameter(self.learning_rate),
                  balanced=book_parameter(self.balanced_learning_rate))
        title = self.get_title("too_small.title")
        self.panels = [self.get_panel(path, PANEL_SIZE) for path in self.paths]
        row = VGroup(*reading_order(self.panels, self.language)).arrange(RIGHT, buff=PANEL_GAP, aligned_edge=UP)
        row.move_to(0.1 * DOWN)
        self.play(FadeIn(title), *(FadeIn(panel) for panel in self.panels), run_time=1.5)

        # Two balls at the same start, and one step counter for both.
        self.progress = ValueTracker(0)
        self.balls = [get_path_ball(self.palette, path, self.progress, lambda axes=panel.axes: axes)  # type: ignore[misc]
                      for panel, path in zip(self.panels, self.paths)]
        self.counter = always_rebuilt(lambda: self.get_step_counter(int(self.progress.get_value() + 1e-9)))
        self.caption = self.get_caption("same_start")
        self.play(*(FadeIn(ball, scale=0.5) for ball in self.balls), FadeIn(self.counter), FadeIn(self.caption),
                  run_time=0.8)
        self.wait(1.0)

        # The first steps one by one: the small rate barely moves.
        self.beat("too_small.crawl")
        self.caption = self.replace_text(self.caption, self.get_caption("too_small.crawl"))
        self.verdicts: list[Mobject | None] = [None] * len(self.paths)
        for step in range(1, min(self.steps, PACED_STEPS) + 1):
            self.play(self.progress.animate.set_value(step), run_time=STEP_RUN_TIME, rate_func=smooth)
            self.show_arrivals(step)

        # The rest as a time-lapse, pausing as each ball arrives.
        if self.steps > PACED_STEPS:
            self.beat("too_small.time_lapse", tolerance=book_round(self.tolerance))
            self.caption = self.replace_text(self.caption, self.get_caption("too_small.time_lapse"))
            self.play_time_lapse()

        # How many steps each needs, and the lesson; every landing stays drawn, dense for the small rate.
        self.beat("too_small.lesson")
        self.show_shortfalls()
        # panel.axes is the attribute get_panel sets, not a method of VGroup's.
        trails = [get_trail(panel.axes, self.curve, path.x, self.palette)  # type: ignore[arg-type]
                  for panel, path in zip(self.panels, self.paths)]
        self.play(*(FadeIn(trail) for trail in trails), run_time=0.6)
        self.caption = self.replace_text(self.caption, self.get_caption("too_small.lesson"))
        self.hold_reading(2.0)

    def play_time_lapse(self) -> None:
        """Run the counter from :data:`PACED_STEPS` to ``steps`` ever faster, stopping at each arrival."""
        arrivals = {step for step in self.arrivals if step is not None and PACED_STEPS < step < self.steps}
        marks = [PACED_STEPS, *sorted(arrivals), self.steps]
        stretches = list(zip(marks, marks[1:], time_lapse_durations(marks, TIME_LAPSE_RUN_TIME)))
        for number, (begin, end, run_time) in enumerate(stretches):
            if number == 1 and self.balanced_arrived_first(begin):
                # The balanced ball is in; the small one still has most of its steps to go.
                self.caption = self.replace_text(self.caption, self.get_caption("too_small.still"))
            self.play(self.progress.animate.set_value(end), run_time=run_time, rate_func=time_lapse_rate(begin, end))
            self.show_arrivals(end)

    def balanced_arrived_first(self, step: int) -> bool:
        """Whether by ``step`` the balanced ball has arrived and the small-rate one has not."""
        small, balanced = self.arrivals
        return balanced is not None and balanced <= step and (small is None or small > step)

    def show_arrivals(self, step: int) -> None:
        """Label every panel whose ball has just come within the tolerance at ``step``."""
        arrived = [number for number, arrival in enumerate(self.arrivals) if arrival is not None and arrival <= step
                   and self.verdicts[number] is None]
        if not arrived:
            return
        shown = [self.get_verdict(number, "too_small.arrived", arrival) for number in arrived
                 if (arrival := self.arrivals[number]) is not None]
        for number, verdict in zip(arrived, shown):
            self.verdicts[number] = verdict
        self.play(*(FadeIn(verdict, shift=0.15 * UP) for verdict in shown), run_time=0.5)
        self.wait(0.6)

    def show_shortfalls(self) -> None:
        """Label the panels whose ball never arrived: how many steps it needs, or that it never gets there."""
        missing = [number for number, verdict in enumerate(self.verdicts) if verdict is None]
        shown = []
        for number in missing:
            arrival = self.arrivals[number]
            if arrival is None:
                verdict = self.get_verdict(number, "too_small.never", self.steps)
            else:
                verdict = self.get_verdict(number, "too_small.needs", arrival)
            self.verdicts[number] = verdict
            shown.append(verdict)
        if missing:
            self.play(*(FadeIn(verdict, shift=0.15 * UP) for verdict in shown), run_time=0.6)

    def get_verdict(self, number: int, key: str, steps: int):
        """The line under panel ``number``: arrived after, or needs, ``steps`` steps."""
        verdict = self.get_label(key, steps=steps, tolerance=book_round(self.tolerance))
        return verdict.next_to(self.panels[number], DOWN, buff=0.3)
