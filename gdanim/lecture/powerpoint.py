"""``--format pptx``: a PowerPoint deck (python-pptx), one slide per beat, its video embedded, the notes filled in.

What python-pptx leaves out, and this module adds:

* **The video starts when the slide is entered** (a clicker's Page Down). python-pptx
  writes only the media node, whose start is ``delay="indefinite"``: the video waits
  for a click on it. Each slide gets the timing tree PowerPoint itself writes for a
  video set to "Start: Automatically": a main sequence whose first step begins with
  the slide (``evt="onBegin"``) and calls ``playFrom(0.0)`` on the movie.
* **16:9, typed so**: the slide is PowerPoint's "On-screen Show (16:9)",
  ``type="screen16x9"`` (10 × 5.625 in); the template's type is ``screen4x3``.
* **Alt text and titles**: the movie's ``descr`` is the beat's description (its
  notes, in the deck's language) and every slide has a title placeholder
  ("scene · beat"), placed just above the slide, as Microsoft's accessibility
  guidance suggests for a slide whose picture fills it: the outline, the
  navigation pane and screen readers have it, the audience does not see it.
* **The same bytes for the same deck**: zip entries carry a fixed date and the
  document properties fixed values, so two runs give identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Final

from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Pt

from gdanim.lecture.deck import Deck, Slide
from gdanim.lecture.slides import slide_title
from gdanim.options import TEXT_DIRECTIONS

__all__ = ["FIXED_DATE", "SLIDE_HEIGHT", "SLIDE_SIZE_TYPE", "SLIDE_WIDTH", "write_pptx"]

SLIDE_WIDTH: Final[Emu] = Emu(9144000)
SLIDE_HEIGHT: Final[Emu] = Emu(5143500)
"""PowerPoint's "On-screen Show (16:9)", 10 × 5.625 in: the size ECMA-376 gives ``screen16x9``."""

SLIDE_SIZE_TYPE: Final[str] = "screen16x9"

FIXED_DATE: Final[dt.datetime] = dt.datetime(2000, 1, 1)
"""Written as the document's created and modified dates, and as every zip entry's date: a deck's bytes depend only on its slides."""

_TITLE_ONLY_LAYOUT: Final[int] = 5
"""Index of the "Title Only" layout in python-pptx's default template."""

_TITLE_HEIGHT: Final[Emu] = Emu(457200)
"""Half an inch: the title sits this high just above the slide's top edge."""

_RIGHT_TO_LEFT: Final[frozenset[str]] = frozenset(language for language, way in TEXT_DIRECTIONS.items() if way == "rtl")

_LANGUAGE_TAGS: Final[dict[str, str]] = {"he": "he-IL", "en": "en-US"}


def _mark_language(paragraphs, language: str) -> None:
    """Tag runs with the deck's language; Hebrew paragraphs are right to left with a complex-script font."""
    for paragraph in paragraphs:
        if language in _RIGHT_TO_LEFT:
            paragraph._p.get_or_add_pPr().set("rtl", "1")
        for run in paragraph.runs:
            properties = run._r.get_or_add_rPr()
            properties.set("lang", _LANGUAGE_TAGS.get(language, language))
            if language in _RIGHT_TO_LEFT:
                properties.append(properties.makeelement(qn("a:cs"), {"typeface": "Arial"}))


def _write_notes(page, text: str, language: str) -> None:
    """Fill the slide's speaker notes in the deck's language."""
    frame = page.notes_slide.notes_text_frame
    frame.text = text
    _mark_language(frame.paragraphs, language)


def _write_title(page, text: str) -> None:
    """The slide's title placeholder, holding "scene · beat" (Latin names: left to right), placed just above the slide."""
    title = page.shapes.title
    title.left, title.top, title.width, title.height = Emu(0), Emu(-_TITLE_HEIGHT), SLIDE_WIDTH, _TITLE_HEIGHT
    title.text_frame.text = text
    title.text_frame.paragraphs[0].runs[0].font.size = Pt(18)


