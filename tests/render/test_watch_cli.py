"""``render.py --watch`` for real: a subprocess on a copy of the project, edited while it runs."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.tiny_clips import tiny_option

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
PROJECT_PARTS: tuple[str, ...] = ("render.py", "gdanim", "scenes", "gdmath")
"""What the watched copy needs: the CLI, the pipeline and the two watched packages."""

FIRST_RENDER_TIMEOUT: float = 120.0
"""Importing manim and a cold LaTeX/text cache on two busy cores."""

CHANGE_TIMEOUT: float = 60.0


class _Lines:
    """Lines of a pipe, gathered by a thread so the test can wait on them with a timeout."""

    def __init__(self, stream) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next(self, timeout: float, matching: str = "") -> str:
        """The next line (containing ``matching``), or fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._queue.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                pytest.fail(f"no line containing {matching!r} within {timeout} s; seen: {self.seen}")
            if line is None:
                pytest.fail(f"stream closed before a line containing {matching!r}; seen: {self.seen}")
            self.seen.append(line)
            if matching in line:
                return line

    def rest(self, timeout: float) -> list[str]:
        """Every remaining line until the stream closes."""
        self._thread.join(timeout)
        lines = []
        while not self._queue.empty():
            line = self._queue.get()
            if line is not None:
                lines.append(line)
        self.seen += lines
        return lines


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project to edit freely while it is watched."""
    copy = tmp_path / "project"
    copy.mkdir()
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / part)
    return copy


def _append(path: Path, text: str) -> int:
    """Append ``text`` to a source file as an editor would save it; return the first new line's number."""
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")
    return original.count("\n") + 1


def test_watch_rerenders_on_save_reports_errors_in_one_line_and_stops_cleanly(project: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "GDANIM_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, str(project / "render.py"), "rolling-descent", "--watch", "--format", "png"]
    command += ["--steps", "2", "--out", str(out_dir), *tiny_option()]
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    stdout, stderr = _Lines(process.stdout), _Lines(process.stderr)
    try:
        # The first poster.
        poster = Path(stdout.next(FIRST_RENDER_TIMEOUT))
        assert poster == out_dir / "rolling-descent" / "he-light-192x108p5-steps2.png"
        first_mtime = poster.stat().st_mtime_ns
        assert (out_dir / "index.html").exists()

        # Saving a scene renders a new poster.
        scene_file = project / "scenes" / "rolling_descent.py"
        scene_source = scene_file.read_text(encoding="utf-8")
        _append(scene_file, "\n# edited while watched\n")
        assert Path(stdout.next(CHANGE_TIMEOUT)) == poster
        assert poster.stat().st_mtime_ns > first_mtime

        # A syntax error in the scene: one line naming the file and line; the watch goes on.
        broken_line = _append(scene_file, "def broken(:\n")
        error = stderr.next(CHANGE_TIMEOUT, matching="error:")
        assert re.fullmatch(rf"error: scenes/rolling_descent\.py:{broken_line}: SyntaxError: .+", error), error

        # A runtime error in gdmath, which every scene imports, is reported the same way.
        scene_file.write_text(scene_source, encoding="utf-8")
        book_file = project / "gdmath" / "book.py"
        book_source = book_file.read_text(encoding="utf-8")
        raising_line = _append(book_file, 'raise RuntimeError("broken on purpose")\n')
        error = stderr.next(CHANGE_TIMEOUT, matching="RuntimeError")
        assert error == f"error: gdmath/book.py:{raising_line}: RuntimeError: broken on purpose"

        # Fixing it brings the poster back: the watch survived both errors.
        renders_so_far = len(stdout.seen)
        book_file.write_text(book_source, encoding="utf-8")
        assert Path(stdout.next(CHANGE_TIMEOUT)) == poster
        assert len(stdout.seen) > renders_so_far

        # Ctrl-C: a clean exit and one line.
        stderr_before_interrupt = len(stderr.seen)
        process.send_signal(signal.SIGINT)
        returncode = process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    trailing = stderr.rest(10)
    stdout.rest(10)
    assert returncode == 130  # before issue 16: 0
    assert not any("Traceback" in line for line in stderr.seen), stderr.seen
    assert len(stderr.seen) - stderr_before_interrupt == 1, stderr.seen
    assert trailing == ["stopped watching"]
    assert all(line.startswith(("watching ", "error: ", "stopped watching")) for line in stderr.seen), stderr.seen
    assert all(Path(line) == poster for line in stdout.seen), stdout.seen
