"""Rendered scenes: ball positions and readouts against gdmath, glyph counts, pixel regression.

Control frames live in ``tests/control_data/scenes/``. After an intended
change to a picture, look at the new frames, then regenerate them with::

    GDANIM_UPDATE_CONTROL=1 .venv/bin/python -m pytest tests/render/test_scenes_render.py -k last_frame
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from itertools import combinations, pairwise
from pathlib import Path
from xml.sax.saxutils import unescape

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import config, tempconfig  # noqa: E402

import scenes  # noqa: E402
import scenes.common  # noqa: E402
import scenes.overshooting_learning_rate  # noqa: E402
import scenes.slope_rise_over_run  # noqa: E402
from gdanim.clip.scene_render import _LastFrameRenderer  # noqa: E402
from gdmath import (  # noqa: E402
    BOOK_CURVE,
    EXAMPLE_LEARNING_RATES,
    Regime,
    TWO_VALLEYS,
    book_round,
    book_table,
    classify,
    descend,
    secant,
    slope_survey,
    spread_starts,
    steps_to_tolerance,
    valley_reached,
)
from scenes.captions import CAPTIONS, LANGUAGES, caption, caption_fields, caption_keys, visible_characters  # noqa: E402
from scenes.common import get_code_line, get_label  # noqa: E402
from scenes.listings import book_listing, display_lines  # noqa: E402
from scenes.registry import SCENES  # noqa: E402
from scenes.style import (  # noqa: E402
    BALL_RADIUS,
    CODE_COLOURS,
    EDGE_BUFF,
    FONT,
    FONT_SIZE_CAPTION,
    FONT_SIZE_TITLE,
    MIN_FONT_SIZE,
    THEMES,
    display_minus,
)

CONTROL_DIR = Path(__file__).parents[1] / "control_data" / "scenes"
UPDATE_CONTROL = os.environ.get("GDANIM_UPDATE_CONTROL") == "1"
TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}
MAX_CHANGED_PIXELS = 8

# Example values for every caption field, the longest the scenes produce.
FIELD_VALUES = {
    "slope": "-21.7669",
    "delta": "-0.1074",
    "x": "-21.7669",
    "error": "615.4016",
    "step": 10,
    "steps": 10,
    "learning_rate": "0.01",
    "value": "2.5705",
    "rise": "-14.5675",
    "run": "0.0100",
    "distance": "15.0",
    "tolerance": "0.01",
    "chapter": 10,
}


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("manim-media")


@pytest.fixture(autouse=True)
def _manim_writes_into_media_dir(media_dir):
    """Text drawn outside a render (the caption checks) caches its SVGs there too, not in ``./media``."""
    with tempconfig({"media_dir": str(media_dir)}):
        yield


_RENDERED: dict = {}


def render_once(scene_class, media_dir: Path, **knobs):
    """:func:`render`, but each distinct case only once per test session."""
    key = (scene_class, tuple(sorted(knobs.items())))
    if key not in _RENDERED:
        _RENDERED[key] = render(scene_class, media_dir, **knobs)
    return _RENDERED[key]


def render(scene_class, media_dir: Path, **knobs):
    """Render ``scene_class`` with ``knobs`` to its last frame only; return the scene."""
    variant = type(scene_class.__name__, (scene_class,), knobs)
    with tempconfig(
        {
            **TINY,
            "media_dir": str(media_dir),
            "write_to_movie": False,
            "save_last_frame": False,
            "skip_animations": True,
            "disable_caching": True,
            "verbosity": "WARNING",
            "progress_bar": "none",
        }
    ):
        scene = variant(renderer=_LastFrameRenderer(skip_animations=True))  # gdanim's poster renderer: one drawn frame
        scene.render()
        scene.renderer.static_image = None  # never drawn by the poster renderer: draw the whole last frame
        scene.renderer.update_frame(scene, ignore_skipping=True)
        scene.last_frame = np.array(scene.renderer.get_frame())
    return scene


# --- Captions rendered ---------------------------------------------------------------------


# Draws text with manim (Pango, then its SVG parsed into glyphs: ~0.3 s a caption), so a render test, not unit.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", caption_keys())
def test_every_caption_draws_one_glyph_per_character(key, language):
    values = {name: FIELD_VALUES[name] for name in caption_fields(key)}
    text = caption(key, language, **values)
    size = FONT_SIZE_TITLE if key.endswith(".title") else FONT_SIZE_CAPTION
    mobject = get_label(key, language, THEMES["light"], size, **values)
    assert len(mobject.submobjects) == visible_characters(text), text
    assert mobject.width <= config.frame_width - 2 * EDGE_BUFF, text


# --- Logic: what is drawn is what gdmath computed ------------------------------------------

_PROBE_OF_SCENE: dict[type, type] = {}


def probe(probe_class: type) -> type:
    """Make ``probe_class`` the class rendered for the scene it subclasses (:data:`PROBES`).

    A probe draws exactly what its scene draws and records what the tests read back.
    """
    (scene_class,) = probe_class.__bases__
    _PROBE_OF_SCENE[scene_class] = probe_class
    return probe_class



@probe
class RollingProbe(scenes.RollingDescent):
    """Records the ball's coordinates, read back through the axes, after each step."""

    def setup(self):
        super().setup()
        self.visited = [self.start]

    def animate_step(self, index):
        super().animate_step(index)
        self.visited.append(self.axes.point_to_coords(self.ball.get_center()))


