"""Local worker processes are bounded (issue 26): ``--jobs`` by the cores, ``--split`` by the clip's plays."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdanim.cli import MAX_JOBS_ENV, _capped_jobs, max_local_jobs, usable_cores
from gdanim.clip.request import ClipRequest
from gdanim.clip.shards import RenderShard, cached_frame_counts, split_tasks
from gdanim.run.plan import make_plan
from tests.render_runs import TINY, manifest_json, probe_video, render_env, run_render


def test_jobs_over_the_cores_are_capped_with_one_warning(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_JOBS_ENV, raising=False)
    assert _capped_jobs(1000, None, quiet=False) == usable_cores()
    assert capsys.readouterr().err.strip().startswith("warning: --jobs 1000 is more than")
    assert _capped_jobs(1000, "local", quiet=False) == usable_cores()  # a local Dask cluster too
    capsys.readouterr()
    assert _capped_jobs(1000, "tcp://far:8786", quiet=False) == 1000  # a remote cluster's own workers
    assert _capped_jobs(1, None, quiet=False) == 1
    assert capsys.readouterr().err == ""


def test_the_documented_override_allows_more_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_JOBS_ENV, "64")
    assert max_local_jobs() == 64
    assert _capped_jobs(64, None, quiet=True) == 64
    monkeypatch.setenv(MAX_JOBS_ENV, "lots")  # not a whole number: the cores
    assert max_local_jobs() == usable_cores()


def test_jobs_1000_renders_on_the_cores_with_one_warning_line(tmp_path: Path) -> None:
    """A real run: exit 0, a decodable MP4, and stderr is the one warning line."""
    done = run_render("rolling-descent", "--steps", "1", "-f", "mp4", "--jobs", "1000", "-o", str(tmp_path / "out"),
                      env=render_env(**{MAX_JOBS_ENV: ""}))
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: --jobs 1000"), done.stderr
    assert probe_video(Path(done.stdout.split()[0]))["frames"] > 0


def test_split_1000_gives_no_clip_more_shards_than_plays(tmp_path: Path) -> None:
    """--split 1000 counts the clip's plays first and cuts it into at most that many shards."""
    request = ClipRequest.create("rolling-descent", quality="low", steps=1, test_size=TINY)
    plan = make_plan([request], tmp_path / "out", ("mp4",), force=True)
    shards, joins = split_tasks(plan.tasks, 1000)
    plays = cached_frame_counts(request)
    assert plays is not None and 1 < len(plays) < 1000
    assert len(shards) == len(plays) and all(isinstance(shard, RenderShard) for shard in shards)
    assert {shard.pieces for shard in shards} == {len(plays)}  # type: ignore[attr-defined]
    assert len(joins) == 1


def test_split_1000_on_the_command_line_finishes(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    done = run_render("rolling-descent", "--steps", "1", "-f", "mp4", "--split", "1000", "--jobs", "2",
                      "-o", str(out_dir))
    assert done.returncode == 0, done.stderr
    mp4 = Path(done.stdout.split()[0])
    assert probe_video(mp4)["frames"] > 0
    assert manifest_json(out_dir)["clips"]
