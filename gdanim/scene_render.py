"""The one place gdanim runs manim: render a scene class with overridden knobs into a media folder.

Importing this module imports manim (about two seconds), so the rest of
gdanim imports it only when a clip really has to be rendered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import av
import numpy as np
from manim import Scene, logger, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from PIL import Image

from gdanim.request import ClipRequest
from scenes.registry import get_spec

__all__ = ["MAX_INFLIGHT_ENCODERS", "RenderedScene", "inflight_encoders", "remux_faststart", "render_scene", "save_poster"]

MAX_INFLIGHT_ENCODERS: Final[int] = 4
"""Most partial movies encoded while manim keeps drawing; overlaps Cairo with x264 (see manim's default.cfg)."""

ENCODER_MEMORY_BUDGET_BYTES: Final[int] = 1024 * 1024 * 1024
"""Memory the in-flight encoders of one render may hold together.

Each holds a queue of RGBA frames and x264's own buffers (lookahead and
references, about 60 YUV 4:2:0 frames at the default preset). Measured at
1080p60: 1.7 GB peak with four encoders, against 0.7 GB for manim's one.
"""

_ENCODER_QUEUE_SIZE: Final[int] = 8
_X264_BUFFERED_FRAMES: Final[int] = 60


def inflight_encoders(width: int, height: int) -> int:
    """How many partial movies may encode at once at this size, within :data:`ENCODER_MEMORY_BUDGET_BYTES`.

    Examples
    --------
    >>> [inflight_encoders(*size) for size in ((854, 480), (1920, 1080), (2560, 1440), (3840, 2160))]
    [4, 4, 2, 1]
    """
    per_encoder = width * height * (4 * _ENCODER_QUEUE_SIZE + 3 * _X264_BUFFERED_FRAMES // 2)
    return max(1, min(MAX_INFLIGHT_ENCODERS, ENCODER_MEMORY_BUDGET_BYTES // per_encoder))


@dataclass(frozen=True)
class RenderedScene:
    """What one manim render produced.

    Attributes
    ----------
    movie
        Manim's MP4 in the media folder, or ``None`` when only a poster was asked for.
    last_frame
        The final frame as an RGB(A) array, straight from the camera (not decoded from the MP4).
    duration
        Scene length in seconds.
    plays
        Number of ``play``/``wait`` calls, used to size the next progress bar.
    subtitles
        Manim's ``.srt`` of the scene's subtitle cues beside the movie, or ``None`` without cues or movie.
    beats
        The scene's teaching beats (``scenes.beats.Beat``), in order.
    """

    movie: Path | None
    last_frame: np.ndarray
    duration: float
    plays: int
    subtitles: Path | None = None
    beats: tuple[Any, ...] = ()


class _LastFrameRenderer(CairoRenderer):
    """A Cairo renderer for posters that draws only the final frame.

    With animations skipped, manim 0.22 still draws the whole frame twice in
    every ``play`` (``update_frame`` ignores skipping by default), only to
    throw the pixels away; ``scene_finished`` draws the last frame from scratch
    anyway. Skipping those draws makes a poster 25-40% faster, pixel for pixel
    the same.
    """

    _in_play: bool = False

    def play(self, scene: Scene, *args: Any, **kwargs: Any) -> None:
        self._in_play = True
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self._in_play = False

    def update_frame(self, scene: Scene, *args: Any, **kwargs: Any) -> None:
        if not self._in_play:
            super().update_frame(scene, *args, **kwargs)


def _scene_class(request: ClipRequest, on_play: Callable[[int], None] | None) -> type[Scene]:
    """Subclass the registered scene with the request's knobs, the way a 3b1b variant overrides class attributes."""
    spec = get_spec(request.scene)
    base = getattr(importlib.import_module(spec.module), spec.class_name)
    attributes: dict[str, Any] = {
        "start": request.start,
        "learning_rate": request.learning_rate,
        "steps": request.steps,
        "language": request.language,
        "theme": request.theme,
    }
    if on_play is not None:

        def play(self: Scene, *args: Any, **kwargs: Any) -> None:
            base.play(self, *args, **kwargs)
            on_play(self.renderer.num_plays)

        attributes["play"] = play
    return type(base.__name__, (base,), attributes)


def render_scene(
    request: ClipRequest,
    media_dir: Path,
    movie: bool,
    on_play: Callable[[int], None] | None = None,
) -> RenderedScene:
    """Render one clip with manim into ``media_dir``.

    Parameters
    ----------
    request
        The clip.
    media_dir
        A media folder this process owns (see :func:`gdanim.cache.media_slot`).
    movie
        Write an MP4; otherwise only the last frame is drawn, skipping animations.
    on_play
        Called with the number of animations played so far, after each one.

    Returns
    -------
    RenderedScene
    """
    preset = request.preset
    scene_class = _scene_class(request, on_play)
    settings = {
        "pixel_width": preset.pixel_width,
        "pixel_height": preset.pixel_height,
        "frame_rate": preset.frame_rate,
        "media_dir": str(media_dir),
        "video_dir": str(media_dir / "videos"),
        "partial_movie_dir": str(media_dir / "videos" / "partial"),
        "images_dir": str(media_dir / "images"),
        "tex_dir": str(media_dir / "Tex"),
        "text_dir": str(media_dir / "texts"),
        "output_file": request.stem,
        "format": "mp4" if movie else "png",
        # gdanim skips unchanged clips itself; manim's per-animation hashing only costs time.
        "disable_caching": True,
        "max_inflight_encoders": inflight_encoders(preset.pixel_width, preset.pixel_height),
        "encoder_queue_size": _ENCODER_QUEUE_SIZE,
        "progress_bar": "none",
        "verbosity": "CRITICAL",
        "log_to_file": False,
        "preview": False,
    }
    logger.setLevel("CRITICAL")
    with tempconfig(settings):
        scene = scene_class() if movie else scene_class(renderer=_LastFrameRenderer(skip_animations=True))
        scene.render()
        renderer = scene.renderer
        movie_path = Path(renderer.file_writer.movie_file_path) if movie else None
        wrote_subtitles = movie and renderer.file_writer.subcaptions
        subtitles = Path(renderer.file_writer.output_plan.subcaption_file) if wrote_subtitles else None
        return RenderedScene(
            movie=movie_path,
            last_frame=renderer.get_frame(),
            duration=float(renderer.time),
            plays=int(renderer.num_plays),
            subtitles=subtitles,
            beats=tuple(getattr(scene, "beats", ())),
        )


def remux_faststart(source: Path, target: Path) -> None:
    """Copy an MP4's H.264 stream into ``target`` with the index (moov) first, so browsers start playing at once."""
    with av.open(str(source)) as movie_in, av.open(
        str(target), mode="w", format="mp4", options={"movflags": "+faststart"}
    ) as movie_out:
        stream_in = movie_in.streams.video[0]
        stream_out = movie_out.add_stream_from_template(template=stream_in)
        for packet in movie_in.demux(stream_in):
            if packet.dts is None:
                continue
            packet.stream = stream_out
            movie_out.mux(packet)


def save_poster(frame: np.ndarray, target: Path) -> None:
    """Write a frame as an optimised RGB PNG."""
    Image.fromarray(np.ascontiguousarray(frame[..., :3])).save(target, format="PNG", optimize=True)
