"""Joining MP4s without re-encoding: the shards of a split clip, or one movie remuxed with its index first.

Only PyAV, no manim: the process that joins a split clip's shards need not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

__all__ = ["join_movies"]


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
