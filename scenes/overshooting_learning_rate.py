"""Ch. 10: too large a learning rate jumps across the valley; the view follows the ball."""

from __future__ import annotations

from manim import DOWN, UP, Create, FadeIn, GrowArrow, ValueTracker, VGroup, always_redraw, smooth

from gdmath import (
    EXAMPLE_LEARNING_RATES,
    Regime,
    book_parameter,
    book_round,
    book_table,
    classify,
    crosses_minimum,
    distance_trend,
    follow_view,
    step_vector,
)
from scenes.captions import lesson_key, lesson_values, regime_key
from scenes.style import MIN_NUMBER_SECONDS
from scenes.registry import SceneSpec
from scenes.common import (
    STEP_BEATS,
    PACED_STEPS,
    DescentScene,
    ball_point,
    get_axes,
    get_curve_graph,
    get_path_ball,
    get_readout,
    get_step_arrow,
    get_tangent,
    get_trail,
    nice_bounds,
)

__all__ = ["OvershootingLearningRate"]

AXES_SIZE: tuple[float, float] = (10.0, 3.5)
"""Screen width and height of the plot, in scene units."""

AXES_CENTER_Y: float = -0.55
"""Vertical position of the plot's centre."""

AIM_RUN_TIME: float = 0.35
"""Run time of the tangent and step arrow before a jump."""

JUMP_RUN_TIME: float = 0.5
"""Run time of the jump itself."""


