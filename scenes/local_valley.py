"""Ch. 10: getting stuck: on a curve with two valleys, where a ball starts decides where it ends."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, Line, ValueTracker, VGroup, smooth

from gdmath import (
    TWO_VALLEYS,
    Valley,
    book_parameter,
    book_round,
    descend,
    downhill_direction,
    spread_starts,
    valley_reached,
    view_range,
)
from scenes.captions import signed_number
from scenes.style import EDGE_BUFF, is_rtl
from scenes.registry import SceneSpec
from scenes.common import (
    DescentScene,
    ball_point,
    get_axes,
    get_curve_graph,
    get_path_ball,
    get_tangent,
    keep_in_frame,
    nice_bounds,
    time_lapse_rate,
)

__all__ = ["LocalValley"]

AXES_SIZE: tuple[float, float] = (10.5, 4.6)
"""Screen width and height of the plot, in scene units."""

FIRST_STEP_RUN_TIME: float = 0.6
"""Run time of a descent's first, largest step."""

TIME_LAPSE_RUN_TIME: float = 2.6
"""Run time of a descent's later steps, a time-lapse that speeds up as the steps shrink."""

TURN_PACE: float = 0.55
"""Run-time factor of the other balls' descents, which roll one after the other once the first has shown the way."""

TANGENT_LENGTH: float = 2.0
"""On-screen length of the flat tangent drawn at the first ball where it stopped."""

SLOPE_PLACES: int = 1
"""Decimal places of the stopped ball's slope readout: its slope is zero to this many places."""

LEADER_STROKE_WIDTH: float = 2
"""Stroke width of the leader line from a start's label to its start marker."""

LEADER_BUFF: float = 0.06
"""Gap the leader line leaves at either end, so it points at the dot and the label without touching them."""

START_MARKER_RADIUS: float = 0.09
"""Radius of the dot left where each ball started (the ball is :data:`~scenes.style.BALL_RADIUS`)."""

LABEL_BUFF: float = 0.15
"""Room between a start's label and the curve or the label beside it."""

LABEL_SLACK: float = 1e-6
"""How much closer than :data:`LABEL_BUFF` two labels may be: a label set exactly ``LABEL_BUFF`` above
another must count as clear of it, whatever the rounding of its new position."""


