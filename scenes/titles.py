"""Each scene's title, by CLI name, without importing manim: the title cards and chapters of a lecture video.

A scene draws its title with ``self.get_title(key)``; the same catalogue key
names its title card and its chapter in a lecture (:mod:`gdanim.lecture.video`).
A unit test reads each scene's source to check that it draws this key.
"""

from __future__ import annotations

from typing import Final

from scenes.captions import caption

__all__ = ["SCENE_TITLE_KEYS", "scene_title"]

SCENE_TITLE_KEYS: Final[dict[str, str]] = {
    "slope-tangent": "slope_tangent.title",
    "rolling-descent": "rolling_descent.title",
    "overshooting-learning-rate": "overshooting.title",
    "learning-rate-comparison": "comparison.title",
    "slope-rise-over-run": "rise_over_run.title",
    "slope-steepness": "steepness.title",
    "local-view": "local_view.title",
    "too-small-learning-rate": "too_small.title",
    "local-valley": "local_valley.title",
    "book-code": "book_code.title",
}
"""Scene CLI name -> the :data:`scenes.captions.CAPTIONS` key of the title it shows."""


def scene_title(scene: str, language: str) -> str:
    """The title a scene shows, in ``language``.

    Examples
    --------
    >>> scene_title("rolling-descent", "he") == caption("rolling_descent.title", "he")
    True
    """
    return caption(SCENE_TITLE_KEYS[scene], language)
