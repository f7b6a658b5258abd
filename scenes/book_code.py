"""Ch. 10: the book's code listing runs line by line, printing its output, the ball moving in step."""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, LEFT, UP, Animation, Create, FadeIn, FadeOut, MarkupText, Rectangle, ValueTracker, VGroup, smooth

from gdmath import book_line, book_parameter, book_round, book_table, step_vector, view_range
from scenes.captions import caption
from scenes.registry import SceneSpec
from scenes.common import (
    DescentScene,
    ball_point,
    get_axes,
    get_ball,
    get_code_line,
    get_curve_graph,
    nice_bounds,
)
from scenes.listings import display_lines, listing_lines, markup_lines
from scenes.style import CODE_COLOURS, EDGE_BUFF, HIGHLIGHT_OPACITY

__all__ = ["BookCode", "statements"]

CODE_LEFT: float = -6.7
"""Left edge of the code and of the output panel, in scene units."""

CODE_LINE_HEIGHT: float = 0.36
"""Distance between the baselines of two lines of code."""

OUTPUT_LINE_HEIGHT: float = 0.345
"""Distance between the baselines of two lines of output."""

OUTPUT_TOP: float = 0.75
"""Top of the output panel while the program runs."""

AXES_SIZE: tuple[float, float] = (5.4, 3.1)
"""Screen width and height of the plot beside the output."""

FULL_PASSES: int = 2
"""Passes of the loop shown at full length; later passes run faster."""

LATER_PACE: float = 0.45
"""Run-time factor of the passes after :data:`FULL_PASSES`: a time-lapse, and a caption says so."""

HIGHLIGHT_DWELL: float = 0.9
"""Seconds the highlight rests on each line of a full-pace pass, long enough to read the line."""

WATCH_GAP: float = 0.45
"""Room between the end of the line computing ``slope`` and its value shown beside it."""

WATCH_ARROW: str = "\u2190 "
"""What the value of ``slope`` beside the code starts with: an arrow to the line that computed it."""


def statements(lines: tuple[str, ...]) -> list[tuple[int, int]]:
    """``(first, last)`` line of each statement: a statement goes on while a bracket is open.

    Examples
    --------
    >>> statements(("x = 1", "print(x,", "y)", "z = 2"))
    [(0, 0), (1, 2), (3, 3)]
    """
    spans, first, depth = [], 0, 0
    for number, line in enumerate(lines):
        code = line.split("#", 1)[0]
        depth += sum(code.count(bracket) for bracket in "([{") - sum(code.count(bracket) for bracket in ")]}")
        if depth == 0:
            spans.append((first, number))
            first = number + 1
    return spans


