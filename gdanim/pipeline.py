"""The plain Python API behind ``render.py``: render clips to MP4, GIF and PNG, skipping unchanged ones.

Typical use::

    from pathlib import Path
    from gdanim.pipeline import ClipRequest, render_clip

    request = ClipRequest.create("rolling-descent", quality="low")
    result = render_clip(request, Path("out"), formats=("mp4", "gif"))
    result.files["mp4"]      # Path('out/rolling-descent/he-light-480p15.mp4')
    result.up_to_date        # True when nothing had changed since the last render

A clip whose inputs are unchanged (see :func:`gdanim.cache.hash_inputs`) and
whose files still match the manifest is returned without importing manim.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from gdanim.cache import hash_inputs, media_slot, prune_slot, record_render_seconds
from gdanim.errors import MESSAGES, MissingToolError, RenderError
from gdanim.files import (
    atomic_path,
    file_digest,
    full_disk_error,
    is_inside,
    remove_empty_folders,
    remove_stale_temporaries,
    reporting_full_disk,
)
from gdanim.manifest import find_clip, read_manifest, record_clip, verify_file
from gdanim.request import FORMATS, ClipRequest

__all__ = [
    "FILE_FORMATS",
    "ClipRequest",
    "ClipResult",
    "ProgressEvent",
    "check_clip",
    "check_out_dir",
    "clip_targets",
    "iter_render_clips",
    "normalise_formats",
    "render_clip",
    "render_clips",
    "theme_colours",
]

FILE_FORMATS: Final[tuple[str, ...]] = ("mp4", "gif", "png")
"""File formats a clip can have, in the order they are written and listed."""

COMPANION_FILES: Final[dict[str, tuple[str, ...]]] = {"mp4": ("vtt",)}
"""Files written beside a format: every MP4 has its WebVTT subtitles (:mod:`gdanim.lecture.subtitles`)."""

_LATEX_TOOLS: Final[tuple[str, ...]] = ("latex", "dvisvgm")


@dataclass(frozen=True)
class ProgressEvent:
    """One step of one clip, for progress bars.

    Attributes
    ----------
    clip_id
        :attr:`ClipRequest.clip_id`.
    stage
        ``"check"``, ``"queued"`` (sent to a Dask cluster), ``"render"``, ``"mp4"``, ``"gif"``,
        ``"png"`` or ``"done"``.
    completed, total
        Animations played so far and expected (``total`` is ``None`` when unknown).
    """

    clip_id: str
    stage: str
    completed: int = 0
    total: int | None = None


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class ClipResult:
    """What :func:`render_clip` did for one clip.

    Attributes
    ----------
    request
        The clip.
    files
        Extension → absolute path of each requested file, all present and complete.
    up_to_date
        True if nothing was rendered because the files already matched the inputs.
    entry
        The clip's manifest entry (see :mod:`gdanim.manifest`).
    """

    request: ClipRequest
    files: dict[str, Path]
    up_to_date: bool
    entry: dict[str, Any] = field(repr=False)


def check_out_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and return it resolved.

    The manifest and gallery temporaries of a render killed outright
    (``.gdanim-manifest-p<pid>-*.json``) are removed from it, as each clip's
    are from its scene folder.

    Raises
    ------
    ValueError
        If it is a file or not writable.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(MESSAGES["out_is_file"].format(path=out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise ValueError(MESSAGES["out_not_writable"].format(path=out_dir)) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ValueError(MESSAGES["out_not_writable"].format(path=out_dir))
    remove_stale_temporaries(out_dir)
    return out_dir.resolve()


def normalise_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The file extensions asked for, in :data:`FILE_FORMATS` order (``"both"`` expanded).

    Raises
    ------
    ValueError
        For an unknown format, or none.
    """
    wanted: set[str] = set()
    for name in formats:
        wanted.update(FORMATS.get(name.lower(), (name.lower(),)))
    unknown = wanted.difference(FILE_FORMATS)
    if unknown or not wanted:
        raise ValueError(f"unknown format {sorted(unknown)!r}; choose from: {', '.join(FORMATS)}")
    return tuple(ext for ext in FILE_FORMATS if ext in wanted)


