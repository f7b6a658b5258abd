"""Every scene finishes at the edges of its knobs, and the readouts stay clear of the marks there (issue 26).

The cases come from the registry (:func:`tests.knob_edges.knob_edges`), so a new
scene is covered without touching this file. The time limit is a subprocess
timeout that only catches a render that never ends (``local-valley
--learning-rate 1.1`` did), not a claim about speed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scenes.registry import SCENES
from tests.knob_edges import EDGE_SIZE, edge_cases
from tests.render_runs import REPO_ROOT, render_env

EDGE_TIME_LIMIT: float = 900.0
"""Seconds one scene's edges may take in all: minutes more than they need on two busy cores."""


SLOW_TESTS: bool = os.environ.get("GDANIM_SLOW_TESTS") == "1"
"""``GDANIM_SLOW_TESTS=1`` also renders every scene at the ``--steps`` maximum (about 8 CPU-minutes in all)."""


def render_edges(scene: str, which: str, out_dir: Path) -> None:
    """Run ``python -m tests.knob_edges`` for ``scene`` under the time limit; each edge a real, non-blank PNG."""
    cases = edge_cases(scene, which)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.knob_edges", scene, str(out_dir), which], cwd=REPO_ROOT, env=render_env(),
            capture_output=True, text=True, timeout=EDGE_TIME_LIMIT, check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{scene} did not finish its knob edges {cases} in {EDGE_TIME_LIMIT:.0f} s")
    assert done.returncode == 0, done.stderr[-2000:]
    posters = [Path(line) for line in done.stdout.splitlines()]
    assert len(posters) == len(cases)
    width, height = (int(side) for side in EDGE_SIZE.split("@")[0].split("x"))
    for poster in posters:
        with Image.open(poster) as image:
            assert image.size == (width, height)
            assert len(set(image.convert("L").getdata())) > 1, f"{poster} is blank"


@pytest.mark.parametrize("scene", list(SCENES))
def test_every_scene_finishes_at_its_knob_edges(scene: str, tmp_path: Path) -> None:
    """lr 1.1 and the largest finite lr, --steps 1, both ends of --start: each a real PNG, in time."""
    render_edges(scene, "other", tmp_path)


@pytest.mark.skipif(not SLOW_TESTS, reason="GDANIM_SLOW_TESTS=1: minutes of CPU for the scenes that animate each step")
@pytest.mark.parametrize("scene", [name for name, spec in SCENES.items() if not spec.fixed_knobs])
def test_every_scene_finishes_at_its_most_steps(scene: str, tmp_path: Path) -> None:
    """--steps at its maximum: a real PNG, in time."""
    render_edges(scene, "most-steps", tmp_path)


# --- slope-steepness: the readout clear of the brackets and arrows at far starts -------------

manim = pytest.importorskip("manim")


def _points_along(mobject, samples: int = 80) -> np.ndarray:
    """Points along every curve of ``mobject``'s family (a line's own points are only its ends and handles)."""
    points = []
    for part in mobject.family_members_with_points():
        points.extend(part.point_from_proportion(share) for share in np.linspace(0, 1, samples))
    return np.array(points)


def _box_holds(mobject, points: np.ndarray) -> bool:
    low, high = mobject.get_corner(manim.DL)[:2], mobject.get_corner(manim.UR)[:2]
    return bool(np.all((points[:, :2] >= low) & (points[:, :2] <= high), axis=1).any())


@pytest.mark.parametrize("start", [-12.0, 18.0])
def test_slope_steepness_readout_clear_of_marks_at_far_starts(start: float) -> None:
    """At a far start the first and last places sit at the plot's top: their brackets and arrows must pass
    the readout by, not run through it (they did with ``--start -12``)."""
    from scenes.slope_steepness import SlopeSteepness

    readouts = []

    class Recorded(SlopeSteepness):
        def swap_texts(self, readout, caption):
            readouts.append(readout)
            return super().swap_texts(readout, caption)

    Recorded.start = start
    with manim.tempconfig({"dry_run": True, "pixel_width": 160, "pixel_height": 90, "frame_rate": 5,
                           "progress_bar": "none", "verbosity": "ERROR"}):
        scene = Recorded()
        scene.render()
    marks = _points_along(scene.seen)
    assert len(readouts) == scene.places
    for number, readout in enumerate(readouts, start=1):
        assert not _box_holds(readout, marks), f"place {number}'s readout is crossed by a tangent, bracket or arrow"
