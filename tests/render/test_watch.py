"""Watch mode's parts: the file-event filter, debouncing, module purging and one-line errors."""

from __future__ import annotations

import importlib
import sys
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import DirCreatedEvent, FileModifiedEvent, FileMovedEvent

from gdanim.author.watch import (
    SourceChangeHandler,
    describe_error,
    import_graph,
    module_name,
    purge_changed_modules,
    purge_project_modules,
    watch,
)

EVENT_CASES = [
    (FileModifiedEvent("/p/scenes/rolling_descent.py"), True),
    (FileMovedEvent("/p/scenes/.rolling_descent.py.swp", "/p/scenes/rolling_descent.py"), True),
    (FileModifiedEvent("/p/scenes/.rolling_descent.py.swp"), False),
    (FileModifiedEvent("/p/scenes/rolling_descent.py~"), False),
    (FileModifiedEvent("/p/scenes/__pycache__/rolling_descent.cpython-311.pyc"), False),
    (FileModifiedEvent("/p/gdmath/4913"), False),
    (DirCreatedEvent("/p/scenes/new.py"), False),
]


@pytest.mark.unit
@pytest.mark.parametrize(("event", "relevant"), EVENT_CASES)
def test_only_python_sources_trigger_a_render(event: object, relevant: bool) -> None:
    changed = threading.Event()
    SourceChangeHandler(changed).dispatch(event)
    assert changed.is_set() is relevant


