"""The lecturer's recordings, one per beat, and the narration track made of them.

A narration folder holds ``<scene>/<beat>.(wav|flac|mp3|m4a|ogg)``. Every
file is checked before anything is written: one that names no scene or beat
of the lecture, has another extension, or cannot be decoded is a
:class:`NarrationError` naming it. The track is built by ffmpeg: each
recording placed at its beat's start (silence elsewhere), measured and
normalised in two passes of ``loudnorm`` (EBU R128 loudness, ITU-R BS.1770),
cut to the video's exact length.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gdanim.errors import MESSAGES, MissingToolError
from gdanim.store.files import file_digest

__all__ = [
    "AUDIO_SAMPLE_RATE",
    "LOUDNESS_TARGET",
    "RECORDING_EXTENSIONS",
    "NarrationError",
    "Placement",
    "Recording",
    "find_recordings",
    "write_narration",
]

RECORDING_EXTENSIONS: Final[tuple[str, ...]] = ("wav", "flac", "mp3", "m4a", "ogg")
"""The recordings a narration folder may hold."""

AUDIO_SAMPLE_RATE: Final[int] = 48000
"""The narration track's sample rate: a whole number of samples per frame at every quality's frame rate."""

LOUDNESS_TARGET: Final[dict[str, float]] = {"I": -16.0, "TP": -1.5, "LRA": 20.0}
"""``loudnorm``'s targets: -16 LUFS integrated (spoken word on the web), true peak -1.5 dBTP.

