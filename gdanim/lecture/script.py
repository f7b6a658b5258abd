"""``--format script``: the recording script of a lecture, one row per beat, as CSV and as a printable Markdown page.

``OUT/lecture/<lang>-<theme>-<quality>.csv`` has the columns
``scene,beat,seconds,notes`` in lecture order (``seconds``: the beat's length
in the silent video; ``notes``: its speaker notes). The ``.md`` beside it is
the same for reading aloud: a section per scene with its title, a line per
beat with its length and the file its recording goes to
(``<scene>/<beat>.wav`` in the narration folder), then its notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from gdanim.clip.request import ClipRequest
from gdanim.lecture.video import LECTURE_FOLDER, LecturePart, collect_lectures
from gdanim.options import LANGUAGE_NAMES, TEXT_DIRECTIONS
from gdanim.store.files import atomic_path, reporting_full_disk

__all__ = ["SCRIPT_COLUMNS", "render_csv", "render_markdown", "write_scripts"]

SCRIPT_COLUMNS: tuple[str, ...] = ("scene", "beat", "seconds", "notes")

_WORDS: dict[str, dict[str, str]] = {
    "he": {"script": "תסריט הקלטה", "seconds": "שניות", "record": "הקלטה"},
    "en": {"script": "Recording script", "seconds": "seconds", "record": "recording"},
}
"""The page's few words, in the lecture's language."""


def _seconds(frames: int, rate: int) -> str:
    return f"{frames / rate:.3f}"


def render_csv(parts: Sequence[LecturePart]) -> str:
    """The script as CSV (RFC 4180, a header row, ``\\r\\n`` line ends, UTF-8 text)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(SCRIPT_COLUMNS)
    for part in parts:
        rate = part.request.preset.frame_rate
        for beat in part.beats:
            writer.writerow([part.request.scene, beat.name, _seconds(beat.end - beat.first, rate), beat.notes])
    return buffer.getvalue()


def render_markdown(name: str, parts: Sequence[LecturePart]) -> str:
    """The script as a Markdown page, right to left in Hebrew (wrapped in ``<div dir="rtl">``)."""
    language = parts[0].request.language
    words = _WORDS.get(language, _WORDS["en"])
    direction = TEXT_DIRECTIONS.get(language, "ltr")
    lines = [f'<div dir="{direction}" lang="{language}">', "",
             f"# {words['script']} · {name} · {LANGUAGE_NAMES.get(language, language)}", ""]
    for number, part in enumerate(parts, start=1):
        rate = part.request.preset.frame_rate
        lines += [f"## {number}. {part.title}", "", f"`{part.request.scene}`", ""]
        for beat in part.beats:
            recording = f"{part.request.scene}/{beat.name}.wav"
            lines += [f"### {beat.name} · {_seconds(beat.end - beat.first, rate)} {words['seconds']}"
                      f" · {words['record']}: `{recording}`", "", beat.notes, ""]
    lines += ["</div>", ""]
    return "\n".join(lines)


def _write_if_changed(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically, unless it already holds exactly that."""
    try:
        if target.read_text(encoding="utf-8") == text:
            return
    except (OSError, ValueError):
        pass
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")


def write_scripts(requests: Sequence[ClipRequest], out_dir: Path) -> list[Path]:
    """Write the script (``.csv`` and ``.md``) of each lecture of a run's rendered clips; return their paths.

    Raises
    ------
    ValueError
        If a clip is not rendered or has no beats.
    """
    out_dir = Path(out_dir).resolve()
    folder = out_dir / LECTURE_FOLDER
    folder.mkdir(exist_ok=True)
    written = []
    with reporting_full_disk(folder):
        for name, parts in collect_lectures(requests, out_dir).items():
            for suffix, text in ((".csv", render_csv(parts)), (".md", render_markdown(name, parts))):
                target = folder / f"{name}{suffix}"
                _write_if_changed(target, text)
                written.append(target)
    return written
