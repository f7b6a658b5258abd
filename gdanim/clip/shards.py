"""One clip split across workers: cut its plays into balanced shards, and join the shards' MP4s.

A shard is a contiguous range of a clip's plays (``play``/``wait`` calls)
that one worker draws and encodes (:func:`gdanim.clip.scene_render.render_scene`
with ``plays``); the shards' MP4s are joined without re-encoding, exactly the
way manim joins the partial movies of one render, so the joined clip decodes
to the very frames of the unsplit one. Nothing here imports manim.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from itertools import accumulate
from pathlib import Path
from typing import Final

__all__ = ["GHOST_FRAME_COST", "balanced_ranges", "join_movies"]

GHOST_FRAME_COST: Final[float] = 0.15
"""Cost of a frame a shard steps through without drawing (the plays before its range), relative to a drawn one.

Updating the mobjects of a frame costs about a sixth of drawing and encoding
it (cProfile of rolling-descent at 480p15); a later shard pays that for every
frame before its first play, so cuts move a little towards the start.
"""


def balanced_ranges(
    frames: Sequence[int], pieces: int, ghost_cost: float = GHOST_FRAME_COST
) -> list[tuple[int, int]]:
    """Cut plays into at most ``pieces`` contiguous ``(first, last)`` ranges of about equal work.

    A range's work is its frames plus ``ghost_cost`` times the frames before
    it; the cut minimises the largest (exactly, by dynamic programming over the
    play boundaries). Every range holds at least one play, so there are never
    more ranges than plays.

    Parameters
    ----------
    frames
        Frames of each play, in order.
    pieces
        Most ranges wanted (``1`` gives the whole clip).
    ghost_cost
        See :data:`GHOST_FRAME_COST`.

    Examples
    --------
    >>> balanced_ranges([10, 10, 10, 10], 2, ghost_cost=0)
    [(0, 1), (2, 3)]
    >>> balanced_ranges([30, 5, 5, 5, 5, 5, 5], 2, ghost_cost=0)
    [(0, 0), (1, 6)]
    >>> balanced_ranges([10, 10], 4)
    [(0, 0), (1, 1)]
    >>> balanced_ranges([7, 7, 7], 1)
    [(0, 2)]
    """
    count = len(frames)
    if count == 0:
        return []
    pieces = max(1, min(pieces, count))
    before = [0, *accumulate(frames)]  # before[i]: frames of plays 0 .. i-1

    def work(first: int, end: int) -> float:
        return before[end] - before[first] + ghost_cost * before[first]

    # best[k][end]: the least possible largest work when plays 0 .. end-1 form k ranges.
    infinity = float("inf")
    best = [[infinity] * (count + 1) for _ in range(pieces + 1)]
    cut = [[0] * (count + 1) for _ in range(pieces + 1)]
    best[0][0] = 0.0
    for k in range(1, pieces + 1):
        for end in range(k, count + 1):
            for first in range(k - 1, end):
                candidate = max(best[k - 1][first], work(first, end))
                if candidate < best[k][end]:
                    best[k][end], cut[k][end] = candidate, first
    # Fewer ranges only if more would not lower the largest (never split for nothing).
    k = min(range(1, pieces + 1), key=lambda n: (best[n][count], n))
    ranges: list[tuple[int, int]] = []
    end = count
    while k > 0:
        first = cut[k][end]
        ranges.append((first, end - 1))
        end, k = first, k - 1
    return ranges[::-1]


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
        manifest, format="concat", options={"safe": "0", "an": "1"}
    ) as joined, av.open(
        str(target), mode="w", format="mp4", options={"movflags": "+faststart"}
    ) as output:
        stream_in = joined.streams.video[0]
        stream_out = output.add_stream_from_template(template=stream_in)
        for packet in joined.demux(stream_in):
            if packet.dts is None:
                continue
            packet.dts = None
            packet.stream = stream_out
            output.mux(packet)
