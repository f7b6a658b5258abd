"""Adding a scene touches its module and its captions: the CLI lists it, renders it, and the tests pick it up.

A copy of the checkout gets one new module, ``scenes/ball_drop.py`` (the README's
"Adding a scene" example), and its captions; nothing else changes. Then, in the
copy, as a user and a maintainer would: ``python -m gdanim --list`` lists it,
``python -m gdanim ball-drop`` renders it at the tiny size, and pytest's derived
lists (``PROBES``, ``EDGE_START_CASES``, ``BEAT_NAMES``, the knob edges) hold it:
its beats and layout checks pass, its control-frame check fails until someone
has looked at its frames and written them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.render_runs import REPO_ROOT, TINY, TINY_TAG

BALL_DROP = '''\
"""Ch. 10: the ball takes the book's steps on the error curve, with nothing else on screen."""

from __future__ import annotations

from manim import DOWN, Create, FadeIn, ValueTracker

from gdmath import view_range
from scenes.common import DescentScene, get_axes, get_curve_graph, get_path_ball, nice_bounds
from scenes.registry import SceneSpec

__all__ = ["BallDrop"]


class BallDrop(DescentScene):
    """The curve, then the ball taking every step of the descent at once."""

    spec = SceneSpec(
        name="ball-drop",
        order=100,
        title_key="ball_drop.title",
        description="Ch. 10: the ball takes the book's steps on the error curve, nothing else on screen.",
        start=-1.0,
        learning_rate=0.1,
        steps=3,
    )
    beat_names = ("curve", "steps", "lesson")

    def construct(self) -> None:
        self.beat("ball_drop.curve")
        x_lo, x_hi, y_lo, y_hi = view_range(self.path, margin=0)
        axes = get_axes(nice_bounds(x_lo, x_hi), nice_bounds(min(y_lo, 0.0), y_hi), self.palette, self.language,
                        x_length=9.0, y_length=4.6)
        axes.shift(0.4 * DOWN)
        title = self.get_title("ball_drop.title")
        self.play(FadeIn(title), Create(axes), Create(get_curve_graph(axes, self.curve, self.palette)), run_time=1.0)
        self.beat("ball_drop.steps", steps=self.path.nit)
        progress = ValueTracker(0)
        ball = get_path_ball(self.palette, self.path, progress, lambda: axes)
        self.play(FadeIn(ball), run_time=0.4)
        self.play(progress.animate.set_value(self.path.nit), run_time=1.0)
        self.beat("ball_drop.lesson")
        self.wait(0.5)
'''
"""The new scene's module: its class, with its declaration (``spec``) and its beats."""

BALL_DROP_CAPTIONS = '''

