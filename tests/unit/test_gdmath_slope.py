"""Ch. 9 in numbers (``gdmath.slope``): rise over run becomes the slope; the slope's size says how far."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdmath import BOOK_CURVE, TWO_VALLEYS, Quadratic, nearest_minimum, secant, secant_slope, slope_survey


@given(
    x=st.floats(-12, 18),
    h=st.floats(-3, 3).filter(lambda h: abs(h) > 1e-3),
    curvature=st.sampled_from([0.5, 1.0, 2.0]),
)
def test_on_a_quadratic_rise_over_run_misses_the_slope_by_exactly_curvature_times_run(x, h, curvature):
    # (a(x+h-c)^2 - a(x-c)^2) / h = 2a(x - c) + a h: the secant's error shrinks in step with the run.
    curve = Quadratic(center=3.0, floor=2.0, curvature=curvature)
    np.testing.assert_allclose(secant_slope(curve, x, h), curve.slope(x) + curvature * h, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("curve", [BOOK_CURVE, TWO_VALLEYS], ids=["book", "two-valleys"])
@pytest.mark.parametrize("x", [-1.0, 0.5, 2.0, 4.5, 6.0])
def test_rise_over_run_converges_on_the_slope_as_the_run_shrinks(curve, x):
    runs = [0.1, 0.01, 1e-3, 1e-4]  # small enough that the first-order term rules on two valleys too
    misses = [abs(secant_slope(curve, x, h) - curve.slope(x)) for h in runs]
    assert all(later < earlier for earlier, later in itertools.pairwise(misses))
    assert misses[-1] < 2e-3
    # From either side: a run to the left converges on the same slope.
    assert secant_slope(curve, x, -1e-4) == pytest.approx(float(curve.slope(x)), abs=2e-3)


def test_secant_reads_left_to_right_with_a_positive_run():
    line = secant(BOOK_CURVE, 7.0, -3.0)
    assert (line.x_left, line.x_right, line.run) == (4.0, 7.0, 3.0)
    assert (line.error_left, line.error_right, line.rise, line.slope) == (3.0, 18.0, 15.0, 5.0)


@pytest.mark.parametrize("h", [0.0, float("nan"), float("inf")])
def test_secant_needs_two_points_apart(h):
    with pytest.raises(ValueError, match="must be apart"):
        secant(BOOK_CURVE, 1.0, h)


@pytest.mark.parametrize("start", [-12.0, -1.0, 2.5, 7.0, 18.0])
def test_survey_on_the_book_curve_says_steeper_means_farther(start):
    survey = slope_survey(BOOK_CURVE, start, 0.25)
    assert survey[0].x == start and len(survey) == 5
    for sample in survey:
        # The chapter's claim, exact on the book's curve: the slope's size is twice the distance.
        assert abs(sample.slope) == pytest.approx(2 * sample.distance)
        assert sample.step == -0.25 * sample.slope
        assert np.sign(sample.slope) == np.sign(sample.x - 3.0)  # negative left of the minimum, positive right
    middle = survey[2]
    assert (middle.x, middle.slope, middle.step) == (3.0, 0.0, 0.0) and str(middle.step) == "0.0"
    assert [s.distance for s in survey] == pytest.approx([s.distance for s in reversed(survey)])


def test_survey_of_a_start_on_the_minimum_spans_half_the_plot():
    assert [s.x for s in slope_survey(BOOK_CURVE, 3.0, 0.1)] == [0.5, 1.75, 3.0, 4.25, 5.5]
    with pytest.raises(ValueError, match="at least 2"):
        slope_survey(BOOK_CURVE, -1.0, 0.1, count=1)


def test_nearest_minimum_picks_the_closer_valley():
    left, right = TWO_VALLEYS.minima
    assert nearest_minimum(TWO_VALLEYS, 0.0) == left and nearest_minimum(TWO_VALLEYS, 6.0) == right
    assert nearest_minimum(BOOK_CURVE, 100.0) == 3.0
