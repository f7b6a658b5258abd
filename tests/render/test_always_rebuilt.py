"""``scenes.common.always_rebuilt`` draws the frames manim's ``always_redraw`` draws, without its point alignment."""

from __future__ import annotations

import numpy as np
import pytest
from manim import RIGHT, Create, Dot, FadeIn, FadeOut, Scene, Square, ValueTracker, VGroup, always_redraw, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer

from scenes.common import always_rebuilt

MAX_LEVEL_DIFFERENCE = 40
"""Anti-aliasing of a curve drawn as built rather than re-subdivided to the previous frame's point count."""


def _frames(maker, monkeypatch: pytest.MonkeyPatch, tmp_path) -> list[np.ndarray]:
    frames: list[np.ndarray] = []
    add_frame = CairoRenderer.add_frame

    def recording_add_frame(renderer, frame, num_frames=1):
        frames.extend([frame.copy()] * num_frames)
        return add_frame(renderer, frame, num_frames)

    class Rebuilt(Scene):
        def construct(self) -> None:
            position = ValueTracker(-2.0)
            # A group whose curve changes its number of pieces as it moves: what become re-aligns point by point.
            shape = maker(lambda: VGroup(Dot(position.get_value() * RIGHT, color="#D55E00"),
                                         Square(0.5 + 0.1 * position.get_value()).rotate(position.get_value())))
            self.play(FadeIn(shape), run_time=0.6)
            self.play(position.animate.set_value(2.0), run_time=1.0)
            self.play(Create(Square(2.5)), position.animate.set_value(0.5), run_time=0.6)
            self.play(FadeOut(shape), run_time=0.6)

    with monkeypatch.context() as patch, tempconfig({"pixel_width": 160, "pixel_height": 90, "frame_rate": 10,
                                                     "media_dir": str(tmp_path), "write_to_movie": False,
                                                     "disable_caching": True, "verbosity": "CRITICAL",
                                                     "progress_bar": "none"}):
        patch.setattr(CairoRenderer, "add_frame", recording_add_frame)
        Rebuilt().render()
    return frames


def test_always_rebuilt_draws_what_always_redraw_draws_fading_and_moving(monkeypatch, tmp_path):
    redrawn = _frames(always_redraw, monkeypatch, tmp_path / "redraw")
    rebuilt = _frames(always_rebuilt, monkeypatch, tmp_path / "rebuilt")
    assert len(redrawn) == len(rebuilt) > 20
    for index, (expected, actual) in enumerate(zip(redrawn, rebuilt)):
        difference = np.abs(expected.astype(np.int16) - actual).max()
        assert difference <= MAX_LEVEL_DIFFERENCE, f"frame {index}: a pixel off by {difference} levels"
    # The fade is a fade: the first frames are fainter than the middle ones (it was opaque at once, wrongly, in a draft).
    ink = [int(np.count_nonzero(frame[..., :3].sum(axis=-1) > 60)) for frame in rebuilt]
    assert ink[0] < ink[5]
