"""What a scene needs to draw a descent: tangent lines, step vectors, view ranges."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdmath.curves import Curve
from gdmath.descent import DescentResult

__all__ = ["TangentLine", "step_vector", "tangent_line", "view_range"]


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
    xs = np.asarray(path.x, dtype=np.float64)
    if include_curve_range:
        xs = np.concatenate([xs, path.curve.x_range])
    x_lo, x_hi = float(xs.min()), float(xs.max())
    samples = np.linspace(x_lo, x_hi, 401)
    ys = np.concatenate([np.asarray(path.curve.error(samples)), path.error])
    y_lo, y_hi = float(ys.min()), float(ys.max())
    x_pad, y_pad = margin * (x_hi - x_lo), margin * (y_hi - y_lo)
    return x_lo - x_pad, x_hi + x_pad, y_lo - y_pad, y_hi + y_pad
