"""One clip split across workers: cut its plays into balanced shards, and join the shards' MP4s.

A shard is a contiguous range of a clip's plays (``play``/``wait`` calls)
that one worker draws and encodes (:func:`gdanim.clip.scene_render.render_scene`
with ``plays``); the shards' MP4s are joined without re-encoding, exactly the
way manim joins the partial movies of one render, so the joined clip decodes
to the very frames of the unsplit one. Nothing here imports manim.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from itertools import accumulate
from pathlib import Path
from typing import Any, Final

from gdanim.clip.movie import join_movies
from gdanim.clip.render import RenderClip, _ClipTask, check_tools, clip_entry, file_records, theme_colours
from gdanim.clip.request import ClipRequest
from gdanim.store.cache import get_cache_dir, media_slot, prune_slot
from gdanim.store.files import TEMP_PREFIX, atomic_path, reporting_full_disk, temp_prefix
from gdanim.store.manifest import ClipEntry
from gdanim.task import ProgressCallback, ProgressEvent, Task, TaskOutput

__all__ = [
    "GHOST_FRAME_COST",
    "JoinShards",
    "RenderShard",
    "ShardOutcome",
    "UNCOUNTED_SPLIT_LIMIT",
    "balanced_ranges",
    "cached_frame_counts",
    "clip_of",
    "count_plays_here",
    "shard_range",
    "split_tasks",
]

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


def shard_range(frames: Sequence[int], piece: int, pieces: int) -> tuple[int, int | None]:
    """The plays ``(first, last)`` shard ``piece`` of ``pieces`` draws: its part of :func:`balanced_ranges`.

    The last shard's range is open (``last`` is ``None``): it draws every play
    from its first to the end of the scene, however many the count said there
    were. When the count has fewer plays than ``pieces``, the shards past them
    get an empty range (``first > last``), and the last one starts after them.

    Examples
    --------
    >>> [shard_range([10, 10, 10, 10], piece, 2) for piece in (0, 1)]
    [(0, 1), (2, None)]
    >>> [shard_range([10], piece, 3) for piece in (0, 1, 2)]
    [(0, 0), (1, 0), (1, None)]
    """
    ranges = balanced_ranges(frames, pieces)
    ranges += [(len(frames), len(frames) - 1)] * (pieces - len(ranges))
    first, last = ranges[piece]
    return (first, None) if piece == pieces - 1 else (first, last)


# --- Shards as tasks (see gdanim.task) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShardOutcome:
    """What a finished shard hands back besides its files.

    Attributes
    ----------
    plays, duration
        Plays and scene seconds from the start of the clip to the shard's end;
        the last shard's are the whole clip's.
    beats
        The scene's teaching beats (``scenes.beats.Beat``) up to the shard's end.
    """

    plays: int
    duration: float
    beats: tuple[Any, ...] = ()


def _counts_file(request: ClipRequest) -> Path:
    described = json.dumps(request.as_dict(), sort_keys=True).encode()
    return get_cache_dir() / "frame-counts" / f"{hashlib.sha256(described).hexdigest()}.json"


def cached_frame_counts(request: ClipRequest) -> tuple[int, ...] | None:
    """Frames of each play of a clip as its last split counted them, or ``None``.

    The count only balances the shards: any cut gives the same clip, since
    the last shard runs to the end whatever the count said. So the count of
    the clip's previous render is good enough even after its scene changed,
    and only a clip never split before pays for a counting pass. It is read
    once, when the shards are planned, so that every shard cuts alike.
    """
    try:
        counts = json.loads(_counts_file(request).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(counts, list) and counts and all(isinstance(n, int) and n >= 0 for n in counts):
        return tuple(counts)
    return None


def _remember_counts(request: ClipRequest, counts: Sequence[int]) -> None:
    try:
        with atomic_path(_counts_file(request)) as tmp:
            tmp.write_text(json.dumps(list(counts)), encoding="utf-8")
    except OSError:
        pass  # the next split only counts again


def clip_of(key: str) -> str:
    """The clip a task key belongs to: a shard's key is its clip's id, ``#``, its piece.

    Examples
    --------
    >>> clip_of("rolling-descent/he-light-480p15#2/2"), clip_of("rolling-descent/he-light-480p15")
    ('rolling-descent/he-light-480p15', 'rolling-descent/he-light-480p15')
    """
    return key.partition("#")[0]


def _copy(source: Path, target: Path) -> None:
    """Copy a file's bytes; a full disk is then reported against ``target`` (``shutil.copyfile`` may name ``source``)."""
    with source.open("rb") as reading, target.open("wb") as writing:
        shutil.copyfileobj(reading, writing)