The loudness range allowed is ``loudnorm``'s widest (20 LU): a narration has
pauses between beats, and a range above the target would make ``loudnorm``
leave its linear mode (one gain for the whole track) for dynamic compression.
"""

AUDIO_BITRATE: Final[str] = "128k"
"""AAC bit rate of the narration."""


class NarrationError(ValueError):
    """A narration folder the lecture cannot use; the message names the file (a usage error, exit 2)."""


@dataclass(frozen=True)
class Recording:
    """One beat's recording.

    Attributes
    ----------
    scene, beat
        The scene's CLI name and the beat's name (the file's folder and stem).
    path
        The file.
    seconds
        Its decoded length.
    sha256
        Its SHA-256 (part of the lecture's input hash).
    """

    scene: str
    beat: str
    path: Path
    seconds: float
    sha256: str


@dataclass(frozen=True)
class Placement:
    """A recording placed on the lecture's timeline: it starts at ``start`` and has ``samples`` until the next one."""

    recording: Recording
    start: int
    samples: int


def _decoded_seconds(path: Path) -> float:
    """Decode the whole recording (proving it decodes) and return its length in seconds."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise NarrationError(MESSAGES["recording_undecodable"].format(path=path, reason="it has no audio"))
            stream = container.streams.audio[0]
            samples, rate = 0, stream.rate or stream.codec_context.sample_rate
            for frame in container.decode(stream):
                samples += frame.samples
                rate = frame.sample_rate
    except av.FFmpegError as error:
        reason = " ".join(str(getattr(error, "strerror", None) or error).split())
        raise NarrationError(MESSAGES["recording_undecodable"].format(path=path, reason=reason)) from None
    if not samples or not rate:
        raise NarrationError(MESSAGES["recording_undecodable"].format(path=path, reason="it holds no sound"))
    return samples / rate


def find_recordings(folder: Path, scenes: Iterable[str]) -> dict[tuple[str, str], Recording]:
    """The recordings in ``folder``, by ``(scene, beat)``, each decoded once to check it and measure it.

    Hidden files (``.DS_Store``) are skipped. Beat names are checked later,
    once the clips' beats are known (:func:`unknown_beats`).

    Raises
    ------
    NarrationError
        For a file not at ``<scene>/<beat>.<ext>`` with an extension of
        :data:`RECORDING_EXTENSIONS`, a scene not in the lecture, two
        recordings of one beat, or a file that does not decode.
    """
    wanted = set(scenes)
    found: dict[tuple[str, str], Recording] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or path.is_dir():
            continue
        extension = path.suffix.lower().lstrip(".")
        if len(relative.parts) != 2 or extension not in RECORDING_EXTENSIONS:
            raise NarrationError(MESSAGES["recording_misplaced"].format(
                path=path, extensions="|".join(RECORDING_EXTENSIONS)))
        scene, beat = relative.parts[0], path.stem
        if scene not in wanted:
            raise NarrationError(MESSAGES["recording_unknown"].format(
                path=path, what=f"scene {scene!r}", known=", ".join(sorted(wanted))))
        if (scene, beat) in found:
            raise NarrationError(MESSAGES["recording_twice"].format(path=path, other=found[scene, beat].path.name))
        seconds = _decoded_seconds(path)
        found[scene, beat] = Recording(scene, beat, path, seconds, file_digest(path)[1])
    return found


def _ffmpeg(arguments: Sequence[str]) -> str:
    """Run ffmpeg quietly; return what it wrote to stderr."""
    try:
        completed = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-y", *arguments], capture_output=True,
                                   text=True, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise MissingToolError("ffmpeg") from None
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.strip().splitlines() if line and "Conversion failed" not in line]
        detail = " ".join(lines[-1:]) or f"exit status {completed.returncode}"
        raise RuntimeError(MESSAGES["tool_failed"].format(tool="ffmpeg", detail=detail))
    return completed.stderr


def _mix(placements: Sequence[Placement], total: int, target: Path) -> None:
    """Write the recordings at their places, silence between them, exactly ``total`` samples, to the WAV ``target``."""
    inputs: list[str] = []
    chains: list[str] = []
    labels: list[str] = []
    position = 0
    mono = f"aresample={AUDIO_SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=mono"

    def silence(samples: int) -> None:
        label = f"s{len(labels)}"
        chains.append(f"anullsrc=r={AUDIO_SAMPLE_RATE}:cl=mono,atrim=end_sample={samples},{mono}[{label}]")
        labels.append(label)

    for placement in sorted(placements, key=lambda placed: placed.start):
        if placement.start > position:
            silence(placement.start - position)
        index = len(inputs) // 2
        inputs += ["-i", str(placement.recording.path)]
        label = f"r{len(labels)}"
        chains.append(f"[{index}:a:0]{mono},apad=whole_len={placement.samples},"
                      f"atrim=end_sample={placement.samples}[{label}]")
        labels.append(label)
        position = placement.start + placement.samples
    if total > position or not labels:
        silence(max(1, total - position))
    graph = ";".join(chains) + ";" + "".join(f"[{label}]" for label in labels)
    graph += f"concat=n={len(labels)}:v=0:a=1,atrim=end_sample={total}[mix]"
    _ffmpeg([*inputs, "-filter_complex", graph, "-map", "[mix]", "-c:a", "pcm_f32le", "-f", "wav", str(target)])


def _loudnorm_filter(measured: dict[str, str] | None = None) -> str:
    targets = ":".join(f"{name}={value:g}" for name, value in LOUDNESS_TARGET.items())
    if measured is None:
        return f"loudnorm={targets}:print_format=json"
    return (f"loudnorm={targets}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
            f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
            f":offset={measured['target_offset']}:linear=true:print_format=none")


def _measure(mix: Path) -> dict[str, str] | None:
    """``loudnorm``'s first pass: the mix's loudness, or ``None`` when it is silent (nothing to normalise)."""
    report = _ffmpeg(["-i", str(mix), "-af", _loudnorm_filter(), "-f", "null", "-"])
    match = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", report)
    if match is None:
        raise RuntimeError(MESSAGES["tool_failed"].format(tool="ffmpeg loudnorm", detail="no measurement"))
    measured = json.loads(match.group(0))
    if not re.fullmatch(r"-?\d+(\.\d+)?", measured["input_i"]) or float(measured["input_i"]) < -70:
        return None  # below loudness's absolute gate: silence
    return measured


def write_narration(placements: Sequence[Placement], total: int, target: Path) -> None:
    """Write the lecture's narration to the WAV ``target``: ``total`` samples at :data:`AUDIO_SAMPLE_RATE`, mono.

    The recordings are placed (:class:`Placement`), then the whole is
    normalised by ``loudnorm`` in two passes (measure, then a linear gain to
    :data:`LOUDNESS_TARGET`) and cut or padded back to exactly ``total``
    samples (``loudnorm`` resamples internally).
    """
    mix = target.with_name(f"{target.stem}-mix.wav")
    _mix(placements, total, mix)
    measured = _measure(mix)
    if measured is None:
        mix.replace(target)
        return
    chain = (f"{_loudnorm_filter(measured)},aresample={AUDIO_SAMPLE_RATE},"
             f"aformat=sample_fmts=flt:channel_layouts=mono,apad=whole_len={total},atrim=end_sample={total}")
    _ffmpeg(["-i", str(mix), "-af", chain, "-ar", str(AUDIO_SAMPLE_RATE), "-c:a", "pcm_f32le", "-f", "wav", str(target)])
    mix.unlink(missing_ok=True)
