"""``--format slides``: a folder with ``index.html`` that a lecturer steps through, one beat per key press.

The player is a small hand-written script shipped with gdanim
(``gdanim/lecture/player/``), not reveal.js: a deck here is a list of videos
that play one at a time and hold their last frame, with notes and a number,
which takes a page of plain JavaScript. Nothing loads from the network, so the
folder works from ``file://`` on a laptop offline, and can be copied anywhere.

The same ``index.html`` opened with ``?speaker`` is the speaker view (S opens
it in a second window): the current beat, the next beat's poster, the notes,
the slide number and a clock, kept in step with the audience window by
``postMessage``. Each slide carries its beat's subtitle cues in ``data-cues``;
the player adds them with the TextTrack API, since Chromium refuses a
``<track>`` file from ``file://``.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Final

from gdanim.clip.subtitles import Cue
from gdanim.lecture.deck import Deck, Slide, slide_cues
from gdanim.options import TEXT_DIRECTIONS

__all__ = ["KEYS", "PLAYER_DIR", "PLAYER_FILES", "cues_attribute", "render_slides_html", "slide_title", "write_slides"]

PLAYER_DIR: Final[Path] = Path(__file__).resolve().parent / "player"
"""The player's script and style sheet, copied into every deck."""

PLAYER_FILES: Final[tuple[str, ...]] = ("player.js", "player.css")


_WORDS: Final[dict[str, dict[str, str]]] = {
    "he": {"speaker": "תצוגת מרצה (S)", "back": "הקודם", "next": "הבא", "fullscreen": "מסך מלא (F)",
           "keys": "מקשים (?)", "deck": "שקפים", "next_beat": "הבא בתור", "end": "סוף המצגת",
           "clock": "זמן שעבר (לחיצה מאפסת)", "black": "המסך מושחר", "alone": "חלון הקהל סגור",
           "goto": "מעבר לשקף", "blocked": "הדפדפן חסם את החלון: אפשרו חלונות קופצים", "captions": "כתוביות"},
    "en": {"speaker": "Speaker view (S)", "back": "Back", "next": "Next", "fullscreen": "Fullscreen (F)",
           "keys": "Keys (?)", "deck": "Slides", "next_beat": "Next", "end": "End of the deck",
           "clock": "Elapsed time (click to reset)", "black": "Screen blacked out", "alone": "Audience window closed",
           "goto": "Go to slide", "blocked": "The browser blocked the window: allow pop-ups", "captions": "Captions"},
}
"""The player's few words, in the deck's language."""

KEYS: Final[tuple[tuple[str, dict[str, str]], ...]] = (
    ("→ Space PageDown Enter", {"en": "play the next beat (a click on a held picture too)",
                                "he": "הפעלת הצעד הבא (גם לחיצה על תמונה עומדת)"}),
    ("← PageUp Backspace", {"en": "back one beat, shown at its end", "he": "צעד אחורה, מוצג בסופו"}),
    ("Home End", {"en": "first / last beat", "he": "הצעד הראשון / האחרון"}),
    ("G 1 2 Enter", {"en": "go to slide 12", "he": "מעבר לשקף 12"}),
    ("K", {"en": "pause / resume the running beat (a click on it too)", "he": "עצירה / המשך של הצעד הרץ (גם לחיצה עליו)"}),
    ("R", {"en": "replay the beat from its start", "he": "הפעלה חוזרת של הצעד מתחילתו"}),
    ("B .", {"en": "black screen, and back", "he": "מסך שחור, וחזרה"}),
    ("C", {"en": "captions on / off", "he": "כתוביות פועלות / כבויות"}),
    ("S", {"en": "speaker view: notes, next beat, clock", "he": "תצוגת מרצה: הערות, הצעד הבא, שעון"}),
    ("F", {"en": "fullscreen", "he": "מסך מלא"}),
    ("?", {"en": "these keys", "he": "המקשים האלה"}),
    ("Esc", {"en": "close this list or the slide prompt", "he": "סגירת הרשימה או שורת המעבר"}),
)
"""Every key of the player and what it does, shown on ``?`` and in the README's "Lecturing"."""

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


