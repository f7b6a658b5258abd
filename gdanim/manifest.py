"""``OUT/manifest.json``: every clip in an output folder, its parameters, files and input hash.

Schema (version 1)::

    {"version": 1,
     "clips": [{"id": "rolling-descent/he-light-480p15",
                "scene": "rolling-descent", "language": "he", "theme": "light",
                "quality": "low", "width": 854, "height": 480, "fps": 15,
                "parameters": {"start": -1.0, "learning_rate": 0.1, "steps": 10},
                "files": {"mp4": {"path": "rolling-descent/he-light-480p15.mp4",
                                  "bytes": 123456, "sha256": "…", "width": 854, "height": 480},
                          "vtt": {"path": "rolling-descent/he-light-480p15.vtt", "bytes": 2048, "sha256": "…"},
                          "gif": {…}, "png": {…}},
                "duration": 12.4,
                "hash": "<sha256 of the render inputs>",
                "plays": 23, "render_seconds": 6.1,
                "beats": [{"name": "setup", "notes": "…", "start": 0.0, "end": 3.6}, …]}]}

``path`` is relative to the folder that holds the manifest; ``duration`` is the
clip's length in seconds; ``hash`` is :func:`gdanim.cache.hash_inputs`;
``plays`` (animations) and ``render_seconds`` size the next progress bar;
``vtt`` (every MP4 has one) holds the subtitles, and ``beats`` the teaching
beats with their speaker notes, for the lecture exports (:mod:`gdanim.lecture`).
Clips are sorted by ``id``. Writers take an ``flock`` on the output folder,
read, merge their entry and atomically replace the file, so renders running at
once into one folder all land in it.

An entry that does not match the schema (a field missing or of the wrong
type, e.g. ``"files": null`` or ``"id": 5``) is treated as absent by every
reader: its clip is rendered again and the rest of the manifest is kept
(:func:`clip_problem`, :func:`drop_invalid_clips`).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from gdanim.files import atomic_path, file_digest

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "clip_problem",
    "drop_invalid_clips",
    "find_clip",
    "read_manifest",
    "record_clip",
    "update_manifest",
    "verify_file",
]

MANIFEST_NAME: Final[str] = "manifest.json"
"""File name of the manifest inside ``--out``."""

MANIFEST_VERSION: Final[int] = 1
"""Schema version written to and expected in the manifest."""


_TEXT: Final[tuple[tuple[type, ...], str]] = ((str,), "text")
_WHOLE: Final[tuple[tuple[type, ...], str]] = ((int,), "a whole number")
_NUMBER: Final[tuple[tuple[type, ...], str]] = ((int, float), "a number")
_OBJECT: Final[tuple[tuple[type, ...], str]] = ((dict,), "an object")
_LIST: Final[tuple[tuple[type, ...], str]] = ((list,), "a list")

_CLIP_FIELDS: Final[dict[str, tuple[tuple[type, ...], str]]] = {
    "id": _TEXT, "scene": _TEXT, "language": _TEXT, "theme": _TEXT, "quality": _TEXT,
    "width": _WHOLE, "height": _WHOLE, "fps": _WHOLE, "parameters": _OBJECT, "files": _OBJECT,
    "duration": _NUMBER, "hash": _TEXT,
}
"""Every field of a clip entry and the JSON type it must have (see the schema above)."""

_OPTIONAL_CLIP_FIELDS: Final[dict[str, tuple[tuple[type, ...], str]]] = {
    "plays": _WHOLE, "render_seconds": _NUMBER, "beats": _LIST,
}
"""Fields that size the next progress bar, and the beats of the lecture exports: an entry may lack them,
but not hold another type."""

_FILE_FIELDS: Final[dict[str, tuple[tuple[type, ...], str]]] = {"path": _TEXT, "bytes": _WHOLE, "sha256": _TEXT}
"""Every field of a file record in ``files``."""

_PICTURE_FIELDS: Final[dict[str, tuple[tuple[type, ...], str]]] = {"width": _WHOLE, "height": _WHOLE}
"""The fields of the record of a file with pictures (every kind but subtitles)."""

_FILE_KINDS: Final[frozenset[str]] = frozenset({"mp4", "vtt", "gif", "png"})

_BEAT_FIELDS: Final[dict[str, tuple[tuple[type, ...], str]]] = {
    "name": _TEXT, "notes": _TEXT, "start": _NUMBER, "end": _NUMBER,
}
"""Every field of a beat in ``beats``."""


def _field_problem(
    record: dict[str, Any], fields: dict[str, tuple[tuple[type, ...], str]], where: str
) -> str | None:
    """Why ``record`` lacks one of ``fields`` or holds a value of another type (or not finite), or ``None``."""
    for name, (types, described) in fields.items():
        if name not in record:
            return f'{where}has no "{name}"'
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, types) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            return f'{where}"{name}" is {json.dumps(value)[:40]}, not {described}'
    return None


def clip_problem(clip: Any) -> str | None:
    """Why a manifest entry does not match the schema, in a few words, or ``None`` if it does.

    Examples
    --------
    >>> clip_problem({"id": 5})
    '"id" is 5, not text'
    >>> clip_problem([])
    'it is not an object'
    """
    if not isinstance(clip, dict):
        return "it is not an object"
    optional = {name: kind for name, kind in _OPTIONAL_CLIP_FIELDS.items() if name in clip}
    problem = _field_problem(clip, _CLIP_FIELDS | optional, "")
    if problem is not None:
        return problem
    if not clip["files"]:
        return '"files" is empty'
    for kind, record in clip["files"].items():
        if kind not in _FILE_KINDS:
            return f'"files" has an unknown kind {kind!r}'
        if not isinstance(record, dict):
            return f'"files"."{kind}" is {json.dumps(record)[:40]}, not an object'
        fields = _FILE_FIELDS if kind == "vtt" else _FILE_FIELDS | _PICTURE_FIELDS
        problem = _field_problem(record, fields, f'"files"."{kind}" ')
        if problem is not None:
            return problem
    for number, beat in enumerate(clip.get("beats", []), start=1):
        if not isinstance(beat, dict):
            return f'beat {number} is {json.dumps(beat)[:40]}, not an object'
        problem = _field_problem(beat, _BEAT_FIELDS, f"beat {number} ")
        if problem is not None:
            return problem
    return None


def _empty() -> dict[str, Any]:
    return {"version": MANIFEST_VERSION, "clips": []}


def _read_all(out_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """The manifest of ``out_dir`` with its valid entries only, and one line per entry left out."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _empty(), []
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("clips"), list):
        return _empty(), []
    clips, problems = [], []
    for index, clip in enumerate(data["clips"]):
        problem = clip_problem(clip)
        if problem is None:
            clips.append(clip)
        else:
            name = clip["id"] if isinstance(clip, dict) and isinstance(clip.get("id"), str) else f"clip {index + 1}"
            problems.append(f"{name}: {problem}")
    return {"version": MANIFEST_VERSION, "clips": clips}, problems


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """Return the manifest of ``out_dir``, or an empty one if it is missing, unreadable or of another version.

    Entries that do not match the schema (:func:`clip_problem`) are left out, as if absent.
    """
    return _read_all(out_dir)[0]