@dataclass(frozen=True)
class RenderShard(_ClipTask):
    """Draw and encode one of ``pieces`` contiguous ranges of a clip's plays (see :func:`balanced_ranges`).

    Every shard counts the clip's frames (or reads the count from the cache)
    and cuts the same ranges, so no one needs to hand them out. Its MP4 (and,
    for the last piece, the poster) go to hidden files in the clip's folder;
    :class:`JoinShards` makes the clip from them.

    Attributes
    ----------
    piece, pieces
        Which range (from 0) of how many.
    owner
        Process id of the render that planned it: the shard files are its
        temporaries, removed if it dies (:func:`gdanim.store.files.remove_stale_temporaries`).
    frame_counts
        Frames of each play (:func:`cached_frame_counts`), the same for every shard of the clip;
        ``None``: each shard counts them with a pass that skips every animation.
    """

    piece: int = 0
    pieces: int = 1
    owner: int = 0
    frame_counts: tuple[int, ...] | None = None

    @property
    def key(self) -> str:
        return f"{self.request.clip_id}#{self.piece + 1}/{self.pieces}"

    @property
    def is_last(self) -> bool:
        return self.piece == self.pieces - 1

    def targets(self, out_dir: Path) -> dict[str, Path]:
        folder = self.request.output_path(out_dir, "mp4").parent
        name = f"{TEMP_PREFIX}{self.request.stem}-p{self.owner}-shard{self.piece + 1}of{self.pieces}"
        # The last shard runs the whole scene: it alone has every subtitle cue (manim's .srt) and the poster.
        wanted = ["mp4"] + (["srt"] if self.is_last and "mp4" in self.formats else [])
        wanted += ["png"] if self.is_last and "png" in self.formats else []
        return {ext: folder / f"{name}.{ext}" for ext in wanted}

    def _write(self, out_dir: Path, targets: dict[str, Path], on_progress: ProgressCallback | None) -> ShardOutcome:
        from gdanim.clip import scene_render

        request = self.request
        check_tools(self.formats)
        with ExitStack() as commit, media_slot() as media_dir:
            temps = {ext: commit.enter_context(atomic_path(path)) for ext, path in targets.items()}
            commit.enter_context(reporting_full_disk(next(iter(targets.values())).parent))
            counts = self.frame_counts or scene_render.count_frames(request, media_dir)
            first, last = shard_range(counts, self.piece, self.pieces)
            if on_progress is not None:
                on_progress(ProgressEvent(request.clip_id, "render"))
            outcome = ShardOutcome(0, 0.0)
            if last is None or first <= last:
                rendered = scene_render.render_scene(request, media_dir, movie=True, plays=(first, last))
                # A count from before the scene lost plays may start this range past its end: no movie.
                drew = rendered.movie is not None and rendered.movie.exists()
                if drew and rendered.movie is not None:
                    _copy(rendered.movie, temps["mp4"])
                if last is None:
                    _remember_counts(request, rendered.frames_per_play)
                if "png" in temps:  # nothing drawn: the camera never saw the end; a poster pass does
                    final = rendered if drew else scene_render.render_scene(request, media_dir, movie=False)
                    scene_render.save_poster(final.last_frame, temps["png"])
                if "srt" in temps and rendered.subtitles is not None:  # else left empty: no cue
                    _copy(rendered.subtitles, temps["srt"])
                outcome = ShardOutcome(rendered.plays, rendered.duration, tuple(rendered.beats))
            prune_slot(media_dir)
        return outcome