@probe
class OvershootProbe(scenes.OvershootingLearningRate):
    def setup(self):
        super().setup()
        self.visited = []
        self.readouts = []
        self.views = []  # after each landing: the window, and the first view's box (width, height) or None

    def animate_step(self, index):
        super().animate_step(index)
        self.visited.append(self.axes.point_to_coords(self.ball.get_center()))
        self.readouts.append(self.readout.original_text)
        box = self.first_view
        self.views.append((self.window, None if box is None else (box.width, box.height)))


@probe
class ComparisonProbe(scenes.LearningRateComparison):
    def setup(self):
        super().setup()
        self.visited = []

    def animate_step(self, index):
        super().animate_step(index)
        self.visited.append(
            [panel.axes.point_to_coords(ball.get_center()) for panel, ball in zip(self.panels, self.balls)]
        )


# Ch. 9 scenes of issue #12: slope-rise-over-run, slope-steepness, local-view.


@probe
class RiseOverRunProbe(scenes.SlopeRiseOverRun):
    """Records the secant and the readout's text after every play, and the triangle's size on screen."""

    def setup(self):
        super().setup()
        self.ratios = []
        self.sizes = []  # (run, longer leg on screen in scene units, the axes' x range)

    def play(self, *args, **kwargs):
        super().play(*args, **kwargs)
        if hasattr(self, "ratio_text"):
            line = self.current_secant()
            self.ratios.append((line, self.ratio_text.original_text))
            self.sizes.append((line.x_right - line.x_left, self.longest_leg(line.x_right - line.x_left), self.axes.x_range[:2]))


@probe
class SteepnessProbe(scenes.SlopeSteepness):
    """Records, at each place, the ball, the readout, the caption and the drawn step (in x units)."""

    def setup(self):
        super().setup()
        self.places_shown = []
        self.ball_after_plays = []

    def play(self, *args, **kwargs):
        super().play(*args, **kwargs)
        if hasattr(self, "ball"):
            on_screen = any(mobject is self.ball for mobject in self.mobjects)
            self.ball_after_plays.append((on_screen, tuple(self.axes.point_to_coords(self.ball.get_center())[:2])))

    def show_place(self, number, sample):
        super().show_place(number, sample)
        marks = self.seen[-1]
        step = None
        if len(marks) > 2:
            arrow = marks[2]
            step = self.axes.p2c(arrow.get_end())[0] - self.axes.p2c(arrow.get_start())[0]
        coordinates = self.axes.point_to_coords(self.ball.get_center())[:2]
        self.places_shown.append((coordinates, self.readout.original_text, self.explanation.original_text, step))


@probe
class LocalViewProbe(scenes.LocalView):
    """Records the ball after each step and the x extent of every piece of curve on screen."""

    def setup(self):
        super().setup()
        self.visited = []
        self.curve_spans = []

    def animate_step(self, index):
        super().animate_step(index)
        self.visited.append(self.axes.point_to_coords(self.ball.get_center())[:2])
        self.curve_spans.append(self.get_curve_spans())

    def get_curve_spans(self):
        """``(x_min, x_max)`` of every stroke in the curve's colour on screen."""
        spans = []
        for mobject in self.mobjects:
            for member in mobject.get_family():
                if not isinstance(member, manim.VMobject) or not member.has_points():
                    continue
                if member.get_stroke_color().to_hex().upper() == self.palette.curve.upper():
                    xs = [self.axes.p2c(point)[0] for point in member.points]
                    spans.append((min(xs), max(xs)))
        return spans


SCENE_CLASSES: dict[str, type] = {name: getattr(scenes, spec.class_name) for name, spec in SCENES.items()}
"""Every declared scene's class, by CLI name (:mod:`scenes.registry`)."""

PROBES: dict[str, type] = {name: _PROBE_OF_SCENE.get(scene_class, scene_class)
                           for name, scene_class in SCENE_CLASSES.items()}
"""The class rendered for each scene: its probe (:func:`probe`) if it has one, else the scene itself."""


@pytest.mark.unit
@pytest.mark.parametrize("name", list(SCENES))
def test_each_scene_descends_the_curve_its_registry_entry_names(name):
    # The registry's curve bounds --start before manim is imported; the class's curve is what is drawn.
    spec = SCENES[name]
    assert getattr(scenes, spec.class_name).curve is spec.curve


