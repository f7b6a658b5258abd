"""``--format lecture``: one video of a run's scenes, a title card before each, with chapters, subtitles and narration.

``OUT/lecture/<lang>-<theme>-<quality>.mp4`` joins, in the order asked for,
each scene's title card and its clip. Nothing of a clip is re-encoded: its
packets are copied (:func:`gdanim.clip.movie.join_pieces`), and the title
cards, and the frames a beat holds while its recording goes on, are encoded
by the clips' own encoder with their settings
(:func:`gdanim.clip.scene_render.encode_still`), so the join needs no
re-encode. Beside it: ``<stem>.vtt`` (every clip's subtitles, retimed, and
each card's title) and ``<stem>.chapters.vtt`` (one chapter per scene), both
also inside the MP4 (a ``mov_text`` track and MP4 chapters).

A lecture is a task (:class:`BuildLecture`, see :mod:`gdanim.task`) run in
this process after its clips, wherever they rendered. Its input hash covers
the clips' files, the recordings, the order and the code; a lecture whose
hash and files match ``OUT/lecture/lectures.json`` is not built again.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import webvtt

from gdanim.clip.movie import MoviePiece, join_pieces
from gdanim.clip.request import ClipRequest
from gdanim.clip.subtitles import RLM, SUBTITLE_LANGUAGES
from gdanim.errors import MESSAGES, MissingToolError
from gdanim.lecture.deck import current_notes, deck_name
from gdanim.lecture.narration import (
    AUDIO_BITRATE,
    AUDIO_SAMPLE_RATE,
    NarrationError,
    Placement,
    Recording,
    write_narration,
)
from gdanim.options import TEXT_DIRECTIONS
from gdanim.store.cache import hash_code, media_slot, tool_versions
from gdanim.store.files import atomic_path, folder_locked, file_digest, remove_stale_temporaries, reporting_full_disk, temp_prefix
from gdanim.store.manifest import load_manifest
from gdanim.task import ProgressCallback, ProgressEvent, TaskOutput
from scenes.titles import scene_title

__all__ = [
    "LECTURE_FOLDER",
    "RECORD_NAME",
    "TITLE_CARD_SECONDS",
    "BuildLecture",
    "LectureBeat",
    "LecturePart",
    "build_lectures",
    "collect_lectures",
    "lecture_targets",
]

LECTURE_FOLDER: Final[str] = "lecture"
"""Folder under ``--out`` that holds the lectures (and their scripts)."""

RECORD_NAME: Final[str] = "lectures.json"
"""What each lecture in the folder was built from (input hash) and its files' sizes and SHA-256."""

TITLE_CARD_SECONDS: Final[float] = 2.0
"""How long each title card stays on screen."""

LECTURE_VERSION: Final[int] = 1
"""Part of the input hash: raise it when the lecture's layout changes."""


@dataclass(frozen=True)
class LectureBeat:
    """One beat of a clip in a lecture: its name, notes and frames ``first`` to ``end`` (excluded) of the clip."""

    name: str
    notes: str
    first: int
    end: int


@dataclass(frozen=True)
class LecturePart:
    """One scene of a lecture: its clip (an MP4 with its ``.vtt``), title and beats.

    Attributes
    ----------
    request
        The clip.
    title
        The scene's title in the clip's language (its card and chapter).
    movie, subtitles
        The clip's MP4 and WebVTT in ``--out``.
    digests
        The SHA-256 of both, as the manifest records them.
    frames
        The clip's frame count.
    beats
        Its beats, in order.
    """

    request: ClipRequest
    title: str
    movie: Path
    subtitles: Path
    digests: tuple[str, str]
    frames: int
    beats: tuple[LectureBeat, ...]


def collect_lectures(requests: Iterable[ClipRequest], out_dir: Path) -> dict[str, tuple[LecturePart, ...]]:
    """The lectures of a run's clips (rendered into ``out_dir``): name → its parts in request order.

    One lecture per language, theme and quality (:func:`gdanim.lecture.deck.deck_name`).

    Raises
    ------
    ValueError
        If a clip is not in the manifest, or has no MP4, subtitles or beats.
    """
    manifest = load_manifest(out_dir)
    lectures: dict[str, list[LecturePart]] = {}
    for request in dict.fromkeys(requests):
        entry = manifest.find(request.clip_id)
        if entry is None:
            raise ValueError(MESSAGES["not_rendered"].format(clip=request.clip_id, out_dir=out_dir))
        if not entry.beats or "mp4" not in entry.files or "vtt" not in entry.files:
            raise ValueError(MESSAGES["no_beats"].format(clip=entry.id, out_dir=out_dir))
        rate = entry.fps
        beats = tuple(LectureBeat(beat.name, current_notes(beat, entry.language), round(beat.start * rate),
                                  round(beat.end * rate))
                      for beat in entry.beats)
        mp4, vtt = entry.files["mp4"], entry.files["vtt"]
        part = LecturePart(request, scene_title(request.scene, request.language), out_dir / mp4.path,
                           out_dir / vtt.path, (mp4.sha256, vtt.sha256), round(entry.duration * rate), beats)
        lectures.setdefault(deck_name(request), []).append(part)
    return {name: tuple(parts) for name, parts in lectures.items()}


