"""``--format lecture`` after clips rendered by ``--jobs`` worker processes and by a Dask ``LocalCluster``: the same lecture."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.render_runs import TINY_TAG, run_render, sha256

ARGUMENTS: tuple[str, ...] = ("rolling-descent", "local-view", "--steps", "1", "-q", "l", "-f", "lecture", "--quiet")


def _lecture(out_dir: Path, *executor: str) -> Path:
    done = run_render(*ARGUMENTS, *executor, "--out", str(out_dir))
    assert done.returncode == 0, done.stderr
    lecture = out_dir / "lecture" / f"he-light-{TINY_TAG}.mp4"
    assert str(lecture) in done.stdout.splitlines()
    return lecture


def test_the_lecture_joins_clips_rendered_elsewhere_into_the_same_bytes(tmp_path):
    by_processes = _lecture(tmp_path / "jobs", "--jobs", "2")
    on_dask = _lecture(tmp_path / "dask", "--scheduler", "local", "--jobs", "2")
    for suffix in (".mp4", ".vtt", ".chapters.vtt"):
        name = f"he-light-{TINY_TAG}{suffix}"
        assert sha256(by_processes.parent / name) == sha256(on_dask.parent / name)
    chapters = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "chapter=start_time", "-of", "csv=p=0",
                               str(on_dask)], capture_output=True, text=True, check=True).stdout.split()
    assert len(chapters) == 2
