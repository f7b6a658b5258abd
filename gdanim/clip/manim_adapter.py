"""Every private name and version-specific behaviour of manim and PyAV that gdanim leans on, behind names of ours.

Manim's partial-movie writer (``scene_file_writer.py``, ``video_segment_encoder.py``)
changes a lot between releases. The rest of gdanim reaches manim's internals only
through this module: :class:`SegmentEncoder` (manim's encoder, with its private
stream, container and frame counter as methods), :class:`SegmentFileWriter` (the
writer whose encoder class a subclass picks), :func:`encoder_jobs` (manim's encoder
threads, found by name), :func:`video_encoder_spec` and :func:`convert_frame` (the
conversion PyAV's encoder makes). :data:`CONTRACT` lists each private name with the
signature it must have; :func:`contract_problems` checks them on the installed
versions, and ``tests/unit/test_manim_adapter.py`` fails naming what moved.
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final, cast

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from av.video.stream import VideoStream
from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

__all__ = [
    "CONTRACT",
    "ENCODER_THREAD_PREFIX",
    "Requirement",
    "SegmentEncoder",
    "SegmentFileWriter",
    "VideoReformatter",
    "contract_problems",
    "convert_frame",
    "encoder_jobs",
    "video_encoder_spec",
]


@dataclass(frozen=True)
class Requirement:
    """One name of manim or PyAV that gdanim uses beyond their documented API.

    Attributes
    ----------
    owner
        ``module:Class`` (or ``module`` for a function) that holds it.
    name
        The attribute; for an instance attribute set in ``__init__``, prefixed ``self.``.
    parameters
        The parameter names its signature must start with (``None``: not a callable, or not checked).
    used_by
        Where gdanim uses it, for the message when it moves.
    """

    owner: str
    name: str
    parameters: tuple[str, ...] | None
    used_by: str


CONTRACT: Final[tuple[Requirement, ...]] = (
    Requirement("manim.scene.scene_file_writer:SceneFileWriter", "_create_segment_encoder", ("self", "target"),
                "SegmentFileWriter: the writer's hook that builds each partial movie's encoder"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "__init__", ("self", "target", "spec"),
                "SegmentFileWriter builds SegmentEncoder(target=..., spec=...)"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "_validate_frame", ("self", "pixels", "repeat"),
                "SegmentEncoder.check_frame"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "_operation_error", ("self", "operation", "error"),
                "SegmentEncoder.operation_error"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "self._stream", None, "SegmentEncoder.stream"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "self._container", None, "SegmentEncoder.mux"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "self._next_pts", None, "SegmentEncoder.take_pts"),
    Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "write_frame", ("self", "pixels"),
                "gdanim.clip.encoding overrides it"),
    Requirement("manim.scene.scene_file_writer", "'partial-movie-encoder-'", None,
                "encoder_jobs: manim names its encoder threads so"),
    Requirement("manim._config.render_session", "resolve_render_session", ("config", "capabilities"),
                "video_encoder_spec"),
    Requirement("manim.renderer.cairo_renderer:CairoRenderer", "save_static_frame_data", ("self", "scene", "static_mobjects"),
                "gdanim.clip.layers and scene_render override it"),
    Requirement("manim.renderer.cairo_renderer:CairoRenderer", "update_frame",
                ("self", "scene", "mobjects", "include_submobjects", "ignore_skipping"),
                "gdanim.clip.layers and scene_render override it"),
    Requirement("manim.renderer.cairo_renderer:CairoRenderer", "add_frame", ("self", "frame", "num_frames"),
                "gdanim.clip.scene_render counts and skips frames per play"),
    Requirement("av.video.reformatter:VideoReformatter", "reformat", ("frame", "width", "height", "format"),
                "convert_frame (PyAV's encoder's own conversion)"),
)
"""What gdanim needs of manim's and PyAV's internals; checked by :func:`contract_problems`."""


ENCODER_THREAD_PREFIX: Final[str] = "partial-movie-encoder-"
"""How manim names the thread that encodes each partial movie."""


def _resolve(owner: str) -> Any:
    module_name, _, class_name = owner.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name) if class_name else module


def _problem(requirement: Requirement) -> str | None:
    """What is wrong with one requirement on the installed versions, or ``None``."""
    where = f"{requirement.owner.replace(':', '.')}.{requirement.name}"
    try:
        owner = _resolve(requirement.owner)
    except (ImportError, AttributeError) as error:
        return f"{requirement.owner} is gone ({error}); used by {requirement.used_by}"
    if requirement.name.startswith("'"):  # a string manim's source must hold
        if requirement.name.strip("'") not in inspect.getsource(owner):
            return f"{requirement.owner} no longer says {requirement.name}; used by {requirement.used_by}"
        return None
    if requirement.name.startswith("self."):  # an instance attribute set by the class's code
        if requirement.name not in inspect.getsource(owner):
            return f"{where} is no longer set; used by {requirement.used_by}"
        return None
    found = getattr(owner, requirement.name, None)
    if found is None:
        return f"{where} is gone; used by {requirement.used_by}"
    if requirement.parameters is not None:
        try:
            names = tuple(inspect.signature(found).parameters)
        except (TypeError, ValueError):  # a compiled method without a signature: read its docstring's
            names = tuple(part.split(":")[0].split()[-1].split("=")[0]
                          for part in (found.__doc__ or "").split("(", 1)[-1].split(")", 1)[0].split(","))
            names = ("frame", *names[1:]) if names else names
        if names[: len(requirement.parameters)] != requirement.parameters:
            return (f"{where} now takes {names}, gdanim calls it with {requirement.parameters}; "
                    f"used by {requirement.used_by}")
    return None


def contract_problems() -> list[str]:
    """One line for each :data:`CONTRACT` requirement the installed manim or PyAV no longer meets."""
    return [problem for requirement in CONTRACT if (problem := _problem(requirement)) is not None]


class SegmentEncoder(VideoSegmentEncoder):
    """Manim's partial-movie encoder, its private parts as methods of ours."""

    def check_frame(self, pixels: Any, repeat: int) -> None:
        """Refuse a frame of the wrong shape or a repeat below 1, as manim's own ``write_frame`` does."""
        self._validate_frame(pixels, repeat)

    @property
    def stream(self) -> VideoStream:
        """The video stream the partial movie is encoded into."""
        return cast(VideoStream, self._stream)

    def mux(self, packet: av.Packet) -> None:
        """Write an encoded packet into the partial movie."""
        self._container.mux(packet)

    def take_pts(self) -> int:
        """The next frame's presentation time stamp (in frames), counted on."""
        pts: int = self._next_pts
        self._next_pts += 1
        return pts

    def operation_error(self, operation: str, error: BaseException) -> BaseException:
        """Manim's own error for a failed ``operation`` (``"encode"``)."""
        return cast(BaseException, self._operation_error(operation, error))


