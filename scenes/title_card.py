"""The title card a lecture video shows before each scene: the scene's title, alone, in its language and theme.

It is drawn by manim like the scenes (same font, colours and text cache), as
one still frame; :mod:`gdanim.lecture.video` encodes that frame for as long as
the card lasts, with the clips' own encoder settings.
"""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, Line, Scene

from scenes.languages import DEFAULT_LANGUAGE, DEFAULT_THEME
from scenes.common import get_number
from scenes.style import THEMES, STROKE_WIDTH_CURVE
from scenes.titles import scene_title

__all__ = ["TITLE_CARD_FONT_SIZE", "TitleCard"]

TITLE_CARD_FONT_SIZE: float = 54
"""The title's size on its card: larger than in the scene (34), alone on the frame."""

_MAX_TITLE_WIDTH: float = 12.5
"""Widest a title may be, in scene units (the frame is about 14.2 wide)."""


class TitleCard(Scene):
    """The title of ``scene`` centred, with a short rule in the curve's colour under it.

    Attributes
    ----------
    scene, language, theme
        The scene whose title it shows (CLI name), and the clip's language and theme.
    """

    scene: ClassVar[str] = "rolling-descent"
    language: ClassVar[str] = DEFAULT_LANGUAGE
    theme: ClassVar[str] = DEFAULT_THEME

    def construct(self) -> None:
        palette = THEMES[self.theme]
        self.camera.background_color = palette.background  # type: ignore[union-attr]  # Cairo camera only
        title = get_number(scene_title(self.scene, self.language), palette, TITLE_CARD_FONT_SIZE)
        if title.width > _MAX_TITLE_WIDTH:
            title.scale_to_fit_width(_MAX_TITLE_WIDTH)
        title.move_to((0.0, 0.25, 0.0))
        rule = Line((-1.2, 0.0, 0.0), (1.2, 0.0, 0.0), color=palette.curve, stroke_width=STROKE_WIDTH_CURVE)
        rule.next_to(title, DOWN, buff=0.45)
        self.add(title, rule)
        self.wait(1 / max(1, int(self.camera.frame_rate)))
