"""The shared visual vocabulary: a base scene and the ``get_*`` builders every scene uses.

Builders turn numbers from :mod:`gdmath` into mobjects in the theme's colours
and the catalogue's words; they never compute a slope or a step themselves.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import ClassVar
from xml.sax.saxutils import escape

import numpy as np
from manim import (
    DOWN,
    LEFT,
    FadeIn,
    FadeOut,
    Succession,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Dot,
    Line,
    MarkupText,
    ValueTracker,
    Mobject,
    Scene,
    VGroup,
    VMobject,
)

from gdmath import BOOK_CURVE, Curve, DescentResult, book_round, descend, tangent_line, view_range
from scenes.captions import LANGUAGES, caption
from scenes.registry import SCENES
from scenes.style import (
    BALL_RADIUS,
    CAPTION_EDGE,
    EDGE_BUFF,
    FONT,
    FONT_CODE,
    FONT_SIZE_CAPTION,
    FONT_SIZE_CODE,
    FONT_SIZE_LABEL,
    FONT_SIZE_READOUT,
    FONT_SIZE_TITLE,
    STROKE_WIDTH_CURVE,
    STROKE_WIDTH_TANGENT,
    THEMES,
    TITLE_EDGE,
    Theme,
    is_rtl,
)

__all__ = [
    "PACED_STEPS",
    "BoxAxes",
    "DescentScene",
    "ball_point",
    "get_axes",
    "get_ball",
    "get_caption",
    "get_code_line",
    "get_curve_graph",
    "get_label",
    "get_number",
    "get_readout",
    "get_step_arrow",
    "get_tangent",
    "get_title",
    "get_trail",
    "get_trail_dot",
    "nice_bounds",
    "nice_tick_step",
    "path_point",
    "reading_order",
    "registry_defaults",
    "time_lapse_durations",
    "time_lapse_rate",
    "valley_label_point",
]


def registry_defaults(scene_name: str) -> tuple[float, float, int]:
    """``(start, learning_rate, steps)`` of a scene as :data:`scenes.registry.SCENES` sets them.

    Examples
    --------
    >>> registry_defaults("overshooting-learning-rate")
    (-1.0, 0.9, 10)
    """
    spec = SCENES[scene_name]
    return spec.start, spec.learning_rate, spec.steps


PACED_STEPS: int = 10
"""Up to this many steps each step plays at full length; more steps play faster."""


class DescentScene(Scene):
    """Base of every gdanim scene: the knobs, the theme and the language.

    Subclasses set the knobs as class attributes; the render CLI makes a
    variant by subclassing and overriding them.

    Attributes
    ----------
    curve
        The error curve from :mod:`gdmath`.
    start, learning_rate, steps
        The descent's inputs; each scene takes its defaults from
        :data:`scenes.registry.SCENES` with :func:`registry_defaults`.
        ``setup()`` runs the descent into ``self.path``.
    language
        ``"he"`` or ``"en"``.
    theme
        A key of :data:`scenes.style.THEMES`.
    """

    curve: ClassVar[Curve] = BOOK_CURVE
    start: ClassVar[float] = -1.0
    learning_rate: ClassVar[float] = 0.1
    steps: ClassVar[int] = 10
    language: ClassVar[str] = LANGUAGES[0]
    theme: ClassVar[str] = "light"

    @property
    def pace(self) -> float:
        """Factor on every per-step run time: 1 up to :data:`PACED_STEPS` steps, less beyond.

        Keeps a clip with many steps about as long as the book's ten-step one.
        """
        return min(1.0, PACED_STEPS / max(self.steps, 1))

    def setup(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}; choose from: {', '.join(LANGUAGES)}")
        if self.theme not in THEMES:
            raise ValueError(f"unknown theme {self.theme!r}; choose from: {', '.join(THEMES)}")
        self.palette: Theme = THEMES[self.theme]
        self.camera.background_color = self.palette.background
        self.path: DescentResult = descend(self.curve, self.start, self.learning_rate, self.steps)

    def get_label(self, key: str, font_size: float = FONT_SIZE_LABEL, **values: object) -> MarkupText:
        """:func:`get_label` in this scene's language and theme."""
        return get_label(key, self.language, self.palette, font_size, **values)

    def get_title(self, key: str, **values: object) -> MarkupText:
        """:func:`get_title` in this scene's language and theme."""
        return get_title(key, self.language, self.palette, **values)

    def get_caption(self, key: str, **values: object) -> MarkupText:
        """:func:`get_caption` in this scene's language and theme."""
        return get_caption(key, self.language, self.palette, **values)

    def get_panel(self, path: DescentResult, size: tuple[float, float], target_ticks: int = 3) -> VGroup:
        """A small plot framing ``path``: axes, the curve, and its learning rate above.

        The panel's axes are ``panel.axes``.
        """
        x_lo, x_hi, y_lo, y_hi = view_range(path, margin=0)
        axes = get_axes(
            (x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi, target_ticks), self.palette, self.language,
            *size, axis_labels=False, target_ticks=target_ticks,
        )
        label = self.get_label("learning_rate", learning_rate=book_round(path.learning_rate))
        label.next_to(axes, UP, buff=0.25)
        panel = VGroup(label, axes, get_curve_graph(axes, path.curve, self.palette))
        panel.axes = axes
        return panel

    def get_path_ball(self, axes: Axes, path: DescentResult, progress: ValueTracker) -> Dot:
        """A ball on ``axes`` that stays at step ``progress`` (fractional) of ``path``."""
        ball = get_ball(self.palette)
        ball.add_updater(lambda mob: mob.move_to(path_point(axes, path, progress.get_value())))
        ball.update()
        return ball

    def replace_text(self, old: Mobject, new: Mobject, run_time: float = 0.5) -> Mobject:
        """Fade ``old`` out, then ``new`` in, never both at once (overlaid text is unreadable).

        With ``run_time=0`` the swap is instant, as suits a changing number.
        """
        if run_time <= 0:
            self.remove(old)
            self.add(new)
        else:
            self.play(Succession(FadeOut(old, run_time=run_time / 2), FadeIn(new, run_time=run_time / 2)))
        return new


