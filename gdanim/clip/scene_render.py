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

import numpy as np
from manim import Scene, logger, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.exceptions import EndSceneEarlyException
from PIL import Image

from gdanim.clip.encoding import HeldFrameFileWriter, _ConvertOnceEncoder
from gdanim.clip.layers import LayeredRenderer
from gdanim.clip.manim_adapter import encoder_jobs, video_encoder_spec
from gdanim.clip.request import ClipRequest
from gdanim.clip.movie import join_movies
from gdanim.store.cache import SOURCE_ROOT, text_cache_dir
from gdanim.store.source_hash import clip_sources, drawn_keys
from scenes import text_cache
from scenes.captions import keys_looked_up
from scenes.common import frames_in_play
from scenes.registry import get_spec

__all__ = [
    "ENCODER_OPTIONS",
    "MAX_INFLIGHT_ENCODERS",
    "RenderedScene",
    "count_frames",
    "draw_title_card",
    "encode_still",
    "inflight_encoders",
    "remux_faststart",
    "render_scene",
    "save_poster",
]

MAX_INFLIGHT_ENCODERS: Final[int] = 4
"""Most partial movies encoded while manim keeps drawing; overlaps Cairo with x264 (see manim's default.cfg)."""

ENCODER_MEMORY_BUDGET_BYTES: Final[int] = 1024 * 1024 * 1024
"""Memory the in-flight encoders of one render may hold together.

Each holds a queue of RGBA frames and x264's own buffers (lookahead and
references, about 60 YUV 4:2:0 frames at the default preset). Measured at
1080p60: 1.7 GB peak with four encoders, against 0.7 GB for manim's one.
"""

ENCODER_OPTIONS: Final[dict[str, str]] = {"crf": "23", "preset": "veryfast", "x264-params": "mbtree=0"}
"""x264 options: manim's default quality (CRF 23), the ``veryfast`` preset, no macroblock-tree rate control.

``veryfast`` rather than x264's default ``medium``: on these flat-coloured
pictures it encodes rolling-descent at 1080p60 with 18% less CPU (15.5 against
19.0 s for the whole render, 9.8 against 11.8 s wall) into a file 3% smaller
(1.47 against 1.52 MB), 0.9 dB PSNR below ``medium`` at about 48 dB, where the
difference is not visible. Encoding was the larger half of a 1080p render's CPU.

Without macroblock-tree, x264 encodes the same frames the same way every
time: with it, the very same frames encoded a little differently from run to
run when other encoders ran in the same process (measured here: the same 15
frames gave 3 different streams from 8 encodes, 4 at a time; pixels off by up
to 9 levels), so two renders of one clip, or a split clip and the whole,
decoded to different pixels.
"""