def clip_targets(request: ClipRequest, out_dir: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Extension → where the clip's file of that format goes in ``out_dir``.

    Raises
    ------
    ValueError
        If a path would leave ``out_dir`` (a symlinked scene folder).
    """
    extensions = [ext for name in formats for ext in (name, *COMPANION_FILES.get(name, ()))]
    targets = {ext: request.output_path(out_dir, ext) for ext in extensions}
    for path in targets.values():
        if not is_inside(path, out_dir):
            raise ValueError(MESSAGES["unsafe_path"].format(path=path, out_dir=out_dir))
    return targets


def _up_to_date_entry(
    request: ClipRequest, out_dir: Path, targets: dict[str, Path], input_hash: str
) -> dict[str, Any] | None:
    entry = find_clip(read_manifest(out_dir), request.clip_id)
    if entry is None or entry.get("hash") != input_hash:
        return None
    files = entry.get("files", {})
    for ext, path in targets.items():
        record = files.get(ext)
        if record is None or record.get("path") != path.relative_to(out_dir).as_posix():
            return None
        if not verify_file(out_dir, record):
            return None
    return entry


def theme_colours(theme: str) -> dict[str, str]:
    """Role → hex colour of a theme, background included (from :mod:`scenes.style`)."""
    from scenes.style import THEMES

    return THEMES[theme].colours()


def _probe(path: Path) -> dict[str, Any]:
    """Width, height, frame count and duration of a video or GIF, read with PyAV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = stream.frames or sum(1 for packet in container.demux(stream) if packet.dts is not None)
        return {"width": stream.codec_context.width, "height": stream.codec_context.height, "frames": frames}


def _file_record(out_dir: Path, path: Path, ext: str, size: tuple[int, int] | None) -> dict[str, Any]:
    size_bytes, sha256 = file_digest(path)
    if ext == "vtt":
        return {"path": path.relative_to(out_dir).as_posix(), "bytes": size_bytes, "sha256": sha256}
    if size is None:
        probed = _probe(path)
        size = (probed["width"], probed["height"])
    return {
        "path": path.relative_to(out_dir).as_posix(),
        "bytes": size_bytes,
        "sha256": sha256,
        "width": size[0],
        "height": size[1],
    }


def _check_tools(formats: tuple[str, ...]) -> None:
    needed = list(_LATEX_TOOLS)
    if "mp4" in formats or "gif" in formats:
        needed.append("ffmpeg")
    if "gif" in formats:
        needed.append("gifsicle")
    for tool in needed:
        if shutil.which(tool) is None:
            raise MissingToolError(tool)


def _render(
    request: ClipRequest,
    out_dir: Path,
    targets: dict[str, Path],
    input_hash: str,
    previous: dict[str, Any] | None,
    on_progress: ProgressCallback | None,
) -> dict[str, Any]:
    """Render a clip and atomically put its files in place; return its manifest entry."""
    from gdanim import scene_render  # imports manim: only here, once a render is certain

    clip_id = request.clip_id
    total = previous.get("plays") if previous else None

    def report(stage: str, completed: int = 0) -> None:
        if on_progress is not None:
            on_progress(ProgressEvent(clip_id, stage, completed, total))

    started = time.perf_counter()
    preset = request.preset
    wants_video = "mp4" in targets or "gif" in targets
    with ExitStack() as commit, media_slot() as media_dir:
        temps = {ext: commit.enter_context(atomic_path(path)) for ext, path in targets.items()}
        # Entered last, so it looks at the disk before the partial files are removed.
        commit.enter_context(reporting_full_disk(next(iter(targets.values())).parent))
        report("render")
        rendered = scene_render.render_scene(
            request, media_dir, movie=wants_video, on_play=lambda plays: report("render", plays)
        )
        files: dict[str, dict[str, Any]] = {}
        if rendered.movie is not None and "mp4" in temps:
            from gdanim.lecture.subtitles import write_mp4_with_subtitles

            report("mp4", rendered.plays)
            write_mp4_with_subtitles(rendered.movie, rendered.subtitles, temps["mp4"], temps["vtt"], request.language)
        if "gif" in temps:
            from gdanim.gif import make_gif

            report("gif", rendered.plays)
            make_gif(rendered.movie, temps["gif"], theme_colours(request.theme))
        if "png" in temps:
            report("png", rendered.plays)
            scene_render.save_poster(rendered.last_frame, temps["png"])
        for ext, tmp in temps.items():
            size = (preset.pixel_width, preset.pixel_height) if ext != "gif" else None
            files[ext] = _file_record(out_dir, tmp, ext, size) | {
                "path": targets[ext].relative_to(out_dir).as_posix()
            }
        prune_slot(media_dir)
    # Leaving the ExitStack without an error renamed every temporary file into place.
    render_seconds = time.perf_counter() - started
    record_render_seconds(clip_id, render_seconds)
    return {
        "id": clip_id,
        "scene": request.scene,
        "language": request.language,
        "theme": request.theme,
        "quality": request.quality,
        "width": preset.pixel_width,
        "height": preset.pixel_height,
        "fps": preset.frame_rate,
        "parameters": request.parameters,
        "files": files,
        "duration": round(rendered.duration, 3),
        "hash": input_hash,
        "plays": rendered.plays,
        "render_seconds": round(render_seconds, 3),
        "beats": [beat.as_dict() for beat in rendered.beats],
    }


def _current_mp4(request: ClipRequest, out_dir: Path, entry: dict[str, Any] | None, input_hash: str) -> Path | None:
    """The clip's MP4 in ``out_dir`` if the manifest vouches that it is up to date with ``input_hash``."""
    if entry is None or entry.get("hash") != input_hash:
        return None
    path = request.output_path(out_dir, "mp4")
    record = entry.get("files", {}).get("mp4")
    if record is None or record.get("path") != path.relative_to(out_dir).as_posix():
        return None
    return path if verify_file(out_dir, record) else None


def _gif_from_mp4(
    request: ClipRequest, out_dir: Path, target: Path, source: Path, entry: dict[str, Any]
) -> dict[str, Any]:
    """Add a GIF to a clip whose MP4 is up to date: cut from that same render, so manim need not run."""
    from gdanim.gif import make_gif

    with atomic_path(target) as tmp:
        make_gif(source, tmp, theme_colours(request.theme))
        record = _file_record(out_dir, tmp, "gif", None) | {"path": target.relative_to(out_dir).as_posix()}
    return {**entry, "files": {**entry["files"], "gif": record}}


def check_clip(request: ClipRequest, out_dir: Path, formats: Iterable[str] = ("mp4",)) -> ClipResult | None:
    """Return the up-to-date :class:`ClipResult` of a clip, or ``None`` if it must be rendered.

    A clip is up to date when its manifest entry has the current input hash
    (:func:`gdanim.cache.hash_inputs`) and every requested file is present
    with the recorded size and SHA-256. This never imports manim.
    """
    out_dir = out_dir.resolve()
    targets = clip_targets(request, out_dir, normalise_formats(formats))
    entry = _up_to_date_entry(request, out_dir, targets, hash_inputs(request))
    return None if entry is None else ClipResult(request, targets, True, entry)


def render_clip(
    request: ClipRequest,
    out_dir: Path,
    formats: Iterable[str] = ("mp4",),
    force: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ClipResult:
    """Render one clip into ``out_dir``, or confirm that its files are up to date.

    Parameters
    ----------
    request
        The clip.
    out_dir
        Output folder; files go to ``out_dir/<scene>/<stem>.<ext>`` and the
        clip's entry into ``out_dir/manifest.json``.
    formats
        Any of ``"mp4"``, ``"gif"``, ``"png"`` (or ``"both"``).
    force
        Render even if the files are up to date.
    on_progress
        Receives a :class:`ProgressEvent` at each stage.

    Returns
    -------
    ClipResult

    Raises
    ------
    ValueError
        For an unusable ``out_dir`` or format.
    MissingToolError
        If ffmpeg, gifsicle or LaTeX is needed and missing.
    RenderError
        If manim or a tool fails; earlier files stay as they were.
    """
    out_dir = check_out_dir(out_dir)
    formats = normalise_formats(formats)
    if not force and (result := check_clip(request, out_dir, formats)) is not None:
        if on_progress is not None:
            on_progress(ProgressEvent(request.clip_id, "done"))
        return result
    targets = clip_targets(request, out_dir, formats)
    input_hash = hash_inputs(request)
    manifest_entry = find_clip(read_manifest(out_dir), request.clip_id)
    _check_tools(formats)
    for folder in {path.parent for path in targets.values()}:
        remove_stale_temporaries(folder)
    try:
        source = None if force else _current_mp4(request, out_dir, manifest_entry, input_hash)
        if source is not None and "gif" in targets and set(formats) <= {"mp4", "gif"}:
            entry = _gif_from_mp4(request, out_dir, targets["gif"], source, manifest_entry)
        else:
            entry = _render(request, out_dir, targets, input_hash, manifest_entry, on_progress)
        entry = record_clip(out_dir, entry)
    except BaseException as error:
        remove_empty_folders({path.parent for path in targets.values()}, out_dir)
        if isinstance(error, (MissingToolError, KeyboardInterrupt)) or not isinstance(error, Exception):
            raise
        raise RenderError(request.scene, _failure_reason(error, out_dir, targets)) from error
    if on_progress is not None:
        on_progress(ProgressEvent(request.clip_id, "done", entry.get("plays", 0), entry.get("plays", 0)))
    return ClipResult(request, targets, False, entry)


def _failure_reason(error: Exception, out_dir: Path, targets: dict[str, Path]) -> str:
    """One line saying why a render failed: plainly when a disk is full, else the exception's type and words."""
    full = full_disk_error(error)
    if full is not None:
        written = Path(str(full.filename)) if full.filename else out_dir
        # Name the clip's folder rather than a temporary file; a full cache disk by the folder named.
        if is_inside(written, out_dir):
            folder = next(iter(targets.values())).parent
        else:
            folder = written if written.is_dir() else written.parent
        return MESSAGES["no_space"].format(folder=folder)
    reason = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {reason}"[:300]


def iter_render_clips(
    requests: Iterable[ClipRequest],
    out_dir: Path,
    formats: Iterable[str] = ("mp4",),
    jobs: int = 1,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
) -> Iterator[ClipResult]:
    """Render many clips, yielding each :class:`ClipResult` as soon as it is done.

    With ``jobs`` > 1 and more than one clip, clips render in that many
    separate processes (see :mod:`gdanim.workers`); up-to-date clips are
    answered first, without starting any.
    """
    from gdanim.workers import run_parallel

    formats = normalise_formats(formats)
    requests = list(dict.fromkeys(requests))
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if jobs == 1 or len(requests) <= 1:
        for request in requests:
            yield render_clip(request, out_dir, formats, force, on_progress)
        return
    yield from run_parallel(requests, out_dir, formats, jobs, force, on_progress)


def render_clips(
    requests: Iterable[ClipRequest],
    out_dir: Path,
    formats: Iterable[str] = ("mp4",),
    jobs: int = 1,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
) -> list[ClipResult]:
    """Render many clips (see :func:`iter_render_clips`) and return all results in completion order."""
    return list(iter_render_clips(requests, out_dir, formats, jobs, force, on_progress))