# --- Text ---------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _markup_text(text: str, font_size: float, colour: str, font: str = FONT) -> MarkupText:
    text_mobject = MarkupText(
        escape(text), font=font, font_size=font_size, color=colour, disable_ligatures=True
    )
    # The parsed SVG paths are only needed to build the glyphs; dropping them
    # makes every later copy (each FadeIn, Transform and redraw) ~15x cheaper.
    for glyph in text_mobject.family_members_with_points():
        glyph.__dict__.pop("path_obj", None)
    text_mobject.id_to_vgroup_dict = {}
    return text_mobject


def get_number(text: str, palette: Theme, font_size: float = FONT_SIZE_LABEL) -> MarkupText:
    """A number (or any plain string) in the theme's font and text colour.

    ``MarkupText`` rather than ``Text``: manim 0.22's ``Text`` silently drops
    some Hebrew words. Identical strings are built once and copied.
    """
    return _markup_text(text, float(font_size), palette.text).copy()


CODE_STRUT: str = "|"
"""A glyph put (invisible) at column 0 of every code line: see :func:`get_code_line`."""

_LRM: str = "\u200e"


def get_code_line(text: str, palette: Theme, font_size: float = FONT_SIZE_CODE) -> MarkupText:
    """One line of code or program output, in the code font, left to right even when it holds Hebrew.

    A glyph's box leaves out the spaces before it, and lines with and without
    descenders differ in height. So every line starts with an invisible
    :data:`CODE_STRUT` at column 0: aligning lines by their left edge keeps
    their indentation, stacking them keeps their baselines. A left-to-right
    mark first makes the line left to right even when its first letter is
    Hebrew (a comment, a Hebrew string). Its glyphs are ``line[1:]``.
    """
    line = _markup_text(_LRM + CODE_STRUT + text, float(font_size), palette.text, FONT_CODE).copy()
    strut = min(line.submobjects, key=lambda glyph: glyph.get_left()[0])
    line.remove(strut)
    line.add_to_back(strut.set_opacity(0))
    return line


def get_label(
    key: str, language: str, palette: Theme, font_size: float = FONT_SIZE_LABEL, **values: object
) -> MarkupText:
    """The catalogue string ``key`` as a mobject, not yet placed."""
    return get_number(caption(key, language, **values), palette, font_size)


