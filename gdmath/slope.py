"""Ch. 9 in numbers: slope as rise over run, and what its size says about the distance to the minimum."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdmath.curves import Curve

__all__ = [
    "Secant",
    "SlopeSample",
    "nearest_minimum",
    "secant",
    "secant_slope",
    "slope_survey",
]


@dataclass(frozen=True)
class Secant:
    """The straight line through two points of a curve, read from left to right.

    Attributes
    ----------
    x_left, x_right
        Positions of the two points, ``x_left < x_right``.
    error_left, error_right
        The error at each.
    """

    x_left: float
    x_right: float
    error_left: float
    error_right: float

    @property
    def run(self) -> float:
        """How far right the line goes between the points (always > 0)."""
        return self.x_right - self.x_left

    @property
    def rise(self) -> float:
        """How much the error changes over the run; negative where the error falls."""
        return self.error_right - self.error_left

    @property
    def slope(self) -> float:
        """``rise / run``: the change in error per unit moved right."""
        return self.rise / self.run


def secant(curve: Curve, x: float, h: float) -> Secant:
    """The secant of ``curve`` through ``x`` and ``x + h``; ``h`` may be negative, not zero.

    Parameters
    ----------
    curve
        The error curve.
    x
        The point the slope is wanted at.
    h
        Where the second point is, relative to ``x``.

    Raises
    ------
    ValueError
        If ``h`` is zero or not finite: two points must be apart.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, secant
    >>> line = secant(BOOK_CURVE, -1.0, 3.0)
    >>> line.run, line.rise, line.slope
    (3.0, -15.0, -5.0)
    >>> secant(BOOK_CURVE, 7.0, -3.0).x_left
    4.0
    """
    if not np.isfinite(h) or h == 0:
        raise ValueError(f"the two points must be apart: h must be a finite number other than 0, got {h!r}")
    x_left, x_right = sorted((float(x), float(x) + float(h)))
    return Secant(x_left, x_right, float(curve.error(x_left)), float(curve.error(x_right)))


def secant_slope(curve: Curve, x: float, h: float) -> float:
    """Rise over run between ``x`` and ``x + h``: as ``h`` shrinks, the slope at ``x``.

    On the book's curve the secant's slope is exactly ``2 (x - 3) + h``, so it
    misses the slope by ``h``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, secant_slope
    >>> [secant_slope(BOOK_CURVE, -1.0, h) for h in (3.0, 1.0, 0.5)]
    [-5.0, -7.0, -7.5]
    >>> round(secant_slope(BOOK_CURVE, -1.0, 1e-6), 4), float(BOOK_CURVE.slope(-1.0))
    (-8.0, -8.0)
    """
    return secant(curve, x, h).slope


def nearest_minimum(curve: Curve, x: float) -> float:
    """The local minimum of ``curve`` closest to ``x``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, TWO_VALLEYS, nearest_minimum
    >>> nearest_minimum(BOOK_CURVE, -1.0), round(nearest_minimum(TWO_VALLEYS, 4.0), 3)
    (3.0, 5.071)
    """
    minima = np.asarray(curve.minima, dtype=np.float64)
    return float(minima[np.argmin(np.abs(minima - x))])


@dataclass(frozen=True)
class SlopeSample:
    """The slope at one position, set beside how far the minimum is and the step it asks for.

    Attributes
    ----------
    x, error, slope
        The position, the error and the slope there.
    minimum
        The nearest local minimum.
    step
        ``-learning_rate * slope``: the move gradient descent makes from here.
    """

    x: float
    error: float
    slope: float
    minimum: float
    step: float

    @property
    def distance(self) -> float:
        """How far the minimum is, ``|x - minimum|``."""
        return abs(self.x - self.minimum)


def slope_survey(curve: Curve, start: float, learning_rate: float, count: int = 5) -> list[SlopeSample]:
    """The slope at ``count`` evenly spaced positions from ``start`` to its mirror image across the minimum.

    A start on the minimum itself is surveyed across half the curve's plot range, from the left.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, slope_survey
    >>> survey = slope_survey(BOOK_CURVE, -1.0, 0.1)
    >>> [(s.x, s.slope, s.distance, round(s.step, 4)) for s in survey]  # doctest: +NORMALIZE_WHITESPACE
    [(-1.0, -8.0, 4.0, 0.8), (1.0, -4.0, 2.0, 0.4), (3.0, 0.0, 0.0, 0.0),
     (5.0, 4.0, 2.0, -0.4), (7.0, 8.0, 4.0, -0.8)]
    """
    if count < 2:
        raise ValueError(f"a survey needs at least 2 positions, got {count}")
    minimum = nearest_minimum(curve, start)
    first = float(start) if start != minimum else minimum - 0.25 * (curve.x_range[1] - curve.x_range[0])
    samples = []
    for x in np.linspace(first, 2 * minimum - first, count):
        x = float(x)
        slope = float(curve.slope(x))
        # 0.0 - …: a flat spot asks for a step of 0.0, not -0.0.
        samples.append(SlopeSample(x, float(curve.error(x)), slope, minimum, 0.0 - learning_rate * slope))
    return samples
