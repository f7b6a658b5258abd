"""``--sweep`` on a real Dask ``LocalCluster`` of 2 worker processes, checked with real decoders.

Clips are tiny (``--test-size``), one to three steps long. One
cluster serves most tests; the first test and the failure test start their
own through ``--scheduler local``, as a user would.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
import yaml
from click.testing import CliRunner
from distributed import Client, LocalCluster
from PIL import Image

from gdanim.run import cluster as gdanim_cluster
from gdanim.store.cache import hash_inputs
from gdanim.api import ClipRequest, ProgressEvent, check_clip, iter_render_clips, render_clip
from gdanim.clip.render import RenderClip
from gdanim.run.cluster import DASK_CONFIG_FILE, TRIES_PER_CLIP, WorkerMismatchError, run_on_worker, worker_fingerprint
from render import cli
from tests.render.test_render_outputs import gif_seconds
from tests.render_runs import (
    REPO_ROOT,
    TINY,
    TINY_OPTION,
    TINY_TAG,
    debris,
    manifest_json,
    render_env,
    run_render,
    sha256,
    snapshot,
)

SWEPT_RATES = ("0.01", "0.1", "0.9")


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[LocalCluster]:
    """2 worker processes, one thread each, a clip tried at most twice; no dashboard."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit=0,
            silence_logs=logging.CRITICAL,
        )
    with cluster:
        yield cluster


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Three learning rates as GIFs, through ``--scheduler local --jobs 2`` in a real ``python render.py``."""
    out_dir = tmp_path_factory.mktemp("swept") / "out"
    completed = run_render("rolling-descent", "-q", "l", "--steps", "2", "--format", "gif", "--scheduler", "local",
                           "--jobs", "2", "--sweep", f"learning-rate={','.join(SWEPT_RATES)}", "--out", str(out_dir))
    return out_dir, completed


def test_the_dask_settings_try_a_clip_whose_worker_died_as_often_as_one_that_raised() -> None:
    settings = yaml.safe_load(DASK_CONFIG_FILE.read_text(encoding="utf-8"))["distributed"]
    assert settings["scheduler"]["allowed-failures"] == TRIES_PER_CLIP - 1
    assert settings["worker"]["profile"]["enabled"] is False


@pytest.fixture
def swept_copy(swept: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> Path:
    """A copy of the swept ``--out``: good files that a failed or interrupted sweep must keep."""
    out_dir = tmp_path / "out"
    shutil.copytree(swept[0], out_dir)
    return out_dir


def _gif_path(out_dir: Path, rate: str, steps: int = 2) -> Path:
    rate_part = "" if rate == "0.1" else f"-lr{rate}"  # 0.1 is rolling-descent's own rate: not in the name
    return out_dir / "rolling-descent" / f"he-light-{TINY_TAG}{rate_part}-steps{steps}.gif"


def _assert_valid_gif(path: Path, duration: float) -> None:
    with Image.open(path) as image:
        assert image.format == "GIF"
        assert image.size == (160, 90)
        assert image.info.get("loop") == 0
        assert image.n_frames > 1
    assert abs(gif_seconds(path) - duration) < 0.5


def test_a_sweep_of_three_learning_rates_yields_three_distinct_valid_gifs(
    swept: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out_dir, completed = swept
    assert completed.returncode == 0, completed.stderr
    gifs = [_gif_path(out_dir, rate) for rate in SWEPT_RATES]
    assert sorted(completed.stdout.splitlines()) == sorted(str(gif) for gif in gifs)
    assert completed.stderr.splitlines()[0].startswith("sent 3 of 3 clips to tcp://127.0.0.1:")
    assert "Traceback" not in completed.stderr
    entries = {clip["parameters"]["learning_rate"]: clip for clip in manifest_json(out_dir)["clips"]}
    assert sorted(entries) == [float(rate) for rate in SWEPT_RATES]
    for rate, gif in zip(SWEPT_RATES, gifs):
        entry = entries[float(rate)]
        assert entry["files"]["gif"]["sha256"] == sha256(gif)
        _assert_valid_gif(gif, entry["duration"])
    assert len({sha256(gif) for gif in gifs}) == 3
    assert debris(out_dir) == []


def test_the_cluster_writes_what_the_local_path_would(
    swept: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir, _ = swept
    requests = [ClipRequest.create("rolling-descent", quality="low", learning_rate=float(rate), steps=2, test_size=TINY)
                for rate in SWEPT_RATES]
    # The same input hash: the local path finds every clip up to date.
    assert all(check_clip(request, out_dir, ["gif"]) is not None for request in requests)
    # The same bytes: the worker's GIF is the one this process renders.
    local = render_clip(requests[-1], tmp_path, ["gif"])
    assert sha256(local.files["gif"]) == sha256(_gif_path(out_dir, SWEPT_RATES[-1]))


def test_a_rerun_sends_no_tasks(
    swept: tuple[Path, subprocess.CompletedProcess[str]], dask_cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir, first = swept
    before = {path: path.stat().st_mtime_ns for path in out_dir.rglob("*")}
    transitions = dask_cluster.scheduler.transition_counter
    result = CliRunner().invoke(
        cli, ["rolling-descent", "-q", "l", "--steps", "2", "--format", "gif", "--scheduler",
              dask_cluster.scheduler_address, "--sweep", f"learning-rate={','.join(SWEPT_RATES)}", "--out", str(out_dir), *TINY_OPTION],
    )
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(first.stdout.splitlines())
    assert result.stderr.splitlines() == [f"sent 0 of 3 clips to {dask_cluster.scheduler_address}: all are up to date"]
    assert dask_cluster.scheduler.transition_counter == transitions
    assert {path: path.stat().st_mtime_ns for path in out_dir.rglob("*")} == before


def _kill_a_busy_worker(address: str, killed: list[int]) -> None:
    """Once a worker is rendering one of our clips, SIGKILL its process (the nanny starts a new one)."""
    with Client(address, set_as_default=False) as client:
        pids = client.run(os.getpid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = [worker for worker, keys in client.processing().items()
                    if any(str(key).startswith("gdanim-render") for key in keys)]
            if busy:
                time.sleep(1.0)  # into the render itself, past unpickling the task
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
                return
            time.sleep(0.05)


def test_a_killed_worker_is_survived(dask_cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    rates = ("0.2", "0.3", "0.4")
    killed: list[int] = []
    killer = threading.Thread(target=_kill_a_busy_worker, args=(dask_cluster.scheduler_address, killed))
    killer.start()
    result = CliRunner().invoke(
        cli, ["rolling-descent", "-q", "l", "--steps", "3", "--format", "gif", "--scheduler",
              dask_cluster.scheduler_address, "--sweep", f"learning-rate={','.join(rates)}", "--out", str(out_dir), *TINY_OPTION],
    )
    killer.join()
    assert killed, "no worker was ever seen rendering"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)
    assert result.exit_code == 0, result.output
    gifs = [_gif_path(out_dir, rate, steps=3) for rate in rates]
    assert sorted(result.stdout.splitlines()) == sorted(str(gif) for gif in gifs)
    durations = {clip["parameters"]["learning_rate"]: clip["duration"] for clip in manifest_json(out_dir)["clips"]}
    for rate, gif in zip(rates, gifs):
        _assert_valid_gif(gif, durations[float(rate)])
    assert debris(out_dir) == []
    with Client(dask_cluster.scheduler_address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny's replacement, for the tests after this one


def _copy_with_other_code(tmp_path: Path) -> Path:
    """A copy of the checkout's code whose scenes/ differ by one statement (a comment alone hashes the same)."""
    copy = tmp_path / "other-checkout"
    for folder in ("scenes", "gdmath", "gdanim"):
        shutil.copytree(REPO_ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "scenes" / "captions.py").open("a", encoding="utf-8") as captions:
        captions.write("\nAN_EDIT_NEVER_COMMITTED = 1\n")
    return copy


