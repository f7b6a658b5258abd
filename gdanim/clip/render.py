"""The render of one clip, as tasks an executor runs (see :mod:`gdanim.task`).

- :class:`RenderClip`: run manim once, then write the MP4 (remuxed with the
  index first), the GIF (cut from the same movie) and the PNG poster (the last
  frame), each to a temporary name renamed into place only when all succeeded;
- :class:`CutGif`: add a GIF to a clip whose MP4 is up to date, cut from that
  MP4, so manim need not run.

Both return the clip's :class:`gdanim.store.manifest.ClipEntry`; recording it
in the manifest is the caller's step. manim is imported only inside
:meth:`RenderClip.run`.
"""

from __future__ import annotations

import shutil
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from gdanim.clip.request import ClipRequest
from gdanim.errors import MESSAGES, MissingToolError, RenderError
from gdanim.store.cache import hash_inputs, media_slot, prune_slot
from gdanim.store.files import (
    atomic_path,
    failure_reason,
    file_digest,
    is_inside,
    remove_empty_folders,
    reporting_full_disk,
)
from gdanim.store.manifest import BeatRecord, ClipEntry, FileRecord
from gdanim.task import ProgressCallback, ProgressEvent, TaskOutput

__all__ = ["CutGif", "RenderClip", "check_tools", "clip_entry", "clip_targets", "file_records", "theme_colours"]

COMPANION_FILES: Final[dict[str, tuple[str, ...]]] = {"mp4": ("vtt",)}
"""Files written beside a format: every MP4 has its WebVTT subtitles (:mod:`gdanim.clip.subtitles`)."""


