"""gdanim's benchmark: every claim as a ratio of two things measured side by side in one run.

``make bench`` (or ``.venv/bin/python bench/benchmark.py --update-readme``) measures,
with real processes as a user runs them:

1. **preview**: ``render.py SCENE -q low -f mp4`` against raw ``manim -ql`` of the same scene class;
2. **re-render**: a re-render with nothing changed against the first render, and against manim's
   own cached re-render (``manim -ql`` run again with its partial-movie cache);
3. **MP4 + GIF**: ``-f both`` against ``-f mp4`` alone;
4. **parallel**: all scenes with ``--jobs 2`` against ``--jobs 1`` and against the CPU-bound floor
   (the run's CPU seconds ÷ cores);
5. **GIF**: our GIF's bytes against manim's own ``--format gif`` of the same scene and quality, with
   the SSIM of our frames against the source frames, in both themes;
6. **memory**: peak RSS rendering the longest scene at ``4k``, against raw ``manim -qk``;
7. **math and posters**: ``gdmath.descend`` for 10⁵ steps against the book's plain loop, and a
   poster frame against a low-quality MP4 of the same scene;
8. **sweep** (``bench/bench_sweep.py``): a Dask ``--scheduler local`` sweep against
   the same sweep without Dask;
9. **slides**: all scenes with ``--format slides`` (render, then the deck of their beats) against
   ``--format mp4`` of the same, and the deck alone (clips up to date) against that render;
10. **split**: one clip at ``-q high`` split across two workers against one process, the same
    on a local Dask cluster, and the peak memory of all processes together at ``4k``;
11. **watch**: save → new low MP4 under ``--watch``;
12. **render-all**: ``make render``'s command against a checkout of the code before issue 15;
13. **lecture**: all scenes with ``--format lecture`` (render, then the lecture video joined from the
    clips) against ``--format mp4`` of the same; the join alone (clips up to date); an unchanged lecture.
14. **edit**: in a checkout of HEAD, the render of every scene after a one-line edit to one scene, after
    rewording one of its captions, and after a comment in every file, each against the full render;
15. **rebuilt**: the scenes that redraw a mobject every frame, rendered now (``always_rebuilt``) against a
    checkout of the code before it (manim's ``always_redraw``), one process each, ``--jobs 1``.

Commands are timed with hyperfine (median of ``--runs`` runs after a warm-up),
Python statements with pyperf, peak memory from the kernel's rusage. Writes
``bench/results/latest.json`` and ``bench/results/latest.md`` (the table, also
put into the README between its ``bench:`` markers with ``--update-readme``).
Other work on the same cores slows every number: the load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.bench_watch import POSTER_TARGET_SECONDS, bench_posters  # noqa: E402
from bench.timing import BenchError, peak_rss_mib, peak_total_rss_mib, time_commands, time_statement  # noqa: E402
from bench.gif_quality import measure_gif  # noqa: E402
from gdanim.store.manifest import load_manifest  # noqa: E402
from gdanim.clip.render import theme_colours  # noqa: E402
from scenes.registry import SCENES  # noqa: E402

RESULTS_DIR: Path = REPO_ROOT / "bench" / "results"
README: Path = REPO_ROOT / "README.md"
README_MARKERS: tuple[str, str] = ("<!-- bench:start -->", "<!-- bench:end -->")
VENV_BIN: Path = Path(sys.executable).parent
CORES: int = os.cpu_count() or 1

GOALS: dict[str, float] = {
    "preview_max": 0.5,
    "split_high_max": 0.75,
    "split_memory_max": 1.5,
    "watch_mp4_max_s": 1.5,
    "rerender_speedup_min": 10.0,
    "gif_bytes_max": 0.40,
    "jobs_vs_floor_max": 1.15,
    "jobs_vs_jobs1_max": 1.0,
    "sweep_overhead_max": 1.10,
    "edit_one_scene_max": 0.15,
}
"""The targets the issues set; a row that misses one says so, with the reason found."""


@dataclass(frozen=True)
class Row:
    """One line of the table: ours against a baseline measured in the same run.

    ``ratio`` is ``ours / baseline`` unless ``speedup`` (then baseline / ours);
    ``met`` is None where no goal was set.
    """

    number: int
    measure: str
    ours: str
    baseline: str
    ratio: float
    ratio_text: str
    goal: str
    met: bool | None
    note: str = ""


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def _spread(samples: tuple[float, ...]) -> str:
    return f"{min(samples):.1f}–{max(samples):.1f} s" if len(samples) > 1 else f"{samples[0]:.1f} s"


def _render(*arguments: str) -> list[str]:
    return [sys.executable, "render.py", "--quiet", *arguments]


def _scene_source(scene: str) -> Path:
    return REPO_ROOT / "scenes" / f"{SCENES[scene].module.rsplit('.', 1)[-1]}.py"


def _manim(scene: str, media_dir: Path, *flags: str) -> list[str]:
    return [str(VENV_BIN / "manim"), *flags, "--media_dir", str(media_dir), str(_scene_source(scene)),
            SCENES[scene].class_name]


def _env() -> dict[str, str]:
    # manim imports the scene module by path; the scene imports gdmath and scenes from the checkout.
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# --- 1. preview ------------------------------------------------------------------------------------------------


def bench_preview(scene: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """``render.py -q low -f mp4 --force`` as a user types it, and split in two (``--split 2``), against
    ``manim -ql --disable_caching`` (all really render, each in a new process)."""
    timings = time_commands(
        {
            "gdanim": _render(scene, "-q", "low", "-f", "mp4", "--force", "--out", str(work / "out")),
            "gdanim --split 2": _render(scene, "-q", "low", "-f", "mp4", "--force", "--split", "2", "--jobs", "2",
                                        "--out", str(work / "split")),
            "manim": _manim(scene, work / "media", "-ql", "--disable_caching"),
        },
        runs=runs, warmup=1, cwd=REPO_ROOT, env=_env(),
    )
    raw = timings["manim"].median_s
    rows = []
    for name, flag, goal in (("gdanim", "", True), ("gdanim --split 2", " --split 2", False)):
        ours = timings[name].median_s
        ratio = ours / raw
        rows.append(Row(1, f"preview: `{scene} -q low -f mp4{flag}` (new process) vs raw `manim -ql`", _seconds(ours),
                        _seconds(raw), ratio, f"{ratio:.2f}×", f"≤ {GOALS['preview_max']}×" if goal else "—",
                        ratio <= GOALS["preview_max"] if goal else None,
                        f"runs: ours {_spread(timings[name].samples_s)}, manim {_spread(timings['manim'].samples_s)}; "
                        f"CPU {timings[name].cpu_s:.1f} s vs {timings['manim'].cpu_s:.1f} s"))
    return rows, {name: timing.as_dict() for name, timing in timings.items()}


# --- 2 and 3. re-render, and MP4 + GIF against MP4 --------------------------------------------------------------


def bench_rerender_and_formats(scene: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """First renders (MP4 alone, MP4 + GIF), the unchanged re-render, and manim's cached re-render."""
    out = ["--out", str(work / "out")]
    timings = time_commands(
        {
            "mp4 (first render)": _render(scene, "-q", "low", "-f", "mp4", "--force", "--jobs", "1", *out),
            "mp4+gif (first render)": _render(scene, "-q", "low", "-f", "both", "--force", "--jobs", "1", *out),
            "unchanged re-render": _render(scene, "-q", "low", "-f", "both", "--jobs", "1", *out),
            # The warm-up fills manim's partial-movie cache; the timed runs then re-use it.
            "manim cached re-render": _manim(scene, work / "media", "-ql"),
        },
        runs=runs, warmup=1, cwd=REPO_ROOT, env=_env(),
    )
    first = timings["mp4+gif (first render)"].median_s
    mp4_only = timings["mp4 (first render)"].median_s
    again = timings["unchanged re-render"].median_s
    manim_cached = timings["manim cached re-render"].median_s
    speedup = first / again
    rows = [
        Row(2, "unchanged re-render vs first render (MP4 + GIF)", _seconds(again), _seconds(first), speedup,
            f"{speedup:.0f}× faster", f"≥ {GOALS['rerender_speedup_min']:.0f}× faster",
            speedup >= GOALS["rerender_speedup_min"]),
        Row(2, "unchanged re-render vs manim's own cached re-render", _seconds(again), _seconds(manim_cached),
            manim_cached / again, f"{manim_cached / again:.1f}× faster", "—", None,
            "manim re-runs the scene's Python and re-concatenates its cached partial movies"),
        Row(3, "MP4 + GIF from one command vs MP4 alone", _seconds(first), _seconds(mp4_only), first / mp4_only,
            f"{first / mp4_only:.2f}×", "—", None,
            "the GIF is cut from the same MP4 (ffmpeg palette + gifsicle), no second Cairo pass"),
    ]
    return rows, {name: timing.as_dict() for name, timing in timings.items()}


