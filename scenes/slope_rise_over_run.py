"""Ch. 9: slope as rise over run; a second point slides in and the secant turns into the tangent."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from manim import DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, Line, ReplacementTransform, ValueTracker, VGroup
from manim import smooth

from gdmath import Secant, TangentLine, book_round, downhill_direction, follow_view, secant, tangent_line
from scenes.registry import SceneSpec
from scenes.common import (
    always_rebuilt,
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

AXES_SIZE: tuple[float, float] = (10.5, 4.6)
"""Screen width and height of the plot, in scene units."""

ZOOMED_LEG: float = 1.5
"""Length on screen, in scene units, a zoom in gives the triangle's longer leg."""

ZOOM_RUN_TIME: float = 1.5
"""Run time of a zoom in, and of the zoom back out at the end."""


class SlopeRiseOverRun(DescentScene):
    """Two points on the curve and the rise/run triangle between them; the second slides to the first.

    The readout ``rise ÷ run`` (``gdmath.secant``) settles on the slope
    ``gdmath.tangent_line`` reports, and the secant turns into the tangent.
    The second point lies towards the valley, so the triangle stays inside
    the plot for any start; the run is always read left to right. When the
    triangle has shrunk smaller than the ball, the plot zooms in about the ball
    (its axes rebuilt over a narrower window each frame, the ball keeping its
    place and size), so the shrinking run stays in sight; before the tangent
    it zooms back out to the whole curve.
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
        self.home_window = (x_lo, x_hi, *nice_bounds(min(y_lo, 0.0), y_hi))
        self.axes = self.home_axes = get_axes(
            self.home_window[:2], self.home_window[2:], self.palette, self.language, *AXES_SIZE
        )
        self.axes.move_to(0.1 * UP)
        self.home_corner = self.axes.c2p(self.home_window[0], self.home_window[2])
        self.readout_point = valley_label_point(self.axes, self.curve)
        self.zoom = ValueTracker(0.0)  # log of the magnification about the ball
        title = self.get_title("rise_over_run.title")
        ball = get_ball(self.palette)
        ball.add_updater(lambda mobject: mobject.move_to(ball_point(self.axes, self.curve, self.start)))
        ball.update()
        explanation = self.get_caption("rise_over_run.two_points")
        self.plot = VGroup(self.axes, get_curve_graph(self.axes, self.curve, self.palette))
        self.play(FadeIn(title), *(Create(part) for part in self.plot), run_time=1.5)
        self.play(FadeIn(ball, scale=0.5), FadeIn(explanation), run_time=0.6)

        # A second point a run away, the triangle between them, and rise ÷ run.
        first = self.get_secant(self.runs[0])
        self.beat("rise_over_run.triangle", **self.get_secant_values(first))
        self.log_run = ValueTracker(math.log(self.runs[0]))
        second = always_rebuilt(self.get_second_point)
        triangle = always_rebuilt(self.get_triangle)
        leg_labels = self.get_leg_labels(first)
        self.play(FadeIn(second, scale=0.5), Create(triangle), run_time=0.8)
        self.play(FadeIn(leg_labels), run_time=0.5)
        explanation = self.replace_text(explanation, self.get_caption("rise_over_run.ratio"))
        line = always_rebuilt(self.get_secant_line)
        self.readout = always_rebuilt(self.get_ratio_readout)
        self.play(Create(line), FadeIn(self.readout), run_time=0.8)
        self.wait(1.5)

        # Closer and closer: the ratio settles, and the secant turns into the tangent.
        self.beat("rise_over_run.closer")
        self.play(FadeOut(leg_labels), run_time=0.3)
        explanation = self.replace_text(explanation, self.get_caption("rise_over_run.closer"))
        for run in self.runs[1:]:
            self.play(self.log_run.animate.set_value(math.log(run)), run_time=1.0, rate_func=smooth)
            self.wait(0.5)
            if self.longest_leg(run) < 2 * BALL_RADIUS:
                # Hidden under the ball: magnify about it until the triangle is seen again.
                key = "rise_over_run.zoom" if self.zoom.get_value() == 0.0 else "rise_over_run.zoom_again"
                explanation = self.replace_text(explanation, self.get_caption(key))
                self.zoom_to(math.log(ZOOMED_LEG / self.longest_leg(run, self.home_axes)))
                self.wait(0.5)

        # What it settled on is the slope here, seen on the whole curve again.
        if self.zoom.get_value() != 0.0:
            self.zoom_to(0.0)
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

    def longest_leg(self, run: float, axes=None) -> float:
        """Screen length, in scene units, of the longer leg of the triangle a ``run`` wide, on ``axes`` (the current ones)."""
        axes = axes or self.axes
        left, corner, right = self.get_corners(self.get_secant(run), axes)
        return max(float(np.linalg.norm(corner - left)), float(np.linalg.norm(right - corner)))

    def zoom_to(self, log_magnification: float) -> None:
        """Glide the plot's magnification about the ball to ``exp(log_magnification)`` (0: the whole curve).

        The axes and curve are rebuilt every frame over the narrower window; the
        ball, the points, the triangle and the line read ``self.axes``, so they
        follow. Back at 0 the first plot returns, exactly as it was.
        """
        zooming = always_rebuilt(self.get_zoomed_plot)
        self.remove(self.plot, *self.plot)  # the first plot's parts were added one by one
        # First in the scene's list, it updates first each frame: the others then draw on its new axes.
        self.add(zooming)
        self.bring_to_back(zooming)
        self.play(self.zoom.animate.set_value(log_magnification), run_time=ZOOM_RUN_TIME, rate_func=smooth)
        zooming.clear_updaters()
        self.plot = zooming
        if log_magnification == 0.0:
            home = VGroup(self.home_axes, get_curve_graph(self.home_axes, self.curve, self.palette))
            self.remove(zooming)
            self.add(home)
            self.bring_to_back(home)
            self.axes, self.plot = self.home_axes, home
            self.update_mobjects(0)

    def get_zoomed_plot(self) -> VGroup:
        """Axes and curve magnified ``exp(self.zoom)`` times about the ball, the plot's box where it was.

        The new axes become ``self.axes``.
        """
        magnification = math.exp(self.zoom.get_value())
        anchor = (self.start, float(self.curve.error(self.start)))
        x_lo, x_hi, y_lo, y_hi = self.home_window
        x_range = (anchor[0] + (x_lo - anchor[0]) / magnification, anchor[0] + (x_hi - anchor[0]) / magnification)
        y_range = (anchor[1] + (y_lo - anchor[1]) / magnification, anchor[1] + (y_hi - anchor[1]) / magnification)
        axes = get_axes(x_range, y_range, self.palette, self.language, *AXES_SIZE)
        # Placed by its box's corner, not its centre: tick numbers of changing widths must not shift the plot.
        axes.shift(self.home_corner - axes.c2p(x_range[0], y_range[0]))
        self.axes = axes
        return VGroup(axes, get_curve_graph(axes, self.curve, self.palette))

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

    def get_corners(self, line: Secant, axes=None):
        """Scene points of the left point, the right angle and the right point of the triangle, on ``axes``
        (the current ones)."""
        axes = axes or self.axes
        left = axes.c2p(line.x_left, line.error_left)
        return left, axes.c2p(line.x_right, line.error_left), axes.c2p(line.x_right, line.error_right)

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
        # Where the first plot has it: a zoom moves the valley off the plot, not the readout.
        return keep_in_frame(self.ratio_text.move_to(self.readout_point))