_EDGES = {"top": UP, "bottom": DOWN}


def get_title(key: str, language: str, palette: Theme, **values: object) -> MarkupText:
    """A scene title at the :data:`~scenes.style.TITLE_EDGE`."""
    title = get_label(key, language, palette, FONT_SIZE_TITLE, **values)
    return title.to_edge(_EDGES[TITLE_EDGE], buff=EDGE_BUFF)


def get_caption(key: str, language: str, palette: Theme, **values: object) -> MarkupText:
    """An explanatory caption at the :data:`~scenes.style.CAPTION_EDGE`."""
    explanation = get_label(key, language, palette, FONT_SIZE_CAPTION, **values)
    return explanation.to_edge(_EDGES[CAPTION_EDGE], buff=EDGE_BUFF)


def get_readout(key: str, language: str, palette: Theme, **values: object) -> MarkupText:
    """A live number readout, not yet placed."""
    return get_label(key, language, palette, FONT_SIZE_READOUT, **values)


def reading_order(items: list, language: str) -> list:
    """``items`` in left-to-right screen order for a reader of ``language``.

    Examples
    --------
    >>> reading_order([1, 2, 3], "he"), reading_order([1, 2, 3], "en")
    ([3, 2, 1], [1, 2, 3])
    """
    return list(reversed(items)) if is_rtl(language) else list(items)


# --- Axes ---------------------------------------------------------------------------------


def nice_tick_step(span: float, target_ticks: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``target_ticks`` ticks.

    Examples
    --------
    >>> nice_tick_step(10), nice_tick_step(25), nice_tick_step(600)
    (2.0, 5.0, 200.0)
    """
    raw = span / max(target_ticks, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 5.0, 10.0):
        if raw <= multiple * power:
            return multiple * power
    return 10.0 * power


def nice_bounds(lo: float, hi: float, target_ticks: int = 5) -> tuple[float, float]:
    """``(lo, hi)`` widened outwards to whole multiples of :func:`nice_tick_step`.

    Examples
    --------
    >>> nice_bounds(2.0, 27.0), nice_bounds(-2.0, 8.0)
    ((0.0, 30.0), (-2.0, 8.0))
    """
    step = nice_tick_step(hi - lo, target_ticks)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


class BoxAxes(Axes):
    """Axes that meet at the lower-left corner of their window, like a book's plot.

    Plain manim ``Axes`` cross at the origin, which puts the y axis and its
    numbers in the middle of the book's curve.
    """

    @staticmethod
    def _origin_shift(axis_range) -> float:
        return float(axis_range[0])


def _tick_values(lo: float, hi: float, target_ticks: int) -> list[float]:
    step = nice_tick_step(hi - lo, target_ticks)
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _tick_text(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")


def get_axes(
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    palette: Theme,
    language: str,
    x_length: float,
    y_length: float,
    axis_labels: bool = True,
    target_ticks: int = 5,
) -> BoxAxes:
    """Axes over exactly ``x_range`` × ``y_range`` with round-numbered ticks.

    Parameters
    ----------
    x_range, y_range
        The window, in curve units.
    palette, language
        Theme colours and the language of the axis labels.
    x_length, y_length
        Size on screen, in scene units.
    axis_labels
        Add "position x" and "error".
    target_ticks
        About how many numbered ticks per axis.
    """
    axes = BoxAxes(
        x_range=[x_range[0], x_range[1], x_range[1] - x_range[0]],
        y_range=[y_range[0], y_range[1], y_range[1] - y_range[0]],
        x_length=x_length,
        y_length=y_length,
        tips=False,
        axis_config={"color": palette.axis, "stroke_width": 3, "include_ticks": False},
    )
    decorations = VGroup()
    for value in _tick_values(*x_range, target_ticks):
        point = axes.c2p(value, y_range[0])
        decorations.add(Line(point, point + 0.12 * DOWN, color=palette.axis, stroke_width=3))
        decorations.add(get_number(_tick_text(value), palette).next_to(point, DOWN, buff=0.2))
    for value in _tick_values(*y_range, target_ticks):
        point = axes.c2p(x_range[0], value)
        decorations.add(Line(point, point + 0.12 * LEFT, color=palette.axis, stroke_width=3))
        decorations.add(get_number(_tick_text(value), palette).next_to(point, LEFT, buff=0.2))
    if axis_labels:
        x_label = get_label("axis.position", language, palette)
        x_label.next_to(axes.x_axis.get_right(), DOWN, buff=0.65).align_to(axes.x_axis, RIGHT)
        y_label = get_label("axis.error", language, palette)
        # Left of the axis line, over the tick numbers: a ball at the top of the axis (and the
        # "move" arrow above it) then has the space to the right of the axis to itself.
        y_label.next_to(axes.y_axis.get_top(), UP, buff=0.2).align_to(axes.y_axis.get_left() + 0.25 * LEFT, RIGHT)
        decorations.add(x_label, y_label)
    axes.decorations = decorations
    axes.add(decorations)
    return axes


def get_curve_graph(axes: Axes, curve: Curve, palette: Theme, samples: int = 400) -> VGroup:
    """The error curve across the axes' window, cut where it leaves the top or bottom."""
    x_min, x_max = axes.x_range[0], axes.x_range[1]
    y_min, y_max = axes.y_range[0], axes.y_range[1]
    xs = np.linspace(x_min, x_max, samples + 1)
    ys = np.asarray(curve.error(xs), dtype=np.float64)
    inside = (ys >= y_min) & (ys <= y_max)
    graph = VGroup()
    for run in _runs(inside):
        if len(run) < 2:
            continue
        points = np.asarray(axes.c2p(xs[run], ys[run])).T
        segment = VMobject(color=palette.curve, stroke_width=STROKE_WIDTH_CURVE)
        segment.set_points_as_corners(points)
        graph.add(segment)
    return graph


def _runs(mask: np.ndarray) -> list[np.ndarray]:
    """Index arrays of the consecutive ``True`` stretches of ``mask``."""
    indices = np.flatnonzero(mask)
    if indices.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) > 1) + 1
    return np.split(indices, breaks)


