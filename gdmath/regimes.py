"""Learning-rate regimes: too small, balanced, oscillating and diverging."""

from __future__ import annotations

import enum

import numpy as np

from gdmath.curves import Quadratic
from gdmath.descent import DescentResult, StopReason

__all__ = ["EXAMPLE_LEARNING_RATES", "SLOW_REMAINING_FRACTION", "Regime", "classify", "critical_learning_rates"]

SLOW_REMAINING_FRACTION: float = 0.5
"""A run that still has more than this share of its initial distance to go is slow."""


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
        The run jumps across the minimum at least once, yet ends closer than
        it started: too large, it zig-zags and settles slowly.
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
    Regime.OSCILLATING: 0.9,
    Regime.DIVERGING: 1.1,
}
"""One learning rate per regime on the book's curve, 10 steps from x = -1."""


def classify(path: DescentResult) -> Regime:
    """Name the regime of a descent path.

    Distances are measured to the curve's local minimum nearest to where the
    path ended, so a run stuck in the shallow valley of a two-valley curve is
    judged against that valley.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend, classify
    >>> [str(classify(descend(BOOK_CURVE, -1, lr, 10))) for lr in (0.01, 0.1, 0.9, 1.1)]
    ['slow', 'converging', 'oscillating', 'diverging']
    """
    if path.status is StopReason.DIVERGED:
        return Regime.DIVERGING
    minima = np.asarray(path.curve.minima, dtype=np.float64)
    target = minima[np.argmin(np.abs(minima - path.x[-1]))]
    offsets = path.x - target
    initial, final = abs(offsets[0]), abs(offsets[-1])
    if final > initial:
        return Regime.DIVERGING
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
