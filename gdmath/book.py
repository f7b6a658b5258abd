"""The numbers exactly as the book's code prints them (ch. 10)."""

from __future__ import annotations

from gdmath.descent import DescentResult

__all__ = ["BOOK_PLACES", "book_line", "book_round", "book_table"]

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
