"""How faithful a GIF is to the MP4 it was cut from: SSIM, and whether named colours survive.

SSIM alone misses colour loss (a 16-colour palette turned a small yellow
ball grey at SSIM 0.996), so each named colour is also checked: the pixels
that have exactly that colour in the source must keep it in the GIF.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import numpy as np

from gdanim.clip.gif import gif_frame_rate, require_tool
from scenes.style import hex_to_rgb

__all__ = ["COLOUR_TOLERANCE", "GifFidelity", "measure_gif"]

COLOUR_TOLERANCE: Final[float] = 24.0
"""Largest RGB distance at which a named colour still counts as itself in the GIF."""

_SOURCE_MATCH: Final[int] = 10
"""A source pixel belongs to a named colour when every channel is within this of it."""


@dataclass(frozen=True)
class GifFidelity:
    """Result of :func:`measure_gif`.

    Attributes
    ----------
    ssim
        Mean SSIM over all frames (ffmpeg's ``ssim`` filter, ``All``).
    colour_errors
        Role → median RGB distance between the true colour and the GIF's
        pixels where the source has that colour (``nan`` if it never appears).
    colour_pixels
        Role → how many source pixels had that colour.
    """

    ssim: float
    colour_errors: dict[str, float]
    colour_pixels: dict[str, int]

    def lost_colours(self, tolerance: float = COLOUR_TOLERANCE) -> list[str]:
        """Roles whose colour appears in the source but not, within ``tolerance``, in the GIF."""
        return [role for role, error in self.colour_errors.items() if not np.isnan(error) and error > tolerance]


def _frames(path: Path, filters: str, width: int, height: int) -> Iterator[np.ndarray]:
    ffmpeg = require_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-nostdin", "-i", str(path), "-vf", f"{filters},format=rgb24", "-f", "rawvideo", "-"]
    size = width * height * 3
    with subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL) as process:
        assert process.stdout is not None
        while len(chunk := process.stdout.read(size)) == size:
            yield np.frombuffer(chunk, dtype=np.uint8).reshape(height, width, 3)
        process.stdout.close()


def _ssim(gif: Path, source: Path, fps: Fraction, scale: str) -> float:
    ffmpeg = require_tool("ffmpeg")
    graph = f"[0:v]fps={fps},format=rgb24[a];[1:v]fps={fps},{scale},format=rgb24[b];[a][b]ssim"
    completed = subprocess.run(
        [ffmpeg, "-nostdin", "-i", str(gif), "-i", str(source), "-lavfi", graph, "-f", "null", "-"],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )
    match = re.search(r"All:([0-9.]+)", completed.stderr)
    if match is None:
        raise RuntimeError(f"ffmpeg ssim failed: {completed.stderr.strip().splitlines()[-1:]}")
    return float(match.group(1))


def measure_gif(gif: Path, source: Path, colours: Mapping[str, str], stride: int = 1) -> GifFidelity:
    """Compare a GIF with the MP4 it was made from, frame by frame at the GIF's size and rate.

    Parameters
    ----------
    gif, source
        The GIF and its source MP4.
    colours
        Role → hex colour that must survive, e.g. the theme's ball and curve.
    stride
        Check colours on every ``stride``-th frame only (SSIM always uses all).
    """
    import av

    with av.open(str(gif)) as container:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
    with av.open(str(source)) as container:
        base_rate = container.streams.video[0].base_rate
        if base_rate is None:
            raise ValueError(f"{source} has no frame rate")
        fps = gif_frame_rate(Fraction(base_rate))
    scale = f"scale={width}:{height}:flags=lanczos"
    targets = {role: np.array(hex_to_rgb(colour), dtype=np.int16) for role, colour in colours.items()}
    distances: dict[str, list[np.ndarray]] = {role: [] for role in targets}
    pairs = zip(_frames(source, f"fps={fps},{scale}", width, height), _frames(gif, f"fps={fps}", width, height))
    for index, (source_frame, gif_frame) in enumerate(pairs):
        if index % stride:
            continue
        source_pixels = source_frame.astype(np.int16)
        for role, rgb in targets.items():
            mask = np.all(np.abs(source_pixels - rgb) <= _SOURCE_MATCH, axis=-1)
            if mask.any():
                distances[role].append(np.linalg.norm(gif_frame[mask].astype(np.float64) - rgb, axis=-1))
    errors = {
        role: float(np.median(np.concatenate(values))) if values else float("nan") for role, values in distances.items()
    }
    pixels = {role: int(sum(v.size for v in values)) for role, values in distances.items()}
    return GifFidelity(ssim=_ssim(gif, source, fps, scale), colour_errors=errors, colour_pixels=pixels)