class BookCode(DescentScene):
    """The book's ch. 10 program, line by line; a highlight runs through it, the output and the ball follow.

    The listing is :func:`scenes.listings.listing_lines` of ``chapter``, its
    tokens coloured and its wrapped line aligned with its open bracket
    (:func:`~scenes.listings.display_lines`); the printed lines are
    ``gdmath.book_line`` of the descent, which the tests compare with what
    Python prints running the listing. Each pass shows the ``slope`` it
    computed beside its line, ``gdmath.book_round`` of the path's slope.
    """

    spec = SceneSpec(
        name="book-code",
        order=10,
        title_key="book_code.title",
        description="Ch. 10: the book's code listing line by line, its printed output, and the ball moving in step.",
        start=-1.0,
        learning_rate=0.1,
        steps=10,
        fixed_knobs=True,
    )
    beat_names = ("listing", "run", "loop", "pass-2", "rest", "lesson")
    chapter: ClassVar[int] = 10

    def setup(self) -> None:
        super().setup()
        self.lines = listing_lines(self.chapter)
        self.statements = statements(self.lines)
        self.loop = next(number for number, (first, _) in enumerate(self.statements)
                         if self.lines[first].startswith("for "))
        self.printed: list[str] = []
        self.watched: list[str] = []
        self.watch: MarkupText | None = None

    def construct(self) -> None:
        # The whole program, as the book prints it.
        self.beat("book_code.listing", chapter=self.chapter, start=book_round(self.start),
                  learning_rate=book_parameter(self.learning_rate), steps=self.steps)
        title = self.get_title("book_code.title")
        shown = display_lines(self.lines)
        markup = markup_lines(shown, CODE_COLOURS[self.palette.name])
        self.code = VGroup(*(get_code_line(line, self.palette, markup=coloured) for line, coloured in zip(shown, markup)))
        self.stack(self.code, CODE_LINE_HEIGHT)
        self.code.next_to(title, DOWN, buff=0.35).set_x(CODE_LEFT, LEFT)
        self.caption = self.get_caption("book_code.listing", chapter=self.chapter)
        self.play(FadeIn(title), FadeIn(self.code, lag_ratio=0.05), FadeIn(self.caption), run_time=2.0)
        self.wait(1.5)

        # Keep what runs: the definitions leave, the rest moves up; the output panel and the curve appear.
        self.beat("book_code.run")
        first_run = self.statements[self.loop - 3][0]
        definitions = self.code[:first_run]
        running = self.code[first_run:]
        self.output = VGroup()
        self.axes = self.get_curve_axes()
        graph = get_curve_graph(self.axes, self.curve, self.palette)
        frame = self.get_output_frame()
        self.caption = self.replace_text(self.caption, self.get_caption("book_code.run"))
        self.play(FadeOut(title), FadeOut(definitions), run_time=0.6)
        self.play(running.animate.to_edge(UP, buff=EDGE_BUFF).set_x(CODE_LEFT, LEFT), run_time=0.8)
        self.play(Create(frame), Create(self.axes), Create(graph), run_time=0.8)

        # The set-up lines: the ball appears at the start, the program prints its header.
        self.highlight = self.get_highlight(self.loop - 3)
        self.position = ValueTracker(self.start)
        self.ball = get_ball(self.palette).move_to(self._point())
        self.ball.add_updater(lambda ball: ball.move_to(self._point()))
        self.play(FadeIn(self.highlight), FadeIn(self.ball, scale=0.5), run_time=0.5)
        self.move_highlight(self.loop - 2, 0.4)
        self.move_highlight(self.loop - 1, 0.4)
        self.print_line(caption("book_code.output_header", self.language), 0.4)

        # Each pass of the loop: slope, step, print; after the first passes, a time-lapse that says so.
        for index in range(self.path.nit):
            self.pass_beat(index)
            key = self.get_pass_caption_key(index)
            if key is not None:
                self.caption = self.replace_text(self.caption, self.get_caption(key))
            self.run_pass(index, 1.0 if index < FULL_PASSES else LATER_PACE)

        # The lesson.
        self.beat("book_code.lesson")
        self.play(FadeOut(self.highlight), run_time=0.4)
        self.caption = self.replace_text(self.caption, self.get_caption("book_code.lesson"))
        self.hold_reading(2.0)

    def pass_beat(self, index: int) -> None:
        """The beat of pass ``index``: the loop's own for the first, one each for the other full-pace passes, then one for the rest."""
        if index == 0:
            self.beat("book_code.loop")
        elif index < FULL_PASSES:
            step = step_vector(self.path, index)
            self.beat(
                "book_code.pass", index + 1, x=book_round(step.x_from), slope=book_round(step.slope),
                learning_rate=book_parameter(self.learning_rate), x_to=book_round(step.x_to),
            )
        elif index == FULL_PASSES:
            self.beat("steps.rest", first=index + 1, last=self.path.nit)

    def get_pass_caption_key(self, index: int) -> str | None:
        """The caption that starts with pass ``index``, if one does: one a pass at full pace, two over the fast ones."""
        fast_middle = (FULL_PASSES + self.path.nit) // 2
        keys = {0: "book_code.each_pass", 1: "book_code.again", FULL_PASSES: "book_code.faster",
                fast_middle: "book_code.closer"}
        return keys.get(index) if index < self.path.nit else None

    def run_pass(self, index: int, pace: float) -> None:
        """Highlight the ``for`` line and each statement of its body as it runs, moving the ball and printing.

        At full pace the highlight rests on each line for :data:`HIGHLIGHT_DWELL`.
        """
        dwell = HIGHLIGHT_DWELL if pace >= 1 else 0.0
        self.move_highlight(self.loop, 0.3 * pace, dwell)
        for number in range(self.loop + 1, len(self.statements)):
            first, last = self.statements[number]
            statement = " ".join(line.strip() for line in self.lines[first : last + 1])
            if statement.startswith("x = "):
                self.move_highlight(number, 0.25 * pace)
                self.play(self.position.animate.set_value(self.path.x[index + 1]), run_time=0.5 * pace, rate_func=smooth)
                self.wait_if(dwell)
            elif statement.startswith("print("):
                self.move_highlight(number, 0.25 * pace)
                self.print_line(book_line(*book_table(self.path)[index]), 0.3 * pace)
                self.wait_if(dwell)
            elif statement.startswith("slope = "):
                self.move_highlight(number, 0.35 * pace, dwell, self.show_slope(index, number))
            else:
                self.move_highlight(number, 0.35 * pace, dwell)

    def print_line(self, text: str, run_time: float) -> None:
        """Add ``text`` at the bottom of the output panel, as the program prints it."""
        self.printed.append(text)
        line = get_code_line(text, self.palette)
        line.move_to((0.0, OUTPUT_TOP - 0.12 - len(self.output) * OUTPUT_LINE_HEIGHT, 0.0), UP).set_x(CODE_LEFT + 0.15, LEFT)
        self.output.add(line)
        self.play(FadeIn(line, shift=0.1 * UP), run_time=run_time)

    def move_highlight(self, statement: int, run_time: float, dwell: float = 0.0, *also: Animation) -> None:
        """Move the highlight band onto ``statement`` (playing ``also`` with it) and rest there ``dwell`` seconds."""
        self.play(self.highlight.animate.become(self.get_highlight(statement)), *also, run_time=run_time)
        self.wait_if(dwell)

    def show_slope(self, index: int, statement: int) -> Animation:
        """Put pass ``index``'s ``slope`` beside ``statement``, the line computing it; the animation that shows it.

        The value is ``gdmath.book_round`` of the path's slope, what ``print(round(slope, 4))``
        would print there; the previous pass's value leaves at once.
        """
        value = f"slope = {book_round(self.path.slope[index])}"
        self.watched.append(value)
        line = self.code[self.statements[statement][0]]
        markup = markup_lines([value], CODE_COLOURS[self.palette.name])[0]
        watch = get_code_line(WATCH_ARROW + value, self.palette, markup=_muted(WATCH_ARROW, self.palette) + markup)
        watch.set_x(line.get_right()[0] + WATCH_GAP, LEFT).match_y(line)
        if self.watch is not None:
            self.remove(self.watch)
        self.watch = watch
        return FadeIn(watch)

    def wait_if(self, seconds: float) -> None:
        """Wait ``seconds``, if any (manim refuses a zero-length wait)."""
        if seconds > 0:
            self.wait(seconds)

    def get_highlight(self, statement: int) -> Rectangle:
        """A band in the ``muted`` colour behind the lines of ``statement``."""
        first, last = self.statements[statement]
        lines = self.code[first : last + 1]
        band = Rectangle(width=self.code.width + 0.3, height=lines.height + 0.12)
        band.set_fill(self.palette.muted, opacity=HIGHLIGHT_OPACITY).set_stroke(width=0)
        band.move_to(lines).set_x(self.code.get_left()[0] - 0.15, LEFT)
        band.set_z_index(-1)
        return band

    def get_output_frame(self) -> Rectangle:
        """The output panel's outline, as tall as the header and every printed line."""
        height = (self.steps + 1) * OUTPUT_LINE_HEIGHT + 0.2
        frame = Rectangle(width=6.9, height=height).set_stroke(self.palette.muted, width=2)
        return frame.move_to((0.0, OUTPUT_TOP, 0.0), UP).set_x(CODE_LEFT, LEFT)

    def get_curve_axes(self):
        """Axes for the book's curve to the right of the output panel."""
        x_lo, x_hi, y_lo, y_hi = view_range(self.path, margin=0)
        axes = get_axes(nice_bounds(x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language,
                        *AXES_SIZE, axis_labels=False)
        return axes.move_to([3.75, OUTPUT_TOP - AXES_SIZE[1] / 2 - 0.15, 0])

    @staticmethod
    def stack(lines: VGroup, pitch: float) -> VGroup:
        """Place ``lines`` one under the other, ``pitch`` apart, left edges aligned (their struts keep indentation)."""
        for number, line in enumerate(lines):
            line.move_to((0.0, -number * pitch, 0.0)).align_to(lines[0], LEFT)
        return lines

    def _point(self):
        return ball_point(self.axes, self.curve, self.position.get_value())


def _muted(text: str, palette) -> str:
    """``text`` as Pango markup in the theme's ``muted`` colour."""
    return f'<span foreground="{palette.muted}">{text}</span>'
