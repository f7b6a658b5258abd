"""A scene that really fails half-way through a manim render leaves no trace and keeps the earlier files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import av
import pytest

from gdanim.store.cache import CACHE_DIR_ENV
from gdanim.errors import RenderError
from gdanim.api import ClipRequest, render_clip
from scenes.registry import SCENES, SceneSpec
from tests.render_runs import TINY, TINY_OPTION, debris, manifest_json, snapshot

FLAKY_SCENE = '''
import os
from manim import Circle, Create, Scene, Square, Transform


class FlakyScene(Scene):
    start = -1.0
    learning_rate = 0.1
    steps = 1
    language = "en"
    theme = "light"

    def construct(self):
        circle = Circle()
        self.play(Create(circle), run_time=0.4)
        if os.environ.get("FLAKY_SCENE_FAILS"):
            raise RuntimeError("the scene broke after its first animation")
        self.play(Transform(circle, Square()), run_time=0.4)
'''


@pytest.fixture
def flaky_scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Register a real manim scene, ``flaky-scene``, that fails when ``FLAKY_SCENE_FAILS`` is set."""
    module_dir = tmp_path / "modules"
    module_dir.mkdir()
    (module_dir / "flaky_scene_module.py").write_text(textwrap.dedent(FLAKY_SCENE))
    monkeypatch.syspath_prepend(str(module_dir))
    monkeypatch.setitem(
        SCENES, "flaky-scene",
        SceneSpec(name="flaky-scene", order=len(SCENES) + 1, title_key="x.title",
                  description="fails on demand", start=-1.0,
                  learning_rate=0.1, steps=1, class_name="FlakyScene", module="flaky_scene_module"),
    )
    yield "flaky-scene"
    sys.modules.pop("flaky_scene_module", None)


def test_failing_render_raises_one_line_naming_the_scene_and_keeps_earlier_files(
    flaky_scene: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    request = ClipRequest.create(flaky_scene, quality="low", language="en", test_size=TINY)
    good = render_clip(request, out_dir, ["mp4", "gif", "png"])
    assert set(good.files) == {"mp4", "vtt", "gif", "png"}
    before = snapshot(out_dir)

    monkeypatch.setenv("FLAKY_SCENE_FAILS", "1")
    with pytest.raises(RenderError) as failure:
        render_clip(request, out_dir, ["mp4", "gif", "png"], force=True)
    message = str(failure.value)
    assert message == "rendering flaky-scene failed: RuntimeError: the scene broke after its first animation"
    assert "\n" not in message
    assert snapshot(out_dir) == before
    assert debris(out_dir) == []
    assert manifest_json(out_dir)["clips"][0]["hash"] == good.entry.hash


def test_failing_first_render_writes_nothing(flaky_scene: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    monkeypatch.setenv("FLAKY_SCENE_FAILS", "1")
    with pytest.raises(RenderError):
        render_clip(ClipRequest.create(flaky_scene, quality="low", test_size=TINY), out_dir, ["mp4", "gif"])
    assert list(out_dir.rglob("*")) == []


def test_a_cache_poisoned_by_truncated_svgs_still_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repo_root: Path
) -> None:
    # A render killed while Pango writes a text SVG leaves a truncated file that
    # manim trusts (it only checks the name exists); the next render must not fail on it.
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    # Fresh processes: this one may hold the parsed text in memory and never touch the SVGs.
    command = [sys.executable, "render.py", "rolling-descent", "-q", "low", "--steps", "1", "-f", "mp4",
               "--force", "--quiet", "--out", str(tmp_path / "out"), *TINY_OPTION]
    first = subprocess.run(command, cwd=repo_root, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    svgs = list((tmp_path / "cache").rglob("*.svg"))
    assert svgs
    for svg in svgs:
        svg.write_bytes(svg.read_bytes()[:40])
    completed = subprocess.run(command, cwd=repo_root, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    written, _subtitles = completed.stdout.splitlines()
    with av.open(written) as container:
        assert sum(1 for _ in container.decode(video=0)) > 0
