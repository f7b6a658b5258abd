"""``--scheduler``: render clips on a Dask cluster, one clip per task, with no shared storage.

This process (the client) decides which clips are stale with the same input
hash as the local path (:func:`gdanim.pipeline.check_clip`) and sends only
those. A worker renders its clip into a private folder with
:func:`gdanim.pipeline.render_clip` and returns the files' bytes (Dask splits
large messages into shards itself); the client checks each file's SHA-256,
writes it into ``--out`` atomically and merges the clip into the manifest.

Workers must render exactly what this checkout would: before any task is
sent, and again inside each task (for workers that join later), a worker's
code hash (:func:`gdanim.cache.hash_code`), tool versions and test resolution
are compared with ours; a difference is refused, naming the worker.

A clip is tried at most twice (:data:`TRIES_PER_CLIP`), whether its render
raised or its worker died. Other clips go on; failures are raised together at
the end, and the clips that succeeded stay written. The Dask settings this
needs live in ``gdanim/dask.yaml`` (:data:`DASK_CONFIG_FILE`), for a local
cluster and a real one alike. dask and distributed are imported only once a
clip has to be sent.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import signal
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Final

from gdanim.cache import hash_code, hash_inputs, read_render_seconds, record_render_seconds, tool_versions
from gdanim.errors import MESSAGES, ClusterError, RenderError
from gdanim.files import TEMP_PREFIX, atomic_path, file_digest, remove_stale_temporaries
from gdanim.manifest import record_clip
from gdanim.pipeline import (
    ClipRequest,
    ClipResult,
    ProgressCallback,
    ProgressEvent,
    check_clip,
    check_out_dir,
    clip_targets,
    normalise_formats,
    render_clip,
)
from gdanim.quality import TEST_RESOLUTION_ENV

__all__ = [
    "CONNECT_TIMEOUT_SECONDS",
    "DASK_CONFIG_FILE",
    "LOCAL_SCHEDULER",
    "TRIES_PER_CLIP",
    "WORKER_WAIT_SECONDS",
    "WorkerMismatchError",
    "check_scheduler_address",
    "render_on_cluster",
    "render_on_worker",
    "worker_fingerprint",
]

LOCAL_SCHEDULER: Final[str] = "local"
"""``--scheduler local``: start a ``LocalCluster`` of ``--jobs`` worker processes on this machine."""

CONNECT_TIMEOUT_SECONDS: Final[float] = 10.0
"""How long to try reaching a scheduler before giving up (exit 2)."""

WORKER_WAIT_SECONDS: Final[float] = 30.0
"""How long to wait for a scheduler's first worker before giving up (exit 1)."""

TRIES_PER_CLIP: Final[int] = 2
"""Most attempts at one clip: a retry after an exception here, ``allowed-failures`` in ``dask.yaml`` for dead workers."""

DASK_CONFIG_FILE: Final[Path] = Path(__file__).with_name("dask.yaml")
"""Dask settings for rendering clips: ``--scheduler local`` uses them, a real cluster is started with them."""

PROGRESS_TOPIC: Final[str] = "gdanim-progress"
"""Dask event topic on which workers publish each clip's :class:`ProgressEvent`."""

_ADDRESS: Final[re.Pattern[str]] = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?[\w.\-\[\]:]+:\d{1,5}$")

MAX_PORT: Final[int] = 65535
"""The largest TCP port: ``tcp://host:99999`` is refused at once rather than tried for seconds."""

_TASK_PREFIX: Final[str] = "gdanim-render"


def check_scheduler_address(address: str) -> str:
    """Return ``address`` if it is ``local`` or looks like ``[tcp://]host:port``.

    Raises
    ------
    ValueError
        Otherwise, with a one-line message.

    Examples
    --------
    >>> check_scheduler_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_scheduler_address("LOCAL")
    'local'
    """
    address = address.strip()
    if address.lower() == LOCAL_SCHEDULER:
        return LOCAL_SCHEDULER
    if not _ADDRESS.match(address) or not 0 < int(address.rsplit(":", 1)[1]) <= MAX_PORT:
        raise ValueError(MESSAGES["bad_scheduler"].format(address=address))
    return address


def worker_fingerprint() -> dict[str, Any]:
    """What must match between the client and a worker for a clip to render alike on both.

    The hash of the scene and render code (``scenes/``, ``gdmath/`` and the
    pipeline, :func:`gdanim.cache.hash_code`), the tool and library versions,
    and the test-only resolution override.
    """
    return {
        "code": hash_code(),
        "tools": tool_versions(),
        "resolution": os.environ.get(TEST_RESOLUTION_ENV, ""),
    }


