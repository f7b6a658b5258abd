"""Manim's partial-movie writer, converting a held frame to the encoder's pixel format once, and giving memory back.

A ``wait`` hands manim's encoder one frame with a repeat count (two seconds
at 60 fps: 120). Manim's segment encoder wraps and converts the RGBA pixels
to YUV 4:2:0 again for every repeat, about 3 ms a frame at 1080p and 12 ms at
4k. Here the frame is converted once and the same converted picture is
encoded ``repeat`` times, with the very conversion PyAV's encoder makes, so
the stream is the same.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final

from gdanim.clip.manim_adapter import SegmentEncoder, SegmentFileWriter, VideoReformatter, convert_frame

__all__ = ["TRIM_MIN_PIXELS", "HeldFrameFileWriter", "release_free_memory"]


class _ConvertOnceEncoder(SegmentEncoder):
    """A segment encoder that converts each distinct frame once, however often it repeats."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._reformatter = VideoReformatter()

    def write_frame(self, pixels: Any, *, repeat: int = 1) -> None:
        self.check_frame(pixels, repeat)
        rate = self.spec.frame_rate
        time_base = Fraction(rate.denominator, rate.numerator)
        stream = self.stream
        try:
            frame = convert_frame(self._reformatter, pixels, stream)
            frame.time_base = time_base
            for _ in range(repeat):
                # The encoder takes its own reference to the frame as sent: the next pts does not change it.
                frame.pts = self.take_pts()
                for packet in stream.encode(frame):
                    self.mux(packet)
        except BaseException as error:
            raise self.operation_error("encode", error) from error

    def finish(self) -> None:
        super().finish()
        if self.spec.width * self.spec.height >= TRIM_MIN_PIXELS:
            release_free_memory()


TRIM_MIN_PIXELS: Final[int] = 2560 * 1440
"""Smallest picture whose encoders give their freed memory back when a partial movie closes (1440p and 4k)."""


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; not in every C library
    except (AttributeError, OSError):
        return None


_MALLOC_TRIM = _malloc_trim()


def release_free_memory() -> None:
    """Hand the memory the C heap holds but no longer uses back to the system.

    Each play is a partial movie with its own x264 encoder, which frees its
    buffers when the movie closes (about 450 MB at 4k); glibc keeps much of
    that heap mapped, and the next encoder's buffers land elsewhere. Trimming
    when a partial movie closes lowered the peak of a 4k render of
    rolling-descent from 1407 to 1174 MiB (split in two: 2165 to 1934 MiB),
    at no measurable cost in time at 4k. Below :data:`TRIM_MIN_PIXELS` it is
    not done: at 480p the next encoder's buffers fault back in, and the trims
    cost 0.15 s of a 2 s preview.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class HeldFrameFileWriter(SegmentFileWriter):
    """Manim's file writer, with segment encoders that convert a repeated frame once."""

    segment_encoder_class = _ConvertOnceEncoder
