"""Real ``python render.py`` runs at a tiny size, and what they leave on disk; shared by the render tests.

Every run renders at ``--test-size 160x90@5`` (see :func:`gdanim.options.get_preset`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np

from gdanim.store.cache import text_cache_dir
from gdanim.store.files import TEMP_PREFIX

__all__ = [
    "REPO_ROOT",
    "TINY",
    "TINY_OPTION",
    "TINY_CLIP_ARGUMENTS",
    "TINY_TAG",
    "debris",
    "decoded_frames",
    "files_under",
    "manifest_json",
    "path_without",
    "probe_video",
    "render_env",
    "run_render",
    "sha256",
    "snapshot",
    "start_render",
    "wait_for_debris",
]

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
TINY: str = "160x90@5"
TINY_TAG: str = "160x90p5"
TINY_OPTION: tuple[str, str] = ("--test-size", TINY)
"""The hidden CLI option that renders at :data:`TINY`; :func:`run_render` and :func:`start_render` add it."""

TINY_CLIP_ARGUMENTS: tuple[str, ...] = ("rolling-descent", "-q", "l", "-f", "both", "--steps", "2")
"""The shared tiny clip (the ``tiny_clip`` fixture): two steps of the rolling descent, MP4 and GIF."""


def render_env(**extra: str) -> dict[str, str]:
    """This process's environment plus ``extra``."""
    return {**os.environ, **extra}


def run_render(
    *arguments: str, env: dict[str, str] | None = None, tiny: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``python render.py ARGUMENTS --test-size 160x90@5`` (without it if not ``tiny``) as a user would."""
    return subprocess.run(
        [sys.executable, "render.py", *arguments, *(TINY_OPTION if tiny else ())],
        cwd=REPO_ROOT, env=env or render_env(), capture_output=True, text=True, timeout=240, check=False,
    )


def start_render(*arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``python render.py ARGUMENTS --test-size 160x90@5`` without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "render.py", *arguments, *TINY_OPTION], cwd=REPO_ROOT, env=env or render_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def debris(folder: Path) -> list[Path]:
    """gdanim's temporary files and folders under ``folder``."""
    return [p for p in folder.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def wait_for_debris(process: subprocess.Popen[str], out_dir: Path, timeout: float = 60) -> bool:
    """Wait until ``process`` starts writing into ``out_dir`` (its first temporary file); False if it never did."""
    deadline = time.monotonic() + timeout
    while not debris(out_dir) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(debris(out_dir))


def manifest_json(out_dir: Path) -> dict:
    """``OUT/manifest.json`` as the JSON a user reads."""
    return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))


def files_under(folder: Path) -> list[Path]:
    """Every file and folder below ``folder``, sorted; empty if it does not exist."""
    return sorted(folder.rglob("*")) if folder.exists() else []


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[Path, str]:
    """Relative path → SHA-256 of every file below ``folder``."""
    return {p.relative_to(folder): sha256(p) for p in folder.rglob("*") if p.is_file()}


def probe_video(path: Path) -> dict[str, object]:
    """Codec, pixel format, size, frame rate and decoded frame count of a video, read with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return {
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "rate": stream.base_rate,
            "frames": frames,
        }


def decoded_frames(path: Path) -> list[np.ndarray]:
    """Every frame of a video, decoded with PyAV to RGB arrays."""
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def path_without(folder: Path, missing: str) -> str:
    """A ``PATH`` (a new folder of links in ``folder``) with ffmpeg and gifsicle, except ``missing``; never LaTeX."""
    tools = folder / "bin"
    tools.mkdir()
    for tool in ("ffmpeg", "gifsicle"):
        found = subprocess.run(["which", tool], capture_output=True, text=True, check=False).stdout.strip()
        if tool != missing and found:
            (tools / tool).symlink_to(found)
    return str(tools)


def cache_sharing_texts(folder: Path, texts: Path | None = None) -> Path:
    """A new cache folder at ``folder`` whose text cache is ``texts``, by default the test run's
    (``tests/conftest.py``: ``private_cache``).

    For a test that needs a cache of its own (its frame counts, its media slots) but not cold texts:
    typesetting them again is most of a tiny render.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if texts is None:
        texts = text_cache_dir().resolve()  # the run's cache, which GDANIM_CACHE_DIR names now
    (folder / text_cache_dir().name).symlink_to(texts, target_is_directory=True)
    return folder
