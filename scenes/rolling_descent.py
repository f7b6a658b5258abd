"""Ch. 10: the book's gradient descent, step by step, with the numbers it prints."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, GrowArrow, ValueTracker, VGroup, smooth

from gdmath import Regime, book_parameter, book_round, book_table, classify, step_vector, view_range
from scenes.captions import lesson_key, lesson_values, regime_key
from scenes.registry import SceneSpec
from scenes.common import (
    STEP_BEATS,
    DescentScene,
    get_axes,
    get_curve_graph,
    get_number,
    get_level_step_arrow,
    get_path_ball,
    get_tangent,
    nice_bounds,
    reading_order,
    valley_label_point,
)
from scenes.style import EDGE_BUFF, FONT_SIZE_LABEL, TRAIL_OPACITY

__all__ = ["RollingDescent"]

TABLE_COLUMN_WIDTH: float = 1.45
"""Width of one column of the step table, in scene units."""

TABLE_ROW_HEIGHT: float = 0.46
"""Height of one row of the step table, in scene units."""

TABLE_MAX_ROWS: int = 10
"""Rows of numbers the table shows at once; a longer run scrolls."""


class RollingDescent(DescentScene):
    """A ball rolls down the book's curve in ``steps`` steps of ``-learning_rate * slope``.

    Each step shows the tangent and its slope, the step as an arrow, the ball
    moving, and a new row of the book's printed table.
    """

    spec = SceneSpec(
        name="rolling-descent",
        order=2,
        title_key="rolling_descent.title",
        description="Ch. 10: the book's descent, 10 steps from x = -1 at learning rate 0.1, steps shrinking as the slope flattens.",
        start=-1.0,
        learning_rate=0.1,
        steps=10,
    )
    beat_names = ("setup", *STEP_BEATS, "lesson")

    def setup(self) -> None:
        super().setup()
        self.table_rows: list[tuple[str, str, str]] = []

    def construct(self) -> None:
        # The curve on the left, the learning rate and an empty table on the right.
        self.beat("rolling_descent.setup", start=book_round(self.start), learning_rate=book_parameter(self.learning_rate))
        x_lo, x_hi, y_lo, y_hi = view_range(self.path, margin=0)
        self.axes = get_axes(
            nice_bounds(x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language,
            x_length=7.6, y_length=4.6,
        )
        self.axes.to_edge(LEFT, buff=0.9).shift(0.1 * UP)
        graph = get_curve_graph(self.axes, self.curve, self.palette)
        title = self.get_title("rolling_descent.title")
        self.table = VGroup(self.get_table_row(("table.step", "table.x", "table.error"), header=True))
        self.table.to_edge(RIGHT, buff=EDGE_BUFF + 0.2).align_to(self.axes, UP)
        learning_rate = self.get_label("learning_rate", learning_rate=book_parameter(self.learning_rate))
        learning_rate.move_to(valley_label_point(self.axes, self.curve))
        self.play(FadeIn(title), Create(self.axes), Create(graph), run_time=1.5)
        self.play(FadeIn(learning_rate), FadeIn(self.table), run_time=0.5)

        # The ball at the start, and the rule every step follows.
        self.progress = ValueTracker(0)
        self.ball = get_path_ball(self.palette, self.path, self.progress, lambda: self.axes)
        self.caption = self.get_caption("rolling_descent.rule")
        self.play(FadeIn(self.ball, scale=0.5), FadeIn(self.caption), run_time=0.8)
        self.wait(0.7)

        # The steps: tangent, step arrow, roll, table row.
        self.trail = VGroup()
        for index in range(self.path.nit):
            self.animate_step(index)

        # The lesson: the steps shrank as the slope flattened, unless the rate was too large.
        closing = self.get_closing_key()
        # A slow run's steps shrink too, and the caption says so: its notes are the shrinking steps' lesson.
        notes = "lesson.converging" if closing == "rolling_descent.shrink" else lesson_key(self.path)
        self.beat(notes, name="lesson", **lesson_values(self.path))
        self.caption = self.replace_text(self.caption, self.get_caption(closing))
        self.hold_reading(2.0)

    def animate_step(self, index: int) -> None:
        """Show step ``index``: tangent and slope, the step arrow, the move, the new table row."""
        step = step_vector(self.path, index)
        self.step_beat("rolling_descent.step", index, self.path.nit, **self.step_values(index))
        tangent = get_tangent(self.axes, self.curve, step.x_from, self.palette)
        detail = self.get_caption("rolling_descent.detail", slope=book_round(step.slope), delta=book_round(step.delta))
        self.caption = self.replace_text(self.caption, detail, run_time=0.4 if index == 0 else 0)
        arrow = get_level_step_arrow(self.axes, self.curve, step.x_from, step.x_to, self.palette)
        self.play(Create(tangent), GrowArrow(arrow), run_time=0.5 * self.pace)
        row = self.get_table_row(book_table(self.path)[index])
        # Only the last step's arrow fades into the trail; the older ones are faint already (and stay still).
        fade_last_arrow = [self.trail[-1].animate.set_opacity(TRAIL_OPACITY)] if len(self.trail) else []
        self.play(
            self.progress.animate.set_value(index + 1),
            FadeIn(row, shift=0.1 * DOWN),
            FadeOut(tangent),
            *fade_last_arrow,
            run_time=0.6 * self.pace,
            rate_func=smooth,
        )
        self.trail.add(arrow)

    def step_values(self, index: int) -> dict[str, str]:
        """The numbers of step ``index`` as the book prints them, for its speaker notes."""
        step = step_vector(self.path, index)
        _, x_to, error = book_table(self.path)[index]
        return {
            "x": book_round(step.x_from), "slope": book_round(step.slope), "delta": book_round(step.delta),
            "learning_rate": book_parameter(self.learning_rate), "x_to": x_to, "error": error,
        }

    def get_closing_key(self) -> str:
        """Caption key of the lesson: shrinking steps, or the regime when the rate overshoots."""
        regime = classify(self.path)
        if regime in (Regime.SLOW, Regime.CONVERGING):
            return "rolling_descent.shrink"
        return regime_key(regime)

    def get_table_row(self, cells: tuple, header: bool = False) -> VGroup:
        """A table row, columns in reading order for the language, placed under the last row.

        Past :data:`TABLE_MAX_ROWS` rows the oldest row leaves and the rest move up.
        """
        if header:
            texts = [self.get_label(key) for key in cells]
        else:
            self.table_rows.append((str(cells[0]), str(cells[1]), str(cells[2])))
            texts = [get_number(str(cell), self.palette, FONT_SIZE_LABEL) for cell in cells]
        row = VGroup()
        for column, text in enumerate(reading_order(texts, self.language)):
            text.move_to(column * TABLE_COLUMN_WIDTH * RIGHT)
            row.add(text)
        if header:
            return row
        if len(self.table) > TABLE_MAX_ROWS:
            oldest = self.table[1]
            self.table.remove(oldest)
            self.remove(oldest)
            for earlier in self.table[1:]:
                earlier.shift(TABLE_ROW_HEIGHT * UP)
        header_row = self.table[0]
        row.move_to(header_row.get_center() + len(self.table) * TABLE_ROW_HEIGHT * DOWN)
        self.table.add(row)
        return row