def clip_targets(request: ClipRequest, out_dir: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Extension → where the clip's file of that format goes in ``out_dir``.

    Raises
    ------
    ValueError
        If a path would leave ``out_dir`` (a symlinked scene folder).
    """
    extensions = [ext for name in formats for ext in (name, *COMPANION_FILES.get(name, ()))]
    targets = {ext: request.output_path(out_dir, ext) for ext in extensions}
    for path in targets.values():
        if not is_inside(path, out_dir):
            raise ValueError(MESSAGES["unsafe_path"].format(path=path, out_dir=f"--out {out_dir}"))
    return targets


def theme_colours(theme: str) -> dict[str, str]:
    """Role → hex colour of a theme, background included (from :mod:`scenes.style`)."""
    from scenes.style import THEMES

    return THEMES[theme].colours()


def _probe_size(path: Path) -> tuple[int, int]:
    """Width and height of a video or GIF, read with PyAV."""
    import av

    with av.open(str(path)) as container:
        context = container.streams.video[0].codec_context
        return context.width, context.height


def _file_record(out_dir: Path, written: Path, target: Path, size: tuple[int, int] | None) -> FileRecord:
    """The manifest record of a file written to ``written`` that is about to become ``target`` (subtitles: no size)."""
    size_bytes, sha256 = file_digest(written)
    if target.suffix == ".vtt":
        return FileRecord(target.relative_to(out_dir).as_posix(), size_bytes, sha256)
    width, height = _probe_size(written) if size is None else size
    return FileRecord(target.relative_to(out_dir).as_posix(), size_bytes, sha256, width, height)


def file_records(
    request: ClipRequest, out_dir: Path, temps: dict[str, Path], targets: dict[str, Path]
) -> dict[str, FileRecord]:
    """The manifest records of a clip's files, written to ``temps`` and about to become ``targets``."""
    preset = request.preset
    return {
        ext: _file_record(out_dir, tmp, targets[ext], (preset.pixel_width, preset.pixel_height) if ext != "gif" else None)
        for ext, tmp in temps.items()
    }


def clip_entry(
    request: ClipRequest,
    files: dict[str, FileRecord],
    input_hash: str,
    duration: float,
    plays: int,
    render_seconds: float,
    beats: tuple[Any, ...] = (),
) -> ClipEntry:
    """The manifest entry of a clip just rendered (``beats``: the scene's :class:`scenes.beats.Beat` list)."""
    preset = request.preset
    return ClipEntry(
        id=request.clip_id,
        scene=request.scene,
        language=request.language,
        theme=request.theme,
        quality=request.quality,
        width=preset.pixel_width,
        height=preset.pixel_height,
        fps=preset.frame_rate,
        parameters=request.parameters,
        files=files,
        duration=round(duration, 3),
        hash=input_hash,
        plays=plays,
        render_seconds=round(render_seconds, 3),
        beats=tuple(BeatRecord(**beat.as_dict()) for beat in beats),
    )


def check_tools(formats: tuple[str, ...]) -> None:
    # No scene typesets TeX (tests/unit/test_static_checks.py keeps it so): LaTeX is never needed.
    needed = []
    if "mp4" in formats or "gif" in formats:
        needed.append("ffmpeg")
    if "gif" in formats:
        needed.append("gifsicle")
    for tool in needed:
        if shutil.which(tool) is None:
            raise MissingToolError(tool)


@dataclass(frozen=True)
class _ClipTask:
    """What both clip tasks share: the clip, its formats, its input hash and how failures are reported."""

    request: ClipRequest
    formats: tuple[str, ...]
    input_hash: str

    @property
    def key(self) -> str:
        return self.request.clip_id

    @property
    def label(self) -> str:
        return self.request.scene

    def targets(self, out_dir: Path) -> dict[str, Path]:
        return clip_targets(self.request, out_dir, self.formats)

    def current_input_hash(self) -> str:
        return hash_inputs(self.request)

    def run(self, out_dir: Path, on_progress: ProgressCallback | None = None) -> TaskOutput:
        """Write the clip's files into ``out_dir`` and return them with the clip's manifest entry.

        Raises
        ------
        RenderError
            If manim or a tool fails; earlier files stay as they were, and a
            folder this render created is removed again.
        MissingToolError
            If ffmpeg or gifsicle is needed and missing.
        """
        targets = self.targets(out_dir)
        try:
            entry = self._write(out_dir, targets, on_progress)
        except BaseException as error:
            remove_empty_folders({path.parent for path in targets.values()}, out_dir)
            if isinstance(error, (MissingToolError, KeyboardInterrupt)) or not isinstance(error, Exception):
                raise
            raise RenderError(self.label, failure_reason(error, out_dir, targets)) from error
        return TaskOutput(targets, entry)

    def _write(self, out_dir: Path, targets: dict[str, Path], on_progress: ProgressCallback | None) -> Any:
        """The clip's manifest entry (a :class:`ClipEntry`), or what a piece of a clip hands on."""
        raise NotImplementedError


@dataclass(frozen=True)
class RenderClip(_ClipTask):
    """Render a clip with manim and write each requested file.

    Attributes
    ----------
    expected_plays
        Animations the last render of this clip played, to size its progress bar (``None``: unknown).
    """

    expected_plays: int | None = None

    def _write(self, out_dir: Path, targets: dict[str, Path], on_progress: ProgressCallback | None) -> ClipEntry:
        from gdanim.clip import scene_render  # imports manim: only here, once a render is certain
        from gdanim.clip.gif import make_gif
        from gdanim.clip.subtitles import write_mp4_with_subtitles

        request = self.request

        def report(stage: str, completed: int = 0) -> None:
            if on_progress is not None:
                on_progress(ProgressEvent(request.clip_id, stage, completed, self.expected_plays))

        check_tools(self.formats)
        started = time.perf_counter()
        wants_video = "mp4" in targets or "gif" in targets
        with ExitStack() as commit, media_slot() as media_dir:
            temps = {ext: commit.enter_context(atomic_path(path)) for ext, path in targets.items()}
            # Entered last, so it looks at the disk before the partial files are removed.
            commit.enter_context(reporting_full_disk(next(iter(targets.values())).parent))
            report("render")
            rendered = scene_render.render_scene(
                request, media_dir, movie=wants_video, on_play=lambda plays: report("render", plays)
            )
            if rendered.movie is not None and "mp4" in temps:
                report("mp4", rendered.plays)
                write_mp4_with_subtitles(rendered.movie, rendered.subtitles, temps["mp4"], temps["vtt"], request.language)
            if "gif" in temps:
                report("gif", rendered.plays)
                assert rendered.movie is not None  # a GIF is always cut from a movie render
                make_gif(rendered.movie, temps["gif"], theme_colours(request.theme))
            if "png" in temps:
                report("png", rendered.plays)
                scene_render.save_poster(rendered.last_frame, temps["png"])
            files = file_records(request, out_dir, temps, targets)
            prune_slot(media_dir)
        # Leaving the ExitStack without an error renamed every temporary file into place.
        render_seconds = time.perf_counter() - started
        if on_progress is not None:
            on_progress(ProgressEvent(request.clip_id, "done", rendered.plays, rendered.plays))
        return clip_entry(request, files, self.input_hash, rendered.duration, rendered.plays, render_seconds,
                          rendered.beats)


@dataclass(frozen=True)
class CutGif(_ClipTask):
    """Add a GIF to a clip whose MP4 in ``out_dir`` is up to date (its manifest ``entry`` vouches for it).

    Only for executors that share ``out_dir``'s disk, where the MP4 is.
    """

    entry: ClipEntry | None = None

    def _write(self, out_dir: Path, targets: dict[str, Path], on_progress: ProgressCallback | None) -> ClipEntry:
        from gdanim.clip.gif import make_gif

        assert self.entry is not None
        check_tools(self.formats)
        if on_progress is not None:
            on_progress(ProgressEvent(self.key, "gif", 0, self.entry.plays))
        with atomic_path(targets["gif"]) as tmp:
            make_gif(self.request.output_path(out_dir, "mp4"), tmp, theme_colours(self.request.theme))
            record = _file_record(out_dir, tmp, targets["gif"], None)
        if on_progress is not None:
            plays = self.entry.plays or 0
            on_progress(ProgressEvent(self.key, "done", plays, plays))
        return self.entry.with_files({"gif": record})
