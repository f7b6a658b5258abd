"""One clip split across workers (``--split``, or ``--jobs`` with fewer clips than workers) is the unsplit clip."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from gdanim.api import ClipRequest, iter_render_clips, shard_count
from gdanim.errors import RenderError
from gdanim.store.cache import CACHE_DIR_ENV
from tests.render.test_render_failures import flaky_scene  # noqa: F401 - a fixture
from tests.render_runs import (
    TINY,
    TINY_CLIP_ARGUMENTS,
    cache_sharing_texts,
    debris,
    decoded_frames,
    manifest_json,
    render_env,
    run_render,
    snapshot,
    start_render,
    wait_for_debris,
)

FORMATS = ("mp4", "gif", "png")


def _render(out_dir: Path, split: int, jobs: int = 1, **knobs: object) -> dict[str, Path]:
    request = ClipRequest.create("rolling-descent", quality="low", test_size=TINY, **knobs)
    (result,) = iter_render_clips([request], out_dir, FORMATS, jobs=jobs, force=True, split=split)
    return result.files


def _assert_same_clip(split: dict[str, Path], whole: dict[str, Path]) -> None:
    first, second = decoded_frames(split["mp4"]), decoded_frames(whole["mp4"])
    assert len(first) == len(second) > 10
    assert all(np.array_equal(a, b) for a, b in zip(first, second)), "every decoded frame equal"
    assert split["gif"].read_bytes() == whole["gif"].read_bytes()
    assert set(split) == set(whole)
    if "png" in whole:
        assert split["png"].read_bytes() == whole["png"].read_bytes()


def _entry_without_timing(out_dir: Path) -> dict:
    (clip,) = manifest_json(out_dir)["clips"]
    clip.pop("render_seconds")
    return clip


@pytest.mark.unit
def test_shards_are_as_many_as_keep_the_workers_busy():
    assert [shard_count(None, 2, tasks) for tasks in (0, 1, 2, 3)] == [1, 2, 1, 1]
    assert shard_count(1, 8, 1) == 1 and shard_count(4, 1, 9) == 4
    assert shard_count(None, 2, 1, pixels=854 * 480) == 1, "a preview is not split unasked"


def test_a_clip_split_in_three_in_this_process_is_the_unsplit_clip(tmp_path):
    whole = _render(tmp_path / "whole", split=1)
    split = _render(tmp_path / "split", split=3)
    _assert_same_clip(split, whole)
    assert _entry_without_timing(tmp_path / "split") == _entry_without_timing(tmp_path / "whole")
    assert debris(tmp_path) == [], "no shard file is left behind"


def test_one_clip_split_in_two_by_the_cli_is_the_unsplit_clip(tmp_path):
    """``--split 2 --jobs 2``: a shard here and one in a worker process, the same files as ``--split 1``."""
    cache = cache_sharing_texts(tmp_path / "cache")
    env = render_env(**{CACHE_DIR_ENV: str(cache)})
    outs = {}
    for name, options in {"split": ["--jobs", "2", "--split", "2"], "whole": ["--jobs", "2", "--split", "1"]}.items():
        outs[name] = tmp_path / name
        completed = run_render(*TINY_CLIP_ARGUMENTS, *options, "--force", "--out", str(outs[name]), env=env)
        assert completed.returncode == 0, completed.stderr
        if name == "split":  # only shards count the frames of each play
            assert len(list((cache / "frame-counts").glob("*.json"))) == 1
    files = {name: {p.suffix[1:]: p for p in (out / "rolling-descent").iterdir()} for name, out in outs.items()}
    _assert_same_clip(files["split"], files["whole"])
    assert debris(tmp_path) == []


def test_a_failing_shard_names_the_clip_and_leaves_nothing(flaky_scene, tmp_path, monkeypatch):  # noqa: F811
    out_dir = tmp_path / "out"
    request = ClipRequest.create(flaky_scene, quality="low", language="en", test_size=TINY)
    list(iter_render_clips([request], out_dir, FORMATS, split=1))
    before = snapshot(out_dir)
    monkeypatch.setenv("FLAKY_SCENE_FAILS", "1")
    with pytest.raises(RenderError) as failure:
        list(iter_render_clips([request], out_dir, FORMATS, force=True, split=2))
    assert str(failure.value).startswith("rendering flaky-scene failed: RuntimeError: the scene broke")
    assert snapshot(out_dir) == before
    assert debris(out_dir) == []


def test_ctrl_c_mid_split_exits_130_and_keeps_the_earlier_files(tmp_path):
    out_dir = tmp_path / "out"
    assert run_render(*TINY_CLIP_ARGUMENTS, "--out", str(out_dir), "--split", "1").returncode == 0
    before = snapshot(out_dir)
    process = start_render(*TINY_CLIP_ARGUMENTS, "--force", "--jobs", "2", "--split", "2", "--out", str(out_dir))
    assert wait_for_debris(process, out_dir), "the render never started writing"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert debris(out_dir) == []
    assert snapshot(out_dir) == before


def test_a_clip_split_on_a_local_dask_cluster_is_the_unsplit_clip(tmp_path):
    whole = _render(tmp_path / "whole", split=1)
    request = ClipRequest.create("rolling-descent", quality="low", test_size=TINY)
    (result,) = iter_render_clips([request], tmp_path / "dask", FORMATS, jobs=2, force=True, scheduler="local",
                                  split=2)
    _assert_same_clip(result.files, whole)
    assert json.loads((tmp_path / "dask" / "manifest.json").read_text())["clips"][0]["plays"] > 10
    assert debris(tmp_path) == []


@pytest.mark.parametrize("counts", [[1] * 60, [500, 1], [0]], ids=["more plays", "fewer plays", "one play"])
def test_a_stale_frame_count_only_unbalances_the_shards(tmp_path, monkeypatch, counts):
    """Shards are cut by the last split's count, which an edit of the scene makes stale: the clip is the same."""
    from gdanim.clip.shards import _counts_file

    monkeypatch.setenv(CACHE_DIR_ENV, str(cache_sharing_texts(tmp_path / "cache")))
    whole = _render(tmp_path / "whole", split=1)
    request = ClipRequest.create("rolling-descent", quality="low", test_size=TINY)
    _counts_file(request).parent.mkdir(parents=True)
    _counts_file(request).write_text(json.dumps(counts))
    split = _render(tmp_path / "split", split=3)
    _assert_same_clip(split, whole)
    assert len(json.loads(_counts_file(request).read_text())) > 10, "the last shard wrote the real count"
