"""Benchmark render.py against its targets (issue 5), side by side in one run.

Measures, with real processes as a user runs them:

- **skip unchanged**: a first render (``--force``) against a re-render with nothing changed (target ≥ 10×);
- **no overhead**: ``render.py SCENE -q l -f mp4`` against raw ``manim -ql`` of the same scene class
  (target ≤ 1.05×). Both run with a warm LaTeX cache and without manim's per-animation caching
  (``--disable_caching``), so both really render; runs alternate to share the machine's mood;
- **parallel**: all scenes with ``--jobs 2`` against ``--jobs 1`` and against the CPU floor, the
  run's total CPU seconds ÷ cores (target ≤ 1.15× of the floor, never slower than ``--jobs 1``);
- **GIF size**: our GIF against manim's own ``--format gif`` of the same scene and quality
  (target ≤ 40 % of its bytes);
- **GIF fidelity**: SSIM against the source frames and the RGB error of each theme colour, in both themes.

Usage::

    .venv/bin/python bench/bench_render.py [--scene rolling-descent] [--repeats 3] [--jobs-quality low]
        [--only preview rerender gif jobs] [--results bench/results/render.json]

Prints a table and writes ``bench/results/render.json``, with the load average
before and after: other work on the same cores slows every number here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from gdanim.gif_quality import COLOUR_TOLERANCE, measure_gif  # noqa: E402
from gdanim.pipeline import theme_colours  # noqa: E402
from scenes.registry import SCENES  # noqa: E402

RESULTS_PATH: Path = REPO_ROOT / "bench" / "results" / "render.json"
VENV_BIN: Path = Path(sys.executable).parent
TARGETS: dict[str, float] = {
    "rerender_speedup_min": 10.0,
    "preview_overhead_max": 1.05,
    "jobs_vs_floor_max": 1.15,
    "gif_bytes_ratio_max": 0.40,
}


class BenchError(RuntimeError):
    """A command the benchmark runs failed."""


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a command; return its wall seconds, the CPU seconds of it and all its children, and the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed: {completed.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, completed


def _render_command(*arguments: str) -> list[str]:
    return [sys.executable, "render.py", "--quiet", *arguments]


def _manim_command(scene: str, media_dir: Path, *extra: str) -> list[str]:
    spec = SCENES[scene]
    source = REPO_ROOT / "scenes" / f"{spec.module.rsplit('.', 1)[-1]}.py"
    return [str(VENV_BIN / "manim"), "-ql", "--disable_caching", "--media_dir", str(media_dir), *extra, str(source),
            spec.class_name]


def _manim_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def bench_rerender(scene: str, out_dir: Path) -> dict[str, Any]:
    """First render (forced, MP4 + GIF) against a re-render with nothing changed."""
    arguments = [scene, "-q", "low", "-f", "both", "--out", str(out_dir)]
    first, first_cpu, _ = _run(_render_command(*arguments, "--force"))
    again = [_run(_render_command(*arguments))[0] for _ in range(5)]
    return {
        "first_render_s": round(first, 3),
        "first_render_cpu_s": round(first_cpu, 3),
        "rerender_s": round(statistics.median(again), 3),
        "rerender_samples_s": [round(s, 3) for s in again],
        "speedup": round(first / statistics.median(again), 1),
    }


def bench_preview(scene: str, out_dir: Path, media_dir: Path, repeats: int) -> dict[str, Any]:
    """``render.py -q l -f mp4 --force`` against ``manim -ql --disable_caching``, alternating, after a warm-up each."""
    ours_command = _render_command(scene, "-q", "low", "-f", "mp4", "--force", "--out", str(out_dir))
    manim_command = _manim_command(scene, media_dir)
    _run(ours_command)
    _run(manim_command, _manim_env())
    ours: list[float] = []
    raw: list[float] = []
    for _ in range(repeats):
        raw.append(_run(manim_command, _manim_env())[0])
        ours.append(_run(ours_command)[0])
    return {
        "gdanim_s": round(statistics.median(ours), 3),
        "manim_s": round(statistics.median(raw), 3),
        "gdanim_samples_s": [round(s, 3) for s in ours],
        "manim_samples_s": [round(s, 3) for s in raw],
        "ratio": round(statistics.median(ours) / statistics.median(raw), 3),
    }


def bench_jobs(quality: str, root: Path) -> dict[str, Any]:
    """All scenes as MP4 with ``--jobs 1`` then ``--jobs 2`` (each forced, into its own folder)."""
    cores = os.cpu_count() or 1
    runs: dict[str, Any] = {}
    for jobs in (1, 2):
        out_dir = root / f"jobs{jobs}"
        wall, cpu, _ = _run(_render_command("-q", quality, "-f", "mp4", "--jobs", str(jobs), "--force",
                                            "--out", str(out_dir)))
        runs[f"jobs{jobs}"] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "floor_s": round(cpu / cores, 3)}
    jobs2 = runs["jobs2"]
    return {
        "quality": quality,
        "cores": cores,
        **runs,
        "jobs2_vs_floor": round(jobs2["wall_s"] / jobs2["floor_s"], 3),
        "jobs2_vs_jobs1": round(jobs2["wall_s"] / runs["jobs1"]["wall_s"], 3),
    }


def bench_gif(scene: str, out_dir: Path, media_dir: Path) -> dict[str, Any]:
    """Our GIFs (light and dark) against manim's ``--format gif``: bytes, SSIM and named colours."""
    _run(_manim_command(scene, media_dir, "--format", "gif"), _manim_env())
    (manim_gif,) = (media_dir / "videos").rglob(f"{SCENES[scene].class_name}*.gif")
    results: dict[str, Any] = {"manim_gif_bytes": manim_gif.stat().st_size}
    for theme in ("light", "dark"):
        _run(_render_command(scene, "-q", "low", "-f", "both", "--theme", theme, "--out", str(out_dir)))
        stem = out_dir / scene / f"he-{theme}-480p15"
        gif, mp4 = stem.with_suffix(".gif"), stem.with_suffix(".mp4")
        colours = {role: colour for role, colour in theme_colours(theme).items() if role != "background"}
        fidelity = measure_gif(gif, mp4, colours, stride=2)
        results[theme] = {
            "gif_bytes": gif.stat().st_size,
            "mp4_bytes": mp4.stat().st_size,
            "bytes_ratio": round(gif.stat().st_size / results["manim_gif_bytes"], 3),
            "ssim": round(fidelity.ssim, 4),
            "colour_rgb_error": {role: (None if error != error else round(error, 1))
                                 for role, error in fidelity.colour_errors.items()},
            "colour_pixels": fidelity.colour_pixels,
            "lost_colours": fidelity.lost_colours(),
        }
    return results


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    if "speedup" in (rerender := results.get("rerender", {})):
        rows.append(("first render / re-render", f"{rerender['first_render_s']:.2f} s / {rerender['rerender_s']:.3f} s",
                     f"{rerender['speedup']}x", ">= 10x", _verdict(rerender["speedup"] >= TARGETS["rerender_speedup_min"])))
    if "ratio" in (preview := results.get("preview", {})):
        rows.append(("gdanim -q l / manim -ql", f"{preview['gdanim_s']:.2f} s / {preview['manim_s']:.2f} s",
                     f"{preview['ratio']}x", "<= 1.05x", _verdict(preview["ratio"] <= TARGETS["preview_overhead_max"])))
    if "jobs2" in (jobs := results.get("jobs", {})):
        rows.append((f"--jobs 2 / CPU floor ({jobs['quality']})",
                     f"{jobs['jobs2']['wall_s']:.1f} s / {jobs['jobs2']['floor_s']:.1f} s",
                     f"{jobs['jobs2_vs_floor']}x", "<= 1.15x", _verdict(jobs["jobs2_vs_floor"] <= TARGETS["jobs_vs_floor_max"])))
        rows.append(("--jobs 2 / --jobs 1", f"{jobs['jobs2']['wall_s']:.1f} s / {jobs['jobs1']['wall_s']:.1f} s",
                     f"{jobs['jobs2_vs_jobs1']}x", "<= 1x", _verdict(jobs["jobs2_vs_jobs1"] <= 1.0)))
    gif = results.get("gif", {})
    for theme in ("light", "dark"):
        if theme not in gif:
            continue
        entry = gif[theme]
        rows.append((f"GIF bytes / manim GIF ({theme})", f"{entry['gif_bytes']} / {gif['manim_gif_bytes']}",
                     f"{entry['bytes_ratio']:.1%}", "<= 40%",
                     _verdict(entry["bytes_ratio"] <= TARGETS["gif_bytes_ratio_max"])))
        errors = ", ".join(f"{role} {error}" for role, error in entry["colour_rgb_error"].items())
        rows.append((f"GIF SSIM; colour RGB error ({theme})", f"{entry['ssim']}; {errors}", "",
                     f"<= {COLOUR_TOLERANCE:g} RGB", _verdict(not entry["lost_colours"])))
    return rows


