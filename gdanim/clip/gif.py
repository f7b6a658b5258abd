"""Web GIFs from a rendered MP4: ffmpeg palette with frame-difference stats, then gifsicle.

No second Cairo pass: the GIF is cut from the same render as the MP4.
The palette is ffmpeg's, plus the theme's named colours (ball, curve,
tangent, text, …) and their faded tints written into its spare slots, so a
small ball keeps its true colour even when few of its pixels change between
frames, and a faded arrow stays pink instead of turning grey.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

from PIL import Image

from gdanim.errors import MESSAGES, MissingToolError
from gdanim.store.files import reporting_full_disk, temp_prefix
from scenes.style import hex_to_rgb

__all__ = ["GIF_SETTINGS", "GifSettings", "gif_frame_rate", "make_gif", "palette_additions", "require_tool"]


@dataclass(frozen=True)
class GifSettings:
    """How a web GIF is made.

    Attributes
    ----------
    width
        Target width in pixels (never upscaled beyond the source).
    max_fps
        Highest frame rate. The GIF keeps every k-th source frame for the
        smallest whole k that stays at or under it, so motion stays even:
        15 fps from 15, 30 or 60 fps sources, never 15 → 12 with every
        fifth frame dropped (a visible judder).
    palette_colours
        Colours ffmpeg's ``palettegen`` picks from the video; the theme's
        named colours are added on top.
    tints
        Opacities at which each named colour is also added, blended over
        the background (scenes fade old marks to about 0.35).
    lossy
        gifsicle ``--lossy`` level; 0 turns it off. Off by default: on the
        rolling descent at 480p15, lossy=30 saved a third of the bytes but
        streaked text (SSIM 0.991 against 0.997), and the lossless GIF is
        already under a fifth of manim's own.
    """

    width: int = 640
    max_fps: int = 15
    palette_colours: int = 32
    tints: tuple[float, ...] = (1.0, 0.65, 0.35)
    lossy: int = 0


GIF_SETTINGS: Final[GifSettings] = GifSettings()
"""The settings every GIF is made with (part of the input hash, as this file is)."""


def gif_frame_rate(source_fps: Fraction, max_fps: int = GIF_SETTINGS.max_fps) -> Fraction:
    """The GIF's frame rate: the source's divided by the smallest whole number that brings it to ``max_fps`` or below.

    Examples
    --------
    >>> [str(gif_frame_rate(Fraction(rate))) for rate in (15, 30, 60, 24, 25)]
    ['15', '15', '15', '12', '25/2']
    """
    return source_fps / math.ceil(source_fps / max_fps)


def _source_frame_rate(source: Path) -> Fraction:
    import av

    with av.open(str(source)) as container:
        rate = container.streams.video[0].base_rate
    return Fraction(rate) if rate else Fraction(GIF_SETTINGS.max_fps)


def require_tool(name: str) -> str:
    """Return the path of an external program, or raise :class:`MissingToolError` naming its package."""
    path = shutil.which(name)
    if path is None:
        raise MissingToolError(name)
    return path


def _run(command: list[str], output: Path) -> None:
    """Run a tool that writes the GIF ``output``; raise if it fails or leaves the GIF unfinished."""
    completed = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    tool = Path(command[0]).name
    if completed.returncode < 0:
        raise RuntimeError(MESSAGES["tool_failed"].format(tool=tool, detail=f"killed by {_signal_name(-completed.returncode)}"))
    if completed.returncode != 0:
        detail = (completed.stderr.strip().splitlines() or [f"exit status {completed.returncode}, no message"])[-1]
        raise RuntimeError(MESSAGES["tool_failed"].format(tool=tool, detail=detail))
    if output.suffix == ".gif" and not _is_complete_gif(output):
        # Both tools exit 0 when a full disk cuts the file short.
        raise RuntimeError(MESSAGES["tool_unfinished"].format(tool=tool, name=output.name))


def _signal_name(number: int) -> str:
    """``9`` → ``"SIGKILL"``; a number Python does not know stays a number."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _is_complete_gif(path: Path) -> bool:
    """True when the file ends with the GIF trailer byte, ``;``."""
    try:
        with path.open("rb") as gif:
            gif.seek(-1, os.SEEK_END)
            return gif.read(1) == b";"
    except OSError:
        return False