# --- 4. parallel -------------------------------------------------------------------------------------------------


def bench_jobs(quality: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """All scenes as MP4 with ``--jobs 1`` and ``--jobs 2``; the floor is the ``--jobs 2`` run's CPU ÷ cores."""
    timings = time_commands(
        {f"jobs {jobs}": _render("-q", quality, "-f", "mp4", "--force", "--jobs", str(jobs), "--out",
                                 str(work / f"jobs{jobs}"))
         for jobs in (1, 2)},
        runs=runs, warmup=0, cwd=REPO_ROOT, env=_env(),
    )
    jobs1, jobs2 = timings["jobs 1"], timings["jobs 2"]
    # hyperfine reports CPU as a mean over the runs, so the wall time set against it is the mean too.
    floor = jobs2.cpu_s / CORES
    vs_floor, vs_jobs1 = jobs2.mean_s / floor, jobs2.median_s / jobs1.median_s
    rows = [
        Row(4, f"all scenes ({quality}) `--jobs 2` vs CPU-bound floor ({CORES} cores)", _seconds(jobs2.mean_s),
            _seconds(floor), vs_floor, f"{vs_floor:.2f}×", f"≤ {GOALS['jobs_vs_floor_max']}×",
            vs_floor <= GOALS["jobs_vs_floor_max"]),
        Row(4, f"all scenes ({quality}) `--jobs 2` vs `--jobs 1`", _seconds(jobs2.median_s), _seconds(jobs1.median_s),
            vs_jobs1, f"{vs_jobs1:.2f}×", "< 1×", vs_jobs1 < GOALS["jobs_vs_jobs1_max"]),
    ]
    durations = {clip.scene: clip.duration for clip in load_manifest(work / "jobs2").clips}
    return rows, {**{name: timing.as_dict() for name, timing in timings.items()}, "durations_s": durations}


# --- 5. GIF size and fidelity ------------------------------------------------------------------------------------


def bench_gif(scene: str, work: Path) -> tuple[list[Row], dict[str, Any]]:
    """Our GIF (light and dark) against manim's ``--format gif`` of the same scene at low quality."""
    completed = subprocess.run(_manim(scene, work / "media", "-ql", "--format", "gif"), cwd=REPO_ROOT, env=_env(),
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BenchError(f"manim --format gif failed: {completed.stderr.strip()[-500:]}")
    (manim_gif,) = (work / "media" / "videos").rglob(f"{SCENES[scene].class_name}*.gif")
    manim_bytes = manim_gif.stat().st_size
    rows: list[Row] = []
    data: dict[str, object] = {"manim_gif_bytes": manim_bytes}
    for theme in ("light", "dark"):
        completed = subprocess.run(_render(scene, "-q", "low", "-f", "both", "--theme", theme, "--out",
                                           str(work / "out")), cwd=REPO_ROOT, capture_output=True, text=True)
        if completed.returncode != 0:
            raise BenchError(f"render.py failed: {completed.stderr.strip()}")
        stem = work / "out" / scene / f"he-{theme}-480p15"
        gif, mp4 = stem.with_suffix(".gif"), stem.with_suffix(".mp4")
        colours = {role: colour for role, colour in theme_colours(theme).items() if role != "background"}
        fidelity = measure_gif(gif, mp4, colours, stride=2)
        ratio = gif.stat().st_size / manim_bytes
        lost = fidelity.lost_colours()
        rows.append(Row(5, f"GIF bytes vs manim's `--format gif` ({theme}); SSIM vs source frames",
                        f"{gif.stat().st_size / 1e6:.2f} MB", f"{manim_bytes / 1e6:.2f} MB", ratio,
                        f"{ratio:.1%}", f"≤ {GOALS['gif_bytes_max']:.0%}", ratio <= GOALS["gif_bytes_max"],
                        f"SSIM {fidelity.ssim:.4f}; theme colours {'all kept' if not lost else 'lost: ' + ', '.join(lost)}"))
        data[theme] = {"gif_bytes": gif.stat().st_size, "ssim": round(fidelity.ssim, 4), "lost_colours": lost}
    return rows, data


# --- 6. memory at 4k ---------------------------------------------------------------------------------------------


def bench_memory(scene: str, work: Path) -> tuple[list[Row], dict[str, Any]]:
    """Peak RSS of one 4k MP4 render of ``scene``, ours against raw ``manim -qk``; one run each."""
    ours_mib, ours_s = peak_rss_mib(_render(scene, "-q", "4k", "-f", "mp4", "--force", "--jobs", "1", "--out",
                                            str(work / "out")), cwd=REPO_ROOT, env=_env())
    manim_mib, manim_s = peak_rss_mib(_manim(scene, work / "media", "-qk", "--disable_caching"), cwd=REPO_ROOT,
                                      env=_env())
    ratio = ours_mib / manim_mib
    rows = [
        Row(6, f"peak RSS, `{scene} -q 4k` vs raw `manim -qk`", f"{ours_mib:.0f} MiB", f"{manim_mib:.0f} MiB", ratio,
            f"{ratio:.2f}×", "—", None, f"wall {ours_s:.0f} s vs {manim_s:.0f} s; the largest process is manim's own"),
    ]
    return rows, {"gdanim": {"peak_rss_mib": round(ours_mib, 1), "wall_s": round(ours_s, 2)},
                  "manim": {"peak_rss_mib": round(manim_mib, 1), "wall_s": round(manim_s, 2)}}


# --- 7. gdmath and posters ---------------------------------------------------------------------------------------

BOOK_LOOP: str = (
    "x = -1.0\n"
    "for _ in range(100000):\n"
    "    slope = 2 * (x - 3)\n"
    "    x = x - 0.1 * slope"
)
"""The book's descent loop (ch. 10) without its print, run 10⁵ times."""


def bench_math_and_poster(scene: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """``descend`` for 10⁵ steps against the book's loop; a PNG poster against a low MP4, both from the CLI."""
    descend = time_statement("descend(BOOK_CURVE, -1.0, 0.1, 100000)", "from gdmath import BOOK_CURVE, descend",
                             cwd=REPO_ROOT)
    book = time_statement(BOOK_LOOP, "pass", cwd=REPO_ROOT)
    timings = time_commands(
        {
            "poster": _render(scene, "-q", "low", "-f", "png", "--force", "--out", str(work / "out")),
            "low mp4": _render(scene, "-q", "low", "-f", "mp4", "--force", "--jobs", "1", "--out", str(work / "out")),
        },
        runs=runs, warmup=1, cwd=REPO_ROOT, env=_env(),
    )
    poster, mp4 = timings["poster"].median_s, timings["low mp4"].median_s
    warm = bench_posters([scene], repeats=runs)["scenes"][scene]
    if "error" in warm:
        raise BenchError(f"warm poster failed: {warm['error']}")
    rows = [
        Row(7, "`gdmath.descend` 10⁵ steps vs the book's plain loop", f"{descend['median_s'] * 1e3:.1f} ms",
            f"{book['median_s'] * 1e3:.1f} ms", descend["median_s"] / book["median_s"],
            f"{descend['median_s'] / book['median_s']:.1f}×", "—", None,
            "descend also keeps every point and checks divergence each step"),
        Row(7, f"poster frame (`{scene} -f png`, new process) vs low MP4", _seconds(poster), _seconds(mp4),
            poster / mp4, f"{poster / mp4:.2f}×", "—", None,
            "a new process pays for importing manim and a cold text cache"),
        Row(7, "poster frame, warm as in `--watch`, vs the same in a new process", _seconds(warm["median"]),
            _seconds(poster), warm["median"] / poster, f"{warm['median'] / poster:.2f}×",
            f"≤ {POSTER_TARGET_SECONDS} s", warm["median"] <= POSTER_TARGET_SECONDS,
            "the watch loop keeps manim imported and its text cache warm between saves"),
    ]
    return rows, {"descend_1e5": descend, "book_loop_1e5": book, "warm_poster": warm,
                  **{n: t.as_dict() for n, t in timings.items()}}


# --- 8. Dask sweep -----------------------------------------------------------------------------------------------


def bench_sweep(work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """The sweep benchmark of ``bench/bench_sweep.py``, with the cluster's fixed start/stop cost shown apart."""
    from bench.bench_sweep import measure_sweep  # imported here: it is also a script of its own

    measured = measure_sweep(work, runs)
    ours, baseline, fixed = measured["dask_s"], measured["local_s"], measured["cluster_start_stop_s"]
    ratio, cpu_ratio = ours / baseline, measured["dask_cpu_s"] / measured["local_cpu_s"]
    per_clip = (ours - fixed) / baseline
    goal = GOALS["sweep_overhead_max"]
    rows = [
        Row(8, f"sweep ({measured['description']}) `--scheduler local --jobs 2` vs `--jobs 2`", _seconds(ours),
            _seconds(baseline), ratio, f"{ratio:.2f}×", f"≤ {goal}×", ratio <= goal,
            f"CPU {cpu_ratio:.2f}×. Starting and stopping the local cluster alone takes {fixed:.1f} s "
            f"({fixed / baseline:.0%} of the `--jobs` run): the client and each spawned worker import "
            "`distributed` before the first clip; on a sweep this short that fixed cost is most of the overhead"),
        Row(8, "the same sweep without the cluster's start and stop vs `--jobs 2`", _seconds(ours - fixed),
            _seconds(baseline), per_clip, f"{per_clip:.2f}×", f"≤ {goal}×", per_clip <= goal,
            "what Dask costs per clip: tasks, results sent back as bytes, its event loop beside the render"),
    ]
    return rows, measured


# --- 10. one clip split across workers -------------------------------------------------------------------------


def bench_split(scene: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """One clip at ``-q high`` split in two against one process; the same on a local Dask cluster; peak memory at 4k."""
    high = ["-q", "high", "-f", "mp4", "--force"]
    timings = time_commands(
        {
            "split (--jobs 2)": _render(scene, *high, "--jobs", "2", "--out", str(work / "split")),
            "unsplit (--jobs 1)": _render(scene, *high, "--jobs", "1", "--out", str(work / "whole")),
        },
        runs=runs, warmup=1, cwd=REPO_ROOT, env=_env(),
    )
    split, whole = timings["split (--jobs 2)"], timings["unsplit (--jobs 1)"]
    ratio = split.median_s / whole.median_s
    # Perfectly parallel, the unsplit render's CPU spread over both cores would take this long.
    ceiling = (whole.cpu_s / CORES) / whole.median_s
    sweep = ["--sweep", "learning-rate=0.1", "-q", "high", "-f", "mp4", "--force", "--scheduler", "local",
             "--jobs", "2"]
    dask = time_commands(
        {
            "dask split": _render(scene, *sweep, "--out", str(work / "dask-split")),
            "dask unsplit": _render(scene, *sweep, "--split", "1", "--out", str(work / "dask-whole")),
        },
        runs=runs, warmup=0, cwd=REPO_ROOT, env=_env(),
    )
    dask_ratio = dask["dask split"].median_s / dask["dask unsplit"].median_s
    four_k = ["-q", "4k", "-f", "mp4", "--force"]
    split_mib, split_s = peak_total_rss_mib(_render(scene, *four_k, "--jobs", "2", "--out", str(work / "4k-split")),
                                            cwd=REPO_ROOT, env=_env())
    whole_mib, whole_s = peak_total_rss_mib(_render(scene, *four_k, "--jobs", "1", "--out", str(work / "4k-whole")),
                                            cwd=REPO_ROOT, env=_env())
    memory = split_mib / whole_mib
    rows = [
        Row(10, f"one clip `{scene} -q high`, `--jobs 2` (split in 2) vs `--jobs 1`", _seconds(split.median_s),
            _seconds(whole.median_s), ratio, f"{ratio:.2f}×", f"≤ {GOALS['split_high_max']}×",
            ratio <= GOALS["split_high_max"],
            f"ceiling {ceiling:.2f}× (the unsplit CPU {whole.cpu_s:.1f} s over {CORES} cores; x264 already runs "
            f"beside Cairo); CPU split {split.cpu_s:.1f} s"),
        Row(10, "a sweep of 1 clip (`-q high`) on `--scheduler local --jobs 2`: split vs `--split 1`",
            _seconds(dask["dask split"].median_s), _seconds(dask["dask unsplit"].median_s), dask_ratio,
            f"{dask_ratio:.2f}×", "< 1×", dask_ratio < 1, "each includes starting and stopping the cluster"),
        Row(10, f"peak memory (all processes together), `{scene} -q 4k` split in 2 vs unsplit", f"{split_mib:.0f} MiB",
            f"{whole_mib:.0f} MiB", memory, f"{memory:.2f}×", f"≤ {GOALS['split_memory_max']}×",
            memory <= GOALS["split_memory_max"], f"wall {split_s:.0f} s vs {whole_s:.0f} s"),
    ]
    data = {**{n: t.as_dict() for n, t in {**timings, **dask}.items()},
            "memory_4k": {"split_mib": round(split_mib), "whole_mib": round(whole_mib),
                          "split_s": round(split_s, 1), "whole_s": round(whole_s, 1)}}
    return rows, data


# --- 11. watch: save → new low MP4 -------------------------------------------------------------------------------


def bench_watch_mp4(scene: str, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """Save → new low MP4 under ``--watch`` (a one-line edit of the scene's file), against the first render."""
    from bench.bench_watch import bench_save_to_poster  # imported here: it is also a script of its own

    measured = bench_save_to_poster(scene, max(runs, 3), "mp4")
    median, first = measured["median"], measured["startup_to_first_seconds"]
    rows = [Row(11, f"`--watch`: save → new low MP4 of {scene} vs the first render", _seconds(median), _seconds(first),
                median / first, f"{median / first:.2f}×", f"≤ {GOALS['watch_mp4_max_s']} s",
                median <= GOALS["watch_mp4_max_s"], f"saves {measured['min']:.2f}–{measured['max']:.2f} s")]
    return rows, measured


# --- 12. make render against the code before issue 15 --------------------------------------------------------------

BASELINE_REV: str = "cfb7203"
"""main just before issue 15 (text cache, shards), for ``make render`` before and after."""


def bench_render_all(work: Path, baseline_rev: str) -> tuple[list[Row], dict[str, Any]]:
    """``make render``'s command (every scene, 1080p60, MP4 + GIF, all cores) here and in a checkout of ``baseline_rev``."""
    baseline = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(baseline), baseline_rev], cwd=REPO_ROOT, check=True,
                   capture_output=True)
    try:
        arguments = ["--quiet", "-f", "both", "--force"]
        env = {**_env(), "GDANIM_CACHE_DIR": str(work / "cache")}
        # The baseline has fewer scenes: time its scenes here too, so one row compares like with like.
        listing = subprocess.run([sys.executable, str(baseline / "render.py"), "--list"], cwd=REPO_ROOT, env=env,
                                 check=True, capture_output=True, text=True).stdout
        baseline_scenes = [line.split()[0] for line in listing.splitlines() if line.strip()]
        timings = time_commands(
            {
                "now": [sys.executable, "render.py", *arguments, "--out", str(work / "now")],
                "now_same_scenes": [sys.executable, "render.py", *baseline_scenes, *arguments,
                                    "--out", str(work / "now-same")],
                "before": [sys.executable, str(baseline / "render.py"), *arguments, "--out", str(work / "before")],
            },
            runs=1, warmup=0, cwd=REPO_ROOT, env=env,
        )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=REPO_ROOT, capture_output=True)
    now, same, before = (timings[name].median_s for name in ("now", "now_same_scenes", "before"))
    rows = [
        Row(12, f"`make render` (1080p60, MP4 + GIF), the {len(baseline_scenes)} scenes {baseline_rev} had, "
            f"vs the same at {baseline_rev}", _seconds(same), _seconds(before), same / before,
            f"{same / before:.2f}×", "< 1×", same < before,
            f"CPU {timings['now_same_scenes'].cpu_s:.0f} s vs {timings['before'].cpu_s:.0f} s"),
        Row(12, f"`make render` (all scenes now, 1080p60, MP4 + GIF) vs all scenes at {baseline_rev}", _seconds(now),
            _seconds(before), now / before, f"{now / before:.2f}×", "—", None,
            f"CPU {timings['now'].cpu_s:.0f} s vs {timings['before'].cpu_s:.0f} s; "
            f"{len(baseline_scenes)} scenes then, {len(SCENES)} now"),
    ]
    return rows, {name: timing.as_dict() for name, timing in timings.items()}


# --- 14. an edit to one scene ------------------------------------------------------------------------------------

EDITED_SCENE: str = "slope-tangent"
EDITED_CAPTION: str = "slope_tangent.zero"


def _append_to(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def bench_edit(quality: str, work: Path) -> tuple[list[Row], dict[str, Any]]:
    """Every scene rendered (MP4) in a checkout of HEAD; then again after each edit, one run each, in order.

    The edits: a line of code in ``scenes/slope_tangent.py``; a reworded caption that scene
    draws (``CAPTIONS[EDITED_CAPTION]``); a comment appended to every Python file.
    """
    checkout = work / "checkout"
    subprocess.run(["git", "worktree", "add", "--detach", str(checkout), "HEAD"], cwd=REPO_ROOT, check=True,
                   capture_output=True)
    try:
        command = {"render": [sys.executable, "render.py", "--quiet", "-q", quality, "-f", "mp4",
                              "--out", str(work / "out")]}
        env = {**_env(), "GDANIM_CACHE_DIR": str(work / "cache")}

        def timed() -> Any:
            return time_commands(command, runs=1, warmup=0, cwd=checkout, env=env)["render"]

        full = timed()
        _append_to(checkout / "scenes" / "slope_tangent.py", "\n_BENCH_EDIT = 1\n")
        scene_edit = timed()
        _append_to(checkout / "scenes" / "captions.py",
                   f"\nCAPTIONS[{EDITED_CAPTION!r}] = {{'en': 'Slope zero: flat. Stay', 'he': 'שיפוע אפס: שטוח'}}\n")
        caption_edit = timed()
        for path in checkout.rglob("*.py"):
            _append_to(path, "\n# a comment\n")
        comment_edit = timed()
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=REPO_ROOT, capture_output=True)
    goal = GOALS["edit_one_scene_max"]
    rows = [
        Row(14, f"render of all {len(SCENES)} scenes (-q {quality}, MP4) after a one-line edit to {EDITED_SCENE}, "
            "vs the full render", _seconds(scene_edit.median_s), _seconds(full.median_s),
            scene_edit.median_s / full.median_s, f"{scene_edit.median_s / full.median_s:.3f}×", f"≤ {goal}×",
            scene_edit.median_s / full.median_s <= goal, "only that scene's clips are drawn again"),
        Row(14, f"the same after rewording one of {EDITED_SCENE}'s captions ({EDITED_CAPTION})",
            _seconds(caption_edit.median_s), _seconds(full.median_s), caption_edit.median_s / full.median_s,
            f"{caption_edit.median_s / full.median_s:.3f}×", f"≤ {goal}×", caption_edit.median_s / full.median_s <= goal,
            "a clip hashes only the captions its code names"),
        Row(14, "the same after a comment in every Python file", _seconds(comment_edit.median_s),
            _seconds(full.median_s), comment_edit.median_s / full.median_s,
            f"{comment_edit.median_s / full.median_s:.3f}×", "—", None, "comments and docstrings are not hashed"),
    ]
    timings = {"full": full, "scene edit": scene_edit, "caption edit": caption_edit, "comment everywhere": comment_edit}
    return rows, {name: timing.as_dict() for name, timing in timings.items()}


# --- 15. always_rebuilt ------------------------------------------------------------------------------------------

BEFORE_ALWAYS_REBUILT: str = "9b03ea5"
"""The last commit whose scenes used manim's ``always_redraw``."""

REBUILT_SCENES: tuple[str, ...] = ("slope-rise-over-run", "too-small-learning-rate", "slope-tangent", "local-view",
                                   "overshooting-learning-rate")
"""The scenes that rebuild a mobject every frame."""


def bench_rebuilt(quality: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """:data:`REBUILT_SCENES` rendered (MP4, ``--force --jobs 1``) here and at :data:`BEFORE_ALWAYS_REBUILT`."""
    baseline = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(baseline), BEFORE_ALWAYS_REBUILT], cwd=REPO_ROOT,
                   check=True, capture_output=True)
    try:
        arguments = [*REBUILT_SCENES, "--quiet", "-q", quality, "-f", "mp4", "--force", "--jobs", "1"]
        timings = time_commands(
            {
                "now": [sys.executable, "render.py", *arguments, "--out", str(work / "now")],
                "always_redraw": [sys.executable, str(baseline / "render.py"), *arguments, "--out", str(work / "before")],
            },
            runs=runs, warmup=1, cwd=REPO_ROOT, env={**_env(), "GDANIM_CACHE_DIR": str(work / "cache")},
        )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=REPO_ROOT, capture_output=True)
    now, before = timings["now"].median_s, timings["always_redraw"].median_s
    rows = [
        Row(15, f"the {len(REBUILT_SCENES)} scenes that redraw every frame (-q {quality}, MP4, one process) with "
            f"always_rebuilt vs always_redraw ({BEFORE_ALWAYS_REBUILT})", _seconds(now), _seconds(before),
            now / before, f"{now / before:.2f}×", "—", None,
            "manim's become aligns every pair of points of the old and new mobject; the new one is drawn as built"),
    ]
    return rows, {name: timing.as_dict() for name, timing in timings.items()}


# --- the table ---------------------------------------------------------------------------------------------------


# --- 9. lecture slides -------------------------------------------------------------------------------------------


def bench_slides(quality: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """All scenes: ``--format slides`` against ``--format mp4``, both rendering; then the deck alone."""
    slides_out = str(work / "slides")
    timings = time_commands(
        {
            "mp4": _render("-q", quality, "-f", "mp4", "--force", "--out", str(work / "mp4")),
            "slides": _render("-q", quality, "-f", "slides", "--force", "--out", slides_out),
            # Hyperfine runs each command's runs in turn: the clips are up to date by now.
            "slides, clips up to date": _render("-q", quality, "-f", "slides", "--out", slides_out),
        },
        runs=runs, warmup=0, cwd=REPO_ROOT, env=_env(),
    )
    mp4, slides, deck = (timings[name].median_s for name in ("mp4", "slides", "slides, clips up to date"))
    beats = sum(len(clip.beats or ()) for clip in load_manifest(work / "slides").clips)
    rows = [
        Row(9, f"all scenes ({quality}) `--format slides` vs `--format mp4`", _seconds(slides), _seconds(mp4),
            slides / mp4, f"{slides / mp4:.2f}×", "—", None,
            f"{beats} beats, each cut from its clip's MP4 without re-encoding, plus its poster frame"),
        Row(9, "the deck alone (clips up to date) vs the `--format mp4` render", _seconds(deck), _seconds(mp4),
            deck / mp4, f"{deck / mp4:.2f}×", "—", None, "what a lecturer waits for after an edit to the notes"),
    ]
    return rows, {**{name: timing.as_dict() for name, timing in timings.items()}, "beats": beats}


# --- 13. lecture video --------------------------------------------------------------------------------------------

_JOIN_ALONE: str = (
    "import sys; from pathlib import Path; from gdanim.api import ClipRequest; "
    "from gdanim.lecture.video import build_lectures; from scenes.registry import SCENES; "
    "build_lectures([ClipRequest.create(name, quality=sys.argv[1]) for name in SCENES], Path(sys.argv[2]), force=True)"
)
"""The lecture built again from clips that are up to date: what ``--format lecture`` adds to a render."""


def bench_lecture(quality: str, work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """All scenes: ``--format lecture`` against ``--format mp4``, both rendering; the join alone; an unchanged lecture."""
    lecture_out = str(work / "lecture")
    load = _load()[0]
    timings = time_commands(
        {
            "mp4": _render("-q", quality, "-f", "mp4", "--force", "--out", str(work / "mp4")),
            "lecture": _render("-q", quality, "-f", "lecture", "--force", "--out", lecture_out),
            "join alone": [sys.executable, "-c", _JOIN_ALONE, quality, lecture_out],
            "unchanged": _render("-q", quality, "-f", "lecture", "--out", lecture_out),
        },
        runs=runs, warmup=0, cwd=REPO_ROOT, env=_env(),
    )
    mp4, lecture, join, unchanged = (timings[name].median_s for name in ("mp4", "lecture", "join alone", "unchanged"))
    videos = list((work / "lecture" / "lecture").glob("*.mp4"))
    size_mb = sum(video.stat().st_size for video in videos) / 1e6
    clips_mb = sum(clip.files["mp4"].bytes for clip in load_manifest(work / "lecture").clips) / 1e6
    rows = [
        Row(13, f"all scenes ({quality}) `--format lecture` vs `--format mp4`", _seconds(lecture), _seconds(mp4),
            lecture / mp4, f"{lecture / mp4:.2f}×", "—", None,
            f"one video of the {len(SCENES)} clips with title cards and chapters, {size_mb:.1f} MB "
            f"(the clips {clips_mb:.1f} MB): clips' packets copied, cards encoded; both commands render the same "
            f"clips, so their difference here is the other load on the {CORES} cores (load ~{load:.0f}), the "
            "lecture's own cost is the next row"),
        Row(13, "the lecture alone (clips up to date, lecture rebuilt) vs the `--format mp4` render", _seconds(join),
            _seconds(mp4), join / mp4, f"{join / mp4:.2f}×", "—", None,
            "draw and encode the title cards, copy the packets, mux subtitles and chapters"),
        Row(13, "an unchanged lecture (nothing written) vs the `--format mp4` render", _seconds(unchanged),
            _seconds(mp4), unchanged / mp4, f"{unchanged / mp4:.3f}×", "—", None,
            "clips answered from the manifest, the lecture from lectures.json"),
    ]
    return rows, {**{name: timing.as_dict() for name, timing in timings.items()}, "lecture_mb": round(size_mb, 2)}


def _merge_earlier_run(results: dict[str, Any], rows: list[Row], earlier_file: Path) -> list[Row]:
    """With ``--only``: keep the earlier run's rows and data for the sections not measured again.

    The sections measured now are listed in ``results["remeasured"]`` with
    their own time and load, so the table says which rows are newer.
    """
    if not earlier_file.exists():
        return rows
    earlier = json.loads(earlier_file.read_text(encoding="utf-8"))
    measured_now = set(results["sections"])
    # Each numbered row comes from one section: the rows measured now replace those of the same numbers.
    renumbered = {row.number for row in rows}
    kept = [Row(**row) for row in earlier["rows"] if row["number"] not in renumbered]
    remeasured = {name: {"started": results["started"], "load_before": results["load_before"],
                         "load_after": results["load_after"], "command": results["command"]}
                  for name in measured_now}
    for key in ("started", "command", "load_before", "load_after", "runs"):
        results[key] = earlier[key]
    results["sections"] = {**earlier["sections"], **results["sections"]}
    results["remeasured"] = {**earlier.get("remeasured", {}), **remeasured}
    return sorted([*kept, *rows], key=lambda row: row.number)


def markdown_table(rows: list[Row], results: dict[str, Any]) -> str:
    """The rows as a Markdown table, with the run's circumstances underneath."""
    lines = ["| # | measure | ours | baseline | ratio | goal | met | note |", "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "**missed**")
        lines.append(f"| {row.number} | {row.measure} | {row.ours} | {row.baseline} | {row.ratio_text} | {row.goal} "
                     f"| {met} | {row.note} |")
    for name, error in results.get("errors", {}).items():
        lines.append(f"| | {name} | not measured | | | | **missed** | {error} |")
    lines.append("")
    lines.append(f"Measured {results['started']} on {results['machine']['cpus']} cores, Python "
                 f"{results['machine']['python']}, median of {results['runs']} runs after a warm-up "
                 f"(hyperfine; pyperf for `descend`); load average {results['load_before']} before, "
                 f"{results['load_after']} after. Command: `{results['command']}`.")
    for name, run in results.get("remeasured", {}).items():
        lines.append("")
        lines.append(f"Section `{name}` measured again {run['started']}, load average {run['load_before']} before, "
                     f"{run['load_after']} after: `{run['command']}`.")
    return "\n".join(lines) + "\n"


def update_readme(table: str, readme: Path = README) -> None:
    """Replace the README's text between the ``bench:`` markers with ``table``."""
    text = readme.read_text(encoding="utf-8")
    start, end = README_MARKERS
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise BenchError(f"{readme} has no {start} … {end} markers")
    readme.write_text(pattern.sub(lambda _: f"{start}\n{table}{end}", text), encoding="utf-8")


def _longest_scene(results: dict[str, Any]) -> str:
    """The scene with the longest clip in the jobs section, which renders them all."""
    durations = results["sections"].get("jobs", {}).get("durations_s")
    return max(durations, key=durations.get) if durations else "rolling-descent"


def _sections(
    arguments: argparse.Namespace, work: Path, results: dict[str, Any]
) -> dict[str, Callable[[], tuple[list[Row], dict[str, Any]]]]:
    scene, runs = arguments.scene, arguments.runs
    return {
        "preview": lambda: bench_preview(scene, work / "preview", runs),
        "rerender": lambda: bench_rerender_and_formats(scene, work / "rerender", runs),
        "jobs": lambda: bench_jobs(arguments.jobs_quality, work / "jobs", runs),
        "gif": lambda: bench_gif(scene, work / "gif"),
        "memory": lambda: bench_memory(arguments.memory_scene or _longest_scene(results), work / "memory"),
        "math": lambda: bench_math_and_poster(scene, work / "math", runs),
        "sweep": lambda: bench_sweep(work / "sweep", runs),
        "slides": lambda: bench_slides(arguments.slides_quality, work / "slides", runs),
        "split": lambda: bench_split(scene, work / "split", runs),
        "watch": lambda: bench_watch_mp4(scene, runs),
        "render-all": lambda: bench_render_all(work / "render-all", arguments.baseline_rev),
        "lecture": lambda: bench_lecture(arguments.lecture_quality, work / "lecture", runs),
        "edit": lambda: bench_edit(arguments.edit_quality, work / "edit"),
        "rebuilt": lambda: bench_rebuilt(arguments.edit_quality, work / "rebuilt", runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="rolling-descent", choices=list(SCENES))
    parser.add_argument("--memory-scene", default=None, choices=list(SCENES),
                        help="the scene rendered at 4k for peak memory (default: the longest clip of the jobs "
                        "section, else rolling-descent)")
    parser.add_argument("--jobs-quality", default="low")
    parser.add_argument("--slides-quality", default="high", help="quality of the slides section (default: high)")
    parser.add_argument("--lecture-quality", default="high", help="quality of the lecture section (default: high)")
    parser.add_argument("--edit-quality", default="low",
                        help="quality of the edit and rebuilt sections (default: low)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median reported)")
    parser.add_argument("--baseline-rev", default=BASELINE_REV,
                        help="the revision `make render` is compared with (section render-all)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these sections")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--update-readme", action="store_true", help="put the table into README.md")
    arguments = parser.parse_args(argv)

    results: dict[str, Any] = {
        "machine": {"cpus": CORES, "python": platform.python_version(), "platform": platform.platform()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(["python", "bench/benchmark.py", *(argv if argv is not None else sys.argv[1:])]),
        "runs": arguments.runs,
        "goals": GOALS,
        "load_before": _load(),
        "sections": {},
        "errors": {},
    }
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="gdanim-bench-") as temporary:
        for name, measure in _sections(arguments, Path(temporary), results).items():
            if arguments.only and name not in arguments.only:
                continue
            started = time.perf_counter()
            try:
                section_rows, data = measure()
            except (BenchError, OSError, ValueError) as error:
                results["errors"][name] = " ".join(str(error).split())
                print(f"{name}: not measured: {results['errors'][name]}", file=sys.stderr, flush=True)
                continue
            rows += section_rows
            results["sections"][name] = {**data, "load_after": _load(),
                                         "bench_seconds": round(time.perf_counter() - started, 1)}
            for row in section_rows:
                print(f"{row.number} {row.measure}: {row.ours} vs {row.baseline} = {row.ratio_text}", file=sys.stderr,
                      flush=True)
    results["load_after"] = _load()
    if arguments.only:
        rows = _merge_earlier_run(results, rows, arguments.results_dir / "latest.json")
    results["rows"] = [asdict(row) for row in rows]
    table = markdown_table(rows, results)
    arguments.results_dir.mkdir(parents=True, exist_ok=True)
    (arguments.results_dir / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
    (arguments.results_dir / "latest.md").write_text(table, encoding="utf-8")
    if arguments.update_readme:
        update_readme(table)
    print(table)
    return 1 if results["errors"] or any(row.met is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