# --- Time-lapse of many steps ---------------------------------------------------------------


def time_lapse_rate(first: float, last: float):
    """A rate function taking a step counter from ``first`` to ``last`` ever faster, at a steady growth.

    The counter shows ``first * (last / first) ** t`` at time ``t`` of the
    animation: each second multiplies the steps per second by the same
    factor, a time-lapse that speeds up without a jolt.

    Examples
    --------
    >>> rate = time_lapse_rate(10, 1000)
    >>> [round(10 + 990 * rate(t), 6) for t in (0, 0.5, 1)]
    [10.0, 100.0, 1000.0]
    """
    if not 0 < first < last:
        raise ValueError(f"a time-lapse needs 0 < first < last, got {first} and {last}")
    ratio = last / first
    # Clamped: first * ratio can round past last, and the counter must stop on last exactly.
    return lambda t: min(1.0, max(0.0, (first * ratio**t - first) / (last - first)))


def time_lapse_durations(marks: list[float], run_time: float) -> list[float]:
    """Run time of each stretch between consecutive step ``marks``, ``run_time`` in all.

    Each stretch gets time in proportion to ``log(end / start)``, so one
    :func:`time_lapse_rate` speed carries on from stretch to stretch.

    Examples
    --------
    >>> time_lapse_durations([10, 100, 1000], 8.0)
    [4.0, 4.0]
    """
    logs = np.diff(np.log(np.asarray(marks, dtype=np.float64)))
    return [float(run_time * value / logs.sum()) for value in logs]


# --- Ball, tangent, arrows ---------------------------------------------------------------


def ball_point(axes: Axes, curve: Curve, x: float) -> np.ndarray:
    """Scene point of the curve at position ``x``: where the ball's centre sits."""
    return axes.c2p(x, float(curve.error(x)))


def valley_label_point(axes: Axes, curve: Curve, below_top: float = 0.35) -> np.ndarray:
    """Scene point above the curve's first minimum, ``below_top`` under the plot's top.

    A U-shaped curve leaves this spot empty, so a label there overlaps nothing.
    """
    above_minimum = axes.c2p(curve.minima[0], axes.y_range[0])
    return np.array([above_minimum[0], axes.y_axis.get_top()[1] - below_top, 0.0])


