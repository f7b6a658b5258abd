"""``--scheduler``: run a plan's tasks on a Dask cluster, one Dask task per task, with no shared storage.

This process (the client) plans like the local executors
(:func:`gdanim.run.plan.make_plan`, the same input hashes) and sends only the
stale clips. A worker runs its task into a private folder and returns the
files' bytes and digests (Dask splits large messages into shards itself); the
client checks each file's SHA-256 and writes it into ``--out`` atomically;
:func:`gdanim.api.run_plan` then records the clip as for any executor.

Workers must render exactly what this checkout would: before any task is
sent, and again inside each task (for workers that join later), a worker's
code hash (:func:`gdanim.store.cache.hash_code`) and tool versions are compared
with ours; a difference is refused, naming the worker.

A clip is tried at most twice (:data:`TRIES_PER_CLIP`), whether its render
raised or its worker died. Other clips go on; failures are raised together at
the end, and the clips that succeeded stay written. The Dask settings this
needs live in ``gdanim/run/dask.yaml`` (:data:`DASK_CONFIG_FILE`), for a local
cluster and a real one alike. dask and distributed are imported only once a
clip has to be sent.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import signal
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from gdanim.clip.shards import clip_of
from gdanim.errors import MESSAGES, ClusterError, RenderError, one_line
from gdanim.run.executor import Executor
from gdanim.store.cache import hash_code, tool_versions
from gdanim.store.files import TEMP_PREFIX, atomic_path, file_digest
from gdanim.task import ProgressCallback, ProgressEvent, Task, TaskOutput

if TYPE_CHECKING:  # annotations only
    from gdanim.run.plan import Plan

__all__ = [
    "CONNECT_TIMEOUT_SECONDS",
    "DASK_CONFIG_FILE",
    "LOCAL_SCHEDULER",
    "TRIES_PER_CLIP",
    "WORKER_WAIT_SECONDS",
    "WorkerMismatchError",
    "check_scheduler_address",
    "DaskExecutor",
    "run_on_worker",
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
    pipeline, :func:`gdanim.store.cache.hash_code`) and the tool and library versions.
    """
    return {"code": hash_code(), "tools": tool_versions()}


