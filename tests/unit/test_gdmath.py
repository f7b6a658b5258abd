"""gdmath reproduces the book's numbers and behaves like the mathematics says."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import warnings

import numpy as np
from numpy.polynomial import Polynomial
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gdmath
from gdmath import (
    ARRIVAL_TOLERANCE,
    BOOK_CURVE,
    DIVERGENCE_BOUND,
    EXAMPLE_LEARNING_RATES,
    MAX_STEPS,
    TWO_VALLEYS,
    Quadratic,
    Valley,
    Regime,
    StopReason,
    book_line,
    book_round,
    book_table,
    classify,
    critical_learning_rates,
    crosses_every_step,
    descend,
    minimum_distances,
    ridges,
    settles,
    spread_starts,
    step_vector,
    steps_to_tolerance,
    tangent_line,
    valley_of,
    valley_reached,
    view_range,
)
from tests.book_code import BOOK_DIR, SHARED_BOOK_DIR, ch09_snippet, ch10_snippet, run_snippet

# --------------------------------------------------------------------------- the book


def test_ch10_program_output_is_reproduced_line_for_line():
    printed = run_snippet(ch10_snippet())
    path = descend(BOOK_CURVE, start=-1, learning_rate=0.1, steps=10)
    ours = [book_line(*row) for row in book_table(path)]
    assert printed[1:] == ours
    assert ours[0] == "1 => x = -0.2  error = 12.24"
    assert ours[1] == "2 => x = 0.44  error = 8.5536"
    assert ours[-1] == "10 => x = 2.5705  error = 2.1845"


def test_ch09_loop_matches_bit_for_bit():
    printed = run_snippet(ch09_snippet())
    path = descend(BOOK_CURVE, start=-1, learning_rate=0.1, steps=5)
    assert printed == [f"Step {k}: x = {float(path.x[k])!r}" for k in range(1, 6)]


def test_vendored_chapters_equal_the_shared_book():
    if not SHARED_BOOK_DIR.is_dir():
        pytest.skip(f"no shared book beside the checkout at {SHARED_BOOK_DIR}")
    for chapter in SHARED_BOOK_DIR.glob("*.md"):
        assert (BOOK_DIR / chapter.name).read_text(encoding="utf-8") == chapter.read_text(encoding="utf-8")


def test_book_curve_draws_what_the_book_plots():
    assert BOOK_CURVE.x_range == (-2.0, 8.0)
    assert BOOK_CURVE.minima == (3.0,)
    assert BOOK_CURVE.label == "(x - 3)^2 + 2"
    xs = np.linspace(-2, 8, 200)
    np.testing.assert_array_equal(BOOK_CURVE.error(xs), (xs - 3) ** 2 + 2)
    np.testing.assert_array_equal(BOOK_CURVE.slope(xs), 2 * (xs - 3))
    assert BOOK_CURVE.error(3) == 2.0 and BOOK_CURVE.slope(3) == 0.0


# --------------------------------------------------------------------------- the result object


def test_result_holds_every_visited_point_and_the_inputs():
    path = descend(BOOK_CURVE, start=-1, learning_rate=0.1, steps=10)
    for array in (path.x, path.error, path.slope):
        assert array.shape == (11,) and array.dtype == np.float64
        assert not array.flags.writeable
    assert path.x[0] == -1.0 and path.slope[0] == -8.0 and path.error[0] == 18.0
    assert (path.start, path.learning_rate, path.steps, path.nit) == (-1.0, 0.1, 10, 10)
    assert path.status is StopReason.COMPLETED and path.success
    assert path.message == "completed all 10 steps"
    with pytest.raises(dataclasses.FrozenInstanceError):
        path.nit = 3  # type: ignore[misc]


def test_steps_shrink_as_the_slope_flattens():
    path = descend(BOOK_CURVE, start=-1, learning_rate=0.1, steps=10)
    moves = np.abs(path.step_sizes)
    assert np.all(np.diff(moves) < 0)
    assert np.all(np.diff(np.abs(path.slope)) < 0)


def test_zero_steps_is_just_the_start():
    path = descend(BOOK_CURVE, start=5.5, learning_rate=0.1, steps=0)
    assert path.x.tolist() == [5.5] and path.nit == 0 and path.success


# --------------------------------------------------------------------------- closed form


quadratics = st.builds(
    Quadratic,
    center=st.floats(-50, 50),
    floor=st.floats(-50, 50),
    curvature=st.floats(0.05, 20),
)


@settings(max_examples=200, deadline=None)
@given(
    curve=quadratics,
    start=st.floats(-100, 100),
    rate_fraction=st.floats(0.001, 0.999),
    steps=st.integers(0, 60),
)
def test_quadratic_path_matches_closed_form(curve, start, rate_fraction, steps):
    # Below the divergence threshold 1/a, the distance to the minimum scales
    # by exactly (1 - 2 a lr) each step: x_k - c = (1 - 2 a lr)^k (x_0 - c).
    learning_rate = rate_fraction / curve.curvature
    path = descend(curve, start, learning_rate, steps)
    k = np.arange(steps + 1)
    expected = curve.center + (1 - 2 * curve.curvature * learning_rate) ** k * (start - curve.center)
    scale = abs(start - curve.center) + abs(curve.center) + 1
    np.testing.assert_allclose(path.x, expected, rtol=0, atol=1e-9 * scale)


@settings(max_examples=100, deadline=None)
@given(curve=quadratics, start=st.floats(-100, 100), steps=st.integers(1, 40))
def test_quadratic_lands_on_minimum_at_one_step_rate(curve, start, steps):
    one_step, _ = critical_learning_rates(curve)
    path = descend(curve, start, one_step, steps)
    scale = abs(start - curve.center) + abs(curve.center) + 1
    np.testing.assert_allclose(path.x[1:], curve.center, rtol=0, atol=1e-9 * scale)


# --------------------------------------------------------------------------- regimes

BOOK_REGIMES = [(0.01, Regime.SLOW), (0.1, Regime.CONVERGING), (1.0, Regime.OSCILLATING), (1.1, Regime.DIVERGING)]


@pytest.mark.parametrize(("learning_rate", "regime"), BOOK_REGIMES)
def test_book_learning_rates_fall_in_their_regimes(learning_rate, regime):
    assert classify(descend(BOOK_CURVE, -1, learning_rate, 10)) is regime
    assert EXAMPLE_LEARNING_RATES[regime] == learning_rate


def test_the_too_large_example_crosses_every_step_and_does_not_settle():
    # Issue 21: lr 0.9 shrank the distance by 0.8 a step, as 0.1 does, and ended where the balanced run ends.
    too_large = descend(BOOK_CURVE, -1, EXAMPLE_LEARNING_RATES[Regime.OSCILLATING], 10)
    balanced = descend(BOOK_CURVE, -1, EXAMPLE_LEARNING_RATES[Regime.CONVERGING], 10)
    distances = minimum_distances(too_large)
    assert too_large.success and crosses_every_step(too_large)
    assert not settles(too_large) and distances[-1] >= 0.5 * distances[0]
    assert classify(too_large) is Regime.OSCILLATING
    # Its last frame differs from the balanced run's by most of the starting distance.
    assert abs(too_large.x[-1] - balanced.x[-1]) > 0.5 * distances[0]
    # The diverging example is a different run: it also crosses every step, but every jump grows.
    diverging = descend(BOOK_CURVE, -1, EXAMPLE_LEARNING_RATES[Regime.DIVERGING], 10)
    assert crosses_every_step(diverging) and np.all(np.diff(minimum_distances(diverging)) > 0)
    assert EXAMPLE_LEARNING_RATES[Regime.OSCILLATING] < EXAMPLE_LEARNING_RATES[Regime.DIVERGING]


def test_the_old_too_large_rate_settled_where_the_balanced_one_lands():
    # Why 0.9 had to go: |1 - 2 lr| is 0.8 for both, so both end 0.4295 from the minimum.
    old, balanced = (descend(BOOK_CURVE, -1, rate, 10) for rate in (0.9, 0.1))
    assert settles(old) and classify(old) is Regime.OSCILLATING
    np.testing.assert_allclose(minimum_distances(old)[-1], minimum_distances(balanced)[-1])


def test_an_end_as_far_as_the_start_is_not_called_diverging():
    # lr 1.0 maps x to 6 - x; from starts that are not whole numbers rounding can add an ulp.
    for start in (0.3, -1.7, 5.9, 123.456):
        path = descend(BOOK_CURVE, start, 1.0, 11)
        assert classify(path) is Regime.OSCILLATING, start


def test_regime_is_a_string_enum():
    assert [str(r) for r in Regime] == ["slow", "converging", "oscillating", "diverging"]
    assert Regime("oscillating") is Regime.OSCILLATING and Regime.SLOW == "slow"


REGIME_BOUNDARIES = [
    # just below the one-step rate 1/(2a): never passes the minimum
    (0.5 - 1e-6, Regime.CONVERGING),
    # just above it: jumps across the minimum
    (0.5 + 1e-6, Regime.OSCILLATING),
    # just below the divergence rate 1/a: overshoots but shrinks
    (1.0 - 1e-3, Regime.OSCILLATING),
    # just above it: every overshoot grows
    (1.0 + 1e-3, Regime.DIVERGING),
]


@pytest.mark.parametrize(("learning_rate", "regime"), REGIME_BOUNDARIES)
def test_regime_boundaries_on_the_book_curve(learning_rate, regime):
    assert critical_learning_rates(BOOK_CURVE) == (0.5, 1.0)
    assert classify(descend(BOOK_CURVE, -1, learning_rate, 10)) is regime


def test_slow_boundary_is_half_the_distance():
    # (1 - 2 lr)^10 = 0.5 at lr = (1 - 0.5**0.1) / 2: just below is slow, above converging.
    threshold = (1 - 0.5**0.1) / 2
    assert classify(descend(BOOK_CURVE, -1, threshold * 0.99, 10)) is Regime.SLOW
    assert classify(descend(BOOK_CURVE, -1, threshold * 1.01, 10)) is Regime.CONVERGING


def test_two_valleys_traps_a_small_step_in_the_shallow_valley():
    shallow, deep = TWO_VALLEYS.minima
    assert TWO_VALLEYS.error(deep) < TWO_VALLEYS.error(shallow)
    np.testing.assert_allclose(TWO_VALLEYS.slope(np.array(TWO_VALLEYS.minima)), 0, atol=1e-9)
    stuck = descend(TWO_VALLEYS, start=-0.5, learning_rate=0.05, steps=200)
    assert stuck.x[-1] == pytest.approx(shallow, abs=1e-6)
    assert classify(stuck) is Regime.CONVERGING
    found = descend(TWO_VALLEYS, start=6.8, learning_rate=0.05, steps=200)
    assert found.x[-1] == pytest.approx(deep, abs=1e-6)


def test_polynomial_slope_is_the_derivative():
    xs = np.linspace(*TWO_VALLEYS.x_range, 50)
    h = 1e-6
    numeric = (TWO_VALLEYS.error(xs + h) - TWO_VALLEYS.error(xs - h)) / (2 * h)
    np.testing.assert_allclose(TWO_VALLEYS.slope(xs), numeric, rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------- divergence


@pytest.mark.parametrize("learning_rate", [1.1, 3.0, 1e3, 1e300])
def test_divergence_stops_at_the_bound_without_inf_nan_or_warnings(learning_rate):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            path = descend(BOOK_CURVE, -1, learning_rate, MAX_STEPS)
    assert path.status is StopReason.DIVERGED and not path.success
    assert path.nit < MAX_STEPS and path.x.shape == (path.nit + 1,)
    assert np.all(np.isfinite(path.x)) and np.all(np.isfinite(path.error)) and np.all(np.isfinite(path.slope))
    assert np.all(np.abs(path.x) <= DIVERGENCE_BOUND)
    assert "diverged" in path.message and f"after {path.nit} steps" in path.message
    assert classify(path) is Regime.DIVERGING


def test_lr_1_1_diverges_within_the_bound_after_68_steps():
    path = descend(BOOK_CURVE, -1, 1.1, 500)
    assert path.nit == 68
    # the next step would have crossed the bound
    assert abs(path.x[-1] - 1.1 * BOOK_CURVE.slope(path.x[-1])) > DIVERGENCE_BOUND


# --------------------------------------------------------------------------- bad arguments

BAD_ARGUMENTS = [
    ({"learning_rate": 0}, "learning rate must be a finite number > 0"),
    ({"learning_rate": -0.1}, "learning rate must be a finite number > 0"),
    ({"learning_rate": math.nan}, "learning rate must be a finite number > 0"),
    ({"learning_rate": math.inf}, "learning rate must be a finite number > 0"),
    ({"learning_rate": "0.1"}, "learning rate must be a finite number > 0"),
    ({"start": math.nan}, "start must be a finite number"),
    ({"start": -math.inf}, "start must be a finite number"),
    ({"start": 1e7}, "start must lie within"),
    ({"steps": -1}, "steps must be between 0 and"),
    ({"steps": MAX_STEPS + 1}, "steps must be between 0 and"),
    ({"steps": 2.5}, "steps must be a whole number"),
    ({"steps": True}, "steps must be a whole number"),
]


@pytest.mark.parametrize(("override", "message"), BAD_ARGUMENTS)
def test_bad_arguments_raise_value_error_in_plain_words(override, message):
    arguments = {"start": -1.0, "learning_rate": 0.1, "steps": 10} | override
    with pytest.raises(ValueError, match=message):
        descend(BOOK_CURVE, **arguments)


def test_quadratic_rejects_a_non_valley():
    with pytest.raises(ValueError, match="curvature must be a finite number > 0"):
        Quadratic(center=0, floor=0, curvature=-1)


# --------------------------------------------------------------------------- drawing helpers


@pytest.mark.parametrize("x", [-2.0, -1.0, 3.0, 4.5, 8.0])
@pytest.mark.parametrize("aspect", [1.0, 0.25])
def test_tangent_touches_the_curve_and_has_the_asked_screen_length(x, aspect):
    line = tangent_line(BOOK_CURVE, x)
    assert line.y == BOOK_CURVE.error(x) and line.slope == BOOK_CURVE.slope(x)
    (x0, y0), (x1, y1) = line.endpoints(2.0, aspect=aspect)
    for px, py in ((x0, y0), (x1, y1)):
        assert py == pytest.approx(line.slope * px + line.intercept)
    assert math.hypot(x1 - x0, (y1 - y0) * aspect) == pytest.approx(2.0)
    assert (x0 + x1) / 2 == pytest.approx(x)


def test_step_vector_is_minus_learning_rate_times_slope():
    path = descend(BOOK_CURVE, -1, 0.1, 10)
    for k in range(path.nit):
        step = step_vector(path, k)
        assert step.delta == -0.1 * path.slope[k]
        assert step.x_from + step.delta == pytest.approx(step.x_to, abs=1e-15)
    with pytest.raises(ValueError, match="step index"):
        step_vector(path, 10)


@pytest.mark.parametrize("learning_rate", [0.1, 0.9, 1.1])
def test_view_range_keeps_the_whole_path_in_sight(learning_rate):
    path = descend(BOOK_CURVE, -1, learning_rate, 10)
    x_lo, x_hi, y_lo, y_hi = view_range(path)
    assert x_lo < path.x.min() and path.x.max() < x_hi
    assert y_lo < path.error.min() and path.error.max() < y_hi
    assert x_lo < BOOK_CURVE.x_range[0] and BOOK_CURVE.x_range[1] < x_hi


def test_book_round_prints_like_python_round():
    assert [book_round(v) for v in (-0.19999999999999996, 12.240000000000002, 2.0, 3.71799)] == [
        "-0.2",
        "12.24",
        "2.0",
        "3.718",
    ]


# --------------------------------------------------------------------------- purity


def test_gdmath_never_imports_manim_or_click():
    code = "import sys, gdmath; bad = {'manim', 'click'} & set(sys.modules); print(sorted(bad))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert set(gdmath.__all__) <= set(dir(gdmath))


# --------------------------------------------------------------------------- where a descent ends up (issue #12)

ARRIVAL_CASES = [(0.01, 297), (0.1, 27), (0.25, 9), (0.5, 1), (0.9, 27)]


@pytest.mark.parametrize(("learning_rate", "expected"), ARRIVAL_CASES)
def test_steps_to_tolerance_matches_the_closed_form(learning_rate, expected):
    # On (x - 3)^2 + 2 the distance to 3 is 4 |1 - 2 lr|^n after n steps from -1.
    closed_form = next(n for n in range(10_000) if 4 * abs(1 - 2 * learning_rate) ** n <= ARRIVAL_TOLERANCE)
    assert steps_to_tolerance(BOOK_CURVE, -1, learning_rate) == closed_form == expected


def test_steps_to_tolerance_counts_only_arrivals_that_stay():
    path = descend(BOOK_CURVE, -1, 0.9, 200)
    arrival = steps_to_tolerance(BOOK_CURVE, -1, 0.9)
    assert np.all(np.abs(path.x[arrival:] - 3) <= ARRIVAL_TOLERANCE)
    assert abs(path.x[arrival - 1] - 3) > ARRIVAL_TOLERANCE


@pytest.mark.parametrize(
    ("learning_rate", "max_steps", "tolerance"), [(1.1, 1000, 0.01), (1.0, 1000, 0.01), (0.01, 296, 0.01), (1e-6, 50, 0.01)]
)
def test_steps_to_tolerance_is_none_when_the_run_never_arrives(learning_rate, max_steps, tolerance):
    assert steps_to_tolerance(BOOK_CURVE, -1, learning_rate, tolerance, max_steps) is None


@pytest.mark.parametrize("tolerance", [0, -0.1, float("nan")])
def test_steps_to_tolerance_refuses_a_tolerance_that_is_not_positive(tolerance):
    with pytest.raises(ValueError, match="tolerance"):
        steps_to_tolerance(BOOK_CURVE, -1, 0.1, tolerance)


def test_steps_to_tolerance_measures_from_the_valley_the_run_settles_in():
    xs = descend(TWO_VALLEYS, 0.0, 0.05, 500).x  # once: the search below would descend again at every n
    assert steps_to_tolerance(TWO_VALLEYS, 0.0, 0.05) == next(
        n for n in range(len(xs)) if np.all(np.abs(xs[n:] - TWO_VALLEYS.minima[0]) <= ARRIVAL_TOLERANCE)
    )


def test_ridge_of_two_valleys_is_the_highest_point_between_them():
    (ridge,) = ridges(TWO_VALLEYS)
    shallow, deep = TWO_VALLEYS.minima
    assert shallow < ridge < deep
    assert TWO_VALLEYS.slope(ridge) == pytest.approx(0, abs=1e-2)
    assert ridges(BOOK_CURVE) == ()


@pytest.mark.parametrize("start", np.linspace(*TWO_VALLEYS.x_range, 33))
def test_small_steps_end_in_the_valley_of_their_start(start):
    # With small steps a ball never climbs the ridge: it ends in the valley it started in.
    path = descend(TWO_VALLEYS, float(start), 0.05, 400)
    reached = valley_reached(path)
    assert reached == valley_of(TWO_VALLEYS, float(start))
    assert path.x[-1] == pytest.approx(reached.x, abs=1e-3)
    assert reached.deepest == bool(start > ridges(TWO_VALLEYS)[0])


def test_valleys_know_which_is_deepest():
    shallow, deep = (valley_of(TWO_VALLEYS, x) for x in TWO_VALLEYS.minima)
    assert (shallow.index, deep.index) == (0, 1)
    assert deep.error < shallow.error and deep.deepest and not shallow.deepest
    assert valley_of(BOOK_CURVE, -100.0) == Valley(index=0, x=3.0, error=2.0, deepest=True)


@pytest.mark.parametrize("through", [-1.0, 0.0, 0.4, 2.85, 5.0, 7.0])
def test_spread_starts_include_the_given_start_and_stay_apart(through):
    starts = spread_starts(TWO_VALLEYS, through)
    spacing = (TWO_VALLEYS.x_range[1] - TWO_VALLEYS.x_range[0]) * 0.75 / 4
    assert through in starts and len(starts) == 5
    assert list(starts) == sorted(starts)
    assert np.all(np.diff(starts) >= spacing / 2 - 1e-12)


def test_spread_starts_needs_two():
    with pytest.raises(ValueError, match="at least 2"):
        spread_starts(TWO_VALLEYS, 0.0, count=1)


def test_a_polynomial_curve_at_a_float_is_numpys_polynomial_bit_for_bit():
    # The descent's scalar fast path (plain-Python Horner) must not move a ball by one ulp.
    polynomial = Polynomial(TWO_VALLEYS.coefficients)
    for x in [*np.linspace(-20.0, 20.0, 4001), 0.0, -0.0, *TWO_VALLEYS.minima, 1e10, -1e-300]:
        for mine, numpys in ((TWO_VALLEYS.error(float(x)), polynomial(x)), (TWO_VALLEYS.slope(float(x)), polynomial.deriv()(x))):
            assert type(mine) is float
            assert mine == numpys and np.signbit(mine) == np.signbit(numpys), x
