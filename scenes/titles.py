"""Each scene's title, by CLI name, without importing manim: the title cards and chapters of a lecture video.

A scene declares its title's catalogue key in its ``spec`` (``title_key``) and
draws it with ``self.get_title(key)``; the same key names its title card and its
chapter in a lecture (:mod:`gdanim.lecture.video`).
A unit test reads each scene's source to check that it draws this key.
"""

from __future__ import annotations

from typing import Final

from scenes.captions import caption
from scenes.registry import SCENES

__all__ = ["SCENE_TITLE_KEYS", "scene_title"]

SCENE_TITLE_KEYS: Final[dict[str, str]] = {name: spec.title_key for name, spec in SCENES.items()}
"""Scene CLI name -> the :data:`scenes.captions.CAPTIONS` key of the title it shows (its ``spec.title_key``)."""


def scene_title(scene: str, language: str) -> str:
    """The title a scene shows, in ``language``.

    Examples
    --------
    >>> scene_title("rolling-descent", "he") == caption("rolling_descent.title", "he")
    True
    """
    return caption(SCENE_TITLE_KEYS[scene], language)
