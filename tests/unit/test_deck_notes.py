"""Speaker notes reach the decks from the catalogue as it is now, so an edit to them needs no re-render.

A clip's hash leaves the notes out (``tests/unit/test_clip_hash.py``); the manifest
keeps each beat's notes key and values, and the decks fill the notes again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdanim.clip.request import ClipRequest
from gdanim.lecture.deck import collect_decks, current_notes
from gdanim.store.manifest import MANIFEST_NAME, BeatRecord, load_manifest
from scenes.captions import speaker_notes


def _manifest_with_beats(out_dir: Path, request: ClipRequest, beats: list[dict]) -> None:
    """A manifest holding ``request``'s clip with ``beats``, as an earlier render wrote it."""
    files = {ext: {"path": f"{request.clip_id}.{ext}", "bytes": 1, "sha256": "0" * 64}
             for ext in ("mp4", "vtt")}
    files["mp4"] |= {"width": 854, "height": 480}
    clip = {"id": request.clip_id, "scene": request.scene, "language": request.language, "theme": request.theme,
            "quality": "low", "width": 854, "height": 480, "fps": 15,
            "parameters": {"start": -1.0, "learning_rate": 0.1, "steps": 10}, "files": files,
            "duration": 2.0, "hash": "h", "beats": beats}
    (out_dir / MANIFEST_NAME).write_text(json.dumps({"version": 1, "clips": [clip]}), encoding="utf-8")


@pytest.mark.parametrize("language", ["he", "en"])
def test_a_deck_says_the_notes_as_the_catalogue_has_them_now(tmp_path: Path, language: str) -> None:
    request = ClipRequest.create("rolling-descent", "low", language=language)
    values = {"start": "-1", "learning_rate": "0.1"}
    _manifest_with_beats(tmp_path, request, [
        # Rendered before an edit to these notes: the stale text is in the manifest.
        {"name": "setup", "notes": "stale notes", "start": 0.0, "end": 1.0,
         "notes_key": "rolling_descent.setup", "notes_values": values},
        # Written before beats kept their key: its notes are all there is.
        {"name": "lesson", "notes": "notes of an older manifest", "start": 1.0, "end": 2.0},
    ])
    (deck,) = collect_decks([request], tmp_path)
    assert [slide.notes for slide in deck.slides] == [
        speaker_notes("rolling_descent.setup", language, **values), "notes of an older manifest"]
    # The manifest round-trips the key and values (they are BeatRecord fields, so its JSON has them).
    (entry,) = load_manifest(tmp_path).clips
    assert entry.beats is not None
    assert entry.beats[0].notes_key == "rolling_descent.setup" and entry.beats[0].notes_values == values


def test_a_key_the_catalogue_lost_keeps_the_rendered_notes() -> None:
    beat = BeatRecord("setup", "as rendered", 0.0, 1.0, notes_key="no_such.key", notes_values={})
    assert current_notes(beat, "en") == "as rendered"
