"""Ch. 9: the model sees only where it stands; a lit window follows the ball down a hidden curve."""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, UP, Create, FadeIn, FadeOut, GrowArrow, MarkupText, Rectangle, ValueTracker, VGroup, smooth

from gdmath import book_round, step_vector, view_range
from scenes.captions import signed_number
from scenes.registry import SceneSpec
from scenes.common import (
    always_rebuilt,
    DescentScene,
    get_axes,
    get_curve_graph,
    get_level_step_arrow,
    get_path_ball,
    get_readout,
    path_point,
    get_tangent,
    get_trail,
    nice_bounds,
)
from scenes.style import relative_luminance

__all__ = ["LocalView"]

LIT_SHARE: float = 0.1
"""Half the lit window's width, as a share of the plot's x span."""

LIT_OPACITY: float = 0.16
"""Fill opacity of the lit band on a dark background: a hint of light, the curve in it stays the brightest thing."""

SHADE_OPACITY: float = 0.3
"""Fill opacity of the shade over the hidden plot on a light background, where the window is the plain page."""

SLOPE_PLACES: int = 1
"""Decimal places of the slope readout."""


class LocalView(DescentScene):
    """The curve is dark but for a window around the ball; the ball steps on the local slope alone.

    Each step shows only the tangent inside the window and the step it asks
    for; at the end the lights come on: the whole curve and the path taken.
    """

    spec = SceneSpec(
        name="local-view",
        order=7,
        title_key="local_view.title",
        description="Ch. 9: the curve hidden but for a lit window at the ball, which descends on the local slope alone.",
        start=-1.0,
        learning_rate=0.2,
        steps=6,
    )
    beat_names = ("hidden", *(f"step-{number}" for number in range(1, 7)), "reveal")
    lit_share: ClassVar[float] = LIT_SHARE

    def construct(self) -> None:
        # Axes, the ball, and the one patch of curve it can see.
        self.beat("local_view.hidden", x=book_round(self.start))
        x_lo, x_hi, y_lo, y_hi = view_range(self.path, margin=0)
        self.axes = get_axes(
            nice_bounds(x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language,
            x_length=10.5, y_length=4.2,
        )
        self.axes.move_to(0.45 * DOWN)
        self.lit_half_width = self.lit_share * (self.axes.x_range[1] - self.axes.x_range[0])
        title = self.get_title("local_view.title")
        self.progress = ValueTracker(0)
        self.ball = get_path_ball(self.palette, self.path, self.progress, lambda: self.axes)
        self.lit = always_rebuilt(self.get_lit_window)
        self.explanation = self.get_caption("local_view.hidden")
        self.play(FadeIn(title), Create(self.axes), run_time=1.2)
        self.play(FadeIn(self.lit), FadeIn(self.ball, scale=0.5), FadeIn(self.explanation), run_time=0.8)
        self.wait(1.2)

        # Steps on the slope under the ball, and nothing else.
        self.readout: MarkupText | None = None
        for index in range(self.path.nit):
            self.animate_step(index)

        # The lights come on: the whole curve, and the path the local slopes chose.
        self.beat("local_view.reveal")
        self.graph = get_curve_graph(self.axes, self.curve, self.palette)
        # At full strength: here the path is the point, not a faint record behind the ball.
        self.trail = get_trail(self.axes, self.curve, self.path.x, self.palette, opacity=1.0)
        self.play(FadeOut(self.lit), Create(self.graph), FadeIn(self.trail), run_time=1.5)
        self.explanation = self.replace_text(self.explanation, self.get_caption("local_view.reveal"))
        self.hold_reading(2.5)

    def animate_step(self, index: int) -> None:
        """The tangent and the step it asks for, inside the window; then the step (glide or jump)."""
        step = step_vector(self.path, index)
        self.step_beat(
            "local_view.step", index, self.path.nit, slope=book_round(step.slope), delta=book_round(step.delta),
            x_to=book_round(step.x_to),
        )
        if index == 0:
            self.explanation = self.replace_text(self.explanation, self.get_caption("local_view.step"), run_time=0.4)
        elif index == self.path.nit // 2:
            self.explanation = self.replace_text(self.explanation, self.get_caption("local_view.again"), run_time=0.4)
        readout = get_readout(
            "local_view.readout", self.language, self.palette, step=index + 1,
            slope=signed_number(step.slope, SLOPE_PLACES),
        ).next_to(self.axes, UP, buff=0.3)
        # The number changes at once, as a readout should; only the first one fades in.
        entrance = []
        if self.readout is None:
            entrance.append(FadeIn(readout))
        else:
            self.replace_text(self.readout, readout, run_time=0)
        self.readout = readout
        tangent = get_tangent(self.axes, self.curve, step.x_from, self.palette, length=1.6)
        arrow = get_level_step_arrow(self.axes, self.curve, step.x_from, step.x_to, self.palette)
        self.play(*entrance, Create(tangent), GrowArrow(arrow), run_time=0.5 * self.pace)
        self.play(self.progress.animate.set_value(index + 1), run_time=0.6 * self.pace, rate_func=smooth)
        self.remove(tangent, arrow)

    def get_lit_window(self) -> VGroup:
        """The lit window around the ball: lighter than the hidden rest of the plot, and the curve inside it.

        On a dark background a faint light band is the window; on a light one
        the background is already the lightest thing on screen, so the hidden
        rest of the plot is shaded instead. Both cut at the axes.
        """
        # From the progress itself, not from the ball: updaters run in the order mobjects were
        # added, and a window that read the ball would trail it by a frame.
        x = self.axes.p2c(path_point(self.axes, self.path, self.progress.get_value()))[0]
        x_min, x_max = self.axes.x_range[:2]
        left, right = max(x - self.lit_half_width, x_min), min(x + self.lit_half_width, x_max)
        if relative_luminance(self.palette.background) > 0.5:
            light = VGroup(*(self.get_band(lo, hi, SHADE_OPACITY) for lo, hi in ((x_min, left), (right, x_max)) if hi > lo))
        else:
            light = VGroup(self.get_band(left, right, LIT_OPACITY))
        return VGroup(light, get_curve_graph(self.axes, self.curve, self.palette, samples=60, x_window=(left, right)))

    def get_band(self, left: float, right: float, opacity: float) -> Rectangle:
        """A rectangle in the ``muted`` colour over the plot's height between positions ``left`` and ``right``."""
        bottom, top = self.axes.y_range[:2]
        band = Rectangle(
            width=(right - left) * self.axes.x_axis.unit_size,
            height=(top - bottom) * self.axes.y_axis.unit_size,
            stroke_width=0,
            fill_color=self.palette.muted,
            fill_opacity=opacity,
        )
        return band.move_to(self.axes.c2p((left + right) / 2, (bottom + top) / 2))
