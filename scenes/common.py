"""The shared visual vocabulary: a base scene and the ``get_*`` builders every scene uses.

Builders turn numbers from :mod:`gdmath` into mobjects in the theme's colours
and the catalogue's words; they never compute a slope or a step themselves.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, ClassVar, TypeVar
from collections.abc import Callable, Sequence
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
    Mobject,
    Scene,
    ValueTracker,
    VGroup,
    VMobject,
    config,
)

from scenes.languages import DEFAULT_LANGUAGE, DEFAULT_THEME, LANGUAGES, THEME_NAMES, check_choice
from gdmath import (
    BOOK_CURVE,
    Curve,
    DescentResult,
    TangentLine,
    book_parameter,
    crosses_minimum,
    descend,
    tangent_line,
    view_range,
)
from scenes import text_cache
from scenes.beats import Beat, beat_name
from scenes.captions import caption, speaker_notes, visible_characters
from scenes.registry import SceneDeclarationError, SceneSpec
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
    TRAIL_OPACITY,
    Theme,
    display_minus,
    is_rtl,
    reading_seconds,
)

__all__ = [
    "BoxAxes",
    "DescentScene",
    "PACED_STEPS",
    "STEP_BEATS",
    "always_rebuilt",
    "ball_point",
    "frames_in_play",
    "get_axes",
    "get_ball",
    "get_caption",
    "get_code_line",
    "get_curve_graph",
    "get_label",
    "get_level_step_arrow",
    "get_line_through",
    "get_number",
    "get_path_ball",
    "get_readout",
    "get_step_arrow",
    "get_tangent",
    "get_title",
    "get_trail",
    "get_trail_dot",
    "keep_in_frame",
    "nice_bounds",
    "nice_tick_step",
    "path_point",
    "reading_order",
    "step_point",
    "take_shape",
    "time_lapse_durations",
    "time_lapse_rate",
    "valley_label_point",
]


RebuiltT = TypeVar("RebuiltT", bound=Mobject)


def always_rebuilt(build: Callable[[], RebuiltT]) -> RebuiltT:
    """``build()``, rebuilt every frame: manim's ``always_redraw`` without its cost.

    ``always_redraw`` makes the mobject ``become`` the new one each frame, and
    manim 0.22's ``become`` aligns the two point by point (``align_data`` drops
    its ``skip_point_alignment`` when it recurses into the submobjects, then
    compares every pair of points with ``numpy.allclose``): three quarters of
    slope-rise-over-run's render went there. The new mobject is drawn as built,
    so only the structure needs aligning; the points and the style are copied
    over as ``become`` copies them, and the frames are the same.
    """
    mobject = build()
    # As always_redraw: the updater reshapes this mobject even when it runs on a copy (an animation's start
    # and target), so an animation of it (a FadeIn) interpolates from its own untouched start.
    mobject.add_updater(lambda _: take_shape(mobject, build()))
    return mobject


def take_shape(mobject: RebuiltT, model: Mobject) -> RebuiltT:
    """Make ``mobject`` (and its family) look exactly like ``model``: ``mobject.become(model)`` without point alignment.

    Examples
    --------
    >>> from manim import Circle, Square, VGroup
    >>> group = VGroup(Circle(), Circle())
    >>> model = VGroup(Square(), Square(), Square()).set_color("#D55E00")
    >>> take_shape(group, model) is group, len(group) == 3
    (True, True)
    >>> bool(np.array_equal(group[2].points, model[2].points)), group[2].get_color() == model[2].get_color()
    (True, True)
    """
    _align_structure(mobject, model)
    for part, model_part in zip(mobject.get_family(), model.get_family(), strict=True):
        part.points = np.array(model_part.points)
        part.interpolate_color(part, model_part, 1)
    return mobject


def _align_structure(mobject: Mobject, model: Mobject) -> None:
    """``Mobject.align_data`` with ``skip_point_alignment`` at every level: same family shape, points untouched."""
    mobject.null_point_align(model)
    mobject.align_submobjects(model)
    for part, model_part in zip(mobject.submobjects, model.submobjects, strict=True):
        _align_structure(part, model_part)


def frames_in_play(duration: float, frame_rate: float, frozen: bool) -> int:
    """The frames manim's ``CairoRenderer.play`` adds to the movie for a play of ``duration`` seconds.

    A static wait (``frozen``) holds one frame ``int(duration * rate)`` times;
    anything else draws one frame per step of ``Scene.get_time_progression``
    (``np.arange(0, duration, 1 / rate)``). The scenes' movie clock and the
    render's counting pass both count with it.

    Examples
    --------
    >>> frames_in_play(0.5, 5, frozen=False), frames_in_play(0.5, 5, frozen=True)
    (3, 2)
    """
    step = 1 / frame_rate
    return int(duration / step) if frozen else len(np.arange(0, duration, step))


# What a helper hands back is what it was given: a MarkupText stays a MarkupText.
ShownT = TypeVar("ShownT", bound=Mobject)

PACED_STEPS: int = 10
"""Up to this many steps each step plays at full length; more steps play faster.

