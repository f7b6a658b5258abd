"""Lecture mode: the teaching beats as slides, PowerPoint and a PDF handout (each clip's subtitles: :mod:`gdanim.clip.subtitles`).

The render pipeline calls :mod:`gdanim.clip.subtitles` for each MP4; the
``--format slides|pptx|pdf`` exports (:mod:`gdanim.lecture.export`) read only
the manifest and the rendered MP4s, so they run after any render path
(local, ``--jobs``, a Dask cluster). So do ``--format lecture`` (one video of
the run's clips with title cards, chapters, subtitles and the lecturer's
recordings: :mod:`gdanim.lecture.video`, :mod:`gdanim.lecture.narration`) and
``--format script`` (its recording script: :mod:`gdanim.lecture.script`).
This package's top imports nothing heavy.
"""

from __future__ import annotations

from gdanim.options import LECTURE_FORMATS

__all__ = ["LECTURE_FORMATS"]
