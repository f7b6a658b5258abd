"""Real renders through ``python render.py`` and the API, checked with real decoders.

Most clips are tiny: ``--test-size 160x90@5`` (see
:func:`gdanim.options.get_preset`) and ``--steps 2``. One clip is
rendered at the real ``low`` preset to check the sizes users get. Bad inputs,
Ctrl-C, renders at once, missing tools and path safety are in
``test_robustness.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from bench.gif_quality import measure_gif
from gdanim.store.manifest import MANIFEST_NAME
from gdanim.api import ClipRequest, iter_render_clips, render_clip
from gdanim.clip.render import theme_colours
from render import cli
from scenes.registry import SCENES
from tests.render_runs import (
    REPO_ROOT,
    TINY,
    TINY_CLIP_ARGUMENTS,
    TINY_OPTION,
    TINY_TAG,
    debris,
    manifest_json,
    probe_video,
    render_env,
    run_render,
    sha256,
    start_render,
    wait_for_debris,
)


def gif_seconds(path: Path) -> float:
    """Total play time of a GIF: the sum of its frame delays."""
    with Image.open(path) as image:
        total_ms = 0
        for index in range(image.n_frames):
            image.seek(index)
            total_ms += image.info["duration"]
    return total_ms / 1000


def test_subprocess_render_prints_only_the_paths(tiny_clip: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out_dir, completed = tiny_clip
    assert completed.returncode == 0, completed.stderr
    stem = f"he-light-{TINY_TAG}-steps2"
    assert completed.stdout.splitlines() == [
        str(out_dir / "rolling-descent" / f"{stem}.mp4"),
        str(out_dir / "rolling-descent" / f"{stem}.vtt"),
        str(out_dir / "rolling-descent" / f"{stem}.gif"),
    ]
    assert completed.stderr == ""
    assert debris(out_dir) == []
    assert {MANIFEST_NAME, "rolling-descent"} <= {p.name for p in out_dir.iterdir()}


def test_mp4_is_h264_yuv420p_faststart_with_every_frame(tiny_clip: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out_dir, _ = tiny_clip
    mp4 = out_dir / "rolling-descent" / f"he-light-{TINY_TAG}-steps2.mp4"
    info = probe_video(mp4)
    assert (info["codec"], info["pix_fmt"], info["width"], info["height"], info["rate"]) == ("h264", "yuv420p", 160, 90, 5)
    entry = manifest_json(out_dir)["clips"][0]
    assert abs(info["frames"] - entry["duration"] * 5) <= 1
    data = mp4.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat"), "moov atom must come first (+faststart)"


def test_gif_loops_forever_and_has_the_clip_length(tiny_clip: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out_dir, _ = tiny_clip
    gif = out_dir / "rolling-descent" / f"he-light-{TINY_TAG}-steps2.gif"
    with Image.open(gif) as image:
        assert image.format == "GIF"
        assert image.info.get("loop") == 0
        assert image.size == (160, 90)
    entry = manifest_json(out_dir)["clips"][0]
    assert abs(gif_seconds(gif) - entry["duration"]) < 0.5


def test_manifest_describes_the_clip(tiny_clip: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out_dir, _ = tiny_clip
    manifest = json.loads((out_dir / MANIFEST_NAME).read_text())
    assert manifest["version"] == 1
    (entry,) = manifest["clips"]
    assert entry["id"] == f"rolling-descent/he-light-{TINY_TAG}-steps2"
    assert (entry["scene"], entry["language"], entry["theme"], entry["quality"]) == ("rolling-descent", "he", "light", "low")
    assert (entry["width"], entry["height"], entry["fps"]) == (160, 90, 5)
    assert entry["parameters"] == {"start": -1.0, "learning_rate": 0.1, "steps": 2}
    assert set(entry["files"]) == {"mp4", "vtt", "gif"}
    for record in entry["files"].values():
        path = out_dir / record["path"]
        assert record["bytes"] == path.stat().st_size
        assert record["sha256"] == sha256(path)
    assert entry["duration"] > 0
    assert len(entry["hash"]) == 64


def test_unchanged_clip_is_not_rendered_again_and_manim_is_not_imported(
    tiny_clip: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out_dir, first = tiny_clip
    before = {p: p.stat().st_mtime_ns for p in (out_dir / "rolling-descent").iterdir()}
    script = (
        "import sys, render\n"
        f"sys.argv = ['render.py', *{list(TINY_CLIP_ARGUMENTS)!r}, '--out', {str(out_dir)!r}, *{list(TINY_OPTION)!r}]\n"
        "try:\n    render.cli.main(prog_name='gdanim')\nexcept SystemExit as stop:\n    code = stop.code\n"
        "print('manim imported' if 'manim' in sys.modules else 'manim not imported', code, file=sys.stderr)\n"
    )
    again = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=render_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert again.stderr.strip() == "manim not imported 0"
    assert again.stdout == first.stdout
    assert {p: p.stat().st_mtime_ns for p in (out_dir / "rolling-descent").iterdir()} == before


def test_a_tampered_file_is_rendered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    request = ClipRequest.create("slope-tangent", quality="low", language="en", steps=1, test_size=TINY)
    first = render_clip(request, tmp_path, ["png"])
    poster = first.files["png"]
    assert not first.up_to_date
    assert render_clip(request, tmp_path, ["png"]).up_to_date
    poster.write_bytes(b"not a png")
    again = render_clip(request, tmp_path, ["png"])
    assert not again.up_to_date
    with Image.open(poster) as image:
        assert image.size == (160, 90)
    assert render_clip(request, tmp_path, ["png"], force=True).up_to_date is False


def test_a_gif_asked_after_the_mp4_is_cut_from_that_mp4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    request = ClipRequest.create("slope-tangent", quality="low", steps=1, test_size=TINY)
    first = render_clip(request, tmp_path, ["mp4"])
    mp4 = first.files["mp4"]
    stamp = mp4.stat().st_mtime_ns
    second = render_clip(request, tmp_path, ["mp4", "gif"])
    assert not second.up_to_date
    assert mp4.stat().st_mtime_ns == stamp
    assert second.entry.render_seconds == first.entry.render_seconds
    assert set(second.entry.files) == {"mp4", "vtt", "gif"}
    assert abs(gif_seconds(second.files["gif"]) - first.entry.duration) < 0.5
    assert render_clip(request, tmp_path, ["gif"]).up_to_date


def test_cli_runner_renders_a_poster_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(
        cli, ["slope-tangent", "--format", "png", "--lang", "en", "--theme", "dark", "--out", str(tmp_path), "--quiet", *TINY_OPTION]
    )
    assert result.exit_code == 0, result.output
    poster = tmp_path / "slope-tangent" / f"en-dark-{TINY_TAG}.png"
    assert result.stdout.splitlines() == [str(poster)]
    with Image.open(poster) as image:
        assert image.size == (160, 90)
        background = image.convert("RGB").getpixel((1, 1))
    assert background == tuple(int(theme_colours("dark")["background"][i : i + 2], 16) for i in (1, 3, 5))


def test_jobs_render_several_scenes_in_parallel(tmp_path: Path) -> None:
    completed = run_render("slope-tangent", "learning-rate-comparison", "-q", "l", "-f", "mp4", "--steps", "1",
                           "--jobs", "2", "--out", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    written = completed.stdout.splitlines()
    assert sorted(Path(line).suffix for line in written) == [".mp4", ".mp4", ".vtt", ".vtt"]
    assert {clip["scene"] for clip in manifest_json(tmp_path)["clips"]} == {"slope-tangent", "learning-rate-comparison"}
    for line in written:
        if line.endswith(".mp4"):
            assert probe_video(Path(line))["codec"] == "h264"


@pytest.mark.unit
def test_console_script_lists_the_scenes() -> None:
    script = Path(sys.executable).parent / "gdanim"
    if not script.exists():
        pytest.skip("the gdanim console script is not installed in this environment")
    completed = subprocess.run([str(script), "--list"], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0
    assert [line.split()[0] for line in completed.stdout.splitlines()] == list(SCENES)


def test_a_killed_worker_fails_the_run_in_one_line_and_leaves_no_debris(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    process = start_render("slope-tangent", "rolling-descent", "-q", "l", "--steps", "3", "--jobs", "2",
                           "--out", str(out_dir))
    wait_for_debris(process, out_dir)
    workers = subprocess.run(["pgrep", "-P", str(process.pid), "-f", "spawn_main"], capture_output=True, text=True).stdout
    os.kill(int(workers.split()[0]), signal.SIGKILL)
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("Error: rendering ") and "render process died" in stderr
    assert debris(out_dir) == []


_KILLED_WORKER_WITH_A_SEMAPHORE = """
import multiprocessing, os, signal, sys
from gdanim.run.processes import _quiet_resource_tracker

