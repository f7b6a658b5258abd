"""``--watch --split 2`` splits each render across this process and a warm helper, which re-imports saved sources."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.render.test_watch_cli import CHANGE_TIMEOUT, FIRST_RENDER_TIMEOUT, _Lines, project  # noqa: F401
from tests.render_runs import decoded_frames
from tests.tiny_clips import tiny_option


def test_a_saved_change_reaches_both_halves_of_a_split_preview(project: Path, tmp_path: Path) -> None:  # noqa: F811
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "GDANIM_CACHE_DIR": str(tmp_path / "cache")}
    clip = ["rolling-descent", "--format", "mp4", "--steps", "3", *tiny_option()]
    command = [sys.executable, str(project / "render.py"), *clip, "--watch", "--split", "2", "--out",
               str(tmp_path / "out")]
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = _Lines(process.stdout), _Lines(process.stderr)
    try:
        movie = Path(stdout.next(FIRST_RENDER_TIMEOUT))
        assert movie.suffix == ".mp4"
        assert Path(stdout.next(CHANGE_TIMEOUT)) == movie.with_suffix(".vtt")  # its subtitles, every render
        before = decoded_frames(movie)
        # Rows further apart: every frame after the first row of the table changes, in both shards.
        scene_file = project / "scenes" / "rolling_descent.py"
        source = scene_file.read_text(encoding="utf-8")
        assert "TABLE_ROW_HEIGHT: float = 0.46" in source
        scene_file.write_text(source.replace("TABLE_ROW_HEIGHT: float = 0.46", "TABLE_ROW_HEIGHT: float = 0.6"),
                              encoding="utf-8")
        assert Path(stdout.next(CHANGE_TIMEOUT)) == movie
        assert Path(stdout.next(CHANGE_TIMEOUT)) == movie.with_suffix(".vtt")
        after = decoded_frames(movie)
        process.send_signal(signal.SIGINT)
        assert process.wait(30) in (0, 130)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not any("Traceback" in line for line in stderr.rest(10) + stderr.seen), stderr.seen
    # The same edited project rendered in one piece, by a fresh process.
    whole_out = tmp_path / "whole"
    completed = subprocess.run([sys.executable, "render.py", *clip, "--split", "1", "--jobs", "1", "--out",
                                str(whole_out)], cwd=project, env=env, capture_output=True, text=True, timeout=240)
    assert completed.returncode == 0, completed.stderr
    whole = decoded_frames(Path(completed.stdout.split()[0]))
    assert len(after) == len(whole) == len(before)
    assert all(np.array_equal(a, b) for a, b in zip(after, whole)), "the watched split render is the edited clip"
    assert not np.array_equal(after[-1], before[-1]), "the edit changed the picture"
