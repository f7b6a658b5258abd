"""Timing with real tools: hyperfine for whole commands, pyperf for Python statements, and peak RSS.

The benchmark never holds a stopwatch itself where one of these fits:
hyperfine runs each command several times (after warm-ups) and reports the
median wall time and the mean CPU time of the command and all its children;
pyperf runs a statement in fresh worker processes until the timing is stable.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping, Sequence

__all__ = ["BenchError", "CommandTiming", "peak_rss_mib", "peak_total_rss_mib", "time_commands", "time_statement"]


class BenchError(RuntimeError):
    """A measured command failed, or a timing tool is missing."""


@dataclass(frozen=True)
class CommandTiming:
    """hyperfine's summary of one command.

    Attributes
    ----------
    median_s, mean_s
        Wall time over the timed runs (warm-ups excluded).
    cpu_s
        Mean user + system CPU seconds per run, the command's children included.
    samples_s
        Wall time of each timed run.
    """

    name: str
    median_s: float
    mean_s: float
    cpu_s: float
    samples_s: tuple[float, ...]

    def as_dict(self) -> dict[str, object]:
        return {"median_s": round(self.median_s, 3), "mean_s": round(self.mean_s, 3), "cpu_s": round(self.cpu_s, 3),
                "samples_s": [round(sample, 3) for sample in self.samples_s]}


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BenchError(f"{tool} is not installed: apt-get install {package} (scripts/setup.sh does)")
    return path


def time_commands(
    commands: Mapping[str, Sequence[str]],
    *,
    runs: int,
    warmup: int = 0,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, CommandTiming]:
    """Time each command with hyperfine, one after the other in a single hyperfine run.

    Parameters
    ----------
    commands
        Name → argv. Run without a shell (``hyperfine -N``), so nothing but the command is timed.
    runs, warmup
        Timed runs and untimed warm-up runs per command.
    cwd, env
        Where and with which environment the commands run.

    Returns
    -------
    dict
        Name → :class:`CommandTiming`, in the order given.

    Raises
    ------
    BenchError
        If hyperfine is missing or a command exits with a non-zero status.
    """
    hyperfine = _require("hyperfine", "hyperfine")
    with tempfile.TemporaryDirectory(prefix="gdanim-hyperfine-") as work:
        export = Path(work) / "timings.json"
        argv = [hyperfine, "-N", "--style", "none", "--runs", str(runs), "--warmup", str(warmup),
                "--export-json", str(export)]
        for name, command in commands.items():
            argv += ["--command-name", name, shlex.join(command)]
        completed = subprocess.run(argv, cwd=cwd, env=None if env is None else dict(env),
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise BenchError(f"hyperfine failed: {completed.stderr.strip()[-800:]}")
        results = json.loads(export.read_text(encoding="utf-8"))["results"]
    return {
        result["command"]: CommandTiming(
            name=result["command"],
            median_s=result["median"],
            mean_s=result["mean"],
            cpu_s=result["user"] + result["system"],
            samples_s=tuple(result["times"]),
        )
        for result in results
    }


def time_statement(
    statement: str, setup: str, *, cwd: Path, processes: int | None = None, min_time_s: float | None = None
) -> dict[str, float]:
    """Time a Python statement with ``pyperf timeit`` in fresh processes; return its median and spread in seconds.

    ``processes`` defaults to pyperf's ``--fast`` choice; fewer give a rougher number sooner, and so
    does a shorter ``min_time_s`` (the least time one value takes; pyperf's default 0.1 s).
    """
    import pyperf

    with tempfile.TemporaryDirectory(prefix="gdanim-pyperf-") as work:
        output = Path(work) / "timeit.json"
        spread = ["--fast"] if processes is None else ["--processes", str(processes)]
        if min_time_s is not None:
            spread += ["--min-time", str(min_time_s)]
        argv = [sys.executable, "-m", "pyperf", "timeit", *spread, "--quiet", "-o", str(output), "-s", setup,
                statement]
        completed = subprocess.run(argv, cwd=cwd, env={**os.environ, "PYTHONPATH": str(cwd)},
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise BenchError(f"pyperf timeit failed: {completed.stderr.strip()[-800:]}")
        benchmark = pyperf.Benchmark.load(str(output))
    return {"median_s": benchmark.median(), "stdev_s": benchmark.stdev(), "values": len(benchmark.get_values())}


def peak_rss_mib(command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> tuple[float, float]:
    """Run a command once in a fresh Python process; return the largest RSS of any process it ran (MiB) and its wall seconds.

    The probe runs the command as its only child, so the kernel's
    ``RUSAGE_CHILDREN`` high-water mark is that of the command or the biggest
    of its descendants (render workers, ffmpeg), not of this benchmark.
    """
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "wall = time.perf_counter() - started\n"
        "print(json.dumps({'code': code, 'wall': wall,"
        " 'maxrss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd,
                               env=None if env is None else dict(env), capture_output=True, text=True, check=False)
    if completed.returncode != 0 or not completed.stdout.strip():
        raise BenchError(f"peak-RSS probe failed: {completed.stderr.strip()[-800:]}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        raise BenchError(f"{shlex.join(command)} exited with {report['code']}: {completed.stderr.strip()[-800:]}")
    return report["maxrss_kib"] / 1024, report["wall"]



def peak_total_rss_mib(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, interval_s: float = 0.05
) -> tuple[float, float]:
    """Run a command once; return the highest sum of RSS over it and all its descendants at one moment (MiB), and its wall seconds.

    :func:`peak_rss_mib` gives the largest single process; a render split
    across worker processes holds memory in all of them at once, so this
    samples the whole process tree (with psutil) every ``interval_s``.
    """
    import time

    import psutil

    started = time.perf_counter()
    process = psutil.Popen(list(command), cwd=cwd, env=None if env is None else dict(env),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        total = 0
        try:
            members = [process, *process.children(recursive=True)]
        except psutil.Error:
            members = []
        for member in members:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(interval_s)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise BenchError(f"{shlex.join(command)} exited with {process.returncode}: {stderr.strip()[-800:]}")
    return peak / 2**20, wall