def _difference(ours: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    """One phrase saying how a worker's fingerprint differs from ours, or ``None`` if it does not."""
    if theirs["code"] != ours["code"]:
        return (
            f"its scenes/, gdmath/ and render code hash to {theirs['code'][:12]}, here to {ours['code'][:12]}; "
            "run the same commit there"
        )
    for tool, version in ours["tools"].items():
        if theirs["tools"].get(tool) != version:
            return f"it has {tool} {theirs['tools'].get(tool)!r}, here {version!r}; install the same version there"
    if theirs["resolution"] != ours["resolution"]:
        return f"its {TEST_RESOLUTION_ENV} is {theirs['resolution']!r}, here {ours['resolution']!r}"
    return None


class WorkerMismatchError(RuntimeError):
    """Raised inside a task on a worker that would not render what the client expects."""

    def __init__(self, worker: str, difference: str) -> None:
        super().__init__(worker, difference)
        self.worker = worker
        self.difference = difference

    def __str__(self) -> str:
        return MESSAGES["worker_mismatch"].format(worker=self.worker, difference=self.difference)


def render_on_worker(
    request: ClipRequest, formats: tuple[str, ...], input_hash: str, fingerprint: dict[str, Any], sweep_id: str
) -> dict[str, Any]:
    """The task: render one clip on this Dask worker and return its manifest entry and files' bytes.

    Parameters
    ----------
    request, formats
        The clip and the extensions to write.
    input_hash
        The clip's :func:`gdanim.cache.hash_inputs` on the client.
    fingerprint
        The client's :func:`worker_fingerprint`, to explain a mismatch.
    sweep_id
        Tags this run's progress events, which other clients of the scheduler also see.

    Returns
    -------
    dict
        ``{"entry": manifest entry, "files": {extension: bytes}}``.

    Raises
    ------
    WorkerMismatchError
        If this worker's code, tools or test resolution differ from the client's.
    RenderError, MissingToolError
        As :func:`gdanim.pipeline.render_clip`.
    """
    from distributed import get_worker

    worker = get_worker()
    if hash_inputs(request) != input_hash:
        difference = _difference(fingerprint, worker_fingerprint()) or "its input hash differs"
        raise WorkerMismatchError(worker.address, difference)

    def publish(event: ProgressEvent) -> None:
        worker.log_event(PROGRESS_TOPIC, {"sweep": sweep_id, **dataclasses.asdict(event)})

    # The worker's own scratch folder: Dask removes it with the worker, even one that was killed.
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}task-", dir=worker.local_directory) as folder:
        result = render_clip(request, Path(folder), formats, force=True, on_progress=publish)
        return {"entry": result.entry, "files": {ext: path.read_bytes() for ext, path in result.files.items()}}


