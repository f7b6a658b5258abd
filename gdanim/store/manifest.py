"""``OUT/manifest.json``: every clip in an output folder, its parameters, files and input hash.

This module owns the manifest: its schema is the dataclasses below
(:class:`Manifest`, :class:`ClipEntry`, :class:`FileRecord`, :class:`BeatRecord`).
Their fields, in order and typed by their annotations, are the JSON keys: the
JSON is written, read back and checked from them (:func:`clip_problem`), so a
field is declared once. On disk (version 1)::

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
                "beats": [{"name": "setup", "notes": "…", "start": 0.0, "end": 3.6,
                           "notes_key": "rolling_descent.setup", "notes_values": {"start": "-1", …}}, …]}]}

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

import functools
import json
import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Final, TypeVar

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


_JSON_KINDS: Final[dict[type, tuple[tuple[type, ...], str]]] = {
    str: ((str,), "text"),
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
    dict: ((dict,), "an object"),
    tuple: ((list,), "a list"),
}
"""A field's Python type -> the JSON types it may hold and how a message names them."""

_FILE_KINDS: Final[frozenset[str]] = frozenset({"mp4", "vtt", "gif", "png"})

_NO_PICTURE_KINDS: Final[frozenset[str]] = frozenset({"vtt"})
"""File kinds without pictures: their records need no ``width``/``height``."""


@dataclass(frozen=True)
class _JsonField:
    """One field of a manifest dataclass as it appears in the JSON, read from the dataclass's annotations."""

    name: str
    types: tuple[type, ...]
    described: str
    optional: bool
    """Annotated ``X | None``: may be absent, and is left out while ``None``."""
    record: type | None
    """The dataclass of the values (``dict[str, FileRecord]``) or items (``tuple[BeatRecord, ...]``), if any."""
    item: str
    """How a message names one item of a list field (``"beat"``), from the field's metadata."""


@functools.cache
def _json_fields(cls: type) -> tuple[_JsonField, ...]:
    """The JSON fields of a manifest dataclass, in order: its dataclass fields, typed by their annotations."""
    hints = typing.get_type_hints(cls)
    result = []
    for spec in fields(cls):
        hint = hints[spec.name]
        members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        optional = type(None) in members
        (python_type,) = (member for member in members if member is not type(None))
        origin = typing.get_origin(python_type) or python_type
        record = next((arg for arg in typing.get_args(python_type) if is_dataclass(arg)), None)
        json_types, described = _JSON_KINDS[origin]
        result.append(_JsonField(spec.name, json_types, described, optional, record if isinstance(record, type) else None,
                                 spec.metadata.get("item", spec.name)))
    return tuple(result)


def _fields_problem(cls: type, record: dict[str, Any], where: str) -> str | None:
    """Why ``record``'s own fields do not match ``cls`` (one missing, of another type, not finite), or ``None``."""
    for spec in _json_fields(cls):
        if spec.name not in record:
            if spec.optional:
                continue
            return f'{where}has no "{spec.name}"'
        value = record[spec.name]
        if isinstance(value, bool) or not isinstance(value, spec.types) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            return f'{where}"{spec.name}" is {json.dumps(value)[:40]}, not {spec.described}'
    return None


def _nested_problem(cls: type, record: dict[str, Any], where: str) -> str | None:
    """Why a record held in one of ``record``'s fields (a file, a beat) does not match its dataclass, or ``None``."""
    for spec in _json_fields(cls):
        if spec.record is None or spec.name not in record:
            continue
        value = record[spec.name]
        items = value.items() if isinstance(value, dict) else enumerate(value, start=1)
        for key, item in items:
            inner = f'{where}"{spec.name}"."{key}" ' if isinstance(value, dict) else f"{where}{spec.item} {key} "
            if not isinstance(item, dict):
                return f"{inner.rstrip()} is {json.dumps(item)[:40]}, not an object"
            problem = _fields_problem(spec.record, item, inner) or _nested_problem(spec.record, item, inner)
            if problem is not None:
                return problem
    return None


def clip_problem(clip: Any) -> str | None:
    """Why a manifest entry does not match the schema (:class:`ClipEntry`), in a few words, or ``None`` if it does.

    Examples
    --------
    >>> clip_problem({"id": 5})
    '"id" is 5, not text'
    >>> clip_problem([])
    'it is not an object'
    """
    if not isinstance(clip, dict):
        return "it is not an object"
    problem = _fields_problem(ClipEntry, clip, "")
    if problem is not None:
        return problem
    if not clip["files"]:
        return '"files" is empty'
    unknown = sorted(set(clip["files"]) - _FILE_KINDS)
    if unknown:
        return f'"files" has an unknown kind {unknown[0]!r}'
    problem = _nested_problem(ClipEntry, clip, "")
    if problem is not None:
        return problem
    for kind, record in clip["files"].items():
        for name in () if kind in _NO_PICTURE_KINDS else ("width", "height"):
            if record.get(name) is None:
                return f'"files"."{kind}" has no "{name}"'
    return None


def _to_json(value: Any) -> Any:
    """A manifest dataclass (or a dict or tuple of them) as JSON: its fields in order, ``None`` fields left out."""
    if is_dataclass(value) and not isinstance(value, type):
        return {spec.name: _to_json(getattr(value, spec.name)) for spec in _json_fields(type(value))
                if getattr(value, spec.name) is not None}
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    return value


RecordT = TypeVar("RecordT")


def _from_json(cls: type[RecordT], data: dict[str, Any]) -> RecordT:
    """A manifest dataclass from JSON that passed :func:`clip_problem`; absent optional fields stay ``None``."""
    values: dict[str, Any] = {}
    for spec in _json_fields(typing.cast(type, cls)):
        if spec.name not in data:
            continue
        value = data[spec.name]
        if spec.record is not None:
            record = spec.record
            value = ({key: _from_json(record, item) for key, item in value.items()} if isinstance(value, dict)
                     else tuple(_from_json(record, item) for item in value))
        elif spec.types == _JSON_KINDS[float][0]:
            value = float(value)
        elif isinstance(value, dict):
            value = dict(value)
        values[spec.name] = value
    return cls(**values)


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
        """The record as JSON (its fields; no ``width``/``height`` for subtitles)."""
        data: dict[str, Any] = _to_json(self)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileRecord:
        """A file record of an entry that passed :func:`clip_problem`."""
        return _from_json(cls, data)

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
    """One teaching beat of a clip: its name, speaker notes, and where it starts and ends (seconds).

    ``notes_key`` and ``notes_values`` (absent in manifests written before them) say
    what ``notes`` was filled from, so an export can fill it again from the
    catalogue as it is now (:func:`gdanim.lecture.deck.current_notes`).
    """

    name: str
    notes: str
    start: float
    end: float
    notes_key: str | None = None
    notes_values: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """The beat as JSON."""
        data: dict[str, Any] = _to_json(self)
        return data


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
    beats: tuple[BeatRecord, ...] | None = field(default=None, metadata={"item": "beat"})

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON: its fields in order, the optional ones only when set."""
        data: dict[str, Any] = _to_json(self)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipEntry:
        """An entry that passed :func:`clip_problem`; ``ValueError`` naming the problem otherwise."""
        problem = clip_problem(data)
        if problem is not None:
            raise ValueError(problem)
        return _from_json(cls, data)

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