@dataclass(frozen=True)
class JoinShards(_ClipTask):
    """Make a clip's files from its finished shards, in this process: the MP4 joined, the GIF cut, the poster moved.

    Attributes
    ----------
    shards
        The clip's :class:`RenderShard` tasks, in order.
    outcomes
        Each shard's files and :class:`ShardOutcome` once it finished (see :meth:`with_outcomes`).
    started
        When the shards were sent (``time.time()``), for the clip's render time.
    """

    shards: tuple[RenderShard, ...] = ()
    outcomes: tuple[tuple[dict[str, Path], ShardOutcome], ...] = ()
    started: float = 0.0

    def with_outcomes(self, outputs: dict[int, TaskOutput]) -> JoinShards:
        """This join with the shards' outputs, by piece."""
        return replace(self, outcomes=tuple((outputs[s.piece].files, outputs[s.piece].entry) for s in self.shards))

    def shard_files(self, out_dir: Path) -> list[Path]:
        """Every file the shards write (to remove once joined, or after a failure)."""
        return [path for shard in self.shards for path in shard.targets(out_dir).values()]

    def _write(self, out_dir: Path, targets: dict[str, Path], on_progress: ProgressCallback | None) -> ClipEntry:
        from gdanim.clip.gif import make_gif
        from gdanim.clip.subtitles import write_mp4_with_subtitles

        request = self.request
        last = max((outcome for _, outcome in self.outcomes), key=lambda outcome: outcome.plays)
        movies = [files["mp4"] for files, _ in self.outcomes if files["mp4"].stat().st_size > 0]

        def report(stage: str) -> None:
            if on_progress is not None:
                on_progress(ProgressEvent(request.clip_id, stage, last.plays, last.plays))

        try:
            with ExitStack() as commit:
                temps = {ext: commit.enter_context(atomic_path(path)) for ext, path in targets.items()}
                commit.enter_context(reporting_full_disk(next(iter(targets.values())).parent))
                report("mp4")
                joined = next(iter(targets.values())).parent / f"{temp_prefix(request.stem)}joined.mp4"
                commit.callback(joined.unlink, missing_ok=True)
                join_movies(movies, joined)
                if "mp4" in temps:
                    subtitles = self.outcomes[-1][0]["srt"]
                    write_mp4_with_subtitles(joined, subtitles if subtitles.stat().st_size else None, temps["mp4"],
                                             temps["vtt"], request.language)
                if "gif" in temps:
                    report("gif")
                    make_gif(joined, temps["gif"], theme_colours(request.theme))
                if "png" in temps:
                    _copy(self.outcomes[-1][0]["png"], temps["png"])
                files = file_records(request, out_dir, temps, targets)
        finally:
            for path in self.shard_files(out_dir):
                path.unlink(missing_ok=True)
        report("done")
        return clip_entry(request, files, self.input_hash, last.duration, last.plays, time.time() - self.started,
                          last.beats)


UNCOUNTED_SPLIT_LIMIT: Final[int] = 8
"""Most shards a clip is cut into before its plays are counted; a larger ``--split`` counts them first
(in this process, a few percent of a render) so that no clip gets more shards than plays."""


def count_plays_here(request: ClipRequest) -> tuple[int, ...]:
    """Frames of each play of ``request``'s clip, counted in this process and remembered for the next split."""
    from gdanim.clip import scene_render

    with media_slot() as media_dir:
        counts = tuple(scene_render.count_frames(request, media_dir))
    _remember_counts(request, counts)
    return counts


def split_tasks(tasks: Sequence[Task], pieces: int) -> tuple[list[Task], dict[str, JoinShards]]:
    """Each clip render among ``tasks`` as ``pieces`` shards, and the join that makes each clip from its shards.

    Only :class:`RenderClip` tasks that write a video are split; other tasks
    are kept. ``pieces`` of 1 changes nothing. No clip gets more shards than
    plays (counted first past :data:`UNCOUNTED_SPLIT_LIMIT` pieces); a clip of
    one play is not split.
    """
    if pieces <= 1:
        return list(tasks), {}
    split: list[Task] = []
    joins: dict[str, JoinShards] = {}
    for task in tasks:
        if not isinstance(task, RenderClip) or not {"mp4", "gif"} & set(task.formats):
            split.append(task)
            continue
        counts = cached_frame_counts(task.request)
        if counts is None and pieces > UNCOUNTED_SPLIT_LIMIT:
            counts = count_plays_here(task.request)
        # A shard past the clip's last play would draw nothing but still build the whole scene.
        clip_pieces = max(1, min(pieces, len(counts))) if counts else pieces
        if clip_pieces == 1:
            split.append(task)
            continue
        shards = tuple(
            RenderShard(task.request, task.formats, task.input_hash, piece=piece, pieces=clip_pieces,
                        owner=os.getpid(), frame_counts=counts)
            for piece in range(clip_pieces)
        )
        split.extend(shards)
        joins[task.key] = JoinShards(task.request, task.formats, task.input_hash, shards=shards, started=time.time())
    return split, joins
