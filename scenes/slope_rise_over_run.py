"""Ch. 9: slope as rise over run; a second point slides in and the secant turns into the tangent."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from manim import DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, Line, ReplacementTransform, ValueTracker, VGroup
from manim import always_redraw, smooth

from gdmath import Secant, TangentLine, book_round, downhill_direction, follow_view, secant, tangent_line
from scenes.registry import SceneSpec
from scenes.common import (
    DescentScene,
    ball_point,
    get_axes,
    get_ball,
    get_curve_graph,
    get_line_through,
    get_readout,
    get_tangent,
    keep_in_frame,
    nice_bounds,
    valley_label_point,
)
from scenes.style import BALL_RADIUS

__all__ = ["SlopeRiseOverRun"]

RUNS: tuple[float, ...] = (3.0, 1.0, 0.3, 0.1, 0.01)
"""Runs the second point stops at: a wide triangle first, last one too small to see."""

SECOND_POINT_RADIUS: float = 0.6 * BALL_RADIUS
"""The second point is smaller than the ball: the ball is where the slope is wanted."""

LINE_OVERHANG: float = 1.2
"""How far, in scene units, the secant and the tangent reach past their points on each side."""


class SlopeRiseOverRun(DescentScene):
    """Two points on the curve and the rise/run triangle between them; the second slides to the first.

    The readout ``rise ÷ run`` (``gdmath.secant``) settles on the slope
    ``gdmath.tangent_line`` reports, and the secant turns into the tangent.
    The second point lies towards the valley, so the triangle stays inside
    the plot for any start; the run is always read left to right.
    """

    spec = SceneSpec(
        name="slope-rise-over-run",
        order=5,
        title_key="rise_over_run.title",
        description="Ch. 9: slope as rise over run; a second point slides in and the secant turns into the tangent.",
        start=-1.0,
        learning_rate=0.1,
        steps=10,
    )
    beat_names = ("curve", "triangle", "closer", "tangent")
    runs: ClassVar[tuple[float, ...]] = RUNS

    def construct(self) -> None:
        # The curve and the ball.
        self.beat("rise_over_run.curve", x=book_round(self.start))
        x_lo, x_hi, y_lo, y_hi = follow_view(self.path, 0, margin=0)
        self.axes = get_axes(
            (x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language, x_length=10.5, y_length=4.6
        )
        self.axes.move_to(0.1 * UP)
        title = self.get_title("rise_over_run.title")
        ball = get_ball(self.palette).move_to(ball_point(self.axes, self.curve, self.start))
        explanation = self.get_caption("rise_over_run.two_points")
        self.play(FadeIn(title), Create(self.axes), Create(get_curve_graph(self.axes, self.curve, self.palette)),
                  run_time=1.5)
        self.play(FadeIn(ball, scale=0.5), FadeIn(explanation), run_time=0.6)

        # A second point a run away, the triangle between them, and rise ÷ run.
        first = self.get_secant(self.runs[0])
        self.beat("rise_over_run.triangle", **self.get_secant_values(first))
        self.log_run = ValueTracker(math.log(self.runs[0]))
        second = always_redraw(self.get_second_point)
        triangle = always_redraw(self.get_triangle)
        leg_labels = self.get_leg_labels(first)
        self.play(FadeIn(second, scale=0.5), Create(triangle), run_time=0.8)
        self.play(FadeIn(leg_labels), run_time=0.5)
        explanation = self.replace_text(explanation, self.get_caption("rise_over_run.ratio"))
        line = always_redraw(self.get_secant_line)
        self.readout = always_redraw(self.get_ratio_readout)
        self.play(Create(line), FadeIn(self.readout), run_time=0.8)
        self.wait(1.5)

        # Closer and closer: the ratio settles, and the secant turns into the tangent.
        self.beat("rise_over_run.closer")
        self.play(FadeOut(leg_labels), run_time=0.3)
        explanation = self.replace_text(explanation, self.get_caption("rise_over_run.closer"))
        for run in self.runs[1:]:
            self.play(self.log_run.animate.set_value(math.log(run)), run_time=1.0, rate_func=smooth)
            self.wait(0.5)

        # What it settled on is the slope here.
        slope = tangent_line(self.curve, self.start).slope
        self.beat("rise_over_run.tangent", x=book_round(self.start), slope=book_round(slope))
        line.clear_updaters()
        tangent = get_tangent(self.axes, self.curve, self.start, self.palette, length=2 * LINE_OVERHANG)
        self.answer = get_readout("rise_over_run.slope", self.language, self.palette, slope=book_round(slope))
        self.answer.next_to(self.readout, DOWN, buff=0.2)
        self.play(FadeOut(second), FadeOut(triangle), ReplacementTransform(line, tangent), run_time=0.8)
        self.play(FadeIn(self.answer, shift=0.1 * DOWN), run_time=0.5)
        self.replace_text(explanation, self.get_caption("rise_over_run.tangent"))
        self.hold_reading(2.0)

    def get_secant(self, run: float) -> Secant:
        """The secant from the ball to a point ``run`` away, towards the valley."""
        towards_valley = downhill_direction(self.curve, self.start) or 1
        return secant(self.curve, self.start, towards_valley * run)

    def current_secant(self) -> Secant:
        return self.get_secant(math.exp(self.log_run.get_value()))

    @staticmethod
    def get_secant_values(line: Secant) -> dict[str, Any]:
        """``rise``, ``run`` and ``slope`` as the book prints numbers."""
        return {"rise": book_round(line.rise), "run": book_round(line.run), "slope": book_round(line.slope)}

    def get_second_point(self) -> Dot:
        line = self.current_secant()
        x = line.x_left if line.x_right == self.start else line.x_right
        point = Dot(ball_point(self.axes, self.curve, x), radius=SECOND_POINT_RADIUS, color=self.palette.ball)
        point.set_z_index(3)
        return point

    def get_corners(self, line: Secant):
        """Scene points of the left point, the right angle and the right point of the triangle."""
        left = self.axes.c2p(line.x_left, line.error_left)
        return left, self.axes.c2p(line.x_right, line.error_left), self.axes.c2p(line.x_right, line.error_right)

    def get_triangle(self) -> VGroup:
        """The run (across from the left point) and the rise (up or down to the right point)."""
        left, corner, right = self.get_corners(self.current_secant())
        legs = VGroup(*(Line(a, b, color=self.palette.muted, stroke_width=4) for a, b in ((left, corner), (corner, right))))
        legs.set_z_index(1)
        return legs

    def get_leg_labels(self, line: Secant) -> VGroup:
        """"run" inside the triangle against its right angle, clear of the curve and the axis; "rise" right of the rise."""
        _left, corner, right = self.get_corners(line)
        run = get_readout("rise_over_run.run", self.language, self.palette)
        run.next_to(corner, DOWN if line.rise < 0 else UP, buff=0.15).align_to(corner + 0.15 * LEFT, RIGHT)
        rise = get_readout("rise_over_run.rise", self.language, self.palette)
        rise.next_to((corner + right) / 2, RIGHT, buff=0.2)
        return VGroup(run, rise)

    def get_secant_line(self) -> Line:
        """The line through both points, reaching past each."""
        line = self.current_secant()
        left, _, right = self.get_corners(line)
        middle = TangentLine(
            x=(line.x_left + line.x_right) / 2, y=(line.error_left + line.error_right) / 2, slope=line.slope
        )
        length = math.dist(left, right) + 2 * LINE_OVERHANG
        return get_line_through(self.axes, middle, self.palette.tangent, length)

    def get_ratio_readout(self):
        """``rise ÷ run = … ÷ … = …``, high above the valley."""
        self.ratio_text = get_readout(
            "rise_over_run.readout", self.language, self.palette, **self.get_secant_values(self.current_secant())
        )
        return keep_in_frame(self.ratio_text.move_to(valley_label_point(self.axes, self.curve)))