It is also how many steps get a beat of their own; the rest share one beat."""

STEP_BEATS: tuple[str, ...] = tuple(f"step-{number}" for number in range(1, PACED_STEPS + 1))
"""The names of the step beats a ten-step scene plays (:data:`PACED_STEPS` of them), for its ``beat_names``."""


class DescentScene(Scene):
    """Base of every gdanim scene: the knobs, the theme and the language.

    A scene declares itself once, in its class body: ``spec`` (a
    :class:`~scenes.registry.SceneSpec`: CLI name, order, description, default
    knobs, curve), which :mod:`scenes.registry` reads without importing manim,
    and ``beat_names``. Declaring the class copies the spec's knobs and curve
    onto it; the render CLI makes a variant by subclassing and overriding them.

    Attributes
    ----------
    spec
        The scene's declaration, with ``class_name`` and ``module`` filled in.
    beat_names
        The names of the beats (:meth:`beat`) the scene plays with its default
        knobs, in order; the tests check the render against them.
    edge_starts
        The ``--start`` values at which the tests check that no text leaves the
        frame or overlaps; ``None``: the two ends of ``spec.start_range``.
    curve
        The error curve from :mod:`gdmath` (``spec.curve``).
    start, learning_rate, steps
        The descent's inputs (defaults: ``spec``'s).
        ``setup()`` runs the descent into ``self.path``.
    language
        ``"he"`` or ``"en"``.
    theme
        A key of :data:`scenes.style.THEMES`.
    """

    spec: ClassVar[SceneSpec]
    beat_names: ClassVar[tuple[str, ...]]
    edge_starts: ClassVar[tuple[float, ...] | None] = None
    curve: ClassVar[Curve] = BOOK_CURVE
    start: ClassVar[float] = -1.0
    learning_rate: ClassVar[float] = 0.1
    steps: ClassVar[int] = 10
    language: ClassVar[str] = DEFAULT_LANGUAGE
    theme: ClassVar[str] = DEFAULT_THEME

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Fill in a scene's declaration and take its knobs from it; refuse a scene without one.

        A subclass of a scene (a render's variant, a test's probe) inherits its
        declaration and keeps the knobs it sets itself.
        """
        super().__init_subclass__(**kwargs)
        where = f"{cls.__module__}.{cls.__qualname__}"
        declared = cls.__dict__.get("spec")
        if declared is None:
            if not hasattr(cls, "spec"):
                raise SceneDeclarationError(f"{where} is a scene without a declaration: give it "
                                            "`spec = SceneSpec(...)` and `beat_names` (README: Adding a scene)")
            return
        if not isinstance(declared, SceneSpec):
            raise SceneDeclarationError(f"{where}.spec must be a SceneSpec, not {type(declared).__name__}")
        if not cls.__dict__.get("beat_names"):
            raise SceneDeclarationError(f"{where} declares no `beat_names` (its beats with the default knobs)")
        cls.spec = replace(declared, class_name=cls.__name__, module=cls.__module__)
        cls.curve, cls.start, cls.learning_rate, cls.steps = (
            declared.curve, declared.start, declared.learning_rate, declared.steps)

    @property
    def pace(self) -> float:
        """Factor on every per-step run time: 1 up to :data:`PACED_STEPS` steps, less beyond.

        Keeps a clip with many steps about as long as the book's ten-step one.
        """
        return min(1.0, PACED_STEPS / max(self.steps, 1))

    def setup(self) -> None:
        self.beats: list[Beat] = []
        self._beat_starts: list[tuple[str, str, float, str, dict[str, str]]] = []
        self._subtitles_on_screen: dict[str, tuple[Mobject, str, float]] = {}
        self.movie_time = 0.0
        check_choice("language", self.language, LANGUAGES)
        check_choice("theme", self.theme, THEME_NAMES)
        self.palette: Theme = THEMES[self.theme]
        self.camera.background_color = self.palette.background  # type: ignore[union-attr]  # Cairo camera only
        self.path: DescentResult = descend(self.curve, self.start, self.learning_rate, self.steps)

    def play(self, *args: Any, **kwargs: Any) -> None:
        """Play as manim does, and advance :attr:`movie_time` by the frames the play adds to the movie."""
        super().play(*args, **kwargs)
        self.movie_time += self._movie_seconds_of_last_play()

    def _movie_seconds_of_last_play(self) -> float:
        """The movie time the last play adds: its frames at the frame rate, however it was rendered.

        manim advances ``self.time`` by whole frames when it draws a play but by the
        play's exact duration when it skips one (the counting pass, the plays outside a
        shard), so a pace read from ``self.time`` would differ between a whole render and
        its shards. The frame counts are those of ``CairoRenderer.play``: a static wait
        adds ``int(duration / step)`` frames, anything else one per ``np.arange`` step.
        """
        frames = frames_in_play(float(self.duration), config.frame_rate, self.is_current_animation_frozen_frame())
        return frames * (1 / config.frame_rate)

    # --- Beats: the teaching moments a lecturer stops after ---------------------------------

    def beat(self, key: str, number: int | None = None, name: str | None = None, **values: Any) -> None:
        """Start a teaching beat here: a manim section, with its speaker notes from the catalogue.

        Call it before the beat's first ``play``. The first beat starts at 0 s;
        each beat ends where the next begins, the last one at the end of the clip.

        Parameters
        ----------
        key
            A key of :data:`scenes.captions.SPEAKER_NOTES`; its last part names the beat.
        number
            For a beat that repeats (a step): its number, appended to the name
            (``step-3``) and given to the notes template as ``{number}``.
        name
            The beat's name when the key's last part is not it (``lesson.<regime>`` is the ``lesson``).
        **values
            The notes template's other fields.
        """
        name = name or beat_name(key, number)
        fields = values if number is None else {**values, "number": number}
        notes = speaker_notes(key, self.language, **fields)
        self.next_section(name)
        # The values as text fill the template alike (no notes field has a format spec), and keep the manifest JSON.
        as_text = {field_name: str(value) for field_name, value in fields.items()}
        self._beat_starts.append((name, notes, round(self.movie_time, 6), key, as_text))

    def step_beat(self, key: str, index: int, last: int, **values: Any) -> None:
        """The beat of step ``index`` (from 0) of ``last``: its own for the first :data:`PACED_STEPS`, then one for the rest."""
        if index < PACED_STEPS:
            self.beat(key, index + 1, **values)
        elif index == PACED_STEPS:
            self.beat("steps.rest", first=index + 1, last=last)

    # --- Subtitles: every title and caption, for as long as it is on screen -----------------

    def as_subtitle(self, mobject: ShownT, text: str, slot: str) -> ShownT:
        """Mark ``mobject`` (showing ``text``) as a subtitle cue while it is on screen.

        A new cue in the same ``slot`` (``"title"``, ``"caption"``) ends the one
        before it, so fading one caption into the next gives back-to-back cues.
        """
        mobject.subtitle = (slot, text)  # type: ignore[attr-defined]  # manim mobjects take any attribute
        return mobject

    def add(self, *mobjects: Any) -> DescentScene:
        super().add(*mobjects)
        for mobject in mobjects:
            if hasattr(mobject, "subtitle") and hasattr(self, "_subtitles_on_screen"):
                slot, text = mobject.subtitle
                self._end_subtitle(slot)
                self._subtitles_on_screen[slot] = (mobject, text, self.movie_time)
        return self

    def remove(self, *mobjects: Mobject) -> DescentScene:
        for slot, (shown, _, _) in list(getattr(self, "_subtitles_on_screen", {}).items()):
            if any(shown is mobject for mobject in mobjects):
                self._end_subtitle(slot)
        return super().remove(*mobjects)

    def _end_subtitle(self, slot: str) -> None:
        """Close the cue in ``slot``, if any, as a manim subcaption (manim writes them to an ``.srt``).

        The cue is timed in :attr:`movie_time`, the clock of the movie's frames: manim
        places a subcaption at ``self.time + offset``, and ``self.time`` runs by exact
        durations over the plays it skips or finds cached, so it can drift from the movie.
        """
        if slot not in self._subtitles_on_screen:
            return
        _, text, start = self._subtitles_on_screen.pop(slot)
        now = self.movie_time
        if now > start:
            self.add_subcaption(text, duration=now - start, offset=start - float(self.time))

    def tear_down(self) -> None:
        """Close the cues still on screen and the last beat at the end of the clip."""
        for slot in list(self._subtitles_on_screen):
            self._end_subtitle(slot)
        ends = [start for _, _, start, _, _ in self._beat_starts[1:]] + [round(self.movie_time, 6)]
        # A beat with no play in it has no frame (manim drops its empty section too).
        self.beats = [
            Beat(name, notes, start, end, key, values)
            for (name, notes, start, key, values), end in zip(self._beat_starts, ends) if end > start
        ]
        super().tear_down()

    # --- Text in this scene's language and theme --------------------------------------------

    def get_label(self, key: str, font_size: float = FONT_SIZE_LABEL, **values: object) -> MarkupText:
        """:func:`get_label` in this scene's language and theme."""
        return get_label(key, self.language, self.palette, font_size, **values)

    def get_title(self, key: str, **values: object) -> MarkupText:
        """:func:`get_title` in this scene's language and theme; a subtitle cue while on screen."""
        title = get_title(key, self.language, self.palette, **values)
        return self.as_subtitle(title, caption(key, self.language, **values), "title")

    def get_caption(self, key: str, **values: object) -> MarkupText:
        """:func:`get_caption` in this scene's language and theme; a subtitle cue while on screen."""
        explanation = get_caption(key, self.language, self.palette, **values)
        return self.as_subtitle(explanation, caption(key, self.language, **values), "caption")

    def get_panel(self, path: DescentResult, size: tuple[float, float], target_ticks: int = 3) -> VGroup:
        """A small plot framing ``path``: axes, the curve, and its learning rate above.

        The panel's axes are ``panel.axes``.
        """
        x_lo, x_hi, y_lo, y_hi = view_range(path, margin=0)
        axes = get_axes(
            (x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi, target_ticks), self.palette, self.language,
            *size, axis_labels=False, target_ticks=target_ticks,
        )
        label = self.get_label("learning_rate", learning_rate=book_parameter(path.learning_rate))
        label.next_to(axes, UP, buff=0.25)
        panel = VGroup(label, axes, get_curve_graph(axes, path.curve, self.palette))
        panel.axes = axes  # type: ignore[attr-defined]  # manim mobjects take any attribute
        return panel

    def get_step_counter(self, step: int) -> MarkupText:
        """``step k of n`` under the title."""
        counter = self.get_label("comparison.step", FONT_SIZE_READOUT, step=step, steps=self.steps)
        return counter.to_edge(UP, buff=EDGE_BUFF + 0.62)

    def reading_left(self, *mobjects: Mobject) -> float:
        """Seconds the subtitles on screen (or only those among ``mobjects``) still need to be read.

        A cue needs :func:`~scenes.style.reading_seconds` of its text from the moment it appeared.
        """
        left = 0.0
        for shown, text, start in self._subtitles_on_screen.values():
            if mobjects and not any(shown is mobject for mobject in mobjects):
                continue
            needed = reading_seconds(visible_characters(text))
            left = max(left, needed - (self.movie_time - start))
        return left

    def hold_reading(self, at_least: float = 0.0, *mobjects: Mobject) -> None:
        """Wait ``at_least`` seconds, and longer if a subtitle on screen (of ``mobjects``) is not yet read.

        The reading time is rounded up to whole frames, and one more: a cue's
        times in the movie's subtitles fall on frames, up to a frame from the scene's clock.
        """
        left = self.reading_left(*mobjects)
        if left > 0:
            frames_per_second = float(config.frame_rate)
            left = (math.ceil(left * frames_per_second - 1e-9) + 1) / frames_per_second
        seconds = max(at_least, left)
        if seconds > 1e-6:
            self.wait(seconds)

    def replace_text(self, old: Mobject, new: ShownT, run_time: float = 0.5) -> ShownT:
        """Fade ``old`` out, then ``new`` in, never both at once (overlaid text is unreadable).

        A caption or title is first left on screen for its reading time
        (:meth:`hold_reading`). With ``run_time=0`` the swap is instant, as suits a changing number.
        """
        self.hold_reading(0.0, old)
        if run_time <= 0:
            self.remove(old)
            self.add(new)
        else:
            self.play(Succession(FadeOut(old, run_time=run_time / 2), FadeIn(new, run_time=run_time / 2)))
        return new


