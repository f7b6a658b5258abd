"""Shared pytest fixtures for gdanim's tests."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.render_runs import REPO_ROOT, TINY_CLIP_ARGUMENTS, run_render


def pytest_configure(config: pytest.Config) -> None:
    """Let the renders these tests start take Ctrl-C, even when pytest itself runs in the background.

    A shell without job control (``make test &`` in a script, a CI runner) starts
    background commands with SIGINT ignored, and children inherit an ignored
    signal: the Ctrl-C tests' renders would then never see their SIGINT. A
    Python handler here is reset to the default in each child at exec instead.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