_ENCODER_QUEUE_SIZE: Final[int] = 8
_SHARD_ENCODER_QUEUE_SIZE: Final[int] = 2
"""Frames queued per encoder in a shard: shards run side by side, each holding its queue (a 4k frame is 33 MB)."""
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
    frames_per_play
        Frames of each play up to the end of the render (only for a range of plays, see
        :func:`render_scene`); the next split of the clip is cut by them.
    """

    movie: Path | None
    last_frame: np.ndarray
    duration: float
    plays: int
    subtitles: Path | None = None
    beats: tuple[Any, ...] = ()
    frames_per_play: tuple[int, ...] = ()


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


class _GhostWriter:
    """Stands in for manim's file writer during plays a shard does not draw.

    Each play still gets its (empty) place in the writer's list, so manim's
    animation indices stay aligned; nothing is encoded.
    """

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._writer, name)

    def add_partial_movie_file(self, hash_animation: str | None) -> None:
        self._writer.add_partial_movie_file(None)

    def begin_animation(self, allow_write: bool = False, **kwargs: Any) -> None:
        self._writer.begin_animation(False, **kwargs)

    def end_animation(self, allow_write: bool = False) -> None:
        self._writer.end_animation(False)

    def write_frame(self, *args: Any, **kwargs: Any) -> None:
        pass


class _RangeRenderer(LayeredRenderer):
    """A Cairo renderer that draws and encodes only the plays ``first`` to ``last`` of a scene.

    Manim's own ``from_animation_number`` skips an earlier play in one jump:
    its updaters see one ``dt`` of the whole run time and the scene clock
    moves by the run time, not by whole frames, so a scene whose state depends
    on time (an updater with ``dt``) would end the jump elsewhere than the
    full render does. Here an earlier play runs exactly as in the full render,
    frame by frame, updating every mobject, and only the drawing and encoding
    are left out (they are most of a frame's cost); the first drawn play
    starts from the very state the full render reaches.
    """

    def __init__(self, first: int, last: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.first_play, self.last_play = first, last
        self.ghost = False
        self.frames_per_play: list[int] = []

    def add_frame(self, frame: np.ndarray, num_frames: int = 1) -> None:
        if not self.skip_animations:
            while len(self.frames_per_play) <= self.num_plays:
                self.frames_per_play.append(0)
            self.frames_per_play[self.num_plays] += num_frames
        super().add_frame(frame, num_frames)

    def play(self, scene: Scene, *args: Any, **kwargs: Any) -> None:
        if self.last_play is not None and self.num_plays > self.last_play:
            raise EndSceneEarlyException()
        if self.num_plays >= self.first_play:
            super().play(scene, *args, **kwargs)
            return
        writer, self.file_writer, self.ghost = self.file_writer, _GhostWriter(self.file_writer), True
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self.file_writer, self.ghost = writer, False

    def update_frame(self, scene: Scene, *args: Any, **kwargs: Any) -> None:
        if not self.ghost:
            super().update_frame(scene, *args, **kwargs)

    def save_static_frame_data(self, scene: Scene, static_mobjects: Any) -> np.ndarray | None:
        if self.ghost:
            self.static_image = None
            return None
        return super().save_static_frame_data(scene, static_mobjects)

    def get_frame(self) -> np.ndarray:
        # A ghost frame is never written: no need to copy the pixels.
        return self.camera.pixel_array if self.ghost else super().get_frame()


class _CountingRenderer(_LastFrameRenderer):
    """Skips every animation (draws only the last frame) and notes how many frames each play would have."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(skip_animations=True, **kwargs)
        self.frames_per_play: list[int] = []
        self._frozen = False

    def play(self, scene: Scene, *args: Any, **kwargs: Any) -> None:
        self._frozen = False
        super().play(scene, *args, **kwargs)
        # The frame counts the full render's CairoRenderer.play and Scene.get_time_progression give.
        self.frames_per_play.append(frames_in_play(float(scene.duration), self.camera.frame_rate, self._frozen))

    def freeze_current_frame(self, duration: float) -> None:
        self._frozen = True
        super().freeze_current_frame(duration)


def _abort_orphan_encoders() -> None:
    """Discard the partial movies of manim's encoder threads still waiting for frames after a failed render.

    manim aborts its current encode job when ``construct`` raises, but an
    exception (a Ctrl-C passed on to a worker) that lands while it opens or
    closes a job leaves that job's thread waiting on its queue forever; the
    thread is not a daemon, so the process would never exit (seen: a
    ``--jobs 2`` worker hung at exit after Ctrl-C).
    """
    for job in encoder_jobs():
        job.abort()


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

    def get_moving_and_static_mobjects(self: Scene, animations: Any) -> tuple[list, list]:
        # Only drawing uses these lists; a play a shard steps through without drawing skips working them out.
        if getattr(self.renderer, "ghost", False):
            return [], []
        return base.get_moving_and_static_mobjects(self, animations)

    attributes["get_moving_and_static_mobjects"] = get_moving_and_static_mobjects
    if on_play is not None:

        def play(self: Scene, *args: Any, **kwargs: Any) -> None:
            base.play(self, *args, **kwargs)
            on_play(self.renderer.num_plays)

        attributes["play"] = play
    return type(base.__name__, (base,), attributes)


def _settings(
    request: ClipRequest, media_dir: Path, movie: bool, output_file: str, shard: bool = False
) -> dict[str, Any]:
    """Manim's configuration for rendering ``request`` into ``media_dir``."""
    preset = request.preset
    return {
        "pixel_width": preset.pixel_width,
        "pixel_height": preset.pixel_height,
        "frame_rate": preset.frame_rate,
        "media_dir": str(media_dir),
        "video_dir": str(media_dir / "videos"),
        "partial_movie_dir": str(media_dir / "videos" / "partial"),
        "images_dir": str(media_dir / "images"),
        "tex_dir": str(media_dir / "Tex"),
        "text_dir": str(media_dir / "texts"),
        "output_file": output_file,
        "format": "mp4" if movie else "png",
        # gdanim skips unchanged clips itself; manim's per-animation hashing only costs time.
        "disable_caching": True,
        # See ENCODER_OPTIONS: without it two renders of one clip decode to different pixels.
        "video_encoder_options": ENCODER_OPTIONS,
        "max_inflight_encoders": inflight_encoders(preset.pixel_width, preset.pixel_height),
        "encoder_queue_size": _SHARD_ENCODER_QUEUE_SIZE if shard else _ENCODER_QUEUE_SIZE,
        "progress_bar": "none",
        "verbosity": "CRITICAL",
        "log_to_file": False,
        "preview": False,
    }


def render_scene(
    request: ClipRequest,
    media_dir: Path,
    movie: bool,
    on_play: Callable[[int], None] | None = None,
    plays: tuple[int, int | None] | None = None,
    layered: bool = True,
) -> RenderedScene:
    """Render one clip with manim into ``media_dir``.

    Parameters
    ----------
    request
        The clip.
    media_dir
        A media folder this process owns (see :func:`gdanim.store.cache.media_slot`).
    movie
        Write an MP4; otherwise only the last frame is drawn, skipping animations.
    on_play
        Called with the number of animations played so far, after each one.
    plays
        ``(first, last)``: draw and encode only these plays (numbered from 0, both
        included; ``last`` ``None`` for all to the end), one shard of a clip split
        across workers; the MP4 holds just their frames, exactly the frames the
        whole render has there. ``None`` renders every play.
    layered
        Draw with :class:`~gdanim.clip.layers.LayeredRenderer` and encode held
        frames once (:mod:`gdanim.clip.encoding`); ``False`` renders with manim's
        own renderer and writer, the reference the layered frames are tested against.

    Returns
    -------
    RenderedScene
        With ``plays``, ``duration`` and ``plays`` count up to the shard's end
        and ``last_frame`` is the shard's.
    """
    scene_class = _scene_class(request, on_play)
    output_file = request.stem if plays is None else f"{request.stem}-plays{plays[0]}-{plays[1] or 'end'}"
    logger.setLevel("CRITICAL")
    text_cache.configure(text_cache_dir())
    text_cache.release_between_clips()  # a long-lived process stays bounded (issue 26)
    with tempconfig(_settings(request, media_dir, movie, output_file, shard=plays is not None)):
        renderer: CairoRenderer
        if not movie:
            renderer = _LastFrameRenderer(skip_animations=True)
        elif plays is not None:
            renderer = _RangeRenderer(*plays, file_writer_class=HeldFrameFileWriter)
        elif layered:
            renderer = LayeredRenderer(file_writer_class=HeldFrameFileWriter)
        else:
            renderer = CairoRenderer()
        scene = scene_class(renderer=renderer)
        keys_looked_up(forget=True)
        try:
            scene.render()
        except BaseException:
            _abort_orphan_encoders()
            raise
        _check_captions_are_hashed(request.scene, keys_looked_up(forget=True))
        movie_path = Path(renderer.file_writer.movie_file_path) if movie else None
        wrote_subtitles = movie and renderer.file_writer.subcaptions
        subtitles = Path(renderer.file_writer.output_plan.subcaption_file) if wrote_subtitles else None
        return RenderedScene(
            movie=movie_path,
            last_frame=renderer.get_frame(),
            # The movie's own length (frames ÷ rate): manim's clock runs by exact durations over skipped plays.
            duration=float(getattr(scene, "movie_time", renderer.time)),
            plays=int(renderer.num_plays),
            subtitles=subtitles,
            beats=tuple(getattr(scene, "beats", ())),
            frames_per_play=tuple(getattr(renderer, "frames_per_play", ())),
        )


def _check_captions_are_hashed(scene: str, drawn: frozenset[str]) -> None:
    """Fail the render if the scene drew a caption its clip's hash does not cover.

    The hash takes the captions a scene's code names (:func:`~gdanim.store.source_hash.drawn_keys`);
    a key built another way would let an edit to its text leave a stale clip in the cache.
    """
    module = get_spec(scene).module
    unhashed = sorted(drawn - drawn_keys(clip_sources(SOURCE_ROOT, module)))
    if unhashed:
        raise RuntimeError(f"{module} drew the caption {unhashed[0]!r} but never names it, so its clips' hash "
                           "misses edits to that text: write the key, or its namespace, as a string in the scene")


def count_frames(request: ClipRequest, media_dir: Path) -> list[int]:
    """The number of frames each play of the clip has, from a pass that skips every animation.

    Costs the scene's construction (texts come from the text cache) and one
    drawn frame, a few percent of the render; used to cut a clip into shards
    of about equal work.
    """
    logger.setLevel("CRITICAL")
    text_cache.configure(text_cache_dir())
    text_cache.release_between_clips()  # a long-lived process stays bounded (issue 26)
    with tempconfig(_settings(request, media_dir, False, f"{request.stem}-count")):
        renderer = _CountingRenderer()
        _scene_class(request, None)(renderer=renderer).render()
        return renderer.frames_per_play


def remux_faststart(source: Path, target: Path) -> None:
    """Copy an MP4's H.264 stream into ``target`` with the index (moov) first, so browsers start playing at once."""
    join_movies([source], target)


def save_poster(frame: np.ndarray, target: Path) -> None:
    """Write a frame as an optimised RGB PNG."""
    Image.fromarray(np.ascontiguousarray(frame[..., :3])).save(target, format="PNG", optimize=True)


def draw_title_card(request: ClipRequest, media_dir: Path) -> np.ndarray:
    """The title card of the request's scene (:class:`scenes.title_card.TitleCard`), at its size, language and theme.

    Returns
    -------
    numpy.ndarray
        The card's one frame, RGBA, as the camera drew it.
    """
    from scenes.title_card import TitleCard

    card = type("TitleCard", (TitleCard,), {"scene": request.scene, "language": request.language,
                                            "theme": request.theme})
    logger.setLevel("CRITICAL")
    text_cache.configure(text_cache_dir())
    text_cache.release_between_clips()  # a long-lived process stays bounded (issue 26)
    with tempconfig(_settings(request, media_dir, False, f"{request.stem}-title-card")):
        renderer = _LastFrameRenderer(skip_animations=True)
        card(renderer=renderer).render()
        return renderer.get_frame()


def encode_still(frame: np.ndarray, frames: int, request: ClipRequest, target: Path) -> None:
    """Encode ``frame`` (RGB or RGBA) ``frames`` times into the MP4 ``target``, exactly as the clip's frames are encoded.

    The encoder settings are the ones manim resolves for the clip (codec,
    pixel format, size, rate, :data:`ENCODER_OPTIONS`), and the encoder is the
    clip render's own, so the movie joins the clip's by copying packets: same
    stream parameters, each movie starting on a key frame.
    """
    from manim import config

    with tempconfig(_settings(request, target.parent, True, target.stem)):
        spec = video_encoder_spec(config, CairoRenderer.capabilities, "CairoRenderer")
    if spec is None:
        raise RuntimeError("manim resolved no video encoder for an MP4")
    if frame.shape[-1] == 3:
        frame = np.dstack([frame, np.full(frame.shape[:2], 255, dtype=np.uint8)])
    encoder = _ConvertOnceEncoder(target=target, spec=spec)
    try:
        encoder.write_frame(np.ascontiguousarray(frame, dtype=np.uint8), repeat=frames)
    except BaseException:
        encoder.abort()
        raise
    encoder.finish()
