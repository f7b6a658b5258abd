"""Joining MP4s without re-encoding: the shards of a split clip, one movie remuxed with its index first, or a lecture.

Only PyAV, no manim: the process that joins a split clip's shards need not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from io import BytesIO
from pathlib import Path
from typing import Any

__all__ = ["MoviePiece", "join_movies", "join_pieces"]


def join_movies(movies: Sequence[Path], target: Path) -> None:
    """Join MP4s of one H.264 stream each into ``target``, copying packets (no re-encoding).

    This is manim's own joining of partial movies (ffmpeg's concat demuxer,
    packets copied, decode timestamps left to libav), so shards joined here
    give the same stream as one render whose partial movies were joined. The
    index (moov) goes first, so browsers start playing at once.
    """
    import av

    listing = "".join(f"file 'file:{Path(movie).resolve().as_posix()}'\n" for movie in movies).encode()
    with BytesIO(listing) as manifest, av.open(
        manifest, mode="r", format="concat", options={"safe": "0", "an": "1"}
    ) as joined, av.open(
        str(target), mode="w", format="mp4", options={"movflags": "+faststart"}
    ) as output:
        with av.open(str(movies[0])) as first:  # manim's comment, as in the movie of an unsplit render
            output.metadata.update(first.metadata)
        stream_in = joined.streams.video[0]
        stream_out = output.add_stream_from_template(template=stream_in)
        for packet in joined.demux(stream_in):
            if packet.dts is None:
                continue
            packet.dts = None
            packet.stream = stream_out
            output.mux(packet)


@dataclass(frozen=True)
class MoviePiece:
    """Frames ``first`` up to (not including) ``end`` of an MP4's video (``end`` ``None``: to its last frame).

    ``first`` must be a key frame: manim encodes each animation as a movie of
    its own, so the first frame of every play, and of every beat, is one.
    """

    movie: Path
    first: int = 0
    end: int | None = None


def join_pieces(pieces: Sequence[MoviePiece], target: Path, frame_rate: int) -> list[int]:
    """Join pieces of MP4s of one H.264 stream into ``target``, copying packets, at ``frame_rate``; frames per piece.

    The pieces may hold other streams (a clip's subtitles): only the video is
    read. Each packet is placed by its frame number, so a piece starts exactly
    where the one before it ends; decode timestamps are left to libav, as in
    :func:`join_movies` (x264's B-frames reorder frames within a piece). The
    index (moov) goes first.

    Raises
    ------
    ValueError
        If a piece does not start on a key frame, or holds no frame.
    """
    import av

    counts: list[int] = []
    rate = Fraction(frame_rate)
    with av.open(str(target), mode="w", format="mp4", options={"movflags": "+faststart"}) as output:
        stream_out = None
        time_base = Fraction(1, 1)
        placed = 0
        for piece in pieces:
            with av.open(str(piece.movie)) as movie:
                stream_in = movie.streams.video[0]
                if stream_out is None:
                    stream_out = output.add_stream_from_template(template=stream_in)
                    time_base = _time_base(stream_in)  # the output's, whatever each piece's
                count = 0
                for packet in movie.demux(stream_in):
                    if packet.pts is None:
                        continue
                    number = round(packet.pts * _time_base(stream_in) * rate)
                    if number < piece.first or (piece.end is not None and number >= piece.end):
                        continue
                    if count == 0 and not packet.is_keyframe:
                        raise ValueError(f"{piece.movie} has no key frame at frame {piece.first}")
                    packet.pts = round((placed + number - piece.first) / rate / time_base)
                    packet.dts = None
                    packet.time_base = time_base
                    packet.stream = stream_out
                    output.mux(packet)
                    count += 1
            if count == 0:
                raise ValueError(f"{piece.movie} holds no frame from frame {piece.first}")
            placed += count
            counts.append(count)
    return counts


def _time_base(stream: Any) -> Fraction:
    """A stream's time base; PyAV types it optional, though every stream of a movie has one."""
    if stream.time_base is None:
        raise ValueError("a video stream without a time base")
    return Fraction(stream.time_base)