def test_rolling_descent_ball_follows_the_books_path(media_dir):
    scene = render_once(RollingProbe, media_dir, language="en", theme="light")
    path = descend(BOOK_CURVE, -1, 0.1, 10)
    visited = np.array(scene.visited[1:])
    np.testing.assert_allclose(visited[:, 0], path.x[1:], rtol=0, atol=1e-9)
    np.testing.assert_allclose(visited[:, 1], path.error[1:], rtol=0, atol=1e-9)


def test_rolling_descent_table_prints_the_books_numbers(media_dir):
    scene = render_once(RollingProbe, media_dir, language="he", theme="light")
    rows = scene.table_rows
    assert rows == [tuple(str(cell) for cell in row) for row in book_table(scene.path)]
    assert rows[0] == ("1", "-0.2", "12.24")
    assert rows[1] == ("2", "0.44", "8.5536")
    assert rows[-1] == ("10", "2.5705", "2.1845")
    # Drawn in the text font, with the one on-screen minus sign.
    drawn = [[cell.original_text for cell in row] for row in scene.table[1:]]
    assert sorted(map(sorted, drawn)) == sorted(map(sorted, [[display_minus(cell) for cell in row] for row in rows]))


def test_rolling_descent_table_scrolls_and_names_an_overshoot(media_dir):
    scene = render_once(RollingProbe, media_dir, language="en", theme="dark", learning_rate=0.9, steps=14)
    path = descend(BOOK_CURVE, -1, 0.9, 14)
    np.testing.assert_allclose(np.array(scene.visited[1:])[:, 0], path.x[1:], rtol=0, atol=1e-9)
    drawn = [tuple(cell.original_text for cell in row) for row in scene.table[1:]]
    assert drawn == [tuple(display_minus(str(cell)) for cell in row) for row in book_table(path)[-10:]]
    assert scene.caption.original_text == caption("regime.oscillating", "en")


