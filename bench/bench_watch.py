"""Benchmark the authoring loop: one poster frame per scene, and save → new poster under ``--watch``.

Targets (issue 6): a poster frame of any scene in ≤ 1.5 s, and from saving a
file to a new poster in ≤ 3 s, at ``low`` quality on this 2-core machine.

Usage::

    .venv/bin/python bench/bench_watch.py [--repeats 3] [--saves 5] [--scene rolling-descent ...]

Prints one line per measurement and writes ``bench/results/watch.json``.
The machine's load average is recorded with the numbers, since other work on
the same cores slows every render.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from scenes.registry import SCENES  # noqa: E402

RESULTS_PATH: Path = REPO_ROOT / "bench" / "results" / "watch.json"
POSTER_TARGET_SECONDS: float = 1.5
SAVE_TO_POSTER_TARGET_SECONDS: float = 3.0
PROJECT_PARTS: tuple[str, ...] = ("render.py", "gdanim", "scenes", "gdmath")


def _summary(samples: list[float]) -> dict[str, Any]:
    return {
        "samples": [round(sample, 3) for sample in samples],
        "first": round(samples[0], 3),
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
    }


def bench_posters(scene_names: list[str], repeats: int) -> dict[str, Any]:
    """Render each scene's low-quality poster in this one process (manim imported once).

    The first render of a scene fills the in-process caches (fonts, text
    outlines) that a watch session keeps between saves; it is reported as
    ``cold_seconds``, and the ``repeats`` after it as the warm samples.
    """
    started = time.perf_counter()
    import manim  # noqa: F401 - timed on its own: watch mode pays it once

    import_seconds = time.perf_counter() - started
    from gdanim.errors import RenderError
    from gdanim.api import ClipRequest, render_clip

    results: dict[str, Any] = {"import_manim_seconds": round(import_seconds, 3), "scenes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-posters-") as out:
        for name in scene_names:
            request = ClipRequest.create(name, quality="low")
            samples, cpu_samples = [], []
            try:
                for _ in range(repeats + 1):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    render_clip(request, Path(out), ("png",), force=True)
                    samples.append(time.perf_counter() - started)
                    cpu_samples.append(time.process_time() - cpu_started)
            except RenderError as error:
                results["scenes"][name] = {"error": str(error)}
                print(f"poster {name:<28} failed: {error}", flush=True)
                continue
            summary = _summary(samples[1:])
            summary["cold_seconds"] = round(samples[0], 3)
            # CPU time is what the render costs with the cores to itself; wall time includes waiting for them.
            summary["cpu_median"] = round(statistics.median(cpu_samples[1:]), 3)
            summary["meets_target"] = summary["median"] <= POSTER_TARGET_SECONDS
            results["scenes"][name] = summary
            print(f"poster {name:<28} cold {summary['cold_seconds']:6.2f} s  warm median {summary['median']:6.2f} s  "
                  f"(CPU {summary['cpu_median']:5.2f} s; target {POSTER_TARGET_SECONDS} s)", flush=True)
    return results


def _copy_project(target: Path) -> None:
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)


def _pump(stream, name: str, lines: queue.Queue) -> None:
    for line in stream:
        lines.put((time.monotonic(), name, line.rstrip("\n")))


def _next_path(lines: queue.Queue, timeout: float, suffix: str = "") -> float:
    """When the next path ending in ``suffix`` arrived on stdout (an MP4's subtitles come after it, and are
    skipped); an ``error:`` line on stderr first raises it."""
    while True:
        arrived, stream, line = lines.get(timeout=timeout)
        if stream == "stdout" and line.endswith(suffix):
            return arrived
        if line.startswith("error:"):
            raise RuntimeError(line)


def bench_save_to_poster(scene_name: str, saves: int, format_name: str) -> dict[str, Any]:
    """Time from saving the scene's source to its new file on ``render.py --watch``'s stdout."""
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as temporary:
        project = Path(temporary) / "project"
        project.mkdir()
        _copy_project(project)
        out_dir = Path(temporary) / "out"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.setdefault("GDANIM_CACHE_DIR", str(REPO_ROOT / ".cache" / "gdanim"))
        command = [sys.executable, str(project / "render.py"), scene_name, "--watch", "--format", format_name]
        command += ["--out", str(out_dir)]
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, "stdout", lines), daemon=True).start()
        threading.Thread(target=_pump, args=(process.stderr, "stderr", lines), daemon=True).start()
        try:
            first_seconds = _next_path(lines, 300, f".{format_name}") - started
            source = project / "scenes" / f"{SCENES[scene_name].module.rsplit('.', 1)[-1]}.py"
            samples = []
            for index in range(saves):
                time.sleep(0.5)
                text = source.read_text(encoding="utf-8") + f"\n# bench save {index}\n"
                saved = time.monotonic()
                source.write_text(text, encoding="utf-8")
                samples.append(_next_path(lines, 120, f".{format_name}") - saved)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    summary = _summary(samples)
    summary["startup_to_first_seconds"] = round(first_seconds, 3)
    summary["format"] = format_name
    if format_name == "png":
        summary["meets_target"] = summary["median"] <= SAVE_TO_POSTER_TARGET_SECONDS
    print(f"save→{format_name} {scene_name:<26} first render {first_seconds:6.2f} s  save→new file median "
          f"{summary['median']:6.2f} s  max {summary['max']:6.2f} s", flush=True)
    return summary


def _or_error(measure, name: str, *args: Any) -> dict[str, Any]:
    """A measurement, or the one-line reason it failed (a scene being edited may not render)."""
    try:
        return measure(name, *args)
    except (RuntimeError, queue.Empty) as error:
        print(f"watch {name:<29} failed: {error or 'timed out'}", flush=True)
        return {"error": str(error) or "timed out"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm posters rendered per scene")
    parser.add_argument("--saves", type=int, default=5, help="saves timed per watched scene")
    parser.add_argument("--scene", action="append", choices=list(SCENES), help="scenes to measure (default: all)")
    parser.add_argument("--no-mp4", action="store_true", help="skip the slower MP4-preview save loop")
    args = parser.parse_args()
    scene_names = args.scene or list(SCENES)
    load_before = os.getloadavg()
    results: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(load, 2) for load in load_before],
        "targets": {"poster_seconds": POSTER_TARGET_SECONDS, "save_to_poster_seconds": SAVE_TO_POSTER_TARGET_SECONDS},
        "posters": bench_posters(scene_names, args.repeats),
        "save_to_poster": {
            name: _or_error(bench_save_to_poster, name, args.saves, "png") for name in scene_names
        },
    }
    for name in scene_names:
        # What watch mode adds to a warm poster: debounce, re-importing the project, reporting.
        watched, poster = results["save_to_poster"][name], results["posters"]["scenes"][name]
        if "median" in watched and "median" in poster:
            watched["watch_overhead_seconds"] = round(watched["median"] - poster["median"], 3)
    if not args.no_mp4:
        results["save_to_mp4_preview"] = {
            name: _or_error(bench_save_to_poster, name, 2, "mp4") for name in scene_names[:1]
        }
    results["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS_PATH.relative_to(REPO_ROOT)}", flush=True)


if __name__ == "__main__":
    main()
