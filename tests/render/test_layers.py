"""The layered renderer draws the frames manim's own renderer draws, while drawing far fewer shapes.

Frames are compared as the camera made them (before encoding): compositing a
still layer instead of drawing its shapes again can round an anti-aliased edge
pixel by a level or a few, nothing more.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, Circle, Scene, Square, Text, ValueTracker, tempconfig
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer

from gdanim.clip.layers import LayeredRenderer
from gdanim.clip.request import ClipRequest
from gdanim.store.cache import media_slot
from scenes.registry import SCENES
from tests.render_runs import TINY

MAX_LEVEL_DIFFERENCE = 4
"""Rounding of premultiplied 8-bit colour at an edge, once per overlapping translucent shape of a layer
(measured: at most 1 level at 480p, 3 where the faint trail's arrows overlap at 160x90); a stale or
missing shape differs by far more (83 levels in the updater test below without the frame check)."""
MAX_CHANGED_SHARE = 0.01
"""Share of a frame's pixels that may differ by that rounding."""


class _Recorder:
    """Keeps a copy of every frame a renderer hands to the encoder, and counts the shapes the camera draws."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.frames: list[np.ndarray] = []
        self.shapes = 0
        add_frame, display_vectorized = CairoRenderer.add_frame, Camera.display_vectorized

        def recording_add_frame(renderer, frame, num_frames=1):
            if not renderer.skip_animations:
                self.frames.extend([frame.copy()] * num_frames)
            return add_frame(renderer, frame, num_frames)

        def counting_display_vectorized(camera, *args, **kwargs):
            self.shapes += 1
            return display_vectorized(camera, *args, **kwargs)

        monkeypatch.setattr(CairoRenderer, "add_frame", recording_add_frame)
        monkeypatch.setattr(Camera, "display_vectorized", counting_display_vectorized)

    def take(self) -> tuple[list[np.ndarray], int]:
        frames, shapes = self.frames, self.shapes
        self.frames, self.shapes = [], 0
        return frames, shapes


def _assert_same_pictures(plain: list[np.ndarray], layered: list[np.ndarray]) -> None:
    assert len(plain) == len(layered) > 0
    for index, (expected, actual) in enumerate(zip(plain, layered)):
        difference = np.abs(expected.astype(np.int16) - actual).max(axis=-1)
        assert difference.max() <= MAX_LEVEL_DIFFERENCE, f"frame {index}: a pixel off by {difference.max()} levels"
        assert np.count_nonzero(difference) <= MAX_CHANGED_SHARE * difference.size, f"frame {index}"


@pytest.fixture
def recorder(monkeypatch) -> _Recorder:
    return _Recorder(monkeypatch)


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_every_scene_draws_the_same_frames_layered(recorder, scene):
    from gdanim.clip.scene_render import render_scene

    request = ClipRequest.create(scene, quality="low", test_size=TINY)
    with media_slot() as media:
        render_scene(request, media, movie=True, layered=False)
        plain, plain_shapes = recorder.take()
        render_scene(request, media, movie=True, layered=True)
        layered, layered_shapes = recorder.take()
    _assert_same_pictures(plain, layered)
    assert layered_shapes < plain_shapes


def test_layers_leave_most_still_shapes_undrawn(recorder):
    """The ball and the step's labels sit on top; the plot and captions under and between them are not redrawn."""
    from gdanim.clip.scene_render import render_scene

    request = ClipRequest.create("rolling-descent", quality="low", test_size=TINY)
    with media_slot() as media:
        render_scene(request, media, movie=True, layered=False)
        _, plain_shapes = recorder.take()
        render_scene(request, media, movie=True, layered=True)
        _, layered_shapes = recorder.take()
    assert layered_shapes < 0.6 * plain_shapes


class _UpdaterMovesAnother(Scene):
    """A still-looking circle is moved by the *square's* updater; a caption sits above both."""

    def construct(self) -> None:
        square = Square(side_length=1).shift(2 * LEFT).set_z_index(1)
        circle = Circle(radius=0.5, color="#ff0000", fill_opacity=1).shift(2 * RIGHT).set_z_index(2)
        caption = Text("still", font_size=36).to_edge(UP).set_z_index(3)
        clock = ValueTracker(0)
        square.add_updater(lambda mobject: circle.move_to(2 * RIGHT + clock.get_value() * DOWN))
        self.add(square, circle, caption)
        self.play(clock.animate.set_value(2), square.animate.rotate(1), run_time=1)
        self.play(clock.animate.set_value(0), run_time=1)


def _render_frames(scene_class: type[Scene], renderer: type[CairoRenderer], media: Path) -> None:
    settings = {"pixel_width": 160, "pixel_height": 90, "frame_rate": 10, "media_dir": str(media),
                "disable_caching": True, "progress_bar": "none", "verbosity": "CRITICAL", "output_file": "probe"}
    with tempconfig(settings):
        scene_class(renderer=renderer()).render()


def test_a_still_mobject_moved_by_another_updater_is_drawn_where_it_is(recorder, tmp_path):
    """The check before every frame sees the circle change and draws it directly: no frame shows a stale layer."""
    _render_frames(_UpdaterMovesAnother, CairoRenderer, tmp_path / "plain")
    plain, _ = recorder.take()
    _render_frames(_UpdaterMovesAnother, LayeredRenderer, tmp_path / "layered")
    layered, _ = recorder.take()
    assert not np.array_equal(plain[1], plain[8]), "the circle moves, or the test shows nothing"
    _assert_same_pictures(plain, layered)
