"""``--jobs N``: run tasks in separate processes, keeping every core busy.

Each worker is a spawned Python process that imports manim once and runs
task after task, in the plan's order (longest first), writing straight into
``out_dir``. The first failure stops tasks that have not started, lets running
ones finish, and is raised. Ctrl-C reaches every worker, which removes its
unfinished temporary files before the whole run stops. A worker whose parent
is gone (``kill -9`` of the run) stops at once the same way, and writes
nothing more into ``--out``.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Final

from gdanim.errors import MESSAGES, MissingToolError, RenderError
from gdanim.run.executor import Executor, InProcessExecutor
from gdanim.task import ProgressCallback, Task, TaskOutput

__all__ = ["PARENT_CHECK_SECONDS", "UNWIND_SECONDS", "ProcessExecutor", "exit_with_parent"]

PARENT_CHECK_SECONDS: Final[float] = 0.5
"""How often a worker looks whether its parent still runs, where the kernel cannot tell it (not Linux)."""

UNWIND_SECONDS: Final[float] = 3.0
"""How long a worker whose parent is gone may take to remove its temporary files before it exits regardless."""

_PR_SET_PDEATHSIG: Final[int] = 1
"""``prctl`` option: the signal the kernel sends this process when its parent dies (``<linux/prctl.h>``)."""

_progress_queue: Any = None
_busy: bool = False
_interrupted: bool = False
_parent_gone: bool = False


def _on_interrupt(signum: int, frame: object) -> None:
    """Interrupt a render in progress once; an idle worker or one already cleaning up ignores it.

    Either way the worker starts no further clip: the pool may already have
    queued one for it.
    """
    global _busy, _interrupted
    _interrupted = True
    if _busy:
        _busy = False
        raise KeyboardInterrupt


class _ParentGone(BaseException):
    """Unwinds a render whose parent process is gone; not an ``Exception``, so nothing records it as a failure."""


def _on_parent_gone(signum: int, frame: object) -> None:
    """Stop this worker: unwind a render in progress (its temporary files go), or exit at once when idle.

    The kernel's signal and the watchdog's may both arrive; the second must not
    cut short the unwinding the first started (its temporary files would stay).
    A render that does not unwind within :data:`UNWIND_SECONDS` is ended all the same.
    """
    global _busy, _interrupted, _parent_gone
    if _parent_gone:
        return
    _parent_gone = True
    _interrupted = True
    if _busy:
        _busy = False
        threading.Timer(UNWIND_SECONDS, os._exit, (1,)).start()
        raise _ParentGone
    os._exit(1)


def _watch_parent(parent_pid: int) -> None:
    """Signal this process once its parent is gone (reparented: ``getppid`` changes)."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def exit_with_parent(parent_pid: int) -> None:
    """Make this process stop when ``parent_pid``, its parent, dies, even by ``kill -9``.

    On Linux the kernel sends ``SIGTERM`` the moment the parent dies
    (``PR_SET_PDEATHSIG``); a watchdog thread that polls the parent's id covers
    other systems and a parent that died before this was called. ``SIGTERM``
    unwinds a render in progress, so ``atomic_path`` removes its temporary
    files and nothing more is published, then the process exits.
    """
    signal.signal(signal.SIGTERM, _on_parent_gone)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl (not Linux): the watchdog alone notices
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="gdanim-parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the kernel was told to signal us


_TRACKER_WARNINGS: Final[str] = "ignore::UserWarning:multiprocessing.resource_tracker"


def _quiet_resource_tracker() -> None:
    """Keep multiprocessing's resource tracker from adding lines to a failed run's one-line error.

    The tracker is a helper process that shares our stderr. When a worker
    was killed outright (``kill -9``, the out-of-memory killer), it finds a
    semaphore nobody unregistered, removes it, and warns of "leaked semaphore
    objects" as it exits: two lines after the error that already says the
    render process died. It starts with our ``-W`` options, so this filter
    must be in place before the first pool.
    """
    if _TRACKER_WARNINGS not in sys.warnoptions:
        sys.warnoptions.append(_TRACKER_WARNINGS)


def _init_worker(progress_queue: Any, parent_pid: int) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    signal.signal(signal.SIGINT, _on_interrupt)
    exit_with_parent(parent_pid)


def _run_in_worker(task: Task, out_dir: Path) -> tuple[str, Any]:
    """Run one task; report the outcome as plain data (exceptions with extra fields do not pickle)."""
    global _busy
    if _interrupted:
        return "interrupted", None
    _busy = True
    on_progress = _progress_queue.put if _progress_queue is not None else None
    try:
        return "ok", task.run(out_dir, on_progress)
    except KeyboardInterrupt:
        return "interrupted", None
    except _ParentGone:
        os._exit(1)  # nobody is left to read a result
    except RenderError as error:
        return "render-error", (error.scene, error.reason)
    except MissingToolError as error:
        return "missing-tool", error.tool
    except ValueError as error:
        return "value-error", str(error)
    finally:
        _busy = False


