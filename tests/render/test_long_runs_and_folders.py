"""Issue 26, the state a process and its folders keep (matrix in tests/render/test_robustness.py's docstring).

- a long-lived process keeps bounded memory: 30 tiny clips in one process end within 1.3× of the RSS
  after five (``bench/memory_per_clip.py``, run in a subprocess so nothing else in the test process counts);
- a read-only ``--out`` whose clips are up to date is answered, and one that needs a render is refused in
  one line; ``--out afile/sub`` names ``afile`` as a file;
- truncated text SVGs in the shared cache are repaired by the next render, whose frames are right.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from render import cli
from gdanim.store.cache import CACHE_DIR_ENV
from tests.render_runs import (
    REPO_ROOT,
    TINY_CLIP_ARGUMENTS,
    TINY_OPTION,
    decoded_frames,
    render_env,
    run_render,
    snapshot,
)

TinyClip = tuple[Path, subprocess.CompletedProcess[str]]

MEMORY_CLIPS: int = 30


def test_thirty_clips_in_one_process_stay_within_1_3_times_the_rss_after_five(tmp_path: Path) -> None:
    # Before issue 26 this grew about 5.6 MB a clip (manim's map of every SVG it parsed, and a text
    # cache bounded only in entries): 1.6× here.
    completed = subprocess.run(
        [sys.executable, "bench/memory_per_clip.py", "--clips", str(MEMORY_CLIPS), "--out", str(tmp_path / "out")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    rows, summary = lines[:-1], lines[-1]
    assert [row["clip"] for row in rows] == list(range(1, MEMORY_CLIPS + 1))
    assert summary["after_5"] == rows[4]["rss_mib"] and summary["last"] == rows[-1]["rss_mib"]
    assert rows[-1]["rss_mib"] <= 1.3 * rows[4]["rss_mib"], rows
    assert len(list((tmp_path / "out" / "rolling-descent").glob("*.png"))) == MEMORY_CLIPS


def _one_line_error(code: int | None, stdout: str, stderr: str, expected: str) -> None:
    """A usage error (exit 2) in one ``Error: `` line that ends with ``expected``, nothing on stdout."""
    assert code == 2, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("Error: ") and stderr.rstrip().endswith(expected), stderr


@pytest.fixture
def read_only_out(tiny_clip: TinyClip, tmp_path: Path) -> Iterator[Path]:
    """A copy of the shared tiny clip's ``--out``, bind-mounted read-only (EROFS even for root)."""
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root (CI runs as root); the setpriv test covers a 0555 folder")
    source = tmp_path / "source"
    shutil.copytree(tiny_clip[0], source, symlinks=True)
    mounted = tmp_path / "read-only"
    mounted.mkdir()
    for step in (["mount", "--bind", str(source), str(mounted)],
                 ["mount", "-o", "remount,bind,ro", str(mounted)]):
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", str(mounted)], capture_output=True, check=False)
            pytest.skip(f"cannot bind-mount here: {done.stderr.strip()}")
    try:
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


def test_a_read_only_out_whose_clips_are_up_to_date_is_answered(read_only_out: Path, runner: CliRunner) -> None:
    before = snapshot(read_only_out)
    result = runner.invoke(cli, [*TINY_CLIP_ARGUMENTS, *TINY_OPTION, "--out", str(read_only_out), "--quiet"])
    assert result.exit_code == 0, result.stderr
    shown = [Path(line) for line in result.stdout.splitlines()]
    assert sorted(path.suffix for path in shown) == [".gif", ".mp4", ".vtt"]
    assert all(path.is_file() and path.is_relative_to(read_only_out) for path in shown), shown
    assert snapshot(read_only_out) == before


def test_a_read_only_out_that_needs_a_render_is_refused_in_one_line(read_only_out: Path, runner: CliRunner) -> None:
    before = snapshot(read_only_out)
    result = runner.invoke(cli, [*TINY_CLIP_ARGUMENTS, *TINY_OPTION, "--out", str(read_only_out), "--force"])
    _one_line_error(result.exit_code, result.stdout, result.stderr, f"--out {read_only_out} is not writable")
    assert snapshot(read_only_out) == before


