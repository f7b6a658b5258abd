"""The gdmath helpers added for the scenes: ``follow_view``, ``downhill_direction``, ``crosses_minimum``."""

from __future__ import annotations

import pytest

from gdmath import BOOK_CURVE, TWO_VALLEYS, crosses_minimum, descend, downhill_direction, follow_view, view_range

DOWNHILL_CASES = [
    (BOOK_CURVE, -1.0, 1),
    (BOOK_CURVE, 2.999, 1),
    (BOOK_CURVE, 3.0, 0),
    (BOOK_CURVE, 3.001, -1),
    (BOOK_CURVE, 7.0, -1),
    (TWO_VALLEYS, 0.0, 1),
    (TWO_VALLEYS, 6.5, -1),
]


@pytest.mark.parametrize(("curve", "x", "expected"), DOWNHILL_CASES)
def test_downhill_direction_points_against_the_slope(curve, x, expected):
    assert downhill_direction(curve, x) == expected
    assert isinstance(downhill_direction(curve, x), int)


FLAT_CASES = [
    # slope 2*(x - 3): |slope| < 0.05 is "flat", the readout rounds it to 0.0
    (3.02, 0.05, 0),
    (2.98, 0.05, 0),
    (3.03, 0.05, -1),
    (2.97, 0.05, 1),
    (3.02, 0.0, -1),
]


@pytest.mark.parametrize(("x", "flat_below", "expected"), FLAT_CASES)
def test_downhill_direction_calls_nearly_flat_ground_flat(x, flat_below, expected):
    assert downhill_direction(BOOK_CURVE, x, flat_below=flat_below) == expected


@pytest.mark.parametrize("learning_rate", [0.01, 0.1, 0.9, 1.1])
def test_follow_view_keeps_every_visited_point_in_sight(learning_rate):
    path = descend(BOOK_CURVE, -1, learning_rate, 10)
    previous = None
    for index in range(path.nit + 1):
        x_lo, x_hi, y_lo, y_hi = follow_view(path, index, margin=0.0)
        assert x_lo <= path.x[: index + 1].min() and path.x[: index + 1].max() <= x_hi
        assert y_lo <= path.error[: index + 1].min() and path.error[: index + 1].max() <= y_hi
        if previous is not None:
            # The window only ever grows: the camera never loses what it has shown.
            assert x_lo <= previous[0] and previous[1] <= x_hi and previous[3] <= y_hi
        previous = (x_lo, x_hi, y_lo, y_hi)
    assert follow_view(path, path.nit) == view_range(path)


def test_follow_view_of_the_start_frames_only_the_curve_range():
    path = descend(BOOK_CURVE, -1, 1.1, 10)
    assert follow_view(path, 0, margin=0.0) == (-2.0, 8.0, 2.0, 27.0)


@pytest.mark.parametrize("index", [-1, 11])
def test_follow_view_rejects_points_outside_the_path(index):
    with pytest.raises(ValueError, match="point index"):
        follow_view(descend(BOOK_CURVE, -1, 0.1, 10), index)


CROSSING_CASES = [
    (BOOK_CURVE, -1.0, 6.2, True),  # lr 0.9's first step
    (BOOK_CURVE, 6.2, 0.44, True),
    (BOOK_CURVE, -1.0, -0.2, False),  # lr 0.1's first step
    (BOOK_CURVE, -1.0, 3.0, False),  # lands exactly on the minimum (lr 0.5)
    (BOOK_CURVE, 3.0, 3.0, False),
    (TWO_VALLEYS, 0.5, 5.5, True),  # over both valleys and the hump
    (TWO_VALLEYS, 2.0, 4.0, False),  # over the hump alone: no low ground skipped
]


@pytest.mark.parametrize(("curve", "x_from", "x_to", "expected"), CROSSING_CASES)
def test_crosses_minimum_names_steps_that_skip_a_valley(curve, x_from, x_to, expected):
    assert crosses_minimum(curve, x_from, x_to) is expected
    assert crosses_minimum(curve, x_to, x_from) is expected


@pytest.mark.parametrize("learning_rate", [0.01, 0.1, 0.9, 1.1])
def test_on_the_book_curve_a_crossing_step_is_one_where_the_slope_changes_sign(learning_rate):
    path = descend(BOOK_CURVE, -1, learning_rate, 10)
    for index in range(path.nit):
        flips = path.slope[index] * path.slope[index + 1] < 0
        assert crosses_minimum(BOOK_CURVE, path.x[index], path.x[index + 1]) is bool(flips)
