"""Built text mobjects, kept in memory and (when a folder is configured) on disk.

Building a ``MarkupText`` costs about 50 ms: Pango writes an SVG, then
``svgelements`` parses it and manim builds a VMobject per glyph. The result is
a pure function of the markup, font, size, colour and the versions of manim
and Pango, so it is built once: a hit in this process costs a copy (about
0.2 ms), a hit on disk an unpickle (about 0.3 ms).

The memory cache lives here rather than in :mod:`scenes.common` so that watch
mode, which re-imports a changed ``common``, keeps it warm. The disk cache is
off unless :func:`configure` names a folder (gdanim's render pipeline does;
raw ``manim`` on a scene file does not), and every entry carries the SHA-256
of its bytes: a damaged or truncated file is ignored and rebuilt, never
unpickled. Files are written to a temporary name and renamed, so concurrent
renders sharing the folder see a whole entry or none. The entries are
pickles: the folder is the user's own cache, like manim's media folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, Final, TypeVar

__all__ = [
    "FORMAT_VERSION",
    "MAX_DISK_ENTRIES",
    "MAX_MEMORY_BYTES",
    "MAX_MEMORY_ENTRIES",
    "cached_mobject",
    "clear_memory",
    "configure",
    "entry_key",
    "memory_bytes",
    "release_between_clips",
    "statistics",
]

FORMAT_VERSION: Final[int] = 1
"""Bumped whenever what is stored changes; part of every key."""

MAX_MEMORY_ENTRIES: Final[int] = 2048
"""Most mobjects kept in memory (a scene uses about fifty; a sweep a few hundred)."""

MAX_MEMORY_BYTES: Final[int] = 4 * 1024 * 1024
"""Most bytes (pickled size) of mobjects kept in memory, about 150 texts of 27 kB: every text of
three scenes. A long sweep makes new texts with every clip (its numbers); without a budget a process
grew by about 1 MB a clip here (issue 26). Least recently used go first; the disk keeps them."""

MAX_DISK_ENTRIES: Final[int] = 4000
"""Most entries kept on disk, about 30 kB each; the least recently used go first."""

_MAGIC: Final[bytes] = b"gdanim-mobject\n"
_DIGEST_BYTES: Final[int] = 32

M = TypeVar("M")

_memory: OrderedDict[str, Any] = OrderedDict()
_sizes: dict[str, int] = {}
_folder: Path | None = None
_counts: dict[str, int] = {"memory": 0, "disk": 0, "built": 0}


def configure(folder: Path | None) -> None:
    """Keep built mobjects in ``folder`` across processes, or (``None``) in memory only."""
    global _folder
    _folder = None if folder is None else Path(folder)


def clear_memory() -> None:
    """Forget the in-memory entries (the disk stays), e.g. to measure a new process."""
    _memory.clear()
    _sizes.clear()


def memory_bytes() -> int:
    """The pickled size of the entries kept in memory (at most :data:`MAX_MEMORY_BYTES`)."""
    return sum(_sizes.values())


def release_between_clips() -> None:
    """Drop what manim keeps of every SVG it ever parsed; called before each clip renders.

    manim's ``SVG_HASH_TO_MOB_MAP`` holds a copy of every ``SVGMobject`` (each
    ``MarkupText`` is one) built in the process, without bound: about 4.6 MB a
    clip in a sweep whose numbers change per clip (issue 26). Every text gdanim
    draws is kept here instead, within :data:`MAX_MEMORY_BYTES`, so that map only
    saves a parse inside one clip.
    """
    try:
        from manim.mobject.svg import svg_mobject
    except ImportError:  # manim's layout changed: nothing of ours to release
        return
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()


def statistics() -> dict[str, int]:
    """How many mobjects came from memory, from disk, and were built since the process started."""
    return dict(_counts)


def _versions() -> dict[str, str]:
    versions = {"python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for package in ("manim", "manimpango", "pycairo", "numpy", "svgelements"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    try:
        import manimpango

        versions["pango"] = str(manimpango.pango_version())
    except (ImportError, AttributeError):
        versions["pango"] = "unknown"
    return versions


_VERSIONS: dict[str, str] | None = None


def entry_key(kind: str, arguments: dict[str, Any]) -> str:
    """SHA-256 naming one built mobject: its kind, every argument that shapes it, and the versions.

    Examples
    --------
    >>> a = entry_key("MarkupText", {"text": "1.5", "font_size": 24.0, "colour": "#1A1A1A"})
    >>> b = entry_key("MarkupText", {"text": "1.5", "font_size": 24.0, "colour": "#F2F2F2"})
    >>> len(a), a == b
    (64, False)
    """
    global _VERSIONS
    if _VERSIONS is None:
        _VERSIONS = _versions()
    described = {"format": FORMAT_VERSION, "kind": kind, "arguments": arguments, "versions": _VERSIONS}
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()


def _read(path: Path) -> tuple[Any, int] | None:
    """The mobject stored at ``path`` and its pickled size, or ``None`` when it is missing, damaged or truncated."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = len(_MAGIC) + _DIGEST_BYTES
    if len(data) <= header or not data.startswith(_MAGIC):
        return None
    payload = data[header:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC) : header]:
        return None
    try:
        value = pickle.loads(payload)
    except Exception:
        return None
    try:
        os.utime(path)  # least recently used goes first when the folder is pruned
    except OSError:
        pass
    return value, len(payload)


