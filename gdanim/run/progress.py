"""Progress bars on stderr: one per clip, shown only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from gdanim.task import ProgressCallback, ProgressEvent

__all__ = ["progress_bars"]

_STAGE_LABELS: dict[str, str] = {
    "check": "checking",
    "queued": "queued on the cluster",
    "render": "rendering",
    "mp4": "writing MP4",
    "gif": "making GIF",
    "png": "writing poster",
    "done": "done",
}


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """Yield a :data:`ProgressCallback` drawing a rich bar per clip, or ``None`` when bars are off.

    Bars are off when ``enabled`` is false or stderr is not a terminal, so
    logs and pipes stay clean.
    """
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.fields[clip]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    tasks: dict[str, int] = {}

    def update(event: ProgressEvent) -> None:
        if event.clip_id not in tasks:
            tasks[event.clip_id] = progress.add_task("", total=event.total, clip=event.clip_id, stage="")
        task = tasks[event.clip_id]
        total = event.total
        if event.stage == "done":
            total = max(event.completed, 1)
            progress.update(TaskID(task), total=total, completed=total, stage=_STAGE_LABELS["done"])
            return
        if total is not None and event.completed > total:
            total = event.completed
        progress.update(TaskID(task), total=total, completed=event.completed, stage=_STAGE_LABELS.get(event.stage, event.stage))

    with progress:
        yield update
