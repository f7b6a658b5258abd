"""What a scene needs to draw a descent: tangent lines, step vectors, view ranges."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdmath.curves import Curve
from gdmath.descent import DescentResult

__all__ = [
    "START_RANGE_WIDTHS",
    "TangentLine",
    "crosses_minimum",
    "downhill_direction",
    "follow_view",
    "start_range",
    "step_vector",
    "tangent_line",
    "view_range",
]


@dataclass(frozen=True)
class TangentLine:
    """The line touching a curve at ``(x, y)`` with gradient ``slope``."""

    x: float
    y: float
    slope: float

    @property
    def intercept(self) -> float:
        """Where the line meets ``x = 0``."""
        return self.y - self.slope * self.x

    def endpoints(self, length: float, aspect: float = 1.0) -> tuple[tuple[float, float], tuple[float, float]]:
        """Ends of a segment of the line centred on the touching point.

        Parameters
        ----------
        length
            Length of the segment as it will look on screen, in x units.
        aspect
            Screen length of one y unit divided by that of one x unit, so a
            steep tangent is not drawn longer than a flat one.

        Examples
        --------
        >>> TangentLine(x=0.0, y=0.0, slope=0.0).endpoints(2.0)
        ((-1.0, 0.0), (1.0, 0.0))
        """
        half_dx = 0.5 * length / math.hypot(1.0, self.slope * aspect)
        return (
            (self.x - half_dx, self.y - self.slope * half_dx),
            (self.x + half_dx, self.y + self.slope * half_dx),
        )


def tangent_line(curve: Curve, x: float) -> TangentLine:
    """The tangent of ``curve`` at ``x``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, tangent_line
    >>> line = tangent_line(BOOK_CURVE, -1)
    >>> line.slope, line.y, line.intercept
    (-8.0, 18.0, 10.0)
    """
    x = float(x)
    return TangentLine(x=x, y=float(curve.error(x)), slope=float(curve.slope(x)))


@dataclass(frozen=True)
class StepVector:
    """One descent step: from ``x_from`` by ``-learning_rate * slope`` to ``x_to``."""

    index: int
    x_from: float
    x_to: float
    slope: float
    delta: float


def step_vector(path: DescentResult, index: int) -> StepVector:
    """The step taken from point ``index`` to point ``index + 1`` of ``path``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend, step_vector
    >>> step = step_vector(descend(BOOK_CURVE, -1, 0.1, 10), 0)
    >>> step.slope, step.delta, step.x_to
    (-8.0, 0.8, -0.19999999999999996)
    """
    if not 0 <= index < path.nit:
        raise ValueError(f"step index must be between 0 and {path.nit - 1}, got {index}")
    return StepVector(
        index=index,
        x_from=float(path.x[index]),
        x_to=float(path.x[index + 1]),
        slope=float(path.slope[index]),
        delta=float(-path.learning_rate * path.slope[index]),
    )


def view_range(
    path: DescentResult, margin: float = 0.1, include_curve_range: bool = True
) -> tuple[float, float, float, float]:
    """An ``(x_min, x_max, y_min, y_max)`` window that keeps a whole path in sight.

    Parameters
    ----------
    path
        The descent to frame.
    margin
        Extra room on every side, as a fraction of the span.
    include_curve_range
        Also cover the curve's own plot range.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend, view_range
    >>> view_range(descend(BOOK_CURVE, -1, 0.1, 10), margin=0.0)
    (-2.0, 8.0, 2.0, 27.0)
    """
    return _window(path.x, path.error, path.curve, margin, include_curve_range)


def follow_view(
    path: DescentResult, index: int, margin: float = 0.1, include_curve_range: bool = True
) -> tuple[float, float, float, float]:
    """The :func:`view_range` of the first ``index + 1`` points of ``path``.

    A camera that follows the ball moves through these windows, one per
    step, so the ball and everything it has visited stay in sight.

    Parameters
    ----------
    path
        The descent to frame.
    index
        Last point to keep in sight, between 0 and ``path.nit``.
    margin, include_curve_range
        As for :func:`view_range`.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend, follow_view
    >>> path = descend(BOOK_CURVE, -1, 1.1, 10)
    >>> follow_view(path, 0, margin=0.0)
    (-2.0, 8.0, 2.0, 27.0)
    >>> follow_view(path, path.nit) == view_range(path)
    True
    """
    if not 0 <= index <= path.nit:
        raise ValueError(f"point index must be between 0 and {path.nit}, got {index}")
    return _window(path.x[: index + 1], path.error[: index + 1], path.curve, margin, include_curve_range)


START_RANGE_WIDTHS: float = 1.0
"""How far, in widths of a curve's plot range, a start may lie beyond either end of it.

