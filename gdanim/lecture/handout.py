"""``--format pdf``: a handout (fpdf2), one page per beat: the beat's last frame, and its notes as text under it.

The text is real text in the PDF (DejaVu Sans embedded, so Hebrew has its
glyphs), laid out right to left in Hebrew by fpdf2's text shaping (HarfBuzz).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fpdf import FPDF

from gdanim.lecture.deck import Deck, Slide, last_frame, save_frame
from gdanim.lecture.slides import slide_title
from gdanim.options import TEXT_DIRECTIONS

__all__ = ["FONT_FILE", "write_pdf"]

FONT_FILE: Final[Path] = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
"""DejaVu Sans (Debian's fonts-dejavu-core), the scenes' font, which has Hebrew glyphs."""

_MARGIN_MM: Final[float] = 12.0
_NOTES_SIZE_PT: Final[float] = 13.0
_TITLE_SIZE_PT: Final[float] = 10.0


def write_pdf(deck: Deck, media: dict[Slide, tuple[Path, Path]], target: Path) -> Path:
    """Write the handout of ``deck`` to ``target``: A4 landscape, a page per beat.

    ``media`` holds each slide's video (:func:`gdanim.lecture.deck.cut_slide_media`);
    its page shows the video's last frame, where the beat holds, over the notes.
    """
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
    pdf.add_font("DejaVu", "", str(FONT_FILE))
    pdf.set_text_shaping(True)
    pdf.set_title(f"gdanim {deck.name}")
    pdf.set_lang(deck.language)
    align = "R" if TEXT_DIRECTIONS.get(deck.language) == "rtl" else "L"
    width = pdf.w - 2 * _MARGIN_MM
    picture_height = min(width * deck.height / deck.width, pdf.h * 0.62)
    picture_width = picture_height * deck.width / deck.height
    for slide in deck.slides:
        video, _ = media[slide]
        frame = save_frame(last_frame(video), video.with_name(f"{video.stem}-end.png"))
        pdf.add_page()
        pdf.set_font("DejaVu", size=_TITLE_SIZE_PT)
        pdf.cell(width, 6, slide_title(slide), align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.image(str(frame), x=(pdf.w - picture_width) / 2, y=pdf.get_y() + 2, w=picture_width, h=picture_height)
        pdf.set_y(pdf.get_y() + picture_height + 8)
        pdf.set_font("DejaVu", size=_NOTES_SIZE_PT)
        pdf.multi_cell(width, 6.5, slide.notes, align=align)
    pdf.output(str(target))
    return target