def worker():
    lock = multiprocessing.get_context("spawn").Lock()  # registered with the parent's resource tracker
    os.kill(os.getpid(), signal.SIGKILL)

if __name__ == "__main__":
    if sys.argv[1] == "quiet":
        _quiet_resource_tracker()
    process = multiprocessing.get_context("spawn").Process(target=worker)
    process.start()
    process.join()
"""


@pytest.mark.unit
@pytest.mark.parametrize("mode", ["loud", "quiet"])
def test_a_killed_workers_semaphore_adds_no_warning_to_stderr(tmp_path: Path, mode: str) -> None:
    """Without the filter the resource tracker warns of a leaked semaphore (the control); with it, nothing."""
    script = tmp_path / "killed_worker.py"
    script.write_text(_KILLED_WORKER_WITH_A_SEMAPHORE, encoding="utf-8")
    # Piped stderr is read to its end, so the tracker (which outlives the script briefly) has written its warning.
    completed = subprocess.run([sys.executable, str(script), mode], cwd=REPO_ROOT, env=render_env(),
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0
    assert ("leaked semaphore" in completed.stderr) == (mode == "loud"), completed.stderr


def test_a_render_failure_exits_1_with_one_line_naming_the_scene(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    completed = run_render("rolling-descent", "-q", "l", "--steps", "1", "--out", str(out_dir),
                           env=render_env(GDANIM_CACHE_DIR="/proc/gdanim-cache"))
    assert completed.returncode == 1
    assert completed.stdout == ""
    (line,) = completed.stderr.splitlines()
    assert line.startswith("Error: rendering rolling-descent failed: ")
    assert "Traceback" not in completed.stderr
    assert list(out_dir.rglob("*")) == []


@pytest.fixture(scope="module")
def low_preset_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rolling descent at the real ``low`` preset, one step, as MP4 and GIF."""
    out_dir = tmp_path_factory.mktemp("low")
    completed = run_render("rolling-descent", "-q", "low", "-f", "both", "--steps", "1", "--out", str(out_dir), tiny=False)
    assert completed.returncode == 0, completed.stderr
    return out_dir / "rolling-descent"