def path_point(axes: Axes, path: DescentResult, progress: float) -> np.ndarray:
    """Scene point of the ball at step ``progress`` of ``path``: a fraction is part of the way into a step.

    Between two visited points the ball rolls along the curve. Past the last
    point it stays there.
    """
    index = min(max(int(math.floor(progress)), 0), path.nit)
    if index == path.nit:
        return ball_point(axes, path.curve, float(path.x[index]))
    fraction = progress - index
    x = (1 - fraction) * path.x[index] + fraction * path.x[index + 1]
    return ball_point(axes, path.curve, float(x))


def get_ball(palette: Theme) -> Dot:
    """The ball: a large saturated dot with a rim in the background colour."""
    ball = Dot(radius=BALL_RADIUS, color=palette.ball)
    ball.set_stroke(palette.background, width=3)
    ball.set_z_index(3)
    return ball


def get_tangent(axes: Axes, curve: Curve, x: float, palette: Theme, length: float = 3.0) -> Line:
    """The tangent of ``curve`` at ``x``, ``length`` scene units long on screen."""
    x_unit, y_unit = axes.x_axis.unit_size, axes.y_axis.unit_size
    start, end = tangent_line(curve, x).endpoints(length / x_unit, aspect=y_unit / x_unit)
    start, end = _clip_segment(start, end, axes.x_range[:2], axes.y_range[:2])
    line = Line(axes.c2p(*start), axes.c2p(*end), color=palette.tangent, stroke_width=STROKE_WIDTH_TANGENT)
    line.set_z_index(2)
    return line


TRAIL_DOT_RADIUS: float = 0.06
"""Radius of the small dots that mark where the ball has been."""

TRAIL_OPACITY: float = 0.6
"""Opacity of the trail, faint next to the ball and the current step."""


def get_trail_dot(point: np.ndarray, palette: Theme) -> Dot:
    """A small dot marking a place the ball has been."""
    return Dot(point, radius=TRAIL_DOT_RADIUS, color=palette.step_arrow, fill_opacity=TRAIL_OPACITY)


def get_trail(axes: Axes, curve: Curve, xs, palette: Theme) -> VGroup:
    """The visited points ``xs`` on the curve, as dots joined by straight jumps."""
    points = [ball_point(axes, curve, x) for x in xs]
    trail = VGroup(*(get_trail_dot(point, palette) for point in points))
    if len(points) > 1:
        jumps = VMobject(stroke_color=palette.step_arrow, stroke_width=3, stroke_opacity=TRAIL_OPACITY)
        jumps.set_points_as_corners(points)
        trail.add_to_back(jumps)
    return trail


def _clip_segment(start, end, x_range, y_range):
    """The part of the segment ``start``–``end`` inside the box ``x_range`` × ``y_range``.

    Examples
    --------
    >>> _clip_segment((-1.0, 0.0), (1.0, 2.0), (0.0, 5.0), (0.0, 5.0))
    ((0.0, 1.0), (1.0, 2.0))
    """
    (x0, y0), (x1, y1) = start, end
    t_lo, t_hi = 0.0, 1.0
    for origin, delta, (lo, hi) in ((x0, x1 - x0, x_range), (y0, y1 - y0, y_range)):
        if delta == 0:
            continue
        t_a, t_b = sorted(((lo - origin) / delta, (hi - origin) / delta))
        t_lo, t_hi = max(t_lo, t_a), min(t_hi, t_b)
    t_hi = max(t_hi, t_lo)
    return (
        (x0 + t_lo * (x1 - x0), y0 + t_lo * (y1 - y0)),
        (x0 + t_hi * (x1 - x0), y0 + t_hi * (y1 - y0)),
    )


def get_step_arrow(start: np.ndarray, end: np.ndarray, palette: Theme, colour: str | None = None) -> Arrow:
    """A horizontal step arrow between two scene points (tip at ``end``)."""
    arrow = Arrow(
        start,
        end,
        buff=0,
        color=colour or palette.step_arrow,
        stroke_width=6,
        max_tip_length_to_length_ratio=0.45,
        max_stroke_width_to_length_ratio=12,
        tip_length=0.22,
    )
    arrow.set_z_index(1)
    return arrow