class SegmentFileWriter(SceneFileWriter):
    """Manim's file writer; a subclass picks the encoder of each partial movie with :attr:`segment_encoder_class`."""

    segment_encoder_class: ClassVar[type[VideoSegmentEncoder]] = VideoSegmentEncoder

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        encoder = self.video_encoder
        if encoder is None:
            raise RuntimeError("Video segment encoding requires resolved settings.")
        return self.segment_encoder_class(target=target, spec=encoder)


def convert_frame(reformatter: VideoReformatter, pixels: np.ndarray, stream: VideoStream) -> av.VideoFrame:
    """RGBA ``pixels`` converted for ``stream``'s encoder, with the arguments PyAV's encoder passes its own reformatter."""
    codec = stream.codec_context
    return reformatter.reformat(
        av.VideoFrame.from_ndarray(pixels, format="rgba"),
        codec.width, codec.height, codec.format.name if codec.format else None, threads=codec.thread_count,
    )


def encoder_jobs() -> Iterator[Any]:
    """The encode jobs of manim's encoder threads still alive (each has ``abort()``)."""
    for thread in threading.enumerate():
        job: Any = getattr(getattr(thread, "_target", None), "__self__", None)
        if thread.name.startswith(ENCODER_THREAD_PREFIX) and callable(getattr(job, "abort", None)):
            yield job


def video_encoder_spec(config: Any, capabilities: Any, renderer_name: str) -> Any:
    """The video encoder settings manim resolves for ``config`` (``None`` when it writes no movie)."""
    from manim._config.render_session import resolve_render_session

    return resolve_render_session(config, capabilities, renderer_name=renderer_name).video_encoder
