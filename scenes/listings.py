"""The book's code listings, kept in the package so a render never needs the book beside it.

Each listing is a plain text file under ``scenes/book_listings/``, line for
line as its chapter prints the program (``tests/unit/test_book_listing.py`` checks it
against the chapter and runs it). This module never imports manim.
"""

from __future__ import annotations

from importlib.resources import files

__all__ = ["LISTING_FILES", "book_listing", "listing_lines"]

LISTING_FILES: dict[int, str] = {10: "ch10-gradient-descent.py.txt"}
"""Chapter -> file under ``scenes/book_listings/`` holding its code listing."""


def book_listing(chapter: int) -> str:
    """The code listing of ``chapter``, exactly as the chapter prints it.

    Examples
    --------
    >>> book_listing(10).splitlines()[0]
    'import numpy as np'
    """
    try:
        name = LISTING_FILES[chapter]
    except KeyError:
        raise ValueError(f"no code listing for chapter {chapter!r}; choose from: {', '.join(map(str, LISTING_FILES))}") from None
    return files("scenes").joinpath("book_listings", name).read_text(encoding="utf-8")


def listing_lines(chapter: int) -> tuple[str, ...]:
    """The listing's lines, without their line ends.

    Examples
    --------
    >>> [line for line in listing_lines(10) if line.startswith("for ")]
    ['for step in range(10):']
    """
    return tuple(book_listing(chapter).splitlines())
