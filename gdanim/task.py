"""What an executor runs: a task renders one piece of work into a folder and hands back its files.

Every executor (:mod:`gdanim.run.executor`) runs any :class:`Task`, so a new
kind of work (a shard of a clip, a slide export) is a new task class, not a
new render loop. A task kind is a frozen, picklable dataclass with:

- ``key``: a unique name (a clip id), for progress events and error messages;
- ``label``: what a failure names (the scene);
- ``targets(out_dir)``: extension → where each of its files goes under ``out_dir``;
- ``run(out_dir, on_progress)``: do the work, write the files of ``targets(out_dir)``
  atomically, and return a :class:`TaskOutput`. It raises
  :class:`gdanim.errors.RenderError` (one line, naming ``label``),
  :class:`gdanim.errors.MissingToolError` or :class:`KeyboardInterrupt`.
- ``input_hash``: the hash of its inputs as the planner saw them, and
  ``current_input_hash()``: the same computed where it runs; an executor on
  other machines compares the two before running it.

A task whose output carries a manifest ``entry`` also has a ``request`` (the
:class:`gdanim.clip.request.ClipRequest` it completes); :func:`gdanim.api.run_plan`
records that entry and reports the clip. A task without one (a shard of a
clip, say) is a piece that a later task combines: its files land, nothing is
recorded. Adding a kind is: the dataclass, and the planner
(:func:`gdanim.run.plan.make_plan`) deciding when to emit it.

``run`` may be called in this process, in a worker process that shares the
disk, or on a Dask worker with a private scratch folder as ``out_dir`` (the
executor then moves the files to the real ``targets``). This module imports
nothing from gdanim, so every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = ["ProgressCallback", "ProgressEvent", "Task", "TaskOutput"]


@dataclass(frozen=True)
class ProgressEvent:
    """One step of one task, for progress bars.

    Attributes
    ----------
    clip_id
        The task's ``key`` (:attr:`gdanim.clip.request.ClipRequest.clip_id` for a clip).
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
class TaskOutput:
    """What a finished task hands back.

    Attributes
    ----------
    files
        Extension → path of each file it wrote (the task's ``targets``).
    entry
        What to record in the manifest for it (a :class:`gdanim.store.manifest.ClipEntry`
        for a clip), or ``None`` for work that is not a clip of its own.
    """

    files: dict[str, Path]
    entry: Any = None


class Task(Protocol):
    """The interface every task kind implements (see the module docstring)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def input_hash(self) -> str: ...

    def targets(self, out_dir: Path) -> dict[str, Path]: ...

    def run(self, out_dir: Path, on_progress: ProgressCallback | None) -> TaskOutput: ...

    def current_input_hash(self) -> str: ...