# --- Text ---------------------------------------------------------------------------------


def _build_markup_text(text: str, font_size: float, colour: str, font: str = FONT, markup: bool = False) -> MarkupText:
    text_mobject = MarkupText(
        text if markup else escape(text), font=font, font_size=font_size, color=colour, disable_ligatures=True
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
    some Hebrew words. Each distinct string is built once (see
    :mod:`scenes.text_cache`) and copied. A number's sign is drawn as
    :data:`~scenes.style.MINUS_SIGN` (:func:`~scenes.style.display_minus`), the
    one minus of on-screen text.
    """
    text = display_minus(text)
    arguments = {"text": text, "font": FONT, "font_size": float(font_size), "colour": palette.text,
                 "disable_ligatures": True}
    return text_cache.cached_mobject(
        "MarkupText", arguments, lambda: _build_markup_text(text, float(font_size), palette.text)
    )


CODE_STRUT: str = "|"
"""A glyph put (invisible) at column 0 of every code line: see :func:`get_code_line`."""

_LRM: str = "\u200e"


def get_code_line(
    text: str, palette: Theme, font_size: float = FONT_SIZE_CODE, markup: str | None = None
) -> MarkupText:
    """One line of code or program output, in the code font, left to right even when it holds Hebrew.

    A glyph's box leaves out the spaces before it, and lines with and without
    descenders differ in height. So every line starts with an invisible
    :data:`CODE_STRUT` at column 0: aligning lines by their left edge keeps
    their indentation, stacking them keeps their baselines. A left-to-right
    mark first makes the line left to right even when its first letter is
    Hebrew (a comment, a Hebrew string). Its glyphs are ``line[1:]``.

    ``markup``, if given, is ``text`` as Pango markup (coloured tokens, see
    :func:`scenes.listings.markup_lines`); it is drawn instead of the plain text.
    """
    shown = _LRM + CODE_STRUT + (escape(text) if markup is None else markup)
    arguments = {"text": shown, "font": FONT_CODE, "font_size": float(font_size), "colour": palette.text,
                 "disable_ligatures": True, "markup": True}
    line = text_cache.cached_mobject(
        "MarkupText", arguments,
        lambda: _build_markup_text(shown, float(font_size), palette.text, FONT_CODE, markup=True),
    )
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
    return display_minus(f"{value:g}")


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
    axes.decorations = decorations  # type: ignore[attr-defined]  # manim mobjects take any attribute
    axes.add(decorations)
    return axes


def get_curve_graph(
    axes: Axes, curve: Curve, palette: Theme, samples: int = 400, x_window: tuple[float, float] | None = None
) -> VGroup:
    """The error curve across the axes' window, cut where it leaves the top or bottom.

    With ``x_window`` only the part between those two positions (inside the axes) is drawn.
    """
    x_min, x_max = axes.x_range[0], axes.x_range[1]
    if x_window is not None:
        x_min, x_max = max(x_min, x_window[0]), min(x_max, x_window[1])
    y_min, y_max = axes.y_range[0], axes.y_range[1]
    graph = VGroup()
    if x_min >= x_max:
        return graph
    xs = np.linspace(x_min, x_max, samples + 1)
    ys = np.asarray(curve.error(xs), dtype=np.float64)
    inside = (ys >= y_min) & (ys <= y_max)
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


def time_lapse_durations(marks: Sequence[float], run_time: float) -> list[float]:
    """Run time of each stretch between consecutive step ``marks``, ``run_time`` in all.

    Each stretch gets time in proportion to ``log(end / start)``, so one
    :func:`time_lapse_rate` speed carries on from stretch to stretch.

    Examples
    --------
    >>> [round(seconds, 9) for seconds in time_lapse_durations([10, 100, 1000], 8.0)]
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


def keep_in_frame(mobject: Mobject, margin: float = EDGE_BUFF) -> Mobject:
    """Shift ``mobject`` sideways just enough to keep it ``margin`` inside the frame's left and right edges.

    A label placed over a curve's minimum can hang off the frame when a far start
    pushes the minimum to one side of the plot.
    """
    half_width = config.frame_width / 2 - margin
    if mobject.get_right()[0] > half_width:
        mobject.shift((mobject.get_right()[0] - half_width) * LEFT)
    elif mobject.get_left()[0] < -half_width:
        mobject.shift((-half_width - mobject.get_left()[0]) * RIGHT)
    return mobject


def get_ball(palette: Theme) -> Dot:
    """The ball: a large saturated dot with a rim in the background colour."""
    ball = Dot(radius=BALL_RADIUS, color=palette.ball)
    ball.set_stroke(palette.background, width=3)
    ball.set_z_index(3)
    return ball


TANGENT_HALO_WIDTH: float = 6
"""Extra stroke width of the background-coloured halo around a tangent.

Where the tangent touches the curve the two lines meet; in the light theme
#882255 on #0072B2 is only 1.7:1, so the halo cuts the curve away on either
side of the tangent and the tangent reads as one line in both themes."""


def get_tangent(axes: Axes, curve: Curve, x: float, palette: Theme, length: float = 3.0) -> Line:
    """The tangent of ``curve`` at ``x``, ``length`` scene units long on screen, with a halo in the background colour."""
    return get_line_through(axes, tangent_line(curve, x), palette.tangent, length, halo=palette.background)


def get_line_through(
    axes: Axes, line: TangentLine, colour: str, length: float = 3.0, halo: str | None = None
) -> Line:
    """The straight ``line`` (a point and a slope), centred on its point, ``length`` scene units long on screen.

    Cut where it leaves the axes' window, like the curve. With ``halo`` a wider
    stroke of that colour is drawn behind it, parting it from lines it crosses.
    """
    x_unit, y_unit = axes.x_axis.unit_size, axes.y_axis.unit_size
    start, end = line.endpoints(length / x_unit, aspect=y_unit / x_unit)
    start, end = _clip_segment(start, end, axes.x_range[:2], axes.y_range[:2])
    drawn = Line(axes.c2p(*start), axes.c2p(*end), color=colour, stroke_width=STROKE_WIDTH_TANGENT)
    if halo is not None:
        drawn.set_background_stroke(color=halo, width=STROKE_WIDTH_TANGENT + TANGENT_HALO_WIDTH, opacity=1.0)
    drawn.set_z_index(2)
    return drawn


# --- How the ball gets from one point of a descent to the next ----------------------------

JUMP_LIFT_PER_WIDTH: float = 0.3
"""Height of a jump's arc above its chord, per scene unit the jump spans across."""

JUMP_LIFT_RANGE: tuple[float, float] = (0.25, 0.6)
"""Lowest and highest arc above the chord, in scene units.

The floor makes a short hop near the bottom read as a hop (its chord lies a
hair above the curve); the ceiling keeps a long jump under the readouts above
the plot.
"""


def step_point(axes: Axes, curve: Curve, x_from: float, x_to: float, alpha: float) -> np.ndarray:
    """Where the ball is ``alpha`` (0 to 1) of the way through the step from ``x_from`` to ``x_to``.

    The one rule every scene's ball follows. Gradient descent visits only the
    two ends of a step. A step that stays on one side of the minimum may glide
    along the curve between them. A step that crosses it
    (:func:`gdmath.crosses_minimum`) flies: along the chord between its ends,
    lifted into an arc, over the valley and onto the other side, never below
    the lower of its two ends.
    """
    if not crosses_minimum(curve, x_from, x_to):
        return ball_point(axes, curve, x_from + alpha * (x_to - x_from))
    start, end = ball_point(axes, curve, x_from), ball_point(axes, curve, x_to)
    lift = _jump_lift(axes, curve, x_from, x_to)
    return start + alpha * (end - start) + 4 * alpha * (1 - alpha) * lift * UP


def _jump_lift(axes: Axes, curve: Curve, x_from: float, x_to: float, samples: int = 32) -> float:
    """Height in scene units of a jump's arc above its chord: visible, and over any hump between."""
    start, end = ball_point(axes, curve, x_from), ball_point(axes, curve, x_to)
    low, high = JUMP_LIFT_RANGE
    lift = min(max(JUMP_LIFT_PER_WIDTH * abs(end[0] - start[0]), low), high)
    # On a curve with a hump (two valleys) the chord can cut through ground the arc must clear,
    # and by the lowest lift at least: the ball should be seen to pass over it.
    shares = np.linspace(0.0, 1.0, samples + 2)[1:-1]
    xs = x_from + shares * (x_to - x_from)
    ground = np.asarray(axes.c2p(xs, np.asarray(curve.error(xs))))[1]
    chord = start[1] + shares * (end[1] - start[1])
    over_ground = (ground - chord) / (4 * shares * (1 - shares))
    return max(lift, low + float(np.max(over_ground)))


def path_point(axes: Axes, path: DescentResult, progress: float) -> np.ndarray:
    """Scene point of the ball ``progress`` steps into ``path`` (2.5: half-way through the third step).

    Examples
    --------
    >>> from manim import Axes
    >>> from gdmath import BOOK_CURVE, descend
    >>> axes = Axes(x_range=[-2, 8, 1], y_range=[0, 30, 10])
    >>> path = descend(BOOK_CURVE, -1, 0.9, 10)
    >>> bool(np.allclose(axes.p2c(path_point(axes, path, 1)), (path.x[1], path.error[1])))
    True
    >>> bool(axes.p2c(path_point(axes, path, 0.5))[1] > min(path.error[:2]))
    True
    """
    progress = min(max(float(progress), 0.0), float(path.nit))
    if path.nit == 0:
        return ball_point(axes, path.curve, path.x[0])
    index = min(int(progress), path.nit - 1)
    return step_point(axes, path.curve, path.x[index], path.x[index + 1], progress - index)


def get_path_ball(
    palette: Theme, path: DescentResult, progress: ValueTracker, get_axes: Callable[[], Axes]
) -> Dot:
    """The ball, kept at ``progress`` steps into ``path`` on the axes ``get_axes()`` returns.

    Animate ``progress`` (``progress.animate.set_value(index + 1)``) to take a
    step; the ball glides or jumps as :func:`step_point` says. ``get_axes`` is
    asked every frame, so the ball rides axes that a scene rebuilds.
    """
    ball = get_ball(palette)
    ball.add_updater(lambda mobject: mobject.move_to(path_point(get_axes(), path, progress.get_value())))
    ball.update()
    return ball


TRAIL_DOT_RADIUS: float = 0.06
"""Radius of the small dots that mark where the ball has been."""

def get_trail_dot(point: np.ndarray, palette: Theme, opacity: float = TRAIL_OPACITY) -> Dot:
    """A small dot marking a place the ball has been."""
    return Dot(point, radius=TRAIL_DOT_RADIUS, color=palette.step_arrow, fill_opacity=opacity)


def get_trail(axes: Axes, curve: Curve, xs, palette: Theme, opacity: float = TRAIL_OPACITY) -> VGroup:
    """The visited points ``xs`` on the curve, as dots joined by straight jumps."""
    points = [ball_point(axes, curve, x) for x in xs]
    trail = VGroup(*(get_trail_dot(point, palette, opacity) for point in points))
    if len(points) > 1:
        jumps = VMobject(stroke_color=palette.step_arrow, stroke_width=3, stroke_opacity=opacity)
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


def get_level_step_arrow(axes: Axes, curve: Curve, x_from: float, x_to: float, palette: Theme) -> Arrow:
    """The step from ``x_from`` to ``x_to`` as a level arrow from the ball: the move along x alone."""
    here = ball_point(axes, curve, x_from)
    return get_step_arrow(here, axes.c2p(x_to, float(curve.error(x_from))) * RIGHT + here * UP, palette)


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
