"""The lecture exports of a run: ``OUT/slides/<lang>-<theme>-<quality>/`` (HTML), ``….pptx`` and ``….pdf``.

They read only the manifest and the clips' MP4s, so they follow any render
path. Every deck is built in a temporary folder beside its target and put in
place at the end: a failed or interrupted export leaves the previous deck, or
nothing, never half of one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from gdanim.store.files import atomic_path, remove_stale_temporaries, reporting_full_disk, temp_prefix
from gdanim.lecture import LECTURE_FORMATS
from gdanim.lecture.deck import Deck, Slide, collect_decks, cut_slide_media
from gdanim.clip.request import ClipRequest

__all__ = ["LECTURE_FORMATS", "SLIDES_FOLDER", "export_lecture"]

SLIDES_FOLDER: Final[str] = "slides"
"""Folder under ``--out`` that holds the decks."""

Media = dict[Slide, tuple[Path, Path]]


def _write_pptx(deck: Deck, media: Media, target: Path) -> Path:
    from gdanim.lecture.powerpoint import write_pptx  # python-pptx loads lxml: only when asked for

    return write_pptx(deck, media, target)


def _write_pdf(deck: Deck, media: Media, target: Path) -> Path:
    from gdanim.lecture.handout import write_pdf

    return write_pdf(deck, media, target)


_FILE_WRITERS: Final[dict[str, Callable[[Deck, Media, Path], Path]]] = {"pptx": _write_pptx, "pdf": _write_pdf}


def _replace_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is, removing the old ``target`` only once the new one is in place."""
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _export_deck(deck: Deck, slides_dir: Path, lecture_format: str) -> Path:
    work = Path(tempfile.mkdtemp(prefix=temp_prefix(deck.name), dir=slides_dir))
    try:
        media = {slide: cut_slide_media(slide, work / "media") for slide in deck.slides}
        if lecture_format == "slides":
            from gdanim.lecture.slides import write_slides

            write_slides(deck, work)
            target = slides_dir / deck.name
            _replace_folder(work, target)
            return target / "index.html"
        target = slides_dir / f"{deck.name}.{lecture_format}"
        with atomic_path(target) as temporary:
            _FILE_WRITERS[lecture_format](deck, media, temporary)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def export_lecture(requests: Iterable[ClipRequest], out_dir: Path, lecture_format: str) -> list[Path]:
    """Build the decks of a run's clips, already rendered into ``out_dir``, in one lecture format.

    Parameters
    ----------
    requests
        The run's clips, in the order the scenes were asked for; one deck per
        language, theme and quality among them.
    out_dir
        The render output folder.
    lecture_format
        ``"slides"``, ``"pptx"`` or ``"pdf"``.

    Returns
    -------
    list of Path
        Each deck's ``index.html``, ``.pptx`` or ``.pdf``.

    Raises
    ------
    ValueError
        For an unknown format, or a clip that is not rendered or has no beats.
    """
    if lecture_format not in LECTURE_FORMATS:
        raise ValueError(f"unknown lecture format {lecture_format!r}; choose from: {', '.join(LECTURE_FORMATS)}")
    out_dir = Path(out_dir).resolve()
    decks = collect_decks(requests, out_dir)
    slides_dir = out_dir / SLIDES_FOLDER
    slides_dir.mkdir(exist_ok=True)
    remove_stale_temporaries(slides_dir)
    with reporting_full_disk(slides_dir):
        return [_export_deck(deck, slides_dir, lecture_format) for deck in decks]