def print_table(results: dict[str, Any]) -> None:
    """Print one row per measurement: what, measured, ratio, target, verdict."""
    rows = _rows(results)
    width = max((len(row[0]) for row in rows), default=0)
    for name, measured, ratio, target, verdict in rows:
        print(f"{name:<{width}}  {measured:<44}  {ratio:>8}  {target:<12} {verdict}")
    for section, value in results.items():
        if isinstance(value, dict) and "error" in value:
            print(f"{section}: not measured: {value['error']}")
    print(f"load average before {results['load_before']}, after {results.get('load_after')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="rolling-descent", choices=list(SCENES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs-quality", default="low")
    parser.add_argument("--only", nargs="*", choices=["preview", "rerender", "gif", "jobs"], default=None)
    parser.add_argument("--results", type=Path, default=RESULTS_PATH, help="where to write the JSON results")
    arguments = parser.parse_args()
    if shutil.which("gifsicle") is None or shutil.which("ffmpeg") is None:
        raise SystemExit("bench_render needs ffmpeg and gifsicle: apt-get install ffmpeg gifsicle")

    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "scene": arguments.scene,
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="gdanim-bench-") as work:
        root = Path(work)
        sections = {
            "preview": lambda: bench_preview(arguments.scene, root / "preview", root / "manim-media", arguments.repeats),
            "rerender": lambda: bench_rerender(arguments.scene, root / "rerender"),
            "gif": lambda: bench_gif(arguments.scene, root / "gif", root / "manim-gif-media"),
            "jobs": lambda: bench_jobs(arguments.jobs_quality, root),
        }
        for name, measure in sections.items():
            if arguments.only is not None and name not in arguments.only:
                continue
            try:
                results[name] = measure()
            except BenchError as error:
                results[name] = {"error": str(error)}
            results[name]["load_after"] = [round(x, 2) for x in os.getloadavg()]
            print(f"{name}: {json.dumps(results[name])}", file=sys.stderr, flush=True)
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    arguments.results.parent.mkdir(parents=True, exist_ok=True)
    arguments.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"wrote {arguments.results}")
    if any(row[-1] != "ok" for row in _rows(results)) or any(
        isinstance(value, dict) and "error" in value for value in results.values()
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
