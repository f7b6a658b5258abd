"""SIGTERM is taken like Ctrl-C, and a run killed outright is swept up by the next run, up to date or not (issue 26).

Real ``python render.py`` subprocesses at the tiny test size.
"""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import pytest

from gdanim.store.files import TEMP_PREFIX
from gdanim.store.manifest import MANIFEST_NAME
from tests.render_runs import TINY_CLIP_ARGUMENTS, debris, run_render, snapshot, start_render, wait_for_debris


@pytest.fixture
def earlier_out(tiny_clip: tuple[Path, object], tmp_path: Path) -> Path:
    """A copy of the shared tiny clip's ``--out``: good files a terminated run must keep."""
    out_dir = tmp_path / "earlier"
    shutil.copytree(tiny_clip[0], out_dir, symlinks=True)
    return out_dir


@pytest.mark.parametrize("jobs", [1, 2], ids=["jobs 1", "jobs 2"])
def test_sigterm_mid_re_render_exits_143_in_one_line_and_leaves_no_debris(earlier_out: Path, jobs: int) -> None:
    """Before: no message, status -15, a temporary MP4 and a GIF work folder left behind."""
    before = snapshot(earlier_out)
    manifest = json.loads((earlier_out / MANIFEST_NAME).read_text())
    scenes = ["rolling-descent"] if jobs == 1 else ["rolling-descent", "slope-tangent"]
    process = start_render(*scenes, *TINY_CLIP_ARGUMENTS[1:], "--force", "--jobs", str(jobs), "--out", str(earlier_out))
    assert wait_for_debris(process, earlier_out), "the render never started writing"
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert stdout == "" and "Traceback" not in stderr
    assert stderr.splitlines() == ["Error: terminated (SIGTERM); finished files are kept, unfinished ones were removed"]
    assert debris(earlier_out) == []
    assert snapshot(earlier_out) == before
    assert json.loads((earlier_out / MANIFEST_NAME).read_text()) == manifest


def test_an_up_to_date_run_sweeps_the_temporaries_of_a_run_killed_outright(earlier_out: Path) -> None:
    """kill -9 mid re-render, then the same clip, up to date: it answers from the manifest and removes the debris."""
    before = snapshot(earlier_out)
    process = start_render(*TINY_CLIP_ARGUMENTS, "--force", "--jobs", "1", "--out", str(earlier_out))
    assert wait_for_debris(process, earlier_out), "the render never started writing"
    process.kill()
    process.communicate(timeout=60)
    left = debris(earlier_out)
    assert left and all(path.name.startswith(TEMP_PREFIX) for path in left)
    done = run_render(*TINY_CLIP_ARGUMENTS, "--out", str(earlier_out))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3  # MP4, subtitles and GIF, up to date
    assert debris(earlier_out) == []
    assert snapshot(earlier_out) == before