def drop_invalid_clips(out_dir: Path) -> list[str]:
    """Remove the invalid entries from ``out_dir``'s manifest and rewrite its gallery; say what was dropped.

    Returns one line per entry removed (its id, or its place, and what is wrong
    with it); empty when every entry is valid, and then nothing is written.
    """
    if not (out_dir / MANIFEST_NAME).is_file():
        return []
    with _locked(out_dir):
        manifest, problems = _read_all(out_dir)
        if problems:
            _write(out_dir, manifest)
    return problems


def find_clip(manifest: dict[str, Any], clip_id: str) -> dict[str, Any] | None:
    """Return the entry of ``clip_id`` in a manifest, if any."""
    for clip in manifest["clips"]:
        if isinstance(clip, dict) and clip.get("id") == clip_id:
            return clip
    return None


def verify_file(out_dir: Path, record: dict[str, Any]) -> bool:
    """Whether a manifest file record still matches the file on disk (size, then SHA-256)."""
    try:
        path = out_dir / record["path"]
        if path.stat().st_size != record["bytes"]:
            return False
        return file_digest(path) == (record["bytes"], record["sha256"])
    except (OSError, KeyError, TypeError):
        return False


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the output folder itself, so no lock file is left behind."""
    descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def update_manifest(out_dir: Path, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge clip entries into ``out_dir``'s manifest under a lock; return the new manifest.

    The gallery ``OUT/index.html`` is rewritten to match (:func:`gdanim.gallery.write_gallery`).
    An entry replaces the one with the same ``id``. Its ``files`` are merged
    with the old entry's when the input ``hash`` is the same (a GIF added to an
    up-to-date MP4), and replace them when it differs (old files are stale).
    """
    with _locked(out_dir):
        manifest = read_manifest(out_dir)
        clips = {clip["id"]: clip for clip in manifest["clips"]}
        for entry in entries:
            previous = clips.get(entry["id"])
            if previous is not None and previous["hash"] == entry["hash"]:
                entry = {**entry, "files": {**previous["files"], **entry["files"]}}
            clips[entry["id"]] = entry
        manifest = {"version": MANIFEST_VERSION, "clips": [clips[key] for key in sorted(clips)]}
        _write(out_dir, manifest)
    return manifest


def _write(out_dir: Path, manifest: dict[str, Any]) -> None:
    """Atomically replace the manifest, then the gallery; the caller holds the folder's lock."""
    with atomic_path(out_dir / MANIFEST_NAME) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # Under the same lock, so a concurrent render never leaves a gallery older than the manifest.
    from gdanim.gallery import write_gallery  # the gallery reads manifests with this module

    write_gallery(out_dir, manifest)


def record_clip(out_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Merge one clip's entry into the manifest (:func:`update_manifest`); return the entry as merged.

    The merged entry also lists the files of an earlier render with the same
    input hash (a GIF added to an up-to-date MP4 keeps the MP4's record).
    """
    merged = find_clip(update_manifest(out_dir, [entry]), entry["id"])
    if merged is None:  # update_manifest keeps every entry it is given
        raise RuntimeError(f"{entry['id']} is missing from the manifest just written")
    return merged