def _silence_dask_logs() -> None:
    """Keep Dask's log lines (a worker restarted, a connection closed) off stderr for good.

    stderr is the user's: progress bars and one-line errors. Dask logs from
    background threads until the interpreter exits, so the level is not restored.
    """
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while worker processes are spawned, so that they inherit ignoring it.

    Ctrl-C reaches every process of the terminal's foreground group. Only the
    client should act on it: it cancels the tasks and closes the cluster,
    rather than workers dying mid-render one by one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; it also is the only one Ctrl-C interrupts
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _dotted(settings: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``: ``dask.config.set`` replaces whole dicts, but sets dotted keys one by one.

    Examples
    --------
    >>> _dotted({"distributed": {"worker": {"profile": {"enabled": False}}, "scheduler": {"allowed-failures": 1}}})
    {'distributed.worker.profile.enabled': False, 'distributed.scheduler.allowed-failures': 1}
    """
    dotted: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, dict) and value:
            dotted.update(_dotted(value, f"{prefix}{key}."))
        else:
            dotted[f"{prefix}{key}"] = value
    return dotted


def _start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, if not yet running, with its leak warnings off.

    After Ctrl-C the cluster kills workers that are still rendering; the
    tracker then frees the semaphores they held and would warn about each
    "leak" on our stderr, after the one-line error. Its command line takes our
    ``-W`` options, so the warning is switched off for that process alone.
    """
    from multiprocessing import resource_tracker

    quiet = "ignore::UserWarning:multiprocessing.resource_tracker"
    sys.warnoptions.append(quiet)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions.remove(quiet)


@contextmanager
def _connect(scheduler: str, jobs: int) -> Iterator[Any]:
    """Yield a ``distributed.Client`` of the scheduler, or of a new local cluster of ``jobs`` workers."""
    import dask
    import yaml
    from distributed import Client, LocalCluster

    _silence_dask_logs()
    with ExitStack() as stack:
        if scheduler == LOCAL_SCHEDULER:
            _start_quiet_resource_tracker()
            with dask.config.set(_dotted(yaml.safe_load(DASK_CONFIG_FILE.read_text(encoding="utf-8")))), \
                    _sigint_ignored():
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=jobs,
                        threads_per_worker=1,
                        processes=True,
                        memory_limit=0,
                        # Its HTTP server starts even without bokeh: a free port never clashes with 8787.
                        dashboard_address=":0",
                        silence_logs=logging.CRITICAL,
                    )
                )
            scheduler = cluster.scheduler_address
        try:
            client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS, set_as_default=False))
        except (OSError, TimeoutError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise ValueError(MESSAGES["scheduler_unreachable"].format(address=scheduler, reason=reason)) from None
        yield client


def _has_bokeh() -> bool:
    """Dask's dashboard needs bokeh, which gdanim does not require."""
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _check_workers(client: Any, address: str, fingerprint: dict[str, Any]) -> None:
    """Wait for a worker, then refuse the cluster if any worker would render differently."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except TimeoutError:
        raise ClusterError(
            MESSAGES["scheduler_no_workers"].format(address=address, seconds=round(WORKER_WAIT_SECONDS))
        ) from None
    for worker, theirs in sorted(client.run(worker_fingerprint, on_error="return").items()):
        if isinstance(theirs, BaseException):
            reason = " ".join(str(theirs).split())
            difference = f"it cannot run gdanim.cluster ({type(theirs).__name__}: {reason}); run the same commit there"
        else:
            difference = _difference(fingerprint, theirs)
        if difference is not None:
            raise ClusterError(MESSAGES["worker_mismatch"].format(worker=worker, difference=difference))


def _dashboard_link(client: Any) -> str | None:
    """The dashboard's address, only when the scheduler really serves one.

    A scheduler always lists a "dashboard" service, its HTTP server; the pages
    themselves exist only where bokeh is installed.
    """
    try:
        served = client.run_on_scheduler(_has_bokeh)
    except Exception:
        return None  # a scheduler that cannot import gdanim: no way to tell
    return (client.dashboard_link or None) if served else None


def _write_clip(request: ClipRequest, out_dir: Path, formats: tuple[str, ...], payload: dict[str, Any]) -> ClipResult:
    """Put a worker's files in place, all or none, each checked against its SHA-256; record the clip."""
    entry = payload["entry"]
    targets = clip_targets(request, out_dir, formats)
    with ExitStack() as commit:
        for ext, target in targets.items():
            record = entry["files"][ext]
            if record["path"] != target.relative_to(out_dir).as_posix():
                raise RenderError(request.clip_id, f"the worker named its {ext} {record['path']}")
            temporary = commit.enter_context(atomic_path(target))
            temporary.write_bytes(payload["files"][ext])
            if file_digest(temporary) != (record["bytes"], record["sha256"]):
                raise RenderError(request.clip_id, f"its {ext} arrived damaged")
    # Leaving the ExitStack without an error renamed every temporary file into place.
    record_render_seconds(request.clip_id, entry["render_seconds"])
    return ClipResult(request, targets, False, record_clip(out_dir, entry))


def _failure_reason(error: BaseException) -> str:
    """One line saying why a task failed, for the user."""
    if type(error).__name__ == "KilledWorker":
        return MESSAGES["worker_died"]
    if isinstance(error, RenderError):
        return error.reason
    return " ".join(str(error).split()) or type(error).__name__


def _forward_progress(on_progress: ProgressCallback, sweep_id: str) -> Callable[[tuple[float, Any]], None]:
    """A Dask event handler passing this run's progress events from workers on to ``on_progress``."""

    def handle(event: tuple[float, Any]) -> None:
        _, message = event
        if isinstance(message, dict) and message.get("sweep") == sweep_id:
            # Dask adds fields of its own (the worker's address) to each message.
            on_progress(ProgressEvent(**{field.name: message[field.name] for field in dataclasses.fields(ProgressEvent)}))

    return handle


def _send(
    client: Any,
    stale: list[ClipRequest],
    out_dir: Path,
    formats: tuple[str, ...],
    fingerprint: dict[str, Any],
    on_progress: ProgressCallback | None,
) -> Iterator[ClipResult]:
    """Submit one task per stale clip, longest first, and yield each clip as its files land in ``out_dir``."""
    from distributed import as_completed

    sweep_id = uuid.uuid4().hex
    if on_progress is not None:
        client.subscribe_topic(PROGRESS_TOPIC, _forward_progress(on_progress, sweep_id))
        for request in stale:
            on_progress(ProgressEvent(request.clip_id, "queued"))
    stale = sorted(stale, key=lambda request: read_render_seconds(request.clip_id), reverse=True)
    # Dask does not keep submission order among independent tasks: the priority does (higher first).
    request_of = {
        client.submit(
            render_on_worker, request, formats, hash_inputs(request), fingerprint, sweep_id,
            key=f"{_TASK_PREFIX}-{request.clip_id}-{sweep_id[:8]}", pure=False, retries=TRIES_PER_CLIP - 1,
            priority=len(stale) - index,
        ): request
        for index, request in enumerate(stale)
    }
    failures: list[tuple[ClipRequest, str]] = []
    try:
        for future in as_completed(request_of, loop=client.loop):
            request = request_of[future]
            if future.status == "error":
                error = future.exception()
                if isinstance(error, WorkerMismatchError):
                    raise ClusterError(str(error))
                failures.append((request, _failure_reason(error)))
                continue
            if future.status != "finished":
                failures.append((request, f"its task was {future.status} on the cluster"))
                continue
            payload = future.result()
            future.release()
            try:
                result = _write_clip(request, out_dir, formats, payload)
            except RenderError as error:
                failures.append((request, error.reason))
                continue
            yield result
    except BaseException:
        # Ctrl-C, a caller that stopped reading, a mismatched worker: nobody wants the other clips.
        client.cancel(list(request_of), force=True)
        raise
    finally:
        if on_progress is not None:
            client.unsubscribe_topic(PROGRESS_TOPIC)
    if failures:
        names = ", ".join(request.clip_id for request, _ in failures)
        raise RenderError(names, "; ".join(dict.fromkeys(reason for _, reason in failures)))


def render_on_cluster(
    requests: list[ClipRequest],
    out_dir: Path,
    formats: tuple[str, ...],
    scheduler: str,
    jobs: int = 1,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
    on_message: Callable[[str], None] | None = None,
) -> Iterator[ClipResult]:
    """Render clips on a Dask cluster, yielding each :class:`ClipResult` once its files are in ``out_dir``.

    Parameters
    ----------
    requests
        The clips; up-to-date ones are yielded first and never sent.
    out_dir
        Output folder on this machine; workers need no access to it.
    formats
        Any of ``"mp4"``, ``"gif"``, ``"png"`` (or ``"both"``).
    scheduler
        ``tcp://host:port`` of a running ``dask scheduler``, or ``"local"``
        for a ``LocalCluster`` of ``jobs`` worker processes.
    jobs
        Worker processes of a local cluster; unused for a remote one.
    force
        Send every clip, even up-to-date ones.
    on_progress
        Receives each clip's :class:`ProgressEvent`, from the workers.
    on_message
        Receives one-line notes for stderr: how many clips were sent where,
        and the dashboard's address.

    Raises
    ------
    ValueError
        For an unusable ``out_dir`` or format, or an unreachable scheduler.
    ClusterError
        If the scheduler has no workers, or a worker differs from this checkout.
    RenderError
        Naming every clip that failed twice, after all the others were written.
    """
    created = not out_dir.exists()
    out_dir = check_out_dir(out_dir)
    try:
        yield from _render_checked(requests, out_dir, formats, scheduler, jobs, force, on_progress, on_message)
    except BaseException:
        if created:
            try:
                out_dir.rmdir()  # made for this run and still empty: an unreachable scheduler leaves no trace
            except OSError:
                pass  # clips were written into it
        raise


def _render_checked(
    requests: list[ClipRequest],
    out_dir: Path,
    formats: tuple[str, ...],
    scheduler: str,
    jobs: int,
    force: bool,
    on_progress: ProgressCallback | None,
    on_message: Callable[[str], None] | None,
) -> Iterator[ClipResult]:
    """:func:`render_on_cluster` into an ``out_dir`` that :func:`check_out_dir` accepted."""
    formats = normalise_formats(formats)
    requests = list(dict.fromkeys(requests))
    up_to_date: list[ClipResult] = []
    stale: list[ClipRequest] = []
    folders: set[Path] = set()
    for request in requests:
        result = None if force else check_clip(request, out_dir, formats)
        if result is None:
            # Refuses a path outside out_dir before anything is sent.
            folders.update(path.parent for path in clip_targets(request, out_dir, formats).values())
            stale.append(request)
        else:
            up_to_date.append(result)
    say = on_message or (lambda line: None)
    if not stale:
        say(f"sent 0 of {len(requests)} clips to {scheduler}: all are up to date")
        yield from up_to_date
        return
    fingerprint = worker_fingerprint()
    with _connect(scheduler, jobs) as client:
        _check_workers(client, client.scheduler.address, fingerprint)
        say(f"sent {len(stale)} of {len(requests)} clips to {client.scheduler.address}")
        if (link := _dashboard_link(client)) is not None:
            say(f"Dask dashboard: {link}")
        yield from up_to_date
        for folder in folders:
            remove_stale_temporaries(folder)  # left by a client killed outright
        yield from _send(client, stale, out_dir, formats, fingerprint, on_progress)
