"""Gradient descent exactly as the book writes it: ``x = x - learning_rate * slope``."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gdmath.curves import Curve

__all__ = [
    "DIVERGENCE_BOUND",
    "MAX_STEPS",
    "DescentResult",
    "StopReason",
    "descend",
    "validate_descent_args",
]

MAX_STEPS: int = 100_000
"""Largest number of steps :func:`descend` accepts; more is a mistake, not a lesson."""

DIVERGENCE_BOUND: float = 1e6
"""A run stops once ``|x|`` exceeds this, long before floats overflow."""


class StopReason(enum.Enum):
    """Why a descent stopped; each carries its user-facing message."""

    COMPLETED = "completed all {steps} steps"
    DIVERGED = "diverged: |x| left the bound {bound:g} after {nit} steps"

    def describe(self, *, steps: int, nit: int, bound: float) -> str:
        return self.value.format(steps=steps, nit=nit, bound=bound)


@dataclass(frozen=True)
class DescentResult:
    """The path of one gradient-descent run, in the spirit of SciPy's ``OptimizeResult``.

    Attributes
    ----------
    x, error, slope
        Read-only float64 arrays with the position, error and slope at every
        visited point, the start included: ``nit + 1`` entries.
    curve
        The curve that was descended.
    start, learning_rate, steps
        The inputs; ``steps`` is what was asked for.
    nit
        Steps actually taken; less than ``steps`` only when the run diverged.
    status
        Why the run stopped.
    message
        ``status`` in words.
    """

    x: NDArray[np.float64]
    error: NDArray[np.float64]
    slope: NDArray[np.float64]
    curve: Curve
    start: float
    learning_rate: float
    steps: int
    nit: int
    status: StopReason
    message: str

    @property
    def success(self) -> bool:
        """True when every requested step was taken without diverging."""
        return self.status is StopReason.COMPLETED

    @property
    def step_sizes(self) -> NDArray[np.float64]:
        """The moves ``x[k+1] - x[k]``, one per step taken."""
        return np.diff(self.x)


def validate_descent_args(start: float, learning_rate: float, steps: int) -> None:
    """Raise ``ValueError`` with a plain-words message for unusable arguments.

    Examples
    --------
    >>> validate_descent_args(-1, 0.1, 10)
    >>> validate_descent_args(-1, 0, 10)
    Traceback (most recent call last):
    ...
    ValueError: learning rate must be a finite number > 0, got 0
    """
    if not _is_real_number(learning_rate) or not math.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {learning_rate!r}")
    if not _is_real_number(start) or not math.isfinite(start):
        raise ValueError(f"start must be a finite number, got {start!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise ValueError(f"steps must be a whole number, got {steps!r}")
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {steps}")
    if abs(start) > DIVERGENCE_BOUND:
        raise ValueError(f"start must lie within ±{DIVERGENCE_BOUND:g}, got {start!r}")


def _is_real_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def descend(curve: Curve, start: float, learning_rate: float, steps: int) -> DescentResult:
    """Run ``steps`` steps of gradient descent on ``curve`` from ``start``.

    Each step is the book's loop body, ``slope = curve.slope(x)`` then
    ``x = x - learning_rate * slope``, in plain float64 arithmetic, so the
    numbers are bit-for-bit what the book's code prints.

    Parameters
    ----------
    curve
        The error curve to descend.
    start
        Starting position.
    learning_rate
        Step size multiplier; finite and > 0.
    steps
        Number of steps, between 0 and :data:`MAX_STEPS`.

    Returns
    -------
    DescentResult
        The visited points. A run whose ``|x|`` would exceed
        :data:`DIVERGENCE_BOUND` stops there, with ``status`` ``DIVERGED``; it
        never holds inf or NaN.

    Raises
    ------
    ValueError
        If an argument is unusable (see :func:`validate_descent_args`).

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> path = descend(BOOK_CURVE, start=-1, learning_rate=0.1, steps=10)
    >>> path.nit, path.success, path.x.shape
    (10, True, (11,))
    >>> float(path.x[1]), float(path.error[1])
    (-0.19999999999999996, 12.240000000000002)
    >>> round(float(path.x[-1]), 4), round(float(path.error[-1]), 4)
    (2.5705, 2.1845)
    >>> descend(BOOK_CURVE, -1, 1.1, 200).message
    'diverged: |x| left the bound 1e+06 after 68 steps'
    """
    validate_descent_args(start, learning_rate, steps)
    x = float(start)
    learning_rate = float(learning_rate)
    xs = [x]
    status = StopReason.COMPLETED
    slope = curve.slope  # looked up once: the loop runs up to MAX_STEPS times
    for _ in range(steps):
        candidate = x - learning_rate * float(slope(x))  # a float in, a float out: float() tells mypy so
        if not math.isfinite(candidate) or abs(candidate) > DIVERGENCE_BOUND:
            status = StopReason.DIVERGED
            break
        x = candidate
        xs.append(x)
    positions = np.array(xs, dtype=np.float64)
    nit = len(xs) - 1
    return DescentResult(
        x=_read_only(positions),
        error=_read_only(np.asarray(curve.error(positions), dtype=np.float64)),
        slope=_read_only(np.asarray(curve.slope(positions), dtype=np.float64)),
        curve=curve,
        start=float(start),
        learning_rate=learning_rate,
        steps=int(steps),
        nit=nit,
        status=status,
        message=status.describe(steps=steps, nit=nit, bound=DIVERGENCE_BOUND),
    )


def _read_only(array: NDArray[np.float64]) -> NDArray[np.float64]:
    array.flags.writeable = False
    return array
