"""The render cache outside ``--out``: manim's media folders, tool versions and input hashes.

Nothing here imports manim, so deciding that a clip is up to date stays fast.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Final, Protocol

import platformdirs

from gdanim.store.files import TEMP_PREFIX, atomic_path, remove_stale_temporaries, reporting_full_disk
from gdanim.store.source_hash import clip_sources, digest_files, drawn_keys

__all__ = [
    "CACHE_DIR_ENV",
    "MAX_CACHE_FILES_PER_SLOT",
    "MAX_SLOTS",
    "get_cache_dir",
    "hash_code",
    "hash_inputs",
    "media_slot",
    "prune_slot",
    "read_render_seconds",
    "record_render_seconds",
    "text_cache_dir",
    "tool_versions",
]

SOURCE_ROOT: Final[Path] = Path(__file__).resolve().parents[2]
"""The folder holding the ``gdanim``, ``scenes`` and ``gdmath`` packages: the checkout, or site-packages."""

CACHE_DIR_ENV: Final[str] = "GDANIM_CACHE_DIR"
"""Environment variable that moves the cache; default the user's cache folder (:func:`get_cache_dir`)."""

MAX_SLOTS: Final[int] = 8
"""Most media folders kept; one per render process running at once."""

MAX_CACHE_FILES_PER_SLOT: Final[int] = 2000
"""Most files (text SVGs) a media folder keeps; the oldest go first."""

HASHED_SOURCES: Final[tuple[str, ...]] = (
    "scenes/*.py",
    "scenes/book_listings/*.txt",
    "gdmath/*.py",
    "gdanim/options.py",
    "gdanim/clip/*.py",
)
"""Source files whose content decides what some clip looks like (a clip's own: :func:`~gdanim.store.source_hash.clip_sources`)."""

_VERSIONED_TOOLS: Final[tuple[str, ...]] = ("ffmpeg", "gifsicle")  # no scene typesets TeX: LaTeX draws nothing
_VERSIONED_PACKAGES: Final[tuple[str, ...]] = ("manim", "av", "manimpango", "pycairo", "webvtt-py")


def get_cache_dir() -> Path:
    """The cache folder: ``$GDANIM_CACHE_DIR`` if set, else the user's cache folder for gdanim.

    That is ``$XDG_CACHE_HOME/gdanim`` or ``~/.cache/gdanim`` on Linux
    (``platformdirs``), wherever gdanim is installed or checked out.
    """
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return platformdirs.user_cache_path("gdanim")


def text_cache_dir() -> Path:
    """Where built text mobjects are kept across processes (see :mod:`scenes.text_cache`)."""
    return get_cache_dir() / "mobjects"