def test_low_preset_sizes_and_gif_colours(low_preset_clip: Path) -> None:
    mp4 = low_preset_clip / "he-light-480p15-steps1.mp4"
    gif = low_preset_clip / "he-light-480p15-steps1.gif"
    info = probe_video(mp4)
    assert (info["width"], info["height"], info["rate"]) == (854, 480, 15)
    with Image.open(gif) as image:
        assert image.width >= 640
        assert image.info.get("loop") == 0
    colours = {role: colour for role, colour in theme_colours("light").items() if role != "background"}
    fidelity = measure_gif(gif, mp4, colours, stride=4)
    assert fidelity.ssim > 0.98
    assert fidelity.colour_pixels["ball"] > 0 and fidelity.colour_pixels["curve"] > 0
    assert fidelity.lost_colours() == []


def test_a_caller_that_stops_reading_stops_the_running_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C can land while the CLI prints a result rather than while the
    # generator waits; the generator is then closed, and must not sit waiting
    # for the other clips to render to the end.
    from gdanim.store.cache import CACHE_DIR_ENV

    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    scenes = ["rolling-descent", "slope-tangent", "learning-rate-comparison"]
    requests = [ClipRequest.create(scene, quality="low", steps=3, test_size=TINY) for scene in scenes]
    out_dir = tmp_path / "out"
    results = iter_render_clips(requests, out_dir, ("mp4",), jobs=2, force=True)
    first = next(results)
    results.close()
    rendered = [clip["id"] for clip in manifest_json(out_dir)["clips"]]
    assert first.request.clip_id in rendered
    assert len(rendered) < len(scenes), "the workers rendered every clip although nobody read the results"
    assert debris(out_dir) == []


CH9_SCENES = ["slope-rise-over-run", "slope-steepness", "local-view"]
"""The ch. 9 scenes of issue #12."""


def test_ch9_scenes_render_into_gifs_the_manifest_and_the_gallery(tmp_path: Path) -> None:
    completed = run_render(*CH9_SCENES, "-q", "l", "-f", "gif", "--steps", "2", "--jobs", "2", "--out", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    gifs = sorted(Path(line) for line in completed.stdout.splitlines())  # in the order they finished
    assert gifs == sorted(tmp_path / name / f"he-light-{TINY_TAG}-steps2.gif" for name in CH9_SCENES)
    for gif in gifs:
        with Image.open(gif) as image:
            assert image.size == (160, 90) and image.n_frames > 20
    assert {clip["scene"] for clip in manifest_json(tmp_path)["clips"]} == set(CH9_SCENES)
    gallery = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f"{name}/he-light-{TINY_TAG}-steps2.gif" in gallery for name in CH9_SCENES)


_STUCK_THREAD = """
import sys, threading
import gdanim.cli as cli
cli.EXIT_GRACE_SECONDS = 1.0
threading.Thread(target=threading.Event().wait, name="encoder left waiting").start()  # not a daemon: never ends
sys.argv = ["gdanim", "--list"]
cli.main()
"""


def test_a_thread_left_waiting_does_not_keep_the_command_alive() -> None:
    """Python waits for every non-daemon thread at exit; the command waits a grace period, then leaves."""
    completed = subprocess.run([sys.executable, "-c", _STUCK_THREAD], cwd=REPO_ROOT, env=render_env(),
                               capture_output=True, text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr
    assert "rolling-descent" in completed.stdout


def _ignore_ctrl_c_and_wait() -> None:
    import signal
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    time.sleep(600)


@pytest.mark.unit
def test_a_worker_that_ignores_ctrl_c_is_stopped_after_the_grace_period() -> None:
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    from gdanim.run.processes import _interrupt_workers, _stop_lingering_workers

    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    future = executor.submit(_ignore_ctrl_c_and_wait)
    deadline = time.monotonic() + 30
    while not future.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the worker has installed its handler
    (worker,) = executor._processes.values()
    _interrupt_workers(executor)
    _stop_lingering_workers(executor, grace=0.5)
    worker.join(5)
    assert not worker.is_alive()
    executor.shutdown(wait=True, cancel_futures=True)
