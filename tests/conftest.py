"""Shared pytest fixtures for gdanim's tests, and their levels.

Tests live by level, each folder marked so ``pytest -m unit`` picks one:

- ``tests/unit/`` (``unit``): no manim render, seconds in all; a test elsewhere
  that renders nothing says so with ``@pytest.mark.unit`` (its level wins over its
  folder's), and a ``unit`` test that starts a manim render fails;
- ``tests/render/`` (``render``): real tiny renders through the API and the CLI;
- ``tests/integration/`` (``integration``): renders plus another real system:
  headless Chromium, the ``hugo`` binary, a Dask cluster, a wheel installed in a fresh venv.

Every test run writes gdanim's cache (manim's media folders, timings, tool
versions) under pytest's temporary folder, never into the checkout or the
user's cache; subprocesses inherit it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdanim.store.cache import CACHE_DIR_ENV, text_cache_dir
from tests.render_runs import REPO_ROOT, TINY_CLIP_ARGUMENTS, cache_sharing_texts, run_render

LEVELS: dict[str, str] = {
    "unit": "no render: pure functions, the CLI's parsing, the package's shape",
    "render": "real tiny renders through the API and the CLI",
    "integration": "renders with another real system: a browser, hugo, a Dask cluster, an installed wheel",
}


def pytest_configure(config: pytest.Config) -> None:
    """Let the renders these tests start take Ctrl-C, even when pytest itself runs in the background.

    A shell without job control (``make test &`` in a script, a CI runner) starts
    background commands with SIGINT ignored, and children inherit an ignored
    signal: the Ctrl-C tests' renders would then never see their SIGINT. A
    Python handler here is reset to the default in each child at exec instead.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    for level, meaning in LEVELS.items():
        config.addinivalue_line("markers", f"{level}: {meaning}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its folder's level, unless it names its own (doctests of the packages count as unit tests)."""
    tests = Path(__file__).resolve().parent
    for item in items:
        if any(item.get_closest_marker(level) for level in LEVELS):
            continue
        path = Path(str(item.path)).resolve()
        level = path.relative_to(tests).parts[0] if path.is_relative_to(tests) else "unit"
        item.add_marker(getattr(pytest.mark, level if level in LEVELS else "unit"))


@pytest.fixture(autouse=True)
def _unit_tests_render_nothing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a ``unit`` test that starts a manim render in this process fail, naming the rule it broke."""
    scene_module = sys.modules.get("manim.scene.scene")
    if scene_module is None or request.node.get_closest_marker("unit") is None:
        return

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a test marked unit rendered a manim scene: mark it render (or drop the render)")

    monkeypatch.setattr(scene_module.Scene, "render", refuse)


def _shared_texts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The text cache of this test run, shared by its pytest-xdist workers (each has a folder under the run's)."""
    run = tmp_path_factory.getbasetemp()
    folder = (run.parent if os.environ.get("PYTEST_XDIST_WORKER") else run) / "gdanim-texts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point ``GDANIM_CACHE_DIR`` at a folder of this test run (tests that need their own set it again).

    Its text cache (``mobjects``) is the run's, shared by the workers: the suite draws each scene
    many times (last frames, beats, layers, shards, CLI runs), and building its texts is most of a
    tiny render. The cache is made for concurrent renders (:mod:`scenes.text_cache`); the tests of
    the cache itself, and those that need a cold one, use their own cache folder.
    """
    cache = cache_sharing_texts(tmp_path_factory.mktemp("gdanim-cache"), _shared_texts(tmp_path_factory))
    previous = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(cache)
    if "manim" in sys.modules:  # imported by the scene tests: text they draw outside a render goes here, not ./media
        sys.modules["manim"].config.media_dir = str(cache / "manim-media")
    yield cache
    if previous is None:
        os.environ.pop(CACHE_DIR_ENV, None)
    else:
        os.environ[CACHE_DIR_ENV] = previous


@pytest.fixture(autouse=True)
def _shared_text_cache(private_cache: Path) -> None:
    """Texts the scene tests draw in this process come from, and go to, the run's text cache too."""
    from scenes import text_cache  # manim-free

    text_cache.configure(text_cache_dir())


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's top folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One tiny rolling descent as MP4 + GIF (:data:`~tests.render_runs.TINY_CLIP_ARGUMENTS`), by a real ``python render.py``.

    Returns its ``--out`` and the finished process. Tests that change files copy the folder first.
    """
    out_dir = tmp_path_factory.mktemp("tiny") / "out"
    return out_dir, run_render(*TINY_CLIP_ARGUMENTS, "--out", str(out_dir))


@pytest.fixture
def runner() -> CliRunner:
    """Click's runner for ``render.cli``, in this process."""
    return CliRunner()
