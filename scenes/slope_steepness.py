"""Ch. 9: at five places, the slope beside the distance to the minimum: steep and far asks for a big step."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    Mobject,
    ValueTracker,
    VGroup,
)

from gdmath import SlopeSample, book_parameter, book_round, downhill_direction, follow_view, slope_survey
from scenes.registry import SceneSpec
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
    valley_label_point,
)
from scenes.style import BALL_RADIUS

__all__ = ["SlopeSteepness"]

STEEP_SHARE: float = 0.75
"""A slope at least this share of the steepest one surveyed is called steep, a smaller one gentle."""

FLAT_BELOW: float = 0.05
"""Slopes the readout shows as 0.0 are flat: no step arrow, the "flat" caption."""

SEEN_OPACITY: float = 0.35
"""Opacity of the marks of places already visited, kept for the comparison at the end."""

BRACKET_TICK: float = 0.12
"""Half the height of the ticks that end a distance bracket, in scene units."""

READOUT_CLEARANCE: float = BALL_RADIUS + 0.05
"""Room kept between the readout and any mark, the ball or the curve, in scene units."""

READOUT_DROP: float = 0.1
"""How far the readout moves down at a time, looking for a height clear of every mark."""

HOP_RUN_TIME: float = 0.5
"""Run time of the ball fading out at one place, and of it fading in at the next."""

STAND_STROKE_WIDTH: float = 3
"""Stroke width of the hollow ring left where the ball stood."""

MARK_SAMPLES: int = 60
"""Points sampled along each tangent, bracket and step arrow, and along the curve, to test the readout against."""


class SlopeSteepness(DescentScene):
    """The ball visits five places (``gdmath.slope_survey``); at each, the tangent, the distance
    to the minimum as a bracket level with the ball, and the step ``-learning_rate * slope`` as an arrow along it.

    The marks of earlier places stay, faint, so the last beat compares them all.
    The ball never walks between places: the places are not steps of a descent,
    and walking from the minimum up to the fourth place would show a ball rolling
    uphill. It fades out, leaving a hollow ring where it stood, and fades in at
    the next place.
    """

    spec = SceneSpec(
        name="slope-steepness",
        order=6,
        title_key="steepness.title",
        description="Ch. 9: at five places, the slope beside the distance to the minimum: steep and far, big step.",
        start=-1.0,
        learning_rate=0.25,
        steps=10,
    )
    beat_names = ("curve", *(f"position-{number}" for number in range(1, 6)), "lesson")
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
        self.stands = VGroup()
        for number, sample in enumerate(self.survey, start=1):
            self.show_place(number, sample)

        # All the places side by side.
        self.beat("steepness.lesson")
        self.play(self.seen.animate.set_opacity(1.0), run_time=0.6)
        assert self.explanation is not None  # every place shows one
        self.explanation = self.replace_text(self.explanation, self.get_caption("steepness.lesson"))
        self.hold_reading(2.5)

    def show_place(self, number: int, sample: SlopeSample) -> None:
        """Move the ball to ``sample.x``, then show its tangent, its distance to the minimum and its step."""
        self.beat(
            "steepness.position", number, x=book_round(sample.x), slope=book_round(sample.slope),
            distance=book_round(sample.distance), delta=book_round(sample.step),
            learning_rate=book_parameter(self.learning_rate),
        )
        if number == 1:
            self.play(FadeIn(self.ball, scale=0.5), run_time=0.5)
        else:
            self.hop_to(sample.x)
        marks = VGroup(get_tangent(self.axes, self.curve, sample.x, self.palette, length=2.0), self.get_bracket(sample))
        readout = get_readout(
            "steepness.readout", self.language, self.palette, slope=book_round(sample.slope),
            distance=book_round(sample.distance), delta=book_round(sample.step),
        )
        readout.move_to(self.get_readout_point(readout))
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

    def hop_to(self, x: float) -> None:
        """Fade the ball out where it stands, a hollow ring left there, and in again at ``x``: it never walks."""
        here = self.survey[len(self.stands)]
        stand = self.get_stand(here)
        self.stands.add(stand)
        self.play(self.seen.animate.set_opacity(SEEN_OPACITY), FadeOut(self.ball, scale=0.5), FadeIn(stand),
                  run_time=HOP_RUN_TIME)
        self.position.set_value(x)
        self.ball.update()
        self.play(FadeIn(self.ball, scale=0.5), run_time=HOP_RUN_TIME)

    def get_stand(self, sample: SlopeSample) -> Circle:
        """A hollow ring the ball's size where it stood at ``sample``: the places stay comparable at the end."""
        ring = Circle(radius=BALL_RADIUS, color=self.palette.ball, stroke_width=STAND_STROKE_WIDTH)
        ring.set_fill(opacity=0.0).move_to(ball_point(self.axes, self.curve, sample.x))
        return ring.set_z_index(3)

    def get_readout_point(self, readout) -> np.ndarray:
        """Where ``readout`` sits: above the minimum under the plot's top, or lower, at the first height
        clear of every place's marks, the balls and the curve.

        A far start puts its ball, and the distance bracket and step arrow level with
        it, at the plot's top, right across the usual spot (``--start -12``).
        """
        top = valley_label_point(self.axes, self.curve)
        bottom = self.axes.c2p(self.curve.minima[0], self.axes.y_range[0])[1] + readout.height / 2
        obstacles = self.get_mark_points()
        for y in np.arange(top[1], bottom, -READOUT_DROP):
            candidate = keep_in_frame(readout.copy().move_to([top[0], y, 0.0]))
            if not _covers_any(candidate, obstacles, READOUT_CLEARANCE):
                return candidate.get_center()
        return keep_in_frame(readout.copy().move_to(top)).get_center()

    def get_mark_points(self) -> np.ndarray:
        """Scene points along everything the readout must not cover: each place's tangent, bracket and
        step arrow (they stay, faint, for the last beat), and the curve the ball walks on."""
        lines = []
        for sample in self.survey:
            lines.append(get_tangent(self.axes, self.curve, sample.x, self.palette, length=2.0))
            lines.extend(line for line in self.get_bracket(sample) if isinstance(line, Line))
            arrow = self.get_step_arrow(sample)
            if arrow is not None:
                lines.append(Line(arrow.get_start(), arrow.get_end()))
        shares = np.linspace(0.0, 1.0, MARK_SAMPLES)[:, None]
        points = [line.get_start() + shares * (line.get_end() - line.get_start()) for line in lines]
        x_lo, x_hi = self.axes.x_range[:2]
        xs = np.linspace(x_lo, x_hi, 4 * MARK_SAMPLES)
        points.append(np.array([ball_point(self.axes, self.curve, x) for x in xs]))
        return np.concatenate(points)

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
        # A huge learning rate asks for a step far off the plot (inf past 1e308): the arrow stops at its edge.
        x_lo, x_hi = self.axes.x_range[:2]
        x_to = min(max(sample.x + sample.step, x_lo), x_hi)
        return get_level_step_arrow(self.axes, self.curve, sample.x, x_to, self.palette)

    def _point(self):
        return ball_point(self.axes, self.curve, self.position.get_value())


def _covers_any(mobject, points: np.ndarray, clearance: float) -> bool:
    """Whether ``mobject``'s box, widened by ``clearance`` on every side, holds any of ``points``."""
    low = mobject.get_corner(DOWN + LEFT)[:2] - clearance
    high = mobject.get_corner(UP + RIGHT)[:2] + clearance
    inside = np.all((points[:, :2] >= low) & (points[:, :2] <= high), axis=1)
    return bool(inside.any())
