"""The languages and themes the scenes draw in: the scenes own them, gdanim reads them (:mod:`gdanim.options`).

Examples
--------
>>> [(language, TEXT_DIRECTIONS[language]) for language in LANGUAGES]
[('he', 'rtl'), ('en', 'ltr')]
>>> check_choice("language", "fr", LANGUAGES)
Traceback (most recent call last):
...
ValueError: unknown language 'fr'; choose from: he, en
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_THEME",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "TEXT_DIRECTIONS",
    "THEME_NAMES",
    "UNKNOWN_CHOICE",
    "check_choice",
]

LANGUAGES: Final[tuple[str, ...]] = ("he", "en")
"""Caption languages, ``--lang``; the scenes' caption catalogue has each of them."""

DEFAULT_LANGUAGE: Final[str] = "he"
"""The book is in Hebrew."""

TEXT_DIRECTIONS: Final[dict[str, str]] = {"he": "rtl", "en": "ltr"}
"""Text direction of each caption language (HTML's ``dir``)."""

LANGUAGE_NAMES: Final[dict[str, str]] = {"he": "עברית", "en": "English"}
"""Each caption language's name in itself, e.g. for a player's subtitles menu."""

THEME_NAMES: Final[tuple[str, ...]] = ("light", "dark")
"""Colour themes, ``--theme`` (the colours themselves live in :mod:`scenes.style`)."""

DEFAULT_THEME: Final[str] = "light"
"""The book's pages are white."""

UNKNOWN_CHOICE: Final[str] = "unknown {kind} {value!r}; choose from: {choices}"
"""The one "unknown …" message, for every choice (gdanim's error table quotes it)."""


def check_choice(kind: str, value: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``; the one "unknown …" error otherwise."""
    if value not in choices:
        raise ValueError(UNKNOWN_CHOICE.format(kind=kind, value=value, choices=", ".join(choices)))
    return value