def _write(path: Path, payload: bytes) -> None:
    """Store the pickled ``payload`` at ``path`` atomically; a failure (full disk, read-only folder) only loses the entry."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return
    _prune(path.parent)


def _prune(folder: Path, max_entries: int = MAX_DISK_ENTRIES) -> None:
    """Keep the folder to ``max_entries`` entries, dropping the least recently used (and stale temporaries)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    if len(entries) <= max_entries:
        return

    def age(entry: os.DirEntry) -> float:
        try:
            return entry.stat().st_mtime
        except OSError:
            return 0.0
    entries.sort(key=age)
    for entry in entries[: len(entries) - max_entries]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def _remember(key: str, value: Any, size: int) -> None:
    """Keep ``value`` (``size`` bytes pickled) in memory, dropping the least recently used beyond the budgets."""
    _memory[key] = value
    _memory.move_to_end(key)
    _sizes[key] = size
    used = sum(_sizes.values())
    while len(_memory) > 1 and (len(_memory) > MAX_MEMORY_ENTRIES or used > MAX_MEMORY_BYTES):
        dropped, _ = _memory.popitem(last=False)
        used -= _sizes.pop(dropped)


def cached_mobject(kind: str, arguments: dict[str, Any], build: Callable[[], M]) -> M:
    """A fresh copy of the mobject ``build()`` makes, built once per ``kind`` and ``arguments``.

    Parameters
    ----------
    kind
        What ``build`` makes, e.g. ``"MarkupText"``; part of the key.
    arguments
        Every argument that changes the result (JSON-serialisable); part of the key.
    build
        Makes the mobject; called only on a miss. What it returns must pickle.

    Returns
    -------
    A copy (``.copy()``) the caller may move, scale and recolour freely.
    """
    key = entry_key(kind, arguments)
    value: Any = _memory.get(key)  # a mobject: it has .copy()
    if value is not None:
        _memory.move_to_end(key)
        _counts["memory"] += 1
        return value.copy()
    path = None if _folder is None else _folder / f"{key}.pickle"
    stored = None if path is None else _read(path)
    if stored is not None:
        value, size = stored
        _counts["disk"] += 1
    else:
        value = build()
        _counts["built"] += 1
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)  # its size counts against the budget
        size = len(payload)
        if path is not None:
            _write(path, payload)
    _remember(key, value, size)
    return value.copy()