def _workers(address: str) -> set[str]:
    with Client(address, set_as_default=False) as client:
        return set(client.scheduler_info()["workers"])


def _wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.2)
    assert condition(), "timed out"  # type: ignore[operator]


def test_a_worker_with_other_code_is_refused_by_name(
    dask_cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = dask_cluster.scheduler_address
    good = _workers(address)
    copy = _copy_with_other_code(tmp_path)
    dask_cli = Path(sys.executable).parent / "dask"
    stranger = subprocess.Popen(
        [str(dask_cli), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--no-nanny"],
        cwd=copy, env=render_env(PYTHONPATH=str(copy)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(_workers(address) - good) == 1)
        (stranger_address,) = _workers(address) - good
        out_dir = tmp_path / "out"
        result = CliRunner().invoke(
            cli, ["slope-tangent", "-q", "l", "--steps", "1", "--format", "png", "--scheduler", address,
                  "--sweep", "lang=he,en", "--out", str(out_dir), *TINY_OPTION],
        )
        # A worker that joins after the check is refused by the task itself.
        request = ClipRequest.create("slope-tangent", quality="low", steps=1, test_size=TINY)
        with Client(address, set_as_default=False) as client:
            task = RenderClip(request, ("png",), hash_inputs(request))
            refused = client.submit(
                run_on_worker, task, worker_fingerprint(), "test", workers=[stranger_address], allow_other_workers=False, pure=False
            ).exception()
    finally:
        stranger.terminate()
        stranger.wait(timeout=30)
    assert isinstance(refused, WorkerMismatchError), refused
    assert str(refused).startswith(f"Dask worker {stranger_address} differs from this checkout: its scenes/")
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: Dask worker {stranger_address} differs from this checkout: ")
    assert "scenes/, gdmath/" in line and "same commit" in line
    assert not any(worker in line for worker in good)
    assert [path for path in out_dir.rglob("*") if path.is_file()] == []
    _wait_for(lambda: _workers(address) == good)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gdanim_cluster, "CONNECT_TIMEOUT_SECONDS", 1.0)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(cli, ["slope-tangent", "-q", "l", "--format", "png", "--scheduler", address,
                                      "--out", str(out_dir), *TINY_OPTION])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot reach the Dask scheduler at {address}: ")
    assert "Traceback" not in result.stderr
    assert not out_dir.exists()  # before issue 16 an empty folder was left behind


def test_a_clip_that_fails_twice_is_named_exits_1_and_keeps_other_clips(swept_copy: Path) -> None:
    out_dir = swept_copy
    before = snapshot(out_dir)
    # Workers cannot create manim's media folders there, so every new clip fails on every try;
    # 0.1 is up to date already and must stay as it is.
    completed = run_render(
        "rolling-descent", "-q", "l", "--steps", "2", "--format", "gif", "--scheduler", "local", "--jobs", "2",
        "--sweep", "learning-rate=0.1,0.7", "--out", str(out_dir), "--quiet",
        env=render_env(GDANIM_CACHE_DIR="/proc/gdanim-cache"),
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines() == [str(_gif_path(out_dir, "0.1"))]
    assert len(completed.stderr.splitlines()) == 1, completed.stderr
    (line,) = completed.stderr.splitlines()
    assert line.startswith(f"Error: rendering rolling-descent/he-light-{TINY_TAG}-lr0.7-steps2 failed: ")
    assert "/proc/gdanim-cache" in line
    assert snapshot(out_dir) == before
    assert debris(out_dir) == []


def test_progress_of_every_clip_comes_back_from_the_workers(
    dask_cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = [ClipRequest.create("slope-tangent", quality="low", language=language, steps=1, test_size=TINY) for language in ("he", "en")]
    events: list[ProgressEvent] = []
    messages: list[str] = []
    results = list(iter_render_clips(requests, tmp_path, ("png",), scheduler=dask_cluster.scheduler_address,
                                     on_progress=events.append, on_message=messages.append))
    assert sorted(result.request.clip_id for result in results) == sorted(request.clip_id for request in requests)
    assert messages == [f"sent 2 of 2 clips to {dask_cluster.scheduler_address}"]
    for request in requests:
        stages = [event.stage for event in events if event.clip_id == request.clip_id]
        assert stages[0] == "queued"
        assert "render" in stages and "png" in stages
        assert stages[-1] == "done"
        plays = [event.completed for event in events if event.clip_id == request.clip_id and event.stage == "render"]
        assert max(plays) > 0, "no animation was reported while it played"


def test_ctrl_c_cancels_the_sweep_exits_130_and_loses_nothing(swept_copy: Path) -> None:
    out_dir = swept_copy
    before = snapshot(out_dir)
    # Its own session, so that Ctrl-C reaches the client and its cluster's workers alike, as in a terminal.
    process = subprocess.Popen(
        [sys.executable, "render.py", "rolling-descent", "-q", "l", "--steps", "2", "--format", "gif", "--force",
         "--scheduler", "local", "--jobs", "2", "--sweep", f"learning-rate={','.join(SWEPT_RATES)}",
         "--out", str(out_dir), *TINY_OPTION],
        cwd=REPO_ROOT, env=render_env(), start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    sent = process.stderr.readline()
    assert sent.startswith("sent 3 of 3 clips to tcp://"), sent
    # The workers have the clips and are starting on them: nothing is finished yet. (A 1 s pause was too
    # long once the text cache made tiny clips fast: two of three finished first on an idle machine.)
    time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stdout == ""
    assert stderr.splitlines() == ["Error: interrupted; finished files are kept, unfinished ones were removed"]
    assert snapshot(out_dir) == before
    assert debris(out_dir) == []
    _wait_for(lambda: subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).returncode != 0, 30)


def test_the_dask_executor_runs_a_new_task_kind_too(dask_cluster: LocalCluster, tmp_path: Path) -> None:
    from gdanim.run.cluster import DaskExecutor
    from gdanim.run.plan import Plan
    from tests.render.test_executors import TASKS

    executor = DaskExecutor(dask_cluster.scheduler_address)
    plan = Plan(tmp_path, ("txt",), [], list(TASKS), len(TASKS))
    with executor.session(plan):
        outputs = list(executor.run(plan.tasks, tmp_path, None))
    assert sorted(task.key for task, _ in outputs) == [task.key for task in TASKS]
    with Client(dask_cluster.scheduler_address, set_as_default=False) as client:
        worker_pids = set(client.run(os.getpid).values())
    assert {int(output.files["txt"].read_text(encoding="utf-8")) for _, output in outputs} <= worker_pids
    assert all(output.files["txt"].is_relative_to(tmp_path) for _, output in outputs)
    assert debris(tmp_path) == []