@pytest.fixture
def demo_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An importable package ``watchdemo`` in a temp folder, forgotten afterwards."""
    package = tmp_path / "watchdemo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helper.py").write_text("VALUE = 1\n")
    (package / "scene.py").write_text("from watchdemo.helper import VALUE\n\n\ndef render():\n    return 10 / VALUE\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    purge_project_modules(["watchdemo"])


@pytest.mark.unit
def test_purge_makes_a_dependent_module_see_its_changed_helper(demo_package: Path) -> None:
    assert importlib.import_module("watchdemo.scene").render() == 10
    (demo_package / "helper.py").write_text("VALUE = 5\n")
    assert set(purge_project_modules(["watchdemo"])) == {"watchdemo", "watchdemo.helper", "watchdemo.scene"}
    assert importlib.import_module("watchdemo.scene").render() == 2
    assert "manim" not in purge_project_modules(["watchdemo"])


@pytest.mark.unit
def test_import_graph_reads_absolute_relative_and_submodule_imports(demo_package: Path) -> None:
    (demo_package / "extra.py").write_text("from . import helper\nfrom .scene import render\n")
    importlib.import_module("watchdemo.extra")
    assert import_graph(["watchdemo"]) == {
        "watchdemo": set(),
        "watchdemo.helper": set(),
        "watchdemo.scene": {"watchdemo.helper"},
        "watchdemo.extra": {"watchdemo", "watchdemo.helper", "watchdemo.scene"},
    }


@pytest.mark.unit
def test_a_changed_scene_keeps_its_unchanged_helper_loaded(demo_package: Path) -> None:
    importlib.import_module("watchdemo.scene")
    helper = sys.modules["watchdemo.helper"]
    assert purge_changed_modules(["watchdemo.scene"], ["watchdemo"]) == ["watchdemo.scene"]
    assert sys.modules["watchdemo.helper"] is helper


@pytest.mark.unit
def test_a_changed_helper_takes_its_importers_with_it(demo_package: Path) -> None:
    assert importlib.import_module("watchdemo.scene").render() == 10
    (demo_package / "helper.py").write_text("VALUE = 2\n")
    changed = module_name(demo_package / "helper.py", [demo_package.parent])
    assert purge_changed_modules([changed], ["watchdemo"]) == ["watchdemo.helper", "watchdemo.scene"]
    assert "watchdemo" in sys.modules
    assert importlib.import_module("watchdemo.scene").render() == 5


@pytest.mark.unit
def test_runtime_error_names_the_project_file_and_line(demo_package: Path) -> None:
    (demo_package / "helper.py").write_text("VALUE = 0\n")
    scene = importlib.import_module("watchdemo.scene")
    with pytest.raises(ZeroDivisionError) as caught:
        scene.render()
    line = describe_error(caught.value, [demo_package])
    assert line == "watchdemo/scene.py:5: ZeroDivisionError: division by zero"


@pytest.mark.unit
def test_error_inside_a_library_names_the_scene_line_that_called_it(
    demo_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = demo_package.parent / "lib"
    library.mkdir()
    (library / "fakelib.py").write_text("def draw(value):\n    raise ValueError(f'cannot draw {value}')\n")
    monkeypatch.syspath_prepend(str(library))
    (demo_package / "scene.py").write_text("import fakelib\n\n\ndef render():\n    fakelib.draw(3)\n")
    with pytest.raises(ValueError) as caught:
        importlib.import_module("watchdemo.scene").render()
    assert describe_error(caught.value, [demo_package]) == "watchdemo/scene.py:5: ValueError: cannot draw 3"
    sys.modules.pop("fakelib", None)


@pytest.mark.unit
def test_syntax_error_names_the_file_and_line(demo_package: Path) -> None:
    (demo_package / "helper.py").write_text("VALUE = 1\n\ndef broken(:\n    pass\n")
    with pytest.raises(SyntaxError) as caught:
        importlib.import_module("watchdemo.helper")
    line = describe_error(caught.value, [demo_package])
    assert line.startswith("watchdemo/helper.py:3: SyntaxError: ")
    assert "\n" not in line


@pytest.mark.unit
def test_wrapped_error_reports_the_original_cause(demo_package: Path) -> None:
    try:
        try:
            importlib.import_module("watchdemo.helper").VALUE / 0
        except ZeroDivisionError as error:
            raise RuntimeError("rendering rolling-descent failed: division by zero") from error
    except RuntimeError as wrapped:
        line = describe_error(wrapped, [demo_package])
    assert line.endswith(": ZeroDivisionError: division by zero")
    assert line.startswith(f"{Path(__file__)}:")


class _Done(Exception):
    """Raised from a callback to end an in-process watch."""


@pytest.mark.unit
def test_a_burst_of_saves_renders_once_and_errors_keep_the_watch_going(demo_package: Path) -> None:
    calls: list[float] = []
    reported: list[object] = []
    first_render = threading.Event()

    def render() -> list[Path]:
        calls.append(time.monotonic())
        value = importlib.import_module("watchdemo.scene").render()
        return [Path(f"value-{value}")]

    def on_paths(paths: list[Path]) -> None:
        reported.append(paths)
        first_render.set()
        if len(reported) == 2:
            raise _Done

    errors: list[str] = []
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            watch(
                render,
                on_paths=on_paths,
                on_error=errors.append,
                directories=[demo_package],
                packages=["watchdemo"],
                debounce=0.3,
            )
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert first_render.wait(10)
    time.sleep(0.3)  # let the observer's inotify watches settle
    (demo_package / "helper.py").write_text("VALUE = 0\n")
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.05)
    assert errors == ["watchdemo/scene.py:5: ZeroDivisionError: division by zero"]
    renders_before_burst = len(calls)
    for value in range(1, 6):
        (demo_package / "helper.py").write_text(f"VALUE = {value}\n")
        time.sleep(0.02)
    thread.join(10)
    assert isinstance(outcome[0], _Done)
    assert len(calls) == renders_before_burst + 1
    assert reported[-1] == [Path("value-2.0")]


@pytest.mark.unit
def test_a_scene_that_raises_system_exit_is_reported_and_the_watch_goes_on(demo_package: Path) -> None:
    # Before issue 16 SystemExit from construct() ended the watcher silently with its status.
    (demo_package / "scene.py").write_text("def render():\n    raise SystemExit(3)\n")
    errors: list[str] = []
    rendered: list[list[Path]] = []
    outcome: list[BaseException] = []

    def render() -> list[Path]:
        importlib.import_module("watchdemo.scene").render()
        return [Path("fixed")]

    def on_paths(paths: list[Path]) -> None:
        rendered.append(paths)
        raise _Done

    def run() -> None:
        try:
            watch(render, on_paths=on_paths, on_error=errors.append, directories=[demo_package],
                  packages=["watchdemo"], debounce=0.1)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not errors and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert errors == ["watchdemo/scene.py:2: SystemExit: 3"], outcome
    time.sleep(0.3)  # let the observer's inotify watches settle
    (demo_package / "scene.py").write_text("def render():\n    return 1\n")
    thread.join(10)
    assert isinstance(outcome[0], _Done)
    assert rendered == [[Path("fixed")]]


def _watch_in_thread(
    demo_package: Path, **options: object
) -> tuple[threading.Thread, list[str], list[object], list[BaseException]]:
    """Watch ``watchdemo`` in a thread, rendering ``watchdemo.scene.render()`` until a render succeeds.

    Returns the thread and what it reported: errors, rendered values, and how the watch ended.
    """
    errors: list[str] = []
    rendered: list[object] = []
    outcome: list[BaseException] = []

    def render() -> list[Path]:
        rendered.append(importlib.import_module("watchdemo.scene").render())
        return []

    def on_paths(paths: list[Path]) -> None:
        raise _Done

    def run() -> None:
        try:
            watch(render, on_paths=on_paths, on_error=errors.append, directories=[demo_package],
                  packages=["watchdemo"], debounce=0.1, **options)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors, rendered, outcome


def _wait_for(condition: object, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


ENDLESS_SCENE = "def render():\n    while True:\n        pass\n"


@pytest.mark.unit
def test_an_endless_render_is_stopped_at_the_time_limit_and_the_watch_goes_on(demo_package: Path) -> None:
    # Before issue 16 `while True: pass` in construct() hung the watch for good, later saves ignored.
    (demo_package / "scene.py").write_text(ENDLESS_SCENE)
    thread, errors, rendered, outcome = _watch_in_thread(demo_package, time_limit=1.0)
    _wait_for(lambda: errors)
    assert errors == ["watchdemo/scene.py:2: RenderTimedOut: still rendering after 1 s, stopped (an endless loop?); "
                      "save to try again"]
    time.sleep(0.3)  # let the observer's inotify watches settle
    (demo_package / "scene.py").write_text("def render():\n    return 7\n")
    thread.join(10)
    assert isinstance(outcome[0], _Done)
    assert rendered == [7]


@pytest.mark.unit
def test_a_save_stops_the_render_it_makes_stale(demo_package: Path) -> None:
    (demo_package / "scene.py").write_text(ENDLESS_SCENE)
    thread, errors, rendered, outcome = _watch_in_thread(demo_package)  # the default limit: minutes
    time.sleep(1.0)  # rendering, forever
    (demo_package / "scene.py").write_text("def render():\n    return 8\n")
    thread.join(10)
    assert errors == ["render stopped: a newer save came in; rendering that"]
    assert isinstance(outcome[0], _Done)
    assert rendered == [8]


USAGE_CASES = [
    (["--watch"], "--watch takes exactly one scene"),
    (["rolling-descent", "slope-tangent", "--watch"], "--watch takes exactly one scene"),
    (["rolling-descent", "--watch", "--hugo-site", "site"], "--watch takes exactly one scene and no --hugo-site"),
]


@pytest.mark.unit
@pytest.mark.parametrize(("arguments", "message"), USAGE_CASES)
def test_watch_usage_errors_are_one_line_and_exit_2(
    arguments: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from render import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*arguments, "--out", str(tmp_path / "out")], prog_name="gdanim")
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.unit
def test_hugo_site_must_not_be_a_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from render import cli

    site = tmp_path / "site"
    site.write_text("not a folder")
    result = CliRunner().invoke(cli, ["rolling-descent", "--hugo-site", str(site), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--hugo-site" in result.output