def _raise_outcome(kind: str, payload: Any) -> None:
    if kind == "render-error":
        raise RenderError(*payload)
    if kind == "missing-tool":
        raise MissingToolError(payload)
    if kind == "value-error":
        raise ValueError(payload)
    if kind == "interrupted":
        raise KeyboardInterrupt


def _forward_progress(queue: Any, on_progress: ProgressCallback) -> None:
    while (event := queue.get()) is not None:
        on_progress(event)


def _finished_well(future: Future[tuple[str, Any]]) -> bool:
    return future.done() and future.exception() is None and future.result()[0] == "ok"


def _cancel(futures: set[Future[tuple[str, Any]]]) -> None:
    for future in futures:
        future.cancel()


def _worker_processes(executor: ProcessPoolExecutor) -> list[Any]:
    """The pool's worker processes (a private attribute of ``ProcessPoolExecutor``; none once it shut down)."""
    return list((getattr(executor, "_processes", None) or {}).values())


def _interrupt_workers(executor: ProcessPoolExecutor) -> None:
    """Pass Ctrl-C on to workers (they may not share our terminal) so each cleans up its temporary files."""
    for process in _worker_processes(executor):
        if process.pid is not None:
            try:
                os.kill(process.pid, signal.SIGINT)
            except ProcessLookupError:
                pass


def _stop_lingering_workers(executor: ProcessPoolExecutor, grace: float = UNWIND_SECONDS) -> None:
    """Give interrupted workers ``grace`` seconds to clean up and exit, then kill the ones still running.

    A worker that hangs after Ctrl-C (a thread of a library waiting for input
    that never comes) would otherwise keep the pool's shutdown, and the
    command, waiting for good. A killed worker's temporary files are swept by
    :func:`gdanim.api.run_plan`.
    """
    deadline = time.monotonic() + grace
    processes = _worker_processes(executor)
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()


class ProcessExecutor(Executor):
    """Runs tasks in up to ``jobs`` spawned processes; one task (or ``jobs=1``) runs in this process.

    With ``here``, this process runs the first task itself while ``jobs`` − 1
    workers run the rest: for the shards of a split clip, where it would
    otherwise only wait, it saves starting a process and importing manim in it.
    """

    def __init__(self, jobs: int, here: bool = False) -> None:
        if jobs < 1:
            raise ValueError(MESSAGES["jobs_range"].format(jobs=jobs))
        self.jobs = jobs
        self.here = here

    def run(
        self, tasks: Sequence[Task], out_dir: Path, on_progress: ProgressCallback | None
    ) -> Generator[tuple[Task, TaskOutput], None, None]:
        if self.jobs == 1 or len(tasks) <= 1:
            yield from InProcessExecutor().run(tasks, out_dir, on_progress)
            return
        _quiet_resource_tracker()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue() if on_progress is not None else None
        forwarder = None
        if queue is not None and on_progress is not None:
            forwarder = threading.Thread(target=_forward_progress, args=(queue, on_progress), daemon=True)
            forwarder.start()
        pooled = tasks[1:] if self.here else tasks
        executor = ProcessPoolExecutor(
            max_workers=min(self.jobs - self.here, len(pooled)), mp_context=context, initializer=_init_worker,
            initargs=(queue, os.getpid()),
        )
        task_of: dict[Future[tuple[str, Any]], Task] = {
            executor.submit(_run_in_worker, task, out_dir): task for task in pooled
        }
        futures = set(task_of)
        try:
            if self.here:
                yield tasks[0], tasks[0].run(out_dir, on_progress)
            while futures:
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        kind, payload = future.result()
                    except BrokenProcessPool:
                        broken = [task_of[f] for f in (done | futures) if not _finished_well(f)]
                        labels = ", ".join(dict.fromkeys(task.label for task in broken))
                        raise RenderError(labels, MESSAGES["worker_died"]) from None
                    if kind != "ok":
                        _raise_outcome(kind, payload)
                    yield task_of[future], payload
        except (KeyboardInterrupt, GeneratorExit):
            # GeneratorExit: the caller stopped reading, e.g. Ctrl-C arrived while it
            # was printing a result rather than while this generator waited. Either
            # way nobody wants the running tasks: stop them rather than wait for them.
            _cancel(futures)
            _interrupt_workers(executor)
            _stop_lingering_workers(executor)
            raise
        except BaseException:
            _cancel(futures)
            raise
        finally:
            # A worker that died outright could not clean up; gdanim.api.run_plan removes its leftovers.
            executor.shutdown(wait=True, cancel_futures=True)
            if queue is not None:
                queue.put(None)
                if forwarder is not None:
                    forwarder.join(timeout=5)