def _tool_version(executable: str) -> str:
    """First line of ``<tool> --version`` (ffmpeg spells it ``-version``)."""
    flag = "-version" if Path(executable).name == "ffmpeg" else "--version"
    try:
        completed = subprocess.run(
            [executable, flag], capture_output=True, text=True, timeout=20, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return "unusable"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def tool_versions() -> dict[str, str]:
    """Versions of the programs and libraries that shape the output.

    Running ``ffmpeg -version`` costs tens of milliseconds, so versions are
    cached in ``tool-versions.json`` under the cache folder, keyed by each
    executable's path, size and modification time.
    """
    cache_file = get_cache_dir() / "tool-versions.json"
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    versions: dict[str, str] = {}
    changed = False
    for tool in _VERSIONED_TOOLS:
        executable = shutil.which(tool)
        if executable is None:
            versions[tool] = "missing"
            continue
        stat = os.stat(executable)
        key = f"{executable}:{stat.st_size}:{stat.st_mtime_ns}"
        if key not in cached:
            cached[key] = _tool_version(executable)
            changed = True
        versions[tool] = cached[key]
    for package in _VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    if changed:
        try:
            with atomic_path(cache_file) as tmp:
                tmp.write_text(json.dumps(cached, indent=1), encoding="utf-8")
        except OSError:
            pass  # A read-only cache only costs the next run a few milliseconds.
    return versions


def _digest_sources(digest: Any, root: Path) -> None:
    """Feed each of :data:`HASHED_SOURCES` under ``root`` into ``digest``: its name, then its code's hash."""
    digest_files(digest, root, sorted({path for pattern in HASHED_SOURCES for path in root.glob(pattern)}))


def hash_code(root: Path = SOURCE_ROOT) -> str:
    """SHA-256 of the scene and render code alone (:data:`HASHED_SOURCES` under ``root``).

    Two checkouts render alike only if this matches; Dask workers are compared by it.
    """
    digest = hashlib.sha256()
    _digest_sources(digest, root)
    return digest.hexdigest()


class HashedRequest(Protocol):
    """What :func:`hash_inputs` reads of a request (a :class:`gdanim.clip.request.ClipRequest`)."""

    @property
    def preset(self) -> Any: ...

    @property
    def scene(self) -> str: ...

    def as_dict(self) -> dict[str, object]: ...


def hash_inputs(request: HashedRequest, versions: dict[str, str] | None = None, root: Path = SOURCE_ROOT) -> str:
    """SHA-256 of everything that decides a clip's pixels.

    That is the code that draws it (its scene's module and what that imports, gdmath
    and the render code: :func:`~gdanim.store.source_hash.clip_sources`, comments and
    docstrings left out, so an edit to one scene re-renders only that scene), the captions
    that code names (:func:`~gdanim.store.source_hash.drawn_keys`), the request
    (scene, quality and its actual size, language, theme, knobs) and the tool
    versions. The requested formats are not part of it: each file of a clip is
    checked on its own, so asking for a GIF after an MP4 renders only what is
    missing.
    """
    from scenes.registry import get_spec  # manim-free

    digest = hashlib.sha256()
    sources = clip_sources(root, get_spec(request.scene).module)
    digest_files(digest, root, sources, drawn_keys(sources))
    preset = request.preset
    described = {
        "request": request.as_dict(),
        "size": [preset.pixel_width, preset.pixel_height, preset.frame_rate],
        "tools": tool_versions() if versions is None else versions,
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    return digest.hexdigest()


@contextmanager
def media_slot() -> Iterator[Path]:
    """Lock and yield a media folder for manim that no other process is using.

    Manim writes LaTeX and text SVGs into its media folder without locking,
    so two processes must never share one. Each of :data:`MAX_SLOTS` folders
    is guarded by ``flock``; the lock dies with its process, so a killed
    render never leaves a folder locked. When all are busy, a throwaway folder
    is used and removed afterwards.

    A slot starts with a copy of every SVG another slot has published (see
    :func:`prune_slot`), so a second worker does not typeset all text again.

    When the block fails, what the render left in the slot (partial movies,
    truncated SVGs) is removed, and a failure while the cache's disk is full
    is raised as ``OSError(ENOSPC)`` naming the cache folder.
    """
    cache_dir = get_cache_dir()
    slots = cache_dir / "media"
    slots.mkdir(parents=True, exist_ok=True)
    for index in range(MAX_SLOTS):
        folder = slots / f"slot-{index}"
        folder.mkdir(exist_ok=True)
        lock = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            continue
        try:
            _remove_unowned_svgs(folder)
            _copy_missing(cache_dir / "shared", folder)
            try:
                with reporting_full_disk(cache_dir):  # looks at the disk before the cleanup frees it
                    yield folder
            except BaseException:
                _remove_render_leftovers(folder)
                raise
            return
        finally:
            os.close(lock)
    folder = slots / f"overflow-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    try:
        _copy_missing(cache_dir / "shared", folder)
        with reporting_full_disk(cache_dir):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_render_leftovers(folder: Path) -> None:
    """Remove a failed render's movies, frames and truncated SVGs from its media folder.

    On a full disk they are what fills it; a later render would not reuse them anyway.
    """
    _remove_render_movies(folder)
    _remove_unowned_svgs(folder)


def _remove_render_movies(folder: Path) -> None:
    shutil.rmtree(folder / "videos", ignore_errors=True)
    shutil.rmtree(folder / "images", ignore_errors=True)


_SHARED_KINDS: Final[tuple[str, ...]] = ("Tex", "texts")
"""Media subfolders whose files are pure functions of their names (hashes), safe to share."""


class _IncompleteSvg(OSError):
    """An SVG that does not end with its closing tag."""


def _sizes(folder: Path) -> dict[str, int]:
    """Name → size in bytes of the files in ``folder`` (one ``stat`` each, no reading)."""
    sizes: dict[str, int] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                sizes[entry.name] = entry.stat().st_size
            except OSError:
                continue
    return sizes


def _copy_missing(source: Path, target: Path) -> None:
    """Copy into ``target`` the complete SVGs of ``source`` it lacks, each appearing whole by an atomic rename.

    A file ``target`` has with another size than ``source``'s is replaced too when ``source``'s is complete:
    a text SVG is a pure function of its name, so one of the two is damaged, and it is the incomplete one
    (a truncated SVG in the shared store was otherwise kept for ever, issue 26). Comparing sizes costs a
    ``stat`` per file, not a read.

    Copies, not hard links: every ``Text``/``MarkupText`` rewrites its SVG in
    place (manimpango's ``remove_last_M`` reopens it with ``open(file, "w")``),
    so a file shared between folders would be truncated under another process
    that is parsing it. With one inode per folder, only the process holding a
    slot's lock ever writes that slot's files.
    """
    for kind in _SHARED_KINDS:
        if not (source / kind).is_dir():
            continue
        (target / kind).mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target / kind)
        present = _sizes(target / kind)
        for name, size in _sizes(source / kind).items():
            if present.get(name) == size or not name.endswith(".svg") or name.startswith(TEMP_PREFIX):
                continue
            path = source / kind / name
            try:
                with atomic_path(target / kind / path.name) as tmp:
                    shutil.copy2(path, tmp)  # with its mtime: the oldest files are pruned first
                    if not _is_complete_svg(tmp):
                        raise _IncompleteSvg(path)
            except _IncompleteSvg:
                # Truncated (a render killed mid-write, a damaged disk): not worth keeping either. Files
                # appear in the store only by rename, so this is never one still being written.
                path.unlink(missing_ok=True)
            except OSError:
                pass  # gone (pruned by another process) or a full cache disk: it is only a cache


def _is_complete_svg(path: Path) -> bool:
    """True when the SVG ends with its closing tag.

    Pango and dvisvgm write an SVG straight to its final name, so a render
    killed mid-write leaves a truncated file that manim would trust forever
    (it only checks that the file exists) and fail to parse on every later run.
    """
    try:
        with path.open("rb") as svg:
            svg.seek(0, os.SEEK_END)
            svg.seek(max(0, svg.tell() - 64))
            return b"</svg>" in svg.read()
    except OSError:
        return False


def _remove_unowned_svgs(folder: Path) -> None:
    """Delete the SVGs of a media folder that the next render must not trust or write.

    Those are the truncated SVGs an interrupted render left, and hard links
    into other folders (caches of gdanim before it copied SVGs): rewriting
    those would truncate another folder's file too. Both come back from the
    shared store as this folder's own copies.
    """
    for kind in _SHARED_KINDS:
        for path in (folder / kind).glob("*.svg"):
            try:
                shared_inode = path.stat().st_nlink > 1
            except OSError:
                continue
            if shared_inode or not _is_complete_svg(path):
                path.unlink(missing_ok=True)


def prune_slot(folder: Path, max_files: int = MAX_CACHE_FILES_PER_SLOT) -> None:
    """After a successful render: publish the slot's SVGs for other slots, then keep the slot bounded.

    Rendered videos and images go; of the cached files, only the newest
    ``max_files`` stay, in the slot and in the shared store alike. The SVGs
    are not checked for truncation here (that read the end of each of about a
    thousand files, 12 ms of every render): an incomplete one is never
    shared (:func:`_copy_missing` checks each copy), and the next
    :func:`media_slot` removes it before manim could trust it.
    """
    _remove_render_movies(folder)
    shared = get_cache_dir() / "shared"
    _copy_missing(folder, shared)
    for place in (folder, shared):
        _drop_oldest(place, max_files)


def _drop_oldest(folder: Path, max_files: int) -> None:
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != ".lock"]
    if len(files) <= max_files:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for path in files[: len(files) - max_files]:
        path.unlink(missing_ok=True)


def _timing_file(clip_id: str) -> Path:
    return get_cache_dir() / "timings" / f"{clip_id.replace('/', '--')}.txt"


def record_render_seconds(clip_id: str, seconds: float) -> None:
    """Remember how long a clip took to render, whatever ``--out`` it went to (for scheduling ``--jobs``).

    At most :data:`MAX_CACHE_FILES_PER_SLOT` timings are kept; the oldest go first.
    """
    target = _timing_file(clip_id)
    try:
        with atomic_path(target) as tmp:
            tmp.write_text(f"{seconds:.3f}\n", encoding="utf-8")
        timings = sorted(target.parent.glob("*.txt"), key=lambda path: path.stat().st_mtime)
        for path in timings[:-MAX_CACHE_FILES_PER_SLOT]:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # Only scheduling gets worse without it.


def read_render_seconds(clip_id: str) -> float:
    """The last render time of a clip, or 0.0 if unknown."""
    try:
        return float(_timing_file(clip_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0.0