The scenes frame the whole path, so a start far off stretches the axes until
the valley is a flat line: on the book's curve, from about x = 20 (or -30) the
side-by-side panels' tick numbers leave the frame and the step table's columns
run into each other. One width each side, [-12, 18] on the book's curve, stays
clear of that in every scene.
"""


def start_range(curve: Curve, widths: float = START_RANGE_WIDTHS) -> tuple[float, float]:
    """The starts a scene can show sensibly: the curve's plot range widened by ``widths`` of itself on each side.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, start_range
    >>> start_range(BOOK_CURVE)
    (-12.0, 18.0)
    """
    low, high = (float(end) for end in curve.x_range)
    return low - widths * (high - low), high + widths * (high - low)


def _window(
    x: np.ndarray, error: np.ndarray, curve: Curve, margin: float, include_curve_range: bool
) -> tuple[float, float, float, float]:
    """The padded box around the points ``(x, error)`` and the curve between them."""
    xs = np.asarray(x, dtype=np.float64)
    if include_curve_range:
        xs = np.concatenate([xs, curve.x_range])
    x_lo, x_hi = float(xs.min()), float(xs.max())
    samples = np.linspace(x_lo, x_hi, 401)
    ys = np.concatenate([np.asarray(curve.error(samples)), np.asarray(error, dtype=np.float64)])
    y_lo, y_hi = float(ys.min()), float(ys.max())
    x_pad, y_pad = margin * (x_hi - x_lo), margin * (y_hi - y_lo)
    return x_lo - x_pad, x_hi + x_pad, y_lo - y_pad, y_hi + y_pad


def downhill_direction(curve: Curve, x: float, flat_below: float = 0.0) -> int:
    """Which way along x the error falls at ``x``: ``+1``, ``-1``, or ``0`` where flat.

    Gradient descent moves against the slope, so this is the sign of
    ``-curve.slope(x)``.

    Parameters
    ----------
    curve
        The error curve.
    x
        The position.
    flat_below
        Count the ground as flat where ``|slope| < flat_below``: a readout that
        rounds the slope to 0.0 should not sit beside an arrow.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, downhill_direction
    >>> [downhill_direction(BOOK_CURVE, x) for x in (-1.0, 3.0, 7.0)]
    [1, 0, -1]
    >>> downhill_direction(BOOK_CURVE, 3.01), downhill_direction(BOOK_CURVE, 3.01, flat_below=0.05)
    (-1, 0)
    """
    slope = float(curve.slope(x))
    if abs(slope) < flat_below:
        return 0
    return int(-np.sign(slope))


def crosses_minimum(curve: Curve, x_from: float, x_to: float) -> bool:
    """Whether a step from ``x_from`` to ``x_to`` passes over a local minimum of ``curve``.

    Gradient descent visits only the two ends of a step. A step that stays on
    one side of every minimum could have walked down the curve between them; a
    step that passes a minimum skipped the low ground between: it jumped the
    valley, and the slope at its two ends has opposite signs. Landing exactly on
    a minimum is not passing it.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, crosses_minimum
    >>> crosses_minimum(BOOK_CURVE, -1.0, 6.2), crosses_minimum(BOOK_CURVE, -1.0, -0.2)
    (True, False)
    >>> crosses_minimum(BOOK_CURVE, -1.0, 3.0), crosses_minimum(BOOK_CURVE, 7.8, -2.56)
    (False, True)
    """
    low, high = sorted((float(x_from), float(x_to)))
    return any(low < minimum < high for minimum in curve.minima)
