"""The numbers exactly as the book's code prints them (ch. 10)."""

from __future__ import annotations

from gdmath.descent import DescentResult

__all__ = ["BOOK_PLACES", "book_line", "book_parameter", "book_round", "book_table"]

BOOK_PLACES: int = 4
"""The book prints ``round(value, 4)``."""


def book_round(value: float) -> str:
    """Format a number as ``print(round(value, 4))`` shows it.

    Examples
    --------
    >>> book_round(-0.2000000000000002), book_round(12.240000000000002), book_round(2.0)
    ('-0.2', '12.24', '2.0')
    """
    return str(round(float(value), BOOK_PLACES))


def book_parameter(value: float) -> str:
    """Format a knob the user set (a learning rate), as :func:`book_round` does unless that would hide it.

    ``round(1e-300, 4)`` is ``0.0``, which would show a learning rate of zero;
    a value that small is shown in four significant digits instead.

    Examples
    --------
    >>> book_parameter(0.1), book_parameter(1.05), book_parameter(1e-300), book_parameter(0.00004321)
    ('0.1', '1.05', '1e-300', '4.321e-05')
    """
    value = float(value)
    if value == 0 or abs(value) >= 10.0**-BOOK_PLACES:
        return book_round(value)
    return f"{value:.4g}"


def book_table(path: DescentResult) -> list[tuple[int, str, str]]:
    """Rows ``(step, x, error)`` for every step taken, as the book prints them.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> book_table(descend(BOOK_CURVE, -1, 0.1, 10))[-1]
    (10, '2.5705', '2.1845')
    """
    return [
        (step, book_round(path.x[step]), book_round(path.error[step]))
        for step in range(1, path.nit + 1)
    ]


def book_line(step: int, x: str, error: str) -> str:
    """One line of the book's output, ``print(step, "=> x =", x, " error =", error)``.

    Examples
    --------
    >>> book_line(1, "-0.2", "12.24")
    '1 => x = -0.2  error = 12.24'
    """
    return f"{step} => x = {x}  error = {error}"
