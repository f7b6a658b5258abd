"""Real renders through ``python render.py`` and the API, checked with real decoders.

Most clips are tiny: ``GDANIM_TEST_RESOLUTION=160x90@5`` (see
:data:`gdanim.quality.TEST_RESOLUTION_ENV`) and ``--steps 2``. One clip is
rendered at the real ``low`` preset to check the sizes users get.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest
from click.testing import CliRunner
from PIL import Image

from gdanim.gif_quality import measure_gif
from gdanim.manifest import MANIFEST_NAME, read_manifest
from gdanim.pipeline import ClipRequest, render_clip, theme_colours
from gdanim.quality import TEST_RESOLUTION_ENV
from render import cli
from scenes.registry import SCENES

REPO_ROOT = Path(__file__).resolve().parent.parent
TINY = "160x90@5"
TINY_TAG = "160x90p5"


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, TEST_RESOLUTION_ENV: TINY}
    env.update(extra)
    return env


def run_render(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python render.py ARGUMENTS`` as a user would, from the checkout."""
    return subprocess.run(
        [sys.executable, "render.py", *arguments],
        cwd=REPO_ROOT, env=env or _env(), capture_output=True, text=True, timeout=240, check=False,
    )


def probe_video(path: Path) -> dict[str, object]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return {
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "rate": stream.base_rate,
            "frames": frames,
        }


def gif_seconds(path: Path) -> float:
    """Total play time of a GIF: the sum of its frame delays."""
    with Image.open(path) as image:
        total_ms = 0
        for index in range(image.n_frames):
            image.seek(index)
            total_ms += image.info["duration"]
    return total_ms / 1000