@pytest.mark.parametrize("learning_rate", [EXAMPLE_LEARNING_RATES[Regime.OSCILLATING], 1.1])
def test_overshooting_ball_follows_gdmath_and_stays_in_view(media_dir, learning_rate):
    knobs = {} if learning_rate == SCENES["overshooting-learning-rate"].learning_rate else {"learning_rate": learning_rate}
    scene = render_once(OvershootProbe, media_dir, language="en", theme="light", **knobs)
    path = descend(BOOK_CURVE, -1, learning_rate, 10)
    visited = np.array(scene.visited)
    np.testing.assert_allclose(visited[:, 0], path.x[1:], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(visited[:, 1], path.error[1:], rtol=1e-9, atol=1e-9)
    ball = scene.ball
    half_width, half_height = config.frame_width / 2, config.frame_height / 2
    assert -half_width < ball.get_left()[0] and ball.get_right()[0] < half_width
    assert -half_height < ball.get_bottom()[1] and ball.get_top()[1] < half_height
    assert scene.readouts[-1] == caption(
        "overshooting.readout", "en", step=10, x=book_round(path.x[10]), error=book_round(path.error[10])
    )
    assert scene.regime is classify(path)


def test_overshooting_ball_leaves_the_first_view_before_it_shrinks_to_a_box(media_dir):
    # Issue 21: at lr 1.1 the view held still while the ball flew out, then zoomed out, the first view a shrinking box.
    scene = render_once(OvershootProbe, media_dir, language="en", theme="light", learning_rate=1.1)
    path = descend(BOOK_CURVE, -1, 1.1, 10)
    first = scene.first_window
    landed_in = [scene.views[index][0] for index in range(path.nit)]
    outside = [index + 1 for index, window in enumerate(landed_in) if window == first
               and not (window[0] <= path.x[index + 1] <= window[1] and window[2] <= path.error[index + 1] <= window[3])]
    assert len(outside) == scenes.overshooting_learning_rate.LANDINGS_OUT_OF_VIEW
    # The box marks the first view from the first landing outside it on; it starts as the whole plot and shrinks.
    boxes = [box for _, box in scene.views]
    assert all(box is None for box in boxes[: outside[0]]) and all(box is not None for box in boxes[outside[0]:])
    widths = [box[0] for box in boxes if box is not None]
    assert widths[0] == pytest.approx(scenes.overshooting_learning_rate.AXES_SIZE[0], rel=0.02)
    assert all(later <= earlier + 1e-9 for earlier, later in pairwise(widths)) and widths[-1] < 0.25 * widths[0]
    # The last landing is in sight.
    x_lo, x_hi, y_lo, y_hi = scene.window
    assert x_lo <= path.x[-1] <= x_hi and y_lo <= path.error[-1] <= y_hi


def test_overshooting_bouncing_ball_stays_in_the_first_view_with_no_box(media_dir):
    scene = render_once(OvershootProbe, media_dir, language="en", theme="light")
    assert {window for window, _ in scene.views} == {scene.first_window}
    assert all(box is None for _, box in scene.views)


def test_a_tiny_learning_rate_is_shown_not_rounded_to_zero(media_dir):
    # Before issue 16 the label read "learning rate = 0.0" for --learning-rate 1e-300.
    scene = render_once(OvershootProbe, media_dir, language="en", theme="light", learning_rate=1e-300, steps=1)
    assert scene.rate.original_text == "learning rate = 1e-300"


def test_comparison_balls_follow_their_paths(media_dir):
    scene = render_once(ComparisonProbe, media_dir, language="en", theme="light")
    rates = [EXAMPLE_LEARNING_RATES[regime] for regime in (Regime.SLOW, Regime.CONVERGING, Regime.OSCILLATING)]
    for panel_index, rate in enumerate(rates):
        path = descend(BOOK_CURVE, -1, rate, 10)
        visited = np.array([step[panel_index] for step in scene.visited])
        np.testing.assert_allclose(visited[:, 0], path.x[1:], rtol=0, atol=1e-9)
        np.testing.assert_allclose(visited[:, 1], path.error[1:], rtol=0, atol=1e-9)


def test_comparison_hebrew_panels_read_right_to_left(media_dir):
    scene = render_once(ComparisonProbe, media_dir, language="he", theme="light")
    centres = [panel.get_center()[0] for panel in scene.panels]
    assert centres[0] > centres[1] > centres[2]


def test_slope_tangent_ends_on_the_right_with_a_positive_slope(media_dir):
    scene = render_once(scenes.SlopeTangent, media_dir, language="en", theme="light")
    x, error = scene.axes.point_to_coords(scene.ball.get_center())[:2]
    assert (x, error) == pytest.approx((7.0, BOOK_CURVE.error(7.0)))
    assert scene.readout_text == caption("slope_tangent.readout", "en", slope="+8.0")


def test_rise_over_run_readout_settles_on_the_slope_gdmath_reports(media_dir):
    scene = render_once(RiseOverRunProbe, media_dir, language="en", theme="light")
    shown = list(dict.fromkeys(text for _, text in scene.ratios))  # each text once, in the order shown
    towards_valley = [secant(BOOK_CURVE, -1.0, run) for run in scenes.slope_rise_over_run.RUNS]
    assert shown == [caption("rise_over_run.readout", "en", **scene.get_secant_values(line)) for line in towards_valley]
    assert shown[0] == "rise ÷ run = −15.0 ÷ 3.0 = −5.0" and shown[-1] == "rise ÷ run = −0.0799 ÷ 0.01 = −7.99"
    exact = float(BOOK_CURVE.slope(-1.0))
    misses = [abs(line.slope - exact) for line, _ in dict.fromkeys(scene.ratios)]
    assert all(later <= earlier for earlier, later in pairwise(misses)) and misses[-1] <= 0.01 + 1e-12
    assert scene.answer.original_text == caption("rise_over_run.slope", "en", slope=book_round(exact))


def test_rise_over_run_zooms_in_when_the_triangle_hides_under_the_ball(media_dir):
    # Issue 21: a run of 0.1 or 0.01 drew a triangle smaller than the ball; the plot now zooms in until it is seen.
    scene = render_once(RiseOverRunProbe, media_dir, language="en", theme="light")
    ball = 2 * BALL_RADIUS
    runs = scenes.slope_rise_over_run.RUNS
    hidden = [run for run in runs if any(size < ball for shown, size, _ in scene.sizes if shown == pytest.approx(run))]
    assert len(hidden) >= 2, "the small runs were shown under the ball first"
    for run in runs:
        largest = max(size for shown, size, _ in scene.sizes if shown == pytest.approx(run))
        assert largest >= ball, f"the triangle of run {run} was never seen larger than the ball"
    # It zoomed in (the window narrowed) and ends on the whole curve again, for the tangent.
    widths = [x_range[1] - x_range[0] for _, _, x_range in scene.sizes]
    assert min(widths) < 0.05 * widths[0]
    assert tuple(scene.axes.x_range[:2]) == tuple(scene.sizes[0][2])


def test_rise_over_run_second_point_lies_towards_the_valley(media_dir):
    scene = render_once(RiseOverRunProbe, media_dir, language="en", theme="light", start=7.0)
    first = scene.ratios[0][0]
    assert (first.x_left, first.x_right, first.slope) == pytest.approx((4.0, 7.0, 5.0))


def test_steepness_shows_each_places_slope_distance_and_step(media_dir):
    scene = render_once(SteepnessProbe, media_dir, language="en", theme="light")
    survey = slope_survey(BOOK_CURVE, -1.0, SCENES["slope-steepness"].learning_rate)
    kinds = ["steep_negative", "gentle_negative", "flat", "gentle_positive", "steep_positive"]
    assert len(scene.places_shown) == len(survey) == len(kinds)
    for (coordinates, readout, explanation, step), sample, kind in zip(scene.places_shown, survey, kinds):
        np.testing.assert_allclose(coordinates, (sample.x, sample.error), atol=1e-9)
        assert readout == caption("steepness.readout", "en", slope=book_round(sample.slope),
                                  distance=book_round(sample.distance), delta=book_round(sample.step))
        assert explanation == caption(f"steepness.{kind}", "en")
        if kind == "flat":
            assert step is None
        else:
            assert step == pytest.approx(sample.step, abs=1e-6)
    assert scene.explanation.original_text == caption("steepness.lesson", "en")


def test_steepness_ball_never_walks_uphill_between_places(media_dir):
    # Issue 21: the places are not steps of a descent; walking from the minimum to the fourth place rolled uphill.
    scene = render_once(SteepnessProbe, media_dir, language="en", theme="light")
    shown = [coordinates for on_screen, coordinates in scene.ball_after_plays if on_screen]
    assert [x for x, _ in dict.fromkeys(shown)] == pytest.approx([sample.x for sample in scene.survey])
    seen = [(on_screen, coordinates) for on_screen, coordinates in scene.ball_after_plays]
    for (was_shown, before), (is_shown, after) in pairwise(seen):
        if was_shown and is_shown and before != after:
            assert after[1] <= before[1] + 1e-9, f"the ball walked uphill from {before} to {after}"
    # Where it stood stays marked by a hollow ring: every place but the one it ends on.
    rings = [ring for ring in scene.stands if ring.get_fill_opacity() == 0 and ring.get_stroke_opacity() > 0]
    assert len(rings) == len(scene.survey) - 1
    for ring, sample in zip(rings, scene.survey):
        np.testing.assert_allclose(scene.axes.point_to_coords(ring.get_center())[:2], (sample.x, sample.error), atol=1e-6)


def test_local_view_shows_only_the_window_until_the_reveal(media_dir):
    scene = render_once(LocalViewProbe, media_dir, language="en", theme="light")
    path = scene.path
    np.testing.assert_allclose(np.array(scene.visited), np.column_stack([path.x[1:], path.error[1:]]), atol=1e-9)
    half = scene.lit_share * (scene.axes.x_range[1] - scene.axes.x_range[0])
    for (x, _), spans in zip(scene.visited, scene.curve_spans):
        assert spans, "the patch under the ball is lit"
        assert all(x - half - 1e-6 <= low and high <= x + half + 1e-6 for low, high in spans), spans
    spans = LocalViewProbe.get_curve_spans(scene)
    assert min(low for low, _ in spans) == pytest.approx(scene.axes.x_range[0])
    assert max(high for _, high in spans) == pytest.approx(scene.axes.x_range[1])
    trail_dots = [dot.get_center() for dot in scene.trail if isinstance(dot, manim.Dot)]
    np.testing.assert_allclose([scene.axes.p2c(dot)[0] for dot in trail_dots], path.x, atol=1e-9)


# --- Logic of issue #12's scenes 4-6 ----------------------------------------------------------


def _ball_coordinates(axes, ball) -> tuple[float, float]:
    return tuple(axes.point_to_coords(ball.get_center())[:2])


def test_too_small_balls_end_on_their_paths_and_say_when_they_arrived(media_dir):
    scene = render_once(scenes.TooSmallLearningRate, media_dir, language="en", theme="light")
    for panel, ball, rate in zip(scene.panels, scene.balls, (0.01, 0.1)):
        path = descend(BOOK_CURVE, -1, rate, 300)
        assert _ball_coordinates(panel.axes, ball) == pytest.approx((path.x[-1], path.error[-1]), abs=1e-9)
    assert [verdict.original_text for verdict in scene.verdicts] == [
        caption("too_small.arrived", "en", tolerance="0.01", steps=297),
        caption("too_small.arrived", "en", tolerance="0.01", steps=27),
    ]
    assert scene.arrivals == [steps_to_tolerance(BOOK_CURVE, -1, rate) for rate in (0.01, 0.1)]


def test_too_small_short_run_says_how_many_steps_it_needs(media_dir):
    scene = render_once(scenes.TooSmallLearningRate, media_dir, language="he", theme="dark", steps=40)
    assert [verdict.original_text for verdict in scene.verdicts] == [
        caption("too_small.needs", "he", tolerance="0.01", steps=297),
        caption("too_small.arrived", "he", tolerance="0.01", steps=27),
    ]
    tiny = render_once(scenes.TooSmallLearningRate, media_dir, language="en", theme="light", learning_rate=1e-5, steps=12)
    assert tiny.verdicts[0].original_text == caption("too_small.never", "en", tolerance="0.01", steps=12)


@pytest.mark.parametrize("steps", [1, 300, 500])
def test_too_small_stays_watchable_up_to_the_step_cap(media_dir, steps):
    # However many steps, the clip stays about as long: a time-lapse, not one frame per step.
    scene = render_once(scenes.TooSmallLearningRate, media_dir, language="en", theme="light", steps=steps)
    # Issue 21 gave every caption its reading time (and a caption every 8 s): about half a minute at most.
    assert 5.0 < scene.renderer.time < 32.0
    assert scene.renderer.num_plays < 50
    assert scene.progress.get_value() == steps


@pytest.mark.parametrize("language", LANGUAGES)
def test_local_valley_labels_each_start_by_the_valley_gdmath_says_it_reached(media_dir, language):
    scene = render_once(scenes.LocalValley, media_dir, language=language, theme="light")
    assert scene.starts == spread_starts(TWO_VALLEYS, 0.0)
    reached = [valley_reached(descend(TWO_VALLEYS, start, 0.05, 60)) for start in scene.starts]
    expected = [caption("local_valley.ended_deep" if valley.deepest else "local_valley.ended_shallow", language)
                for valley in reached]
    assert [label.original_text for label in scene.labels] == expected
    # Both outcomes happen from the default starts: the lesson needs them.
    assert {valley.deepest for valley in reached} == {True, False}
    for ball, path in zip(scene.balls, scene.paths):
        assert _ball_coordinates(scene.axes, ball) == pytest.approx((path.x[-1], path.error[-1]), abs=1e-9)
    # Each label is next to its own start, above the curve.
    for label, start in zip(scene.labels, scene.starts):
        assert abs(label.get_x() - scene.axes.c2p(start, 0)[0]) < label.width
        assert label.get_bottom()[1] > scene.axes.c2p(start, float(TWO_VALLEYS.error(start)))[1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_local_valley_stopped_ball_has_a_flat_tangent_and_each_start_a_leader(media_dir, language):
    scene = render_once(scenes.LocalValley, media_dir, language=language, theme="light")
    featured = scene.paths[scene.featured]
    # gdmath's slope where the first ball stopped is zero to the readout's places, and the tangent drawn is flat.
    assert abs(featured.slope[-1]) < 0.05
    assert scene.slope_readout.original_text == caption("slope_tangent.readout", language, slope="0.0")
    start, end = scene.tangent.get_start(), scene.tangent.get_end()
    assert abs(end[1] - start[1]) < 1e-3 < end[0] - start[0]
    np.testing.assert_allclose(scene.tangent.get_center(), scene.balls[scene.featured].get_center(), atol=1e-6)
    assert scene.slope_readout.get_right()[0] < start[0]
    # A leader from each start marker to its label: it starts at the marker and ends at the label's bottom edge.
    for number, (leader, label) in enumerate(zip(scene.leaders, scene.labels)):
        marker = scene.axes.c2p(scene.starts[number], float(TWO_VALLEYS.error(scene.starts[number])))
        assert np.linalg.norm(leader.get_start() - marker) < 0.1
        assert abs(leader.get_end()[1] - label.get_bottom()[1]) < 0.1
        assert label.get_left()[0] - 0.1 <= leader.get_end()[0] <= label.get_right()[0] + 0.1
    # The balls roll one at a time, the featured one first, and every one of them rolls.
    assert scene.turns[0] == scene.featured and sorted(scene.turns) == list(range(len(scene.paths)))
    # The learning rate every ball steps with stays on screen.
    assert scene.learning_rate_label in scene.mobjects
    assert scene.learning_rate_label.original_text == caption("learning_rate", language, learning_rate="0.05")


def test_local_valley_featured_start_in_the_deep_valley_says_so(media_dir):
    scene = render_once(scenes.LocalValley, media_dir, language="en", theme="dark", start=5.0)
    assert scene.starts[scene.featured] == 5.0
    assert scene.caption.original_text == caption("local_valley.lesson", "en")
    assert scene.labels[scene.featured].original_text == caption("local_valley.ended_deep", "en")


def _python_prints(source: str) -> list[str]:
    completed = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return completed.stdout.splitlines()


@pytest.mark.parametrize("language", LANGUAGES)
def test_book_code_prints_what_python_prints_running_the_listing(media_dir, language):
    scene = render_once(scenes.BookCode, media_dir, language=language, theme="light")
    assert scene.printed == _python_prints(book_listing(10))
    assert [unescape(line.original_text) for line in scene.output] == [f"\u200e|{text}" for text in scene.printed]
    assert _ball_coordinates(scene.axes, scene.ball) == pytest.approx((scene.path.x[-1], scene.path.error[-1]))


def test_book_code_shows_every_line_of_the_listing_with_its_indentation(media_dir):
    scene = render_once(scenes.BookCode, media_dir, language="he", theme="light")
    # The book's lines, the wrapped one aligned with its open bracket (display_lines, tested in unit).
    lines = display_lines(book_listing(10).splitlines())
    assert [_plain(line.original_text) for line in scene.code] == [f"\u200e|{text}" for text in lines]
    advance = get_code_line("00", THEMES["light"]).width - get_code_line("0", THEMES["light"]).width
    for text, line in zip(lines, scene.code):
        # One glyph per visible character, plus the invisible strut: no Hebrew word dropped.
        assert len(line.submobjects) == visible_characters(text) + 1, text
        # Left to right even where Hebrew comes first: the strut is leftmost, the code its indentation to its right.
        strut, glyphs = line.submobjects[0], line.submobjects[1:]
        assert strut.get_fill_opacity() == 0
        indent = len(text) - len(text.lstrip(" "))
        first_ink = min(glyph.get_left()[0] for glyph in glyphs)
        assert first_ink - strut.get_left()[0] == pytest.approx((indent + 1) * advance, abs=0.6 * advance), text
    assert scene.code[0].get_left()[0] == pytest.approx(scene.code[1].get_left()[0])


def _glyph_colours(line) -> list[str]:
    """The fill colour of each glyph of a code line, left to right, the strut left out."""
    glyphs = sorted(line.submobjects[1:], key=lambda glyph: glyph.get_x())
    return [glyph.get_fill_color().to_hex().upper() for glyph in glyphs]


@pytest.mark.parametrize("theme", list(THEMES))
def test_book_code_listing_is_coloured_by_token(media_dir, theme):
    scene = render_once(scenes.BookCode, media_dir, language="he", theme=theme)
    colours, text = CODE_COLOURS[theme], THEMES[theme].text
    lines = book_listing(10).splitlines()
    # `def error(x):` -- the keyword, the function's name, then plain brackets.
    assert _glyph_colours(scene.code[1]) == [colours["keyword"]] * 3 + [colours["function"]] * 5 + [text] * 4
    # The Hebrew comment: every glyph drawn, all in the comment colour.
    comment = lines.index("    # השיפוע של הפונקציה")
    assert _glyph_colours(scene.code[comment]) == [colours["comment"]] * visible_characters(lines[comment])
    # The program's output is not code: plain text.
    assert set(_glyph_colours(scene.output[-1])) == {text}


def test_book_code_shows_the_slope_each_pass_computes_as_python_prints_it(media_dir):
    scene = render_once(scenes.BookCode, media_dir, language="en", theme="dark")
    # The book's program with one line more, printing `slope` where it is computed.
    lines = book_listing(10).splitlines()
    at = next(number for number, line in enumerate(lines) if line.strip().startswith("slope = "))
    lines.insert(at + 1, '    print("slope =", round(slope, 4))')
    printed = [line for line in _python_prints("\n".join(lines)) if line.startswith("slope =")]
    assert len(printed) == scene.path.nit
    # The same numbers; the first pass's slope is an int in the book's program (x starts as the int -1),
    # so Python prints -8 where gdmath's float prints -8.0.
    assert [float(value.split("=")[1]) for value in scene.watched] == [float(value.split("=")[1]) for value in printed]
    assert scene.watched[1:] == printed[1:]
    # The last one stays on screen, on the line that computes it, to its right.
    line = scene.code[at]
    assert scene.watch in scene.mobjects
    assert _plain(scene.watch.original_text).endswith(printed[-1])
    assert scene.watch.get_left()[0] > line.get_right()[0]
    assert scene.watch.get_y() == pytest.approx(line.get_y(), abs=0.05)


def _plain(markup: str) -> str:
    """The text of a Pango markup string: tags dropped, entities unescaped."""
    return unescape(re.sub(r"<[^>]+>", "", markup))


# --- Pixels ------------------------------------------------------------------------------------

LAST_FRAME_CASES = [
    (name, language, theme) for name in SCENES for language in LANGUAGES for theme in THEMES
]


@pytest.mark.parametrize(("name", "language", "theme"), LAST_FRAME_CASES)
def test_last_frame_matches_control(media_dir, name, language, theme):
    frame = render_once(PROBES[name], media_dir, language=language, theme=theme).last_frame
    control_file = CONTROL_DIR / f"{name}-{language}-{theme}.npz"
    if UPDATE_CONTROL:
        CONTROL_DIR.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(control_file, frame=frame)
        pytest.skip(f"wrote {control_file.name}")
    assert control_file.exists(), f"no control frame; run with GDANIM_UPDATE_CONTROL=1 to create {control_file}"
    control = np.load(control_file)["frame"]
    assert frame.shape == control.shape
    difference = np.abs(frame.astype(np.int16) - control.astype(np.int16)).max(axis=-1)
    # A few edge pixels of slack for anti-aliasing; the ball moving by one radius changes dozens.
    changed = np.count_nonzero(difference > 40)
    assert changed <= MAX_CHANGED_PIXELS, f"{changed} pixels changed"
    background = np.array([int(THEMES[theme].background[i : i + 2], 16) for i in (1, 3, 5)])
    assert np.all(np.abs(frame[0, 0, :3].astype(int) - background) <= 1)


def test_rendering_is_deterministic(media_dir):
    knobs = {"language": "en", "theme": "light", "learning_rate": 1.1}
    first = render_once(OvershootProbe, media_dir, **knobs)
    second = render(OvershootProbe, media_dir, **knobs)
    np.testing.assert_array_equal(first.last_frame, second.last_frame)
    assert first.visited is not second.visited


# --- Layout of the last frame ---------------------------------------------------------------


def _texts(scene) -> list:
    """Every text mobject on screen in the last frame."""
    seen, texts = set(), []
    for mobject in scene.mobjects:
        for member in mobject.get_family():
            if isinstance(member, manim.MarkupText) and id(member) not in seen and member.get_fill_opacity() > 0:
                seen.add(id(member))
                texts.append(member)
    return texts


def _box(mobject) -> tuple[float, float, float, float]:
    return mobject.get_left()[0], mobject.get_right()[0], mobject.get_bottom()[1], mobject.get_top()[1]


def _assert_text_large_inside_and_apart(scene) -> None:
    texts = _texts(scene)
    assert texts
    # Keep a margin of half the edge buffer, so no glyph touches the frame's edge.
    half_width = config.frame_width / 2 - EDGE_BUFF / 2
    half_height = config.frame_height / 2 - EDGE_BUFF / 2
    for text in texts:
        assert text.font_size >= MIN_FONT_SIZE - 1e-6, text.original_text
        left, right, bottom, top = _box(text)
        assert -half_width < left and right < half_width, text.original_text
        assert -half_height < bottom and top < half_height, text.original_text
    for first, second in combinations(texts, 2):
        a, b = _box(first), _box(second)
        apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
        assert apart, (first.original_text, second.original_text)


@pytest.mark.parametrize(("name", "language", "theme"), LAST_FRAME_CASES)
def test_last_frame_text_is_large_inside_and_apart(media_dir, name, language, theme):
    _assert_text_large_inside_and_apart(render_once(PROBES[name], media_dir, language=language, theme=theme))




def edge_starts(name: str) -> tuple[float, ...]:
    """The starts at the edges a scene is checked at: its class's ``edge_starts``, else the ends of its start range.

    The range is the one ClipRequest allows (:func:`gdmath.start_range`); a scene that shows the book's own
    numbers (``fixed_knobs``) takes no ``--start`` and has none.
    """
    spec = SCENES[name]
    if spec.fixed_knobs:
        return ()
    return SCENE_CLASSES[name].edge_starts or spec.start_range


# Every scene at its edges in Hebrew (right to left, where labels crowd most), slope-tangent in English too.
EDGE_START_CASES = [
    *[(name, "he", start) for name in SCENES for start in edge_starts(name)],
    *[("slope-tangent", "en", start) for start in edge_starts("slope-tangent")],
]


@pytest.mark.parametrize(("name", "language", "start"), EDGE_START_CASES)
def test_text_stays_inside_and_apart_for_starts_at_the_edges(media_dir, name, language, start):
    _assert_text_large_inside_and_apart(render_once(PROBES[name], media_dir, language=language, theme="light",
                                                    start=start))


# --- Direction of mixed Hebrew, numbers and Latin ---------------------------------------------

FIELD_COLOURS = ["#FF0000", "#00C000", "#0000FF"]


def _fields_in_order(key: str, language: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(CAPTIONS[key][language]) if name]


# Draws text with manim (Pango, then its SVG parsed into glyphs: ~0.3 s a caption), so a render test, not unit.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", [key for key in caption_keys() if caption_fields(key)])
def test_caption_values_follow_the_reading_direction(key, language):
    """Each value stays whole and in reading order: right to left in Hebrew, left to right in English."""
    fields = _fields_in_order(key, language)
    colour_of = dict(zip(fields, FIELD_COLOURS))
    values = {
        name: f'<span foreground="{colour_of[name]}">{FIELD_VALUES[name]}</span>' for name in fields
    }
    text = manim.MarkupText(
        caption(key, language, **values), font=FONT, color="#000000", disable_ligatures=True
    )
    glyphs = sorted(text.submobjects, key=lambda glyph: glyph.get_center()[0])
    colours = [glyph.get_fill_color().to_hex().upper() for glyph in glyphs]
    # Each value's glyphs form one unbroken run on screen.
    runs = [colour for index, colour in enumerate(colours) if index == 0 or colour != colours[index - 1]]
    value_runs = [colour for colour in runs if colour != "#000000"]
    assert sorted(value_runs) == sorted(colour_of.values()), runs
    expected = [colour_of[name] for name in fields]
    assert value_runs == (expected[::-1] if language == "he" else expected)
    # A line that starts with words starts at the reading edge: the right one in Hebrew.
    if CAPTIONS[key][language][0] != "{":
        assert colours[-1 if language == "he" else 0] == "#000000"


@pytest.mark.unit
@pytest.mark.parametrize(("knobs", "message"), [({"language": "fr"}, "unknown language"), ({"theme": "sepia"}, "unknown theme")])
def test_unknown_language_or_theme_is_refused(media_dir, knobs, message):
    variant = type("Unknown", (scenes.RollingDescent,), knobs)
    with tempconfig({**TINY, "media_dir": str(media_dir), "write_to_movie": False}), pytest.raises(ValueError, match=message):
        variant().setup()
