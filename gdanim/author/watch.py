"""Watch mode: re-render a preview each time a file under ``scenes/`` or ``gdmath/`` is saved.

One long-lived process imports manim once. On a change it forgets only the
changed project modules (in ``scenes`` and ``gdmath``) and the project modules
that import them, found from their ``import`` statements; the next render
imports them afresh, in dependency order, while manim and the untouched
modules stay loaded with their caches warm. A save costs a scene's
construction and drawing, not manim's import. File events come from
``watchdog``; a burst of events from one editor save is collapsed into one
render.
"""

from __future__ import annotations

import ast
import ctypes
import importlib
import importlib.util
import sys
import threading
import time
import traceback
import multiprocessing
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from gdanim.clip.request import ClipRequest
from gdanim.errors import MESSAGES, RenderError
from gdanim.run.executor import Executor
from gdanim.run import processes
from gdanim.task import ProgressCallback, Task, TaskOutput

__all__ = [
    "DEBOUNCE_SECONDS",
    "RENDER_TIME_LIMIT_SECONDS",
    "RenderSuperseded",
    "RenderTimedOut",
    "PROJECT_PACKAGES",
    "SourceChangeHandler",
    "WarmExecutor",
    "describe_error",
    "forget_bytecode",
    "import_graph",
    "module_name",
    "purge_changed_modules",
    "project_dirs",
    "purge_project_modules",
    "watch",
    "watch_clip",
]

PROJECT_PACKAGES: Final[tuple[str, ...]] = ("gdmath", "scenes")
"""The packages whose sources are watched and re-imported on a change (never manim)."""

DEBOUNCE_SECONDS: Final[float] = 0.15
"""Quiet time after the last file event before rendering.

Editors save in bursts (write a temporary file, rename it, touch a backup,
update metadata) that span a few milliseconds; this is long enough to see one
save as one change and short enough to keep save-to-preview well under 3 s.
"""

RENDER_TIME_LIMIT_SECONDS: Final[float] = 120.0
"""A preview render still running after this long is stopped (an endless loop in ``construct()``).

A low-quality preview takes seconds; two minutes leaves room for a long scene on busy cores.
"""

_STOP_POLL_SECONDS: Final[float] = 0.05

_SOURCE_SUFFIXES: Final[frozenset[str]] = frozenset({".py"})
"""Only Python sources trigger a render; editor swap and backup files do not."""


def project_dirs() -> list[Path]:
    """The folders of the project's packages, where they are imported from.

    Resolved through the import system rather than assumed next to this file,
    so a checkout (or a copy of one) watches the sources it actually runs.
    """
    return [Path(str(importlib.import_module(name).__file__)).resolve().parent for name in PROJECT_PACKAGES]


