"""One clip rendered as shards of its plays and joined decodes to exactly the frames of the unsplit render."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from gdanim.store.cache import media_slot
from gdanim.clip.request import ClipRequest
from gdanim.clip.movie import join_movies
from gdanim.clip.shards import balanced_ranges
from scenes.registry import SCENES
from tests.render_runs import TINY, cache_sharing_texts, decoded_frames


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    monkeypatch.setenv("GDANIM_CACHE_DIR", str(cache_sharing_texts(tmp_path / "cache")))
    return tmp_path


def _kept(movie: Path, folder: Path, name: str) -> Path:
    """A copy of a movie out of the media folder (the next render there reuses its name)."""
    target = folder / name
    shutil.copy(movie, target)
    return target


def _same_frames(first: Path, second: Path) -> tuple[int, bool]:
    a, b = decoded_frames(first), decoded_frames(second)
    return len(a), len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_every_scene_split_and_joined_has_the_frames_of_the_whole(tiny, scene):
    from gdanim.clip.scene_render import count_frames, render_scene

    request = ClipRequest.create(scene, quality="low", test_size=TINY)
    with media_slot() as media:
        frames = count_frames(request, media)
        whole = render_scene(request, media, movie=True)
        whole_movie = _kept(whole.movie, tiny, "whole.mp4")
        ranges = balanced_ranges(frames, 3)
        shards = []
        for first, last in ranges:
            shard = render_scene(request, media, movie=True, plays=(first, last))
            shards.append(_kept(shard.movie, tiny, f"plays-{first}.mp4"))
    assert len(frames) == whole.plays and len(ranges) == 3
    joined = tiny / "joined.mp4"
    join_movies(shards, joined)
    count, identical = _same_frames(whole_movie, joined)
    assert count == sum(frames), "the counting pass predicts every frame"
    assert identical
    assert np.array_equal(shard.last_frame, whole.last_frame), "the last shard ends on the poster's frame"


def test_a_scene_driven_by_time_is_split_exactly(tiny):
    """Updaters with ``dt`` see the same steps in a shard as in the whole render (manim's own skip jumps)."""
    from manim import Dot, Scene, tempconfig

    from gdanim.clip import scene_render

    class Drifting(Scene):
        def construct(self) -> None:
            dot = Dot(color="#D55E00")
            dot.add_updater(lambda mobject, dt: mobject.shift(np.array([0.9 * dt, 0.37 * dt ** 0.5, 0.0])))
            self.add(dot)
            for _ in range(4):
                self.wait(0.7)
                self.play(dot.animate.scale(1.2), run_time=0.5)

    request = ClipRequest.create("rolling-descent", quality="low", test_size=TINY)

    def render(plays: tuple[int, int] | None, name: str) -> Path:
        with media_slot() as media, tempconfig(scene_render._settings(request, media, True, name)):
            renderer = scene_render._RangeRenderer(*plays) if plays else None
            scene = Drifting(renderer=renderer) if renderer else Drifting()
            scene.render()
            return _kept(Path(scene.renderer.file_writer.movie_file_path), tiny, f"{name}.mp4")

    whole = render(None, "whole")
    shards = [render((0, 2), "a"), render((3, 5), "b"), render((6, 7), "c")]
    joined = tiny / "joined.mp4"
    join_movies(shards, joined)
    count, identical = _same_frames(whole, joined)
    assert count > 20 and identical