def cues_attribute(cues: list[Cue]) -> str:
    """Cues as JSON in an HTML attribute (``[[start, end, text], …]``), read by the page's script."""
    return html.escape(json.dumps([list(cue) for cue in cues], ensure_ascii=False), quote=True)


def _slide_html(slide: Slide, index: int, deck: Deck) -> str:
    stem = html.escape(slide.media_stem, quote=True)
    title = html.escape(slide_title(slide), quote=True)
    return (
        f'<section class="slide" id="slide-{index + 1}" data-title="{title}" '
        f'data-cues="{cues_attribute(slide_cues(slide))}"{" hidden" if index else ""}>'
        f'<video src="media/{stem}.mp4" poster="media/{stem}.png" width="{deck.width}" height="{deck.height}" '
        f'aria-label="{title}" muted playsinline preload="{"auto" if index < 2 else "metadata"}"></video>'
        f'<div class="slide-notes">{html.escape(slide.notes)}</div></section>'
    )


def _keys_html(language: str) -> str:
    rows = "".join(
        f"<tr><th>{' '.join(f'<kbd>{html.escape(key)}</kbd>' for key in keys.split())}</th>"
        f"<td>{html.escape(what.get(language, what['en']))}</td></tr>"
        for keys, what in KEYS
    )
    return f'<div id="help" class="overlay" role="dialog" aria-label="keys" hidden><table>{rows}</table></div>'


def _speaker_html(words: dict[str, str], language: str, direction: str) -> str:
    """The speaker view's panel: hidden in the audience window, shown when the page is opened with ``?speaker``."""
    return (
        '<aside id="speaker" hidden>'
        f'<div id="speaker-top"><span id="speaker-number"></span><span id="speaker-title"></span>'
        f'<span id="speaker-status"></span>'
        f'<button type="button" id="speaker-clock" title="{html.escape(words["clock"], quote=True)}">0:00:00</button></div>'
        f'<figure id="speaker-next"><figcaption>{html.escape(words["next_beat"])}: <span id="next-title"></span></figcaption>'
        '<img id="next-poster" alt=""></figure>'
        f'<div id="speaker-notes" lang="{language}" dir="{direction}"></div>'
        "</aside>"
    )


def render_slides_html(deck: Deck) -> str:
    """The deck's ``index.html``: every slide, the bar, the overlays, the speaker view's panel and the player."""
    words = _WORDS.get(deck.language, _WORDS["en"])
    direction = TEXT_DIRECTIONS.get(deck.language, "ltr")
    slides = "\n".join(_slide_html(slide, index, deck) for index, slide in enumerate(deck.slides))
    messages = html.escape(json.dumps({key: words[key] for key in ("end", "black", "alone", "goto", "blocked",
                                                                     "captions")}, ensure_ascii=False), quote=True)
    return (
        f'<!DOCTYPE html>\n<html lang="{deck.language}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>gdanim · {words['deck']} · {html.escape(deck.name)}</title>\n"
        f'<link rel="stylesheet" href="player.css">\n<style>{_style_variables(deck)}</style>\n</head>\n'
        f'<body data-words="{messages}">\n'
        f'<main id="stage" aria-live="polite">\n{slides}\n</main>\n'
        '<div id="bar">'
        f'<span id="slide-number" aria-label="slide"></span><span id="slide-title"></span>'
        f'<button type="button" id="back-button">{words["back"]}</button>'
        f'<button type="button" id="next-button">{words["next"]}</button>'
        f'<button type="button" id="speaker-button">{words["speaker"]}</button>'
        f'<button type="button" id="keys-button" aria-controls="help">{words["keys"]}</button>'
        f'<button type="button" id="fullscreen-button">{words["fullscreen"]}</button>'
        "</div>\n"
        f"{_speaker_html(words, deck.language, direction)}\n"
        f"{_keys_html(deck.language)}\n"
        '<div id="goto" class="overlay" hidden><span id="goto-label"></span> <span id="goto-number"></span></div>\n'
        '<div id="blackout" hidden></div>\n'
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
