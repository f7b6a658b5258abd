"""The plain Python API behind the CLI: render clips to MP4, GIF and PNG, skipping unchanged ones.

Typical use::

    from pathlib import Path
    from gdanim.api import ClipRequest, render_clip

    request = ClipRequest.create("rolling-descent", quality="low")
    result = render_clip(request, Path("out"), formats=("mp4", "gif"))
    result.files["mp4"]      # Path('out/rolling-descent/he-light-480p15.mp4')
    result.up_to_date        # True when nothing had changed since the last render

Every render goes the same way: requests → a plan (:func:`gdanim.run.plan.make_plan`:
the folder checked, repeats dropped, up-to-date clips answered from the
manifest without importing manim, the rest as tasks, longest first) → an
executor that runs the tasks (:func:`choose_executor`, the one place that picks
one) → each finished clip recorded in the manifest and the gallery
(:func:`run_plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path

from gdanim.clip.request import ClipRequest
from gdanim.clip.shards import JoinShards, RenderShard
from gdanim.publish.gallery import write_gallery
from gdanim.run.executor import Executor, InProcessExecutor
from gdanim.run.plan import ClipResult, Plan, check_clip, make_plan
from gdanim.store.cache import record_render_seconds
from gdanim.errors import RenderError
from gdanim.store.files import failure_reason, remove_empty_folders, remove_stale_temporaries
from gdanim.store.manifest import record_clip
from gdanim.task import ProgressCallback, ProgressEvent, Task, TaskOutput

__all__ = [
    "ClipRequest",
    "ClipResult",
    "ProgressEvent",
    "check_clip",
    "choose_executor",
    "iter_render_clips",
    "render_clip",
    "render_clips",
    "run_plan",
    "MIN_SPLIT_PIXELS",
    "shard_count",
]


def choose_executor(jobs: int = 1, scheduler: str | None = None, on_message: Callable[[str], None] | None = None) -> Executor:
    """The executor for ``--jobs`` and ``--scheduler``: Dask with a scheduler, else processes for ``jobs`` > 1, else this process.

    Raises
    ------
    ValueError
        If ``jobs`` is below 1.
    """
    if scheduler is not None:
        from gdanim.run.cluster import DaskExecutor

        return DaskExecutor(scheduler, jobs, on_message)
    if jobs != 1:
        from gdanim.run.processes import ProcessExecutor

        return ProcessExecutor(jobs)
    return InProcessExecutor()


MIN_SPLIT_PIXELS: int = 1280 * 720
"""Smallest frame a clip is split for unasked: below 720p a clip's whole render (about 2.5 s at 480p15)
costs little more than starting another process and importing manim in it, so splitting a preview
made it slower (measured: 4.5 s against 2.6 s on two cores); at 1080p60 it took 0.81× the time."""


def shard_count(split: int | None, workers: int, tasks: int, pixels: int = MIN_SPLIT_PIXELS) -> int:
    """Shards per clip: ``split`` when given, else enough to give each of ``workers`` a part of the ``tasks``.

    Unasked, clips with frames smaller than :data:`MIN_SPLIT_PIXELS` are not split.

    Examples
    --------
    >>> shard_count(None, 2, 1), shard_count(None, 2, 2), shard_count(None, 8, 3), shard_count(3, 1, 5)
    (2, 1, 2, 3)
    >>> shard_count(None, 2, 1, pixels=854 * 480), shard_count(2, 2, 1, pixels=854 * 480)
    (1, 2)
    """
    if split is not None:
        return split
    if not tasks or pixels < MIN_SPLIT_PIXELS:
        return 1
    return max(1, workers // tasks)


def run_plan(plan: Plan, executor: Executor, on_progress: ProgressCallback | None = None) -> Iterator[ClipResult]:
    """Answer a plan's up-to-date clips, run its tasks on ``executor`` and record each clip as it finishes.

    Each finished clip is merged into ``OUT/manifest.json`` and the gallery
    ``OUT/index.html`` is rewritten under the same lock. Temporary files left
    by a killed render (here or earlier) are removed from the folders the
    tasks write into, and a folder an unfinished task created stays only if
    it holds other files.
    """
    with executor.session(plan):
        for result in plan.up_to_date:
            if on_progress is not None:
                on_progress(ProgressEvent(result.request.clip_id, "done"))
            yield result
        for folder in plan.folders:
            remove_stale_temporaries(folder)
        unfinished: dict[str, Task] = {task.key: task for task in plan.tasks}
        unfinished.update(plan.joins)
        shards_done: dict[str, dict[int, TaskOutput]] = {}
        try:
            with closing(executor.run(plan.tasks, plan.out_dir, on_progress)) as outputs:
                for task, output in outputs:
                    del unfinished[task.key]
                    if isinstance(task, RenderShard):
                        done = shards_done.setdefault(task.request.clip_id, {})
                        done[task.piece] = output
                        if len(done) < task.pieces:
                            continue
                        # The clip's last shard is in: join them here, while other tasks go on.
                        task = plan.joins[task.request.clip_id].with_outcomes(done)
                        output = task.run(plan.out_dir, on_progress)
                        del unfinished[task.key]
                    if output.entry is None:
                        continue  # a piece of a clip, combined by a later task
                    if output.entry.render_seconds is not None:
                        record_render_seconds(task.key, output.entry.render_seconds)
                    try:
                        entry = record_clip(plan.out_dir, output.entry, then=write_gallery)
                    except Exception as error:  # the files are in place, but the clip is not recorded
                        raise RenderError(task.label, failure_reason(error, plan.out_dir, output.files)) from error
                    # Only a clip's task (RenderClip, JoinShards) hands back an entry, and each has its request.
                    yield ClipResult(task.request, output.files, False, entry)  # type: ignore[attr-defined]
        finally:
            for task in unfinished.values():
                if isinstance(task, JoinShards):  # the finished shards of a clip that was not joined
                    for path in task.shard_files(plan.out_dir):
                        path.unlink(missing_ok=True)
            folders = {path.parent for task in unfinished.values() for path in task.targets(plan.out_dir).values()}
            for folder in folders:
                remove_stale_temporaries(folder)
            remove_empty_folders(folders, plan.out_dir)


def iter_render_clips(
    requests: Iterable[ClipRequest],
    out_dir: Path,
    formats: Iterable[str] = ("mp4",),
    jobs: int = 1,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
    scheduler: str | None = None,
    on_message: Callable[[str], None] | None = None,
    split: int | None = None,
) -> Iterator[ClipResult]:
    """Render many clips, yielding each :class:`ClipResult` as soon as it is done (up-to-date ones first).

    Parameters
    ----------
    requests
        The clips; repeats are rendered once.
    out_dir
        Output folder; files go to ``out_dir/<scene>/<stem>.<ext>`` and each
        clip's entry into ``out_dir/manifest.json``.
    formats
        Any of ``"mp4"``, ``"gif"``, ``"png"`` (or ``"both"``).
    jobs
        Clips rendered at once, each in its own process (or the workers of a local Dask cluster).
    force
        Render even clips whose files are up to date.
    on_progress
        Receives a :class:`ProgressEvent` at each stage of each clip.
    scheduler
        A Dask scheduler's address, or ``"local"`` (see :mod:`gdanim.run.cluster`).
    on_message
        Receives one-line notes for stderr (the Dask executor's).
    split
        Cut each clip into this many shards of its animations, rendered as separate tasks and joined
        (:mod:`gdanim.clip.shards`); ``1`` never splits. ``None``: split clips of 720p and more only
        when fewer clips are to be rendered than ``jobs``, into as many shards as keep every worker
        busy (:func:`shard_count`).

    Raises
    ------
    ValueError
        For an unusable ``out_dir``, format or ``jobs``, or an unreachable scheduler.
    gdanim.store.manifest.ManifestError
        If ``OUT/manifest.json`` is not a manifest this version reads.
    MissingToolError
        If ffmpeg or gifsicle is needed and missing.
    RenderError
        If a render fails; earlier files stay as they were.
    ClusterError
        If a Dask cluster has no workers or a worker differs from this checkout.
    """
    executor = choose_executor(jobs, scheduler, on_message)
    created = not out_dir.exists()
    plan = make_plan(requests, out_dir, formats, force, reuse_files=executor.shares_disk)
    smallest = min((task.request.preset.pixel_width * task.request.preset.pixel_height
                    for task in plan.tasks if hasattr(task, "request")), default=0)
    plan = plan.split(shard_count(split, jobs, len(plan.tasks), smallest))
    if plan.joins and hasattr(executor, "here"):  # the ProcessExecutor of --jobs
        executor.here = True  # this process draws a shard too, rather than wait for the joins
    try:
        yield from run_plan(plan, executor, on_progress)
    except BaseException:
        if created:
            try:
                plan.out_dir.rmdir()  # made for this run and still empty (an unreachable scheduler): no trace
            except OSError:
                pass  # clips were written into it
        raise


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


def render_clip(
    request: ClipRequest,
    out_dir: Path,
    formats: Iterable[str] = ("mp4",),
    force: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ClipResult:
    """Render one clip into ``out_dir`` in this process, or confirm that its files are up to date.

    See :func:`iter_render_clips` for the parameters and errors.
    """
    (result,) = render_clips([request], out_dir, formats, 1, force, on_progress)
    return result
