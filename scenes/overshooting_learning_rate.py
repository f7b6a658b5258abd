"""Ch. 10: too large a learning rate jumps across the valley; the view follows the ball."""

from __future__ import annotations

from manim import (
    DOWN,
    UP,
    Create,
    DashedVMobject,
    FadeIn,
    GrowArrow,
    Polygon,
    ValueTracker,
    VGroup,
    smooth,
)

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
    always_rebuilt,
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

LANDINGS_OUT_OF_VIEW: int = 2
"""Landings the ball makes outside the first view before the view zooms out to it.

A view that followed the ball from the first jump on would only show tick numbers
growing; the ball seen flying out of the plot, and the first view then shrinking
to a box inside the wider one, show the divergence itself."""

FIRST_VIEW_DASHES: int = 48
"""Dashes of the box marking the first view, all round it."""

FIRST_VIEW_STROKE_WIDTH: float = 3
"""Stroke width of the first view's box."""


class OvershootingLearningRate(DescentScene):
    """The ball overshoots the minimum each step; at 1.0 it bounces without settling, at 1.1 it flies off.

    The first view frames the start (``gdmath.follow_view``). A ball that lands
    outside it (lr 1.1) is let fly out of the plot for
    :data:`LANDINGS_OUT_OF_VIEW` landings, the first view marked by a dashed
    box; then the axes zoom out, the box shrinking with the first view inside
    the wider one, and from there the view follows the ball so each landing is
    in sight. The closing caption names the regime from ``gdmath.classify``.
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
        self.window = self.first_window = self.get_window(0)
        self.first_view_shown = False
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
        if not self.first_view_shown and not _holds(self.window, *self.landing(index)):
            # It landed out of the plot: mark the view it left, which the zoom will shrink.
            self.first_view_shown = True
            new_plot = self.get_plot(self.window, visited=index)
            assert self.first_view is not None  # get_plot just drew it
            self.play(FadeIn(self.first_view), run_time=0.3 * self.pace)
            self.remove(self.plot)
            self.add(new_plot, self.ball)
            self.plot = new_plot
        self.reframe(self.get_next_window(index), visited=index)
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

    def landing(self, index: int) -> tuple[float, float]:
        """Position and error of point ``index`` of the path."""
        return float(self.path.x[index]), float(self.path.error[index])

    def get_next_window(self, index: int) -> tuple[float, float, float, float]:
        """The window to show step ``index``'s jump in: the view so far while the ball may still fly out of it,
        else one holding every point up to its landing."""
        if self.window == self.first_window and index < self.path.nit - 1:
            zoom = self.get_zoom_step()
            if zoom is None or index < zoom:
                return self.window
        return self.get_window(index + 1)

    def get_caption_steps(self) -> tuple[int, ...]:
        """The steps before which a caption says what the landings do: the first, and half-way.

        When the view zooms out (with its own caption), half-way between the zoom and the end.
        """
        if self.path.nit <= 1:
            return (0,)
        zoom = self.get_zoom_step()
        return (0, self.path.nit // 2 if zoom is None else (zoom + self.path.nit + 1) // 2)

    def get_zoom_step(self) -> int | None:
        """The step before which the view zooms out of the first view, the ball having flown out of it
        :data:`LANDINGS_OUT_OF_VIEW` times; ``None`` if it never does so before the last step."""
        outside = [point for point in range(1, self.path.nit) if not _holds(self.first_window, *self.landing(point))]
        return outside[LANDINGS_OUT_OF_VIEW - 1] if len(outside) >= LANDINGS_OUT_OF_VIEW else None

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
            if self.window == self.first_window and self.first_view_shown:
                # The first zoom out: the ball has been out of sight; the caption says what the box is.
                self.show_caption(self.get_caption("overshooting.out_of_view"))
            # Redraw the plot every frame while the window's bounds glide to the new ones.
            bounds = [ValueTracker(value) for value in self.window]
            zooming = always_rebuilt(lambda: self.get_plot(_bounds(bounds), visited))
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
        """Axes, curve and the trail of the first ``visited`` points over ``window``; once the ball has
        left the first view, that view's box (also ``self.first_view``, else ``None``).

        The new axes become ``self.axes`` for every later point.
        """
        x_lo, x_hi, y_lo, y_hi = window
        self.axes = get_axes((x_lo, x_hi), (y_lo, y_hi), self.palette, self.language, *AXES_SIZE)
        self.axes.move_to(AXES_CENTER_Y * UP)
        trail = get_trail(self.axes, self.curve, self.path.x[: visited + 1] if visited else [], self.palette)
        plot = VGroup(self.axes, get_curve_graph(self.axes, self.curve, self.palette), trail)
        self.first_view: DashedVMobject | None = self.get_first_view_box() if self.first_view_shown else None
        if self.first_view is not None:
            plot.add(self.first_view)
        return plot

    def get_first_view_box(self) -> DashedVMobject:
        """The first view's window on the current axes, dashed: the whole plot at first, smaller as the axes widen."""
        x_lo, x_hi, y_lo, y_hi = self.first_window
        corners = [self.axes.c2p(x, y) for x, y in ((x_lo, y_lo), (x_hi, y_lo), (x_hi, y_hi), (x_lo, y_hi))]
        # In the text colour: a muted box vanishes among the trail once it has shrunk.
        box = Polygon(*corners, color=self.palette.text, stroke_width=FIRST_VIEW_STROKE_WIDTH)
        return DashedVMobject(box, num_dashes=FIRST_VIEW_DASHES)

    def get_step_readout(self, index: int):
        """``step k: x = … error = …`` as the book prints it, under the plot."""
        if index == 0:
            x, error = book_round(self.path.x[0]), book_round(self.path.error[0])
        else:
            _, x, error = book_table(self.path)[index - 1]
        readout = get_readout("overshooting.readout", self.language, self.palette, step=index, x=x, error=error)
        return readout.next_to(self.rate, DOWN, buff=0.2)


def _holds(window: tuple[float, float, float, float], x: float, error: float) -> bool:
    """Whether the point ``(x, error)`` lies inside ``window``."""
    x_lo, x_hi, y_lo, y_hi = window
    return x_lo <= x <= x_hi and y_lo <= error <= y_hi


def _bounds(trackers: list[ValueTracker]) -> tuple[float, float, float, float]:
    """A window's four bounds, as the trackers gliding between two windows hold them now."""
    x_lo, x_hi, y_lo, y_hi = (tracker.get_value() for tracker in trackers)
    return x_lo, x_hi, y_lo, y_hi
