"""The ball between the points gdmath visits: glide along the curve, or jump over the valley (issue #17).

Gradient descent never visits the points between ``x`` and ``x - learning_rate * slope``.
A step that stays on one side of the minimum may glide along the curve; a step that
crosses it travels through the air and lands on the other side, so the ball never
passes below the lower of the step's two ends. The probes below sample every ball
many times during each play (manim skips animations in tests and would otherwise
evaluate each play at its end only).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")
from tqdm import tqdm  # noqa: E402  (manim's own progress bar, with nothing shown)

import scenes  # noqa: E402
from gdmath import BOOK_CURVE, EXAMPLE_LEARNING_RATES, Regime, book_round, book_table, crosses_minimum, descend  # noqa: E402
from scenes.captions import caption  # noqa: E402
from tests.render.test_scenes_render import _manim_writes_into_media_dir, render  # noqa: E402,F401  (the fixture keeps manim text in media_dir)

SAMPLES_PER_PLAY: int = 12
"""Times each play is evaluated at; a ball rolling through the bottom is caught well within this."""


class MotionProbe:
    """Mixin: records, for each step, every ball's curve coordinates at many times during each play.

    A subclass names its balls in :meth:`tracked_balls` and the text that
    counts steps in :meth:`step_text`.
    """

    def setup(self):
        super().setup()
        self.current_step = None
        self.samples = {}  # (ball number, step index) -> list of (x, error)
        self.texts = {}  # step index -> list of (step text, moved) while some ball is off its start

    def get_time_progression(self, run_time, description, n_iterations=None, override_skip_animations=False):
        times = np.linspace(0, run_time, SAMPLES_PER_PLAY + 1)[1:]
        return tqdm(times, disable=True)

    def update_to_time(self, t):
        super().update_to_time(t)
        if self.current_step is not None:
            self.sample()

    def sample(self):
        moved = False
        for number, (path, axes, ball) in enumerate(self.tracked_balls()):
            if self.current_step >= path.nit:
                continue
            x, error = axes.point_to_coords(ball.get_center())[:2]
            self.samples.setdefault((number, self.current_step), []).append((x, error))
            moved |= not np.isclose(x, path.x[self.current_step], rtol=0, atol=1e-6)
        if moved:
            self.texts.setdefault(self.current_step, []).append(self.step_text())

    def animate_step(self, index):
        self.current_step = index
        self.sample()
        super().animate_step(index)
        self.current_step = None

    def tracked_balls(self):
        """``(path, axes, ball)`` of every ball the scene moves."""
        return [(self.path, self.axes, self.ball)]

    def step_text(self):
        return None


class RollingMotion(MotionProbe, scenes.RollingDescent):
    pass


class OvershootMotion(MotionProbe, scenes.OvershootingLearningRate):
    def step_text(self):
        return self.readout.original_text


class LocalViewMotion(MotionProbe, scenes.LocalView):
    pass


class ComparisonMotion(MotionProbe, scenes.LearningRateComparison):
    def tracked_balls(self):
        return [(path, panel.axes, ball) for path, panel, ball in zip(self.paths, self.panels, self.balls)]

    def step_text(self):
        return self.counter.original_text


CROSSING_CASES = [
    (RollingMotion, {"learning_rate": 0.9}),
    (OvershootMotion, {}),
    (OvershootMotion, {"learning_rate": 1.1}),
    (ComparisonMotion, {}),
    (LocalViewMotion, {"learning_rate": 0.9}),
]
"""Every scene that descends, each at a learning rate whose steps cross the minimum."""

_RENDERED = {}


def render_motion(probe, media_dir, **knobs):
    key = (probe, tuple(sorted(knobs.items())))
    if key not in _RENDERED:
        _RENDERED[key] = render(probe, media_dir, language="en", theme="light", **knobs)
    return _RENDERED[key]


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("motion-media")


def _steps(scene):
    """``(path, step index, samples)`` for every ball and step the probe saw."""
    paths = [path for path, _, _ in scene.tracked_balls()]
    return [(paths[number], index, np.array(samples)) for (number, index), samples in sorted(scene.samples.items())]


def _case_id(case):
    probe, knobs = case
    return probe.__name__ + "".join(f"-{value}" for value in knobs.values())


@pytest.mark.parametrize(("probe", "knobs"), CROSSING_CASES, ids=map(_case_id, CROSSING_CASES))
def test_a_step_that_crosses_the_minimum_never_dips_below_its_lower_end(media_dir, probe, knobs):
    scene = render_motion(probe, media_dir, **knobs)
    crossings = 0
    for path, index, samples in _steps(scene):
        assert len(samples) >= SAMPLES_PER_PLAY
        floor = min(path.error[index], path.error[index + 1])
        lowest = samples[:, 1].min()
        assert lowest >= floor - 1e-9 * max(1.0, floor), (
            f"lr {path.learning_rate} step {index + 1}: the ball went down to error {lowest:.4f}, "
            f"below both ends of its jump ({path.error[index]:.4f}, {path.error[index + 1]:.4f})"
        )
        # It leaves from where gdmath says and lands where gdmath says.
        np.testing.assert_allclose(samples[0], (path.x[index], path.error[index]), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(samples[-1], (path.x[index + 1], path.error[index + 1]), rtol=1e-9, atol=1e-9)
        crossings += crosses_minimum(path.curve, path.x[index], path.x[index + 1])
    assert crossings >= 5


@pytest.mark.parametrize(("probe", "knobs"), [(RollingMotion, {}), (ComparisonMotion, {}), (LocalViewMotion, {})])
def test_a_step_that_stays_on_one_side_glides_along_the_curve(media_dir, probe, knobs):
    scene = render_motion(probe, media_dir, **knobs)
    glides = 0
    for path, index, samples in _steps(scene):
        if crosses_minimum(path.curve, path.x[index], path.x[index + 1]):
            continue
        glides += 1
        np.testing.assert_allclose(samples[:, 1], path.curve.error(samples[:, 0]), rtol=1e-9, atol=1e-9)
        low, high = sorted((path.x[index], path.x[index + 1]))
        assert np.all((low - 1e-9 <= samples[:, 0]) & (samples[:, 0] <= high + 1e-9))
    assert glides >= 6


def test_comparison_counter_names_the_step_being_taken(media_dir):
    scene = render_motion(ComparisonMotion, media_dir)
    assert sorted(scene.texts) == list(range(scene.steps))
    for index, texts in scene.texts.items():
        assert set(texts) == {caption("comparison.step", "en", step=index + 1, steps=scene.steps)}


@pytest.mark.parametrize("learning_rate", [EXAMPLE_LEARNING_RATES[Regime.OSCILLATING], 1.1])
def test_overshooting_readout_shows_a_step_only_once_the_ball_has_landed(media_dir, learning_rate):
    # Issue 21: the numbers of a step appear when the ball lands, not at take-off; in the air it shows the last landing.
    knobs = {} if learning_rate == EXAMPLE_LEARNING_RATES[Regime.OSCILLATING] else {"learning_rate": learning_rate}
    scene = render_motion(OvershootMotion, media_dir, **knobs)
    path = descend(BOOK_CURVE, -1, learning_rate, 10)
    landings = [(0, book_round(path.x[0]), book_round(path.error[0])), *book_table(path)]
    assert sorted(scene.texts) == list(range(10))
    for index, texts in scene.texts.items():
        step, x, error = landings[index]
        assert set(texts) == {caption("overshooting.readout", "en", step=step, x=x, error=error)}


@pytest.mark.unit
def test_a_jump_over_a_hump_clears_it():
    # Two valleys: a step from the left one into the right one flies over the hump between them.
    from manim import Axes

    from gdmath import TWO_VALLEYS
    from scenes.common import step_point

    axes = Axes(x_range=[-1, 7, 1], y_range=[0, 6, 1], x_length=8, y_length=3)
    x_from, x_to = 0.5, 5.5
    assert crosses_minimum(TWO_VALLEYS, x_from, x_to)
    flight = np.array([axes.p2c(step_point(axes, TWO_VALLEYS, x_from, x_to, alpha)) for alpha in np.linspace(0, 1, 101)])
    assert np.all(flight[1:-1, 1] > TWO_VALLEYS.error(flight[1:-1, 0]))
    assert flight[:, 1].min() >= min(TWO_VALLEYS.error(x_from), TWO_VALLEYS.error(x_to)) - 1e-9