def _without_capabilities(command: list[str]) -> list[str]:
    """``command`` run so that even root meets a folder's permission bits (CI runs as root)."""
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all", *command] if os.geteuid() == 0 else command


def test_a_0555_out_is_answered_when_up_to_date_and_refused_when_not(tiny_clip: TinyClip, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    shutil.copytree(tiny_clip[0], out_dir, symlinks=True)
    for folder in (out_dir, *[path for path in out_dir.rglob("*") if path.is_dir()]):
        folder.chmod(0o555)
    before = snapshot(out_dir)
    render = [sys.executable, "render.py", *TINY_CLIP_ARGUMENTS, *TINY_OPTION, "--out", str(out_dir)]
    try:
        answered = subprocess.run(_without_capabilities(render), cwd=REPO_ROOT, capture_output=True, text=True,
                                  timeout=120, check=False)
        refused = subprocess.run(_without_capabilities([*render, "--steps", "3"]), cwd=REPO_ROOT,
                                 capture_output=True, text=True, timeout=120, check=False)
    finally:
        for folder in (out_dir, *[path for path in out_dir.rglob("*") if path.is_dir()]):
            folder.chmod(0o755)
    assert answered.returncode == 0, answered.stderr
    assert len(answered.stdout.splitlines()) == 3
    _one_line_error(refused.returncode, refused.stdout, refused.stderr, f"--out {out_dir} is not writable")
    assert snapshot(out_dir) == before


def test_out_under_a_file_says_that_the_file_is_a_file(tmp_path: Path, runner: CliRunner) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    expected = f"Invalid value for '-o' / '--out': {afile} is a file, not a folder"
    result = runner.invoke(cli, ["rolling-descent", "--out", str(afile / "sub")])
    _one_line_error(result.exit_code, result.stdout, result.stderr, expected)
    completed = subprocess.run([sys.executable, "render.py", "rolling-descent", "--out", str(afile / "sub" / "deeper")],
                               cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    _one_line_error(completed.returncode, completed.stdout, completed.stderr, expected)
    assert afile.read_text() == "keep me" and sorted(tmp_path.iterdir()) == [afile]


def _svgs(cache_dir: Path) -> dict[Path, bytes]:
    """Every text SVG under the cache (the shared store and each media slot): relative path → bytes."""
    return {path.relative_to(cache_dir): path.read_bytes() for path in cache_dir.rglob("*.svg")}


def test_truncated_svgs_in_the_shared_text_cache_are_repaired_by_the_next_render(tmp_path: Path) -> None:
    # Before issue 26 a truncated SVG in the shared store was never copied into a slot, but never replaced
    # either: every name the store had was skipped when a render published its own complete copy.
    cache_dir = tmp_path / "cache"
    env = render_env(**{CACHE_DIR_ENV: str(cache_dir)})
    arguments = (*TINY_CLIP_ARGUMENTS[:3], "-f", "mp4", *TINY_CLIP_ARGUMENTS[5:])
    first = run_render(*arguments, "--out", str(tmp_path / "first"), env=env)
    assert first.returncode == 0, first.stderr
    good = _svgs(cache_dir)
    shared = [path for path in good if path.parts[0] == "shared"]
    assert len(shared) >= 5, sorted(good)
    for path, content in good.items():  # every copy, in the store and in the slots, cut in half
        (cache_dir / path).write_bytes(content[: len(content) // 2])
    shutil.rmtree(cache_dir / "mobjects")  # so the render typesets its texts again, through the SVGs

    second = run_render(*arguments, "--out", str(tmp_path / "second"), env=env)
    assert second.returncode == 0, second.stderr
    repaired = _svgs(cache_dir)
    assert {path: repaired.get(path) for path in shared} == {path: good[path] for path in shared}
    assert all(content.rstrip().endswith(b"</svg>") for content in repaired.values()), "a truncated SVG is kept"
    (movie_first,) = (tmp_path / "first").rglob("*.mp4")
    (movie_second,) = (tmp_path / "second").rglob("*.mp4")
    frames_first, frames_second = decoded_frames(movie_first), decoded_frames(movie_second)
    assert len(frames_first) == len(frames_second) > 0
    assert all(np.array_equal(a, b) for a, b in zip(frames_first, frames_second))
