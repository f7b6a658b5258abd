"""``--format slides``: a folder with ``index.html`` that a lecturer steps through, one beat per key press.

The player is a small hand-written script shipped with gdanim
(``gdanim/lecture/player/``), not reveal.js: a deck here is a list of videos
that play one at a time and hold their last frame, with notes and a number,
which takes a page of plain JavaScript. Nothing loads from the network, so the
folder works from ``file://`` on a laptop offline, and can be copied anywhere.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Final

from gdanim.lecture.deck import Deck, Slide

__all__ = ["PLAYER_DIR", "PLAYER_FILES", "render_slides_html", "slide_title", "write_slides"]

PLAYER_DIR: Final[Path] = Path(__file__).resolve().parent / "player"
"""The player's script and style sheet, copied into every deck."""

PLAYER_FILES: Final[tuple[str, ...]] = ("player.js", "player.css")

_DIRECTION: Final[dict[str, str]] = {"he": "rtl", "en": "ltr"}

_WORDS: Final[dict[str, dict[str, str]]] = {
    "he": {"notes": "הערות (S)", "back": "הקודם", "next": "הבא", "fullscreen": "מסך מלא (F)", "deck": "שקפים"},
    "en": {"notes": "Notes (S)", "back": "Back", "next": "Next", "fullscreen": "Fullscreen (F)", "deck": "Slides"},
}
"""The player's few words, in the deck's language."""

_THEME_COLOURS: Final[dict[str, dict[str, str]]] = {
    "light": {"rule": "#c8c8c8", "panel": "#f3f3f3"},
    "dark": {"rule": "#4a4f5c", "panel": "#23262e"},
}


def _style_variables(deck: Deck) -> str:
    from gdanim.clip.render import theme_colours

    colours = theme_colours(deck.theme)
    extra = _THEME_COLOURS.get(deck.theme, _THEME_COLOURS["light"])
    return (f":root {{ --background: {colours['background']}; --text: {colours['text']}; "
            f"--rule: {extra['rule']}; --panel: {extra['panel']}; }}")


def slide_title(slide: Slide) -> str:
    """What the bar says about a slide: its scene, beat and place in the clip."""
    return f"{slide.scene} · {slide.name} ({slide.number}/{slide.beats})"


def _slide_html(slide: Slide, index: int, deck: Deck) -> str:
    stem = html.escape(slide.media_stem, quote=True)
    title = html.escape(slide_title(slide), quote=True)
    return (
        f'<section class="slide" id="slide-{index + 1}" data-title="{title}"{" hidden" if index else ""}>'
        f'<video src="media/{stem}.mp4" poster="media/{stem}.png" width="{deck.width}" height="{deck.height}" '
        f'aria-label="{title}" muted playsinline preload="{"auto" if index < 2 else "metadata"}"></video>'
        f'<div class="slide-notes">{html.escape(slide.notes)}</div></section>'
    )


def render_slides_html(deck: Deck) -> str:
    """The deck's ``index.html``: every slide, the bar, the notes panel and the player."""
    words = _WORDS.get(deck.language, _WORDS["en"])
    direction = _DIRECTION.get(deck.language, "ltr")
    slides = "\n".join(_slide_html(slide, index, deck) for index, slide in enumerate(deck.slides))
    return (
        f'<!DOCTYPE html>\n<html lang="{deck.language}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>gdanim · {words['deck']} · {html.escape(deck.name)}</title>\n"
        f'<link rel="stylesheet" href="player.css">\n<style>{_style_variables(deck)}</style>\n</head>\n<body>\n'
        f'<main id="stage" aria-live="polite">\n{slides}\n</main>\n'
        '<div id="bar">'
        f'<span id="slide-number" aria-label="slide"></span><span id="slide-title"></span>'
        f'<button type="button" id="back-button">{words["back"]}</button>'
        f'<button type="button" id="next-button">{words["next"]}</button>'
        f'<button type="button" id="notes-button" aria-controls="notes" aria-expanded="false">{words["notes"]}</button>'
        f'<button type="button" id="fullscreen-button">{words["fullscreen"]}</button>'
        "</div>\n"
        '<aside id="notes" hidden><p id="notes-text"></p></aside>\n'
        '<script src="player.js"></script>\n</body>\n</html>\n'
    )


def write_slides(deck: Deck, folder: Path) -> Path:
    """Write ``index.html`` and the player into ``folder``, whose ``media/`` holds each slide's video and poster.

    Returns
    -------
    Path
        ``folder/index.html``.
    """
    for name in PLAYER_FILES:
        shutil.copyfile(PLAYER_DIR / name, folder / name)
    index = folder / "index.html"
    index.write_text(render_slides_html(deck), encoding="utf-8")
    return index
