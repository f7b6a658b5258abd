"""The one visual vocabulary of gdanim: theme colours, font, text sizes and layout.

Plain strings and numbers only, so this module never imports manim and the
render CLI and the tests can read a theme's colours cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from scenes.languages import TEXT_DIRECTIONS

__all__ = [
    "BALL_RADIUS",
    "CAPTION_EDGE",
    "CODE_COLOURS",
    "EDGE_BUFF",
    "FONT",
    "FONT_CODE",
    "FONT_SIZE_CODE",
    "HIGHLIGHT_OPACITY",
    "FONT_SIZE_CAPTION",
    "FONT_SIZE_LABEL",
    "FONT_SIZE_READOUT",
    "FONT_SIZE_TITLE",
    "MAX_SILENT_SECONDS",
    "MIN_CUE_SECONDS",
    "MIN_FONT_SIZE",
    "MIN_NUMBER_SECONDS",
    "READING_CPS",
    "STROKE_WIDTH_CURVE",
    "STROKE_WIDTH_TANGENT",
    "THEMES",
    "TRAIL_OPACITY",
    "reading_seconds",
    "hex_to_rgb",
    "TITLE_EDGE",
    "Theme",
    "contrast_ratio",
    "is_rtl",
    "relative_luminance",
]


@dataclass(frozen=True)
class Theme:
    """Named colours of one theme, as ``"#RRGGBB"`` strings.

    The roles keep their hue across themes where they can (the ball is
    always vermillion, the curve always blue), drawn from the Okabe–Ito and
    Tol palettes and checked to stay apart under simulated protanopia,
    deuteranopia and tritanopia (``tests/render/test_scenes_style_captions.py``).

    Attributes
    ----------
    name
        ``"light"`` or ``"dark"``.
    background
        Frame background.
    text
        Every caption, label and readout.
    muted
        Secondary marks: old step arrows, grid of past positions.
    axis
        Axis lines, ticks and tick numbers.
    curve
        The error curve.
    ball
        The ball, the current position of the descent.
    tangent
        The tangent line at the ball.
    step_arrow
        The step ``-learning_rate * slope`` and the direction to move.
    """

    name: str
    background: str
    text: str
    muted: str
    axis: str
    curve: str
    ball: str
    tangent: str
    step_arrow: str

    def colours(self) -> dict[str, str]:
        """Every named colour of the theme, ``name`` excluded."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "name"}


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light",
        background="#FFFFFF",
        text="#1A1A1A",
        muted="#6B6B6B",
        axis="#4A4A4A",
        curve="#0072B2",
        ball="#D55E00",
        tangent="#882255",
        step_arrow="#CC79A7",
    ),
    "dark": Theme(
        name="dark",
        background="#16181D",
        text="#F2F2F2",
        muted="#9A9A9A",
        axis="#B4B4B4",
        curve="#56B4E9",
        ball="#D55E00",
        tangent="#F0E442",
        step_arrow="#CC79A7",
    ),
}
"""``light`` for the book's white pages, ``dark`` for lecture slides."""

CODE_COLOURS: dict[str, dict[str, str]] = {
    "light": {"keyword": "#AA3377", "builtin": "#005A9C", "function": "#005A9C", "string": "#117733",
              "number": "#A0522D", "comment": "#6B6B6B"},
    "dark": {"keyword": "#CC79A7", "builtin": "#56B4E9", "function": "#56B4E9", "string": "#44BB99",
             "number": "#DDAA33", "comment": "#9A9A9A"},
}
"""Theme -> colour of each token role of a code listing (``scenes.listings.TOKEN_ROLES``); other tokens take ``text``.

The hues of Tol's palette, each at least 4.5:1 against its theme's background
(``tests/unit/test_book_listing.py``), so a coloured token reads as well as plain text."""

FONT: str = "DejaVu Sans"
"""The one font of every on-screen string; it has Hebrew glyphs."""

FONT_CODE: str = "DejaVu Sans Mono"
"""The font of the book's code listings and their output: monospaced, with Hebrew glyphs."""

MIN_FONT_SIZE: float = 24
"""Smallest manim ``font_size`` used: about a 15 px em in a 640 px wide GIF."""

FONT_SIZE_TITLE: float = 34
"""Scene title, at the top edge."""

FONT_SIZE_CAPTION: float = 28
"""Explanatory caption, at the bottom edge."""

FONT_SIZE_READOUT: float = 28
"""Live numbers: slope, step, position."""

FONT_SIZE_LABEL: float = 24
"""Axis labels, tick numbers, table cells and panel labels."""

FONT_SIZE_CODE: float = 24
"""Code listings and program output: a 56-character line fills 11 of the frame's 14 units."""

HIGHLIGHT_OPACITY: float = 0.22
"""Fill opacity of the band (in the theme's ``muted`` colour) behind the line of code that runs."""

TRAIL_OPACITY: float = 0.6
"""Opacity of what the ball leaves behind (trail dots, past step arrows): faint next to the ball and the current step."""

TITLE_EDGE: str = "top"
"""Frame edge the title sits at: ``"top"`` or ``"bottom"``."""

CAPTION_EDGE: str = "bottom"
"""Frame edge the explanatory caption sits at: ``"top"`` or ``"bottom"``."""

EDGE_BUFF: float = 0.3
"""Gap between the frame edge and the title or caption, in scene units."""

BALL_RADIUS: float = 0.17
"""Radius of the ball, in scene units: about 15 px across at 640 px wide."""

STROKE_WIDTH_CURVE: float = 5
"""Stroke width of the error curve."""

STROKE_WIDTH_TANGENT: float = 5
"""Stroke width of the tangent line."""

# --- Pace: a GIF in the book loops and cannot be paused (issue 21) -------------------------------

MIN_CUE_SECONDS: float = 2.5
"""Shortest time a title, caption or sentence stays on screen."""

READING_CPS: float = 15.0
"""Characters a second a reader is given: a sentence stays at least its length ÷ this.

Subtitle guidance for adults is 17; this is a second subject, for many readers in a second language."""

MAX_SILENT_SECONDS: float = 8.0
"""Longest stretch of a clip without a new caption: a clip explains itself while it moves."""

MIN_NUMBER_SECONDS: float = 1.2
"""Shortest time a step's numbers stay on screen once the ball has landed."""


def reading_seconds(text_length: int) -> float:
    """How long a caption of ``text_length`` visible characters must stay on screen.

    Examples
    --------
    >>> reading_seconds(20), reading_seconds(60)
    (2.5, 4.0)
    """
    return max(MIN_CUE_SECONDS, text_length / READING_CPS)


def is_rtl(language: str) -> bool:
    """Whether ``language`` reads right to left.

    Examples
    --------
    >>> is_rtl("he"), is_rtl("en")
    (True, False)
    """
    return TEXT_DIRECTIONS.get(language) == "rtl"


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """The 0–255 channels of a ``"#RRGGBB"`` colour.

    Examples
    --------
    >>> hex_to_rgb("#D55E00")
    (213, 94, 0)
    """
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a ``"#RRGGBB"`` colour.

    Examples
    --------
    >>> relative_luminance("#FFFFFF"), relative_luminance("#000000")
    (1.0, 0.0)
    """
    channels = [value / 255 for value in hex_to_rgb(colour)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio between two colours, from 1 to 21.

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
