"""Ch. 9: a tangent slides along the error curve; its slope's sign and size say where to move."""

from __future__ import annotations

from manim import (
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    MarkupText,
    Succession,
    ValueTracker,
    VGroup,
    Wait,
    smooth,
)

from gdmath import descend, downhill_direction, tangent_line, view_range
from scenes.registry import SceneSpec
from scenes.common import (
    always_rebuilt,
    DescentScene,
    ball_point,
    get_axes,
    get_ball,
    get_curve_graph,
    get_number,
    get_readout,
    get_step_arrow,
    get_tangent,
    nice_bounds,
    valley_label_point,
)
from scenes.captions import caption, signed_number
from scenes.style import FONT_SIZE_READOUT

__all__ = ["SlopeTangent"]

DIRECTION_ARROW_LENGTH: float = 1.3
"""Length on screen of the arrow that points the way to move."""

SLOPE_READOUT_PLACES: int = 1
"""Decimal places of the live slope readout."""

FLAT_BELOW: float = 0.5 * 10**-SLOPE_READOUT_PLACES
"""Slopes the readout shows as 0.0 get no arrow, so the two never disagree."""


class SlopeTangent(DescentScene):
    """A tangent slides from the left of the valley, through the minimum, to the right.

    A live readout shows the slope's number and sign, and an arrow points
    against the slope: the way gradient descent moves.
    """

    spec = SceneSpec(
        name="slope-tangent",
        order=1,
        title_key="slope_tangent.title",
        description="Ch. 9: a tangent slides along the error curve; its slope's sign and size say where to move.",
        start=-1.0,
        learning_rate=0.1,
        steps=10,
    )
    beat_names = ("curve", "negative", "zero", "positive", "size")
    # The tangent ends mirrored at the other end of the plot, at the top of the y axis (where its label is).
    edge_starts = (-2.0, 8.0)

    def construct(self) -> None:
        # The curve, framed as the book plots it: a path of no steps is just the start.
        self.beat("slope_tangent.curve")
        x_lo, x_hi, y_lo, y_hi = view_range(descend(self.curve, self.start, self.learning_rate, 0), margin=0)
        self.axes = get_axes(
            (x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language, x_length=10.5, y_length=4.6
        )
        self.axes.move_to(0.1 * UP)
        graph = get_curve_graph(self.axes, self.curve, self.palette)
        title = self.get_title("slope_tangent.title")
        self.play(FadeIn(title), Create(self.axes), Create(graph), run_time=1.5)

        # A tangent at the starting point, with its slope and the way to move.
        self.beat("slope_tangent.negative")
        self.position = ValueTracker(self.start)
        self.ball = get_ball(self.palette).move_to(self._point())
        self.ball.add_updater(lambda ball: ball.move_to(self._point()))
        tangent = always_rebuilt(lambda: get_tangent(self.axes, self.curve, self.position.get_value(), self.palette))
        self.readout = always_rebuilt(self.get_slope_readout)
        direction = always_rebuilt(self.get_direction_arrow)
        explanation = self.get_caption("slope_tangent.negative")
        self.play(Create(tangent), FadeIn(self.ball), FadeIn(self.readout), FadeIn(explanation), run_time=1.0)
        self.add(direction)
        self.wait(1.5)

        # Slide down to the flat bottom: the slope shrinks to zero.
        self.beat("slope_tangent.zero")
        minimum = self.curve.minima[0]
        self.play(self.position.animate.set_value(minimum), run_time=3.0, rate_func=smooth)
        explanation = self.replace_text(explanation, self.get_caption("slope_tangent.zero"))
        self.hold_reading(1.5, explanation)

        # Climb the other side, as far from the right edge as the start was from the left.
        # The caption turns "positive" only once the climb has begun, so it never
        # contradicts a readout that still says 0.0.
        self.beat("slope_tangent.positive")
        positive = self.get_caption("slope_tangent.positive")
        mirrored_start = x_hi - (self.start - x_lo)
        self.play(
            self.position.animate(run_time=3.0, rate_func=smooth).set_value(mirrored_start),  # type: ignore[operator]
            Succession(Wait(0.2), FadeOut(explanation, run_time=0.3), FadeIn(positive, run_time=0.3)),
        )
        explanation = positive
        self.wait(1.5)

        # Size: the steeper the tangent, the farther the minimum.
        self.beat("slope_tangent.size")
        explanation = self.replace_text(explanation, self.get_caption("slope_tangent.size"))
        self.hold_reading(2.0)

    def get_slope_readout(self) -> MarkupText:
        """The live ``slope = …`` readout, high in the middle of the valley."""
        slope = tangent_line(self.curve, self.position.get_value()).slope
        self.readout_text = caption("slope_tangent.readout", self.language, slope=signed_number(slope, SLOPE_READOUT_PLACES))
        readout = get_number(self.readout_text, self.palette, FONT_SIZE_READOUT)
        return readout.move_to(valley_label_point(self.axes, self.curve))

    def get_direction_arrow(self) -> VGroup:
        """An arrow above the ball pointing downhill, with a label; empty where the curve is flat."""
        direction = downhill_direction(self.curve, self.position.get_value(), flat_below=FLAT_BELOW)
        if direction == 0:
            return VGroup()
        start = self._point() + 0.55 * UP
        arrow = get_step_arrow(start, start + direction * DIRECTION_ARROW_LENGTH * RIGHT, self.palette)
        label = get_readout("slope_tangent.move", self.language, self.palette)
        label.next_to(arrow, UP, buff=0.12)
        return VGroup(arrow, label)

    def _point(self):
        return ball_point(self.axes, self.curve, self.position.get_value())