def _imported_names(module: str, source: str, is_package: bool) -> set[str]:
    """Every module name an ``import`` statement in ``source`` may bind, relative imports resolved."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            # ``from scenes import common`` imports the submodule scenes.common.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(packages: Sequence[str] = PROJECT_PACKAGES) -> dict[str, set[str]]:
    """Which loaded project modules each loaded project module imports, read from their sources.

    Parameters
    ----------
    packages
        Top-level packages that make up the project.

    Returns
    -------
    dict
        Module name → names of the loaded project modules it imports.
    """
    loaded = {
        name: module
        for name, module in list(sys.modules.items())
        if name.split(".", 1)[0] in packages and getattr(module, "__file__", None)
    }
    graph: dict[str, set[str]] = {}
    for name, module in loaded.items():
        path = Path(str(module.__file__))
        try:
            source = path.read_text(encoding="utf-8")
            imported = _imported_names(name, source, path.name == "__init__.py")
        except (OSError, SyntaxError, ValueError):
            imported = set(loaded)  # unreadable now: assume it may depend on anything
        graph[name] = {other for other in imported if other in loaded and other != name}
    return graph


def module_name(path: Path, roots: Sequence[Path]) -> str | None:
    """The dotted module name of a source file under one of the import ``roots``.

    Examples
    --------
    >>> module_name(Path("/p/scenes/common.py"), [Path("/p")]), module_name(Path("/p/gdmath/__init__.py"), [Path("/p")])
    ('scenes.common', 'gdmath')
    """
    for root in roots:
        if path.is_relative_to(root):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts) or None
    return None


def purge_changed_modules(
    changed: Iterable[str], packages: Sequence[str] = PROJECT_PACKAGES
) -> list[str]:
    """Forget the changed project modules and every loaded project module that imports them.

    A module that neither changed nor depends on a change stays imported, with
    its caches warm (a scene's text cache, say), so a save costs only what it
    must. manim and every other library always stay imported.

    Parameters
    ----------
    changed
        Dotted names of the modules whose sources changed.
    packages
        Top-level packages that make up the project.

    Returns
    -------
    list of str
        The module names removed from :data:`sys.modules`, sorted.
    """
    importers: dict[str, set[str]] = {}
    for name, imported in import_graph(packages).items():
        for dependency in imported:
            importers.setdefault(dependency, set()).add(name)
    stale: set[str] = set()
    pending = [name for name in changed if name.split(".", 1)[0] in packages]
    while pending:
        name = pending.pop()
        if name not in stale:
            stale.add(name)
            pending.extend(importers.get(name, ()))
    return sorted(_drop_modules(stale))


def purge_project_modules(packages: Sequence[str] = PROJECT_PACKAGES) -> list[str]:
    """Forget every project module, so the next import reads all their sources again.

    The fallback when a changed file cannot be named as a module.

    Parameters
    ----------
    packages
        Top-level package names to forget, with all their submodules.

    Returns
    -------
    list of str
        The module names removed from :data:`sys.modules`.

    Examples
    --------
    >>> import types
    >>> sys.modules["demo_package.scene"] = types.ModuleType("demo_package.scene")
    >>> purge_project_modules(["demo_package"])
    ['demo_package.scene']
    >>> "demo_package.scene" in sys.modules
    False
    """
    return _drop_modules([name for name in sys.modules if name.split(".", 1)[0] in packages])


def _drop_modules(names: Iterable[str]) -> list[str]:
    """Remove loaded modules and their bytecode, so the next import compiles their sources anew.

    The bytecode goes too because Python trusts a ``.pyc`` whose recorded
    source size and whole-second mtime match: an edit of the same length within
    the second of the last compile would otherwise bring back the old code.
    """
    removed = []
    for name in names:
        module = sys.modules.pop(name, None)
        if module is None:
            continue
        removed.append(name)
        source = getattr(module, "__file__", None)
        if source and source.endswith(".py"):
            forget_bytecode([Path(source)])
    importlib.invalidate_caches()
    return removed


def _innermost(error: BaseException) -> BaseException:
    """Follow ``raise ... from`` to the exception a wrapper (such as ``RenderError``) reports."""
    seen = {id(error)}
    while error.__cause__ is not None and id(error.__cause__) not in seen:
        error = error.__cause__
        seen.add(id(error))
    return error


def _display_path(filename: str, directories: Sequence[Path]) -> str:
    """A source path as ``package/module.py`` when it is in a watched package, else as given."""
    path = Path(filename)
    for directory in directories:
        if path.is_relative_to(directory):
            return path.relative_to(directory.parent).as_posix()
    return filename


def describe_error(error: BaseException, directories: Sequence[Path]) -> str:
    """One line ``file:line: Kind: message`` for an error raised while rendering a scene.

    The location is the innermost frame in the watched packages, which is the
    author's code rather than manim's or the pipeline's, or for a syntax error
    the place the parser stopped.

    Parameters
    ----------
    error
        The exception, possibly wrapping the original one.
    directories
        The watched package folders (``scenes/``, ``gdmath/``); paths in them are
        shown from the package name on.

    Returns
    -------
    str
        A single line, without a trailing newline.

    Examples
    --------
    >>> describe_error(SyntaxError("invalid syntax", ("/p/scenes/a.py", 3, 1, "x(")), [Path("/p/scenes")])
    'scenes/a.py:3: SyntaxError: invalid syntax'
    """
    original = _innermost(error)
    kind = type(original).__name__
    if isinstance(original, SyntaxError) and original.filename:
        location = f"{_display_path(original.filename, directories)}:{original.lineno}"
        message = original.msg
    else:
        frames = traceback.extract_tb(original.__traceback__)
        inside = [frame for frame in frames if any(Path(frame.filename).is_relative_to(d) for d in directories)]
        last = (inside or frames)[-1] if (inside or frames) else None
        location = f"{_display_path(last.filename, directories)}:{last.lineno}" if last else "<unknown>"
        message = str(original)
    first_line = (message.strip().splitlines() or [""])[0]
    return f"{location}: {kind}: {first_line}" if first_line else f"{location}: {kind}"


class SourceChangeHandler(FileSystemEventHandler):
    """Collects the Python sources that are created, changed, moved or deleted.

    Parameters
    ----------
    changed
        Set on every relevant file event; the watch loop clears it.
    """

    def __init__(self, changed: threading.Event) -> None:
        super().__init__()
        self._changed = changed
        self._lock = threading.Lock()
        self._paths: set[Path] = set()

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Record the change when the event touches a ``.py`` file outside ``__pycache__``."""
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        paths = [Path(str(path)) for path in (event.src_path, getattr(event, "dest_path", "")) if path]
        sources = [path for path in paths if _is_source(path)]
        if sources:
            with self._lock:
                self._paths.update(sources)
            self._changed.set()

    def take_paths(self) -> set[Path]:
        """The sources changed since the last call."""
        with self._lock:
            paths, self._paths = self._paths, set()
        return paths


def _is_source(path: Path) -> bool:
    """Whether a file event's path is a project source worth re-rendering for."""
    return path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts


def forget_bytecode(sources: Iterable[Path]) -> None:
    """Delete the cached bytecode of changed sources.

    Python trusts a ``.pyc`` whose recorded source size and mtime (in whole
    seconds) match, so two saves of the same length within one second would
    otherwise import the stale code.
    """
    for source in sources:
        Path(importlib.util.cache_from_source(str(source))).unlink(missing_ok=True)


class RenderSuperseded(BaseException):
    """Raised inside a render that a newer save made pointless; not an ``Exception``, so scene code cannot catch it."""


class RenderTimedOut(BaseException):
    """Raised inside a render that ran past its time limit (see :data:`RENDER_TIME_LIMIT_SECONDS`)."""


def _raise_in_thread(ident: int, exception: type[BaseException] | None) -> None:
    """Make thread ``ident`` raise ``exception`` at its next bytecode (``None`` cancels one not raised yet).

    Unlike a signal this works in any thread, and it stops a loop of pure
    Python such as ``while True: pass``.
    """
    pending = ctypes.py_object(exception) if exception else None  # None is NULL: cancel
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), pending)