def _fit(width: int, height: int) -> tuple[Emu, Emu, Emu, Emu]:
    """``left, top, width, height`` of a ``width`` × ``height`` picture as large as fits the slide, centred."""
    scale = min(SLIDE_WIDTH / width, SLIDE_HEIGHT / height)
    shown_width, shown_height = round(width * scale), round(height * scale)
    return (Emu((SLIDE_WIDTH - shown_width) // 2), Emu((SLIDE_HEIGHT - shown_height) // 2),
            Emu(shown_width), Emu(shown_height))


def _timing_xml(movie_id: int, duration_ms: int) -> str:
    """The slide's ``p:timing``: play the movie from its start as soon as the slide is entered.

    It is what PowerPoint writes for a video set to start automatically: the
    main sequence's first step begins with the slide (``onBegin`` of the
    sequence, ``cTn`` 2) and calls ``playFrom(0.0)`` on the movie; the media
    node keeps the movie's own play/pause on click.
    """
    target = f'<p:tgtEl><p:spTgt spid="{movie_id}"/></p:tgtEl>'
    return (
        f'<p:timing {nsdecls("p")}><p:tnLst><p:par>'
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>'
        '<p:par><p:cTn id="3" fill="hold"><p:stCondLst><p:cond delay="indefinite"/>'
        '<p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold" '
        'nodeType="afterEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="6" dur="{duration_ms}" fill="hold"/>'
        f"{target}</p:cBhvr></p:cmd>"
        "</p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn>"
        '<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>'
        '<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>'
        "</p:seq>"
        '<p:video><p:cMediaNode vol="80000"><p:cTn id="7" fill="hold" display="0">'
        '<p:stCondLst><p:cond delay="indefinite"/></p:stCondLst>'
        '<p:endCondLst><p:cond evt="onStopAudio" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:endCondLst>'
        f"</p:cTn>{target}</p:cMediaNode></p:video>"
        "</p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"
    )


def _start_on_entry(page, movie_id: int, duration_ms: int) -> None:
    """Replace python-pptx's timing (the movie waits for a click) with one that plays it on entry."""
    sld = page._element
    old = sld.find(qn("p:timing"))
    new = parse_xml(_timing_xml(movie_id, duration_ms))
    if old is None:
        sld.append(new)
    else:
        old.addprevious(new)
        sld.remove(old)


def _fix_document_properties(presentation, title: str) -> None:
    """Document properties that do not change from run to run (python-pptx's template has its own dates)."""
    properties = presentation.core_properties
    properties.created = properties.modified = FIXED_DATE
    properties.revision = 1
    properties.last_modified_by = "gdanim"
    properties.author = "gdanim"
    properties.title = title


def _fixed_date_zip(package: bytes, target: Path) -> None:
    """Write the zip ``package`` to ``target`` with every entry dated :data:`FIXED_DATE`, in the same order."""
    stamp = FIXED_DATE.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(target, "w") as copy:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            copy.writestr(fixed, source.read(entry))


def write_pptx(deck: Deck, media: dict[Slide, tuple[Path, Path]], target: Path) -> Path:
    """Write the deck as a ``.pptx``: each beat's video, playing on entry, with its poster, title, alt text and notes.

    Parameters
    ----------
    deck
        The slides.
    media
        Each slide's video and poster (:func:`gdanim.lecture.deck.cut_slide_media`).
    target
        The file to write.
    """
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    presentation.part._element.find(qn("p:sldSz")).set("type", SLIDE_SIZE_TYPE)
    _fix_document_properties(presentation, f"gdanim · {deck.name}")
    layout = presentation.slide_layouts[_TITLE_ONLY_LAYOUT]
    left, top, width, height = _fit(deck.width, deck.height)
    for slide in deck.slides:
        video, poster = media[slide]
        page = presentation.slides.add_slide(layout)
        page.name = f"{slide.scene} {slide.name}"
        _write_title(page, slide_title(slide))
        movie = page.shapes.add_movie(str(video), left, top, width, height,
                                      poster_frame_image=str(poster), mime_type="video/mp4")
        movie_properties = movie._element.xpath("./p:nvPicPr/p:cNvPr")[0]
        movie_properties.set("descr", slide.notes)
        movie_properties.set("name", slide_title(slide))
        _start_on_entry(page, movie.shape_id, round((slide.end - slide.start) * 1000))
        _write_notes(page, slide.notes, deck.language)
    package = io.BytesIO()
    presentation.save(package)
    _fixed_date_zip(package.getvalue(), target)
    return target

