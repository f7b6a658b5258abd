"""Benchmark ``--sweep`` through Dask against the same sweep through ``--jobs``, side by side in one run.

Measures, with real processes as a user runs them (issue 8):

- **engine overhead**: a sweep of 4 learning rates of ``rolling-descent``
  (``-q low --format gif --force``) through ``--scheduler local --jobs 2`` (a
  ``LocalCluster`` of 2 worker processes, started and stopped by each run)
  against ``--jobs 2`` without Dask (goal ≤ 1.10×), in wall seconds and in CPU
  seconds of all processes;
- **re-run**: the same sweep with nothing to render, both ways: the client
  answers from the manifest and starts no cluster.

Both commands run once to warm up (LaTeX and text caches), then ``--runs``
times each, interleaved, the order swapped every round, so that both meet the
same load from whatever else shares the cores; each run is timed by hyperfine
(:func:`bench.timing.time_commands`) and the median counts.

Usage::

    .venv/bin/python bench/bench_sweep.py [--runs 3] [--results bench/results/sweep.json]

``bench/benchmark.py`` (``make bench``) runs :func:`measure_sweep` as its row 8.
This script alone writes ``bench/results/sweep.json``: key ``rows``, each
``{measure, ours_s, baseline, baseline_s, ratio, goal, met, note}``, with the
load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.timing import time_commands  # noqa: E402
from gdmath import EXAMPLE_LEARNING_RATES, book_parameter  # noqa: E402

RESULTS_PATH: Path = REPO_ROOT / "bench" / "results" / "sweep.json"
OVERHEAD_GOAL: float = 1.10
"""The Dask path may take at most 10 % longer than ``--jobs`` for the same sweep (issue 8)."""

SCENE: str = "rolling-descent"
# The example rate of each regime (gdmath.EXAMPLE_LEARNING_RATES): the sweep renders one clip per regime.
LEARNING_RATES: str = ",".join(book_parameter(rate) for rate in EXAMPLE_LEARNING_RATES.values())
DESCRIPTION: str = f"{len(LEARNING_RATES.split(','))} learning rates of {SCENE}, -q low, GIF, --force"
RERUN_RUNS: int = 5


def _sweep(out_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "render.py", SCENE, "-q", "low", "--format", "gif", "--quiet", "--jobs", "2",
            "--sweep", f"learning-rate={LEARNING_RATES}", "--out", str(out_dir), *extra]


def time_interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, list[float]]]:
    """Wall and CPU seconds of each timed run, by command name: ``{"wall": [...], "cpu": [...]}``.

    One hyperfine call per round, the order swapped every round; the first
    round warms both commands up and is not counted.
    """
    samples: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in commands}
    for round_index in range(runs + 1):
        order = list(commands) if round_index % 2 == 0 else list(reversed(commands))
        timings = time_commands({name: commands[name] for name in order}, runs=1, cwd=REPO_ROOT)
        if round_index == 0:
            continue
        for name, timing in timings.items():
            samples[name]["wall"].append(timing.median_s)
            samples[name]["cpu"].append(timing.cpu_s)
    return samples


def measure_sweep(work: Path, runs: int) -> dict[str, Any]:
    """Time the forced sweep and the re-run, through Dask and through ``--jobs``; medians and every sample.

    Returns
    -------
    dict
        ``dask_s`` and ``local_s`` (median wall seconds of the forced sweep),
        their CPU seconds, the re-run's, every sample, ``description`` and ``note``.
    """
    dask_out, local_out = work / "dask", work / "local"
    forced = time_interleaved({
        "dask": _sweep(dask_out, "--force", "--scheduler", "local"),
        "local": _sweep(local_out, "--force"),
    }, runs)
    rerun = time_interleaved({
        "dask": _sweep(dask_out, "--scheduler", "local"),
        "local": _sweep(local_out),
    }, RERUN_RUNS)
    # Starting and stopping the cluster alone: the part of the overhead paid once per run, not per clip.
    startup = time_commands({"cluster start + stop": [sys.executable, "bench/cluster_startup.py"]},
                            runs=runs, warmup=1, cwd=REPO_ROOT)["cluster start + stop"]
    median = statistics.median
    return {
        "cluster_start_stop_s": startup.median_s,
        "description": DESCRIPTION,
        "dask_s": median(forced["dask"]["wall"]),
        "local_s": median(forced["local"]["wall"]),
        "dask_cpu_s": median(forced["dask"]["cpu"]),
        "local_cpu_s": median(forced["local"]["cpu"]),
        "rerun_dask_s": median(rerun["dask"]["wall"]),
        "rerun_local_s": median(rerun["local"]["wall"]),
        "samples_s": {"dask": forced["dask"]["wall"], "local": forced["local"]["wall"],
                      "rerun_dask": rerun["dask"]["wall"], "rerun_local": rerun["local"]["wall"]},
        "note": f"median of {runs} runs each, interleaved, after a warm-up round; a LocalCluster of 2 workers is "
                "started and stopped in each Dask run",
    }


def _row(measure: str, ours_s: float, baseline_s: float, note: str) -> dict[str, Any]:
    """One row of ``sweep.json``: ours against ``--jobs 2`` without Dask."""
    ratio = ours_s / baseline_s
    return {"measure": measure, "ours_s": round(ours_s, 3), "baseline": "--jobs 2 without Dask",
            "baseline_s": round(baseline_s, 3), "ratio": round(ratio, 3), "goal": f"≤ {OVERHEAD_GOAL:.2f}",
            "met": ratio <= OVERHEAD_GOAL, "note": note}


def sweep_rows(measured: dict[str, Any]) -> list[dict[str, Any]]:
    """The measurements as rows: wall seconds, CPU seconds, and the re-run."""
    samples = measured["samples_s"]
    spread = (f"runs {[round(s, 1) for s in samples['dask']]} s vs {[round(s, 1) for s in samples['local']]} s; "
              f"{measured['note']}")
    return [
        _row(f"sweep ({measured['description']}) `--scheduler local --jobs 2`: wall seconds",
             measured["dask_s"], measured["local_s"], spread),
        _row(f"sweep ({measured['description']}) `--scheduler local --jobs 2`: CPU seconds, all processes",
             measured["dask_cpu_s"], measured["local_cpu_s"], "user + system of the command and all its children"),
        _row("re-run of the same sweep, nothing to render: wall seconds", measured["rerun_dask_s"],
             measured["rerun_local_s"], f"median of {RERUN_RUNS}; no cluster is started when every clip is up to date"),
    ]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark, print the rows and save ``sweep.json`` (measured, never asserted)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median reported)")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    arguments = parser.parse_args(argv)
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    with tempfile.TemporaryDirectory(prefix="gdanim-bench-sweep-") as work:
        measured = measure_sweep(Path(work), arguments.runs)
    rows = sweep_rows(measured)
    load_after = os.getloadavg()
    rows[0]["note"] += (f"; load average {[round(value, 2) for value in load_before]} before, "
                        f"{[round(value, 2) for value in load_after]} after, on {os.cpu_count()} cores")
    for row in rows:
        print(f"{row['measure']}: {row['ours_s']:.2f} s vs {row['baseline_s']:.2f} s = {row['ratio']:.3f}× "
              f"(goal {row['goal']}: {'met' if row['met'] else 'missed'})")
    results = {
        "rows": rows,
        "measured": measured,
        "started": started,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in load_after],
        "command": shlex.join(["python", "bench/bench_sweep.py", *(argv if argv is not None else sys.argv[1:])]),
    }
    arguments.results.parent.mkdir(parents=True, exist_ok=True)
    arguments.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