class LocalValley(DescentScene):
    """Balls from ``start`` and from starts spread over the curve descend; each start is labelled by its valley.

    First the ball from ``start`` rolls alone and stops, a flat tangent
    showing its zero slope; then the others follow, one at a time. Which valley each one ends in is ``gdmath.valley_reached`` of its
    path, never a rule of this scene.
    """

    spec = SceneSpec(
        name="local-valley",
        order=9,
        title_key="local_valley.title",
        description="Ch. 10: balls from several starts on a two-valley curve; some get stuck in the shallow "
        "valley, others find the deep one.",
        start=0.0,
        learning_rate=0.05,
        steps=60,
        curve=TWO_VALLEYS,
        start_widths=0.0,
    )
    beat_names = ("curve", "roll", "others", "lesson")
    start_count: ClassVar[int] = 5

    def setup(self) -> None:
        super().setup()
        self.starts = spread_starts(self.curve, through=self.start, count=self.start_count)
        self.paths = [descend(self.curve, start, self.learning_rate, self.steps) for start in self.starts]
        self.valleys: list[Valley] = [valley_reached(path) for path in self.paths]
        self.featured = self.starts.index(self.start)

    def construct(self) -> None:
        # The curve, its two valleys named, the learning rate every ball steps with.
        self.beat("local_valley.curve")
        self.axes = self.get_valley_axes()
        graph = get_curve_graph(self.axes, self.curve, self.palette)
        title = self.get_title("local_valley.title")
        names = VGroup(*(self.get_valley_name(x) for x in self.curve.minima))
        self.learning_rate_label = self.get_learning_rate_label(title)
        self.play(FadeIn(title), Create(self.axes), Create(graph), run_time=1.5)
        self.play(FadeIn(names), FadeIn(self.learning_rate_label), run_time=0.6)

        # One ball rolls down and stops where the slope is zero: its tangent is flat.
        self.beat("local_valley.roll", start=book_round(self.start))
        self.progress = [ValueTracker(0) for _ in self.paths]
        self.balls = [get_path_ball(self.palette, path, progress, lambda: self.axes)
                      for path, progress in zip(self.paths, self.progress)]
        self.labels: list = [None] * len(self.paths)
        self.leaders: list = [None] * len(self.paths)
        self.turns: list[int] = []
        featured = self.featured
        self.caption = self.get_caption("local_valley.roll")
        self.play(FadeIn(self.get_start_marker(featured)), FadeIn(self.balls[featured], scale=0.5),
                  FadeIn(self.caption), run_time=0.6)
        self.play_descent(featured)
        self.tangent = self.get_stopped_tangent(featured)
        self.slope_readout = self.get_slope_readout(featured)
        self.play(Create(self.tangent), FadeIn(self.slope_readout), run_time=0.6)
        outcome = "local_valley.found" if self.valleys[featured].deepest else "local_valley.stuck"
        self.caption = self.replace_text(self.caption, self.get_caption(outcome))
        self.show_end_label(featured)
        self.wait(1.0)

        # The same rule from the other starts, one ball after the other, each start labelled when its ball stops.
        self.beat("local_valley.others")
        others = [number for number in range(len(self.paths)) if number != featured]
        self.caption = self.replace_text(self.caption, self.get_caption("local_valley.others"))
        for turn, number in enumerate(others):
            if turn == len(others) // 2:
                self.caption = self.replace_text(self.caption, self.get_caption("local_valley.each_stops"))
            self.play(FadeIn(self.get_start_marker(number)), FadeIn(self.balls[number], scale=0.5), run_time=0.3)
            self.play_descent(number, TURN_PACE)
            self.show_end_label(number, 0.35)

        # The lesson: where each ball started decided its valley.
        self.beat("local_valley.lesson")
        self.caption = self.replace_text(self.caption, self.get_caption("local_valley.lesson"))
        self.hold_reading(2.5)

    def play_descent(self, number: int, pace: float = 1.0) -> None:
        """Run descent ``number`` alone: the first step, then the rest as a time-lapse, ``pace`` times as long."""
        self.turns.append(number)
        progress = self.progress[number]
        self.play(progress.animate.set_value(1), run_time=FIRST_STEP_RUN_TIME * pace, rate_func=smooth)
        if self.steps > 1:
            self.play(progress.animate.set_value(self.steps), run_time=TIME_LAPSE_RUN_TIME * pace,
                      rate_func=time_lapse_rate(1, self.steps))

    def show_end_label(self, number: int, run_time: float = 0.5) -> None:
        """Fade in start ``number``'s valley label and draw its leader line to the start marker."""
        label = self.get_end_label(number)
        leader = self.get_leader(number)
        self.play(FadeIn(label, shift=0.1 * DOWN), Create(leader), run_time=run_time)

    def get_learning_rate_label(self, title):
        """``learning rate = …`` level with ``title``, in the top corner where a reader of the language starts."""
        label = self.get_label("learning_rate", learning_rate=book_parameter(self.learning_rate))
        label.to_edge(RIGHT if is_rtl(self.language) else LEFT, buff=EDGE_BUFF)
        return label.set_y(title.get_y())

    def get_stopped_tangent(self, number: int):
        """The tangent where ball ``number`` stopped: flat, because gdmath's slope there is zero."""
        return get_tangent(self.axes, self.curve, float(self.paths[number].x[-1]), self.palette, TANGENT_LENGTH)

    def get_slope_readout(self, number: int):
        """``slope = 0.0`` beside the left end of the stopped ball's tangent: gdmath's slope where it stopped."""
        slope = signed_number(float(self.paths[number].slope[-1]), SLOPE_PLACES)
        readout = self.get_label("slope_tangent.readout", slope=slope)
        readout.next_to(self.tangent, LEFT, buff=0.15)
        return keep_in_frame(readout)

    def get_leader(self, number: int) -> Line:
        """A thin line from start ``number``'s marker to the nearest point of its label's bottom edge."""
        label = self.labels[number]
        marker = ball_point(self.axes, self.curve, self.starts[number])
        bottom_x = min(max(marker[0], label.get_left()[0]), label.get_right()[0])
        end = np.array([bottom_x, label.get_bottom()[1], 0.0])
        leader = Line(marker, end, buff=LEADER_BUFF, stroke_width=LEADER_STROKE_WIDTH, color=self.palette.muted)
        self.leaders[number] = leader
        return leader

    def get_valley_axes(self):
        """Axes over the curve's plot range and every path, tall enough for the highest start and no more.

        The walls beyond the starts are cut at the top, so the ridge between the
        valleys stays visible instead of being squashed by the far ends.
        """
        windows = np.array([view_range(path, margin=0, include_curve_range=False) for path in self.paths])
        x_lo = min(self.curve.x_range[0], windows[:, 0].min())
        x_hi = max(self.curve.x_range[1], windows[:, 1].max())
        y_lo, y_hi = min(windows[:, 2].min(), 0.0), windows[:, 3].max()
        axes = get_axes(nice_bounds(x_lo, x_hi), nice_bounds(y_lo, 1.15 * y_hi), self.palette, self.language, *AXES_SIZE)
        return axes.move_to(0.15 * DOWN)

    def get_valley_name(self, minimum: float):
        """``shallow valley`` or ``deep valley``, under the valley's floor."""
        deepest = min(self.curve.minima, key=lambda x: float(self.curve.error(x)))
        name = self.get_label("local_valley.deep_name" if minimum == deepest else "local_valley.shallow_name")
        floor = ball_point(self.axes, self.curve, minimum)
        axis = self.axes.c2p(minimum, self.axes.y_range[0])
        return name.move_to((floor + axis) / 2 + 0.05 * DOWN)

    def get_start_marker(self, number: int):
        """A small dot in the ``muted`` colour where ball ``number`` started: the anchor of its label."""
        point = ball_point(self.axes, self.curve, self.starts[number])
        return Dot(point, radius=START_MARKER_RADIUS, color=self.palette.muted).set_z_index(2)

    def get_end_label(self, number: int):
        """``shallow`` or ``deep`` beside start ``number``: where its ball ended.

        It sits above the start, on the downhill side (``gdmath.downhill_direction``),
        where the curve falls away beneath it, and above any label (or the
        slope readout) already placed close by.
        """
        key = "local_valley.ended_deep" if self.valleys[number].deepest else "local_valley.ended_shallow"
        label = self.get_label(key)
        marker = ball_point(self.axes, self.curve, self.starts[number])
        side = downhill_direction(self.curve, self.starts[number])
        label.next_to(marker, UP, buff=LABEL_BUFF + 0.1).shift(side * (label.width / 2 + LABEL_BUFF) * RIGHT)
        placed = [other for other in self.labels if other is not None] + [self.slope_readout]
        # Each move lifts the label above every label it touched, so it needs at most one move per
        # placed label; past that (rounding can keep two boxes "touching" forever) it stays where it is.
        for _ in range(len(placed) + 1):
            blocking = [other for other in placed if _too_close(label, other)]
            if not blocking:
                break
            label.set_y(max(other.get_top()[1] for other in blocking) + LABEL_BUFF + label.height / 2)
        self.labels[number] = label
        return label


def _too_close(first, second) -> bool:
    """Whether two mobjects' boxes come closer than :data:`LABEL_BUFF` (less :data:`LABEL_SLACK`)."""
    gap = LABEL_BUFF - LABEL_SLACK
    apart_x = abs(first.get_x() - second.get_x()) >= (first.width + second.width) / 2 + gap
    apart_y = abs(first.get_y() - second.get_y()) >= (first.height + second.height) / 2 + gap
    return not (apart_x or apart_y)
