"""Learning-rate regimes: too small, balanced, oscillating and diverging."""

from __future__ import annotations

import enum

import numpy as np
from numpy.typing import NDArray

from gdmath.curves import Quadratic
from gdmath.descent import DescentResult, StopReason

__all__ = [
    "EXAMPLE_LEARNING_RATES",
    "SLOW_REMAINING_FRACTION",
    "Regime",
    "classify",
    "critical_learning_rates",
    "crosses_every_step",
    "distance_trend",
    "minimum_distances",
    "settles",
]

SLOW_REMAINING_FRACTION: float = 0.5
"""A run that still has more than this share of its initial distance to go has not settled (slow, or bouncing)."""

_SAME_DISTANCE_RTOL: float = 1e-9
"""Relative float noise under which an end as far as the start counts as no farther.

At lr 1.0 on the book's curve every step maps ``x`` to ``6 - x``: the run
ends exactly as far as it began, and a rounding error must not call that
diverging."""


class Regime(str, enum.Enum):
    """How a descent behaved, in the book's words (ch. 10).

    ``slow``
        Every step moves toward the minimum without passing it, but after all
        steps more than half of the initial distance is left: the learning
        rate is too small ("progress is frustratingly slow").
    ``converging``
        The run closes most of the distance without jumping over the
        minimum: the balanced learning rate.
    ``oscillating``
        The run jumps across the minimum at least once, yet ends no farther
        than it started: too large, it rolls from side to side (whether it
        settles in the steps shown, :func:`settles` says).
    ``diverging``
        The run ends farther from the minimum than it started, or left the
        divergence bound: too large, every jump overshoots more.
    """

    SLOW = "slow"
    CONVERGING = "converging"
    OSCILLATING = "oscillating"
    DIVERGING = "diverging"

    def __str__(self) -> str:
        return self.value


EXAMPLE_LEARNING_RATES: dict[Regime, float] = {
    Regime.SLOW: 0.01,
    Regime.CONVERGING: 0.1,
    # At 1.0 each step maps x to 6 - x: the ball bounces between -1 and 7 for ever, every step crossing
    # the minimum and none getting closer, as the book's "rolls from side to side without settling".
    # (0.9 shrinks the distance by 0.8 a step, as 0.1 does: after 10 steps both land on x = 2.5705.)
    Regime.OSCILLATING: 1.0,
    Regime.DIVERGING: 1.1,
}
"""One learning rate per regime on the book's curve, 10 steps from x = -1.

The too-large example (``OSCILLATING``) crosses the minimum on every step and
does not settle (:func:`settles` is false); the diverging one flies off."""


def minimum_distances(path: DescentResult) -> NDArray[np.float64]:
    """Distance of every point of ``path`` to the curve's minimum nearest to where it ended.

    A run stuck in the shallow valley of a two-valley curve is measured to that valley.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> minimum_distances(descend(BOOK_CURVE, -1, 1.0, 2)).tolist()
    [4.0, 4.0, 4.0]
    """
    distances: NDArray[np.float64] = np.abs(_offsets(path))
    return distances


def _offsets(path: DescentResult) -> NDArray[np.float64]:
    """Signed ``x - minimum`` of every point, to the minimum nearest to where the path ended."""
    minima = np.asarray(path.curve.minima, dtype=np.float64)
    offsets: NDArray[np.float64] = path.x - minima[np.argmin(np.abs(minima - path.x[-1]))]
    return offsets


def crosses_every_step(path: DescentResult) -> bool:
    """True when every step of ``path`` lands on the other side of the minimum it started on.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> crosses_every_step(descend(BOOK_CURVE, -1, 1.0, 10)), crosses_every_step(descend(BOOK_CURVE, -1, 0.1, 10))
    (True, False)
    """
    offsets = _offsets(path)
    return path.nit > 0 and bool(np.all(offsets[:-1] * offsets[1:] < 0))


def distance_trend(path: DescentResult) -> str:
    """How the distance to the minimum changes from landing to landing: ``"same"``, ``"growing"`` or ``"shrinking"``.

    ``"same"`` when every landing is as far as the start (within float noise),
    ``"growing"`` when each is farther than the one before, else ``"shrinking"``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> [distance_trend(descend(BOOK_CURVE, -1, lr, 10)) for lr in (0.9, 1.0, 1.1)]
    ['shrinking', 'same', 'growing']
    """
    distances = minimum_distances(path)
    if np.allclose(distances, distances[0], rtol=_SAME_DISTANCE_RTOL, atol=0):
        return "same"
    if path.nit > 0 and np.all(np.diff(distances) > 0):
        return "growing"
    return "shrinking"


def settles(path: DescentResult) -> bool:
    """True when ``path`` ends within :data:`SLOW_REMAINING_FRACTION` of its starting distance to the minimum.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> [settles(descend(BOOK_CURVE, -1, lr, 10)) for lr in (0.01, 0.1, 0.9, 1.0)]
    [False, True, True, False]
    """
    distances = minimum_distances(path)
    return bool(distances[-1] <= SLOW_REMAINING_FRACTION * distances[0])


def classify(path: DescentResult) -> Regime:
    """Name the regime of a descent path.

    Distances are measured to the curve's local minimum nearest to where the
    path ended, so a run stuck in the shallow valley of a two-valley curve is
    judged against that valley.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend, classify
    >>> [str(classify(descend(BOOK_CURVE, -1, lr, 10))) for lr in (0.01, 0.1, 0.9, 1.0, 1.1)]
    ['slow', 'converging', 'oscillating', 'oscillating', 'diverging']
    """
    if path.status is StopReason.DIVERGED:
        return Regime.DIVERGING
    distances = minimum_distances(path)
    initial, final = distances[0], distances[-1]
    if final > initial * (1 + _SAME_DISTANCE_RTOL):
        return Regime.DIVERGING
    offsets = _offsets(path)
    crossed = np.any(offsets[:-1] * offsets[1:] < 0)
    if crossed:
        return Regime.OSCILLATING
    if initial > 0 and final > SLOW_REMAINING_FRACTION * initial:
        return Regime.SLOW
    return Regime.CONVERGING


def critical_learning_rates(curve: Quadratic) -> tuple[float, float]:
    """Learning rates where a quadratic's behaviour changes.

    On ``a (x - c)^2 + d`` each step multiplies the distance to ``c`` by
    ``1 - 2 a lr``: below ``1 / (2a)`` the path never passes the minimum, at
    ``1 / (2a)`` it lands on it in one step, above it overshoots, and beyond
    ``1 / a`` every overshoot grows.

    Returns
    -------
    tuple of float
        ``(one_step, divergence)`` = ``(1 / (2a), 1 / a)``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, critical_learning_rates
    >>> critical_learning_rates(BOOK_CURVE)
    (0.5, 1.0)
    """
    return 1 / (2 * curve.curvature), 1 / curve.curvature