# ball-drop: the README's "Adding a scene" example.
CAPTIONS["ball_drop.title"] = {"en": "The ball takes its steps", "he": "הכדור צועד"}
SPEAKER_NOTES["ball_drop.curve"] = {
    "en": "The book's error curve once more: the ball will start on its left slope.",
    "he": "שוב עקומת הטעות של הספר: הכדור יתחיל במדרון השמאלי שלה.",
}
SPEAKER_NOTES["ball_drop.steps"] = {
    "en": "The ball takes all {steps} steps of the descent, each smaller than the last.",
    "he": "הכדור עושה את כל {steps} הצעדים של הירידה, כל אחד קטן מקודמו.",
}
SPEAKER_NOTES["ball_drop.lesson"] = {
    "en": "Where the ground flattens, the steps shrink: the slope sets the step.",
    "he": "היכן שהקרקע מתיישרת, הצעדים קטנים: השיפוע קובע את הצעד.",
}
SCENE_ALT_TEXT["ball-drop"] = {
    "en": "A ball takes {steps} steps down the error curve from x = {start}.",
    "he": "כדור עושה {steps} צעדים במורד עקומת הטעות מ־x = {start}.",
}
'''
"""What the new scene adds to ``scenes/captions.py``: its title, its speaker notes, its alt text."""

COLLECTED_IDS_PLUGIN = '''\
from pathlib import Path

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Write every collected test id, before ``-k`` deselects any."""
    Path("collected.txt").write_text("\\n".join(item.nodeid for item in items), encoding="utf-8")
'''
"""A pytest plugin for the copy: one run both lists every test of the new scene and runs a few of them."""


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout with one scene added: its module and its captions."""
    root = tmp_path_factory.mktemp("checkout-with-ball-drop")
    for package in ("gdmath", "scenes", "gdanim", "tests"):
        shutil.copytree(REPO_ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__", "control_data", "hugo_site"))
    shutil.copy2(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "collected_ids.py").write_text(COLLECTED_IDS_PLUGIN, encoding="utf-8")
    (root / "scenes" / "ball_drop.py").write_text(BALL_DROP, encoding="utf-8")
    captions = root / "scenes" / "captions.py"
    captions.write_text(captions.read_text(encoding="utf-8") + BALL_DROP_CAPTIONS, encoding="utf-8")
    return root


def _run(checkout: Path, *arguments: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGUMENTS`` in the copy, importing the copy's packages."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    return subprocess.run([sys.executable, *arguments], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_the_cli_lists_and_renders_the_new_scene(checkout: Path) -> None:
    listed = _run(checkout, "-m", "gdanim", "--list")
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names[-1] == "ball-drop" and len(names) == len(set(names)) >= 11  # order 100: last
    assert "the ball takes the book's steps on the error curve" in listed.stdout

    rendered = _run(checkout, "-m", "gdanim", "ball-drop", "--test-size", TINY, "-f", "png", "--lang", "en",
                    "-o", str(checkout / "out"))
    assert rendered.returncode == 0, rendered.stderr
    poster = checkout / "out" / "ball-drop" / f"en-light-{TINY_TAG}.png"
    with Image.open(poster) as image:
        assert image.size == (160, 90)
        assert len(np.unique(np.asarray(image.convert("L")))) > 10, "the poster is blank"


def test_the_derived_test_lists_hold_the_new_scene(checkout: Path) -> None:
    # One pytest run in the copy: the plugin writes every collected id, -k runs the light-theme cases (he, en),
    # which the beats, layout and control checks share.
    report = checkout / "report.xml"
    ran = _run(checkout, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "collected_ids", f"--junitxml={report}",
               f"--basetemp={checkout / 'pytest-tmp'}", "-k", "ball-drop and light or ball-drop and beats",
               "tests/render/test_scenes_render.py", "tests/render/test_beats.py", "tests/render/test_knob_edges.py")
    collected = (checkout / "collected.txt").read_text(encoding="utf-8").splitlines()
    ids = {nodeid.split("::", 1)[1] for nodeid in collected if "ball-drop" in nodeid}
    cases = [f"{language}-{theme}" for language in ("he", "en") for theme in ("light", "dark")]
    assert ids == {
        "test_each_scene_descends_the_curve_its_registry_entry_names[ball-drop]",
        *(f"test_last_frame_matches_control[ball-drop-{case}]" for case in cases),
        *(f"test_last_frame_text_is_large_inside_and_apart[ball-drop-{case}]" for case in cases),
        "test_text_stays_inside_and_apart_for_starts_at_the_edges[ball-drop-he--12.0]",
        "test_text_stays_inside_and_apart_for_starts_at_the_edges[ball-drop-he-18.0]",
        "test_every_scene_marks_its_beats_as_manim_sections_that_tile_the_clip[ball-drop-he]",
        "test_every_scene_marks_its_beats_as_manim_sections_that_tile_the_clip[ball-drop-en]",
        "test_every_scene_finishes_at_its_knob_edges[ball-drop]",
        "test_every_scene_finishes_at_its_most_steps[ball-drop]",
    }, ran.stdout[-3000:]

    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        failure = case.find("failure")
        outcomes[case.get("name")] = "passed" if failure is None else failure.get("message", "failed")
    assert outcomes.pop("test_every_scene_marks_its_beats_as_manim_sections_that_tile_the_clip[ball-drop-he]") == "passed"
    assert outcomes.pop("test_every_scene_marks_its_beats_as_manim_sections_that_tile_the_clip[ball-drop-en]") == "passed"
    for language in ("he", "en"):
        assert outcomes.pop(f"test_last_frame_text_is_large_inside_and_apart[ball-drop-{language}-light]") == "passed"
        # No control frame yet: the check fails, naming the way to write one (never a silent skip).
        assert "run with GDANIM_UPDATE_CONTROL=1" in outcomes.pop(f"test_last_frame_matches_control[ball-drop-{language}-light]")
    assert outcomes == {}, ran.stdout[-3000:]
