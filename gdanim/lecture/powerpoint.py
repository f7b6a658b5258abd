"""``--format pptx``: a PowerPoint deck (python-pptx), one slide per beat, its video embedded, the notes filled in."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from gdanim.lecture.deck import Deck, Slide

__all__ = ["SLIDE_WIDTH", "write_pptx"]

SLIDE_WIDTH: Final[Emu] = Emu(12192000)
"""PowerPoint's 16:9 widescreen slide, 13.333 in wide; the height follows the clip's aspect."""

_BLANK_LAYOUT: Final[int] = 6
"""Index of the blank layout in python-pptx's default template."""

_RIGHT_TO_LEFT: Final[frozenset[str]] = frozenset({"he"})


def _write_notes(slide, text: str, language: str) -> None:
    """Fill the slide's speaker notes; Hebrew paragraphs are marked right to left."""
    frame = slide.notes_slide.notes_text_frame
    frame.text = text
    if language in _RIGHT_TO_LEFT:
        for paragraph in frame.paragraphs:
            paragraph._p.get_or_add_pPr().set("rtl", "1")
            for run in paragraph.runs:
                run._r.get_or_add_rPr().set("lang", "he-IL")
                run._r.get_or_add_rPr().append(run._r.get_or_add_rPr().makeelement(qn("a:cs"), {"typeface": "Arial"}))


def write_pptx(deck: Deck, media: dict[Slide, tuple[Path, Path]], target: Path) -> Path:
    """Write the deck as a ``.pptx``: each beat's video full width with its first frame as poster, and its notes.

    Parameters
    ----------
    deck
        The slides.
    media
        Each slide's video and first frame (:func:`gdanim.lecture.deck.cut_slide_media`).
    target
        The file to write.
    """
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = Emu(round(SLIDE_WIDTH * deck.height / deck.width))
    layout = presentation.slide_layouts[_BLANK_LAYOUT]
    for slide in deck.slides:
        video, poster = media[slide]
        page = presentation.slides.add_slide(layout)
        page.name = f"{slide.scene} {slide.name}"
        page.shapes.add_movie(
            str(video), 0, 0, presentation.slide_width, presentation.slide_height,
            poster_frame_image=str(poster), mime_type="video/mp4",
        )
        _write_notes(page, slide.notes, deck.language)
    presentation.save(str(target))
    return target
