"""Numbers in Hebrew captions, read back from the glyphs manim draws.

The rule (the catalogue's convention, see :mod:`scenes.captions`): a Hebrew
line is read right to left, and every number in it is a left-to-right island.
So the numbers of a filled template, taken in the template's (logical) order,
appear on screen from right to left, and each one reads left to right with
its sign immediately left of its first digit: ``עלייה ÷ התקדמות = -2.5418 ÷
0.3315 = -7.6685`` draws, left to right, ``-7.6685 = 0.3315 ÷ -2.5418 = …``.

The glyphs are identified by shape: manim draws one submobject per visible
glyph, and a glyph of the same font and size has the same outline wherever it
stands, so each is matched against that character drawn alone.

Drawing a caption's glyphs with manim (Pango, then its SVG parsed into vector
glyphs) takes about 0.3 s, so these are render tests, not unit tests.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import tempconfig  # noqa: E402

from scenes.captions import CAPTIONS, caption, caption_fields  # noqa: E402
from scenes.common import get_number  # noqa: E402
from scenes.style import FONT_SIZE_CAPTION, FONT_SIZE_TITLE, THEMES  # noqa: E402

NUMBER_CHARACTERS = "0123456789.-+\u2212e"
"""The glyphs numbers are drawn with: book_round, signed_number, book_parameter (``4.321e-05``), tick labels."""

NUMBER = re.compile(r"[-+\u2212]?[0-9](?:[0-9.]*[0-9])?(?:e[-+]?[0-9]+)?")
"""One number, sign to last digit: a sentence's full stop or a hyphen beside it is not part of it."""

SAMPLE_VALUES = {
    "negative": ["-2.5418", "-0.3315", "-7.6685", "-14.0", "-1.25"],
    "positive": ["2.5418", "0.3315", "+7.6685", "14.0", "1.25"],
    "mixed": ["-2.5418", "+0.3315", "4.321e-05", "-7", "1.25"],
}
"""Values to fill a template's fields with, the i-th field taking the i-th value: all distinct, so order shows."""

NUMBER_TEMPLATES = [key for key in CAPTIONS if caption_fields(key)]


@pytest.fixture(autouse=True, scope="module")
def _manim_media(tmp_path_factory):
    """manim writes each text's SVG under its media folder: a temporary one."""
    with tempconfig({"media_dir": str(tmp_path_factory.mktemp("bidi-media"))}):
        yield


def draw(text: str, font_size: float):
    """``text`` as the scenes draw it: the shared text builder, light theme."""
    return get_number(text, THEMES["light"], font_size)


def _outline(glyph) -> np.ndarray:
    points = glyph.points[:, :2]
    return points - points.min(axis=0)


@cache
def _reference_outlines(font_size: float) -> dict[str, np.ndarray]:
    references = {}
    for character in NUMBER_CHARACTERS:
        (glyph,) = draw(character, font_size).submobjects
        references[character] = _outline(glyph)
    return references


def _identify(glyph, font_size: float) -> str | None:
    """The number character ``glyph`` draws, or ``None`` for any other glyph (a letter, ``=``, ``÷``)."""
    outline = _outline(glyph)
    for character, reference in _reference_outlines(font_size).items():
        if reference.shape == outline.shape and np.allclose(reference, outline, atol=1e-4):
            return character
    return None


def numbers_on_screen(mobject, font_size: float) -> list[str]:
    """The numbers drawn in ``mobject``, each read left to right, in right-to-left order, lines top to bottom.

    A number is a row of number glyphs with no other glyph and no space
    between them (a gap wider than about half a digit's height is a space).
    """
    digit_height = draw("0", font_size).height
    glyphs = sorted(mobject.submobjects, key=lambda glyph: -glyph.get_center()[1])
    lines: list[list] = []
    for glyph in glyphs:
        if lines and abs(lines[-1][0].get_center()[1] - glyph.get_center()[1]) < digit_height:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    numbers = []
    for line in lines:
        tokens, previous = [], None
        for glyph in sorted(line, key=lambda glyph: glyph.get_left()[0]):
            character = _identify(glyph, font_size)
            joins = (
                character is not None
                and previous is not None
                and glyph.get_left()[0] - previous.get_right()[0] < 0.45 * digit_height
            )
            if joins:
                tokens[-1] += character
            elif character is not None:
                tokens.append(character)
            previous = glyph if character is not None else None
        numbers.extend(number for token in reversed(tokens) for number in NUMBER.findall(token))
    return numbers


def numbers_in(text: str) -> list[str]:
    """The numbers of ``text`` in logical order (format characters such as isolates carry none)."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return NUMBER.findall(visible)


def font_size_of(key: str) -> float:
    return FONT_SIZE_TITLE if key.endswith(".title") else FONT_SIZE_CAPTION


def fill(key: str, values: list[str]) -> dict[str, str]:
    return {name: values[index] for index, name in enumerate(sorted(caption_fields(key)))}


@pytest.mark.parametrize("sample", SAMPLE_VALUES)
@pytest.mark.parametrize("key", NUMBER_TEMPLATES)
def test_hebrew_numbers_read_right_to_left_each_left_to_right(key, sample):
    values = fill(key, SAMPLE_VALUES[sample])
    text = caption(key, "he", **values)
    expected = numbers_in(text)
    assert set(values.values()) <= set(expected), text  # every field's value is one whole number
    assert numbers_on_screen(draw(text, font_size_of(key)), font_size_of(key)) == expected, text


def test_a_bare_negative_number_reads_left_to_right():
    """Tick labels (U+2212) and table cells are drawn alone: no Hebrew around them to reorder."""
    for text in ("\u22122.5", "-2.5418", "+8.0"):
        assert numbers_on_screen(draw(text, FONT_SIZE_CAPTION), FONT_SIZE_CAPTION) == [text]


def _without_isolates(text: str) -> str:
    return re.sub("[\u2066\u2069]", "", text)


def _as_embeddings(text: str) -> str:
    return text.replace("\u2066", "\u202a").replace("\u2069", "\u202c")


def _with_unicode_minus(text: str) -> str:
    return _without_isolates(text).replace("-", "\u2212")


@pytest.mark.parametrize("mangle", [_without_isolates, _as_embeddings, _with_unicode_minus])
def test_the_check_rejects_the_layouts_isolates_prevent(mangle):
    """Without isolates the minus lands right of the digits; LRE…PDF runs the whole formula left to right."""
    text = caption("rise_over_run.readout", "he", rise="-2.5418", run="0.3315", slope="-7.6685")
    drawn = mangle(text)
    assert numbers_on_screen(draw(drawn, FONT_SIZE_CAPTION), FONT_SIZE_CAPTION) != numbers_in(drawn)
