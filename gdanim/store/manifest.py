"""``OUT/manifest.json``: every clip in an output folder, its parameters, files and input hash.

This module owns the manifest: its schema is the dataclasses below
(:class:`Manifest`, :class:`ClipEntry`, :class:`FileRecord`), which are the
only code that turns it into JSON and back. On disk (version 1)::

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
clip's length in seconds; ``hash`` is :func:`gdanim.store.cache.hash_inputs`;
``plays`` (animations) and ``render_seconds`` size the next progress bar;
``vtt`` (every MP4 has one) holds the subtitles, and ``beats`` the teaching
beats with their speaker notes, for the lecture exports (:mod:`gdanim.lecture`).
Clips are sorted by ``id``.

A missing manifest is an empty one. A file that is not a manifest of this
version raises :class:`ManifestError`, for every reader alike. An entry that
does not match the schema (a field missing or of the wrong type, e.g.
``"files": null`` or ``"id": 5``; :func:`clip_problem`) is treated as absent
by every reader (:attr:`Manifest.skipped` says which and why): its clip is
rendered again, the rest of the manifest is kept, and the next write
(:func:`drop_invalid_clips` first of all) leaves it out. Writers take an
``flock`` on the output folder, read, merge their entry and atomically replace
the file, so renders running at once into one folder all land in it; a caller
that keeps a view of the manifest (the gallery) passes it as ``then``, run
under the same lock.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from gdanim.errors import MESSAGES
from gdanim.store.files import atomic_path, folder_locked, file_digest

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "BeatRecord",
    "ClipEntry",
    "FileRecord",
    "Manifest",
    "ManifestError",
    "clip_problem",
    "drop_invalid_clips",
    "load_manifest",
    "record_clip",
    "update_manifest",
]

MANIFEST_NAME: Final[str] = "manifest.json"
"""File name of the manifest inside ``--out``."""

MANIFEST_VERSION: Final[int] = 1
"""Schema version written to and expected in the manifest."""


class ManifestError(ValueError):
    """``OUT/manifest.json`` exists but is not a gdanim manifest of this version; the message says which file and why."""


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


@dataclass(frozen=True)
class FileRecord:
    """One file of a clip.

    Attributes
    ----------
    path
        POSIX path relative to the manifest's folder.
    bytes, sha256
        Size and SHA-256 of the file as written.
    width, height
        Its picture size in pixels; ``None`` for subtitles.
    """

    path: str
    bytes: int
    sha256: str
    width: int | None = None
    height: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}
        if self.width is not None:
            data |= {"width": self.width, "height": self.height}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileRecord:
        """A file record of an entry that passed :func:`clip_problem`."""
        return cls(data["path"], data["bytes"], data["sha256"], data.get("width"), data.get("height"))

    def matches(self, out_dir: Path) -> bool:
        """Whether the file in ``out_dir`` still has the recorded size and SHA-256 (size first: it is cheap)."""
        path = out_dir / self.path
        try:
            if path.stat().st_size != self.bytes:
                return False
            return file_digest(path) == (self.bytes, self.sha256)
        except OSError:
            return False


@dataclass(frozen=True)
class BeatRecord:
    """One teaching beat of a clip: its name, speaker notes, and where it starts and ends (seconds)."""

    name: str
    notes: str
    start: float
    end: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "notes": self.notes, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ClipEntry:
    """One clip of the manifest; the fields are the JSON keys (see the module docstring)."""

    id: str
    scene: str
    language: str
    theme: str
    quality: str
    width: int
    height: int
    fps: int
    parameters: dict[str, float | int]
    files: dict[str, FileRecord]
    duration: float
    hash: str
    plays: int | None = None
    render_seconds: float | None = None
    beats: tuple[BeatRecord, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "scene": self.scene, "language": self.language, "theme": self.theme,
            "quality": self.quality, "width": self.width, "height": self.height, "fps": self.fps,
            "parameters": dict(self.parameters),
            "files": {ext: record.to_json() for ext, record in self.files.items()},
            "duration": self.duration, "hash": self.hash,
        }
        if self.plays is not None:
            data["plays"] = self.plays
        if self.render_seconds is not None:
            data["render_seconds"] = self.render_seconds
        if self.beats is not None:
            data["beats"] = [beat.to_json() for beat in self.beats]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipEntry:
        """An entry that passed :func:`clip_problem`; ``ValueError`` naming the problem otherwise."""
        problem = clip_problem(data)
        if problem is not None:
            raise ValueError(problem)
        return cls(
            **{name: data[name] for name in ("id", "scene", "language", "theme", "quality", "width", "height", "fps")},
            parameters=dict(data["parameters"]),
            files={ext: FileRecord.from_json(record) for ext, record in data["files"].items()},
            duration=float(data["duration"]),
            hash=data["hash"],
            plays=data.get("plays"),
            render_seconds=data.get("render_seconds"),
            beats=None if "beats" not in data else tuple(
                BeatRecord(beat["name"], beat["notes"], beat["start"], beat["end"]) for beat in data["beats"]
            ),
        )

    def with_files(self, files: Mapping[str, FileRecord]) -> ClipEntry:
        """This entry with ``files`` added to (or replacing) its file records."""
        return replace(self, files={**self.files, **files})


@dataclass(frozen=True)
class Manifest:
    """Every clip of an output folder, sorted by id."""

    clips: tuple[ClipEntry, ...] = ()
    version: int = field(default=MANIFEST_VERSION)
    skipped: tuple[str, ...] = field(default=(), compare=False)
    """One line per entry that did not validate and is treated as absent (never written back)."""

    def find(self, clip_id: str) -> ClipEntry | None:
        """The entry of ``clip_id``, if any."""
        return next((clip for clip in self.clips if clip.id == clip_id), None)

    def merged(self, entries: Iterable[ClipEntry]) -> Manifest:
        """This manifest with ``entries`` merged in (see :func:`update_manifest`)."""
        clips = {clip.id: clip for clip in self.clips}
        for entry in entries:
            previous = clips.get(entry.id)
            if previous is not None and previous.hash == entry.hash:
                entry = replace(entry, files={**previous.files, **entry.files})
            clips[entry.id] = entry
        return Manifest(tuple(clips[key] for key in sorted(clips)))

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "clips": [clip.to_json() for clip in self.clips]}

    @classmethod
    def from_json(cls, data: Any, source: Path) -> Manifest:
        """Read a manifest's JSON; :class:`ManifestError` naming ``source`` if it is not one of this version."""
        if not isinstance(data, dict) or not isinstance(data.get("clips"), list):
            raise ManifestError(MESSAGES["manifest_unreadable"].format(path=source, reason=MESSAGES["manifest_no_clips"]))
        if data.get("version") != MANIFEST_VERSION:
            reason = MESSAGES["manifest_version"].format(version=data.get("version"), expected=MANIFEST_VERSION)
            raise ManifestError(MESSAGES["manifest_unreadable"].format(path=source, reason=reason))
        clips: list[ClipEntry] = []
        skipped: list[str] = []
        for number, clip in enumerate(data["clips"], 1):
            problem = clip_problem(clip)
            if problem is None:
                clips.append(ClipEntry.from_json(clip))
            else:
                name = clip["id"] if isinstance(clip, dict) and isinstance(clip.get("id"), str) else f"clip {number}"
                skipped.append(f"{name}: {problem}")
        return cls(tuple(clips), skipped=tuple(skipped))