class OvershootingLearningRate(DescentScene):
    """The ball overshoots the minimum each step; at 1.0 it bounces without settling, at 1.1 it flies off.

    The plot's window follows the ball (``gdmath.follow_view``), so however
    far it flies it stays on screen; the closing caption names the regime
    from ``gdmath.classify``.
    """

    spec = SceneSpec(
        name="overshooting-learning-rate",
        order=3,
        title_key="overshooting.title",
        description="Ch. 10: too large a learning rate jumps across the valley, bouncing without settling "
        f"({book_parameter(EXAMPLE_LEARNING_RATES[Regime.OSCILLATING])}) or diverging "
        f"({book_parameter(EXAMPLE_LEARNING_RATES[Regime.DIVERGING])}).",
        start=-1.0,
        learning_rate=EXAMPLE_LEARNING_RATES[Regime.OSCILLATING],
        steps=10,
    )
    beat_names = ("setup", *STEP_BEATS, "lesson")

    def setup(self) -> None:
        super().setup()
        self.regime = classify(self.path)

    def construct(self) -> None:
        # A plot framing the start; it re-frames whenever the ball would leave it.
        self.beat("overshooting.setup", start=book_round(self.start), learning_rate=book_parameter(self.learning_rate))
        self.window = self.get_window(0)
        self.plot = self.get_plot(self.window, visited=0)
        title = self.get_title("overshooting.title")
        self.rate = self.get_label("learning_rate", learning_rate=book_parameter(self.learning_rate))
        self.rate.next_to(title, DOWN, buff=0.2)
        self.play(FadeIn(title), FadeIn(self.rate), FadeIn(self.plot), run_time=1.2)

        # The ball at the start.
        self.progress = ValueTracker(0)
        self.ball = get_path_ball(self.palette, self.path, self.progress, lambda: self.axes)
        self.readout = self.get_step_readout(0)
        self.play(FadeIn(self.ball, scale=0.5), FadeIn(self.readout), run_time=0.6)

        # Each step: widen the view if needed, then jump. What the landings do is said while they happen.
        self.caption = None
        for index in range(self.path.nit):
            if index in self.get_caption_steps():
                self.show_step_caption(index)
            self.animate_step(index)

        # Name what happened.
        self.beat(lesson_key(self.path), name="lesson", **lesson_values(self.path))
        self.show_caption(self.get_caption(regime_key(self.regime)))
        self.hold_reading(2.0)

    def animate_step(self, index: int) -> None:
        """Frame points ``0 … index + 1``, show the tangent and step, and jump the ball.

        The readout names step ``index + 1`` and where it landed once the ball is there.
        """
        step = step_vector(self.path, index)
        _, x_to, error = book_table(self.path)[index]
        self.step_beat(
            "overshooting.step", index, self.path.nit, x=book_round(step.x_from), slope=book_round(step.slope),
            delta=book_round(step.delta), x_to=x_to, error=error,
        )
        window = self.get_window(index + 1)
        self.reframe(window, visited=index)
        tangent = get_tangent(self.axes, self.curve, step.x_from, self.palette, length=2.0)
        arrow = get_step_arrow(
            ball_point(self.axes, self.curve, step.x_from), ball_point(self.axes, self.curve, step.x_to), self.palette
        )
        self.play(Create(tangent), GrowArrow(arrow), run_time=AIM_RUN_TIME * self.pace)
        self.play(self.progress.animate.set_value(index + 1), run_time=JUMP_RUN_TIME * self.pace, rate_func=smooth)
        self.remove(tangent, arrow)
        # The numbers of a step appear as the ball lands, and stay long enough to read before the next landing.
        self.readout = self.replace_text(self.readout, self.get_step_readout(index + 1), run_time=0)
        if index < PACED_STEPS:
            self.wait(max(0.0, MIN_NUMBER_SECONDS - (AIM_RUN_TIME + JUMP_RUN_TIME) * self.pace))

    def get_caption_steps(self) -> tuple[int, ...]:
        """The steps before which a caption says what the landings do: the first, and half-way."""
        return (0, self.path.nit // 2) if self.path.nit > 1 else (0,)

    def show_step_caption(self, index: int) -> None:
        """Before step ``index``: at first whether a step jumps over the minimum, then how the landings go."""
        if index == 0:
            step = step_vector(self.path, 0)
            key = "overshooting.jumps" if crosses_minimum(self.curve, step.x_from, step.x_to) else "overshooting.short"
            self.show_caption(self.get_caption(key))
        else:
            trend = distance_trend(self.path)
            self.show_caption(self.get_caption(f"overshooting.{trend}", error=book_round(self.path.error[0])))

    def show_caption(self, new_caption) -> None:
        """Put ``new_caption`` at the bottom, in place of the one there, once that one has been read."""
        if self.caption is None:
            self.play(FadeIn(new_caption, shift=0.2 * UP), run_time=0.5)
        else:
            self.replace_text(self.caption, new_caption)
        self.caption = new_caption

    def get_window(self, index: int) -> tuple[float, float, float, float]:
        """Round-numbered window keeping points ``0 … index`` of the path in sight."""
        x_lo, x_hi, y_lo, y_hi = follow_view(self.path, index, margin=0.0)
        return (*nice_bounds(x_lo, x_hi), *nice_bounds(min(y_lo, 0.0), y_hi))

    def reframe(self, window: tuple[float, float, float, float], visited: int) -> None:
        """Show the trail of the first ``visited`` points, zooming smoothly out to ``window``."""
        if window != self.window:
            # Redraw the plot every frame while the window's bounds glide to the new ones.
            bounds = [ValueTracker(value) for value in self.window]
            zooming = always_redraw(lambda: self.get_plot(_bounds(bounds), visited))
            self.remove(self.plot)
            # Added after the plot, the ball updates after it and rides the new axes each frame.
            self.add(zooming, self.ball)
            self.play(*(b.animate.set_value(value) for b, value in zip(bounds, window)), run_time=0.6 * self.pace)
            self.remove(zooming)
            self.plot, self.window = zooming, window
        new_plot = self.get_plot(window, visited)
        self.remove(self.plot)
        self.add(new_plot, self.ball)
        self.plot = new_plot
        self.ball.update()

    def get_plot(self, window: tuple[float, float, float, float], visited: int) -> VGroup:
        """Axes, curve and the trail of the first ``visited`` points over ``window``.

        The new axes become ``self.axes`` for every later point.
        """
        x_lo, x_hi, y_lo, y_hi = window
        self.axes = get_axes((x_lo, x_hi), (y_lo, y_hi), self.palette, self.language, *AXES_SIZE)
        self.axes.move_to(AXES_CENTER_Y * UP)
        trail = get_trail(self.axes, self.curve, self.path.x[: visited + 1] if visited else [], self.palette)
        return VGroup(self.axes, get_curve_graph(self.axes, self.curve, self.palette), trail)

    def get_step_readout(self, index: int):
        """``step k: x = … error = …`` as the book prints it, under the plot."""
        if index == 0:
            x, error = book_round(self.path.x[0]), book_round(self.path.error[0])
        else:
            _, x, error = book_table(self.path)[index - 1]
        readout = get_readout("overshooting.readout", self.language, self.palette, step=index, x=x, error=error)
        return readout.next_to(self.rate, DOWN, buff=0.2)


def _bounds(trackers: list[ValueTracker]) -> tuple[float, float, float, float]:
    """A window's four bounds, as the trackers gliding between two windows hold them now."""
    x_lo, x_hi, y_lo, y_hi = (tracker.get_value() for tracker in trackers)
    return x_lo, x_hi, y_lo, y_hi
