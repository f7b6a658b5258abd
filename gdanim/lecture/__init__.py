"""Lecture mode: the teaching beats as slides, PowerPoint and a PDF handout (each clip's subtitles: :mod:`gdanim.clip.subtitles`).

The render pipeline calls :mod:`gdanim.clip.subtitles` for each MP4; the
``--format slides|pptx|pdf`` exports (:mod:`gdanim.lecture.export`) read only
the manifest and the rendered MP4s, so they run after any render path
(local, ``--jobs``, a Dask cluster). This package's top imports nothing heavy.
"""

from __future__ import annotations

from gdanim.options import LECTURE_FORMATS

__all__ = ["LECTURE_FORMATS"]
