"""Benchmark ``--sweep`` through Dask against the same sweep through ``--jobs``, side by side in one run.

Measures, with real processes as a user runs them (issue 8):

- **engine overhead**: a sweep of 4 learning rates of ``rolling-descent``
  (``-q l --format gif --force``) through ``--scheduler local --jobs 2`` (a
  ``LocalCluster`` of 2 worker processes, started and stopped by the run)
  against ``--jobs 2`` without Dask (target ≤ 1.10×);
- **re-run**: the same sweep with nothing to render, both ways (target ≤ 1.10×):
  the client answers from the manifest and never starts a cluster.

Both commands run once to warm up (LaTeX and text caches), then ``--runs``
times each, interleaved so that both meet the same load; the median counts,
of wall seconds and of CPU seconds (all processes). ``hyperfine`` times each
run when it is installed, otherwise ``time.perf_counter`` and ``getrusage``.

Usage::

    .venv/bin/python bench/bench_sweep.py [--runs 3] [--rates 0.01,0.1,0.5,0.9] [--results bench/results/sweep.json]

Prints a table and writes ``bench/results/sweep.json`` (key ``rows``), with the
load average before and after: other work on the same cores slows both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
RESULTS_PATH: Path = REPO_ROOT / "bench" / "results" / "sweep.json"
OVERHEAD_GOAL: float = 1.10
"""The Dask path may take at most 10 % longer than ``--jobs`` for the same sweep."""

SCENE: str = "rolling-descent"


def _sweep_command(out_dir: Path, rates: str, *extra: str) -> list[str]:
    return [sys.executable, "render.py", SCENE, "-q", "low", "--format", "gif", "--quiet",
            "--sweep", f"learning-rate={rates}", "--out", str(out_dir), *extra]


def _time_once_with_hyperfine(commands: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "hyperfine.json"
        arguments = ["hyperfine", "--style", "none", "--runs", "1", "--export-json", str(export)]
        for name, command in commands.items():
            arguments += ["--command-name", name, shlex.join(command)]
        subprocess.run(arguments, cwd=REPO_ROOT, check=True)
        results = json.loads(export.read_text())["results"]
    return {result["command"]: (result["times"][0], result["user"] + result["system"]) for result in results}


def _time_once_with_perf_counter(commands: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    timings = {}
    for name, command in commands.items():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        timings[name] = (wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return timings


def time_commands(commands: dict[str, list[str]], runs: int, warmup: int = 1) -> dict[str, dict[str, list[float]]]:
    """Wall and CPU seconds of each run of each command, by command name: ``{"wall": [...], "cpu": [...]}``.

    Runs are interleaved, the order swapped every round, so that both
    commands meet the same load from whatever else shares the cores; the
    first ``warmup`` rounds are dropped.
    """
    time_once = _time_once_with_hyperfine if shutil.which("hyperfine") else _time_once_with_perf_counter
    timings: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in commands}
    for round_index in range(warmup + runs):
        names = list(commands) if round_index % 2 == 0 else list(reversed(commands))
        measured = time_once({name: commands[name] for name in names})
        if round_index < warmup:
            continue
        for name, (wall, cpu) in measured.items():
            timings[name]["wall"].append(wall)
            timings[name]["cpu"].append(cpu)
    return timings


def _row(measure: str, ours: list[float], baseline_name: str, baseline: list[float], note: str) -> dict[str, Any]:
    """One result row in the shared bench format: medians, their ratio and the goal."""
    ours_s, baseline_s = statistics.median(ours), statistics.median(baseline)
    ratio = ours_s / baseline_s
    return {
        "measure": measure,
        "ours_s": round(ours_s, 3),
        "baseline": baseline_name,
        "baseline_s": round(baseline_s, 3),
        "ratio": round(ratio, 3),
        "goal": f"≤ {OVERHEAD_GOAL:.2f}",
        "met": ratio <= OVERHEAD_GOAL,
        "note": f"{note}; runs ours {[round(s, 2) for s in ours]}, baseline {[round(s, 2) for s in baseline]}",
    }


def bench_sweep(rates: str, runs: int) -> list[dict[str, Any]]:
    """The forced sweep (wall and CPU seconds) and the re-run, through Dask and through ``--jobs``."""
    count = len(rates.split(","))
    rerun_runs = max(runs, 5)
    with tempfile.TemporaryDirectory(prefix="gdanim-bench-sweep-") as folder:
        dask_out, jobs_out = Path(folder) / "dask", Path(folder) / "jobs"
        forced = time_commands({
            "dask": _sweep_command(dask_out, rates, "--force", "--scheduler", "local", "--jobs", "2"),
            "jobs": _sweep_command(jobs_out, rates, "--force", "--jobs", "2"),
        }, runs)
        rerun = time_commands({
            "dask": _sweep_command(dask_out, rates, "--scheduler", "local", "--jobs", "2"),
            "jobs": _sweep_command(jobs_out, rates, "--jobs", "2"),
        }, rerun_runs)
    timer = "hyperfine, one run per call" if shutil.which("hyperfine") else "time.perf_counter"
    sweep = f"sweep of {count} learning rates, {SCENE} -q low --format gif --force, 2 workers"
    how = (f"--scheduler local --jobs 2, a LocalCluster started and stopped in each run; median of {runs} runs, "
           f"interleaved with the baseline's, after 1 warm-up round ({timer})")
    return [
        _row(f"{sweep}: wall seconds", forced["dask"]["wall"], "--jobs 2 without Dask", forced["jobs"]["wall"], how),
        _row(f"{sweep}: CPU seconds, all processes", forced["dask"]["cpu"], "--jobs 2 without Dask",
             forced["jobs"]["cpu"], f"user + system of the command and its children; {how}"),
        _row("re-run of the same sweep, nothing to render: wall seconds", rerun["dask"]["wall"],
             "--jobs 2 without Dask", rerun["jobs"]["wall"],
             f"no cluster is started when every clip is up to date; median of {rerun_runs} ({timer})"),
    ]


def main() -> None:
    """Run the benchmark, print a table and save the JSON results (measured, never asserted)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rates", default="0.01,0.1,0.5,0.9")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    options = parser.parse_args()
    load_before = os.getloadavg()
    rows = bench_sweep(options.rates, options.runs)
    load_after = os.getloadavg()
    for row in rows:
        print(f"{row['measure']:<75} {row['ours_s']:>8.2f} s vs {row['baseline_s']:>8.2f} s  "
              f"{row['ratio']:.3f}x  goal {row['goal']}  {'met' if row['met'] else 'NOT met'}")
    results = {
        "rows": rows,
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "command": shlex.join([Path(sys.executable).name, "bench/bench_sweep.py", *sys.argv[1:]]),
    }
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