def debris(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(".gdanim")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One tiny rolling descent as MP4 + GIF, rendered by a real ``python render.py`` process."""
    out_dir = tmp_path_factory.mktemp("tiny") / "out"
    completed = run_render("rolling-descent", "-q", "l", "-f", "both", "--steps", "2", "--out", str(out_dir))
    return out_dir, completed


def test_subprocess_render_prints_only_the_paths(tiny_clip: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out_dir, completed = tiny_clip
    assert completed.returncode == 0, completed.stderr
    stem = f"he-light-{TINY_TAG}-steps2"
    assert completed.stdout.splitlines() == [
        str(out_dir / "rolling-descent" / f"{stem}.mp4"),
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
    entry = read_manifest(out_dir)["clips"][0]
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
    entry = read_manifest(out_dir)["clips"][0]
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
    assert set(entry["files"]) == {"mp4", "gif"}
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
        f"sys.argv = ['render.py', 'rolling-descent', '-q', 'l', '-f', 'both', '--steps', '2', '--out', {str(out_dir)!r}]\n"
        "try:\n    render.main()\nexcept SystemExit as stop:\n    code = stop.code\n"
        "print('manim imported' if 'manim' in sys.modules else 'manim not imported', code, file=sys.stderr)\n"
    )
    again = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert again.stderr.strip() == "manim not imported 0"
    assert again.stdout == first.stdout
    assert {p: p.stat().st_mtime_ns for p in (out_dir / "rolling-descent").iterdir()} == before


def test_a_tampered_file_is_rendered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_RESOLUTION_ENV, TINY)
    request = ClipRequest.create("slope-tangent", quality="low", language="en", steps=1)
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
    monkeypatch.setenv(TEST_RESOLUTION_ENV, TINY)
    request = ClipRequest.create("slope-tangent", quality="low", steps=1)
    first = render_clip(request, tmp_path, ["mp4"])
    mp4 = first.files["mp4"]
    stamp = mp4.stat().st_mtime_ns
    second = render_clip(request, tmp_path, ["mp4", "gif"])
    assert not second.up_to_date
    assert mp4.stat().st_mtime_ns == stamp
    assert second.entry["render_seconds"] == first.entry["render_seconds"]
    assert set(second.entry["files"]) == {"mp4", "gif"}
    assert abs(gif_seconds(second.files["gif"]) - first.entry["duration"]) < 0.5
    assert render_clip(request, tmp_path, ["gif"]).up_to_date


def test_cli_runner_renders_a_poster_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_RESOLUTION_ENV, TINY)
    result = CliRunner().invoke(
        cli, ["slope-tangent", "--format", "png", "--lang", "en", "--theme", "dark", "--out", str(tmp_path), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    poster = tmp_path / "slope-tangent" / f"en-dark-{TINY_TAG}.png"
    assert result.stdout.splitlines() == [str(poster)]
    with Image.open(poster) as image:
        assert image.size == (160, 90)
        background = image.convert("RGB").getpixel((1, 1))
    assert background == tuple(int(theme_colours("dark")["background"][i : i + 2], 16) for i in (1, 3, 5))


def test_two_renders_into_one_folder_at_once_both_land_in_the_manifest(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    cache_dir = tmp_path / "cache"
    common = [sys.executable, "render.py", "rolling-descent", "-q", "l", "-f", "mp4", "--steps", "1", "--out", str(out_dir)]
    processes = [
        subprocess.Popen([*common, "--lang", language], cwd=REPO_ROOT, env=_env(GDANIM_CACHE_DIR=str(cache_dir)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for language in ("he", "en")
    ]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    ids = [clip["id"] for clip in read_manifest(out_dir)["clips"]]
    assert ids == [f"rolling-descent/en-light-{TINY_TAG}-steps1", f"rolling-descent/he-light-{TINY_TAG}-steps1"]
    assert debris(out_dir) == []
    # Each process had its own manim media folder in the cache (slot-1 while slot-0 was busy), and left no movies.
    assert {p.name for p in (cache_dir / "media").iterdir()} <= {"slot-0", "slot-1"}
    assert [p for p in cache_dir.rglob("*") if p.suffix in {".mp4", ".png", ".gif"}] == []


def test_jobs_render_several_scenes_in_parallel(tmp_path: Path) -> None:
    completed = run_render("slope-tangent", "learning-rate-comparison", "-q", "l", "-f", "mp4", "--steps", "1",
                           "--jobs", "2", "--out", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    assert len(completed.stdout.splitlines()) == 2
    assert {clip["scene"] for clip in read_manifest(tmp_path)["clips"]} == {"slope-tangent", "learning-rate-comparison"}
    for line in completed.stdout.splitlines():
        assert probe_video(Path(line))["codec"] == "h264"


@pytest.mark.parametrize("scenes", [["rolling-descent"], ["rolling-descent", "slope-tangent", "learning-rate-comparison"]])
def test_ctrl_c_mid_render_exits_130_and_keeps_earlier_files(
    tiny_clip: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, scenes: list[str]
) -> None:
    source, _ = tiny_clip
    out_dir = tmp_path / "out"
    subprocess.run(["cp", "-a", str(source), str(out_dir)], check=True)
    before = {p.relative_to(out_dir): sha256(p) for p in out_dir.rglob("*") if p.is_file()}
    process = subprocess.Popen(
        [sys.executable, "render.py", *scenes, "-q", "l", "-f", "both", "--steps", "2", "--force", "--jobs", "2",
         "--out", str(out_dir)],
        cwd=REPO_ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not debris(out_dir) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert debris(out_dir), "the render never started writing"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stdout == ""
    assert len(stderr.splitlines()) == 1 and stderr.startswith("Error: interrupted"), stderr
    assert debris(out_dir) == []
    assert {p.relative_to(out_dir): sha256(p) for p in out_dir.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out_dir.iterdir() if p.is_dir()) == ["rolling-descent"]


def test_console_script_lists_the_scenes() -> None:
    script = Path(sys.executable).parent / "gdanim"
    if not script.exists():
        pytest.skip("the gdanim console script is not installed in this environment")
    completed = subprocess.run([str(script), "--list"], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0
    assert [line.split()[0] for line in completed.stdout.splitlines()] == list(SCENES)


def test_a_killed_worker_fails_the_run_in_one_line_and_leaves_no_debris(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "render.py", "slope-tangent", "rolling-descent", "-q", "l", "--steps", "3", "--jobs", "2",
         "--out", str(out_dir)],
        cwd=REPO_ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not debris(out_dir) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = subprocess.run(["pgrep", "-P", str(process.pid), "-f", "spawn_main"], capture_output=True, text=True).stdout
    os.kill(int(workers.split()[0]), signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    (line,) = stderr.splitlines()
    assert line.startswith("Error: rendering ") and "render process died" in line
    assert debris(out_dir) == []


def test_a_render_failure_exits_1_with_one_line_naming_the_scene(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    completed = run_render("rolling-descent", "-q", "l", "--steps", "1", "--out", str(out_dir),
                           env=_env(GDANIM_CACHE_DIR="/proc/gdanim-cache"))
    assert completed.returncode == 1
    assert completed.stdout == ""
    (line,) = completed.stderr.splitlines()
    assert line.startswith("Error: rendering rolling-descent failed: ")
    assert "Traceback" not in completed.stderr
    assert list(out_dir.rglob("*")) == []


def _path_without(tmp_path: Path, missing: str) -> str:
    """A PATH with ffmpeg, gifsicle, latex and dvisvgm, except ``missing``."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("ffmpeg", "gifsicle", "latex", "dvisvgm", "kpsewhich"):
        found = subprocess.run(["which", tool], capture_output=True, text=True, check=False).stdout.strip()
        if tool != missing and found:
            (tools / tool).symlink_to(found)
    return str(tools)


@pytest.mark.parametrize(("missing", "package"), [("gifsicle", "gifsicle"), ("ffmpeg", "ffmpeg"), ("latex", "texlive-latex-base")])
def test_missing_tool_names_its_package_and_keeps_earlier_files(
    tiny_clip: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, missing: str, package: str
) -> None:
    source, _ = tiny_clip
    out_dir = tmp_path / "out"
    subprocess.run(["cp", "-a", str(source), str(out_dir)], check=True)
    before = {p.relative_to(out_dir): sha256(p) for p in out_dir.rglob("*") if p.is_file()}
    completed = run_render("rolling-descent", "-q", "l", "-f", "both", "--steps", "2", "--force", "--out", str(out_dir),
                           env=_env(PATH=_path_without(tmp_path, missing)))
    assert completed.returncode == 1
    assert completed.stdout == ""
    (line,) = completed.stderr.splitlines()
    assert line.startswith(f"Error: {missing} is not installed") and package in line
    assert {p.relative_to(out_dir): sha256(p) for p in out_dir.rglob("*") if p.is_file()} == before


def test_symlink_out_of_the_output_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "rolling-descent").symlink_to(elsewhere)
    completed = run_render("rolling-descent", "-q", "l", "--steps", "1", "--out", str(out_dir))
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert "outside --out" in line
    assert list(elsewhere.iterdir()) == []


@pytest.fixture(scope="module")
def low_preset_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rolling descent at the real ``low`` preset, one step, as MP4 and GIF."""
    out_dir = tmp_path_factory.mktemp("low")
    env = {key: value for key, value in os.environ.items() if key != TEST_RESOLUTION_ENV}
    completed = run_render("rolling-descent", "-q", "low", "-f", "both", "--steps", "1", "--out", str(out_dir), env=env)
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
    from gdanim.cache import CACHE_DIR_ENV
    from gdanim.pipeline import iter_render_clips

    monkeypatch.setenv(TEST_RESOLUTION_ENV, "160x90@5")
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    scenes = ["rolling-descent", "slope-tangent", "learning-rate-comparison"]
    requests = [ClipRequest.create(scene, quality="low", steps=3) for scene in scenes]
    out_dir = tmp_path / "out"
    results = iter_render_clips(requests, out_dir, ("mp4",), jobs=2, force=True)
    first = next(results)
    results.close()
    rendered = [clip["id"] for clip in read_manifest(out_dir)["clips"]]
    assert first.request.clip_id in rendered
    assert len(rendered) < len(scenes), "the workers rendered every clip although nobody read the results"
    assert debris(out_dir) == []
