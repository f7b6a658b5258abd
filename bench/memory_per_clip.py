"""Resident memory of one long-lived process rendering many clips, one after another (issue 26).

Renders ``--clips`` PNG posters of ``rolling-descent`` in this one process through the plain Python API
(:func:`gdanim.api.render_clip`, what ``--jobs 1`` runs), each with another learning rate, so every clip
typesets new numbers (the worst case for the in-memory caches), and reads the process's resident set
(``VmRSS``) after each. Before issue 26 this grew by about 5.6 MB a tiny clip (manim's map of every SVG it
parsed, and the text cache without a byte budget); the goal is at most 1.3× the RSS after the first five.

Usage::

    .venv/bin/python bench/memory_per_clip.py [--clips 100] [--size 160x90@5] [--out DIR] \\
        [--results bench/results/memory.json]

Prints one JSON object a line, ``{"clip": N, "rss_mib": X}``, then a summary line
``{"after_5": …, "last": …, "ratio": …, "goal": 1.3, "met": …}``; ``--results`` also writes all of it.
``tests/render/test_robustness.py`` runs it with ``--clips 30``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout: import this checkout's gdanim
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["GOAL", "resident_mib", "measure", "main"]

GOAL: float = 1.3
"""Most RSS after the last clip, as a multiple of the RSS after the fifth."""


def resident_mib() -> float:
    """This process's resident set size now, in MiB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure(clips: int, out_dir: Path, size: str) -> list[dict[str, float]]:
    """Render ``clips`` posters into ``out_dir``, one per learning rate, and return the RSS after each.

    Parameters
    ----------
    clips
        How many clips, each with learning rate 0.01 + 0.001 · its index.
    out_dir
        The ``--out`` folder.
    size
        The test size (``WIDTHxHEIGHT@FPS``) every clip renders at.
    """
    from gdanim.api import ClipRequest, render_clip

    rows: list[dict[str, float]] = []
    for index in range(clips):
        request = ClipRequest.create("rolling-descent", quality="low", test_size=size,
                                     learning_rate=round(0.01 + 0.001 * index, 4), steps=3)
        render_clip(request, out_dir, formats=("png",), force=True)
        gc.collect()  # what stays is what is still referenced, not garbage waiting for a collection
        rows.append({"clip": index + 1, "rss_mib": round(resident_mib(), 1)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def summary(rows: list[dict[str, float]]) -> dict[str, object]:
    """The RSS after the fifth clip and after the last, their ratio, and whether it meets :data:`GOAL`."""
    after_5 = rows[min(4, len(rows) - 1)]["rss_mib"]
    last = rows[-1]["rss_mib"]
    ratio = round(last / after_5, 3)
    return {"clips": len(rows), "after_5": after_5, "last": last, "ratio": ratio, "goal": GOAL, "met": ratio <= GOAL}


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and optionally write ``--results``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=100)
    parser.add_argument("--size", default="160x90@5")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=None)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gdanim-memory-") as scratch:
        rows = measure(arguments.clips, arguments.out or Path(scratch), arguments.size)
    result = summary(rows)
    print(json.dumps(result), flush=True)
    if arguments.results is not None:
        arguments.results.write_text(json.dumps({"summary": result, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
