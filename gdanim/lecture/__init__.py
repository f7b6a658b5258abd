"""Lecture mode: subtitles for every clip, and the teaching beats as slides, PowerPoint and a PDF handout.

The render pipeline calls :mod:`gdanim.lecture.subtitles` for each MP4; the
``--format slides|pptx|pdf`` exports (:mod:`gdanim.lecture.export`) read only
the manifest and the rendered MP4s, so they run after any render path
(local, ``--jobs``, a Dask cluster). This package's top imports nothing heavy.
"""

from __future__ import annotations

from typing import Final

__all__ = ["LECTURE_FORMATS"]

LECTURE_FORMATS: Final[tuple[str, ...]] = ("slides", "pptx", "pdf")
"""``--format`` choices that build a deck of the run's beats from its MP4s (:mod:`gdanim.lecture.export`)."""