def palette_additions(colours: Mapping[str, str], tints: Iterable[float] = GIF_SETTINGS.tints) -> list[tuple[int, int, int]]:
    """The theme's named colours at each tint, blended over its ``background``, without repeats.

    Examples
    --------
    >>> palette_additions({"background": "#FFFFFF", "ball": "#D55E00"}, tints=(1.0, 0.5))
    [(255, 255, 255), (213, 94, 0), (234, 174, 128)]
    """
    background = hex_to_rgb(colours.get("background", "#000000"))
    added: dict[tuple[int, int, int], None] = {background: None}
    for role, colour in colours.items():
        if role == "background":
            continue
        rgb = hex_to_rgb(colour)
        for alpha in tints:
            added[tuple(round(alpha * c + (1 - alpha) * b) for c, b in zip(rgb, background))] = None  # type: ignore[index]
    return list(added)


def _add_colours_to_palette(palette_png: Path, colours: list[tuple[int, int, int]], used: int) -> None:
    """Write ``colours`` into the palette image's slots after the ``used`` ones ffmpeg filled."""
    palette = Image.open(palette_png).convert("RGB")
    width = palette.width
    for offset, rgb in enumerate(colours[: palette.width * palette.height - used]):
        index = used + offset
        palette.putpixel((index % width, index // width), rgb)
    palette.save(palette_png)


def make_gif(
    source: Path,
    target: Path,
    colours: Mapping[str, str] | None = None,
    settings: GifSettings = GIF_SETTINGS,
) -> None:
    """Turn an MP4 into a looping, optimised GIF at ``target``.

    Parameters
    ----------
    source
        The rendered MP4.
    target
        Where to write the GIF (typically a temporary file next to the final one).
    colours
        Role → hex colour that must survive, e.g. the theme's ``ball`` and
        ``curve``; a ``background`` entry is what tints blend over.
    settings
        Size, frame rate, palette size and lossiness.

    Raises
    ------
    MissingToolError
        If ``ffmpeg`` or ``gifsicle`` is not installed.
    RuntimeError
        If one of them fails.
    """
    ffmpeg = require_tool("ffmpeg")
    gifsicle = require_tool("gifsicle")
    fps = gif_frame_rate(_source_frame_rate(source), settings.max_fps)
    scale = f"fps={fps},scale='min({settings.width},iw)':-2:flags=lanczos"
    additions = palette_additions(colours or {}, settings.tints)
    with tempfile.TemporaryDirectory(prefix=temp_prefix("gif"), dir=target.parent) as work, reporting_full_disk(
        target.parent
    ):
        palette = Path(work) / "palette.png"
        quantised = Path(work) / "quantised.gif"
        _run([
            ffmpeg, "-v", "error", "-nostdin", "-i", str(source),
            "-vf", f"{scale},palettegen=max_colors={settings.palette_colours}:stats_mode=diff:reserve_transparent=0",
            "-y", str(palette),
        ], palette)
        _add_colours_to_palette(palette, additions, settings.palette_colours)
        _run([
            ffmpeg, "-v", "error", "-nostdin", "-i", str(source), "-i", str(palette),
            "-lavfi", f"{scale}[video];[video][1:v]paletteuse=dither=none:diff_mode=rectangle",
            "-loop", "0", "-f", "gif", "-y", str(quantised),
        ], quantised)
        lossy = [f"--lossy={settings.lossy}"] if settings.lossy else []
        _run([
            gifsicle, "-O3", *lossy, "--loopcount=forever", "--no-comments", "--no-names",
            str(quantised), "-o", str(target),
        ], target)
