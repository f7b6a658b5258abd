"""Ch. 9: at five places, the slope beside the distance to the minimum: steep and far asks for a big step."""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, UP, Create, FadeIn, GrowArrow, Line, Mobject, ValueTracker, VGroup, smooth

from gdmath import SlopeSample, book_parameter, book_round, downhill_direction, follow_view, slope_survey
from scenes.common import (
    DescentScene,
    ball_point,
    get_axes,
    get_ball,
    get_curve_graph,
    get_level_step_arrow,
    get_readout,
    get_tangent,
    keep_in_frame,
    nice_bounds,
    registry_defaults,
    valley_label_point,
)

__all__ = ["SlopeSteepness"]

STEEP_SHARE: float = 0.75
"""A slope at least this share of the steepest one surveyed is called steep, a smaller one gentle."""

FLAT_BELOW: float = 0.05
"""Slopes the readout shows as 0.0 are flat: no step arrow, the "flat" caption."""

SEEN_OPACITY: float = 0.35
"""Opacity of the marks of places already visited, kept for the comparison at the end."""

BRACKET_TICK: float = 0.12
"""Half the height of the ticks that end a distance bracket, in scene units."""


class SlopeSteepness(DescentScene):
    """The ball visits five places (``gdmath.slope_survey``); at each, the tangent, the distance
    to the minimum as a bracket level with the ball, and the step ``-learning_rate * slope`` as an arrow along it.

    The marks of earlier places stay, faint, so the last beat compares them all.
    """

    start, learning_rate, steps = registry_defaults("slope-steepness")
    places: ClassVar[int] = 5

    def setup(self) -> None:
        super().setup()
        self.survey: list[SlopeSample] = slope_survey(self.curve, self.start, self.learning_rate, self.places)
        self.steepest = max(abs(sample.slope) for sample in self.survey)

    def construct(self) -> None:
        # The curve, framed to hold every place surveyed.
        self.beat("steepness.curve")
        x_lo, x_hi, y_lo, y_hi = follow_view(self.path, 0, margin=0)
        x_lo, x_hi = min(x_lo, *(s.x for s in self.survey)), max(x_hi, *(s.x for s in self.survey))
        y_hi = max(y_hi, *(s.error for s in self.survey))
        self.axes = get_axes(
            (x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language, x_length=10.5, y_length=4.6
        )
        self.axes.move_to(0.1 * UP)
        title = self.get_title("steepness.title")
        self.play(FadeIn(title), Create(self.axes), Create(get_curve_graph(self.axes, self.curve, self.palette)),
                  run_time=1.5)

        # Each place: walk there, then its tangent, distance and step.
        self.position = ValueTracker(self.survey[0].x)
        self.ball = get_ball(self.palette).move_to(self._point())
        self.ball.add_updater(lambda ball: ball.move_to(self._point()))
        self.explanation: Mobject | None = None
        self.readout: Mobject | None = None
        self.seen = VGroup()
        for number, sample in enumerate(self.survey, start=1):
            self.show_place(number, sample)

        # All the places side by side.
        self.beat("steepness.lesson")
        self.play(self.seen.animate.set_opacity(1.0), run_time=0.6)
        assert self.explanation is not None  # every place shows one
        self.explanation = self.replace_text(self.explanation, self.get_caption("steepness.lesson"))
        self.hold_reading(2.5)

    def show_place(self, number: int, sample: SlopeSample) -> None:
        """Walk to ``sample.x``, then show its tangent, its distance to the minimum and its step."""
        self.beat(
            "steepness.position", number, x=book_round(sample.x), slope=book_round(sample.slope),
            distance=book_round(sample.distance), delta=book_round(sample.step),
            learning_rate=book_parameter(self.learning_rate),
        )
        if number == 1:
            self.play(FadeIn(self.ball, scale=0.5), run_time=0.5)
        else:
            self.play(self.seen.animate.set_opacity(SEEN_OPACITY), self.position.animate.set_value(sample.x),
                      run_time=1.0, rate_func=smooth)
        marks = VGroup(get_tangent(self.axes, self.curve, sample.x, self.palette, length=2.0), self.get_bracket(sample))
        readout = get_readout(
            "steepness.readout", self.language, self.palette, slope=book_round(sample.slope),
            distance=book_round(sample.distance), delta=book_round(sample.step),
        )
        keep_in_frame(readout.move_to(valley_label_point(self.axes, self.curve)))
        caption = self.get_caption(self.get_place_key(sample))
        if self.explanation is not None:
            self.hold_reading(0.0, self.explanation)
        self.play(Create(marks), *self.swap_texts(readout, caption), run_time=0.6)
        arrow = self.get_step_arrow(sample)
        if arrow is not None:
            self.play(GrowArrow(arrow), run_time=0.5)
            marks.add(arrow)
        self.seen.add(marks)
        self.wait(1.0)

    def swap_texts(self, readout, caption) -> list:
        """Show the new readout and caption, the old ones gone at once (numbers never overlap)."""
        for old in (self.readout, self.explanation):
            if old is not None:
                self.remove(old)
        self.readout, self.explanation = readout, caption
        return [FadeIn(readout), FadeIn(caption)]

    def get_place_key(self, sample: SlopeSample) -> str:
        """Caption key of a place: flat, or steep/gentle with the slope's sign."""
        direction = downhill_direction(self.curve, sample.x, flat_below=FLAT_BELOW)
        if direction == 0:
            return "steepness.flat"
        size = "steep" if abs(sample.slope) >= STEEP_SHARE * self.steepest else "gentle"
        sign = "negative" if direction > 0 else "positive"
        return f"steepness.{size}_{sign}"

    def get_bracket(self, sample: SlopeSample) -> VGroup:
        """The distance to the minimum: a bracket level with the ball, from it to above the minimum.

        The step arrow runs along it, so the share of the distance one step covers shows.
        """
        ends = [self.axes.c2p(x, sample.error) for x in (sample.x, sample.minimum)]
        bracket = VGroup(Line(ends[0], ends[1], color=self.palette.muted, stroke_width=3))
        for end in ends:
            bracket.add(Line(end + BRACKET_TICK * DOWN, end + BRACKET_TICK * UP, color=self.palette.muted, stroke_width=3))
        return bracket

    def get_step_arrow(self, sample: SlopeSample):
        """The step from the ball, level with it; ``None`` where the ground is flat."""
        if downhill_direction(self.curve, sample.x, flat_below=FLAT_BELOW) == 0:
            return None
        return get_level_step_arrow(self.axes, self.curve, sample.x, sample.x + sample.step, self.palette)

    def _point(self):
        return ball_point(self.axes, self.curve, self.position.get_value())