def _difference(ours: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    """One phrase saying how a worker's fingerprint differs from ours, or ``None`` if it does not."""
    if theirs["code"] != ours["code"]:
        return MESSAGES["other_code"].format(theirs=theirs["code"][:12], ours=ours["code"][:12])
    for tool, version in ours["tools"].items():
        if theirs["tools"].get(tool) != version:
            return MESSAGES["other_tool"].format(tool=tool, theirs=theirs["tools"].get(tool), ours=version)
    return None


class WorkerMismatchError(RuntimeError):
    """Raised inside a task on a worker that would not render what the client expects."""

    def __init__(self, worker: str, difference: str) -> None:
        super().__init__(worker, difference)
        self.worker = worker
        self.difference = difference

    def __str__(self) -> str:
        return MESSAGES["worker_mismatch"].format(worker=self.worker, difference=self.difference)


def run_on_worker(task: Task, fingerprint: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The Dask task: run one task on this worker and return its output and its files' bytes.

    Parameters
    ----------
    task
        Any :class:`gdanim.task.Task`.
    fingerprint
        The client's :func:`worker_fingerprint`, to explain a mismatch.
    run_id
        Tags this run's progress events, which other clients of the scheduler also see.

    Returns
    -------
    dict
        ``{"entry": the output's entry, "files": {extension: bytes}, "digests": {extension: (bytes, sha256)}}``.

    Raises
    ------
    WorkerMismatchError
        If this worker computes another input hash than the client (other code or tools).
    RenderError, MissingToolError
        As the task's ``run``.
    """
    from distributed import get_worker

    worker = get_worker()
    if task.current_input_hash() != task.input_hash:
        difference = _difference(fingerprint, worker_fingerprint()) or "its input hash differs"
        raise WorkerMismatchError(worker.address, difference)

    def publish(event: ProgressEvent) -> None:
        worker.log_event(PROGRESS_TOPIC, {"sweep": run_id, **dataclasses.asdict(event)})

    # The worker's own scratch folder: Dask removes it with the worker, even one that was killed.
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}task-", dir=worker.local_directory) as folder:
        output = task.run(Path(folder), publish)
        return {
            "entry": output.entry,
            "files": {ext: path.read_bytes() for ext, path in output.files.items()},
            "digests": {ext: file_digest(path) for ext, path in output.files.items()},
        }


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
            reason = one_line(error)
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
        difference: str | None
        if isinstance(theirs, BaseException):
            reason = one_line(theirs)
            difference = MESSAGES["worker_broken"].format(error=f"{type(theirs).__name__}: {reason}")
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


def _land_files(task: Task, out_dir: Path, payload: dict[str, Any]) -> TaskOutput:
    """Put a worker's files in place, all or none, each checked against its SHA-256."""
    targets = task.targets(out_dir)
    with ExitStack() as commit:
        for ext, target in targets.items():
            temporary = commit.enter_context(atomic_path(target))
            temporary.write_bytes(payload["files"][ext])
            if file_digest(temporary) != tuple(payload["digests"][ext]):
                raise RenderError(task.key, MESSAGES["arrived_damaged"].format(ext=ext))
    # Leaving the ExitStack without an error renamed every temporary file into place.
    return TaskOutput(targets, payload["entry"])


def _why_the_task_failed(error: BaseException) -> str:
    """One line saying why a task failed, for the user."""
    if type(error).__name__ == "KilledWorker":
        return MESSAGES["worker_died"]
    if isinstance(error, RenderError):
        return error.reason
    return one_line(error)


def _progress_event_handler(on_progress: ProgressCallback, run_id: str) -> Callable[[tuple[float, Any]], None]:
    """A Dask event handler passing this run's progress events from workers on to ``on_progress``."""

    def handle(event: tuple[float, Any]) -> None:
        _, message = event
        if isinstance(message, dict) and message.get("sweep") == run_id:
            # Dask adds fields of its own (the worker's address) to each message.
            on_progress(ProgressEvent(**{field.name: message[field.name] for field in dataclasses.fields(ProgressEvent)}))

    return handle


def _send(
    client: Any, tasks: Sequence[Task], out_dir: Path, fingerprint: dict[str, Any], on_progress: ProgressCallback | None
) -> Generator[tuple[Task, TaskOutput], None, None]:
    """Submit one Dask task per task, in the plan's order, and yield each as its files land in ``out_dir``."""
    from distributed import as_completed

    run_id = uuid.uuid4().hex
    if on_progress is not None:
        client.subscribe_topic(PROGRESS_TOPIC, _progress_event_handler(on_progress, run_id))
        for task in tasks:
            on_progress(ProgressEvent(task.key, "queued"))
    # Dask does not keep submission order among independent tasks: the priority does (higher first).
    task_of = {
        client.submit(
            run_on_worker, task, fingerprint, run_id,
            key=f"{_TASK_PREFIX}-{task.key}-{run_id[:8]}", pure=False, retries=TRIES_PER_CLIP - 1,
            priority=len(tasks) - index,
        ): task
        for index, task in enumerate(tasks)
    }
    failures: list[tuple[Task, str]] = []
    try:
        for future in as_completed(task_of, loop=client.loop):
            task = task_of[future]
            if future.status == "error":
                error = future.exception()
                if isinstance(error, WorkerMismatchError):
                    raise ClusterError(str(error))
                failures.append((task, _why_the_task_failed(error)))
                continue
            if future.status != "finished":
                failures.append((task, MESSAGES["task_lost"].format(status=future.status)))
                continue
            payload = future.result()
            future.release()
            try:
                output = _land_files(task, out_dir, payload)
            except RenderError as error:
                failures.append((task, error.reason))
                continue
            yield task, output
    except BaseException:
        # Ctrl-C, a caller that stopped reading, a mismatched worker: nobody wants the other tasks.
        client.cancel(list(task_of), force=True)
        raise
    finally:
        if on_progress is not None:
            client.unsubscribe_topic(PROGRESS_TOPIC)
    if failures:
        names = ", ".join(dict.fromkeys(clip_of(task.key) for task, _ in failures))
        raise RenderError(names, "; ".join(dict.fromkeys(reason for _, reason in failures)))


class DaskExecutor(Executor):
    """Runs tasks on a Dask cluster: retries each once, goes on past failures and names them all at the end.

    Parameters
    ----------
    scheduler
        ``tcp://host:port`` of a running ``dask scheduler``, or ``"local"``
        for a ``LocalCluster`` of ``jobs`` worker processes.
    jobs
        Worker processes of a local cluster; unused for a remote one.
    on_message
        Receives one-line notes for stderr: how many clips were sent where,
        and the dashboard's address.
    """

    shares_disk: ClassVar[bool] = False

    def __init__(self, scheduler: str, jobs: int = 1, on_message: Callable[[str], None] | None = None) -> None:
        self.scheduler = scheduler
        self.jobs = jobs
        self.say = on_message or (lambda line: None)
        self._client: Any = None
        self._fingerprint: dict[str, Any] = {}

    @contextmanager
    def session(self, plan: Plan) -> Iterator[None]:
        """Connect and check the workers, unless every clip is up to date.

        Raises
        ------
        ValueError
            If the scheduler cannot be reached.
        ClusterError
            If it has no workers, or a worker differs from this checkout.
        """
        if not plan.tasks:
            self.say(MESSAGES["sent_none"].format(count=plan.requested, address=self.scheduler))
            yield
            return
        self._fingerprint = worker_fingerprint()
        with _connect(self.scheduler, self.jobs) as client:
            _check_workers(client, client.scheduler.address, self._fingerprint)
            self.say(MESSAGES["sent_some"].format(sent=len(plan.tasks), count=plan.requested,
                                                  address=client.scheduler.address))
            if (link := _dashboard_link(client)) is not None:
                self.say(MESSAGES["dashboard"].format(link=link))
            self._client = client
            try:
                yield
            finally:
                self._client = None

    def run(
        self, tasks: Sequence[Task], out_dir: Path, on_progress: ProgressCallback | None
    ) -> Generator[tuple[Task, TaskOutput], None, None]:
        if not tasks:
            return
        yield from _send(self._client, tasks, out_dir, self._fingerprint, on_progress)
