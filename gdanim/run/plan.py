"""Requests → a plan: the output folder checked, clips de-duplicated, up-to-date ones answered, the rest as tasks.

This is the one place that decides what must be rendered. Every executor
(:mod:`gdanim.run.executor`) runs the plan's tasks; nothing here imports manim.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from gdanim.clip.render import CutGif, RenderClip, clip_targets
from gdanim.clip.request import ClipRequest
from gdanim.clip.shards import JoinShards, split_tasks
from gdanim.errors import MESSAGES
from gdanim.options import normalise_formats
from gdanim.store.cache import hash_inputs, read_render_seconds
from gdanim.store.files import remove_stale_temporaries
from gdanim.store.manifest import ClipEntry, Manifest, load_manifest
from gdanim.task import Task

__all__ = ["ClipResult", "Plan", "check_clip", "check_out_dir", "make_plan", "out_dir_problem"]


@dataclass(frozen=True)
class ClipResult:
    """What became of one clip.

    Attributes
    ----------
    request
        The clip.
    files
        Extension → absolute path of each requested file, all present and complete.
    up_to_date
        True if nothing was rendered because the files already matched the inputs.
    entry
        The clip's manifest entry.
    """

    request: ClipRequest
    files: dict[str, Path]
    up_to_date: bool
    entry: ClipEntry = field(repr=False)


@dataclass(frozen=True)
class Plan:
    """What a render of some clips into one folder will do.

    Attributes
    ----------
    out_dir
        The output folder, resolved and writable.
    formats
        File extensions, in :data:`gdanim.options.FILE_FORMATS` order.
    up_to_date
        Clips whose files already match their inputs, answered without rendering.
    tasks
        The work left, longest first (by each clip's last render time), so the
        last task to finish on a busy executor is a short one.
    requested
        How many distinct clips were asked for.
    """

    out_dir: Path
    formats: tuple[str, ...]
    up_to_date: list[ClipResult]
    tasks: list[Task]
    requested: int
    joins: dict[str, JoinShards] = field(default_factory=dict)

    def split(self, pieces: int) -> Plan:
        """This plan with each clip render cut into ``pieces`` shards, and the joins that make the clips."""
        tasks, joins = split_tasks(self.tasks, pieces)
        return replace(self, tasks=tasks, joins=joins)

    @property
    def folders(self) -> set[Path]:
        """The folders the tasks write into."""
        return {path.parent for task in self.tasks for path in task.targets(self.out_dir).values()}


def out_dir_problem(text: str | Path) -> str | None:
    """Why ``text`` cannot be the output folder, in a few words, or ``None``; nothing is created.

    The CLI reports it as a bad ``--out`` before anything runs; :func:`check_out_dir` as a ``ValueError``.
    An existing folder that cannot be written is no problem yet: a run whose clips are all up to date
    writes nothing there (a read-only copy of a render, issue 26); :func:`make_plan` refuses it once
    something must be rendered. A folder still to be created needs a writable parent.

    Examples
    --------
    >>> out_dir_problem("")
    'is empty; name a folder (. for this one)'
    """
    if not str(text):  # Path("") would quietly mean the current folder
        return MESSAGES["folder_empty_name"]
    path = Path(text)
    try:
        if path.exists() and not path.is_dir():
            return MESSAGES["folder_is_file"].format(path=path)
        existing = next((parent for parent in (path, *path.parents) if parent.exists()), Path("."))
        if not existing.is_dir():  # afile/sub: no folder can be created under a file
            return MESSAGES["folder_is_file"].format(path=existing)
    except OSError as error:  # e.g. a name longer than the system allows
        return MESSAGES["folder_unusable"].format(reason=error.strerror or error)
    if existing != path and not os.access(existing, os.W_OK | os.X_OK):
        return MESSAGES["folder_not_writable"].format(path=existing)
    return None


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def check_out_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and return it resolved.

    The manifest and gallery temporaries of a render killed outright
    (``.gdanim-manifest-p<pid>-*.json``) are removed from it, as each clip's
    are from its scene folder.

    An existing folder that cannot be written is returned as it is (see
    :func:`out_dir_problem`); nothing is removed from it.

    Raises
    ------
    ValueError
        If it is a file, or missing and cannot be created.
    """
    problem = out_dir_problem(out_dir)
    if problem is None and not out_dir.is_dir():
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            problem = MESSAGES["folder_not_writable"].format(path=out_dir)
    if problem is not None:
        raise ValueError(MESSAGES["out_problem"].format(problem=problem))
    if _writable(out_dir):
        remove_stale_temporaries(out_dir)
    return out_dir.resolve()


def _current_files(entry: ClipEntry | None, targets: dict[str, Path], out_dir: Path, input_hash: str) -> bool:
    """Whether ``entry`` vouches for every file of ``targets``: same input hash, same path, same bytes on disk."""
    if entry is None or entry.hash != input_hash:
        return False
    for ext, path in targets.items():
        record = entry.files.get(ext)
        if record is None or record.path != path.relative_to(out_dir).as_posix() or not record.matches(out_dir):
            return False
    return True


def _task_for(
    request: ClipRequest, out_dir: Path, formats: tuple[str, ...], manifest: Manifest, force: bool, reuse_files: bool
) -> tuple[ClipResult | None, Task | None]:
    """Either the clip's up-to-date result or the task that makes it."""
    targets = clip_targets(request, out_dir, formats)
    input_hash = hash_inputs(request)
    entry = manifest.find(request.clip_id)
    if not force and _current_files(entry, targets, out_dir, input_hash):
        assert entry is not None
        return ClipResult(request, targets, True, entry), None
    if (not force and reuse_files and "gif" in formats and set(formats) <= {"mp4", "gif"}
            and _current_files(entry, clip_targets(request, out_dir, ("mp4",)), out_dir, input_hash)):
        return None, CutGif(request, formats, input_hash, entry)
    plays = entry.plays if entry is not None else None
    return None, RenderClip(request, formats, input_hash, plays)


def make_plan(
    requests: Iterable[ClipRequest],
    out_dir: Path,
    formats: Iterable[str] = ("mp4",),
    force: bool = False,
    reuse_files: bool = True,
) -> Plan:
    """Plan the render of ``requests`` into ``out_dir``.

    Parameters
    ----------
    requests
        The clips; repeats are rendered once.
    out_dir
        Output folder; created if missing.
    formats
        Any of ``"mp4"``, ``"gif"``, ``"png"`` (or ``"both"``).
    force
        Plan a render of every clip, even up-to-date ones.
    reuse_files
        Allow tasks that read earlier files in ``out_dir`` (a GIF cut from an
        up-to-date MP4); false for executors that do not share its disk.

    Raises
    ------
    ValueError
        For an unusable ``out_dir`` or format, or a path that would leave ``out_dir``.
    gdanim.store.manifest.ManifestError
        If ``OUT/manifest.json`` is not a manifest this version reads.
    """
    out_dir = check_out_dir(out_dir)
    formats = normalise_formats(formats)
    requests = list(dict.fromkeys(requests))
    manifest = load_manifest(out_dir)
    up_to_date: list[ClipResult] = []
    tasks: list[Task] = []
    for request in requests:
        result, task = _task_for(request, out_dir, formats, manifest, force, reuse_files)
        if result is not None:
            up_to_date.append(result)
        if task is not None:
            tasks.append(task)
    if tasks and not _writable(out_dir):  # up-to-date clips alone may come from a read-only folder
        problem = MESSAGES["folder_not_writable"].format(path=out_dir)
        raise ValueError(MESSAGES["out_problem"].format(problem=problem))
    tasks.sort(key=lambda task: read_render_seconds(task.key), reverse=True)
    return Plan(out_dir, formats, up_to_date, tasks, len(requests))


def check_clip(request: ClipRequest, out_dir: Path, formats: Iterable[str] = ("mp4",)) -> ClipResult | None:
    """Return the up-to-date :class:`ClipResult` of a clip, or ``None`` if it must be rendered.

    A clip is up to date when its manifest entry has the current input hash
    (:func:`gdanim.store.cache.hash_inputs`) and every requested file is present
    with the recorded size and SHA-256. This never imports manim.
    """
    out_dir = out_dir.resolve()
    result, _ = _task_for(request, out_dir, normalise_formats(formats), load_manifest(out_dir), False, False)
    return result