@contextmanager
def _stoppable(changed: threading.Event, time_limit: float) -> Iterator[None]:
    """Run the block, stopping it with :class:`RenderSuperseded` on a save or :class:`RenderTimedOut` at the limit."""
    ident = threading.get_ident()
    lock = threading.Lock()
    finished = False
    fired: list[type[BaseException]] = []
    deadline = time.monotonic() + time_limit

    def monitor() -> None:
        while True:
            time.sleep(_STOP_POLL_SECONDS)
            reason = RenderSuperseded if changed.is_set() else RenderTimedOut if time.monotonic() > deadline else None
            with lock:
                if finished:
                    return
                if reason is not None:
                    fired.append(reason)
                    _raise_in_thread(ident, reason)
                    return

    thread = threading.Thread(target=monitor, name="gdanim-render-monitor", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with lock:
            finished = True
            if fired:
                _raise_in_thread(ident, None)  # the block ended before the exception arrived
        thread.join()


def _wait_for_save(changed: threading.Event, debounce: float) -> None:
    """Block until a change, then until ``debounce`` seconds pass with no further change."""
    changed.wait()
    changed.clear()
    while changed.wait(debounce):
        changed.clear()


def watch(
    render: Callable[[], Sequence[Path]],
    *,
    on_paths: Callable[[Sequence[Path]], None],
    on_error: Callable[[str], None],
    directories: Sequence[Path] | None = None,
    packages: Sequence[str] = PROJECT_PACKAGES,
    debounce: float = DEBOUNCE_SECONDS,
    time_limit: float = RENDER_TIME_LIMIT_SECONDS,
) -> None:
    """Render now, then again after every saved change, until interrupted.

    A render still running after ``time_limit`` seconds is stopped and
    reported; one that a new save makes stale is stopped, reported, and the
    new sources rendered at once.

    Before each render after the first, the changed modules and their
    importers are purged (:func:`purge_changed_modules`) so the render
    imports the saved sources. An error while importing or
    rendering is reported as one line through ``on_error`` and the watch goes
    on; the next save tries again.

    Parameters
    ----------
    render
        Renders the preview and returns the paths it wrote.
    on_paths
        Receives the paths of each successful render.
    on_error
        Receives a one-line description (``file:line: Kind: message``) of a failure.
    directories
        Folders to watch; the project's package folders by default.
    packages
        Top-level packages re-imported after a change.
    debounce
        Quiet seconds that end a burst of file events.
    time_limit
        Seconds a render may run before it is stopped.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C, after the file observer is shut down; the caller reports it.
    """
    directories = list(directories) if directories is not None else project_dirs()
    changed = threading.Event()
    handler = SourceChangeHandler(changed)
    observer = Observer()
    for directory in directories:
        observer.schedule(handler, str(directory), recursive=True)
    observer.start()
    roots = sorted({directory.parent for directory in directories}, key=lambda root: -len(root.parts))
    try:
        first = True
        while True:
            if not first:
                _wait_for_save(changed, debounce)  # at once after a superseded render: its save is pending
                sources = handler.take_paths()
                forget_bytecode(sources)
                names = [module_name(source, roots) for source in sources]
                known = [name for name in names if name is not None]
                if len(known) < len(names):
                    purge_project_modules(packages)
                else:
                    purge_changed_modules(known, packages)
            first = False
            try:
                with _stoppable(changed, time_limit):
                    paths = render()
            except RenderSuperseded:
                on_error("render stopped: a newer save came in; rendering that")
            except RenderTimedOut as error:
                on_error(f"{describe_error(error, directories)}: still rendering after {time_limit:g} s, "
                         "stopped (an endless loop?); save to try again")
            except (Exception, SystemExit) as error:  # the author's scene may raise anything; keep watching
                on_error(describe_error(error, directories))
            else:
                on_paths(paths)
    finally:
        observer.stop()
        observer.join()


_sources_hash: str | None = None
"""In a warm helper: the input hash of the last task it ran (the sources it imported)."""


def _warm_up(progress_queue: Any, parent_pid: int) -> None:
    """A warm helper's start: the usual worker set-up, then manim imported while the first render runs."""
    processes._init_worker(progress_queue, parent_pid)
    import gdanim.clip.scene_render  # noqa: F401 - the import is the point


def _run_fresh(task: Task, out_dir: Path) -> tuple[str, Any]:
    """Run a task in a warm helper, first forgetting the project's modules if the sources changed since its last task."""
    global _sources_hash
    processes._interrupted = False  # a stopped render (a newer save) does not end the helper's watch
    if task.input_hash != _sources_hash:
        purge_project_modules()
        _sources_hash = task.input_hash
    return processes._run_in_worker(task, out_dir)


class WarmExecutor(Executor):
    """Runs the first task in this process and the others in helper processes that live as long as the watch.

    The helpers import manim once, when the watch starts; on a save each one
    forgets the project's modules (``scenes``, ``gdmath``) before its next task,
    as this process does, so every render draws the saved sources. With the
    clip split into one shard per process, a save costs one shard's drawing.
    """

    def __init__(self, helpers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=helpers, mp_context=context, initializer=_warm_up,
                                         initargs=(None, os.getpid()))
        self.processes = helpers + 1

    def run(
        self, tasks: Sequence[Task], out_dir: Path, on_progress: ProgressCallback | None
    ) -> Generator[tuple[Task, TaskOutput], None, None]:
        if not tasks:
            return
        futures = {self._pool.submit(_run_fresh, task, out_dir): task for task in tasks[1:]}
        try:
            yield tasks[0], tasks[0].run(out_dir, on_progress)
            for future in as_completed(futures):
                try:
                    kind, payload = future.result()
                except BrokenProcessPool:
                    raise RenderError(futures[future].label, MESSAGES["worker_died"]) from None
                if kind != "ok":
                    processes._raise_outcome(kind, payload)
                yield futures[future], payload
        except BaseException:
            # Stopped (a newer save, the time limit, Ctrl-C) or failed: the helpers' shards are no longer wanted.
            for future in futures:
                future.cancel()
            processes._interrupt_workers(self._pool)
            raise
        finally:
            wait(futures)  # the helpers are idle again before the next render

    def close(self) -> None:
        """Stop the helpers."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def watch_clip(
    request: ClipRequest,
    out_dir: Path,
    formats: Sequence[str],
    *,
    on_paths: Callable[[Sequence[Path]], None],
    on_error: Callable[[str], None],
    processes: int = 1,
) -> None:
    """Render one clip now and after every saved change (see :func:`watch`).

    Each render is forced: the sources just changed, and the clip's file is
    rewritten in place under its usual name, so a viewer that reloads the
    file sees the new picture. The manifest and gallery are updated as for
    any render.

    Parameters
    ----------
    request
        The clip, usually at ``low`` quality, as a ``png`` poster or an ``mp4`` preview.
    out_dir
        Output folder, as for :func:`gdanim.api.render_clip`.
    formats
        File formats to write on each change.
    on_paths, on_error
        As for :func:`watch`.
    processes
        A video is split into this many shards, drawn side by side by this
        process and warm helper processes (:class:`WarmExecutor`); ``1`` draws
        it all here. A poster alone is never split.
    """
    from gdanim.api import render_clip, run_plan
    from gdanim.run.plan import make_plan

    if processes <= 1 or not {"mp4", "gif"} & set(formats):

        def render() -> list[Path]:
            return list(render_clip(request, out_dir, formats, force=True).files.values())

        watch(render, on_paths=on_paths, on_error=on_error)
        return

    executor = WarmExecutor(processes - 1)

    def render_split() -> list[Path]:
        plan = make_plan([request], out_dir, formats, force=True).split(executor.processes)
        (result,) = run_plan(plan, executor)
        return list(result.files.values())

    try:
        watch(render_split, on_paths=on_paths, on_error=on_error)
    finally:
        executor.close()
