"""Real gdanim renders at a tiny size, shared by the Hugo and browser tests.

The pipeline skips clips whose inputs are unchanged, so every test that asks
for the same clips in the same folder after the first gets them at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gdanim.clip.render import ClipResult, render_clips
from gdanim.options import TEST_RESOLUTION_ENV
from gdanim.clip.request import ClipRequest

__all__ = ["TINY_CLIPS", "TINY_RESOLUTION", "render_tiny_clips", "tiny_environment"]

TINY_RESOLUTION: str = "192x108@5"
"""Small enough to render in seconds on two busy cores, large enough to decode and look at."""

TINY_CLIPS: list[dict[str, object]] = [
    {"scene": "rolling-descent", "language": "he", "theme": "light", "steps": 2},
    {"scene": "rolling-descent", "language": "en", "theme": "dark", "steps": 2},
]
"""Two short descents: Hebrew on the book's light theme and English on the slides' dark theme."""


def tiny_environment() -> dict[str, str]:
    """Environment variables that make every render tiny (also for subprocesses)."""
    return {TEST_RESOLUTION_ENV: TINY_RESOLUTION}


def render_tiny_clips(out_dir: Path) -> list[ClipResult]:
    """Render :data:`TINY_CLIPS` as MP4, GIF and PNG poster into ``out_dir`` with the real pipeline."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tiny_environment().items():
            patch.setenv(name, value)
        requests = [ClipRequest.create(quality="low", **clip) for clip in TINY_CLIPS]
        return render_clips(requests, out_dir, ("mp4", "gif", "png"), jobs=1)
