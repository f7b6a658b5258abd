"""Executors: what runs a plan's tasks. One interface, three implementations.

- :class:`InProcessExecutor` (``--jobs 1``): this process, one task after another;
- :class:`gdanim.run.processes.ProcessExecutor` (``--jobs N``): N spawned worker processes;
- :class:`gdanim.run.cluster.DaskExecutor` (``--scheduler ADDRESS``): Dask workers, no shared disk.

:func:`gdanim.api.choose_executor` is the one place that picks one.

The interface (:class:`Executor`):

- ``shares_disk``: whether tasks run where they can read ``out_dir`` (then the
  plan may hold tasks that reuse earlier files, :class:`gdanim.clip.render.CutGif`);
- ``session(plan)``: a context entered before anything is yielded, e.g. to
  connect to a cluster and check its workers; the up-to-date clips are
  answered inside it;
- ``run(tasks, out_dir, on_progress)``: run every task (any kind, see
  :mod:`gdanim.task`) and yield ``(task, output)`` as each finishes, with the
  output's files already in place under ``out_dir``. How a failure is
  handled is the executor's own policy (stop at the first, or retry and
  report all at the end); it raises :class:`gdanim.errors.RenderError`,
  :class:`gdanim.errors.MissingToolError` or :class:`KeyboardInterrupt`.

What every executor shares (the plan, recording each finished clip in the
manifest and the gallery, cleaning up after unfinished tasks) lives once, in
:func:`gdanim.api.run_plan`. A new task kind needs no change here; a new
executor implements these three members.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from gdanim.task import ProgressCallback, Task, TaskOutput

if TYPE_CHECKING:  # annotations only
    from gdanim.run.plan import Plan

__all__ = ["Executor", "InProcessExecutor"]


class Executor(ABC):
    """Runs tasks and yields each one's output once its files are in ``out_dir`` (see the module docstring)."""

    shares_disk: ClassVar[bool] = True

    @contextmanager
    def session(self, plan: Plan) -> Iterator[None]:
        """Set up before anything is yielded; nothing to set up by default."""
        yield

    @abstractmethod
    def run(
        self, tasks: Sequence[Task], out_dir: Path, on_progress: ProgressCallback | None
    ) -> Generator[tuple[Task, TaskOutput], None, None]:
        """Run ``tasks`` (in the plan's order) and yield each with its output as it finishes."""


class InProcessExecutor(Executor):
    """Runs tasks one after another in this process; the first failure stops the rest."""

    def run(
        self, tasks: Sequence[Task], out_dir: Path, on_progress: ProgressCallback | None
    ) -> Generator[tuple[Task, TaskOutput], None, None]:
        for task in tasks:
            yield task, task.run(out_dir, on_progress)