def lecture_targets(out_dir: Path, name: str) -> dict[str, Path]:
    """Extension → where a lecture's files go: the MP4, its subtitles and its chapters."""
    folder = out_dir / LECTURE_FOLDER
    return {"mp4": folder / f"{name}.mp4", "vtt": folder / f"{name}.vtt",
            "chapters.vtt": folder / f"{name}.chapters.vtt"}


# --- The timeline: where every piece, cue, chapter and recording lands -------------------


@dataclass(frozen=True)
class _Card:
    part: int
    frames: int


@dataclass(frozen=True)
class _Clip:
    part: int
    first: int
    end: int


@dataclass(frozen=True)
class _Hold:
    part: int
    frame: int
    """The clip's frame to hold (the beat's last)."""
    frames: int


@dataclass
class _Timeline:
    pieces: list[_Card | _Clip | _Hold] = field(default_factory=list)
    chapters: list[tuple[int, int, str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    """Frame of the lecture where each part's clip starts (after its card)."""
    holds: list[list[tuple[int, int]]] = field(default_factory=list)
    """Per part: (clip frame where a beat ends, frames held there)."""
    placements: list[tuple[Recording, int, int]] = field(default_factory=list)
    """(recording, first frame of its beat in the lecture, frames until the beat ends)."""
    frames: int = 0


def _layout(parts: Sequence[LecturePart], rate: int, recordings: dict[tuple[str, str], Recording]) -> _Timeline:
    """Lay the parts out: card, then the clip cut after each beat that holds for its recording."""
    timeline = _Timeline()
    card_frames = round(TITLE_CARD_SECONDS * rate)
    for index, part in enumerate(parts):
        chapter_start = timeline.frames
        timeline.pieces.append(_Card(index, card_frames))
        timeline.frames += card_frames
        timeline.starts.append(timeline.frames)
        holds: list[tuple[int, int]] = []
        cut = 0
        for beat in part.beats:
            beat_start = timeline.starts[-1] + beat.first + sum(held for _, held in holds)
            recording = recordings.get((part.request.scene, beat.name))
            hold = 0
            if recording is not None:
                hold = max(0, math.ceil(recording.seconds * rate - 1e-6) - (beat.end - beat.first))
                timeline.placements.append((recording, beat_start, beat.end - beat.first + hold))
            if hold:
                timeline.pieces += [_Clip(index, cut, beat.end), _Hold(index, beat.end - 1, hold)]
                holds.append((beat.end, hold))
                cut = beat.end
        if cut < part.frames:
            timeline.pieces.append(_Clip(index, cut, part.frames))
        timeline.holds.append(holds)
        timeline.frames = timeline.starts[-1] + part.frames + sum(held for _, held in holds)
        timeline.chapters.append((chapter_start, timeline.frames, part.title))
    return timeline


def _clip_to_lecture(seconds: float, start: int, holds: Sequence[tuple[int, int]], rate: int) -> float:
    """A time of a clip, in seconds, as a time of the lecture: after its start, and every hold at or before it."""
    frame = seconds * rate
    held = sum(frames for end, frames in holds if end <= frame + 1e-6)
    return (start + frame + held) / rate


# --- Writing --------------------------------------------------------------------------------


def _cue_time(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _write_subtitles(parts: Sequence[LecturePart], timeline: _Timeline, rate: int, language: str, target: Path) -> int:
    """Every card's title and every clip's cues, retimed, as one WebVTT file; returns the number of cues."""
    captions = webvtt.WebVTT()
    mark = RLM if TEXT_DIRECTIONS.get(language) == "rtl" else ""
    for index, part in enumerate(parts):
        chapter_start = timeline.chapters[index][0]
        captions.captions.append(webvtt.Caption(_cue_time(chapter_start / rate), _cue_time(timeline.starts[index] / rate),
                                                mark + part.title))
        for cue in webvtt.read(str(part.subtitles)).captions:
            start, end = (_clip_to_lecture(seconds, timeline.starts[index], timeline.holds[index], rate)
                          for seconds in (_seconds(cue.start), _seconds(cue.end)))
            captions.captions.append(webvtt.Caption(_cue_time(start), _cue_time(end), cue.text))
    target.write_text(captions.content, encoding="utf-8")
    return len(captions.captions)


def _seconds(timestamp: str) -> float:
    """A WebVTT time, ``HH:MM:SS.mmm`` or ``MM:SS.mmm``, in seconds (webvtt-py's own drops the milliseconds).

    Examples
    --------
    >>> _seconds("00:01:02.500"), _seconds("02.250")
    (62.5, 2.25)
    """
    value = 0.0
    for part in timestamp.split(":"):
        value = value * 60 + float(part)
    return value


def _write_chapters_vtt(timeline: _Timeline, rate: int, target: Path) -> None:
    chapters = webvtt.WebVTT()
    for start, end, title in timeline.chapters:
        chapters.captions.append(webvtt.Caption(_cue_time(start / rate), _cue_time(end / rate), title))
    target.write_text(chapters.content, encoding="utf-8")


def _metadata_text(value: str) -> str:
    """A value for ffmpeg's FFMETADATA file: ``=``, ``;``, ``#``, ``\\`` and newlines escaped."""
    for special in ("\\", "=", ";", "#", "\n"):
        value = value.replace(special, "\\" + special)
    return value


def _write_ffmetadata(timeline: _Timeline, rate: int, target: Path) -> None:
    lines = [";FFMETADATA1"]
    for start, end, title in timeline.chapters:
        lines += ["[CHAPTER]", f"TIMEBASE=1/{rate}", f"START={start}", f"END={end}", f"title={_metadata_text(title)}"]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _frames_of(movie: Path, numbers: set[int]) -> dict[int, Any]:
    """The frames ``numbers`` of a movie, decoded (RGB), in one pass over it."""
    import av

    found = {}
    with av.open(str(movie)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.base_rate
        time_base = stream.time_base
        for frame in container.decode(stream):
            number = round(frame.pts * time_base * rate) if frame.pts is not None and time_base and rate else -1
            if number in numbers:
                found[number] = frame.to_ndarray(format="rgb24")
                if len(found) == len(numbers):
                    break
    if len(found) < len(numbers):
        raise ValueError(f"{movie} has no frame {min(numbers - set(found))}")
    return found


def _encode_pieces(parts: Sequence[LecturePart], timeline: _Timeline, work: Path) -> list[MoviePiece]:
    """The title cards and held frames encoded into ``work``; every piece of the lecture as a :class:`MoviePiece`."""
    from gdanim.clip import scene_render  # imports manim: only when a lecture is built

    cards: dict[tuple[str, int], Path] = {}
    pieces: list[MoviePiece] = []
    held_frames: dict[int, set[int]] = {}
    for piece in timeline.pieces:
        if isinstance(piece, _Hold):
            held_frames.setdefault(piece.part, set()).add(piece.frame)
    held = {part: _frames_of(parts[part].movie, numbers) for part, numbers in held_frames.items()}
    with media_slot() as media_dir:
        for number, piece in enumerate(timeline.pieces):
            part = parts[piece.part]
            if isinstance(piece, _Clip):
                pieces.append(MoviePiece(part.movie, piece.first, piece.end))
                continue
            if isinstance(piece, _Card):
                key = (part.request.scene, piece.frames)
                if key not in cards:
                    cards[key] = work / f"card-{number}.mp4"
                    frame = scene_render.draw_title_card(part.request, media_dir)
                    scene_render.encode_still(frame, piece.frames, part.request, cards[key])
                pieces.append(MoviePiece(cards[key]))
                continue
            hold = work / f"hold-{number}.mp4"
            scene_render.encode_still(held[piece.part][piece.frame], piece.frames, part.request, hold)
            pieces.append(MoviePiece(hold))
    return pieces


def _mux(video: Path, subtitles: Path, chapters: Path, narration: Path | None, language: str, target: Path) -> None:
    """The lecture's MP4: the video copied, the subtitles as ``mov_text``, the chapters, and the narration as AAC."""
    tag = SUBTITLE_LANGUAGES[language]
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(video), "-i", str(subtitles),
               "-f", "ffmetadata", "-i", str(chapters)]
    if narration is not None:
        command += ["-i", str(narration)]
    command += ["-map", "0:v:0", "-map", "1:s:0", "-map_metadata", "2", "-map_chapters", "2",
                "-c:v", "copy", "-metadata:s:v:0", f"language={tag}",
                "-c:s", "mov_text", "-metadata:s:s:0", f"language={tag}"]
    if narration is not None:
        command += ["-map", "3:a:0", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(AUDIO_SAMPLE_RATE),
                    "-metadata:s:a:0", f"language={tag}"]
    command += ["-movflags", "+faststart", "-f", "mp4", str(target)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise MissingToolError("ffmpeg") from None
    if completed.returncode != 0:
        detail = " ".join(completed.stderr.strip().splitlines()[-1:]) or f"exit status {completed.returncode}"
        raise RuntimeError(MESSAGES["tool_failed"].format(tool="ffmpeg", detail=detail))


# --- The task -------------------------------------------------------------------------------


def _lecture_code() -> str:
    """SHA-256 of the modules that build a lecture (the clip render's own code is in :func:`hash_code`)."""
    import hashlib

    from gdanim.lecture import narration

    digest = hashlib.sha256()
    for module in (Path(__file__), Path(narration.__file__)):
        digest.update(hashlib.sha256(module.read_bytes()).digest())
    return digest.hexdigest()


def _input_hash(parts: Sequence[LecturePart], recordings: dict[tuple[str, str], Recording] | None) -> str:
    import hashlib

    described = {
        "version": LECTURE_VERSION,
        "card_seconds": TITLE_CARD_SECONDS,
        "code": [hash_code(), _lecture_code()],
        "tools": tool_versions(),
        "parts": [[part.request.clip_id, part.title, *part.digests] for part in parts],
        "narration": None if recordings is None else sorted(
            [scene, beat, recording.sha256] for (scene, beat), recording in recordings.items()),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class BuildLecture:
    """The task that builds one lecture (see :mod:`gdanim.task` and the module docstring).

    Attributes
    ----------
    name
        ``<lang>-<theme>-<quality>``, the files' stem.
    parts
        Its scenes, in order.
    recordings
        The narration's recordings by ``(scene, beat)``, or ``None`` for a silent lecture.
    input_hash
        :func:`_input_hash` of the above, as planned.
    """

    name: str
    parts: tuple[LecturePart, ...]
    recordings: dict[tuple[str, str], Recording] | None
    input_hash: str

    @property
    def key(self) -> str:
        return f"{LECTURE_FOLDER}/{self.name}"

    @property
    def label(self) -> str:
        return f"lecture {self.name}"

    def targets(self, out_dir: Path) -> dict[str, Path]:
        return lecture_targets(out_dir, self.name)

    def current_input_hash(self) -> str:
        return _input_hash(self.parts, self.recordings)

    def run(self, out_dir: Path, on_progress: ProgressCallback | None = None) -> TaskOutput:
        """Build the lecture into ``out_dir/lecture/``: every file written to a temporary name, renamed at the end."""
        first = self.parts[0].request
        rate, language = first.preset.frame_rate, first.language
        timeline = _layout(self.parts, rate, self.recordings or {})
        targets = self.targets(out_dir)
        if on_progress is not None:
            on_progress(ProgressEvent(self.key, "render", 0, len(timeline.pieces)))
        work = Path(tempfile.mkdtemp(prefix=temp_prefix(self.name), dir=targets["mp4"].parent))
        try:
            with ExitStack() as commit:
                temps = {ext: commit.enter_context(atomic_path(path)) for ext, path in targets.items()}
                commit.enter_context(reporting_full_disk(targets["mp4"].parent))
                video = work / "video.mp4"
                join_pieces(_encode_pieces(self.parts, timeline, work), video, rate)
                _write_subtitles(self.parts, timeline, rate, language, temps["vtt"])
                _write_chapters_vtt(timeline, rate, temps["chapters.vtt"])
                _write_ffmetadata(timeline, rate, work / "chapters.txt")
                narration = None
                if self.recordings is not None:
                    narration = work / "narration.wav"
                    samples_per_frame = AUDIO_SAMPLE_RATE / rate
                    placements = [Placement(recording, round(start * samples_per_frame),
                                            round((start + frames) * samples_per_frame) - round(start * samples_per_frame))
                                  for recording, start, frames in timeline.placements]
                    write_narration(placements, round(timeline.frames * samples_per_frame), narration)
                _mux(video, temps["vtt"], work / "chapters.txt", narration, language, temps["mp4"])
                records = {ext: file_digest(path) for ext, path in temps.items()}
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _record(out_dir, self.name, self.input_hash, {ext: (targets[ext], *records[ext]) for ext in targets})
        if on_progress is not None:
            on_progress(ProgressEvent(self.key, "done", len(timeline.pieces), len(timeline.pieces)))
        return TaskOutput(targets)


# --- Skipping what is up to date ------------------------------------------------------------




def _read_records(folder: Path) -> dict[str, dict]:
    try:
        records = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return records if isinstance(records, dict) else {}


def _record(out_dir: Path, name: str, input_hash: str, files: dict[str, tuple[Path, int, str]]) -> None:
    """Note in ``lectures.json`` what lecture ``name`` was built from and what its files are."""
    folder = out_dir / LECTURE_FOLDER
    with folder_locked(folder):
        records = _read_records(folder)
        records[name] = {"inputs": input_hash, "files": {
            ext: {"path": path.name, "bytes": size, "sha256": sha256} for ext, (path, size, sha256) in files.items()}}
        with atomic_path(folder / RECORD_NAME) as temporary:
            temporary.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _up_to_date(task: BuildLecture, out_dir: Path) -> bool:
    """Whether the lecture's files are there, as recorded, built from the same inputs."""
    record = _read_records(out_dir / LECTURE_FOLDER).get(task.name)
    if not isinstance(record, dict) or record.get("inputs") != task.input_hash:
        return False
    for ext, path in task.targets(out_dir).items():
        noted = record.get("files", {}).get(ext, {})
        try:
            if path.stat().st_size != noted.get("bytes") or file_digest(path)[1] != noted.get("sha256"):
                return False
        except OSError:
            return False
    return True


def _unknown_recordings(lectures: dict[str, tuple[LecturePart, ...]],
                        recordings: dict[tuple[str, str], Recording]) -> list[Recording]:
    beats = {(part.request.scene, beat.name) for parts in lectures.values() for part in parts for beat in part.beats}
    return [recording for key, recording in recordings.items() if key not in beats]


def build_lectures(
    requests: Sequence[ClipRequest],
    out_dir: Path,
    recordings: dict[tuple[str, str], Recording] | None = None,
    on_progress: ProgressCallback | None = None,
    on_message: Callable[[str], None] | None = None,
    force: bool = False,
) -> list[tuple[dict[str, Path], bool]]:
    """Build (or find up to date) the lecture of each language, theme and quality of a run's rendered clips.

    Parameters
    ----------
    requests
        The run's clips, in lecture order, already rendered into ``out_dir``.
    recordings
        The narration (:func:`gdanim.lecture.narration.find_recordings`), or ``None`` for silent lectures.
    on_message
        Receives the one ``warning:`` line naming the beats without a recording.
    force
        Build every lecture, even one whose inputs are unchanged.

    Returns
    -------
    list
        Per lecture: its files (extension → path) and whether they were already up to date.

    Raises
    ------
    NarrationError
        If a recording names no beat of the lectures; nothing is written.
    ValueError
        If a clip is not rendered or has no beats.
    """
    out_dir = Path(out_dir).resolve()
    lectures = collect_lectures(requests, out_dir)
    if recordings is not None:
        unknown = _unknown_recordings(lectures, recordings)
        if unknown:
            scene = unknown[0].scene
            known = sorted({beat.name for parts in lectures.values() for part in parts
                            if part.request.scene == scene for beat in part.beats})
            raise NarrationError(MESSAGES["recording_unknown"].format(
                path=unknown[0].path, what=f"beat {unknown[0].beat!r} in {scene}", known=", ".join(known)))
        beats = list(dict.fromkeys((part.request.scene, beat.name) for parts in lectures.values()
                                   for part in parts for beat in part.beats))
        missing = [f"{scene}/{beat}" for scene, beat in beats if (scene, beat) not in recordings]
        if missing and on_message is not None:
            listed = ", ".join(missing)
            on_message(MESSAGES["recordings_missing"].format(
                count=len(missing), total=len(beats), listed=listed if len(listed) <= 400 else listed[:399] + "…"))
    folder = out_dir / LECTURE_FOLDER
    folder.mkdir(exist_ok=True)
    remove_stale_temporaries(folder)
    results = []
    for name, parts in lectures.items():
        task = BuildLecture(name, parts, recordings, _input_hash(parts, recordings))
        if not force and _up_to_date(task, out_dir):
            results.append((task.targets(out_dir), True))
            continue
        results.append((task.run(out_dir, on_progress).files, False))
    return results
