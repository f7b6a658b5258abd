"""Error curves: the value of the error at a position, and its slope there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.polynomial import Polynomial
from numpy.typing import ArrayLike, NDArray

__all__ = ["BOOK_CURVE", "TWO_VALLEYS", "Curve", "PolynomialCurve", "Quadratic"]

FloatOrArray = float | NDArray[np.float64]


@runtime_checkable
class Curve(Protocol):
    """What every error curve offers to the descent and to the scenes.

    Attributes
    ----------
    name
        Short identifier, e.g. ``"book"``.
    label
        LaTeX formula of the error, for an on-screen label.
    x_range
        ``(x_min, x_max)`` that shows the interesting part of the curve.
    minima
        Positions of the local minima, sorted, as a tuple of floats.
    """

    # Read-only, as the frozen dataclasses that implement it hold them.
    @property
    def name(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def x_range(self) -> tuple[float, float]: ...

    @property
    def minima(self) -> tuple[float, ...]: ...

    def error(self, x: ArrayLike) -> FloatOrArray: ...

    def slope(self, x: ArrayLike) -> FloatOrArray: ...


def _as_float_or_array(x: ArrayLike) -> FloatOrArray:
    """Return a Python float for a scalar, a float64 array otherwise."""
    if isinstance(x, (float, int)):
        # The descent loop's case, once per step: skip NumPy's dispatch, which costs ~1 µs a call.
        return float(x)
    array = np.asarray(x, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


@dataclass(frozen=True)
class Quadratic:
    """The U-shaped error ``a * (x - center)**2 + floor``.

    With ``a = 1`` the arithmetic is exactly the book's, ``(x - 3)**2 + 2``
    and ``2*(x - 3)``, so every printed number matches bit for bit.

    Parameters
    ----------
    center
        Position of the minimum.
    floor
        Error at the minimum.
    curvature
        The coefficient ``a``; must be positive so the curve is a valley.
    x_range
        Plot range ``(x_min, x_max)``.
    name, label
        Identifier and LaTeX formula.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE
    >>> BOOK_CURVE.error(-1), BOOK_CURVE.slope(-1)
    (18.0, -8.0)
    >>> BOOK_CURVE.minima
    (3.0,)
    >>> BOOK_CURVE.slope([2.0, 3.0, 4.0])
    array([-2.,  0.,  2.])
    """

    center: float
    floor: float
    curvature: float = 1.0
    x_range: tuple[float, float] = (-2.0, 8.0)
    name: str = "quadratic"
    label: str = ""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.curvature) and self.curvature > 0):
            raise ValueError(f"curvature must be a finite number > 0, got {self.curvature!r}")
        if not self.label:
            object.__setattr__(self, "label", _quadratic_label(self))

    @property
    def minima(self) -> tuple[float, ...]:
        return (float(self.center),)

    def error(self, x: ArrayLike) -> FloatOrArray:
        x = _as_float_or_array(x)
        if self.curvature == 1.0:
            return (x - self.center) ** 2 + self.floor
        return self.curvature * (x - self.center) ** 2 + self.floor

    def slope(self, x: ArrayLike) -> FloatOrArray:
        x = _as_float_or_array(x)
        return 2 * self.curvature * (x - self.center)


def _quadratic_label(curve: Quadratic) -> str:
    """LaTeX for ``a (x - c)^2 + d``, dropping a unit coefficient."""
    coefficient = "" if curve.curvature == 1 else f"{curve.curvature:g}"
    shift = f"x - {curve.center:g}" if curve.center >= 0 else f"x + {-curve.center:g}"
    return f"{coefficient}({shift})^2 + {curve.floor:g}"


@dataclass(frozen=True)
class PolynomialCurve:
    """An error curve given by polynomial coefficients, lowest degree first.

    Used for non-convex curves with more than one valley, where a descent
    can get stuck in the shallower one.

    Examples
    --------
    >>> from gdmath import TWO_VALLEYS
    >>> [round(m, 3) for m in TWO_VALLEYS.minima]
    [1.08, 5.071]
    >>> TWO_VALLEYS.error(5.071) < TWO_VALLEYS.error(1.08)
    True
    """

    coefficients: tuple[float, ...]
    x_range: tuple[float, float]
    name: str
    label: str
    _polynomial: Polynomial = field(init=False, repr=False, compare=False)
    _derivative: Polynomial = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_polynomial", Polynomial(self.coefficients))
        object.__setattr__(self, "_derivative", self._polynomial.deriv())

    @property
    def minima(self) -> tuple[float, ...]:
        derivative = self._polynomial.deriv()
        second = derivative.deriv()
        roots = derivative.roots()
        real = sorted(float(r.real) for r in roots if abs(r.imag) < 1e-9)
        return tuple(r for r in real if second(r) > 0)

    def error(self, x: ArrayLike) -> FloatOrArray:
        return _evaluate(self._polynomial, _as_float_or_array(x))

    def slope(self, x: ArrayLike) -> FloatOrArray:
        return _evaluate(self._derivative, _as_float_or_array(x))


def _evaluate(polynomial: Polynomial, x: FloatOrArray) -> FloatOrArray:
    """``polynomial(x)``; for a float, the same Horner steps as NumPy's ``polyval`` in plain Python.

    A descent evaluates one float per step, up to :data:`gdmath.MAX_STEPS` of them, where NumPy's
    per-call overhead is most of the time. The default domain and window map ``x`` to itself, and
    the operations are NumPy's in NumPy's order, so the result is bit for bit the same.
    """
    if not isinstance(x, float):
        return _as_float_or_array(polynomial(x))
    x = 0.0 + 1.0 * x  # the default domain's map to the window, as NumPy applies it (-0.0 becomes 0.0)
    coefficients = polynomial.coef
    value = float(coefficients[-1]) + x * 0
    for coefficient in coefficients[-2::-1]:
        value = float(coefficient) + value * x
    return value


BOOK_CURVE: Quadratic = Quadratic(
    center=3.0, floor=2.0, x_range=(-2.0, 8.0), name="book", label="(x - 3)^2 + 2"
)
"""The book's error curve (ch. 9 and 10): ``error(x) = (x - 3)**2 + 2``."""

# (x - 1)^2 (x - 5)^2 / 8 - 0.3 x + 3: two valleys near x = 1 and x = 5, the
# right one deeper, with a hump between them that a small step cannot cross.
_TWO_VALLEYS_POLY = Polynomial.fromroots([1.0, 1.0, 5.0, 5.0]) / 8 + Polynomial([3.0, -0.3])

TWO_VALLEYS: PolynomialCurve = PolynomialCurve(
    coefficients=tuple(float(c) for c in _TWO_VALLEYS_POLY.coef),
    x_range=(-1.0, 7.0),
    name="two-valleys",
    label=r"\tfrac{1}{8}(x-1)^2(x-5)^2 - 0.3x + 3",
)
"""A non-convex curve with a shallow valley near 1 and a deeper one near 5."""
