"""The deck's ``index.html`` and its keys, without a render: every key the player knows is listed and documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gdanim.lecture.deck import Deck, Slide
from gdanim.lecture.slides import KEYS, PLAYER_DIR, render_slides_html
from tests.html_tags import parse_tags

README = Path(__file__).resolve().parents[2] / "README.md"


def _deck(language: str = "he") -> Deck:
    slides = tuple(
        Slide("rolling-descent/he-light-480p15", "rolling-descent", number, 2, name, f"notes {number} <b>", 0.0, 1.0,
              Path("/nonexistent.mp4"))
        for number, name in ((1, "setup"), (2, "step-1"))
    )
    return Deck("he-light-480p15", language, "light", 854, 480, slides)


def test_the_page_has_the_slides_the_overlays_and_the_speaker_panel_hidden() -> None:
    tags = parse_tags(render_slides_html(_deck()))
    by_id = {attrs["id"]: attrs for _, attrs in tags if "id" in attrs}
    assert {"stage", "bar", "speaker", "help", "goto", "blackout", "speaker-notes", "next-poster", "speaker-clock"} <= set(by_id)
    assert all("hidden" in by_id[name] for name in ("speaker", "help", "goto", "blackout"))
    assert (by_id["speaker-notes"]["dir"], by_id["speaker-notes"]["lang"]) == ("rtl", "he")
    sections = [attrs for tag, attrs in tags if tag == "section"]
    assert [json.loads(section["data-cues"]) for section in sections] == [[], []]  # no subtitles file: no cues
    assert len([attrs for tag, attrs in tags if tag == "tr"]) == len(KEYS)
    assert [tag for tag, _ in tags if tag == "track"] == []


PLAYER_KEYS: dict[str, tuple[str, str]] = {
    "ArrowRight": ("→", "→"), " ": ("Space", "Space"), "PageDown": ("PageDown", "Page Down"), "Enter": ("Enter", "Enter"),
    "ArrowLeft": ("←", "←"), "PageUp": ("PageUp", "Page Up"), "Backspace": ("Backspace", "Backspace"),
    "Home": ("Home", "Home"), "End": ("End", "End"), "g": ("G", "G"), "k": ("K", "K"), "r": ("R", "R"),
    "b": ("B", "B"), ".": (".", "."), "c": ("C", "C"), "s": ("S", "S"), "f": ("F", "F"), "?": ("?", "?"),
    "Escape": ("Esc", "Esc"),
}
"""``event.key`` the player acts on -> how the ``?`` list and the README name it."""


def test_every_key_the_player_handles_is_in_the_keys_list_and_the_readme() -> None:
    player = (PLAYER_DIR / "player.js").read_text(encoding="utf-8")
    listed = {key for keys, _ in KEYS for key in keys.split()}
    lecturing = README.read_text(encoding="utf-8").split("## Lecturing", 1)[1].split("\n## ", 1)[0]
    for key, (in_list, in_readme) in PLAYER_KEYS.items():
        assert f'"{key}"' in player or re.search(rf"[{{,]\s*{re.escape(key)}:", player), key
        assert in_list in listed, key
        assert f"**{in_readme}**" in lecturing, key
    assert "**The speaker view.**" in lecturing
