"""Where a descent ends up: how many steps it needs to arrive, and which valley it settles in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from gdmath.curves import Curve
from gdmath.descent import MAX_STEPS, DescentResult, StopReason, descend

__all__ = [
    "ARRIVAL_TOLERANCE",
    "Valley",
    "ridges",
    "spread_starts",
    "steps_to_tolerance",
    "valley_of",
    "valley_reached",
]

ARRIVAL_TOLERANCE: float = 0.01
"""How close to the minimum, in x, a descent must stay to count as arrived."""


def steps_to_tolerance(
    curve: Curve,
    start: float,
    learning_rate: float,
    tolerance: float = ARRIVAL_TOLERANCE,
    max_steps: int = MAX_STEPS,
) -> int | None:
    """How many steps a descent needs to come, and stay, within ``tolerance`` of its minimum.

    The minimum is the curve's local minimum nearest to where a run of
    ``max_steps`` steps ends, so on a curve with several valleys the count is
    for the valley the run settles in.

    Parameters
    ----------
    curve, start, learning_rate
        The descent, as for :func:`~gdmath.descend`.
    tolerance
        Largest distance in x from the minimum that counts as arrived; > 0.
    max_steps
        Give up after this many steps.

    Returns
    -------
    int or None
        The smallest ``k`` such that every point from step ``k`` on (up to
        ``max_steps``) lies within ``tolerance``; ``None`` if the run
        diverged or is not within ``tolerance`` after ``max_steps``.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE
    >>> steps_to_tolerance(BOOK_CURVE, -1, 0.01), steps_to_tolerance(BOOK_CURVE, -1, 0.1)
    (297, 27)
    >>> steps_to_tolerance(BOOK_CURVE, -1, 0.01, max_steps=100) is None
    True
    >>> steps_to_tolerance(BOOK_CURVE, 3.0, 0.1)
    0
    """
    if not tolerance > 0:
        raise ValueError(f"tolerance must be a number > 0, got {tolerance!r}")
    path = descend(curve, start, learning_rate, max_steps)
    if path.status is StopReason.DIVERGED:
        return None
    minima = np.asarray(curve.minima, dtype=np.float64)
    target = minima[np.argmin(np.abs(minima - path.x[-1]))]
    outside = np.flatnonzero(np.abs(path.x - target) > tolerance)
    if outside.size == 0:
        return 0
    if outside[-1] == path.nit:
        return None
    return int(outside[-1]) + 1


@dataclass(frozen=True)
class Valley:
    """One valley of an error curve.

    Attributes
    ----------
    index
        Position among the curve's minima, left to right, from 0.
    x, error
        The valley's lowest point.
    deepest
        Whether no other valley of the curve goes lower.
    """

    index: int
    x: float
    error: float
    deepest: bool


def ridges(curve: Curve, samples: int = 2001) -> tuple[float, ...]:
    """The highest point between each pair of neighbouring minima: where one valley ends and the next begins.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, TWO_VALLEYS
    >>> ridges(BOOK_CURVE), [round(x, 2) for x in ridges(TWO_VALLEYS)]
    ((), [2.85])
    """
    minima = curve.minima
    tops = []
    for left, right in itertools.pairwise(minima):
        xs = np.linspace(left, right, samples)
        tops.append(float(xs[np.argmax(curve.error(xs))]))
    return tuple(tops)


def valley_of(curve: Curve, x: float) -> Valley:
    """The valley of ``curve`` that position ``x`` lies in (between the ridges on either side).

    Examples
    --------
    >>> from gdmath import TWO_VALLEYS
    >>> [valley_of(TWO_VALLEYS, x).deepest for x in (0.0, 2.5, 3.0, 6.5)]
    [False, False, True, True]
    """
    minima = curve.minima
    index = int(np.searchsorted(ridges(curve), float(x)))
    errors = [float(curve.error(m)) for m in minima]
    return Valley(index=index, x=float(minima[index]), error=errors[index], deepest=errors[index] == min(errors))


def valley_reached(path: DescentResult) -> Valley:
    """The valley a descent ended in.

    Examples
    --------
    >>> from gdmath import TWO_VALLEYS, descend
    >>> valley_reached(descend(TWO_VALLEYS, 0.0, 0.05, 60)).deepest
    False
    >>> valley_reached(descend(TWO_VALLEYS, 4.5, 0.05, 60)).deepest
    True
    """
    return valley_of(path.curve, float(path.x[-1]))


def spread_starts(curve: Curve, through: float, count: int = 5, inset: float = 0.125) -> tuple[float, ...]:
    """``count`` starts evenly spread over ``curve.x_range``, the one nearest ``through`` moved onto it.

    The starts span the plot range less ``inset`` of its width at each end,
    where the walls are steepest. Replacing the nearest start (rather than
    adding one) keeps every pair at least half a spacing apart.

    Examples
    --------
    >>> from gdmath import TWO_VALLEYS
    >>> spread_starts(TWO_VALLEYS, through=0.0)
    (0.0, 1.5, 3.0, 4.5, 6.0)
    >>> spread_starts(TWO_VALLEYS, through=5.0)
    (0.0, 1.5, 3.0, 5.0, 6.0)
    """
    if count < 2:
        raise ValueError(f"count must be at least 2, got {count}")
    low, high = (float(end) for end in curve.x_range)
    starts = np.linspace(low + inset * (high - low), high - inset * (high - low), count)
    starts[np.argmin(np.abs(starts - through))] = float(through)
    return tuple(float(s) for s in np.sort(starts))