def load_manifest(out_dir: Path) -> Manifest:
    """The manifest of ``out_dir``; an empty one if there is none.

    Raises
    ------
    ManifestError
        If ``OUT/manifest.json`` cannot be read as a manifest of this version.
    """
    path = Path(out_dir) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest()
    except OSError as error:
        raise ManifestError(MESSAGES["manifest_unreadable"].format(path=path, reason=error.strerror)) from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ManifestError(MESSAGES["manifest_unreadable"].format(path=path, reason=MESSAGES["manifest_not_json"].format(error=error))) from None
    return Manifest.from_json(data, path)




def _write(out_dir: Path, manifest: Manifest, then: Callable[[Path, Manifest], object] | None) -> None:
    """Atomically replace the manifest, then run ``then``; the caller holds the folder's lock."""
    with atomic_path(out_dir / MANIFEST_NAME) as tmp:
        tmp.write_text(json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if then is not None:
        then(out_dir, manifest)


def drop_invalid_clips(out_dir: Path, then: Callable[[Path, Manifest], object] | None = None) -> list[str]:
    """Remove the invalid entries from ``out_dir``'s manifest (then run ``then``); say what was dropped.

    Returns one line per entry removed (its id, or its place, and what is wrong
    with it); empty when every entry is valid, and then nothing is written.

    Raises
    ------
    ManifestError
        If the manifest cannot be read at all.
    """
    if not (out_dir / MANIFEST_NAME).is_file():
        return []
    with folder_locked(out_dir):
        manifest = load_manifest(out_dir)
        if manifest.skipped:
            _write(out_dir, manifest, then)
    return list(manifest.skipped)


def update_manifest(
    out_dir: Path, entries: Iterable[ClipEntry], then: Callable[[Path, Manifest], object] | None = None
) -> Manifest:
    """Merge clip entries into ``out_dir``'s manifest under a lock; return the new manifest.

    An entry replaces the one with the same ``id``. Its ``files`` are merged
    with the old entry's when the input ``hash`` is the same (a GIF added to an
    up-to-date MP4), and replace them when it differs (old files are stale).
    ``then(out_dir, manifest)`` runs after the write, under the same lock, so a
    view of the manifest written there (the gallery) is never older than it.
    """
    with folder_locked(out_dir):
        manifest = load_manifest(out_dir).merged(entries)
        _write(out_dir, manifest, then)
    return manifest


def record_clip(out_dir: Path, entry: ClipEntry, then: Callable[[Path, Manifest], object] | None = None) -> ClipEntry:
    """Merge one clip's entry into the manifest (:func:`update_manifest`); return the entry as merged.

    The merged entry also lists the files of an earlier render with the same
    input hash (a GIF added to an up-to-date MP4 keeps the MP4's record).
    """
    merged = update_manifest(out_dir, [entry], then).find(entry.id)
    if merged is None:  # update_manifest keeps every entry it is given
        raise RuntimeError(MESSAGES["manifest_lost_clip"].format(clip=entry.id))
    return merged
